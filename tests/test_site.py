"""The awareness site: numbering, links and images, markings, the action plan, relative links everywhere."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent


def build(content: Path, output: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--output", str(output), "--today", "2016-01-15",
                 "--quiet", *extra])


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("site") / "output"
    assert build(REPO / "content", output) == 0
    return output


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "src"):
            if attrs.get(name):
                self.urls.append(attrs[name])


def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text())
    links.markings = [re.sub(r"<[^>]+>", "", m) for m in
                      re.findall(r'<div class="marking\b[^"]*"[^>]*>(.*?)</div>', page.read_text(), re.S)]
    return links


def test_every_link_is_relative_and_leads_to_a_file(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        for url in parse(page).urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto", "tel") or url.startswith("#") or url == "data:,":
                assert parts.scheme != "http" or "127.0.0.1" not in url
                continue
            assert not parts.scheme and not url.startswith("/"), (page, url)
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_relative_to(site.resolve()) and target.exists(), (page, url)


def test_every_page_shows_its_marking_top_and_bottom(site):
    for page in site.rglob("*.html"):
        if page.parts[-2] == "pagefind":
            continue
        markings = [" ".join(m.split()) for m in parse(page).markings]
        assert len(markings) == 2 and markings[0] == markings[1], page
        assert markings[0].endswith(("OFFICIAL", "OFFICIAL-SENSITIVE"))
    assert parse(site / "case-studies/index.html").markings[0].endswith("OFFICIAL-SENSITIVE"), \
        "a page listing a sensitive item takes its marking"
    assert parse(site / "threats/cyber-crime.html").markings[0].endswith("Protective marking: OFFICIAL")


def test_paper_numbering_around_lists_and_tables(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "reports/numbering.md").write_text("""\
---
title: Numbering test
to: safer-stronger-resilient
on: 2015-09-02
---
An opening paragraph before any section.

## First

One.

- a list belongs to one

Two.

| a | b |
|---|---|
| 1 | 2 |

Three.

<div>raw html</div>

### A sub-heading

Four.

## Second

Five.
""")
    assert build(content, tmp_path / "out", "--no-pdf") == 0
    html = (tmp_path / "out/reports/numbering.html").read_text()
    numbers = re.findall(r'<span class="(section|paragraph)-number">([\d.]+)</span> (\w+)', html)
    assert numbers == [("section", "1.", "First"), ("paragraph", "1.1", "One"), ("paragraph", "1.2", "Two"),
                       ("paragraph", "1.3", "Three"), ("paragraph", "1.4", "Four"), ("section", "2.", "Second"),
                       ("paragraph", "2.1", "Five")]
    assert "<p>An opening paragraph" in html
    assert "<li>a list belongs to one</li>" in html and "<div>raw html</div>" in html


def test_links_and_images_resolve_to_site_urls(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "pages/links.md").write_text("""\
---
title: Links
---
[A threat](../threats/cyber-crime.md#what-staff-should-do), [a meeting](../meetings/2015-09-02-ssr.yaml),
[a file](../assets/wrap-session-plan.txt) and ![The logo](../assets/partnership-logo.svg).
[Elsewhere](https://www.scotland.police.uk/) and [mail](mailto:someone@example.org).
""")
    assert build(content, tmp_path / "out", "--no-pdf") == 0
    html = (tmp_path / "out/pages/links.html").read_text()
    assert 'href="../threats/cyber-crime.html#what-staff-should-do"' in html
    assert 'href="../meetings/2015-09-02-ssr.html"' in html
    assert 'href="../assets/wrap-session-plan.txt"' in html
    assert '<img alt="The logo" src="../assets/partnership-logo.svg">' in html
    assert 'href="https://www.scotland.police.uk/"' in html
    assert (tmp_path / "out/assets/partnership-logo.svg").exists()


def test_action_plan_flags_overdue_actions_against_today(site):
    plan = " ".join((site / "actions/prevent.html").read_text().split())
    rows = re.findall(r"<tr( class=\"actions__row--overdue\")?> <td>(.*?)</td>.*?</tr>", plan)
    assert rows
    overdue = {text for flag, text in rows if flag}
    on_time = {text for flag, text in rows if not flag}
    assert "Deliver WRAP to all remaining frontline trading standards, licensing and environmental health officers" \
        in on_time  # due 31 March 2016, after --today
    assert overdue, "some actions are overdue on 15 January 2016"
    csv = (site / "actions.csv").read_text(encoding="utf-8-sig")
    for line in csv.splitlines()[1:]:
        if line.endswith(",done,yes"):
            raise AssertionError("a done action is never overdue: " + line)


def test_home_page_reaches_every_section(site):
    urls = parse(site / "index.html").urls
    for target in ("threats/index.html", "case-studies/index.html", "spotlights/index.html", "reports/index.html",
                   "meetings/index.html", "actions/index.html", "objectives/index.html", "facts/index.html",
                   "reviews/index.html", "pages/about.html", "pages/report-a-concern.html"):
        assert target in urls, target


def test_headings_have_no_gaps(site):
    for page in site.rglob("*.html"):
        if page.parts[-2] == "pagefind":
            continue
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", page.read_text())]
        assert levels and levels[0] == 1 and levels.count(1) == 1, page
        for before, after in zip(levels, levels[1:]):
            assert after <= before + 1, (page, levels)
