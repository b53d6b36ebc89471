"""Locate the document on the page, and drop what lies outside it.

A page is a list of line blocks. Each block gets a score: positive for the document's own structure (a header
*cluster* — issuing body, motto, `Số …`, place-date line, at least two of them within a few lines, in any order
and on shared lines —, a type title, `Căn cứ …`, body numbering, the closing, an appendix, footnote definitions,
tables) and for running text (text statistics from lineclass.py), negative for page furniture (named by a pattern
and not a sentence, link-heavy, a bare label). The document is then the stretch with the largest total score
(the maximum-sum segment, as in Finn et al.'s Body Text Extraction), with three constraints from the document's
structure:

* a header cluster starts the document: everything above it is outside, whatever it says;
* the closing (recipients, signature, `./.`) and what follows it as long as it scores (footnote definitions,
  `Phụ lục`, tables, `Ghi chú`, `(Ban hành kèm theo …)`) are inside: an appendix is never chrome;
* the end never passes a *barrier*: a named footer region (related news, comments, TTHC, contact) that is not a
  sentence and is followed by more furniture.

Everything outside is dropped as `outside-document`, with the finer kind in the reason (chrome.name_line), so it
is listed in the report. A page with no document (a news item) keeps its headline and text; inside it the lines a
pattern names as furniture are dropped too. A page with no text left is refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from core.text import fold

from . import chrome, lineclass
from . import patterns as P
from .lineclass import HEADER_KINDS, REGION_ANCHORS, chrome_rule, evidence, features, is_headline, is_page_title, is_running_text, plain
from .model import Block, ConversionError, Document

CLUSTER_GAP = 4  # header members lie at most this many blocks apart (ornaments, bars, name lines between)
CLUSTER_MIN_KINDS = 2  # distinct header kinds (issuer, motto, number, place-date) that make a cluster
ISSUER_LOOKBACK = 2  # capitals lines just above a cluster that lacks its issuer: an issuing body no pattern knows
CLOSING_CHAIN = 3  # closing elements this close to each other form one closing block
SECTION_LABEL_WORDS = 5  # a headline-like line this short under a longer one is a section label between title and text
HEADLINE_LINES = 2  # short lines kept just above a news item's first paragraph (headline, sapo, subheading)
SUBJECT_LINES = 3  # a type title's subject wraps over at most this many lines
TITLE_LOOKAHEAD = 8  # the document's title stands within this many blocks of its start
NEG_INF = float("-inf")
DOCUMENT_LINE = 2.0  # a score this high is running text or the document's structure

# Scores: how strongly a block says "document" (>0) or "page furniture" (<0).
STRUCTURE_SCORES = {
    "header": 4.0, "type_title": 3.0, "basis": 3.0, "closing": 4.0, "end_mark": 3.0, "appendix": 3.0,
    "footnote": 3.0, "table": 2.0, "numbering": 2.0,
}
NAMED_FURNITURE = -4.0  # a pattern names it and it is not a sentence
LINK_LIST = -3.0  # mostly link text: menus, related-news lists, breadcrumbs
PAGE_TITLE = -2.0  # the post's title above the document's own title
BODY_SHAPED = 0.5  # a list item, a numbered item, a finished short sentence: how document bodies are written
BARE_LABEL = -1.0  # one to three words
OTHER_LINE = -0.5  # a short line of unknown kind: neither evidence nor text


HEADER_CLUSTER, STRUCTURE, TEXT_ONLY = "header cluster", "structure", "text only"  # Document.located


@dataclass(frozen=True)
class Bounds:
    """Where the document lies: blocks[start : end + 1]; how it was found (HEADER_CLUSTER, STRUCTURE, TEXT_ONLY)."""

    start: int
    end: int
    found_by: str

    @property
    def has_document(self) -> bool:
        return self.found_by != TEXT_ONLY


def header_cluster(blocks: list[Block], kinds: list[frozenset[str]]) -> tuple[int, set[int]] | None:
    """(first block, member blocks) of the first header cluster: a run of header members (issuer, motto, number,
    place-date) showing at least two distinct kinds, members at most CLUSTER_GAP blocks apart, with only header filler
    between them (ornaments, cell bars, short capitals lines). Page furniture between two members breaks the run, so a
    portal's name in capitals above a menu is not the start of the header below it.

    >>> from converters.model import Block
    >>> rows = [Block(t, n, n) for n, t in enumerate(["ĐẢNG BỘ XÃ AN", "Trang chủ", "ỦY BAN NHÂN DÂN", "XÃ AN", "-----", "Số: 5/BC-UBND"], 1)]
    >>> from converters.lineclass import evidence
    >>> header_cluster(rows, [evidence(b) for b in rows])
    (2, {2, 5})
    """
    wanted = set(HEADER_KINDS)
    i = 0
    while i < len(kinds):
        if not kinds[i] & wanted:
            i += 1
            continue
        members, found, last, j = {i}, set(kinds[i] & wanted), i, i + 1
        while j < len(kinds) and j - last <= CLUSTER_GAP:
            if kinds[j] & wanted:
                members.add(j)
                found |= kinds[j] & wanted
                last = j
            elif not is_header_filler(blocks[j]):
                break
            j += 1
        if len(found) >= CLUSTER_MIN_KINDS:
            return i, members
        i = last + 1
    return None


def is_header_filler(block: Block) -> bool:
    """What stands between a header's members: an ornament or rule, a bare cell bar, a short capitals line (the rest
    of a body's name, "TỈNH KON TUM"; a number's value on its own line)."""
    text = plain(block.text)
    if not text.strip("|").strip() or P.HEADER_ORNAMENT.match(text):
        return True
    return text == text.upper() and len(text.split()) <= 8 and chrome_rule(text) is None


def block_score(block: Block, kinds: frozenset[str], in_cluster: bool) -> float:
    """
    >>> from converters.model import Block
    >>> block_score(Block("Lượt xem: 437", 1, 1), frozenset(), False)
    -4.0
    >>> block_score(Block("Ngày 09/6/2023, Ban Thường vụ Đảng ủy phường tổ chức Hội nghị sơ kết 06 tháng đầu năm.", 1, 1), frozenset(), False) > 0
    True
    """
    structure = max((STRUCTURE_SCORES[k] for k in kinds if k in STRUCTURE_SCORES), default=0.0)
    if in_cluster:
        structure = max(structure, STRUCTURE_SCORES["header"])
    text = plain(block.text)
    running = is_running_text(text)
    rule = chrome_rule(text)
    if rule and (not running or rule[1] == "editorial lead") and not structure:
        return NAMED_FURNITURE
    if structure:
        return structure
    f = features(block.text)
    if f.link_share >= 0.5:
        return LINK_LIST
    if running:
        return 1.0 + min(f.words / 15, 3.0)
    if is_page_title(text):
        return PAGE_TITLE
    if is_body_shaped(text):
        return BODY_SHAPED
    return BARE_LABEL if f.words <= 3 else OTHER_LINE


def is_item(text: str) -> bool:
    """A list item ("- …", "+ …") or a numbered item ("3. …", "1.1. …", "a) …")."""
    return bool(
        P.LIST_ITEM.match(text) or P.LIST_ITEM_TIGHT.match(text) or P.ARABIC_HEADING.match(text)
        or P.ARABIC2_HEADING.match(text) or P.ALPHA_ITEM.match(text)
    )


def is_body_shaped(text: str) -> bool:
    """Shaped like a line of a document's body though too short for running text: a list item, a numbered item,
    a finished short sentence, or a long line of words cut off by the page store.

    >>> is_body_shaped("- Vẽ sơ đồ định hướng quy hoạch vườn hộ."), is_body_shaped("3. Đối với thôn Tân Quang")
    (True, True)
    >>> is_body_shaped("Nguyễn Trung Kiên"), is_body_shaped("TIN TỨC MEDIA TIN TỨC MEDIA")
    (False, False)
    """
    f = features(text)
    if is_item(text):
        return f.words >= 3 or not (P.LIST_ITEM.match(text) or P.LIST_ITEM_TIGHT.match(text))
    return (f.sentence_end and f.words >= 4 and f.stop_share > 0) or (f.words >= 10 and f.stop_share >= 0.1)


def is_barrier(blocks: list[Block], index: int) -> bool:
    """A named footer region (related news, comments, TTHC, contact) that is not a sentence and is followed by more
    furniture: the document never continues past it."""
    text = plain(blocks[index].text)
    rule = chrome_rule(text)
    if not rule or rule[1] not in REGION_ANCHORS or is_running_text(text):
        return False
    if index + 1 == len(blocks):
        return True
    following = blocks[index + 1]
    return not (is_running_text(following.text) or evidence(following))


def best_segment(scores: list[float], lo: int, hi: int) -> tuple[int, int, float]:
    """The maximum-sum stretch of scores[lo:hi] (Kadane): (start, end, total); (lo, lo - 1, 0) when all are negative.

    >>> best_segment([-4, -1, 3, 2, -0.5, 4, -4, -1], 0, 8)
    (2, 5, 8.5)
    """
    best = (lo, lo - 1, 0.0)
    run_start, run = lo, 0.0
    for i in range(lo, hi):
        if scores[i] == NEG_INF:
            run_start, run = i + 1, 0.0
            continue
        if run <= 0:
            run_start, run = i, 0.0
        run += scores[i]
        if run > best[2]:
            best = (run_start, i, run)
    return best


def best_end(scores: list[float], start: int, hi: int) -> int:
    """The end after `start` that maximises the total score from start (never before start)."""
    best, total, best_total = start, 0.0, NEG_INF
    for i in range(start, hi):
        if scores[i] == NEG_INF:
            break
        total += scores[i]
        if total >= best_total:
            best, best_total = i, total
    return best


def closing_zone_end(blocks: list[Block], kinds: list[frozenset[str]], start: int, hi: int) -> int | None:
    """The last block of the last closing in blocks[start:hi] (or of the end mark `./.`): recipients, signature and the
    signer's name, footnote definitions, chained while they stand within CLOSING_CHAIN blocks of each other."""
    first = next((i for i in range(hi - 1, start - 1, -1) if kinds[i] & {"closing", "end_mark"}), None)
    if first is None:
        return None
    chain = [first]  # the closing elements chained above the last one: a signature there still awaits its name
    for i in range(first - 1, start - 1, -1):
        if chain[-1] - i > CLOSING_CHAIN:
            break
        if kinds[i] & {"closing"}:
            chain.append(i)
    last, signed = first, any(_signs(blocks[i]) for i in chain)
    for i in range(first + 1, hi):
        if i - last > CLOSING_CHAIN:
            break
        text = plain(blocks[i].text)
        follows = i == last + 1 and features(blocks[i].text).link_share < 0.5 and not chrome_rule(text)  # a link list is not a recipient
        name = any(P.PERSON_NAME.match(c) or P.PERSON_NAME_CAPS.match(c) for c in lineclass.segments(blocks[i]))  # "| Lê Thị Mai |"
        if kinds[i] & {"closing", "footnote", "end_mark"} or (follows and ((name and signed) or P.LIST_ITEM.match(text))):
            last = i  # the signer's name stands under the role or capacity line (below the recipients when interleaved)
            signed = (signed or _signs(blocks[i])) and not name  # one name per signature
    return last


