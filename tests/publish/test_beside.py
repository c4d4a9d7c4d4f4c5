"""What a build puts beside its output (the server configuration, a public
build's release record) never describes another build than the output it sits
beside (issue 29, finding 7): written before the swap, put in place right after
it, and, when a build is killed in between, put in place (or taken away) by the
next build before anything else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cache_project import small_project
from conftest import TODAY, build, write_files

pytestmark = pytest.mark.without_search

BROKEN = {"pages/broken.md": "---\ntitle: [unclosed\n---\n"}


def _access(output: Path) -> str:
    text = (output.parent / "server/nginx" / f"{output.name}.conf").read_text()
    return next(line for line in text.splitlines() if line.startswith("# ACCESS:"))


def _killed_at(where: str, content: Path, output: Path, *extra: str) -> subprocess.CompletedProcess:
    """A build killed outright (os._exit, as SIGKILL would) on entering `where`:
    "swap" (the output not yet replaced) or "beside" (replaced, the files beside
    it not yet in place)."""
    script = f"""
import os, sys
from builder.publish import beside, output_folder
if {where!r} == "swap":
    output_folder.Staging._swap = lambda self, output: os._exit(9)
else:
    beside.put_in_place = lambda pending: os._exit(9)
from builder.cli import main
sys.exit(main(sys.argv[1:]))
"""
    return subprocess.run([sys.executable, "-c", script, "build", "--content", str(content), "--output", str(output),
                           "--today", TODAY, "--quiet", "--no-pdf", "--no-search", "--jobs", "1", *extra],
                          capture_output=True, text=True, timeout=120)


def _left_beside(output: Path) -> list[str]:
    """A build's temporary files beside the output and in the server folder."""
    folders = (output.parent, output.parent / "server/nginx", output.parent / "server/apache",
               output.parent / f"{output.name}.release")
    return sorted(p.name for folder in folders if folder.is_dir() for p in folder.iterdir() if p.suffix == ".tmp")


@pytest.fixture
def public_site(tmp_path) -> tuple[Path, Path]:
    content = small_project(tmp_path)
    output = tmp_path / "site"
    build(content, output, "--profile", "public")
    assert _access(output) == "# ACCESS: anyone (a public build)."
    return content, output


def test_killed_after_the_swap_the_next_build_puts_the_server_configuration_in_place_first(public_site):
    content, output = public_site
    killed = _killed_at("beside", content, output, "--replace-other-profile")
    assert killed.returncode == 9, killed.stderr
    assert "Build: internal" in (output / ".briefing-output").read_text(), "the internal build was swapped in"
    assert _access(output).startswith("# ACCESS: anyone"), "the kill left the configuration behind"
    # The next build stops at a content error, but first settles what the killed one left.
    write_files(content, BROKEN)
    build(content, output, "--replace-other-profile", expect=1)
    assert _access(output).startswith("# ACCESS: none chosen"), "the configuration follows the output beside it"
    assert _left_beside(output) == []


def test_killed_before_the_swap_the_next_build_takes_its_files_away(public_site):
    content, output = public_site
    killed = _killed_at("swap", content, output, "--replace-other-profile")
    assert killed.returncode == 9, killed.stderr
    assert "Build: public" in (output / ".briefing-output").read_text()
    assert _left_beside(output), "the killed build had written its files beside, waiting"
    write_files(content, BROKEN)
    build(content, output, "--profile", "public", expect=1)
    assert _access(output) == "# ACCESS: anyone (a public build).", "the public site's configuration stays"
    assert _left_beside(output) == []


def test_the_release_record_goes_into_place_with_the_output(public_site):
    content, output = public_site
    about = content / "pages/about.md"
    about.write_text(about.read_text() + "\nA change for the next release.\n")
    killed = _killed_at("beside", content, output, "--profile", "public")
    assert killed.returncode == 9, killed.stderr
    record = output.parent / f"{output.name}.release/release.json"
    before = record.read_text()
    write_files(content, BROKEN)
    build(content, output, "--profile", "public", expect=1)
    assert record.read_text() != before and "pages/about.html" in record.read_text()
    assert (output.parent / f"{output.name}.release/release.previous.json").read_text() == before
