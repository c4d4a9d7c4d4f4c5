"""The built site (the partnership fixture) in a real browser: accessibility (axe-core,
keyboard), search, live reload.

Playwright drives Debian's Chromium (/usr/bin/chromium), one browser for the session
(conftest's `browser`); .ci/run installs it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import PAGE_TYPES, build, each_page, http_server
from playwright.sync_api import expect

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
ONE_PAGE_OF_EACH_TYPE = PAGE_TYPES


@pytest.fixture(scope="module")
def base_url(site_build):
    with http_server(site_build("partnership")) as server:
        yield server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("path", each_page(ONE_PAGE_OF_EACH_TYPE))
def test_no_wcag_22_aa_violations(page, base_url, path):
    page.goto(f"{base_url}/{path}")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert result.violations_count == 0, result.generate_report()


def test_phone_width_has_no_violations_and_no_sideways_scroll(browser, base_url):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}/reports/soc-strategy-refresh.html")
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert result.violations_count == 0, result.generate_report()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def _focus_is_visible(page) -> bool:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const style = getComputedStyle(el);
            const outlined = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            const shadowed = style.boxShadow && style.boxShadow !== 'none';
            const box = el.getBoundingClientRect();
            return (outlined || shadowed) && box.width > 0 && box.height > 0;
        }"""
    )


def test_keyboard_skip_link_first_and_focus_always_visible(page, base_url):
    page.goto(f"{base_url}/index.html")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the skip link must be on screen when focused"
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    stops = 0
    while page.evaluate("document.activeElement !== document.body") and stops < 200:
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last link of the page
        stops += 1
        assert _focus_is_visible(page), page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
    assert stops >= 10, "every link of the home page's main content is reached by Tab"


def test_search_finds_a_case_study_and_follows_the_first_result(page, base_url):
    page.goto(f"{base_url}/threats/index.html")
    page.fill(".pagefind-ui__search-input", "roofing")
    first = page.locator(".pagefind-ui__result-link").first
    expect(first).to_be_visible(timeout=10000)
    assert first.inner_text() == "Roofing fraud against an elderly householder"
    first.click()
    expect(page.locator("h1")).to_have_text("Roofing fraud against an elderly householder")
    assert page.url.endswith("/case-studies/doorstep-roofing-fraud.html")


MARKER_WORD = "quixoticmarkerword"


@pytest.mark.parametrize("profile, expected", [("public", "No results"), ("internal", "3 results")])
def test_search_index_follows_the_profile(copy_site, tmp_path, browser, profile, expected):
    content = copy_site("partnership")
    for excluded in ("case-studies/waste-contract-vetting.md", "reports/waste-contract-integrity.md",
                     "reports/licensing-intelligence.md", "pages/draft-notice.md"):
        file = content / excluded
        file.write_text(file.read_text() + f"\n\nThe word {MARKER_WORD} appears only here.\n")
    output = tmp_path / "output"
    build(content, output, "--profile", profile)
    with http_server(output) as server:
        page = browser.new_page()
        page.goto(f"{server.url}/index.html")
        page.fill(".pagefind-ui__search-input", MARKER_WORD)
        expect(page.locator(".pagefind-ui__message")).to_have_text(f"{expected} for {MARKER_WORD}", timeout=10000)
        page.close()
    if profile == "public":
        for file in output.rglob("*"):
            if file.is_file():
                assert MARKER_WORD.encode() not in file.read_bytes(), file


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_server(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("briefing serve did not start")


def test_serve_reloads_on_change_and_shows_errors_until_fixed(copy_site, tmp_path, browser):
    content = copy_site("partnership")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--content", str(content), "--port", str(port), "--no-pdf"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _wait_for_server(port, process)
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/pages/about.html")
        expect(page.locator("h1")).to_have_text("About the partnership and this site")

        about = content / "pages/about.md"
        original = about.read_text()
        about.write_text(original.replace("title: About the partnership and this site", "title: Changed while serving"))
        expect(page.locator("h1")).to_have_text("Changed while serving", timeout=20000)

        about.write_text(original.replace("title: About the partnership and this site", "title: [unclosed"))
        overlay = page.locator("#briefing-errors")
        expect(overlay).to_be_visible(timeout=20000)
        expect(overlay).to_contain_text("pages/about.md:2: YAML syntax error")
        expect(overlay).to_have_count(1)
        assert "report-a-concern" not in overlay.inner_text(), "a broken file is not also reported as missing"

        about.write_text(original)
        expect(page.locator("h1")).to_have_text("About the partnership and this site", timeout=20000)
        expect(overlay).to_have_count(0)
        page.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    written = [page for page in tmp_path.rglob("pages/about.html")]  # wherever the preview builds
    assert written, "the preview wrote its pages somewhere under the project"
    assert not [page for page in written if "__briefing__" in page.read_text(encoding="utf-8")], \
        "the live-reload script is added when serving, never written into the site"


def test_search_merges_the_slices_of_a_large_section(copy_site, tmp_path, browser, monkeypatch):
    import builder.plan.search_bundles

    monkeypatch.setattr(builder.plan.search_bundles, "PAGES_PER_BUNDLE", 2)
    output = tmp_path / "output"
    build(copy_site("partnership"), output)
    slices = sorted(p.name for p in (output / "pagefind").glob("case-studies-*"))
    assert len(slices) >= 2 and not (output / "pagefind/case-studies").exists(), "five case studies are sliced"
    with http_server(output) as server:
        page = browser.new_page()
        page.goto(f"{server.url}/index.html")
        for word, title in (("roofing", "Roofing fraud against an elderly householder"),
                            ("hotel", "Hotel staff awareness leads to a child protection referral")):
            page.fill(".pagefind-ui__search-input", word)
            expect(page.locator(".pagefind-ui__result-link").first).to_have_text(title, timeout=10000)
        page.close()
