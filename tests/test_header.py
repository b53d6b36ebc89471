"""Header and title block, stage by stage: a few input lines beside the header cells and title they give.

Every case is written here in our own words, imitating shapes seen on portals (flattened two-column tables,
`|` cells, words split over lines, an unknown line above the header); nothing is copied from a real page.
"""

from __future__ import annotations

import doctest
from pathlib import Path
from types import ModuleType

import pytest

from converters import closing, header, metadata, outline, patterns, text
from converters.model import Document, Kind
from converters.pipeline import convert_bytes

from .retention import output_body, retention_problems

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "real-pages"


def convert(source: str) -> Document:
    return convert_bytes(source.encode("utf-8"), Path("case.txt"))


def fields(doc: Document) -> tuple:
    m = doc.metadata
    return m["doc_type"], m["number"], m["date"], m["issuer"]


def assert_retained(doc: Document) -> None:
    assert retention_problems(doc.text, doc.markdown, [d.as_dict() for d in doc.drops]) == []


@pytest.mark.parametrize("module", [header, closing, metadata, outline, patterns, text])
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.failed == 0 and result.attempted > 0


# --- header cells ----------------------------------------------------------------------------------------------
CASES = {
    "pipe-flattened, one line per row": (
        "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
        "XÃ HÒA BÌNH | Độc lập - Tự do - Hạnh phúc |\n"
        "Số: 12 /BC-UBND | Hòa Bình, ngày 5 tháng 3 năm 2024 |\n"
        "BÁO CÁO\nKết quả thu ngân sách quý I năm 2024\n\nI. KẾT QUẢ\n\nThu ngân sách đạt 30% kế hoạch.\n",
        ("Báo cáo", "12/BC-UBND", "2024-03-05", "Ủy ban nhân dân xã Hòa Bình"),
    ),
    "lone bars, words and date split over lines, number after its label": (
        "ỦY BAN NHÂN DÂN\nHUYỆN SƠN HÀ\n-------\n|\nCỘNG\nHÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "---------------\n|\nSố:\n45/QĐ-UBND\n|\nSơn Hà, ngày 9\ntháng 8 năm 2022\n|\n"
        "QUYẾT ĐỊNH\nVỀ VIỆC THÀNH LẬP TỔ CÔNG TÁC\n\nCăn cứ Luật Tổ chức chính quyền địa phương;\n",
        ("Quyết định", "45/QĐ-UBND", "2022-08-09", "Ủy ban nhân dân huyện Sơn Hà"),
    ),
    "one unknown line above the header": (
        "Văn hóa - Xã hội\n\nĐẢNG BỘ HUYỆN ĐÔNG SƠN          ĐẢNG CỘNG SẢN VIỆT NAM\nĐẢNG ỦY XÃ ĐÔNG HÒA\n*\n"
        "Số 07-NQ/ĐU          Đông Hòa, ngày 2 tháng 4 năm 2023\n\nNGHỊ QUYẾT\nvề lãnh đạo sản xuất vụ xuân\n\n"
        "Ban Chấp hành Đảng bộ xã họp và thống nhất.\n",
        ("Nghị quyết", "07-NQ/ĐU", "2023-04-02", "Đảng ủy xã Đông Hòa"),
    ),
    "number before the national motto, national body": (
        "CHÍNH PHỦ\nSố: 101/2025/NĐ-CP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
        "Hà Nội, ngày 1 tháng 6 năm 2025\n\nNGHỊ ĐỊNH\nQuy định về lưu trữ hồ sơ điện tử\n\nCăn cứ Luật Lưu trữ;\n",
        ("Nghị định", "101/2025/NĐ-CP", "2025-06-01", "Chính phủ"),
    ),
    "motto sharing a line with the issuer (one space only)": (
        "BAN CHỈ ĐẠO XÂY DỰNG NÔNG THÔN MỚI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "XÃ AN PHÚ Độc lập – Tự do – Hạnh phúc\nAn Phú, ngày 4 tháng 5 năm 2019\nBÁO CÁO TUẦN\n"
        "Kết quả ra quân làm đường giao thông\n- Làm mới 2 km đường bê tông;\n",
        ("Báo cáo", None, "2019-05-04", "Ban chỉ đạo xây dựng nông thôn mới xã An Phú"),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_header_cluster(name: str) -> None:
    source, expected = CASES[name]
    doc = convert(source)
    assert fields(doc) == expected
    assert "###" not in doc.markdown.split("# ", 1)[0]  # header cells never become headings
    assert "|" not in (doc.metadata["issuer"] or "")


def test_issuer_never_swallows_the_other_column() -> None:
    doc = convert(CASES["pipe-flattened, one line per row"][0])
    assert doc.header is not None and doc.header.right[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert doc.header.issuer == "ỦY BAN NHÂN DÂN XÃ HÒA BÌNH"
    assert_retained(doc)


def test_split_motto_and_date_rejoined_and_bars_listed() -> None:
    doc = convert(CASES["lone bars, words and date split over lines, number after its label"][0])
    assert doc.header is not None
    assert doc.header.right == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Sơn Hà, ngày 9 tháng 8 năm 2022"]
    assert doc.header.number_line == "Số: 45/QĐ-UBND"
    assert sum(1 for d in doc.drops if d.text == "|") == 4  # every lone bar is listed, nothing silently gone
    assert_retained(doc)


def test_unknown_line_above_the_header_is_listed_and_does_not_switch_it_off() -> None:
    # Above the header cluster is outside the document (issue 18, 2): dropped, listed, and the header still read.
    doc = convert(CASES["one unknown line above the header"][0])
    assert doc.metadata["parent_issuer"] == "Đảng bộ huyện Đông Sơn"
    assert "Văn hóa - Xã hội" not in output_body(doc.markdown)
    assert [(d.kind, d.text) for d in doc.drops if d.first_line == 1] == [("outside-document", "Văn hóa - Xã hội")]
    assert_retained(doc)


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: 218 /BC-UBND", "218/BC-UBND"),  # label and inner space gone
        ("Số 31 - NQ/ĐU", "31-NQ/ĐU"),
        ("Nghị quyết số: 05/NQ-HĐND", "05/NQ-HĐND"),  # the type word in front of the label
        ("Số:      /BC-UBND", None),  # left blank in the source: unknown, never invented
    ],
)
def test_number_label_and_blank(line: str, number: str | None) -> None:
    doc = convert(f"ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ BÌNH MINH\n{line}          Bình Minh, ngày 3 tháng 2 năm 2024\n"
                  "BÁO CÁO\nTình hình tháng 1\n\nNội dung báo cáo.\n")
    assert doc.metadata["number"] == number
    assert doc.header is not None and doc.header.issuer == "ỦY BAN NHÂN DÂN XÃ BÌNH MINH"  # a blank number keeps the header


def test_blank_day_stays_unknown() -> None:
    doc = convert("ĐẢNG ỦY XÃ MINH TÂN          ĐẢNG CỘNG SẢN VIỆT NAM\nSố:      -BC/ĐU          Minh Tân, ngày      tháng 7 năm 2023\n"
                  "BÁO CÁO\nsơ kết 6 tháng đầu năm 2023\n\nNội dung.\n")
    assert (doc.metadata["number"], doc.metadata["date"]) == (None, "2023-07")


# --- what is not a header ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "source",
    [
        # a headline in capitals that names a Party body, and a dated news sentence
        "ĐẢNG BỘ XÃ AN LẠC 65 NĂM XÂY DỰNG VÀ TRƯỞNG THÀNH\n\nChiều ngày 23 tháng 8 năm 2021, Đảng bộ xã tổ chức lễ kỷ niệm.\n",
        # a portal's name in capitals with nothing near it
        "ỦY BAN NHÂN DÂN XÃ AN LẠC\n\nTin hoạt động\n\nSáng nay, xã tổ chức ra quân dọn vệ sinh môi trường.\n",
        # a section label in capitals above a dated news line
        "TIN TỨC SỰ KIỆN\nHà Nội, ngày 5 tháng 3 năm 2024\n\nSáng nay, phường tổ chức hội nghị tổng kết.\n",
        # an inline citation of a notice
        "Thực hiện Thông báo số 658/TB-UBND ngày 2 tháng 3 năm 2022 của UBND huyện, xã đã triển khai.\n",
    ],
)
def test_news_pages_invent_nothing(source: str) -> None:
    doc = convert(source)
    assert doc.header is None
    for key in ("doc_type", "number", "date", "issuer", "parent_issuer", "signer"):
        assert doc.metadata[key] is None, key


