"""Real-browser tests: Debian's Chromium driven by Playwright against `python -m archive serve` on localhost.

Screenshots land in tests/artifacts/ (home, document desktop and phone, search results).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import pytest

from tests.hostile import BODY_PAYLOAD, SIDECAR_ISSUER, SIDECAR_PORTAL, SIDECAR_SIGNER, SIDECAR_TITLE, TITLE_PAYLOAD, build_hostile
from tests.servers import serving

if TYPE_CHECKING:  # playwright is imported by the browser fixture only, when a browser test runs
    from playwright.sync_api import Browser, Dialog, FloatRect, Locator, Page, Route, ViewportSize

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[str]:
    """`python -m archive serve` of the project at `root` on a free loopback port, stopped afterwards."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the code; the project `root` is the current directory
    with serving(["-m", "archive", "serve", "--port", "{port}"], root, env) as (url, _):
        yield url


@pytest.fixture(scope="module")
def server(built_archive: Path) -> Iterator[str]:
    with _serving(ROOT) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _serving(build_hostile(tmp_path_factory.mktemp("hostile"))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


def test_home_to_document_by_place_and_back(server: str, browser: Browser) -> None:
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


def test_document_by_year_and_footnote_round_trip(server: str, browser: Browser) -> None:
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


def test_header_search_accentless_shows_highlights(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    box = page.locator(".archive-search input")
    box.fill("nong thon moi")
    box.press("Enter")
    page.wait_for_selector(".search-hit")
    assert page.locator(".search-hit").count() >= 2
    assert page.locator(".search-hit mark").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "search-results.png"), full_page=True)


