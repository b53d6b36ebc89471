"""The one document contract between converter, index and site: a `DocumentRecord` per document, one JSON file each.

The converter fills it from its typed `Document` (converters/render.py `record`) and the build writes it beside the
Markdown, under build/records/<id>.json; the search index and the site read it back through `read_record` /
`read_records` and never parse Markdown. The front-matter fields are defined here once (`METADATA_FIELDS`, in the order
the front matter lists them); unknown metadata stays empty ("", False, {}, ()), never guessed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1  # bump when a field is added, removed or changes meaning: readers refuse other versions
FRONT_MATTER = "front_matter"  # dataclass field metadata key: the field is one of the document's front-matter fields
# <document folder>/<name>: the folder a slug (core/config.py), the name a permalink or, from the converter CLI, a file
# stem of safe characters; it is a file name under build/records/ and a URL path, so nothing else gets in
RECORD_ID = re.compile(r"[a-z0-9-]+/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,199}")  # no leading dot: never "..", never hidden
MAX_WORDS = 10_000_000  # a report has thousands; the index stores the count as a 32-bit number


def _meta(default: Any = "") -> Any:
    """A front-matter field, empty when the source does not say."""
    if isinstance(default, dict):
        return field(default_factory=dict, metadata={FRONT_MATTER: True})
    return field(default=default, metadata={FRONT_MATTER: True})


class RecordError(ValueError):
    """A record file that cannot be read: the message names the reason (read_record adds the file)."""


@dataclass(frozen=True)
class DocumentRecord:
    """One archive document as the index and the site see it."""

    id: str  # path under docs/ without suffix: "van-ban/<permalink>"
    # -- the front matter, in the order the converter writes it (converters/metadata.py extracts each)
    title: str = _meta()  # type + subject; "" when the source has none (readers show a heading instead)
    doc_type: str = _meta()
    doc_type_inferred: bool = _meta(False)  # the type read from the number code or closing sentence, not a title
    number: str = _meta()
    date: str = _meta()  # ISO YYYY-MM-DD
    issuer: str = _meta()
    issuer_source: str = _meta()  # the issuer line as written
    parent_issuer: str = _meta()
    parent_issuer_source: str = _meta()
    place: str = _meta()
    district: str = _meta()
    province: str = _meta()
    place_codes: dict[str, str] = _meta({})  # gazetteer codes: ward, district, province
    place_now: str = _meta()  # the 2025 two-level unit
    province_now: str = _meta()
    signer: str = _meta()
    signer_title: str = _meta()
    signer_capacity: str = _meta()
    recipients: tuple[str, ...] = _meta(())
    period: str = _meta()
    posted: str = _meta()
    source_url: str = _meta()
    source_file: str = _meta()  # path under sources/
    portal: str = _meta()
    retrieved: str = _meta()
    added: str = _meta()
    # -- the document's text, from the converter's blocks (no Markdown markup)
    text: str = ""  # header, title, body, closing, appendices, footnote texts: paragraphs apart by blank lines
    headings: tuple[str, ...] = ()  # in document order, the type line ("BÁO CÁO") first when there is one
    footnotes: tuple[str, ...] = ()  # definition texts, in label order
    words: int = 0
    schema: int = SCHEMA_VERSION

    @classmethod
    def from_front_matter(cls, id: str, metadata: Mapping[str, Any], text: str = "", headings: tuple[str, ...] = (),
                          footnotes: tuple[str, ...] = ()) -> DocumentRecord:
        """A record from front-matter values, None (unknown) becoming the field's empty value.

        >>> r = DocumentRecord.from_front_matter("van-ban/a", {"title": "Báo cáo", "date": None, "recipients": ["A"]}, "Hai từ")
        >>> r.title, r.date, r.recipients, r.words
        ('Báo cáo', '', ('A',), 2)
        """
        values: dict[str, Any] = {}
        for f in METADATA_FIELD_INFO:
            value = metadata.get(f.name)
            if value is None:
                continue
            if f.name == "recipients":
                values[f.name] = tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else (str(value),)
            elif f.name == "place_codes":
                values[f.name] = {str(k): str(v) for k, v in value.items()} if isinstance(value, Mapping) else {}
            elif f.name == "doc_type_inferred":
                values[f.name] = bool(value)
            else:
                values[f.name] = str(value)
        return cls(id=id, text=text, headings=tuple(headings), footnotes=tuple(footnotes), words=len(text.split()), **values)

    def metadata(self) -> dict[str, Any]:
        """The front-matter fields and their values (empty where unknown)."""
        return {name: getattr(self, name) for name in METADATA_FIELDS}

    def to_json(self) -> str:
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["recipients"], data["headings"], data["footnotes"] = list(self.recipients), list(self.headings), list(self.footnotes)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, expected_id: str | None = None) -> DocumentRecord:
        """The record a `to_json` text holds; RecordError names what is wrong (wrong version, field of the wrong type,
        an id that is not `<folder>/<name>` of safe characters or not `expected_id` (the id its file's path gives), a
        `source_file` that is not a relative path inside the sources folder, a word count out of range). `words`, when
        missing, is counted from the text.

        >>> DocumentRecord.from_json(DocumentRecord("van-ban/a", title="Nghị quyết").to_json()).title
        'Nghị quyết'
        >>> DocumentRecord.from_json('{"id": "a", "schema": 0}')
        Traceback (most recent call last):
        core.record.RecordError: record schema 0, this code reads schema 1: rebuild (python -m archive build --full)
        >>> DocumentRecord.from_json('{"id": "van-ban/../../x", "schema": 1}')
        Traceback (most recent call last):
        core.record.RecordError: id 'van-ban/../../x': expected <folder>/<name> (a-z, 0-9, '-' / letters, digits, '_', '-', '.')
        """
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecordError(f"not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise RecordError("not a JSON object")
        if data.get("schema") != SCHEMA_VERSION:
            raise RecordError(f"record schema {data.get('schema')!r}, this code reads schema {SCHEMA_VERSION}: "
                              "rebuild (python -m archive build --full)")
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in data:
                continue
            value, kind = data[f.name], _KINDS[f.name]
            if kind is tuple:
                if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                    raise RecordError(f"field {f.name!r}: expected a list of texts")
                value = tuple(value)
            elif kind is dict:
                if not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
                    raise RecordError(f"field {f.name!r}: expected a mapping of texts")
            elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise RecordError(f"field {f.name!r}: expected {kind.__name__}, got {type(value).__name__}")
            values[f.name] = value
        if not isinstance(values.get("id"), str) or not values["id"]:
            raise RecordError("no id")
        doc_id = values["id"]
        if not RECORD_ID.fullmatch(doc_id):
            raise RecordError(f"id {doc_id[:200]!r}: expected <folder>/<name> (a-z, 0-9, '-' / letters, digits, '_', '-', '.')")
        if expected_id is not None and doc_id != expected_id:
            raise RecordError(f"id {doc_id!r} is not the file's own ({expected_id!r})")
        source = values.get("source_file", "")
        if source and (source.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", source) or re.search(r"[\x00-\x1f]|^[A-Za-z]:", source)):
            raise RecordError(f"field 'source_file': {source[:200]!r} is not a path inside the sources folder (relative, no '..')")
        if "words" not in values:
            values["words"] = len(values.get("text", "").split())
        elif not 0 <= values["words"] <= MAX_WORDS:
            raise RecordError(f"field 'words': {values['words']} is out of range (0 to {MAX_WORDS:,})")
        return cls(**values)


METADATA_FIELD_INFO = tuple(f for f in fields(DocumentRecord) if f.metadata.get(FRONT_MATTER))
METADATA_FIELDS: tuple[str, ...] = tuple(f.name for f in METADATA_FIELD_INFO)  # the front matter's fields, in its order
_KINDS: dict[str, type] = {"id": str, "text": str, "words": int, "schema": int, "headings": tuple, "footnotes": tuple,
                           "recipients": tuple, "place_codes": dict, "doc_type_inferred": bool}
_KINDS.update((name, str) for name in METADATA_FIELDS if name not in _KINDS)


def record_path(folder: Path, doc_id: str) -> Path:
    """Where a record lives: `folder`/<id>.json ("van-ban/a" → folder/van-ban/a.json)."""
    return folder / f"{doc_id}.json"


def write_record(folder: Path, record: DocumentRecord) -> Path:
    """Write atomically (a reader never sees half a record); returns the file."""
    path = record_path(folder, record.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(record.to_json(), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_record(path: Path, folder: Path | None = None) -> DocumentRecord:
    """One record file; RecordError names the file and the reason. With `folder` (the records folder it is under), the
    record's id must be its path there without '.json'."""
    expected = path.relative_to(folder).with_suffix("").as_posix() if folder is not None else None
    try:
        return DocumentRecord.from_json(path.read_text(encoding="utf-8"), expected)
    except (OSError, UnicodeDecodeError, RecordError) as exc:
        raise RecordError(f"{path}: {exc}") from None


def record_files(folder: Path) -> list[Path]:
    """Every record file under `folder`, in path order: records live one folder down, as their id says
    (`folder`/<document folder>/<name>.json); any other JSON file (a report, a catalogue beside them) is not one."""
    return sorted(folder.glob("*/*.json")) if folder.is_dir() else []


def read_records(folder: Path, problems: list[str] | None = None) -> Iterator[DocumentRecord]:
    """Every record under `folder`, in path order. A file that cannot be read is skipped, its message (file and
    reason) appended to `problems`; without that list it raises."""
    for path in record_files(folder):
        try:
            yield read_record(path, folder)
        except RecordError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
