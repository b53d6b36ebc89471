"""The conversion stage: changed sources converted in worker processes, each under a time and a memory limit (one bad
source costs one source); each document's Markdown (docs/van-ban/) and record (build/records/) written, the report
updated line by line.

Each source is one task of a Pebble process pool (a maintained pool that kills the worker of a task past its
timeout and replaces it) of spawned workers. The memory limit is the workers' address-space limit (`RLIMIT_AS`,
above what a worker holds when it starts): a conversion that needs more fails with MemoryError in its own worker.
Either way the source is reported with the reason and the build publishes the rest.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import resource
from collections import deque
from collections.abc import Iterator, Mapping
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pebble import ProcessPool
from pebble.common import ProcessExpired

from converters.metadata import load_gazetteer
from converters.render import record
from converters.report import convert_one, entry_for, iter_sources
from core.config import ArchiveConfig
from core.record import DocumentRecord, record_files, record_path, write_record

from .lock import release_in_child
from .state import (
    Summary,
    append_permalinks,
    converter_version,
    load_permalinks,
    name_problem,
    new_permalink,
    source_id,
    source_key,
    source_stamp,
    text_hash,
)


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0  # per source
    memory_mb: int = 1024  # per worker process: address space beyond what it inherits


def address_space() -> int:
    """This process's address space in bytes (VmSize)."""
    return int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()


def _start_worker(memory_mb: int) -> None:
    release_in_child()
    load_gazetteer()  # before the limits: importing is not one source's work
    if memory_mb > 0:
        # the limit is on what conversions add to the worker as it starts (interpreter, converter, gazetteer)
        limit = address_space() + memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


Result = tuple[dict[str, Any], str | None, DocumentRecord | None]  # report entry, Markdown, record (None: failed)


def convert_job(source: str, memory_mb: int = 0, source_file: str = "") -> Result:
    """One source → its report entry, Markdown and record (the build gives the record its id; `source_file` is the
    source's path under the sources folder, what the front matter and the record name)."""
    path = Path(source)
    doc, error = convert_one(path, source_file)
    if error and "MemoryError" in error:
        doc, error = None, f"memory limit exceeded ({memory_mb} MB)"
    return entry_for(path, None, doc, error), doc.markdown if doc else None, record(doc) if doc else None


def failed(source: str, reason: str) -> Result:
    return entry_for(Path(source), None, None, reason), None, None


def iter_converted(sources: list[str], jobs: int, limits: Limits, names: list[str] | None = None) -> Iterator[Result]:
    """Every source converted in a worker; results in the order of `sources`, each handed on as soon as it and those
    before it are done and then forgotten here, so the build holds one result at a time however large the archive.
    `names`: each source's path under the sources folder (its `source_file`)."""
    if not sources:
        return
    # spawned, not forked: a worker starts as a fresh interpreter, so its memory limit means the same whatever the
    # parent holds (forked from a long test run it inherited hundreds of MB of free heap it could fill first) and it
    # inherits no other thread's locks
    with ProcessPool(max_workers=max(1, min(jobs, len(sources))), initializer=_start_worker, initargs=(limits.memory_mb,),
                     context=multiprocessing.get_context("spawn")) as pool:
        names = names or [""] * len(sources)
        futures = deque(pool.schedule(convert_job, (s, limits.memory_mb, n), timeout=limits.seconds) for s, n in zip(sources, names, strict=True))
        for source in sources:
            future = futures.popleft()  # dropped once read: a finished future holds its whole result
            try:
                yield future.result()
            except FutureTimeout:
                yield failed(source, f"timed out after {limits.seconds:g} s")
            except ProcessExpired as exc:  # the worker died (killed by the kernel, a crash in a C library)
                yield failed(source, f"conversion worker died (exit code {exc.exitcode})")
            except MemoryError:
                yield failed(source, f"memory limit exceeded ({limits.memory_mb} MB)")
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back: that source fails
                yield failed(source, f"internal converter error: {type(exc).__name__}: {exc}")


def convert_all(sources: list[str], jobs: int, limits: Limits) -> list[Result]:
    """`iter_converted` as a list (for a handful of sources)."""
    return list(iter_converted(sources, jobs, limits))


