"""The provenance sidecar (`<source>.meta.yml`): its schema as one declarative list of fields, and the check.

A sidecar is written by hand, so every value is untrusted: a wrong type, a date that is not ISO, an unknown key or a
`javascript:` address fails that one source with a message naming the file, the key and the reason (the build goes
on). Valid values come back normalised: dates as ISO strings, so `date: [2023, 7]` can never become a slug or a facet.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from .model import ConversionError

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WEB_SCHEMES = {"http", "https"}  # the only addresses the archive ever links to


class Invalid(ValueError):
    """A value that does not fit its field; the message is the reason."""


def text(value: Any) -> str:
    """A single line of plain text.

    >>> text("Cổng thông tin xã")
    'Cổng thông tin xã'
    >>> text(12345)
    Traceback (most recent call last):
    ...
    converters.sidecar.Invalid: must be text, not int
    """
    if not isinstance(value, str):
        raise Invalid(f"must be text, not {type(value).__name__}")
    if any(ord(c) < 32 for c in value):
        raise Invalid("must be one line of text without control characters")
    return value.strip()


def iso_date(value: Any) -> str:
    """A calendar date, written YYYY-MM-DD (YAML may already have read it as a date).

    >>> iso_date("2023-07-15"), iso_date(dt.date(2026, 11, 21))
    ('2023-07-15', '2026-11-21')
    >>> iso_date([2023, 7])
    Traceback (most recent call last):
    ...
    converters.sidecar.Invalid: must be a date written YYYY-MM-DD, not list
    >>> iso_date("2023-02-30")
    Traceback (most recent call last):
    ...
    converters.sidecar.Invalid: '2023-02-30' is not a real date
    """
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if not isinstance(value, str) or not ISO_DATE.match(value.strip()):
        shown = repr(value) if isinstance(value, str) else type(value).__name__
        raise Invalid(f"must be a date written YYYY-MM-DD, not {shown}")
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise Invalid(f"{value!r} is not a real date") from None


def web_address(value: Any) -> str:
    """An absolute http(s) address: anything else (javascript:, data:, file:) could run or leak when clicked.

    >>> web_address("https://xa.example.gov.vn/tin/1")
    'https://xa.example.gov.vn/tin/1'
    >>> web_address("javascript:alert(1)")
    Traceback (most recent call last):
    ...
    converters.sidecar.Invalid: must be an http(s) address, not 'javascript:alert(1)'
    """
    address = text(value)
    parts = urlsplit(address)
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.netloc:
        raise Invalid(f"must be an http(s) address, not {address[:80]!r}")
    return address


def text_list(value: Any) -> list[str]:
    """A list of text lines (recipients).

    >>> text_list(["UBND huyện", "Lưu VT"])
    ['UBND huyện', 'Lưu VT']
    """
    if not isinstance(value, list):
        raise Invalid(f"must be a list of text lines, not {type(value).__name__}")
    return [text(item) for item in value]


@dataclass(frozen=True)
class Field:
    name: str
    check: Callable[[Any], Any]
    gloss: str


# Fields a `corrections:` mapping may set: the front-matter values a reader sees (metadata.FIELDS minus the derived
# ones: evidence sources, gazetteer codes, source_file).
CORRECTIONS: list[Field] = [
    Field("title", text, "subject line"),
    Field("doc_type", text, "loại văn bản, e.g. Nghị quyết"),
    Field("number", text, "số hiệu, e.g. 31-NQ/ĐU"),
    Field("date", iso_date, "ngày ban hành"),
    Field("issuer", text, "cơ quan ban hành"),
    Field("parent_issuer", text, "cơ quan cấp trên"),
    Field("place", text, "commune or ward"),
    Field("district", text, "district (before 2025)"),
    Field("province", text, "province"),
    Field("place_now", text, "the unit's name since 2025"),
    Field("province_now", text, "the province since 2025"),
    Field("signer", text, "người ký"),
    Field("signer_title", text, "chức vụ người ký"),
    Field("signer_capacity", text, "thẩm quyền ký, e.g. TM. Ủy ban nhân dân"),
    Field("recipients", text_list, "nơi nhận"),
    Field("period", text, "reporting period"),
    Field("posted", iso_date, "date the portal posted the page"),
]
CORRECTION_FIELDS = {f.name: f for f in CORRECTIONS}


def corrections(value: Any) -> dict[str, Any]:
    """A mapping of known front-matter fields to values of the right type (null: no correction)."""
    if not isinstance(value, dict):
        raise Invalid(f"must be a mapping of field: value, not {type(value).__name__}")
    checked: dict[str, Any] = {}
    for key, item in value.items():
        spec = CORRECTION_FIELDS.get(key) if isinstance(key, str) else None
        if spec is None:
            raise Invalid(f"{key!r} is not a field that can be corrected (known: {', '.join(CORRECTION_FIELDS)})")
        if item is not None:
            try:
                checked[key] = spec.check(item)
            except Invalid as exc:
                raise Invalid(f"{key}: {exc}") from None
    return checked


# The sidecar itself. Every key may be null (unknown stays empty).
SIDECAR: list[Field] = [
    Field("source_url", web_address, "the page's address"),
    Field("portal", text, "the portal's name"),
    Field("retrieved", iso_date, "when the page was scraped"),
    Field("added", iso_date, "when it entered the archive"),
    Field("corrections", corrections, "field: value, winning over extraction"),
]
SIDECAR_FIELDS = {f.name: f for f in SIDECAR}


class _DatesAsText(yaml.SafeLoader):
    """YAML without implicit timestamps: `2023-02-30` stays text for `iso_date` to refuse by key, not a crash."""


_DatesAsText.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def parse(text: str, name: str) -> dict[str, Any]:
    """A sidecar's text → its checked values.

    >>> parse("retrieved: 2023-02-30", "a.txt.meta.yml")
    Traceback (most recent call last):
    ...
    converters.model.ConversionError: sidecar a.txt.meta.yml: key 'retrieved': '2023-02-30' is not a real date
    """
    try:
        data = yaml.load(text, Loader=_DatesAsText) or {}  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ConversionError(f"sidecar {name} is not valid YAML: {exc}") from None
    return validate(data, name)


def validate(data: Any, name: str) -> dict[str, Any]:
    """The sidecar's values checked and normalised; ConversionError naming the file, the key and the reason.

    >>> validate({"added": dt.date(2026, 11, 21), "corrections": {}}, "a.txt.meta.yml")
    {'added': '2026-11-21', 'corrections': {}}
    >>> validate({"corrections": {"number": 12345}}, "a.txt.meta.yml")
    Traceback (most recent call last):
    ...
    converters.model.ConversionError: sidecar a.txt.meta.yml: key 'corrections': number: must be text, not int
    """
    if not isinstance(data, dict):
        raise ConversionError(f"sidecar {name}: must be a mapping of key: value, not {type(data).__name__}")
    checked: dict[str, Any] = {}
    for key, value in data.items():
        spec = SIDECAR_FIELDS.get(key) if isinstance(key, str) else None
        if spec is None:
            raise ConversionError(f"sidecar {name}: unknown key {key!r} (known: {', '.join(SIDECAR_FIELDS)})")
        if value is None:
            checked[key] = None
            continue
        try:
            checked[key] = spec.check(value)
        except Invalid as exc:
            raise ConversionError(f"sidecar {name}: key {key!r}: {exc}") from None
    return checked