# --- title block ----------------------------------------------------------------------------------------------------
HEAD = "ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH AN BÌNH\nSố: 3/QĐ-UBND          An Bình, ngày 1 tháng 2 năm 2020\n"


def test_title_stops_at_enacting_body_and_preamble() -> None:
    doc = convert(HEAD + "QUYẾT ĐỊNH\nBAN HÀNH QUY CHẾ LÀM VIỆC\nCỦA ỦY BAN NHÂN DÂN TỈNH\nỦY BAN NHÂN DÂN TỈNH AN BÌNH\n"
                  "Căn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\n")
    assert doc.subtitle == "BAN HÀNH QUY CHẾ LÀM VIỆC CỦA ỦY BAN NHÂN DÂN TỈNH"
    assert doc.metadata["title"] == "Quyết định ban hành quy chế làm việc của ủy ban nhân dân tỉnh"
    body = doc.markdown.split("# QUYẾT ĐỊNH", 1)[1]
    assert "\nỦY BAN NHÂN DÂN TỈNH AN BÌNH\n" in body and "### ỦY BAN" not in body  # kept, as a paragraph
    assert "### Điều 1." in body  # the article number is the heading, its sentence the paragraph


def test_title_never_swallows_chapters_and_articles() -> None:
    doc = convert(HEAD + "QUY CHẾ\nLàm việc của Ủy ban nhân dân tỉnh\nChương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi điều chỉnh\n"
                  "Quy chế này quy định về nguyên tắc làm việc.\n")
    assert doc.subtitle == "Làm việc của Ủy ban nhân dân tỉnh"
    assert "## Chương I: QUY ĐỊNH CHUNG" in doc.markdown and "### Điều 1. Phạm vi điều chỉnh" in doc.markdown


