"""`briefing new`: write a new item that passes `briefing check` straight away,
or the minutes of a meeting from its agenda (one decision per item, by its
number); never over an existing file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from builder.render import templates
from builder.render.skeletons import SPECIAL, render_skeleton
from builder.reading.yamlread import yaml_string
from builder.reading import fields
from builder.reading.content_files import read_yaml_file
from builder.model.errors import ContentError, Problem, Problems
from builder.model.minutes import OUTCOMES
from builder.model.content import Meeting
from builder.project.kinds import BY_NAME, Kind
from builder.project.loading import load_project
from builder.project.settings_files import read_site


def create(content_dir: Path, kind_name: str, title: str | None, today: dt.date) -> Path:
    """Write the new item and return its path; refuse to overwrite anything. For
    a kind written from a meeting, `title` is the meeting's id."""
    special = SPECIAL.get(kind_name)
    kind = BY_NAME[special.kind if special else kind_name]
    if kind.from_meeting:
        return _from_meeting(content_dir, kind, title)
    title = title or (special.title if special else "")
    if any("\udc80" <= character <= "\udcff" for character in title):
        # Bytes the terminal could not decode reach Python as lone surrogates.
        raise ContentError([Problem(ascii(title), 0, "the title holds characters that are not text in this "
                                    "terminal's encoding; type the title again")])
    item_id = special.id if special else fields.make_slug(title)
    if not item_id:
        raise ContentError([Problem(title, 0, "the title needs at least one letter or digit to make a file name from")])
    if not content_dir.is_dir():
        raise ContentError([Problem(str(content_dir), 0, "the content folder does not exist; give its path with --content")])
    relative = f"{kind.folder}/{item_id}{kind.ending}"
    target = content_dir / relative
    if target.exists():
        raise ContentError([Problem(relative, 0, "already exists and was left as it is; choose another title, or edit that file")])

    problems = Problems()
    site_file = content_dir / "site.yaml"
    site = read_site(read_yaml_file(site_file, "site.yaml", problems) if site_file.is_file() else None, problems)
    text = render_skeleton(content_dir, kind, lambda phrase: phrase, title=title, today=today, site=site,
                   template=special.template if special else None)
    _write_new(target, text)
    return target


def _from_meeting(content_dir: Path, kind: Kind, meeting_id: str) -> Path:
    """The minutes of the meeting: one decision per item of its agenda, by its number."""
    project, _ = load_project(content_dir)
    meeting = project.by_key.get(f"{Meeting.folder}/{meeting_id}")
    if meeting is None:
        ids = sorted(m.id for m in project.meetings)
        hint = fields.nearest(meeting_id, ids)
        suggestion = f" (did you mean '{hint}'?)" if hint else ""
        raise ContentError([Problem(f"{Meeting.folder}/{meeting_id}.yaml", 0, "there is no such meeting to write "
                                    f"minutes for{suggestion}; give the id of a file in meetings/")])
    relative = f"{kind.folder}/{meeting.id}{kind.ending}"
    target = content_dir / relative
    if target.exists():
        raise ContentError([Problem(relative, 0, "already exists and was left as it is; edit that file")])
    agenda = [(entry.number, entry.report.title if entry.report else entry.item.title)
              for entry in project.agenda(meeting)]
    env = templates.environment(content_dir)
    env.filters["yaml"] = yaml_string
    text = env.get_template(kind.scaffold).render(meeting=meeting, agenda=agenda, site=project.site,
                                                  outcomes=", ".join(OUTCOMES))
    _write_new(target, text)
    return target


def _write_new(target: Path, text: str) -> None:
    """Write a new file, never over one (even in a race), and never leave an empty
    one behind: the text is encoded before the file is made."""
    data = text.encode("utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as file:
        file.write(data)
