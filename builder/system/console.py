"""What the terminal shows: problems, and a count of PDFs done while they render."""

from __future__ import annotations

import sys


def print_problems(problems, stream=None) -> None:
    for problem in problems:
        print(problem, file=stream or sys.stderr)


class Progress:
    """A single updating line 'PDFs: 3 of 7' on a terminal; silent anywhere else."""

    def __init__(self, enabled: bool, stream=None):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.shown = False

    @classmethod
    def for_terminal(cls, quiet: bool) -> Progress:
        return cls(enabled=not quiet and sys.stderr.isatty())

    def __call__(self, done: int, total: int, path: str) -> None:
        if self.enabled:
            self.stream.write(f"\rPDFs: {done} of {total} ({path})\x1b[K")
            self.stream.flush()
            self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
