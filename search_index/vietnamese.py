"""The Vietnamese analyzer: syllable tokens with positions, NFC, case folding, tone placement and i/y
spelling normalised; an exact form and a folded (accent-insensitive) form of every syllable.

    exact  = lower | NFC + new tone placement | i/y spelling        ('Hoà' → 'hòa', 'quí' → 'quý')
    folded = exact | diacritics removed, đ → d                        ('Đảng' → 'dang')

The chain runs once per distinct word (cached: a few thousand syllables cover Vietnamese text), inside a single
tokenizer pass, because indexing cost is per token: a Whoosh filter chain costs a generator step per token and
filter, which made indexing the slowest stage of the build (see the performance issue).
Tokens keep their character offsets so highlights land on the original text, diacritics and all.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer

from core.text import fold, new_tone_placement, normalise_iy

SYLLABLE = re.compile(r"\w+")  # Vietnamese is written syllable by syllable; phrases come from positions


@lru_cache(maxsize=200_000)
def exact_form(word: str) -> str:
    """Lower case, NFC, new tone placement, i/y spelling; a number without leading zeros.

    >>> [exact_form(w) for w in ("Hoà", "quí", "05", "0")]
    ['hòa', 'quý', '5', '0']
    """
    if word.isdigit():  # '05' in '18-05-2023' is the 5 of '18/5/2023'
        return word.lstrip("0") or "0"
    return normalise_iy(new_tone_placement(unicodedata.normalize("NFC", word.lower())))


@lru_cache(maxsize=200_000)
def folded_form(word: str) -> str:
    return fold(exact_form(word))


class SyllableTokenizer(Tokenizer):
    """Syllables in the given normal form, in one pass."""

    def __init__(self, form: Callable[[str], str]) -> None:
        self.form = form

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SyllableTokenizer) and self.form == other.form

    def __call__(self, value: str, positions: bool = False, chars: bool = False, keeporiginal: bool = False,
                 removestops: bool = True, start_pos: int = 0, start_char: int = 0, tokenize: bool = True,
                 mode: str = "", **kwargs: object) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        form = self.form
        if not tokenize:  # the query parser hands over one word at a time
            t.text = form(value)
            t.original = t.text  # type: ignore[attr-defined]  # Whoosh sets it only when keeporiginal is asked
            t.boost, t.stopped = 1.0, False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for pos, match in enumerate(SYLLABLE.finditer(value), start_pos):
            t.text, t.boost, t.stopped = form(match.group()), 1.0, False
            if keeporiginal:
                t.original = t.text  # type: ignore[attr-defined]  # an attribute Whoosh sets on request
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + match.start(), start_char + match.end()
            yield t


def exact_analyzer() -> SyllableTokenizer:
    return SyllableTokenizer(exact_form)


def folded_analyzer() -> SyllableTokenizer:
    return SyllableTokenizer(folded_form)


def normalise_query_text(text: str) -> str:
    return unicodedata.normalize("NFC", text)
