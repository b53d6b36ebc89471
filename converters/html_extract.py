"""HTML pages → text lines for the common pipeline (lxml's HTML parser; the tree is read as BeautifulSoup reads it).

The main content is found generically: per-family class hints are only a first guess
(`CONTENT_HINTS`, the extension point); otherwise the block with the most non-link text that holds
the document's own header or closing wins. Word paste (MsoNormal, mso-* styles, <o:p>) reduces to
text; Word footnotes become `[n]` references and `[n] text` definitions, which the footnote fixer
understands. Layout tables become column-separated lines; data tables become Markdown tables.

Why lxml and not BeautifulSoup: bs4 builds the same libxml2 parse into its own Python tree, one object per node through
per-event callbacks (6 ms of a 40 KB page's 24 ms, against 1 ms for lxml's C tree). The walks here see lxml's tree
the way they saw bs4's (`Tree.contents`): an element's text and each child's tail are separate strings, a string of
ASCII whitespace only reads as one space or newline outside <pre> (bs4's rule), removed elements and comments leave
the strings around them apart, and a link replaced by a footnote marker is a string of its own.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable
from typing import TypeAlias

import nh3
from lxml import etree

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
DROPPED = "x-dropped"  # an element removed from the page (its children and text cleared; its tail stays a string)
STRING = "x-string"  # an element replaced by a string (its text); the tail stays a string of its own
ASCII_SPACES = " \n\t\f\r"  # bs4 collapses a string of these only
RUBY = {"rt", "rp"}  # BeautifulSoup keeps their strings out of get_text() and the measures
Tag: TypeAlias = etree._Element
Node: TypeAlias = "etree._Element | str"


class Tree:
    """An lxml document read as BeautifulSoup's tree: `contents` gives an element's children, strings included."""

    def __init__(self, root: Tag) -> None:
        self.root = root
        self.pre = {node for pre in root.iter("pre") for node in pre.iter()}  # whitespace is kept as written there
        self._contents: dict[Tag, list[Node]] = {}  # the walks (measures, holders, lines) read each element 4 times

    def _string(self, text: str, container: Tag) -> str:
        if text.strip(ASCII_SPACES) or container in self.pre:
            return text
        return "\n" if "\n" in text else " "

    def contents(self, element: Tag) -> list[Node]:
        """The element's children in order: its text, each child element (a replaced one as its string) and tail."""
        known = self._contents.get(element)
        if known is not None:
            return known
        out = self._contents[element] = []
        if element.text:
            out.append(self._string(element.text, element))
        for child in element:
            tag = child.tag
            if tag == STRING:
                out.append(child.text or "")
            elif isinstance(tag, str) and tag != DROPPED:
                out.append(child)
            if child.tail:
                out.append(self._string(child.tail, element))
        return out

    def strings(self, element: Tag) -> list[str]:
        """The strings under element in document order, as bs4's get_text() joins them (none inside <rt>/<rp>)."""
        out: list[str] = []
        stack: list[Node] = [element]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                out.append(node)
            elif node.tag not in RUBY:
                stack.extend(reversed(self.contents(node)))
        return out

    def get_text(self, element: Tag, separator: str) -> str:
        return separator.join(self.strings(element))

    def close(self) -> None:
        """Let go of the elements read, the deepest first. lxml frees an element whose last reference goes by walking
        up to the first ancestor still referenced: let go root first (a dict's order, as when a conversion stopped on
        its memory limit unwinds) and a 200,000-deep page took minutes to free, one walk up the whole chain each."""
        while self._contents:
            self._contents.popitem()  # the last read first: an element is read after its ancestors

    def remove(self, element: Tag) -> None:
        """remove() in a tree already read: its parent's contents are read again."""
        self._contents.pop(element.getparent(), None)
        remove(element)


