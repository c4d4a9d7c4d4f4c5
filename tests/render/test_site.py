"""The HTML site: board-paper numbering, links and images made relative and
pointing at files that exist, markings at top and bottom, overdue actions,
sanitised bodies, template overrides, and the shape of every page."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import (REPO, SITES, TODAY, all_text, build, cli, html_pages, parse_html, run_process,
                      write_files)

# Numbering of board papers ------------------------------------------------

NUMBERING_PAPER = """\
---
title: Numbering paper
to: main-board
on: 2015-09-02
---
Opening words before any section.

## Purpose

First paragraph.

- a list item
- another list item

Paragraph after the list.

| Column | Value |
|---|---|
| a | 1 |

Paragraph after the table.

<div class="note">A raw HTML block.</div>

<p>A raw HTML paragraph.</p>

### A sub-heading

Paragraph after the sub-heading.

## Background

Second section, first paragraph.

1. a numbered list item

Second section, second paragraph.
"""


@pytest.fixture
def numbered(copy_site, tmp_path):
    content = copy_site(overlay={
        "reports/numbering.md": NUMBERING_PAPER,
        "pages/plain.md": "---\ntitle: Plain page\n---\n## A section\n\nNot a board paper.\n",
    })
    build(content, tmp_path / "output")
    return parse_html(tmp_path / "output/reports/numbering.html").find(cls="paper__body"), tmp_path / "output"


def test_sections_and_their_paragraphs_are_numbered(numbered):
    body, _ = numbered
    numbers = [(span.attrs["class"], span.text()) for span in body.find_all("span")
               if span.attrs.get("class") in ("section-number", "paragraph-number")]
    assert numbers == [
        ("section-number", "1."),
        ("paragraph-number", "1.1"),  # First paragraph.
        ("paragraph-number", "1.2"),  # after the list: the list belongs to 1.1
        ("paragraph-number", "1.3"),  # after the table
        ("paragraph-number", "1.4"),  # after the sub-heading
        ("section-number", "2."),
        ("paragraph-number", "2.1"),  # numbering restarts in each section
        ("paragraph-number", "2.2"),
    ]
    paragraphs = {p.text(): p for p in body.find_all("p")}
    assert "1.1 First paragraph." in paragraphs
    assert "1.2 Paragraph after the list." in paragraphs
    assert "1.3 Paragraph after the table." in paragraphs
    assert "1.4 Paragraph after the sub-heading." in paragraphs
    assert "2.2 Second section, second paragraph." in paragraphs
    headings = [h.text() for h in body.find_all("h2")]
    assert headings == ["1. Purpose", "2. Background"]


def test_the_exact_markup_of_the_numbers(numbered):
    _, output = numbered
    html = (output / "reports/numbering.html").read_text(encoding="utf-8")
    assert '<span class="section-number">1.</span> Purpose' in html
    assert '<span class="paragraph-number">1.1</span> First paragraph.' in html


def test_what_is_not_numbered(numbered):
    body, output = numbered
    paragraphs = [p.text() for p in body.find_all("p")]
    assert "Opening words before any section." in paragraphs, "no number before the first section"
    for element in body.find_all("li") + body.find_all("td") + body.find_all("th") + body.find_all("h3"):
        assert not element.find_all("span"), f"a {element.tag} is never numbered: {element.text()}"
    assert body.find(cls="note").text() == "A raw HTML block."
    assert "A raw HTML paragraph." in paragraphs, "a raw HTML block keeps no number"
    page = parse_html(output / "pages/plain.html")
    assert not page.find_all(cls="section-number") and not page.find_all(cls="paragraph-number"), \
        "only board papers are numbered"


def test_a_real_paper_is_numbered_section_by_section(site_build):
    body = parse_html(site_build() / "reports/soc-strategy-refresh.html").find(cls="paper__body")
    sections = [span.text() for span in body.find_all(cls="section-number")]
    assert sections == [f"{n}." for n in range(1, 8)]
    paragraphs = [span.text() for span in body.find_all(cls="paragraph-number")]
    assert paragraphs[:2] == ["1.1", "1.2"] and "2.1" in paragraphs
    assert not [li for li in body.find_all("li") if li.find_all(cls="paragraph-number")]


# Links and images ---------------------------------------------------------

def test_links_between_items_become_relative_links_to_their_pages(site_build):
    output = site_build("minimal")
    threat = parse_html(output / "threats/alpha-threat.html")
    link = next(a for a in threat.find_all("a") if a.text() == "a case study")
    assert link.attrs["href"] == "../case-studies/alpha-case.html"
    assert (output / "threats" / link.attrs["href"]).resolve() == (output / "case-studies/alpha-case.html").resolve()

    case = parse_html(output / "case-studies/alpha-case.html")
    link = next(a for a in case.find_all("a") if a.text() == "the threat")
    assert link.attrs["href"] == "../threats/alpha-threat.html#what-it-looks-like", "the #fragment is kept"
    assert any(n.attrs.get("id") == "what-it-looks-like" for n in threat.iter()), "the fragment exists"


def test_images_under_assets_are_copied_and_linked_relatively(site_build):
    output, content = site_build("minimal"), SITES / "minimal"
    about = parse_html(output / "pages/about.html")
    image = next(img for img in about.find_all("img") if img.attrs.get("alt") == "The logo")
    assert image.attrs["src"] == "../assets/logo.svg"
    assert (output / "assets/logo.svg").read_bytes() == (content / "assets/logo.svg").read_bytes()
    report = parse_html(output / "reports/alpha-report.html")
    assert "../assets/plan.txt" in [a.attrs.get("href") for a in report.find_all("a")], "an asset appendix"
    assert (output / "assets/plan.txt").read_bytes() == (content / "assets/plan.txt").read_bytes()


def test_links_from_deeper_and_shallower_pages(copy_site, tmp_path):
    content = copy_site(overlay={
        "assets/docs/guide.txt": "A guide.",
        "pages/guide.md": "---\ntitle: Guide\n---\n[The guide](../assets/docs/guide.txt) and "
                          "[the meeting](../meetings/2015-09-02-board.yaml) and [this page](guide.md#top).\n"
                          "[Elsewhere](https://www.scotland.police.uk/) and [mail](mailto:someone@example.org).\n",
    })
    output = tmp_path / "output"
    build(content, output)
    hrefs = {a.text(): a.attrs.get("href") for a in parse_html(output / "pages/guide.html").find_all("a")}
    assert hrefs["The guide"] == "../assets/docs/guide.txt"
    assert hrefs["the meeting"] == "../meetings/2015-09-02-board.html"
    assert hrefs["this page"] == "guide.html#top"
    assert hrefs["Elsewhere"] == "https://www.scotland.police.uk/" and hrefs["mail"] == "mailto:someone@example.org"
    assert (output / "assets/docs/guide.txt").exists()
    home = [href for _, href in parse_html(output / "index.html").urls()]
    assert "threats/index.html" in home and "pages/guide.html" in home


def test_footnotes_are_accepted_and_rendered(copy_site, tmp_path):
    # The footnotes extension is switched on, so a footnote definition is not a link.
    content = copy_site(overlay={
        "pages/noted.md": "---\ntitle: Noted\n---\nA claim.[^source]\n\n[^source]: The Scottish Government, 2015.\n",
    })
    code, _, err = cli("check", "--content", content)
    assert code == 0, err
    build(content, tmp_path / "output")
    footnotes = parse_html(tmp_path / "output/pages/noted.html").find(cls="footnote")
    assert "The Scottish Government, 2015." in footnotes.text()


NESTED_LIST = """\
---
title: Nested
---
- A top-level item
    - A nested item with [a broken link](../threats/no-such-threat.md)
    - A nested item with ![a diagram](../assets/nested-diagram.svg)
