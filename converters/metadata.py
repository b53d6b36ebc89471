"""Metadata: what the document is, who issued it, where and when — exact, never invented.

Every value names its evidence (header block, title block, signature, body, page, correction).
A field the source leaves blank stays null. Places resolve through the `vietnamadminunits` gazetteer,
both as they were (three levels, pre-2025) and as they are now (two levels, from 2025).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from core.record import METADATA_FIELDS
from core.text import fold

from . import patterns as P
from .lineclass import record_register
from .model import Document
from .text import person_case, readable_case

FIELDS = list(METADATA_FIELDS)  # the front matter, in its order: defined once, in core/record.py
# Units renamed before the 2025 reform that the gazetteer's legacy data already shows under the new name:
# (name in the gazetteer, name before, in force until) — so a document gets the name of its own date.
RENAMED_PROVINCES = [("Thành phố Huế", "Tỉnh Thừa Thiên Huế", "2025-01-01")]  # NQ 1314/NQ-UBTVQH15
Extractor = Callable[[Document], None]


def _set(doc: Document, field: str, value: Any, evidence: str) -> None:
    if value in (None, "", []):
        return
    doc.metadata[field] = value
    doc.evidence[field] = evidence


def _split_unit(name: str) -> tuple[str | None, str]:
    """'phường Hương Xuân' → ('phường', 'Hương Xuân')."""
    match = P.UNIT_IN_NAME.search(name)
    if not match:
        return None, name
    return match.group(1).lower(), match.group(2)


def extract(doc: Document) -> None:
    """Run the field extractors in order (`EXTRACTORS`, at the end of this module); corrections win."""
    doc.metadata = dict.fromkeys(FIELDS)
    for _name, extractor in EXTRACTORS:
        extractor(doc)


def _is_document(doc: Document) -> bool:
    """A header block, a type title or a signing capacity says the page carries a document (not a news item)."""
    closing = doc.closing
    return bool(doc.header or doc.title_type or (closing and (closing.capacity or closing.recipients_label)))


def _type_from_title(doc: Document) -> None:
    if doc.title_type:
        _set(doc, "doc_type", P.DOC_TYPES[doc.title_type], f"title block: {doc.title_type!r}")


def _number(doc: Document) -> None:
    """`Số: 218 /BC-UBND` → `218/BC-UBND` (label and inner spaces gone); a blank number stays unknown."""
    header = doc.header
    if not (header and header.number_line):
        return
    number = P.NUMBER_LINE.match(header.number_line)
    if not number:
        return
    raw_number = number["number"].strip()
    compact = re.sub(r"\s*([-/])\s*", r"\1", raw_number)
    if P.NUMBER_VALUE.match(compact):
        _set(doc, "number", compact, f"header block: {header.number_line!r}")
    else:
        doc.evidence["number"] = f"header block: number left blank in the source ({header.number_line!r})"


def _type_from_number(doc: Document) -> None:
    number = doc.metadata["number"]
    if doc.metadata["doc_type"] or not number:
        return
    code = re.search(r"\d+[-/](?P<code>[A-ZĐa-zđ]+)", number)
    if code and code["code"] in P.NUMBER_TYPE_CODES:
        _set(doc, "doc_type", P.NUMBER_TYPE_CODES[code["code"]], f"number code {code['code']!r} in {number!r}")


def _type_from_closing_sentence(doc: Document) -> None:
    if doc.metadata["doc_type"] or not _is_document(doc):
        return
    for block in doc.blocks:
        match = P.CLOSING_TYPE.match(block.text)
        if match:
            _set(doc, "doc_type", readable_case(match["type"].upper(), first_cap=True), f"body inference: {block.text[:60]!r}")
            doc.metadata["doc_type_inferred"] = True
            return


def _title(doc: Document) -> None:
    doc_type = doc.metadata["doc_type"]
    if doc.subtitle and doc_type:
        subject = doc.subtitle if doc.subtitle != doc.subtitle.upper() else readable_case(doc.subtitle, first_cap=False)
        qualifier = P.LEADING_CAPS_WORDS.match(subject)  # "TUẦN Kết quả …" → "tuần kết quả …"
        if qualifier:
            rest = subject[qualifier.end() :]
            subject = readable_case(qualifier.group(1), first_cap=False) + " " + rest[:1].lower() + rest[1:]
        subject = subject[0].lower() + subject[1:] if subject[:1].isupper() and not subject[1:2].isupper() else subject
        _set(doc, "title", f"{doc_type} {subject}", "title block: type + subject")
    elif doc_type and doc.title_type and not doc.metadata.get("doc_type_inferred"):
        _set(doc, "title", doc_type, "title block: type only")


def _date(doc: Document) -> None:
    """The header's place-date line only: a date in running text is never the document's date."""
    header = doc.header
    if not (header and header.place_date):
        return
    match = P.PLACE_DATE.match(header.place_date) or P.BLANK_DATE.match(header.place_date)
    if not match:
        return
    groups = match.groupdict()
    year, month, day = groups.get("year"), groups.get("month"), groups.get("day")
    date = year if year else None
    if year and month:
        date = f"{int(year):04d}-{int(month):02d}"
        if day:
            date += f"-{int(day):02d}"
    _set(doc, "date", date, f"header block: {header.place_date!r}")


def _place_from_date_line(doc: Document) -> str | None:
    header = doc.header
    match = header and header.place_date and (P.PLACE_DATE.match(header.place_date) or P.BLANK_DATE.match(header.place_date))
    return match["place"].strip() if match else None


def _issuer(doc: Document) -> None:
    header = doc.header
    if header and header.issuer:
        _set(doc, "issuer", readable_case(header.issuer), f"header block: {header.issuer!r}")
        doc.metadata["issuer_source"] = header.issuer


def _parent(doc: Document) -> None:
    header = doc.header
    if header and header.parent:
        _set(doc, "parent_issuer", readable_case(header.parent), f"header block: {header.parent!r}")
        doc.metadata["parent_issuer_source"] = header.parent


def _issuer_from_signature_step(doc: Document) -> None:
    place = _place_from_date_line(doc)
    if not doc.metadata["issuer"] and doc.closing and doc.closing.capacity and place:
        _issuer_from_signature(doc, doc.closing.capacity[0], place)


def _signature(doc: Document) -> None:
    """Signer, role and capacity of the first signature block — on a document only (a byline is not a signature)."""
    closing = doc.closing
    if not closing:
        return
    if closing.signer and _is_document(doc):
        _set(doc, "signer", person_case(closing.signer), "signature block")
    roles = [r for r in closing.role if not P.SIGNED_MARK.match(r)]
    if roles:
        _set(doc, "signer_title", readable_case(" ".join(roles)), f"signature block: {' / '.join(roles)!r}")
    if closing.capacity:
        _set(doc, "signer_capacity", " / ".join(readable_case(c) for c in closing.capacity), f"signature block: {' / '.join(closing.capacity)!r}")


def _recipients(doc: Document) -> None:
    if doc.closing:
        recipients = [P.LIST_ITEM.sub(r"\g<rest>", r).strip() for r in doc.closing.recipients]
        _set(doc, "recipients", recipients, "closing block: recipients list")


def _posted(doc: Document) -> None:
    """The page's post date goes to `posted` only, never to `date`."""
    if doc.page_meta.posted:
        _set(doc, "posted", doc.page_meta.posted, f"page: {doc.page_meta.posted_evidence!r}")


