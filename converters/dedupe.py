"""The duplicate stripper: a second copy of the whole document, and verbatim adjacent repeats.

Per document and deterministic: no cache across documents, so the same page gives the same output
whatever else is converted in the run.
"""

from __future__ import annotations

from collections import defaultdict

from .lineclass import is_closing_element, is_footnote_definition
from .model import Block, Document

MIN_COPY_LINES = 8  # a repeated run this long is a second copy, not an author repeating a heading
MIN_COPY_CHARS = 300
MIN_REPEAT_CHARS = 20  # shorter adjacent repeats ("-", "Năm 2022:") can be legitimate


def _key(block: Block) -> str:
    """The text with its whitespace runs as single spaces.

    >>> _key(Block("a  b\u00a0c", 1, 1)), _key(Block("a b", 1, 1))
    ('a b c', 'a b')
    """
    text = block.text
    if text.isprintable() and "  " not in text and not text.startswith(" ") and not text.endswith(" "):
        return text  # printable: no whitespace but single spaces inside, so split-and-join would give it back
    return " ".join(text.split())


def _completeness(blocks: list[Block]) -> int:
    """How much of a document's closing material a stretch holds (footnote definitions, signature)."""
    return sum(1 for b in blocks if is_footnote_definition(b.text) or is_closing_element(b.text))


def longest_repeat(blocks: list[Block]) -> tuple[int, int, int]:
    """(length, first start, second start) of the longest run of blocks that appears twice without overlap."""
    keys = [_key(b) for b in blocks]
    positions: dict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        positions[key].append(index)
    best = (0, -1, -1)
    for i, key in enumerate(keys):
        if len(key) < 8 or positions[key][0] != i:
            continue
        for j in positions[key][1:]:
            n = 0
            while j + n < len(keys) and i + n < j and keys[i + n] == keys[j + n]:
                n += 1
            if n > best[0]:
                best = (n, i, j)
    return best


def drop_second_copy(doc: Document) -> None:
    n, i, j = longest_repeat(doc.blocks)
    if n < MIN_COPY_LINES or sum(len(b.text) for b in doc.blocks[j : j + n]) < MIN_COPY_CHARS:
        return
    blocks = doc.blocks
    tail_first, tail_second = blocks[i + n : j], blocks[j + n :]
    # keep the more complete copy: the one followed by more footnote definitions / closing lines
    drop_start = i if _completeness(tail_second) > _completeness(tail_first) else j
    dropped = blocks[drop_start : drop_start + n]
    copy_name = "first" if drop_start == i else "second"
    for block in dropped:
        doc.drop_block(block, "duplicate", f"{copy_name} copy of the document printed twice on the page ({n} lines)")
    doc.blocks = blocks[:drop_start] + blocks[drop_start + n :]


def drop_adjacent_repeats(doc: Document) -> None:
    kept: list[Block] = []
    for block in doc.blocks:
        if kept and len(block.text) >= MIN_REPEAT_CHARS and _key(block) == _key(kept[-1]):
            doc.drop_block(block, "duplicate", "paragraph repeated verbatim right after itself")
            continue
        kept.append(block)
    doc.blocks = kept
