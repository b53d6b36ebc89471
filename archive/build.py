"""`python -m archive build`: sources/ → docs/van-ban/*.md and build/records/*.json → search index → site/, doing only
the work that changed. `run` takes the lock and runs BUILD_STEPS in order; each step is one job, in its own module:

    state.py          build state and hashing, source names, permalinks
    convert_stage.py  each source whose bytes, sidecar or converter code changed, in workers (both cores); Markdown
                      and record written when their content changed; the report updated line by line
    site.py           browse pages, home, feeds, catalogue from the records
    parts.py          the site in parts (shell + shards of documents), each an mkdocs build --strict in its own
                      process, beside the index; only the parts whose inputs changed
    search_index      Whoosh: added, changed and removed records only
    assemble.py       the parts hard-linked into a fresh directory with the sitemaps, swapped in for site/

A failed source is reported and skipped; a failed site build leaves the previous site/ in place. One build at a time
(lock.py); a killed build's leftovers go first. Every path comes from the project's configuration (core/config.py).
"""

from __future__ import annotations

import hashlib
import json
import resource
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.config import ArchiveConfig, load_config
from core.record import DocumentRecord

from . import site as site_pages
from . import static_search
from .apart import run_apart
from .assemble import TRASH, assemble, discard
from .convert_stage import RUN_ENTRIES, Limits, document_hashes, stage_convert
from .lock import BuildRunning, build_lock
from .parts import SiteBuild, parts_dir
from .project import CODE
from .state import Summary, load_state, save_state


@dataclass
class Build:
    """What the steps of one build share."""

    config: ArchiveConfig
    jobs: int = 2
    full: bool = False
    limits: Limits = field(default_factory=Limits)
    state: dict[str, Any] = field(default_factory=dict)
    summary: Summary = field(default_factory=Summary)
    timings: dict[str, float] = field(default_factory=dict)
    memory: dict[str, dict[str, float]] = field(default_factory=dict)  # per step: this process's memory after it (MB)
    pages: dict[str, int] = field(default_factory=dict)
    site: SiteBuild | None = None
    written: dict[str, DocumentRecord] = field(default_factory=dict)  # records this build wrote, without their text
    site_error: str = ""
    index_error: str = ""
    started: float = field(default_factory=time.perf_counter)
    mark: float = field(default_factory=time.perf_counter)

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self.mark, 3)
        self.memory[name] = process_memory_mb()
        self.mark = now

    @property
    def state_file(self) -> Path:
        return self.config.build / "state.json"


def process_memory_mb() -> dict[str, float]:
    """This process's resident memory now and at its peak, and the largest child's peak so far (Linux /proc; MB)."""
    status = {}
    try:
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    except OSError:
        pass
    kb = {key: float(status.get(key, "0 kB").split()[0]) for key in ("VmRSS", "VmHWM")}
    return {"rss": round(kb["VmRSS"] / 1024), "peak": round(kb["VmHWM"] / 1024),
            "largest_child_peak": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)}


def load(b: Build) -> None:
    b.config.build.mkdir(parents=True, exist_ok=True)
    b.state = load_state(b.state_file, b.full)


def convert(b: Build) -> None:
    print("[1/4] convert sources …", flush=True)
    stage_convert(b.config, b.state, b.summary, b.jobs, b.limits, written=b.written)
    b.lap("convert")
    s = b.summary
    print(f"      {s.converted} converted, {s.unchanged} unchanged, {len(s.failed)} failed, {s.removed} removed", flush=True)


def pages_digest(b: Build) -> str:
    """What the browse pages, feeds, catalogue and raw-file copies are made from: every source's entry in the build
    state (its hash, its Markdown's and record's hashes), the configuration and the code that writes them."""
    sources = {sid: {k: v for k, v in entry.items() if k != "stamp"} for sid, entry in b.state.get("sources", {}).items()}
    inputs = [json.dumps(sources, sort_keys=True).encode(), b.config.config_file.read_bytes()]
    inputs += [(CODE / "archive" / name).read_bytes() for name in ("site.py", "static_search.py")]
    return hashlib.sha256(b"\0".join(inputs)).hexdigest()


def pages(b: Build) -> None:
    print("[2/4] browse pages …", flush=True)
    ids = list(document_hashes(b.config, b.state)[1])  # the published documents, not whatever lies under build/records
    digest = pages_digest(b)
    if b.state.get("pages") == digest and (b.config.docs / "index.md").exists():  # nothing they show changed
        b.pages = {"documents": len(ids), "written": 0, "unchanged": 0}
        b.lap("pages")
        print(f"      {len(ids)} documents, pages unchanged (their inputs are)", flush=True)
        return
    # in a forked child: what the pages take of memory (every record's summary, every page) is given back at once
    b.pages = run_apart(site_pages.generate, b.config, b.config.build / "records.json", b.written, ids, b.full)
    b.state["pages"] = digest
    b.lap("pages")
    print(f"      {b.pages['documents']} documents, {b.pages['written']} pages written, {b.pages['unchanged']} unchanged", flush=True)


def start_site(b: Build) -> None:
    print("[3/4] site (parts, each mkdocs build --strict in its own process) and search index side by side …", flush=True)
    b.site = SiteBuild(b.config, b.state, document_hashes(b.config, b.state)[0])
    b.site.start(b.jobs)


def index_records(records: Path, index_dir: Path, hashes: dict[str, str], full: bool) -> tuple[dict[str, int], list[str]]:
    """The index brought in line with the records: counts, and the records left out with the reason."""
    from search_index.index import build as build_index

    problems: list[str] = []
    return build_index(records, index_dir, hashes=hashes, full=full, problems=problems), problems


