"""Query latency per class on a synthetic archive of N documents, with and without the syllable-bigram phrase index.

The synthetic documents are made from the sample archive's converted Markdown: paragraphs shuffled per document
(seeded, so runs compare), with varied dates, places, types and numbers in the front matter.
Usage: python -m bench.phrase_bench [N]
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from search_index import query as query_mod
from search_index.index import build, read_markdown
from search_index.query import SearchRequest, search

ROOT = Path(__file__).resolve().parent.parent
PROVINCES = ["Tỉnh Thanh Hóa", "Tỉnh Quảng Ngãi", "Tỉnh Thừa Thiên Huế", "Tỉnh Nghệ An", "Tỉnh Hà Tĩnh"]
TYPES = ["Báo cáo", "Nghị quyết", "Kế hoạch", "Thông báo"]
QUERIES = {
    "single word": ["ngân sách", "đảng viên", "giáo dục"],
    "accent-less": ["nong thon moi", "giai phong mat bang", "dang uy"],
    "phrase": ['"nông thôn mới"', '"thu ngân sách nhà nước"', '"học tập và làm theo tư tưởng"'],
    "boolean": ["covid OR dịch", "đảng -covid", "(GPMB OR BHYT) đường"],
    "filtered": [("ngân sách", {"year": "2022"}), ("đảng ủy", {"province": "Tỉnh Nghệ An"})],
    "faceted": ["an ninh trật tự"],  # every query computes facets; this class is facets over a broad query
}


def make_corpus(n: int, target: Path, seed: int = 7) -> None:
    rng = random.Random(seed)
    sources = [read_markdown(p) for p in sorted((ROOT / "docs" / "van-ban").glob("*.md"))]
    if not sources:
        raise SystemExit("no documents: run `make build` first")
    paragraphs = [p for _, body in sources for p in body.split("\n\n") if len(p) > 40]
    out = target / "van-ban"
    out.mkdir(parents=True)
    for i in range(n):
        meta = dict(rng.choice(sources)[0])
        year, month, day = rng.randint(2016, 2025), rng.randint(1, 12), rng.randint(1, 28)
        meta.update({"date": f"{year}-{month:02d}-{day:02d}", "province": rng.choice(PROVINCES), "doc_type": rng.choice(TYPES),
                     "number": f"{rng.randint(1, 400)}-BC/ĐU", "title": f"{rng.choice(TYPES)} số {i}"})
        body = "\n\n".join(rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(60, 140))))
        (out / f"doc-{i:05d}.md").write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n\n{body}\n", encoding="utf-8")


def timed(index_dir: Path, cases: list) -> list[float]:  # type: ignore[type-arg]
    times = []
    for _ in range(3):
        for case in cases:
            q, filters = case if isinstance(case, tuple) else (case, {})
            started = time.perf_counter()
            search(index_dir, SearchRequest(q=q, filters=filters))
            times.append((time.perf_counter() - started) * 1000)
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def run(n: int = 1000) -> str:
    tmp = Path(tempfile.mkdtemp())
    try:
        make_corpus(n, tmp / "docs")
        started = time.perf_counter()
        build(tmp / "docs", tmp / "index", full=True)
        index_s = time.perf_counter() - started
        rows = [f"### Query latency per class — {n} synthetic documents (index built in {index_s:.0f} s, {n / index_s:.1f} docs/s)", "",
                "| class | bigram phrases p50 ms | p95 ms | plain positional p50 ms | p95 ms |", "|---|---|---|---|---|"]
        for cls, cases in QUERIES.items():
            fast = timed(tmp / "index", cases)
            original = query_mod.to_bigram_phrases
            query_mod.to_bigram_phrases = lambda q: q  # baseline: the same index answering phrases from syllable positions
            try:
                plain = timed(tmp / "index", cases)
            finally:
                query_mod.to_bigram_phrases = original
            rows.append(f"| {cls} | {statistics.median(fast):.0f} | {pct(fast, .95):.0f} | {statistics.median(plain):.0f} | {pct(plain, .95):.0f} |")
        return "\n".join(rows)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    print(run(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
