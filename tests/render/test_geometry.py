"""Issue 19: the site on a phone, on a desktop and on paper, checked by geometry in
Chromium, never by pixels (which change whenever Debian updates Chromium).

For one page of each type of the partnership fixture, at 375 and 1280 px wide and
in print: no element overflows the page, no text is smaller than 12 px, and every
table fits or says that it scrolls. Printed to PDF, every page carries its marking
in the top and bottom margins, and the marking touches no text of the page. Also:
the menu folds behind a <details> button on a phone, with or without JavaScript;
search opened from disk says it needs http; Markdown table regions are named after
their heading; chart labels in the PDFs are whole and at least 12 px (9 pt).

One built site (conftest's session build) and one browser (conftest's `browser`).
"""

from __future__ import annotations

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import PAGE_TYPES, SITES, each_page, html_pages, http_server, parse_html, pdf_text
from playwright.sync_api import expect
from pypdf import PdfReader

# Every page type, and the reviews page (a table of its own).
PAGES = [*PAGE_TYPES, "reviews/index.html"]
WIDTHS = (375, 1280)
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SMALLEST_TEXT_PX = 12
# The printed page (style.css, @page): A4 with 20 mm margins top and bottom, 16 mm
# at the sides, so the text is 178 mm wide.
MM = 72 / 25.4  # points
PRINT_MARGIN_TOP = PRINT_MARGIN_BOTTOM = 20 * MM
PRINT_TEXT_WIDTH_PX = round(178 / 25.4 * 96)

# What is wrong with the page as laid out now: a list of sentences, empty if nothing.
GEOMETRY = """
({smallest, print}) => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  const name = (el) => {
    const classes = typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes}> "${(el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50)}"`;
  };
  const shown = (el) => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  // A visually hidden element (for screen readers only) is a 1 px box that shows nothing.
  const seen = (el) => { const box = el.getBoundingClientRect(); return shown(el) && box.width > 1 && box.height > 1; };
  const scroller = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(up).overflowX)) return up;
    }
    return null;
  };

  if (document.documentElement.scrollWidth > width + 1) {
    problems.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in ${width} px`);
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (!seen(el)) continue;
    const box = el.getBoundingClientRect();
    const inside = scroller(el);  // it may scroll within its box, which must itself fit
    const limit = inside ? inside.getBoundingClientRect() : {left: 0, right: width};
    if (box.right > Math.min(limit.right, width) + 1 || box.left < Math.max(limit.left, 0) - 1) {
      if (!inside || inside.scrollWidth <= inside.clientWidth + 1) {
        problems.push(`${name(el)} overflows: ${Math.round(box.left)} to ${Math.round(box.right)} px of ${width}`);
      }
    }
  }

  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !seen(el)) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {  // drawn text is as large as its drawing is scaled
      const matrix = el.getScreenCTM();
      size *= Math.hypot(matrix.b, matrix.d);
    }
    if (size < smallest - 0.01) problems.push(`${name(el)} is ${size.toFixed(1)} px`);
  }

  for (const table of document.querySelectorAll('table')) {
    if (!seen(table)) continue;
    const wrap = table.closest('.table-wrap');
    const room = (wrap || table.parentElement).clientWidth;
    if (table.getBoundingClientRect().width <= room + 1) continue;
    if (print) { problems.push(`${name(table)} is wider than the printed page`); continue; }
    const hint = wrap && document.getElementById(wrap.getAttribute('aria-describedby') || '');
    const says = hint && seen(hint) && /scroll/i.test(hint.textContent);
    const reachable = wrap && wrap.getAttribute('role') === 'region' && wrap.tabIndex === 0
      && (wrap.getAttribute('aria-label') || '').trim() && wrap.scrollWidth > wrap.clientWidth;
    if (!says || !reachable) problems.push(`${name(table)} does not fit and does not say that it scrolls`);
  }
  return problems;
}
"""


@pytest.fixture(scope="module")
def site(site_build):
    return site_build("partnership")


@pytest.fixture(scope="module")
def base_url(site):
    with http_server(site) as server:
        yield server.url


