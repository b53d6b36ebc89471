"""How the converter writes names read from a document's header in capitals (the text basics they use are in
core/text.py)."""

from __future__ import annotations

import re

from core.text import fold, new_tone_placement

from . import patterns as P

_UNIT_WORDS = P.UNIT_WORDS
_PHRASES = {  # readable capitalisation of Party and state titles
    "đảng": "Đảng", "bí thư": "Bí thư", "chủ tịch": "Chủ tịch", "thường trực": "Thường trực",
    "ban thường vụ": "Ban Thường vụ", "ban chấp hành": "Ban Chấp hành", "mặt trận tổ quốc": "Mặt trận Tổ quốc",
    "việt nam": "Việt Nam", "cộng sản": "Cộng sản", "chính phủ": "Chính phủ", "quốc hội": "Quốc hội",
    "thủ tướng": "Thủ tướng", "bộ trưởng": "Bộ trưởng",
}


def _is_acronym(word: str) -> bool:
    """A word in capitals with no vowel is an abbreviation, never a syllable: 'BCĐ', 'XD' (not 'UBND': it has a u).

    >>> [_is_acronym(w) for w in ("BCĐ", "XD", "UBND", "XÃ", "Đ", "bcđ")]
    [True, True, False, False, False, False]
    """
    letters = fold(word)
    return len(word) >= 2 and word.isupper() and letters.isalpha() and not set(letters) & set("aeiouy")


def person_case(name: str) -> str:
    """A person's name printed in capitals, as it is written: every syllable capitalised.

    >>> person_case("NGUYỄN VĂN AN"), person_case("Lê Thị Mai")
    ('Nguyễn Văn An', 'Lê Thị Mai')
    """
    return " ".join(w.capitalize() for w in name.split()) if name == name.upper() else name


def readable_case(text: str, first_cap: bool = True) -> str:
    """'ĐẢNG UỶ PHƯỜNG HƯƠNG XUÂN' → 'Đảng ủy phường Hương Xuân'; keeps a signing prefix (T/M, TM., TM/, KT., TUQ. …).

    >>> readable_case("TM/ BAN THƯỜNG VỤ")
    'TM/ Ban Thường vụ'
    >>> readable_case("TUQ. CHỦ TỊCH")
    'TUQ. Chủ tịch'
    >>> readable_case("BCĐ XD NÔNG THÔN MỚI XÃ TÂN HƯƠNG")
    'BCĐ XD nông thôn mới xã Tân Hương'
    """
    text = " ".join(text.split())
    prefix_match = P.SIGN_CAPACITY_PREFIX.match(text)
    prefix = prefix_match.group(0) if prefix_match else ""
    written = new_tone_placement(text[len(prefix) :]).split()
    words = [w if _is_acronym(w) else w.lower() for w in written]  # "BCĐ", "XD" stay as written ("UBND" does not yet: see _is_acronym)
    out: list[str] = []
    i = 0
    place = False
    while i < len(words):
        two = " ".join(words[i : i + 2])
        if not place and two in _UNIT_WORDS:
            out.extend(words[i : i + 2])
            i, place = i + 2, True
            continue
        if not place and words[i] in _UNIT_WORDS:
            out.append(words[i])
            i, place = i + 1, True
            continue
        out.append(words[i].capitalize() if place and not _is_acronym(words[i]) else words[i])
        i += 1
    result = " ".join(out)
    result = P.MINISTRY_IN_NAME.sub(lambda m: f"{m.group(1)}Bộ {m.group(2).capitalize()}", result)  # "bộ tài chính" → "Bộ Tài chính"
    for phrase, cased in _PHRASES.items():
        result = re.sub(rf"(?<!\w){phrase}(?!\w)", cased, result)
    if first_cap and result:
        result = result[0].upper() + result[1:]
    return prefix + result
