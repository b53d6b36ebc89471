"""Search relevance per class, ours beside two baselines in the same run on the same documents: Whoosh with
StandardAnalyzer and accent folding, and Pagefind (npm `pagefind`, queried through its JS API in headless Chromium).

The corpus is the sample (sources/), the fixtures (tests/fixtures/) and ../shared/real-pages/ (when present), converted
into a temporary folder by the converter's command line and indexed there; tests/judged_queries.json holds the judged
queries. A query is right when its first hit is relevant, every relevant report is in the top 10 (or all ten hits are
relevant), and the snippet marks the expected words; a negative is right when nothing comes back.
Prints a table; appends it to bench/RESULTS.md.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import CharsetFilter, StandardAnalyzer
from whoosh.fields import ID, TEXT, Schema
from whoosh.qparser import QueryParser
from whoosh.support.charset import accent_map

from core.record import read_records
from search_index.index import build, document_fields
from search_index.query import SearchRequest, search
from search_index.vietnamese import folded_form

ROOT = Path(__file__).resolve().parent.parent
JUDGED = json.loads((ROOT / "tests" / "judged_queries.json").read_text(encoding="utf-8"))
REAL_PAGES = ROOT / ".." / "shared" / "real-pages"
PAGEFIND = Path(os.environ.get("PAGEFIND_BIN") or ROOT / "node_modules" / ".bin" / "pagefind")  # pinned in package-lock.json
CHROMIUM = "/usr/bin/chromium"


def corpus_sources() -> list[Path]:
    sources = sorted((ROOT / "sources").glob("0*.txt")) + [ROOT / "tests" / "fixtures" / "text", ROOT / "tests" / "fixtures" / "html"]
    if REAL_PAGES.is_dir():
        sources += sorted(p for p in REAL_PAGES.iterdir() if p.suffix in {".txt", ".html", ".htm"})
    return sources


def build_corpus(tmp: Path) -> tuple[Path, Path]:
    """Convert the corpus into tmp/docs/van-ban and index it into tmp/index: (docs dir, index dir)."""
    docs = tmp / "docs"
    run = subprocess.run([sys.executable, "-m", "converters", *map(str, corpus_sources()), "-o", str(docs / "van-ban")],
                         cwd=ROOT, capture_output=True, text=True)
    # pages with no document text (real pages 27 and 32) are refused, which makes the exit status 1; anything else is not
    refused = [line for line in run.stderr.splitlines() if line.startswith("error:") and "no document text found" not in line]
    if run.returncode not in (0, 1) or (run.returncode == 1 and refused):
        raise RuntimeError(f"converting the judged corpus failed:\n{run.stderr}")
    build(docs / "van-ban", tmp / "index", full=True)  # the records the converter wrote (docs/van-ban/van-ban/)
    return docs, tmp / "index"


def report_of(doc_id: str) -> str:
    """A document's report key: copies of one report (the same text from other portals) count once."""
    stem = doc_id.split("/")[-1]
    for key, copies in JUDGED["copies"].items():
        if stem in copies:
            return key
    return stem


def words_of(text: str) -> str:
    """Folded syllables, i/y spelling normalised: 'Quí Mão' and 'quý mão' compare equal."""
    return " ".join(folded_form(w) for w in re.findall(r"\w+", html.unescape(text)))


def marked(snippet: str) -> list[str]:
    """The marked passages; marks side by side (word by word, as Whoosh and Pagefind mark) read as one."""
    snippet = re.sub(r"</mark>([\W_]*?)<mark[^>]*>", r"\1", snippet)
    return [words_of(m) for m in re.findall(r"<mark[^>]*>(.*?)</mark>", snippet, re.S)]


def is_right(case: dict, hits: list[tuple[str, str]]) -> bool:
    """hits: (document id, snippet HTML) best first."""
    if case["class"] == "negative":
        return not hits
    relevant = set(case["relevant"])
    reports = [report_of(d) for d, _ in hits[:10]]
    if not reports or reports[0] not in relevant:
        return False
    if not (relevant <= set(reports) or all(r in relevant for r in reports)):
        return False
    marks = " | ".join(marked(hits[0][1]))
    for want in case.get("marks", []):
        if not any(words_of(alt) in marks for alt in want.split("|")):
            return False
    return True


def ours(index_dir: Path, q: str) -> tuple[list[tuple[str, str]], float]:
    t0 = time.perf_counter()
    result = search(index_dir, SearchRequest(q=q, per_page=10))
    return [(h["id"], h["snippet"]) for h in result["hits"]], (time.perf_counter() - t0) * 1000


