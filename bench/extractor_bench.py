"""Our converter against the best generic extractor (trafilatura) on the same HTML fixtures, same run.

Columns per page: sentence recall against the expected body, chrome lines kept, footnote definitions kept,
duplicate blocks kept, and pages/s. The expected body is the report text each fixture embeds (a seed, or the
fixture's own content block), never our converter's output.
"""

from __future__ import annotations

import re
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import trafilatura
from bs4 import BeautifulSoup, Tag

from converters.loading import decode
from converters.pipeline import convert_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "html"
SEEDS = ROOT / "sources"
WORD = re.compile(r"\w+")
CHROME_PROBES = ["Trang chủ", "Tin khác", "Tin mới", "bình luận", "Điện thoại", "Lượt xem", "Truy cập", "Bài viết liên quan",
                 "Đăng nhập", "Hôm nay", "Ngày đăng", "Cập nhật lúc", "Đăng ngày", "Tác giả", "Bản quyền", "Cơ quan chủ quản",
                 "Thủ tục hành chính", "Bấm vào đây", "Ảnh:", "CHUYÊN MỤC", "Tìm kiếm", "SĐT", "Email"]
FOOTNOTE_DEF_LINE = re.compile(r"^\s*(?:\^\(\w+\)|⁽[⁰-⁹]+⁾|\[\d+\])\s*(\S.*)$", re.M)
DOCX_DEF = re.compile(r"\[\d+:\s+([^\[\]]+)\]")


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def first_copy_of_003() -> str:
    text = seed("003")
    start = text.index("ĐẢNG BỘ HUYỆN THỌ XUÂN")
    end = text.index("Đăng lúc:")
    return text[start:end]


def own_content(name: str, css_class: str) -> str:
    html, _ = decode((FIXTURES / name).read_bytes())
    content = BeautifulSoup(html, "lxml").find(class_=css_class)
    if not isinstance(content, Tag):
        raise ValueError(f"{name}: no element of class {css_class!r}")
    return content.get_text("\n")


EXPECTED = {  # fixture → the report text it embeds
    "liferay_portal.html": lambda: seed("001"),
    "nukeviet_news.html": lambda: seed("002"),
    "wordpress_post.html": lambda: seed("000"),
    "sharepoint_utf16.html": lambda: seed("004"),
    "counter_template_twice.html": first_copy_of_003,
    "word_paste_windows1258.html": lambda: own_content("word_paste_windows1258.html", "news-content"),
}


FOOTNOTE_MARK = re.compile(r"\[\^?[\w-]+\]:?|\[footnoteRef:\d+\]|\^\(\w+\)|⁽[⁰-⁹]+⁾|[⁰¹²³⁴⁵⁶⁷⁸⁹]+")  # reference labels are not text


def words(text: str) -> list[str]:
    return WORD.findall(FOOTNOTE_MARK.sub(" ", unicodedata.normalize("NFC", text)).lower())


def sentences(text: str, min_words: int = 4) -> list[str]:
    pieces = re.split(r"[.!?;:…\n\[\]]+|\^\(\w+\)|⁽[⁰-⁹]+⁾|footnoteRef|\t|[ \u00a0]{3,}", text)  # also flattened column gaps
    return [" ".join(words(p)) for p in pieces if len(words(p)) >= min_words]


def footnote_texts(expected: str) -> list[str]:
    defs = DOCX_DEF.findall(expected) + FOOTNOTE_DEF_LINE.findall(expected)
    return [" ".join(words(d)[:6]) for d in defs if len(words(d)) >= 3]


@dataclass
class Score:
    recall: float
    chrome: int
    footnotes: int
    footnotes_total: int
    duplicates: int


def score(output: str, expected: str) -> Score:
    stream = " " + " ".join(words(output)) + " "
    wanted = sorted(set(sentences(expected)))
    found = sum(1 for s in wanted if f" {s} " in stream)
    chrome = sum(1 for probe in CHROME_PROBES if probe.lower() in output.lower() and probe.lower() not in expected.lower())
    notes = footnote_texts(expected)
    kept_notes = sum(1 for n in notes if f" {n} " in stream)
    expected_stream = " " + " ".join(words(expected)) + " "
    duplicates = sum(1 for s in wanted if len(s.split()) >= 8 and stream.count(f" {s} ") > max(1, expected_stream.count(f" {s} ")))
    return Score(found / len(wanted) if wanted else 1.0, chrome, kept_notes, len(notes), duplicates)


def ours(path: Path) -> str:
    """The document body (front matter holds metadata, scored elsewhere)."""
    return re.sub(r"^---\n.*?\n---\n", "", convert_file(path).markdown, count=1, flags=re.S)


def theirs(path: Path) -> str:
    html, _ = decode(path.read_bytes())
    return trafilatura.extract(html, output_format="markdown", include_tables=True, include_comments=False) or ""


def run(repeats: int = 3) -> str:
    rows = ["| page | extractor | sentence recall | chrome kept | footnote defs kept | duplicate blocks kept |", "|---|---|---|---|---|---|"]
    totals = {"ours": [0.0, 0, 0, 0, 0], "trafilatura": [0.0, 0, 0, 0, 0]}
    timing = {"ours": 0.0, "trafilatura": 0.0}
    names = sorted(EXPECTED)
    for name in names:
        path = FIXTURES / name
        expected = EXPECTED[name]()
        for label, extractor in (("ours", ours), ("trafilatura", theirs)):
            started = time.perf_counter()
            for _ in range(repeats):
                output = extractor(path)
            timing[label] += time.perf_counter() - started
            s = score(output, expected)
            t = totals[label]
            t[0] += s.recall
            t[1] += s.chrome
            t[2] += s.footnotes
            t[3] += s.footnotes_total
            t[4] += s.duplicates
            rows.append(f"| {name} | {label} | {s.recall:.3f} | {s.chrome} | {s.footnotes}/{s.footnotes_total} | {s.duplicates} |")
    for label, t in totals.items():
        rows.append(f"| **total** | **{label}** | **{t[0] / len(names):.3f}** | **{t[1]}** | **{t[2]}/{t[3]}** | **{t[4]}** |")
    pages = len(names) * repeats
    speed = {k: pages / v for k, v in timing.items()}
    rows += ["", f"Speed on the same pages: ours {speed['ours']:.1f} pages/s, trafilatura {speed['trafilatura']:.1f} pages/s "
             f"(ratio {speed['ours'] / speed['trafilatura']:.2f}×)."]
    return f"### HTML extraction vs trafilatura {trafilatura.__version__} — {len(names)} fixtures\n\n" + "\n".join(rows)


if __name__ == "__main__":
    print(run())
