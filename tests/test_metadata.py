"""Metadata: exact values with evidence, null where the source is silent, corrections win."""

from __future__ import annotations

from pathlib import Path

import pytest

from converters.pipeline import convert_bytes, convert_file

from .conftest import ROOT, SEEDS

FIXTURES = ROOT / "tests" / "fixtures" / "text"


def meta(prefix: str) -> dict:
    return convert_file(next(p for p in SEEDS if p.name.startswith(prefix))).metadata


def test_seed_001_party_resolution_with_flattened_header() -> None:
    m = meta("001")
    assert (m["doc_type"], m["number"], m["date"]) == ("Nghị quyết", "31-NQ/ĐU", "2021-09-23")
    assert m["issuer"] == "Đảng ủy phường Hương Xuân" and m["parent_issuer"] == "Đảng bộ thị xã Hương Trà"
    assert m["issuer_source"] == "ĐẢNG UỶ PHƯỜNG HƯƠNG XUÂN"  # the source spelling stays available
    assert m["signer"] == "Nguyễn Tiến Giang" and m["period"] == "tháng 10 năm 2021"
    assert m["place_codes"]["ward"] and m["district"] == "Thị xã Hương Trà"
    assert m["province"] == "Tỉnh Thừa Thiên Huế"  # its name in 2021, not the 2025 "Thành phố Huế"


def test_seed_002_number_without_colon() -> None:
    m = meta("002")
    assert (m["doc_type"], m["number"], m["date"], m["signer"]) == ("Báo cáo", "263-BC/ĐU", "2023-05-18", "Nguyễn Văn Nho")
    assert m["period"] == "giữa nhiệm kỳ 2020–2025"


def test_seed_003_blank_number_and_day_stay_unknown() -> None:
    m = meta("003")
    assert m["doc_type"] == "Báo cáo" and m["number"] is None and m["date"] == "2023-07"
    assert m["issuer"] == "Đảng ủy xã Xuân Phú" and m["district"] == "Huyện Thọ Xuân" and m["province"] == "Tỉnh Thanh Hóa"
    assert m["signer"] == "Bùi Văn Hoàng" and m["signer_title"] == "Phó Bí thư Thường trực" and m["signer_capacity"] == "T/M Đảng ủy"
    assert m["posted"] == "2023-08-13" and m["period"] == "6 tháng đầu năm 2023"
    assert m["province_now"] == "Tỉnh Thanh Hóa" and m["place_now"]  # today's unit beside the historical one


def test_seed_004_state_report_issuer_from_signature_and_place_line() -> None:
    m = meta("004")
    assert (m["doc_type"], m["number"], m["date"]) == ("Báo cáo", "74/BC-UBND", "2023-06-20")
    assert m["issuer"] == "Ủy ban nhân dân phường Thắng Lợi" and m["signer"] == "Chu Thị Xuân" and m["signer_title"] == "Chủ tịch"
    assert m["province"] is None and m["place_codes"] is None  # several wards are called Thắng Lợi: not guessed


def test_seed_000_without_header_invents_nothing() -> None:
    m = meta("000")
    for key in ("doc_type", "number", "date", "issuer", "parent_issuer", "signer", "place", "province", "period", "title"):
        assert m[key] is None, key
    assert m["signer_capacity"] == "T/M Đảng ủy" and m["signer_title"] == "Bí thư"  # what the signature block does say


def test_state_header_kt_signature_and_number_with_colon() -> None:
    m = convert_file(FIXTURES / "state_plan_pagebreaks.txt").metadata
    assert (m["doc_type"], m["number"], m["date"]) == ("Kế hoạch", "15/KH-UBND", "2022-03-05")
    assert m["issuer"] == "Ủy ban nhân dân xã Xuân Phú" and m["signer"] == "Lê Văn Bình"
    assert m["signer_capacity"] == "KT. Chủ tịch" and m["signer_title"] == "Phó Chủ tịch"


def test_page_metadata_posted_date() -> None:
    assert convert_file(FIXTURES / "liferay_crlf_bom_nbsp.txt").metadata["posted"] == "2023-06-21"


