"""Line features and classifiers shared by the converter stages.

Two kinds of evidence about a line, kept apart:

* **text statistics** that carry across portals (`features`): length, sentence punctuation, the share of
  Vietnamese function words (jusText's Vietnamese stop list), of digits, of capitals, of link text (the HTML
  stage leaves links as `[text](href)`). Running text is long, ends its sentences and is full of function words;
  page furniture is short, link-heavy, numeric or a bare label.
* **named kinds** from the pattern tables (`chrome_rule`, `evidence`): what a line *is* when a pattern names it
  (a counter, a post date, a related-news list; a motto, a number line, a signature capacity).

The locating stage (locate.py) weighs both; neither decides alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import justext

from . import patterns as P
from .hygiene import split_columns
from .markup import strip_emphasis
from .model import Block, Document

STOPWORDS = frozenset(justext.get_stoplist("Vietnamese"))  # Vietnamese function words (syllables), as jusText ships them
SYLLABLE = re.compile(r"[^\W\d_]+")
DIGIT = re.compile(r"\d")
POST_DATE_PARTS = re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?:\D+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?")
PIPE_ROW = re.compile(r"^\|?(?:[^|]+\|){2,}[^|]*$")  # "Tháng | Người tiếp | … |": a table flattened to a pipe row


@dataclass(frozen=True)
class Features:
    """Text statistics of one line (Markdown links and emphasis read as their text)."""

    chars: int
    words: int
    stop_share: float  # share of syllables that are function words
    link_share: float  # share of characters inside link texts
    digit_share: float
    caps_share: float  # share of syllables written in capitals
    sentence_end: bool


@lru_cache(maxsize=16384)
def plain(text: str) -> str:
    """Markdown links → their text, emphasis marks dropped.

    >>> plain("**Điều 1.** Xem [Luật](/l)")
    'Điều 1. Xem Luật'
    """
    if "[" not in text and "*" not in text and "_" not in text:
        return " ".join(text.split())
    return " ".join(P.MD_EMPHASIS.sub("", P.MD_LINK.sub(lambda m: m["text"], text)).split())


@lru_cache(maxsize=16384)  # several stages ask about the same lines
def features(text: str) -> Features:
    """
    >>> f = features("Trong tháng 5, UBND tỉnh tập trung chỉ đạo các ngành tháo gỡ khó khăn cho doanh nghiệp.")
    >>> f.sentence_end, f.stop_share > 0.2, f.link_share
    (True, True, 0.0)
    >>> features("- [Trang chủ](/)").link_share
    1.0
    """
    links = sum(len(m["text"].strip()) for m in P.MD_LINK.finditer(text))
    flat = plain(text)
    syllables = SYLLABLE.findall(flat)
    n = len(syllables) or 1
    visible = len(flat.replace(" ", "").lstrip("-")) or 1
    return Features(
        chars=len(flat),
        words=len(flat.split()),
        stop_share=sum(map(STOPWORDS.__contains__, map(str.lower, syllables))) / n,  # (C-level loops: per line, cold)
        link_share=min(1.0, links / visible),
        digit_share=sum(map(str.isdecimal, flat)) / (len(flat) or 1),  # isdecimal is exactly re's \d (category Nd)
        caps_share=sum(1 for s in syllables if s.isupper() and len(s) > 1) / n,
        sentence_end=bool(P.SENTENCE_END.search(flat)) or flat.endswith((";", ":")),
    )


def is_running_text(text: str) -> bool:
    """A sentence of Vietnamese prose: several words, mostly not links or digits, with function words, ending like a
    sentence (or long enough to be a paragraph cut off by the page store).

    >>> is_running_text("Ngày 09/6/2023, Ban Thường vụ Đảng ủy phường tổ chức Hội nghị sơ kết 06 tháng đầu năm.")
    True
    >>> is_running_text("Ngày đăng 13/04/2020 | 15:20 | Lượt xem: 327")
    False
    >>> is_running_text("This div, which you should delete, represents the content area of the page.")
    False
    """
    f = features(text)
    if f.link_share > 0.5 or f.digit_share > 0.3 or f.stop_share < 0.12:
        return False
    return (f.words >= 7 and f.sentence_end) or f.words >= 25


def is_headline(text: str) -> bool:
    """A news item's title: a short line of words, no links, no sentence end, not a named kind of chrome.

    >>> is_headline("Đảng bộ phường Mỹ Quý tổ chức Hội nghị sơ kết 06 tháng đầu năm 2023")
    True
    >>> is_headline("Tìm kiếm tin tức")
    False
    """
    f = features(text)
    syllables = [s for s in SYLLABLE.findall(text) if len(s) > 1]  # "Cỡ chữ: A A A" is a control, not a title
    return (3 <= f.words <= 60 and len(syllables) >= 3 and f.link_share < 0.3 and f.digit_share < 0.25
            and chrome_rule(text) is None and not text.endswith(":"))


# --- named kinds of page furniture -----------------------------------------------------------------------------
ChromeRule = tuple[str, str, Callable[[str], bool]]
LINE_RULES: list[ChromeRule] = [  # (kind, reason, matcher), checked in order
    ("chrome", "skip link", lambda t: bool(P.CHROME_SKIP_LINK.match(t))),
    ("chrome", "visitor counter", lambda t: bool(P.CHROME_COUNTER_LABEL.match(t))),
    ("chrome", "post date / view count", lambda t: bool(
        P.CHROME_POST_DATE.match(t) or P.CHROME_VIEW_COUNT.match(t) or P.POST_DATE_BYLINE.match(t) or P.WEEKDAY_DATE.match(t))),
    ("chrome", "loading placeholder", lambda t: bool(P.LOADING.match(t))),
    ("chrome", "attachment box", lambda t: bool(P.ATTACHMENT.match(t))),
    ("image", "image alt text or path", lambda t: bool(P.CHROME_IMAGE_ALT.match(t))),
    ("chrome", "breadcrumb", lambda t: bool(P.CHROME_BREADCRUMB.match(t) or P.BREADCRUMB_TRAIL.match(t))),
    ("chrome", "font-size bar", lambda t: bool(P.FONT_SIZE_BAR.match(t))),
    ("chrome", "menu or search label", lambda t: bool(P.CHROME_MENU_LABEL.match(t))),
    ("chrome", "site identity", lambda t: bool(P.CHROME_SITE_IDENTITY.match(t) or P.WELCOME_BANNER.match(t))),
    ("chrome", "section label", lambda t: bool(P.CHROME_SECTION_LABEL.match(t))),
    ("chrome", "browser title (page and site name)", lambda t: bool(P.BROWSER_TITLE.match(t))),
    ("chrome", "zoom control", lambda t: bool(P.PERCENT_ONLY.match(t))),
    ("chrome", "author / source line", lambda t: bool(P.CHROME_AUTHOR.match(t))),
    ("chrome", "editorial lead", lambda t: bool(P.CHROME_EDITORIAL_LEAD.search(t)) and len(t) < 400),
    ("chrome", "related-news list", lambda t: bool(P.CHROME_RELATED.match(t))),
    ("chrome", "comment box / captcha", lambda t: bool(P.CHROME_COMMENTS.match(t))),
    ("chrome", "print / share link", lambda t: bool(P.CHROME_PRINT_SHARE.match(t))),
    ("chrome", "administrative-procedure (TTHC) footer", lambda t: bool(P.CHROME_TTHC.match(t))),
    ("chrome", "contact footer", lambda t: bool(P.CHROME_CONTACT.match(t))),
]
# After one of these, the rest of the page is that kind of furniture (headlines, form fields, addresses …).
REGION_ANCHORS = {"related-news list", "comment box / captcha", "administrative-procedure (TTHC) footer", "contact footer"}


@lru_cache(maxsize=16384)
def chrome_rule(text: str) -> tuple[str, str] | None:
    """(kind, reason) of a line a pattern names as page furniture, else None.

    >>> chrome_rule("Lượt xem: 1.247")
    ('chrome', 'post date / view count')
    >>> chrome_rule("- [Tin liên quan](/x)") is None, chrome_rule("Tin liên quan")
    (True, ('chrome', 'related-news list'))
    >>> chrome_rule("Ngày đăng: 05/01/2024 | Lượt xem: 1.032 | Cỡ chữ: A A A")
    ('chrome', 'post date / view count')
    """
    text = plain(text) if "](" in text or "*" in text else text
    for kind, reason, matcher in LINE_RULES:
        if matcher(text):
            return kind, reason
    cells = [c for c in P.CELL_BAR.split(text) if c.strip()] if "|" in text else []
    if len(cells) > 1:  # "Ngày đăng: 05/01/2024 | Lượt xem: 1.032 | Cỡ chữ: A A A": furniture when every cell is
        rules = [chrome_rule(c) for c in cells]
        if all(rules):
            return rules[0]
    return None




def is_page_title(text: str) -> bool:
    """A post title: a document type in sentence case followed by its subject ("Báo cáo Tình hình …")."""
    for caps, readable in P.DOC_TYPES.items():
        if text.startswith(readable + " ") and not text.startswith(caps) and len(text) < 300 and not P.SENTENCE_END.search(text[-2:]):
            return True
    return False


def record_post_date(doc: Document, text: str) -> None:
    match = POST_DATE_PARTS.search(text)
    if match and not doc.page_meta.posted:
        day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            doc.page_meta.posted = f"{year:04d}-{month:02d}-{day:02d}"
            doc.page_meta.posted_evidence = doc.page_meta.posted_evidence or text


def record_register(doc: Document, text: str) -> bool:
    """A portal's document-register field ("Số kí hiệu: …"), or several on one line ("Nơi ban hành: … Người ký: …"):
    kept for the metadata stage, first value wins.

    >>> from pathlib import Path
    >>> doc = Document(source=Path("x"))
    >>> record_register(doc, "Nơi ban hành: Tỉnh Bắc Ninh Người ký: Nguyễn Văn A"), doc.page_meta.register
    (True, {'Nơi ban hành': 'Tỉnh Bắc Ninh', 'Người ký': 'Nguyễn Văn A'})
    """
    text = " ".join(text.split())
    labels = list(P.REGISTER_LABEL.finditer(text))
    if labels and labels[0].start() == 0:
        for label, following in zip(labels, [*labels[1:], None], strict=True):
            value = text[label.end() : following.start() if following else len(text)].strip()
            if value:
                doc.page_meta.register.setdefault(label["label"], value)
        return True
    register = P.CHROME_REGISTER_FIELD.match(text)
    if register and register["value"].strip():
        doc.page_meta.register.setdefault(register["field"], register["value"])
    return register is not None


# --- named parts of the document itself ---------------------------------------------------------------------------
def cell_text(text: str) -> str:
    """A cell's text without emphasis marks (glued bold runs "****" become a space)."""
    glued = P.GLUED_STARS.sub(" ", text) if "****" in text else text  # (its lookbehind makes re try every position)
    return strip_emphasis(glued).strip("_ ").strip()


