"""Whoosh's posting pool with its sorted runs pickled in batches.

A segment writer collects every posting (field, term, document, weight, value) in a pool; past its memory limit
the pool sorts what it holds and spills it to a run file, and the runs are merged at commit. Whoosh pickles and
unpickles each posting on its own there: ~6 µs per posting, a third of an index build's time at 10,000 reports
(13 million postings, each spilled once). Pickled a thousand at a time the same runs take under 1 µs per
posting. Only the run files' layout changes: the postings, their order and the index written are the same.

Whoosh's segment writer looks the pool class up in `whoosh.writing` when it starts, so `install()` puts this class
there. The multiprocessing writer's workers are forked or spawned (spawned in the archive build, whose index step is
a spawned process); a spawned worker imports Whoosh afresh, and gets the class when it unpickles the codec
(codec.py installs it on import).

A merge holds one batch of each run it reads: RUN_BATCH postings (~100 KB) × at most 128 runs per writer process.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any, BinaryIO

import whoosh.writing
from whoosh.writing import PostingPool

RUN_BATCH = 1024  # postings pickled together in a run file: per-call costs spread, little held per open run
WHOOSH_POSTING_POOL = PostingPool  # Whoosh's own class, whatever install() did since


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
