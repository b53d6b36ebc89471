"""Vietnamese text basics shared by the converter, the search index and the site.

Each function is one step that the others compose, documented the way Whoosh documents its filters (input →
output, tricky cases included):

    nfc                  composed characters: 'hoa' + U+0300 → 'hoà'
    new_tone_placement   the tone on the first vowel of an open oa/oe/uy: 'hoà' → 'hòa', 'uỷ' → 'ủy'
    normalise_iy         one spelling of a syllable written with i or y: 'quí' → 'quý', 'kí' → 'ký'
    fold                 no diacritics, đ → d, lower case: 'Đảng ủy' → 'dang uy'
    accent_insensitive   folded words as a pattern over text with its diacritics: ['da', 'nang'] finds 'Đà Nẵng'
    slugify              a URL part: 'Nghị quyết 31-NQ/ĐU' → 'nghi-quyet-31-nq-du'

Case folding is `str.lower()` on NFC text: Vietnamese has no letter whose lower case is longer or differs by
locale (unlike German ß or Turkish İ), and `fold` lowers after removing diacritics.
Nothing here knows about documents, portals or the index: those live in `converters/`, `search_index/`, `archive/`.
"""

from __future__ import annotations

import re
import unicodedata

# --- patterns of the text basics (the converter's own Vietnamese patterns are in converters/patterns.py) --------
# "hoà", "uỷ" (NFD): old tone placement in an open oa/oe/uy (not after q, nothing following the pair)
OPEN_TONE_PAIR = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([\u0300\u0301\u0309\u0303\u0323])(?![^\W\d_])")
# i/y spelling: "quí/quý", "qui/quy" always; "kí/ký", "lí/lý", "mĩ/mỹ", "sĩ/sỹ", "tí/tý", "hì/hỳ" only when toned
# (toneless li/ly, ti/ty, mi/my, si/sy are different words).
QU_I = re.compile(r"^qu([iìíỉĩị])$")  # "qui", "quí": the syllable quy written with i
CONSONANT_I_TONED = re.compile(r"^([hklmst])([ìíỉĩị])$")  # "kí", "lí", "mĩ": a toned i after h/k/l/m/s/t, also written y
I_TO_Y = str.maketrans("iìíỉĩị", "yỳýỷỹỵ")  # i → y, tone kept
_COMBINING = re.compile(r"[\u0300-\u036f]")  # combining diacritics left over after the fold table


def nfc(text: str) -> str:
    """Composed (NFC) text: a letter and its combining marks become one character, as all matching here expects.

    >>> decomposed = "hoa\\u0300 gia\\u0309i"  # NFD, as some editors and Word pastes save it
    >>> len(decomposed), nfc(decomposed), len(nfc(decomposed))
    (10, 'hoà giải', 8)
    >>> nfc("Đảng ủy") == "Đảng ủy"  # already composed text is unchanged
    True
    """
    return unicodedata.normalize("NFC", text)


def new_tone_placement(text: str) -> str:
    """The new ("modern") tone placement of the open syllables oa/oe/uy: the tone goes on the first vowel.
    Old style and new style differ only there; closed syllables and "qu" + y keep the tone where it is. Case is kept,
    input may be NFC or NFD, output is NFC.

    >>> new_tone_placement("hoà"), new_tone_placement("Uỷ ban"), new_tone_placement("khoẻ"), new_tone_placement("THUỶ")
    ('hòa', 'Ủy ban', 'khỏe', 'THỦY')
    >>> new_tone_placement("hòa") == new_tone_placement("hoà")  # both spellings meet
    True
    >>> new_tone_placement("hoàn"), new_tone_placement("thuyền"), new_tone_placement("quý")  # closed, or "qu": unchanged
    ('hoàn', 'thuyền', 'quý')
    >>> new_tone_placement("hoa\\u0300")  # combining marks (NFD) too
    'hòa'
    """
    decomposed = unicodedata.normalize("NFD", text)
    return nfc(OPEN_TONE_PAIR.sub(lambda m: m.group(1) + m.group(3) + m.group(2), decomposed))


