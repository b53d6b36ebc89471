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
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup, PlusMinusPlugin
from whoosh.query import And, AndMaybe, Or, Phrase, Query, Term

from core.text import fold

from .docsets import DocSets, to_ids
from .grammar import Rewritten, rewrite
from .limits import Deadline, bound_expansions, bound_query
from .ranking import Ranker
from .snippets import snippet, units
from .vietnamese import exact_form, folded_form, normalise_query_text

FIELD_BOOSTS = {"title": 4.0, "title_f": 2.0, "meta": 3.0, "meta_f": 1.5, "body": 2.0, "body_f": 1.0}  # exact beats folded about 2:1
EXACT_OF = {"title_f": "title", "meta_f": "meta", "body_f": "body"}  # folded field → its exact twin
FACETS = ["year", "doc_type", "province", "issuer"]
log = logging.getLogger("search_index.query")
# Adjacency: a run of plain words scores again as a phrase where its words stand together (whole run and each pair),
# more in the title and metadata: words that stand together come first, and a fold-only scattered match never
# outranks an exact adjacent one.
RUN_BOOST, PAIR_BOOST = 6.0, 3.0
PLACE_BOOSTS = {"title_f": 2.0, "meta_f": 2.0, "body_f": 1.0}


@dataclass
class SearchRequest:
    q: str = ""
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"  # relevance | date | -date
    filters: dict[str, str] = field(default_factory=dict)
    exact: bool = False  # the query as typed only: no suggestion's results in its place ("tìm đúng …")


def expand_abbreviations(q: str) -> str:
    """'GPMB' → (GPMB OR "giải phóng mặt bằng" …); 'giải phóng mặt bằng' → ("giải phóng mặt bằng" OR GPMB …)."""
    return rewrite(q).text


def _parser(schema, fields: list[str], group=AndGroup):  # type: ignore[no-untyped-def]
    parser = MultifieldParser(fields, schema, fieldboosts=FIELD_BOOSTS, group=group)
    parser.add_plugin(PlusMinusPlugin())
    return parser


def _has_marks(text: str) -> bool:
    return fold(text) != text


def exact_where_typed(query: Query) -> Query:
    """A word typed with diacritics matches that spelling only (tone placement and i/y aside): its folded-field
    alternatives go, so 'Đà Nẵng' no longer matches 'đã … năng'. A word typed without them keeps every spelling."""
    if isinstance(query, Or) and query.subqueries:
        marked = {q.fieldname for q in query.subqueries if isinstance(q, (Term, Phrase)) and q.fieldname in EXACT_OF.values()
                  and _has_marks(" ".join(q.words) if isinstance(q, Phrase) else q.text)}
        if marked:
            kept = [q for q in query.subqueries if not (isinstance(q, (Term, Phrase)) and EXACT_OF.get(q.fieldname) in marked)]
            return Or([exact_where_typed(q) for q in kept], boost=query.boost)
    return query.apply(exact_where_typed)


SHORT_RUN = 3  # a query of at most this many plain words (no digits) asks for them standing together
LONG_QUERY = 4  # a query of at least this many terms matches documents holding all but one (ranked below all)


def all_but_one(query: Query) -> Query:
    """A long query ("KT-XH 6 tháng đầu năm 2023", a question) also finds the documents missing one of its terms;
    those holding every term score once per term left out, so they stay on top."""
    if isinstance(query, And) and len(query.subqueries) >= LONG_QUERY:
        subs = query.subqueries
        return Or([And(subs[:i] + subs[i + 1 :]) for i in range(len(subs))], boost=query.boost)
    return query


def together(words: list[str], boost: float = 1.0) -> Query:
    """The words as a phrase in title, metadata or body (folded positions, with the exact syllables required where
    typed with diacritics)."""
    clauses: list[Query] = []
    for name, place in PLACE_BOOSTS.items():
        phrase = Phrase(name, [folded_form(w) for w in words])
        exact = [Term(EXACT_OF[name], exact_form(w)) for w in words if _has_marks(w.lower())]
        clauses.append(And([phrase, *exact], boost=boost * place) if exact else Phrase(name, phrase.words, boost=boost * place))
    return Or(clauses)


