"""The preview (`briefing serve`) and the project's private folder and lock.

The preview builds into `.briefing/preview/`, never into an output folder, and
answers only requests addressed to localhost, an IP address or a name given
with --allow-host. `.briefing/` is the project's private folder: 0700, used
only when it is safe, never through a link. `build` and `serve` hold one lock
on it; a second one stops naming the first.

`serve` runs as a real process on a free port of 127.0.0.1, with a hang guard.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from builder.system import project_folder
from builder.commands.serve import host_allowed, host_name
from conftest import TODAY, all_text, build, checksums, cli, run_process

POSIX = os.name == "posix"
ROOT = POSIX and os.geteuid() == 0
DRAFT_MARKER = "Xylophone draft marker 7731"
DRAFT_PAGE = f"""---
title: {DRAFT_MARKER} title
draft: true
summary: Not ready yet.
---
The text of a draft: {DRAFT_MARKER}.
"""
START_SECONDS = 90  # the hang guard: a preview that has not started by then never will


# Running the preview ----------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Preview:
    """`briefing serve` as a process, its messages in a file (so that no pipe fills up)."""

    def __init__(self, content: Path, *extra: str, port: int | None = None):
        self.port = port or _free_port()
        self.log = content.parent / f"serve-{self.port}.log"
        self._log_file = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--content", str(content), "--host", "127.0.0.1",
             "--port", str(self.port), "--no-pdf", "--today", TODAY, *extra],
            stdout=self._log_file, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    def messages(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if "Serving the preview" in self.messages():
                return
            assert self.process.poll() is None, f"serve stopped:\n{self.messages()}"
            time.sleep(0.1)
        raise AssertionError(f"serve did not start within {START_SECONDS} s:\n{self.messages()}")

    def get(self, path: str, host: str | None = None, method: str = "GET") -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, headers={"Host": f"127.0.0.1:{self.port}" if host is None else host})
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()


@contextlib.contextmanager
def previewing(content: Path, *extra: str):
    preview = Preview(content, *extra)
    try:
        preview.wait_until_serving()
        yield preview
    finally:
        preview.stop()


@pytest.fixture
def project(copy_site):
    """The minimal site with a draft page: tmp_path/content."""
    return copy_site("minimal", {"pages/not-ready.md": DRAFT_PAGE})


# Where the preview builds -------------------------------------------------------

def test_serve_builds_into_the_private_folder_and_leaves_the_output_untouched(project):
    output = project.parent / "output"
    assert build(project, output, expect=None).code == 0
    before = checksums(output)
    assert DRAFT_MARKER not in all_text(output)
    beside = _beside(project)

    with previewing(project) as preview:
        status, page = preview.get("/pages/not-ready.html")
        assert status == 200 and DRAFT_MARKER in page, "the preview shows drafts"

    preview_folder = project.parent / ".briefing" / "preview"
    assert DRAFT_MARKER in (preview_folder / "pages/not-ready.html").read_text(encoding="utf-8")
    assert checksums(output) == before, "the preview never writes into the output folder"
    assert DRAFT_MARKER not in all_text(output)
    assert _beside(project) == beside, "nothing else beside the content is written, the build's cache neither"


def _beside(content: Path) -> dict[str, str]:
    """Everything beside the content folder but the private folder and the preview's log."""
    return {p.name: checksums(p) if p.is_dir() else p.read_bytes().hex() for p in content.parent.iterdir()
            if p.name not in {content.name, ".briefing"} and not p.name.startswith("serve-")}


def test_serve_has_no_output_option(project):
    assert cli("serve", "--content", project, "--output", project.parent / "output").code == 2


@pytest.mark.parametrize("port", ["70000", "-1", "80x"])
def test_a_port_out_of_range_is_a_usage_error(project, port):
    run = cli("serve", "--content", project, "--port", port)
    assert run.code == 2 and "port number" in run.err and "Traceback" not in run.err