class Standard:
    """The plain baseline: Whoosh StandardAnalyzer with accent folding over title + body, its own highlighter."""

    def __init__(self, docs: Path, tmp: Path) -> None:
        analyzer = StandardAnalyzer() | CharsetFilter(accent_map)
        (tmp / "std").mkdir()
        self.ix = whoosh_index.create_in(str(tmp / "std"), Schema(id=ID(stored=True, unique=True), body=TEXT(analyzer=analyzer, stored=True)))
        with self.ix.writer() as w:
            for record in read_records(docs / "van-ban"):
                fields = document_fields(record)
                w.add_document(id=fields["id"], body=fields["title"] + "\n" + fields["body"])
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("body", self.ix.schema)

    def __call__(self, q: str) -> list[tuple[str, str]]:
        results = self.searcher.search(self.parser.parse(q.replace("đ", "d").replace("Đ", "D")), limit=10)
        results.formatter.tagname = "mark"
        return [(r["id"], r.highlights("body") or "") for r in results]


def pagefind_run(docs: Path, tmp: Path, queries: list[str]) -> dict[str, list[tuple[str, str]]] | None:
    """Pagefind over the same documents as static HTML, queried in headless Chromium via `pagefind.search(q)`."""
    if not PAGEFIND.exists() or not Path(CHROMIUM).exists():
        return None
    from playwright.sync_api import sync_playwright

    site = tmp / "site"
    for record in read_records(docs / "van-ban"):
        fields = document_fields(record)
        page = site / fields["id"].split("/")[-1] / "index.html"
        page.parent.mkdir(parents=True)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in fields["body"].split("\n\n"))
        page.write_text(f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{html.escape(fields["title"])}</title></head>'
                        f'<body><main data-pagefind-body><h1>{html.escape(fields["title"])}</h1>{paragraphs}</main></body></html>', encoding="utf-8")
    (site / "index.html").write_text("<!doctype html><html lang='vi'><body>search</body></html>", encoding="utf-8")
    subprocess.run([str(PAGEFIND), "--site", str(site)], check=True, capture_output=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out: dict[str, list[tuple[str, str]]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/index.html")
            page.evaluate("async () => { window.pf = await import('/pagefind/pagefind.js'); await window.pf.init(); }")
            for q in queries:
                found = page.evaluate("""async (q) => { const r = await window.pf.search(q);
                    const top = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
                    return top.map(d => [d.url, d.excerpt]); }""", q)
                out[q] = [(url.strip("/").split("/")[-1], excerpt) for url, excerpt in found]
            browser.close()
    finally:
        server.shutdown()
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def run(repeats: int = 3) -> str:
    tmp = Path(tempfile.mkdtemp())
    try:
        docs, index_dir = build_corpus(tmp)
        n_docs = len(list((docs / "van-ban").glob("*.md")))
        cases = JUDGED["queries"]
        standard = Standard(docs, tmp)
        right: dict[str, dict[str, list[bool]]] = {name: defaultdict(list) for name in ("ours", "standard", "pagefind")}
        latency: dict[str, list[float]] = defaultdict(list)
        for case in cases:
            hits: list[tuple[str, str]] = []
            for _ in range(repeats):
                hits, ms = ours(index_dir, case["q"])
                latency[case["class"]].append(ms)
            right["ours"][case["class"]].append(is_right(case, hits))
            right["standard"][case["class"]].append(is_right(case, standard(case["q"])))
        pf = pagefind_run(docs, tmp, [c["q"] for c in cases])
        for case in cases:
            if pf is not None:
                right["pagefind"][case["class"]].append(is_right(case, pf[case["q"]]))
        wrong = [c["q"] for c in cases if not is_right(c, ours(index_dir, c["q"])[0])]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def pct(values: list[bool]) -> str:
        return f"{100 * sum(values) / len(values):.0f} % ({sum(values)}/{len(values)})" if values else "—"

    lines = [f"### Search relevance per class — {n_docs} documents, {len(cases)} judged queries (ours × {repeats} for latency)", "",
             "| class | queries | ours | Whoosh StandardAnalyzer + folding | Pagefind 1.6 | ours p50 / p95 ms |", "|---|---|---|---|---|---|"]
    for cls in sorted(right["ours"]):
        lines.append(f"| {cls} | {len(right['ours'][cls])} | {pct(right['ours'][cls])} | {pct(right['standard'][cls])} | "
                     f"{pct(right['pagefind'][cls])} | {statistics.median(latency[cls]):.1f} / {percentile(latency[cls], .95):.1f} |")
    every = {name: [v for vals in r.values() for v in vals] for name, r in right.items()}
    everything = [ms for v in latency.values() for ms in v]
    lines.append(f"| **all** | {len(cases)} | {pct(every['ours'])} | {pct(every['standard'])} | {pct(every['pagefind'])} | "
                 f"{statistics.median(everything):.1f} / {percentile(everything, .95):.1f} |")
    lines += ["", "Ours wrong: " + (", ".join(repr(q) for q in wrong) or "none"),
              "Our latency is the service path (parse, match, rank, facets, snippets); Pagefind's is not timed (browser)."]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