def _signs(block: Block) -> bool:
    """A signature capacity, role or signed mark in one of the block's cells."""
    return any(lineclass.is_signature_cell(s) for s in lineclass.segments(block))


def _post_date(text: str) -> bool:
    rule = chrome_rule(plain(text))
    return rule is not None and rule[1] == "post date / view count"


def headline_start(blocks: list[Block], start: int) -> int:
    """Walk up from a news item's first paragraph over its sapo, headline or a short subheading ending in ':'
    (HEADLINE_LINES at most), stepping over a post-date line between a headline and its sapo; stop at anything else."""
    taken = 0
    i = start - 1
    while i >= 0 and taken < HEADLINE_LINES:
        text = plain(blocks[i].text)
        if _post_date(text) and i > 0 and is_headline(plain(blocks[i - 1].text)):
            i -= 1  # the date line stays inside, where it is dropped as named furniture
            continue
        f = features(blocks[i].text)
        if chrome_rule(text) or is_page_title(text) or f.link_share >= 0.3:
            break
        if is_headline(text):
            start, taken, i = i, taken + 1, i - 1
            above = plain(blocks[i].text) if i >= 0 else ""
            longer_title = f.words <= SECTION_LABEL_WORDS and is_headline(above) and features(above).words > f.words
            if not (i >= 0 and (_post_date(blocks[i].text) or longer_title)):
                break  # a headline is the top of a news item, unless a date line or a section label separates it from its title
            continue
        if 2 <= f.words <= 8 and text.endswith(":"):
            start, taken, i = i, taken + 1, i - 1
            continue
        break
    return start


