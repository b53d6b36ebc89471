"""The footnote fixer: every footnote dialect seen in scrapes becomes a Markdown footnote.

Dialects (reference ⇄ definition):
  DOCX extraction  `[footnoteRef:1]`  ⇄ `[1:  text]` inline after the paragraph
  pandoc plain     `^(I)`             ⇄ a line `^(I) text` where the old page ended
  superscript      `⁽²⁾` or `²`       ⇄ a line `⁽²⁾ text` / `² text`
  bracketed        `[1]` / `([1])`    ⇄ a line `[1]text`, usually after the signature
  Markdown         `[^1]`             ⇄ `[^1]: text`
A reference is converted only when its definition exists, and a definition is lifted out of the
body only when it is referenced, so nothing is lost: the rest is left in place and reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import patterns as P
from .model import Block, Document


@dataclass(frozen=True)
class Dialect:
    name: str
    ref: re.Pattern[str]
    definition: re.Pattern[str]


DIALECTS: list[Dialect] = [
    Dialect("markdown", P.FN_MD_REF, P.FN_MD_DEF),
    Dialect("caret", P.FN_CARET_REF, P.FN_CARET_DEF),
    Dialect("parenthesised superscript", P.FN_PAREN_SUP_REF, P.FN_PAREN_SUP_DEF),
    Dialect("bracketed", P.FN_BRACKET_REF, P.FN_BRACKET_DEF),
    Dialect("superscript", P.FN_SUP_REF, P.FN_SUP_DEF),
]


def _label(raw: str) -> str:
    return raw.translate(P.SUPERSCRIPT_DIGITS)


class _Labels:
    """Output labels: the source's own where unique, suffixed on collision."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.by_source: dict[tuple[str, str], str] = {}

    def assign(self, dialect: str, label: str) -> str:
        key = (dialect, label)
        if key not in self.by_source:
            out, n = label, 1
            while out in self.taken:
                n += 1
                out = f"{label}-{n}"
            self.taken.add(out)
            self.by_source[key] = out
        return self.by_source[key]


def _extract_docx_definitions(doc: Document, labels: _Labels) -> dict[str, str]:
    """`[N: text]` definitions sit inside body lines; lift them out."""
    found: dict[str, str] = {}
    for block in doc.blocks:
        if "[footnoteRef:" not in doc.text:
            break
        def lift(match: re.Match[str]) -> str:
            found[match["label"]] = " ".join(match["text"].split())
            return ""

        block.text = " ".join(P.FN_DOCX_DEF.sub(lift, block.text).split())
    for label, text in found.items():
        doc.footnotes[labels.assign("docx", label)] = text
    for block in doc.blocks:
        block.text = P.FN_DOCX_REF.sub(
            lambda m: f"[^{labels.assign('docx', m['label'])}]" if m["label"] in found else m.group(0), block.text
        )
    return found


def fix_footnotes(doc: Document) -> None:
    labels = _Labels()
    _extract_docx_definitions(doc, labels)
    doc.blocks = [b for b in doc.blocks if b.text]
    for dialect in DIALECTS:
        definitions: dict[str, Block] = {}
        texts: dict[str, str] = {}  # label → its definition's text
        for block in doc.blocks:
            match = dialect.definition.match(block.text)
            if match and _label(match["label"]) not in definitions:
                definitions[_label(match["label"])] = block
                texts[_label(match["label"])] = match["text"]
        if not definitions:
            continue
        referenced: set[str] = set()
        for block in doc.blocks:
            if block in definitions.values():
                continue
            referenced.update(_label(m["label"]) for m in dialect.ref.finditer(block.text))
        accepted = {label: block for label, block in definitions.items() if label in referenced}
        for label, block in definitions.items():
            if label not in referenced:
                doc.warn(f"line {block.first_line}: {dialect.name} footnote definition {label!r} has no reference; kept as text")
        if not accepted:
            continue
        for label in accepted:
            doc.footnotes[labels.assign(dialect.name, label)] = " ".join(texts[label].split())
        doc.blocks = [b for b in doc.blocks if b not in accepted.values()]

        def relabel(m: re.Match[str], name: str = dialect.name, ok: dict[str, Block] = accepted) -> str:
            return f"[^{labels.assign(name, _label(m['label']))}]" if _label(m["label"]) in ok else m.group(0)

        for block in doc.blocks:
            block.text = dialect.ref.sub(relabel, block.text)
    _check_pairs(doc)


def _check_pairs(doc: Document) -> None:
    body = "\n".join(b.text for b in doc.blocks)
    refs = P.FN_MD_REF.findall(body)
    for label in set(refs):
        if label not in doc.footnotes:
            doc.warn(f"footnote reference [^{label}] has no definition")
    for label in doc.footnotes:
        if f"[^{label}]" not in body:
            doc.warn(f"footnote definition {label!r} is never referenced")
