"""The body outline: Vietnamese administrative numbering becomes a heading tree; bullets become lists.

PHẦN THỨ … → ##, I./A. → ###, 1. → ####, 1.1. → #####, 1.1.1./a) → ######.
A numbered line is a heading only when it reads like one (short, one clause); numbered task
sentences stay paragraphs, decided per group of siblings so a list of tasks is treated alike.
"""

from __future__ import annotations

from functools import lru_cache

from . import patterns as P
from .markup import balance_emphasis, leading_bullet_star, strip_emphasis
from .model import Block, Document, Kind

LEVELS = {"part": 2, "chapter": 2, "article": 3, "roman": 3, "letter": 3, "caps": 3, "arabic": 4, "arabic2": 5, "arabic3": 6, "alpha": 6}
HEADING_MAX_CHARS = 170


@lru_cache(maxsize=16384)  # up to nine patterns a line, asked by several outline steps
def numbering_kind(text: str) -> str | None:
    if P.PART_HEADING.match(text):
        return "part"
    if P.CHAPTER_HEADING.match(text):
        return "chapter"
    if P.ARTICLE_HEADING.match(text):
        return "article"
    if P.ARABIC3_HEADING.match(text):
        return "arabic3"
    if P.ARABIC2_HEADING.match(text):
        return "arabic2"
    if P.ROMAN_HEADING.match(text):
        return "roman"
    if P.LETTER_HEADING.match(text) and text[3:4].isupper():
        return "letter"
    if P.ARABIC_HEADING.match(text):
        return "arabic"
    if P.ALPHA_ITEM.match(text):
        return "alpha"
    return None




def reads_like_heading(text: str) -> bool:
    """A numbered line reads like a heading when it is short and one clause; a list entry ending in ";" does not.

    >>> reads_like_heading("1. Kết quả đạt được")
    True
    >>> reads_like_heading("2. Nghị định số 105/2006/NĐ-CP ngày 22 tháng 9 năm 2006 của Chính phủ;")
    False
    """
    body = P.NUMBER_PREFIX.sub("", text.rstrip(), count=1)
    if len(body) > HEADING_MAX_CHARS or P.LABEL_THEN_TEXT.search(body) or P.INNER_SENTENCE.search(body.rstrip(".")):
        return False
    return not body.endswith((";", ",", "./.")) and not (body.endswith(".") and len(body) > 80)