def split_cells(raw: str) -> list[str]:
    """A flattened header line → its cells: wide gaps, tabs and `|` separate columns, and a motto sharing a line
    with the other column's text is cut out of it.

    >>> split_cells("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |")
    ['ỦY BAN NHÂN DÂN', 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM']
    >>> split_cells("XÃ TÂN HƯƠNG Độc lập – Tự do – Hạnh phúc")
    ['XÃ TÂN HƯƠNG', 'Độc lập – Tự do – Hạnh phúc']
    >>> split_cells("|")
    []
    """
    return list(_split_cells(raw))


@lru_cache(maxsize=16384)  # the locator, header, closing and page-break stages split the same lines
def _split_cells(raw: str) -> tuple[str, ...]:
    cells: list[str] = []
    for column in split_columns(raw) or [raw]:
        for part in column.split("|"):
            text = cell_text(part)
            start = 0
            for motto in P.MOTTO_INSIDE.finditer(text):
                cells.append(text[start : motto.start()])
                cells.append(motto.group(0))
                start = motto.end()
            cells.append(text[start:])
    return tuple(c.strip() for c in cells if c.strip())


MAX_CAPS_CELL = 90  # an issuer cell is short


@lru_cache(maxsize=16384)  # the header stage and the locator's evidence classify the same cells
def classify_cell(seg: str) -> str | None:
    """The kind of one header cell, or None.

    >>> [classify_cell(s) for s in ["ĐẢNG BỘ HUYỆN THỌ XUÂN", "ĐẢNG ỦY XÃ XUÂN PHÚ", "Số:      /BC-ĐU", "*"]]
    ['parent', 'issuer', 'number', 'ornament']
    >>> [classify_cell(s) for s in ["CHÍNH PHỦ", "Hà Nội, ngày 03 tháng 11 năm 2025", "06/2024/QĐ-UBND", "BÁO CÁO"]]
    ['issuer', 'place_date', 'number_value', None]
    """
    caps = seg == seg.upper()
    name_like = len(seg) <= MAX_CAPS_CELL and not P.HEADLINE_DIGITS.search(seg)  # "… 65 NĂM XÂY DỰNG": a headline, not a body
    if P.PARTY_MOTTO.match(seg) or P.STATE_MOTTO.match(seg) or P.STATE_MOTTO_2.match(seg):
        return "motto"
    if caps and name_like and P.PARTY_PARENT.match(seg):
        return "parent"
    if caps and name_like and (P.PARTY_ISSUER.match(seg) or P.STATE_ISSUER_FULL.match(seg) or P.STATE_ISSUER_HEAD.match(seg)
                               or P.NATIONAL_ISSUER.match(seg) or P.PARTY_CELL_ISSUER.match(seg)):
        return "issuer"
    if P.PLACE_DATE.match(seg) or P.BLANK_DATE.match(seg):
        return "place_date"
    number = P.NUMBER_LINE.match(seg)
    if number and len(number.group("number")) <= 32 and ("/" in seg or "-" in seg or not number.group("number").strip()):
        return "number"
    if P.NUMBER_VALUE.match(seg.replace(" ", "")):
        return "number_value"
    if P.HEADER_ORNAMENT.match(seg):
        return "ornament"
    if caps and name_like and P.UNIT_LINE.match(seg):
        return "unit"
    if caps and len(seg) <= MAX_CAPS_CELL and any(c.isalpha() for c in seg) and not any(c.isdigit() for c in seg) and not P.DOC_TYPE_LINE.match(seg):
        return "caps"  # a capitals cell: an issuer only if strong cells stand beside it
    return None