def _provenance(doc: Document) -> None:
    for key in ("source_url", "portal", "retrieved", "added"):
        if doc.sidecar.get(key):
            _set(doc, key, str(doc.sidecar[key]), "provenance sidecar")
    if not doc.metadata["source_url"] and doc.page_meta.canonical:
        _set(doc, "source_url", doc.page_meta.canonical, "page: <link rel=canonical>")
    doc.metadata["source_file"] = doc.source_file or doc.source.name


def _corrections(doc: Document) -> None:
    for key, value in (doc.sidecar.get("corrections") or {}).items():
        if key not in doc.metadata:
            doc.warn(f"correction for unknown field {key!r} ignored")
            continue
        doc.metadata[key] = value
        doc.evidence[key] = "correction (sidecar)"


REGISTER_FIELDS = {"number": ("số hiệu", "số ký hiệu", "số kí hiệu"), "date": ("ngày ban hành",), "signer": ("người ký", "người kí")}


def register_fields(register: dict[str, str]) -> dict[str, str]:
    """A register block as label → value, lower-case labels; two fields on one line are split apart and values
    the register does not know ("Đang cập nhật") left out.

    >>> register_fields({"Số hiệu": "155/KH-UBND Loại văn bản: Văn bản khác", "Người ký": "Đang cập nhật"})
    {'số hiệu': '155/KH-UBND', 'loại văn bản': 'Văn bản khác'}
    """
    text = " ".join(f"{label}: {value}" for label, value in register.items())
    marks = list(P.REGISTER_LABEL.finditer(text))
    out: dict[str, str] = {}
    for mark, after in zip(marks, [*marks[1:], None], strict=False):  # each label with the next one (or the end)
        value = text[mark.end() : after.start() if after else len(text)].strip(" ;|")
        if not P.REGISTER_UNKNOWN.match(value):
            out.setdefault(" ".join(mark["label"].lower().split()), value)
    return out


