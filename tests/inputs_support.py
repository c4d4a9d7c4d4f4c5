"""Content for the tests of issue 16 (every input answered clearly and quickly), and
short names for the shared helpers of conftest.py as those tests use them."""

from __future__ import annotations

from pathlib import Path

from conftest import SITE_YAML, TODAY, cli, write_files
from conftest import build as build_project
from conftest import run_process as run_command

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


run = cli


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """root/content with a valid site.yaml (unless given) and the files; returns the content folder."""
    return write_files(root / "content", {"site.yaml": SITE_YAML, **files})


def run_process(*args: object, timeout: float = 300):
    """The command as its own process, so that a crash (a segfault) is seen as one."""
    return run_command(*args, env={"PYTHONFAULTHANDLER": "1"}, timeout=timeout)


def check(content: Path):
    return cli("check", "--content", content, "--today", TODAY)


def build(content: Path, output: Path):
    return build_project(content, output, "--quiet", expect=None)