"""


def test_links_in_nested_list_items_are_checked(copy_site):
    # Python-Markdown nests a list by indenting it four spaces: that is list content, not code.
    content = copy_site(overlay={"pages/nested.md": NESTED_LIST, "assets/nested-diagram.svg": "<svg/>"})
    code, _, err = cli("check", "--content", content)
    assert code == 1, "a broken link in a nested list item must be reported"
    assert "pages/nested.md:5: the link points to threats/no-such-threat.md, which does not exist" in err


def test_images_in_nested_list_items_are_copied(copy_site, tmp_path):
    content = copy_site(overlay={
        "pages/nested.md": NESTED_LIST.replace("[a broken link](../threats/no-such-threat.md)",
                                               "[a link](../threats/alpha-threat.md)"),
        "assets/nested-diagram.svg": "<svg/>",
    })
    output = tmp_path / "output"
    build(content, output)
    page = parse_html(output / "pages/nested.html")
    image = next(img for img in page.find_all("img") if img.attrs.get("alt") == "a diagram")
    assert image.attrs["src"] == "../assets/nested-diagram.svg"
    assert (output / "assets/nested-diagram.svg").is_file(), "the image the page shows must be in the output"


def test_a_link_whose_text_wraps_onto_the_next_line_is_checked(copy_site):
    content = copy_site(overlay={
        "pages/wrapped.md": "---\ntitle: Wrapped\n---\nSee [a threat that is\nnot there](../threats/gone.md) here.\n",
    })
    code, _, err = cli("check", "--content", content)
    assert code == 1, "a broken link must be reported wherever the author wrapped its text"
    assert re.search(r"^pages/wrapped\.md:[45]: the link points to threats/gone\.md", err, re.MULTILINE), err


def test_links_shown_as_code_are_not_checked(copy_site):
    # Examples of link syntax in a note about writing notes must not fail the check.
    content = copy_site(overlay={"pages/howto.md": (
        "---\ntitle: How to link\n---\n"
        "Write `[text](../threats/example.md)` to link.\n\n"
        "    [an indented example](../threats/indented.md)\n\n"
        "- In a list:\n\n"
        "        [code in a list item](../threats/in-list.md)\n\n"
        "```\n[a fenced example](../threats/fenced.md)\n```\n"
        "[^note]: A footnote, not a link reference.\n"
    )})
    code, _, err = cli("check", "--content", content)
    assert code == 0, err


def _authors_external_links(content: Path) -> set[str]:
    """Every web address written in a project's files."""
    found = set()
    for file in content.rglob("*"):
        if file.suffix in (".md", ".yaml"):
            found |= set(re.findall(r"(?:https?|mailto|tel):[^\s)\"'>]+", file.read_text(encoding="utf-8")))
    return found


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_every_link_is_relative_and_leads_to_a_file(site_build, profile):
    output = site_build("partnership", profile).resolve()
    allowed_external = _authors_external_links(SITES / "partnership")
    pages = html_pages(output)
    assert len(pages) > 20
    checked = 0
    for page in pages:
        for attribute, url in parse_html(page).urls():
            parts = urlsplit(url)
            assert not url.startswith("/"), (page, url)
            assert parts.scheme != "file", (page, url)
            if url == "data:,":  # the empty icon, so that browsers ask for no favicon
                continue
            if parts.scheme in ("http", "https"):
                assert url in allowed_external, f"{page}: {url} was not written by an author"
                continue
            if parts.scheme in ("mailto", "tel"):
                continue
            assert not parts.scheme, (page, url)
            if not parts.path:  # a link within the page
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(output) and target.is_file(), f"{page}: {attribute}={url} is broken"
            if parts.fragment and target.suffix == ".html":
                ids = {n.attrs.get("id") for n in parse_html(target).iter()}
                assert parts.fragment in ids, f"{page}: {url} names a missing #fragment"
            checked += 1
    assert checked > 200


