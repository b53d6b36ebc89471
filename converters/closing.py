"""The closing block: recipients (`Nơi nhận`) and signature blocks (T/M …, role, name), de-interleaved.

Flattened two-column tables put the signature beside the recipients on shared lines (split by gaps or
`|`), interleave them line by line, or glue the signer's name after the last recipient. Each cell is
classified. A joint document signs with several bodies: one signature block each, side by side or one
after another. What follows the signature (appendix, form, note) is document, kept after the closing.
"""

from __future__ import annotations

from . import patterns as P
from .header import split_cells
from .markup import strip_emphasis
from .model import Block, Closing, Document, Signature

LOOKBACK = 40  # the closing sits in the last lines of a document, or starts at its `Nơi nhận`


def _plain(text: str) -> str:
    return strip_emphasis(text).strip("_ ").strip()


def _cells(block: Block) -> list[str]:
    return split_cells(block.source_text) or [_plain(block.text)]


def segment_kind(seg: str, in_recipients: bool) -> str | None:
    """The kind of one closing cell.

    >>> [segment_kind(s, False) for s in ["Nơi nhận:", "TUQ. CHỦ TỊCH", "TM/ BAN THƯỜNG VỤ", "PHÓ THỦ TƯỚNG", "(Đã ký)"]]
    ['label', 'capacity', 'capacity', 'role', 'signed']
    >>> [segment_kind(s, True) for s in ["- Như Điều 3;", "Nguyễn Văn Nho", "Phụ lục", "Lưu: VT."]]
    ['recipient', 'name', None, 'recipient']
    """
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
    if P.NOT_A_NAME.match(seg) or P.APPENDIX_START.match(seg):
        return None
    if P.PERSON_NAME.match(seg) or P.PERSON_NAME_CAPS.match(seg):
        return "name"
    if in_recipients and len(seg) < 120 and (seg.endswith((",", ";", ".")) or P.RECIPIENT_HINT.search(seg)):
        return "recipient"
    return None


def _closing_start(blocks: list[Block]) -> int | None:
    """First block of the closing: the `Nơi nhận` label, the first signature line, or the first item of the list ending in `Lưu …`."""
    lo = max(0, len(blocks) - LOOKBACK)
    candidates: list[int] = []
    label = next((i for i in range(len(blocks)) if i >= 3 and any(P.RECIPIENTS_LABEL.match(s) for s in _cells(blocks[i]))), None)
    if label is not None:
        candidates.append(label)
    for i in range(lo, len(blocks)):
        if any(P.RECIPIENTS_LABEL.match(s) or P.SIGN_CAPACITY.match(s) for s in _cells(blocks[i])):
            candidates.append(i)
            break
    archive = [i for i in range(lo, len(blocks)) if any(P.ARCHIVE_COPY.match(s) for s in _cells(blocks[i]))]
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


class _Signatures:
    """Signature cells placed into blocks: cells of one kind side by side open one block per column."""

    def __init__(self, closing: Closing) -> None:
        self.all = closing.signatures
        self.group: list[Signature] = []  # the blocks the current row's columns belong to

    def _open(self, n: int) -> None:
        self.group = [Signature() for _ in range(n)]
        self.all.extend(self.group)

    def add_row(self, kind: str, values: list[str]) -> None:
        if kind == "capacity" and (not self.group or any(s.role or s.signer for s in self.group) or len(values) > 1):
            self._open(len(values))
        elif not self.group or (kind in {"role", "name"} and len(values) == 1 and self.group[-1].signer):
            self._open(len(values))  # a block without capacity, or the next block after a finished one
        elif len(values) > len(self.group):
            self._open(len(values))
        targets = self.group[-len(values) :]
        for sig, value in zip(targets, values, strict=True):
            if kind == "capacity":
                sig.capacity.append(value)
            elif kind in {"role", "signed"}:
                sig.role.append(value)
            elif kind == "name":
                sig.signer = value if sig.signer is None else f"{sig.signer} {value}"


def recognise_closing(doc: Document) -> None:
    start = _closing_start(doc.blocks)
    if start is None:
        return
    closing = Closing(first_line=doc.blocks[start].first_line)
    signatures = _Signatures(closing)
    in_recipients = False
    kept_inside: list[Block] = []
    after: list[Block] = []
    for block in doc.blocks[start:]:
        if after:
            after.append(block)
            continue
        segments = _cells(block)
        kinds = [segment_kind(s, in_recipients) for s in segments]
        if any(k is None for k in kinds) and len(segments) > 1 and segment_kind(_plain(block.text), in_recipients):
            segments, kinds = [_plain(block.text)], [segment_kind(_plain(block.text), in_recipients)]
        if any(k is None for k in kinds):
            if closing.signatures or P.APPENDIX_START.match(_plain(block.text)):
                after.append(block)  # an appendix, form or note after the signature: document, kept after the closing
                continue
            kept_inside.append(block)
            doc.warn(f"line {block.first_line}: text inside the closing block kept as a paragraph: {block.text[:60]!r}")
            continue
        sig_row: dict[str, list[str]] = {}
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
            elif kind is not None:
                sig_row.setdefault(kind, []).append(seg)
        for kind, values in sig_row.items():
            signatures.add_row(kind, values)
    for block in after:
        block.after_closing = True
    doc.closing = closing
    doc.blocks = doc.blocks[:start] + kept_inside + after
