"""The chrome stripper: web-page furniture above and below the document.

Decided by position relative to the document's own header and closing, and by one pattern table
per kind of chrome (patterns.py). A line is only dropped when it can be named; an unknown line
outside the document is kept and reported as a warning.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import patterns as P
from .hygiene import split_columns
from .model import Block, Document

POST_DATE_PARTS = re.compile(r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?:\D+(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?")

# (kind, reason, matcher) — the table of top/bottom chrome kinds, checked in order.
ChromeRule = tuple[str, str, Callable[[str], bool]]
LINE_RULES: list[ChromeRule] = [
    ("chrome", "skip link", lambda t: bool(P.CHROME_SKIP_LINK.match(t))),
    ("chrome", "visitor counter", lambda t: bool(P.CHROME_COUNTER_LABEL.match(t))),
    ("chrome", "post date / view count", lambda t: bool(P.CHROME_POST_DATE.match(t) or P.CHROME_VIEW_COUNT.match(t))),
    ("image", "image alt text or path", lambda t: bool(P.CHROME_IMAGE_ALT.match(t))),
    ("chrome", "breadcrumb", lambda t: bool(P.CHROME_BREADCRUMB.match(t))),
    ("chrome", "menu or search label", lambda t: bool(P.CHROME_MENU_LABEL.match(t))),
    ("chrome", "site identity", lambda t: bool(P.CHROME_SITE_IDENTITY.match(t))),
    ("chrome", "section label", lambda t: bool(P.CHROME_SECTION_LABEL.match(t))),
    ("chrome", "author / source line", lambda t: bool(P.CHROME_AUTHOR.match(t))),
    ("chrome", "editorial lead", lambda t: bool(P.CHROME_EDITORIAL_LEAD.search(t)) and len(t) < 400),
    ("chrome", "related-news list", lambda t: bool(P.CHROME_RELATED.match(t))),
    ("chrome", "comment box / captcha", lambda t: bool(P.CHROME_COMMENTS.match(t))),
    ("chrome", "print / share link", lambda t: bool(P.CHROME_PRINT_SHARE.match(t))),
    ("chrome", "administrative-procedure (TTHC) footer", lambda t: bool(P.CHROME_TTHC.match(t))),
    ("chrome", "contact footer", lambda t: bool(P.CHROME_CONTACT.match(t))),
]
# After one of these, everything to the end of the page is that kind of chrome (list items are headlines, form fields …).
REGION_ANCHORS = {"related-news list", "comment box / captcha", "administrative-procedure (TTHC) footer", "contact footer"}


def _strip_md(text: str) -> str:
    return text.strip("*_# ").strip()


def is_document_anchor(block: Block) -> bool:
    """A line that belongs to the document itself: header, title or body numbering."""
    segments = [_strip_md(s) for s in split_columns(block.data.get("raw", block.text))] or [_strip_md(block.text)]
    for seg in segments:
        in_capitals = seg == seg.upper()  # the document's own header is set in capitals; site identity lines are not
        if in_capitals and (
            P.PARTY_PARENT.match(seg) or P.PARTY_ISSUER.match(seg) or P.STATE_ISSUER_HEAD.match(seg)
            or P.STATE_ISSUER_FULL.match(seg) or P.PARTY_MOTTO.match(seg) or P.STATE_MOTTO.match(seg)
        ):
            return True
        if P.PLACE_DATE.match(seg) or P.BLANK_DATE.match(seg) or P.STATE_MOTTO_2.match(seg):
            return True
        number = P.NUMBER_LINE.match(seg)
        if number and "/" in number.group("number") and len(seg) < 40 and not P.CHROME_REGISTER_FIELD.match(seg):
            return True
        doc_type = P.DOC_TYPE_LINE.match(seg)
        if doc_type and (not doc_type.group("rest").strip() or doc_type.group("rest").lstrip().startswith("*")):
            return True
    text = _strip_md(block.text)
    return bool(P.PART_HEADING.match(text) or P.ROMAN_HEADING.match(text) or P.CHAPTER_HEADING.match(text))


def classify(text: str) -> tuple[str, str] | None:
    for kind, reason, matcher in LINE_RULES:
        if matcher(text):
            return kind, reason
    return None


def is_page_title(text: str) -> bool:
    """A post title: a document type in sentence case followed by its subject ("Báo cáo Tình hình …")."""
    for caps, readable in P.DOC_TYPES.items():
        if text.startswith(readable + " ") and not text.startswith(caps) and len(text) < 300 and not P.SENTENCE_END.search(text[-2:]):
            return True
    return False


def record_post_date(doc: Document, text: str) -> None:
    match = POST_DATE_PARTS.search(text)
    if match and "posted" not in doc.page_meta:
        day, month, year = int(match["d"]), int(match["m"]), int(match["y"])
        if 1 <= day <= 31 and 1 <= month <= 12:
            doc.page_meta["posted"] = f"{year:04d}-{month:02d}-{day:02d}"
            doc.page_meta.setdefault("posted_evidence", text)


def record_register(doc: Document, text: str) -> bool:
    """A portal's document-register field ("Số kí hiệu: …"): kept for the metadata stage, first value wins."""
    register = P.CHROME_REGISTER_FIELD.match(" ".join(text.split()))
    if register and register["value"].strip():
        doc.page_meta.setdefault("register", {}).setdefault(register["field"], register["value"])
    return register is not None


