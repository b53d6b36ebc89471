"""The whole archive at scale: N synthetic raw pages through `python -m archive build` in a scratch copy of the
project, every figure next to its baseline measured in the same run on the same corpus.

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

from converters.loading import decode
from converters.pipeline import convert_file
from search_index.index import document_fields
from search_index.query import SearchRequest, get_searcher, search

from .search_bench import percentile
from .synthetic import generate

ROOT = Path(__file__).resolve().parent.parent
PROJECT_EXCLUDE = ("sources/", "tests/", "bench/RESULTS.md")
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


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (the build runs mkdocs and indexer processes)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
    return total / 2**20


def measured(cmd: list[str], cwd: Path) -> Run:
    env = dict(os.environ, PYTHONPATH=str(cwd), NO_MKDOCS_2_WARNING="1")
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak = [0.0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss_mb(process.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{out[-3000:]}")
    return Run(seconds, peak[0], out)


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def scratch_project(target: Path) -> None:
    """The project's own files (as committed), without the sample sources: the archive under test is synthetic."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.splitlines()
    for rel in listed:
        if rel.startswith(PROJECT_EXCLUDE) or not (ROOT / rel).is_file():
            continue
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target / rel)
    (target / "sources").mkdir()
    (target / "sources" / "permalinks.tsv").write_text("", encoding="utf-8")


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
    run = measured([sys.executable, "-m", "mkdocs", "build", "--quiet"], work)
    pages = sum(1 for _ in (work / "site").rglob("index.html"))
    return run, pages, du_mb(work / "site")


def standard_index(project: Path, target: Path) -> float:
    """Plain Whoosh: StandardAnalyzer (positions), the same text and facet fields. Returns seconds."""
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(stored=True), body=TEXT(stored=True),
                    **{name: ID(stored=True, sortable=True) for name in FACETS})
    target.mkdir()
    ix = whoosh_index.create_in(str(target), schema)
    docs = project / "docs"
    started = time.perf_counter()
    with ix.writer(limitmb=256) as writer:
        for path in sorted((docs / "van-ban").glob("*.md")):
            f = document_fields(path, docs)
            writer.add_document(id=f["id"], title=f["title"], body=f["body"], **{name: f[name] for name in FACETS})
    return time.perf_counter() - started


def common_filters(index_dir: Path) -> dict[str, str]:
    with whoosh_index.open_dir(str(index_dir)).searcher() as s:
        filters = {}
        for name in ("year", "province"):
            counts: dict[str, int] = {}
            for value in s.lexicon(name):
                counts[value.decode()] = s.doc_frequency(name, value.decode())
            filters[name] = max(counts, key=counts.get) if counts else ""  # type: ignore[arg-type]
        return filters


def latency(ours_dir: Path, base_dir: Path, repeats: int = 5) -> list[Row]:
    filters = common_filters(ours_dir)
    started = time.perf_counter()
    get_searcher(ours_dir)  # what the service does at start: open the index, read field lengths and facet bitsets
    opened_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    base = whoosh_index.open_dir(str(base_dir)).searcher()
    base_opened_ms = (time.perf_counter() - started) * 1000
    rows = [Row("opening the index ms (once, when the service starts)", f"{opened_ms:.0f}", f"{base_opened_ms:.0f}")]
    parser = QueryParser("body", base.schema)
    for cls, queries in QUERIES.items():
        ours_ms: list[float] = []
        first_ms: list[float] = []  # each query's first run: nothing of it cached yet (term bitsets are kept per searcher)
        base_ms: list[float] = []
        for repeat in range(repeats):
            for q in queries:
                active = filters if cls == "filtered" else {}
                started = time.perf_counter()
                search(ours_dir, SearchRequest(q=q, filters=active))
                ours_ms.append((time.perf_counter() - started) * 1000)
                if repeat == 0:
                    first_ms.append(ours_ms[-1])
                started = time.perf_counter()
                flt = And([Term(k, v) for k, v in active.items()]) if active else None
                groups = {n: sorting.FieldFacet(n, maptype=sorting.Count) for n in FACETS} if cls == "faceted" else None
                base.search(parser.parse(q), limit=10, filter=flt, groupedby=groups)
                base_ms.append((time.perf_counter() - started) * 1000)
        rows.append(Row(f"query p50 / p95 ms — {cls}", f"{statistics.median(ours_ms):.0f} / {percentile(ours_ms, .95):.0f}",
                        f"{statistics.median(base_ms):.0f} / {percentile(base_ms, .95):.0f}",
                        f"ours, first run of each query: {statistics.median(first_ms):.0f} / {max(first_ms):.0f}"))
    base.close()
    return rows


