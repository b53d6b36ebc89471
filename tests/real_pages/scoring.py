"""Scoring a conversion against a page's expectations (tests/real_pages/*.yaml): shared by the real-pages
tests and by `bench/real_pages_bench.py`, so both count the same thing.

Written independently of the converter's patterns: text is compared as words (tests/retention.py), with
NBSP and space alike, Markdown markers ignored, so a converter rewrite changes the scores, not the rules.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from bs4 import BeautifulSoup

from converters.loading import decode
from converters.model import ConversionError
from converters.pipeline import convert_file
from converters.report import entry_for

from ..retention import OUTPUT_MARKERS, SOURCE_MARKERS, header_text, output_body, two_header_cells, words

ROOT = Path(__file__).resolve().parents[2]
REAL_PAGES = ROOT / ".." / "shared" / "real-pages"  # the development set, read-only, outside the repository
SHAPES = ROOT / "tests" / "fixtures" / "real_shapes"  # imitation pages written for this project
EXPECTATIONS = Path(__file__).with_name("expectations.yaml")
SHAPE_EXPECTATIONS = Path(__file__).with_name("fixtures.yaml")
REFUSAL = "no document text found"
CHECKED_FIELDS = ("doc_type", "number", "date", "issuer", "signer")
# A news item has no document metadata at all: besides the fields above, nothing drawn from a header or a closing
# (issue 18: a headline taken as parent issuer, an author line as signer).
NEWS_EMPTY_FIELDS = ("parent_issuer", "signer_title", "signer_capacity", "recipients")

# Column gaps and cell bars split a source line into pieces a converter may legitimately move apart
# (a flattened two-column header is rebuilt column by column).
PIECE_SPLIT = re.compile(r"\s*\|\s*|\t+|[ \u00a0]{3,}")
MD_HEADING = re.compile(r"^#{1,6}\s+")
MD_ESCAPE = re.compile(r"\\(?=[^\w\s])")
MD_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
SPACES = re.compile(r"[\s\u00a0]+")
INVISIBLE_TAGS = ["script", "style", "noscript", "template", "head", "title"]


def expected_metadata(expect: dict[str, Any]) -> dict[str, Any]:
    """The fields to check: those written for the page, and for a news item every header/closing field as empty.

    >>> expected_metadata({"kind": "NEWS", "metadata": {"number": None}})
    {'number': None, 'parent_issuer': None, 'signer_title': None, 'signer_capacity': None, 'recipients': None}
    """
    fields = dict(expect.get("metadata") or {})
    if expect.get("kind") == "NEWS":
        fields.update(dict.fromkeys(f for f in NEWS_EMPTY_FIELDS if f not in fields))
    return fields


def load_expectations(path: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {name: {"chrome": [], "keep": [], "metadata": {}, "refuse": False, **(entry or {})} for name, entry in data.items()}


def pages(directory: Path, expectations: Path) -> list[tuple[Path, dict[str, Any]]]:
    """(page, expectation) pairs, in file order; empty when the directory is absent (tests then skip)."""
    if not directory.is_dir() or not expectations.exists():
        return []
    return [(directory / name, expect) for name, expect in sorted(load_expectations(expectations).items())]


def normalise(text: str) -> str:
    """NFC, NBSP and every blank run as one space.

    >>> normalise("Số:\\u00a0\\u00a0 218 /BC-UBND ")
    'Số: 218 /BC-UBND'
    """
    return SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def plain_line(line: str) -> str:
    """One Markdown output line as the reader sees its text: no heading hashes, list marker, escapes, emphasis.

    >>> plain_line("##### 1\\\\.1\\\\. **Lịch tiếp** công dân")
    '1.1. Lịch tiếp công dân'
    >>> plain_line("- Bộ Y tế;")
    'Bộ Y tế;'
    """
    line = MD_HEADING.sub("", line.strip())
    line = line[2:] if line[:2] in ("- ", "+ ", "> ") else line
    return normalise(MD_EMPHASIS.sub("", MD_ESCAPE.sub("", line)))


def body_lines(markdown: str) -> list[str]:
    return [p for p in (plain_line(line) for line in output_body(markdown).split("\n")) if p]


def source_text(path: Path) -> str:
    """The page as a reader sees it, one line per source line (HTML: the visible text, one line per text node run)."""
    text, _encoding = decode(path.read_bytes())
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).lstrip("\ufeff")
    if path.suffix.lower() in (".html", ".htm"):
        soup = BeautifulSoup(text, "lxml")
        for tag in soup(INVISIBLE_TAGS):
            tag.decompose()
        text = soup.get_text("\n")
    return text


def source_pieces(path: Path) -> list[str]:
    """Every non-empty piece of every source line (split at cell bars and column gaps), normalised."""
    out = []
    for line in source_text(path).split("\n"):
        out += [normalise(p) for p in PIECE_SPLIT.split(line) if words(p, SOURCE_MARKERS)]
    return out


def _present(needle: str, haystack: Iterable[str]) -> bool:
    pattern = re.compile(r"(?<!\w)" + re.escape(needle) + r"(?!\w)")
    return any(pattern.search(line) for line in haystack)


def chrome_kept(lines: list[str], chrome: list[str]) -> list[str]:
    """The chrome strings still found on some output line (whole words)."""
    return [c for c in chrome if _present(normalise(c), lines)]


def keep_counts(lines: list[str], keep: list[str]) -> dict[str, int]:
    """How often each document fragment appears in the output text (lines joined: a converter may join wrapped lines)."""
    joined = " " + " ".join(lines) + " "
    return {k: len(re.findall(r"(?<!\w)" + re.escape(normalise(k)) + r"(?!\w)", joined)) for k in keep}


def unaccounted(pieces: list[str], output_text: str, dropped_texts: list[str]) -> list[str]:
    """Source pieces whose words are neither in the output nor in any text the report lists as dropped.

    A header line whose two columns were flattened with a single space ("BCĐ … MỚI CỘNG HÒA …") counts as kept
    when it splits once into two runs of at least three words, each in the rendered header's cells.

    >>> header = '<div class="doc-header" markdown>**ỦY BAN NHÂN DÂN XÃ AN**  **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**</div></div>'
    >>> unaccounted(["ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ỦY BAN NHÂN DÂN VIỆT NAM"], header, [])
    ['ỦY BAN NHÂN DÂN VIỆT NAM']
    """
    out_stream = " " + " ".join(words(output_text, OUTPUT_MARKERS)) + " "
    header_stream = " " + " ".join(words(header_text(output_text), OUTPUT_MARKERS)) + " "
    drop_stream = " " + " ".join(" ".join(words(t, SOURCE_MARKERS)) + " ¦" for t in dropped_texts) + " "
    lost = []
    for piece in pieces:
        piece_words = words(piece, SOURCE_MARKERS)
        needle = " " + " ".join(piece_words) + " "
        if piece_words and needle not in out_stream and needle not in drop_stream and not two_header_cells(piece_words, header_stream):
            lost.append(piece)
    return lost


@dataclass
class Conversion:
    markdown: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    dropped: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


@cache
def convert(path: Path) -> Conversion:
    """The converter on one page (cached: the vbpl pages are ~1 MB each); a failure becomes its message."""
    try:
        doc = convert_file(path)
    except ConversionError as exc:
        return Conversion(error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a converter bug is a score, not a crash of the whole table
        return Conversion(error=f"internal converter error: {type(exc).__name__}: {exc}")
    entry = entry_for(path, None, doc, None)
    return Conversion(markdown=doc.markdown, metadata=doc.metadata, dropped=entry["dropped"])


@dataclass
class Score:
    """What a user would notice on one page."""

    page: str
    kind: str
    refused: bool
    error: str | None
    chrome_kept: list[str]
    keep_missing: list[str]  # fragments absent …
    keep_repeated: list[str]  # … or printed more than once
    lines_lost: list[str]  # source pieces neither in the output nor listed as dropped
    right: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # expected a value, got none
    wrong: list[str] = field(default_factory=list)  # expected a value, got another
    invented: list[str] = field(default_factory=list)  # expected none, got one
    metadata_diff: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field → (expected, got) where not right

    @property
    def clean(self) -> bool:
        return not (self.error or self.chrome_kept or self.keep_missing or self.keep_repeated or self.lines_lost
                    or self.missing or self.wrong or self.invented)


def metadata_score(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, list[str]]:
    """Field by field: right / missing / wrong / invented (null expected, value found).

    >>> metadata_score({"number": "1/BC", "date": None, "signer": "A"}, {"number": "1/BC", "date": "2021", "signer": None})
    {'right': ['number'], 'missing': ['signer'], 'wrong': [], 'invented': ['date']}
    """
    result: dict[str, list[str]] = {"right": [], "missing": [], "wrong": [], "invented": []}
    for key, want in expected.items():
        got = actual.get(key)
        got = None if got in ("", []) else got
        if want is None:
            result["right" if got is None else "invented"].append(key)
        elif got is None:
            result["missing"].append(key)
        else:
            result["right" if str(got) == str(want) else "wrong"].append(key)
    return result


def title_too_long(expect: dict[str, Any], metadata: dict[str, Any]) -> bool:
    """The title holds more than the type line and its subject (the body's first clauses swallowed into it).

    >>> title_too_long({"title_max_words": 3}, {"title": "Báo cáo tuần: Căn cứ Luật"})
    True
    """
    limit, title = expect.get("title_max_words"), metadata.get("title") or ""
    return limit is not None and len(words(title, SOURCE_MARKERS)) > limit


def score_output(path: Path, expect: dict[str, Any], markdown: str, metadata: dict[str, Any] | None,
                 dropped_texts: list[str], error: str | None = None) -> Score:
    """Score any extractor's output (the converter's, or a baseline's with no metadata and no report)."""
    refuse = bool(expect.get("refuse"))
    kind = str(expect.get("kind", "?"))
    if error is not None or refuse:
        refused_right = error is not None and REFUSAL in error
        return Score(path.name, kind, refused_right, None if refuse and refused_right else (error or "converted; should refuse"),
                     [], [], [], [])
    lines = body_lines(markdown)
    counts = keep_counts(lines, expect["keep"])
    score = Score(
        page=path.name, kind=kind, refused=False, error=None,
        chrome_kept=chrome_kept(lines, expect["chrome"]),
        keep_missing=[k for k, n in counts.items() if n == 0],
        keep_repeated=[k for k, n in counts.items() if n > 1],
        lines_lost=unaccounted(source_pieces(path), output_body(markdown), dropped_texts),
    )
    if metadata is not None:
        fields = expected_metadata(expect)
        for key, names in metadata_score(fields, metadata).items():
            setattr(score, key, names)
        score.metadata_diff = {k: (fields[k], metadata.get(k)) for k in score.missing + score.wrong + score.invented}
        if title_too_long(expect, metadata):
            score.wrong.append("title")
            score.metadata_diff["title"] = (f"at most {expect['title_max_words']} words", metadata.get("title"))
    return score


def score_page(path: Path, expect: dict[str, Any]) -> Score:
    result = convert(path)
    return score_output(path, expect, result.markdown, result.metadata, [d["text"] for d in result.dropped], result.error)


def as_paragraphs(path: Path) -> str:
    """A text page as HTML for an HTML-only baseline: each source line one <p> (an HTML page is returned as is)."""
    text = source_text(path)
    if path.suffix.lower() in (".html", ".htm"):
        return path.read_text(encoding="utf-8", errors="replace")
    body = "\n".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line.strip())
    return f"<html><body><article>{body}</article></body></html>"
