"""Searching: query expansion (abbreviations both ways), exact + folded fields, filters, facets,
highlighted snippets with the original diacritics, 'did you mean'. A malformed query never raises.
"""

from __future__ import annotations

import contextlib
import html
import logging
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from whoosh import highlight, sorting
from whoosh import index as whoosh_index
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup, PlusMinusPlugin
from whoosh.query import And, Or, Phrase, Query, Term

from converters.text import accent_insensitive, fold

from .docsets import DocSets, to_ids
from .limits import Deadline, bound_expansions, bound_query
from .ranking import Ranker
from .vietnamese import folded_form, normalise_query_text

ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.tsv")
FIELD_BOOSTS = {"title": 4.0, "title_f": 2.0, "body": 2.0, "body_f": 1.0}  # exact beats folded about 2:1
FACETS = ["year", "doc_type", "province", "issuer"]
log = logging.getLogger("search_index.query")
NUMBER_QUERY = re.compile(r"^\s*\d{1,4}\s*[-/]\s*[A-Za-zĐđ][\w\-/.]*\s*$")


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"  # relevance | date | -date
    filters: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def abbreviations() -> list[tuple[str, str]]:
    pairs = []
    for line in ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "\t" in line:
            abbr, expansion = line.split("\t", 1)
            pairs.append((abbr.strip(), expansion.strip()))
    return pairs


@lru_cache(maxsize=1)
def _abbreviation_patterns() -> list[tuple[str, str, re.Pattern[str], re.Pattern[str]]]:
    compiled = []
    for abbr, expansion in abbreviations():
        folded = re.compile(r"(?<![\w\"])" + r"\s+".join(re.escape(w) for w in fold(expansion).split()) + r"(?![\w\"])")
        compiled.append((abbr, expansion, folded, re.compile(rf"(?<![\w\"])({re.escape(abbr)})(?![\w\"])", re.I)))
    return compiled


@lru_cache(maxsize=4096)  # parse() and the snippet words both expand the same query
def expand_abbreviations(q: str) -> str:
    """'GPMB' → (GPMB OR "giải phóng mặt bằng"); 'giải phóng mặt bằng' → ("giải phóng mặt bằng" OR GPMB)."""
    parts = re.split(r'("[^"]*")', q)  # leave user phrases alone
    for i, part in enumerate(parts):
        if part.startswith('"'):
            continue
        for abbr, expansion, folded_pattern, abbr_pattern in _abbreviation_patterns():
            folded_part = fold(part)
            match = folded_pattern.search(folded_part)
            if match and len(folded_part) == len(part):
                part = part[: match.start()] + f'("{part[match.start():match.end()]}" OR {abbr})' + part[match.end() :]
                continue
            part = abbr_pattern.sub(f'(\\1 OR "{expansion}")', part)
        parts[i] = part
    return "".join(parts)


def _parser(schema, fields: list[str], group=AndGroup):  # type: ignore[no-untyped-def]
    parser = MultifieldParser(fields, schema, fieldboosts=FIELD_BOOSTS, group=group)
    parser.add_plugin(PlusMinusPlugin())
    return parser


def parse(schema, q: str) -> tuple[Query | None, str | None]:  # type: ignore[no-untyped-def]
    """Parse with sensible defaults (all words); on any trouble fall back to a plain OR of the words."""
    q = normalise_query_text(q).strip()
    if not q:
        return None, None
    fields = list(FIELD_BOOSTS)
    expanded = expand_abbreviations(q)
    try:
        query = _parser(schema, fields).parse(expanded)
        if NUMBER_QUERY.match(q):
            query = Or([Term("number", re.sub(r"\s+", "", q).lower(), boost=20.0), query])
        return query, None
    except Exception:  # noqa: BLE001 - Whoosh raises several kinds on odd input
        words = re.findall(r"\w+", q)
        if not words:
            return None, "Truy vấn không hợp lệ; hãy nhập từ khóa."
        return _parser(schema, fields, OrGroup).parse(" ".join(words)), "Truy vấn có cú pháp lạ; đã tìm theo các từ khóa."


PHRASE_FIELD = "body_f"  # folded syllables with positions
EXACT_BODY = "body"  # exact syllables, frequencies only


def to_folded_phrases(query: Query) -> Query:
    """A phrase over the exact body (which keeps no positions) → the same phrase over the folded body, with each exact
    syllable also required, so that 'mà' stays apart from 'ma' in a phrase typed with diacritics, as for single words."""
    if isinstance(query, Phrase) and query.fieldname == EXACT_BODY and query.words:
        words = [folded_form(w) for w in query.words]
        phrase = Phrase(PHRASE_FIELD, words, slop=query.slop) if len(words) > 1 else Term(PHRASE_FIELD, words[0])
        return And([phrase, *(Term(EXACT_BODY, w) for w in query.words)], boost=query.boost)
    return query.apply(to_folded_phrases)


