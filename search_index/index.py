"""The Whoosh index: schema, full and incremental builds from the generated Markdown.

Each text field is indexed twice — exact (diacritics kept) and folded — and searched together; the folded forms keep
positions (as arrays: fields.py), which answer quoted phrases.
Updates are incremental (added, changed, removed documents by content hash); a full rebuild is
written to a sibling directory and swapped in, and Whoosh commits are atomic for readers.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import yaml
from whoosh import index as whoosh_index
from whoosh.fields import ID, NUMERIC, STORED, Schema

from .fields import SyllableText
from .vietnamese import exact_form, folded_form

STATE_FILE = "archive-state.json"
SCHEMA_VERSION = "7"  # bump when make_schema() or the analyzers change: the next build reindexes everything


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


FRONT_MATTER = re.compile(r"^---\n(.*?)\n---\n", re.S)
HTML_TAG = re.compile(r"</?div[^>]*>")
FN_REF = re.compile(r"\[\^[^\]]+\]")
FN_DEF = re.compile(r"^\[\^[^\]]+\]:\s*", re.M)
MD_MARK = re.compile(r"(?m)^#{1,6}\s+|^\s*-\s+|\*\*|(?<!\w)\*|\*(?!\w)|\\(?=[.\-#>+*])")
LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def read_markdown(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    match = FRONT_MATTER.match(text)
    meta = yaml.load(match.group(1), Loader=yaml.CSafeLoader) if match else {}  # libyaml: the build reads every front matter
    return meta or {}, text[match.end() :] if match else text


def plain_text(markdown: str) -> str:
    text = HTML_TAG.sub("", markdown)
    text = LINK.sub(r"\1", text)
    text = FN_DEF.sub("", FN_REF.sub("", text))
    text = MD_MARK.sub("", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def document_fields(path: Path, docs_dir: Path) -> dict[str, Any]:
    meta, body = read_markdown(path)
    rel = path.relative_to(docs_dir).with_suffix("")
    text = plain_text(body)
    heading = re.search(r"(?m)^#{1,6}\s+(.+)$", body)
    title = meta.get("title") or (heading.group(1).strip() if heading else rel.name)  # display title when the source has none
    date = str(meta.get("date") or "")
    return {
        "id": rel.as_posix(),
        "url": f"/{rel.as_posix()}/",
        "title": title,
        "title_f": title,
        "body": text,
        "body_f": text,
        "meta": (about := " \n ".join(str(meta.get(k) or "") for k in ("issuer", "place", "province", "signer"))),
        "meta_f": about,
        "number_f": str(meta.get("number") or ""),
        "month": date[:7] if len(date) >= 7 else "",
        "number": (meta.get("number") or "").lower(),
        "number_display": meta.get("number") or "",
        "doc_type": meta.get("doc_type") or "",
        "year": date[:4],
        "date": date,
        "province": meta.get("province") or "",
        "place": meta.get("place") or "",
        "issuer": meta.get("issuer") or "",
        "signer": meta.get("signer") or "",
        "period": meta.get("period") or "",
        "words": len(text.split()),
    }


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _readable(index_dir: Path) -> bool:
    """An index written by other analyzer code may not even unpickle its schema: then it is rebuilt, not an error."""
    try:
        return whoosh_index.exists_in(str(index_dir))
    except Exception:  # noqa: BLE001 - unpickling an old schema raises whatever the missing class causes
        return False


def build(docs_dir: Path, index_dir: Path, pattern: str = "van-ban/**/*.md", full: bool = False) -> dict[str, int]:
    """Bring the index in line with the Markdown files. Returns counts of added/updated/removed/unchanged."""
    files = {p.relative_to(docs_dir).with_suffix("").as_posix(): p for p in sorted(docs_dir.glob(pattern))}
    hashes = {doc_id: _hash(p) for doc_id, p in files.items()}
    state_path = index_dir / STATE_FILE
    previous_state = json.loads(state_path.read_text(encoding="utf-8")) if state_path.exists() else {}
    if full or previous_state.get("__schema__") != SCHEMA_VERSION or not _readable(index_dir):
        tmp = index_dir.with_name(index_dir.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        ix = whoosh_index.create_in(str(tmp), make_schema())
        procs = 2 if len(files) >= 200 else 1  # both cores for large rebuilds (Whoosh's multiprocessing writer)
        with ix.writer(limitmb=256, procs=procs, multisegment=procs > 1) as writer:
            for path in files.values():
                writer.add_document(**document_fields(path, docs_dir))
        (tmp / STATE_FILE).write_text(json.dumps({**hashes, "__schema__": SCHEMA_VERSION}, indent=0), encoding="utf-8")
        old = index_dir.with_name(index_dir.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if index_dir.exists():
            index_dir.rename(old)
        tmp.rename(index_dir)
        shutil.rmtree(old, ignore_errors=True)
        return {"added": len(files), "updated": 0, "removed": 0, "unchanged": 0}
    previous = {k: v for k, v in previous_state.items() if k != "__schema__"}
    added = [d for d in files if d not in previous]
    updated = [d for d in files if d in previous and previous[d] != hashes[d]]
    removed = [d for d in previous if d not in files]
    if added or updated or removed:
        ix = whoosh_index.open_dir(str(index_dir))
        with ix.writer() as writer:
            for doc_id in removed:
                writer.delete_by_term("id", doc_id)
            for doc_id in added + updated:
                writer.update_document(**document_fields(files[doc_id], docs_dir))
        tmp_state = state_path.with_suffix(".tmp")
        tmp_state.write_text(json.dumps({**hashes, "__schema__": SCHEMA_VERSION}, indent=0), encoding="utf-8")
        tmp_state.replace(state_path)
    return {"added": len(added), "updated": len(updated), "removed": len(removed), "unchanged": len(files) - len(added) - len(updated)}
