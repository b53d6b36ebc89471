"""The query grammar for this text, as a rewrite into Whoosh's query syntax before Whoosh parses it.

Report text is full of terms made of parts: document numbers (`31-NQ/ĐU`, `48/2014/QĐ-TTg`), abbreviations written
with a hyphen (`KT-XH`), dates (`18/5/2023`), numbers with units (`92,7%`, `58 tạ/ha`). Each becomes a phrase of its
parts (a token of its own), never a NOT: `-` means NOT only at the start of a word after a space. A document number in
any spelling (`31 NQ ĐU`, `NQ 31`, `nghị quyết số 31`) also asks the normalised number field, weighted high; a date
also asks the document's date. Question words ("bao nhiêu", "là gì") are dropped. What stays is plain words, whose
runs rank higher where they stand together (query.py).

    >>> rewrite("31/NQ-ĐU").text
    '("31 NQ ĐU" OR number_f:(31 nq du)^40)'
    >>> rewrite("92,7% 58 tạ/ha").text
    '"92 7" "58 tạ ha"'
    >>> rewrite("đảng -covid").text
    'đảng -covid'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from core.text import accent_insensitive, fold

from .abbreviations import dictionary, long_forms, related

NUMBER_BOOST = 40.0  # a document's own number outweighs any body match
PLACEHOLDER = "\ue000"  # private-use characters: a rewritten part is kept aside while the rest is rewritten

# Document type codes in numbers ("31-NQ/ĐU": NQ = nghị quyết) and the type names people type instead of the code.
DOC_TYPE_CODES = {
    "nghị quyết": "NQ", "báo cáo": "BC", "quyết định": "QĐ", "kế hoạch": "KH", "thông báo": "TB", "chỉ thị": "CT",
    "tờ trình": "TTr", "công văn": "CV", "hướng dẫn": "HD", "kết luận": "KL", "nghị định": "NĐ", "thông tư": "TT",
    "quy chế": "QC", "chương trình": "CTr", "văn bản hợp nhất": "VBHN", "công điện": "CĐ", "giấy mời": "GM",
}
_TYPE_CODE = "|".join(sorted({fold(c) for c in DOC_TYPE_CODES.values()}, key=len, reverse=True))
_TYPE_NAME = "|".join(r"\s+".join(fold(n).split()) for n in sorted(DOC_TYPE_CODES, key=len, reverse=True))
_NUM = r"\d{1,5}"
# Patterns run over the folded query (same length as the typed one, so spans carry over).
# "31 NQ ĐU", "31 nq" — a number then a type code, optionally an issuer code.
NUMBER_THEN_CODE = re.compile(rf"(?<![\w/-])({_NUM})\s+({_TYPE_CODE})(?:\s+([a-z]{{2,6}}))?(?![\w/-])")
# "NQ 31", "nghị quyết 31", "nghi quyet so 31" — a type code or name, optionally "số" (number), then the number.
CODE_THEN_NUMBER = re.compile(rf"(?<![\w/-])({_TYPE_CODE}|{_TYPE_NAME})\s+(?:so\s+)?({_NUM})(?![\w/-])")
# A term of parts joined by - / . , : (no space): "31-NQ/ĐU", "KT-XH", "18/5/2023", "9001:2015", "92,7%".
COMPOUND = re.compile(r"(?<![\w-])\w+(?:[-/.,:]\w+)+%?|(?<![\w-])\d+%")
DATE_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")  # 18/5/2023, 18-05-2023
MONTH_YEAR = re.compile(r"(?<!\w)thang\s+(\d{1,2})\s*(?:/|-|\s+nam\s+)\s*(\d{4})(?!\w)")  # tháng 5/2023, tháng 5 năm 2023
# Units counted in these reports ("con" head of livestock, "hộ" households, "người" people, "lượt" visits …), folded.
UNIT_WORDS = ["con", "ho", "nguoi", "luot", "ha", "tan", "kg", "km", "m", "ty dong", "trieu dong", "truong hop", "ho so", "dang vien"]
NUMBER_UNIT = re.compile(r"(?<![\w,./])(\d+(?:[.,/]\d+)*)\s*(%|[^\W\d_]+/[^\W\d_]+|(?:" + "|".join(
    r"\s+".join(u.split()) for u in UNIT_WORDS) + r")(?!\w))(?![\w/])")  # 92,7%, 58 tạ/ha, 639/664 con
LONE_DASH = re.compile(r"(?<!\S)[-–—](?!\S)")  # 'kinh tế - xã hội': punctuation, not NOT
# Question words ("how many", "what is", "where", "when", "how"): a question asks about the rest.
QUESTION_WORDS = ["là bao nhiêu", "có bao nhiêu", "được bao nhiêu", "bao nhiêu", "như thế nào", "thế nào", "là gì", "ở đâu",
                  "khi nào", "bao giờ", "vì sao", "tại sao", "mấy"]
# "... không?", "... chưa?" (yes/no question) at the end only: elsewhere "không" is a word of the text
QUESTION = re.compile("|".join(accent_insensitive(w.split()).pattern for w in QUESTION_WORDS)
                      + r"|\s(?:không|chưa|hay không|có không)\s*\??\s*$|\?", re.I)
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
SYNTAX = re.compile(r'[()"*?~^:\[\]{}]|\b(?:AND|OR|NOT)\b')  # a query written in Whoosh's syntax is left alone


@dataclass
class Rewritten:
    text: str  # Whoosh query syntax
    phrases: list[list[str]] = field(default_factory=list)  # multi-syllable terms, as typed (for snippets)
    as_written: list[str] = field(default_factory=list)  # abbreviations and codes, shown and marked as written
    runs: list[list[str]] = field(default_factory=list)  # runs of plain words (ranked higher when adjacent)
    numbered: bool = False  # the query names a document number
    typed: list[list[str]] = field(default_factory=list)  # terms as the user typed them (shown before their other forms)


def number_clause(parts: list[str]) -> str:
    """The normalised number field asked for a number's parts, weighted high.

    >>> number_clause(["31", "NQ", "ĐU"])
    'number_f:(31 nq du)^40'
    """
    return f"number_f:({' '.join(fold(p) for p in parts)})^{NUMBER_BOOST:g}"


def _date_clause(day: str, month: str, year: str) -> str:
    d, m = int(day), int(month)
    return (f'("{d} {m} {year}" OR "{d} tháng {m} năm {year}" OR date:"{year}-{m:02d}-{d:02d}")')


def _compound(token: str, out: Rewritten) -> str:
    parts = re.findall(r"\w+", token)
    date = DATE_DMY.match(token)
    if date and 1 <= int(date.group(1)) <= 31 and 1 <= int(date.group(2)) <= 12:
        day, month = str(int(date.group(1))), str(int(date.group(2)))
        out.phrases += [[day, month, date.group(3)], [day, "tháng", month, "năm", date.group(3)]]
        return _date_clause(*date.groups())
    out.phrases.append(parts)
    phrase = f'"{" ".join(parts)}"'
    if parts[0].isdigit() and len(parts) >= 2 and any(re.fullmatch(_TYPE_CODE, fold(p)) for p in parts[1:]):
        out.numbered = True
        out.as_written.append(token)
        return f"({phrase} OR {number_clause(parts)})"
    if len(parts) >= 2 and parts[-1].isdigit() and re.fullmatch(_TYPE_CODE, fold(parts[0])):  # BC-263
        out.numbered = True
        return f"({phrase} OR {number_clause(parts[::-1])})"
    return phrase


def rewrite(q: str) -> Rewritten:
    """The typed query in Whoosh's syntax, with what snippets and ranking need to know about its terms."""
    q = unicodedata.normalize("NFC", q).strip()
    abbreviations = set(dictionary())
    out = Rewritten("")
    kept: list[str] = []

    def keep(text: str) -> str:
        kept.append(text)
        return PLACEHOLDER + chr(0xE100 + len(kept) - 1)

    pieces = re.split(r'("[^"]*")', q)  # a user's quoted phrase is left alone
    for i, piece in enumerate(pieces):
        if piece.startswith('"'):
            words = re.findall(r"\w+", piece)
            if words:
                out.phrases.append(words)
            pieces[i] = keep(piece) if words else " "
            continue
        piece = LONE_DASH.sub(" ", piece)
        if i == len(pieces) - 1 and len(piece.split()) >= 3:
            piece = re.sub(r"(?<=\w)\s*\?\s*$", "", piece)  # a question mark, not a wildcard
        if len(re.findall(r"\w+", piece)) > 1 and not SYNTAX.search(piece):
            stripped = QUESTION.sub(" ", piece)
            if re.search(r"\w", stripped):
                piece = stripped

        def unit(m: re.Match[str], text: str) -> str:
            parts = re.findall(r"\w+", text[m.start(1) : m.end(1)]) + re.findall(r"\w+", text[m.start(2) : m.end(2)])
            out.phrases.append(parts)
            return keep(f'"{" ".join(parts)}"')

        def month(m: re.Match[str], text: str) -> str:
            mo, year = int(m.group(1)), m.group(2)
            out.phrases += [["tháng", str(mo), "năm", year], ["tháng", str(mo), year]]
            return keep(f'("tháng {mo} năm {year}" OR "tháng {mo} {year}" OR month:"{year}-{mo:02d}")')

        def spaced_number(m: re.Match[str], typed: str, code_first: bool) -> str:
            text = typed[m.start() : m.end()]
            if code_first:
                name, num = m.group(1), m.group(2)
                code = DOC_TYPE_CODES.get(next((n for n in DOC_TYPE_CODES if fold(n).split() == name.split()), ""), name)
                parts = [num, code]
            else:
                parts = [p for p in m.groups() if p]
            out.numbered = True
            out.as_written.append(" ".join(parts[:2]))  # shown as the text writes it: "31-NQ"
            return keep(f"(({text}) OR {number_clause(parts)})")

        piece = _sub_folded(MONTH_YEAR, piece, month)
        piece = _sub_folded(NUMBER_UNIT, piece, unit)
        piece = COMPOUND.sub(lambda m: m.group() if _is_abbr(m.group(), abbreviations) else keep(_compound(m.group(), out)), piece)
        piece = _sub_folded(NUMBER_THEN_CODE, piece, lambda m, t: spaced_number(m, t, False))
        piece = _sub_folded(CODE_THEN_NUMBER, piece, lambda m, t: spaced_number(m, t, True))
        piece = expand(piece, out, keep, abbreviations)
        pieces[i] = piece
    out.text = "".join(pieces)
    # runs of plain words between kept parts and operators: ranked higher where they stand together
    for chunk in re.split(PLACEHOLDER + ".|[()\"]", out.text):
        run: list[str] = []
        for token in chunk.split() + [""]:
            if token and token not in OPERATORS and not token.startswith(("-", "+")) and re.fullmatch(r"\w+", token):
                run.append(token)
            else:
                if run:
                    out.runs.append(run)
                run = []
    out.text = re.sub(PLACEHOLDER + "(.)", lambda m: kept[ord(m.group(1)) - 0xE100], out.text)
    out.text = " ".join(out.text.split())
    return out


