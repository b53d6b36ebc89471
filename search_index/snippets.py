"""Snippets that show the match: the passage holding the most query terms standing together, with only the matched
terms marked — a phrase (quoted, an abbreviation's expansion, a name, a number, a date) as a whole, an abbreviation as
written, a single word only when it is a term of its own. A word typed with diacritics matches only that spelling
(tone placement and i/y aside): 'Tiến' never marks 'tiền'; a word typed without them matches every spelling.

Occurrences are found with accent-insensitive patterns over the stored text itself (C regex, offsets exact, original
diacritics shown), then checked syllable by syllable where the query had diacritics. The patterns run over a flat copy
of the lower-cased text (same length: each letter of an accent class replaced by the class's letter, 'ộ' → 'o'), so
that they are plain words the regex engine scans for fast and compiles at once; a text or word that copy cannot stand
for exactly is scanned with the accent classes themselves.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from core.text import accent_insensitive, fold

from .abbreviations import dictionary
from .grammar import Rewritten
from .vietnamese import exact_form, folded_form

WIDTH = 240  # characters a snippet shows
LEAD = 50  # characters before the best passage's first term
MAX_OCCURRENCES = 400  # per term: enough to find the best passage of a long report, bounded cost


@dataclass(frozen=True)
class Unit:
    words: tuple[str, ...]  # as typed
    covers: frozenset[str]  # the query words it stands for, folded (an abbreviation stands for its expansion)
    run: int = -1  # a single word of this run (index): not marked where the run itself is found
    typed: bool = False  # as the user typed it (an expansion or related compound is not): preferred on a tie


def _has_marks(word: str) -> bool:
    return fold(word) != word.lower()


def units(rw: Rewritten) -> list[Unit]:
    """The terms a snippet looks for: phrases, abbreviations as written, runs of plain words and their pairs, and the
    single words that are terms of their own (not a syllable of a name typed as one: 'Nguyễn Tiến Giang')."""
    found: dict[tuple[str, ...], tuple[frozenset[str], int]] = {}
    entries = dictionary()

    def add(words: list[str], run: int = -1, stands_for: list[str] | None = None) -> None:
        key = tuple(w for w in words if w)
        if key and key not in found:
            found[key] = (frozenset(map(folded_form, stands_for or key)), run)

    for phrase in rw.phrases:
        add(phrase)
    for abbr in rw.as_written:
        entry = entries.get(abbr.upper())
        add(re.findall(r"\w+", abbr), stands_for=re.findall(r"\w+", entry.expansion) if entry else None)
    for number, run in enumerate(rw.runs):
        if len(run) > 1:
            add(run)
            for a, b in zip(run, run[1:], strict=False):
                add([a, b])
        names = {i for i in range(len(run)) if run[i][:1].isupper() and (
            (i > 0 and run[i - 1][:1].isupper()) or (i + 1 < len(run) and run[i + 1][:1].isupper()))}
        for i, word in enumerate(run):
            if i not in names:
                add([word], number if len(run) > 1 else -1)
    typed = {tuple(t) for t in rw.typed}
    return [Unit(words, covers, run, words in typed) for words, (covers, run) in found.items()]


WORD = re.compile(r"\w+")
SPACES = re.compile(r"\s+")
_exact = lru_cache(maxsize=65536)(exact_form)  # a report repeats its syllables: each spelling normalised once


def _accent_classes() -> dict[str, str]:
    """Letter → the letters its accent class holds (converters.text.accent_insensitive), other than itself."""
    letters = {fold(chr(code)) for code in range(0xC0, 0x1F00)} | set("abcdefghijklmnopqrstuvwxyz")
    classes = {}
    for letter in sorted(c for c in letters if len(c) == 1):
        body = accent_insensitive([letter]).pattern[7:-6]  # the class, between the pattern's boundary checks
        if body.startswith("[") and body.endswith("]") and "\\" not in body:
            classes[letter] = "".join(c for c in body[1:-1] if c != letter)
    return classes


ACCENT_CLASSES = _accent_classes()
FLAT = {ord(member): letter for letter, members in ACCENT_CLASSES.items() for member in members}  # 'ộ' → 'o'


def _kind(c: str) -> tuple[bool, bool]:
    return c.isalnum(), WORD.match(c) is not None


# Members the flat copy cannot stand for: one whose kind differs from its letter's would move word boundaries (the
# combining dot of 'İ'.lower()), one in two classes would be told from neither
_SHARED = {m for letter, members in ACCENT_CLASSES.items() for m in members if sum(m in other for other in ACCENT_CLASSES.values()) > 1}
_UNSAFE = "".join(sorted({chr(m) for m, letter in FLAT.items() if _kind(chr(m)) != _kind(letter)} | _SHARED))
NOT_FLAT = re.compile("[" + re.escape(_UNSAFE) + "]") if _UNSAFE else None
_FLAT_CODES = np.arange(max(FLAT) + 1, dtype=np.uint32)  # code point → its flat code point
_FLAT_CODES[list(FLAT)] = [ord(letter) for letter in FLAT.values()]


def flat_copy(lower: str) -> str | None:
    """The lower-cased text with each accent class's members replaced by its letter (same length), or None when the
    text holds a character that copy cannot stand for.

    >>> flat_copy("nông thôn mới, đảng ủy")
    'nong thon moi, dang uy'
    """
    if NOT_FLAT is not None and NOT_FLAT.search(lower):
        return None
    # one table lookup per code point in numpy: str.translate looks each character up in a dict (~5 ms a report)
    codes = np.frombuffer(lower.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    inside = codes < len(_FLAT_CODES)
    flat = np.where(inside, _FLAT_CODES[np.where(inside, codes, 0)], codes)
    return flat.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def _occurrences(text: str, unit: Unit, lower: str, flat: str | None = None) -> list[tuple[int, int]]:
    """Where the unit stands in the text (`lower`: the text lower-cased, same length; `flat`: its flat copy, if any):
    plain words over the flat copy, else lower-case accent classes (no look-behind: several times faster than
    case-insensitive ones); the word boundary before is checked here."""
    pattern = _flat_pattern(unit.words) if flat is not None else None
    target = flat if pattern is not None and flat is not None else lower
    pattern = pattern or _pattern(unit.words)
    checks = [(i + 1, exact_form(w)) for i, w in enumerate(unit.words) if _has_marks(w)]  # (group of the word, spelling)
    spans = []
    for m in pattern.finditer(target):
        start = m.start()
        if start and (lower[start - 1].isalnum() or lower[start - 1] == "_"):
            continue
        if checks and any(_exact(lower[m.start(group) : m.end(group)]) != want for group, want in checks):
            continue
        spans.append((start, m.end()))
        if len(spans) >= MAX_OCCURRENCES:
            break
    return spans


I_OR_Y = re.compile(r"^(qu|[hklmst])[iy]$")  # i/y spellings of one syllable (core.text.normalise_iy)


@lru_cache(maxsize=4096)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Accent-insensitive over lower-cased text, and i/y-insensitive where the spelling varies: 'liệt sĩ' finds
    'liệt sỹ'. No look-behind (checked by the caller): it would disable the regex engine's fast scan."""
    parts = []
    for word in words:
        folded = fold(word)
        variants = {folded, folded[:-1] + "i", folded[:-1] + "y"} if I_OR_Y.match(folded) else {folded}
        parts.append("(" + "|".join(accent_insensitive([v]).pattern[7:-6] for v in sorted(variants)) + ")")  # a group per word
    return re.compile(r"\W+".join(parts) + r"(?!\w)")


