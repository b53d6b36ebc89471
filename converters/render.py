"""Last stage: the document model → Markdown with YAML front matter and Markdown footnotes.

Header and closing blocks are wrapped in `<div … markdown>` (Python-Markdown's md_in_html) so the
site can lay them out in two columns as on paper; the text inside stays plain Markdown.
"""

from __future__ import annotations

import html
import re

import yaml

from core.record import DocumentRecord

from .model import Block, Document, Kind
from .sidecar import WEB_SCHEMES

ACCIDENTAL_LIST = re.compile(r"^(\d{1,3})([.)])(\s)")  # "2. Tập trung …" as a paragraph must not become <ol start=1>
ACCIDENTAL_BLOCK = re.compile(r"^([#>=|]|[-+*]\s|-{3,}|_{3,}|\s{0,3}\[[^\]^][^\]]*\]:)")  # … or a link reference definition
RAW_TAG = re.compile(r"<(?=[A-Za-z/!?])")  # an HTML tag, comment or autolink: Markdown would pass it through raw
ATTR_LIST = re.compile(r"\{")  # attr_list would turn "{: onclick=…}" into attributes of the element
LINK_TARGET = re.compile(r"\]\((?=\s*<?([^)\s>]*))")  # "](target" of an inline link or image
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")  # browsers ignore these inside a scheme ("java\tscript:")


def safe_target(target: str) -> bool:
    """Only http(s) and in-site (relative, fragment) targets may stay clickable; entities are decoded first,
    as a browser would.

    >>> [safe_target(t) for t in ("https://x.gov.vn/a", "/van-ban/a/", "#fn1", "javascript:alert(1)", "JaVa&#x73;cript&colon;x", "data:text/html,x")]
    [True, True, True, False, False, False]
    """
    scheme = SCHEME.match(INVISIBLE.sub("", html.unescape(target)).lower())
    return scheme is None or scheme.group(1) in WEB_SCHEMES


def inert(text: str) -> str:
    """Source text made inert for Markdown: raw HTML shown as text, no attribute lists, no unsafe links (the link
    text stays, the target is no longer a link).

    >>> inert("mục <img src=x onerror=alert(1)>")
    'mục &lt;img src=x onerror=alert(1)>'
    >>> inert("[bấm](javascript:alert(1)) và [nguồn](https://x.gov.vn/a)")
    '[bấm]\\\\(javascript:alert(1)) và [nguồn](https://x.gov.vn/a)'
    >>> inert("Kết quả {: onclick=alert(1)}")
    'Kết quả \\\\{: onclick=alert(1)}'
    """
    if "<" not in text and "{" not in text and "](" not in text:  # what each of the three patterns needs
        return text
    text = RAW_TAG.sub("&lt;", text)
    text = ATTR_LIST.sub(r"\\{", text)
    return LINK_TARGET.sub(lambda m: "](" if safe_target(m.group(1)) else "]\\(", text)


def escape_line_start(text: str) -> str:
    text = ACCIDENTAL_LIST.sub(r"\1\\\2\3", text)
    if ACCIDENTAL_BLOCK.match(text):
        text = "\\" + text
    return inert(text)


def _lines(items: list[str]) -> str:
    return "  \n".join(items)


def render_header(doc: Document) -> str:
    header = doc.header
    if header is None:
        return ""
    left: list[str] = []
    for line in header.left:
        if line == header.issuer:
            left.append(f"**{line}**")
        else:
            left.append(line)
    right: list[str] = []
    for line in header.right:
        right.append(f"*{line}*" if line == header.place_date else f"**{line}**")
    parts = ['<div class="doc-header" markdown>', ""]
    for css, lines in (("doc-header__left", left), ("doc-header__right", right)):
        if lines:
            parts += [f'<div class="{css}" markdown>', "", _lines([escape_line_start(x) for x in lines]), "", "</div>", ""]
    parts.append("</div>")
    return "\n".join(parts)


def render_title(doc: Document) -> str:
    out = []
    if doc.title_type:
        out.append(f"# {inert(doc.title_line or doc.title_type)}")
    if doc.subtitle:
        out.append(f"**{escape_line_start(doc.subtitle)}**")
    return "\n\n".join(out)


def render_body(blocks: list[Block]) -> str:
    chunks: list[str] = []
    in_list = False
    for block in blocks:
        if block.kind is Kind.LIST_ITEM:
            indent = "    " * (block.level - 1)
            line = f"{indent}- {inert(block.text)}"
            if in_list:
                chunks[-1] += "\n" + line
            else:
                chunks.append(line)
            in_list = True
            continue
        in_list = False
        if block.kind is Kind.HEADING:
            chunks.append(f"{'#' * block.level} {inert(block.text)}")
        elif block.kind is Kind.TABLE:
            chunks.append(inert(block.text))
        else:
            chunks.append(escape_line_start(block.text))
    return "\n\n".join(chunks)


