"""Locating the document on the page (converters/locate.py, lineclass.py, chrome.py).

Small cases first, each an input page beside what must be kept and what must be dropped (with its kind), in the
manner of Python-Markdown's `assertMarkdownRenders`; then whole imitation pages through the full converter; then a
Hypothesis property: page furniture around a document never changes the document.
"""

from __future__ import annotations

import doctest
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from converters import chrome, dedupe, hygiene, lineclass, loading, locate
from converters.model import ConversionError, Document
from converters.pipeline import convert_bytes, convert_file

from .conftest import ROOT, SEEDS
from .retention import output_body

FIXTURES = ROOT / "tests" / "fixtures" / "text"
PARAGRAPH = "Trong tháng, Ủy ban nhân dân xã đã chỉ đạo các thôn hoàn thành kế hoạch làm đường giao thông nông thôn."
PARAGRAPH_2 = "Các hộ dân đã tự nguyện hiến đất, góp ngày công để mở rộng mặt đường theo đúng thiết kế được duyệt."


def located(page: str) -> Document:
    """The page through the stages up to and including `locate`."""
    doc = Document(source=Path("page.txt"), raw=page.encode("utf-8"))
    for stage in (loading.load, hygiene.to_blocks, dedupe.drop_second_copy, locate.locate_document):
        stage(doc)
    return doc


def assert_locates(page: str, kept: list[str], dropped: list[tuple[str, str]]) -> Document:
    """`kept`: the block texts that remain, in order; `dropped`: (text, kind) of every drop, in page order."""
    doc = located(page)
    assert [b.text for b in doc.blocks] == kept
    assert sorted(((d.text, d.kind) for d in doc.drops), key=lambda t: page.index(t[0])) == dropped
    return doc


# --- start of the document -------------------------------------------------------------------------------------
def test_chrome_above_a_header_cluster_is_outside_the_document() -> None:
    doc = assert_locates(
        "Trang chủ > Tin tức > Văn bản\nCỡ chữ: A A A\nThứ năm, 20/04/2017 - 08:15\nVăn hóa - Xã hội\n"
        "ỦY BAN NHÂN DÂN\nXÃ AN PHÚ\nSố: 12/BC-UBND\nAn Phú, ngày 18 tháng 4 năm 2017\n" + PARAGRAPH,
        ["ỦY BAN NHÂN DÂN", "XÃ AN PHÚ", "Số: 12/BC-UBND", "An Phú, ngày 18 tháng 4 năm 2017", PARAGRAPH],
        [("Trang chủ > Tin tức > Văn bản", "outside-document"), ("Cỡ chữ: A A A", "outside-document"),
         ("Thứ năm, 20/04/2017 - 08:15", "outside-document"), ("Văn hóa - Xã hội", "outside-document")],
    )
    reasons = [d.reason for d in doc.drops]
    assert reasons[0] == "breadcrumb (above the document)" and reasons[2] == "post date / view count (above the document)"
    assert doc.page_meta.posted == "2017-04-20" and doc.located == locate.HEADER_CLUSTER


def test_header_cluster_in_any_order_and_on_shared_lines() -> None:
    assert_locates(
        "Đăng nhập\nSố: 7/KH-UBND | Hòa An, ngày 2 tháng 3 năm 2024 |\nỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n" + PARAGRAPH,
        ["Số: 7/KH-UBND | Hòa An, ngày 2 tháng 3 năm 2024 |", "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |", PARAGRAPH],
        [("Đăng nhập", "outside-document")],
    )


def test_an_issuing_body_no_pattern_knows_stands_just_above_the_cluster() -> None:
    assert_locates(
        "Lượt xem: 12\nTRƯỜNG MẦM NON HOA SEN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 4/BC-MN\n" + PARAGRAPH,
        ["TRƯỜNG MẦM NON HOA SEN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 4/BC-MN", PARAGRAPH],
        [("Lượt xem: 12", "outside-document")],
    )


def test_a_portal_name_in_capitals_is_not_a_header() -> None:
    doc = assert_locates(
        "ĐẢNG BỘ PHƯỜNG TÂN AN\nTrang chủ\nTin tức\n" + PARAGRAPH + "\n" + PARAGRAPH_2,
        [PARAGRAPH, PARAGRAPH_2],
        [("ĐẢNG BỘ PHƯỜNG TÂN AN", "outside-document"), ("Trang chủ", "outside-document"), ("Tin tức", "outside-document")],
    )
    assert doc.located == locate.TEXT_ONLY