@lru_cache(maxsize=4096)
def _flat_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """The same pattern over the flat copy: plain words (with their i/y spellings); None when a word holds a letter
    that the flat copy replaces (it could not tell that letter from its class's)."""
    parts = []
    for word in words:
        folded = fold(word)
        if any(ord(c) in FLAT for c in folded):
            return None
        variants = {folded, folded[:-1] + "i", folded[:-1] + "y"} if I_OR_Y.match(folded) else {folded}
        parts.append("(" + "|".join(re.escape(v) for v in sorted(variants)) + ")")
    return re.compile(r"\W+".join(parts) + r"(?!\w)")


KNOWN_UNITS = 256  # units whose occurrences are kept for one text (then forgotten together)


@dataclass
class Known:
    """What snippets learnt of one text: where each unit stands, and the text made ready for scanning."""

    spans: dict[tuple[str, ...], list[tuple[int, int]]] = field(default_factory=dict)  # a unit's words → where it stands
    lower: str | None = None  # the text lower-cased, same length
    flat: str | None = None  # its flat copy (None where it cannot stand for the text)


def snippet(text: str, terms: list[Unit], heading: str = "", present: Callable[[Unit], bool] | None = None,
            known: Known | None = None) -> str:
    """The best passage of `text` as HTML, its matched terms in <mark>. Words the hit's heading already shows (title,
    issuer: "phường Hương Xuân" in a question about that ward) count half: the passage should show the rest.
    `present` tells from the index whether a unit's words are in this document at all: the others are not scanned.
    `known` keeps, for this text, where each unit was found: scanning a report for a unit (~0.3 ms per 30 KB) is the
    cost of a snippet, and queries share words far more often than whole queries."""
    if present is not None:
        terms = [unit for unit in terms if present(unit)]
    shown = frozenset(folded_form(w) for w in WORD.findall(heading))
    seen = known if known is not None else Known()

    def where(unit: Unit) -> list[tuple[int, int]]:
        spans = seen.spans.get(unit.words)
        if spans is not None:
            return spans
        if seen.lower is None:
            lower = text.lower()
            if len(lower) != len(text):  # a rare character whose lower case is longer: offsets would shift
                lower = "".join(c.lower()[:1] or c for c in text)
            seen.lower, seen.flat = lower, flat_copy(lower)
        spans = _occurrences(text, unit, seen.lower, seen.flat)
        if len(seen.spans) >= KNOWN_UNITS:
            seen.spans.clear()
        seen.spans[unit.words] = spans
        return spans

    # a run's single words are looked for (and marked) only where the run itself is not found
    spans = [where(unit) if unit.run < 0 else [] for unit in terms]
    whole_runs = {tuple(u.words) for u, found in zip(terms, spans, strict=True) if found and len(u.words) > 1}
    runs_found = {r for r, run in _runs(terms).items() if run in whole_runs}
    for n, unit in enumerate(terms):
        if unit.run >= 0 and unit.run not in runs_found:
            spans[n] = where(unit)
    found = [(start, end, n) for n, where in enumerate(spans) for start, end in where]
    if not found:
        return html.escape(" ".join(text[:WIDTH].split()))
    found.sort()
    bigger = [[m for m, other in enumerate(terms) if unit.covers < other.covers] for unit in terms]

    def score(inside: frozenset[int]) -> int:
        words = frozenset().union(*(terms[n].covers for n in inside))
        together = sum(len(terms[n].covers) - 1 for n in inside if not any(m in inside for m in bigger[n]))
        typed = max((len(terms[n].covers) for n in inside if terms[n].typed), default=0)
        known = frozenset().union(*(terms[n].covers for n in inside if terms[n].covers <= shown))  # terms the heading shows whole
        return 2 * len(words) - len(known) + 4 * together + 4 * typed  # each word once; adjacency; as typed

    # each occurrence opens a window: the one holding the most query words, together, wins. The window slides (a count
    # per term inside it), and a window's score depends only on which terms it holds: scored once per set of terms.
    best, best_score = 0, -1
    counts = [0] * len(terms)
    scores: dict[frozenset[int], int] = {}
    right = -1
    for left in range(len(found)):
        if left:
            counts[found[left - 1][2]] -= 1
        if right < left:
            right = left
            counts[found[left][2]] += 1
        limit = found[left][0] + WIDTH - LEAD
        while right + 1 < len(found) and found[right + 1][1] <= limit:
            right += 1
            counts[found[right][2]] += 1
        inside = frozenset(n for n, c in enumerate(counts) if c)
        if inside not in scores:
            scores[inside] = score(inside)
        if scores[inside] > best_score:
            best, best_score = left, scores[inside]
    start = max(0, found[best][0] - LEAD)
    if start:
        start = _word_start(text, start)
    end = min(len(text), start + WIDTH)
    if end < len(text):
        end = _word_end(text, end)
    marks: list[list[int]] = []
    for s, e, _ in sorted((s, e, n) for s, e, n in found if s >= start and e <= end):  # overlapping terms: one mark
        if marks and s < marks[-1][1]:
            marks[-1][1] = max(marks[-1][1], e)
        else:
            marks.append([s, e])
    out, at = [], start
    for s, e in sorted(marks):
        out += [_plain(text[at:s]), "<mark>", _plain(text[s:e]), "</mark>"]
        at = e
    out.append(_plain(text[at:end]))
    return ("… " if start else "") + "".join(out).strip() + (" …" if end < len(text) else "")


def _runs(terms: list[Unit]) -> dict[int, tuple[str, ...]]:
    """Run number → the whole run (the longest unit holding that run's single words). Keyed by the number itself:
    the terms left for one document may skip a run, so a position in a list is not the run's number."""
    numbers = sorted({unit.run for unit in terms if unit.run >= 0})
    longest = sorted((u.words for u in terms if len(u.words) > 1), key=len, reverse=True)
    return {r: next((w for w in longest if all(t.words[0] in w for t in terms if t.run == r)), ()) for r in numbers}


def _plain(part: str) -> str:
    return html.escape(SPACES.sub(" ", part))


def _word_start(text: str, at: int) -> int:
    space = text.rfind(" ", max(0, at - 20), at)
    return space + 1 if space >= 0 else at


def _word_end(text: str, at: int) -> int:
    space = text.find(" ", at, at + 20)
    return space if space >= 0 else at
