"""Issue 19: what the preview says and does for its author (builder/serve.py): each
warning is shown once, and again only when it changes; `serve --open` opens the
preview in the web browser, and only when asked.

`serve` runs as a real process on a free port, its messages in a file. The web
browser is a stand-in named by the BROWSER variable (which Python's webbrowser
module obeys): a script that writes down the address it was asked to open.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from builder.model.errors import Problem
from builder.commands.serve import WarningsShown

HANG_GUARD = 90  # seconds: a preview that has not done it by then never will
WARNED = "threats/child-sexual-exploitation.md"  # due for review since 2015-12-31 at --today 2016-01-15


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Preview:
    def __init__(self, content: Path, *extra: str):
        self.port = _free_port()
        self.log = content.parent / f"serve-{self.port}.log"
        self.opened = content.parent / "opened.txt"
        browser = content.parent / "browser.py"
        browser.write_text("import pathlib, sys\npathlib.Path(sys.argv[1]).write_text(sys.argv[2])\n")
        self._log_file = open(self.log, "w", encoding="utf-8")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--content", str(content), "--port", str(self.port),
             "--no-pdf", "--today", "2016-01-15", *extra],
            stdout=self._log_file, stderr=subprocess.STDOUT, cwd=content.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1", "BROWSER": f"{sys.executable} {browser} {self.opened} %s"})

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, condition) -> str:
        deadline = time.monotonic() + HANG_GUARD
        while not condition(self.text()):
            assert self.process.poll() is None, self.text()
            assert time.monotonic() < deadline, self.text()
            time.sleep(0.1)
        return self.text()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)
        self._log_file.close()


def _builds(text: str) -> int:
    return text.count("Built pages in ")


def _warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if ": warning: " in line]


def test_each_warning_is_shown_once_and_again_only_when_it_changes(copy_site):
    content = copy_site("partnership")
    robbery = content / "threats/armed-robbery.md"  # a second warning
    robbery.write_text(robbery.read_text(encoding="utf-8").replace("review_by: 2016-01-31", "review_by: 2015-10-31"),
                       encoding="utf-8")
    preview = Preview(content)
    try:
        first = preview.wait_for(lambda text: "Serving the preview" in text)
        warnings = _warnings(first)
        assert len(warnings) == 2, warnings
        assert any(line.startswith(f"{WARNED}:6: warning: due for review since 2015-12-31") for line in warnings)

        # A save that changes no warning shows none of them again.
        about = content / "pages/about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
        second = preview.wait_for(lambda text: _builds(text) >= 2)
        assert _warnings(second) == warnings, "the same warnings were shown again"
        assert second.splitlines()[-1].endswith("(2 warnings shown before still apply)")

        # A warning that changes is shown, once; the others are not.
        threat = content / WARNED
        threat.write_text(threat.read_text(encoding="utf-8").replace("review_by: 2015-12-31", "review_by: 2015-11-30"),
                          encoding="utf-8")
        third = preview.wait_for(lambda text: _builds(text) >= 3)
        fresh = _warnings(third)[len(warnings):]
        assert len(fresh) == 1 and fresh[0].startswith(f"{WARNED}:6: warning: due for review since 2015-11-30"), fresh
        assert third.splitlines()[-1].endswith("(1 warning shown before still applies)")
    finally:
        preview.stop()
    assert not preview.opened.exists(), "without --open, serve opens no browser"


def test_serve_open_opens_the_preview_in_the_web_browser(copy_site):
    content = copy_site("minimal")
    preview = Preview(content, "--open")
    try:
        preview.wait_for(lambda text: "Serving the preview" in text)
        deadline = time.monotonic() + HANG_GUARD
        while not preview.opened.exists() or not preview.opened.read_text():
            assert time.monotonic() < deadline, "--open opened no browser"
            time.sleep(0.1)
        address = preview.opened.read_text()
        assert address == f"http://127.0.0.1:{preview.port}/"
        with urllib.request.urlopen(address, timeout=30) as response:
            assert response.status == 200 and b"<!DOCTYPE html>" in response.read()
    finally:
        preview.stop()


def test_warnings_shown_are_remembered_until_they_change():
    shown = WarningsShown()
    a, b = Problem("a.md", 1, "a", is_warning=True), Problem("b.md", 2, "b", is_warning=True)
    error = Problem("c.md", 3, "broken")
    assert shown.new([a, b, error]) == ([a, b], 0)
    assert shown.new([a, b, error]) == ([], 2)
    assert shown.new([a]) == ([], 1)
    assert shown.new([a, b]) == ([b], 1), "a warning that comes back is shown again"
