"""Shared helpers: files written into tmp_path, and the command line run in-process
or as a real process.

Fixture names are chosen not to clash with the fixtures that older test modules
define for themselves (content, site, built, internal, public, project).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SITES = TESTS / "sites"
INVALID_SITES = TESTS / "sites_invalid"


# Writing projects -----------------------------------------------------------

def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write {relative path: text or bytes} under root; text is written as given
    (no newline translation), so Windows line endings stay Windows line endings."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")


# Running the command --------------------------------------------------------

@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def __iter__(self):  # so that `code, out, err = cli(...)` works
        return iter((self.code, self.out, self.err))


@pytest.fixture
def cli(capsys):
    """cli("build", "--content", ...) -> Run(code, out, err), in this process.
    Usage errors (argparse's SystemExit) come back as their exit code."""

    def run(*args: object) -> Run:
        capsys.readouterr()  # forget whatever came before
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def run_process(*args: object, cwd: Path | None = None, env: dict | None = None) -> Run:
    """`python -m builder ARGS` as a real process: its exit status and output."""
    result = subprocess.run([sys.executable, "-m", "builder", *map(str, args)], cwd=cwd,
                            env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300)
    return Run(result.returncode, result.stdout, result.stderr)


# Reading the output ---------------------------------------------------------


def problem_lines(err: str) -> list[str]:
    """The lines of stderr that report a problem (not the closing summary)."""
    return [line for line in err.splitlines() if line.strip() and ": " in line
            and not line.split(": ", 1)[0].split()[0].isdigit()]


# The example project, built once per session -------------------------------

