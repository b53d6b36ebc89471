"""Conversions in worker processes, each under a time and a memory limit: one bad source costs one source.

Each source is one task of a Pebble process pool (a maintained pool that kills the worker of a task past its
timeout and replaces it). The memory limit is the workers' address-space limit (`RLIMIT_AS`): a conversion that
needs more fails with MemoryError in its own worker. Either way the source is reported with the reason and the build
publishes the rest.
"""

from __future__ import annotations

import resource
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pebble import ProcessPool
from pebble.common import ProcessExpired

from converters.report import convert_one, entry_for

from .lock import release_in_child


@dataclass(frozen=True)
class Limits:
    seconds: float = 60.0  # per source
    memory_mb: int = 1024  # per worker process (address space)


def _start_worker(memory_mb: int) -> None:
    release_in_child()
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def convert_job(source: str, memory_mb: int = 0) -> tuple[dict[str, Any], str | None]:
    """One source → its report entry and Markdown (None when it failed)."""
    path = Path(source)
    doc, error = convert_one(path)
    if error and "MemoryError" in error:
        doc, error = None, f"memory limit exceeded ({memory_mb} MB)"
    return entry_for(path, None, doc, error), doc.markdown if doc else None


def failed(source: str, reason: str) -> tuple[dict[str, Any], None]:
    return entry_for(Path(source), None, None, reason), None


def convert_all(sources: list[str], jobs: int, limits: Limits) -> list[tuple[dict[str, Any], str | None]]:
    """Every source converted in a worker; results in the order of `sources`."""
    if not sources:
        return []
    with ProcessPool(max_workers=max(1, min(jobs, len(sources))), initializer=_start_worker, initargs=(limits.memory_mb,)) as pool:
        futures = [pool.schedule(convert_job, (s, limits.memory_mb), timeout=limits.seconds) for s in sources]
        results = []
        for source, future in zip(sources, futures, strict=True):
            try:
                results.append(future.result())
            except FutureTimeout:
                results.append(failed(source, f"timed out after {limits.seconds:g} s"))
            except ProcessExpired as exc:  # the worker died (killed by the kernel, a crash in a C library)
                results.append(failed(source, f"conversion worker died (exit code {exc.exitcode})"))
            except MemoryError:
                results.append(failed(source, f"memory limit exceeded ({limits.memory_mb} MB)"))
            except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be sent back: that source fails
                results.append(failed(source, f"internal converter error: {type(exc).__name__}: {exc}"))
    return results
