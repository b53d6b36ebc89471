"""Stage 2: text hygiene and line blocks.

Every non-empty source line becomes one block; later stages join and classify them.
Non-breaking spaces, zero-width characters and tab runs become plain spaces in `text`;
the raw spacing stays in `Block.raw` because wide gaps separate flattened columns.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .model import Block, Document

INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"  # zero-width and soft hyphen
WIDE_SPACE_CHARS = "\t\u00a0\u2000-\u200a\u202f\u205f\u3000"  # tab, NBSP, typographic spaces (a regex class body)
INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
# Runs of spaces (NBSP, tabs, wide spaces) → one space. A lone plain space is left alone rather than replaced by
# itself: matching between every two words made this a third of the line stage.
SPACES = re.compile(f"[ {WIDE_SPACE_CHARS}]{{2,}}|[{WIDE_SPACE_CHARS}]")
# what either of the two above would change: most lines hold none of it, and one search is cheaper than two subs
NEEDS_CLEANING = re.compile(f"[{INVISIBLE_CHARS}{WIDE_SPACE_CHARS}]|  ")
COLUMN_GAP = re.compile(r"(?:\t|[ \u00a0]{3,})[\s\u00a0]*")  # a tab or 3+ spaces: a flattened column boundary
PANDOC_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|'\"])")  # "\*" "\[" left by pandoc; the character is literal


def clean_line(line: str) -> str:
    """Invisible characters removed, space runs and wide spaces made one space, the ends stripped.

    >>> clean_line("  Số:\u00a0\u00a012/BC-UBND\u200b "), clean_line(" Kính gửi: UBND huyện ")
    ('Số: 12/BC-UBND', 'Kính gửi: UBND huyện')
    """
    if NEEDS_CLEANING.search(line) is None:
        return line.strip()
    return SPACES.sub(" ", INVISIBLE.sub("", line)).strip()


def split_columns(raw: str) -> list[str]:
    """Cut a raw line at wide gaps into its column segments."""
    return list(_columns(raw))


@lru_cache(maxsize=8192)  # several stages ask about the same lines
def _columns(raw: str) -> tuple[str, ...]:
    raw = INVISIBLE.sub("", raw).strip(" \t\u00a0")
    return tuple(part for part in map(clean_line, COLUMN_GAP.split(raw)) if part)


def to_blocks(doc: Document) -> None:
    blocks: list[Block] = []
    blank = True
    for number, raw in enumerate(doc.text.split("\n"), start=1):
        text = clean_line(raw) if raw else ""
        if not text:
            blank = True
            continue
        block = Block(text=text, first_line=number, last_line=number, blank_before=blank, raw=raw)
        blocks.append(block)
        blank = False
    doc.blocks = blocks
