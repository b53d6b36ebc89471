"""Issue 13, findings 2 (converter side), 4–8: one bad source, sidecar or file name costs that source only; one
build at a time; what a source says is text in the published page. Small inputs, in a scratch project."""

from __future__ import annotations

import csv
import doctest
import json
import mmap
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import site as site_pages
from archive import state
from archive.convert_stage import Limits, convert_all
from converters import html_extract, metadata, render, sidecar
from converters.model import ConversionError
from converters.pipeline import convert_bytes, read_sidecar

from .conftest import ROOT
from .test_build import code_env, copy_project

# An imitation report (our own words) whose title, list items, heading and closing carry HTML and link payloads.
XSS_REPORT = """ỦY BAN NHÂN DÂN
XÃ AN HÒA
Số: 07/BC-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
An Hòa, ngày 10 tháng 8 năm 2023

BÁO CÁO
Kết quả công tác tháng 7 năm 2023 <img src=x onerror=alert(1)>

I. KẾT QUẢ ĐẠT ĐƯỢC
- mục <img src=x onerror=alert(1)>
- xem [chi tiết](javascript:alert(2)) tại xã
Trong tháng, xã hoàn thành kế hoạch thu ngân sách {: onclick=alert(3) }

II. <script>alert(4)</script> NHIỆM VỤ THÁNG 8
Tiếp tục triển khai kế hoạch.

Nơi nhận:
- UBND huyện <b onmouseover=alert(5)>x</b>;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn Bình
"""

XSS_HTML = """<html><head><title>Tin</title><link rel="canonical" href="javascript:alert(7)"></head><body>
<div class="news-content">
<p><b>ĐẢNG ỦY XÃ AN HÒA</b></p><p>Số: 12-NQ/ĐU</p>
<p>NGHỊ QUYẾT</p><p>Về nhiệm vụ tháng 9 năm 2023</p>
<p>Đảng ủy xã thống nhất <a href="javascript:alert(8)">chỉ tiêu</a> và <a href="https://xa.example.gov.vn/tin/1">kế hoạch</a>.</p>
<p onclick="alert(9)">Giao các chi bộ tổ chức thực hiện <img src=x onerror=alert(10)> &lt;img src=x onerror=alert(11)&gt;</p>
<script>alert(12)</script>
<p>Nơi nhận: - Các chi bộ</p><p>T/M ĐẢNG ỦY</p><p>BÍ THƯ</p><p>Lê Văn Cường</p>
</div></body></html>"""


NESTED_BODY = "<p>BÁO CÁO Kết quả thực hiện nhiệm vụ tháng 7</p><p>Nơi nhận: - Như trên</p>"
NESTING = {"div": ("<div>", "</div>"), "table": ("<table><tr><td>", "</td></tr></table>"), "list": ("<ul><li>", "</li></ul>")}


def nested(depth: int, shape: str = "div") -> bytes:
    opening, closing = NESTING[shape]
    return f"<html><body>{opening * depth}{NESTED_BODY}{closing * depth}</body></html>".encode()


def nested_divs(depth: int) -> bytes:
    return nested(depth, "div")


# --- doctests of the text functions this file's features rely on


@pytest.mark.parametrize("module", [sidecar, render, html_extract, metadata, state, site_pages], ids=lambda m: m.__name__)
def test_doctests(module: ModuleType) -> None:
    failed, attempted = doctest.testmod(module)
    assert attempted and not failed


# --- finding 4: nesting depth costs linear time


def _seconds(raw: bytes) -> float:
    best = float("inf")
    for _ in range(3):  # best of three: the machine is shared
        started = time.perf_counter()
        doc = convert_bytes(raw, Path("nested.html"))
        best = min(best, time.perf_counter() - started)
        assert "Kết quả thực hiện nhiệm vụ tháng 7" in doc.markdown
    return best