def parse(text: str) -> Tag | None:
    """The page's root element, parsed as bs4's "lxml" builder feeds it to libxml2 (one feed); None when libxml2 finds
    no element at all."""
    parser = etree.HTMLParser(huge_tree=True)  # trees up to 2,048 levels deep (256 without)
    parser.feed(text)
    try:
        root = parser.close()
    except etree.XMLSyntaxError:
        root = None
    if _out_of_memory(parser):  # libxml2 hands back the tree built so far: the rest of the page would be lost unsaid
        raise MemoryError("libxml2 ran out of memory")
    if root is None:
        return None
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.feed_error_log):  # deeper: the rest was cut off
        builder = DeepTreeBuilder()
        deep = etree.HTMLParser(target=builder)
        try:
            deep.feed(text)
            root = deep.close()
        except etree.LxmlError:  # lxml reports running out of memory (here or in libxml2) as unbalanced tags
            if builder.failure:
                raise builder.failure from None
            if _out_of_memory(deep):
                raise MemoryError("libxml2 ran out of memory") from None
            raise
    return root


def _out_of_memory(parser: etree.HTMLParser) -> bool:
    """Whether libxml2 logged running out of memory (the worker's limit), whatever the parse returned."""
    return any(error.type_name == "ERR_NO_MEMORY" for error in parser.feed_error_log)


READ_ATTRIBUTES = frozenset({"href", "name", "id", "class", "rel", "property", "content", "alt", "src"})  # all read here


class DeepTreeBuilder(etree.TreeBuilder):
    """The tree of a page nested deeper than libxml2 builds trees, from the parser's events (which have no depth limit,
    as bs4 read them). lxml's builder refuses some names HTML parsing lets through (Word's `o:p`, `xlink:href`): such
    an element keeps the attributes read here, and a refused tag name is spelt with `-` (`x-o-p`)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.failure: MemoryError | None = None

    def start(self, tag: str, attrs: dict[str, str], nsmap: object = None) -> Tag:
        try:
            try:
                element = super().start(tag, attrs)
            except ValueError:
                kept = {k: v for k, v in attrs.items() if k in READ_ATTRIBUTES}
                try:
                    element = super().start(tag, kept)
                except ValueError:
                    tag = "x-" + re.sub(r"[^A-Za-z0-9_.-]", "-", tag)
                    element = super().start(tag, kept)
            self.names.append(tag)
        except MemoryError as exc:
            self.failure = exc
            raise
        return element

    def end(self, tag: str) -> Tag:
        try:
            return super().end(self.names.pop())
        except MemoryError as exc:
            self.failure = exc
            raise

    def data(self, data: str) -> None:
        try:
            super().data(data)
        except MemoryError as exc:
            self.failure = exc
            raise


def tags(elements: Iterable[Tag]) -> list[Tag]:
    """Elements proper: comments, processing instructions and removed or replaced elements left out."""
    return [e for e in elements if isinstance(e.tag, str) and e.tag not in (DROPPED, STRING)]


def remove(element: Tag) -> None:
    """bs4's decompose(): the element and what it holds are gone; the text after it stays."""
    element.clear(keep_tail=True)
    element.tag = DROPPED


def replace_with_string(element: Tag, text: str) -> None:
    element.clear(keep_tail=True)
    element.tag = STRING
    element.text = text


def extract(doc: Document) -> None:
    if doc.source_format != "html":
        return
    root = parse(doc.text)
    if root is None:
        doc.text = ""
        return
    tree = Tree(root)
    try:
        _extract(doc, tree, root)
    finally:
        tree.close()


def _extract(doc: Document, tree: Tree, root: Tag) -> None:
    _collect_page_meta(doc, root)
    for element in list(root.iter(*DROP_TAGS)):  # comments are never read: they need no removal
        remove(element)  # (filtered by lxml: a proxy made and freed per element costs time in the depth, on deep pages)
    _mark_word_footnotes(root)
    body = next(root.iter("body"), root)
    measures = Measures(tree, body)
    main = _main_content(body, measures)
    if main is body:  # no container stood out: page furniture tags are chrome by definition
        for name in CHROME_TAGS:
            for element in list(body.iterdescendants(name)):
                attached = body in element.iterancestors()  # one inside another removed before it reads as empty (bs4)
                doc.drop("chrome", f"<{name}> element outside the content", " ".join(tree.get_text(element, " ").split())[:200] if attached else "")
                tree.remove(element)
    else:
        _report_outside(doc, tree, body, main, measures)
    lines = _to_lines(doc, tree, main)
    doc.text = "\n".join(lines)