def test_an_inline_citation_is_not_a_header() -> None:
    citation = "Theo Thông báo số 658/TB-UBND ngày 31 tháng 12 năm 2019 của UBND huyện về lịch tiếp công dân định kỳ."
    doc = assert_locates(citation + "\n" + PARAGRAPH, [citation, PARAGRAPH], [])
    assert doc.located == locate.TEXT_ONLY


def test_a_document_without_header_starts_at_its_title_or_numbering() -> None:
    assert_locates(
        "Tìm kiếm\nThông báo Lịch tiếp công dân năm 2026\nTHÔNG BÁO\nLịch tiếp công dân năm 2026\n"
        "Căn cứ Luật Tiếp công dân ngày 25/11/2013;\n" + PARAGRAPH,
        ["THÔNG BÁO", "Lịch tiếp công dân năm 2026", "Căn cứ Luật Tiếp công dân ngày 25/11/2013;", PARAGRAPH],
        [("Tìm kiếm", "outside-document"), ("Thông báo Lịch tiếp công dân năm 2026", "outside-document")],
    )


def test_link_lists_from_html_are_outside() -> None:
    assert_locates(
        "- [Trang chủ](/)\n- >\n- [Văn bản trung ương](/vb)\nCHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 5/2025/NĐ-CP\n" + PARAGRAPH,
        ["CHÍNH PHỦ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 5/2025/NĐ-CP", PARAGRAPH],
        [("- [Trang chủ](/)", "outside-document"), ("- >", "outside-document"), ("- [Văn bản trung ương](/vb)", "outside-document")],
    )


def test_inside_a_document_only_furniture_no_body_holds_goes() -> None:
    doc = located(
        "ỦY BAN NHÂN DÂN\nXÃ AN PHÚ\nSố: 12/BC-UBND\nAn Phú, ngày 18 tháng 4 năm 2017\nBÁO CÁO\nIn bài viết\nLượt xem: 12\n"
        "Tổng số: 25\n20/04/2017\n" + PARAGRAPH
    )
    assert [b.text for b in doc.blocks][4:] == ["BÁO CÁO", "Tổng số: 25", "20/04/2017", PARAGRAPH]  # a count and a bare date stay
    assert [(d.text, d.kind) for d in doc.drops] == [("In bài viết", "chrome"), ("Lượt xem: 12", "chrome")]


# --- end of the document -----------------------------------------------------------------------------------------
CLOSING = "Nơi nhận:\n- UBND huyện;\n- Lưu: VP.\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nLê Văn Hòa\n"
HEADER = "ỦY BAN NHÂN DÂN\nXÃ AN PHÚ\nSố: 12/BC-UBND\nAn Phú, ngày 18 tháng 4 năm 2017\n"


def test_footer_after_the_signature_is_outside_and_named() -> None:
    footer = "In bài viết\nTin khác\nXã An Phú ra quân dọn vệ sinh\nĐịa chỉ: UBND xã An Phú"
    doc = located(HEADER + PARAGRAPH + "\n" + CLOSING + "[1] Số liệu đến ngày 15/4/2017.\n" + footer)
    texts = [b.text for b in doc.blocks]
    assert texts[-2:] == ["Lê Văn Hòa", "[1] Số liệu đến ngày 15/4/2017."]  # signer and footnote definition are document
    assert [(d.text, d.reason) for d in doc.drops] == [
        ("In bài viết", "print / share link (below the document)"),
        ("Tin khác", "related-news list (below the document)"),
        ("Xã An Phú ra quân dọn vệ sinh", "not document text (below the document)"),
        ("Địa chỉ: UBND xã An Phú", "contact footer (below the document)"),
    ]
    assert {d.kind for d in doc.drops} == {"outside-document"}


def test_unlabelled_headlines_of_other_news_after_the_end_mark_are_outside() -> None:
    others = ["Hội nghị sơ kết công tác dân vận quý I năm 2017 tại nhà văn hóa thôn Đông (12/04/2017)",
              "Xã An Phú tổ chức lễ ra quân làm đường giao thông nông thôn năm 2017"]
    doc = located(PARAGRAPH + "\n" + PARAGRAPH_2[:-1] + "./.\n" + "\n".join(others))
    assert [(d.text, d.kind) for d in doc.drops] == [(t, "outside-document") for t in others]


