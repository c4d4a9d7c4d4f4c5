"""Every page is marked from what it shows, over random projects (issue 29,
family B): every HTML page, every page of every PDF and every calendar event of
an internal build is marked at least as high as the highest marking of any item
or fact whose unique text appears on it.

A few derandomised examples in `make test`; many in `make test-deep`, PDFs in
about a third of them.
"""

from __future__ import annotations

import pytest
from conftest import build, html_pages, parse_html, pdf_pages
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import projects

pytestmark = [pytest.mark.property, pytest.mark.pdf]  # PDFs in a third of the examples
EXAMPLES = 100 if settings.get_current_profile_name() == "deep" else settings.default.max_examples
SENSITIVE = "OFFICIAL-SENSITIVE"


def _sensitive_markers(project) -> dict[str, str]:
    """marker -> what it is, for every sensitive thing an internal build shows."""
    hidden = {id(thing) for thing in project.excluded("internal")}
    return {thing.marker: f"{thing.kind} {thing.marker}" for thing in (*project.items, *project.facts)
            if id(thing) not in hidden and project.marking(thing) == SENSITIVE}


def _without_official_facts(project, text: str) -> str:
    """An OFFICIAL fact may carry the marker of the item that uses it (the strategies
    give it one): it is shown in its own right, so its texts are taken out first."""
    text = text.lower()
    for fact in project.facts:
        if project.marking(fact) != SENSITIVE:
            for words in sorted((fact.id, fact.label, fact.source), key=len, reverse=True):
                text = text.replace(words.lower(), "")
    return text


def _shown(project, markers: dict[str, str], text: str) -> list[str]:
    text = _without_official_facts(project, text)
    return [what for marker, what in markers.items() if marker.lower() in text]


@settings(max_examples=EXAMPLES)
@given(project=projects(), with_pdf=st.integers(0, 2).map(lambda n: n == 0))
def test_every_page_is_marked_at_least_as_high_as_what_it_shows(project, with_pdf, tmp_path_factory):
    root = tmp_path_factory.mktemp("markings")
    content = project.write(root / "content")
    out = root / "out"
    build(content, out, pdf=with_pdf)
    markers = _sensitive_markers(project)
    if not markers:
        return
    for page in html_pages(out):
        tree = parse_html(page.read_text(encoding="utf-8"))
        marking = " ".join(tree.find_all(cls="marking")[0].text().replace("Protective marking:", "").split())
        shown = _shown(project, markers, tree.find("main").text())
        assert marking == SENSITIVE or not shown, f"{page.relative_to(out)} is marked {marking} but shows {shown}"
    for pdf in sorted(out.rglob("*.pdf")):
        for number, text in enumerate(pdf_pages(pdf), start=1):
            shown = _shown(project, markers, text.replace(SENSITIVE, ""))
            assert SENSITIVE in text or not shown, f"{pdf.relative_to(out)} page {number} shows {shown}"
    calendar = (out / "meetings.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    for event in calendar.split("BEGIN:VEVENT")[1:]:
        shown = _shown(project, markers, event)
        assert f"X-BRIEFING-MARKING:{SENSITIVE}" in event or not shown, f"a calendar event shows {shown}"
