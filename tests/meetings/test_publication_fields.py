"""Publication fields beyond the agenda page (issue 23): urgent reasons in the
exports, the meeting skeleton's examples, and group action plans on paper whose
names no group id can take (issue 18)."""

from __future__ import annotations

import datetime as dt
import json
import re

import icalendar
import pytest
from test_publication import PROFILES, paper, project

from conftest import SITE_YAML, build, cli, errors_only, parse_html, pdf_text, problem_lines

pytestmark = pytest.mark.without_search

URGENT = "  - report: late-paper\n    added: 2015-08-31\n    urgent_reason: The contract must be let URGENTMARK.\n"


def exported_agenda(out) -> tuple[list[dict], str]:
    [meeting] = [item for item in json.loads((out / "content.json").read_text())["items"] if item["kind"] == "meeting"]
    [event] = icalendar.Calendar.from_ical((out / "meetings.ics").read_bytes()).walk("VEVENT")
    return meeting["items"], str(event["DESCRIPTION"])


@pytest.mark.parametrize("profile", PROFILES)
def test_an_urgent_reason_is_in_the_exports(make_project, tmp_path, profile):
    content = project(make_project, items=URGENT + "  - title: Other business\n    added: 2015-08-31\n"
                                                   "    urgent_reason: A flood closed the centre.\n",
                      **{"reports/late-paper.md": paper("Late paper")})
    build(content, tmp_path / "out", "--profile", profile)
    items, description = exported_agenda(tmp_path / "out")
    assert items[2] == {"number": 3, "report": "late-paper", "classification": "OFFICIAL",
                        "urgent_reason": "The contract must be let URGENTMARK."}
    assert items[3] == {"number": 4, "title": "Other business", "urgent_reason": "A flood closed the centre."}
    assert "urgent_reason" not in items[0]
    assert description.splitlines()[2:] == ["3. Late paper. Urgent item: The contract must be let URGENTMARK.",
                                            "4. Other business. Urgent item: A flood closed the centre."]


def test_the_urgent_reason_of_an_exempt_paper_stays_out_of_public_exports(make_project, tmp_path):
    content = project(make_project, items=URGENT, **{"reports/late-paper.md": paper("Late paper", exempt=1)})
    build(content, tmp_path / "public", "--profile", "public")
    items, description = exported_agenda(tmp_path / "public")
    assert "urgent_reason" not in items[2] and "URGENTMARK" not in description
    build(content, tmp_path / "internal", "--profile", "internal")
    items, description = exported_agenda(tmp_path / "internal")
    assert "URGENTMARK" in items[2]["urgent_reason"] and "URGENTMARK" in description


def test_publish_by_must_be_before_the_meeting(make_project):
    for day, line in (("2015-09-02", 5), ("2015-09-03", 5)):
        run = cli("check", "--content", project(make_project, meeting_extra=f"publish_by: {day}\n",
                                                items="  - title: Business\n    added: 2015-09-01\n"),
                  "--today", "2016-01-15")
        assert errors_only(run.err) == [
            f"meetings/2015-09-02-board.yaml:{line}: 'publish_by' is {day}, but the meeting is on 2015-09-02: papers "
            "must be published before it, so give an earlier date, or leave it out for three clear days before the "
            "meeting"]
        assert not [line for line in problem_lines(run.err) if "late item" in line]


def test_a_supplementary_pack_cannot_go_out_before_the_pack(make_project):
    extra = "issued: 2015-08-27\nsupplementary:\n  - issued: 2015-08-20\n    items: [2]\n"
    run = cli("check", "--content", project(make_project, meeting_extra=extra), "--today", "2016-01-15")
    assert errors_only(run.err) == [
        "meetings/2015-09-02-board.yaml:7: supplementary pack 1 is issued on 2015-08-20, before the agenda pack it "
        "adds to (2015-08-27): correct one of the dates"]


# The publication examples of the skeleton: the lines a clerk uncomments.
_EXAMPLE = re.compile(r"^(\s*)# (\s*(?:- )?(?!report:)[a-z_]+:.*)$")


@pytest.mark.pdf
def test_the_meeting_skeleton_shows_the_publication_fields(copy_site, tmp_path):
    content = copy_site()
    assert cli("new", "meeting", "Autumn board", "--content", content).code == 0
    path = content / "meetings/autumn-board.yaml"
    text = path.read_text()
    today = dt.date.fromisoformat(re.search(r"^date: (\S+)", text, re.MULTILINE).group(1))
    before, later = (str(today - dt.timedelta(days=days)) for days in (7, 2))
    for field in ("publish_by:", "issued:", "supplementary:", "reissued:", "added:", "urgent_reason:"):
        assert f"# {field}" in text or f"#   {field}" in text, field
    run = cli("check", "--content", content, "--today", str(today))
    assert run.code == 0 and "autumn-board" not in run.err, run.err
    uncommented = "\n".join(_EXAMPLE.sub(r"\1\2", line) for line in text.splitlines()).replace("draft: true",
                                                                                             "draft: false")
    assert uncommented.count("\n") == text.count("\n") - 1
    for field in (f"publish_by: {before}", f"issued: {before}", "reissued:", f"added: {later}",
                  "urgent_reason:", "    items: [4]"):
        assert re.search(rf"^\s*(- )?{re.escape(field)}", uncommented, re.MULTILINE), field
    path.write_text(uncommented)
    run = cli("check", "--content", content, "--today", str(today))
    assert run.code == 0 and "autumn-board" not in run.err, run.err
    out = tmp_path / "out"
    build(content, out, pdf=True, today=str(today))
    page = (out / "meetings/autumn-board.html").read_text()
    assert "Urgent item: The grant closes before the next meeting." in page
    assert (out / "meetings/autumn-board-supplementary-1.pdf").exists()


@pytest.mark.pdf
def test_no_group_id_takes_an_action_plan_pdf_name(make_project, tmp_path):
    site = SITE_YAML.replace("groups:\n", "groups:\n  action-plan: {name: Action Plan Group, remit: Plans}\n"
                                          "  boards: {name: Boards Group, remit: Boards}\n")
    actions = "\n  - {action: Plan GROUPACTION, owner: action-plan, due: 2015-12-01}"
    content = project(make_project, site=site, **{"reports/first-paper.md": paper("First paper", actions=actions)})
    out = tmp_path / "out"
    build(content, out, pdf=True)
    assert "Action plan Action Plan Group" not in " ".join(pdf_text(out / "actions/action-plan.pdf").split()[:8])
    assert "Plan GROUPACTION" in pdf_text(out / "actions/groups/action-plan.pdf")
    assert "Boards Group" in pdf_text(out / "actions/groups/boards.pdf")
    assert (out / "actions/boards/main-board.pdf").exists()
    group = parse_html(out / "actions/action-plan.html")
    assert [href for _, href in group.find("ul", "downloads").urls()] == ["groups/action-plan.pdf"]


def test_no_group_id_takes_the_action_plans_own_page(make_project, tmp_path):
    site = SITE_YAML.replace("groups:\n", "groups:\n  index: {name: Index Group, remit: Lists}\n")
    content = project(make_project, site=site)
    result = cli("check", "--content", str(content))
    assert result.code == 1
    assert any(line.startswith("site.yaml:") and "the group id 'index' is the address of the whole action plan"
               in line for line in result.err.splitlines()), result.err
