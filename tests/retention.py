"""Sentence retention: every sentence of the source, less what the report lists as dropped, appears in
the output exactly as often as in the source. Written independently of the converter's own patterns."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

WORD = re.compile(r"\w+")
# footnote markers in every dialect, on both sides (labels are renumbered, so they are not text)
SOURCE_MARKERS = re.compile(r"\[footnoteRef:\d+\]|\[\d+:\s|\^\([IVXivx\d]+\)|⁽[⁰¹²³⁴⁵⁶⁷⁸⁹]+⁾|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\(?\[\d{1,3}\]\)?|\[\^[^\]\s]+\]:?")
OUTPUT_MARKERS = re.compile(r"\[\^[^\]\s]+\]:?|</?div[^>]*>|[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
PIECE_SPLIT = re.compile(r"[.!?;:…\n\[\]|]+|\t|[ \u00a0]{3,}")  # sentence ends, line ends, brackets, column gaps and bars


def words(text: str, markers: re.Pattern[str]) -> list[str]:
    return WORD.findall(markers.sub(" ", unicodedata.normalize("NFC", text)))


def output_body(markdown: str) -> str:
    return re.sub(r"^---\n.*?\n---\n", "", markdown, count=1, flags=re.S)


HEADER_DIV = re.compile(r'<div class="doc-header"[^>]*>(?P<cells>.*?)</div>\s*</div>', re.S)  # the two header columns


def header_text(markdown: str) -> str:
    """The rendered header's cells (issuer column, motto column), '' when the output has no header block."""
    found = HEADER_DIV.search(output_body(markdown))
    return found["cells"] if found else ""


HEADER_CELL_WORDS = 3  # a header cell has at least this many words (a shorter cut would match anywhere)


def two_header_cells(piece_words: list[str], header_stream: str) -> bool:
    """A source line of two header columns flattened with one space ("BCĐ … MỚI CỘNG HÒA …"): it cuts once into two
    runs of words, each found in the rendered header's cells."""
    return any(
        f" {' '.join(piece_words[:cut])} " in header_stream and f" {' '.join(piece_words[cut:])} " in header_stream
        for cut in range(HEADER_CELL_WORDS, len(piece_words) - HEADER_CELL_WORDS + 1)
    )


def remaining_source(source_text: str, dropped: list[dict[str, Any]]) -> tuple[str, list[str]]:
    """Source text with each dropped piece removed from the lines the report names. Returns (text, problems)."""
    lines = unicodedata.normalize("NFC", source_text.replace("\r\n", "\n").replace("\r", "\n")).lstrip("\ufeff").split("\n")
    line_words = [words(line, SOURCE_MARKERS) for line in lines]
    touched: set[int] = set()
    problems = []
    for drop in dropped:
        target = words(drop["text"], SOURCE_MARKERS)
        if not target:
            continue
        first, last = drop["lines"]
        span = [w for n in range(first - 1, last) for w in line_words[n]]
        joined, needle = " " + " ".join(span) + " ", " " + " ".join(target) + " "
        if needle not in joined:
            problems.append(f"drop not found at lines {first}-{last}: {drop['text'][:60]!r}")
            continue
        rest = joined.replace(needle, " ", 1).split()
        for n in range(first - 1, last):
            line_words[n] = []
            touched.add(n)
        line_words[first - 1] = rest
    kept = [" ".join(line_words[n]) if n in touched else line for n, line in enumerate(lines)]
    return "\n".join(kept), problems


def _count(stream: str, needle: str) -> int:
    """Occurrences of a space-delimited needle, overlapping ones included (str.count misses "A A" back to back)."""
    return len(re.findall(f"(?={re.escape(needle)})", stream))


def retention_problems(source_text: str, markdown: str, dropped: list[dict[str, Any]]) -> list[str]:
    kept_source, problems = remaining_source(source_text, dropped)
    body = output_body(markdown)
    src_words = words(kept_source, SOURCE_MARKERS)
    out_words = words(body, OUTPUT_MARKERS)
    missing = Counter(src_words) - Counter(out_words)
    extra = Counter(out_words) - Counter(src_words)
    if missing:
        problems.append(f"words lost: {dict(list(missing.items())[:12])}")
    if extra:
        problems.append(f"words added or duplicated: {dict(list(extra.items())[:12])}")
    src_stream = " " + " ".join(src_words) + " "
    out_stream = " " + " ".join(out_words) + " "
    # The header joins a body's name written over two cell rows ("ỦY BAN NHÂN DÂN |" / "HUYỆN …|") into one cell, so
    # a phrase the body repeats can appear once more there; the word counts above still catch any word added.
    header_stream = " " + " ".join(words(header_text(markdown), OUTPUT_MARKERS)) + " "
    for piece in {" ".join(words(p, SOURCE_MARKERS)) for p in PIECE_SPLIT.split(kept_source)}:
        if len(piece.split()) < 3:
            continue
        needle = f" {piece} "
        in_src, in_out = _count(src_stream, needle), _count(out_stream, needle)
        if in_out - _count(header_stream, needle) == in_src or (in_out < in_src and two_header_cells(piece.split(), header_stream)):
            continue  # a phrase the header's joined cells form anew, or a line of two header cells split apart
        if in_src != in_out:
            problems.append(f"sentence appears {in_out}× in output, {in_src}× in source: {piece[:80]!r}")
    return problems
