"""`make build`: sources/ → docs/van-ban/*.md → search index → site/, doing only the work that changed.

    convert  each source whose bytes, sidecar or converter code changed (both cores)
    pages    browse pages, home, catalogue, feeds from the front matter
    index    Whoosh: added, changed and removed documents only
    site     the shell and shards of 100 documents, each an mkdocs build --strict in its own process (beside the
             index), only the parts whose inputs changed; assembled into a fresh directory swapped in on success

State (hashes per source and per stage) lives in build/state.json. A failed source is reported
and skipped (each conversion runs in a worker under a time and memory limit: convert_stage.py); a failed site build
leaves the previous site/ in place. One build at a time (lock.py); a killed build's leftovers go first.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from converters.pipeline import sidecar_path
from converters.report import entry_for, iter_sources
from core.text import slugify

from . import site as site_pages
from .convert_stage import Limits, convert_all
from .lock import BuildRunning, build_lock

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


PERMALINKS_HEADER = "# source file\tpermalink slug — assigned once, never changed (README: Permalinks)"


def load_permalinks() -> dict[str, str]:
    """sources/permalinks.tsv: source path under sources/ → slug, read with the csv module (a quoted name holding any
    character reads back as written). A line that is not two fields is skipped with a message, never a crash."""
    links: dict[str, str] = {}
    if PERMALINKS.exists():
        with PERMALINKS.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
                if not row or row[0].startswith("#"):
                    continue
                if len(row) != 2 or not row[1]:
                    print(f"  ! sources/permalinks.tsv line {number}: expected 'source<TAB>slug', skipped: {row!r}", flush=True)
                    continue
                links[row[0]] = row[1]
    return links


def append_permalinks(new_links: list[tuple[str, str]]) -> None:
    fresh = not PERMALINKS.exists() or PERMALINKS.stat().st_size == 0
    with PERMALINKS.open("a", encoding="utf-8", newline="") as handle:
        if fresh:
            handle.write(PERMALINKS_HEADER + "\n")
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(new_links)


CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # tab, newline, escape … : never in a published name


def source_id(source: Path) -> str:
    """A source is its path under sources/ ('sub/002_x.txt'), so two files with one base name are two documents."""
    return source.relative_to(SOURCES).as_posix()


def name_problem(name: str) -> str | None:
    r"""Why a source's path cannot be published, or None.

    >>> name_problem("sub/002_x.txt") is None, name_problem("002\tx.txt")
    (True, "file name holds a control character ('\\t'); rename the file")
    """
    bad = CONTROL_CHARACTER.search(name)
    return f"file name holds a control character ({bad.group()!r}); rename the file" if bad else None


def new_permalink(metadata: dict[str, Any], source: Path, taken: set[str]) -> str:
    """Chosen once, from what the document says, then kept forever in sources/permalinks.tsv."""
    parts = [str(metadata.get(key) or "") for key in ("date", "doc_type", "number", "issuer")]
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


def stage_convert(state: dict[str, Any], summary: Summary, jobs: int, limits: Limits | None = None) -> bool:
    version = converter_version()
    sources = iter_sources([SOURCES])
    permalinks = load_permalinks()
    previous: dict[str, Any] = state.get("sources", {})
    todo = []
    current: dict[str, Any] = {}
    report: dict[str, Any] = {}  # this run's entries, merged into the report file line by line
    for source in sources:
        sid = source_id(source)
        problem = name_problem(sid)
        if problem:  # refused before anything is written under this name
            summary.failed.append((sid, problem))
            report[sid] = dict(entry_for(source, None, None, problem), source=f"sources/{sid}")
            print(f"  ✗ sources/{sid!r}: {problem}", flush=True)
            continue
        key = source_key(source, version)
        prev = previous.get(sid)
        output = DOC_DIR / f"{permalinks.get(sid, '')}.md"
        if prev and prev.get("key") == key and (prev.get("failed") or output.exists()):
            current[sid] = prev
            if prev.get("failed"):
                summary.failed.append((sid, prev["error"]))
            else:
                summary.unchanged += 1
            continue
        todo.append((source, sid, key))
    changed = False
    gone = set(previous) - set(current) - {sid for _, sid, _ in todo}
    DOC_DIR.mkdir(parents=True, exist_ok=True)
    results = convert_all([str(s) for s, _, _ in todo], jobs, limits or Limits())
    if todo:
        taken = set(permalinks.values())
        new_links = []
        for (source, sid, key), (entry, markdown) in zip(todo, results, strict=True):
            summary.warnings += len(entry["warnings"])
            entry["source"] = f"sources/{sid}"
            if markdown is None:
                summary.failed.append((sid, entry["error"]))
                current[sid] = {"key": key, "failed": True, "error": entry["error"]}
                report[sid] = entry
                print(f"  ✗ sources/{sid}: {entry['error']}", flush=True)
                continue
            if sid not in permalinks:
                slug = new_permalink(entry["metadata"], source, taken)
                permalinks[sid] = slug
                taken.add(slug)
                new_links.append((sid, slug))
            output = DOC_DIR / f"{permalinks[sid]}.md"
            entry["output"] = str(output.relative_to(ROOT))
            report[sid] = entry
            if not output.exists() or output.read_text(encoding="utf-8") != markdown:
                output.write_text(markdown, encoding="utf-8")
                changed = True
            current[sid] = {"key": key, "output": output.name}
            summary.converted += 1
        if new_links:
            append_permalinks(new_links)
    # sources that disappeared: their pages go too
    live = {v.get("output") for v in current.values() if v.get("output")}
    for md in DOC_DIR.glob("*.md"):
        if md.name not in live:
            md.unlink()
            summary.removed += 1
            changed = True
    state["sources"] = current
    if todo or gone or report:
        update_report(report, set(current) | set(report))
    return changed or bool(todo)


REPORT_ENTRY = re.compile(r'^\{"source": ("(?:[^"\\]|\\.)*")')  # a report line starts with its source path


def report_key(source: str) -> str:
    """A report entry's source ('sources/sub/x.txt', or an absolute path from older reports) → its source id."""
    parts = Path(source).parts
    return "/".join(parts[len(parts) - parts[::-1].index("sources"):]) if "sources" in parts else Path(source).name


