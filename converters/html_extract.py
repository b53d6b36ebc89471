"""HTML pages → text lines for the common pipeline (beautifulsoup4 with the lxml parser).

The main content is found generically: per-family class hints are only a first guess
(`CONTENT_HINTS`, the extension point); otherwise the block with the most non-link text that holds
the document's own header or closing wins. Word paste (MsoNormal, mso-* styles, <o:p>) reduces to
text; Word footnotes become `[n]` references and `[n] text` definitions, which the footnote fixer
understands. Layout tables become column-separated lines; data tables become Markdown tables.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable

import nh3
from bs4 import BeautifulSoup, Comment, NavigableString, PageElement, Tag

from . import patterns as P
from .lineclass import DIGIT, chrome_rule, record_post_date, record_register
from .model import Document
from .sidecar import WEB_SCHEMES  # besides relative addresses: the only links a published page may carry

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
    measures = Measures(body)
    main = _main_content(body, measures)
    if main is body:  # no container stood out: page furniture tags are chrome by definition
        for name in CHROME_TAGS:
            for element in body.find_all(name):
                doc.drop("chrome", f"<{name}> element outside the content", " ".join(element.get_text(" ").split())[:200])
                element.decompose()
    else:
        _report_outside(doc, body, main, measures)
    lines = _to_lines(doc, main)
    doc.text = "\n".join(lines)


def _report_outside(doc: Document, body: Tag, main: Tag, measures: Measures) -> None:
    """Everything outside the chosen content block is page furniture: name it in the report, piece by piece,
    and keep what it says about the page (post date, register fields) for the metadata stage."""

    inside = {id(node) for node in main.descendants}  # identity sets: `in .parents` compares whole subtrees
    around = {id(node) for node in main.parents}
    for row in body.find_all("tr"):  # register blocks are label | value table rows
        if id(row) not in inside:
            record_register(doc, measures.text(row))  # whitespace is collapsed there: "\n" or " " between strings alike
    for block in body.find_all(True):
        if block is main or id(block) in inside or id(block) in around:
            continue
        if block.name == "img":
            alt = " ".join(str(block.get("alt") or "").split())
            doc.drop("image", "image outside the main content block", alt or str(block.get("src") or ""))
            continue
        own = " ".join(" ".join(str(t) for t in block.find_all(string=True, recursive=False)).split())
        if not own:
            continue
        rule = chrome_rule(own)
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
            canonical = safe_href(str(tag["href"]))
            if canonical and canonical.startswith(("http://", "https://")):  # the front matter's source_url: absolute only
                doc.page_meta.canonical = doc.page_meta.canonical or canonical
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


DOCUMENT_ANCHOR = re.compile(r"Nơi\s+nhận|T/M|TM\.|CỘNG\s+H[OÒ]A\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|Số\s*:?\s*\d+")


class Measures:
    """Text length, link-text length and "holds the document's header or closing" for every element under a root,
    from one iterative walk and prefix sums, so the cost is linear in the page however deep it nests.

    An element's text is `get_text(" ")` with whitespace collapsed: words never span two strings, so its length is
    the sum of its strings' word lengths plus the gaps between words. Its anchor text is `get_text("\n")`, a slice of
    the root's, so an anchor match lies inside it or not.
    """

    def __init__(self, root: Tag) -> None:
        wanted = root.interesting_string_types or set()
        chars, words = [0], [0]  # per string: prefix sums
        offsets: list[int] = []  # per string: offset and end in the joined text
        ends: list[int] = []
        self.span: dict[int, tuple[int, int, int, int]] = {}  # id → (first string, end string, preorder, last preorder)
        link_at: list[int] = []  # per preorder number: link text counted there (an <a> element's own text)
        pieces: list[str] = []
        position = 0
        stack: list[tuple[Tag | NavigableString, bool]] = [(root, False)]
        open_tags: list[tuple[Tag, int, int]] = []
        while stack:
            node, done = stack.pop()
            if done:
                tag, first, pre = open_tags.pop()
                self.span[id(tag)] = (first, len(offsets), pre, len(link_at) - 1)
                continue
            if isinstance(node, NavigableString):
                if type(node) in wanted:
                    text = str(node)
                    split = text.split()
                    if offsets:
                        position += 1  # the "\n" between strings
                    offsets.append(position)
                    position += len(text)
                    ends.append(position)
                    pieces.append(text)
                    chars.append(chars[-1] + sum(map(len, split)))
                    words.append(words[-1] + len(split))
                continue
            open_tags.append((node, len(offsets), len(link_at)))
            link_at.append(0)
            stack.append((node, True))
            stack.extend((child, False) for child in _children_last_first(node))
        self.chars, self.words, self.offsets, self.ends = chars, words, offsets, ends
        for tag in [root, *root.find_all("a")]:  # link text is counted where the link starts (preorder)
            if tag.name == "a":
                link_at[self.span[id(tag)][2]] += self.text_len(tag)
        self.links = [0]
        for amount in link_at:
            self.links.append(self.links[-1] + amount)
        joined = self.joined = "\n".join(pieces)
        starts: list[tuple[int, int]] = []  # every position where an anchor starts (overlapping ones too), and its end
        found = DOCUMENT_ANCHOR.search(joined)
        while found:  # one search per anchor: EVERY_ANCHOR's lookahead made re try the pattern at every position
            starts.append((found.start(), found.end()))
            found = DOCUMENT_ANCHOR.search(joined, found.start() + 1)
        self.anchor_starts = [a for a, _ in starts]
        self.nearest_end = [0] * len(starts)  # smallest match end among the matches starting here or later
        smallest = len(joined) + 1
        for i in range(len(starts) - 1, -1, -1):
            smallest = min(smallest, starts[i][1])
            self.nearest_end[i] = smallest

    def text(self, tag: Tag) -> str:
        """`tag.get_text("\\n")`, without walking the tag's descendants again."""
        first, end, _, _ = self.span[id(tag)]
        return self.joined[self.offsets[first] : self.ends[end - 1]] if end > first else ""

    def text_len(self, tag: Tag) -> int:
        first, end, _, _ = self.span[id(tag)]
        count = self.words[end] - self.words[first]
        return self.chars[end] - self.chars[first] + count - 1 if count else 0

    def link_len(self, tag: Tag) -> int:
        _, _, pre, last = self.span[id(tag)]
        own = tag.name == "a"  # like find_all("a"): the links inside, not the element itself
        return self.links[last + 1] - self.links[pre + own]

    def has_anchor(self, tag: Tag) -> bool:
        first, end, _, _ = self.span[id(tag)]
        if first == end:
            return False
        i = bisect.bisect_left(self.anchor_starts, self.offsets[first])
        return i < len(self.anchor_starts) and self.nearest_end[i] <= self.ends[end - 1]


