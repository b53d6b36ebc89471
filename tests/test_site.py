"""The generated site pages (archive/site.py) and the MkDocs hook: escaping, dates, pagination, feeds."""

from __future__ import annotations

import doctest
import html
import os
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import mkdocs_hooks, site
from core.config import ArchiveConfig, load_config
from core.record import DocumentRecord, write_record

from .conftest import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"
SITE_EXTENSIONS = ["footnotes", "md_in_html", "attr_list", "tables", "toc"]  # as in mkdocs.yml


def test_doctests() -> None:
    for module in (site, mkdocs_hooks):
        assert doctest.testmod(module).failed == 0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from(list("<>&\"'`*_[]()#!\\|{}~ ")), min_size=1))
def test_md_text_renders_exactly_the_text_as_link_text(text: str) -> None:
    """Whatever a title holds, inside a browse-page link it comes out as that text, never as markup."""
    rendered = markdown.markdown(f"- [{site.md_text(text)}](x.md)", extensions=SITE_EXTENSIONS)
    anchors = BeautifulSoup(rendered, "html.parser").find_all("a")
    expected = " ".join(text.split())
    if not expected:
        return
    assert len(anchors) == 1 and anchors[0].get_text() == html.unescape(html.escape(expected)), rendered


def test_safe_url_keeps_only_http() -> None:
    assert site.safe_url("http://a.vn/x") == "http://a.vn/x"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>", "//evil.example", "vbscript:x", "https://a.vn/\"onmouseover=x"):
        assert site.safe_url(bad) == "", bad


def test_vietnamese_dates() -> None:
    assert [site.vn_date(d) for d in ("2021-09-23", "2023-07", "2017", "", None)] == ["23/09/2021", "tháng 7/2023", "năm 2017", "", ""]


def _project(tmp_path: Path) -> ArchiveConfig:
    """A project folder of its own: a mkdocs.yml (defaults for the rest) and the records the pages are made from."""
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nsite_url: https://kho.example.vn/\n", encoding="utf-8")
    return load_config(tmp_path)


def _doc(config: ArchiveConfig, slug: str, **meta: object) -> None:
    write_record(config.records, DocumentRecord.from_front_matter(f"{config.documents}/{slug}", meta, "Nội dung.", ("BÁO CÁO",)))


def _archive(tmp_path: Path, n: int) -> Path:
    config = _project(tmp_path)
    for i in range(n):
        day = f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}"
        _doc(config, f"{day}-bao-cao-{i}", title=f"Báo cáo số {i} <b>đậm</b>", doc_type="Báo cáo", number=f"{i}-BC/ĐU", date=day,
             issuer="Đảng ủy xã An Lạc", province="Tỉnh Thử", district="Huyện Mẫu", place="xã An Lạc", added=f"2024-01-{1 + i % 28:02d}",
             source_file=f"s{i}.txt")
    site.generate(config)
    return config.docs


def test_browse_pages_hold_at_most_50_entries_and_link_their_neighbours(tmp_path: Path) -> None:
    docs = _archive(tmp_path, 120)
    pages = sorted((docs / "duyet" / "co-quan").glob("dang-uy-xa-an-lac*.md"))
    assert [p.name for p in pages] == ["dang-uy-xa-an-lac-2.md", "dang-uy-xa-an-lac-3.md", "dang-uy-xa-an-lac.md"]
    for page in docs.joinpath("duyet").rglob("*.md"):  # every list page, not only the issuer's
        entries = [line for line in page.read_text(encoding="utf-8").splitlines() if line.startswith("- [")]
        assert len(entries) <= 50, page
    second = (docs / "duyet" / "co-quan" / "dang-uy-xa-an-lac-2.md").read_text(encoding="utf-8")
    assert "Trang 2/3 · văn bản 51–100 trên 120" in second
    assert "[‹ Trang trước](dang-uy-xa-an-lac.md)" in second and "[Trang sau ›](dang-uy-xa-an-lac-3.md)" in second
    links = [line for line in second.splitlines() if line.startswith("- [")]
    assert len(links) == 50
    assert "&lt;b&gt;đậm&lt;/b&gt;" in links[0] and "<b>" not in second  # a title's markup is text
    assert "xã An Lạc, Tỉnh Thử" in links[0]  # the place says its province
    assert "/2023" in links[0] and "2023-" not in links[0].split("](")[0]  # Vietnamese date in the line


