"""Real-pages table: the converter on the development set (../shared/real-pages/) and on the imitation pages of
document ends (tests/fixtures/real_shapes/), scored by the same rules as tests/test_real_pages.py, with
trafilatura (the best generic extractor) beside it.

Columns, per page: chrome strings kept; document lines lost (expected fragments missing + source pieces neither in
the output nor in the report's drops); fragments printed twice; metadata fields right / missing / wrong / invented
(a field expected empty but filled). trafilatura has no report of what it drops, so on its side only the expected
fragments it lost are counted, and it has no header metadata; it takes HTML only, so a .txt page is given to it as
one <p> per line (which makes it keep nearly everything there).

    python -m bench.real_pages_bench      # print the table
    make bench                            # … and append it to bench/RESULTS.md
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import trafilatura

from tests.real_pages.scoring import (
    EXPECTATIONS,
    REAL_PAGES,
    SHAPE_EXPECTATIONS,
    SHAPES,
    Score,
    as_paragraphs,
    pages,
    score_output,
    score_page,
)

HEADER = ("| page | kind | clean | chrome kept | lines lost | twice | meta right | missing | wrong | invented "
          "| trafilatura: chrome kept | fragments lost | twice |")
RULE = "|" + "---|" * (HEADER.count("|") - 1)


def trafilatura_score(path: Path, expect: dict[str, Any]) -> Score | None:
    if expect.get("refuse"):
        return None
    text = trafilatura.extract(as_paragraphs(path), include_tables=True, include_comments=False, deduplicate=False) or ""
    return score_output(path, expect, text, None, [])


def _lost(score: Score) -> int:
    return len(score.keep_missing) + len(score.lines_lost)


def _row(score: Score, baseline: Score | None) -> tuple[str, list[int]]:
    if score.refused or (score.error and not score.chrome_kept):
        status = "refused ✓" if score.refused else f"✗ {(score.error or '')[:40]}"
        return f"| {score.page} | {score.kind} | {status} | | | | | | | | – | – | – |", [int(score.refused)] + [0] * 10
    numbers = [len(score.chrome_kept), _lost(score), len(score.keep_repeated), len(score.right), len(score.missing),
               len(score.wrong), len(score.invented)]
    base = [len(baseline.chrome_kept), len(baseline.keep_missing), len(baseline.keep_repeated)] if baseline else [0, 0, 0]
    shown_base = [str(n) for n in base] if baseline else ["–"] * 3
    cells = [score.page, score.kind, "✓" if score.clean else "", *map(str, numbers), *shown_base]
    return "| " + " | ".join(cells) + " |", [int(score.clean), *numbers, *base]


def details(score: Score) -> str | None:
    """What is wrong on one page, in one line (for the engineer fixing it)."""
    parts = []
    if score.error:
        parts.append(f"error: {score.error[:100]}")
    if score.chrome_kept:
        parts.append("chrome kept: " + "; ".join(repr(c) for c in score.chrome_kept))
    if score.keep_missing or score.keep_repeated:
        parts.append("fragments missing: " + "; ".join(repr(k) for k in score.keep_missing) if score.keep_missing else "")
        parts.append("fragments twice: " + "; ".join(repr(k) for k in score.keep_repeated) if score.keep_repeated else "")
    if score.lines_lost:
        parts.append(f"{len(score.lines_lost)} lines neither output nor reported, e.g. {score.lines_lost[0][:60]!r}")
    for key, (want, got) in score.metadata_diff.items():
        parts.append(f"{key}: expected {want!r}, got {got!r}")
    parts = [p for p in parts if p]
    return f"- `{score.page}`: " + " · ".join(parts) if parts else None


def table(title: str, cases: list[tuple[Path, dict[str, Any]]]) -> str:
    if not cases:
        return f"### {title}\n\n(skipped: no pages)"
    lines = [f"### {title}", "", HEADER, RULE]
    notes = []
    totals = [0] * 11  # clean, 7 converter columns, 3 trafilatura columns
    for path, expect in cases:
        score = score_page(path, expect)
        row, numbers = _row(score, trafilatura_score(path, expect))
        lines.append(row)
        totals = [t + n for t, n in zip(totals, numbers, strict=True)]
        if note := details(score):
            notes.append(note)
    lines.append(f"| **total ({len(cases)} pages)** | | **{totals[0]} clean** | " + " | ".join(f"**{n}**" for n in totals[1:]) + " |")
    if notes:
        lines += ["", "<details><summary>What is wrong, page by page</summary>", "", *notes, "", "</details>"]
    return "\n".join(lines)


def run() -> str:
    parts = ["## Real pages (issue 18): converter vs trafilatura",
             table("Development set: ../shared/real-pages/", pages(REAL_PAGES, EXPECTATIONS)),
             table("Imitation pages of document ends: tests/fixtures/real_shapes/", pages(SHAPES, SHAPE_EXPECTATIONS)),
             "Clean = converts (or is refused when it should be) with no chrome kept, no document line lost, no fragment "
             "twice, every metadata field right. Lines lost = expected fragments missing + source lines neither in the output nor in "
             "the report's drops. trafilatura: fragments lost only (it reports no drops); text pages given to it as one <p> per line."]
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.stdout.write(run() + "\n")
