"""Metadata: what the document is, who issued it, where and when — exact, never invented.

Every value names its evidence (header block, title block, signature, body, page, correction).
A field the source leaves blank stays null. Places resolve through the `vietnamadminunits` gazetteer,
both as they were (three levels, pre-2025) and as they are now (two levels, from 2025).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import patterns as P
from .model import Document
from .text import fold, readable_case

FIELDS = [
    "title", "doc_type", "doc_type_inferred", "number", "date", "issuer", "issuer_source", "parent_issuer", "parent_issuer_source",
    "place", "district", "province", "place_codes", "place_now", "province_now", "signer", "signer_title", "signer_capacity",
    "recipients", "period", "posted", "source_url", "source_file", "portal", "retrieved", "added",
]
# Units renamed before the 2025 reform that the gazetteer's legacy data already shows under the new name:
# (name in the gazetteer, name before, in force until) — so a document gets the name of its own date.
RENAMED_PROVINCES = [("Thành phố Huế", "Tỉnh Thừa Thiên Huế", "2025-01-01")]  # NQ 1314/NQ-UBTVQH15
UNIT_TYPES = ["thị trấn", "thị xã", "thành phố", "phường", "xã", "huyện", "quận", "tỉnh"]  # longest first where prefixes overlap
UNIT_IN_NAME = re.compile(r"\b(" + "|".join(UNIT_TYPES) + r")\s+(.+)$", re.I)
CLOSING_TYPE = re.compile(r"^Trên\s+đây\s+là\s+(?P<type>báo\s+cáo|nghị\s+quyết|kế\s+hoạch|thông\s+báo|chương\s+trình|tờ\s+trình)\b", re.I)


def _set(doc: Document, field: str, value: Any, evidence: str) -> None:
    if value in (None, "", []):
        return
    doc.metadata[field] = value
    doc.evidence[field] = evidence


def _split_unit(name: str) -> tuple[str | None, str]:
    """'phường Hương Xuân' → ('phường', 'Hương Xuân')."""
    match = UNIT_IN_NAME.search(name)
    if not match:
        return None, name
    return match.group(1).lower(), match.group(2)


def extract(doc: Document) -> None:
    doc.metadata = dict.fromkeys(FIELDS)
    header, closing = doc.header, doc.closing
    # --- type and title
    if doc.title_type:
        _set(doc, "doc_type", P.DOC_TYPES[doc.title_type], f"title block: {doc.title_type!r}")
    number = None
    if header and header.number_line:
        raw_number = P.NUMBER_LINE.match(header.number_line)["number"].strip()  # type: ignore[index]
        compact = re.sub(r"\s*([-/])\s*", r"\1", raw_number)
        if P.NUMBER_VALUE.match(compact):
            number = compact
            _set(doc, "number", number, f"header block: {header.number_line!r}")
        else:
            doc.evidence["number"] = f"header block: number left blank in the source ({header.number_line!r})"
    if not doc.metadata["doc_type"] and number:
        code = re.search(r"\d+[-/](?P<code>[A-ZĐa-zđ]+)", number)
        if code and code["code"] in P.NUMBER_TYPE_CODES:
            _set(doc, "doc_type", P.NUMBER_TYPE_CODES[code["code"]], f"number code {code['code']!r} in {number!r}")
    if not doc.metadata["doc_type"]:
        for block in doc.blocks:
            match = CLOSING_TYPE.match(block.text)
            if match:
                _set(doc, "doc_type", readable_case(match["type"].upper(), first_cap=True), f"body inference: {block.text[:60]!r}")
                doc.metadata["doc_type_inferred"] = True
                break
    if doc.subtitle:
        subject = doc.subtitle if doc.subtitle != doc.subtitle.upper() else readable_case(doc.subtitle, first_cap=False)
        subject = subject[0].lower() + subject[1:] if subject[:1].isupper() and not subject[1:2].isupper() else subject
        if doc.metadata["doc_type"]:
            _set(doc, "title", f"{doc.metadata['doc_type']} {subject}", "title block: type + subject")
    elif doc.metadata["doc_type"] and not doc.metadata.get("doc_type_inferred"):
        _set(doc, "title", doc.metadata["doc_type"], "title block: type only")
    # --- date and place line
    place_from_line = None
    if header and header.place_date:
        match = P.PLACE_DATE.match(header.place_date) or P.BLANK_DATE.match(header.place_date)
        if match:
            place_from_line = match["place"].strip()
            groups = match.groupdict()
            year, month, day = groups.get("year"), groups.get("month"), groups.get("day")
            date = year if year else None
            if date and month:
                date = f"{int(year):04d}-{int(month):02d}"  # type: ignore[arg-type]
                if day:
                    date += f"-{int(day):02d}"
            _set(doc, "date", date, f"header block: {header.place_date!r}")
    # --- issuer and parent
    if header and header.issuer:
        _set(doc, "issuer", readable_case(header.issuer), f"header block: {header.issuer!r}")
        doc.metadata["issuer_source"] = header.issuer
    if header and header.parent:
        _set(doc, "parent_issuer", readable_case(header.parent), f"header block: {header.parent!r}")
        doc.metadata["parent_issuer_source"] = header.parent
    if not doc.metadata["issuer"] and closing and closing.capacity and place_from_line:
        _issuer_from_signature(doc, closing.capacity[0], place_from_line)
    # --- signature
    if closing:
        if closing.signer:
            _set(doc, "signer", closing.signer if closing.signer != closing.signer.upper() else readable_case(closing.signer), "signature block")
        roles = [r for r in closing.role if not P.SIGNED_MARK.match(r)]
        if roles:
            _set(doc, "signer_title", readable_case(" ".join(roles)), f"signature block: {' / '.join(roles)!r}")
        if closing.capacity:
            _set(doc, "signer_capacity", readable_case(" ".join(closing.capacity)), f"signature block: {closing.capacity[0]!r}")
        recipients = [P.LIST_ITEM.sub(r"\g<rest>", r).strip() for r in closing.recipients]
        _set(doc, "recipients", recipients, "closing block: recipients list")
    _register_fallbacks(doc)
    # --- period
    _set_period(doc)
    # --- page metadata
    if doc.page_meta.get("posted"):
        _set(doc, "posted", doc.page_meta["posted"], f"page: {doc.page_meta.get('posted_evidence')!r}")
    # --- place through the gazetteer
    resolve_place(doc)
    # --- provenance from the sidecar
    for key in ("source_url", "portal", "retrieved", "added"):
        if doc.sidecar.get(key):
            _set(doc, key, str(doc.sidecar[key]), "provenance sidecar")
    if not doc.metadata["source_url"] and doc.page_meta.get("canonical"):
        _set(doc, "source_url", doc.page_meta["canonical"], "page: <link rel=canonical>")
    doc.metadata["source_file"] = _source_file(doc.source)
    # --- corrections win
    for key, value in (doc.sidecar.get("corrections") or {}).items():
        if key not in doc.metadata:
            doc.warn(f"correction for unknown field {key!r} ignored")
            continue
        doc.metadata[key] = value
        doc.evidence[key] = "correction (sidecar)"


def _source_file(source: Path) -> str:
    """The source's path under sources/ ('sub/002_x.txt'), so two files with one base name stay apart; else its name.

    >>> _source_file(Path("/a/sources/sub/002_x.txt")), _source_file(Path("002_x.txt"))
    ('sub/002_x.txt', '002_x.txt')
    """
    parts = source.parts
    return "/".join(parts[len(parts) - parts[::-1].index("sources"):]) if "sources" in parts[:-1] else source.name


REGISTER_FIELDS = {"number": r"Số\s+(?:kí|ký)\s+hiệu", "date": r"Ngày\s+ban\s+hành", "signer": r"Người\s+(?:kí|ký)"}


def _register_fallbacks(doc: Document) -> None:
    """A portal's document-register block (NukeViet: Số kí hiệu / Ngày ban hành / Người ký) fills what the document itself leaves unsaid."""
    register: dict[str, str] = doc.page_meta.get("register") or {}
    for field, label in REGISTER_FIELDS.items():
        value = next((v.strip() for k, v in register.items() if re.fullmatch(label, k, re.I) and v.strip()), None)
        if not value or doc.metadata.get(field) or (field == "number" and "number" in doc.evidence):
            continue
        if field == "date":
            match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
            if not match:
                continue
            value = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}"
        _set(doc, field, value, f"page register block: {value!r}")