def test_the_home_page_reaches_every_section(site_build):
    urls = [url for _, url in parse_html(site_build() / "index.html").urls()]
    for target in ("threats/index.html", "case-studies/index.html", "spotlights/index.html", "reports/index.html",
                   "meetings/index.html", "actions/index.html", "objectives/index.html", "facts/index.html",
                   "reviews/index.html", "pages/about.html", "pages/report-a-concern.html"):
        assert target in urls, target


def test_headings_have_no_gaps(site_build):
    for page in html_pages(site_build()):
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", page.read_text(encoding="utf-8"))]
        assert levels and levels[0] == 1 and levels.count(1) == 1, page
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (page, levels)


# Markings -----------------------------------------------------------------

def _markings(output: Path) -> dict[str, str]:
    """{page: its marking}, once it is checked that each page shows one marking
    before its content and the same one after it."""
    markings = {}
    for page in html_pages(output):
        html = page.read_text(encoding="utf-8")
        found = parse_html(html).find_all(cls="marking")
        assert len(found) == 2, page
        top, bottom = (" ".join(m.text().replace("Protective marking:", "").split()) for m in found)
        assert top == bottom, page
        assert html.index('class="marking') < html.index("<main") < html.index("</main>") < \
            html.rindex('class="marking'), f"{page}: one marking before the content, one after"
        markings[page.relative_to(output).as_posix()] = top
    return markings