def adjacency(runs: list[list[str]]) -> Query | None:
    """Each run of plain words, and each pair in it, as a phrase in title, metadata and body (folded positions, with
    the exact syllables required where typed with diacritics)."""
    clauses: list[Query] = []
    for run in runs:
        if len(run) < 2:
            continue
        spans = [(run, RUN_BOOST)] + ([(list(p), PAIR_BOOST) for p in zip(run, run[1:], strict=False)] if len(run) > 2 else [])
        for words, boost in spans:
            clauses.extend(together(words, boost).subqueries)
    return Or(clauses) if clauses else None


def parse(schema, q: str) -> tuple[Query | None, str | None]:  # type: ignore[no-untyped-def]
    """Parse with sensible defaults (all words); on any trouble fall back to a plain OR of the words."""
    return parse_rewritten(schema, rewrite(normalise_query_text(q)))


def parse_rewritten(schema, rw: Rewritten, relaxed: bool = True) -> tuple[Query | None, str | None]:  # type: ignore[no-untyped-def]
    if not rw.text.strip():
        return None, None
    fields = list(FIELD_BOOSTS)
    try:
        query = exact_where_typed(_parser(schema, fields).parse(rw.text))
        query = all_but_one(query) if relaxed else query
        run = rw.runs[0] if len(rw.runs) == 1 else []
        if 1 < len(run) <= SHORT_RUN and rw.text.split() == run and not any(w.isdigit() for w in run):
            query = And([query, together(run)])  # 'da nang', 'bóng đá nữ': the words standing together, not scattered
        boosts = adjacency(rw.runs)
        return (AndMaybe(query, boosts) if boosts is not None else query), None
    except Exception:  # noqa: BLE001 - Whoosh raises several kinds on odd input
        words = re.findall(r"\w+", rw.text)
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
    for _, base in docsets.reader.leaf_readers():  # opens each segment's stored-fields file (~40 ms each at 10,000 docs)
        if base < docsets.size:
            searcher.stored_fields(base)
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
    """Results of a query (JSON-ready), within its bounds (limits.py) and time budget (seconds; None: no budget), on a
    held searcher. When nothing matches and a spelling suggestion exists, the suggestion's results are shown instead:
    `suggestion`, `showing_suggestion: true` and a `message` saying so ("Hiển thị kết quả cho …")."""
    deadline = Deadline(budget)
    with searching(index_dir, wait) as opened:
        q, notes = bound_query(request.q)
        result = _search(opened, request, q, deadline)
        notes += result.pop("notes")
        result["showing_suggestion"] = False
        # a typo, even in a long query; a bound's note does not stop the suggestion, a query Whoosh could not read does
        if result["strict_total"] == 0 and result["message"] is None and q.strip() and not deadline.over():
            suggestion = _folded_suggestion(opened.searcher, opened.docsets, q, deadline)
            result["suggestion"] = suggestion
            if suggestion and not request.exact:
                shown = _search(opened, request, suggestion, deadline)
                if shown["total"]:
                    notes += shown.pop("notes")
                    result = {**shown, "query": request.q, "suggestion": suggestion, "showing_suggestion": True,
                              "message": f"Hiển thị kết quả cho “{suggestion}”; tìm đúng “{request.q}”"}
    # one message: the bounds that bit, then what the query itself said, then the time budget
    parts = [*notes, result["message"], deadline.note() if deadline.hit else None]
    result["message"] = " ".join(m for m in parts if m) or None
    result["partial"] = deadline.hit  # over its time budget: plain snippets, no did-you-mean
    result.pop("strict_total", None)
    result["took_ms"] = round((time.perf_counter() - deadline.started) * 1000, 1)
    return result


