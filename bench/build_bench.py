"""The whole archive at scale: N synthetic raw pages through `python -m archive build` in a scratch project (no copy
of the code), every figure next to its baseline measured in the same run on the same corpus.

    ours                                     baseline
    conversion (the build's stage, 2 cores)  trafilatura on the same HTML pages (and ours on them, one core)
    index build documents/s                  Whoosh StandardAnalyzer over the same text and metadata fields
    site build pages/s, size                 bare `mkdocs build`, Material defaults + navigation.prune, same Markdown
    full build wall time, peak memory        (the bare mkdocs build)
    no-change and one-change rebuild         (our full build)
    query p50/p95 per class                  the StandardAnalyzer index (positional phrases)

Usage: python -m bench.build_bench [N] [DIR]   (make bench runs N=1000; BENCH_DOCS=10000 make bench for the large case)
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.query import And, Term

from archive.project import new_project
from converters.loading import decode
from converters.metadata import load_gazetteer
from converters.pipeline import convert_file
from core.config import load_config
from core.record import read_records
from search_index.index import document_fields
from search_index.query import SearchRequest, get_searcher, search

from .search_bench import percentile
from .synthetic import generate

ROOT = Path(__file__).resolve().parent.parent
TRAFILATURA_SAMPLE = 300  # HTML pages timed for the extractor comparison (both sides, same pages)
QUERIES: dict[str, list[str]] = {
    "single word": ["ngân sách", "đảng viên", "giáo dục"],
    "accent-less": ["nong thon moi", "giai phong mat bang", "dang uy"],
    "phrase": ['"nông thôn mới"', '"thu ngân sách nhà nước"', '"học tập và làm theo tư tưởng"'],
    "boolean": ["covid OR dịch", "đảng -covid", "(GPMB OR BHYT) đường"],
    "filtered": ["ngân sách", "đảng ủy"],  # filtered by the commonest year and province of the corpus
    "faceted": ["an ninh trật tự"],  # facet counts over a broad query
    "document number": ["31-NQ/ĐU", "263-BC", "nghi quyet so 31", "NQ 31"],  # the normalised number field + phrase
    "abbreviation": ["MTTQ", "UBMTTQVN", "Mặt trận Tổ quốc", "KT-XH 6 tháng đầu năm 2023"],  # compounds expanded both ways
    "date and unit": ["18/5/2023", "tháng 6/2023", "92,7%", "58 tạ/ha"],
    "question": ["xã tiêm phòng chó bao nhiêu", "tỷ lệ tham gia bảo hiểm y tế là bao nhiêu"],
    "typo (suggestion shown)": ["nong thom moi", "dịch covit"],
}
FACETS = ["year", "doc_type", "province", "issuer"]


@dataclass
class Run:
    seconds: float
    peak_mb: float
    stdout: str = ""
    stopped: str = ""  # why a run past its limits was stopped ("" when it ran to the end)


@dataclass
class Row:
    measure: str
    ours: str
    baseline: str
    note: str = ""


@dataclass
class Target:
    name: str
    value: float
    limit: float
    higher_is_better: bool = False
    unit: str = ""

    def verdict(self) -> str:
        met = self.value >= self.limit if self.higher_is_better else self.value <= self.limit
        if met:
            return "met"
        gap = self.limit / self.value if self.higher_is_better else self.value / self.limit
        return f"**missed by {gap:.2f}×**"


def process_mb(pid: int) -> float:
    """A process's proportional set size (Pss): a page shared by n processes counts 1/n in each, so a forked child
    sharing its parent's pages adds only what it changed (resident size counts them twice). Resident size where the
    kernel has no smaps_rollup."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except PermissionError:
        pass
    except FileNotFoundError:
        if not Path(f"/proc/{pid}").exists():
            return 0.0
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def tree_mb(pid: int) -> float:
    """Memory of a process and all its descendants (the build runs mkdocs, Pagefind and indexer processes)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += process_mb(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total


def measured(cmd: list[str], cwd: Path, limit_s: float | None = None, limit_mb: float | None = None,
             min_free_gb: float | None = None) -> Run:
    """Run cmd, sampling the resident memory of its whole process tree. With limits, a run past any (time, memory,
    free disk below `min_free_gb`) is stopped (the whole process group) and returned with the reason, as is one that
    fails: bare mkdocs cannot build a very large archive here (at 100,000 pages: 15 GB and 61 GB of pages)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1")  # the code; the project is the current directory
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    peak = [0.0]
    stopped: list[str] = []

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_mb(process.pid))
            elapsed = time.perf_counter() - started
            free_gb = shutil.disk_usage(cwd).free / 2**30 if min_free_gb else 0.0
            reason = (f"memory {peak[0] / 1024:.1f} GB past the {limit_mb / 1024:.0f} GB cap" if limit_mb and peak[0] > limit_mb
                      else f"still running after {elapsed:.0f} s" if limit_s and elapsed > limit_s
                      else f"disk: {free_gb:.1f} GB left" if min_free_gb and free_gb < min_free_gb else "")
            if reason and not stopped:
                stopped.append(reason)
                os.killpg(process.pid, signal.SIGKILL)
            time.sleep(0.2)  # reading smaps_rollup walks a process's page tables

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if stopped:
        return Run(seconds, peak[0], out, stopped=stopped[0])
    if process.returncode != 0 and limit_s is not None:  # a baseline that fails is a figure, not the end of the run
        return Run(seconds, peak[0], out, stopped=f"failed: {out.strip().splitlines()[-1][:200] if out.strip() else process.returncode}")
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{out[-3000:]}")
    return Run(seconds, peak[0], out)


