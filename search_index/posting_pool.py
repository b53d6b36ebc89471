"""Whoosh's posting pool with its sorted runs pickled in batches.

A segment writer collects every posting (field, term, document, weight, value) in a pool; past its memory limit
the pool sorts what it holds and spills it to a run file, and the runs are merged at commit. Whoosh pickles and
unpickles each posting on its own there: ~6 µs per posting, a third of an index build's time at 10,000 reports
(13 million postings, each spilled once). Pickled a few thousand at a time the same runs take under 1 µs per
posting. Only the run files' layout changes: the postings, their order and the index written are the same.

Whoosh's segment writer looks the pool class up in `whoosh.writing` when it starts, in this process and in the
multiprocessing writer's sub-writers (forked from it), so `install()` puts this class there.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

import whoosh.writing
from whoosh.writing import PostingPool

RUN_BATCH = 4096  # postings pickled together in a run file (~0.5 MB of a body's postings)


class BatchedPostingPool(PostingPool):
    """Runs written as pickled lists of postings; a run of Whoosh's own (one posting per pickle) still reads."""

    def _write_run(self, f: BinaryIO, items: Iterable[Any]) -> None:
        it = iter(items)
        while batch := list(islice(it, RUN_BATCH)):
            pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                if isinstance(batch, list):
                    yield from batch
                else:  # a posting (a tuple) pickled on its own
                    yield batch
        finally:
            f.close()
            self._remove_run(path)


def install() -> None:
    """Make Whoosh's segment writers use BatchedPostingPool (idempotent)."""
    whoosh.writing.PostingPool = BatchedPostingPool  # type: ignore[misc]  # the name SegmentWriter looks up
