"""Vietnamese text helpers shared by the converter, the site and the search index."""

from __future__ import annotations

import re
import unicodedata

from . import patterns as P

# Old-style ("hoà", "uỷ") and new-style ("hòa", "ủy") tone placement differ only in the open syllables
# oa/oe/uy. Map the tone to the first vowel (new style) when nothing follows the pair.
_TONES = {"\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}
_UNIT_WORDS = P.UNIT_WORDS
_PHRASES = {  # readable capitalisation of Party and state titles
    "đảng": "Đảng", "bí thư": "Bí thư", "chủ tịch": "Chủ tịch", "thường trực": "Thường trực",
    "ban thường vụ": "Ban Thường vụ", "ban chấp hành": "Ban Chấp hành", "mặt trận tổ quốc": "Mặt trận Tổ quốc",
    "việt nam": "Việt Nam", "cộng sản": "Cộng sản", "chính phủ": "Chính phủ", "quốc hội": "Quốc hội", "thủ tướng": "Thủ tướng", "bộ trưởng": "Bộ trưởng",
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def new_tone_placement(text: str) -> str:
    """'hoà' → 'hòa', 'uỷ' → 'ủy'; 'hoàn' stays (the tone sits on 'a' in both styles)."""
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(P.OPEN_TONE_PAIR.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed))


def _fold_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x1F00):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != chr(code) and len(base) == 1:
            table[code] = base
    return table


_FOLD = _fold_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")


def _spellings() -> dict[str, str]:
    """Folded letter → a character class of every letter that folds to it: 'd' → '[dđ]', 'a' → '[aàáảãạăằ…]'."""
    groups: dict[str, set[str]] = {}
    for code, base in _FOLD.items():
        groups.setdefault(base.lower(), {base.lower()}).add(chr(code).lower())
    return {base: "[" + "".join(sorted(letters)) + "]" for base, letters in groups.items()}


_SPELLINGS = _spellings()


def accent_insensitive(words: list[str]) -> re.Pattern[str]:
    """Folded words, adjacent, as a pattern over unfolded NFC text (any diacritics, any case): offsets stay those of
    the text itself, and nothing has to be folded first."""
    body = r"\W+".join("".join(_SPELLINGS.get(c, re.escape(c)) for c in word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def fold(text: str) -> str:
    """Accent-insensitive key: no diacritics, đ → d, lower case (a translate table: fast on whole documents)."""
    return _COMBINING.sub("", unicodedata.normalize("NFC", text).translate(_FOLD)).lower()


def slugify(text: str, max_len: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_len].rstrip("-")


def _is_acronym(word: str) -> bool:
    """A word in capitals with no vowel is an abbreviation, never a syllable: 'BCĐ', 'XD', 'UBND'."""
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
    words = [w if _is_acronym(w) else w.lower() for w in written]  # "BCĐ", "XD", "UBND" stay as written
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