def test_a_table_of_contents_after_the_footer_is_outside() -> None:
    """vbpl.vn prints a "Mục lục" repeating the articles after its footer: the footer is a barrier the end never passes."""
    toc = ["Mục lục", "Điều 1. Phạm vi điều chỉnh và đối tượng áp dụng của quy chế này.", "Điều 2. Hiệu lực thi hành của quy chế này."]
    doc = located(HEADER + PARAGRAPH + "\n" + CLOSING + "Địa chỉ: số 2 đường Trần Phú\nĐiện thoại: 0210 3456 789\n" + "\n".join(toc))
    assert [b.text for b in doc.blocks][-1] == "Lê Văn Hòa"
    assert [d.text for d in doc.drops][-3:] == toc and {d.kind for d in doc.drops} == {"outside-document"}


def test_an_appendix_after_the_signature_is_document() -> None:
    appendix = ["PHỤ LỤC", "(Kèm theo Báo cáo số 12/BC-UBND ngày 18/4/2017)", "Thôn | Số hộ | Kết quả |", "Thôn Đông | 120 | 98% |",
                "Ghi chú: số liệu do các thôn tự báo cáo."]
    doc = located(HEADER + PARAGRAPH + "\n" + CLOSING + "\n".join(appendix) + "\nBình luận\nHọ và tên:\nGửi")
    assert [b.text for b in doc.blocks][-len(appendix) :] == appendix
    assert [d.text for d in doc.drops] == ["Bình luận", "Họ và tên:", "Gửi"]


def test_the_signer_under_interleaved_recipients_is_document() -> None:
    """Two columns flattened: the name stands below the last recipient, two lines under its role."""
    closing = "Nơi nhận:          TM. ỦY BAN NHÂN DÂN\n- UBND huyện;          CHỦ TỊCH\n- Lưu: VP.\n          Lê Văn Hòa\nTin khác\n"
    doc = located(HEADER + PARAGRAPH + "\n" + closing)
    assert [b.text for b in doc.blocks][-1] == "Lê Văn Hòa" and [d.text for d in doc.drops] == ["Tin khác"]


def test_a_title_subject_is_document_when_no_closing_follows() -> None:
    """A page cut after the title: the subject under the type line is the title's, never 'below the document'."""
    doc = located(HEADER + "BÁO CÁO\nkết quả tháng 3\nvà kế hoạch tháng 4 năm 2017\nTin khác\nXã An Phú ra quân dọn vệ sinh")
    assert [b.text for b in doc.blocks][-3:] == ["BÁO CÁO", "kết quả tháng 3", "và kế hoạch tháng 4 năm 2017"]
    assert [d.text for d in doc.drops] == ["Tin khác", "Xã An Phú ra quân dọn vệ sinh"]


def test_a_page_title_repeating_the_document_title_is_named() -> None:
    doc = located("Báo cáo kết quả tháng 3 năm 2017\n" + HEADER + "BÁO CÁO\nkết quả tháng 3 năm 2017\n" + PARAGRAPH)
    assert [(d.kind, d.reason) for d in doc.drops] == [("outside-document", "page title repeating the document's own title (above the document)")]


def test_a_contact_line_inside_an_appendix_is_not_a_footer() -> None:
    """The 38.8 MB page: paragraphs after a signature were dropped as "contact footer"."""
    inside = "Địa chỉ: các tổ sinh hoạt tại nhà văn hóa của từng thôn, mỗi tháng một lần."
    doc = located(HEADER + PARAGRAPH + "\n" + CLOSING + "PHỤ LỤC\n" + inside + "\n" + PARAGRAPH_2)
    assert [b.text for b in doc.blocks][-3:] == ["PHỤ LỤC", inside, PARAGRAPH_2] and doc.drops == []


def test_a_news_item_ends_with_its_last_paragraph() -> None:
    doc = assert_locates(
        "Xã An Phú ra quân làm đường giao thông nông thôn\nNgày đăng 12/03/2021 | 10:10 | Lượt xem: 437\n" + PARAGRAPH + "\n"
        "Toàn cảnh buổi ra quân\n" + PARAGRAPH_2 + "\nMinh Anh\nNguồn: UBND xã An Phú\nChia sẻ:\nBản quyền thuộc UBND xã An Phú",
        ["Xã An Phú ra quân làm đường giao thông nông thôn", PARAGRAPH, PARAGRAPH_2],
        [("Ngày đăng 12/03/2021 | 10:10 | Lượt xem: 437", "chrome"), ("Toàn cảnh buổi ra quân", "chrome"),
         ("Minh Anh", "outside-document"), ("Nguồn: UBND xã An Phú", "outside-document"), ("Chia sẻ:", "outside-document"),
         ("Bản quyền thuộc UBND xã An Phú", "outside-document")],
    )
    assert doc.page_meta.posted == "2021-03-12" and doc.located == locate.TEXT_ONLY


