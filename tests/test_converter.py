"""The converter on the seeds and on fixtures imitating other portals: what a reader would notice."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import markdown as md
import pytest

from converters.model import Document
from converters.pipeline import convert_file
from converters.report import entry_for

from .conftest import ROOT, SEEDS, TEXT_FIXTURES
from .retention import output_body, retention_problems

ALL_TEXT = SEEDS + TEXT_FIXTURES


def seed(prefix: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(prefix))


def render_html(markdown_text: str) -> str:
    return md.markdown(output_body(markdown_text), extensions=["footnotes", "md_in_html", "attr_list", "tables"])


@pytest.fixture(scope="module")
def converted() -> dict[str, Document]:
    return {p.name: convert_file(p) for p in ALL_TEXT}


@pytest.mark.parametrize("path", ALL_TEXT, ids=lambda p: p.name)
def test_every_sentence_kept_exactly_once(path: Path, converted: dict[str, Document]) -> None:
    doc = converted[path.name]
    entry = entry_for(path, None, doc, None)
    raw = path.read_bytes().decode("utf-8-sig")
    assert retention_problems(raw, doc.markdown, entry["dropped"]) == []


@pytest.mark.parametrize("path", ALL_TEXT, ids=lambda p: p.name)
def test_rendered_page_has_no_stray_markup(path: Path, converted: dict[str, Document]) -> None:
    html = render_html(converted[path.name].markdown)
    text = re.sub(r"<[^>]+>", "", html)
    assert "*" not in text, re.findall(r".{30}\*.{30}", text)[:3]
    for raw_syntax in ("[footnoteRef", "^(", "⁽", "[^"):
        assert raw_syntax not in text
    assert "<pre>" not in html and "<code>" not in html  # indentation never became a code block


@pytest.mark.parametrize("name, count", [("001", 11), ("002", 2), ("003", 2)])
def test_footnotes_linked_both_ways(name: str, count: int, converted: dict[str, Document]) -> None:
    doc = converted[seed(name).name]
    assert len(doc.footnotes) == count
    body = output_body(doc.markdown)
    refs = re.findall(r"\[\^([^\]]+)\](?!:)", body)
    defs = re.findall(r"(?m)^\[\^([^\]]+)\]:", body)
    assert sorted(set(refs)) == sorted(defs) and len(refs) == len(defs) == count
    html = render_html(doc.markdown)
    assert html.count('class="footnote-ref"') == count and html.count('class="footnote-backref"') == count


def test_page_chrome_and_second_copy_gone(converted: dict[str, Document]) -> None:
    body = output_body(converted[seed("003").name].markdown)
    for chrome in ("Truy cập", "Hôm nay:", "Tất cả:", "158881", "Ngày 13/08/2023", "Đăng lúc", "0 bình luận", "Bấm vào đây", "SĐT", "Email:",
                   "Công khai thủ tục"):
        assert chrome not in body, chrome
    assert body.count("Thực hiện nghị quyết số 04-NQ/ĐU ngày 30/12/2022") == 1
    assert body.count("Bùi Văn Hoàng") == 1
    long_lines = [line for line in body.splitlines() if len(line) > 80]
    assert len(long_lines) == len(set(long_lines)), "a long paragraph appears twice"


def test_adjacent_repeat_dropped_and_reported(converted: dict[str, Document]) -> None:
    doc = converted[seed("002").name]
    assert output_body(doc.markdown).count("Các chính sách xã hội, chính sách đối với người có công") == 1
    assert any(d.kind == "duplicate" for d in doc.drops)


def test_page_break_splits_joined(converted: dict[str, Document]) -> None:
    body = output_body(converted[seed("002").name].markdown)
    assert "tham nhũng, lăng phí, tinh thần tự phê bình" in body  # split across a footnote definition
    assert "hạ tầng kỹ thuật đô thị trên địa bàn phường" in body
    body4 = output_body(converted[seed("004").name].markdown)
    assert "### I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ PHÁT TRIỂN KINH TẾ - XÃ HỘI" in body4  # heading wrapped over two lines


def test_heading_tree_from_administrative_numbering(converted: dict[str, Document]) -> None:
    body3 = output_body(converted[seed("003").name].markdown)
    assert "## Phần thứ nhất: TÌNH HÌNH THỰC HIỆN NHIỆM VỤ 6 THÁNG ĐẦU NĂM 2023" in body3
    assert "### I. NHỮNG KẾT QUẢ ĐẠT ĐƯỢC." in body3 and "##### 1.1. Hoạt sản xuất, kinh doanh duy trì ổn định." in body3
    body4 = output_body(converted[seed("004").name].markdown)
    assert "# BÁO CÁO" in body4 and "##### 1.1. Về phát triển tiểu thủ công nghiệp và dịch vụ" in body4
    body0 = output_body(converted[seed("000").name].markdown)
    assert body0.lstrip().startswith("### I. Tình hình thực hiện nhiệm vụ tháng 4 năm 2017")  # no invented header
    # a long numbered task stays a paragraph, escaped so Markdown keeps its number
    assert "4\\. Công tác triển khai phòng chống bão số 5" in output_body(converted[seed("001").name].markdown)


def test_closing_block_deinterleaved(converted: dict[str, Document]) -> None:
    doc0, doc1 = converted[seed("000").name], converted[seed("001").name]
    assert doc0.closing and doc1.closing, "no closing block found"
    assert doc0.closing.capacity == ["T/M ĐẢNG UỶ"] and doc0.closing.role == ["BÍ THƯ"]
    assert len(doc0.closing.recipients) == 9 and all(not r.startswith(("T/M", "BÍ")) for r in doc0.closing.recipients)
    assert doc1.closing.signer == "Nguyễn Tiến Giang" and doc1.closing.recipients[-1].endswith("Lưu vp Đảng uỷ.")


def test_source_spelling_kept(converted: dict[str, Document]) -> None:
    body = output_body(converted[seed("002").name].markdown)
    assert "ĐẢNG ỦY PHƯỜNG PHỐ HOÀ" in body and "Phố Hoà, ngày 18 tháng 5 năm 2023" in body


def test_nfd_crlf_bom_nbsp_inputs_give_clean_nfc() -> None:
    for name in ("nukeviet_nfd.txt", "liferay_crlf_bom_nbsp.txt"):
        doc = convert_file(ROOT / "tests" / "fixtures" / "text" / name)
        assert "\r" not in doc.markdown and "\u00a0" not in doc.markdown and "\ufeff" not in doc.markdown
        import unicodedata

        assert unicodedata.is_normalized("NFC", doc.markdown)


def test_deterministic_whatever_else_is_converted() -> None:
    alone = convert_file(seed("003")).markdown
    convert_file(seed("002"))
    convert_file(ROOT / "tests" / "fixtures" / "text" / "posted_twice.md")
    assert convert_file(seed("003")).markdown == alone


def test_cli_contract_and_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    legacy = tmp_path / "tcvn3.txt"
    legacy.write_bytes("®¶ng ñy x· Xu©n Phó b¸o c¸o t×nh h×nh th¸ng 7 n¨m 2023 ViÖt Nam".encode("latin-1"))
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, "-m", "converters", str(seed("001")), str(bad), str(legacy), "-o", str(out), "--report", str(tmp_path / "r.json")],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "empty.txt: empty file" in result.stderr and "tcvn3.txt" in result.stderr and "TCVN3" in result.stderr
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [e["ok"] for e in report] == [True, False, False]
    for key in ("source", "output", "ok", "error", "metadata", "dropped", "warnings"):
        assert key in report[0]
    assert (out / f"{seed('001').stem}.md").exists()


def test_word_pasted_windows1258_html_page() -> None:
    """A first HTML fixture (issue 4 adds the portal families): Word markup, legacy charset, footnote, tables."""
    doc = convert_file(ROOT / "tests" / "fixtures" / "html" / "word_paste_windows1258.html")
    assert doc.encoding == "windows-1258"
    body = output_body(doc.markdown)
    assert "Thu ngân sách đạt 45%[^1] so với kế hoạch." in body and "[^1]: Trong đó thu thuế đạt 50%." in body
    assert "| Thu ngân sách | 100 | 45 |" in body  # a data table stays a table
    assert "Trang chủ" not in body and "Điện thoại" not in body
    assert {d.text for d in doc.drops} >= {"Trang chủ", "Giới thiệu"}  # excluded furniture is named in the report
    m = doc.metadata
    assert (m["number"], m["date"], m["issuer"], m["signer"]) == ("20/BC-UBND", "2023-07-10", "Ủy ban nhân dân xã Xuân Phú", "Lê Văn Bình")
    assert "<o:p>" not in doc.markdown and "mso-" not in doc.markdown and "MsoNormal" not in doc.markdown


def test_nested_and_repaired_list_markers(converted: dict[str, Document]) -> None:
    body = output_body(converted[seed("002").name].markdown)
    assert "- Nâng cấp tuyến đường từ nhà ông Quả đến Lăng Ông Lãnh" in body  # "- +" item
    assert "- *Nhiệm vụ đột phá:* Tiếp tục" in body  # "* *…:*" item
    assert "*Đối với công tác tự kiểm tra, giám sát của các chi bộ:*" in body  # "** …:*" repaired
    assert "- **Thuận lợi:**" in output_body(converted[seed("004").name].markdown)  # "*** …:**"


# --- HTML pages (issue 4) ----------------------------------------------------------------------------------------
HTML_EXPECT: dict[str, dict[str, str | int | None]] = {  # what each imitated portal page must yield
    "liferay_portal.html": {"number": "31-NQ/ĐU", "date": "2021-09-23", "signer": "Nguyễn Tiến Giang", "posted": "2021-09-24", "footnotes": 11},
    "nukeviet_news.html": {"number": "263-BC/ĐU", "date": "2023-05-18", "signer": "Nguyễn Văn Nho", "posted": "2023-05-18", "footnotes": 2},
    "wordpress_post.html": {"number": None, "date": None, "signer": None, "posted": "2017-04-28", "footnotes": 0},
    "sharepoint_utf16.html": {"number": "74/BC-UBND", "date": "2023-06-20", "signer": "Chu Thị Xuân", "posted": "2023-06-21", "footnotes": 0},
    "counter_template_twice.html": {"number": None, "date": "2023-07", "signer": "Bùi Văn Hoàng", "posted": "2023-08-13", "footnotes": 2},
    "word_paste_windows1258.html": {"number": "20/BC-UBND", "date": "2023-07-10", "signer": "Lê Văn Bình", "posted": None, "footnotes": 1},
}
PAGE_CHROME = ["Trang chủ", "Tin khác", "Tin mới", "bình luận", "Điện thoại", "Lượt xem", "Truy cập", "Bài viết liên quan", "Đăng nhập", "Hôm nay"]


def test_legacy_font_keys_are_in_every_legacy_word() -> None:
    """The legacy-font check runs its regexes only on text holding a key: a word without one would go unseen."""
    from converters import loading

    for words, keys in ((loading.TCVN3_WORD_LIST, loading.TCVN3_KEYS), (loading.VNI_WORD_LIST, loading.VNI_KEYS)):
        assert [w for w in words if not any(k in w for k in keys)] == []
    assert loading.legacy_font_encoding("x· Héi ViÖt") == "TCVN3 (ABC)" and loading.legacy_font_encoding("xaõ naêm coâng") == "VNI"
    assert loading.legacy_font_encoding("Đảng ủy xã © 2024 Hội Việt") is None


def _extracted_text(path: Path) -> tuple[Document, str]:
    from converters import html_extract, loading

    doc = Document(source=path, raw=path.read_bytes())
    loading.load(doc)
    page_text = doc.text
    html_extract.extract(doc)
    return doc, page_text


@pytest.mark.parametrize("name", sorted(HTML_EXPECT))
def test_html_page_clean_complete_and_described(name: str) -> None:
    path = ROOT / "tests" / "fixtures" / "html" / name
    doc = convert_file(path)
    body = output_body(doc.markdown)
    for chrome in PAGE_CHROME:
        assert chrome not in body, chrome
    expect = HTML_EXPECT[name]
    for key in ("number", "date", "signer", "posted"):
        assert doc.metadata[key] == expect[key], key
    assert len(doc.footnotes) == expect["footnotes"]
    html = render_html(doc.markdown)
    assert html.count('class="footnote-backref"') == expect["footnotes"]
    assert "*" not in re.sub(r"<[^>]+>", "", html)
    # nothing lost: text pipeline retention on the extracted lines …
    extracted, page_text = _extracted_text(path)
    entry = entry_for(path, None, doc, None)
    line_drops = [d for d in entry["dropped"] if d["lines"][0] >= 1]
    tables = extracted.page_meta.tables
    lines_text = re.sub("\u2063TABLE (\\d+)\u2063", lambda m: " ".join(tables[int(m.group(1))]), extracted.text)
    assert retention_problems(lines_text, doc.markdown, line_drops) == []
    # … and extraction kept every visible word of the page, except what it reported as furniture or images
    from bs4 import BeautifulSoup

    from .retention import WORD

    soup = BeautifulSoup(page_text, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "head", "title"]):
        tag.decompose()
    page_words = Counter(WORD.findall(soup.get_text(" ")))
    outside = [d["text"] for d in entry["dropped"] if d["lines"][0] == 0]
    kept_words = Counter(WORD.findall(re.sub(r"\]\([^)]*\)", "]", lines_text))) + Counter(WORD.findall(" ".join(outside)))
    assert page_words - kept_words == Counter()
