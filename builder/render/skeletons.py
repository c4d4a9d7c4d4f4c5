"""The skeletons `briefing new` writes, and the skeleton text a build must not publish.

The skeletons are templates (templates/scaffold/), so a project can override
them like any other template; the texts they mark as `placeholder(...)` are
what a build looks for in the items it publishes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
import datetime as dt
import re
from pathlib import Path

from builder.render import templates
from builder.project.kinds import BY_NAME, KINDS, Kind
from builder.project.accessibility import STATEMENT_ID
from builder.project.lifecycle import add_months
from builder.model.content import Item, Page, Threat
from builder.model.partnership import Site
from builder.reading.yamlread import yaml_string


@dataclass(frozen=True)
class Special:
    """An item `briefing new` writes by a name of its own, with a fixed id and skeleton."""

    kind: str
    id: str
    title: str
    template: str


SPECIAL = {STATEMENT_ID: Special(Page.kind, STATEMENT_ID, "Accessibility statement",
                                 f"scaffold/{STATEMENT_ID}.md")}


def _first_id(folder: Path, ending: str) -> str | None:
    names = sorted(p.stem for p in folder.glob(f"*{ending}") if not p.name.startswith("."))
    return names[0] if names else None


def render_skeleton(content_dir: Path, kind: Kind, placeholder, *, title: str, today: dt.date, site: Site,
            template: str | None = None) -> str:
    board_ids = [b.id for b in site.boards]
    group_ids = [g.id for g in site.groups]
    env = templates.environment(content_dir)
    env.filters["yaml"] = yaml_string
    threats = BY_NAME[Threat.kind]
    return env.get_template(template or kind.scaffold).render(
        placeholder=placeholder,
        title=title,
        today=today.isoformat(),
        review=add_months(today, 12).isoformat() if kind.reviewed else None,
        due=add_months(today, 3).isoformat(),
        # A meeting's examples of when its papers were due and issued, and a late item.
        before=(today - dt.timedelta(days=7)).isoformat(),
        later=(today - dt.timedelta(days=2)).isoformat(),
        site=site,
        board=board_ids[0] if board_ids else None,
        boards=", ".join(board_ids),
        group=group_ids[0] if group_ids else None,
        groups=", ".join(group_ids),
        threat=_first_id(content_dir / threats.folder, threats.ending),
        fact=None,
    )


def skeleton_phrases(content_dir: Path, site: Site) -> re.Pattern:
    """The texts the skeletons mark as `placeholder(...)`, the project's own
    skeletons included, as one pattern in which a title may be anything."""
    marker = "\x00title\x00"
    phrases: set[str] = set()

    def record(phrase: str) -> str:
        phrases.add(" ".join(phrase.split()))
        return phrase

    for kind in KINDS:
        if kind.scaffold and not kind.from_meeting:
            render_skeleton(content_dir, kind, record, title=marker, today=dt.date(2000, 1, 1), site=site)
    for special in SPECIAL.values():
        render_skeleton(content_dir, BY_NAME[special.kind], record, title=marker, today=dt.date(2000, 1, 1), site=site,
                template=special.template)
    # Longest first, so that a phrase is never matched by a shorter one inside it.
    ordered = sorted(phrases, key=lambda phrase: (-len(phrase), phrase))
    return re.compile("|".join(re.escape(phrase).replace(re.escape(marker), ".+?") for phrase in ordered) or "(?!)")


def _texts(value, line: int):
    """(text, line) of every piece of text in a field's value."""
    if isinstance(value, str):
        yield value, line
    elif isinstance(value, (tuple, list)):
        for entry in value:
            yield from _texts(entry, line)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        line = getattr(value, "line", line)
        for field in dataclasses.fields(value):
            yield from _texts(getattr(value, field.name), line)


def skeleton_text(item: Item, phrases: re.Pattern) -> list[tuple[int, str]]:
    """(line, text) of each skeleton text the item still holds: a field that is
    exactly one, or a paragraph of its text that contains one."""
    found = []
    for field in dataclasses.fields(item):
        if field.name in ("id", "path", "body", "classification", "field_lines"):
            continue
        for value, line in _texts(getattr(item, field.name), item.line_of(field.name)):
            text = " ".join(value.split())
            if phrases.fullmatch(text):
                found.append((line, text))
    line = item.body_line
    for paragraph in item.body.split("\n\n"):
        text = " ".join(paragraph.split())
        first = line + len(paragraph) - len(paragraph.lstrip("\n"))
        found.extend((first, match.group()) for match in phrases.finditer(text))
        line += paragraph.count("\n") + 2
    return found
