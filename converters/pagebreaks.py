"""Page-break repair: lone page numbers and running headers dropped, split paragraphs and headings joined."""

from __future__ import annotations

import re
from collections import Counter

from . import patterns as P
from .lineclass import is_document_anchor, is_signature_cell
from .model import Block, Document

LOWER_START, CAPS_WORD_START, STRUCTURAL_START = P.LOWER_START, P.CAPS_WORD_START, P.STRUCTURAL_START


def drop_page_numbers(doc: Document) -> None:
    kept: list[Block] = []
    for block in doc.blocks:
        if P.PAGE_NUMBER.match(block.text) and block.blank_before:
            doc.drop_block(block, "page-number", "lone page number left by a page break")
            continue
        kept.append(block)
    doc.blocks = kept


def drop_running_headers(doc: Document) -> None:
    """A short line repeated at (old) page tops, three times or more, that is not a heading."""
    counts = Counter(b.text for b in doc.blocks if len(b.text) < 80)
    repeated = {t for t, n in counts.items() if n >= 3 and not P.LIST_ITEM.match(t) and not P.NUMBERED_LINE.match(t) and not _signature_line(t)}
    if not repeated:
        return
    kept: list[Block] = []
    seen: set[str] = set()
    for block in doc.blocks:
        if block.text in repeated and block.text in seen:
            doc.drop_block(block, "running-header", "line repeated at the top of every printed page")
            continue
        seen.add(block.text)
        kept.append(block)
    doc.blocks = kept


def _signature_line(text: str) -> bool:
    """`THỨ TRƯỞNG   THỨ TRƯỞNG`, `(Đã ký)`: a joint document repeats its signature lines, never a running header."""
    return is_signature_cell(text)  # block text has single spaces (hygiene), so the repeated role matches as a whole


def _ends_open(text: str) -> bool:
    stripped = text.rstrip("* ")
    return bool(stripped) and stripped[-1] not in P.TERMINAL_PUNCT and not P.END_MARK.search(stripped)


def _can_continue(prev: Block, block: Block) -> bool:
    """`block` is the rest of `prev`, cut by a page break or a line wrap."""
    if prev.kind is not block.kind or not _ends_open(prev.text):
        return False
    if P.DOC_TYPE_LINE.match(prev.text.strip("* ")) or P.PART_HEADING.match(prev.text.strip("* ")):
        return False
    text = block.text.lstrip("* ")
    if STRUCTURAL_START.match(text) or is_document_anchor(block):
        return False
    if LOWER_START.match(text):
        return len(prev.text.split()) >= 3
    # a capitalised heading wrapped over two lines: "I. TÌNH HÌNH … KINH TẾ - XÃ" ⏎ "HỘI"
    prev_plain = re.split(r"\*{3,}", prev.text)[-1].strip("* ")  # the last piece of a glued line
    first = CAPS_WORD_START.match(text)
    return (
        not block.blank_before
        and (P.ROMAN_HEADING.match(prev_plain) or P.ARABIC_HEADING.match(prev_plain)) is not None
        and prev_plain == prev_plain.upper()
        and first is not None
        and len(first.group(1)) >= 2
    )


def join_split_paragraphs(doc: Document) -> None:
    out: list[Block] = []
    for block in doc.blocks:
        if out and _can_continue(out[-1], block):
            prev = out[-1]
            prev.text = f"{prev.text.rstrip()} {block.text.lstrip()}"
            prev.last_line = block.last_line
            prev.raw = prev.text
            prev.data.setdefault("joined_lines", []).append(block.first_line)
            continue
        out.append(block)
    doc.blocks = out