ADDED_SENTENCE = "Một câu bổ sung để thử xây dựng lại."  # "a sentence added to try the rebuild"


def edit_body(source: Path) -> None:
    """Insert a sentence as a paragraph in the middle of a text source (replacing the file: the project's sources
    are hard links to the raw pages). Appended after the closing, the line was dropped as a page footer repeated."""
    lines = source.read_text(encoding="utf-8").splitlines()
    middle = len(lines) // 2
    source.unlink()
    source.write_text("\n".join([*lines[:middle], "", ADDED_SENTENCE, "", *lines[middle:]]) + "\n", encoding="utf-8")


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def scratch_project(target: Path) -> None:
    """A project folder with no code (mkdocs.yml naming this code's theme and hooks, the hand-written pages) and an
    empty sources/: the archive under test is synthetic. The build runs on it with `--project`."""
    new_project(target)


BARE_LIMIT_S = float(os.environ.get("BENCH_BARE_LIMIT_S", 3 * 3600))  # the cap for bare mkdocs
BARE_LIMIT_MB = float(os.environ.get("BENCH_BARE_LIMIT_MB", 20 * 1024))  # 24 GB machine: stop before the OOM killer
BARE_MIN_FREE_GB = float(os.environ.get("BENCH_BARE_MIN_FREE_GB", 10))  # stop bare mkdocs before its pages fill the disk
STANDARD_MAX = int(os.environ.get("BENCH_STANDARD_MAX", 20000))  # past it the StandardAnalyzer baseline is skipped
BARE_SECTION = 100  # documents per folder in the bare site: navigation.prune bounds a page's navigation to its section


def bare_mkdocs(project: Path, work: Path) -> tuple[Run, int, float]:
    """The same document Markdown, Material defaults (its search plugin included) + navigation.prune, the documents
    in folders of BARE_SECTION (one flat folder would put every document's link on every page: quadratic size)."""
    (work / "docs").mkdir(parents=True)
    for i, page in enumerate(sorted((project / "docs" / "van-ban").glob("*.md"))):
        folder = work / "docs" / "van-ban" / f"{i // BARE_SECTION:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(page, folder / page.name)
    (work / "docs" / "index.md").write_text("# Archive\n", encoding="utf-8")
    (work / "mkdocs.yml").write_text("site_name: bare\ntheme:\n  name: material\n  features:\n    - navigation.prune\n", encoding="utf-8")
    run = measured([sys.executable, "-m", "mkdocs", "build", "--quiet"], work, BARE_LIMIT_S, BARE_LIMIT_MB, BARE_MIN_FREE_GB)
    pages = sum(1 for _ in (work / "site").rglob("index.html")) if (work / "site").exists() else 0
    return run, pages, du_mb(work / "site")