@pytest.mark.parametrize("shape, depth", [("div", 1_000), ("table", 500), ("list", 500)])
def test_deep_nesting_costs_linear_time(shape: str, depth: int) -> None:
    shallow, deep = _seconds(nested(depth, shape)), _seconds(nested(10 * depth, shape))
    assert deep / shallow < 30, f"10x the depth cost {deep / shallow:.0f}x the time (quadratic would be ~100x)"


def test_conversion_past_its_time_or_memory_limit_fails_alone(tmp_path: Path) -> None:
    huge, small = tmp_path / "huge.html", ROOT / "tests" / "fixtures" / "text" / "no_header_wordpress.txt"
    huge.write_bytes(nested_divs(200_000))  # a few seconds and a few hundred MB of tree
    timed = convert_all([str(huge), str(small)], 2, Limits(seconds=0.5, memory_mb=1024))
    assert [entry["error"] for entry, _, _ in timed] == ["timed out after 0.5 s", None] and timed[1][1]
    assert timed[0][2] is None and timed[1][2] is not None and timed[1][2].words > 0  # the record comes with the Markdown
    starved = convert_all([str(huge), str(small)], 2, Limits(seconds=60, memory_mb=100))
    assert [entry["error"] for entry, _, _ in starved] == ["memory limit exceeded (100 MB)", None] and starved[1][1]


def test_memory_limit_counts_from_what_a_worker_inherits(tmp_path: Path) -> None:
    """The limit bounds what conversions add to a worker as it starts (a fresh interpreter with the converter and the
    gazetteer loaded already maps more than 100 MB), whatever the process that started it maps."""
    page = tmp_path / "report.txt"  # a long report: its conversion needs memory the parent's free heap does not hold
    page.write_text("BÁO CÁO\n\n" + "".join(f"{i}. Thôn {i} hoàn thành {i % 97} chỉ tiêu của năm.\n\n" for i in range(20_000)),
                    encoding="utf-8")
    mapped = mmap.mmap(-1, 400 << 20)  # 400 MB of address space, never touched
    try:
        [(entry, markdown_text, doc)] = convert_all([str(page)], 1, Limits(seconds=60, memory_mb=100))
    finally:
        mapped.close()
    assert entry["error"] is None and markdown_text and doc is not None and doc.words > 0, entry["error"]


@pytest.mark.parametrize("memory_mb", [100, 130, 400])
def test_a_page_parsed_out_of_memory_fails_never_cut_short(tmp_path: Path, memory_mb: int) -> None:
    """libxml2 out of memory hands back the tree built so far: the conversion must fail with the memory reason, or keep
    the page's end (found by a reviewer: a 30 MB inline script cut the closing off, with no error)."""
    page = tmp_path / "report.html"
    page.write_text("<html><body><div class='news-content'><p>BÁO CÁO</p><p>Kết quả tháng 7 năm 2023</p>"
                    f"<script>var x='{'A' * (30 << 20)}';</script><p>1. Nội dung chính của báo cáo.</p>"
                    "<p>Nơi nhận:</p><p>- Lưu VP.</p></div></body></html>", encoding="utf-8")
    [(entry, markdown_text, _)] = convert_all([str(page)], 1, Limits(seconds=60, memory_mb=memory_mb))
    if entry["error"] is not None:
        assert entry["error"] == f"memory limit exceeded ({memory_mb} MB)", entry["error"]
    else:
        assert markdown_text and "Nơi nhận" in markdown_text, markdown_text


# --- finding 5: sidecars checked against the schema, the message names file, key and reason


