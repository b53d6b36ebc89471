"""The index's field types: Vietnamese syllable text indexed in one pass, positions kept as raw arrays.

`SyllableText.index()` turns a field value into postings with a list comprehension and a Counter, where Whoosh's
stock path makes a Token object per syllable and walks it through the format (~1.5 µs per token, two body fields
of several thousand syllables per report: a large part of the index build). The terms are exactly the analyzer's,
which still serves query parsing and highlighting.

`ArrayPositions` stores a posting's positions as a raw uint32 array instead of Whoosh's pickled deltas, so a phrase
check can read a whole posting list into numpy and intersect (document, position) keys in one go (docsets.py).
Native byte order: an index is built on the machine that serves it (`make build`), never copied between machines.
"""

from __future__ import annotations

from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Generator
from typing import Any

from whoosh.fields import TEXT
from whoosh.formats import Positions
from whoosh.system import pack_uint

from .vietnamese import SYLLABLE, SyllableTokenizer

POSITION_TYPE = "I"  # array typecode of a stored position: unsigned 32-bit


class ArrayPositions(Positions):
    """Positions as a raw array of unsigned 32-bit integers (frequency = number of positions)."""

    def encode(self, poslist: Any) -> bytes:
        return array(POSITION_TYPE, poslist).tobytes()

    def decode_positions(self, valuestring: bytes) -> list[int]:
        positions = array(POSITION_TYPE)
        positions.frombytes(valuestring)
        return positions.tolist()

    def decode_frequency(self, valuestring: bytes) -> int:
        return len(valuestring) // array(POSITION_TYPE).itemsize

    def decode_weight(self, valuestring: bytes) -> float:
        return self.decode_frequency(valuestring) * self.field_boost


class SyllableText(TEXT):
    """A text field of normalised syllables, with frequencies or array positions."""

    def __init__(self, form: Callable[[str], str], positions: bool = False, **kwargs: Any) -> None:
        super().__init__(analyzer=SyllableTokenizer(form), phrase=positions, **kwargs)  # type: ignore[arg-type]  # a tokenizer is an analyzer to Whoosh
        assert self.format is not None
        if positions:
            self.format = ArrayPositions(field_boost=self.format.field_boost)
        self.form = form

    def terms(self, value: str) -> list[str]:
        """The analyzer's terms in order, without Token objects."""
        return list(map(self.form, SYLLABLE.findall(value)))

    def index(self, value: Any, **kwargs: Any) -> Generator[tuple[bytes, int, float, bytes], Any, None]:
        if not isinstance(value, str):  # Whoosh also accepts pre-split sequences: leave those to its own path
            yield from super().index(value, **kwargs)
            return
        assert self.format is not None
        boost = self.format.field_boost
        terms = self.terms(value)
        if isinstance(self.format, ArrayPositions):
            positions: defaultdict[str, list[int]] = defaultdict(list)
            for pos, term in enumerate(terms):
                positions[term].append(pos)
            encode = self.format.encode
            for term, where in positions.items():
                yield term.encode("utf-8"), len(where), len(where) * boost, encode(where)
        else:
            for term, freq in Counter(terms).items():
                yield term.encode("utf-8"), freq, freq * boost, pack_uint(freq)