def test_every_page_shows_its_marking_at_top_and_bottom(copy_site, tmp_path):
    content = copy_site(overlay={
        "case-studies/sensitive-case.md": "---\ntitle: Sensitive case\nclassification: OFFICIAL-SENSITIVE\n"
                                          "date: 2015-04-01\nthreats: [alpha-threat]\n---\nText.\n",
    })
    build(content, tmp_path / "output")
    markings = _markings(tmp_path / "output")
    assert markings["case-studies/sensitive-case.html"] == "OFFICIAL-SENSITIVE"
    assert markings["case-studies/index.html"] == "OFFICIAL-SENSITIVE", "a list showing a sensitive item"
    assert markings["threats/alpha-threat.html"] == "OFFICIAL-SENSITIVE", "a page listing it as related"
    assert markings["case-studies/alpha-case.html"] == "OFFICIAL"
    assert markings["pages/about.html"] == "OFFICIAL"
    assert set(markings.values()) == {"OFFICIAL", "OFFICIAL-SENSITIVE"}


def test_the_markings_of_a_real_site(site_build):
    markings = _markings(site_build())
    assert markings["case-studies/index.html"] == "OFFICIAL-SENSITIVE", "it lists a sensitive case study"
    assert markings["reports/licensing-intelligence.html"] == "OFFICIAL-SENSITIVE"
    assert markings["threats/cyber-crime.html"] == "OFFICIAL"
    assert set(_markings(site_build("partnership", "public")).values()) == {"OFFICIAL"}


# Overdue actions ----------------------------------------------------------

ACTIONS_SPOTLIGHT = """\
---
title: Alpha spotlight
date: 2015-06-10
board: main-board
actions:
  - {action: Open and late, owner: prevent, due: 2015-12-31, status: open}
  - {action: Done and past due, owner: prevent, due: 2015-06-01, status: done}
  - {action: Open and not yet due, owner: prevent, due: 2016-06-30, status: open}
  - {action: Blocked and late, owner: integrity, due: 2015-11-01, status: blocked}
  - {action: Due today, owner: integrity, due: 2016-01-15, status: in-progress}
---
Notes.
"""


def _overdue_rows(page: Path) -> dict[str, bool]:
    rows = {}
    for row in parse_html(page).find_all("tr"):
        cells = row.find_all("td")
        if cells:
            rows[cells[0].text()] = "actions__row--overdue" in row.classes
    return rows


def test_open_actions_past_their_due_date_are_flagged_overdue(copy_site, tmp_path):
    content = copy_site(overlay={"spotlights/alpha-spotlight.md": ACTIONS_SPOTLIGHT})
    output = tmp_path / "output"
    build(content, output)
    assert TODAY == "2016-01-15"
    rows = _overdue_rows(output / "actions/index.html")
    assert rows == {
        "Open and late": True,
        "Done and past due": False,
        "Open and not yet due": False,
        "Blocked and late": True,
        "Due today": False,
        "Agree the plan": False,  # from the paper, due 2016-03-31
    }
    assert _overdue_rows(output / "actions/prevent.html")["Open and late"] is True
    counts = [n.text() for n in parse_html(output / "index.html").find_all(cls="action-counts__number")]
    assert counts == ["5", "2"], "5 open (not done) actions, 2 overdue"


def test_today_fixes_the_date_actions_are_overdue_against(copy_site, tmp_path):
    content = copy_site(overlay={"spotlights/alpha-spotlight.md": ACTIONS_SPOTLIGHT})
    build(content, tmp_path / "early", today="2015-01-01")
    assert not any(_overdue_rows(tmp_path / "early/actions/index.html").values())
    build(content, tmp_path / "late", today="2017-01-01")
    rows = _overdue_rows(tmp_path / "late/actions/index.html")
    assert rows["Done and past due"] is False
    assert [name for name, flagged in rows.items() if not flagged] == ["Done and past due"]