def without_positions(query: Query) -> Query:
    """Phrase → all its terms (for scoring candidates that are already known to hold the phrase)."""
    if isinstance(query, Phrase):
        return And([Term(query.fieldname, w) for w in query.words], boost=query.boost)
    return query.apply(without_positions)


def _filter_query(filters: dict[str, str]) -> Query | None:
    terms = [Term(k, v) for k, v in filters.items() if k in FACETS and v]
    return And(terms) if terms else None


SNIPPET_LEAD = 120  # characters of context the window keeps before the first match
SNIPPET_WINDOW = 1500  # characters of the stored text handed to the highlighter (it re-analyses what it gets)


def _snippet_patterns(q: str) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
    """What a snippet window looks for in folded text, once per query: the phrases (quoted, or an abbreviation's
    expansion: 'GPMB' → "giải phóng mặt bằng"), then every word."""
    expanded = expand_abbreviations(q)
    phrases = [fold(p).split() for p in re.findall(r'"([^"]+)"', expanded) if p.split()]
    words = sorted({fold(t) for t in re.findall(r"\w+", expanded) if t not in {"OR", "AND", "NOT"}}, key=len, reverse=True)
    return [accent_insensitive(p) for p in phrases], [accent_insensitive([w]) for w in words]


FRAGMENTER = highlight.ContextFragmenter(maxchars=220, surround=60)
FORMATTER = highlight.HtmlFormatter(tagname="mark", between=" … ")
SNIPPET_FIELD = "body_f"  # every query also searches the folded field: its terms mark what either field matched


def _first_match(text: str, patterns: list[re.Pattern[str]]) -> int | None:
    """Where the first of the patterns first matches, anywhere in the text (patterns match any diacritics)."""
    found = [m.start() for p in patterns if (m := p.search(text))]
    return min(found) if found else None


def _snippet(text: str, terms: frozenset[str], analyzer, phrases: list[re.Pattern[str]], words: list[re.Pattern[str]]) -> str:  # type: ignore[no-untyped-def]
    """Highlight only a window around the first match (a quoted phrase first, else any word): re-analysing a 60 KB
    report per hit is what made queries slow."""
    first = _first_match(text, phrases) if phrases else None
    if first is None:
        first = _first_match(text, words)
    start = max(0, first - SNIPPET_LEAD) if first is not None else 0
    window = text[start : start + SNIPPET_WINDOW]
    marked = highlight.highlight(window, terms, analyzer, FRAGMENTER, FORMATTER, top=2) if terms else ""
    return marked or html.escape(window[:240])


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
    """A fresh searcher (never Whoosh's refresh(), which shares and then closes the old one's segment readers: the
    ReaderClosed of issue 13), warmed before any query sees it."""
    ix = whoosh_index.open_dir(str(index_dir))
    searcher = ix.searcher()
    stamp = (index_dir.stat().st_ino, searcher.reader().generation())
    docsets = DocSets(searcher)
    ranker = Ranker(docsets)
    ranker.warm(list(FIELD_BOOSTS))  # field lengths once per searcher, not in the first query
    for name in FACETS:  # and every facet value's bitset
        docsets.counts(name, docsets.live)
    if docsets.size:
        searcher.stored_fields(0)  # opens the stored-fields file
    _abbreviation_patterns()
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


def _ranked(opened: OpenIndex, matching: Query, wanted: int, limit: int, sort: str) -> list[tuple[int, float]]:
    """(docnum, score) of the first `limit` matches: numpy BM25F (ranking.py), or Whoosh for what it cannot score."""
    top = opened.ranker.top(matching, wanted, limit, sort)
    if top is not None:
        return top
    sortedby = sorting.FieldFacet("date", reverse=sort == "-date") if sort in {"date", "-date"} else None
    # the candidates already hold every phrase: Whoosh need not check positions again
    results = opened.searcher.search(without_positions(matching), limit=limit, filter=set(to_ids(wanted).tolist()), sortedby=sortedby)
    return [(results.docnum(i), results.score(i) or 0.0) for i in range(results.scored_length())]


def search(index_dir: Path, request: SearchRequest, budget: float | None = None, wait: bool = True) -> dict[str, Any]:
    """One query within its bounds (limits.py) and time budget (seconds; None: no budget), on a held searcher."""
    with searching(index_dir, wait) as opened:
        return _search(opened, request, Deadline(budget))


