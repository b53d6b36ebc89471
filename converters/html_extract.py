"""HTML pages → text lines for the common pipeline (beautifulsoup4 with the lxml parser).

The main content is found generically: per-family class hints are only a first guess
(`CONTENT_HINTS`, the extension point); otherwise the block with the most non-link text that holds
the document's own header or closing wins. Word paste (MsoNormal, mso-* styles, <o:p>) reduces to
text; Word footnotes become `[n]` references and `[n] text` definitions, which the footnote fixer
understands. Layout tables become column-separated lines; data tables become Markdown tables.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from . import patterns as P
from .model import Document

DROP_TAGS = ["script", "style", "noscript", "iframe", "svg", "canvas", "template", "button", "select", "input", "textarea", "object", "embed"]
DROP_SET = set(DROP_TAGS)
CHROME_TAGS = ["nav", "header", "footer", "aside"]
BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
    "blockquote", "dt", "dd", "dl", "main", "form", "hr", "pre", "center", "address", "figure", "figcaption", "tbody", "thead",
}
# Per-family hints, tried first (an extension point: add a family by adding its container classes).
CONTENT_HINTS = [
    re.compile(r"journal-content-article|asset-content|asset-full-content"),  # Liferay
    re.compile(r"\bbodytext\b|news_detail|detail-content|news-content"),  # NukeViet-style
    re.compile(r"entry-content|post-content|single-content"),  # WordPress
    re.compile(r"ms-rtestate-field|ExternalClass"),  # SharePoint / ASP.NET
    re.compile(r"article-content|content-detail|chitiet|noidung|detail"),  # generic portal templates
]
WORD_FN_REF = re.compile(r"#_?ftn(?P<n>\d+)$", re.I)
WORD_FN_DEF = re.compile(r"^_?ftn(?P<n>\d+)$", re.I)


def extract(doc: Document) -> None:
    if doc.source_format != "html":
        return
    soup = BeautifulSoup(doc.text, "lxml")
    _collect_page_meta(doc, soup)
    doomed = [n for n in soup.descendants if isinstance(n, Comment) or getattr(n, "name", None) in DROP_SET]  # one traversal
    for node in doomed:
        if isinstance(node, Comment):
            node.extract()
        elif node.parent is not None:  # not inside an element already removed
            node.decompose()
    _mark_word_footnotes(soup)
    body = soup.body or soup
    main = _main_content(body)
    if main is body:  # no container stood out: page furniture tags are chrome by definition
        for name in CHROME_TAGS:
            for element in body.find_all(name):
                doc.drop("chrome", f"<{name}> element outside the content", " ".join(element.get_text(" ").split())[:200])
                element.decompose()
    else:
        _report_outside(doc, body, main)
    lines = _to_lines(doc, main)
    doc.text = "\n".join(lines)


def _report_outside(doc: Document, body: Tag, main: Tag) -> None:
    """Everything outside the chosen content block is page furniture: name it in the report, piece by piece,
    and keep what it says about the page (post date, register fields) for the metadata stage."""
    from .lineclass import classify, record_post_date, record_register

    for row in body.find_all("tr"):  # register blocks are label | value table rows
        if main not in row.parents:
            record_register(doc, row.get_text(" "))
    for block in body.find_all(True):
        if block is main or main in block.parents or main in block.descendants:
            continue
        if block.name == "img":
            alt = " ".join(str(block.get("alt") or "").split())
            doc.drop("image", "image outside the main content block", alt or str(block.get("src") or ""))
            continue
        own = " ".join(" ".join(str(t) for t in block.find_all(string=True, recursive=False)).split())
        if not own:
            continue
        rule = classify(own)
        if rule and rule[1] == "post date / view count":
            record_post_date(doc, own)
        record_register(doc, own)
        reason = rule[1] if rule else f"<{block.name}> element"
        doc.drop("chrome", f"outside the page's main content block: {reason}", own)


def _collect_page_meta(doc: Document, soup: BeautifulSoup) -> None:
    if soup.title and soup.title.string:
        doc.page_meta.page_title = " ".join(soup.title.string.split())
    head = soup.head or soup
    metas: dict[str, str] = {}
    for tag in head.find_all(["meta", "link"]):  # one traversal for the canonical link and every date property
        if tag.name == "link" and "canonical" in (tag.get("rel") or []) and tag.get("href"):
            doc.page_meta.canonical = doc.page_meta.canonical or tag["href"]
        key = str(tag.get("property") or tag.get("name") or "")
        if tag.name == "meta" and key and tag.get("content"):
            metas.setdefault(key, str(tag["content"]))
    for prop in ("article:published_time", "og:updated_time", "dc.date"):
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", metas.get(prop, ""))
        if match:
            if not doc.page_meta.posted:
                doc.page_meta.posted, doc.page_meta.posted_evidence = "-".join(match.groups()), f"<meta {prop}>"


def _mark_word_footnotes(soup: BeautifulSoup) -> None:
    """Word's `_ftnref1`/`_ftn1` anchors (and mso-footnote-id) → plain `[1]` markers."""
    for anchor in soup.find_all("a"):
        href = str(anchor.get("href") or "")
        name = str(anchor.get("name") or anchor.get("id") or "")
        ref = WORD_FN_REF.search(href)
        if ref and not WORD_FN_DEF.match(name):
            anchor.replace_with(NavigableString(f"[{ref['n']}]"))
        elif ref or re.search(r"_ftnref\d+", href):
            number = (ref or re.search(r"(\d+)", href))
            anchor.replace_with(NavigableString(f"[{number.group(1) if number else ''}] "))


