"""The table of kinds: every kind of item declared once, its fields agreeing with
its model class, everything the build needs of a kind declared in its entry (its
templates, PDF planners, date and board fields, export), few modules
naming a kind's folder, and one item builder for a full load and a revision."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

import builder
from builder.model import minutes, content
from builder.plan import pages, pdfs
from builder.project.kinds import BY_FOLDER, BY_NAME, KINDS, kind_of
from builder.model.content import Item
from builder.model.project import Project
from builder.project.loading import load_project, revise_project
from builder.reading import rules
from builder.render.templates import builtin_templates_dir

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


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_kind_declares_everything_the_build_needs_of_it(kind):
    templates = builtin_templates_dir()
    assert (templates / kind.template).is_file()
    assert (kind.model in pdfs.ITEM_PDFS) == kind.pdf
    assert kind.scaffold or not kind.markdown, "a Markdown kind needs a skeleton for `briefing new`"
    if kind.scaffold:
        assert (templates / kind.scaffold).is_file() and kind.scaffold.endswith(kind.ending)
    assert kind.scaffold or not kind.from_meeting
    for name, rule in ((kind.date_field, rules.Date), (kind.board_field, rules.BoardId)):
        assert name is None or isinstance(kind.fields[name], rule), name
    own = {f.name for f in dataclasses.fields(kind.model)}
    assert all(name in own or isinstance(getattr(kind.model, name, None), property) for name in kind.exported)


def test_the_planners_are_those_of_the_kinds():
    assert set(pages.ITEM_PAGES) <= {kind.model for kind in KINDS}
    assert set(pdfs.ITEM_PDFS) == {kind.model for kind in KINDS if kind.pdf}


FOLDERS = {kind.folder for kind in KINDS}
# The model classes, whose items' keys need the folder (the model cannot read the table), and one to spare.
MOST_MODULES_NAMING_FOLDERS = 3


def _folder_literals(tree: ast.AST) -> Iterator[ast.Constant]:
    """The string literals that stand for a kind's folder: a path that starts with
    one (`"meetings/x.yaml"`, `f"minutes/{id}"`), or a folder's name alone as a
    value (assigned, compared, returned, a default, a keyword's, a dict's, or in
    a list of folders). A folder's name is also the name of a project attribute,
    of fields and of template inputs ("threats", "minutes"), and "pages" is a
    word, so it does not count as a key (of a dict, a subscript, an `in` test),
    as a positional argument (`hasattr(item, "threats")`) or among other names."""
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        parent = parents.get(node)
        if node.value.startswith(tuple(f"{folder}/" for folder in FOLDERS)):
            yield node
        elif node.value not in FOLDERS:
            continue
        elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.Return, ast.arguments, ast.keyword, ast.IfExp)):
            yield node
        elif isinstance(parent, ast.Compare) and all(isinstance(op, (ast.Eq, ast.NotEq)) for op in parent.ops):
            yield node
        elif isinstance(parent, ast.Dict) and node in parent.values:
            yield node
        elif isinstance(parent, (ast.Tuple, ast.List, ast.Set)) and all(
                isinstance(entry, ast.Constant) and entry.value in FOLDERS for entry in parent.elts):
            yield node


def test_the_folder_literals_found_are_folders_not_names():
    code = ('folder = "reports"\nkey = f"minutes/{item_id}"\nif kind == "minutes": pass\nsections = ("threats", "pages")\n'
            'hasattr(item, "threats")\nmade["reports"]\ninputs = {"threats": []}\nlog("Built", "pages")\n'
            'fields = ("threats", "lessons")\nfound = "minutes" in data\n')
    assert sorted((node.lineno, node.value) for node in _folder_literals(ast.parse(code))) == [
        (1, "reports"), (2, "minutes/"), (3, "minutes"), (4, "pages"), (4, "threats")]


def test_few_modules_name_a_kinds_folder():
    """Everything else asks the table (`kind.folder`) or the model (`Meeting.folder`)."""
    root = Path(builder.__file__).parent
    naming = sorted(str(path.relative_to(root.parent)) for path in root.rglob("*.py")
                    if any(_folder_literals(ast.parse(path.read_text(encoding="utf-8")))))
    assert "builder/model/content.py" in naming
    assert len(naming) <= MOST_MODULES_NAMING_FOLDERS, naming


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
