"""Inline markup repair: glued headings split apart, and emphasis left balanced.

DOCX → Markdown conversions glue headings into one line (`BÁO CÁO**Kết quả…****I. TÌNH HÌNH…`)
and leave unbalanced `*`/`**`/`***`. Rendered pages must show no stray asterisks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import patterns as P
from .model import Block, Document

STAR_RUN, GLUE_AFTER_TYPE, NUMBERED_START, CAPS_START, INNER_GLUE = P.STAR_RUN, P.GLUE_AFTER_TYPE, P.NUMBERED_START, P.CAPS_START, P.INNER_GLUE


def split_glued(doc: Document) -> None:
    """Split a line that glues a title, subtitle and headings together with star runs."""
    out: list[Block] = []
    for block in doc.blocks:
        parts = _glued_parts(block.text)
        if len(parts) == 1:
            out.append(block)
            continue
        raw_parts = _glued_parts(block.raw) if block.raw else parts
        raws = raw_parts if len(raw_parts) == len(parts) else parts  # keep the column gaps of each piece when they split alike
        for n, (part, raw) in enumerate(zip(parts, raws, strict=True)):
            piece = Block(part, block.first_line, block.last_line, blank_before=block.blank_before if n == 0 else True, raw=raw)
            piece.data["split_from_glued_line"] = True
            out.append(piece)
    doc.blocks = out


def _glued_parts(text: str) -> list[str]:
    if "**" not in text:  # both patterns need a star run; INNER_GLUE's lookbehind makes re try every position
        return [text]
    match = GLUE_AFTER_TYPE.match(text)
    if match:
        return [match["type"], *_glued_parts(match["rest"])]
    pieces: list[str] = []
    last = 0
    for glue in INNER_GLUE.finditer(text):
        right = text[glue.end() :]
        if NUMBERED_START.match(right) or (CAPS_START.match(right) and len(glue.group(0)) >= 4):
            pieces.append(text[last : glue.start()])
            last = glue.end()
    if not pieces:
        return [text]
    pieces.append(text[last:])
    return [p.strip() for p in pieces if p.strip("* ")]


def balance_emphasis(text: str) -> str:
    """Pair star runs like CommonMark would; remove runs that cannot pair (DOCX debris)."""
    # "** Label:*" — an opener followed by a space: pull it onto the word
    text = re.sub(r"^(\*+)\s+(?=\S)", r"\1", text)
    runs = list(STAR_RUN.finditer(text))
    if not runs:
        return text
    keep: dict[int, int] = {}  # run start → how many stars survive
    stack: list[tuple[int, int]] = []  # (run start, stars left to close)
    for run in runs:
        start, n = run.start(), len(run.group(0))
        before = text[start - 1] if start else " "
        after = text[run.end()] if run.end() < len(text) else " "
        can_close = not before.isspace()
        can_open = not after.isspace()
        remaining = n
        while can_close and remaining and stack:
            open_start, open_n = stack[-1]
            used = min(open_n, remaining, 3)
            keep[open_start] = keep.get(open_start, 0) + used
            keep[start] = keep.get(start, 0) + used
            remaining -= used
            if open_n - used:
                stack[-1] = (open_start, open_n - used)
            else:
                stack.pop()
        if can_open and remaining:
            stack.append((start, remaining))
    pieces: list[str] = []
    last = 0
    for run in runs:
        pieces.append(text[last : run.start()])
        pieces.append("*" * keep.get(run.start(), 0))
        last = run.end()
    pieces.append(text[last:])
    return re.sub(r"\s{2,}", " ", "".join(pieces)).strip()


@lru_cache(maxsize=16384)  # the outline, header and closing stages strip the same lines
def strip_emphasis(text: str) -> str:
    return " ".join(STAR_RUN.sub("", text).split())


def leading_bullet_star(text: str) -> tuple[bool, str]:
    """`*** Thuận lợi:**` and `* Tồn tại:`: a star bullet in front of (bold) text."""
    match = re.match(r"^(\*{1,3})\s+(\S.*)$", text)
    if match and len(match.group(1)) in (1, 3):
        inner = match.group(2)
        if len(match.group(1)) == 3:
            inner = "**" + inner
        return True, inner
    return False, text
