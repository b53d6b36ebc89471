"""Real-browser tests: Debian's Chromium driven by Playwright against `python -m archive serve` on localhost.

Screenshots land in tests/artifacts/ (home, document desktop and phone, search results).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile import BODY_PAYLOAD, SIDECAR_ISSUER, SIDECAR_PORTAL, SIDECAR_SIGNER, SIDECAR_TITLE, TITLE_PAYLOAD, build_hostile

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[str]:
    """`python -m archive serve` of the project at `root` on a free loopback port, stopped afterwards."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(root))
    proc = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--port", str(port)], cwd=root, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(built_archive):  # type: ignore[no-untyped-def]
    with _serving(ROOT) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):  # type: ignore[no-untyped-def]
    with _serving(build_hostile(tmp_path_factory.mktemp("hostile"))) as url:
        yield url


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def test_home_to_document_by_place_and_back(server, browser):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    assert "văn bản" in page.locator(".archive-stats").inner_text()
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    page.get_by_role("link", name="Theo địa bàn").first.click()
    page.get_by_role("link", name="Tỉnh Thanh Hóa").first.click()
    page.locator(".md-content a").filter(has_text="Báo cáo").first.click()  # third click: the document
    assert page.locator(".doc-attributes").is_visible()
    assert "Bùi Văn Hoàng" in page.locator(".doc-attributes").inner_text()
    page.screenshot(path=str(ARTIFACTS / "document-desktop.png"), full_page=False)
    page.go_back()
    assert "Thanh Hóa" in page.title()  # back on the province page it came from


def test_document_by_year_and_footnote_round_trip(server, browser):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/duyet/thoi-gian/")
    page.get_by_role("link", name="2021").first.click()
    page.locator(".md-content a").filter(has_text="Nghị quyết").first.click()
    ref = page.locator("sup[id^='fnref'] a").first
    ref.hover()
    page.wait_for_timeout(400)
    ref.click()
    target = page.locator(".footnote li").first
    assert target.is_visible()
    target.locator("a.footnote-backref").click()
    assert page.url.split("#")[1].startswith("fnref")


def test_header_search_accentless_shows_highlights(server, browser):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    box = page.locator(".archive-search input")
    box.fill("nong thon moi")
    box.press("Enter")
    page.wait_for_selector(".search-hit")
    assert page.locator(".search-hit").count() >= 2
    assert page.locator(".search-hit mark").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)


def test_phone_width_layout(server, browser):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page.goto(server + "/van-ban/2023-06-20-bao-cao-74-bc-ubnd-uy-ban-nhan-dan-phuong-thang-loi/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 362, f"page scrolls sideways on a 360 px phone ({width} px)"
    page.screenshot(path=str(ARTIFACTS / "document-phone.png"), full_page=False)


def _watch(page):  # type: ignore[no-untyped-def]
    """Every dialog a page opens and every script error it throws, collected (a dialog is dismissed at once)."""
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: seen.append(f"error: {e}"))
    return seen


def test_hostile_titles_and_sidecars_render_as_text_everywhere(hostile_server, browser):  # type: ignore[no-untyped-def]
    """issue 13 finding 2: no payload from a title line, a list item or a sidecar value runs, on any page kind."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    seen = _watch(page)
    page.goto(hostile_server + "/duyet/co-quan/")
    page.locator(".md-content a").filter(has_text="An Lạc").first.click()  # the issuer page (its name is hostile)
    assert SIDECAR_ISSUER in page.locator("h1").inner_text()
    assert SIDECAR_ISSUER in page.title()
    assert page.locator(".md-content a").filter(has_text=SIDECAR_TITLE).count() == 1
    page.locator(".md-content a").filter(has_text=SIDECAR_TITLE).click()  # the document with corrected fields
    assert page.locator("h1").inner_text() == SIDECAR_TITLE
    assert SIDECAR_TITLE in page.title()
    panel = page.locator(".doc-attributes").inner_text()
    for value in (SIDECAR_ISSUER, SIDECAR_SIGNER, SIDECAR_PORTAL):
        assert value in panel
    assert page.locator(".doc-attributes a", has_text="trang gốc").count() == 0, "a javascript: source_url became a link"
    assert "mục " + BODY_PAYLOAD in page.locator(".doc-body").inner_text()
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith("javascript:")]
    series = page.locator(".doc-series a").inner_text()  # the neighbour's title comes from its own hostile title line
    assert TITLE_PAYLOAD in series
    page.locator(".doc-series a").click()
    assert TITLE_PAYLOAD in page.locator("h1").inner_text()
    assert page.locator(".doc-attributes a", has_text="trang gốc").get_attribute("href") == "https://anlac.example.vn/bao-cao-15"
    for path in ("/", "/duyet/thoi-gian/2024/", "/duyet/loai/bao-cao/", "/duyet/dia-ban/khong-ro/"):
        page.goto(hostile_server + path)
        assert SIDECAR_TITLE in page.locator(".md-content").inner_text(), path
    page.screenshot(path=str(ARTIFACTS / "hostile-browse-phone.png"), full_page=True)
    assert seen == []
