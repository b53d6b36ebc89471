from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "sources").glob("0*.txt"))
TEXT_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "text").glob("*.*"))
HTML_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "html").glob("*.htm*"))


@pytest.fixture(scope="session")
def built_archive() -> Path:
    """The sample archive, built once per test session with the real build command."""
    result = subprocess.run([sys.executable, "-m", "archive", "build"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return ROOT
