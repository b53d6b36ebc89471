"""Naming page furniture: what kind of chrome a line is, for the report.

The decision of what lies outside the document is taken by locate.py from the document's own structure and
from text statistics; this module only gives each dropped line its finer kind (a counter, a post date, a
related-news list …) and keeps what such a line says about the page (post date, register fields) for the
metadata stage. Inside a page with no document (a news item), it drops the lines a pattern names as furniture.
"""

from __future__ import annotations

from . import patterns as P
from .lineclass import chrome_rule, evidence, is_page_title, is_running_text, plain, record_post_date, record_register
from .model import Block, Document


def name_line(doc: Document, blocks: list[Block], index: int) -> str:
    """The finer kind of a line outside the document, recording post date, page title and register fields on the way.

    >>> from converters.model import Block, Document
    >>> from pathlib import Path
    >>> doc = Document(source=Path("x"))
    >>> rows = [Block("Hôm nay:", 1, 1), Block("54", 2, 2), Block("Đăng lúc: 17:00:00 02/01/2024 (GMT+7)", 3, 3)]
    >>> [name_line(doc, rows, i) for i in range(3)], doc.page_meta.posted
    (['visitor counter', 'visitor counter value', 'post date / view count'], '2024-01-02')
    """
    text = plain(blocks[index].text)
    rule = chrome_rule(text)
    if rule:
        if rule[1] == "post date / view count":
            record_post_date(doc, text)
        return rule[1]
    if P.CHROME_NUMBER_ONLY.match(text) and index > 0 and _after_counter(blocks, index):
        return "visitor counter value"
    if P.HEADER_ORNAMENT.match(text):
        return "rule or ornament"
    if record_register(doc, text):
        return "document-register field (shown as metadata)"
    if is_page_title(text):
        doc.page_meta.page_title = doc.page_meta.page_title or text
        return "page title repeated"
    return "not document text"


def _after_counter(blocks: list[Block], index: int) -> bool:
    i = index - 1
    while i >= 0 and P.CHROME_NUMBER_ONLY.match(blocks[i].text):
        i -= 1
    return i >= 0 and bool(P.CHROME_COUNTER_LABEL.match(blocks[i].text))


# Kinds of furniture no document body holds, so they go even inside a document (a share bar under the title, a post
# date between two copies); a bare date or number stays there (a flattened table cell), so does a "Địa chỉ:" line.
INSIDE_DOCUMENT_KINDS = {
    "skip link", "breadcrumb", "font-size bar", "zoom control", "print / share link", "loading placeholder",
    "browser title (page and site name)", "post date / view count",
}


def drop_named_inside(doc: Document, blocks: list[Block], document: bool = False) -> list[Block]:
    """Inside a news item, a line a pattern names as furniture (a post date, a share bar, an image alt text) goes,
    unless the text statistics say it is a sentence of the article. Inside a document, only INSIDE_DOCUMENT_KINDS go.

    >>> from converters.model import Block, Document
    >>> from pathlib import Path
    >>> rows = [Block("In bài viết", 1, 1), Block("12/03/2023", 2, 2), Block("Ngày đăng: 12/03/2023", 3, 3), Block("Hình ảnh", 4, 4)]
    >>> [b.text for b in drop_named_inside(Document(source=Path("x")), rows, document=True)]
    ['12/03/2023', 'Hình ảnh']
    """
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        text = plain(block.text)
        rule = None if evidence(block) else chrome_rule(text)  # the document's own structure is never furniture
        if rule and document and (rule[1] not in INSIDE_DOCUMENT_KINDS or not any(c.isalpha() for c in text)):
            rule = None
        if rule and (not is_running_text(text) or rule[1] == "editorial lead"):
            reason = name_line(doc, blocks, i)
            doc.drop_block(block, rule[0], f"{reason} (inside the page's text)")
            continue
        kept.append(block)
    return kept
