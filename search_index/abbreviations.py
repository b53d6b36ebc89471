"""The abbreviation dictionary (abbreviations.tsv: abbreviation, expansion, parts, `part` for building blocks) and
how its entries relate: the parts an entry is made of, the compounds holding it, other spellings of one expansion.
The query rewrite (grammar.expand) asks it; snippets show an abbreviation as written and mark it for its expansion.
Add a line to the file: no reindexing needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from core.text import fold

ABBREVIATIONS_FILE = Path(__file__).with_name("abbreviations.tsv")


@dataclass(frozen=True)
class Entry:
    abbr: str  # as the reports write it: "UBMTTQVN", "KT-XH"
    expansion: str  # "Ủy ban Mặt trận Tổ quốc Việt Nam"
    parts: tuple[str, ...] = ()  # entries it is made of: ("UB", "MTTQ", "VN")
    part_only: bool = False  # UB, VN, ND …: a building block, not a term of its own


@lru_cache(maxsize=1)
def dictionary() -> dict[str, Entry]:
    """Upper-cased abbreviation → entry."""
    entries: dict[str, Entry] = {}
    for line in ABBREVIATIONS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        cols = [c.strip() for c in line.split("\t")] + ["", ""]
        parts = tuple(p for p in cols[2].split("+") if p)
        entries.setdefault(cols[0].upper(), Entry(cols[0], cols[1], parts, cols[3] == "part"))
    return entries


@cache
def leaves(abbr: str) -> frozenset[str]:
    """The smallest entries an abbreviation is made of: UBMTTQVN → {UB, MTTQ, VN}; UBKT (only UB listed) → {UB, UBKT}."""
    entry = dictionary()[abbr]
    if not entry.parts:
        return frozenset({abbr})
    found = frozenset().union(*(leaves(p.upper()) for p in entry.parts if p.upper() in dictionary()))
    covered = "".join(entry.parts).upper() == abbr.replace("-", "")
    return found if covered else found | {abbr}


@cache
def related(abbr: str) -> tuple[str, ...]:
    """Entries a query for `abbr` also finds: every compound containing it (MTTQ → UBMTTQ, UBMTTQVN), the entries it
    is made of that are terms of their own (UBMTTQVN → MTTQ, UBMTTQ), and other spellings of the same expansion
    (KT-XH, KTXH).

    >>> related("MTTQ")
    ('MTTQ', 'MTTQVN', 'UBMTTQ', 'UBMTTQVN')
    >>> related("UBND")
    ('UBND',)
    """
    entries = dictionary()
    mine, key = leaves(abbr), expansion_key(entries[abbr].expansion)
    found = []
    for other, entry in entries.items():
        if entry.part_only:
            continue
        theirs = leaves(other)
        core = theirs - {e for e in theirs if entries[e].part_only}
        if theirs >= mine or (theirs <= mine and core) or expansion_key(entry.expansion) == key:
            found.append(other)
    return tuple(sorted(found))


def expansion_key(expansion: str) -> str:
    return " ".join(re.findall(r"\w+", fold(expansion)))


@lru_cache(maxsize=1)
def long_forms() -> list[tuple[re.Pattern[str], str]]:
    """Expansions as folded patterns, longest first (so "Ủy ban Mặt trận Tổ quốc" is not read as "Mặt trận Tổ quốc")."""
    entries = [e for e in dictionary().values() if not e.part_only]
    entries.sort(key=lambda e: len(expansion_key(e.expansion)), reverse=True)
    return [(re.compile(r"(?<!\w)" + r"\W+".join(expansion_key(e.expansion).split()) + r"(?!\w)"), e.abbr.upper()) for e in entries]