def _issuer_from_signature(doc: Document, capacity: str, place: str) -> None:
    """'TM. ỦY BAN NHÂN DÂN' + place line 'Thắng Lợi' + body 'phường Thắng Lợi' → 'Ủy ban nhân dân phường Thắng Lợi'."""
    body_name = re.sub(r"^(?:T/M|TM\.?|KT\.?|TL\.?|Q\.)\s*", "", capacity).strip()
    if not (P.STATE_ISSUER_HEAD.match(body_name) or re.match(rf"^{P.DANG}\s+{P.UY}$", body_name, re.I)):
        return
    body = "\n".join(b.text for b in doc.blocks)
    found = re.search(rf"\b(xã|phường|thị trấn)\s+{re.escape(place)}\b", body, re.I)
    if not found:
        return
    name = f"{readable_case(body_name)} {found.group(1).lower()} {place}"
    _set(doc, "issuer", name, f"signature capacity {capacity!r} + place-date line {place!r} + body mention {found.group(0)!r}")
    doc.metadata["issuer_source"] = None


PERIOD_HALF = re.compile(r"(?P<n>6|sáu|06|9|chín)\s+tháng\s+(?P<part>đầu|cuối)\s+năm(?:\s+(?P<year>\d{4}))?", re.I)
PERIOD_MONTH = re.compile(r"tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.I)
PERIOD_TERM = re.compile(r"giữa\s+nhiệm\s+kỳ", re.I)
TERM_YEARS = re.compile(r"nhiệm\s+kỳ\s+(?P<a>\d{4})\s*[-–]\s*(?P<b>\d{4})", re.I)
PERIOD_QUARTER = re.compile(r"quý\s+(?P<q>[IV]+|\d)(?:\s*/\s*|\s+năm\s+)(?P<y>\d{4})", re.I)
PERIOD_YEAR = re.compile(r"(?:năm|cả\s+năm)\s+(?P<y>\d{4})", re.I)


def _set_period(doc: Document) -> None:
    text = doc.subtitle or ""
    if not text:
        return
    evidence = f"title block: {text[:80]!r}"
    if PERIOD_TERM.search(text) and (years := TERM_YEARS.search(text)):
        _set(doc, "period", f"giữa nhiệm kỳ {years['a']}–{years['b']}", evidence)
        return
    half = PERIOD_HALF.search(text)
    if half:
        year = half["year"] or (m.group(1) if (m := re.search(r"\b(\d{4})\b", text[half.end() :])) else None)
        if year:
            _set(doc, "period", f"6 tháng {half['part'].lower()} năm {year}", evidence)
            return
    for pattern, fmt in ((PERIOD_QUARTER, "quý {q} năm {y}"), (PERIOD_MONTH, "tháng {m} năm {y}"), (PERIOD_YEAR, "năm {y}")):
        match = pattern.search(text)
        if match:
            _set(doc, "period", fmt.format(**match.groupdict()), evidence)
            return


def resolve_place(doc: Document) -> None:
    """Commune/ward, district, province then and now, from the issuer and its parent."""
    issuer = doc.metadata.get("issuer") or ""
    parent = doc.metadata.get("parent_issuer") or ""
    unit, name = _split_unit(issuer)
    if unit not in {"xã", "phường", "thị trấn"}:
        return
    place = f"{unit} {name}"
    _set(doc, "place", place, doc.evidence.get("issuer", "issuer"))
    p_unit, p_name = _split_unit(parent)
    address = place if p_unit is None else f"{place}, {p_unit} {p_name}"
    try:
        from vietnamadminunits import convert_address, parse_address
    except ImportError:  # pragma: no cover - the gazetteer is a pinned dependency
        doc.warn("gazetteer not installed; place codes left empty")
        return
    try:
        old = parse_address(address, mode="LEGACY", level=3)
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
        now = convert_address(f"{old.ward}, {old.district}, {old.province}")
        _set(doc, "place_now", now.ward, "gazetteer (2025 units)")
        _set(doc, "province_now", now.province, "gazetteer (2025 units)")
    except Exception as exc:  # noqa: BLE001
        doc.warn(f"gazetteer could not map {address!r} to 2025 units: {exc}")