def test_a_section_label_between_headline_and_date_never_costs_the_headline() -> None:
    title = "Xã An Phú ra quân làm đường giao thông nông thôn năm 2021"
    doc = located("Trang chủ\n" + title + "\nVăn hóa - Xã hội\nNgày đăng 12/03/2021\n" + PARAGRAPH)
    assert [b.text for b in doc.blocks][:2] == [title, "Văn hóa - Xã hội"]


def test_a_subheading_in_capitals_inside_a_news_item_stays() -> None:
    assert_locates(PARAGRAPH + "\nKẾT QUẢ NỔI BẬT\n" + PARAGRAPH_2, [PARAGRAPH, "KẾT QUẢ NỔI BẬT", PARAGRAPH_2], [])


def test_a_page_cut_mid_text_keeps_its_last_fragment() -> None:
    assert_locates(HEADER + PARAGRAPH + "\n1. Về giao thông\nTrong những năm",
                   [*HEADER.split("\n")[:-1], PARAGRAPH, "1. Về giao thông", "Trong những năm"], [])


# --- no document at all -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", [
    "Trang chủ\nGiới thiệu\nTin tức\nLiên hệ",
    "Hôm nay:\n54\nTất cả:\n191693\n- [Văn bản](/vb)",
    "This div, which you should delete, represents the content area that your pages will fill.",
])
def test_a_page_with_no_document_text_is_refused(page: str) -> None:
    with pytest.raises(ConversionError, match="no document text found"):
        located(page)


def test_a_page_with_only_a_head_is_refused() -> None:
    page = b"<html><head><title>Tin tuc</title><meta name='generator' content='NukeViet v4.4'></head></html>"
    with pytest.raises(ConversionError, match="no document text found"):
        convert_bytes(page, Path("head_only.html"))


# --- whole imitation pages through the full converter ----------------------------------------------------------------
def test_state_report_under_page_chrome_keeps_its_header_metadata() -> None:
    doc = convert_file(FIXTURES / "chrome_above_state_header.txt")
    m = doc.metadata
    assert (m["number"], m["date"], m["issuer"], m["signer"]) == ("41/BC-UBND", "2017-04-18", "Ủy ban nhân dân xã Hòa Bình", "Trần Văn Hải")
    body = output_body(doc.markdown)
    for gone in ("Trang chủ", "Cỡ chữ", "Văn hóa - Xã hội", "Lượt xem", "Đang xem", "In bài viết", "Chia sẻ", "Tin liên quan",
                 "ra quân làm thủy lợi", "Bản quyền", "CỔNG THÔNG TIN"):
        assert gone not in body, gone
    assert "Toàn xã gieo cấy được 412 ha lúa" in body


def test_news_item_under_a_portal_name_has_no_document_metadata() -> None:
    doc = convert_file(FIXTURES / "portal_name_news_item.txt")
    m = doc.metadata
    assert (m["number"], m["date"], m["issuer"], m["parent_issuer"], m["signer"]) == (None, None, None, None, None)
    assert m["posted"] == "2022-12-28"
    body = output_body(doc.markdown)
    assert body.lstrip().startswith("Phường Tân An tổng kết công tác kiểm tra, giám sát năm 2022")
    assert "Phát biểu tại hội nghị, đồng chí Bí thư Đảng ủy đề nghị" in body
    for gone in ("ĐẢNG BỘ PHƯỜNG TÂN AN", "Trang chủ", "Ngày đăng", "Toàn cảnh hội nghị", "Minh Anh", "Tin liên quan", "chi bộ khu phố 5",
                 "Bản quyền"):
        assert gone not in body, gone