@pytest.mark.parametrize("text, reason", [
    ("corrections: {number: 12345}", "key 'corrections': number: must be text, not int"),
    ("date: 2023-07-01", "unknown key 'date'"),
    ("corrections: {date: [2023, 7]}", "date: must be a date written YYYY-MM-DD, not list"),
    ("corrections: [signer, date]", "key 'corrections': must be a mapping of field: value, not list"),
    ("corrections: {mood: happy}", "'mood' is not a field that can be corrected"),
    ("retrieved: 2023-02-30", "key 'retrieved': '2023-02-30' is not a real date"),
    ("source_url: javascript:alert(1)", "key 'source_url': must be an http(s) address"),
    ("portal: [a, b]", "key 'portal': must be text, not list"),
    ("- just\n- a list", "must be a mapping of key: value, not list"),
    ('corrections: {signer: "Nguyễn Văn A\\u0007"}', "signer: must be one line of text without control characters"),
])
def test_bad_sidecar_value_is_refused_with_file_key_reason(tmp_path: Path, text: str, reason: str) -> None:
    source = tmp_path / "002_report.txt"
    source.write_text("BÁO CÁO\n", encoding="utf-8")
    (tmp_path / "002_report.txt.meta.yml").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConversionError) as error:
        read_sidecar(source)
    assert str(error.value).startswith("sidecar 002_report.txt.meta.yml") and reason in str(error.value)


def test_good_sidecar_values_come_back_normalised(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    (tmp_path / "a.txt.meta.yml").write_text(
        "source_url: https://xa.example.gov.vn/a\nportal: null\nretrieved: 2026-11-20\nadded: 2026-11-21\n"
        "corrections: {date: 2023-07-15, signer: Nguyễn Văn A, recipients: [UBND huyện], number: null}\n", encoding="utf-8")
    assert read_sidecar(source) == {"source_url": "https://xa.example.gov.vn/a", "portal": None, "retrieved": "2026-11-20",
                                    "added": "2026-11-21",
                                    "corrections": {"date": "2023-07-15", "signer": "Nguyễn Văn A", "recipients": ["UBND huyện"]}}


# --- finding 2, converter side: what a source says is text


def test_text_source_html_and_links_come_out_as_text() -> None:
    markdown = convert_bytes(XSS_REPORT.encode(), Path("xss.txt")).markdown
    body = markdown.split("\n---\n", 1)[1]
    assert "<img" not in body and "<script" not in body and "<b " not in body
    assert "- mục &lt;img src=x onerror=alert(1)>" in body
    assert "Kết quả công tác tháng 7 năm 2023 &lt;img src=x onerror=alert(1)>" in body
    assert "[chi tiết]\\(javascript:alert(2))" in body and "\\{: onclick=alert(3) }" in body


FRAGMENTS = ["<img src=x onerror=alert(1)>", "<script>", "</script>", "<svg onload=alert(1)>", "<!--", "-->", "{: onclick=alert(1) }",
             "{ #a onmouseover=x }", "[a](javascript:alert(1))", "[b](JaVa&#x73;cript:x)", "[c](data:text/html,x)", "<javascript:alert(1)>",
             "![d](javascript:x)", "[e]", "(", ")", "*", "**", "`", "&", "&lt;", "#", "- ", "1. ", "\\", "xã ", "Số: 12 ", " ", "'", '"', "=", ">"]
SAFE_TAGS = {"p", "strong", "em", "a", "code", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "br", "blockquote", "pre", "table",
             "thead", "tbody", "tr", "th", "td", "html", "body"}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join))
def test_inert_text_renders_to_no_active_markup(text: str) -> None:
    """Whatever a source line holds, once made inert, the site's Markdown makes no element but plain formatting:
    no tag from the source, no event attribute, no link that is not http(s) or in-site."""
    for line in (render.escape_line_start(text), "- " + render.inert(text), "### " + render.inert(text)):
        rendered = markdown.markdown(line, extensions=["footnotes", "md_in_html", "attr_list", "tables"])
        for element in BeautifulSoup(rendered, "lxml").find_all(True):
            assert element.name in SAFE_TAGS, (line, rendered)
            assert not [a for a in element.attrs if a.lower().startswith("on")], (line, rendered)
            assert element.name != "a" or render.safe_target(str(element.get("href", ""))), (line, rendered)