def _report_outside(doc: Document, tree: Tree, body: Tag, main: Tag, measures: Measures) -> None:
    """Everything outside the chosen content block is page furniture: name it in the report, piece by piece,
    and keep what it says about the page (post date, register fields) for the metadata stage."""

    inside = set(main.iterdescendants())  # sets of elements (they hold the proxies, so identity is stable)
    around = set(main.iterancestors())
    for row in body.iterdescendants("tr"):  # register blocks are label | value table rows
        if row not in inside:
            record_register(doc, measures.text(row))  # whitespace is collapsed there: "\n" or " " between strings alike
    for block in tags(body.iterdescendants()):
        if block is main or block in inside or block in around:
            continue
        if block.tag == "img":
            alt = " ".join(str(block.get("alt") or "").split())
            doc.drop("image", "image outside the main content block", alt or str(block.get("src") or ""))
            continue
        own = " ".join(" ".join(t for t in tree.contents(block) if isinstance(t, str)).split())
        if not own:
            continue
        rule = chrome_rule(own)
        if rule and rule[1] == "post date / view count":
            record_post_date(doc, own)
        record_register(doc, own)
        reason = rule[1] if rule else f"<{block.tag}> element"
        doc.drop("chrome", f"outside the page's main content block: {reason}", own)


def _collect_page_meta(doc: Document, root: Tag) -> None:
    title = next(root.iter("title"), None)
    if title is not None and title.text:  # <title> holds text only (RCDATA): its one string
        doc.page_meta.page_title = " ".join(title.text.split())
    head = next(root.iter("head"), root)
    metas: dict[str, str] = {}
    for tag in head.iterdescendants("meta", "link"):  # one traversal for the canonical link and every date property
        if tag.tag == "link" and "canonical" in str(tag.get("rel") or "").split() and tag.get("href"):
            canonical = safe_href(str(tag.get("href")))
            if canonical and canonical.startswith(("http://", "https://")):  # the front matter's source_url: absolute only
                doc.page_meta.canonical = doc.page_meta.canonical or canonical
        key = str(tag.get("property") or tag.get("name") or "")
        if tag.tag == "meta" and key and tag.get("content"):
            metas.setdefault(key, str(tag.get("content")))
    for prop in ("article:published_time", "og:updated_time", "dc.date"):
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", metas.get(prop, ""))
        if match:
            if not doc.page_meta.posted:
                doc.page_meta.posted, doc.page_meta.posted_evidence = "-".join(match.groups()), f"<meta {prop}>"


def _mark_word_footnotes(root: Tag) -> None:
    """Word's `_ftnref1`/`_ftn1` anchors (and mso-footnote-id) → plain `[1]` markers."""
    for anchor in list(root.iter("a")):
        href = str(anchor.get("href") or "")
        name = str(anchor.get("name") or anchor.get("id") or "")
        ref = WORD_FN_REF.search(href)
        if ref and not WORD_FN_DEF.match(name):
            replace_with_string(anchor, f"[{ref['n']}]")
        elif ref or re.search(r"_ftnref\d+", href):
            number = (ref or re.search(r"(\d+)", href))
            replace_with_string(anchor, f"[{number.group(1) if number else ''}] ")


DOCUMENT_ANCHOR = re.compile(r"Nơi\s+nhận|T/M|TM\.|CỘNG\s+H[OÒ]A\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|Số\s*:?\s*\d+")