def subject_lines(blocks: list[Block], kinds: list[frozenset[str]]) -> list[int]:
    """The lines of a type title's subject ("BÁO CÁO" / "kết quả tháng 6 năm 2024"): up to SUBJECT_LINES lines right
    under the type line that are neither structure nor furniture nor a finished sentence; they belong to the title.

    >>> from converters.model import Block
    >>> rows = [Block(t, n, n) for n, t in enumerate(["BÁO CÁO", "kết quả tháng 6 năm 2024", "Nội dung."], 1)]
    >>> subject_lines(rows, [evidence(b) for b in rows])
    [1]
    """
    found: list[int] = []
    for i, k in enumerate(kinds):
        if "type_title" not in k:
            continue
        for j in range(i + 1, min(i + 1 + SUBJECT_LINES, len(blocks))):
            text = plain(blocks[j].text)
            if kinds[j] or chrome_rule(text) or text.endswith((".", "!", "?", ":")) or features(text).link_share >= 0.3:
                break
            found.append(j)
    return found


def repeats_title(block: Block, opening: list[Block]) -> bool:
    """A line above the document that says what one of the document's opening lines says, or two of them together
    (the page's title over the document's type line and subject), letter for letter once folded.

    >>> from converters.model import Block
    >>> opening = [Block("THÔNG BÁO", 2, 2), Block("Lịch tiếp công dân năm 2024", 3, 3)]
    >>> [repeats_title(Block(t, 1, 1), opening) for t in ["Lịch tiếp công dân năm 2024", "Thông báo lịch tiếp công dân năm 2024", "Tin tức"]]
    [True, True, False]
    """
    text = fold(" ".join(plain(block.text).split()))
    lines = [fold(" ".join(plain(b.text).split())) for b in opening]
    return len(text) >= 12 and text in {*lines, *(f"{a} {b}" for a, b in zip(lines, lines[1:], strict=False))}