def test_html_source_keeps_only_http_and_relative_links() -> None:
    doc = convert_bytes(XSS_HTML.encode(), Path("xss.html"))
    body = doc.markdown.split("\n---\n", 1)[1]
    assert "javascript" not in doc.markdown and "onclick" not in body and "alert(12)" not in body
    assert "[kế hoạch](https://xa.example.gov.vn/tin/1)" in body and "chỉ tiêu" in body
    assert "&lt;img src=x onerror=alert(11)>" in body  # an escaped tag in the page is text, and stays text
    assert doc.metadata["source_url"] is None  # a javascript: canonical link is no address


def test_permalinks_file_round_trips_any_name_and_survives_a_broken_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    links = tmp_path / "permalinks.tsv"
    names = [("sub/002_x.txt", "2023-07-15-bao-cao-7"), ('a "quoted"\tname.txt', "a-quoted-name"), ("002_x.txt", "2023-07-15-bao-cao-7-2")]
    state.append_permalinks(links, names[:2])
    state.append_permalinks(links, names[2:])
    assert state.load_permalinks(links) == dict(names)
    with links.open("a", encoding="utf-8") as handle:
        handle.write("a line edited by hand without its slug\n")
    assert state.load_permalinks(links) == dict(names)
    assert "permalinks.tsv line 5: expected 'source<TAB>slug', skipped" in capsys.readouterr().out


# --- findings 4–8 through `python -m archive build`, in a scratch project


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = code_env()  # the project's own folder is the current directory: the default project
    return subprocess.run([sys.executable, "-m", "archive", "build", *args], cwd=project, env=env, capture_output=True, text=True)


def start_build(project: Path, *args: str) -> subprocess.Popen[str]:
    env = code_env()
    return subprocess.Popen([sys.executable, "-m", "archive", "build", *args], cwd=project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def holding_lock(project: Path, build: subprocess.Popen[str]) -> None:
    """Until the build has taken the lock (it writes its pid into the lock file)."""
    lock = project / "build" / "build.lock"
    deadline = time.time() + 60
    while time.time() < deadline and build.poll() is None:
        if lock.exists() and lock.read_text(encoding="utf-8").strip() == str(build.pid):
            return
        time.sleep(0.05)
    raise AssertionError("the first build never took the lock")


def permalinks(project: Path) -> dict[str, str]:
    with (project / "sources" / "permalinks.tsv").open(encoding="utf-8", newline="") as handle:
        return {row[0]: row[1] for row in csv.reader(handle, delimiter="\t") if row and not row[0].startswith("#")}


def report(project: Path) -> dict[str, dict[str, Any]]:
    return {e["source"]: e for e in json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))}