def _register_fallbacks(doc: Document) -> None:
    """A portal's register block (Số hiệu / Ngày ban hành / Người ký) fills what the document itself leaves unsaid."""
    for block in doc.blocks:  # register lines kept above the header; those dropped were recorded when named
        if block.above_header:
            record_register(doc, block.text)
    register = register_fields(doc.page_meta.register)
    for field, labels in REGISTER_FIELDS.items():
        value = next((register[label] for label in labels if register.get(label)), None)
        if not value or doc.metadata.get(field) or (field == "number" and "number" in doc.evidence):
            continue
        if field == "number" and not P.NUMBER_VALUE.match(value.replace(" ", "")):
            continue
        if field == "date":
            match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
            if not match:
                continue
            value = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
        _set(doc, field, value, f"page register block: {value!r}")


def _issuer_from_signature(doc: Document, capacity: str, place: str) -> None:
    """'TM. ỦY BAN NHÂN DÂN' + place line 'Thắng Lợi' + body 'phường Thắng Lợi' → 'Ủy ban nhân dân phường Thắng Lợi'."""
    body_name = P.SIGN_CAPACITY_PREFIX.sub("", capacity).strip()
    if not (P.STATE_ISSUER_HEAD.match(body_name) or re.match(rf"^{P.DANG}\s+{P.UY}$", body_name, re.I)):
        return
    body = "\n".join(b.text for b in doc.blocks)
    found = re.search(rf"\b(xã|phường|thị trấn)\s+{re.escape(place)}\b", body, re.I)
    if not found:
        return
    name = f"{readable_case(body_name)} {found.group(1).lower()} {place}"
    _set(doc, "issuer", name, f"signature capacity {capacity!r} + place-date line {place!r} + body mention {found.group(0)!r}")
    doc.metadata["issuer_source"] = None


def _set_period(doc: Document) -> None:
    text = P.CITED_DATE.sub(" ", doc.subtitle or "")  # "… Nghị định số 181 ngày 01 tháng 7 năm 2025": not what the document covers
    if not text.strip():
        return
    evidence = f"title block: {text[:80]!r}"
    if P.PERIOD_TERM.search(text) and (years := P.TERM_YEARS.search(text)):
        _set(doc, "period", f"giữa nhiệm kỳ {years['a']}–{years['b']}", evidence)
        return
    half = P.PERIOD_HALF.search(text)
    if half:
        year = half["year"] or (m.group(1) if (m := re.search(r"\b(\d{4})\b", text[half.end() :])) else None)
        if year:
            _set(doc, "period", f"6 tháng {half['part'].lower()} năm {year}", evidence)
            return
    for pattern, fmt in ((P.PERIOD_QUARTER, "quý {q} năm {y}"), (P.PERIOD_MONTH, "tháng {m} năm {y}"), (P.PERIOD_YEAR, "năm {y}")):
        match = pattern.search(text)
        if match:
            _set(doc, "period", fmt.format(**match.groupdict()), evidence)
            return


