"""The header block (issuer ‖ motto, number, place-date) and the title block (type + subject).

The header is found as a *cluster*, not read from the top: its cells (issuing body in capitals, the
national or Party motto, `Số …`, `<place>, ngày … tháng … năm …`) stand within a few lines of each
other in any order, flattened onto shared lines (wide gaps, tabs, `|`), split over lines (`CỘNG` ⏎
`HÒA XÃ HỘI …`, `Số:` ⏎ `06/2024/QĐ-UBND`) or interleaved. A capitals line with no motto, number or date
near it is not a header, so a page headline never becomes an issuer.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import patterns as P
from .lineclass import cell_text, classify_cell, split_cells
from .model import Block, Document, HeaderBlock, Kind

WINDOW = 40  # blocks searched for the header cluster
MAX_LEAD = 3  # unknown lines tolerated above a header that has a motto or a number
STRONG = {"motto", "number", "place_date"}  # cells a page headline does not have
HEADER_CELL_KINDS = STRONG | {"parent", "issuer", "unit", "ornament", "caps"}
TITLE_MAX_LINES = 4  # a subject wraps over a few lines at most
TITLE_MAX_CHARS = 320  # … and never swallows the preamble


@dataclass
class Cell:
    """One header cell: a column segment of a line, with its kind."""

    text: str
    row: int  # index of its block
    kind: str | None
    last_row: int = -1  # a cell merged from pieces on several lines ends here

    def __post_init__(self) -> None:
        self.last_row = max(self.last_row, self.row)


def _merge_split_cells(cells: list[Cell]) -> list[Cell]:
    """`CỘNG` + `HÒA XÃ HỘI …`, `Kon Tum, ngày 25` + `tháng 01 năm 2024`, `Số:` + `06/2024/QĐ-UBND`: one cell each.

    >>> texts = ["CỘNG", "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kon Tum, ngày 25", "tháng 01 năm 2024", "Số:", "06/2024/QĐ-UBND"]
    >>> [(c.text, c.kind) for c in _merge_split_cells([Cell(t, 0, classify_cell(t)) for t in texts])]
    [('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'motto'), ('Kon Tum, ngày 25 tháng 01 năm 2024', 'place_date'), ('Số: 06/2024/QĐ-UBND', 'number')]
    """
    out: list[Cell] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        merged = False
        if cell.kind in {None, "caps", "number"} and i + 1 < len(cells):  # a number label only takes its value
            for span in (2, 3):
                if i + span > len(cells):
                    break
                text = " ".join(c.text for c in cells[i : i + span])
                kind = classify_cell(text)
                number = P.NUMBER_LINE.match(cell.text) if cell.kind == "number" else None
                empty_label = number is not None and not number["number"].strip()
                joins_piece = cell.kind != "number" and kind in {"motto", "place_date"}
                if joins_piece or (kind == "number" and empty_label and cells[i + 1].kind == "number_value"):
                    out.append(Cell(text, cell.row, kind, cells[i + span - 1].last_row))
                    i += span
                    merged = True
                    break
        if not merged:
            out.append(cell)
            i += 1
    return out


def _row_cells(row: int, block: Block) -> list[Cell]:
    cells = [Cell(text, row, classify_cell(text)) for text in split_cells(block.source_text)]
    whole = cell_text(block.text)
    if len(cells) > 1 and any(c.kind is None for c in cells) and classify_cell(whole) in {"parent", "issuer", "motto", "place_date", "unit"}:
        return [Cell(whole, row, classify_cell(whole))]  # "Nguyễn   Văn A": a gap inside one cell
    for i, cell in enumerate(cells[:-1]):  # "Số:      /BC-UBND": a blank number's gap is not a column gap
        label = P.NUMBER_LINE.match(cell.text) if cell.kind == "number" else None
        if label and not label["number"].strip() and cells[i + 1].text.startswith(("/", "-")):
            joined = Cell(f"{cell.text} {cells[i + 1].text}", row, "number")
            return [*cells[:i], joined, *cells[i + 2 :]]
    return cells


def _cells(blocks: list[Block]) -> list[Cell]:
    return _merge_split_cells([cell for row, block in enumerate(blocks) for cell in _row_cells(row, block)])


def _cluster(cells: list[Cell], rows: int) -> tuple[int, int] | None:
    """(first row, row after the last) of the header cluster, or None."""
    by_row: dict[int, list[Cell]] = {}
    for cell in cells:
        by_row.setdefault(cell.row, []).append(cell)
    for start in range(rows):
        row_cells = by_row.get(start)
        if not row_cells or not all(c.kind in HEADER_CELL_KINDS for c in row_cells) or all(c.kind == "ornament" for c in row_cells):
            continue
        end, kinds, dated = start, [], False
        while end < rows:
            here = by_row.get(end, [])  # a row of only "|" has no cells: part of the header
            if not all(c.kind in HEADER_CELL_KINDS and not (c.kind == "caps" and dated) for c in here):
                break
            kinds += [c.kind for c in here]
            dated = dated or any(c.kind in {"number", "place_date"} for c in here) and "motto" in kinds
            end += 1
        strong = [k for k in kinds if k in STRONG]
        # a body named by pattern; a capitals line of unknown shape only beside a motto or a number
        named = any(k in {"parent", "issuer"} for k in kinds) or ("caps" in kinds and bool({"motto", "number"} & set(strong)))
        if len(set(strong)) >= 2 or (strong and named and (start <= MAX_LEAD or "motto" in strong)):
            return start, end
    return None


def recognise_header(doc: Document) -> None:
    window = doc.blocks[:WINDOW]
    cells = _cells(window)
    found = _cluster(cells, len(window))
    if found is None:
        return
    start, end = found
    header = HeaderBlock()
    for row in range(start, end):
        if not any(c.row <= row <= c.last_row for c in cells):
            doc.drop_block(window[row], "ornament", "column separator of a flattened header table")
    dated = False  # a number or a place-date line seen: the left column's name is complete
    for cell in (c for c in cells if start <= c.row < end):
        kind, line = cell.kind, window[cell.row].first_line
        if kind == "ornament":
            doc.drop(kind, "ornament under the issuing body", cell.text, line)
        elif kind == "parent":
            header.parent = cell.text
            header.left.append(cell.text)
        elif kind in {"issuer", "caps"} and header.issuer is None:
            header.issuer = cell.text
            header.left.append(cell.text)
        elif kind in {"caps", "unit"} and header.issuer and not dated and (kind == "caps" or not P.UNIT_IN_NAME.search(header.issuer)):
            _extend_issuer(header, header.issuer, cell.text)  # "ỦY BAN NHÂN DÂN" ⏎ "TỈNH KON TUM", "ĐẢNG ỦY PHƯỜNG" ⏎ "PHỐ HOÀ"
        elif kind == "number":
            header.number_line = cell.text
            header.left.append(cell.text)
        elif kind == "motto":
            header.right.append(cell.text)
        elif kind == "place_date":
            header.place_date = cell.text
            header.right.append(cell.text)
        else:
            header.left.append(cell.text)  # a unit under a named body, a second capitals cell: kept as written
        dated = dated or kind in {"number", "place_date"}
    for block in window[start:end]:
        block.kind = Kind.HEADER
    header.position = start
    for block in window[:start]:
        block.above_header = True
    doc.header = header
    doc.blocks = doc.blocks[:start] + doc.blocks[end:]


def _extend_issuer(header: HeaderBlock, issuer: str, text: str) -> None:
    at = header.left.index(issuer)
    header.issuer = f"{issuer} {text}"
    header.left[at] = header.issuer


def _ends_subject(block: Block, text: str, subject: list[str], qualifier: bool) -> bool:
    """The title's subject stops at the body: preamble, enacting body, numbering, bullets, or a new paragraph."""
    if P.STRUCTURAL_START.match(text) or P.PART_HEADING.match(text) or P.ROMAN_HEADING.match(text) or P.CHAPTER_HEADING.match(text):
        return True
    if P.BODY_OPENING.match(text) or P.ENACTING_LINE.match(text) or P.DECIDES_LINE.match(text) or P.LIST_ITEM.match(block.text.strip()):
        return True
    if len(text) > 300 or len(subject) >= TITLE_MAX_LINES or len(" ".join([*subject, text])) > TITLE_MAX_CHARS:
        return True
    lines = subject[1:] if qualifier else subject  # "BÁO CÁO TUẦN": the type line's own rest is not the subject's case
    if lines and lines[0] == lines[0].upper() and text != text.upper() and not text[:1].islower():
        return True  # a subject in capitals goes on in capitals only
    if lines and lines[0] == lines[0].upper() and text == text.upper():
        return False  # … and in capitals it goes on, one element per line in HTML
    return bool(lines) and block.blank_before and not text[:1].islower()


def recognise_title(doc: Document) -> None:
    """Type line ("BÁO CÁO") and its subject, wrapped over 1–3 lines, up to the rule or the body."""
    first = doc.header.position if doc.header else 0  # the type line stands just under the header, never above it
    found = next(
        ((i, m) for i, b in enumerate(doc.blocks[first : first + 6], start=first)
         if (m := P.DOC_TYPE_LINE.match(cell_text(b.text))) and len(b.text) < 300 and not P.DECIDES_LINE.match(cell_text(b.text))),
        None,
    )
    if found is None:
        return
    index, match = found
    doc.title_type = match.group("type")
    doc.title_line = f"{match.group('draft') or ''}{match.group('type')}"
    rest = match.group("rest").strip()
    subject: list[str] = [rest] if rest else []
    end = index + 1
    for block in doc.blocks[index + 1 :]:
        text = cell_text(block.text)
        if P.TITLE_RULE.match(text):
            doc.drop_block(block, "rule", "rule line under the title")
            end += 1
            break
        pieces = P.BOLD_GAP.split(block.text)
        if len(pieces) > 1 and P.ENACTING_LINE.match(cell_text(pieces[-1])) and not _ends_subject(block, cell_text(pieces[0]), subject, bool(rest)):
            subject.append(cell_text("**".join(pieces[:-1])))  # "**…HIỆU LỰC** **CHÍNH PHỦ**": the enacting body stays in the body
            block.text = block.raw = cell_text(pieces[-1])
            break
        if _ends_subject(block, text, subject, qualifier=bool(rest)):
            break
        subject.append(text)
        end += 1
    doc.subtitle = " ".join(" ".join(subject).split()) or None
    doc.blocks = doc.blocks[:index] + doc.blocks[end:]  # a page title repeating this title lies above the document (locate)