def test_a_province_of_many_communes_lists_at_most_50_documents(tmp_path: Path) -> None:
    config = _project(tmp_path)
    docs = config.docs
    for i in range(60):  # 30 communes of one province, two reports each
        _doc(config, f"d{i}", title=f"Báo cáo {i}", date=f"2023-01-{1 + i % 28:02d}", province="Tỉnh Thử", district="Huyện Mẫu",
             place=f"xã Số {i % 30}")
    site.generate(config)
    text = (docs / "duyet" / "dia-ban" / "tinh-thu" / "index.md").read_text(encoding="utf-8")
    assert text.count("\n### [xã Số") == 30
    assert sum(1 for line in text.splitlines() if line.startswith("- [")) <= 50


def test_a_province_directory_past_50_communes_is_paged(tmp_path: Path) -> None:
    """A province (or the unknown one) with 120 communes: its page lists 50 communes, each with its count and link,
    and links the next page; no page grows with the number of communes (at 100,000 documents the unknown province
    page listed 1,669 communes: 731 KB)."""
    config = _project(tmp_path)
    for i in range(120):
        _doc(config, f"d{i}", title=f"Báo cáo {i}", date="2023-01-02", province="Tỉnh Thử",
             district="Huyện Mẫu" if i < 100 else "Huyện Khác", place=f"xã Số {i:03d}")
    site.generate(config)
    folder = config.docs / "duyet" / "dia-ban" / "tinh-thu"
    pages = [folder / name for name in ("index.md", "index-2.md", "index-3.md")]
    assert all(p.exists() for p in pages) and not (folder / "index-4.md").exists()
    first, last = pages[0].read_text(encoding="utf-8"), pages[2].read_text(encoding="utf-8")
    communes = [line for line in first.splitlines() if line.startswith("- [xã Số")]
    assert len(communes) == 50 and communes[0] == "- [xã Số 100](huyen-khac-xa-so-100.md) — 1 văn bản"  # districts in order
    assert "Trang 1/3 · xã, phường 1–50 trên 120" in first and "[Trang sau ›](index-2.md)" in first
    assert "## Huyện Mẫu" in last and "## Huyện Khác" not in last  # the district heading goes with its communes
    assert (folder / "huyen-mau-xa-so-000.md").exists()  # the link leads to the commune's page


def test_unknown_values_give_honest_headings(tmp_path: Path) -> None:
    config = _project(tmp_path)
    docs = config.docs
    _doc(config, "x", title=None)
    site.generate(config)
    titles = [p.read_text(encoding="utf-8").splitlines()[1] for p in (docs / "duyet").rglob("*.md")]
    assert not [t for t in titles if "Không rõ — Không rõ" in t]
    assert 'title: "Không rõ địa bàn"' in titles
    home = (docs / "index.md").read_text(encoding="utf-8")
    assert "Năm ban hành: **không rõ (1 văn bản không rõ ngày)**" in home


def _text(parent: ET.Element, path: str) -> str:
    """The text of the element at path, which must be there."""
    found = parent.find(path)
    assert found is not None and found.text is not None, f"no {path} in <{parent.tag}>"
    return found.text


def test_feeds_are_atom_with_author_self_link_and_site_url(tmp_path: Path) -> None:
    docs = _archive(tmp_path, 60)
    base = "https://kho.example.vn/"  # the project's site_url
    for name in ("all.xml", "tinh-thu.xml", "co-quan-dang-uy-xa-an-lac.xml"):
        feed = ET.fromstring((docs / "feeds" / name).read_bytes())
        assert feed.tag == f"{ATOM}feed"
        assert _text(feed, f"{ATOM}author/{ATOM}name")
        selfs = [link.get("href") for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
        assert selfs == [f"{base}feeds/{name}"]
        entries = feed.findall(f"{ATOM}entry")
        assert len(entries) == 50  # bounded
        assert all(_text(e, f"{ATOM}id").startswith(f"{base}van-ban/") for e in entries)
        assert _text(entries[0], f"{ATOM}updated") >= _text(entries[-1], f"{ATOM}updated")  # newest first
    province = (docs / "duyet" / "dia-ban" / "tinh-thu" / "index.md").read_text(encoding="utf-8")
    assert "](../../../feeds/tinh-thu.xml)" in province and 'feed: "feeds/tinh-thu.xml"' in province


def test_site_url_comes_from_mkdocs_yml() -> None:
    lines = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    configured = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("site_url:"))
    assert load_config(ROOT).site_url.rstrip("/") == configured.rstrip("/")


def test_catalogue_stays_out_of_the_published_site(tmp_path: Path) -> None:
    """The catalogue lists every document: it is written under build/ for the hook, never into docs/ (the site)."""
    docs = _archive(tmp_path, 3)
    assert not (docs / "catalog.json").exists() and (tmp_path / "build" / "catalog.json").exists()