def extraction_speed(sources: Path) -> tuple[float, float, int]:
    """Pages/s on the same HTML pages, one core each: our converter (whole pipeline) and trafilatura (extraction)."""
    import trafilatura

    pages = sorted(sources.glob("*.html"))[:TRAFILATURA_SAMPLE]
    started = time.perf_counter()
    for page in pages:
        convert_file(page)
    ours = len(pages) / (time.perf_counter() - started)
    texts = [decode(p.read_bytes())[0] for p in pages]  # decoding is not the comparison: give trafilatura text
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
        out += [f"| {t.name} | {t.value:.2f}{t.unit} | {'≥' if t.higher_is_better else '≤'} {t.limit:g}{t.unit} | {t.verdict()} |" for t in self.targets]
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
    work = keep or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    project = work / "project"
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
        print(f"  full build {full.seconds:.1f} s …", flush=True)
        again = measured(build, project)
        changed = sorted((project / "sources").glob("*.txt"))[len(list((project / 'sources').glob('*.txt'))) // 2]
        text = changed.read_text(encoding="utf-8")
        changed.unlink()
        changed.write_text(text + "\nMột câu bổ sung để thử xây dựng lại.\n", encoding="utf-8")
        one = measured(build, project)
        print(f"  rebuilds {again.seconds:.1f} s / {one.seconds:.1f} s; bare mkdocs …", flush=True)
        bare, bare_pages, bare_mb = bare_mkdocs(project, work / "bare")
        print("  StandardAnalyzer index …", flush=True)
        std_s = standard_index(project, work / "std-index")
        docs = len(list((project / "docs" / "van-ban").glob("*.md")))
        site_pages = sum(1 for _ in (project / "site").rglob("index.html"))
        print("  extraction speed …", flush=True)
        ours_pps, theirs_pps, html_pages = extraction_speed(project / "sources")
        build_pps = docs / timings["convert"]
        r = Report(n)
        r.rows += [
            Row("full build wall s", f"{full.seconds:.1f}", f"{bare.seconds:.1f} (bare mkdocs)", f"ratio {full.seconds / bare.seconds:.2f}"),
            Row("peak memory MB (process tree)", f"{full.peak_mb:.0f}", f"{bare.peak_mb:.0f}"),
            Row("rebuild, nothing changed s", f"{again.seconds:.2f}", f"{full.seconds:.1f} (full)", f"{again.seconds / full.seconds:.1%}"),
            Row("rebuild, one source changed s", f"{one.seconds:.2f}", f"{full.seconds:.1f} (full)", f"{one.seconds / full.seconds:.1%}"),
            Row("conversion docs/s (build stage, 2 processes)", f"{build_pps:.0f}", f"{theirs_pps:.0f} (trafilatura, 1 process)",
                f"{docs} pages, {timings['convert']:.1f} s"),
            Row("HTML pages/s, one core each", f"{ours_pps:.0f}", f"{theirs_pps:.0f} (trafilatura)", f"{html_pages} pages, ratio {ours_pps / theirs_pps:.2f}"),
            Row("index build docs/s", f"{docs / timings['index']:.1f}", f"{docs / std_s:.1f} (StandardAnalyzer)",
                "ours: 4 analysed fields, beside the site build"),
            Row("site build pages/s", f"{site_pages / timings['site']:.1f}", f"{bare_pages / bare.seconds:.1f} (bare mkdocs)",
                f"{site_pages} vs {bare_pages} pages"),
            Row("site size MB", f"{du_mb(project / 'site'):.0f}", f"{bare_mb:.0f}", f"per document {du_mb(project / 'site') / docs * 1024:.0f} KB vs {bare_mb / docs * 1024:.0f} KB"),
            Row("index size MB", f"{du_mb(project / 'build' / 'index'):.0f}", f"{du_mb(work / 'std-index'):.0f}"),
        ]
        print("  queries …", flush=True)
        lat = latency(project / "build" / "index", work / "std-index")
        r.rows += lat
        r.targets += [
            Target("full build / bare mkdocs", full.seconds / bare.seconds, 2.0, unit="×"),
            Target("one-change rebuild / full build", one.seconds / full.seconds * 100, 10, unit=" %"),
            Target("no-change rebuild / full build", again.seconds / full.seconds * 100, 5, unit=" %"),
            Target("conversion / trafilatura, one core each", ours_pps / theirs_pps, 3.0, higher_is_better=True, unit="×"),
            Target("conversion in the build (2 cores) / trafilatura (1 core)", build_pps / theirs_pps, 3.0, higher_is_better=True, unit="×"),
            Target("peak memory", full.peak_mb / 1024, 4.0, unit=" GB"),
        ]
        classes = [row for row in lat if row.measure.startswith("query")]
        worst_first = max(float(row.note.rsplit(" / ", 1)[1]) for row in classes)
        worst_p95 = max(float(row.ours.split(" / ")[1]) for row in classes)
        worst_p50 = max(float(row.ours.split(" / ")[0]) for row in classes)
        r.targets += [Target("search p95, worst class", worst_p95, 100, unit=" ms"), Target("search p50, worst class", worst_p50, 30, unit=" ms"),
                      Target("search, slowest first run of any query", worst_first, 100, unit=" ms")]
        return r.markdown(shapes)
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    # python -m bench.build_bench N [DIR]: DIR keeps the scratch project, its index and site for inspection
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, Path(sys.argv[2]) if len(sys.argv) > 2 else None))
