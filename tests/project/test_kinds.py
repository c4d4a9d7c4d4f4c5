"""The table of kinds: every kind of item declared once, its fields agreeing with
its model class, one item builder for a full load and a revision, and the
modules of `builder/` importing one another in one direction only."""

from __future__ import annotations

import dataclasses

import pytest

from builder.model import minutes, content
from builder.project.kinds import BY_FOLDER, BY_NAME, KINDS, kind_of
from builder.model.content import Item
from builder.model.project import Project
from builder.project.loading import load_project, revise_project

# What an item's file gives it besides its fields: set by the item builder itself.
FROM_THE_FILE = {"id", "path", "body", "body_line", "links", "field_lines"}
# Fields a kind's model works out from its other fields: minutes are a draft while their status is.
DERIVED = {"minutes": {"draft"}}


def test_each_item_class_has_one_kind_with_its_own_folder():
    classes = {cls for module in (content, minutes) for cls in vars(module).values()
               if isinstance(cls, type) and issubclass(cls, Item) and cls is not Item}
    assert {kind.model for kind in KINDS} == classes
    assert len(BY_NAME) == len(BY_FOLDER) == len(KINDS)
    assert all(kind.attribute in {f.name for f in dataclasses.fields(Project)} for kind in KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_the_fields_a_kind_declares_are_its_model_fields(kind):
    """A field is declared once, as a rule; the model class holds exactly those fields."""
    assert set(kind.fields) == {f.name for f in dataclasses.fields(kind.model)} - FROM_THE_FILE - DERIVED.get(kind.name,
                                                                                                             set())


def _project(make_project, body: str):
    return make_project({
        "site.yaml": "title: Test\nboards:\n  main-board: {name: Main Board}\ngroups:\n  prevent: {name: Prevent}\n",
        "threats/fraud.md": "---\ntitle: Fraud\n---\nAbout fraud.\n",
        "reports/paper.md": ("---\ntitle: A paper\nto: main-board\non: 2015-09-02\nthreats: [fraud]\n"
                             "appendices: [fraud]\nactions:\n  - {action: Act, owner: prevent, due: 2015-10-01}\n"
                             f"---\n{body}\n"),
        "meetings/2015-09-02-board.yaml": "board: main-board\ndate: 2015-09-02\nitems:\n  - report: paper\n",
    })


def test_a_revised_item_is_the_item_a_full_load_makes(make_project):
    root = _project(make_project, "## Summary\n\nThe first text.")
    project, warnings = load_project(root)
    (root / "reports/paper.md").write_text((root / "reports/paper.md").read_text().replace("first", "second"))
    revised, _ = revise_project(root, project, warnings, ["reports/paper.md"])
    loaded, _ = load_project(root)
    assert revised.by_path["reports/paper.md"] == loaded.by_path["reports/paper.md"]
    assert "second" in revised.by_path["reports/paper.md"].body
    report = loaded.reports[0]
    assert [a.target for a in report.appendices] == ["threats/fraud"]
    assert report.actions[0].origin == "reports/paper"
    assert loaded.meetings[0].title == "Main Board, 2 September 2015"
    assert kind_of(report).label == "Board paper"


def test_a_revision_that_breaks_a_reference_falls_back_to_a_full_load(make_project):
    root = _project(make_project, "See [fraud](../threats/fraud.md).")
    project, warnings = load_project(root)
    path = root / "reports/paper.md"
    path.write_text(path.read_text().replace("../threats/fraud.md", "../threats/frawd.md"))
    assert revise_project(root, project, warnings, ["reports/paper.md"]) is None