def index(b: Build) -> None:
    b.written.clear()  # the pages were made from them; the index reads the record files
    try:  # in a spawned process, a fresh interpreter: Whoosh's workers start from it, not from a copy of this build's heap
        counts, problems = run_apart(index_records, b.config.records, b.config.index, document_hashes(b.config, b.state)[1],
                                     b.full, method="spawn")
    except (OSError, RuntimeError) as exc:  # IndexWriteError, a dead child …: the last index stays; the next build tries again
        b.lap("index")
        b.index_error = str(exc).splitlines()[0]
        print(f"      ✗ index: {b.index_error}", flush=True)
        return
    b.lap("index")
    print("      index: " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
    for problem in problems:
        print(f"      ✗ index: {problem}; left out of the index", flush=True)


def finish_site(b: Build) -> None:
    """Wait for the parts, then assemble them into site/ (when anything changed) and index it for static hosts."""
    assert b.site is not None
    try:
        rebuilt = b.site.finish()
        relink = b.pages["written"] > 0  # files linked in as they are (raw sources) changed
        # the search fallback for static hosts (Pagefind), made before the site is swapped in: published with it
        static, remade = static_search.refresh(b.config, full=b.full)
        built = static_search.built_index(b.config)
        if not rebuilt and not relink and (b.config.site / "index.html").exists():
            print("      site: unchanged", flush=True)
            if built and (remade or not (b.config.site / static_search.INDEX_FOLDER).exists()):
                static_search.link_into_site(b.config)
        else:
            folder = parts_dir(b.config)
            assemble(b.config, [folder / p.name for p in b.site.parts], also=[built] if built else [])
            print(f"      site: {b.site.outcome()}", flush=True)
        print(f"      {static}", flush=True)
    except RuntimeError as exc:
        print(f"      ✗ site: {exc}", flush=True)
        b.site_error = str(exc)
    b.lap("index+site")
    b.timings["index+site"] = round(b.timings["index+site"] + b.timings["index"], 3)  # measured from the site's start
    b.timings["site"] = round(b.site.seconds, 3)


def save(b: Build) -> None:
    save_state(b.state_file, b.state)
    b.timings["total"] = round(time.perf_counter() - b.started, 3)
    (b.config.build / "timings.json").write_text(json.dumps(b.timings, indent=1), encoding="utf-8")
    (b.config.build / "memory.json").write_text(json.dumps(b.memory, indent=1), encoding="utf-8")
    s, report = b.summary, (b.config.build / "report.json").relative_to(b.config.project).as_posix()
    print(f"[4/4] Summary: {s.converted + s.unchanged} documents published "
          f"({s.converted} converted now, {s.unchanged} unchanged), {len(s.failed)} failed, "
          f"{s.warnings} converter warnings (see {report}), {b.timings['total']:.1f} s", flush=True)
    folder = b.config.sources.relative_to(b.config.project).as_posix()
    for name, reason in s.failed:
        print(f"  failed: {folder}/{name}: {reason}")


Step = Callable[[Build], None]
BUILD_STEPS: list[tuple[str, Step]] = [
    ("load state", load),  # build/state.json (none with --full)
    ("convert", convert),  # changed sources → Markdown + record; report lines
    ("pages", pages),  # browse pages, home, feeds, catalogue from the records
    ("start site parts", start_site),  # the changed parts' mkdocs builds start in the background …
    ("index", index),  # … while the index takes the changed records
    ("finish site", finish_site),  # parts done → assembled with the sitemaps, swapped in for site/; Pagefind
    ("save state", save),  # state, timings, summary
]


def run(jobs: int = 2, full: bool = False, wait: bool = False, limits: Limits | None = None, project: Path | None = None) -> int:
    """One build of the project in `project` (default: the current directory) at a time (build/build.lock); a second
    one exits at once, or waits for the lock with `wait`."""
    config = load_config(project)
    config.build.mkdir(parents=True, exist_ok=True)
    try:
        with build_lock(config.build / "build.lock", wait=wait):
            clean_leftovers(config)
            b = Build(config, jobs, full, limits or Limits())
            for _name, step in BUILD_STEPS:
                step(b)
            return 1 if b.site_error or b.index_error else 0
    except BuildRunning as exc:
        print(f"✗ {exc}; not starting a second one (use --wait to wait for it)", file=sys.stderr, flush=True)
        return 2


def leftovers(config: ArchiveConfig) -> list[Path]:
    """What a build killed mid-way leaves behind: temporary copies that the next build would otherwise trip over."""
    site, index = config.site, config.index
    found = [site.with_name(site.name + ".tmp"), site.with_name(site.name + ".old"), index.with_name(index.name + ".tmp"),
             config.build / "report.tmp", config.build / "state.tmp", config.build / RUN_ENTRIES,
             (config.build / site_pages.PAGES_MANIFEST).with_suffix(".tmp")]
    if index.exists():  # killed between the two renames of a full index swap: index.old is the only copy otherwise
        found.append(index.with_name(index.name + ".old"))
    if parts_dir(config).exists():
        found += [p for p in parts_dir(config).iterdir() if p.name.endswith((".tmp", ".new"))]
    if config.records.exists():
        found += config.records.rglob("*.json.tmp")
    return [p for p in found if p.exists()]


def clean_leftovers(config: ArchiveConfig) -> None:
    index_old = config.index.with_name(config.index.name + ".old")
    if not config.index.exists() and index_old.exists():
        index_old.rename(config.index)
    for tree in (config.build / TRASH).glob("*"):  # trees the last build discarded (assemble.py) and not yet removed:
        discard(tree, config.build / TRASH)  # removed in the background again, never waited for (24 s at 100,000 documents)
    for path in leftovers(config):
        print(f"  removing {path.relative_to(config.project)} left by an interrupted build", flush=True)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