def test_page_title_repeating_the_document_title_is_dropped_and_listed() -> None:
    doc = convert("Lịch tiếp công dân năm 2024\n\nTHÔNG BÁO\nLịch tiếp công dân năm 2024\n\nỦy ban nhân dân xã thông báo lịch tiếp công dân.\n")
    body = output_body(doc.markdown)
    assert body.count("Lịch tiếp công dân năm 2024") == 1 and "Ủy ban nhân dân xã thông báo" in body
    assert [(d.kind, d.first_line) for d in doc.drops] == [("outside-document", 1)]
    assert doc.drops[0].reason.startswith("page title repeating the document's own title")
    assert_retained(doc)


def test_part_heading_keeps_one_colon() -> None:
    doc = convert(HEAD.replace("QĐ", "BC")
                  + "BÁO CÁO\nTổng kết năm 2019\n\nPHẦN THỨ NHẤT:\nKẾT QUẢ THỰC HIỆN NHIỆM VỤ\n\nNăm 2019 tỉnh đạt nhiều kết quả.\n")
    assert "## PHẦN THỨ NHẤT: KẾT QUẢ THỰC HIỆN NHIỆM VỤ" in doc.markdown and "::" not in doc.markdown


def test_numbered_list_entries_are_not_headings() -> None:
    doc = convert(HEAD.replace("QĐ", "BC") + "BÁO CÁO\nTình hình văn bản\n\nI. VĂN BẢN ĐÃ BÃI BỎ\n"
                  "1. Quyết định số 10/2010/QĐ-UBND ngày 1 tháng 2 năm 2010 của Ủy ban nhân dân tỉnh về quản lý chợ;\n"
                  "2. Quyết định số 11/2011/QĐ-UBND ngày 3 tháng 4 năm 2011 của Ủy ban nhân dân tỉnh về quản lý bến xe;\n")
    assert [b.kind for b in doc.blocks if b.text.startswith(("1.", "2."))] == [Kind.PARAGRAPH, Kind.PARAGRAPH]


