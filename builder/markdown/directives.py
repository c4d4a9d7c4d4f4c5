"""Chart directives in Markdown: a line `::: chart facts <fact id> <fact id> ...`.

Validation checks the ids at their line; rendering swaps the line for the chart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIRECTIVE = re.compile(r"^:::\s*chart\s+(\S+)((?:\s+\S+)*)\s*$")
KINDS = ("facts",)


@dataclass(frozen=True)
class Directive:
    line: int  # within the body, counting from 0
    kind: str
    ids: tuple[str, ...]


def find(body: str) -> list[Directive]:
    if ":::" not in body:
        return []
    found = []
    for number, text in enumerate(body.split("\n")):
        match = _DIRECTIVE.match(text.strip())
        if match:
            found.append(Directive(number, match.group(1), tuple(match.group(2).split())))
    return found


def placeholder(index: int) -> str:
    """Raw HTML that survives Markdown and sanitising untouched, and is not numbered."""
    return f'<div class="briefing-chart-{index}"></div>'


def replace_lines(body: str) -> tuple[str, list[Directive]]:
    """The body with each directive line swapped for a placeholder block."""
    lines = body.split("\n")
    found = find(body)
    for index, directive in enumerate(found):
        lines[directive.line] = "\n" + placeholder(index) + "\n"
    return "\n".join(lines), found
