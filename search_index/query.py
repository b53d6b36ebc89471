"""Searching: `search()` is the one entry point. A query is bounded (limits.py), rewritten (grammar.py: numbers,
dates, abbreviations both ways), parsed into exact and folded fields (parsing.py), matched as bitsets (docsets.py),
ranked (ranking.py), shown with snippets (snippets.py) as JSON (results.py); when nothing matches, 'did you mean'
(suggest.py) shows its suggestion's results instead. Searchers live in searcher.py. A malformed query never raises.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import results
from .grammar import expand_abbreviations, rewrite
from .limits import Deadline, bound_expansions, bound_query
from .parsing import FACETS, filter_query, parse_rewritten, to_folded_phrases
from .searcher import OpenIndex, get_searcher, searching
from .snippets import units
from .suggest import suggestion
from .vietnamese import normalise_query_text

# what callers use (the service, the command line, benchmarks, tests)
__all__ = ["FACETS", "SearchRequest", "expand_abbreviations", "get_searcher", "search", "searching"]


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"  # relevance | date | -date
    filters: dict[str, str] = field(default_factory=dict)
    exact: bool = False  # the query as typed only: no suggestion's results in its place ("tìm đúng …")


def search(index_dir: Path, request: SearchRequest, budget: float | None = None, wait: bool = True) -> dict[str, Any]:
    """Results of a query (JSON-ready), within its bounds (limits.py) and time budget (seconds; None: no budget), on a
    held searcher. When nothing matches and a spelling suggestion exists, the suggestion's results are shown instead:
    `suggestion`, `showing_suggestion: true` and a `message` saying so ("Hiển thị kết quả cho …")."""
    deadline = Deadline(budget)
    with searching(index_dir, wait) as opened:
        q, notes = bound_query(request.q)
        result = _answer(opened, request, q, deadline)
        notes += result.pop("notes")
        result["showing_suggestion"] = False
        # a typo, even in a long query; a bound's note does not stop the suggestion, a query Whoosh could not read does
        if result["strict_total"] == 0 and result["message"] is None and q.strip() and not deadline.over():
            fix = suggestion(opened.searcher, opened.docsets, q, deadline)
            result["suggestion"] = fix
            if fix and not request.exact:
                shown = _answer(opened, request, fix, deadline)
                if shown["total"]:
                    notes += shown.pop("notes")
                    result = results.suggested(shown, request.q, fix)
    result["message"] = results.message(notes, result["message"], deadline.note() if deadline.hit else None)
    result["partial"] = deadline.hit  # over its time budget: plain snippets, no did-you-mean
    result.pop("strict_total", None)
    result["took_ms"] = round((time.perf_counter() - deadline.started) * 1000, 1)
    return result


def _answer(opened: OpenIndex, request: SearchRequest, q: str, deadline: Deadline) -> dict[str, Any]:
    """One query's answer; `message` is what parsing said, `notes` the expansions that were capped (search() joins
    them), `strict_total` how many documents hold every term (a long query also matches those missing one)."""
    searcher, docsets = opened.searcher, opened.docsets
    rw = rewrite(normalise_query_text(q))
    parsed = parse_rewritten(searcher.schema, rw)
    query, notes = bound_expansions(parsed.query, searcher.reader()) if parsed.query is not None else (None, [])
    page, per_page = max(1, request.page), max(1, min(request.per_page, 50))
    result = results.empty(q, page, per_page, parsed.message, notes)
    if query is None:
        result["message"] = parsed.message or "Hãy nhập từ khóa để tìm."
        return result
    matching = to_folded_phrases(query)
    wanted = docsets.of(matching)  # every match, phrases checked by position once: the total and facet counts come from here
    flt = filter_query(request.filters)
    if flt is not None:
        wanted &= docsets.of(flt)
    result["total"] = result["strict_total"] = wanted.bit_count()
    if parsed.strict is not None:  # a long query: did every term match somewhere?
        strict, _ = bound_expansions(parsed.strict, searcher.reader())
        result["strict_total"] = (docsets.of(to_folded_phrases(strict)) & wanted).bit_count()
    result["facets"] = results.facets(docsets, wanted)
    ranked = opened.ranker.top(matching, wanted, page * per_page, request.sort) if result["total"] else []
    terms = units(rw)
    result["hits"] = [results.hit(opened.stored(docnum), docnum, score, terms, docsets, deadline.over(), opened.known(docnum))
                      for docnum, score in ranked[(page - 1) * per_page :]]
    return result
