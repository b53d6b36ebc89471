"""The Whoosh index: schema, full and incremental builds from the document records (core/record.py).

Each text field is indexed twice — exact (diacritics kept) and folded — and searched together; the folded forms keep
positions (as arrays: fields.py), which answer quoted phrases.
Updates are incremental (added, changed, removed documents by content hash); a full rebuild is
written to a sibling directory and swapped in, and Whoosh commits are atomic for readers.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, STORED, Schema

from core.record import DocumentRecord, RecordError, read_record, record_files, record_path

from .codec import ArrayCodec
from .fields import SyllableText
from .vietnamese import exact_form, folded_form

STATE_FILE = "archive-state.json"
SCHEMA_VERSION = "10"  # bump when make_schema() or the analyzers change: the next build reindexes everything


class IndexWriteError(RuntimeError):
    """The index could not be written whole; the last one stays in place."""


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED(),
        title=SyllableText(exact_form, positions=True, stored=True, field_boost=2.0),
        title_f=SyllableText(folded_form, positions=True),
        body=SyllableText(exact_form, stored=True),  # exact body: frequencies only (ranking, and 'mà' apart from 'ma')
        body_f=SyllableText(folded_form, positions=True, spelling=True),  # folded body: positions answer quoted phrases
        meta=SyllableText(exact_form, positions=True, field_boost=1.5),  # issuer, place, province, signer: above body text
        meta_f=SyllableText(folded_form, positions=True, field_boost=1.5),
        number_f=SyllableText(folded_form),  # the number's parts, folded: "31-NQ/ĐU" → 31 nq du (any spelling finds it)
        month=ID(),  # "2023-05": 'tháng 5/2023' finds the document's date
        number=ID(),  # lower-cased exact number for matching: "31-nq/đu"
        number_display=STORED(),  # as written: "31-NQ/ĐU"
        doc_type=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        place=ID(stored=True, sortable=True),
        issuer=ID(stored=True, sortable=True),
        signer=STORED(),
        period=STORED(),
        words=NUMERIC(stored=True),
    )


def document_fields(record: DocumentRecord) -> dict[str, Any]:
    """One record → the index's fields."""
    name = record.id.rsplit("/", 1)[-1]
    title = record.title or (record.headings[0] if record.headings else name)  # display title when the source has none
    date = record.date
    about = " \n ".join((record.issuer, record.place, record.province, record.signer))
    return {
        "id": record.id,
        "url": f"/{record.id}/",
        "title": title,
        "title_f": title,
        "body": record.text,
        "body_f": record.text,
        "meta": about,
        "meta_f": about,
        "number_f": record.number,
        "month": date[:7] if len(date) >= 7 else "",
        "number": record.number.lower(),
        "number_display": record.number,
        "doc_type": record.doc_type,
        "year": date[:4],
        "date": date,
        "province": record.province,
        "place": record.place,
        "issuer": record.issuer,
        "signer": record.signer,
        "period": record.period,
        "words": record.words,
    }


def record_hashes(records_dir: Path) -> dict[str, str]:
    """Record id → hash of its file, for a folder of records that no build state describes (the CLI)."""
    return {path.relative_to(records_dir).with_suffix("").as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in record_files(records_dir)}


def _readable(index_dir: Path) -> bool:
    """An index written by other analyzer code may not even unpickle its schema: then it is rebuilt, not an error."""
    try:
        return whoosh_index.exists_in(str(index_dir))
    except Exception:  # noqa: BLE001 - unpickling an old schema raises whatever the missing class causes
        return False


def build(records_dir: Path, index_dir: Path, hashes: dict[str, str] | None = None, full: bool = False,
          problems: list[str] | None = None) -> dict[str, int]:
    """Bring the index in line with the records under `records_dir` (core/record.py; the index never reads Markdown).
    `hashes` (record id → hash of its record) comes from the build, which hashed each record as it wrote it; without
    it the record files are hashed here. Only added and changed records are read. Returns counts of
    added/updated/removed/unchanged. A record that cannot be read (core/record.py `from_json` names why) raises
    RecordError, or with `problems` is left out of the index, its file and reason appended there (and it is read
    again next time)."""
    hashes = dict(record_hashes(records_dir) if hashes is None else hashes)
    bad: set[str] = set()
    state_path = index_dir / STATE_FILE
    previous_state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}

    def fields_of(doc_id: str) -> dict[str, Any] | None:
        try:
            return document_fields(read_record(record_path(records_dir, doc_id), records_dir))
        except RecordError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
            bad.add(doc_id)
            return None

    def kept() -> dict[str, str]:  # the state: a record left out is not in it, so the next build tries it again
        return {d: h for d, h in hashes.items() if d not in bad}

    if full or previous_state.get("__schema__") != SCHEMA_VERSION or not _readable(index_dir):
        tmp = index_dir.with_name(index_dir.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        ix = whoosh_index.create_in(str(tmp), make_schema())
        procs = 2 if len(hashes) >= 200 else 1  # both cores for large rebuilds (Whoosh's multiprocessing writer)
        # compound=False: a segment stays a set of plain files. Whoosh reads a compound segment by copying each file
        # in it from the mmap into memory (BytesIO): at 100,000 documents opening the index took 13 s and 5 GB
        try:
            with ix.writer(limitmb=256, procs=procs, multisegment=procs > 1, codec=ArrayCodec(), compound=False) as writer:
                for doc_id in sorted(hashes):
                    values = fields_of(doc_id)
                    if values is not None:
                        writer.add_document(**values)
            written = whoosh_index.open_dir(str(tmp)).doc_count()
        except BaseException:  # a full disk, a record refused without `problems`: no half-written copy is left
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if written != len(hashes) - len(bad):  # a worker that failed (a full disk) ends without Whoosh saying so
            shutil.rmtree(tmp, ignore_errors=True)
            raise IndexWriteError(f"the new index holds {written} of {len(hashes) - len(bad)} documents (a writer "
                                  f"process failed: see its message above); the last index is kept")
        (tmp / STATE_FILE).write_text(json.dumps({**kept(), "__schema__": SCHEMA_VERSION}, indent=0), encoding="utf-8")
        old = index_dir.with_name(index_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if index_dir.exists():
            index_dir.rename(old)
        tmp.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)
        return {"added": len(hashes) - len(bad), "updated": 0, "removed": 0, "unchanged": 0}
    previous = {k: v for k, v in previous_state.items() if k != "__schema__"}
    added = sorted(d for d in hashes if d not in previous)
    updated = sorted(d for d in hashes if d in previous and previous[d] != hashes[d])
    removed = [d for d in previous if d not in hashes]
    if added or updated or removed:
        ix = whoosh_index.open_dir(str(index_dir))
        with ix.writer(codec=ArrayCodec(), compound=False) as writer:
            for doc_id in removed:
                writer.delete_by_term("id", doc_id)
            for doc_id in added + updated:
                values = fields_of(doc_id)
                if values is not None:
                    writer.update_document(**values)
                else:  # an unreadable new version: the old one goes too (what the index shows is what the record says)
                    writer.delete_by_term("id", doc_id)
        tmp_state = state_path.with_suffix(".tmp")
        tmp_state.write_text(json.dumps({**kept(), "__schema__": SCHEMA_VERSION}, indent=0), encoding="utf-8")
        tmp_state.replace(state_path)
    unchanged = len(hashes) - len(added) - len(updated)
    return {"added": len([d for d in added if d not in bad]), "updated": len([d for d in updated if d not in bad]),
            "removed": len(removed), "unchanged": unchanged}