def test_phone_width_layout(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page.goto(server + "/van-ban/2023-06-20-bao-cao-74-bc-ubnd-uy-ban-nhan-dan-phuong-thang-loi/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 362, f"page scrolls sideways on a 360 px phone ({width} px)"
    page.screenshot(path=str(ARTIFACTS / "document-phone.png"), full_page=False)


def _box(element: Locator) -> FloatRect:
    """The element's box on the page; an element that is not rendered fails the test here, by name."""
    box = element.bounding_box()
    assert box is not None, f"{element} is not rendered"
    return box


def _watch(page: Page) -> list[str]:
    """Every dialog a page opens and every script error it throws, collected (a dialog is dismissed at once)."""
    seen: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        seen.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.on("pageerror", lambda e: seen.append(f"error: {e}"))
    return seen


def test_hostile_titles_and_sidecars_render_as_text_everywhere(hostile_server: str, browser: Browser) -> None:
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


PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
LONG_REPORT = "/van-ban/2023-05-18-bao-cao-263-bc-du-dang-uy-phuong-pho-hoa/"
UNDATED_DAY = "/van-ban/2023-07-bao-cao-dang-uy-xa-xuan-phu/"  # no number, date "2023-07"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _outside_viewport(page: Page) -> list[str]:
    """Visible elements that stick out of the viewport sideways (what makes a phone page scroll or cut text)."""
    return page.evaluate("""() => { const w = innerWidth, out = [];
      for (const e of document.querySelectorAll('body *')) { const r = e.getBoundingClientRect();
        if (r.width && r.height && getComputedStyle(e).visibility !== 'hidden' && (r.left < -1 || r.right > w + 1)
            && !e.closest('.md-sidebar, .md-nav, .md-visually-hidden, [hidden], pre, .md-typeset__table')) out.push(e.tagName + '.' + e.className); }
      return out.slice(0, 5); }""")


@SIZES
def test_search_first_result_on_first_screen(server: str, browser: Browser, size: ViewportSize) -> None:
    page = browser.new_page(viewport=size)
    seen = _watch(page)
    page.goto(server + "/tim-kiem/?q=nong+thon+moi")
    page.wait_for_selector(".search-hit")
    first = _box(page.locator(".search-hit__title").first)
    assert first["y"] + first["height"] <= size["height"], f"first result ends at {first['y'] + first['height']:.0f} px"
    box = page.locator(".search-page__form input[type=search]")
    assert float(box.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 16
    button = _box(page.locator(".search-page__form button"))
    assert button["width"] >= 44 and button["height"] >= 44
    facets = page.locator(".search-page__facets")
    if size is PHONE:
        assert page.locator(".search-page__filters > summary").is_visible() and not facets.is_visible()
        page.locator(".search-page__filters > summary").click()
        assert facets.is_visible()
    else:
        f, r = _box(facets), _box(page.locator(".search-page__results"))
        assert f["x"] + f["width"] <= r["x"] and f["y"] < r["y"] + r["height"], "facets are not beside the results"
    assert _outside_viewport(page) == []
    page.screenshot(path=str(ARTIFACTS / f"search-{'phone' if size is PHONE else 'desktop'}.png"))
    assert seen == []


def test_sort_and_filters_apply_at_once_and_clear(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport=DESKTOP)
    page.goto(server + "/tim-kiem/?q=nong+thon+moi")
    page.wait_for_selector(".search-hit")
    with page.expect_navigation():
        page.locator("select[name=sort]").select_option("-date")  # no "Tìm" press
    assert "sort=-date" in page.url
    page.wait_for_selector(".search-hit")
    metas = page.locator(".search-hit__meta").all_inner_texts()
    assert metas and page.locator("select[name=sort]").input_value() == "-date"
    assert any("Đảng ủy xã Xuân Phú · Tỉnh Thanh Hóa" in m for m in metas), metas  # a result says its province
    page.locator(".search-facet a").filter(has_text="Tỉnh Thanh Hóa").click()
    page.wait_for_selector(".search-hit")
    assert "province=" in page.url and page.locator(".search-hit").count() == 1
    assert "sort=-date" in page.url, "a filter dropped the sort order"
    page.get_by_role("link", name="Xóa bộ lọc").click()
    page.wait_for_selector(".search-hit")
    assert "province=" not in page.url and page.locator(".search-hit").count() >= 2


@SIZES
def test_header_suggestions_keyboard_and_inside_viewport(server: str, browser: Browser, size: ViewportSize) -> None:
    page = browser.new_page(viewport=size)
    page.goto(server + "/")
    box = page.locator(".archive-search input")
    assert float(box.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 16
    box.click()
    box.type("nong thon moi", delay=20)
    page.wait_for_selector(".archive-search__suggest [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    r = _box(page.locator(".archive-search__suggest"))
    assert r["x"] >= 0 and r["x"] + r["width"] <= size["width"] and r["y"] + r["height"] <= size["height"], r
    box.press("ArrowDown")
    box.press("ArrowDown")
    second = page.locator(".archive-search__suggest [role=option]").nth(1)
    assert box.get_attribute("aria-activedescendant") == second.get_attribute("id")
    assert second.get_attribute("aria-selected") == "true"
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == page.locator(".archive-search__suggest [role=option]").first.get_attribute("id")
    box.press("Escape")
    assert not page.locator(".archive-search__suggest").is_visible() and box.get_attribute("aria-expanded") == "false"
    box.press("Backspace")  # typing again reopens the list (the last answer wins: "nong thon mo", then the word retyped)
    box.type("i")
    page.wait_for_selector(".archive-search__suggest [role=option]")
    box.press("ArrowDown")
    target = page.locator(".archive-search__suggest [role=option]").first.get_attribute("data-href")
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == target and "/van-ban/" in page.url


@SIZES
def test_document_page_contents_panel_dates_and_citation(server: str, browser: Browser, size: ViewportSize) -> None:
    page = browser.new_page(viewport=size)
    seen = _watch(page)
    page.goto(server + LONG_REPORT)
    assert page.locator("h1").count() == 1
    assert page.locator("h1").inner_text().startswith("Báo cáo sơ kết giữa nhiệm kỳ")
    headings = [h.strip() for h in page.locator(".doc-body :is(h2, h3, h4, h5)").all_inner_texts()]
    if size is PHONE:
        toc = page.locator("details.doc-toc")
        assert toc.is_visible() and _box(toc)["y"] < size["height"] / 2, "Mục lục is not near the top on a phone"
        toc.locator("summary").click()
        entries = toc.locator("a").all_inner_texts()
    else:
        assert not page.locator("details.doc-toc").is_visible()
        entries = page.locator(".md-sidebar--secondary .md-nav__link").all_inner_texts()
    entries = [e.strip() for e in entries]
    assert [h.rstrip("¶").strip() for h in headings if h.rstrip("¶").strip() not in entries] == [], "headings missing from Mục lục"
    panel = page.locator(".doc-attributes").inner_text()
    assert "18/05/2023" in panel and "2023-05-18" not in panel
    assert page.locator(".md-skip").get_attribute("href") == "#thuoc-tinh"
    assert page.locator(".doc-cite__today").is_visible() and "truy cập ngày" in page.locator("#doc-cite-text").inner_text()
    assert _box(page.locator(".doc-cite__copy"))["height"] >= 44
    assert _outside_viewport(page) == []
    page.screenshot(path=str(ARTIFACTS / f"document-{'phone' if size is PHONE else 'desktop'}.png"))
    page.goto(server + UNDATED_DAY)
    attributes = page.locator(".doc-attributes")
    assert "tháng 7/2023" in attributes.inner_text()
    number = attributes.locator("div", has=page.locator("dt", has_text="Số hiệu")).locator("dd").inner_text()
    assert number == "không ghi"
    assert attributes.locator("dt", has_text="Ngày đăng").count() == 1  # posted is known here: shown
    if size is PHONE:
        assert _box(attributes)["height"] < size["height"] * 0.75, "the attributes panel fills the first screen"
    assert seen == []


@pytest.mark.parametrize(("size", "scheme"), [(PHONE, "light"), (DESKTOP, "light"), (PHONE, "dark")], ids=["phone", "desktop", "phone-dark"])
def test_no_serious_accessibility_violations_on_any_page_kind(server: str, browser: Browser, size: ViewportSize,
                                                              scheme: Literal["light", "dark"]) -> None:
    if not AXE.exists():
        pytest.skip("axe-core not installed (npm ci)")
    page = browser.new_page(viewport=size, color_scheme=scheme, bypass_csp=True)  # axe is injected as an inline script
    found = {}
    for kind, path in {"home": "/", "search": "/tim-kiem/?q=nong+thon+moi", "document": LONG_REPORT, "browse": "/duyet/dia-ban/tinh-thanh-hoa/",
                       "year": "/duyet/thoi-gian/2023/", "issuer": "/duyet/co-quan/", "about": "/gioi-thieu/",
                       "not found": "/khong-co-trang-nay/"}.items():
        page.goto(server + path)
        page.wait_for_timeout(300)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})")
        found[kind] = [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert {k: v for k, v in found.items() if v} == {}


def test_not_found_page_is_vietnamese_with_ways_on(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)
    seen = _watch(page)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and "khong-co" not in r.url else None)
    response = page.goto(server + "/van-ban/khong-co/")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert page.locator("form[role=search] input[name=q]").count() >= 1
    feed = page.locator("link[type='application/atom+xml']").first.evaluate("e => e.href")
    assert feed == server + "/feeds/all.xml"
    page.get_by_role("link", name="Theo địa bàn").click()
    assert page.url == server + "/duyet/dia-ban/"
    assert seen == [] and failed == []


def test_every_page_answers_without_404_requests(server: str, browser: Browser) -> None:
    """Nothing a page asks for is missing (Material used to ask for /feeds/sitemap.xml beside the feed link)."""
    page = browser.new_page(viewport=DESKTOP)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    for path in ("/", LONG_REPORT, "/duyet/dia-ban/tinh-thanh-hoa/", "/tim-kiem/?q=nong"):
        page.goto(server + path)
        page.wait_for_timeout(300)
    assert failed == []


@pytest.fixture(scope="module")
def static_host(built_archive: Path) -> Iterator[str]:
    """site/ on a plain static file server: no /api/search behind it (the service is stopped)."""
    with serving(["-m", "http.server", "{port}", "--bind", "127.0.0.1", "--directory", str(ROOT / "site")], ROOT) as (url, _):
        yield url


def test_static_fallback_finds_documents_without_the_service(static_host: str, browser: Browser) -> None:
    if not (ROOT / "site" / "pagefind" / "pagefind.js").exists():
        pytest.skip("no static index (node_modules/pagefind missing: npm ci)")
    page = browser.new_page(viewport=PHONE)
    seen = _watch(page)
    page.goto(static_host + "/tim-kiem/?q=dang+uy+xa+xuan+phu")  # accent-less: the folded copy is indexed
    page.wait_for_selector(".search-hit")
    assert "cần dịch vụ tìm kiếm" in page.locator(".search-page__status").inner_text()
    assert "Xuân Phú" in page.locator(".search-hit__title").first.inner_text() + page.locator(".search-hit__meta").first.inner_text()
    page.locator(".search-hit__title").first.click()
    page.wait_for_url("**/van-ban/**")
    assert page.locator(".doc-attributes").is_visible()
    box = page.locator(".archive-search input")
    box.type("263-BC", delay=20)
    page.wait_for_selector(".archive-search__suggest [role=option]")
    assert "Báo cáo sơ kết" in page.locator(".archive-search__suggest [role=option]").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "static-fallback-phone.png"))
    assert [s for s in seen if "dialog" in s or "error" in s] == []


CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; frame-ancestors 'none'")  # what the pages need: no inline script at all


def test_pages_work_under_a_csp_without_inline_scripts(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport=DESKTOP)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    seen = _watch(page)

    def with_csp(route: Route) -> None:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route("**/*", with_csp)
    page.goto(server + LONG_REPORT)
    assert page.locator(".archive-search input").is_visible()  # search.js ran
    scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    page.locator("label.md-header__button[for^='__palette']").first.click()  # Material's bundle and palette script ran
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme
    page.reload()  # the chosen scheme is restored by the palette script, now a file
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme
    page.goto(server + "/tim-kiem/?q=nong+thon+moi")
    page.wait_for_selector(".search-hit")
    assert blocked == [] and seen == []


def test_search_page_shows_the_suggestion_the_service_fell_back_to(server: str, browser: Browser) -> None:
    """The API's zero-result shape (showing_suggestion + suggestion) and the older one (suggestion only) both read well."""
    page = browser.new_page(viewport=PHONE)
    answer = {"query": "nong thon mpi", "total": 1, "page": 1, "per_page": 10, "facets": {}, "message": "", "took_ms": 3,
              "showing_suggestion": True, "suggestion": "nong thon moi",
              "hits": [{"url": "/van-ban/2023-07-bao-cao-dang-uy-xa-xuan-phu/", "title": "Báo cáo <b>thử</b>", "date": "2023-07", "snippet": "…"}]}
    page.route("**/api/search?*", lambda route: route.fulfill(json=answer))
    page.goto(server + "/tim-kiem/?q=nong+thon+mpi")
    page.wait_for_selector(".search-hit")
    status = page.locator(".search-page__status")
    assert "Hiển thị kết quả cho “nong thon moi”" in status.inner_text()
    exact = status.get_by_role("link", name="tìm đúng “nong thon mpi”")
    assert "q=nong+thon+mpi" in (exact.get_attribute("href") or "")
    assert page.locator(".search-hit__title").inner_text() == "Báo cáo <b>thử</b>"  # titles from the API are text
    assert "tháng 7/2023" in page.locator(".search-hit__meta").inner_text()
    page.unroute("**/api/search?*")
    older = {**answer, "total": 0, "hits": [], "showing_suggestion": False}
    page.route("**/api/search?*", lambda route: route.fulfill(json=older))
    page.goto(server + "/tim-kiem/?q=nong+thon+mpi")
    page.wait_for_selector(".search-page__suggestion")
    assert "0 kết quả" in status.inner_text() and page.locator(".search-page__suggestion").inner_text() == "nong thon moi"


def test_browse_pages_on_a_phone_breadcrumbs_tab_and_place(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)
    for path in ("/", "/duyet/thoi-gian/2023/", "/duyet/dia-ban/tinh-thanh-hoa/", "/duyet/co-quan/"):
        page.goto(server + path)
        assert _outside_viewport(page) == [], path
    page.goto(server + "/duyet/dia-ban/tinh-thanh-hoa/")
    assert page.locator(".breadcrumbs").inner_text() == "Trang chủ › Địa bàn › Tỉnh Thanh Hóa"
    assert "xã Xuân Phú, Tỉnh Thanh Hóa" in page.locator(".md-content li").first.inner_text()
    page.screenshot(path=str(ARTIFACTS / "browse-phone.png"))
    desktop = browser.new_page(viewport=DESKTOP)
    desktop.goto(server + "/duyet/thoi-gian/2023/")
    assert desktop.locator(".md-tabs__link[aria-current=page]").inner_text().strip() == "Thời gian"
    desktop.screenshot(path=str(ARTIFACTS / "browse-desktop.png"))


def test_citation_copy_button_copies_the_full_citation(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(server + LONG_REPORT)
    page.get_by_role("button", name="Chép trích dẫn").click()
    page.wait_for_function("document.querySelector('.doc-cite__copy').textContent === 'Đã chép'")
    copied = page.evaluate("navigator.clipboard.readText()")
    # the issuer as the attributes panel names it (the gazetteer's "Phổ Hòa"), not the source's misspelling "PHỐ HOÀ"
    assert copied.startswith("Đảng ủy phường Phổ Hòa (18/05/2023). Báo cáo sơ kết giữa nhiệm kỳ")
    assert ", số 263-BC/ĐU. Kho văn bản cơ sở. http" in copied and "/van-ban/2023-05-18-bao-cao-263-bc-du-dang-uy-phuong-pho-hoa/" in copied
    assert "(truy cập ngày " in copied and copied.endswith(").")
    context.close()


def test_raw_source_downloads_under_the_documents_name(server: str, browser: Browser) -> None:
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    page.goto(server + LONG_REPORT)
    with page.expect_download() as download:
        page.get_by_role("link", name="tệp thu thập gốc").click()
    # a reader's Downloads folder gets "2023-05-18-bao-cao-263-bc-….txt", not the scraper's "002_c44b56f1….txt"
    assert download.value.suggested_filename == LONG_REPORT.split("/")[2] + ".txt"
    assert "ĐẢNG ỦY PHƯỜNG" in Path(download.value.path()).read_text(encoding="utf-8")  # the raw file itself
    context.close()


def test_contents_anchors_keep_the_d_of_dang(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server + LONG_REPORT)
    page.locator(".doc-toc summary").click()
    page.locator(".doc-toc a", has_text="4. Về xây dựng Đảng").first.click()
    # a shared link to the section reads "…xay-dung-dang", not "…xay-dung-ang" (Markdown's default slug drops "đ")
    assert page.url.endswith("#4-ve-xay-dung-dang")
    top = page.locator("[id='4-ve-xay-dung-dang']").evaluate("h => h.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"] / 2  # the section is on screen
    hrefs = page.locator(".doc-toc a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert "#2-1-ve-giao-duc-va-dao-tao" in hrefs  # "2.1." no longer reads as "21"
    assert not [h for h in hrefs if "-ang-" in h or h.endswith("-ang")]


def test_static_results_name_the_issuer_as_the_gazetteer_does(static_host: str, browser: Browser) -> None:
    if not (ROOT / "site" / "pagefind" / "pagefind.js").exists():
        pytest.skip("no static index (node_modules/pagefind missing: npm ci)")
    page = browser.new_page(viewport=PHONE)
    page.goto(static_host + "/tim-kiem/?q=263-BC")
    page.wait_for_selector(".search-hit")
    meta = page.locator(".search-hit__meta").first.inner_text()
    assert "Đảng ủy phường Phổ Hòa" in meta and "Phố Hòa" not in meta  # as in the attributes panel
    page.goto(static_host + "/tim-kiem/?q=pho+hoa")  # both spellings still find it
    page.wait_for_selector(".search-hit")


@SIZES
def test_footer_speaks_vietnamese(server: str, browser: Browser, size: ViewportSize) -> None:
    page = browser.new_page(viewport=size)
    page.goto(server + "/")
    footer = page.locator("footer").inner_text()
    assert "Made with" not in footer and "Kho văn bản cơ sở" in footer  # no English line under a Vietnamese site
    assert page.locator("footer").is_visible()


@SIZES
def test_skip_link_lands_before_the_search_form(server: str, browser: Browser, size: ViewportSize) -> None:
    """Keyboard only: the first Tab is "Bỏ qua"; Enter then Tab reaches the page's own search box, not past it."""
    page = browser.new_page(viewport=size)
    for path, box in (("/", "home-q"), ("/tim-kiem/?q=ubnd", "sp-q"), ("/duyet/thoi-gian/", None)):
        page.goto(server + path)
        page.keyboard.press("Tab")
        assert "md-skip" in page.evaluate("document.activeElement.className"), path  # the search page had none
        page.keyboard.press("Enter")
        title = page.locator(".md-content h1").first
        anchor = title.get_attribute("id")
        assert anchor and page.url.endswith("#" + anchor), path  # on the title, not the first h2
        assert 0 <= title.evaluate("h => h.getBoundingClientRect().top") < size["height"] / 3, path
        if box:
            ids = []
            for _ in range(3):
                page.keyboard.press("Tab")
                ids.append(page.evaluate("document.activeElement.id"))
            assert box in ids, (path, ids)
    page.goto(server + "/duyet/dia-ban/tinh-thanh-hoa/")  # the desktop contents list is unchanged by it
    if size == DESKTOP:
        assert page.locator(".md-sidebar--secondary .md-nav__link").first.inner_text().strip() == "Huyện Thọ Xuân"


def test_search_page_past_the_last_has_a_way_back(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "/tim-kiem/?q=bao+cao&page=7")  # an old shared link: the archive holds fewer results now
    page.wait_for_selector(".search-page__first")
    assert page.locator(".search-hit").count() == 0
    page.locator(".search-page__first").click()
    page.wait_for_selector(".search-hit")
    assert "page=" not in page.url and page.locator(".search-hit").count() >= 3


def test_no_results_offers_the_browse_pages(server: str, static_host: str, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)
    for host in (server, static_host):  # with the service, and on a static host
        page.goto(host + "/tim-kiem/?q=xyzqwv")
        page.wait_for_selector(".search-page__browse")
        assert "0 kết quả" in page.locator(".search-page__status").inner_text()
        assert not page.locator(".search-page__filters").is_visible()  # no empty "Lọc" box with nothing to filter
        page.locator(".search-page__browse", has_text="theo địa bàn").click()
        assert page.url == host + "/duyet/dia-ban/" and "Thanh Hóa" in page.locator(".md-content").inner_text()


def test_search_page_without_a_query_shows_no_empty_filter_box(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport=PHONE)
    page.goto(server + "/tim-kiem/")
    page.wait_for_function("document.querySelector('.search-page__status').textContent.includes('Nhập từ khóa')")
    assert not page.locator(".search-page__filters").is_visible()