TIMEOUT = 6  # seconds per source in the scratch builds: seeds take ~1 s, the huge nested page far longer
SLOW_DEPTH = 800_000  # nested divs: ~14 s of work on an idle machine (linear in depth), ~850 MB of tree
LIMITS = ["--timeout", str(TIMEOUT), "--memory", "2048"]  # room for that tree: the page runs out of time, not memory


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample archive plus one source for each way a source can go wrong, built once."""
    copy = tmp_path_factory.mktemp("robust") / "project"
    copy_project(copy)
    sources = copy / "sources"
    seed = next(sources.glob("002_*.txt"))
    (sources / "sub").mkdir()
    shutil.copy(ROOT / "tests" / "fixtures" / "text" / "state_plan_pagebreaks.txt", sources / "sub" / seed.name)  # a subfolder twin
    (sources / "010_xss.txt").write_text(XSS_REPORT, encoding="utf-8")
    (sources / "011_bad_number.txt").write_text(XSS_REPORT.replace("Số: 07", "Số: 08"), encoding="utf-8")
    (sources / "011_bad_number.txt.meta.yml").write_text("corrections: {number: 12345}\n", encoding="utf-8")
    (sources / "012_bad_date.txt").write_text(XSS_REPORT.replace("Số: 07", "Số: 09"), encoding="utf-8")
    (sources / "012_bad_date.txt.meta.yml").write_text("corrections: {date: [2023, 7]}\n", encoding="utf-8")
    (sources / "013_list.txt").write_text(XSS_REPORT.replace("Số: 07", "Số: 10"), encoding="utf-8")
    (sources / "013_list.txt.meta.yml").write_text("corrections:\n  - signer\n", encoding="utf-8")
    (sources / "014_tab\tname.txt").write_text(XSS_REPORT.replace("Số: 07", "Số: 11"), encoding="utf-8")
    (sources / "015_nested.html").write_bytes(nested_divs(SLOW_DEPTH))  # 8.8 MB: more than twice TIMEOUT s of work
    result = run_build(copy, *LIMITS)
    assert result.returncode == 0, result.stdout + result.stderr
    copy.joinpath("first-build.txt").write_text(result.stdout, encoding="utf-8")
    return copy


def test_each_bad_source_fails_alone_and_the_rest_is_published(project: Path) -> None:
    out = (project / "first-build.txt").read_text(encoding="utf-8")
    assert "7 converted, 0 unchanged, 5 failed" in out, out
    assert f"failed: sources/015_nested.html: timed out after {TIMEOUT} s" in out
    assert "failed: sources/011_bad_number.txt: sidecar 011_bad_number.txt.meta.yml: key 'corrections': number: must be text, not int" in out
    assert "012_bad_date.txt.meta.yml: key 'corrections': date: must be a date written YYYY-MM-DD, not list" in out
    assert "013_list.txt.meta.yml: key 'corrections': must be a mapping" in out
    assert "failed: sources/014_tab\tname.txt: file name holds a control character ('\\t'); rename the file" in out
    entries = report(project)
    assert entries["sources/015_nested.html"]["error"] == f"timed out after {TIMEOUT} s"
    assert not entries["sources/014_tab\tname.txt"]["ok"]
    links = permalinks(project)
    assert "014_tab\tname.txt" not in links and not any("\t" in k or "\n" in k for k in links)
    assert not {"011_bad_number.txt", "012_bad_date.txt", "013_list.txt", "015_nested.html"} & set(links)  # not published
    assert len(list((project / "docs" / "van-ban").glob("*.md"))) == len(links) == 7
    for name, slug in links.items():
        assert (project / "site" / "van-ban" / slug / "index.html").exists(), name


def test_subfolder_twin_is_a_second_document(project: Path) -> None:
    seed = next((project / "sources").glob("002_*.txt")).name
    links = permalinks(project)
    assert links[seed] != links[f"sub/{seed}"]
    top = (project / "site" / "van-ban" / links[seed] / "index.html").read_text(encoding="utf-8")
    twin = (project / "site" / "van-ban" / links[f"sub/{seed}"] / "index.html").read_text(encoding="utf-8")
    assert "Tổ chức tuyên truyền phòng chống dịch bệnh" in twin and "Tổ chức tuyên truyền phòng chống dịch bệnh" not in top
    assert (project / "site" / "nguon" / "sub" / seed).read_bytes() == (project / "sources" / "sub" / seed).read_bytes()
    assert (project / "site" / "nguon" / seed).read_bytes() == (project / "sources" / seed).read_bytes()


def test_xss_payloads_are_text_in_the_built_page(project: Path) -> None:
    page = project / "site" / "van-ban" / permalinks(project)["010_xss.txt"] / "index.html"
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one("article.doc-body")
    assert article is not None
    assert not article.find_all(["img", "script", "svg"]), "source markup became elements"
    assert not [t for t in article.find_all(True) if any(a.startswith("on") for a in t.attrs)]
    assert not [a for a in article.find_all("a") if "javascript" in str(a.get("href", "")).lower()]
    text = article.get_text(" ")
    assert "mục <img src=x onerror=alert(1)>" in text and "<script>alert(4)</script>" in text


@pytest.mark.browser
def test_xss_payloads_are_inert_in_the_browser(project: Path) -> None:
    """The document body as Chromium builds its DOM: no element from the source's markup, the text visible.
    (The front-matter values in the attributes panel are the templates' to escape.)"""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian chromium not installed")
    page_file = project / "site" / "van-ban" / permalinks(project)["010_xss.txt"] / "index.html"
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page()
            page.goto(page_file.as_uri())
            found = page.evaluate("""() => {
                const body = document.querySelector('article.doc-body');
                const active = [...body.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on')));
                return {markup: body.querySelectorAll('img, script, svg').length, active: active.length,
                        js: [...body.querySelectorAll('a')].filter(a => a.href.startsWith('javascript')).length, text: body.innerText};
            }""")
        finally:
            browser.close()
    assert (found["markup"], found["active"], found["js"]) == (0, 0, 0)
    assert "mục <img src=x onerror=alert(1)>" in found["text"] and "chi tiết" in found["text"]


def test_second_build_is_stable(project: Path) -> None:
    before = permalinks(project)
    again = run_build(project, *LIMITS)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "0 converted, 7 unchanged, 5 failed" in again.stdout
    assert permalinks(project) == before


def test_two_builds_at_once_one_runs_the_other_says_so(project: Path) -> None:
    (project / "sources" / "016_new.txt").write_text(XSS_REPORT.replace("Số: 07", "Số: 16"), encoding="utf-8")
    first = start_build(project, *LIMITS)
    holding_lock(project, first)
    second = run_build(project, *LIMITS)
    out, err = first.communicate(timeout=300)
    assert (first.returncode, second.returncode) == (0, 2), (out, err, second.stdout, second.stderr)
    assert f"another build is running (pid {first.pid})" in second.stderr and "1 converted" in out
    after = run_build(project, *LIMITS)
    assert after.returncode == 0 and "0 converted, 8 unchanged, 5 failed" in after.stdout, after.stdout + after.stderr
    assert all((project / "site" / "van-ban" / slug / "index.html").exists() for slug in permalinks(project).values())
    assert len(permalinks(project)) == len(set(permalinks(project).values())) == 8


def test_wait_option_waits_for_the_running_build(project: Path) -> None:
    (project / "sources" / "017_new.txt").write_text(XSS_REPORT.replace("Số: 07", "Số: 17"), encoding="utf-8")
    first = start_build(project, *LIMITS)
    holding_lock(project, first)
    second = run_build(project, "--wait", *LIMITS)
    first.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, second.stdout + second.stderr
    assert "0 converted, 9 unchanged, 5 failed" in second.stdout  # it ran after the first, which converted 017


def test_build_killed_while_converting_leaves_no_lock(project: Path) -> None:
    (project / "sources" / "015_nested.html").write_bytes(nested(SLOW_DEPTH + 1))  # changed: converted (and timed out) again
    first = start_build(project, *LIMITS)
    holding_lock(project, first)
    time.sleep(1.0)  # into the convert stage: the nested page is in a worker for TIMEOUT s
    first.kill()
    first.wait(timeout=30)
    after = run_build(project, *LIMITS)  # at once: a worker may still be finishing its source
    assert after.returncode == 0, after.stdout + after.stderr
    assert "timed out after" in after.stdout


def test_leftovers_of_a_killed_build_are_cleaned(project: Path) -> None:
    for leftover in (project / "build" / "index.tmp", project / "site.tmp", project / "build" / "site-parts" / "shell.tmp"):
        leftover.mkdir(parents=True, exist_ok=True)
        (leftover / "partial").write_text("half-written", encoding="utf-8")
    (project / "build" / "build.lock").write_text("999999\n", encoding="utf-8")  # a killed build's lock file: no lock held
    result = run_build(project, *LIMITS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "removing build/index.tmp left by an interrupted build" in result.stdout
    assert not (project / "build" / "index.tmp").exists() and not (project / "site.tmp").exists()
    assert not (project / "build" / "site-parts" / "shell.tmp").exists()
