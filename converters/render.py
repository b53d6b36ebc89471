"""Last stage: the document model → Markdown with YAML front matter and Markdown footnotes.

Header and closing blocks are wrapped in `<div … markdown>` (Python-Markdown's md_in_html) so the
site can lay them out in two columns as on paper; the text inside stays plain Markdown.
"""

from __future__ import annotations

import re

import yaml

from .model import Block, Document, Kind

ACCIDENTAL_LIST = re.compile(r"^(\d{1,3})([.)])(\s)")  # "2. Tập trung …" as a paragraph must not become <ol start=1>
ACCIDENTAL_BLOCK = re.compile(r"^([#>=|]|[-+*]\s|-{3,}|_{3,})")
RAW_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def escape_line_start(text: str) -> str:
    text = ACCIDENTAL_LIST.sub(r"\1\\\2\3", text)
    if ACCIDENTAL_BLOCK.match(text):
        text = "\\" + text
    return RAW_TAG.sub("&lt;", text)


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
        out.append(f"# {doc.title_type}")
    if doc.subtitle:
        out.append(f"**{escape_line_start(doc.subtitle)}**")
    return "\n\n".join(out)


def render_body(blocks: list[Block]) -> str:
    chunks: list[str] = []
    in_list = False
    for block in blocks:
        if block.kind is Kind.LIST_ITEM:
            indent = "    " * (block.level - 1)
            line = f"{indent}- {block.text}"
            if in_list:
                chunks[-1] += "\n" + line
            else:
                chunks.append(line)
            in_list = True
            continue
        in_list = False
        if block.kind is Kind.HEADING:
            chunks.append(f"{'#' * block.level} {block.text}")
        elif block.kind is Kind.TABLE:
            chunks.append(block.text)
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
            parts += [f"**{label}**", ""]
        parts += ["\n".join(f"- {_recipient(r)}" for r in closing.recipients), "", "</div>", ""]
    signature = [f"**{x}**" for x in closing.capacity + closing.role]
    if signature or closing.signer:
        parts += ['<div class="doc-signature" markdown>', ""]
        if signature:
            parts += [_lines(signature), ""]
        if closing.signer:
            parts += [f"**{closing.signer}**", ""]
        parts += ["</div>", ""]
    parts.append("</div>")
    return "\n".join(parts)


def _recipient(text: str) -> str:
    return re.sub(r"^[-–+•]\s*", "", text)


def render_footnotes(doc: Document) -> str:
    return "\n\n".join(f"[^{label}]: {escape_line_start(text)}" for label, text in doc.footnotes.items())


def front_matter(doc: Document) -> str:
    return yaml.dump(doc.metadata, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=1000).strip()


def render(doc: Document) -> None:
    # what follows the signature (an appendix, notes: marked by the locate stage) is printed after the closing block
    cut = next((i for i, b in enumerate(doc.blocks) if b.data.get("appendix_start")), len(doc.blocks))
    sections = [
        f"---\n{front_matter(doc)}\n---",
        render_header(doc),
        render_title(doc),
        render_body(doc.blocks[:cut]),
        render_closing(doc),
        render_body(doc.blocks[cut:]),
        render_footnotes(doc),
    ]
    doc.markdown = "\n\n".join(s for s in sections if s.strip()) + "\n"