def _search(opened: OpenIndex, request: SearchRequest, q: str, deadline: Deadline) -> dict[str, Any]:
    """One query's results; `message` is what parsing said, `notes` the expansions that were capped (search() joins them)."""
    searcher, docsets = opened.searcher, opened.docsets
    rw = rewrite(normalise_query_text(q))
    query, message = parse_rewritten(searcher.schema, rw)
    notes: list[str] = []
    if query is not None:
        query, notes = bound_expansions(query, searcher.reader())
    page = max(1, request.page)
    per_page = max(1, min(request.per_page, 50))
    result: dict[str, Any] = {"query": q, "total": 0, "page": page, "per_page": per_page, "hits": [], "facets": {}, "suggestion": None, "message": message, "strict_total": 0, "notes": notes}
    if query is None:
        result["message"] = message or "Hãy nhập từ khóa để tìm."
        return result
    matching = to_folded_phrases(query)
    wanted = docsets.of(matching)  # every match, phrases checked by position once: the total and facet counts come from here
    flt = _filter_query(request.filters)
    if flt is not None:
        wanted &= docsets.of(flt)
    result["total"] = wanted.bit_count()
    result["strict_total"] = result["total"]
    strict, _ = parse_rewritten(searcher.schema, rw, relaxed=False)
    if strict is not None and repr(strict) != repr(query):  # a long query: did every term match somewhere?
        result["strict_total"] = (docsets.of(to_folded_phrases(strict)) & wanted).bit_count()
    for name in FACETS:
        result["facets"][name] = sorted(
            ({"value": k, "count": v} for k, v in docsets.counts(name, wanted).items() if k), key=lambda g: (-g["count"], str(g["value"]))
        )
    ranked = _ranked(opened, matching, wanted, page * per_page, request.sort) if result["total"] else []
    terms = units(rw)
    for docnum, score in ranked[(page - 1) * per_page :]:
        hit = searcher.stored_fields(docnum)
        result["hits"].append({
            "id": hit["id"], "url": hit["url"], "title": hit.get("title") or hit["id"], "score": round(score, 3),
            "snippet": html.escape(hit.get("body", "")[:240]) if deadline.over() else snippet(hit.get("body", ""), terms, f"{hit.get('title') or ''} {hit.get('issuer') or ''}",
                               lambda unit, d=docnum: all(docsets.term(PHRASE_FIELD, folded_form(w)) >> d & 1 for w in unit.words)),
            "doc_type": hit.get("doc_type"),
            "date": hit.get("date"), "number": hit.get("number_display"), "issuer": hit.get("issuer"), "province": hit.get("province"),
        })
    return result


SUGGESTION_CANDIDATES = 8  # spellings within reach of a misspelt word, ranked by the words around it
SPELLING_PREFIX = 1  # letters a suggestion shares with the typed word


def _spellings(searcher, corrector, word: str) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Known words one edit away, and all within two, kept on the searcher (which sees one fixed set of terms)."""
    cache = searcher.__dict__.setdefault("_spellings", {})
    if word not in cache:
        # the first letter is kept (typos rarely touch it): the walk of the term list is then a fraction
        near = corrector.suggest(word, limit=SUGGESTION_CANDIDATES, maxdist=1, prefix=SPELLING_PREFIX)
        far = corrector.suggest(word, limit=SUGGESTION_CANDIDATES, maxdist=2, prefix=SPELLING_PREFIX)
        cache[word] = near, list(dict.fromkeys(near + far))
        if len(cache) > 4096:
            cache.pop(next(iter(cache)))
    return cache[word]


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
        near, candidates = _spellings(searcher, corrector, word)
        if not candidates:
            fixed.append(word)
            continue
        left, right = (fixed[i - 1] if i else None), (words[i + 1] if i + 1 < len(words) else None)

        def fit(candidate: str, left: str | None = left, right: str | None = right, near: list[str] = near) -> tuple[int, bool, int]:
            pairs = sum(docsets.of(Phrase(PHRASE_FIELD, pair)).bit_count() for pair in ([left, candidate], [candidate, right]) if None not in pair)
            return pairs, candidate in near, searcher.doc_frequency("body_f", candidate)

        fixed.append(max(candidates, key=fit))
    return " ".join(fixed) if fixed != words else None