@pytest.fixture(scope="module")
def tabs(browser):
    """One tab per width (and one for print), kept for the module: {width or 'print': page}."""
    contexts, pages = [], {}

    def get(kind):
        if kind not in pages:
            width = PRINT_TEXT_WIDTH_PX if kind == "print" else kind
            context = browser.new_context(viewport={"width": width, "height": 900})
            contexts.append(context)
            pages[kind] = context.new_page()
            if kind == "print":
                pages[kind].emulate_media(media="print")
        return pages[kind]

    yield get
    for context in contexts:
        context.close()


def _open(page, url):
    page.goto(url)
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")


# On screen and in print --------------------------------------------------------

@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", each_page(PAGES))
def test_nothing_overflows_no_text_is_small_every_table_fits_or_says_it_scrolls(tabs, base_url, path, width):
    page = tabs(width)
    _open(page, f"{base_url}/{path}")
    assert page.evaluate(GEOMETRY, {"smallest": SMALLEST_TEXT_PX, "print": False}) == []


@pytest.mark.parametrize("path", each_page(PAGES))
def test_in_print_nothing_overflows_no_text_is_small_and_menu_and_search_are_left_out(tabs, base_url, path):
    page = tabs("print")
    _open(page, f"{base_url}/{path}")
    assert page.evaluate(GEOMETRY, {"smallest": SMALLEST_TEXT_PX, "print": True}) == []
    for hidden in (".site-nav", ".site-search", ".skip-link", ".breadcrumbs"):
        for element in page.locator(hidden).all():
            assert not element.is_visible(), f"{hidden} is printed"
    # A fixed box repeats on every printed page over the text: the marking must never be one.
    assert page.evaluate("[...document.querySelectorAll('.marking')].every("
                         "m => !['fixed', 'absolute'].includes(getComputedStyle(m).position))")


