"""Real portal pages (../shared/real-pages/, issue 18's development set) and imitation pages of document ends
(tests/fixtures/real_shapes/), each against expectations written by reading it (tests/real_pages/*.yaml).

Per page: it converts (or is refused with "no document text found"), no chrome string is left, each document
fragment appears exactly once, the header metadata is exact (null = must be empty: nothing invented), and every
source line is either in the output or listed in the report as dropped. The real pages skip cleanly when
../shared/real-pages is absent. `python -m bench.real_pages_bench` prints the same checks as a table.
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .real_pages import scoring
from .real_pages.scoring import (
    EXPECTATIONS,
    REAL_PAGES,
    REFUSAL,
    SHAPE_EXPECTATIONS,
    SHAPES,
    body_lines,
    chrome_kept,
    convert,
    expected_metadata,
    keep_counts,
    load_expectations,
    metadata_score,
    normalise,
    pages,
    source_pieces,
    source_text,
    title_too_long,
    unaccounted,
)
from .retention import SOURCE_MARKERS, output_body, retention_problems, words


def _params(converted_only: bool) -> list[Any]:
    real, shapes = pages(REAL_PAGES, EXPECTATIONS), pages(SHAPES, SHAPE_EXPECTATIONS)
    params = [pytest.param(p, e, id=f"real/{p.stem}") for p, e in real if not (converted_only and e["refuse"])]
    if not real:
        params = [pytest.param(None, None, id="real/absent", marks=pytest.mark.skip(reason="../shared/real-pages is absent"))]
    return params + [pytest.param(p, e, id=f"shape/{p.stem}") for p, e in shapes if not (converted_only and e["refuse"])]


ALL = _params(converted_only=False)
CONVERTED = _params(converted_only=True)


def _converted(path: Path) -> scoring.Conversion:
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
    kept = chrome_kept(body_lines(_converted(path).markdown), expect["chrome"])
    assert not kept, f"{len(kept)} chrome strings left in the output: {kept}"


@pytest.mark.parametrize(("path", "expect"), CONVERTED)
def test_document_fragments_once(path: Path, expect: dict[str, Any]) -> None:
    counts = keep_counts(body_lines(_converted(path).markdown), expect["keep"])
    wrong = {k: n for k, n in counts.items() if n != 1}
    assert not wrong, f"document fragments not printed exactly once (fragment: times found): {wrong}"


@pytest.mark.parametrize(("path", "expect"), CONVERTED)
def test_metadata_exact_and_nothing_invented(path: Path, expect: dict[str, Any]) -> None:
    metadata = _converted(path).metadata
    fields = expected_metadata(expect)  # a news item: every header and closing field empty too
    scored = metadata_score(fields, metadata)
    wrong = {k: {"expected": fields[k], "got": metadata.get(k)} for k in scored["missing"] + scored["wrong"] + scored["invented"]}
    assert not wrong, f"metadata fields wrong, missing or invented: {wrong}"


@pytest.mark.parametrize(("path", "expect"), [p for p in CONVERTED if p.values[1] and "title_max_words" in p.values[1]])
def test_title_no_longer_than_type_and_subject(path: Path, expect: dict[str, Any]) -> None:
    title = _converted(path).metadata.get("title")
    assert not title_too_long(expect, _converted(path).metadata), f"title longer than the type line and its subject: {title!r}"


@pytest.mark.parametrize(("path", "expect"), CONVERTED)
def test_every_line_in_output_or_reported(path: Path, expect: dict[str, Any]) -> None:
    result = _converted(path)
    lost = unaccounted(source_pieces(path), output_body(result.markdown), [d["text"] for d in result.dropped])
    assert not lost, f"{len(lost)} source pieces neither in the output nor in the report's drops: {lost[:8]}"
    if path.suffix == ".txt":  # text pages: the seeds' exact rule too (each sentence as often as in the source, less the drops)
        line_drops = [d for d in result.dropped if d["lines"][0] >= 1]
        problems = retention_problems(source_text(path), result.markdown, line_drops)
        assert not problems, f"sentence retention: {problems[:6]}"


def test_scoring_doctests() -> None:
    failures, tried = doctest.testmod(scoring)
    assert tried and not failures


# --- the expectations themselves: every string quoted is on its page, so a typo cannot pass as "chrome removed"


@pytest.mark.parametrize(("path", "expect"), ALL)
def test_expectations_quote_the_page(path: Path, expect: dict[str, Any]) -> None:
    text = " " + normalise(source_text(path)) + " "
    for string in expect["chrome"] + expect["keep"]:
        assert len(string) <= 80, f"expectation longer than 80 characters: {string!r}"
        assert normalise(string) in text, f"not on the page: {string!r}"
    assert expect["kind"] in ("DOC", "NEWS", "EMPTY")
    assert set(expect["metadata"]) <= {"doc_type", "number", "date", "issuer", "signer"}
    assert set(expect) <= {"kind", "refuse", "chrome", "keep", "metadata", "title_max_words"}, "unknown expectation key"
    if expect["kind"] == "NEWS":  # a news item has no document metadata
        assert all(v is None for v in expect["metadata"].values())


def test_expectation_files_name_existing_pages() -> None:
    for directory, expectations in ((REAL_PAGES, EXPECTATIONS), (SHAPES, SHAPE_EXPECTATIONS)):
        if not directory.is_dir():
            continue
        named = set(load_expectations(expectations))
        on_disk = {p.name for p in directory.iterdir() if p.suffix in (".txt", ".html", ".htm", ".md") and p.name != "README.md"}
        assert named == on_disk, f"{expectations.name}: pages without expectations {sorted(on_disk - named)}, unknown {sorted(named - on_disk)}"


# --- properties of the scoring itself: what the tests above rely on

_TEXT = st.text(alphabet=st.sampled_from("aăâđeêioôơuưy ÁÀẢÃẠẮẦẾỀỐỜỨ.,;:0123456789-"), min_size=1, max_size=40)


@given(st.lists(_TEXT, min_size=1, max_size=8), st.data())
@settings(max_examples=60, deadline=None)
def test_every_piece_accounted_for_in_output_or_drops(pieces: list[str], data: st.DataObject) -> None:
    """A piece is accounted for whether it went to the output or to the report, and lost when it went nowhere."""
    to_drops = [data.draw(st.booleans()) for _ in pieces]
    output = "\n\n".join(f"- **{p}**" for p, dropped in zip(pieces, to_drops, strict=True) if not dropped)
    drops = [p for p, dropped in zip(pieces, to_drops, strict=True) if dropped]
    assert unaccounted(pieces, output, drops) == []
    lost = data.draw(st.sampled_from(pieces))
    others = [p for p in pieces if p != lost]
    if words(lost, SOURCE_MARKERS) and not any(" ".join(words(lost, SOURCE_MARKERS)) in " ".join(words(o, SOURCE_MARKERS)) for o in others):
        assert lost in unaccounted(pieces, "\n\n".join(others), [])


@given(st.lists(_TEXT, max_size=6), _TEXT)
@settings(max_examples=60, deadline=None)
def test_fragment_counted_once_whatever_the_markup(lines: list[str], fragment: str) -> None:
    fragment = normalise(fragment)
    if not fragment or any(fragment in normalise(line) for line in lines) or not re.match(r"\w", fragment) or not re.search(r"\w$", fragment):
        return
    markdown = "\n\n".join([f"### {fragment}", *(f"- {line}" for line in lines)])
    assert keep_counts(body_lines(markdown), [fragment]) == {fragment: 1}
    assert chrome_kept(body_lines(markdown), [fragment]) == [fragment]


# --- the checker's two header limits, fixed narrowly: a header's cells are rejoined and split, never a body sentence

_HEADER_MD = ('<div class="doc-header" markdown>\n\n<div class="doc-header__left" markdown>\n\n**ỦY BAN NHÂN DÂN HUYỆN AN LÂM**\n\n</div>\n\n'
              '<div class="doc-header__right" markdown>\n\n**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**\n\n</div>\n\n</div>\n\n')


def test_retention_allows_the_phrase_the_header_cells_form_anew() -> None:
    source = "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\nHUYỆN AN LÂM |\nỦY BAN NHÂN DÂN HUYỆN AN LÂM\n"
    assert retention_problems(source, _HEADER_MD + "ỦY BAN NHÂN DÂN HUYỆN AN LÂM\n", []) == []
    twice = retention_problems(source, _HEADER_MD + "ỦY BAN NHÂN DÂN HUYỆN AN LÂM\n\nỦY BAN NHÂN DÂN HUYỆN AN LÂM\n", [])
    assert twice, "a body line printed twice is still caught"


def test_a_one_space_two_column_header_line_is_accounted_for_by_its_cells() -> None:
    source = "ỦY BAN NHÂN DÂN HUYỆN AN LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    assert retention_problems(source, _HEADER_MD, []) == []
    assert unaccounted([source.strip()], _HEADER_MD, []) == []
    assert unaccounted([source.strip()], _HEADER_MD.replace("CỘNG HÒA", "ĐẢNG"), []) == [source.strip()]  # a cell lost is lost