def test_template_helpers_keep_escaping_and_compare_spellings() -> None:
    import jinja2

    env = mkdocs_hooks.on_env(jinja2.Environment(), None, None)
    meta = {"date": "2023-07", "issuer": "Đảng ủy <b>x</b>", "issuer_source": "ĐẢNG UỶ <B>X</B>", "other": "ĐẢNG ỦY PHƯỜNG PHỔ HÒA"}
    escaped = {k: mkdocs_hooks._escaped(v) for k, v in meta.items()}
    render = env.from_string("{{ m.date | vndate }}|{{ m.issuer | e }}|{{ m.issuer | fold }}|{{ 'a<b' | vndate }}|"
                             "{{ m.issuer_source is same_spelling(m.issuer) }}|{{ m.other is same_spelling('Đảng ủy phường Phố Hòa') }}")
    assert render.render(m=escaped) == "tháng 7/2023|Đảng ủy &lt;b&gt;x&lt;/b&gt;|dang uy &lt;b&gt;x&lt;/b&gt;|a&lt;b|True|False"


def test_gazetteer_names_in_browse_pages_with_the_source_spelling_beside(tmp_path: Path) -> None:
    """issue 16 point 10: the text says "PHỐ HOÀ", the gazetteer knows the ward as Phổ Hòa."""
    config = _project(tmp_path)
    docs = config.docs
    _doc(config, "d", title="Báo cáo sơ kết", date="2023-05-18", issuer="Đảng ủy phường Phố Hòa", place="phường Phố Hòa",
         district="Thị xã Đức Phổ", province="Tỉnh Quảng Ngãi", place_codes={"ward": "21469", "district": "534", "province": "51"})
    site.generate(config)
    issuer = (docs / "duyet" / "co-quan" / "dang-uy-phuong-pho-hoa.md").read_text(encoding="utf-8")
    assert "# Đảng ủy phường Phổ Hòa" in issuer and "văn bản ghi: Đảng ủy phường Phố Hòa" in issuer
    province = (docs / "duyet" / "dia-ban" / "tinh-quang-ngai" / "index.md").read_text(encoding="utf-8")
    assert "### [phường Phổ Hòa](thi-xa-duc-pho-phuong-pho-hoa.md) (văn bản ghi: phường Phố Hòa)" in province
    assert "· phường Phổ Hòa, Tỉnh Quảng Ngãi" in province
    catalogue = config.catalogue.read_text(encoding="utf-8")
    assert '"issuer_gazetteer": "Đảng ủy phường Phổ Hòa"' in catalogue


def test_two_spellings_of_one_commune_are_one_page_and_a_rebuild_writes_nothing(tmp_path: Path) -> None:
    """'Phường IV' and 'phường IV' (or Hóa/Hoá) slug alike: they were two groups writing one page in turn, so every
    build rewrote it and republished the whole site. Now one page lists both documents, and a second run writes none."""
    config = _project(tmp_path)
    for i, (province, place) in enumerate([("Tỉnh Thanh Hóa", "Phường IV"), ("Tỉnh Thanh Hoá", "phường IV"), ("Tỉnh Thanh Hóa", "xã An")]):
        _doc(config, f"2023-05-0{i + 1}-bao-cao-{i}", title=f"Báo cáo {i}", doc_type="Báo cáo", date=f"2023-05-0{i + 1}",
             province=province, district="", place=place, source_file=f"s{i}.txt")
    site.generate(config)
    pages = sorted((config.docs / "duyet" / "dia-ban").rglob("*phuong-iv*.md"))
    assert len(pages) == 1, pages
    text = pages[0].read_text(encoding="utf-8")
    assert "Báo cáo 0" in text and "Báo cáo 1" in text
    assert site.generate(config)["written"] == 0


def test_a_rebuild_knows_unchanged_pages_without_reading_them_and_mends_a_page_changed_by_hand(tmp_path: Path) -> None:
    """The pages manifest (each page's digest, size and time) stands in for reading every page back; a page edited or
    deleted behind the build's back is written again, and a feed is made again when a document it lists changed."""
    docs = _archive(tmp_path, 3)
    config = load_config(tmp_path)
    assert (config.build / site.PAGES_MANIFEST).exists()
    page, feed = docs / "duyet" / "loai" / "bao-cao.md", docs / "feeds" / "all.xml"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "sửa tay\n", encoding="utf-8")  # edited by hand
    (docs / "duyet" / "thoi-gian" / "index.md").unlink()  # deleted by hand
    again = site.generate(config)
    assert again["written"] == 2, again
    assert page.read_text(encoding="utf-8") == original and (docs / "duyet" / "thoi-gian" / "index.md").exists()
    assert site.generate(config)["written"] == 0
    before = feed.read_text(encoding="utf-8")
    _doc(config, "2023-01-01-bao-cao-0", title="Báo cáo đã sửa tên", doc_type="Báo cáo", number="0-BC/ĐU", date="2023-01-01",
         issuer="Đảng ủy xã An Lạc", province="Tỉnh Thử", district="Huyện Mẫu", place="xã An Lạc", added="2024-01-01", source_file="s0.txt")
    site.generate(config)
    after = feed.read_text(encoding="utf-8")
    assert after != before and "Báo cáo đã sửa tên" in after


