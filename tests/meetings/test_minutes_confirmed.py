"""Confirmed minutes never change silently (issue 21), the checks on the agendas
that approve minutes, and urgent reasons in the minutes. The fixture is
tests/sites/minutes: the first meeting's minutes are confirmed at the second."""

from __future__ import annotations

import pytest
from conftest import build, cli, errors_only, parse_html, pdf_text

pytestmark = pytest.mark.without_search

TODAY = "2016-04-01"
FIRST = "minutes/2015-09-02-board.yaml"
CORRECTION = "corrections:\n  - meeting: {meeting}\n    text: Item 2 read CORRECTEDTEXT.\n"


def _edit(content, path, old, new):
    file = content / path
    assert old in file.read_text()
    file.write_text(file.read_text().replace(old, new))


def _line(content, path, text) -> int:
    return next(n for n, line in enumerate((content / path).read_text().splitlines(), start=1) if text in line)


def _flat(path) -> str:
    return " ".join(pdf_text(path).split())


@pytest.mark.pdf
def test_an_edit_to_confirmed_minutes_fails_at_its_line_until_recorded_as_a_correction(copy_site, tmp_path):
    content = copy_site("minutes")
    build(content, tmp_path / "out", today=TODAY)
    record = (content / "confirmed.yaml").read_text()
    assert f'"{FIRST}":' in record and 'meeting: "2015-12-02-board"' in record
    assert '"decision on item 2":' in record and '"attendance":' in record
    assert '"minutes/2015-12-02-board.yaml"' not in record  # unconfirmed: the third meeting's minutes are a draft
    page = (tmp_path / "out" / "minutes/2015-09-02-board.html").read_bytes()

    _edit(content, FIRST, "DECIDEDOPEN amendments", "DECIDEDOPEN changes")
    _edit(content, FIRST, "Inspector PRESENTTWO", "Inspector PRESENTTHREE")
    message = ("these minutes were confirmed at the meeting of 2 December 2015 (2015-12-02-board), but their {part} "
               "changed since: undo the change, or record it as a correction with the meeting that agreed it "
               "('corrections: [{{meeting: MEETING-ID, text: ...}}]')")
    expected = [f"{FIRST}:{_line(content, FIRST, 'attendance:')}: {message.format(part='attendance')}",
                f"{FIRST}:{_line(content, FIRST, '- member: Inspector')}: "
                f"{message.format(part='declarations on item 3')}",
                f"{FIRST}:{_line(content, FIRST, '  2:')}: {message.format(part='decision on item 2')}"]
    for run in (build(content, tmp_path / "out", today=TODAY, expect=1),
                cli("check", "--content", content, "--today", TODAY)):
        assert run.code == 1 and errors_only(run.err) == expected
    assert (content / "confirmed.yaml").read_text() == record
    assert (tmp_path / "out" / "minutes/2015-09-02-board.html").read_bytes() == page

    # A correction names the meeting that agreed it: not one before the confirming meeting.
    (content / FIRST).write_text((content / FIRST).read_text() + CORRECTION.format(meeting="2015-09-02-board"))
    run = build(content, tmp_path / "out", today=TODAY, expect=1)
    line = _line(content, FIRST, "- meeting: 2015-09-02-board")
    assert f"{FIRST}:{line}: the correction names the meeting 2015-09-02-board, before the one that confirmed " \
           "these minutes (2015-12-02-board): name the meeting, on or after that one, that agreed the correction" \
           in errors_only(run.err)

    _edit(content, FIRST, "- meeting: 2015-09-02-board", "- meeting: 2016-03-02-board")
    build(content, tmp_path / "out", today=TODAY, pdf=True)
    text = parse_html(tmp_path / "out" / "minutes/2015-09-02-board.html").find("main").text()
    assert "Corrected as agreed at the meeting of 2 March 2016: Item 2 read CORRECTEDTEXT." in text
    assert "DECIDEDOPEN changes" in text
    pdf = " ".join(pdf_text(tmp_path / "out" / "meetings/2015-09-02-board-minutes.pdf").split())
    assert "Corrected as agreed at the meeting of 2 March 2016: Item 2 read CORRECTEDTEXT." in pdf
    corrected = (content / "confirmed.yaml").read_text()
    assert corrected != record and "corrections:\n    - " in corrected

    # The correction is recorded: a further change needs another, and it cannot be taken back.
    _edit(content, FIRST, "DECIDEDOPEN changes", "DECIDEDOPEN more changes")
    assert "decision on item 2 changed since" in build(content, tmp_path / "out", today=TODAY, expect=1).err
    _edit(content, FIRST, "DECIDEDOPEN more changes", "DECIDEDOPEN changes")
    _edit(content, FIRST, CORRECTION.format(meeting="2016-03-02-board"), "")
    run = build(content, tmp_path / "out", today=TODAY, expect=1)
    assert errors_only(run.err) == [f"{FIRST}:1: a correction recorded with these confirmed minutes has been changed "
                                    "or taken out: put it back as it was"]
    assert (content / "confirmed.yaml").read_text() == corrected


