"""Searcher lifetime: one long-lived, warmed searcher per index directory, replaced when the index changes.

A query holds the searcher it started on (`searching()`); a rebuild's new searcher is opened and warmed beside the
old one, which keeps answering and is closed only when the last query holding it is done. Whoosh's own refresh() is
not used: it shares segment readers with the old searcher and closing that one closed them (issue 13's ReaderClosed).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from .docsets import DocSets
from .grammar import rewrite
from .parsing import FACETS, FIELD_BOOSTS
from .ranking import Ranker
from .snippets import Known

log = logging.getLogger("search_index.searcher")
SNIPPET_DOCS = 256  # documents whose snippet knowledge a searcher keeps (two copies of the text: ~100 KB each)
STORED_DOCS = 256  # documents whose stored fields a searcher keeps (their text: ~50-100 KB each)


@dataclass
class OpenIndex:
    """A long-lived searcher with what queries reuse: posting arrays and bitsets, field lengths for ranking.
    `stamp` is (directory inode, index generation); `users` counts the queries running on it, so that a replaced
    searcher is closed by the last of them, never under one."""

    stamp: tuple[int, int]
    ix: Any
    searcher: Any
    docsets: DocSets
    ranker: Ranker
    users: int = 0
    retired: bool = False
    occurrences: OrderedDict[int, Known] = field(default_factory=OrderedDict)  # docnum → what snippets learnt of its text
    documents: OrderedDict[int, dict[str, Any]] = field(default_factory=OrderedDict)  # docnum → its stored fields

    def stored(self, docnum: int) -> dict[str, Any]:
        """A hit's stored fields (read-only), kept for the STORED_DOCS documents last shown: reading one decompresses
        the whole stored text (~1 ms), and the first hits of common words are the same documents query after query."""
        fields = self.documents.get(docnum)
        if fields is None:
            fields = self.documents[docnum] = self.searcher.stored_fields(docnum)
            if len(self.documents) > STORED_DOCS:
                self.documents.popitem(last=False)
        else:
            self.documents.move_to_end(docnum)
        return fields

    def known(self, docnum: int) -> Known:
        """What snippets learnt of one document's text (where units stand, the text ready for scanning), kept for the
        SNIPPET_DOCS documents last shown."""
        known = self.occurrences.get(docnum)
        if known is None:
            known = self.occurrences[docnum] = Known()
            if len(self.occurrences) > SNIPPET_DOCS:
                self.occurrences.popitem(last=False)
        else:
            self.occurrences.move_to_end(docnum)
        return known


_open: dict[str, OpenIndex] = {}  # index directory → its current searcher
_opening: set[str] = set()  # index directories whose next searcher is being opened in the background
_lock = threading.Lock()


def _stamp(index_dir: Path, ix: Any) -> tuple[int, int] | None:
    """(inode, latest generation), or None while the index is missing or mid-swap (a full rebuild renames it)."""
    try:
        return index_dir.stat().st_ino, ix.latest_generation()  # a directory listing: cheap enough for every query
    except Exception:  # noqa: BLE001 - a directory being renamed or a TOC being replaced: try again at the next query
        return None


def _open_index(index_dir: Path) -> OpenIndex:
    """A fresh searcher, warmed before any query sees it."""
    ix = whoosh_index.open_dir(str(index_dir))
    searcher = ix.searcher()
    stamp = (index_dir.stat().st_ino, searcher.reader().generation() or 0)
    docsets = DocSets(searcher)
    ranker = Ranker(docsets)
    ranker.warm(list(FIELD_BOOSTS))  # field lengths once per searcher, not in the first query
    # the date order too: segments are plain files (index.py), and a rebuild may delete a column file this searcher
    # has not opened yet while it still answers
    ranker.rank("date")
    for name in FACETS:  # and every facet value's bitset
        docsets.counts(name, docsets.live)
    for _, base in docsets.reader.leaf_readers():  # opens each segment's stored-fields file (~40 ms each at 10,000 docs)
        if base < docsets.size:
            docsets.reader.stored_fields(base)
    rewrite("UBND")  # the abbreviation dictionary and its patterns
    return OpenIndex(stamp, ix, searcher, docsets, ranker)


def _install(key: str, entry: OpenIndex) -> None:
    with _lock:
        old = _open.get(key)
        _open[key] = entry
        if old is not None and old is not entry:
            old.retired = True
            if old.users == 0:
                old.searcher.close()


def _open_in_background(key: str, index_dir: Path) -> None:
    try:
        _install(key, _open_index(index_dir))
    except Exception:  # noqa: BLE001 - e.g. a commit deleted a segment while it was being opened: the next query retries
        log.warning("could not open the new index in %s yet", index_dir, exc_info=True)
    finally:
        with _lock:
            _opening.discard(key)


def get_searcher(index_dir: Path, wait: bool = True) -> OpenIndex:
    """The current searcher of an index, kept open (opening one reads every segment file). When the index has a new
    commit (incremental build) or was swapped (full build, new inode), the next searcher is opened and warmed —
    beside the old one, which keeps answering until the new one is complete (`wait=False`), or before returning
    (`wait=True`, for one-off callers). A missing index raises FileNotFoundError only if none was ever open."""
    key = str(index_dir.resolve())
    entry = _open.get(key)
    if entry is None:
        if not whoosh_index.exists_in(str(index_dir)):
            raise FileNotFoundError(f"no search index in {index_dir}; run `make build` first")
        _install(key, _open_index(index_dir))
    elif (stamp := _stamp(index_dir, entry.ix)) is not None and stamp != entry.stamp:
        if wait:
            _install(key, _open_index(index_dir))
        else:
            with _lock:
                start = key not in _opening
                _opening.add(key)
            if start:
                threading.Thread(target=_open_in_background, args=(key, index_dir), daemon=True).start()
    return _open[key]


@contextlib.contextmanager
def searching(index_dir: Path, wait: bool = True) -> Iterator[OpenIndex]:
    """The current searcher, held for one query: a newer one may replace it meanwhile, but it is closed only after."""
    key = str(index_dir.resolve())
    get_searcher(index_dir, wait)
    with _lock:  # taken under the lock that retires searchers: this one cannot be closed between lookup and hold
        entry = _open[key]
        entry.users += 1
    try:
        yield entry
    finally:
        with _lock:
            entry.users -= 1
            if entry.retired and entry.users == 0:
                entry.searcher.close()