def test_evidence_names_every_source_of_a_value() -> None:
    doc = convert_file(next(p for p in SEEDS if p.name.startswith("003")))
    assert doc.evidence["number"].startswith("header block: number left blank")
    assert doc.evidence["posted"].startswith("page:") and doc.evidence["doc_type"].startswith("title block")


@pytest.mark.parametrize("field, value", [("signer", "Nguyễn Văn A"), ("date", "2023-07-15")])
def test_sidecar_correction_wins(field: str, value: str) -> None:
    source = next(p for p in SEEDS if p.name.startswith("003"))
    doc = convert_bytes(source.read_bytes(), Path(source.name), {"corrections": {field: value}})
    assert doc.metadata[field] == value and doc.evidence[field] == "correction (sidecar)"


def test_portal_register_block_fills_what_the_document_omits() -> None:
    html = """<html><body><div class="panel"><table><tr><td>Số kí hiệu</td><td>12-TB/ĐU</td></tr>
    <tr><td>Ngày ban hành</td><td>05/01/2024</td></tr><tr><td>Người ký</td><td>Trần Văn B</td></tr></table>
    <div class="bodytext"><p>THÔNG BÁO</p><p>Kết luận của Ban Thường vụ Đảng ủy</p><p>I. Nội dung</p>
    <p>Ban Thường vụ Đảng ủy đã họp và thống nhất các nội dung sau đây để triển khai thực hiện.</p><p>Nơi nhận:</p><p>- Lưu VP.</p>
    </div></div></body></html>"""
    doc = convert_bytes(html.encode("utf-8"), Path("register.html"))
    assert (doc.metadata["number"], doc.metadata["date"], doc.metadata["signer"]) == ("12-TB/ĐU", "2024-01-05", "Trần Văn B")
    assert doc.evidence["number"].startswith("page register block")
    assert "12-TB/ĐU" not in doc.markdown.split("---", 2)[2]  # shown once, as metadata, not again in the body


# --- field extractors, one small case each ----------------------------------------------------------------------------
def test_extractors_are_one_visible_ordered_list() -> None:
    from converters.metadata import EXTRACTORS

    names = [name for name, _ in EXTRACTORS]
    assert names.index("number") < names.index("type from the number code") < names.index("title")
    assert names[-1] == "corrections"  # the archivist's corrections win over every extractor


def _text(source: str) -> dict:
    return convert_bytes(source.encode("utf-8"), Path("case.txt")).metadata


def test_news_item_has_no_number_signer_or_document_date() -> None:
    m = _text(
        "Ngày đăng 19/08/2022 | 10:10 | Lượt xem: 437\n\nĐẢNG BỘ XÃ AN LẠC 65 NĂM XÂY DỰNG VÀ TRƯỞNG THÀNH\n\n"
        "Chiều ngày 23/8/2021, Đảng bộ xã An Lạc tổ chức lễ kỷ niệm 65 năm ngày thành lập.\n"
        "Đồng chí Bí thư Đảng ủy phát biểu tại buổi lễ.\n\nTác giả: Nguyễn Văn Hùng – Bí thư Đảng ủy\n"
    )
    for key in ("doc_type", "number", "date", "issuer", "parent_issuer", "signer", "title"):
        assert m[key] is None, key
    assert m["posted"] == "2022-08-19"  # the post date goes to `posted` only


def test_byline_after_a_news_item_is_not_a_signer() -> None:
    m = _text("Xã ra quân làm đường giao thông nông thôn\n\nSáng nay, hơn 300 người dân tham gia làm đường.\n\nNguyễn Trung Kiên\n")
    assert m["signer"] is None


def test_register_block_two_fields_per_line_is_evidence() -> None:
    m = _text(
        "Số hiệu: 21/KH-UBND Loại văn bản: Kế hoạch\nNơi ban hành: Xã An Hòa Người ký: Phan Văn Tới\n"
        "Ngày ban hành: 02/03/2024 Ngày công báo: Đang cập nhật\n\n"
        "ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ AN HÒA          Độc lập - Tự do - Hạnh phúc\n"
        "Số: 21/KH-UBND          An Hòa, ngày 2 tháng 3 năm 2024\n\n"
        "KẾ HOẠCH\nPhòng chống thiên tai năm 2024\n\nI. MỤC ĐÍCH\n\nChủ động phòng chống.\n"
    )
    assert (m["number"], m["date"], m["signer"]) == ("21/KH-UBND", "2024-03-02", "Phan Văn Tới")  # header first, register fills the signer


