"""The only MkDocs-specific code: document pages get the document template and their series links, and a build
can be limited to one part of the site (the shell, or one shard of documents) so parts rebuild independently.

Kept thin on purpose (Material for MkDocs reaches end of life in 2027): moving generator means
porting this file, overrides/ and mkdocs.yml; browse pages, feeds and the catalogue are plain files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from mkdocs.structure.files import InclusionLevel

PART_ENV = "ARCHIVE_SITE_PART"  # "shell", or a file listing the document slugs of one shard (archive/build.py)
DOCUMENTS = "van-ban/"
RAW_FILES = "nguon/"  # raw scraped files for download: static, linked into the site when the parts are assembled

_catalogue: dict[str, Any] = {}


def on_config(config: Any) -> Any:
    path = Path(config["docs_dir"]) / "catalog.json"
    _catalogue.clear()
    if path.exists():
        _catalogue.update(json.loads(path.read_text(encoding="utf-8")))
    return config


def on_files(files: Any, config: Any) -> Any:
    """Without the variable (plain `mkdocs build` or `mkdocs serve`) the whole site is built."""
    part = os.environ.get(PART_ENV)
    if not part:
        return files
    members = None if part == "shell" else set(Path(part).read_text(encoding="utf-8").split())
    for file in files:
        is_document = file.src_uri.startswith(DOCUMENTS) and file.src_uri.endswith(".md")
        keep = not is_document if members is None else is_document and Path(file.src_uri).stem in members
        keep = keep and not file.src_uri.startswith(RAW_FILES)
        if not keep:
            file.inclusion = InclusionLevel.EXCLUDED  # nav entries and links to it still resolve to its URL
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri.startswith(DOCUMENTS):
        page.meta["template"] = "document.html"
        page.meta["series"] = _catalogue.get(Path(page.file.src_uri).stem, {})
        if not page.meta.get("title"):
            page.meta["title"] = _catalogue.get(Path(page.file.src_uri).stem, {}).get("title")
        page.meta.setdefault("description", " · ".join(str(x) for x in (page.meta.get("issuer"), page.meta.get("date"), page.meta.get("number")) if x))
    return markdown