def load_gazetteer() -> bool:
    """Import the gazetteer, which builds its tables and patterns on import (0.6 s once per process); False when it is
    not installed. A conversion worker calls this when it starts, so that its first source does not pay it inside
    its time limit."""
    try:
        import vietnamadminunits  # noqa: F401
    except ImportError:  # pragma: no cover - a pinned dependency; resolve_place warns per document
        return False
    return True


# The gazetteer compiles regexes on every call (about 5 ms a lookup); a commune's reports ask for the same address.
@lru_cache(maxsize=4096)
def _legacy_units(address: str) -> Any:
    from vietnamadminunits import parse_address

    return parse_address(address, mode="LEGACY", level=3)


@lru_cache(maxsize=4096)
def _units_2025(address: str) -> Any:
    from vietnamadminunits import convert_address

    return convert_address(address)


def resolve_place(doc: Document) -> None:
    """Commune/ward, district, province then and now, from the issuer and its parent."""
    issuer = doc.metadata.get("issuer") or ""
    parent = doc.metadata.get("parent_issuer") or ""
    unit, name = _split_unit(issuer)
    if unit is None or not re.fullmatch(P.COMMUNE_UNIT, unit, re.I):
        return
    place = f"{unit} {name}"
    _set(doc, "place", place, doc.evidence.get("issuer", "issuer"))
    p_unit, p_name = _split_unit(parent)
    address = place if p_unit is None else f"{place}, {p_unit} {p_name}"
    if not load_gazetteer():  # pragma: no cover - the gazetteer is a pinned dependency
        doc.warn("gazetteer not installed; place codes left empty")
        return
    try:
        old = _legacy_units(address)
    except Exception as exc:  # noqa: BLE001 - the gazetteer raises plain exceptions on unknown input
        doc.warn(f"gazetteer could not parse {address!r}: {exc}")
        return
    if not old.ward or fold(old.short_ward or "") != fold(name) or (p_name and fold(old.short_district or "") != fold(p_name)):
        doc.warn(f"gazetteer did not resolve {address!r} unambiguously; place codes left empty")
        return
    _set(doc, "district", old.district, f"gazetteer (legacy units) for {address!r}")
    province, evidence = old.province, f"gazetteer (legacy units) for {address!r}"
    for current, before, until in RENAMED_PROVINCES:
        date = str(doc.metadata.get("date") or "")
        if province == current and date and date < until:
            province, evidence = before, f"{evidence}; named {before!r} before {until}"
    _set(doc, "province", province, evidence)
    doc.metadata["place_codes"] = {"ward": old.ward_code, "district": old.district_code, "province": old.province_code}
    try:
        now = _units_2025(f"{old.ward}, {old.district}, {old.province}")
        _set(doc, "place_now", now.ward, "gazetteer (2025 units)")
        _set(doc, "province_now", now.province, "gazetteer (2025 units)")
    except Exception as exc:  # noqa: BLE001
        doc.warn(f"gazetteer could not map {address!r} to 2025 units: {exc}")


EXTRACTORS: list[tuple[str, Extractor]] = [  # each field from its evidence, in order; later steps read earlier fields
    ("type from the title", _type_from_title),  # "BÁO CÁO" → Báo cáo
    ("number", _number),  # header "Số: 74/BC-UBND"; blank stays unknown
    ("type from the number code", _type_from_number),  # "74/BC-UBND" → Báo cáo
    ("type from the closing sentence", _type_from_closing_sentence),  # "Trên đây là báo cáo …" (documents only)
    ("title", _title),  # type + subject
    ("date", _date),  # header place-date line only
    ("issuer", _issuer),  # header block
    ("parent issuer", _parent),  # header block
    ("issuer from the signature", _issuer_from_signature_step),  # "TM. ỦY BAN NHÂN DÂN" + place line + body mention
    ("signature", _signature),  # signer, role, capacity
    ("recipients", _recipients),  # Nơi nhận
    ("register block", _register_fallbacks),  # a legal database's register, where the document is silent
    ("period", _set_period),  # what the report covers, from its subject
    ("posted", _posted),  # the page's post date
    ("place", resolve_place),  # commune, district, province through the gazetteer
    ("provenance", _provenance),  # sidecar, canonical link, file name
    ("corrections", _corrections),  # the archivist's corrections win
]
