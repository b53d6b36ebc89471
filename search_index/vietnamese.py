"""The Vietnamese analyzer: syllable tokens with positions, NFC, case folding, tone placement and i/y
spelling normalised; an exact chain and a folded (accent-insensitive) chain over the same tokens.

    exact  = SyllableTokenizer | LowercaseFilter | ToneFilter | IYFilter
    folded = exact | FoldFilter (diacritics removed, đ → d)

Tokens keep their character offsets so highlights land on the original text, diacritics and all.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

from converters.text import fold, new_tone_placement

SYLLABLE = r"\w+"  # Vietnamese is written syllable by syllable; phrases come from positions
# i/y spelling: "quí/quý", "qui/quy" always; "kí/ký", "lí/lý", "mĩ/mỹ", "sĩ/sỹ", "tí/tý", "hì/hỳ" only when toned
# (toneless li/ly, ti/ty, mi/my, si/sy are different words).
QU_I = re.compile(r"^qu([iìíỉĩị])$")
CONSONANT_I_TONED = re.compile(r"^([hklmst])([ìíỉĩị])$")
I_TO_Y = str.maketrans("iìíỉĩị", "yỳýỷỹỵ")


@lru_cache(maxsize=200_000)  # a few thousand distinct syllables cover Vietnamese text: cache per token
def tone_form(token: str) -> str:
    return new_tone_placement(unicodedata.normalize("NFC", token))


@lru_cache(maxsize=200_000)
def folded_form(token: str) -> str:
    return fold(token)


@lru_cache(maxsize=200_000)
def normalise_iy(token: str) -> str:
    match = QU_I.match(token)
    if match:
        return "qu" + match.group(1).translate(I_TO_Y)
    match = CONSONANT_I_TONED.match(token)
    if match:
        return match.group(1) + match.group(2).translate(I_TO_Y)
    return token


class NfcToneFilter(Filter):
    """NFC and new-style tone placement ('hoà' → 'hòa', 'uỷ' → 'ủy')."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for t in tokens:
            t.text = tone_form(t.text)
            yield t


class IYFilter(Filter):
    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for t in tokens:
            t.text = normalise_iy(t.text)
            yield t


class FoldFilter(Filter):
    """Accent-insensitive form: 'nông' → 'nong', 'đảng' → 'dang'."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for t in tokens:
            t.text = folded_form(t.text)
            yield t


class BigramFilter(Filter):
    """Adjacent syllable pairs ('nông thôn mới' → 'nông_thôn', 'thôn_mới') at the position of their first syllable.

    A phrase of n syllables becomes a phrase of n-1 bigrams: far shorter posting lists than single syllables,
    so quoted phrases stay fast in a large archive (see the performance issue)."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        prev_text, prev_pos, prev_start = None, 0, 0
        for t in tokens:
            text, pos, start = t.text, t.pos, getattr(t, "startchar", 0)
            if prev_text is not None:
                t.text = f"{prev_text}_{text}"
                t.pos = prev_pos
                if hasattr(t, "startchar"):
                    t.startchar = prev_start
                yield t
            prev_text, prev_pos, prev_start = text, pos, start


def exact_analyzer():  # type: ignore[no-untyped-def]
    return RegexTokenizer(SYLLABLE) | LowercaseFilter() | NfcToneFilter() | IYFilter()


def folded_analyzer():  # type: ignore[no-untyped-def]
    return RegexTokenizer(SYLLABLE) | LowercaseFilter() | NfcToneFilter() | IYFilter() | FoldFilter()


def exact_bigram_analyzer():  # type: ignore[no-untyped-def]
    return exact_analyzer() | BigramFilter()


def folded_bigram_analyzer():  # type: ignore[no-untyped-def]
    return folded_analyzer() | BigramFilter()


def normalise_query_text(text: str) -> str:
    return unicodedata.normalize("NFC", text)