def expand_abbreviations(q: str) -> str:
    """'GPMB' → (GPMB OR "giải phóng mặt bằng" …); 'giải phóng mặt bằng' → ("giải phóng mặt bằng" OR GPMB …)."""
    return rewrite(q).text


def _is_abbr(token: str, abbreviations: set[str]) -> bool:
    return token.upper() in abbreviations


def _as_phrase(text: str) -> str:
    words = re.findall(r"\w+", text)
    return words[0] if len(words) == 1 else f'"{" ".join(words)}"'


ABBREVIATION = re.compile(r"(?<![\w-])\w+(?:-\w+)*(?![\w-])")


def expand(piece: str, out: Rewritten, keep: Callable[[str], str], abbreviations: set[str]) -> str:
    """Abbreviations and their long forms, both ways, with every related compound: 'GPMB' →
    (GPMB OR "giải phóng mặt bằng" OR BTGPMB OR "bồi thường giải phóng mặt bằng")."""
    entries = dictionary()

    def alternatives(abbr: str, typed: str, typed_is_long: bool) -> str:
        names = related(abbr)
        out.as_written.extend(entries[n].abbr for n in names)
        out.phrases.extend(re.findall(r"\w+", entries[n].expansion) for n in names)
        out.typed.append(re.findall(r"\w+", typed))
        if typed_is_long:
            out.phrases.append(re.findall(r"\w+", typed))
        else:
            out.as_written.append(typed)
        alts = [_as_phrase(typed)] + [_as_phrase(x) for n in names for x in (entries[n].abbr, entries[n].expansion)]
        return keep("(" + " OR ".join(dict.fromkeys(alts)) + ")")

    for pattern, abbr in long_forms():

        def long(m: re.Match[str], typed: str, abbr: str = abbr) -> str:
            return alternatives(abbr, typed[m.start() : m.end()], True)

        piece = _sub_folded(pattern, piece, long)

    def short(m: re.Match[str]) -> str:
        token = m.group()
        entry = entries.get(token.upper())
        if entry is None or entry.part_only or (token.islower() and len(token) < 4) or token in OPERATORS:
            return token  # 'bao', 'ban': lower-case short words are words
        return alternatives(token.upper(), token, False)

    return ABBREVIATION.sub(short, piece)


def _sub_folded(pattern: re.Pattern[str], text: str, repl: Callable[[re.Match[str], str], str]) -> str:
    """Substitute matches found in the folded text (same length: fold keeps one character per character)."""
    folded = fold(text)
    if len(folded) != len(text):
        return text
    pieces, last = [], 0
    for m in pattern.finditer(folded):
        if PLACEHOLDER in text[m.start() : m.end()]:
            continue
        pieces += [text[last : m.start()], repl(m, text)]
        last = m.end()
    return "".join(pieces) + text[last:]