def is_signature_cell(cell: str) -> bool:
    """A signature capacity, role or signed mark: `KT. CHỦ TỊCH`, `PHÓ CHỦ TỊCH`, `(Đã ký)`."""
    return bool(P.SIGN_ROLE.match(cell) or P.SIGN_CAPACITY.match(cell) or P.SIGNED_MARK.match(cell))


def segments(block: Block) -> list[str]:
    """The column segments of a block (split_cells, as plain text): the header, closing and locating stages read the
    same cells."""
    return list(_segments(block.source_text, block.text))


@lru_cache(maxsize=16384)
def _segments(raw: str, text: str) -> tuple[str, ...]:
    return tuple(plain(p) for p in split_cells(raw) if plain(p)) or (plain(text),)


def is_closing_element(text: str) -> bool:
    return bool(
        P.SIGN_CAPACITY.match(text) or P.SIGN_ROLE.match(text) or P.RECIPIENTS_LABEL.match(text)
        or P.ARCHIVE_COPY.match(text) or P.SIGNED_MARK.match(text)
    )


def is_footnote_definition(text: str) -> bool:
    return bool(
        P.FN_BRACKET_DEF.match(text) or P.FN_CARET_DEF.match(text) or P.FN_PAREN_SUP_DEF.match(text)
        or P.FN_SUP_DEF.match(text) or P.FN_MD_DEF.match(text)
    )


