"""The converter pipeline, composed in one visible place.

Each stage takes the Document and updates it; read the list top to bottom to know what happens.
HTML pages take one extra first step (html_extract) that turns the page into text lines; from there
on every page goes through the same stages.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from . import closing, dedupe, footnotes, header, html_extract, hygiene, loading, locate, markup, metadata, outline, pagebreaks, render, sidecar
from .model import ConversionError, Document

Stage = Callable[[Document], None]

STAGES: list[tuple[str, Stage]] = [
    ("load", loading.load),  # bytes → NFC text (BOM, meta charset, detection; legacy font encodings refused)
    ("html", html_extract.extract),  # HTML only: main content → text lines, page metadata collected
    ("lines", hygiene.to_blocks),  # one block per line; NBSP, tabs, zero-width cleaned
    ("second copy", dedupe.drop_second_copy),  # the whole report printed twice
    ("locate", locate.locate_document),  # the document's bounds from its own structure; all outside it dropped, named
    ("footnotes", footnotes.fix_footnotes),  # every dialect → [^n]; definitions lifted out of the text
    ("page numbers", pagebreaks.drop_page_numbers),
    ("running headers", pagebreaks.drop_running_headers),
    ("page-break joins", pagebreaks.join_split_paragraphs),  # split paragraphs and wrapped headings joined
    ("glued headings", markup.split_glued),  # "BÁO CÁO**Kết quả…****I. …" split apart
    ("adjacent repeats", dedupe.drop_adjacent_repeats),
    ("header block", locate.only_with_header_cluster(header.recognise_header)),  # issuer ‖ motto, number, place-date
    ("title block", header.recognise_title),  # type + subject
    ("closing block", locate.only_in_documents(closing.recognise_closing)),  # recipients ‖ signature
    ("outline", outline.build_outline),  # numbering → headings, bullets → list items, emphasis balanced
    ("lists", outline.nest_lists),
    ("metadata", metadata.extract),  # front matter with evidence; sidecar corrections win
    ("render", render.render),  # Markdown + YAML front matter
]


def sidecar_path(source: Path) -> Path:
    return source.with_name(source.name + ".meta.yml")


def read_sidecar(source: Path) -> dict:
    """The sidecar's values, checked against `sidecar.SIDECAR` (ConversionError naming the file, key and reason)."""
    path = sidecar_path(source)
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConversionError(f"sidecar {path.name} is not UTF-8: {exc}") from None
    return sidecar.parse(text, path.name)


def convert_bytes(raw: bytes, source: Path, sidecar: dict | None = None, source_file: str = "") -> Document:
    """`source_file`: the source's name in the archive (its path under the sources folder, archive/state.py
    `source_id`); without it the front matter names the file only."""
    doc = Document(source=source, raw=raw, sidecar=sidecar or {}, source_file=source_file)
    for _name, stage in STAGES:
        stage(doc)
    return doc


def convert_file(source: Path, source_file: str = "") -> Document:
    return convert_bytes(source.read_bytes(), source, read_sidecar(source), source_file)
