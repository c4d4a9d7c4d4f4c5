"""Problems found in content, and how they are shown to an author."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, tied to a file and, where known, a line."""

    path: str
    line: int
    message: str
    is_warning: bool = False

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        kind = "warning: " if self.is_warning else ""
        return f"{where}: {kind}{self.message}"


class ContentError(Exception):
    """The content cannot be built; carries every problem of the run, warnings too."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def error_count(self) -> int:
        return sum(not p.is_warning for p in self.problems)


class Problems:
    """Collects problems during a run so that all of them are reported together."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(self, path: str, line: int | None, message: str) -> None:
        self.items.append(Problem(path, line or 0, message))

    def warn(self, path: str, line: int | None, message: str) -> None:
        self.items.append(Problem(path, line or 0, message, is_warning=True))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if not p.is_warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.is_warning]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ContentError(self.items)
