"""Real portal pages (../shared/real-pages/, issue 18's development set) and imitation pages of document ends
(tests/fixtures/real_shapes/), each against expectations written by reading it (tests/real_pages/*.yaml).

Per page: it converts (or is refused with "no document text found"), no chrome string is left, each document
fragment appears exactly once, the header metadata is exact (null = must be empty: nothing invented), and every
source line is either in the output or listed in the report as dropped. The real pages skip cleanly when
../shared/real-pages is absent. `python -m bench.real_pages_bench` prints the same checks as a table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .real_pages.scoring import (
    EXPECTATIONS,
    REAL_PAGES,
    REFUSAL,
    SHAPE_EXPECTATIONS,
    SHAPES,
    body_lines,
    chrome_kept,
    convert,
    keep_counts,
    load_expectations,
    metadata_score,
    normalise,
    pages,
    source_pieces,
    source_text,
    unaccounted,
)


def _params(converted_only: bool) -> list[Any]:
    params = [pytest.param(p, e, id=f"real/{p.stem}") for p, e in pages(REAL_PAGES, EXPECTATIONS)]
    if not params:
        params = [pytest.param(None, None, id="real/absent", marks=pytest.mark.skip(reason="../shared/real-pages is absent"))]
    params += [pytest.param(p, e, id=f"shape/{p.stem}") for p, e in pages(SHAPES, SHAPE_EXPECTATIONS)]
    if converted_only:
        params = [p for p in params if p.values[1] is None or not p.values[1]["refuse"]]
    return params


ALL = _params(converted_only=False)
CONVERTED = _params(converted_only=True)


def _converted(path: Path):  # type: ignore[no-untyped-def]
    result = convert(path)
    assert result.error is None, f"{path.name} failed to convert: {result.error}"
    return result


@pytest.mark.parametrize(("path", "expect"), ALL)
def test_converts_or_is_refused(path: Path, expect: dict[str, Any]) -> None:
    result = convert(path)
    if expect["refuse"]:
        assert result.error is not None and REFUSAL in result.error, (
            f"{path.name} has no document text: expected refusal {REFUSAL!r}, got "
            + (repr(result.error) if result.error else f"a document:\n{result.markdown[:600]}")
        )
    else:
        assert result.error is None, f"{path.name}: {result.error}"
        assert body_lines(result.markdown), f"{path.name} converted to an empty body"


@pytest.mark.parametrize(("path", "expect"), CONVERTED)
def test_no_chrome_left(path: Path, expect: dict[str, Any]) -> None:
    assert chrome_kept(body_lines(_converted(path).markdown), expect["chrome"]) == []


@pytest.mark.parametrize(("path", "expect"), CONVERTED)
def test_document_fragments_once(path: Path, expect: dict[str, Any]) -> None:
    counts = keep_counts(body_lines(_converted(path).markdown), expect["keep"])
    assert {k: n for k, n in counts.items() if n != 1} == {}, "fragment → times found in the output (must be 1)"


@pytest.mark.parametrize(("path", "expect"), CONVERTED)
def test_metadata_exact_and_nothing_invented(path: Path, expect: dict[str, Any]) -> None:
    metadata = _converted(path).metadata
    scored = metadata_score(expect["metadata"], metadata)
    wrong = {k: {"expected": expect["metadata"][k], "got": metadata.get(k)} for k in scored["missing"] + scored["wrong"] + scored["invented"]}
    assert wrong == {}


@pytest.mark.parametrize(("path", "expect"), CONVERTED)
def test_every_line_in_output_or_reported(path: Path, expect: dict[str, Any]) -> None:
    result = _converted(path)
    lost = unaccounted(source_pieces(path), result.markdown, [d["text"] for d in result.dropped])
    assert lost == [], f"{len(lost)} source pieces neither in the output nor in the report's drops"


# --- the expectations themselves: every string quoted is on its page, so a typo cannot pass as "chrome removed"


@pytest.mark.parametrize(("path", "expect"), ALL)
def test_expectations_quote_the_page(path: Path, expect: dict[str, Any]) -> None:
    text = " " + normalise(source_text(path)) + " "
    for string in expect["chrome"] + expect["keep"]:
        assert len(string) <= 80, f"expectation longer than 80 characters: {string!r}"
        assert normalise(string) in text, f"not on the page: {string!r}"
    assert expect["kind"] in ("DOC", "NEWS", "EMPTY")
    assert set(expect["metadata"]) <= {"doc_type", "number", "date", "issuer", "signer"}
    if expect["kind"] == "NEWS":  # a news item has no document metadata
        assert all(v is None for v in expect["metadata"].values())


def test_expectation_files_name_existing_pages() -> None:
    for directory, expectations in ((REAL_PAGES, EXPECTATIONS), (SHAPES, SHAPE_EXPECTATIONS)):
        if not directory.is_dir():
            continue
        named = set(load_expectations(expectations))
        on_disk = {p.name for p in directory.iterdir() if p.suffix in (".txt", ".html", ".htm", ".md") and p.name != "README.md"}
        assert named == on_disk, f"{expectations.name}: pages without expectations {sorted(on_disk - named)}, unknown {sorted(named - on_disk)}"
