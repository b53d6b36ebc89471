"""Which documents match, as bitsets, from whole posting lists read into numpy arrays.

Whoosh walks postings one document at a time in Python (a few µs per posting and matcher level); at 10,000
reports a common word has 10,000 postings and a quoted phrase several such lists, which made totals, facets and
phrases the slow part of a query. Here a term's posting list is read block by block into arrays once and cached:

- a query's matching set is evaluated over per-term bitsets (Python ints: AND, OR and NOT run in C);
- a phrase over a field with array positions (fields.ArrayPositions) intersects (document, position - offset) keys
  of its words in numpy: exact, no per-document loop, and only the positions of documents
  holding every word are gathered;
- facet counts are one bincount over the matches, from one value number per document;
- ranking.py scores candidates from the same arrays.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Phrase, Query, Require, Term
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from .codec import ArrayLeafMatcher
from .fields import ArrayPositions

V = TypeVar("V")

POSTINGS_CACHE = 1024  # posting arrays kept per searcher (at 10,000 documents a common term's are ~160 KB)
BITS_CACHE = 4096  # bitsets kept per searcher (1.25 KB each at 10,000 documents)
POSITIONS_BYTES = 96 << 20  # decoded positions kept per searcher: a phrase's words are read once, not once per phrase
POSITION_DTYPE = np.uint32  # fields.POSITION_TYPE
PHRASE_KEYS = 1 << 19  # occurrences of a phrase's commonest word checked at a time (4 MB of keys): the arrays of one
# batch are reused for the next, where one pass over a word found 8 million times in 100,000 reports allocated ~400 MB,
# and a query's first run paid for faulting those pages in (most of its time on a fresh virtual machine)
EMPTY_IDS = np.zeros(0, dtype=np.int64)


def to_ids(bits: int) -> np.ndarray:
    """Document numbers of a bitset, ascending."""
    if not bits:
        return EMPTY_IDS
    raw = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little"))


def from_ids(ids: object, size: int) -> int:
    mask = np.zeros(size, dtype=bool)
    mask[np.asarray(ids, dtype=np.int64)] = True
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


@dataclass(frozen=True)
class Postings:
    ids: np.ndarray  # document numbers, ascending (deleted documents included, as in Whoosh's own lists)
    weights: np.ndarray  # the format's weight: frequency × field boost


NO_POSTINGS = Postings(EMPTY_IDS, np.zeros(0))


@dataclass(frozen=True)
class Positions:
    ids: np.ndarray  # documents holding the word, ascending (as Postings.ids)
    starts: np.ndarray  # where each document's positions begin in `flat`; one more entry: the end
    flat: np.ndarray  # every occurrence's position (uint32), document by document, ascending in each

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.starts.nbytes + self.flat.nbytes

    @property
    def occurrences(self) -> int:
        return len(self.flat)

    def keys_in(self, docs: np.ndarray) -> np.ndarray:
        """(document << 32) + position of each occurrence in `docs` (ascending, all holding the word), ascending:
        only those documents' positions are gathered, however common the word is elsewhere.

        >>> p = Positions(np.array([2, 5]), np.array([0, 2, 3]), np.array([1, 7, 4], dtype=np.uint32))
        >>> [(int(k) >> 32, int(k) & 0xFFFFFFFF) for k in p.keys_in(np.array([5]))]
        [(5, 4)]
        """
        begin, counts = self._runs(docs)
        total = int(counts.sum())
        if not total:
            return EMPTY_IDS
        # the flat index of every wanted occurrence: each document's run begin..end, laid end to end
        index = np.arange(total, dtype=np.int64) + np.repeat(begin - (np.cumsum(counts) - counts), counts)
        keys = np.repeat(docs.astype(np.int64) << 32, counts)
        keys += self.flat[index]
        return keys

    def counts_in(self, docs: np.ndarray) -> np.ndarray:
        """How many times the word occurs in each of `docs` (ascending, all holding the word).

        >>> p = Positions(np.array([2, 5]), np.array([0, 2, 3]), np.array([1, 7, 4], dtype=np.uint32))
        >>> p.counts_in(np.array([2, 5])).tolist()
        [2, 1]
        """
        return self._runs(docs)[1]

    def _runs(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where each of `docs`' positions begin in `flat`, and how many there are."""
        rows = np.searchsorted(self.ids, docs)
        begin = self.starts[rows]
        return begin, self.starts[rows + 1] - begin