def is_caps_heading(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 16 and P.UPPER_HEADING.match(text) is not None and any(c.isalpha() for c in text) and text == text.upper()


def build_outline(doc: Document) -> None:
    _absorb_part_titles(doc)
    _split_article_lines(doc)
    blocks = doc.blocks
    in_article = False  # numbered lines inside an Điều are its clauses (khoản, điểm), never headings
    for block in blocks:
        table = P.TABLE_PLACEHOLDER.fullmatch(block.text)
        if table:
            block.kind, block.text = Kind.TABLE, "\n".join(doc.page_meta.tables[int(table.group(1))])
            continue
        plain = strip_emphasis(block.text)
        kind = numbering_kind(plain)
        block.data["numbering"] = kind
        if kind in {"part", "chapter", "article"}:
            block.kind, block.level, block.text = Kind.HEADING, LEVELS[kind], plain
            in_article = kind == "article"
        elif kind and in_article and kind in {"arabic", "arabic2", "arabic3", "alpha"}:
            block.data["numbering"] = None
            _classify_text(block)
        elif kind and reads_like_heading(plain):
            block.kind, block.level = Kind.HEADING, LEVELS[kind]
        elif kind is None and is_caps_heading(plain) and not (P.ENACTING_LINE.match(plain) or P.DECIDES_LINE.match(plain)
                                                               or P.SIGN_CAPACITY.match(plain) or P.SIGN_ROLE.match(plain)):
            # "ỦY BAN NHÂN DÂN TỈNH …" above "Căn cứ" is no section
            block.kind, block.level, block.data["numbering"] = Kind.HEADING, LEVELS["caps"], "caps"
        else:
            _classify_text(block)
    _sibling_consistency(blocks)
    for block in blocks:
        if block.kind is Kind.HEADING:
            block.text = strip_emphasis(block.text)
        elif block.kind is Kind.TEXT:
            block.kind = Kind.PARAGRAPH


def _classify_text(block: Block) -> None:
    text = block.text
    bullet, inner = leading_bullet_star(text)
    if bullet:
        block.kind, block.level, block.text = Kind.LIST_ITEM, 1, balance_emphasis(inner)
        block.data["marker"] = "*"
        return
    match = P.LIST_ITEM.match(text) or P.LIST_ITEM_TIGHT.match(text)
    if match:
        marker = match.group("marker").replace(" ", "")
        block.kind, block.text = Kind.LIST_ITEM, balance_emphasis(match.group("rest"))
        block.data["marker"] = marker
        return
    block.kind, block.text = Kind.PARAGRAPH, balance_emphasis(text)


def _sibling_consistency(blocks: list[Block]) -> None:
    """Numbered siblings (same kind, same parent) are all headings or all paragraphs when most are long."""
    groups: dict[tuple[int, str], list[Block]] = {}
    parent_seq = 0
    for block in blocks:
        kind = block.data.get("numbering")
        if not kind or kind in {"caps"}:
            continue
        if kind in {"part", "chapter", "roman", "letter"}:
            parent_seq += 1
        groups.setdefault((parent_seq, kind), []).append(block)
    for (_, kind), members in groups.items():
        if kind in {"part", "chapter"} or len(members) < 3:
            continue
        long_ones = [b for b in members if not reads_like_heading(strip_emphasis(b.text))]
        if len(long_ones) * 2 >= len(members):
            for block in members:
                if block.kind is Kind.HEADING:
                    block.kind, block.level = Kind.PARAGRAPH, 0
                    block.text = balance_emphasis(block.text)


def _split_article_lines(doc: Document) -> None:
    """`Điều 1. Ban hành kèm theo … (a whole sentence)`: the article number becomes the heading, its sentence
    the first paragraph; a short article title (`Điều 1. Phạm vi điều chỉnh`) stays one heading."""
    out: list[Block] = []
    for block in doc.blocks:
        plain = strip_emphasis(block.text)
        match = P.ARTICLE_HEADING.match(plain)
        rest = match["rest"].strip() if match else ""
        if not match or not rest or reads_like_heading(rest):
            out.append(block)
            continue
        head = plain[: len(plain) - len(match["rest"])].strip()
        out.append(Block(head, block.first_line, block.first_line, blank_before=block.blank_before, after_closing=block.after_closing, raw=head))
        out.append(Block(rest, block.first_line, block.last_line, blank_before=False, after_closing=block.after_closing, raw=rest))
    doc.blocks = out


def _absorb_part_titles(doc: Document) -> None:
    """`PHẦN THỨ NHẤT` ⏎ `TÌNH HÌNH …`: the part's own title joins its heading."""
    out: list[Block] = []
    absorbing = False
    for block in doc.blocks:
        plain = strip_emphasis(block.text)
        heading = P.PART_HEADING.match(plain) or P.CHAPTER_HEADING.match(plain)
        if heading:
            rest = heading.group("rest")
            absorbing = not rest.strip()
            block.text = plain
            out.append(block)
            continue
        if absorbing and numbering_kind(plain) is None and not P.LIST_ITEM.match(plain) and len(plain) < 200:
            joins = not block.blank_before or plain == plain.upper() or plain[:1].islower()
            if joins:
                head = out[-1]
                sep = ": " if not head.data.get("part_title") else " "
                # "PHẦN THỨ NHẤT:" keeps one colon
                head.text = f"{head.text.rstrip(' :.')}{sep}{plain}" if sep == ": " else f"{head.text}{sep}{plain}"
                head.last_line = block.last_line
                head.data["part_title"] = True
                continue
        absorbing = False
        out.append(block)
    doc.blocks = out


def nest_lists(doc: Document) -> None:
    """`-` items are level 1; `+` and `- +` items under a `-` item are level 2."""
    prev: Block | None = None
    for block in doc.blocks:
        if block.kind is not Kind.LIST_ITEM:
            prev = None
            continue
        marker = block.data.get("marker", "-")
        if marker in {"-+", "+"} and prev is not None and prev.data.get("marker") in {"-", "–", "•", "*"}:
            block.level = 2
        elif marker in {"-+", "+"} and prev is not None and prev.level == 2:
            block.level = 2
        else:
            block.level = 1
        prev = block
