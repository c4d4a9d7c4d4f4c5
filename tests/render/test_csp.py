"""Issue 16: the one Content-Security-Policy. Every page carries it; Chromium reports
no violation on any page type, served over http or opened from disk; search and the
preview's live reload still work under it.

Playwright drives Debian's Chromium (/usr/bin/chromium): conftest's one `browser`."""

from __future__ import annotations

import functools
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from markupsafe import escape
from playwright.sync_api import expect

from builder.render import csp
from builder.cli import main
from conftest import PAGE_TYPES, copy_project, each_page

# Collects what the browser refuses, before any script of the page runs.
WATCH = ("window.__violations = [];"
         "document.addEventListener('securitypolicyviolation', function (e) {"
         "  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The partnership fixture project, with an accent colour from site.yaml, built without PDFs."""
    root = tmp_path_factory.mktemp("csp")
    content = copy_project("partnership", root)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + 'accent: "#5c2d91"\n')
    assert main(["build", "--content", str(content), "--output", str(root / "output"), "--no-pdf",
                 "--today", "2016-01-15", "--quiet"]) == 0
    return root / "output"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    opened = context.new_page()
    opened.add_init_script(WATCH)
    opened.refused = []
    opened.on("console", lambda message: opened.refused.append(message.text)
              if "Content Security Policy" in message.text else None)
    yield opened
    context.close()


def violations(page, settle: bool = True) -> list[str]:
    """What the browser refused on the page; `settle` waits until it loads nothing
    more (never, on a preview page, whose live reload always waits for a build)."""
    if settle:
        page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations") + page.refused


def test_every_page_carries_the_one_policy_and_nothing_inline(site):
    pages = sorted(site.rglob("*.html"))
    assert pages
    for file in pages:
        html = file.read_text(encoding="utf-8")
        assert f'<meta http-equiv="Content-Security-Policy" content="{escape(csp.CONTENT_SECURITY_POLICY)}">' in html, file
        assert "<style" not in html and " style=" not in html, file
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), file
        assert "data:" not in html and " on" + "load=" not in html, file
    assert (site / "static/accent.css").read_text() == ":root { --colour-accent: #5c2d91; }\n"
    assert (site / "static/favicon.svg").is_file()
    assert "'wasm-unsafe-eval'" in csp.CONTENT_SECURITY_POLICY and "'unsafe-inline'" not in csp.header_value()
    assert csp.header_value().endswith("frame-ancestors 'none'")


@pytest.mark.parametrize("path", each_page(PAGE_TYPES))
def test_no_violation_served_over_http(page, base_url, path):
    page.goto(f"{base_url}/{path}")
    assert violations(page) == []
    accent = page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--colour-accent').trim()")
    assert accent == "#5c2d91", "the accent colour comes from its stylesheet"


@pytest.mark.parametrize("path", each_page(PAGE_TYPES))
def test_no_violation_opened_from_disk(page, site, path):
    page.goto((site / path).as_uri())
    assert violations(page) == []


def test_search_works_under_the_policy(page, base_url):
    page.goto(f"{base_url}/threats/index.html")
    page.fill(".pagefind-ui__search-input", "roofing")
    first = page.locator(".pagefind-ui__result-link").first
    expect(first).to_have_text("Roofing fraud against an elderly householder", timeout=15000)
    assert violations(page) == []


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_live_reload_and_its_overlay_work_under_the_policy(tmp_path, browser):
    content = copy_project("partnership", tmp_path)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--content", str(content), "--port", str(port), "--no-pdf"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None and time.monotonic() < deadline, "the preview did not start"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(WATCH)
        page.refused = []
        page.on("console", lambda message: page.refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.goto(f"http://127.0.0.1:{port}/pages/about.html")
        expect(page.locator("h1")).to_have_text("About the partnership and this site")
        assert page.locator('script[src="/__briefing__/live.js"]').count() == 1

        about = content / "pages/about.md"
        original = about.read_text()
        about.write_text(original.replace("title: About the partnership and this site", "title: Changed live"))
        expect(page.locator("h1")).to_have_text("Changed live", timeout=30000)

        about.write_text(original.replace("title: About the partnership and this site", "title: [unclosed"))
        overlay = page.locator("#briefing-errors")
        expect(overlay).to_be_visible(timeout=30000)
        assert overlay.evaluate("element => getComputedStyle(element).position") == "fixed", \
            "the overlay is styled by /__briefing__/live.css"
        assert violations(page, settle=False) == []
        context.close()
    finally:
        process.terminate()
        process.wait(timeout=20)
