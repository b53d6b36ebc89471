"""The only MkDocs-specific code: document pages get the document template and their series links.

Kept thin on purpose (Material for MkDocs reaches end of life in 2027): moving generator means
porting this file, overrides/ and mkdocs.yml; browse pages, feeds and the catalogue are plain files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_catalogue: dict[str, Any] = {}


def on_config(config: Any) -> Any:
    path = Path(config["docs_dir"]) / "catalog.json"
    _catalogue.clear()
    if path.exists():
        _catalogue.update(json.loads(path.read_text(encoding="utf-8")))
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.file.src_uri.startswith("van-ban/"):
        page.meta["template"] = "document.html"
        page.meta["series"] = _catalogue.get(Path(page.file.src_uri).stem, {})
        if not page.meta.get("title"):
            page.meta["title"] = _catalogue.get(Path(page.file.src_uri).stem, {}).get("title")
        page.meta.setdefault("description", " · ".join(str(x) for x in (page.meta.get("issuer"), page.meta.get("date"), page.meta.get("number")) if x))
    return markdown