def standard_index(project: Path, target: Path) -> float:
    """Plain Whoosh: StandardAnalyzer (positions), the same text and facet fields. Returns seconds."""
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT(stored=True),
                    **{name: ID(stored=True, sortable=True) for name in FACETS})
    target.mkdir()
    ix = whoosh_index.create_in(str(target), schema)
    started = time.perf_counter()
    with ix.writer(limitmb=256) as writer:
        for record in read_records(load_config(project).records):
            f = document_fields(record)
            writer.add_document(id=f["id"], title=f["title"], body=f["body"], **{name: f[name] for name in FACETS})
    return time.perf_counter() - started


def common_filters(index_dir: Path) -> dict[str, str]:
    with whoosh_index.open_dir(str(index_dir)).searcher() as s:
        filters = {}
        for name in ("year", "province"):
            counts: dict[str, int] = {}
            for value in s.lexicon(name):
                counts[value.decode()] = s.doc_frequency(name, value.decode())
            filters[name] = max(counts, key=counts.__getitem__) if counts else ""
        return filters


def latency(ours_dir: Path, base_dir: Path | None, repeats: int = 5) -> list[Row]:
    """Per class: ours warm (repeats after the first) and first run (nothing of the query cached yet), p50/p95/p99;
    the StandardAnalyzer index on the same queries where it was built."""
    filters = common_filters(ours_dir)
    started = time.perf_counter()
    get_searcher(ours_dir)  # what the service does at start: open the index, read field lengths and facet bitsets
    opened_ms = (time.perf_counter() - started) * 1000
    base = None
    base_opened = "not built"
    if base_dir is not None:
        started = time.perf_counter()
        base = whoosh_index.open_dir(str(base_dir)).searcher()
        base_opened = f"{(time.perf_counter() - started) * 1000:.0f}"
    rows = [Row("opening the index ms (once, when the service starts)", f"{opened_ms:.0f}", base_opened)]
    parser = QueryParser("body", base.schema) if base is not None else None
    for cls, queries in QUERIES.items():
        warm_ms: list[float] = []
        first_ms: list[float] = []
        base_ms: list[float] = []
        for repeat in range(repeats):
            for q in queries:
                active = filters if cls == "filtered" else {}
                started = time.perf_counter()
                search(ours_dir, SearchRequest(q=q, filters=active))
                (warm_ms if repeat else first_ms).append((time.perf_counter() - started) * 1000)
                if base is None or parser is None:
                    continue
                started = time.perf_counter()
                flt = And([Term(k, v) for k, v in active.items()]) if active else None
                groups = {n: sorting.FieldFacet(n, maptype=sorting.Count) for n in FACETS} if cls == "faceted" else None
                base.search(parser.parse(q), limit=10, filter=flt, groupedby=groups)
                base_ms.append((time.perf_counter() - started) * 1000)
        rows.append(Row(f"query p50 / p95 / p99 ms — {cls}", spread(warm_ms), spread(base_ms) if base_ms else "not built",
                        f"ours, first run of each query: {spread(first_ms)}"))
    if base is not None:
        base.close()
    return rows


def spread(ms: list[float]) -> str:
    return f"{statistics.median(ms):.0f} / {percentile(ms, .95):.0f} / {percentile(ms, .99):.0f}"


def extraction_speed(sources: Path) -> tuple[float, float, int]:
    """Pages/s on the same HTML pages, one core each: our converter (whole pipeline) and trafilatura (extraction)."""
    import trafilatura

    pages = sorted(sources.glob("*.html"))[:TRAFILATURA_SAMPLE]
    texts = [decode(p.read_bytes())[0] for p in pages]  # decoding is not the comparison: give trafilatura text
    # One untimed page each first: imports and one-time set-up are paid once per worker, not per page; the gazetteer's
    # tables (0.6 s) as a conversion worker loads them when it starts (the first page need not name a commune).
    load_gazetteer()
    convert_file(pages[0])
    trafilatura.extract(texts[0], output_format="markdown", include_tables=True, include_comments=False)
    started = time.perf_counter()
    for page in pages:
        convert_file(page)
    ours = len(pages) / (time.perf_counter() - started)
    started = time.perf_counter()
    for text in texts:
        trafilatura.extract(text, output_format="markdown", include_tables=True, include_comments=False)
    theirs = len(pages) / (time.perf_counter() - started)
    return ours, theirs, len(pages)