def is_fragment(block: Block) -> bool:
    """The last line of a page cut mid-text: words, not links, not a named kind of furniture."""
    text = plain(block.text)
    return features(block.text).link_share < 0.3 and chrome_rule(text) is None and bool(lineclass.SYLLABLE.search(text))


NAVIGATION_WORDS = 8


def repeated_navigation(blocks: list[Block], kinds: list[frozenset[str]]) -> list[int]:
    """Short lines printed more than once on the page, apart (a breadcrumb or a tab bar above and below the text):
    navigation, whatever their wording. Document structure and sentences are never navigation.

    >>> from converters.model import Block
    >>> rows = [Block(t, n, n) for n, t in enumerate(["Thuộc tính", "Lược đồ", "CHÍNH PHỦ", "Thuộc tính", "Lược đồ"], 1)]
    >>> repeated_navigation(rows, [frozenset()] * 5)
    [0, 1, 3, 4]
    """
    keys = [plain(b.text) if features(b.text).words <= NAVIGATION_WORDS and not k and not is_running_text(b.text) else None
            for b, k in zip(blocks, kinds, strict=True)]
    seen = Counter(k for k in keys if k)
    return [i for i, k in enumerate(keys) if k and seen[k] > 1 and not is_item(k)]


def find_bounds(blocks: list[Block]) -> Bounds | None:
    """Where the document lies on the page, or None when no stretch of it scores above zero."""
    kinds = [evidence(b) for b in blocks]
    cluster = header_cluster(blocks, kinds)
    scores = page_scores(blocks, kinds, cluster[1] if cluster else set())
    has_document = cluster is not None or any(k & {"type_title", "closing", "basis", "numbering"} for k in kinds)
    if cluster:
        start = issuer_above(blocks, kinds, cluster[0])
    else:
        start, _, total = best_segment(scores, 0, len(blocks))
        if total <= 0:
            return None
    end = document_end(blocks, kinds, scores, start, has_document)
    if not cluster and not kinds[start]:  # a document opening on its title or numbering has nothing above it
        start = headline_start(blocks, start)
    return Bounds(start, end, HEADER_CLUSTER if cluster else STRUCTURE if has_document else TEXT_ONLY)


