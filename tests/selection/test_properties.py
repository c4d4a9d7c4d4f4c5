"""Property tests on random projects from tests/strategies.py: what they
generate is valid, and a build of it holds what it should. A few derandomised
examples in `make test`; many in `make test-deep` (--hypothesis-profile=deep)."""

from __future__ import annotations

import pytest
import yaml
from conftest import build, cli, errors_only
from hypothesis import given
from hypothesis import strategies as st
from strategies import FOLDERS, edits, projects

pytestmark = pytest.mark.property


# Fields whose values name something (an id, a date, a choice) rather than say something.
NAMING_FIELDS = {"classification", "draft", "owner", "trend", "objectives", "facts", "threats", "appendices", "to",
                 "on", "date", "board", "due", "status", "report", "time", "exempt", "id", "value", "year",
                 "outcome"}


def _texts(value, name: str = ""):
    """Every text in a YAML value, but for the fields that only name something."""
    if name in NAMING_FIELDS:
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _texts(inner, key)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner, name)
    elif isinstance(value, str):
        yield value


@given(project=projects())
def test_every_text_of_an_item_carries_its_marker(project):
    markers = [item.marker for item in project.items]
    assert len(set(markers)) == len(markers)
    for item in project.items:
        text = project.files[item.path]
        # Minutes are named after their meeting.
        assert (project.item(item.minutes_of).marker if item.minutes_of else item.marker) in item.path
        if item.kind in ("meeting", "minutes"):
            fields, body = yaml.safe_load(text), ""
        else:
            _, front, body = text.split("---\n", 2)
            fields = yaml.safe_load(front)
        agenda = fields.pop("items", [])
        for words in _texts(fields):
            assert item.marker in words, (item.path, words)
        for line in body.splitlines():
            assert not line or line.startswith("::: chart") or item.marker in line, (item.path, line)
        for entry in agenda:  # a paper's note on an agenda is the paper's text
            if "minutes" in entry:  # its one text is the id of the meeting whose minutes it puts for approval
                continue
            papers = [i.marker for i in project.items if i.kind == "report" and i.id == entry.get("report")]
            owner = papers[0] if papers else item.marker
            assert all(owner in words for words in _texts(entry)), entry
    for asset in project.assets:
        assert asset.marker in asset.name and asset.marker.encode() in asset.data
    for fact in project.facts:
        assert all(fact.marker in words for words in (fact.id, fact.label, fact.source))


@given(project=projects())
def test_every_generated_project_checks_without_errors(project, tmp_path_factory):
    content = project.write(tmp_path_factory.mktemp("project") / "content")
    for profile in ("internal", "public"):
        code, _, err = cli("check", "--content", content, "--profile", profile)
        assert code == 0 and errors_only(err) == [], err


@given(project=projects(), data=st.data())
def test_edited_projects_still_check_without_errors(project, data, tmp_path_factory):
    content = tmp_path_factory.mktemp("project") / "content"
    for _ in range(3):
        edit = data.draw(edits(project), label="edit")
        project = edit.project
        project.write(content)
        assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()) == \
            sorted(project.files), "the folder holds exactly the project's files"
        code, _, err = cli("check", "--content", content)
        assert code == 0 and errors_only(err) == [], f"after {edit}:\n{err}"


@given(project=projects())
def test_an_internal_build_has_a_page_for_every_item_but_the_drafts(project, tmp_path_factory):
    root = tmp_path_factory.mktemp("project")
    output = root / "output"
    build(project.write(root / "content"), output)
    for item in project.items:
        assert (output / f"{item.key}.html").is_file() != item.draft, (item.kind, item.id, item.draft)
    assert {item.marker for item in project.published("internal")} == \
        {item.marker for item in project.items if not item.draft}
    assert set(FOLDERS.values()) >= {path.parent.name for path in output.glob("*/*.html")} - {
        "actions", "objectives", "facts", "reviews", "static", "decisions", "declarations"}
