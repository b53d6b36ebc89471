"""Assembly: the built parts and the raw files for download hard-linked into a fresh directory, the sitemaps written
for the whole site, and the result swapped in for site/ in one rename (a failure leaves the published site as it was)."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from xml.sax.saxutils import escape

from core.config import ArchiveConfig

SITEMAP_LIMIT = 50_000  # URLs in one sitemap file: the protocol's limit (sitemaps.org)
SITEMAP_URL = re.compile(r"<url>.*?</url>", re.S)
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def link_tree(sources: list[Path], target: Path) -> None:
    """Hard-link copies: one source → `target` itself; several → merged into `target`/<name of each>."""
    try:  # GNU cp links a whole tree in C, several times faster than copytree's per-file Python calls
        subprocess.run(["cp", "-al", *map(str, sources), str(target)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):  # no GNU cp here
        for source in sources:
            into = target if len(sources) == 1 else target / source.name
            shutil.copytree(source, into, copy_function=os.link, dirs_exist_ok=True)


def _replace(path: Path, text: str) -> None:
    """Write a file that may be a hard link into a part's output: replace it, never write through."""
    path.unlink(missing_ok=True)
    path.write_text(text, encoding="utf-8")
    gz = path.with_name(path.name + ".gz")
    gz.unlink(missing_ok=True)
    gz.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))


def write_sitemaps(site: Path, urls: list[str], base: str, limit: int = SITEMAP_LIMIT) -> list[str]:
    """`urls` (<url> elements as MkDocs writes them) as sitemap.xml, or — past `limit` — as sitemap-1.xml, sitemap-2.xml …
    of at most `limit` URLs each with sitemap.xml the index naming them (sitemaps.org); each file also gzipped.
    Returns the names written."""
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SITEMAP_NS}">\n'
    chunks = [urls[i:i + limit] for i in range(0, len(urls), limit)] or [[]]
    for stale in site.glob("sitemap-*.xml*"):
        stale.unlink()
    if len(chunks) == 1:
        _replace(site / "sitemap.xml", head + "\n".join(chunks[0]) + "\n</urlset>\n")
        return ["sitemap.xml"]
    names = [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)]
    for name, chunk in zip(names, chunks, strict=True):
        _replace(site / name, head + "\n".join(chunk) + "\n</urlset>\n")
    entries = "\n".join(f"  <sitemap><loc>{escape(base + name)}</loc></sitemap>" for name in names)
    _replace(site / "sitemap.xml", f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="{SITEMAP_NS}">\n{entries}\n</sitemapindex>\n')
    return ["sitemap.xml", *names]


def assemble(config: ArchiveConfig, parts: list[Path], sitemap_limit: int = SITEMAP_LIMIT, also: list[Path] | None = None) -> None:
    """parts[0] is the shell (the site's root); the others are document shards, whose document folders are merged in,
    as are the folders `also` names (the static search index: in the new site before it is swapped in).
    Every part's sitemap entries go into the site's sitemaps, each URL once."""
    site = config.site
    tmp, old = site.with_name(site.name + ".tmp"), site.with_name(site.name + ".old")
    shutil.rmtree(tmp, ignore_errors=True)
    link_tree([parts[0]], tmp)
    trees = [part / config.documents for part in parts[1:] if (part / config.documents).exists()]
    if config.raw_dir.exists():
        trees.append(config.raw_dir)
    trees += also or []
    if trees:
        link_tree(trees, tmp)
    urls: list[str] = []
    for part in parts:
        sitemap = part / "sitemap.xml"
        if sitemap.exists():
            urls += SITEMAP_URL.findall(sitemap.read_text(encoding="utf-8"))
    write_sitemaps(tmp, list(dict.fromkeys(urls)), config.site_url, sitemap_limit)
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    tmp.rename(site)
    discard(old, config.build / TRASH)


TRASH = "trash"  # under build/: trees no longer published, being removed by a detached process


def discard(tree: Path, trash: Path) -> None:
    """Remove a tree no longer published without holding up the build: it is moved under `trash` and deleted there by
    a detached `rm -rf` (at 100,000 documents the last site is 325,000 files, 13 s to remove). The next build empties
    `trash` of whatever is left. Where the move or `rm` is not possible, the tree is removed here."""
    if not tree.exists():
        return
    target = tree if tree.parent == trash else trash / f"{tree.name}-{time.time_ns()}"  # already there: removed again
    try:
        trash.mkdir(parents=True, exist_ok=True)
        if target != tree:
            tree.rename(target)
        subprocess.Popen(["rm", "-rf", "--", str(target)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:  # another file system, or no rm: removed in place
        shutil.rmtree(target if target.exists() else tree, ignore_errors=True)