def test_a_correction_to_unconfirmed_minutes_or_naming_no_meeting_is_refused(copy_site):
    second = "minutes/2015-12-02-board.yaml"
    content = copy_site("minutes")
    (content / second).write_text((content / second).read_text() + CORRECTION.format(meeting="2016-03-02-board"))
    run = cli("check", "--content", content, "--today", TODAY)
    assert run.code == 1
    assert f"{second}:{_line(content, second, '- meeting:')}: these minutes are not confirmed, so there is nothing " \
           "to correct: change the minutes themselves and take the correction out" in errors_only(run.err)
    (content / FIRST).write_text((content / FIRST).read_text() + CORRECTION.format(meeting="2016-03-03-board"))
    run = cli("check", "--content", content, "--today", TODAY)
    assert any(e.startswith(f"{FIRST}:{_line(content, FIRST, '- meeting:')}: 'meeting' names '2016-03-03-board', "
                            "but there is no meetings/2016-03-03-board.yaml") for e in errors_only(run.err)), run.err


SECOND_MEETING = "meetings/2015-12-02-board.yaml"


OTHER_BOARD = "board: other-board\ndate: 2015-08-05\nitems:\n  - title: Apologies\n"


@pytest.mark.parametrize("new, message", [
    ("minutes: 2016-03-02-board", "the minutes of 2016-03-02-board are approved here, but that meeting is not an "
                                  "earlier one; approve minutes at a later meeting"),
    ("minutes: 2015-08-05-other", "the minutes of 2015-08-05-other are put for approval here, but that is a "
                                  "meeting of another board (other-board); approve minutes at a later meeting of "
                                  "their own board"),
])
def test_minutes_put_for_approval_must_be_an_earlier_meeting_of_the_same_board(copy_site, new, message):
    content = copy_site("minutes", {"meetings/2015-08-05-other.yaml": OTHER_BOARD})
    _edit(content, "site.yaml", "boards:\n", "boards:\n  other-board: {name: Other Board}\n")
    _edit(content, SECOND_MEETING, "minutes: 2015-09-02-board", new)
    run = cli("check", "--content", content, "--today", TODAY)
    assert run.code == 1
    # The error points at the approving item's own line, not at the agenda as a whole.
    line = _line(content, SECOND_MEETING, new)
    assert line != _line(content, SECOND_MEETING, "items:")
    assert f"{SECOND_MEETING}:{line}: {message}" in errors_only(run.err), run.err


@pytest.mark.pdf
def test_an_urgent_reason_is_printed_beside_the_items_decision(copy_site, tmp_path):
    content = copy_site("minutes")
    _edit(content, SECOND_MEETING, "  - report: later-paper\n", "  - report: later-paper\n"
          "    added: 2015-11-30\n    urgent_reason: The grant closes on URGENTREASON.\n")
    build(content, tmp_path / "out", today=TODAY, pdf=True)
    expected = "3. Paper LATERPAPER title Urgent item: The grant closes on URGENTREASON. Decision: Noted."
    for page in ("minutes/2015-12-02-board.html", "meetings/2015-12-02-board.html"):
        assert expected in " ".join(parse_html(tmp_path / "out" / page).find("main").text().split()), page
    assert expected in _flat(tmp_path / "out/meetings/2015-12-02-board-minutes.pdf")


def test_an_edit_to_confirmed_minutes_is_an_error(copy_site, tmp_path):
    content = copy_site("minutes")
    build(content, tmp_path / "out", today=TODAY)  # the December minutes confirm the September ones
    minutes = content / "minutes/2015-09-02-board.yaml"
    minutes.write_text(minutes.read_text().replace("DECIDEDOPEN amendments", "quite different amendments"))
    run = build(content, tmp_path / "out", today=TODAY, expect=None)
    assert run.code == 1 and any("minutes/2015-09-02-board.yaml" in line for line in errors_only(run.err))


def test_minutes_recorded_as_confirmed_cannot_become_unconfirmed_by_editing_the_decision(copy_site, tmp_path):
    """Issue 29 finding 5: the decision that confirmed minutes is frozen with them."""
    content = copy_site("minutes")
    build(content, tmp_path / "out", today=TODAY)
    later = "minutes/2015-12-02-board.yaml"
    text = (content / later).read_text()
    decision = text.index("\n  2:\n")
    (content / later).write_text(text[:decision] + text[decision:].replace("outcome: agreed", "outcome: deferred", 1))
    line = _line(content, later, "  2:")
    for run in (build(content, tmp_path / "out", today=TODAY, expect=1),
                cli("check", "--content", content, "--today", TODAY)):
        assert f"{later}:{line}: the minutes {FIRST} were confirmed at the meeting 2015-12-02-board" in run.err, run.err


def test_a_correction_agreed_at_a_meeting_not_yet_held_is_refused(copy_site, tmp_path):
    content = copy_site("minutes")
    build(content, tmp_path / "out", today=TODAY)
    (content / FIRST).write_text((content / FIRST).read_text() + CORRECTION.format(meeting="2016-03-02-board"))
    run = build(content, tmp_path / "out", today="2016-01-15", expect=1)
    assert "the correction names the meeting 2016-03-02-board of 2 March 2016, which has not yet taken place" \
        in run.err, run.err