def stage_convert(config: ArchiveConfig, state: dict[str, Any], summary: Summary, jobs: int, limits: Limits | None = None,
                  written: dict[str, DocumentRecord] | None = None) -> bool:
    """Convert what changed; write each document's Markdown and record when its content changed (hashes in the state,
    so an unchanged file is neither read nor written); remove the pages and records of sources that are gone. Each
    record written is also put in `written` (id → record without its text), so the site need not read it back."""
    version = converter_version()
    sources = iter_sources([config.sources])
    permalinks = load_permalinks(config.permalinks)
    previous: dict[str, Any] = state.get("sources", {})
    todo = []
    current: dict[str, Any] = {}
    report = RunEntries(config.build / RUN_ENTRIES)  # this run's entries, spilled to a file, merged into the report file
    folder = config.sources.relative_to(config.project).as_posix()  # the report names a source by its path in the project
    for source in sources:
        sid = source_id(source, config.sources)
        problem = name_problem(sid)
        if problem:  # refused before anything is written under this name
            summary.failed.append((sid, problem))
            report[sid] = _line(dict(entry_for(source, None, None, problem), source=f"{folder}/{sid}"))
            print(f"  ✗ {folder}/{sid!r}: {problem}", flush=True)
            continue
        prev = previous.get(sid)
        stamp = source_stamp(source, version)
        # reading every source to hash it was 35 s of a rebuild at 100,000 sources: a source whose stamp is the same is
        # taken as unchanged (only `build --full`, which starts from no state, reads them all)
        key = prev["key"] if stamp and prev and prev.get("stamp") == stamp and prev.get("key") else source_key(source, version)
        slug = permalinks.get(sid, "")
        on_disk = (config.doc_dir / f"{slug}.md").exists() and record_path(config.records, f"{config.documents}/{slug}").exists()
        if prev and prev.get("key") == key and (prev.get("failed") or (on_disk and prev.get("record"))):
            current[sid] = {**prev, "stamp": stamp}
            if prev.get("failed"):
                summary.failed.append((sid, prev["error"]))
            else:
                summary.unchanged += 1
            continue
        todo.append((source, sid, key, stamp))
    changed = False
    gone = set(previous) - set(current) - {sid for _, sid, _, _ in todo}
    config.doc_dir.mkdir(parents=True, exist_ok=True)
    results = iter_converted([str(s) for s, _, _, _ in todo], jobs, limits or Limits(), [sid for _, sid, _, _ in todo])
    if todo:
        taken = set(permalinks.values())
        new_links = []
        for (source, sid, key, stamp), (entry, markdown, fresh) in zip(todo, results, strict=True):
            summary.warnings += len(entry["warnings"])
            entry["source"] = f"{folder}/{sid}"
            if markdown is None or fresh is None:
                summary.failed.append((sid, entry["error"]))
                current[sid] = {"key": key, "stamp": stamp, "failed": True, "error": entry["error"]}
                report[sid] = _line(entry)
                print(f"  ✗ {folder}/{sid}: {entry['error']}", flush=True)
                continue
            if sid not in permalinks:
                slug = new_permalink(entry["metadata"], source, taken)
                permalinks[sid] = slug
                taken.add(slug)
                new_links.append((sid, slug))
            output = config.doc_dir / f"{permalinks[sid]}.md"
            entry["output"] = output.relative_to(config.project).as_posix()
            report[sid] = _line(entry)
            doc_record = replace(fresh, id=f"{config.documents}/{permalinks[sid]}")
            hashes = {"markdown": text_hash(markdown), "record": text_hash(doc_record.to_json())}
            before = previous.get(sid) or {}
            if not output.exists() or before.get("markdown") != hashes["markdown"]:
                output.unlink(missing_ok=True)  # never write through a hard link
                output.write_text(markdown, encoding="utf-8")
                changed = True
            if before.get("record") != hashes["record"] or not record_path(config.records, doc_record.id).exists():
                write_record(config.records, doc_record)
                if written is not None:  # what the pages show of it (its first heading stands in for a title): small at any scale
                    written[doc_record.id] = replace(doc_record, text="", footnotes=(), headings=doc_record.headings[:1])
            current[sid] = {"key": key, "stamp": stamp, "output": output.name, **hashes}
            summary.converted += 1
        if new_links:
            append_permalinks(config.permalinks, new_links)
    # sources that disappeared: their pages and records go too
    live = {v.get("output") for v in current.values() if v.get("output")}
    for md in config.doc_dir.glob("*.md"):
        if md.name not in live:
            md.unlink()
            summary.removed += 1
            changed = True
    ids = {f"{config.documents}/{Path(name).stem}" for name in live}  # a record of any other id (another document folder,
    for stale in record_files(config.records):  # a source gone, a file put there by hand) is no document: removed
        if stale.relative_to(config.records).with_suffix("").as_posix() not in ids:
            stale.unlink()
    state["sources"] = current
    with report:
        if todo or gone or report:
            update_report(config.build / "report.json", report, set(current) | set(report), folder)
    return changed or bool(todo)


RUN_ENTRIES = "report-run.tmp"  # under build/: this run's report lines until they are merged into report.json