def normalise_iy(token: str) -> str:
    """One spelling of a syllable that is written with either i or y (a lower-case NFC syllable): y.
    "qu" + i always; h/k/l/m/s/t + i only when it carries a tone, since toneless "li"/"ly", "ti"/"ty" are different words.

    >>> [normalise_iy(w) for w in ("quí", "qui", "quý", "kí", "lí", "mĩ")]
    ['quý', 'quy', 'quý', 'ký', 'lý', 'mỹ']
    >>> [normalise_iy(w) for w in ("li", "ti", "kim", "quít")]  # toneless, or not the whole syllable: unchanged
    ['li', 'ti', 'kim', 'quít']
    """
    match = QU_I.match(token)
    if match:
        return "qu" + match.group(1).translate(I_TO_Y)
    match = CONSONANT_I_TONED.match(token)
    if match:
        return match.group(1) + match.group(2).translate(I_TO_Y)
    return token


def _fold_table() -> dict[int, str]:
    """Every precomposed Latin letter → its base letter; đ/Đ (a letter of its own, no decomposition) → d/D."""
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x1F00):
        decomposed = unicodedata.normalize("NFD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != chr(code) and len(base) == 1:
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """Accent-insensitive key: no diacritics, đ → d, lower case (a translate table: fast on whole documents).
    One character per character of NFC text, so offsets carry over.

    >>> fold("Đảng ủy phường Hương Xuân"), fold("ĐẮK LẮK")
    ('dang uy phuong huong xuan', 'dak lak')
    >>> fold("hòa") == fold("hoà") == fold("HOÀ") == "hoa"  # tone placement and case do not matter
    True
    >>> fold("hoa\\u0300 gia\\u0309i")  # combining marks (NFD) too
    'hoa giai'
    >>> fold("quí"), fold("quý")  # i/y is a spelling, not a diacritic: see normalise_iy
    ('qui', 'quy')
    """
    return _COMBINING.sub("", unicodedata.normalize("NFC", text).translate(_FOLD)).lower()


def _spellings() -> dict[str, str]:
    """Folded letter → a character class of every letter that folds to it: 'd' → '[dđ]', 'a' → '[aàáảãạăằ…]'."""
    groups: dict[str, set[str]] = {}
    for code, base in _FOLD.items():
        groups.setdefault(base.lower(), {base.lower()}).add(chr(code).lower())
    return {base: "[" + "".join(sorted(letters)) + "]" for base, letters in groups.items()}


_SPELLINGS = _spellings()


def accent_insensitive(words: list[str]) -> re.Pattern[str]:
    """Folded words, adjacent, as a pattern over unfolded NFC text (any diacritics, any case): offsets stay those of
    the text itself, and nothing has to be folded first. Whole words only.

    >>> pattern = accent_insensitive(["da", "nang"])
    >>> [m.group() for m in pattern.finditer("Đà Nẵng, ĐÀ NẴNG, đã năng, Đàng năng")]
    ['Đà Nẵng', 'ĐÀ NẴNG', 'đã năng']
    >>> accent_insensitive(["hoa"]).search("hòa giải, hoà giải").span()
    (0, 3)
    """
    body = r"\W+".join("".join(_SPELLINGS.get(c, re.escape(c)) for c in word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def slugify(text: str, max_len: int = 80) -> str:
    """A URL part: folded, every run of other characters one hyphen, at most max_len characters, no hyphen at either end.

    >>> slugify("Nghị quyết 31-NQ/ĐU"), slugify("Đảng ủy phường Hương Xuân")
    ('nghi-quyet-31-nq-du', 'dang-uy-phuong-huong-xuan')
    >>> slugify("  Hoà / hòa  "), slugify("Ủy ban nhân dân", max_len=7), slugify("…")
    ('hoa-hoa', 'uy-ban', '')
    """
    slug = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    return slug[:max_len].rstrip("-")