def _drop_page_furniture(doc: Document, block: Block, where: str) -> bool:
    """Drop one line outside the document if it is a known kind of chrome. Returns True when dropped."""
    text = block.text
    rule = classify(text)
    if rule:
        kind, reason = rule
        if reason == "post date / view count":
            record_post_date(doc, text)
        doc.drop_block(block, kind, f"{reason} ({where} the document)")
        return True
    if is_page_title(_strip_md(text)):
        doc.page_meta.setdefault("page_title", _strip_md(text))
        doc.drop_block(block, "chrome", f"page title repeated {where} the document")
        return True
    return False


def strip_top(doc: Document) -> None:
    start = next((i for i, b in enumerate(doc.blocks) if is_document_anchor(b)), None)
    if start is None:
        return
    kept: list[Block] = []
    after_counter = False
    for block in doc.blocks[:start]:
        text = block.text
        if P.CHROME_NUMBER_ONLY.match(text) and after_counter:
            doc.drop_block(block, "chrome", "visitor counter value (above the document)")
            continue
        after_counter = bool(P.CHROME_COUNTER_LABEL.match(text)) or (after_counter and P.CHROME_NUMBER_ONLY.match(text) is not None)
        if P.HEADER_ORNAMENT.match(text):
            doc.drop_block(block, "ornament", "rule or ornament above the document")
            continue
        if _drop_page_furniture(doc, block, "above"):
            continue
        if record_register(doc, text):
            doc.drop_block(block, "chrome", "document-register field (shown as metadata)")
            continue
        doc.warn(f"line {block.first_line} above the document header is not recognised as chrome and was kept: {text[:80]!r}")
        kept.append(block)
    doc.blocks = kept + doc.blocks[start:]


def _is_closing_element(text: str) -> bool:
    return bool(
        P.SIGN_CAPACITY.match(text) or P.SIGN_ROLE.match(text) or P.RECIPIENTS_LABEL.match(text)
        or P.ARCHIVE_COPY.match(text) or P.SIGNED_MARK.match(text)
    )


def _is_footnote_definition(text: str) -> bool:
    return bool(
        P.FN_BRACKET_DEF.match(text) or P.FN_CARET_DEF.match(text) or P.FN_PAREN_SUP_DEF.match(text)
        or P.FN_SUP_DEF.match(text) or P.FN_MD_DEF.match(text)
    )


def document_end(blocks: list[Block]) -> int | None:
    """Index of the last block of the document: its closing, then the signer and footnotes that follow it."""
    last = None
    for i, block in enumerate(blocks):
        segments = split_columns(block.data.get("raw", block.text)) or [block.text]
        if any(_is_closing_element(_strip_md(s)) for s in segments):
            last = i
    if last is None:
        return None
    i = last + 1
    while i < len(blocks):
        text = _strip_md(blocks[i].text)
        if P.PERSON_NAME.match(text) or P.PERSON_NAME_CAPS.match(text) or _is_footnote_definition(text) or _is_closing_element(text):
            last = i
            i += 1
        elif P.HEADER_ORNAMENT.match(text):
            i += 1
        else:
            break
    return last


def strip_bottom(doc: Document) -> None:
    end = document_end(doc.blocks)
    if end is None:
        # No closing: cut only from a hard anchor (related news, comments, TTHC, contact) in the last third.
        third = len(doc.blocks) * 2 // 3
        end = next(
            (i - 1 for i in range(third, len(doc.blocks)) if (r := classify(doc.blocks[i].text)) and r[1] in REGION_ANCHORS),
            None,
        )
        if end is None:
            return
    kept = doc.blocks[: end + 1]
    region: str | None = None
    for block in doc.blocks[end + 1 :]:
        if region:
            rule = classify(block.text)
            if rule and rule[1] in REGION_ANCHORS:
                region = rule[1]
            doc.drop_block(block, "chrome", f"{region} (below the document)")
            continue
        rule = classify(block.text)
        if rule and rule[1] in REGION_ANCHORS:
            region = rule[1]
        if _drop_page_furniture(doc, block, "below"):
            continue
        if P.HEADER_ORNAMENT.match(block.text) or P.CHROME_NUMBER_ONLY.match(block.text):
            doc.drop_block(block, "chrome", "ornament or number below the document")
            continue
        if len(block.text.split()) <= 6 and not P.SENTENCE_END.search(block.text):
            doc.drop_block(block, "chrome", "byline or caption after the document's closing")
            continue
        doc.warn(f"line {block.first_line} below the document's closing is not recognised as chrome and was kept: {block.text[:80]!r}")
        kept.append(block)
    doc.blocks = kept