class RunEntries(Mapping[str, str]):
    """This run's report lines by source id, written to a file as they come; memory keeps each one's place only (at
    100,000 sources a full build's lines are 1.5 GB). Removed when closed.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> with RunEntries(folder / "run.tmp") as run:
    ...     run["b.txt"] = '{"source": "sources/b.txt"}'
    ...     run["a.txt"] = '{"source": "sources/a.txt", "note": "ư"}'
    ...     sorted(run), run["a.txt"], "c.txt" in run
    (['a.txt', 'b.txt'], '{"source": "sources/a.txt", "note": "ư"}', False)
    >>> (folder / "run.tmp").exists()
    False
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = path.open("w+b")
        self.places: dict[str, tuple[int, int]] = {}

    def __setitem__(self, source: str, line: str) -> None:
        data = line.encode("utf-8")
        self.file.seek(0, 2)
        self.places[source] = (self.file.tell(), len(data))
        self.file.write(data)

    def __getitem__(self, source: str) -> str:
        offset, size = self.places[source]
        self.file.seek(offset)
        return self.file.read(size).decode("utf-8")

    def __iter__(self) -> Iterator[str]:
        return iter(self.places)

    def __contains__(self, source: object) -> bool:  # without reading the line (Mapping's would)
        return source in self.places

    def __len__(self) -> int:
        return len(self.places)

    def __enter__(self) -> RunEntries:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()
        self.path.unlink(missing_ok=True)


def document_hashes(config: ArchiveConfig, state: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Per published document (id "van-ban/<slug>"): the hash of its Markdown and of its record, as the convert stage
    wrote them, so later stages need not read the files again to know what changed."""
    markdown, records = {}, {}
    for entry in state.get("sources", {}).values():
        if entry.get("output") and entry.get("record"):
            doc_id = f"{config.documents}/{Path(entry['output']).stem}"
            markdown[doc_id], records[doc_id] = entry["markdown"], entry["record"]
    return markdown, records


REPORT_ENTRY = re.compile(rb'^\{"source": ("(?:[^"\\]|\\.)*")')  # a report line starts with its source path


def report_key(source: str, folder: str = "sources") -> str:
    """A report entry's source ('sources/sub/x.txt', or an absolute path from older reports) → its source id; `folder`
    is the sources folder as the project names it (extra: archive: sources).

    >>> report_key("goc/sub/x.txt", "goc"), report_key("/p/goc/sub/x.txt", "goc"), report_key("sources/x.txt")
    ('sub/x.txt', 'sub/x.txt', 'x.txt')
    """
    if source.startswith(folder + "/"):
        return source[len(folder) + 1:]
    parts, name = Path(source).parts, Path(folder).name
    return "/".join(parts[len(parts) - parts[::-1].index(name):]) if name in parts[:-1] else Path(source).name


def _line(entry: dict[str, Any]) -> str:
    return json.dumps(entry, ensure_ascii=False)


def _report_lines(path: Path, folder: str) -> Iterator[tuple[str, bytes]]:
    """(source id, line as bytes) of each entry of the report file, read a line at a time and never decoded (at
    100,000 sources it is 1.5 GB: read whole, as text, its lines and their dict held 13.7 GB; decoded line by line, a
    one-source rebuild spent 7 s merging). A report in another layout is parsed once."""
    if not path.exists():
        return
    with path.open("rb") as handle:
        matched, other = 0, False
        for line in handle:
            match = REPORT_ENTRY.match(line)
            if match:
                matched += 1
                yield report_key(json.loads(match.group(1)), folder), line.rstrip(b"\n").rstrip(b",")
            elif line.strip() not in {b"[", b"]", b"[]", b""}:
                other = True
        if not matched and other:  # not one entry per line (an older layout): parsed whole, once
            handle.seek(0)
            for e in sorted(json.load(handle), key=lambda e: report_key(e["source"], folder)):
                yield report_key(e["source"], folder), json.dumps(e, ensure_ascii=False).encode("utf-8")


def update_report(path: Path, entries: Mapping[str, str], live: set[str], folder: str = "sources") -> None:
    """build/report.json is a JSON array with one source per line, sorted by source, so a rebuild merges this run's
    entries (`RunEntries`: lines read as they are merged) into it line by line: memory holds neither."""
    tmp = path.with_suffix(".tmp")
    new = sorted(entries)  # names only: each line is read as it is merged
    at, written = 0, False
    with tmp.open("wb") as out:
        out.write(b"[\n")

        def put(line: bytes) -> None:
            nonlocal written
            if written:
                out.write(b",\n")
            out.write(line)
            written = True

        for name, line in _report_lines(path, folder):
            while at < len(new) and new[at] <= name:  # this run's entries before (or replacing) this one
                if new[at] in live:
                    put(entries[new[at]].encode("utf-8"))
                at += 1
            if name not in entries and name in live:
                put(line)
        for name in new[at:]:
            if name in live:
                put(entries[name].encode("utf-8"))
        out.write(b"\n]\n")
    tmp.replace(path)
