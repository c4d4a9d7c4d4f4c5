"""`briefing new minutes MEETING-ID`: the minutes file of a meeting, written from
its agenda (one decision per item, by its number), never over an existing one."""

from __future__ import annotations

from pathlib import Path

from builder.reading import fields as f
from builder.render import templates
from builder.model.errors import ContentError, Problem
from builder.model.minutes import OUTCOMES, Minutes
from builder.model.content import Meeting
from builder.commands.new import yaml_string
from builder.project.loading import load_project


def create_minutes(content_dir: Path, meeting_id: str) -> Path:
    project, _ = load_project(content_dir)
    meeting = project.by_key.get(f"{Meeting.folder}/{meeting_id}")
    if meeting is None:
        ids = sorted(m.id for m in project.meetings)
        hint = f.nearest(meeting_id, ids)
        suggestion = f" (did you mean '{hint}'?)" if hint else ""
        raise ContentError([Problem(f"{Meeting.folder}/{meeting_id}.yaml", 0, "there is no such meeting to write "
                                    f"minutes for{suggestion}; give the id of a file in meetings/")])
    relative = f"{Minutes.folder}/{meeting.id}.yaml"
    target = content_dir / relative
    if target.exists():
        raise ContentError([Problem(relative, 0, "already exists and was left as it is; edit that file")])
    agenda = [(entry.number, entry.report.title if entry.report else entry.item.title)
              for entry in project.agenda(meeting)]
    env = templates.environment(content_dir)
    env.filters["yaml"] = yaml_string
    text = env.get_template("scaffold/minutes.yaml").render(meeting=meeting, agenda=agenda, site=project.site,
                                                            outcomes=", ".join(OUTCOMES))
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("x", encoding="utf-8") as file:  # "x": never overwrite, even in a race
        file.write(text)
    return target