def batches(docs: np.ndarray, counts: np.ndarray, budget: int) -> list[np.ndarray]:
    """`docs` cut into consecutive runs whose `counts` add up to about `budget` (a document above it alone).

    >>> [b.tolist() for b in batches(np.array([1, 2, 3, 4]), np.array([3, 3, 9, 1]), 5)]
    [[1], [2], [3], [4]]
    >>> [b.tolist() for b in batches(np.array([1, 2, 3]), np.array([1, 1, 1]), 5)]
    [[1, 2, 3]]
    """
    total = np.cumsum(counts)
    if not len(total) or total[-1] <= budget:
        return [docs]
    cuts = np.unique(np.searchsorted(total, np.arange(budget, int(total[-1]), budget), side="right"))
    return [part for part in np.split(docs, cuts[(cuts > 0) & (cuts < len(docs))]) if len(part)]


def _constant(weights: object, count: int) -> np.ndarray:
    """W3's minified weights: None (all 1.0) or one float for the whole block."""
    return np.full(count, 1.0 if weights is None else float(weights))  # type: ignore[arg-type]  # checked by the codec


def read_postings(reader: IndexReader, field: str, text: str, values: bool = False) -> tuple[Postings, np.ndarray, bytes]:
    """A term's whole posting list, and with `values` each posting's value length in bytes and the values joined:
    raw arrays for our codec (codec.py), block arrays for Whoosh's own, one posting at a time for any other."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    joined: list[bytes] = []  # values, joined per block or segment
    lengths: list[np.ndarray] = []  # their lengths
    for leaf, base in reader.leaf_readers():
        raw: list[bytes] = []  # values one by one (Whoosh's codecs)
        if not leaf.doc_frequency(field, text):
            continue
        m: Any = leaf.postings(field, text)  # the codec's block matcher: its private attributes are checked below
        if isinstance(m, FilterMatcher) and getattr(m, "_exclude", False):
            m = m.child  # a segment with deletions: its raw blocks (deleted documents stay in, as everywhere here)
        if type(m) is ArrayLeafMatcher:  # raw-array blocks (codec.py): no object per posting
            while m.is_active():
                if m._data is None:
                    m._read_data()
                block_ids, block_weights, block_values = m._data
                found = np.frombuffer(block_ids, dtype=np.uint32).astype(np.int64) + base
                ids.append(found)
                weights.append(np.frombuffer(block_weights, dtype=np.float32).astype(np.float64)
                               if isinstance(block_weights, bytes) else _constant(block_weights, len(found)))
                if values and isinstance(block_values, tuple):
                    block_lengths, block_joined = block_values
                    lengths.append(np.frombuffer(block_lengths, dtype=np.uint32))
                    joined.append(block_joined)
                elif values:  # a fixed-size format: W3's joined values
                    m._read_values()
                    raw.extend(m._values)
                m._next_block()
        elif all(hasattr(m, a) for a in ("_read_data", "_read_weights", "_read_values", "_next_block", "_byteids")) and not m._byteids:
            while m.is_active():  # whole blocks: a block holds delta-coded ids, then weights and values
                if m._data is None:
                    m._read_data()
                m._read_weights()
                ids.append(np.cumsum(np.asarray(m._data[0], dtype=np.int64)) + base)
                weights.append(np.asarray(m._weights, dtype=np.float64))
                if values:
                    m._read_values()
                    raw.extend(m._values)
                m._next_block()
        else:
            items = []
            while m.is_active():
                items.append((m.id() + base, m.weight(), m.value() if values else b""))
                m.next()
            ids.append(np.array([i[0] for i in items], dtype=np.int64))
            weights.append(np.array([i[1] for i in items], dtype=np.float64))
            raw.extend(i[2] for i in items)
        if values and raw:
            lengths.append(np.fromiter(map(len, raw), dtype=np.int64, count=len(raw)))
            joined.append(b"".join(raw))
    postings = Postings(np.concatenate(ids), np.concatenate(weights)) if ids else NO_POSTINGS
    value_lengths = np.concatenate(lengths).astype(np.int64) if lengths else EMPTY_IDS
    return postings, value_lengths, b"".join(joined)


class DocSets:
    """Posting arrays and bitsets for one searcher (a searcher sees one fixed set of segments: nothing goes stale)."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.live = from_ids(list(self.reader.all_doc_ids()), self.size)  # deleted documents stay in postings until a merge
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._bits: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._facets: dict[str, tuple[list[str], np.ndarray]] = {}  # facet field → its values, each document's value number
        self._positions: OrderedDict[tuple[str, str], Positions] = OrderedDict()
        self._positions_bytes = 0

    def _has_positions(self, field: str) -> bool:
        return field in self.searcher.schema and isinstance(self.searcher.schema[field].format, ArrayPositions)

    def postings(self, field: str, text: str) -> Postings:
        key = (field, text)
        found = self._postings.get(key)
        if found is None:
            if self._has_positions(field):  # one read of the blocks gives ids, weights and positions (for phrases)
                self.positions(field, text)
                return self._postings[key]
            found = read_postings(self.reader, field, text)[0] if field in self.searcher.schema else NO_POSTINGS
            _remember(self._postings, key, found, POSTINGS_CACHE)
        else:
            self._postings.move_to_end(key)
        return found

    def positions(self, field: str, word: str) -> Positions:
        """A word's positions in every document of a field with array positions, decoded once and kept (bounded in
        bytes): the adjacency boosts ask the same words in several phrases (the run, each pair, 'together')."""
        key = (field, word)
        found = self._positions.get(key)
        if found is not None:
            self._positions.move_to_end(key)
            if key not in self._postings:
                _remember(self._postings, key, read_postings(self.reader, field, word)[0], POSTINGS_CACHE)
            return found
        postings, lengths, joined = read_postings(self.reader, field, word, values=True)
        _remember(self._postings, key, postings, POSTINGS_CACHE)
        starts = np.concatenate(([0], np.cumsum(lengths // POSITION_DTYPE().itemsize)))
        found = Positions(postings.ids, starts, np.frombuffer(joined, dtype=POSITION_DTYPE))
        self._positions[key] = found
        self._positions_bytes += found.nbytes
        while self._positions_bytes > POSITIONS_BYTES and len(self._positions) > 1:
            self._positions_bytes -= self._positions.popitem(last=False)[1].nbytes
        return found

    def term(self, field: str, text: str) -> int:
        key = (field, text)
        bits = self._bits.get(key)
        if bits is None:
            bits = from_ids(self.postings(field, text).ids, self.size) & self.live
            _remember(self._bits, key, bits, BITS_CACHE)
        else:
            self._bits.move_to_end(key)
        return bits

    def phrase(self, query: Phrase) -> int:
        """Documents holding the words at consecutive positions: (document, position - i) keys of the i-th word,
        intersected in numpy. Other phrases (slop, other formats) go to Whoosh's matcher."""
        field = self.searcher.schema[query.fieldname] if query.fieldname in self.searcher.schema else None
        if field is None or not isinstance(field.format, ArrayPositions) or query.slop != 1 or not query.words:
            return from_ids(list(self.searcher.docs_for_query(query)), self.size) & self.live
        bits = self.live
        for word in query.words:  # cached bitsets first: words that never share a document need no positions read
            bits &= self.term(query.fieldname, word)
            if not bits:
                return 0
        lists = [self.positions(query.fieldname, word) for word in query.words]
        order = sorted(range(len(lists)), key=lambda i: lists[i].occurrences)  # rarest word first: fewest keys
        candidates = to_ids(bits)
        batch = batches(candidates, lists[order[-1]].counts_in(candidates), PHRASE_KEYS)
        found = [_adjacent(lists, order, docs) for docs in batch]
        return from_ids(np.concatenate(found), self.size) & self.live

    def of(self, query: Query) -> int:
        """The documents a query matches, the way Whoosh matches them."""
        if isinstance(query, Term):
            return self.term(query.fieldname, query.text)
        if isinstance(query, And):
            bits = self.live
            for sub in sorted(query.subqueries, key=lambda q: isinstance(q, Phrase)):  # cheap terms narrow phrases
                bits &= self.of(sub)
            return bits
        if isinstance(query, Or):
            bits = 0
            for sub in query.subqueries:
                bits |= self.of(sub)
            return bits
        if isinstance(query, Not):
            return self.live & ~self.of(query.query)
        if isinstance(query, AndNot):
            return self.of(query.a) & ~self.of(query.b)
        if isinstance(query, AndMaybe):
            return self.of(query.a)
        if isinstance(query, Require):
            return self.of(query.a) & self.of(query.b)
        if isinstance(query, Every):
            return self.live
        if isinstance(query, NullQuery.__class__):
            return 0
        # phrases and anything else: computed once, cached like a term's bitset (a phrase's boost does not change its
        # documents: the adjacency boosts ask the same phrases as the match)
        key = ("", repr(Phrase(query.fieldname, query.words, slop=query.slop) if isinstance(query, Phrase) else query))
        cached = self._bits.get(key)
        if cached is not None:
            return cached
        if isinstance(query, Phrase):
            bits = self.phrase(query)
        else:
            bits = from_ids(list(self.searcher.docs_for_query(query)), self.size) & self.live
        _remember(self._bits, key, bits, BITS_CACHE)
        return bits

    def counts(self, field: str, match: int) -> dict[str, int]:
        """Facet counts: for each value of an ID field, how many matching documents carry it. A document carries at
        most one value of a facet, so the field is read once into one value number per document, and a query's counts
        are one bincount over its matches: at 100,000 reports the issuers alone are 5,745 values, and a bitset per
        value made every query AND and count 5,745 bitsets of 100,000 bits (~40 ms)."""
        if field not in self._facets:
            texts = [v.decode("utf-8") if isinstance(v, bytes) else v for v in self.reader.lexicon(field)]
            codes = np.full(self.size, len(texts), dtype=np.int32)  # len(texts): no value
            for k, text in enumerate(texts):
                codes[self.postings(field, text).ids] = k
            self._facets[field] = (texts, codes)
        texts, codes = self._facets[field]
        found = np.bincount(codes[to_ids(match & self.live)], minlength=len(texts) + 1)[: len(texts)]
        return {texts[k]: int(found[k]) for k in np.flatnonzero(found)}


def _adjacent(lists: list[Positions], order: list[int], candidates: np.ndarray) -> np.ndarray:
    """The candidates (ascending, holding every word) where the words of `lists` stand at consecutive positions,
    the words taken in `order`: each keeps the (document, start of the phrase) keys the next word also has."""
    keys = EMPTY_IDS
    for step, i in enumerate(order):
        if not len(candidates):
            return EMPTY_IDS
        # (document, start of the phrase) for each occurrence of the word in the candidates: ascending
        word_keys = lists[i].keys_in(candidates)
        word_keys += len(lists) - i
        if step == 0:
            keys = word_keys
        elif len(word_keys):
            found = np.minimum(np.searchsorted(word_keys, keys), len(word_keys) - 1)
            keys = keys[word_keys[found] == keys]
        else:
            keys = EMPTY_IDS
        starts = keys >> 32
        candidates = starts[np.concatenate(([True], starts[1:] != starts[:-1]))] if len(starts) else EMPTY_IDS
    return candidates


def _remember(cache: OrderedDict[tuple[str, str], V], key: tuple[str, str], value: V, limit: int) -> None:
    cache[key] = value
    if len(cache) > limit:
        cache.popitem(last=False)
