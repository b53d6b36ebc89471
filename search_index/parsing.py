"""From the rewritten query (grammar.py) to a Whoosh query: exact and folded fields, a word typed with diacritics
matching that spelling only, words of a short run standing together, adjacency boosts, a long query also matching
documents missing one term, phrases moved onto the folded positions. A malformed query never raises: it falls back
to a plain OR of its words, with a message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh.fields import Schema
from whoosh.qparser import AndGroup, MultifieldParser, OrGroup, PlusMinusPlugin, QueryParser
from whoosh.qparser.syntax import GroupNode
from whoosh.query import And, AndMaybe, Or, Phrase, Query, Term

from core.text import fold

from .grammar import Rewritten, rewrite
from .vietnamese import exact_form, folded_form, normalise_query_text

FIELD_BOOSTS = {"title": 4.0, "title_f": 2.0, "meta": 3.0, "meta_f": 1.5, "body": 2.0, "body_f": 1.0}  # exact beats folded about 2:1
EXACT_OF = {"title_f": "title", "meta_f": "meta", "body_f": "body"}  # folded field → its exact twin
FACETS = ["year", "doc_type", "province", "issuer"]
# Adjacency: a run of plain words scores again as a phrase where its words stand together (whole run and each pair),
# more in the title and metadata: words that stand together come first, and a fold-only scattered match never
# outranks an exact adjacent one.
RUN_BOOST, PAIR_BOOST = 6.0, 3.0
PLACE_BOOSTS = {"title_f": 2.0, "meta_f": 2.0, "body_f": 1.0}
SHORT_RUN = 3  # a query of at most this many plain words (no digits) asks for them standing together
LONG_QUERY = 4  # a query of at least this many terms matches documents holding all but one (ranked below all)
PHRASE_FIELD = "body_f"  # folded syllables with positions
EXACT_BODY = "body"  # exact syllables, frequencies only


@dataclass
class Parsed:
    query: Query | None  # what is matched and ranked
    strict: Query | None  # every term required: whether a long query matched as typed (None: the same as `query`)
    message: str | None  # what parsing said (a query Whoosh could not read), for the reader


def parse(schema: Schema, q: str) -> tuple[Query | None, str | None]:
    """Parse with sensible defaults (all words); on any trouble fall back to a plain OR of the words."""
    parsed = parse_rewritten(schema, rewrite(normalise_query_text(q)))
    return parsed.query, parsed.message


def parse_rewritten(schema: Schema, rw: Rewritten) -> Parsed:
    """The query to match and rank, and the strict one (every term required) where they differ: parsed once."""
    if not rw.text.strip():
        return Parsed(None, None, None)
    fields = list(FIELD_BOOSTS)
    try:
        strict = exact_where_typed(_parser(schema, fields).parse(rw.text))
        relaxed = all_but_one(strict)
        run = rw.runs[0] if len(rw.runs) == 1 else []
        if 1 < len(run) <= SHORT_RUN and rw.text.split() == run and not any(w.isdigit() for w in run):
            near = together(run)  # 'da nang', 'bóng đá nữ': the words standing together, not scattered
            both = relaxed is strict
            strict = And([strict, near])
            relaxed = strict if both else And([relaxed, near])
        boosts = adjacency(rw.runs)
        query = AndMaybe(relaxed, boosts) if boosts is not None else relaxed
        return Parsed(query, None if relaxed is strict else strict, None)
    except Exception:  # noqa: BLE001 - Whoosh raises several kinds on odd input
        words = re.findall(r"\w+", rw.text)
        if not words:
            return Parsed(None, None, "Truy vấn không hợp lệ; hãy nhập từ khóa.")
        return Parsed(_parser(schema, fields, OrGroup).parse(" ".join(words)), None, "Truy vấn có cú pháp lạ; đã tìm theo các từ khóa.")


def _parser(schema: Schema, fields: list[str], group: type[GroupNode] = AndGroup) -> QueryParser:
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


def all_but_one(query: Query) -> Query:
    """A long query ("KT-XH 6 tháng đầu năm 2023", a question) also finds the documents missing one of its terms;
    those holding every term score once per term left out, so they stay on top."""
    if isinstance(query, And) and len(query.subqueries) >= LONG_QUERY:
        subs = list(query.subqueries)
        return Or([And(subs[:i] + subs[i + 1 :]) for i in range(len(subs))], boost=query.boost)
    return query


def together(words: list[str], boost: float = 1.0) -> Or:
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


def to_folded_phrases(query: Query) -> Query:
    """A phrase over the exact body (which keeps no positions) → the same phrase over the folded body, with each exact
    syllable also required, so that 'mà' stays apart from 'ma' in a phrase typed with diacritics, as for single words."""
    if isinstance(query, Phrase) and query.fieldname == EXACT_BODY and query.words:
        words = [folded_form(w) for w in query.words]
        phrase = Phrase(PHRASE_FIELD, words, slop=query.slop) if len(words) > 1 else Term(PHRASE_FIELD, words[0])
        return And([phrase, *(Term(EXACT_BODY, w) for w in query.words)], boost=query.boost)
    return query.apply(to_folded_phrases)


def filter_query(filters: dict[str, str]) -> Query | None:
    """The facet filters (year, type, province, issuer) a request names, all required."""
    terms = [Term(k, v) for k, v in filters.items() if k in FACETS and v]
    return And(terms) if terms else None
