"""The document record (core/record.py): one contract between converter, index and site — round trip, the converter's
record of a real seed, the index built from records, the configuration, sitemaps split past their limit."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.assemble import write_sitemaps
from converters.metadata import FIELDS
from converters.pipeline import convert_bytes, convert_file
from converters.render import record
from core.config import ConfigError, load_config
from core.record import METADATA_FIELDS, DocumentRecord, RecordError, read_record, read_records, write_record
from search_index.index import build, document_fields
from search_index.query import SearchRequest, search

from .conftest import SEEDS

TEXT = st.text(st.characters(codec="utf-8"), max_size=40)  # any text JSON can carry (no lone surrogates)
RECORDS = st.builds(
    DocumentRecord,
    id=st.from_regex(r"van-ban/[a-z0-9-]{1,20}", fullmatch=True),
    title=TEXT, number=TEXT, date=TEXT, issuer=TEXT, place=TEXT, signer=TEXT, text=st.text(max_size=300),
    doc_type_inferred=st.booleans(),
    place_codes=st.dictionaries(st.sampled_from(["ward", "district", "province"]), st.from_regex(r"\d{1,5}", fullmatch=True)),
    recipients=st.lists(TEXT, max_size=4).map(tuple), headings=st.lists(TEXT, max_size=4).map(tuple),
    footnotes=st.lists(TEXT, max_size=3).map(tuple), words=st.integers(0, 10**6),
)


@settings(max_examples=200, deadline=None)
@given(RECORDS)
def test_any_record_reads_back_as_itself(doc: DocumentRecord) -> None:
    assert DocumentRecord.from_json(doc.to_json()) == doc


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem[:3] for p in SEEDS])
def test_the_front_matter_fields_are_defined_once(seed: Path) -> None:
    """What the converter writes as front matter is the record's METADATA_FIELDS, every one, in that order."""
    import yaml

    front = yaml.safe_load(convert_file(seed).markdown.split("---\n", 2)[1])
    assert list(front) == list(METADATA_FIELDS) == FIELDS


@pytest.mark.parametrize("bad", ['{"id": "a", "schema": 1, "title": 5}', '{"id": "a", "schema": 1, "recipients": "x"}', "[1]", "{",
                                 '{"schema": 1}'])
