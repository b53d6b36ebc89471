"""'Did you mean': for each word the index does not know, the known word within two edits (same first letter) that
most often stands next to the query's other words as a phrase. Shown in place of zero results (query.search).
"""

from __future__ import annotations

import re
from typing import Any

from whoosh.query import Phrase

from core.text import fold

from .docsets import DocSets
from .limits import Deadline
from .parsing import PHRASE_FIELD

SUGGESTION_CANDIDATES = 8  # spellings within reach of a misspelt word, ranked by the words around it
SPELLING_PREFIX = 1  # letters a suggestion shares with the typed word
SPELLINGS_CACHE = 4096  # misspelt words whose candidates are kept per searcher


def spellings(searcher: Any, corrector: Any, word: str) -> tuple[list[str], list[str]]:
    """Known words one edit away, and all within two, kept on the searcher (which sees one fixed set of terms)."""
    cache = searcher.__dict__.setdefault("_spellings", {})
    if word not in cache:
        # the first letter is kept (typos rarely touch it): the walk of the term list is then a fraction
        near = corrector.suggest(word, limit=SUGGESTION_CANDIDATES, maxdist=1, prefix=SPELLING_PREFIX)
        far = corrector.suggest(word, limit=SUGGESTION_CANDIDATES, maxdist=2, prefix=SPELLING_PREFIX)
        cache[word] = near, list(dict.fromkeys(near + far))
        if len(cache) > SPELLINGS_CACHE:
            cache.pop(next(iter(cache)))
    return cache[word]


def suggestion(searcher: Any, docsets: DocSets, q: str, deadline: Deadline | None = None) -> str | None:
    """Each unknown word → the known word within two edits that best fits its neighbours, judged by how many
    documents hold the pair as a phrase, then by closeness (one edit first), then by how many documents hold the
    word itself. 'nong thom moi' → 'nong thon moi', where frequency alone would pick the commoner 'tham'."""
    corrector = searcher.corrector(PHRASE_FIELD)
    words = re.findall(r"\w+", fold(q))
    fixed: list[str] = []
    for i, word in enumerate(words):
        if word in {"or", "and", "not"} or len(word) < 2 or searcher.doc_frequency(PHRASE_FIELD, word) or (deadline and deadline.over()):
            fixed.append(word)
            continue
        near, candidates = spellings(searcher, corrector, word)
        if not candidates:
            fixed.append(word)
            continue
        left, right = (fixed[i - 1] if i else None), (words[i + 1] if i + 1 < len(words) else None)
        fixed.append(best_fit(searcher, docsets, candidates, near, left, right))
    return " ".join(fixed) if fixed != words else None


def best_fit(searcher: Any, docsets: DocSets, candidates: list[str], near: list[str], left: str | None, right: str | None) -> str:
    """The candidate with the most documents holding it beside its neighbours as a phrase, then one edit away, then
    the commonest (the first in `candidates` on a tie).

    Counting a pair reads the candidate's positions (the cost of a misspelling: ~10 ms per common word at 10,000
    reports), so candidates are weighed in the order of what they could reach at most — a pair is in no more documents
    than either word, known without reading postings — and those that cannot beat the best so far are not read.
    The answer is the one weighing every candidate would give."""
    def pairs(candidate: str) -> list[list[str]]:
        return [[a, b] for a, b in ((left, candidate), (candidate, right)) if a is not None and b is not None]

    def df(word: str) -> int:
        return int(searcher.doc_frequency(PHRASE_FIELD, word))

    def bound(candidate: str) -> tuple[int, bool, int]:
        return sum(min(df(a), df(b)) for a, b in pairs(candidate)), candidate in near, df(candidate)

    def fit(candidate: str) -> tuple[int, bool, int]:
        together = sum(docsets.of(Phrase(PHRASE_FIELD, pair)).bit_count() for pair in pairs(candidate))
        return together, candidate in near, df(candidate)

    ceilings = {c: bound(c) for c in candidates}
    best, best_key, best_at = candidates[0], (-1, False, -1), len(candidates)
    for at, candidate in sorted(enumerate(candidates), key=lambda c: ceilings[c[1]], reverse=True):
        if ceilings[candidate] < best_key:
            break  # sorted by ceiling: no candidate left can reach the best
        if ceilings[candidate] == best_key and at > best_at:
            continue  # it could at most tie, and a tie goes to the earlier candidate
        key = fit(candidate)
        if key > best_key or (key == best_key and at < best_at):
            best, best_key, best_at = candidate, key, at
    return best