def render_closing(doc: Document) -> str:
    closing = doc.closing
    if closing is None:
        return ""
    parts = ['<div class="doc-closing" markdown>', ""]
    if closing.recipients or closing.recipients_label:
        parts += ['<div class="doc-recipients" markdown>', ""]
        label = closing.recipients_label or ""
        if label:
            parts += [f"**{inert(label)}**", ""]
        parts += ["\n".join(f"- {_recipient(r)}" for r in closing.recipients), "", "</div>", ""]
    for sig in closing.signatures:  # one block per signing body (a joint document has several)
        lines = [f"**{inert(x)}**" for x in sig.capacity + sig.role]
        if not lines and not sig.signer:
            continue
        parts += ['<div class="doc-signature" markdown>', ""]
        if lines:
            parts += [_lines(lines), ""]
        if sig.signer:
            parts += [f"**{inert(sig.signer)}**", ""]
        parts += ["</div>", ""]
    parts.append("</div>")
    return "\n".join(parts)


def _recipient_text(text: str) -> str:
    return re.sub(r"^[-–+•]\s*", "", text)


def _recipient(text: str) -> str:
    return inert(_recipient_text(text))


def render_footnotes(doc: Document) -> str:
    return "\n\n".join(f"[^{label}]: {escape_line_start(text)}" for label, text in doc.footnotes.items())


def front_matter(doc: Document) -> str:
    return yaml.dump(doc.metadata, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1000).strip()


def render(doc: Document) -> None:
    sections = [
        f"---\n{front_matter(doc)}\n---",
        render_body([b for b in doc.blocks if b.above_header]),  # unnamed lines above the header, where they stood
        render_header(doc),
        render_title(doc),
        render_body([b for b in doc.blocks if not (b.after_closing or b.above_header)]),
        render_closing(doc),
        render_body([b for b in doc.blocks if b.after_closing]),  # appendices and forms after the signature
        render_footnotes(doc),
    ]
    doc.markdown = "\n\n".join(s for s in sections if s.strip()) + "\n"


# The record beside the Markdown (core/record.py): the same sections in the same order, as plain text. Block texts
# carry the converter's own inline markup only (emphasis, footnote references, links from HTML sources).
INLINE_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
EMPHASIS = re.compile(r"\*\*|(?<!\w)\*|\*(?!\w)")


def plain(text: str) -> str:
    """A block's text without its inline markup.

    >>> plain("Kết quả **nổi bật**[^2] theo [Nghị quyết 31](https://x.gov.vn/a) và *Kế hoạch*")
    'Kết quả nổi bật theo Nghị quyết 31 và Kế hoạch'
    """
    return EMPHASIS.sub("", INLINE_LINK.sub(r"\1", FOOTNOTE_REF.sub("", text)))


Chunk = tuple[str, bool]  # a paragraph's text; True for a list (it follows the line before it)


def _body_text(blocks: list[Block]) -> list[Chunk]:
    """Paragraphs apart, the items of one list on consecutive lines (as render_body groups them)."""
    chunks: list[Chunk] = []
    in_list = False
    for block in blocks:
        if block.kind is Kind.LIST_ITEM and in_list:
            chunks[-1] = (chunks[-1][0] + "\n" + plain(block.text), True)
        else:
            chunks.append((plain(block.text), block.kind is Kind.LIST_ITEM))
        in_list = block.kind is Kind.LIST_ITEM
    return chunks


def _closing_text(doc: Document) -> list[Chunk]:
    closing = doc.closing
    if closing is None:
        return []
    chunks = [(plain(closing.recipients_label or ""), False), ("\n".join(plain(_recipient_text(r)) for r in closing.recipients), True)]
    for sig in closing.signatures:
        chunks += [(_lines([plain(x) for x in sig.capacity + sig.role]), False), (plain(sig.signer or ""), False)]
    return chunks


def _joined(chunks: list[Chunk]) -> str:
    """Paragraphs apart by a blank line; a list right under the line that leads into it."""
    text = ""
    for chunk, is_list in chunks:
        if chunk.strip():
            text += ("\n" if is_list else "\n\n") + chunk if text else chunk
    return text


def record(doc: Document, doc_id: str = "") -> DocumentRecord:
    """The document's record: front matter, plain text, headings and footnotes, from the model (never from the
    Markdown). The text holds the sections in the order render() writes them, laid out as the page reads (paragraphs
    apart, a column's lines and a list's items on consecutive lines). The build gives the record its id (the
    permalink) once it has one."""
    header = [(_lines([plain(x) for x in column]), False) for column in (doc.header.left, doc.header.right)] if doc.header else []
    title_line = plain(doc.title_line or doc.title_type or "") if doc.title_type else ""
    middle = [b for b in doc.blocks if not (b.after_closing or b.above_header)]
    text = _joined([
        *_body_text([b for b in doc.blocks if b.above_header]),
        *header,
        (title_line, False), (plain(doc.subtitle or ""), False),
        *_body_text(middle),
        *_closing_text(doc),
        *_body_text([b for b in doc.blocks if b.after_closing]),
        *((plain(t), False) for t in doc.footnotes.values()),
    ])
    heads = [b for b in doc.blocks if b.above_header] + middle + [b for b in doc.blocks if b.after_closing]
    headings = [plain(b.text) for b in heads if b.kind is Kind.HEADING]
    if title_line:  # the type line is the first heading after what stood above the header
        headings.insert(sum(1 for b in doc.blocks if b.above_header and b.kind is Kind.HEADING), title_line)
    return DocumentRecord.from_front_matter(doc_id or doc.source.stem, doc.metadata, text, tuple(h for h in headings if h.strip()),
                                            tuple(plain(t) for t in doc.footnotes.values()))
