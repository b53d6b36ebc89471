"""`make build`: sources/ → docs/van-ban/*.md → search index → site/, doing only the work that changed.

    convert  each source whose bytes, sidecar or converter code changed (both cores)
    pages    browse pages, home, catalogue, feeds from the front matter
    index    Whoosh: added, changed and removed documents only
    site     mkdocs build --strict into a fresh directory, swapped in only on success

State (hashes per source and per stage) lives in build/state.json. A failed source is reported
and skipped; a failed site build leaves the previous site/ in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from converters.pipeline import sidecar_path
from converters.report import convert_one, entry_for, iter_sources
from converters.text import slugify

from . import site as site_pages

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "sources"
DOCS = ROOT / "docs"
DOC_DIR = DOCS / "van-ban"
BUILD = ROOT / "build"
INDEX = BUILD / "index"
SITE = ROOT / "site"
STATE = BUILD / "state.json"
REPORT = BUILD / "report.json"
PERMALINKS = SOURCES / "permalinks.tsv"
SITE_INPUTS = [ROOT / "mkdocs.yml", ROOT / "overrides", ROOT / "archive" / "mkdocs_hooks.py", DOCS]


def tree_hash(paths: list[Path], exclude: set[Path] | None = None) -> str:
    digest = hashlib.sha256()
    for base in paths:
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            if exclude and any(path.is_relative_to(e) for e in exclude):
                continue
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def converter_version() -> str:
    return tree_hash([ROOT / "converters"], exclude={ROOT / "converters" / "__pycache__"})[:16]


def source_key(source: Path, version: str) -> str:
    digest = hashlib.sha256(version.encode())
    digest.update(source.read_bytes())
    sidecar = sidecar_path(source)
    if sidecar.exists():
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def load_permalinks() -> dict[str, str]:
    links: dict[str, str] = {}
    if PERMALINKS.exists():
        for line in PERMALINKS.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, slug = line.split("\t")
                links[name] = slug
    return links


def new_permalink(metadata: dict[str, Any], source: Path, taken: set[str]) -> str:
    """Chosen once, from what the document says, then kept forever in sources/permalinks.tsv."""
    parts = [str(metadata.get("date") or ""), metadata.get("doc_type") or "", metadata.get("number") or "", metadata.get("issuer") or ""]
    slug = slugify(" ".join(p for p in parts if p)) if metadata.get("doc_type") and (metadata.get("date") or metadata.get("number")) else ""
    slug = slug or slugify(source.stem)
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


@dataclass
class Summary:
    converted: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0
    removed: int = 0


def _convert_job(source: str) -> tuple[str, dict[str, Any], str | None]:
    path = Path(source)
    doc, error = convert_one(path)
    entry = entry_for(path, None, doc, error)
    return source, entry, doc.markdown if doc else None


def stage_convert(state: dict[str, Any], summary: Summary, jobs: int) -> bool:
    version = converter_version()
    sources = [s for s in iter_sources([SOURCES])]
    permalinks = load_permalinks()
    previous: dict[str, Any] = state.get("sources", {})
    report: dict[str, Any] = {Path(e["source"]).name: e for e in json.loads(REPORT.read_text(encoding="utf-8"))} if REPORT.exists() else {}
    todo = []
    current: dict[str, Any] = {}
    for source in sources:
        key = source_key(source, version)
        prev = previous.get(source.name)
        output = DOC_DIR / f"{permalinks.get(source.name, '')}.md"
        if prev and prev.get("key") == key and (prev.get("failed") or output.exists()):
            current[source.name] = prev
            if prev.get("failed"):
                summary.failed.append((source.name, prev["error"]))
            else:
                summary.unchanged += 1
            continue
        todo.append((source, key))
    changed = False
    DOC_DIR.mkdir(parents=True, exist_ok=True)
    if todo:
        with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
            results = list(pool.map(_convert_job, [str(s) for s, _ in todo], chunksize=max(1, len(todo) // (jobs * 4) or 1)))
        taken = set(permalinks.values())
        new_links = []
        for (source, key), (_, entry, markdown) in zip(todo, results, strict=True):
            summary.warnings += len(entry["warnings"])
            if markdown is None:
                summary.failed.append((source.name, entry["error"]))
                current[source.name] = {"key": key, "failed": True, "error": entry["error"]}
                report[source.name] = entry
                print(f"  ✗ {source.relative_to(ROOT)}: {entry['error']}", flush=True)
                continue
            if source.name not in permalinks:
                slug = new_permalink(entry["metadata"], source, taken)
                permalinks[source.name] = slug
                taken.add(slug)
                new_links.append((source.name, slug))
            output = DOC_DIR / f"{permalinks[source.name]}.md"
            entry["output"] = str(output.relative_to(ROOT))
            report[source.name] = entry
            if not output.exists() or output.read_text(encoding="utf-8") != markdown:
                output.write_text(markdown, encoding="utf-8")
                changed = True
            current[source.name] = {"key": key, "output": output.name}
            summary.converted += 1
        if new_links:
            with PERMALINKS.open("a", encoding="utf-8") as handle:
                if PERMALINKS.stat().st_size == 0:
                    handle.write("# source file\tpermalink slug — assigned once, never changed (README: Permalinks)\n")
                for name, slug in new_links:
                    handle.write(f"{name}\t{slug}\n")
    # sources that disappeared: their pages go too
    live = {v.get("output") for v in current.values() if v.get("output")}
    for md in DOC_DIR.glob("*.md"):
        if md.name not in live:
            md.unlink()
            summary.removed += 1
            changed = True
    for name in list(report):
        if name not in current:
            del report[name]
    state["sources"] = current
    REPORT.write_text(json.dumps(list(report.values()), ensure_ascii=False, indent=1), encoding="utf-8")
    return changed or bool(todo)


def stage_site(state: dict[str, Any]) -> str:
    digest = tree_hash(SITE_INPUTS, exclude={DOCS / ".cache"})
    if state.get("site") == digest and (SITE / "index.html").exists():
        return "unchanged"
    tmp = ROOT / "site.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1")
    result = subprocess.run(
        # not --quiet: it hides the very warnings that strict mode counts
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"mkdocs build --strict failed; the previous site/ is kept.\n{result.stderr[-4000:]}")
    old = ROOT / "site.old"
    shutil.rmtree(old, ignore_errors=True)
    if SITE.exists():
        SITE.rename(old)
    tmp.rename(SITE)
    shutil.rmtree(old, ignore_errors=True)
    state["site"] = digest
    return "built"


def run(jobs: int = 2, full: bool = False) -> int:
    from search_index.index import build as build_index

    started = time.perf_counter()
    BUILD.mkdir(exist_ok=True)
    state: dict[str, Any] = {} if full else (json.loads(STATE.read_text(encoding="utf-8")) if STATE.exists() else {})
    summary = Summary()
    print("[1/4] convert sources …", flush=True)
    stage_convert(state, summary, jobs)
    print(f"      {summary.converted} converted, {summary.unchanged} unchanged, {len(summary.failed)} failed, {summary.removed} removed", flush=True)
    print("[2/4] browse pages …", flush=True)
    pages = site_pages.generate(DOCS, DOC_DIR)
    print(f"      {pages['documents']} documents, {pages['written']} pages written, {pages['unchanged']} unchanged", flush=True)
    print("[3/4] search index …", flush=True)
    counts = build_index(DOCS, INDEX, full=full)
    print("      " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    print("[4/4] site (mkdocs build --strict) …", flush=True)
    status = 0
    try:
        site_status = stage_site(state)
        print(f"      {site_status}", flush=True)
    except RuntimeError as exc:
        print(f"      ✗ {exc}", flush=True)
        status = 1
    STATE.write_text(json.dumps(state, indent=1), encoding="utf-8")
    took = time.perf_counter() - started
    print(f"Summary: {summary.converted + summary.unchanged} documents published "
          f"({summary.converted} converted now, {summary.unchanged} unchanged), {len(summary.failed)} failed, "
          f"{summary.warnings} converter warnings (see build/report.json), {took:.1f} s", flush=True)
    for name, reason in summary.failed:
        print(f"  failed: sources/{name}: {reason}")
    return status
