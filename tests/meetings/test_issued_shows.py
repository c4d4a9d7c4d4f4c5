"""Frozen means frozen: an issued pack's record holds what each paper shows from
elsewhere (the facts its charts draw, the bytes of its images and files), and an
issued pack cannot be un-issued while issued.yaml records it. A record made before
that part existed is completed on the next build and checked from then on."""

from __future__ import annotations

import base64
import re

import pytest

from conftest import build, cli

pytestmark = pytest.mark.without_search

ISSUED_ON, TODAY = "2015-08-20", "2015-09-01"
# Two 1x1 PNGs of different pixels.
RED = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")
BLUE = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGNgYPgPAAEDAQAIicLsAAAAAElFTkSuQmCC")
MEETING = "meetings/2015-09-02-board.yaml"


@pytest.fixture
def issued(copy_site, tmp_path):
    """MIN with an issued pack whose paper charts a fact and shows an image, built once."""
    content = copy_site("minimal", {"assets/map.png": RED})
    paper = content / "reports/alpha-report.md"
    paper.write_text(paper.read_text() + "\n::: chart facts first-fact\n\n![Map](../assets/map.png)\n")
    meeting = content / MEETING
    meeting.write_text(meeting.read_text().replace("venue:", f"issued: {ISSUED_ON}\nvenue:"))
    build(content, tmp_path / "output", today=TODAY)
    assert "facts and files shown" in (content / "issued.yaml").read_text()
    return content


def _fails_at_the_paper(content, tmp_path, what: str):
    for run in (build(content, tmp_path / "output", today=TODAY, expect=1),
                cli("check", "--content", content, "--today", TODAY)):
        assert run.code == 1
        assert re.search(rf"{re.escape(MEETING)}:\d+: item 2 of the agenda pack issued on {ISSUED_ON} has changed "
                         rf"since: its {what} differs", run.err), run.err


def test_a_fact_the_paper_charts_cannot_change_silently(issued, tmp_path):
    facts = issued / "facts.yaml"
    facts.write_text(facts.read_text().replace('"42%"', '"97%"'))
    _fails_at_the_paper(issued, tmp_path, "facts and files shown")


def test_an_image_the_paper_shows_cannot_change_silently(issued, tmp_path):
    (issued / "assets/map.png").write_bytes(BLUE)
    _fails_at_the_paper(issued, tmp_path, "facts and files shown")


@pytest.mark.parametrize("change", [lambda text: text.replace(f"issued: {ISSUED_ON}\n", ""),
                                    lambda text: text.replace(f"issued: {ISSUED_ON}", "issued: 2015-12-01")],
                         ids=["issued taken away", "issued moved after today"])
def test_an_issued_pack_cannot_be_un_issued(issued, tmp_path, change):
    meeting = issued / MEETING
    meeting.write_text(change(meeting.read_text()))
    result = build(issued, tmp_path / "output", today=TODAY, expect=1)
    assert f"the agenda pack was issued on {ISSUED_ON}" in result.err
    assert f"put back 'issued: {ISSUED_ON}'" in result.err


def test_a_record_made_before_is_completed_once_and_checked_from_then_on(issued, tmp_path):
    record = issued / "issued.yaml"
    older = "".join(line for line in record.read_text().splitlines(keepends=True)
                    if "facts and files shown" not in line)
    record.write_text(older)
    build(issued, tmp_path / "output", today=TODAY)
    assert record.read_text().count("facts and files shown") == 1, "completed as the paper shows it now"
    completed = record.read_text()
    build(issued, tmp_path / "output", today=TODAY)
    assert record.read_text() == completed, "completed once"
    facts = issued / "facts.yaml"
    facts.write_text(facts.read_text().replace('"42%"', '"97%"'))
    _fails_at_the_paper(issued, tmp_path, "facts and files shown")