def _main_content(body: Tag, measures: Measures) -> Tag:
    containers = body.find_all(["div", "article", "section", "td", "main"])
    for hint in CONTENT_HINTS:
        found = [t for t in containers if hint.search(" ".join(t.get("class") or []) + " " + str(t.get("id") or "")) and measures.has_anchor(t)]
        if found:
            return max(found, key=measures.text_len)
    best, best_score = body, -1.0
    total = measures.text_len(body) or 1
    for tag in containers:
        text, links = measures.text_len(tag), measures.link_len(tag)
        if text < 0.25 * total or not measures.has_anchor(tag):
            continue
        score = text - 3 * links - 0.1 * text  # prefer the tightest block that still holds most of the text
        if best is body or score >= best_score:
            best, best_score = tag, score
    return best


def _inline(root: Tag | NavigableString, doc: Document) -> str:
    """An inline run → Markdown text (bold, italic, superscript numbers, safe links), walked with an explicit stack."""
    frames: list[list[str]] = [[]]  # the pieces of each open element
    stack: list[tuple[Tag | NavigableString, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if isinstance(node, NavigableString):  # (only elements are pushed done)
            frames[-1].append(str(node).replace("\n", " "))
        elif done:
            inner = "".join(frames.pop())
            frames[-1].append(_inline_element(node, inner))
        elif node.name == "img":
            alt = " ".join(str(node.get("alt") or "").split())
            doc.drop("image", "image in the content (alt text reported)" if alt else "image without alt text", alt or str(node.get("src") or ""))
        else:
            frames.append([])
            stack.append((node, True))
            stack.extend((child, False) for child in _children_last_first(node))
    return "".join(frames[0])


def _inline_element(node: Tag, inner: str) -> str:
    name = node.name
    if name in {"b", "strong"} and inner.strip() and not re.fullmatch(r"[\s*]*", inner):
        return _wrap(inner, "**")
    if name in {"i", "em"} and inner.strip():
        return _wrap(inner, "*")
    if name == "sup" and re.fullmatch(r"\s*\d{1,3}\s*", inner):
        return inner.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")).strip()
    if name == "a" and node.get("href") and not str(node["href"]).startswith("#"):
        text, href = inner.strip(), safe_href(str(node["href"]))
        if text and href and not text.startswith("http"):
            return f"[{text}]({href})"
    return inner


# Only links carry source markup into the output (every other tag becomes text, escaped at render), so the sanitizer
# sees each link alone: run over a whole page, html5ever's tree building is quadratic in nesting depth (30,000 nested
# <div>s: 4.8 s; 100,000: 33 s), which would undo the linear walks here.
SANITIZED_HREF = re.compile(r'href="([^"]*)"')


def safe_href(href: str) -> str | None:
    """A link target as the allow-list sanitizer (nh3) leaves it: http(s) or relative, else None; written so that it
    cannot end the Markdown link early.

    >>> safe_href("https://x.gov.vn/a b(1)"), safe_href("/tin/1"), safe_href("javascript:alert(1)"), safe_href("JAVA\\tSCRIPT:x")
    ('https://x.gov.vn/a%20b%281%29', '/tin/1', None, None)
    """
    cleaned = nh3.clean(f'<a href="{html.escape(href.strip())}">.</a>', tags={"a"}, attributes={"a": {"href"}},
                        url_schemes=WEB_SCHEMES, link_rel=None)
    match = SANITIZED_HREF.search(cleaned)
    if not match or not match.group(1):
        return None
    return html.unescape(match.group(1)).replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _wrap(text: str, mark: str) -> str:
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{lead}{mark}{text.strip()}{mark}{trail}"


def _rows(table: Tag) -> list[Tag]:
    """The table's own rows (directly or in its tbody/thead/tfoot), not those of tables nested in its cells."""
    rows: list[Tag] = []
    for child in table.find_all(["tr", "tbody", "thead", "tfoot"], recursive=False):
        rows += [child] if child.name == "tr" else child.find_all("tr", recursive=False)
    return rows


def _cells(row: Tag) -> list[Tag]:
    return row.find_all(["td", "th"], recursive=False)


def _is_data_table(table: Tag, digits: set[int]) -> bool:
    rows = _rows(table)
    if len(rows) < 2:
        return False
    cells = [_cells(r) for r in rows]
    numeric = sum(1 for row in cells for c in row if id(c) in digits)
    return max(map(len, cells)) >= 3 and numeric >= len(rows)


def _table_markdown(table: Tag, doc: Document) -> list[str]:
    rows = []
    for tr in _rows(table):
        cells = [" ".join(_inline(c, doc).split()).replace("|", "\\|") for c in _cells(tr)]
        rows.append(cells)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return lines




def _children_last_first(tag: Tag) -> list[Tag | NavigableString]:
    """A tag's children in reverse, for the stack walks (bs4 types them as PageElement; a parsed tree holds only
    elements and strings)."""
    return [child for child in reversed(tag.contents) if isinstance(child, (Tag, NavigableString))]


def _holders(root: Tag, holds: Callable[[PageElement], bool]) -> set[int]:
    """ids of the elements under root (root included) that contain a node for which `holds` is true: one pass, each
    element marked once, instead of a search per element."""
    found: set[int] = set()
    for node in root.descendants:
        if holds(node):
            parent = node.parent
            while parent is not None and id(parent) not in found:
                found.add(id(parent))
                if parent is root:
                    break
                parent = parent.parent
    return found


# a block holding one of these is walked, not taken whole (a heading inside a box is its own line)
NESTING_TAGS = {"p", "div", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"}


def _to_lines(doc: Document, root: Tag, marks: tuple[set[int], set[int]] | None = None) -> list[str]:
    """Blocks → lines. `marks` (elements holding a nesting tag, elements holding a digit) are found once for the
    whole content and handed to the cells of layout tables, so nested tables are not searched again at each level."""
    lines: list[str] = []
    current: list[str] = []
    if marks is None:
        marks = (_holders(root, lambda n: getattr(n, "name", None) in NESTING_TAGS),
                 _holders(root, lambda n: isinstance(n, NavigableString) and DIGIT.search(n) is not None))
    nesting, digits = marks

    def flush() -> None:
        text = "".join(current).strip()
        current.clear()
        if text:
            lines.append(text)

    stack: list[tuple[Tag | NavigableString, bool]] = [(root, False)]  # explicit stack: nesting costs no recursion
    while stack:
        node, done = stack.pop()
        if done:  # after a block's children
            flush()
            if node.name in {"p", "div", "ul", "ol", "table"}:
                lines.append("")
            continue
        if isinstance(node, NavigableString):
            current.append(str(node).replace("\n", " "))
            continue
        if node.name == "table":
            flush()
            if _is_data_table(node, digits):
                doc.page_meta.tables.append(_table_markdown(node, doc))
                lines.append(P.TABLE_MARK.format(len(doc.page_meta.tables) - 1))
            else:  # layout table: each row one line, cells separated like flattened columns
                for tr in _rows(node):
                    cell_lines = [_to_lines(doc, cell, marks) for cell in _cells(tr)]
                    for i in range(max((len(c) for c in cell_lines), default=0)):
                        lines.append("\t\t".join(c[i] if i < len(c) else "" for c in cell_lines).strip())
                    lines.append("")
            continue
        if node.name in BLOCK_TAGS:
            flush()
            if node.name == "br":
                continue
            if node.name == "li":
                current.append("- ")
            if node.name in {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div"} and id(node) not in nesting:
                current.append(_inline(node, doc))
                flush()
                lines.append("")
                continue
            stack.append((node, True))
        elif node.name in {"b", "strong", "i", "em", "a", "sup", "img"}:
            current.append(_inline(node, doc))
            continue
        stack.extend((child, False) for child in _children_last_first(node))

    flush()
    return lines