def test_register_values_it_does_not_know_stay_unknown() -> None:
    from converters.metadata import register_fields

    assert register_fields({"Người ký": "Đang cập nhật", "Ngày ban hành": "Đang cập nhật Số công báo: Đang cập nhật"}) == {}


def test_signing_prefix_one_vocabulary() -> None:
    from converters import patterns as P
    from converters.text import readable_case

    for capacity in ("T/M ĐẢNG ỦY", "TM. ỦY BAN NHÂN DÂN", "TM/ BAN THƯỜNG VỤ", "KT. CHỦ TỊCH", "TUQ. CHỦ TỊCH", "TL. BỘ TRƯỞNG", "Q. CHỦ TỊCH"):
        assert P.SIGN_CAPACITY.match(capacity), capacity
        found = P.SIGN_CAPACITY_PREFIX.match(capacity)
        assert found, capacity
        prefix = found.group(0)
        assert readable_case(capacity).startswith(prefix)  # the prefix is kept as written
    assert not P.SIGN_CAPACITY.match("KTXH phát triển")


NEWS_PAGES = ["12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25", "26"]


@pytest.mark.parametrize("prefix", NEWS_PAGES)
def test_real_news_pages_invent_nothing(prefix: str) -> None:
    root = ROOT.parent / "shared" / "real-pages"
    found = sorted(p for p in root.glob(f"{prefix}_*.txt")) if root.exists() else []
    if not found:
        pytest.skip("../shared/real-pages not present")
    m = convert_file(found[0]).metadata
    for key in ("doc_type", "number", "date", "issuer", "parent_issuer", "signer"):
        assert m[key] is None, key


def test_real_register_page_gives_the_signer_the_page_names() -> None:
    root = ROOT.parent / "shared" / "real-pages"
    found = sorted(root.glob("10_*.txt")) if root.exists() else []
    if not found:
        pytest.skip("../shared/real-pages not present")
    doc = convert_file(found[0])
    assert doc.metadata["signer"] == "Nguyễn Tiến Nhường" and doc.evidence["signer"].startswith("page register block")


def test_period_never_read_from_a_cited_act_date() -> None:
    m = _text("CHÍNH PHỦ          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 9/2025/NĐ-CP          Hà Nội, ngày 2 tháng 9 năm 2025\n"
              "NGHỊ ĐỊNH\nSửa đổi Nghị định số 18/2025/NĐ-CP ngày 01 tháng 7 năm 2025 của Chính phủ\n\nCăn cứ Luật Tổ chức Chính phủ;\n")
    assert m["period"] is None and m["number"] == "9/2025/NĐ-CP"
    assert _text("ĐẢNG ỦY XÃ AN PHÚ          ĐẢNG CỘNG SẢN VIỆT NAM\nSố 3-BC/ĐU          An Phú, ngày 2 tháng 7 năm 2024\n"
                 "BÁO CÁO\nkết quả tháng 6 năm 2024\n\nNội dung.\n")["period"] == "tháng 6 năm 2024"


def test_a_signer_printed_in_capitals_is_written_as_a_name() -> None:
    m = _text("ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nXÃ AN PHÚ\nSố: 12/BC-UBND          An Phú, ngày 3 tháng 4 năm 2024\n"
              "BÁO CÁO\nkết quả tháng 3\n\nTrong tháng, Ủy ban nhân dân xã đã chỉ đạo các thôn hoàn thành kế hoạch làm đường.\n"
              "Nơi nhận:          TM. ỦY BAN NHÂN DÂN\n- UBND huyện;          CHỦ TỊCH\n- Lưu: VT.\n          NGUYỄN VĂN AN\n")
    assert m["signer"] == "Nguyễn Văn An"  # every syllable capitalised, as a name is written ("Nguyễn văn an" before)
