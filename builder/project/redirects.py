"""Renamed items keep their addresses: each of an item's `aliases` (its old ids)
becomes a page at the old address that sends the reader on to the new one (a
meta refresh, which is not script, and a plain link), and generated server
configuration answers the old address with a real redirect (`hosting`).

An alias that is another item's id is refused as the item is read (`rules.Aliases`);
one that two items of a kind both claim is refused here, once every item is read.
"""

from __future__ import annotations

from builder.model.errors import Problems
from builder.project.kinds import KINDS, kind_of
from builder.model.content import Item
from builder.model.project import Project
from builder.model.paths import page_path, pdf_path

TEMPLATE = "redirect.html"


def alias_path(item: Item, alias: str) -> str:
    return f"{item.folder}/{alias}.html"


def alias_problems(project: Project, problems: Problems, lines: dict[tuple[str, str], int]) -> None:
    """Each alias two items of a kind claim, at its line (`lines`: (file, alias) -> line) in the second file."""
    for kind in KINDS:
        claimed: dict[str, Item] = {}
        for item in sorted(getattr(project, kind.attribute), key=lambda item: item.path):
            for alias in item.aliases:
                first = claimed.setdefault(alias, item)
                if first is not item:
                    line = lines.get((item.path, alias), item.line_of("aliases"))
                    problems.error(item.path, line, f"the alias '{alias}' is also an alias of {first.path}: an old "
                                                    "address can lead to one item only; remove it from one")


def redirects(project: Project) -> list[tuple[str, str]]:
    """(old address, new address) of every alias of the items this build publishes:
    its page and, where the item is also a PDF beside its page, that PDF (a PDF
    cannot send its reader on by itself, so only the server redirects it)."""
    moved = []
    for item in project.items:
        beside = kind_of(item).pdf and pdf_path(item) == f"{item.folder}/{item.id}.pdf"
        for alias in item.aliases:
            moved.append((alias_path(item, alias), page_path(item)))
            if beside:
                moved.append((f"{item.folder}/{alias}.pdf", pdf_path(item)))
    return sorted(moved)

