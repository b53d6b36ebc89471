"""Which documents match, as bitsets: totals, facet counts and filters without scoring every match.

Whoosh computes facets by visiting every matching document inside the scoring collector, which also stops it
from skipping blocks that cannot reach the top of the page. Here a query's matching set is evaluated over cached
per-term bitsets (Python ints: AND, OR and NOT run in C over 64 documents per machine word), facet counts are
popcounts against per-value bitsets, and the scored search only has to find the top hits.
"""

from __future__ import annotations

from collections import OrderedDict

from whoosh.query import And, AndMaybe, AndNot, Every, Not, NullQuery, Or, Query, Require, Term

TERM_CACHE = 4096  # bitsets kept per searcher (about n/8 bytes each: 1.25 KB at 10,000 documents)
_BYTE_BITS = [[i for i in range(8) if b >> i & 1] for b in range(256)]


def to_ids(bits: int) -> list[int]:
    """Document numbers of a bitset, through its bytes (a table per byte value: no per-bit Python loop)."""
    ids: list[int] = []
    for i, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if byte:
            base = i * 8
            ids += [base + j for j in _BYTE_BITS[byte]]
    return ids


def from_ids(ids: object, size: int) -> int:
    buf = bytearray((size + 7) // 8 + 1)
    for d in ids:  # type: ignore[attr-defined]
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


class DocSets:
    """Bitsets for one searcher (a searcher sees one fixed set of segments, so its bitsets never go stale)."""

    def __init__(self, searcher) -> None:  # type: ignore[no-untyped-def]
        self.searcher = searcher
        self.reader = searcher.reader()
        self.size = self.reader.doc_count_all()
        self.live = from_ids(self.reader.all_doc_ids(), self.size)  # deleted documents stay in postings until a merge
        self._terms: OrderedDict[tuple[str, str], int] = OrderedDict()

    def term(self, field: str, text: str) -> int:
        key = (field, text)
        bits = self._terms.get(key)
        if bits is None:
            bits = 0
            if field in self.searcher.schema and self.reader.doc_frequency(field, text):
                bits = from_ids(self.reader.postings(field, text).all_ids(), self.size) & self.live
            self._remember(key, bits)
        else:
            self._terms.move_to_end(key)
        return bits

    def _remember(self, key: tuple[str, str], bits: int) -> None:
        self._terms[key] = bits
        if len(self._terms) > TERM_CACHE:
            self._terms.popitem(last=False)

    def of(self, query: Query) -> int:
        """The documents a query matches, the way Whoosh matches them (phrases and the rest: Whoosh's own matcher)."""
        if isinstance(query, Term):
            return self.term(query.fieldname, query.text)
        if isinstance(query, And):
            bits = self.live
            for sub in query.subqueries:
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
        key = ("", repr(query))  # phrases: Whoosh checks positions; the answer is cached like a term's
        bits = self._terms.get(key)
        if bits is None:
            bits = from_ids(self.searcher.docs_for_query(query), self.size) & self.live
            self._remember(key, bits)
        return bits

    def counts(self, field: str, match: int) -> dict[str, int]:
        """Facet counts: for each value of an ID field, how many matching documents carry it."""
        counts = {}
        for value in self.reader.lexicon(field):
            text = value.decode("utf-8") if isinstance(value, bytes) else value
            n = (match & self.term(field, text)).bit_count()
            if n:
                counts[text] = n
        return counts