def page_scores(blocks: list[Block], kinds: list[frozenset[str]], members: set[int]) -> list[float]:
    """Every block's score; repeated navigation counts as a label; a footer barrier is minus infinity."""
    scores = [block_score(b, k, i in members) for i, (b, k) in enumerate(zip(blocks, kinds, strict=True))]
    for i in subject_lines(blocks, kinds):
        scores[i] = max(scores[i], STRUCTURE_SCORES["type_title"])
    for i in repeated_navigation(blocks, kinds):
        scores[i] = min(scores[i], BARE_LABEL)
    for i in range(len(blocks)):
        if is_barrier(blocks, i):
            scores[i] = NEG_INF
    return scores


def issuer_above(blocks: list[Block], kinds: list[frozenset[str]], start: int) -> int:
    """A cluster lacking its issuer may have one no pattern knows ("TRƯỜNG MẦM NON …") in capitals just above it."""
    if kinds[start] & {"issuer"}:
        return start
    for j in range(start - 1, max(-1, start - 1 - ISSUER_LOOKBACK), -1):
        text = plain(blocks[j].text)
        if text != text.upper() or chrome_rule(text) or len(text.split()) > 10 or not P.ORGANISATION_LINE.search(text):
            break  # a capitals label of the portal ("TIN NỔI BẬT") names no organisation
        start = j
    return start


def document_end(blocks: list[Block], kinds: list[frozenset[str]], scores: list[float], start: int, has_document: bool) -> int:
    """The last block of the document: never before its closing, never past a footer barrier; after the closing what
    still scores (footnotes, an appendix); without a closing, the last strong line and what scores after it."""
    hi = next((i for i in range(start, len(blocks)) if scores[i] == NEG_INF), len(blocks))
    zone = closing_zone_end(blocks, kinds, start, hi)
    if zone is not None:
        for i in range(zone + 1, hi):  # after the closing, an unfinished line of words is a headline of other news, not body
            text = plain(blocks[i].text)
            if scores[i] == BODY_SHAPED and not is_item(text) and not features(text).sentence_end:
                scores[i] = OTHER_LINE
        return best_end(scores, zone, hi)
    if not has_document:
        return best_end(scores, start, hi)
    strongest = max((i for i in range(start, hi) if scores[i] >= DOCUMENT_LINE), default=start)
    end = best_end(scores, strongest, hi)
    if end == len(blocks) - 2 and is_fragment(blocks[-1]):
        end += 1  # a document that never reached its closing was cut mid-text by the page store: its last fragment too
    return end