@dataclass
class Report:
    n: int
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def markdown(self, shapes: dict[str, int]) -> str:
        out = [f"### Archive build and search — {self.n} synthetic documents",
               f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}. "
               f"Page shapes: " + ", ".join(f"{k} {v}" for k, v in sorted(shapes.items())), "",
               "| measure | ours | baseline (same run) | note |", "|---|---|---|---|"]
        out += [f"| {r.measure} | {r.ours} | {r.baseline} | {r.note} |" for r in self.rows]
        out += ["", "| target | value | limit | verdict |", "|---|---|---|---|"]
        out += [f"| {t.name} | {t.value:.2f}{t.unit} | {'≥' if t.higher_is_better else '≤'} {t.limit:g}{t.unit} | {t.verdict()} |"
                for t in self.targets]
        return "\n".join(out)


def raw_pages(n: int, work: Path) -> Path:
    """The synthetic raw pages, generated once per work directory (seeded: the same pages every time)."""
    raw = work / f"raw-{n}"
    if not raw.exists():
        generate(n, work / f"raw-{n}.tmp")
        (work / f"raw-{n}.tmp").rename(raw)
    return raw


def shapes_of(sources: Path) -> dict[str, int]:
    shapes: dict[str, int] = {}
    for page in sources.iterdir():
        shape = "text" if page.suffix == ".txt" else page.stem.split("_", 1)[1]
        shapes[shape] = shapes.get(shape, 0) + 1
    return shapes


