"""Ranking the matching documents: Whoosh's BM25F, computed over whole posting arrays in numpy.

Whoosh's collector scores one document at a time in Python (a matcher call per query term per document): with a
broad query at 10,000 reports that is hundreds of thousands of calls. The score here is the same sum Whoosh computes
— for each positive term of the query, boost × BM25F(frequency, field length) with Whoosh's idf, average length and
quantised field lengths — but per term as one array operation over its posting list, then one sort for the page.
Queries with parts this module does not know (wildcards, ranges, ...) are ranked by Whoosh itself: `Ranker.top` is
the one place that decides.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np
from whoosh.query import And, AndMaybe, AndNot, Not, Or, Phrase, Query, Require, Term
from whoosh.scoring import BM25F

from .docsets import DocSets, to_ids

SCORED = (Term, Phrase, And, Or, AndNot, AndMaybe, Require, Not)  # the query parts ranked here
TERM_SCORES_CACHE = 256  # terms' score arrays kept per searcher (90 KB each at 10,000 documents)


def can_score(query: Query) -> bool:
    return isinstance(query, SCORED) and all(can_score(sub) for sub in query.children())


def _summed(parts: list[tuple[np.ndarray, np.ndarray]], size: int, all_of: bool) -> tuple[np.ndarray, np.ndarray]:
    """The parts' scores added and their masks joined (all of them, or any), in two new arrays.

    >>> s, m = _summed([(np.array([1., 2., 0.]), np.array([True, True, False])), (np.array([0., 3., 4.]), np.array([False, True, True]))], 3, True)
    >>> s.tolist(), m.tolist()
    ([1.0, 5.0, 4.0], [False, True, False])
    """
    if not parts:
        return np.zeros(size), np.zeros(size, dtype=bool)
    scores, mask = parts[0][0].copy(), parts[0][1].copy()
    for part_scores, part_mask in parts[1:]:
        scores += part_scores
        if all_of:
            mask &= part_mask
        else:
            mask |= part_mask
    return scores, mask


def all_but_one_parts(query: Query) -> list[Query] | None:
    """The parts of an OR of ANDs each missing one of them (parsing.all_but_one), or None for any other query.

    >>> a, b, c = Term("f", "a"), Term("f", "b"), Term("f", "c")
    >>> all_but_one_parts(Or([And([b, c]), And([a, c]), And([a, b])])) == [a, b, c]
    True
    >>> all_but_one_parts(Or([And([b, c]), And([a, c]), And([a, c])])) is None
    True
    """
    subs: list[Any] = list(query.subqueries) if isinstance(query, Or) else []
    if len(subs) < 3 or not all(type(s) is And and s.boost == 1 and len(s.subqueries) == len(subs) - 1 for s in subs):
        return None
    parts: list[Query] = [subs[1].subqueries[0], *subs[0].subqueries]
    if all(list(s.subqueries) == parts[:i] + parts[i + 1 :] for i, s in enumerate(subs)):
        return parts
    return None


def without_positions(query: Query) -> Query:
    """Phrase → all its terms (for scoring candidates that are already known to hold the phrase)."""
    if isinstance(query, Phrase):
        return And([Term(query.fieldname, w) for w in query.words], boost=query.boost)
    return query.apply(without_positions)


class Ranker:
    """Per-searcher arrays the scores need: quantised field lengths and sort keys, read once."""

    def __init__(self, docsets: DocSets) -> None:
        self.docsets = docsets
        self.searcher = docsets.searcher
        self._lengths: dict[str, np.ndarray] = {}
        self._ranks: dict[str, np.ndarray] = {}
        self._term_scores: OrderedDict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = OrderedDict()

    def lengths(self, field: str) -> np.ndarray:
        if field not in self._lengths:
            length = self.docsets.reader.doc_field_length
            self._lengths[field] = np.array([length(d, field, 0) or 0 for d in range(self.docsets.size)], dtype=np.float64)
        return self._lengths[field]

    def rank(self, field: str) -> np.ndarray:
        """A sortable field's order per document, as integers (documents without a value sort first)."""
        if field not in self._ranks:
            column = self.docsets.reader.column_reader(field)
            values = np.array([column[d] or "" for d in range(self.docsets.size)], dtype=object)
            self._ranks[field] = np.unique(values, return_inverse=True)[1].astype(np.int64)
        return self._ranks[field]

    def warm(self, fields: list[str]) -> None:
        for field in fields:
            if field in self.searcher.schema and self.searcher.schema[field].scorable:
                self.lengths(field)

    def term_scores(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        """One term's BM25F score and match mask over all documents, computed once per searcher (a query asks the
        same term in its match, each adjacency phrase and the strict count; read-only: callers combine into new arrays)."""
        key = (field, text)
        found = self._term_scores.get(key)
        if found is not None:
            self._term_scores.move_to_end(key)
            return found
        scores, mask = np.zeros(self.docsets.size), np.zeros(self.docsets.size, dtype=bool)
        postings = self.docsets.postings(field, text)
        if len(postings.ids):
            weighting = self.searcher.weighting
            if self.searcher.schema[field].scorable:
                b, k1 = weighting._field_B.get(field, weighting.B), weighting.K1
                avgfl = self.searcher.avg_field_length(field) or 1
                tf, fl = postings.weights, self.lengths(field)[postings.ids]
                scores[postings.ids] = self.searcher.idf(field, text) * (tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl))
            else:
                scores[postings.ids] = postings.weights
            mask[postings.ids] = True
        scores.setflags(write=False)
        mask.setflags(write=False)
        self._term_scores[key] = scores, mask
        if len(self._term_scores) > TERM_SCORES_CACHE:
            self._term_scores.popitem(last=False)
        return scores, mask

    def scores(self, query: Query) -> tuple[np.ndarray, np.ndarray]:
        """(score, match mask) over all documents, combined the way Whoosh's matchers combine them: an AND adds
        its parts where all match, an OR adds the parts that match, an excluded or required part adds nothing.
        A term's arrays are shared (cached, read-only); a compound's are its own, so they are combined in place: a
        long query is a few hundred of these over every document, and a new array per step was most of its time."""
        if isinstance(query, Term):
            scores, mask = self.term_scores(query.fieldname, query.text)
            owned = False
        elif isinstance(query, Or) and (all_but_one := all_but_one_parts(query)) is not None:
            # each part scored once, not once in each of the n ANDs that hold it
            n = len(all_but_one)
            total = np.zeros(self.docsets.size)  # a part scores 0 where it does not match
            held = np.zeros(self.docsets.size, dtype=np.int16)  # how many of the parts each document holds
            for part_scores, part_mask in map(self.scores, all_but_one):
                total += part_scores
                held += part_mask
            mask = held >= n - 1
            # every part held: all n ANDs match, each adds the others' scores, (n - 1) × the sum in all; one missing:
            # only the AND without it matches, and adds the sum of the others (the missing one adds 0)
            scores = np.where(held == n, total * (n - 1), total * mask)
            owned = True
        elif isinstance(query, (Phrase, And, Or)):
            parts = ([self.term_scores(query.fieldname, w) for w in query.words] if isinstance(query, Phrase)
                     else [self.scores(sub) for sub in query.subqueries])
            scores, mask = _summed(parts, self.docsets.size, all_of=not isinstance(query, Or))
            if isinstance(query, Phrase) and len(query.words) > 1:  # a phrase beside other parts: only where its words stand together
                adjacent = np.zeros(self.docsets.size, dtype=bool)
                adjacent[to_ids(self.docsets.of(query))] = True
                mask &= adjacent
            if not isinstance(query, Or):  # a phrase scores as its words, where the matching set has them in order
                scores *= mask
            owned = True
        elif isinstance(query, Not):
            mask, scores, owned = ~self.scores(query.query)[1], np.zeros(self.docsets.size), True
        else:
            assert isinstance(query, (AndNot, Require, AndMaybe))  # can_score() let nothing else through
            (scores, mask), (other_scores, other) = self.scores(query.a), self.scores(query.b)
            if isinstance(query, AndNot):
                mask = mask & ~other
            elif isinstance(query, Require):
                mask = mask & other
            else:  # AndMaybe: the optional part adds where it matches
                scores = scores + other_scores * mask
            scores, owned = scores * mask, True
        boost = getattr(query, "boost", 1.0)  # Term, Phrase and the compound queries carry one
        if boost != 1:
            if owned:
                scores *= boost
            else:
                scores = scores * boost
        return scores, mask

    def top(self, query: Query, wanted: int, limit: int, sort: str = "relevance") -> list[tuple[int, float]]:
        """(docnum, score) of the first `limit` documents of `wanted` (the matching set), best first or by date: BM25F
        over arrays where this module scores every part of the query, else Whoosh's own collector."""
        top = self.bm25f_top(query, wanted, limit, sort)
        if top is not None:
            return top
        if sort in {"date", "-date"}:  # by the date ranks read when the searcher opened (its column file may be gone)
            candidates = to_ids(wanted)
            order = np.lexsort([candidates, self.date_key(candidates, sort)])[:limit]
            return [(int(candidates[i]), 0.0) for i in order]
        # the candidates already hold every phrase: Whoosh need not check positions again
        results = self.searcher.search(without_positions(query), limit=limit, filter=set(to_ids(wanted).tolist()))
        return [(results.docnum(i), results.score(i) or 0.0) for i in range(results.scored_length())]

    def bm25f_top(self, query: Query, wanted: int, limit: int, sort: str = "relevance") -> list[tuple[int, float]] | None:
        """The first `limit` documents of `wanted` as (docnum, score), best first (or by date); None when the
        query has parts this ranker cannot score or the searcher does not weigh by BM25F."""
        if not can_score(query) or type(self.searcher.weighting) is not BM25F:
            return None
        candidates = to_ids(wanted)
        scores = self.scores(query)[0][candidates]
        keys = [candidates, -scores]  # ties keep document order, as in Whoosh's collector
        if sort in {"date", "-date"}:
            keys.append(self.date_key(candidates, sort))  # by date, then by score within a day
        order = np.lexsort(keys)[:limit]
        return [(int(candidates[i]), float(scores[i])) for i in order]

    def date_key(self, candidates: np.ndarray, sort: str) -> np.ndarray:
        """The candidates' sort key for "date" (oldest first) or "-date" (newest first)."""
        dates = self.rank("date")[candidates]
        return dates if sort == "date" else -dates