def update_report(entries: dict[str, dict[str, Any]], live: set[str]) -> None:
    """build/report.json is a JSON array with one source per line, so a rebuild replaces the changed lines without
    parsing the rest (at 10,000 sources the report is ~150 MB)."""
    lines: dict[str, str] = {}
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "[]"
    for line in text.splitlines():
        match = REPORT_ENTRY.match(line)
        if match:
            lines[report_key(json.loads(match.group(1)))] = line.rstrip(",")
    if not lines and text.strip() not in {"[]", "[\n]"}:  # a report written in another layout: parse it once
        lines = {report_key(e["source"]): json.dumps(e, ensure_ascii=False) for e in json.loads(text)}
    lines.update((name, json.dumps(entry, ensure_ascii=False)) for name, entry in entries.items())
    body = ",\n".join(lines[name] for name in sorted(lines) if name in live)
    tmp = REPORT.with_suffix(".tmp")
    tmp.write_text(f"[\n{body}\n]\n", encoding="utf-8")
    tmp.replace(REPORT)


SHARD_SIZE = 100  # documents per sub-site: the unit of incremental publishing (one changed report rebuilds its shard)
PARTS = BUILD / "site-parts"  # each part's last good output, kept between builds
THEME_INPUTS = [ROOT / "mkdocs.yml", ROOT / "overrides", ROOT / "archive" / "mkdocs_hooks.py"]
SITEMAP_URL = re.compile(r"<url>.*?</url>", re.S)
SITEMAP_LOC = re.compile(r"<loc>(.*?)</loc>")
DOCUMENTS_URL = "van-ban"  # where document pages sit in the site
RAW_DIR = DOCS / "nguon"  # raw scraped files for download (mkdocs_hooks.RAW_FILES): linked into the site as they are


PATCH_LIMIT = 10  # up to this many changed documents of a shard are built alone and patched into its last output


