"""Build state and hashing: what a build remembers (build/state.json), the source and code hashes that decide what to
redo, source names and permalinks (sources/permalinks.tsv: assigned once, never changed)."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from converters.pipeline import sidecar_path
from core.text import slugify

from .project import CODE  # this code's own folder: here only to hash the converter's code, never for data


def tree_hash(paths: list[Path], base: Path, exclude: set[Path] | None = None) -> str:
    """One hash of the files under `paths` (names relative to `base`, and bytes). An excluded folder is not even walked
    (the documents and raw files: 200,000 files at 100,000 documents)."""
    digest = hashlib.sha256()
    skip = {str(e) for e in exclude or ()}
    for top in paths:
        files = [top] if top.is_file() else sorted(_files(top, skip))
        for path in files:
            if "__pycache__" in path.parts or (skip and any(path.is_relative_to(e) for e in skip)):
                continue
            digest.update(str(path.relative_to(base) if path.is_relative_to(base) else path).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _files(top: Path, skip: set[str]) -> list[Path]:
    found = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = [d for d in dirs if os.path.join(folder, d) not in skip and d != "__pycache__"]
        found += [Path(folder, name) for name in names if os.path.isfile(os.path.join(folder, name))]  # no dangling link, FIFO
    return found


def converter_version() -> str:
    """The converter's code and the record contract it fills: a change reconverts every source."""
    return tree_hash([CODE / "converters", CODE / "core"], CODE)[:16]


def source_stamp(source: Path, version: str) -> str:
    """What says, without reading it, that a source is as it was: the converter's version, then its and its sidecar's
    size, modification and change times and inode (as make, rsync and git's index do; `build --full` reads every
    source again). A file modified in the last two seconds gets no stamp ("").

    >>> import os, tempfile; f = Path(tempfile.mkdtemp()) / "a.txt"; _ = f.write_text("x")
    >>> source_stamp(f, "v1")
    ''
    >>> os.utime(f, ns=(0, 10**18))  # in 2001
    >>> source_stamp(f, "v1") == source_stamp(f, "v1") != source_stamp(f, "v2")
    True
    """
    parts, now = [version], time.time_ns()
    for path in (source, sidecar_path(source)):
        try:
            stat = path.stat()
        except FileNotFoundError:
            parts.append("-")
            continue
        if now - stat.st_mtime_ns < RACY_NS:  # written just now, maybe again within the clock's tick: no stamp
            return ""
        parts.append(f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ctime_ns}:{stat.st_ino}")
    return " ".join(parts)


RACY_NS = 2 * 10**9  # a file changed less than this before it is stamped may change again unseen (git's "racy clean")


def source_key(source: Path, version: str) -> str:
    """The hash of a source's bytes and its sidecar's, with the converter's version: what a conversion depends on."""
    digest = hashlib.sha256(version.encode())
    digest.update(source.read_bytes())
    sidecar = sidecar_path(source)
    if sidecar.exists():
        digest.update(sidecar.read_bytes())
    return digest.hexdigest()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_state(path: Path, full: bool) -> dict[str, Any]:
    return {} if full or not path.exists() else json.loads(path.read_text(encoding="utf-8"))


def save_state(path: Path, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    tmp.replace(path)


PERMALINKS_HEADER = "# source file\tpermalink slug — assigned once, never changed (README: Permalinks)"


def load_permalinks(path: Path) -> dict[str, str]:
    """permalinks.tsv: source path under sources/ → slug, read with the csv module (a quoted name holding any
    character reads back as written). A line that is not two fields is skipped with a message, never a crash."""
    links: dict[str, str] = {}
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.reader(handle, delimiter="\t"), 1):
                if not row or row[0].startswith("#"):
                    continue
                if len(row) != 2 or not row[1]:
                    print(f"  ! {path.name} line {number}: expected 'source<TAB>slug', skipped: {row!r}", flush=True)
                    continue
                links[row[0]] = row[1]
    return links


def append_permalinks(path: Path, new_links: list[tuple[str, str]]) -> None:
    fresh = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8", newline="") as handle:
        if fresh:
            handle.write(PERMALINKS_HEADER + "\n")
        csv.writer(handle, delimiter="\t", lineterminator="\n").writerows(new_links)


CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # tab, newline, escape … : never in a published name


def source_id(source: Path, sources: Path) -> str:
    """A source is its path under sources/ ('sub/002_x.txt'), so two files with one base name are two documents."""
    return source.relative_to(sources).as_posix()


def name_problem(name: str) -> str | None:
    r"""Why a source's path cannot be published, or None.

    >>> name_problem("sub/002_x.txt") is None, name_problem("002\tx.txt")
    (True, "file name holds a control character ('\\t'); rename the file")
    """
    bad = CONTROL_CHARACTER.search(name)
    return f"file name holds a control character ({bad.group()!r}); rename the file" if bad else None


def new_permalink(metadata: dict[str, Any], source: Path, taken: set[str]) -> str:
    """Chosen once, from what the document says, then kept forever in sources/permalinks.tsv."""
    parts = [str(metadata.get(key) or "") for key in ("date", "doc_type", "number", "issuer")]
    slug = slugify(" ".join(p for p in parts if p)) if metadata.get("doc_type") and (metadata.get("date") or metadata.get("number")) else ""
    slug = slug or slugify(source.stem)
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


@dataclass
class Summary:
    converted: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: int = 0
    removed: int = 0
