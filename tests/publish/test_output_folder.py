"""The output folder is replaced whole and never lost: a build killed at any
instant leaves the old site or the new one, and the next build puts back an
output a killed swap left renamed before it does anything else. Two builds into
one output keep out of each other's way; folders honour the umask; a symbolic
link given as --output stays a link."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.publish import marker, output_folder
from cache_project import cold_build, small_project
from conftest import TODAY, build, start_build, write_files
from conftest import checksums as tree

pytestmark = pytest.mark.without_search

BROKEN = {"pages/broken.md": "---\ntitle: [broken\n---\n"}


def leftovers(output: Path) -> list[str]:
    return sorted(p.name for p in output.parent.iterdir() if p.name.startswith(f".{output.name}."))


@pytest.fixture
def two_sites(tmp_path) -> tuple[Path, Path, dict, dict]:
    """A project built once (the old site), then edited: the content of the new
    site, whose tree is known from a cold build elsewhere."""
    content = small_project(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    old = tree(output)
    about = content / "pages/about.md"
    about.write_text(about.read_text() + "\nA new paragraph for the new site.\n")
    write_files(content, {"pages/added.md": "---\ntitle: Added for the new site\n---\nHello.\n"})
    code, cold = cold_build(content, tmp_path / "cold")
    assert code == 0
    return content, output, old, tree(cold)


def _break_then_check(content: Path, output: Path, sites: tuple[dict, dict]) -> None:
    """A build that fails on a content error must leave the old site or the new one."""
    write_files(content, BROKEN)
    build(content, output, expect=1)
    assert output.is_dir(), "the output is never missing"
    assert tree(output) in sites
    (content / "pages/broken.md").unlink()


def _wait_for(condition, process: subprocess.Popen, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if condition():
            return True
        time.sleep(0.002)
    return False


@pytest.mark.slow
def test_sigkill_at_random_points_leaves_the_old_site_or_the_new(tmp_path, two_sites):
    """Slow: the instants that matter are killed at in `make test` too, one each:
    test_a_swap_killed_between_its_two_renames_is_put_back_by_the_next_build (below)
    and test_a_killed_build_leaves_a_folder_the_next_build_removes
    (publish/test_build_output.py)."""
    content, output, old, new = two_sites
    # The old site is put back before each kill by a build of the old content.
    old_content = small_project(tmp_path / "old")
    started = time.monotonic()
    process = start_build(content, output)
    process.communicate(timeout=120)
    whole = time.monotonic() - started
    random.seed(15)
    for attempt in range(4):
        build(old_content, output)
        assert tree(output) == old
        process = start_build(content, output)
        if attempt == 0:
            # At the last moment: as soon as the staging folder is complete.
            _wait_for(lambda: any((p / marker.MARKER).exists()
                                  for p in output.parent.glob(f".{output.name}.build-*")), process)
        else:
            time.sleep(random.uniform(0, whole))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        if output.exists():
            assert tree(output) in (old, new)
        else:
            assert list(output.parent.glob(f".{output.name}.old-*")), "a missing output is kept to be put back"
        _break_then_check(content, output, (old, new))
    build(content, output)
    assert tree(output) == new and leftovers(output) == []


def _run_killed_between_renames(content: Path, output: Path) -> subprocess.CompletedProcess:
    """A build on a system without renameat2, killed (os._exit, as SIGKILL would)
    between taking the old output away and putting the new one in its place."""
    script = f"""
import os, sys
from builder.publish import output_folder
output_folder._exchange = lambda first, second: False
renames = []
real = os.rename
def rename(source, target):
    real(source, target)
    renames.append(target)
    if str(source) == {str(output)!r}:
        os._exit(9)