HEADER_KINDS = ("issuer", "motto", "number", "place_date")  # the members of a header cluster
ANCHOR_KINDS = frozenset({*HEADER_KINDS, "type_title", "numbering"})  # a line that opens a part of the document
CELL_KINDS = {"parent": "issuer", "issuer": "issuer", "motto": "motto", "number": "number", "place_date": "place_date"}


def header_kinds(cell: str) -> set[str]:
    """The header members a short cell shows: what the header stage's classify_cell reads it as, and the partial forms
    only the locator looks for (a body's name opening a longer line, a motto or a place-date wrapped onto the next
    line: "CỘNG HÒA XÃ HỘI", "Kon Tum, ngày 25", "Số:" with its value below). A motto not in capitals is a sentence
    quoting it; a register field ("Số hiệu: …") is the portal's, not the header's.

    >>> [sorted(header_kinds(c)) for c in ["ĐẢNG ỦY XÃ AN PHÚ", "CỘNG", "Kon Tum, ngày 25", "Đảng Cộng sản Việt Nam", "Số hiệu: 5/BC-UB"]]
    [['issuer'], ['motto'], ['place_date'], [], []]
    """
    found = {CELL_KINDS[k]} if (k := classify_cell(cell)) in CELL_KINDS else set()
    if "motto" in found and not (cell == cell.upper() or cell.startswith("Độc")):
        found.discard("motto")
    motto = P.MOTTO_IN_LINE.search(cell)
    if motto and (motto[0].isupper() or motto[0].startswith("Độc")):  # the national motto's first line is in capitals
        found.add("motto")
    if P.ISSUER_IN_LINE.match(cell) and cell == cell.upper():
        found.add("issuer")
    if P.NUMBER_IN_LINE.match(cell):
        found.add("number")
    if P.CHROME_REGISTER_FIELD.match(cell):
        found.discard("number")
    if P.PLACE_DATE_IN_LINE.search(cell):
        found.add("place_date")
    return found


