"""The closing block: recipients (`Nơi nhận`) and signature (T/M …, role, name), de-interleaved.

Flattened two-column tables put the signature beside the recipients on shared lines, interleave them
line by line, or glue the signer's name after the last recipient. Each column segment is classified.
"""

from __future__ import annotations

from . import patterns as P
from .hygiene import split_columns
from .model import Block, Closing, Document

LOOKBACK = 40  # the closing sits in the last lines of a document


def _plain(text: str) -> str:
    return text.strip("*_ ").strip()


def _segment_kind(seg: str, in_recipients: bool) -> str | None:
    if P.RECIPIENTS_LABEL.match(seg):
        return "label"
    if P.SIGN_CAPACITY.match(seg):
        return "capacity"
    if P.SIGN_ROLE.match(seg):
        return "role"
    if P.SIGNED_MARK.match(seg):
        return "signed"
    if P.LIST_ITEM.match(seg) or P.LIST_ITEM_TIGHT.match(seg) or P.ARCHIVE_COPY.match(seg):
        return "recipient"
    if P.PERSON_NAME.match(seg) or P.PERSON_NAME_CAPS.match(seg):
        return "name"
    if in_recipients and len(seg) < 120 and (seg.endswith((",", ";", ".")) or P.RECIPIENT_HINT.search(seg)):
        return "recipient"
    return None


def _closing_start(blocks: list[Block]) -> int | None:
    """First block of the closing: the `Nơi nhận` label, the first signature line, or the first item of the list ending in `Lưu …`."""
    lo = max(0, len(blocks) - LOOKBACK)
    candidates: list[int] = []
    for i in range(lo, len(blocks)):
        segments = [_plain(s) for s in split_columns(blocks[i].data.get("raw", blocks[i].text))] or [_plain(blocks[i].text)]
        if any(P.RECIPIENTS_LABEL.match(s) or P.SIGN_CAPACITY.match(s) for s in segments):
            candidates.append(i)
            break
    archive = [i for i in range(lo, len(blocks)) if any(P.ARCHIVE_COPY.match(_plain(s)) for s in split_columns(blocks[i].data.get("raw", blocks[i].text)))]
    if archive:
        i = archive[-1]
        while i - 1 >= lo and (P.LIST_ITEM.match(_plain(blocks[i - 1].text)) or P.LIST_ITEM_TIGHT.match(_plain(blocks[i - 1].text))):
            i -= 1
        candidates.append(i)
    if not candidates:
        roles = [i for i in range(lo, len(blocks)) if P.SIGN_ROLE.match(_plain(blocks[i].text))]
        if roles:
            candidates.append(roles[-1])
    return min(candidates) if candidates else None


def recognise_closing(doc: Document) -> None:
    start = _closing_start(doc.blocks)
    if start is None:
        return
    closing = Closing(first_line=doc.blocks[start].first_line)
    in_recipients = False
    kept_after: list[Block] = []
    for block in doc.blocks[start:]:
        segments = [_plain(s) for s in split_columns(block.data.get("raw", block.text))] or [_plain(block.text)]
        # a bold signature written over two lines arrives as one block per line: fine. Unknown text ends the closing.
        kinds = [_segment_kind(s, in_recipients) for s in segments]
        if any(k is None for k in kinds) and not (len(segments) > 1 and _segment_kind(_plain(block.text), in_recipients)):
            kept_after.append(block)
            doc.warn(f"line {block.first_line}: text inside the closing block kept as a paragraph: {block.text[:60]!r}")
            continue
        if any(k is None for k in kinds):
            segments, kinds = [_plain(block.text)], [_segment_kind(_plain(block.text), in_recipients)]
        for seg, kind in zip(segments, kinds, strict=True):
            if kind == "label":
                closing.recipients_label = seg
                in_recipients = True
                rest = P.RECIPIENTS_LABEL.match(seg)["rest"]  # type: ignore[index]
                if rest.strip():
                    closing.recipients.append(rest.strip())
            elif kind == "recipient":
                in_recipients = True
                closing.recipients.append(seg)
            elif kind == "capacity":
                closing.capacity.append(seg)
            elif kind == "role":
                closing.role.append(seg)
            elif kind == "name":
                closing.signer = seg if closing.signer is None else f"{closing.signer} {seg}"
            elif kind == "signed":
                closing.role.append(seg)
    doc.closing = closing
    doc.blocks = doc.blocks[:start] + kept_after
