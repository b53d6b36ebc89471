"""The header block (issuer ‖ motto, number, place-date) and the title block (type + subject).

Two-column headers arrive flattened: columns on one line split by wide gaps, columns one after
the other, or interleaved. Each column segment is classified by kind, so the layout does not matter.
"""

from __future__ import annotations

from . import patterns as P
from .hygiene import split_columns
from .model import Document, HeaderBlock, Kind
from .pagebreaks import STRUCTURAL_START

MAX_HEADER_BLOCKS = 14


def _plain(text: str) -> str:
    return text.strip("*_ ").strip()


def classify_segment(seg: str) -> str | None:
    caps = seg == seg.upper()
    if P.PARTY_MOTTO.match(seg) or P.STATE_MOTTO.match(seg) or P.STATE_MOTTO_2.match(seg):
        return "motto"
    if caps and P.PARTY_PARENT.match(seg):
        return "parent"
    if caps and (P.PARTY_ISSUER.match(seg) or P.STATE_ISSUER_FULL.match(seg) or P.STATE_ISSUER_HEAD.match(seg)):
        return "issuer"
    if P.PLACE_DATE.match(seg) or P.BLANK_DATE.match(seg):
        return "place_date"
    number = P.NUMBER_LINE.match(seg)
    if number and len(seg) < 40 and ("/" in seg or "-" in seg or not number.group("number").strip()):
        return "number"
    if P.HEADER_ORNAMENT.match(seg):
        return "ornament"
    if caps and P.UNIT_LINE.match(seg):
        return "unit"
    return None


def recognise_header(doc: Document) -> None:
    header = HeaderBlock()
    consumed = 0
    found = False
    for block in doc.blocks[:MAX_HEADER_BLOCKS]:
        if P.DOC_TYPE_LINE.match(_plain(block.text)):
            break
        raw_segments = split_columns(block.data.get("raw", block.text)) or [block.text]
        segments = [s if P.HEADER_ORNAMENT.match(s) else _plain(s) for s in raw_segments]
        kinds = [classify_segment(s) for s in segments]
        if any(k is None for k in kinds) and classify_segment(_plain(block.text)) is not None:
            segments, kinds = [_plain(block.text)], [classify_segment(_plain(block.text))]  # a blank field's gap is not a column gap
        if any(k is None for k in kinds):
            # an unknown caps segment right after the issuer continues its name ("ĐẢNG ỦY PHƯỜNG" ⏎ "PHỐ HOÀ")
            if len(segments) == 1 and segments[0] == segments[0].upper() and header.issuer and not found_number(header):
                header.issuer = f"{header.issuer} {segments[0]}"
                header.left[-1] = header.issuer
                consumed += 1
                continue
            break
        for seg, kind in zip(segments, kinds, strict=True):
            found = found or kind in {"parent", "issuer", "motto", "number", "place_date"}
            if kind == "ornament":
                doc.drop(kind, "ornament under the issuing body", seg, block.first_line)
            elif kind == "parent":
                header.parent = seg
                header.left.append(seg)
            elif kind == "issuer":
                header.issuer = seg
                header.left.append(seg)
            elif kind == "unit" and header.issuer and P.STATE_ISSUER_HEAD.match(header.issuer):
                header.issuer = f"{header.issuer} {seg}"
                header.left[-1] = header.issuer
            elif kind == "unit":
                header.left.append(seg)
            elif kind == "number":
                header.number_line = seg
                header.left.append(seg)
            elif kind == "motto":
                header.right.append(seg)
            elif kind == "place_date":
                header.place_date = seg
                header.right.append(seg)
        block.kind = Kind.HEADER
        consumed += 1
    if not found:
        for block in doc.blocks[:consumed]:
            block.kind = Kind.TEXT
        return
    doc.header = header
    doc.blocks = doc.blocks[consumed:]


def found_number(header: HeaderBlock) -> bool:
    return header.number_line is not None


def recognise_title(doc: Document) -> None:
    """Type line ("BÁO CÁO") and its subject, wrapped over 1–3 lines, up to the rule or the body."""
    found = next(((i, m) for i, b in enumerate(doc.blocks[:6]) if (m := P.DOC_TYPE_LINE.match(_plain(b.text))) and len(b.text) < 300), None)
    if found is None:
        return
    index, match = found
    doc.title_type = match.group("type")
    subject: list[str] = [match.group("rest").strip()] if match.group("rest").strip() else []
    end = index + 1
    for block in doc.blocks[index + 1 :]:
        text = _plain(block.text)
        if P.TITLE_RULE.match(text):
            doc.drop_block(block, "rule", "rule line under the title")
            end += 1
            break
        if STRUCTURAL_START.match(text) or P.PART_HEADING.match(text) or P.ROMAN_HEADING.match(text):
            break
        starts_lower = text[:1].islower()
        if subject and block.blank_before and not starts_lower:
            break
        if len(text) > 300:
            break
        subject.append(text)
        end += 1
    doc.subtitle = " ".join(" ".join(subject).split()) or None
    doc.blocks = doc.blocks[:index] + doc.blocks[end:]