class Measures:
    """Text length, link-text length and "holds the document's header or closing" for every element under a root,
    from one iterative walk and prefix sums, so the cost is linear in the page however deep it nests.

    An element's text is `get_text(" ")` with whitespace collapsed: words never span two strings, so its length is
    the sum of its strings' word lengths plus the gaps between words. Its anchor text is `get_text("\n")`, a slice of
    the root's, so an anchor match lies inside it or not.
    """

    def __init__(self, tree: Tree, root: Tag) -> None:
        chars, words = [0], [0]  # per string: prefix sums of word characters and words
        offsets: list[int] = []  # per string: its offset and end in the joined text
        ends: list[int] = []
        self.span: dict[Tag, tuple[int, int, int, int]] = {}  # element → (first string, end string, preorder, last preorder)
        link_at: list[int] = []  # per preorder number: link text counted there (an <a> element's own text)
        pieces: list[str] = []
        position = 0
        stack: list[Node | None] = [root]  # None: the last element opened is done (no tuple per node)
        open_tags: list[tuple[Tag, int, int]] = []
        ruby = 0  # open <rt>/<rp> elements: their strings are not counted (bs4's RubyTextString)
        while stack:
            node = stack.pop()
            if node is None:
                tag, first, pre = open_tags.pop()
                self.span[tag] = (first, len(offsets), pre, len(link_at) - 1)
                ruby -= tag.tag in RUBY
                continue
            if isinstance(node, str):
                if not ruby:
                    text = node
                    if offsets:
                        position += 1  # the "\n" between strings
                    offsets.append(position)
                    position += len(text)
                    ends.append(position)
                    pieces.append(text)
                    if text in (" ", "\n"):  # the gaps between tags (collapsed): no words
                        chars.append(chars[-1])
                        words.append(words[-1])
                        continue
                    split = text.split()
                    chars.append(chars[-1] + sum(map(len, split)))
                    words.append(words[-1] + len(split))
                continue
            open_tags.append((node, len(offsets), len(link_at)))
            ruby += node.tag in RUBY
            link_at.append(0)
            stack.append(None)
            stack.extend(reversed(tree.contents(node)))
        self.chars, self.words, self.offsets, self.ends = chars, words, offsets, ends
        for tag in root.iterdescendants("a"):  # link text is counted where the link starts (preorder)
            link_at[self.span[tag][2]] += self.text_len(tag)
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
        first, end, _, _ = self.span[tag]
        return self.joined[self.offsets[first] : self.ends[end - 1]] if end > first else ""

    def text_len(self, tag: Tag) -> int:
        first, end, _, _ = self.span[tag]
        count = self.words[end] - self.words[first]
        return self.chars[end] - self.chars[first] + count - 1 if count else 0

    def link_len(self, tag: Tag) -> int:
        _, _, pre, last = self.span[tag]
        own = tag.tag == "a"  # like find_all("a"): the links inside, not the element itself
        return self.links[last + 1] - self.links[pre + own]

    def has_anchor(self, tag: Tag) -> bool:
        first, end, _, _ = self.span[tag]
        if first == end:
            return False
        i = bisect.bisect_left(self.anchor_starts, self.offsets[first])
        return i < len(self.anchor_starts) and self.nearest_end[i] <= self.ends[end - 1]


def _class_and_id(tag: Tag) -> str:
    """The class names (one space apart, as bs4 lists them) and the id."""
    return " ".join(str(tag.get("class") or "").split()) + " " + str(tag.get("id") or "")


def _main_content(body: Tag, measures: Measures) -> Tag:
    containers = list(body.iterdescendants("div", "article", "section", "td", "main"))
    for hint in CONTENT_HINTS:
        found = [t for t in containers if hint.search(_class_and_id(t)) and measures.has_anchor(t)]
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


def _inline(root: Tag, doc: Document, tree: Tree) -> str:
    """An inline run → Markdown text (bold, italic, superscript numbers, safe links), walked with an explicit stack."""
    frames: list[list[str]] = [[]]  # the pieces of each open element
    opened: list[Tag] = []  # the open elements, innermost last
    stack: list[Node | None] = [root]  # None: the innermost open element is done
    while stack:
        node = stack.pop()
        if node is None:
            inner = "".join(frames.pop())
            frames[-1].append(_inline_element(opened.pop(), inner))
        elif isinstance(node, str):
            frames[-1].append(node.replace("\n", " "))
        elif node.tag == "img":
            alt = " ".join(str(node.get("alt") or "").split())
            doc.drop("image", "image in the content (alt text reported)" if alt else "image without alt text", alt or str(node.get("src") or ""))
        else:
            frames.append([])
            opened.append(node)
            stack.append(None)
            stack.extend(reversed(tree.contents(node)))
    return "".join(frames[0])


def _inline_element(node: Tag, inner: str) -> str:
    name = node.tag
    if name in {"b", "strong"} and inner.strip() and not re.fullmatch(r"[\s*]*", inner):
        return _wrap(inner, "**")
    if name in {"i", "em"} and inner.strip():
        return _wrap(inner, "*")
    if name == "sup" and re.fullmatch(r"\s*\d{1,3}\s*", inner):
        return inner.translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")).strip()
    if name == "a" and node.get("href") and not str(node.get("href")).startswith("#"):
        text, href = inner.strip(), safe_href(str(node.get("href")))
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
    for child in table:
        if child.tag in ROW_GROUPS:
            rows += [child] if child.tag == "tr" else [c for c in child if c.tag == "tr"]
    return rows


