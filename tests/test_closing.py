"""Closing block, stage by stage: recipients and signature blocks de-interleaved, what follows the signature kept.

The stage is run on the blocks the locator leaves (the pipeline up to the closing), so these cases test what
the closing stage makes of a closing the locator kept whole. Inputs are imitations written here in our own words.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from converters import closing
from converters.model import Document
from converters.pipeline import STAGES, convert_file

from .retention import output_body

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "text"


def run(source: str, until: str = "closing block") -> Document:
    """The pipeline up to and including `until`."""
    doc = Document(source=Path("case.txt"), raw=source.encode("utf-8"))
    for name, stage in STAGES:
        stage(doc)
        if name == until:
            break
    return doc


BODY = (
    "ĐẢNG ỦY XÃ TÂN LẬP          ĐẢNG CỘNG SẢN VIỆT NAM\nSố 12-BC/ĐU          Tân Lập, ngày 3 tháng 4 năm 2024\n"
    "BÁO CÁO\nkết quả quý I\n\nNội dung báo cáo.\n"
)


def sig(doc: Document) -> list[tuple[list[str], list[str], str | None]]:
    assert doc.closing is not None
    return [(s.capacity, s.role, s.signer) for s in doc.closing.signatures]


@pytest.mark.parametrize(
    ("closing_lines", "recipients", "signatures"),
    [
        (  # recipients and signature side by side, split by a wide gap
            "Nơi nhận:          T/M ĐẢNG ỦY\n- Huyện ủy (b/c);          BÍ THƯ\n- Lưu VP.\n          Nguyễn Văn Sơn\n",
            ["- Huyện ủy (b/c);", "- Lưu VP."],
            [(["T/M ĐẢNG ỦY"], ["BÍ THƯ"], "Nguyễn Văn Sơn")],
        ),
        (  # the same flattened with `|`: never one glued recipient
            "Nơi nhận: | TM. ỦY BAN NHÂN DÂN |\n- Như Điều 3; | KT. CHỦ TỊCH |\n- Lưu: VT. | PHÓ CHỦ TỊCH |\n| Lê Thị Mai |\n",
            ["- Như Điều 3;", "- Lưu: VT."],
            [(["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"], ["PHÓ CHỦ TỊCH"], "Lê Thị Mai")],
        ),
        (  # a signature glued after the last recipient on one line
            "Nơi nhận:\n- Các ban của Đảng; - Lưu: VT. TM. BAN THƯỜNG VỤ PHÓ BÍ THƯ(Đã ký) Trần Quốc Việt\n",
            ["- Các ban của Đảng; - Lưu: VT."],
            [(["TM. BAN THƯỜNG VỤ"], ["PHÓ BÍ THƯ", "(Đã ký)"], "Trần Quốc Việt")],
        ),
        (  # every signing prefix spelled as portals spell it
            "TUQ. CHỦ TỊCH\nCHÁNH VĂN PHÒNG\nĐinh Văn Khoa\n",
            [],
            [(["TUQ. CHỦ TỊCH"], ["CHÁNH VĂN PHÒNG"], "Đinh Văn Khoa")],
        ),
        (
            "TM/ BAN THƯỜNG VỤ\nBÍ THƯ\nHà Văn Lâm\n",
            [],
            [(["TM/ BAN THƯỜNG VỤ"], ["BÍ THƯ"], "Hà Văn Lâm")],
        ),
    ],
)
def test_closing_cells(closing_lines: str, recipients: list[str], signatures: list) -> None:
    doc = run(BODY + closing_lines)
    assert doc.closing is not None and doc.closing.recipients == recipients
    assert sig(doc) == signatures


def test_six_signature_blocks_of_a_joint_circular_then_forms() -> None:
    doc = run((FIXTURES / "joint_circular_forms.txt").read_text(encoding="utf-8"))
    signers = [s for _, _, s in sig(doc)]
    assert signers == ["Trần Văn Bình", "Lê Thị Hoa", "Phạm Minh Tâm", "Đỗ Quang Huy", "Vũ Thu Hằng", "Hoàng Đức Long"]
    assert all(cap[0].startswith("KT. BỘ TRƯỞNG") and "THỨ TRƯỞNG" in role for cap, role, _ in sig(doc))  # repeated roles kept
    after = [b.text for b in doc.blocks if b.after_closing]
    assert after[0] == "Mẫu số 01" and "TỔNG HỢP KINH PHÍ CHI TRẢ PHỤ CẤP" in after  # the forms stay, after the closing


def test_appendix_after_the_signature_is_document_and_never_the_signer() -> None:
    doc = run((FIXTURES / "decision_chapters_appendix.txt").read_text(encoding="utf-8"))
    assert sig(doc) == [(["TM. ỦY BAN NHÂN DÂN"], ["CHỦ TỊCH"], "Ngô Văn Toàn")]
    after = [b.text for b in doc.blocks if b.after_closing]
    assert after[:2] == ["Phụ lục", "QUY CHẾ QUẢN LÝ NHÀ VĂN HÓA THÔN"] and "Điều 1. Đối tượng áp dụng" in after


def test_appendix_rendered_after_the_closing_with_its_structure() -> None:
    doc = run((FIXTURES / "decision_chapters_appendix.txt").read_text(encoding="utf-8"), until="render")
    body = output_body(doc.markdown)
    closing_at, appendix_at = body.index('<div class="doc-closing"'), body.index("Phụ lục")
    assert closing_at < appendix_at and "## Chương I: QUY ĐỊNH CHUNG" in body[appendix_at:]
    assert "### Điều 1.\n" in body[:closing_at]  # the enacting article: its number is the heading, its sentence the text
    assert "### QUYẾT ĐỊNH:" not in body  # the enacting formula is no section


def test_phu_luc_is_never_a_signer() -> None:
    assert closing.segment_kind("Phụ lục", True) is None and closing.segment_kind("PHỤ LỤC", False) is None
    doc = run(BODY + "T/M ĐẢNG ỦY\nBÍ THƯ\nPhụ lục\nBiểu số liệu kèm theo\n")
    assert sig(doc) == [(["T/M ĐẢNG ỦY"], ["BÍ THƯ"], None)]
    assert [b.text for b in doc.blocks if b.after_closing] == ["Phụ lục", "Biểu số liệu kèm theo"]


def test_whole_joint_circular_metadata() -> None:
    m = convert_file(FIXTURES / "joint_circular_forms.txt").metadata
    assert (m["doc_type"], m["number"], m["date"]) == ("Thông tư liên tịch", "04/2024/TTLT-BNV-BTC", "2024-03-12")
    assert m["issuer"] == "Bộ Nội vụ - Bộ Tài chính" and m["signer"] == "Trần Văn Bình" and m["signer_title"] == "Thứ trưởng"
    assert m["signer_capacity"] == "KT. Bộ trưởng Bộ Nội vụ"


def test_recipients_keep_their_punctuation() -> None:
    doc = run(BODY + "Nơi nhận:          T/M ĐẢNG ỦY\n- Huyện ủy (b/c),          BÍ THƯ\n- Các chi bộ,\n- Lưu VP.\n")
    assert doc.closing is not None and doc.closing.recipients == ["- Huyện ủy (b/c),", "- Các chi bộ,", "- Lưu VP."]
