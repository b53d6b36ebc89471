"""A new archive project anywhere: its own mkdocs.yml (this code's theme and hooks named by absolute path), the
hand-written pages and an empty sources/ — no copy of the code. `python -m archive build --project DIR` builds it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from core.config import CONFIG_FILE

CODE = Path(__file__).resolve().parent.parent  # where the theme (overrides/), the hooks and the sample project live
CONTENT = ["docs/assets", "docs/tim-kiem.md", "docs/gioi-thieu.md"]  # the hand-written pages every archive site has


def project_config(text: str) -> str:
    """This repository's mkdocs.yml for a project elsewhere: the theme's custom_dir and the hooks point back here.

    >>> "custom_dir: /" in project_config("theme:\\n  custom_dir: overrides\\nhooks:\\n  - archive/mkdocs_hooks.py\\n")
    True
    """
    text = re.sub(r"(?m)^(\s*custom_dir:\s*)overrides\b", lambda m: m.group(1) + str(CODE / "overrides"), text)
    return re.sub(r"(?m)^(\s*-\s*)archive/mkdocs_hooks\.py\b", lambda m: m.group(1) + str(CODE / "archive" / "mkdocs_hooks.py"), text)


def new_project(target: Path, sources: Path | None = None) -> Path:
    """`target` made an archive project: mkdocs.yml, docs/ (hand-written pages only), sources/ (a copy of `sources`,
    or empty with an empty permalinks.tsv)."""
    target.mkdir(parents=True, exist_ok=True)
    (target / CONFIG_FILE).write_text(project_config((CODE / CONFIG_FILE).read_text(encoding="utf-8")), encoding="utf-8")
    for rel in CONTENT:
        src, dst = CODE / rel, target / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)
    if sources is not None:
        shutil.copytree(sources, target / "sources", ignore=shutil.ignore_patterns("__pycache__"))
    else:
        (target / "sources").mkdir(exist_ok=True)
        (target / "sources" / "permalinks.tsv").write_text("", encoding="utf-8")
    return target
