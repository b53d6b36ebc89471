"""Site-part planning: the site in parts (a shell of home, browse pages, feeds and assets, and shards of SHARD_SIZE
documents), each an independent `mkdocs build --strict` in its own process; only the parts whose inputs changed are
rebuilt, and a shard with a few changed documents builds those pages alone and patches them into its last output."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config import ArchiveConfig

from .assemble import SITEMAP_URL, link_tree
from .state import CODE, load_permalinks, tree_hash

SHARD_SIZE = 100  # documents per sub-site: the unit of incremental publishing (one changed report rebuilds its shard)
PATCH_LIMIT = 10  # up to this many changed documents of a shard are built alone and patched into its last output
SITEMAP_LOC = re.compile(r"<loc>(.*?)</loc>")


def parts_dir(config: ArchiveConfig) -> Path:
    return config.build / "site-parts"  # each part's last good output, kept between builds


@dataclass
class Part:
    name: str  # "shell" (home, browse pages, assets, feeds) or "documents-NNN"
    members: dict[str, str]  # a shard's document slugs → digest of what each page shows; empty for the shell
    digest: str
    only: list[str] = field(default_factory=list)  # when set, only these members changed: build them and patch
    entries: dict[str, Any] = field(default_factory=dict)  # the members' catalogue entries (series neighbours, names)


def plan_parts(config: ArchiveConfig, markdown_hashes: dict[str, str]) -> list[Part]:
    """The shell plus shards of SHARD_SIZE documents in permalink order (stable: a new report joins the last shard).
    A document's digest comes from its Markdown's hash as the convert stage wrote it (`markdown_hashes`, id → hash),
    so planning reads no document; a document the state does not know is hashed from its file."""
    theme = tree_hash(list(config.theme), config.project)
    shell = tree_hash([config.docs], config.project, exclude={config.doc_dir, config.raw_dir, config.docs / ".cache"})  # raw files are linked in
    parts = [Part("shell", {}, hashlib.sha256((theme + shell).encode()).hexdigest())]
    catalogue = json.loads(config.catalogue.read_text(encoding="utf-8")) if config.catalogue.exists() else {}
    ordered = list(dict.fromkeys(load_permalinks(config.permalinks).values()))
    ordered += sorted({p.stem for p in config.doc_dir.glob("*.md")} - set(ordered))
    shards: dict[int, dict[str, str]] = {}
    for position, slug in enumerate(ordered):
        path = config.doc_dir / f"{slug}.md"
        page = markdown_hashes.get(f"{config.documents}/{slug}")
        if page is None and path.exists():
            page = hashlib.sha256(path.read_bytes()).hexdigest()
        if page is not None:  # a page shows the theme, its Markdown and its catalogue entry (series neighbours)
            digest = hashlib.sha256((theme + page).encode() + json.dumps(catalogue.get(slug), sort_keys=True).encode())
            shards.setdefault(position // SHARD_SIZE, {})[slug] = digest.hexdigest()
    for number, members in sorted(shards.items()):
        parts.append(Part(f"documents-{number:03d}", members, hashlib.sha256("".join(members.values()).encode()).hexdigest(),
                          entries={slug: catalogue[slug] for slug in members if slug in catalogue}))
    return parts


def build_part(config: ArchiveConfig, part: Part) -> str | None:
    """mkdocs build --strict of one part (or of its changed members only) into a fresh directory; its previous output
    is replaced only on success. Returns the error text, or None."""
    folder = parts_dir(config)
    out, tmp = folder / part.name, folder / f"{part.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    selector = "shell"
    if part.only and not (out / config.documents).is_dir():  # nothing to patch into (the document folder renamed …)
        part.only = []
    if part.members:  # the shard's documents and their catalogue entries (the hook builds its docs folder from them)
        selector = str(folder / f"{part.name}.members")
        Path(selector).write_text("\n".join(part.only or part.members), encoding="utf-8")
        Path(selector).with_suffix(".catalogue.json").write_text(json.dumps(part.entries, ensure_ascii=False), encoding="utf-8")
    path = os.pathsep.join(p for p in (str(CODE), os.environ.get("PYTHONPATH", "")) if p)  # the hooks import this code
    env = dict(os.environ, PYTHONPATH=path, NO_MKDOCS_2_WARNING="1", ARCHIVE_SITE_PART=selector)
    result = subprocess.run(  # not --quiet: it hides the very warnings that strict mode counts
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config.config_file), "--site-dir", str(tmp)],
        cwd=config.project, env=env, capture_output=True, text=True)
    shutil.rmtree(folder / f"{part.name}.docs", ignore_errors=True)  # the shard's docs folder (archive/mkdocs_hooks.py)
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return f"{part.name}: {result.stderr[-4000:]}"
    if part.only:
        tmp = _patched(config, out, tmp, part.only)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return None


def _loc(url: str) -> str:
    found = SITEMAP_LOC.search(url)
    return found.group(1) if found else url


def _patched(config: ArchiveConfig, out: Path, changed: Path, slugs: list[str]) -> Path:
    """The shard's last output (hard links) with the changed documents' pages and sitemap entries replaced."""
    patched = out.with_name(out.name + ".new")
    shutil.rmtree(patched, ignore_errors=True)
    link_tree([out], patched)
    fresh = {_loc(u): u for u in SITEMAP_URL.findall((changed / "sitemap.xml").read_text(encoding="utf-8"))}
    for slug in slugs:
        shutil.rmtree(patched / config.documents / slug, ignore_errors=True)
        (changed / config.documents / slug).rename(patched / config.documents / slug)
    sitemap = (patched / "sitemap.xml").read_text(encoding="utf-8")
    sitemap = SITEMAP_URL.sub(lambda m: fresh.get(_loc(m.group()), m.group()), sitemap)
    (patched / "sitemap.xml").unlink()  # a hard link into the last output: replace, never write through
    (patched / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    shutil.rmtree(changed)
    return patched


class SiteBuild:
    """The parts to rebuild, planned from the state (`__init__` only plans); `start` runs their mkdocs builds in the
    background (threads waiting on processes) so the index is built beside them; `finish` waits and records them."""

    def __init__(self, config: ArchiveConfig, state: dict[str, Any], markdown_hashes: dict[str, str]) -> None:
        self.config, self.state = config, state
        self.parts = plan_parts(config, markdown_hashes)
        built: dict[str, str] = state.get("site_parts", {})
        pages: dict[str, dict[str, str]] = state.get("site_pages", {})
        folder = parts_dir(config)
        self.todo = [p for p in self.parts if built.get(p.name) != p.digest or not (folder / p.name).exists()]
        for part in self.todo:  # a shard with the same members, a few of them changed: rebuild those pages only
            before = pages.get(part.name)
            if part.members and before is not None and before.keys() == part.members.keys() and (folder / part.name).exists():
                changed = [slug for slug, digest in part.members.items() if before[slug] != digest]
                if len(changed) <= PATCH_LIMIT:
                    part.only = changed
        self.futures: list[Future[str | None]] = []
        self.started = self.ended = 0.0

    def start(self, jobs: int) -> None:
        parts_dir(self.config).mkdir(parents=True, exist_ok=True)
        pool = ThreadPoolExecutor(max_workers=max(1, jobs))  # threads only wait on mkdocs processes
        self.started = self.ended = time.perf_counter()
        self.futures = [pool.submit(self._timed, p) for p in self.todo]
        pool.shutdown(wait=False)  # no new work; the running builds go on

    def _timed(self, part: Part) -> str | None:
        error = build_part(self.config, part)
        self.ended = max(self.ended, time.perf_counter())
        return error

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def finish(self) -> list[Part]:
        """Wait for the parts; record the built ones in the state and drop parts no longer planned. Raises
        RuntimeError (every failed part's message) when one failed: the caller keeps the published site."""
        outcomes = [f.result() for f in self.futures]
        built, pages = self.state.setdefault("site_parts", {}), self.state.setdefault("site_pages", {})
        for part, error in zip(self.todo, outcomes, strict=True):
            if error is None:
                built[part.name], pages[part.name] = part.digest, part.members
        errors = [e for e in outcomes if e]
        if errors:
            raise RuntimeError("mkdocs build --strict failed; the previous site/ is kept.\n" + "\n".join(errors))
        live = {p.name for p in self.parts}
        for stale in [p for p in parts_dir(self.config).iterdir() if p.is_dir() and p.name not in live]:
            shutil.rmtree(stale)
            built.pop(stale.name, None)
            pages.pop(stale.name, None)
        return self.todo

    def outcome(self) -> str:
        patched = [p for p in self.todo if p.only]
        changed_pages = sum(len(p.only) for p in patched)
        only = f" ({len(patched)} by their {changed_pages} changed pages only)" if patched else ""
        return f"{len(self.todo)} of {len(self.parts)} parts rebuilt{only}"
