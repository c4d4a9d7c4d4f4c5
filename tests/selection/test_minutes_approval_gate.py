"""The select gate: an agenda item that puts a meeting's minutes up for approval
is titled after that meeting, and a build that leaves the meeting out (sensitive
in a public build, or a draft) shows nothing of it: not its title, not its id,
in no page, pack, calendar, export or search index."""

from __future__ import annotations

import pytest

from conftest import build, everything_readable

SECRET = "Operation NIGHTJAR"
MINUTED = "2015-06-01-board"


def _project(copy_site, marking: str):
    content = copy_site("minimal", {f"meetings/{MINUTED}.yaml": (
        f"board: main-board\ndate: 2015-06-01\n{marking}\ntitle: {SECRET} tasking meeting\n"
        "items:\n  - title: Apologies\n")})
    approving = content / "meetings/2015-09-02-board.yaml"
    approving.write_text(approving.read_text() + f"  - minutes: {MINUTED}\n")
    return content


@pytest.mark.pdf
@pytest.mark.parametrize("marking", ["classification: OFFICIAL-SENSITIVE", "draft: true"])
def test_a_public_meeting_approving_the_minutes_of_a_left_out_meeting_names_nothing_of_it(
        copy_site, tmp_path, marking):
    output = tmp_path / "output"
    build(_project(copy_site, marking), output, "--profile", "public", pdf=True, today="2016-01-01")
    readable = everything_readable(output)
    assert "NIGHTJAR" not in readable
    assert MINUTED not in readable
    meeting = (output / "meetings/2015-09-02-board.html").read_text()
    assert "Minutes of a previous meeting" in meeting and "Item not published" in meeting


def test_the_internal_build_titles_the_approval_after_the_meeting(copy_site, tmp_path):
    output = tmp_path / "output"
    build(_project(copy_site, "classification: OFFICIAL-SENSITIVE"), output, today="2016-01-01")
    assert f"Minutes of the previous meeting: {SECRET} tasking meeting" in \
        (output / "meetings/2015-09-02-board.html").read_text()