def locate_document(doc: Document) -> None:
    blocks = doc.blocks
    bounds = find_bounds(blocks) if blocks else None
    if bounds is None:
        raise ConversionError("no document text found")
    for where, part in (("above", range(0, bounds.start)), ("below", range(bounds.end + 1, len(blocks)))):
        for i in part:
            reason = chrome.name_line(doc, blocks, i)
            if where == "above" and repeats_title(blocks[i], blocks[bounds.start : bounds.start + TITLE_LOOKAHEAD]):
                reason = "page title repeating the document's own title"
            doc.drop_block(blocks[i], "outside-document", f"{reason} ({where} the document)")
    inside = blocks[bounds.start : bounds.end + 1]
    if bounds.has_document:
        inside = chrome.drop_named_inside(doc, inside, document=True)
    else:
        inside = drop_captions(doc, chrome.drop_named_inside(doc, inside))
    if not any(is_running_text(b.text) or evidence(b) for b in inside):
        raise ConversionError("no document text found")
    doc.blocks = inside
    doc.located = bounds.found_by


CAPTION_MAX_WORDS = 15


def is_caption(blocks: list[Block], index: int) -> bool:
    """In a news item, a short line that is not a sentence, standing alone between two paragraphs of running text:
    a photo caption or an image's alt text ("Toàn cảnh hội nghị"). Capitals lines and "…:" labels are subheadings.

    >>> from converters.model import Block
    >>> para = "Ngày 09/6/2023, Ban Thường vụ Đảng ủy phường tổ chức Hội nghị sơ kết 06 tháng đầu năm."
    >>> rows = [Block(para, 1, 1), Block("Toàn cảnh hội nghị", 2, 2), Block(para, 3, 3), Block("KẾT QUẢ NỔI BẬT", 4, 4), Block(para, 5, 5)]
    >>> [is_caption(rows, i) for i in range(5)]
    [False, True, False, False, False]
    """
    if not 0 < index < len(blocks) - 1:
        return False
    text = plain(blocks[index].text)
    f = features(text)
    if f.words > CAPTION_MAX_WORDS or f.sentence_end or f.caps_share > 0.8 or evidence(blocks[index]) or is_item(text):
        return False
    return is_running_text(blocks[index - 1].text) and is_running_text(blocks[index + 1].text)


def drop_captions(doc: Document, blocks: list[Block]) -> list[Block]:
    kept = []
    for i, block in enumerate(blocks):
        if is_caption(blocks, i):
            doc.drop_block(block, "chrome", "photo caption or image alt text between paragraphs (inside the news item)")
            continue
        kept.append(block)
    return kept


def _only_where(found_by: set[str], stage: Callable[[Document], None]) -> Callable[[Document], None]:
    def run(doc: Document) -> None:
        if doc.located in found_by:
            stage(doc)

    run.__doc__ = stage.__doc__
    return run


def only_with_header_cluster(stage: Callable[[Document], None]) -> Callable[[Document], None]:
    """Run a header recogniser only where the document starts with a header cluster: on a page without one (a news
    item) a headline in capitals is never read as the issuing body."""
    return _only_where({HEADER_CLUSTER}, stage)


def only_in_documents(stage: Callable[[Document], None]) -> Callable[[Document], None]:
    """Run a closing recogniser only on a page that shows a document's structure: a news item has no signer, and its
    author line or a unit's sign-off is never one. (What follows the signature, an appendix, is the closing stage's:
    it marks those blocks `after_closing`, and "PHỤ LỤC" is never a name, patterns.NOT_A_NAME.)"""
    return _only_where({HEADER_CLUSTER, STRUCTURE}, stage)