output_folder.os.rename = rename
from builder.cli import main
sys.exit(main(sys.argv[1:]))
"""
    return subprocess.run([sys.executable, "-c", script, "build", "--content", str(content), "--output", str(output),
                           "--today", TODAY, "--quiet", "--no-pdf", "--jobs", "1"],
                          capture_output=True, text=True, timeout=120)


def test_a_swap_killed_between_its_two_renames_is_put_back_by_the_next_build(two_sites):
    content, output, old, new = two_sites
    result = _run_killed_between_renames(content, output)
    assert result.returncode == 9, result.stderr
    assert not output.exists(), "killed with the old output taken away"
    assert [name for name in leftovers(output) if ".old-" in name], "the old output is kept, renamed"
    # The next build meets a content error: it must put the old site back first, and keep it.
    _break_then_check(content, output, (old,))
    assert leftovers(output) == []
    build(content, output)
    assert tree(output) == new


def test_a_swap_without_renameat2_replaces_the_output(two_sites, monkeypatch):
    content, output, _, new = two_sites
    monkeypatch.setattr(output_folder, "_exchange", lambda first, second: False)
    build(content, output)
    assert tree(output) == new and leftovers(output) == []


def test_a_build_waits_for_another_writing_into_the_same_folder(two_sites):
    content, output, _, new = two_sites
    fd = os.open(output.parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a build of another project writing there holds it
        process = start_build(content, output)
        time.sleep(2)
        assert process.poll() is None, "the second build waits"
    finally:
        os.close(fd)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert tree(output) == new and leftovers(output) == []


def test_two_builds_into_one_output_both_succeed(tmp_path):
    first = small_project(tmp_path / "first")
    second = small_project(tmp_path / "second")
    write_files(second, {"pages/only-second.md": "---\ntitle: Only in the second\n---\nHello.\n"})
    output = tmp_path / "output"
    trees = []
    for content in (first, second):
        code, cold = cold_build(content, tmp_path / f"cold-{content.parent.name}")
        assert code == 0
        trees.append(tree(cold))
    processes = [start_build(content, output) for content in (first, second)]
    for process in processes:
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
    assert tree(output) in trees
    assert leftovers(output) == []


def test_the_output_honours_the_umask(tmp_path):
    content = small_project(tmp_path)
    for umask, folder_mode, file_mode in ((0o022, 0o755, 0o644), (0o077, 0o700, 0o600)):
        output = tmp_path / f"output-{umask:o}"
        previous = os.umask(umask)
        try:
            build(content, output)
            build(content, output)  # taken from the last output, and swapped again
        finally:
            os.umask(previous)
        assert stat.S_IMODE(output.stat().st_mode) == folder_mode
        for path in output.rglob("*"):
            expected = folder_mode if path.is_dir() else file_mode
            assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_files_left_by_a_build_under_another_umask_are_made_again(tmp_path):
    content = small_project(tmp_path)
    output = tmp_path / "output"
    previous = os.umask(0o077)
    try:
        build(content, output)
        os.umask(0o022)
        build(content, output)
    finally:
        os.umask(previous)
    assert all(stat.S_IMODE(p.stat().st_mode) == (0o755 if p.is_dir() else 0o644) for p in output.rglob("*"))


def test_a_symbolic_link_given_as_output_stays_a_link(tmp_path):
    content = small_project(tmp_path)
    real = tmp_path / "www" / "site-v1"
    real.mkdir(parents=True)
    link = tmp_path / "public"
    link.symlink_to(real, target_is_directory=True)
    build(content, link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert (real / "index.html").exists()
    about = content / "pages/about.md"
    about.write_text(about.read_text() + "\nChanged.\n")
    build(content, link)
    assert link.is_symlink() and "Changed." in (real / "pages/about.html").read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["site-v1"], "nothing left beside the target"


def test_ctrl_c_after_the_swap_says_the_output_was_replaced(two_sites, monkeypatch):
    content, output, _, new = two_sites
    from builder.incremental import reuse

    def interrupted(self, record):
        raise KeyboardInterrupt

    monkeypatch.setattr(reuse.Cache, "save", interrupted)
    err = build(content, output, expect=130).err
    assert "new output was put in place" in err and "unchanged" not in err
    assert tree(output) == new


def test_ctrl_c_during_the_swap_waits_for_it(two_sites, monkeypatch):
    content, output, _, new = two_sites
    real = output_folder.Staging._swap

    def pressed_during(self, target):
        os.kill(os.getpid(), signal.SIGINT)
        return real(self, target)

    monkeypatch.setattr(output_folder.Staging, "_swap", pressed_during)
    assert "new output was put in place" in build(content, output, expect=130).err
    assert tree(output) == new and leftovers(output) == []


def test_ctrl_c_before_the_swap_says_the_output_is_unchanged(two_sites, monkeypatch):
    content, output, old, _ = two_sites

    def pressed(self, beside_files):
        raise KeyboardInterrupt

    monkeypatch.setattr(output_folder.Staging, "swap_in", pressed)
    assert "Stopped; the output folder is unchanged." in build(content, output, expect=130).err
    assert tree(output) == old and leftovers(output) == []


def test_an_output_inside_the_private_folder_is_refused(tmp_path):
    content = small_project(tmp_path)
    refused = build(content, tmp_path / ".briefing" / "site", expect=1)
    assert "must not be inside the project's private folder" in refused.err