def test_a_bad_record_file_is_named_with_its_reason(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "van-ban" / "x.json"
    path.parent.mkdir()
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(RecordError, match=r"x\.json: "):
        read_record(path)
    problems: list[str] = []
    assert list(read_records(tmp_path, problems)) == [] and len(problems) == 1 and "x.json" in problems[0]


def test_the_converter_fills_the_record_from_its_model() -> None:
    """Seed 001 (Nghị quyết 31-NQ/ĐU): metadata, headings in order, footnotes and text without Markdown markup."""
    doc = convert_file(SEEDS[1])
    rec = record(doc, "van-ban/x")
    assert rec.number == "31-NQ/ĐU" and rec.doc_type == "Nghị quyết" and rec.title.startswith("Nghị quyết")
    assert rec.headings[0] == "NGHỊ QUYẾT" and rec.headings[1].startswith("I. ")
    assert rec.words == len(rec.text.split()) > 1000
    assert "**" not in rec.text and "[^" not in rec.text and "<div" not in rec.text and "\n- " not in rec.text
    assert all(note in rec.text for note in rec.footnotes)
    assert rec.period == str(doc.metadata["period"] or "") and rec.posted == ""  # unknown stays empty, never guessed


SMALL_REPORT = """ĐẢNG ỦY XÃ AN LẠC                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 12-BC/ĐU                      Độc lập - Tự do - Hạnh phúc
                                  An Lạc, ngày 05 tháng 6 năm 2023
BÁO CÁO
Kết quả công tác tháng 5 năm 2023
I. KẾT QUẢ
Thu ngân sách đạt 90% kế hoạch[1].
- Làm mới 2 km đường;
- Sửa 3 cầu.
Nơi nhận:                          T/M ĐẢNG ỦY
- Huyện ủy;                        BÍ THƯ
- Lưu VP.
[1] Theo số liệu của Chi cục Thuế.
"""


def test_record_text_reads_as_the_page_does() -> None:
    """A column's lines and a list's items on consecutive lines, paragraphs apart, footnote texts last, no markup."""
    rec = record(convert_bytes(SMALL_REPORT.encode(), Path("x.txt")), "van-ban/x")
    assert rec.text.startswith("ĐẢNG ỦY XÃ AN LẠC  \nSố: 12-BC/ĐU\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "\n\nBÁO CÁO\n\nKết quả công tác tháng 5 năm 2023\n\nI. KẾT QUẢ\n\n" in rec.text
    assert "Thu ngân sách đạt 90% kế hoạch.\nLàm mới 2 km đường;\nSửa 3 cầu.\n\n" in rec.text
    assert "Nơi nhận:\nHuyện ủy;\nLưu VP.\n\nT/M ĐẢNG ỦY  \nBÍ THƯ" in rec.text
    assert rec.text.endswith("\n\nTheo số liệu của Chi cục Thuế.") and rec.footnotes == ("Theo số liệu của Chi cục Thuế.",)
    assert rec.headings == ("BÁO CÁO", "I. KẾT QUẢ") and rec.number == "12-BC/ĐU" and rec.recipients == ("Huyện ủy;", "Lưu VP.")
    assert rec.province == "" and rec.posted == ""  # unknown: empty


def test_index_from_records_answers_like_the_build(tmp_path: Path) -> None:
    """An index built from records written by hand (the converter's records of two seeds) finds each by its number,
    with its title, and only the record's text is searched."""
    folder = tmp_path / "records"
    for seed, slug in ((SEEDS[1], "nq-31"), (SEEDS[2], "bc-263")):
        write_record(folder, record(convert_file(seed), f"van-ban/{slug}"))
    assert build(folder, tmp_path / "ix") == {"added": 2, "updated": 0, "removed": 0, "unchanged": 0}
    hits = search(tmp_path / "ix", SearchRequest(q="31-NQ/ĐU"))["hits"]
    assert hits[0]["id"] == "van-ban/nq-31" and hits[0]["url"] == "/van-ban/nq-31/" and hits[0]["title"].startswith("Nghị quyết")
    assert search(tmp_path / "ix", SearchRequest(q="263-BC"))["hits"][0]["id"] == "van-ban/bc-263"
    # a record changed by hand: the index updates that one only
    rec = read_record(folder / "van-ban" / "nq-31.json")
    write_record(folder, DocumentRecord(**{**rec.__dict__, "text": rec.text + "\n\nchữ thử nghiệm riêng"}))
    assert build(folder, tmp_path / "ix")["updated"] == 1
    assert [h["id"] for h in search(tmp_path / "ix", SearchRequest(q='"chữ thử nghiệm riêng"'))["hits"]] == ["van-ban/nq-31"]


def test_a_record_without_title_is_listed_by_its_first_heading() -> None:
    rec = DocumentRecord("van-ban/tin", headings=("Hội nghị tổng kết", "1. Kết quả"), text="Hội nghị tổng kết")
    assert document_fields(rec)["title"] == "Hội nghị tổng kết" and document_fields(DocumentRecord("van-ban/tin"))["title"] == "tin"


def test_configuration_comes_from_the_project_mkdocs_yml(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_url: https://kho.example.vn\ndocs_dir: pages\nsite_dir: public\nmarkdown_extensions:\n"
        "  - toc:\n      slugify: !!python/name:archive.mkdocs_hooks.heading_slug\nextra:\n  archive:\n    documents: vb\n    build: out\n",
        encoding="utf-8")
    config = load_config(tmp_path)
    assert config.site_url == "https://kho.example.vn/" and config.doc_dir == tmp_path / "pages" / "vb"
    assert config.site == tmp_path / "public" and config.records == tmp_path / "out" / "records"
    (tmp_path / "mkdocs.yml").write_text("extra:\n  archive:\n    documents: 5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'documents' must be a non-empty text"):
        load_config(tmp_path)
    with pytest.raises(ConfigError, match="is .* an archive project"):
        load_config(tmp_path / "nowhere")


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_sitemaps_split_past_the_limit_with_an_index(tmp_path: Path) -> None:
    urls = [f"<url>\n <loc>https://kho.example.vn/van-ban/d{i}/</loc>\n</url>" for i in range(7)]
    assert write_sitemaps(tmp_path, urls, "https://kho.example.vn/", limit=3) == ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"]
    index = ET.fromstring((tmp_path / "sitemap.xml").read_bytes())
    assert index.tag == f"{SITEMAP}sitemapindex"
    assert [e.text for e in index.iter(f"{SITEMAP}loc")] == [f"https://kho.example.vn/sitemap-{n}.xml" for n in (1, 2, 3)]
    counts = [len(ET.fromstring((tmp_path / f"sitemap-{n}.xml").read_bytes()).findall(f"{SITEMAP}url")) for n in (1, 2, 3)]
    assert counts == [3, 3, 1] and all((tmp_path / f"sitemap-{n}.xml.gz").exists() for n in (1, 2, 3))
    # fewer URLs later: one plain sitemap again, the numbered ones gone
    assert write_sitemaps(tmp_path, urls[:2], "https://kho.example.vn/", limit=3) == ["sitemap.xml"]
    assert ET.fromstring((tmp_path / "sitemap.xml").read_bytes()).tag == f"{SITEMAP}urlset" and not list(tmp_path.glob("sitemap-*"))
