"""The one document model every converter stage reads and updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any


class Kind(str, Enum):
    """What a block is, once a stage has recognised it."""

    TEXT = "text"  # not yet classified
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    LIST_ITEM = "list_item"
    HEADER = "header"  # the document's header block (issuer ‖ motto, number, place-date)
    TITLE = "title"  # document type line: "BÁO CÁO"
    SUBTITLE = "subtitle"  # the subject under the type
    RECIPIENTS = "recipients"  # "Nơi nhận" list
    SIGNATURE = "signature"  # T/M …, role, name
    FOOTNOTE_DEF = "footnote_def"
    TABLE = "table"


@dataclass
class Block:
    """A unit of text with the source lines it came from (1-based, inclusive)."""

    text: str
    first_line: int
    last_line: int
    kind: Kind = Kind.TEXT
    level: int = 0  # heading level or list depth
    blank_before: bool = True  # a blank line separated it from the previous block in the source
    data: dict[str, Any] = field(default_factory=dict)  # stage-specific details (list marker, numbering …)
    above_header: bool = False  # a line above the document's header that no stage could name (rendered before the header)
    after_closing: bool = False  # an appendix, form or note after the signature (rendered after the closing)
    raw: str = ""  # the source line as written (wide gaps kept: they separate flattened columns); "" = same as text

    @property
    def source_text(self) -> str:
        """The line with its column gaps when known, else the cleaned text."""
        return self.raw or self.text


@dataclass
class Drop:
    """Something the converter removed and can name."""

    kind: str  # chrome, duplicate, page-number, running-header, ornament, rule, image
    reason: str
    text: str
    first_line: int = 0
    last_line: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason, "text": self.text, "lines": [self.first_line, self.last_line]}


@dataclass
class HeaderBlock:
    """The document header, column by column, as written."""

    left: list[str] = field(default_factory=list)  # parent body, issuer, ornament, number
    right: list[str] = field(default_factory=list)  # motto(s), place-date line
    parent: str | None = None
    issuer: str | None = None
    number_line: str | None = None
    place_date: str | None = None
    position: int = 0  # index in Document.blocks where the header stood (lines above it stay before that index)


@dataclass
class Signature:
    """One signature block: capacity lines, role lines, the signer's name."""

    capacity: list[str] = field(default_factory=list)  # "T/M ĐẢNG ỦY", "KT. CHỦ TỊCH"
    role: list[str] = field(default_factory=list)  # "BÍ THƯ", "PHÓ CHỦ TỊCH", "(Đã ký)"
    signer: str | None = None


@dataclass
class Closing:
    """Recipients and signature(s), de-interleaved. A joint document has one signature block per body."""

    recipients_label: str | None = None
    recipients: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    first_line: int = 0

    @property
    def main(self) -> Signature:
        """The first signature block (the lead body's), empty when there is none."""
        return self.signatures[0] if self.signatures else Signature()

    @property
    def capacity(self) -> list[str]:
        return self.main.capacity

    @property
    def role(self) -> list[str]:
        return self.main.role

    @property
    def signer(self) -> str | None:
        return self.main.signer


@dataclass
class PageMeta:
    """What the web page itself says around the document (never the document's own metadata)."""

    posted: str | None = None  # ISO date the page was posted
    posted_evidence: str | None = None  # the line or tag it came from
    page_title: str | None = None  # the page's own title (<title> or the title line above the document)
    canonical: str | None = None  # <link rel=canonical>
    register: dict[str, str] = field(default_factory=dict)  # a portal's register block: label → value
    tables: list[list[str]] = field(default_factory=list)  # data tables set aside by html_extract, as Markdown lines


@dataclass
class Document:
    """A scraped page on its way to an archive document."""

    source: Path
    raw: bytes = b""
    source_file: str = ""  # the source's name in the archive: its path under the sources folder (the build sets it); else its file name
    text: str = ""  # decoded, NFC, LF line ends
    encoding: str | None = None
    source_format: str = "text"  # text | markdown | html
    blocks: list[Block] = field(default_factory=list)
    header: HeaderBlock | None = None
    title_type: str | None = None  # "BÁO CÁO": the type word (a key of patterns.DOC_TYPES)
    title_line: str | None = None  # the type line as written, draft mark included: "DỰ THẢO BÁO CÁO"
    subtitle: str | None = None
    closing: Closing | None = None
    footnotes: dict[str, str] = field(default_factory=dict)  # label → definition text (Markdown)
    page_meta: PageMeta = field(default_factory=PageMeta)  # what the web page says: posted, page_title, canonical …
    metadata: dict[str, Any] = field(default_factory=dict)  # the front matter
    evidence: dict[str, str] = field(default_factory=dict)  # field → where its value came from
    sidecar: dict[str, Any] = field(default_factory=dict)  # provenance and corrections next to the source
    drops: list[Drop] = field(default_factory=list)
    located: str | None = None  # how locate.py found the document: "header cluster", "structure" or "text only"
    warnings: list[str] = field(default_factory=list)
    markdown: str = ""  # the rendered output

    def drop(self, kind: str, reason: str, text: str, first_line: int = 0, last_line: int = 0) -> None:
        self.drops.append(Drop(kind, reason, text, first_line, last_line or first_line))

    def drop_block(self, block: Block, kind: str, reason: str) -> None:
        self.drop(kind, reason, block.text, block.first_line, block.last_line)

    def warn(self, message: str) -> None:
        self.warnings.append(message)


class ConversionError(Exception):
    """Bad input: the message names the reason (the caller adds the file)."""
