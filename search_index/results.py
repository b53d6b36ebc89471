"""The answer as JSON (`search()` and `/api/search`): the page of hits with their snippets, the facet counts, and one
message joining what the bounds, the query and the time budget said.
"""

from __future__ import annotations

import html
from typing import Any

from .docsets import DocSets
from .parsing import FACETS, PHRASE_FIELD
from .snippets import WIDTH, Known, Unit, snippet
from .vietnamese import folded_form


def empty(q: str, page: int, per_page: int, message: str | None, notes: list[str]) -> dict[str, Any]:
    """An answer with no hits yet; `strict_total` and `notes` are for search() and leave before it returns."""
    return {"query": q, "total": 0, "page": page, "per_page": per_page, "hits": [], "facets": {}, "suggestion": None,
            "message": message, "strict_total": 0, "notes": notes}


def facets(docsets: DocSets, wanted: int) -> dict[str, list[dict[str, Any]]]:
    """Per facet, its values among the matching documents, commonest first."""
    return {name: sorted(({"value": k, "count": v} for k, v in docsets.counts(name, wanted).items() if k),
                         key=lambda g: (-g["count"], str(g["value"]))) for name in FACETS}


def hit(stored: dict[str, Any], docnum: int, score: float, terms: list[Unit], docsets: DocSets, plain: bool,
        known: Known | None = None) -> dict[str, Any]:
    """One hit; its snippet shows the match (snippets.py), or the text's opening when the time budget is spent."""
    body = stored.get("body", "")
    heading = f"{stored.get('title') or ''} {stored.get('issuer') or ''}"

    def present(unit: Unit) -> bool:  # the unit's words are in this document at all (the index knows): else not scanned
        return all(docsets.term(PHRASE_FIELD, folded_form(w)) >> docnum & 1 for w in unit.words)

    return {
        "id": stored["id"], "url": stored["url"], "title": stored.get("title") or stored["id"], "score": round(score, 3),
        "snippet": html.escape(body[:WIDTH]) if plain else snippet(body, terms, heading, present, known),
        "doc_type": stored.get("doc_type"), "date": stored.get("date"), "number": stored.get("number_display"),
        "issuer": stored.get("issuer"), "province": stored.get("province"),
    }


def suggested(shown: dict[str, Any], typed: str, suggestion: str) -> dict[str, Any]:
    """The suggestion's answer in place of the typed query's (which found nothing)."""
    return {**shown, "query": typed, "suggestion": suggestion, "showing_suggestion": True,
            "message": f"Hiển thị kết quả cho “{suggestion}”; tìm đúng “{typed}”"}


def message(notes: list[str], said: str | None, budget_note: str | None) -> str | None:
    """One message: the bounds that bit, then what the query itself said, then the time budget."""
    return " ".join(m for m in [*notes, said, budget_note] if m) or None