def _search(opened: OpenIndex, request: SearchRequest, deadline: Deadline) -> dict[str, Any]:
    started = deadline.started
    searcher, docsets = opened.searcher, opened.docsets
    q, notes = bound_query(request.q)
    query, message = parse(searcher.schema, q)
    if query is not None:
        query, expansion_notes = bound_expansions(query, searcher.reader())
        notes += expansion_notes
    page = max(1, request.page)
    per_page = max(1, min(request.per_page, 50))
    result: dict[str, Any] = {"query": request.q, "total": 0, "page": page, "per_page": per_page, "hits": [], "facets": {}, "suggestion": None, "message": message}
    if query is None:
        result["message"] = " ".join([*notes, message or "Hãy nhập từ khóa để tìm."])
        result["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
        return result
    matching = to_folded_phrases(query)
    wanted = docsets.of(matching)  # every match, phrases checked by position once: the total and facet counts come from here
    flt = _filter_query(request.filters)
    if flt is not None:
        wanted &= docsets.of(flt)
    result["total"] = wanted.bit_count()
    for name in FACETS:
        result["facets"][name] = sorted(
            ({"value": k, "count": v} for k, v in docsets.counts(name, wanted).items() if k), key=lambda g: (-g["count"], str(g["value"]))
        )
    ranked = _ranked(opened, matching, wanted, page * per_page, request.sort) if result["total"] else []
    # highlight the syllables the reader typed (the folded field marks what either field matched)
    terms = frozenset(text for field, text in query.iter_all_terms() if field == SNIPPET_FIELD)
    analyzer = searcher.schema[SNIPPET_FIELD].analyzer
    phrases, words = _snippet_patterns(request.q)
    for docnum, score in ranked[(page - 1) * per_page :]:
        hit = searcher.stored_fields(docnum)
        body = hit.get("body", "")
        result["hits"].append({
            "id": hit["id"], "url": hit["url"], "title": hit.get("title") or hit["id"], "score": round(score, 3),
            "snippet": html.escape(body[:240]) if deadline.over() else _snippet(body, terms, analyzer, phrases, words), "doc_type": hit.get("doc_type"),
            "date": hit.get("date"), "number": hit.get("number_display"), "issuer": hit.get("issuer"), "province": hit.get("province"),
        })
    if result["total"] == 0 and message is None and not deadline.over():
        result["suggestion"] = _folded_suggestion(searcher, docsets, q, deadline)
    if deadline.hit:
        notes.append(deadline.note())
    if notes:
        result["message"] = " ".join([*notes, *([message] if message else [])])
    result["partial"] = deadline.hit  # over its time budget: plain snippets, no did-you-mean
    result["took_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


SUGGESTION_CANDIDATES = 8  # spellings within reach of a misspelt word, ranked by the words around it


def _folded_suggestion(searcher, docsets: DocSets, q: str, deadline: Deadline | None = None) -> str | None:  # type: ignore[no-untyped-def]
    """'Did you mean': each unknown word → the known word within two edits that best fits its neighbours, judged by
    how many documents hold the pair as a phrase, then by closeness (one edit first), then by how many
    documents hold the word itself.
    'nong thom moi' → 'nong thon moi', where frequency alone would pick the commoner 'tham'."""
    corrector = searcher.corrector("body_f")
    words = re.findall(r"\w+", fold(q))
    fixed: list[str] = []
    for i, word in enumerate(words):
        if word in {"or", "and", "not"} or len(word) < 2 or searcher.doc_frequency("body_f", word) or (deadline and deadline.over()):
            fixed.append(word)
            continue
        near = corrector.suggest(word, limit=SUGGESTION_CANDIDATES, maxdist=1)
        candidates = list(dict.fromkeys(near + corrector.suggest(word, limit=SUGGESTION_CANDIDATES, maxdist=2)))
        if not candidates:
            fixed.append(word)
            continue
        left, right = (fixed[i - 1] if i else None), (words[i + 1] if i + 1 < len(words) else None)

        def fit(candidate: str, left: str | None = left, right: str | None = right, near: list[str] = near) -> tuple[int, bool, int]:
            pairs = sum(docsets.of(Phrase(PHRASE_FIELD, pair)).bit_count() for pair in ([left, candidate], [candidate, right]) if None not in pair)
            return pairs, candidate in near, searcher.doc_frequency("body_f", candidate)

        fixed.append(max(candidates, key=fit))
    return " ".join(fixed) if fixed != words else None
