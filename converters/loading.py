"""Stage 1: bytes → NFC text. Charset from BOM, HTTP-equiv/meta, else detection; legacy font encodings refused."""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from .model import ConversionError, Document

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)  # <meta charset> or http-equiv
XML_DECL = re.compile(rb"""^<\?xml[^>]+encoding=["']([A-Za-z0-9_\-]+)""", re.I)
HTML_SNIFF = re.compile(r"^\s*(?:<!DOCTYPE\s+html|<html|<head|<body|<meta|<div|<p[\s>]|<table|<!--)", re.I)

# TCVN3 (ABC) and VNI are 8-bit *font* encodings: text typed in them decodes as Latin-1 mojibake.
# These are their most frequent byte-as-Latin-1 shapes (the vowels with tone marks), never seen in real NFC Vietnamese.
TCVN3_MARKERS = re.compile(r"[¸µ¶·¹¨¾»¼½Æ©ÊÇÈÉË®ìÝ×ØÜÞ«¬]{1}(?=[a-zA-Z ])")  # "®¶ng ñy" = "Đảng ủy"
TCVN3_WORD_LIST = ("®¶ng", "®ång", "ViÖt", "n¨m", "th¸ng", "ngµy", "b¸o", "c¸o", "Nh©n", "d©n", "Héi", "Ph­êng", "x·", "c«ng")
VNI_WORD_LIST = ("Ñaûng", "Vieät", "naêm", "thaùng", "ngaøy", "baùo", "caùo", "nhaân", "daân", "Hoäi", "phöôøng", "xaõ", "coâng")
TCVN3_WORDS = re.compile(r"(?<!\w)(?:" + "|".join(TCVN3_WORD_LIST) + r")(?!\w)")
# Each word above holds one of these (tests/test_converter.py checks), and NFC Vietnamese holds none of them but "©"
# (page footers): the marks TCVN3 and VNI put where Unicode has a precomposed letter, or letter pairs it never writes.
TCVN3_KEYS = ("®", "å", "Ö", "¨", "¸", "µ", "©", "\xad", "·", "«", "Héi")
VNI_KEYS = ("Ñ", "û", "ä", "ø", "ö", "aê", "aù", "aâ", "aõ", "oâ")
VNI_WORDS = re.compile(r"\b(?:" + "|".join(VNI_WORD_LIST) + r")\b")


def _bom_encoding(raw: bytes) -> str | None:
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            return name
    return None


def _declared_encoding(raw: bytes) -> str | None:
    head = raw[:4096]
    match = XML_DECL.search(head) or META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii").lower()
    try:
        codecs.lookup(name)
    except LookupError:
        return None
    return name


def decode(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raises ConversionError when nothing decodes."""
    if not raw.strip():
        raise ConversionError("empty file")
    encoding = _bom_encoding(raw) or _declared_encoding(raw)
    if encoding is None:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            best = from_bytes(raw).best()
            if best is None:
                raise ConversionError("cannot detect the character encoding") from None
            encoding = best.encoding
    try:
        return raw.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise ConversionError(f"declared encoding {encoding!r} does not decode the file: {exc}") from None


def legacy_font_encoding(text: str) -> str | None:
    """Name the legacy Vietnamese font encoding the text was typed in, if any.

    >>> legacy_font_encoding("®¶ng ñy x· ViÖt"), legacy_font_encoding("Ñaûng uûy xaõ Vieät"), legacy_font_encoding("Đảng ủy xã")
    ('TCVN3 (ABC)', 'VNI', None)
    """
    # The regexes test every position (their word-boundary asserts defeat re's first-character skip): 5 ms on a 40 KB
    # page. A match needs one of the keys, which `in` finds at memory speed.
    if any(key in text for key in TCVN3_KEYS) and len(TCVN3_WORDS.findall(text)) >= 3:
        return "TCVN3 (ABC)"
    if any(key in text for key in VNI_KEYS) and len(VNI_WORDS.findall(text)) >= 3:
        return "VNI"
    return None


def load(doc: Document) -> None:
    """Decode, normalise line ends and Unicode (NFC: windows-1258 and NFD text use combining tone marks)."""
    text, encoding = decode(doc.raw)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).lstrip("\ufeff")
    legacy = legacy_font_encoding(text)
    if legacy is None and not encoding.lower().startswith(("utf", "ascii")):
        legacy = legacy_font_encoding(doc.raw.decode("latin-1"))  # 8-bit font text, whatever the detector guessed
    if legacy:
        raise ConversionError(f"text is in the legacy {legacy} font encoding; it would publish as mojibake, so it is not converted")
    doc.text = text
    doc.encoding = encoding
    if doc.source_format == "text" and (doc.source.suffix.lower() in {".html", ".htm"} or HTML_SNIFF.match(text[:200])):
        doc.source_format = "html"
    elif doc.source.suffix.lower() in {".md", ".markdown"}:
        doc.source_format = "markdown"
