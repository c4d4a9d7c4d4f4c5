"""Property tests on random projects from tests/strategies.py: what they
generate is valid, and a build of it holds what it should. A few derandomised
examples in `make test`; many in `make test-deep` (--hypothesis-profile=deep)."""

from __future__ import annotations

import pytest
from conftest import build, cli, errors_only
from hypothesis import given
from hypothesis import strategies as st
from strategies import FOLDERS, edits, projects

pytestmark = pytest.mark.property


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
        "actions", "objectives", "facts", "reviews", "static"}
