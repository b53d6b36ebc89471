"""The only MkDocs-specific code: document pages get the document template and their series links, and a build
can be limited to one part of the site (the shell, or one shard of documents) so parts rebuild independently.

Every front-matter string is escaped here, once, before any template sees it: MkDocs renders templates without
autoescaping, and Material prints `page.meta.title`, `page.title` and `page.meta.description` raw. Values become
`markupsafe.Markup` of their escaped text, so templates print them as text and `| e` never escapes them twice.

Kept thin on purpose (Material for MkDocs reaches end of life in 2027): moving generator means
porting this file, overrides/ and mkdocs.yml; browse pages, feeds and the catalogue are plain files.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import nh3
import pathspec
from markupsafe import Markup, escape
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.toc import AnchorLink

from archive.site import safe_url, vn_date
from core.config import ArchiveConfig, load_config
from core.text import fold, new_tone_placement, slugify

PART_ENV = "ARCHIVE_SITE_PART"  # "shell", or a file listing the document slugs of one shard (archive/parts.py)
PANEL_ID = "thuoc-tinh"  # the attributes panel: the skip link's target and the first contents entry
FIRST_H1 = re.compile(r"<h1([^>]*)>(.*?)</h1>", re.S)  # the body's h1 is the document kind ("NGHỊ QUYẾT"), not its title
H1_ID = re.compile(r'<h1 id="([^"]+)"')

# What a rendered document may contain (the converter's Markdown through Python-Markdown): anything else a scraped
# page smuggles in (script, img, event handlers, javascript: links) is removed by nh3 as the page is rendered.
BODY_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2",
             "h3", "h4", "h5", "h6", "hr", "i", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
             "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
BODY_ATTRIBUTES = {"*": {"class", "id", "title"}, "a": {"href"}, "td": {"align", "colspan", "rowspan", "style"},
                   "th": {"align", "colspan", "rowspan", "style"}, "ol": {"start"}}
BODY_SCHEMES = {"http", "https", "mailto"}

_catalogue: dict[str, Any] = {}
_archive: list[ArchiveConfig] = []  # the project's configuration (core/config.py), read in on_config


def clean_body(html: str) -> str:
    """A rendered document reduced to BODY_TAGS/BODY_ATTRIBUTES, http(s)/mailto and in-site links only.

    >>> clean_body('<p id="a">mục <img src=x onerror=alert(1)><a href="javascript:alert(2)">x</a></p>')
    '<p id="a">mục <a>x</a></p>'
    """
    return nh3.clean(html, tags=BODY_TAGS, attributes=BODY_ATTRIBUTES, url_schemes=BODY_SCHEMES, link_rel=None,
                     filter_style_properties={"text-align"})


def _escaped(value: Any) -> Any:
    """Strings (also inside lists and mappings) as escaped Markup; other scalars unchanged."""
    if isinstance(value, str):
        return Markup(escape(value))
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: _escaped(v) for k, v in value.items()}
    return value


def heading_slug(value: str, separator: str) -> str:
    """Heading anchors for the `toc` extension (mkdocs.yml): folded like the browse pages' slugs, so "đ" becomes "d"
    where Python-Markdown's default drops it ("xây dựng Đảng" → "xay-dung-ang").

    >>> heading_slug("4. Về xây dựng Đảng", "-")
    '4-ve-xay-dung-dang'
    """
    return slugify(value).replace("-", separator)


def on_config(config: Any) -> Any:
    archive = load_config(Path(config.config_file_path).parent)
    _archive[:] = [archive]
    # the templates link documents and raw files through these (overrides/document.html), never through literals
    config.extra["archive"] = {**(config.extra.get("archive") or {}), "documents": archive.documents, "raw": archive.raw}
    # document pages are reached from the browse pages, not the navigation: mkdocs.yml's not_in_nav names the default
    # folder, the configured one is added here
    spec = config.get("not_in_nav")
    patterns = [str(p.pattern) for p in spec.patterns] if spec is not None else []
    if f"/{archive.documents}/" not in patterns:
        config["not_in_nav"] = pathspec.gitignore.GitIgnoreSpec.from_lines([*patterns, f"/{archive.documents}/"])
    _catalogue.clear()
    part = os.environ.get(PART_ENV)
    if part and part != "shell":  # a shard of documents: its own docs folder and its slice of the catalogue
        config.docs_dir = str(_part_docs(Path(part), Path(config.docs_dir), archive, config.nav or []))
        _catalogue.update(json.loads(Path(part).with_suffix(".catalogue.json").read_text(encoding="utf-8")))
    elif archive.catalogue.exists():
        _catalogue.update(json.loads(archive.catalogue.read_text(encoding="utf-8")))
    return config


def _nav_pages(nav: Any) -> list[str]:
    """The Markdown files the navigation names (nested sections included; external links are not files).

    >>> _nav_pages([{"Trang chủ": "index.md"}, {"Duyệt": [{"Thời gian": "duyet/thoi-gian/index.md"}]}, "https://x.vn/"])
    ['index.md', 'duyet/thoi-gian/index.md']
    """
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") and "://" not in nav else []
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    return []


def _part_docs(members: Path, docs: Path, archive: ArchiveConfig, nav: Any) -> Path:
    """A shard's own docs folder, hard links into docs/: its documents, the pages the navigation names and the
    assets. MkDocs walks every file of docs_dir before any hook can exclude one; at 100,000 documents (and as many
    raw files) that walk was 10 of a shard's 15 CPU seconds, paid by each of its 1,000 shards. Removed by parts.py."""
    target = members.with_suffix(".docs")
    shutil.rmtree(target, ignore_errors=True)
    slugs = members.read_text(encoding="utf-8").split()
    wanted = [f"{archive.documents}/{slug}.md" for slug in slugs] + _nav_pages(nav)
    wanted += [p.relative_to(docs).as_posix() for p in (docs / "assets").rglob("*") if p.is_file()]
    for rel in wanted:
        source = docs / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            os.link(source, target / rel)
    return target


