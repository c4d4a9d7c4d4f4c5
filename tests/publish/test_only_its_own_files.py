"""briefing never deletes a file it did not write (issue 29, finding 8). A build
replaces its output folder whole, so it replaces a folder only when the folder
holds nothing but what a build wrote there, as the marker in it lists: a site
copied with its marker into a folder of other files (`cp -a output/. DEST/`, as
a shared host is published) is not a folder a build may replace."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import build, checksums
from hypothesis import given
from hypothesis import strategies as st

pytestmark = pytest.mark.without_search

MARKER = ".briefing-output"


def _listed(output: Path) -> set[str]:
    lines = (output / MARKER).read_text(encoding="utf-8").splitlines()
    return set(lines[lines.index("Files:") + 1:])


def test_the_marker_lists_every_file_the_build_wrote(copy_site, tmp_path):
    output = tmp_path / "output"
    build(copy_site(), output)
    on_disk = {path.relative_to(output).as_posix() for path in output.rglob("*") if not path.is_dir()}
    assert _listed(output) == on_disk - {MARKER}


def test_a_site_copied_beside_other_files_is_never_built_over(copy_site, tmp_path):
    content = copy_site()
    build(content, tmp_path / "output")
    served = tmp_path / "www"
    (served / "other-site").mkdir(parents=True)
    (served / "other-site/index.html").write_text("another site")
    (served / "notes.txt").write_text("the host's notes")
    shutil.copytree(tmp_path / "output", served, dirs_exist_ok=True)  # cp -a output/. www/
    before = checksums(served)
    refused = build(content, served, expect=1)
    assert f"{served}: this folder holds what briefing did not write there (notes.txt, other-site/)" in refused.err
    assert checksums(served) == before, "nothing deleted, nothing changed"


def test_a_marker_that_does_not_list_the_files_replaces_nothing(copy_site, tmp_path):
    content, output = copy_site(), tmp_path / "output"
    build(content, output)
    marker = output / MARKER
    marker.write_text(marker.read_text().split("Files:")[0])  # as an earlier version wrote it
    before = checksums(output)
    refused = build(content, output, expect=1)
    assert "does not list the files a build wrote" in refused.err and "move the folder away" in refused.err
    assert checksums(output) == before
    shutil.rmtree(output)
    build(content, output)


def test_a_file_taken_away_from_the_output_is_made_again(copy_site, tmp_path):
    content, output = copy_site(), tmp_path / "output"
    build(content, output)
    (output / "index.html").unlink()
    shutil.rmtree(output / "threats")
    build(content, output)
    assert (output / "index.html").is_file() and (output / "threats").is_dir()


@pytest.fixture(scope="module")
def one_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("one-build")
    from conftest import copy_project
    content = copy_project("minimal", root)
    build(content, root / "output")
    return content, root / "output"


# Names a user or a host might leave in a served folder: at its top, beside pages,
# inside briefing's own folders; files, folders and hidden ones.
NAMES = st.text(st.sampled_from("abcxyz-._"), min_size=1, max_size=8).filter(lambda n: n not in (".", ".."))
PLACES = st.sampled_from(["", "threats/", "static/", "assets/", "reports/"])


@pytest.mark.property
@given(extras=st.lists(st.tuples(PLACES, NAMES, st.booleans()), min_size=1, max_size=4))
def test_whatever_is_added_to_an_output_a_build_keeps_and_names(one_build, tmp_path_factory, extras):
    content, built = one_build
    output = tmp_path_factory.mktemp("output") / "output"
    shutil.copytree(built, output)
    added = []
    for place, name, folder in extras:
        path = output / place / name
        if path.exists() or (output / place / name).parent.is_file():
            continue
        if folder:
            path.mkdir(parents=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("not briefing's")
        added.append(path)
    if not added:
        return
    before = checksums(output)
    refused = build(content, output, expect=1)
    assert "this folder holds what briefing did not write there" in refused.err
    assert checksums(output) == before and all(path.exists() for path in added)