def test_a_groups_action_plan_flags_its_overdue_actions(site_build):
    rows = _overdue_rows(site_build() / "actions/prevent.html")
    # Due 31 March 2016, after --today.
    assert rows["Deliver WRAP to all remaining frontline trading standards, licensing and environmental health "
                "officers"] is False
    assert any(rows.values()), "some of the Prevent Group's actions are overdue on 15 January 2016"


# Sanitising ---------------------------------------------------------------

HOSTILE_PAGE = """\
---
title: Pasted page
---
Kept: **bold words** and [a real link](https://www.example.org/).

<script>alert('HOSTILE-SCRIPT')</script>

<p onclick="alert('HOSTILE-ONCLICK')">Click text</p>

<a href="javascript:alert('HOSTILE-RAWJS')">raw js link</a>

[markdown js link](javascript:alert%28document.cookie%29)

<a href="data:text/html,HOSTILE-DATALINK">data link</a>

<iframe src="https://www.example.org/HOSTILE-IFRAME"></iframe>

<form action="https://www.example.org/HOSTILE-FORM"><input name="HOSTILE-INPUT"></form>

<style>body { background: url(HOSTILE-STYLE) }</style>

<object data="https://www.example.org/HOSTILE-OBJECT"></object>

<img src="../assets/logo.svg" alt="logo" onerror="alert('HOSTILE-ONERROR')">

<div style="background: url(HOSTILE-STYLEATTR)">Styled text</div>

Plain words at the end.
"""


def test_raw_html_that_could_run_or_fetch_anything_is_removed(copy_site, tmp_path):
    content = copy_site(overlay={"pages/pasted.md": HOSTILE_PAGE})
    output = tmp_path / "output"
    build(content, output)
    html = (output / "pages/pasted.html").read_text(encoding="utf-8")
    main = html[html.index("<main"):html.index("</main>")]
    for kept in ("<strong>bold words</strong>", 'href="https://www.example.org/"', "Click text", "raw js link",
                 "markdown js link", "data link", "Styled text", "Plain words at the end.",
                 'src="../assets/logo.svg"'):
        assert kept in main, kept
    for removed in ("<script", "onclick", "onerror", "javascript:", "data:", "<iframe", "<form", "<input",
                    "<style", "style=", "<object"):
        assert removed not in main.lower(), removed
    assert "HOSTILE-" not in all_text(output), "nothing of the hostile markup reaches any file"


# Templates ----------------------------------------------------------------

def test_a_project_template_and_stylesheet_replace_the_built_in_ones(copy_site, tmp_path):
    content = copy_site()
    base = (REPO / "templates/base.html").read_text(encoding="utf-8")
    assert "</footer>" in base
    write_files(tmp_path / "templates", {
        "base.html": base.replace("</footer>", '<p class="local">LOCAL-FOOTER-MARK</p></footer>'),
        "static/style.css": "/* LOCAL-STYLE-MARK */\n",
    })
    output = tmp_path / "output"
    build(content, output)
    for page in ("index.html", "threats/alpha-threat.html", "reports/alpha-report.html"):
        assert "LOCAL-FOOTER-MARK" in (output / page).read_text(encoding="utf-8"), page
    assert (output / "static/style.css").read_text(encoding="utf-8") == "/* LOCAL-STYLE-MARK */\n"
    assert (output / "static/tokens.css").exists(), "files not overridden still come from the package"
    elsewhere = Path(shutil.copytree(content, tmp_path / "elsewhere/content"))  # no templates/ beside it
    build(elsewhere, tmp_path / "plain")
    assert "LOCAL-FOOTER-MARK" not in (tmp_path / "plain/index.html").read_text(encoding="utf-8")
    assert "LOCAL-STYLE-MARK" not in (tmp_path / "plain/static/style.css").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_template_syntax_error_is_reported_at_its_line(copy_site, tmp_path, command):
    content = copy_site()
    write_files(tmp_path / "templates", {
        "page.html": '{% extends "base.html" %}\n{% block main %}\n<h1>{{ page_title }</h1>\n{% endblock %}\n',
    })
    args = ["--output", tmp_path / "output", "--no-pdf"] if command == "build" else []
    result = run_process(command, "--content", content, *args, cwd=tmp_path)  # messages name paths from here
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert re.search(r"^templates/page\.html:3: ", result.err, re.MULTILINE), result.err
    assert not (tmp_path / "output").exists()
