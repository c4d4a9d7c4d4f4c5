"""A build never publishes into the wrong place (issue 29, finding 7): an internal
build into a folder that holds a public build (or the other way round, or a drafts
preview) is refused, leaving it as it was, unless asked for by name."""

from __future__ import annotations

import pytest
from conftest import build, checksums

pytestmark = pytest.mark.without_search


def test_an_internal_build_never_replaces_a_public_one_unless_asked(copy_site, tmp_path):
    content = copy_site("minimal")
    out = tmp_path / "site"
    build(content, out, "--profile", "public")
    before = checksums(out)
    refused = build(content, out, expect=1)
    assert f"{out}: this folder holds a 'public' build, which this 'internal' build would replace" in refused.err
    assert "--replace-other-profile" in refused.err
    assert checksums(out) == before, "the public build is left as it was"
    build(content, out, "--drafts", "--profile", "public", expect=1)
    build(content, out, "--replace-other-profile")
    assert "Build: internal" in (out / ".briefing-output").read_text()


def test_a_public_build_made_before_the_marker_said_is_known_by_its_release_record(copy_site, tmp_path):
    content = copy_site("minimal")
    out = tmp_path / "site"
    build(content, out, "--profile", "public")
    assert (tmp_path / "site.release").is_dir()
    marker = out / ".briefing-output"
    marker.write_text(marker.read_text().split("Build:")[0])  # as an older version left it
    refused = build(content, out, expect=1)
    assert "this folder holds a 'public' build" in refused.err


def test_the_same_profile_builds_again_as_always(copy_site, tmp_path):
    content = copy_site("minimal")
    build(content, tmp_path / "site")
    build(content, tmp_path / "site")
    build(content, tmp_path / "site", "--profile", "public", expect=1)