def _text_len(tag: Tag) -> tuple[int, int]:
    text = len(" ".join(tag.get_text(" ").split()))
    links = sum(len(" ".join(a.get_text(" ").split())) for a in tag.find_all("a"))
    return text, links


def _has_document_anchor(tag: Tag) -> bool:
    text = tag.get_text("\n")
    return bool(
        re.search(r"Nơi\s+nhận|T/M|TM\.|CỘNG\s+H[OÒ]A\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|Số\s*:?\s*\d+", text)
    )


def _main_content(body: Tag) -> Tag:
    containers = body.find_all(["div", "article", "section", "td", "main"])
    for hint in CONTENT_HINTS:
        found = [t for t in containers if hint.search(" ".join(t.get("class") or []) + " " + str(t.get("id") or "")) and _has_document_anchor(t)]
        if found:
            return max(found, key=lambda t: _text_len(t)[0])
    best, best_score = body, -1.0
    total = _text_len(body)[0] or 1
    for tag in containers:
        text, links = _text_len(tag)
        if text < 0.25 * total or not _has_document_anchor(tag):
            continue
        score = text - 3 * links - 0.1 * text  # prefer the tightest block that still holds most of the text
        if best is body or score >= best_score:
            best, best_score = tag, score
    return best


def _inline(node: Tag | NavigableString, doc: Document) -> str:
    if isinstance(node, NavigableString):
        return str(node).replace("\n", " ")
    name = node.name
    if name in {"img"}:
        alt = " ".join(str(node.get("alt") or "").split())
        doc.drop("image", "image in the content (alt text reported)" if alt else "image without alt text", alt or str(node.get("src") or ""))
        return ""
    inner = "".join(_inline(c, doc) for c in node.children)
    if name in {"b", "strong"} and inner.strip() and not re.fullmatch(r"[\s*]*", inner):
        return _wrap(inner, "**")
    if name in {"i", "em"} and inner.strip():
        return _wrap(inner, "*")
    if name == "sup" and re.fullmatch(r"\s*\d{1,3}\s*", inner):
        return inner.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")).strip()
    if name == "a" and node.get("href") and not str(node["href"]).startswith(("#", "javascript")):
        text = inner.strip()
        if text and not text.startswith("http"):
            return f"[{text}]({node['href']})"
    return inner


def _wrap(text: str, mark: str) -> str:
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{mark}{text.strip()}{mark}{trail}"


def _is_data_table(table: Tag) -> bool:
    rows = table.find_all("tr")
    if len(rows) < 2:
        return False
    widths = [len(r.find_all(["td", "th"])) for r in rows]
    numeric = sum(1 for c in table.find_all(["td", "th"]) if re.search(r"\d", c.get_text()))
    return max(widths) >= 3 and numeric >= len(rows)


def _table_markdown(table: Tag, doc: Document) -> list[str]:
    rows = []
    for tr in table.find_all("tr"):
        cells = [" ".join(_inline(c, doc).split()).replace("|", "\\|") for c in tr.find_all(["td", "th"])]
        rows.append(cells)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return lines


NESTING_TAGS = {"p", "div", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"}  # a block holding one of these is walked, not taken whole (a heading inside a box is its own line)


def _nesting_blocks(root: Tag) -> set[int]:
    """ids of the elements under root that contain a nesting tag: one pass instead of a search per element."""
    holders: set[int] = set()
    for node in root.descendants:
        if getattr(node, "name", None) in NESTING_TAGS:
            parent = node.parent
            while parent is not None and id(parent) not in holders:
                holders.add(id(parent))
                if parent is root:
                    break
                parent = parent.parent
    return holders


def _to_lines(doc: Document, root: Tag) -> list[str]:
    lines: list[str] = []
    current: list[str] = []
    nesting = _nesting_blocks(root)

    def flush() -> None:
        text = "".join(current).strip()
        current.clear()
        if text:
            lines.append(text)

    def walk(node: Tag | NavigableString) -> None:
        if isinstance(node, NavigableString):
            current.append(str(node).replace("\n", " "))
            return
        if node.name == "table":
            flush()
            if _is_data_table(node):
                doc.page_meta.tables.append(_table_markdown(node, doc))
                lines.append(P.TABLE_MARK.format(len(doc.page_meta.tables) - 1))
            else:  # layout table: each row one line, cells separated like flattened columns
                for tr in node.find_all("tr"):
                    cell_lines: list[list[str]] = []
                    for cell in tr.find_all(["td", "th"], recursive=False):
                        sub = _to_lines(doc, cell)
                        cell_lines.append(sub)
                    for i in range(max((len(c) for c in cell_lines), default=0)):
                        lines.append("\t\t".join(c[i] if i < len(c) else "" for c in cell_lines).strip())
                    lines.append("")
            return
        if node.name in BLOCK_TAGS:
            flush()
            if node.name == "br":
                return
            if node.name == "li":
                current.append("- ")
            if node.name in {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div"} and id(node) not in nesting:
                current.append(_inline(node, doc))
                flush()
                lines.append("")
                return
            for child in node.children:
                walk(child)
            flush()
            if node.name in {"p", "div", "ul", "ol", "table"}:
                lines.append("")
            return
        if node.name in {"b", "strong", "i", "em", "a", "sup", "img"}:
            current.append(_inline(node, doc))
            return
        for child in node.children:
            walk(child)

    walk(root)
    flush()
    return lines
