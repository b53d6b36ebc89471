"""Bounds on what one query may cost (issue 13): its length, its number of words, its wildcards and how many index
terms a wildcard expands to, and a time budget. Each bound that bites says so in the answer's message; a query is
shortened only between words and never loses a closing quote.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from itertools import islice

from whoosh.query import ConstantScoreQuery, MultiTerm, Or, Query, Term
from whoosh.reading import IndexReader

MAX_QUERY_CHARS = 500  # a long paragraph: more is pasted text, not a search
MAX_QUERY_WORDS = 32  # words and operators; as web search engines do
MAX_WILDCARDS = 4  # words holding * or ? in one query
MIN_WILDCARD_PREFIX = 2  # letters before the first * or ?: "*a*" would walk the whole lexicon
MAX_EXPANSIONS = 100  # index terms one wildcard may stand for (per field)
QUERY_BUDGET_S = 0.5  # seconds one query may take before it stops refining its answer (snippets, did-you-mean)

TOKEN = re.compile(r'"[^"]*"?[^\s"]*|[^\s"]+')  # a quoted phrase (perhaps left open, perhaps with ~slop) or a bare word
WILDCARD = re.compile(r"[*?]")
WORD = re.compile(r"\w")


def _shorten(q: str, limit: int) -> str:
    """Cut before `limit` characters, between words.

    >>> _shorten("nông thôn mới", 10)
    'nông thôn'
    """
    cut = q[: limit + 1]
    return cut[: cut.rfind(" ")] if " " in cut[:limit] else q[:limit]


def bound_query(q: str) -> tuple[str, list[str]]:
    """The query within its limits, and a note (in Vietnamese, for the reader) for each limit that changed it.

    >>> bound_query('"nông mới"~2  nong* -covid')
    ('"nông mới"~2  nong* -covid', [])
    >>> bound_query("*a* ab* ngân")
    ('ab* ngân', ["Bỏ qua '*a*': cần ít nhất 2 chữ cái trước dấu * hoặc ?."])
    >>> q, notes = bound_query(" ".join(["xã"] * 30) + ' "xây dựng nông thôn mới"')
    >>> q.endswith('"xây dựng"'), notes[0].startswith("Truy vấn dài quá 32 từ")
    (True, True)
    """
    notes: list[str] = []
    if len(q) > MAX_QUERY_CHARS:
        q = _shorten(q, MAX_QUERY_CHARS)
        notes.append(f"Truy vấn dài quá {MAX_QUERY_CHARS} ký tự; chỉ tìm theo phần đầu.")
    kept: list[str] = []
    words = wildcards = 0
    dropped: list[str] = []  # wildcards without their prefix
    extra: list[str] = []  # wildcards past MAX_WILDCARDS
    for token in TOKEN.findall(q):
        if token.startswith('"'):
            closed = token.find('"', 1)
            inner, suffix = (token[1:closed], token[closed + 1 :]) if closed > 0 else (token[1:], "")
            inner = inner.split()
            room = MAX_QUERY_WORDS - words
            if len(inner) > room:
                inner = inner[:room]
                words = MAX_QUERY_WORDS + 1  # the phrase was cut: say so below
            else:
                words += len(inner)
            if inner:
                kept.append('"' + " ".join(inner) + '"' + suffix)  # closed again, so the phrase stays a phrase
            if words > MAX_QUERY_WORDS:
                break
            continue
        if WILDCARD.search(token):
            prefix = WILDCARD.split(token, 1)[0]
            if len(WORD.findall(prefix)) < MIN_WILDCARD_PREFIX:
                dropped.append(token)
                continue
            wildcards += 1
            if wildcards > MAX_WILDCARDS:
                extra.append(token)
                continue
        words += 1
        if words > MAX_QUERY_WORDS:
            break
        kept.append(token)
    if dropped:
        shown = " ".join(dropped[:5]) + (" …" if len(dropped) > 5 else "")
        notes.insert(0, f"Bỏ qua '{shown}': cần ít nhất {MIN_WILDCARD_PREFIX} chữ cái trước dấu * hoặc ?.")
    if extra:
        notes.append(f"Chỉ dùng {MAX_WILDCARDS} từ có dấu * hoặc ? trong một truy vấn; bỏ qua '{' '.join(extra[:5])}'.")
    if words > MAX_QUERY_WORDS:
        notes.append(f"Truy vấn dài quá {MAX_QUERY_WORDS} từ; chỉ tìm theo {MAX_QUERY_WORDS} từ đầu.")
    return (" ".join(kept) if notes else q), notes


def bound_expansions(query: Query, reader: IndexReader) -> tuple[Query, list[str]]:
    """Each wildcard (or other multi-term query) that stands for more than MAX_EXPANSIONS index terms → its first
    MAX_EXPANSIONS terms, scored as Whoosh scores a wildcard (a constant), with a note."""
    notes: list[str] = []

    def bound(node: Query) -> Query:
        if isinstance(node, MultiTerm):
            texts = list(islice(node._btexts(reader), MAX_EXPANSIONS + 1))
            if len(texts) > MAX_EXPANSIONS:
                label = node.text if hasattr(node, "text") else f"[{getattr(node, 'start', '')} TO {getattr(node, 'end', '')}]"
                note = f"'{label}' khớp quá nhiều từ; chỉ tìm theo {MAX_EXPANSIONS} từ đầu tiên."  # once, not per field
                if note not in notes:
                    notes.append(note)
                fieldname, boost = node.fieldname, node.boost  # type: ignore[attr-defined]  # every concrete MultiTerm has both
                terms = [Term(fieldname, t.decode("utf-8") if isinstance(t, bytes) else t) for t in texts[:MAX_EXPANSIONS]]
                return ConstantScoreQuery(Or(terms), score=boost)
            return node
        return node.apply(bound)

    return bound(query), notes


@dataclass
class Deadline:
    """A query's time budget: checked between its steps (none of which is long once the bounds above hold)."""

    seconds: float | None = QUERY_BUDGET_S
    started: float = field(default_factory=time.perf_counter)
    hit: bool = False

    def over(self) -> bool:
        if self.seconds is not None and time.perf_counter() - self.started > self.seconds:
            self.hit = True
        return self.hit

    def note(self) -> str:
        return f"Tìm kiếm vượt quá {self.seconds:g} giây; kết quả có thể chưa đầy đủ (đoạn trích, gợi ý chính tả)."