# --- real pages (read from ../shared, skipped when absent) -------------------------------------------------------------
REAL_HEADERS = {  # file prefix → (type, number, date, issuer) as the page shows them
    "03": ("Báo cáo", None, "2018-03-14", "BCĐ XD nông thôn mới xã Tân Hương"),  # abbreviations stay as written
    "06": ("Báo cáo", None, "2024-01", "Ủy ban nhân dân phường Long Anh"),  # DỰ THẢO BÁO CÁO under the header, not the page's THÔNG BÁO
    "08": ("Quyết định", "06/2024/QĐ-UBND", "2024-01-25", "Ủy ban nhân dân tỉnh Kon Tum"),
    "09": ("Quyết định", "1209/QĐ-UBND", "2013-06-24", "Ủy ban nhân dân tỉnh Hà Giang"),
    "10": ("Kế hoạch", "155/KH-UBND", "2017-05-26", "Ủy ban nhân dân tỉnh Bắc Ninh"),
    "11": ("Kế hoạch", "7822/KH-UBND", "2021-11-26", "Ủy ban nhân dân"),
    "28": ("Quyết định", "41/2019/QĐ-UBND", "2019-10-22", "Ủy ban nhân dân"),
    "29": ("Nghị định", "285/2025/NĐ-CP", "2025-11-03", "Chính phủ"),
    "30": ("Nghị quyết", "13/NQ-CP", "2026-01-16", "Chính phủ"),
    "31": ("Nghị định", "359/2025/NĐ-CP", "2025-12-31", "Chính phủ"),
}


def real(prefix: str) -> Path:
    found = sorted(REAL.glob(f"{prefix}_*.*")) if REAL.exists() else []
    found = [p for p in found if p.suffix != ".url"]
    if not found:
        pytest.skip("../shared/real-pages not present")
    return found[0]


@pytest.mark.parametrize("prefix", list(REAL_HEADERS))
def test_real_page_header_fields(prefix: str) -> None:
    from converters.pipeline import convert_file

    doc = convert_file(real(prefix))
    assert fields(doc) == REAL_HEADERS[prefix]
    assert "|" not in (doc.metadata["issuer"] or "") and "###" not in doc.markdown.split("<div class=\"doc-header\"", 1)[0]
    assert len(doc.metadata["title"] or "") <= 260  # the title never swallows the preamble or "Chương I … Điều 1."


def test_signature_lines_outside_the_closing_are_never_headings() -> None:
    doc = convert(HEAD.replace("QĐ", "BC")
                  + "BÁO CÁO\nTình hình quý I\n\nI. KẾT QUẢ\n\nĐã hoàn thành kế hoạch.\n\nKT. BỘ TRƯỞNG\n\nĐoạn văn tiếp theo của báo cáo.\n")
    assert "# KT. BỘ TRƯỞNG" not in doc.markdown


# --- properties ------------------------------------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from .retention import WORD  # noqa: E402

CELL_TEXT = st.sampled_from(
    ["ỦY BAN NHÂN DÂN", "XÃ AN PHÚ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: 12/BC-UBND",
     "An Phú, ngày 3 tháng 4 năm 2024", "-------", "*", "BÁO CÁO", "Tình hình quý I", "CHÍNH PHỦ"]
)
SEPARATOR = st.sampled_from([" | ", "          ", "\t", " "])


@settings(max_examples=200, deadline=None)
@given(st.lists(CELL_TEXT, min_size=1, max_size=4), st.lists(SEPARATOR, min_size=3, max_size=3))
def test_split_cells_never_loses_or_adds_a_word(cells: list[str], seps: list[str]) -> None:
    line = "".join(c + seps[i % 3] for i, c in enumerate(cells)).strip()
    assert WORD.findall(" ".join(header.split_cells(line))) == WORD.findall(line.replace("|", " "))


@settings(max_examples=200, deadline=None)
@given(st.lists(CELL_TEXT, min_size=1, max_size=6))
def test_header_recognition_keeps_every_word(cells: list[str]) -> None:
    doc = convert("\n".join(cells) + "\n\nỦy ban nhân dân xã đã họp và thống nhất các nội dung của văn bản này.\n")  # a body the locator keeps
    assert_retained(doc)


@given(st.integers(1, 9999), st.sampled_from(["BC-UBND", "NQ/ĐU", "QĐ-UBND", "2024/NĐ-CP"]), st.sampled_from(["", " ", "  "]))
def test_number_compaction(n: int, code: str, gap: str) -> None:
    doc = convert(f"ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ AN PHÚ\n"
                  f"Số: {n}{gap}/{gap}{code}          An Phú, ngày 3 tháng 4 năm 2024\nBÁO CÁO\nQuý I\n\nNội dung.\n")
    assert doc.metadata["number"] == f"{n}/{code}"