def run(n: int = 1000, keep: Path | None = None) -> str:
    """The figures in the order that matters most, each printed as soon as it is measured (a run stopped at session
    end still says what it got); the bare mkdocs build, which may not finish on a large archive, comes last."""
    work = keep or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    project = work / "project"
    r = Report(n)

    def row(*fields: str) -> None:
        r.rows.append(Row(*fields))
        print(f"  | {' | '.join(fields)} |", flush=True)

    try:
        for leftover in (project, work / "bare", work / "std-index"):
            shutil.rmtree(leftover, ignore_errors=True)
        project.mkdir(parents=True)
        scratch_project(project)
        raw = raw_pages(n, work)
        shapes = shapes_of(raw)
        for page in raw.iterdir():
            os.link(page, project / "sources" / page.name)  # a hard link: the one-change step replaces, never writes through
        print(f"  {n} raw pages ({du_mb(raw):.0f} MB) …", flush=True)
        build = [sys.executable, "-m", "archive", "build"]
        full = measured(build, project)
        timings = json.loads((project / "build" / "timings.json").read_text(encoding="utf-8"))
        docs = len(list((project / "docs" / "van-ban").glob("*.md")))
        site_pages = sum(1 for _ in (project / "site").rglob("index.html"))
        row("full build wall s", f"{full.seconds:.1f}", "", "stages s: " + ", ".join(f"{k} {v:.0f}" for k, v in timings.items()))
        row("peak memory MB (process tree, proportional set size)", f"{full.peak_mb:.0f}", "")
        again = measured(build, project)
        sources = sorted((project / "sources").glob("*.txt"))
        edit_started = time.time()
        edit_body(sources[len(sources) // 2])
        one = measured(build, project)
        rewritten = [p for p in (project / "docs" / "van-ban").glob("*.md") if p.stat().st_mtime >= edit_started]
        shown = sum(ADDED_SENTENCE in p.read_text(encoding="utf-8") for p in rewritten)
        row("rebuild, nothing changed s", f"{again.seconds:.2f}", f"{full.seconds:.1f} (full)", f"{again.seconds / full.seconds:.1%}")
        row("rebuild, one source changed s", f"{one.seconds:.2f}", f"{full.seconds:.1f} (full)",
            f"{one.seconds / full.seconds:.1%}; a sentence inserted mid-body: {len(rewritten)} document page(s) rewritten, "
            f"{shown} showing it")
        site_mb, index_mb = du_mb(project / "site"), du_mb(project / "build" / "index")
        row("site size MB", f"{site_mb:.0f}", "", f"{site_pages} pages; per document {site_mb / docs * 1024:.0f} KB")
        row("index size MB", f"{index_mb:.0f}", "", f"per document {index_mb / docs * 1024:.1f} KB")
        row("index build docs/s", f"{docs / timings['index']:.1f}", "", "ours: 4 analysed fields, beside the site build")
        row("site build pages/s", f"{site_pages / timings['site']:.1f}", "", f"{site_pages} pages")
        std_dir: Path | None = None
        if n <= STANDARD_MAX:
            print("  StandardAnalyzer index …", flush=True)
            std_s = standard_index(project, work / "std-index")
            std_dir = work / "std-index"
            row("index build docs/s, StandardAnalyzer", f"{docs / std_s:.1f}", "", f"index size MB {du_mb(std_dir):.0f}")
        print("  queries …", flush=True)
        lat = latency(project / "build" / "index", std_dir)
        for item in lat:
            row(item.measure, item.ours, item.baseline, item.note)
        print("  extraction speed …", flush=True)
        ours_pps, theirs_pps, html_pages = extraction_speed(project / "sources")
        build_pps = docs / timings["convert"]
        row("conversion docs/s (build stage, 2 processes)", f"{build_pps:.0f}", f"{theirs_pps:.0f} (trafilatura, 1 process)",
            f"{docs} pages, {timings['convert']:.1f} s")
        row("HTML pages/s, one core each", f"{ours_pps:.0f}", f"{theirs_pps:.0f} (trafilatura)",
            f"{html_pages} pages, ratio {ours_pps / theirs_pps:.2f}")
        print("  bare mkdocs …", flush=True)
        bare, bare_pages, bare_mb = bare_mkdocs(project, work / "bare")
        if bare.stopped:
            row("bare mkdocs build", "", f"stopped after {bare.seconds:.0f} s, {bare.peak_mb:.0f} MB",
                f"{bare.stopped}; {bare_pages} of {docs + 1} pages written, {bare_mb:.0f} MB")
        else:
            row("bare mkdocs build wall s", f"{full.seconds:.1f} (ours)", f"{bare.seconds:.1f}",
                f"ratio {full.seconds / bare.seconds:.2f}; peak {bare.peak_mb:.0f} MB; {bare_pages} pages, {bare_mb:.0f} MB")
        large = n >= 100_000
        if not bare.stopped:
            r.targets.append(Target("full build / bare mkdocs", full.seconds / bare.seconds, 1.5, unit="×"))
        if large:
            r.targets.append(Target("full build", full.seconds / 60, 90, unit=" min"))
        r.targets += [
            Target("one-change rebuild / full build", one.seconds / full.seconds * 100, 2 if large else 10, unit=" %"),
            Target("no-change rebuild / full build", again.seconds / full.seconds * 100, 1 if large else 5, unit=" %"),
            Target("conversion / trafilatura, one core each", ours_pps / theirs_pps, 1.5, higher_is_better=True, unit="×"),
            Target("peak memory", full.peak_mb / 1024, 6.0, unit=" GB"),
        ]
        classes = [item for item in lat if item.measure.startswith("query")]
        worst_p95 = max(float(item.ours.split(" / ")[1]) for item in classes)
        worst_first = max(float(item.note.split(": ")[1].split(" / ")[1]) for item in classes)
        r.targets += [Target("search p95 warm, worst class", worst_p95, 100, unit=" ms"),
                      Target("search p95 first run, worst class", worst_first, 300 if large else 100, unit=" ms")]
        return r.markdown(shapes)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    # python -m bench.build_bench N [DIR]: DIR keeps the scratch project, its index and site for inspection
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, Path(sys.argv[2]) if len(sys.argv) > 2 else None))