def test_raw_sources_are_copied_once_and_again_when_they_change(tmp_path: Path) -> None:
    """Each raw source is published as it is; an unchanged one is known by its size and time, a changed one copied."""
    config = _project(tmp_path)
    config.sources.mkdir(parents=True)
    (config.sources / "s0.txt").write_text("BÁO CÁO\nNội dung gốc.\n", encoding="utf-8")
    _doc(config, "2023-05-01-bao-cao", title="Báo cáo", doc_type="Báo cáo", date="2023-05-01", source_file="s0.txt")
    site.generate(config)
    copy = config.raw_dir / "s0.txt"
    assert copy.read_text(encoding="utf-8") == "BÁO CÁO\nNội dung gốc.\n"
    assert site.generate(config)["written"] == 0
    (config.sources / "s0.txt").unlink()
    (config.sources / "s0.txt").write_text("BÁO CÁO\nNội dung đã sửa.\n", encoding="utf-8")
    assert site.generate(config)["written"] == 1
    assert copy.read_text(encoding="utf-8") == "BÁO CÁO\nNội dung đã sửa.\n"
    # the same size and modification time (tar, rsync -t, cp -p), other bytes, a private mode: copied, readable
    source = config.sources / "s0.txt"
    times = source.stat()
    source.unlink()
    source.write_text("BÁO CÁO\nNội dung đã xửa.\n", encoding="utf-8")
    os.utime(source, ns=(times.st_atime_ns, times.st_mtime_ns))
    source.chmod(0o600)
    assert site.generate(config)["written"] == 1
    assert copy.read_text(encoding="utf-8") == "BÁO CÁO\nNội dung đã xửa.\n" and copy.stat().st_mode & 0o044


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 59), st.sampled_from(["title", "date", "place", "issuer", "doc_type", "gone"]),
                          st.integers(0, 3)), min_size=1, max_size=6))
def test_pages_made_again_from_what_changed_are_the_pages_made_from_scratch(tmp_path_factory: pytest.TempPathFactory,
                                                                           changes: list[tuple[int, str, int]]) -> None:
    """After any edits to any records, the pages a rebuild makes (most of them known unchanged from the manifest and
    their inputs' keys) are byte for byte the pages a first build makes of the same records."""
    folder = tmp_path_factory.mktemp("keyed")
    config = _project(folder)
    meta = {}
    for i in range(60):  # over PER_PAGE: paged lists, several communes, issuers and years
        day = f"{2021 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        meta[i] = dict(title=f"Báo cáo {i}", doc_type="Báo cáo", number=f"{i}-BC/ĐU", date=day, issuer=f"Đảng ủy xã {'ABC'[i % 3]}",
                       province="Tỉnh Thử", district="Huyện Mẫu", place=f"xã {'ABC'[i % 3]}", added=f"2024-01-{1 + i % 28:02d}", source_file="")
        _doc(config, f"d{i}", **meta[i])
    site.generate(config)
    values = {"title": ["Báo cáo mới", "Nghị quyết", "Kế hoạch", "Thông báo"], "date": ["2020-01-05", "2023-12-31", "", "2022-06"],
              "place": ["xã A", "xã D", "", "phường E"], "issuer": ["Đảng ủy xã D", "", "UBND xã A", "Đảng ủy xã A"],
              "doc_type": ["Nghị quyết", "Kế hoạch", "", "Báo cáo"]}
    for i, field, choice in changes:
        if field == "gone":
            (config.records / config.documents / f"d{i}.json").unlink(missing_ok=True)
            continue
        meta[i][field] = values[field][choice]
        _doc(config, f"d{i}", **meta[i])
    site.generate(config)
    fresh = _project(tmp_path_factory.mktemp("fresh"))
    shutil.copytree(config.records, fresh.records)
    site.generate(fresh)
    assert _tree(config.docs) == _tree(fresh.docs)
