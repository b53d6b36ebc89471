"""'Did you mean': for each word the index does not know, the known word within two edits (same first letter) that
most often stands next to the query's other words as a phrase. Shown in place of zero results (query.search).
"""

from __future__ import annotations

import re
from typing import Any

from whoosh.query import Phrase

from converters.text import fold

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

        def fit(candidate: str, left: str | None = left, right: str | None = right, near: list[str] = near) -> tuple[int, bool, int]:
            pairs = [[a, b] for a, b in ((left, candidate), (candidate, right)) if a is not None and b is not None]
            together = sum(docsets.of(Phrase(PHRASE_FIELD, pair)).bit_count() for pair in pairs)
            return together, candidate in near, searcher.doc_frequency(PHRASE_FIELD, candidate)

        fixed.append(max(candidates, key=fit))
    return " ".join(fixed) if fixed != words else None

