"""The closing block: recipients (`Nơi nhận`) and signature blocks (T/M …, role, name), de-interleaved.

Flattened two-column tables put the signature beside the recipients on shared lines (split by gaps or
`|`), interleave them line by line, or glue the signer's name after the last recipient. Each cell is
classified. A joint document signs with several bodies: one signature block each, side by side or one
after another. What follows the signature (appendix, form, note) is document, kept after the closing.
"""

from __future__ import annotations

from functools import lru_cache

from . import patterns as P
from .lineclass import split_cells
from .markup import strip_emphasis
from .model import Block, Closing, Document, Signature

LOOKBACK = 40  # the closing sits in the last lines of a document, or starts at its `Nơi nhận`


def _plain(text: str) -> str:
    return strip_emphasis(text).strip("_ ").strip()


def _cells(block: Block) -> list[str]:
    """Column cells; a signature glued to the recipients (`Nơi nhận: TM. CHÍNH PHỦ`, `- Lưu: VT. TM. …`) is cut off
    and split into its lines."""
    return list(_cells_of(block.source_text, block.text))


@lru_cache(maxsize=16384)  # the closing search reads the last lines up to four times (label, lookback, archive, rows)
def _cells_of(raw: str, text: str) -> tuple[str, ...]:
    out: list[str] = []
    for cell in split_cells(raw) or [_plain(text)]:
        label = P.RECIPIENTS_LABEL.match(cell)
        if label and label["rest"].strip() and segment_kind(label["rest"].strip(), True) in {"capacity", "role", "name", "signed"}:
            out += [cell[: label.start("rest")].strip(), *signature_lines(label["rest"].strip())]
            continue
        head, *signature = P.SIGNATURE_INSIDE.split(cell, maxsplit=1)
        for run in (head, *signature):
            signed = P.SIGN_CAPACITY.match(run) or P.SIGNED_INSIDE.search(run)
            out.extend(signature_lines(run) if signed and not P.LIST_ITEM.match(run) else [run])
    return tuple(c for c in out if c)


def signature_lines(run: str) -> list[str]:
    """A signature flattened onto one line, back into its lines.

    >>> signature_lines("TM. CHÍNH PHỦ KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG(Đã ký) Hồ Quốc Dũng")
    ['TM. CHÍNH PHỦ', 'KT. THỦ TƯỚNG', 'PHÓ THỦ TƯỚNG', '(Đã ký)', 'Hồ Quốc Dũng']
    >>> signature_lines("TM. ỦY BAN NHÂN DÂN")
    ['TM. ỦY BAN NHÂN DÂN']
    """
    lines: list[str] = []
    for piece in (p.strip() for p in P.SIGNATURE_PARTS.split(run)):
        if not piece:
            continue
        named = P.TRAILING_NAME.match(piece)
        named = named if named and named["head"] == named["head"].upper() else None  # the class ranges mix cases: check
        tail = [named["name"]] if named else []
        piece = named["head"] if named else piece
        lines += [*_capacity_and_role(piece), *tail]
    return lines


def _capacity_and_role(piece: str) -> list[str]:
    """`KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG` → capacity `KT. THỦ TƯỚNG` + role `PHÓ THỦ TƯỚNG` (the longest role ending it)."""
    prefix = P.SIGN_CAPACITY_PREFIX.match(piece)
    if not prefix:
        return [piece]
    body = piece[prefix.end() :].split()
    for cut in range(1, len(body)):
        role = " ".join(body[cut:])
        if P.SIGN_ROLE.fullmatch(role):
            return [piece[: prefix.end()] + " ".join(body[:cut]), role]
    return [piece]


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
    if P.NOT_A_NAME.match(seg):
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
        if kind == "capacity":
            self._add_capacities(values)
            return
        if not self.group or (len(values) == 1 and self.group[-1].signer) or len(values) > len(self.group):
            self._open(len(values))  # a block without capacity, or the next block after a finished one
        for sig, value in zip(self.group[-len(values) :], values, strict=True):
            if kind in {"role", "signed"}:
                sig.role.append(value)
            elif kind == "name":
                sig.signer = value if sig.signer is None else f"{sig.signer} {value}"

    def _add_capacities(self, values: list[str]) -> None:
        """`TM. CHÍNH PHỦ` then `KT. THỦ TƯỚNG` is one block (on behalf of the body, signed by a deputy); two
        capacities of the same sort side by side are two blocks."""
        columns: list[list[str]] = []
        for value in values:
            if columns and P.ON_BEHALF.match(columns[-1][-1]) and not P.ON_BEHALF.match(value):
                columns[-1].append(value)
            else:
                columns.append([value])
        last = self.group[-1] if len(self.group) == 1 else None
        if (len(columns) == 1 and last and not (last.role or last.signer) and last.capacity
                and P.ON_BEHALF.match(last.capacity[-1]) and not P.ON_BEHALF.match(columns[0][0])):
            last.capacity += columns[0]
            return
        self._open(len(columns))
        for sig, column in zip(self.group, columns, strict=True):
            sig.capacity += column


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
        whole_kind = segment_kind(_plain(block.text), in_recipients)
        if any(k is None for k in kinds) and len(segments) > 1 and whole_kind in {"name", "role", "capacity"}:  # a gap inside a name
            segments, kinds = [_plain(block.text)], [segment_kind(_plain(block.text), in_recipients)]
        if any(k is None for k in kinds):
            if closing.signatures or P.APPENDIX_LINE.match(_plain(block.text)):
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
                label = P.RECIPIENTS_LABEL.match(seg)  # (the cell was classified a label by this pattern)
                rest = label["rest"] if label else ""
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