def is_document_anchor(block: Block) -> bool:
    """A line that belongs to the document itself: header, title or body numbering (never the rest of a paragraph)."""
    return bool(evidence(block) & ANCHOR_KINDS)
SHORT_SEGMENT = 90  # header fields are short; a long line naming a date or a number is a sentence


def evidence(block: Block) -> frozenset[str]:
    """What of the document's own structure a block shows: header members, type title, basis clause, numbering,
    closing, end mark, appendix, footnote definition, table.

    >>> from converters.model import Block
    >>> sorted(evidence(Block("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |", 1, 1)))
    ['issuer', 'motto']
    >>> sorted(evidence(Block("ĐẢNG BỘ PHƯỜNG AN BÌNH", 1, 1)))
    ['issuer']
    >>> sorted(evidence(Block("Theo Thông báo số 658/TB-UBND ngày 31 tháng 12 năm 2019 của UBND huyện Phú Vang về lịch tiếp dân.", 1, 1)))
    []
    """
    return _evidence(block.source_text, block.text)


@lru_cache(maxsize=16384)
def _evidence(raw: str, block_text: str) -> frozenset[str]:
    found: set[str] = set()
    for seg in _segments(raw, block_text):
        short = len(seg) <= SHORT_SEGMENT
        if short:
            found |= header_kinds(seg)
        if short and P.TYPE_TITLE_LINE.match(seg):
            found.add("type_title")
        if P.SIGN_CAPACITY_IN_LINE.search(seg) and len(seg) < 120 or (short and is_closing_element(seg)):
            found.add("closing")
    text = plain(block_text)
    if P.BASIS_LINE.match(text):
        found.add("basis")
    if (P.PART_HEADING.match(text) or P.PART_NAMED.match(text) or P.CHAPTER_HEADING.match(text) or P.ARTICLE_HEADING.match(text)
            or P.ROMAN_HEADING.match(text)):
        found.add("numbering")
    if P.END_MARK.search(text):
        found.add("end_mark")
    if P.APPENDIX_LINE.match(text):
        found.add("appendix")
    if is_footnote_definition(text):
        found.add("footnote")
    if P.TABLE_PLACEHOLDER.fullmatch(block_text) or (PIPE_ROW.match(text) and not found & set(HEADER_KINDS) and not chrome_rule(text)):
        found.add("table")
    return frozenset(found)
