"""Review findings on the record, the configuration and the build split: a project made with `new_project` whose
`extra: archive:` (or another mkdocs.yml key) is changed, built with one to three documents."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from archive.project import new_project
from core.config import ConfigError, load_config

from .conftest import ROOT


def configured(target: Path, **archive: str) -> Path:
    """A new project whose mkdocs.yml has these `extra: archive:` values (or top-level keys, for docs_dir/site_dir)."""
    project = new_project(target)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for key, value in archive.items():
        if key in {"docs_dir", "site_dir"}:
            text, n = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text)
            text += "" if n else f"\n{key}: {value}\n"
        else:
            text, n = re.subn(rf"(?m)^(    {key}:)\s*\S+", lambda m, v=value: f"{m.group(1)} {v}", text)
            assert n == 1, key
    config.write_text(text, encoding="utf-8")
    return project


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive", "build", "--project", str(project), *args], cwd=project.parent,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)


@pytest.mark.parametrize(("key", "value", "reason"), [
    ("documents", '"."', "slug"), ("documents", '"/"', "slug"), ("raw", "../x", "slug"), ("documents", "duyet", "may not be"),
    ("raw", "van-ban", "two folders"), ("sources", "/etc", "absolute"), ("build", "../elsewhere", r"no '\.\.'"),
    ("build", '"."', "not the project folder"), ("docs_dir", "/tmp/docs", "absolute"), ("site_dir", "docs/site", "inside"),
    ("build", "docs", "two folders"), ("sources", "build/sources", "inside"),
])
def test_a_config_value_that_would_destroy_data_is_refused(tmp_path: Path, key: str, value: str, reason: str) -> None:
    project = configured(tmp_path / "p", **{key: value})
    with pytest.raises(ConfigError, match=rf"mkdocs\.yml.*'{key}'.*{reason}|mkdocs\.yml.*{reason}.*'{key}'"):
        load_config(project)


def test_documents_dot_deletes_nothing(tmp_path: Path) -> None:
    """`documents: "."` made docs/ the document folder: the "sources that disappeared" loop deleted docs/tim-kiem.md."""
    project = configured(tmp_path / "p", documents='"."')
    result = run_build(project)
    assert result.returncode != 0 and "'documents'" in result.stdout + result.stderr
    assert (project / "docs" / "tim-kiem.md").exists() and (project / "docs" / "gioi-thieu.md").exists()