def test_decision_with_an_appendix_after_the_signature() -> None:
    doc = convert_file(FIXTURES / "appendix_after_signature.txt")
    body = output_body(doc.markdown)
    for kept in ("PHỤ LỤC", "(Kèm theo Quyết định số 87/QĐ-UBND", "Đông Thành", "Địa chỉ sinh hoạt của các tổ", "Ghi chú: Danh sách"):
        assert kept in body, kept
    for gone in ("Trang chủ", "Đăng ngày", "Tin khác", "ngày hội đại đoàn kết", "Điện thoại", "Email"):
        assert gone not in body, gone
    assert doc.metadata["number"] == "87/QĐ-UBND" and doc.metadata["date"] == "2022-08-02"
    assert doc.metadata["signer"] == "Lê Thị Mai"  # "PHỤ LỤC" after the name is the appendix, not the rest of the name
    assert body.index("**Lê Thị Mai**") < body.index("PHỤ LỤC") < body.index("Ghi chú: Danh sách")  # printed after the signature
    outside = [d for d in doc.drops if d.kind == "outside-document"]
    assert [d.text for d in outside][-4:] == ["Xã Đông Sơn tổ chức ngày hội đại đoàn kết toàn dân tộc", "Địa chỉ: UBND xã Đông Sơn, huyện Thanh Bình",
                                             "Điện thoại: 0203 3812 456", "Email: ubnddongson@example.vn"]


def test_legal_portal_page_keeps_its_appendix_table_and_loses_toolbar_footer_and_contents() -> None:
    doc = convert_file(ROOT / "tests" / "fixtures" / "html" / "legal_portal_toc_after_footer.html")
    body = output_body(doc.markdown)
    assert "| Thôn Nam | 250 | 120 |" in body and "Ghi chú: các thôn cập nhật số liệu" in body
    assert "(Kèm theo Quyết định số 15/2024/QĐ-UBND" in body
    for gone in ("Thuộc tính", "Lược đồ", "100%", "Mục lục", "Điện thoại", "CƠ SỞ DỮ LIỆU"):
        assert gone not in body, gone
    assert (doc.metadata["date"], doc.metadata["issuer"]) == ("2024-03-12", "Ủy ban nhân dân huyện Nam Đồng")
    assert [d.reason for d in doc.drops if d.kind == "outside-document"] == ["not document text (above the document)"]


# --- property: furniture around a document never changes the document --------------------------------------------------
MENU = st.sampled_from(["Trang chủ", "Giới thiệu", "Tin tức", "Liên hệ", "Hỏi đáp", "Văn bản mới", "Thư viện ảnh", "Đăng nhập", "Tìm kiếm"])
COUNTER = st.builds(lambda label, n: f"{label}\n{n}", st.sampled_from(["Hôm nay:", "Hôm qua:", "Tuần này:", "Tất cả:"]), st.integers(0, 999999))
POST_DATE = st.builds(
    lambda d, m, y, views: f"Ngày đăng {d:02d}/{m:02d}/{y} | 10:{d:02d} | Lượt xem: {views}",
    st.integers(1, 28), st.integers(1, 12), st.integers(2015, 2025), st.integers(0, 9999),
)
SHARE = st.sampled_from(["Chia sẻ:", "In bài viết", "Facebook", "Zalo", "Gửi email", "Cỡ chữ:", "Quay lại"])
LINKS = st.builds(lambda words: "- [" + words + "](/tin-tuc/" + str(len(words)) + ")",
                  st.sampled_from(["Tin nổi bật", "Văn bản chỉ đạo", "Lịch công tác"]))
LABEL = st.sampled_from(["CHUYÊN MỤC", "TIN NỔI BẬT", "LIÊN KẾT WEBSITE", "THĂM DÒ Ý KIẾN"])
FURNITURE = st.lists(st.one_of(MENU, COUNTER, POST_DATE, SHARE, LINKS, LABEL), max_size=8)
WRAPPED = [next(p for p in SEEDS if p.name.startswith(n)) for n in ("000", "001", "002", "004")] + [FIXTURES / "appendix_after_signature.txt"]
STABLE = ("number", "date", "issuer", "parent_issuer", "doc_type", "title", "signer", "recipients")


def _document_view(raw: bytes, name: str) -> tuple[str, dict[str, object]]:
    doc = convert_bytes(raw, Path(name))
    return output_body(doc.markdown), {k: doc.metadata[k] for k in STABLE}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(which=st.sampled_from(WRAPPED), above=FURNITURE, below=FURNITURE)
def test_furniture_above_or_below_never_changes_the_document(which: Path, above: list[str], below: list[str]) -> None:
    text = which.read_text(encoding="utf-8").strip("\n")
    wrapped = "\n".join([*above, text, *below]) + "\n"
    assert _document_view(wrapped.encode("utf-8"), which.name) == _document_view(text.encode("utf-8"), which.name)


# --- the text functions' own examples ------------------------------------------------------------------------------------
@pytest.mark.parametrize("module", [lineclass, locate, chrome], ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