@dataclass
class Part:
    name: str  # "shell" (home, browse pages, assets, feeds) or "documents-NNN"
    members: dict[str, str]  # a shard's document slugs → digest of what each page shows; empty for the shell
    digest: str
    only: list[str] = field(default_factory=list)  # when set, only these members changed: build them and patch


def plan_parts() -> list[Part]:
    """The shell plus shards of SHARD_SIZE documents in permalink order (stable: a new report joins the last shard)."""
    theme = tree_hash(THEME_INPUTS)
    shell = tree_hash([DOCS], exclude={DOC_DIR, RAW_DIR, DOCS / ".cache"})  # raw files are linked in, not built
    parts = [Part("shell", {}, hashlib.sha256((theme + shell).encode()).hexdigest())]
    catalogue_path = DOCS / "catalog.json"
    catalogue = json.loads(catalogue_path.read_text(encoding="utf-8")) if catalogue_path.exists() else {}
    ordered = list(dict.fromkeys(load_permalinks().values()))
    ordered += sorted({p.stem for p in DOC_DIR.glob("*.md")} - set(ordered))
    shards: dict[int, dict[str, str]] = {}
    for position, slug in enumerate(ordered):
        path = DOC_DIR / f"{slug}.md"
        if path.exists():  # a page shows the theme, its Markdown and its catalogue entry (series neighbours)
            digest = hashlib.sha256(theme.encode() + path.read_bytes() + json.dumps(catalogue.get(slug), sort_keys=True).encode())
            shards.setdefault(position // SHARD_SIZE, {})[slug] = digest.hexdigest()
    for number, members in sorted(shards.items()):
        parts.append(Part(f"documents-{number:03d}", members, hashlib.sha256("".join(members.values()).encode()).hexdigest()))
    return parts


def link_tree(sources: list[Path], target: Path) -> None:
    """Hard-link copies: one source → `target` itself; several → merged into `target`/<name of each>."""
    try:  # GNU cp links a whole tree in C, several times faster than copytree's per-file Python calls
        subprocess.run(["cp", "-al", *map(str, sources), str(target)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):  # no GNU cp here
        for source in sources:
            into = target if len(sources) == 1 else target / source.name
            shutil.copytree(source, into, copy_function=os.link, dirs_exist_ok=True)


def build_part(part: Part) -> str | None:
    """mkdocs build --strict of one part (or of its changed members only) into a fresh directory; its previous output
    is replaced only on success. Returns the error text, or None."""
    out, tmp = PARTS / part.name, PARTS / f"{part.name}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    selector = "shell"
    if part.members:
        selector = str(PARTS / f"{part.name}.members")
        Path(selector).write_text("\n".join(part.only or part.members), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1", ARCHIVE_SITE_PART=selector)
    result = subprocess.run(  # not --quiet: it hides the very warnings that strict mode counts
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return f"{part.name}: {result.stderr[-4000:]}"
    if part.only:
        tmp = _patched(out, tmp, part.only)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    return None


def _patched(out: Path, changed: Path, slugs: list[str]) -> Path:
    """The shard's last output (hard links) with the changed documents' pages and sitemap entries replaced."""
    patched = out.with_name(out.name + ".new")
    shutil.rmtree(patched, ignore_errors=True)
    link_tree([out], patched)
    fresh = {SITEMAP_LOC.search(u).group(1): u for u in SITEMAP_URL.findall((changed / "sitemap.xml").read_text(encoding="utf-8"))}  # type: ignore[union-attr]
    for slug in slugs:
        shutil.rmtree(patched / DOCUMENTS_URL / slug, ignore_errors=True)
        (changed / DOCUMENTS_URL / slug).rename(patched / DOCUMENTS_URL / slug)
    sitemap = (patched / "sitemap.xml").read_text(encoding="utf-8")
    sitemap = SITEMAP_URL.sub(lambda m: fresh.get(SITEMAP_LOC.search(m.group()).group(1), m.group()), sitemap)  # type: ignore[union-attr]
    (patched / "sitemap.xml").unlink()  # a hard link into the last output: replace, never write through
    (patched / "sitemap.xml").write_text(sitemap, encoding="utf-8")
    shutil.rmtree(changed)
    return patched


class SiteBuild:
    """The site in parts (shell + document shards), each an independent `mkdocs build --strict` in its own process,
    started before indexing so both run side by side; only parts whose inputs changed are rebuilt. The parts are then
    assembled (hard links) into a fresh directory that replaces site/ in one rename: a failed part keeps the old site."""

    def __init__(self, state: dict[str, Any], jobs: int, relink: bool = False) -> None:
        self.state, self.relink = state, relink  # relink: files linked in as they are (raw sources) changed
        self.parts = plan_parts()
        built: dict[str, str] = state.get("site_parts", {})
        pages: dict[str, dict[str, str]] = state.get("site_pages", {})
        self.todo = [p for p in self.parts if built.get(p.name) != p.digest or not (PARTS / p.name).exists()]
        for part in self.todo:  # a shard with the same members, a few of them changed: rebuild those pages only
            before = pages.get(part.name)
            if part.members and before is not None and before.keys() == part.members.keys() and (PARTS / part.name).exists():
                changed = [slug for slug, digest in part.members.items() if before[slug] != digest]
                if len(changed) <= PATCH_LIMIT:
                    part.only = changed
        PARTS.mkdir(parents=True, exist_ok=True)
        self.pool = ThreadPoolExecutor(max_workers=max(1, jobs))  # threads only wait on mkdocs processes
        self.started, self.ended = time.perf_counter(), time.perf_counter()
        self.futures = [self.pool.submit(self._timed, p) for p in self.todo]

    def _timed(self, part: Part) -> str | None:
        error = build_part(part)
        self.ended = max(self.ended, time.perf_counter())
        return error

    @property
    def seconds(self) -> float:
        return self.ended - self.started

    def finish(self) -> str:
        outcomes = [f.result() for f in self.futures]
        self.pool.shutdown()
        built, pages = self.state.setdefault("site_parts", {}), self.state.setdefault("site_pages", {})
        for part, error in zip(self.todo, outcomes, strict=True):
            if error is None:
                built[part.name], pages[part.name] = part.digest, part.members
        errors = [e for e in outcomes if e]
        if errors:
            raise RuntimeError("mkdocs build --strict failed; the previous site/ is kept.\n" + "\n".join(errors))
        live = {p.name for p in self.parts}
        for stale in [p for p in PARTS.iterdir() if p.is_dir() and p.name not in live]:
            shutil.rmtree(stale)
            built.pop(stale.name, None)
            pages.pop(stale.name, None)
        if not self.todo and not self.relink and (SITE / "index.html").exists():
            return "unchanged"
        self._assemble()
        patched = [p for p in self.todo if p.only]
        changed_pages = sum(len(p.only) for p in patched)
        return f"{len(self.todo)} of {len(self.parts)} parts rebuilt" + (f" ({len(patched)} by their {changed_pages} changed pages only)" if patched else "")

    def _assemble(self) -> None:
        tmp, old = ROOT / "site.tmp", ROOT / "site.old"
        shutil.rmtree(tmp, ignore_errors=True)
        link_tree([PARTS / "shell"], tmp)
        trees = [PARTS / part.name / DOCUMENTS_URL for part in self.parts[1:]]
        if RAW_DIR.exists():
            trees.append(RAW_DIR)
        if trees:
            link_tree(trees, tmp)
        urls = SITEMAP_URL.findall((tmp / "sitemap.xml").read_text(encoding="utf-8"))
        for part in self.parts[1:]:
            urls += SITEMAP_URL.findall((PARTS / part.name / "sitemap.xml").read_text(encoding="utf-8"))
        sitemap = tmp / "sitemap.xml"
        head = sitemap.read_text(encoding="utf-8").split("<url>", 1)[0]
        text = head + "\n".join(dict.fromkeys(urls)) + "\n</urlset>\n"
        sitemap.unlink()  # a hard link into the shell's output: replace, never write through
        sitemap.write_text(text, encoding="utf-8")
        (tmp / "sitemap.xml.gz").unlink(missing_ok=True)
        (tmp / "sitemap.xml.gz").write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
        shutil.rmtree(old, ignore_errors=True)
        if SITE.exists():
            SITE.rename(old)
        tmp.rename(SITE)
        shutil.rmtree(old, ignore_errors=True)


LOCK = BUILD / "build.lock"


def run(jobs: int = 2, full: bool = False, wait: bool = False, limits: Limits | None = None) -> int:
    """One build at a time (build/build.lock); a second one exits at once, or waits for the lock with `wait`."""
    try:
        with build_lock(LOCK, wait=wait):
            clean_leftovers()
            return _run(jobs, full, limits or Limits())
    except BuildRunning as exc:
        print(f"✗ {exc}; not starting a second one (use --wait to wait for it)", file=sys.stderr, flush=True)
        return 2


def leftovers() -> list[Path]:
    """What a build killed mid-way leaves behind: temporary copies that the next build would otherwise trip over."""
    found = [ROOT / "site.tmp", ROOT / "site.old", INDEX.with_name(INDEX.name + ".tmp"), REPORT.with_suffix(".tmp")]
    if INDEX.exists():  # killed between the two renames of a full index swap: index.old is the only copy otherwise
        found.append(INDEX.with_name(INDEX.name + ".old"))
    if PARTS.exists():
        found += [p for p in PARTS.iterdir() if p.name.endswith((".tmp", ".new"))]
    return [p for p in found if p.exists()]


def clean_leftovers() -> None:
    index_old = INDEX.with_name(INDEX.name + ".old")
    if not INDEX.exists() and index_old.exists():
        index_old.rename(INDEX)
    for path in leftovers():
        print(f"  removing {path.relative_to(ROOT)} left by an interrupted build", flush=True)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _run(jobs: int, full: bool, limits: Limits) -> int:
    from search_index.index import build as build_index

    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - since, 3)
        return now

    BUILD.mkdir(exist_ok=True)
    state: dict[str, Any] = {} if full else (json.loads(STATE.read_text(encoding="utf-8")) if STATE.exists() else {})
    summary = Summary()
    print("[1/4] convert sources …", flush=True)
    stage_convert(state, summary, jobs, limits)
    mark = lap("convert", started)
    print(f"      {summary.converted} converted, {summary.unchanged} unchanged, {len(summary.failed)} failed, {summary.removed} removed", flush=True)
    print("[2/4] browse pages …", flush=True)
    pages = site_pages.generate(DOCS, DOC_DIR, cache=BUILD / "records.json")
    mark = lap("pages", mark)
    print(f"      {pages['documents']} documents, {pages['written']} pages written, {pages['unchanged']} unchanged", flush=True)
    print("[3/4] site (parts, each mkdocs build --strict in its own process) and search index side by side …", flush=True)
    status = 0
    site = SiteBuild(state, jobs, relink=pages["written"] > 0)
    counts = build_index(DOCS, INDEX, full=full)
    lap("index", mark)
    print("      index: " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    try:
        print(f"      site: {site.finish()}", flush=True)
        print(f"      {site_pages.static_index(SITE)}", flush=True)  # the search fallback for static hosts (Pagefind)
    except RuntimeError as exc:
        print(f"      ✗ site: {exc}", flush=True)
        status = 1
    lap("index+site", mark)
    timings["site"] = round(site.seconds, 3)
    STATE.write_text(json.dumps(state, indent=1), encoding="utf-8")
    lap("total", started)
    took = timings["total"]
    (BUILD / "timings.json").write_text(json.dumps(timings, indent=1), encoding="utf-8")
    print(f"[4/4] Summary: {summary.converted + summary.unchanged} documents published "
          f"({summary.converted} converted now, {summary.unchanged} unchanged), {len(summary.failed)} failed, "
          f"{summary.warnings} converter warnings (see build/report.json), {took:.1f} s", flush=True)
    for name, reason in summary.failed:
        print(f"  failed: sources/{name}: {reason}")
    return status
