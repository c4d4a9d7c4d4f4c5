"""Every PDF, and every part of a pack, is marked from what it shows (issue 29,
family B): the recorder of what a page shows marks PDFs as it marks pages."""

from __future__ import annotations

import pytest
from conftest import build, pdf_pages

pytestmark = [pytest.mark.pdf, pytest.mark.without_search]

SENSITIVE_FACT = """- id: first-fact
  value: "42%"
  label: of something measured
  source: A published source
  year: 2015
- id: informant-count
  value: "17"
  label: informants tasked
  source: Police Scotland
  year: 2015
  classification: OFFICIAL-SENSITIVE
"""
SENSITIVE_MEETING = """board: main-board
date: 2015-06-01
classification: OFFICIAL-SENSITIVE
title: Operation NIGHTJAR tasking meeting
items:
  - title: Apologies
"""
SENSITIVE_MINUTES = """status: unconfirmed
attendance:
  present:
    - {name: Councillor PRESENTONE, role: Chair}
decisions:
  1:
    outcome: noted
    text: Apologies were noted.
"""


def _sensitive_pages(path) -> list[bool]:
    return ["OFFICIAL-SENSITIVE" in text for text in pdf_pages(path)]


def test_a_sensitive_fact_charted_in_an_official_paper_marks_its_pdf_and_its_part_of_the_pack(copy_site, tmp_path):
    content = copy_site("minimal", {"facts.yaml": SENSITIVE_FACT})
    report = content / "reports/alpha-report.md"
    report.write_text(report.read_text().replace("The report in brief.",
                                                 "The report in brief.\n\n::: chart facts informant-count\n"))
    build(content, tmp_path / "out", pdf=True)
    assert all(_sensitive_pages(tmp_path / "out/reports/alpha-report.pdf"))
    pack = pdf_pages(tmp_path / "out/meetings/2015-09-02-board.pdf")
    bound = [number for number, text in enumerate(pack) if "Alpha report" in text and "Subject" in text]
    assert bound and all("OFFICIAL-SENSITIVE" in pack[number] for number in bound)


def test_an_official_paper_and_pack_stay_official_where_nothing_sensitive_is_shown(site_build):
    out = site_build("minimal", pdf=True)
    assert not any(_sensitive_pages(out / "reports/alpha-report.pdf"))
    assert not any(_sensitive_pages(out / "meetings/2015-09-02-board.pdf"))


def test_a_sensitive_threat_listed_in_an_official_spotlight_marks_its_notes(copy_site, tmp_path):
    content = copy_site("minimal")
    threat = content / "threats/alpha-threat.md"
    threat.write_text(threat.read_text().replace("---\n", "---\nclassification: OFFICIAL-SENSITIVE\n", 1))
    build(content, tmp_path / "out", pdf=True)
    assert all(_sensitive_pages(tmp_path / "out/spotlights/alpha-spotlight.pdf"))


def test_the_minutes_of_a_sensitive_meeting_and_the_pack_that_puts_them_for_approval_are_marked(copy_site, tmp_path):
    content = copy_site("minimal", {"meetings/2015-06-01-board.yaml": SENSITIVE_MEETING,
                                    "minutes/2015-06-01-board.yaml": SENSITIVE_MINUTES})
    meeting = content / "meetings/2015-09-02-board.yaml"
    meeting.write_text(meeting.read_text() + "  - minutes: 2015-06-01-board\n")
    build(content, tmp_path / "out", pdf=True)
    assert all(_sensitive_pages(tmp_path / "out/meetings/2015-06-01-board-minutes.pdf"))
    pack = pdf_pages(tmp_path / "out/meetings/2015-09-02-board.pdf")
    assert "NIGHTJAR" in pack[0] and "OFFICIAL-SENSITIVE" in pack[0], "the cover names the sensitive meeting"
    bound = [text for text in pack if "Councillor PRESENTONE" in text]
    assert bound and all("OFFICIAL-SENSITIVE" in text for text in bound)
    alpha = [text for text in pack if "Alpha report" in text and "Subject" in text]
    assert alpha and not any("OFFICIAL-SENSITIVE" in text for text in alpha), "the official paper stays official"


def test_a_calendar_event_naming_a_sensitive_meeting_is_marked_so(copy_site, tmp_path):
    content = copy_site("minimal", {"meetings/2015-06-01-board.yaml": SENSITIVE_MEETING})
    meeting = content / "meetings/2015-09-02-board.yaml"
    meeting.write_text(meeting.read_text() + "  - minutes: 2015-06-01-board\n")
    build(content, tmp_path / "out")
    calendar = (tmp_path / "out/meetings.ics").read_text().replace("\r\n ", "")
    events = calendar.split("BEGIN:VEVENT")[1:]
    naming = [event for event in events if "NIGHTJAR" in event]
    assert len(naming) == 2, "the sensitive meeting's own event, and the one that approves its minutes"
    assert all("X-BRIEFING-MARKING:OFFICIAL-SENSITIVE" in event for event in naming)