def _runs(pdf_page) -> list[tuple[str, float, float]]:
    """Each text run of a PDF page: its text, its baseline (points from the bottom)
    and its size in points."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            y = cm[5] + tm[5] * cm[3] + tm[4] * cm[1]
            scale = abs(tm[3] * cm[3] + tm[2] * cm[1]) or abs(tm[0] * cm[0])
            runs.append((" ".join(text.split()), y, size * scale))

    pdf_page.extract_text(visitor_text=visit)
    return runs


def _printed(page) -> list[list[tuple[str, float, float]]]:
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert all(abs(float(p.mediabox.width) - 595.3) < 1 for p in reader.pages), "printed on A4"
    return [_runs(p) for p in reader.pages]


@pytest.mark.parametrize("path", each_page(PAGES))
def test_printed_marking_is_in_the_margins_of_every_page_and_touches_no_text(tabs, base_url, path):
    page = tabs(1280)  # printed, as from the browser's Print
    _open(page, f"{base_url}/{path}")
    marking = page.locator(".marking").first.get_attribute("data-marking")
    headings = {" ".join(t.split()) for t in page.locator("main h1, main h2, main h3").all_inner_texts()}
    pages = _printed(page)
    height = 841.9
    for number, runs in enumerate(pages, start=1):
        top = [r for r in runs if r[1] > height - PRINT_MARGIN_TOP]
        bottom = [r for r in runs if r[1] < PRINT_MARGIN_BOTTOM]
        assert [text for text, _, _ in top] == [marking], f"page {number}: the top margin holds {top}"
        assert marking in [text for text, _, _ in bottom], f"page {number}: no {marking} in the bottom margin"
        assert set(text for text, _, _ in bottom) <= {marking, "Page", "of", *map(str, range(1, len(pages) + 1)),
                                                      f"Page {number} of {len(pages)}"}, bottom
        # The marking's line, from its descenders to its capitals, clears every line of the page's text.
        content = [r for r in runs if r not in top and r not in bottom]
        for text, y, size in top + bottom:
            if text != marking:
                continue
            low, high = y - 0.25 * size, y + size
            for other, other_y, other_size in content:
                assert other_y + other_size < low or other_y - 0.25 * other_size > high, \
                    f"page {number}: the marking overlaps {other!r}"
        # A heading is never the last line of a page: it stays with what follows.
        if number < len(pages) and content:
            lowest = min(y for _, y, _ in content)
            last_line = " ".join(t for t, y, _ in content if abs(y - lowest) < 1)
            assert last_line not in headings, f"page {number} ends with the heading {last_line!r}"


@pytest.mark.parametrize("width", WIDTHS)
def test_search_results_fit_and_no_text_is_small(tabs, base_url, width):
    page = tabs(width)
    _open(page, f"{base_url}/threats/index.html")
    page.fill(".pagefind-ui__search-input", "roofing")
    expect(page.locator(".pagefind-ui__result-link").first).to_be_visible(timeout=10000)
    expect(page.locator(".pagefind-ui__result-tag").first).to_be_visible()
    assert page.evaluate(GEOMETRY, {"smallest": SMALLEST_TEXT_PX, "print": False}) == []


@pytest.mark.parametrize("path", ["actions/index.html", "reviews/index.html"])
def test_printed_table_rows_are_never_split_between_pages(tabs, base_url, path):
    page = tabs(1280)
    _open(page, f"{base_url}/{path}")
    # A word of our own at the start of each row's first cell and the end of its last,
    # and the rows made taller (eight more lines each), so that page ends fall in rows.
    rows = page.evaluate("""() => [...document.querySelectorAll('main tbody tr')].map((row, index) => {
        row.cells[0].prepend(`Rowmark${index}start `);
        for (let line = 0; line < 8; line++) row.cells[0].append(document.createElement('br'), 'line');
        row.cells[row.cells.length - 1].append(` Rowmark${index}end`);
        return index; }).length""")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    printed = ["".join(p.extract_text().split()) for p in reader.pages]
    assert len(printed) > 1 and rows > 5
    for index in range(rows):
        starts = [n for n, text in enumerate(printed) if f"Rowmark{index}start" in text]
        ends = [n for n, text in enumerate(printed) if f"Rowmark{index}end" in text]
        assert len(starts) == 1 and starts == ends, f"row {index + 1} begins on page {starts} and ends on {ends}"


# On a phone ----------------------------------------------------------------------

@pytest.mark.parametrize("javascript", [True, False])
def test_the_menu_folds_behind_a_button_on_a_phone_and_opens_without_javascript(browser, base_url, javascript):
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=javascript)
    page = context.new_page()
    _open(page, f"{base_url}/index.html")
    button, links = page.locator(".site-nav summary"), page.locator(".site-nav a")
    expect(button).to_be_visible()
    assert links.count() >= 10 and not links.first.is_visible()
    assert page.locator(".site-nav").bounding_box()["height"] < 60, "the closed menu is one line"
    button.click()
    expect(links.last).to_be_visible()
    page.keyboard.press("Enter")  # the button keeps the focus: Enter closes it again
    expect(links.first).to_be_hidden()
    context.close()


@pytest.mark.parametrize("path", ["index.html", "actions/index.html", "actions/prevent.html", "facts/index.html",
                                  "reviews/index.html", "reports/soc-strategy-refresh.html"])
def test_a_phone_has_no_wcag_22_aa_violations_with_the_menu_open_and_tables_stacked(tabs, base_url, path):
    page = tabs(375)
    _open(page, f"{base_url}/{path}")
    page.locator(".site-nav summary").click()
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert result.violations_count == 0, result.generate_report()


def test_the_menu_shows_every_link_on_a_wide_screen(tabs, base_url):
    page = tabs(1280)
    _open(page, f"{base_url}/index.html")
    expect(page.locator(".site-nav summary")).to_be_hidden()
    for link in page.locator(".site-nav a").all():
        expect(link).to_be_visible()


def test_action_tables_become_labelled_rows_on_a_phone(tabs, base_url):
    page = tabs(375)
    _open(page, f"{base_url}/actions/prevent.html")
    status = page.locator("table.actions tbody tr").first.locator('td[data-label="Status"]')
    assert page.evaluate("el => getComputedStyle(el, '::before').content", status.element_handle()) == '"Status"'
    box = status.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375, "the Status column is on the screen"
    wrap = page.locator(".table-wrap--stacks").first
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), "a stacked table does not scroll"


def test_a_wide_markdown_table_says_it_scrolls_and_says_nothing_when_it_fits(tabs, base_url):
    phone, desktop = tabs(375), tabs(1280)
    for page in (phone, desktop):
        _open(page, f"{base_url}/reports/soc-strategy-refresh.html")
    # On a phone the three columns of the Resources table are a little too wide: it says so.
    wrap = phone.locator('.table-wrap[aria-label="4. Resources"]')
    hint = phone.locator(".table-hint")
    expect(hint).to_have_count(1)
    expect(hint).to_be_visible()
    assert "scroll" in hint.inner_text() and wrap.get_attribute("aria-describedby") == hint.get_attribute("id")
    # On a desktop it fits, and says nothing, until it grows wider than its box.
    wrap, hint = desktop.locator('.table-wrap[aria-label="4. Resources"]'), desktop.locator(".table-hint")
    expect(hint).to_have_count(0)
    widen = "(el, width) => { el.querySelector('table').style.minWidth = width; dispatchEvent(new Event('resize')); }"
    wrap.evaluate(widen, "100rem")
    expect(hint).to_be_visible()
    assert wrap.get_attribute("aria-describedby") == hint.get_attribute("id")
    wrap.evaluate(widen, "0")
    expect(hint).to_have_count(0)
    assert wrap.get_attribute("aria-describedby") is None


# Search, regions and charts ---------------------------------------------------------

def test_search_opened_from_disk_says_it_needs_http_and_gives_the_command(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto((site / "threats/index.html").as_uri())
    note = page.locator("#site-search .search-offline")
    expect(note).to_be_visible()
    text = " ".join(note.inner_text().split())
    assert "served over http" in text and "python -m http.server" in text and "briefing serve" in text
    assert page.locator(".pagefind-ui__search-input").count() == 0, "no search box that can never answer"
    assert page.evaluate(GEOMETRY, {"smallest": SMALLEST_TEXT_PX, "print": False}) == []
    context.close()


def test_table_regions_are_named_by_their_caption_or_the_heading_before_them(site):
    named = 0
    for file in html_pages(site):
        tree = parse_html(file)
        main = tree.find("main")
        heading = ""
        for node in main.iter():
            if node.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                heading = node.text()
            elif "table-wrap" in node.classes:
                captions = node.find_all("caption")
                label = node.attrs.get("aria-label", "")
                assert node.attrs.get("role") == "region" and label, file
                assert label in ((captions[0].text(), heading) if captions else (heading,)) \
                    or re.fullmatch(re.escape(heading) + r" \(table \d+\)", label), (file, label, heading)
                named += 1
    assert named > 10


@pytest.fixture(scope="module")
def pdfs(site_build):
    return site_build("partnership", pdf=True)


@pytest.mark.pdf
@pytest.mark.parametrize("pdf, labels", [
    ("reports/soc-strategy-refresh.pdf", "facts"),
    ("spotlights/wrap-regulatory-services.pdf", ["Open", "In progress", "Done", "Blocked", "Overdue"]),
])
def test_chart_labels_in_the_pdfs_are_whole_and_at_least_12_px(pdfs, pdf, labels):
    if labels == "facts":
        facts = (SITES / "partnership/facts.yaml").read_text(encoding="utf-8")
        labels = [" ".join(m.split()) for m in re.findall(r"label: (.*)", facts)
                  if "legitimate businesses" in m or "West of Scotland" in m]
        assert len(labels) == 2
    text = pdf_text(pdfs / pdf)
    for label in labels:
        assert label in text, f"{label!r} is cut short or missing"
    assert "…" not in text
    words = {word for label in labels for word in label.split()}
    sizes = [size for page in PdfReader(pdfs / pdf).pages for run, _, size in _runs(page)
             if run.split() and set(run.split()) <= words]
    assert sizes and min(sizes) >= 9 - 0.01, f"chart text as small as {min(sizes):.1f} pt"
