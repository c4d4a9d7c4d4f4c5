"""Helpers for the tests of issue 16 (every input answered clearly and quickly):
a tiny project written into a folder, the command run in this process or as its
own, and a guard that stops a case that never ends. Kept apart from conftest.py,
which other work rewrites; nothing here is a fixture."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from builder.cli import main

TODAY = "2016-01-15"
SITE_YAML = """\
title: Inputs test site
organisation: Test Partnership
classification: OFFICIAL
boards:
  main-board: {name: Main Board}
groups:
  prevent: {name: Prevent Group, remit: Community resilience}
implications: [Financial, Legal]
"""
PAGE = "---\ntitle: {title}\n---\n{body}\n"
REPORT = """\
---
title: A board paper
to: main-board
on: 2015-09-02
---
{body}
"""
MEETING = """\
board: main-board
date: 2015-09-02
time: "10:00"
venue: {venue}
items:
  - title: Apologies
"""
SPOTLIGHT = """\
---
title: A spotlight
date: 2015-06-10
board: main-board
actions:
  - action: {action}
    owner: prevent
    due: 2015-12-31
---
Notes.
"""


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """root/content with a valid site.yaml (unless given) and the files; returns the content folder."""
    content = root / "content"
    for name, data in {"site.yaml": SITE_YAML, **files}.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")
    return content


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run(*args: object) -> Run:
    """The command in this process: its exit status and what it printed. A usage error
    (argparse's exit) is its status; any other exception propagates, failing the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 2
    return Run(code, out.getvalue(), err.getvalue())


def run_process(*args: object, timeout: float = 300) -> Run:
    """`python -m builder ARGS` as its own process, so that a crash (a segfault) is seen as one."""
    result = subprocess.run([sys.executable, "-m", "builder", *map(str, args)], capture_output=True, text=True,
                            timeout=timeout, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    return Run(result.returncode, result.stdout, result.stderr)


def check(content: Path) -> Run:
    return run("check", "--content", content, "--today", TODAY)


def build(content: Path, output: Path) -> Run:
    return run("build", "--content", content, "--output", output, "--today", TODAY, "--no-pdf", "--jobs", "1",
               "--quiet")


class Hang(Exception):
    """A case that ran past its hang guard."""


@contextlib.contextmanager
def hang_guard(seconds: int):
    """Stop a case that never ends. Generous: it tells a hang from slowness, and
    asserts no timing."""
    def stop(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
