"""Publication control (issue 23): the release manifest of a public build."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import build, cli, run_process

pytestmark = pytest.mark.without_search


def _manifest(out):
    return json.loads((out.parent / f"{out.name}.release" / "release.json").read_text(encoding="utf-8"))


def test_public_build_writes_manifest_beside_output_never_inside(copy_site, tmp_path):
    content = copy_site("minimal")
    out = tmp_path / "site"
    build(content, out, "--profile", "public")
    manifest = _manifest(out)
    assert not any("release" in path for path in manifest["files"])
    assert not list(out.rglob("release*"))
    page = manifest["files"]["reports/alpha-report.html"]
    assert page["source"] == "reports/alpha-report.md" and page["marking"] == "OFFICIAL"
    assert len(page["sha256"]) == 64
    assert manifest["files"]["assets/plan.txt"]["source"] == "reports/alpha-report.md"
    assert manifest["changes"]["added"] == sorted(manifest["files"])


def test_manifest_removed_is_written_again_by_an_unchanged_build(copy_site, tmp_path):
    content = copy_site("minimal")
    out = tmp_path / "site"
    build(content, out, "--profile", "public")
    first = _manifest(out)
    shutil.rmtree(tmp_path / "site.release")
    build(content, out, "--profile", "public")
    assert _manifest(out)["files"] == first["files"]


def test_internal_build_writes_no_manifest(site_build):
    out = site_build("minimal")
    assert not (out.parent / f"{out.name}.release").exists()


def test_manifest_against_previous_release(copy_site, tmp_path):
    content = copy_site("minimal")
    out = tmp_path / "site"
    build(content, out, "--profile", "public")
    first = _manifest(out)
    # Rebuilding the same content keeps the release and its comparison as they were.
    build(content, out, "--profile", "public", "--today", "2016-01-15")
    assert _manifest(out) == first
    assert not (tmp_path / "site.release" / "release.previous.json").exists()

    about = content / "pages" / "about.md"
    about.write_text(about.read_text().replace("About the partnership.", "About the partnership, changed."))
    threat = content / "threats" / "alpha-threat.md"
    threat.write_text(threat.read_text().replace("owner: prevent", "owner: prevent\nclassification: OFFICIAL-SENSITIVE"))
    (content / "pages" / "new-page.md").write_text("---\ntitle: New page\n---\nHello.\n")
    build(content, out, "--profile", "public")
    second = _manifest(out)
    assert json.loads((tmp_path / "site.release" / "release.previous.json").read_text()) == first
    found = second["changes"]
    assert "pages/new-page.html" in found["added"]
    assert "threats/alpha-threat.html" in found["removed"] and "threats/alpha-threat.html" in found["remarked"]
    assert found["reasons"]["threats/alpha-threat.html"] == "re-marked OFFICIAL-SENSITIVE"
    assert "pages/about.html" in found["changed"]

    shown = cli("diff-release", "--output", out)
    assert shown.code == 0, shown.err
    assert "## Added" in shown.out and "- pages/new-page.html (from pages/new-page.md)" in shown.out
    assert "- threats/alpha-threat.html (from threats/alpha-threat.md): re-marked OFFICIAL-SENSITIVE" in shown.out
    assert (tmp_path / "site.release" / "release.md").read_text() == shown.out


def test_diff_release_without_manifest_says_what_to_do(tmp_path):
    shown = cli("diff-release", "--output", tmp_path / "site")
    assert shown.code == 1 and "build with --profile public" in shown.err


# A damaged manifest ----------------------------------------------------------------

MINUTES_TODAY = "2016-04-01"  # after the last meeting of the minutes fixture


@pytest.mark.parametrize("manifest", ["{", "[]", '{"files": 5}', ""])
def test_diff_release_on_an_unreadable_manifest_says_what_to_do(copy_site, tmp_path, manifest):
    content = copy_site("minutes")
    build(content, tmp_path / "out", "--profile", "public", today=MINUTES_TODAY)
    (tmp_path / "out.release/release.json").write_text(manifest)
    run = run_process("diff-release", "--output", tmp_path / "out")
    assert "Traceback" not in run.err and "release.json" in run.err


def test_diff_release_on_a_manifest_of_the_wrong_shape_is_one_line(copy_site, tmp_path):
    content = copy_site("minutes")
    build(content, tmp_path / "out", "--profile", "public", today=MINUTES_TODAY)
    (tmp_path / "out.release/release.json").write_text('{"files": {"a": 5}, "changes": 3}')
    run = run_process("diff-release", "--output", tmp_path / "out")
    assert "Traceback" not in run.err and run.code == 1


def test_a_public_build_writes_a_damaged_manifest_again(copy_site, tmp_path):
    content = copy_site("minutes")
    build(content, tmp_path / "out", "--profile", "public", today=MINUTES_TODAY)
    (tmp_path / "out.release/release.json").write_text('{"files": {"a": 5}, "changes": 3}')
    build(content, tmp_path / "out", "--profile", "public", today=MINUTES_TODAY)
    assert isinstance(json.loads((tmp_path / "out.release/release.json").read_text())["changes"], dict)