def test_a_port_in_use_is_reported_before_anything_is_built(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_process("serve", "--content", project, "--port", port, "--no-pdf")
    assert run.code == 1, run.err
    assert f"127.0.0.1:{port}: port {port} is already in use" in run.err and "--port" in run.err
    assert "Traceback" not in run.err and "Built" not in run.err
    assert not (project.parent / ".briefing" / "preview").exists(), "nothing was built"
    assert not (project.parent / "output").exists()


# Which requests it answers ------------------------------------------------------

def test_only_local_ip_and_allowed_host_names_are_answered(project):
    with previewing(project, "--allow-host", "MyBox.local") as preview:
        port = preview.port
        for host in ("attacker.example", f"attacker.example:{port}", f"localhost.attacker.example:{port}",
                     f"127.0.0.1.attacker.example:{port}", f"other.local:{port}", "", f"localhost:{port}x"):
            for path in ("/index.html", "/pages/not-ready.html", "/__briefing__/live.js", "/"):
                status, body = preview.get(path, host)
                assert status in (403, 421), (host, path, status)
                assert DRAFT_MARKER not in body and "Minimal test site" not in body and "alpha" not in body.lower()
        status, body = preview.get("/pages/not-ready.html", f"attacker.example:{port}", method="HEAD")
        assert status in (403, 421) and body == ""
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:  # HTTP/1.0, no Host at all
            raw.sendall(b"GET /pages/not-ready.html HTTP/1.0\r\n\r\n")
            answer = b"".join(iter(lambda: raw.recv(65536), b"")).decode("utf-8", "replace")
        assert answer.split()[1] in ("403", "421") and DRAFT_MARKER not in answer

        for host in (f"localhost:{port}", "localhost", f"LOCALHOST:{port}", f"127.0.0.1:{port}",
                     f"[::1]:{port}", f"192.168.1.20:{port}", f"mybox.local:{port}", "mybox.local"):
            status, body = preview.get("/pages/not-ready.html", host)
            assert status == 200 and DRAFT_MARKER in body, host

        status, body = preview.get("/__briefing__/wait?v=abc")
        assert status == 400
        messages = preview.messages()
    assert "attacker.example" in messages, "a refused host is logged, so the author can allow a name of theirs"
    assert "Traceback" not in messages and "ValueError" not in messages


@pytest.mark.parametrize(("host", "allowed"), [
    ("localhost", True), ("localhost:8000", True), ("LocalHost:1", True), ("127.0.0.1", True),
    ("10.0.0.7:8000", True), ("[::1]:8000", True), ("[::1]", True), ("[fe80::1]:80", True),
    ("box.lan:8000", True), ("BOX.LAN", True),
    (None, False), ("", False), ("attacker.example", False), ("localhost.attacker.example", False),
    ("attacker.localhost", False), ("127.0.0.1.nip.io:8000", False), ("[::1]x:80", False), ("[::1", False),
    ("::1", False), ("[localhost]:80", False), ("localhost:80:80", False), ("localhost:８０", False),
    ("box.lan.attacker.example", False), ("2130706433", False), ("127.1", False),
])
def test_host_header_rule(host, allowed):
    assert host_allowed(host, {"box.lan"}) is allowed


def test_allow_host_takes_a_plain_name(project):
    assert host_name("MyBox.Local.") == "mybox.local"
    for bad in ("mybox.local:8000", "http://mybox", "my box", "*.example"):
        with pytest.raises(ValueError):
            host_name(bad)
    run = cli("serve", "--content", project, "--allow-host", "mybox:8000")
    assert run.code == 2 and "without a port" in run.err


# The private folder ---------------------------------------------------------------

@pytest.mark.skipif(not POSIX, reason="modes mean little on Windows")
def test_the_private_folder_is_made_0700_beside_the_content(project):
    assert build(project, project.parent / "output", expect=None).code == 0
    folder = project.parent / ".briefing"
    assert stat.S_IMODE(os.lstat(folder).st_mode) == 0o700
    assert (folder / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*", "never committed"
    assert project_folder.location(project) == folder.resolve()
    assert project_folder.folder(project).path == folder.resolve()


@pytest.mark.skipif(not POSIX, reason="modes mean little on Windows")
def test_the_private_folder_is_0700_whatever_the_umask(project):
    previous = os.umask(0)
    try:
        path = project_folder.folder(project).path
    finally:
        os.umask(previous)
    assert path is not None and stat.S_IMODE(os.lstat(path).st_mode) == 0o700


def test_the_private_folder_for_content_given_as_dot_is_beside_it(project, monkeypatch):
    monkeypatch.chdir(project)
    assert project_folder.location(Path(".")) == (project.parent / ".briefing").resolve()


def _planted_world_writable(project: Path) -> Path:
    folder = project.parent / ".briefing"
    folder.mkdir()
    folder.chmod(0o777)
    return folder


def _planted_group_writable(project: Path) -> Path:
    folder = _planted_world_writable(project)
    folder.chmod(0o770)
    return folder


def _planted_link(project: Path) -> Path:
    target = project.parent / "elsewhere"
    target.mkdir(mode=0o700)
    (project.parent / ".briefing").symlink_to(target, target_is_directory=True)
    return target


UNSAFE = {"world-writable": (_planted_world_writable, "can be written by other users"),
          "group-writable": (_planted_group_writable, "can be written by other users"),
          "link": (_planted_link, "is a symbolic link")}


@pytest.mark.skipif(not POSIX, reason="modes and links are POSIX here")
@pytest.mark.parametrize("kind", UNSAFE)
def test_an_unsafe_private_folder_is_not_used(project, kind):
    plant, reason = UNSAFE[kind]
    planted = plant(project)
    assert project_folder.folder(project).path is None

    run = build(project, project.parent / "output", expect=None)
    assert run.code == 0, "a build goes on without it"
    warnings = [line for line in run.err.splitlines() if reason in line]
    assert len(warnings) == 1 and warnings[0].startswith(f"{project.parent / '.briefing'}: warning: "), run.err
    assert not any(planted.iterdir()), "nothing is written into it, nor through it"

    run = cli("serve", "--content", project, "--port", _free_port(), "--no-pdf")
    assert run.code == 1
    assert run.err.startswith(f"{project.parent / '.briefing'}: ") and reason in run.err
    assert "preview" in run.err and "Traceback" not in run.err
    assert not any(planted.iterdir())
    assert not (project.parent / "output" / "pages/not-ready.html").exists()


@pytest.mark.skipif(not ROOT, reason="only root can give a folder to another user")
def test_a_private_folder_owned_by_someone_else_is_not_used(project):
    folder = project.parent / ".briefing"
    folder.mkdir(mode=0o700)
    os.chown(folder, 65534, 65534)
    found = project_folder.folder(project)
    assert found.path is None and "belongs to another user" in found.problem().message


def test_a_private_folder_that_cannot_be_made_is_reported_once(project, monkeypatch):
    real_mkdir = os.mkdir

    def read_only(path, *args, **kwargs):
        if Path(path).name == ".briefing":
            raise PermissionError(13, "Read-only file system", str(path))
        return real_mkdir(path, *args, **kwargs)

    monkeypatch.setattr(project_folder.os, "mkdir", read_only)
    found = project_folder.folder(project)
    assert found.path is None and "cannot be created (Read-only file system)" in found.problem().message
    assert "without a build cache" in found.problem().message
    warning = project_folder.folder(project).warning_once()
    assert warning is not None and warning.is_warning and str(warning).startswith(str(found.where))
    assert project_folder.folder(project).warning_once() is None, "said once"
    assert "cannot start" in str(found.problem(project_folder.NO_PREVIEW))


@pytest.mark.skipif(not POSIX or ROOT, reason="root may write into a read-only folder")
def test_a_read_only_project_builds_without_the_private_folder(project, tmp_path):
    output = tmp_path.parent / f"{tmp_path.name}-output"
    tmp_path.chmod(0o555)
    try:
        run = build(project, output, expect=None)
        serving = cli("serve", "--content", project, "--port", _free_port(), "--no-pdf")
    finally:
        tmp_path.chmod(0o755)
    assert run.code == 0 and run.err.count("cannot be created") == 1
    assert serving.code == 1 and "cannot start" in serving.err
    assert not (tmp_path / ".briefing").exists()


def test_check_makes_no_private_folder(project):
    assert cli("check", "--content", project).code == 0
    assert not (project.parent / ".briefing").exists()


def test_a_subfolder_is_never_a_link(project, tmp_path):
    folder = project_folder.folder(project).path
    assert project_folder.subfolder(folder, "cache") == folder / "cache"
    assert project_folder.subfolder(folder, "cache").is_dir(), "made once, then found"
    (folder / "linked").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(NotADirectoryError):
        project_folder.subfolder(folder, "linked")


# The one lock -------------------------------------------------------------------------

@pytest.fixture
def quick_lock(monkeypatch):
    monkeypatch.setattr(project_folder, "LOCK_WAIT_SECONDS", 0.3)


def test_a_second_build_stops_naming_the_holder(project, quick_lock):
    output = project.parent / "output"
    folder = project_folder.folder(project).path
    with project_folder.lock(folder, "build"):
        run = build(project, output, expect=None)
        assert run.code == 1
        assert f"another briefing build (pid {os.getpid()}) is using {folder}; wait for it to finish" in run.err
        assert not output.exists(), "nothing was built"
        run = cli("serve", "--content", project, "--port", _free_port(), "--no-pdf")
        assert run.code == 1 and f"another briefing build (pid {os.getpid()})" in run.err
        assert not (folder / "preview").exists()
        assert cli("check", "--content", project).code == 0, "check writes nothing and needs no lock"
    assert build(project, output, expect=None).code == 0, "free again once the holder is done"
    assert project_folder.holder(folder) == (os.getpid(), "build")


def test_a_build_stops_while_a_preview_runs(project):
    with previewing(project) as preview:
        run = build(project, project.parent / "output", process=True, expect=None)
        assert run.code == 1
        folder = project_folder.location(project)
        assert f"another briefing serve (pid {preview.process.pid}) is using {folder}" in run.err
        assert "Ctrl-C" in run.err
    assert not (project.parent / "output").exists()


def test_a_second_build_waits_for_a_holder_about_to_finish(project, monkeypatch):
    monkeypatch.setattr(project_folder, "LOCK_WAIT_SECONDS", 30)
    folder = project_folder.folder(project).path
    holding = project_folder.lock(folder, "build")
    holding.__enter__()
    threading.Timer(0.5, holding.__exit__, (None, None, None)).start()
    assert build(project, project.parent / "output", expect=None).code == 0


def test_the_lock_goes_with_a_killed_holder(project):
    folder = project_folder.folder(project).path
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from builder.system import project_folder\n"
        f"with project_folder.lock(Path({str(folder)!r}), 'build'):\n"
        "    print('held', flush=True); time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(project_folder.Busy) as busy, project_folder.lock(folder, "build", wait=0):
            pass
        assert busy.value.holder == (holder.pid, "build")
    finally:
        holder.kill()
        holder.wait(timeout=10)
    with project_folder.lock(folder, "build", wait=5):
        pass