ROW_GROUPS = {"tr", "tbody", "thead", "tfoot"}


def _cells(row: Tag) -> list[Tag]:
    return [c for c in row if c.tag in ("td", "th")]


def _is_data_table(table: Tag, digits: set[Tag]) -> bool:
    rows = _rows(table)
    if len(rows) < 2:
        return False
    cells = [_cells(r) for r in rows]
    numeric = sum(1 for row in cells for c in row if c in digits)
    return max(map(len, cells)) >= 3 and numeric >= len(rows)


def _table_markdown(table: Tag, doc: Document, tree: Tree) -> list[str]:
    rows = []
    for tr in _rows(table):
        cells = [" ".join(_inline(c, doc, tree).split()).replace("|", "\\|") for c in _cells(tr)]
        rows.append(cells)
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return lines




def _holders(tree: Tree, root: Tag) -> tuple[set[Tag], set[Tag]]:
    """The elements under root (root included) holding a nesting tag, and those holding a digit: one pass, each
    element marked once, instead of a search per element."""
    nesting: set[Tag] = set()
    digits: set[Tag] = set()
    stack: list[Tag] = [root]
    while stack:
        element = stack.pop()
        for node in tree.contents(element):
            if isinstance(node, str):
                found = digits if DIGIT.search(node) else None
            else:
                stack.append(node)
                found = nesting if node.tag in NESTING_TAGS else None
            parent: Tag | None = element if found is not None else None
            while parent is not None and found is not None and parent not in found:
                found.add(parent)
                if parent is root:
                    break
                parent = parent.getparent()
    return nesting, digits


# a block holding one of these is walked, not taken whole (a heading inside a box is its own line)
NESTING_TAGS = {"p", "div", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6"}


def _to_lines(doc: Document, tree: Tree, root: Tag, marks: tuple[set[Tag], set[Tag]] | None = None) -> list[str]:
    """Blocks → lines. `marks` (elements holding a nesting tag, elements holding a digit) are found once for the
    whole content and handed to the cells of layout tables, so nested tables are not searched again at each level."""
    lines: list[str] = []
    current: list[str] = []
    if marks is None:
        marks = _holders(tree, root)
    nesting, digits = marks

    def flush() -> None:
        text = "".join(current).strip()
        current.clear()
        if text:
            lines.append(text)

    stack: list[Node | tuple[Tag]] = [root]  # explicit stack: nesting costs no recursion; (block,): after its children
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            current.append(item.replace("\n", " "))
            continue
        if isinstance(item, tuple):  # after a block's children
            name = item[0].tag
            flush()
            if name in {"p", "div", "ul", "ol", "table"}:
                lines.append("")
            continue
        node, name = item, item.tag
        if name == "table":
            flush()
            if _is_data_table(node, digits):
                doc.page_meta.tables.append(_table_markdown(node, doc, tree))
                lines.append(P.TABLE_MARK.format(len(doc.page_meta.tables) - 1))
            else:  # layout table: each row one line, cells separated like flattened columns
                for tr in _rows(node):
                    cell_lines = [_to_lines(doc, tree, cell, marks) for cell in _cells(tr)]
                    for i in range(max((len(c) for c in cell_lines), default=0)):
                        lines.append("\t\t".join(c[i] if i < len(c) else "" for c in cell_lines).strip())
                    lines.append("")
            continue
        if name in BLOCK_TAGS:
            flush()
            if name == "br":
                continue
            if name == "li":
                current.append("- ")
            if name in {"h1", "h2", "h3", "h4", "h5", "h6", "p", "div"} and node not in nesting:
                current.append(_inline(node, doc, tree))
                flush()
                lines.append("")
                continue
            stack.append((node,))
        elif name in {"b", "strong", "i", "em", "a", "sup", "img"}:
            current.append(_inline(node, doc, tree))
            continue
        stack.extend(reversed(tree.contents(node)))

    flush()
    return lines
