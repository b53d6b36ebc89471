"""Converting many sources: per-source report entries; one bad file never stops the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.config import DEFAULTS
from core.record import RECORD_ID, write_record
from core.text import slugify

from .model import ConversionError, Document
from .pipeline import convert_file
from .render import record

SOURCE_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}


def iter_sources(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES)
        else:
            found.append(path)
    return found


def entry_for(source: Path, output: Path | None, doc: Document | None, error: str | None) -> dict[str, Any]:
    return {
        "source": str(source),
        "output": str(output) if output else None,
        "ok": error is None,
        "error": error,
        "metadata": doc.metadata if doc else {},
        "evidence": doc.evidence if doc else {},
        "dropped": [d.as_dict() for d in doc.drops] if doc else [],
        "warnings": doc.warnings if doc else [],
        "encoding": doc.encoding if doc else None,
        "footnotes": len(doc.footnotes) if doc else 0,
    }


def convert_one(source: Path, source_file: str = "") -> tuple[Document | None, str | None]:
    """Convert, turning every failure into a message that names the reason (`source_file`: see pipeline.convert_bytes)."""
    try:
        if not source.exists():
            return None, "file not found"
        return convert_file(source, source_file), None
    except ConversionError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 - a converter bug must not stop the build; it is reported
        return None, f"internal converter error: {type(exc).__name__}: {exc}"


RECORD_FOLDER = DEFAULTS["documents"]  # the CLI's records: OUT/van-ban/<stem>.json, id "van-ban/<stem>", as the archive's


def record_name(source: Path) -> str:
    """A record's name from its source's stem, or the stem's slug when it holds characters an id may not.

    >>> record_name(Path("002_c44b.txt")), record_name(Path("Báo cáo 6 tháng.txt"))
    ('002_c44b', 'bao-cao-6-thang')
    """
    stem = source.stem
    return stem if RECORD_ID.fullmatch(f"{RECORD_FOLDER}/{stem}") else slugify(stem) or "van-ban"


def convert_paths(paths: list[Path], out_dir: Path) -> list[dict[str, Any]]:
    """Each source as OUT/<stem>.md and its record as OUT/van-ban/<stem>.json (records in their own folder, so that
    `python -m search_index build OUT` reads them and nothing else there, a report written into OUT included)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for source in iter_sources(paths):
        doc, error = convert_one(source)
        output = None
        if doc is not None:
            output = out_dir / f"{source.stem}.md"
            output.write_text(doc.markdown, encoding="utf-8")
            write_record(out_dir, record(doc, f"{RECORD_FOLDER}/{record_name(source)}"))  # what the index reads
        entries.append(entry_for(source, output, doc, error))
    return entries