def _config() -> ArchiveConfig:
    if not _archive:  # a hook called without on_config (a test): the current directory's project
        _archive.append(load_config())
    return _archive[0]


def _documents() -> str:
    """The document folder with its slash ("van-ban/"): pages under it are documents."""
    return _config().documents + "/"


def on_env(env: Any, config: Any, files: Any) -> Any:
    # A Markup value is already escaped (on_page_markdown) and vn_date only reorders its digits; anything else is escaped.
    env.filters["vndate"] = lambda value: Markup(vn_date(value)) if isinstance(value, Markup) else escape(vn_date(value))
    # "ĐẢNG UỶ PHƯỜNG PHỐ HOÀ" and "Đảng ủy phường Phố Hòa" are one spelling (case, old/new tone placement)
    env.tests["same_spelling"] = lambda a, b: new_tone_placement(str(a).lower()) == new_tone_placement(str(b).lower())
    env.filters["fold"] = lambda value: Markup(fold(value)) if isinstance(value, Markup) else escape(fold(str(value)))
    return env


def on_files(files: Any, config: Any) -> Any:
    """Without the variable (plain `mkdocs build` or `mkdocs serve`) the whole site is built."""
    part = os.environ.get(PART_ENV)
    if not part:
        return files
    members = None if part == "shell" else set(Path(part).read_text(encoding="utf-8").split())
    documents, raw = _documents(), _config().raw + "/"
    for file in files:
        is_document = file.src_uri.startswith(documents) and file.src_uri.endswith(".md")
        keep = not is_document if members is None else is_document and Path(file.src_uri).stem in members
        keep = keep and not file.src_uri.startswith(raw)  # raw files for download: linked in when the parts are assembled
        if not keep:
            file.inclusion = InclusionLevel.EXCLUDED  # nav entries and links to it still resolve to its URL
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    meta = page.meta
    if page.file.src_uri.startswith(_documents()):
        slug = Path(page.file.src_uri).stem
        meta["template"] = "document.html"
        meta["series"] = _catalogue.get(slug, {})
        for key in ("place_gazetteer", "issuer_gazetteer"):  # names as the gazetteer spells them (archive/site.py)
            meta[key] = _catalogue.get(slug, {}).get(key, "")
        if not meta.get("title"):
            meta["title"] = _catalogue.get(slug, {}).get("title")
        meta.setdefault("description", " · ".join(str(x) for x in (meta.get("issuer"), vn_date(meta.get("date")), meta.get("number")) if x))
        # the raw file downloads under the document's own name, not the scraper's "002_c44b….txt"
        meta["source_download"] = slug + Path(str(meta.get("source_file") or "")).suffix
        meta["source_href"] = safe_url(meta.get("source_url"))  # http(s) only: a javascript: address is never a link
    for key in list(meta):
        if key != "template":
            meta[key] = _escaped(meta[key])
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if not page.file.src_uri.startswith(_documents()):
        return _skip_to_title(html, page)
    html = clean_body(html)
    # The title is the page's h1 (document.html); the kind printed above it on paper stays, as a styled line.
    html = FIRST_H1.sub(lambda m: f'<p class="doc-kind"{m.group(1)}>{m.group(2)}</p>', html, count=1)
    page.toc.items.insert(0, AnchorLink("Thuộc tính văn bản", PANEL_ID, 2))  # skip link and contents start at the panel
    return html


def _skip_to_title(html: str, page: Any) -> str:
    """Material's skip link goes to the first contents entry; with `toc_depth: 2-6` that was the first h2, past the
    title, the intro and the search form (home), or nowhere on pages without an h2 (search, time browse, about).
    The h1 becomes a level-1 entry holding the others: the skip link lands on the title, and Material's sidebar
    shows the h1's children, so the contents list is unchanged."""
    found = H1_ID.search(html)
    if found and not (page.toc.items and page.toc.items[0].level == 1):
        title = AnchorLink(str(page.title or ""), found.group(1), 1)
        title.children = list(page.toc.items)
        page.toc.items[:] = [title]
    return html
