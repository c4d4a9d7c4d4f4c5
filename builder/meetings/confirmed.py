"""Confirmed minutes do not change silently.

Minutes are confirmed when a later meeting's minutes record `agreed` on its item
`{minutes: ID}` (`minutes.confirmation`). The first build that finds them
confirmed records, in the content folder's `confirmed.yaml` (committed with the
content), a hash of each part of them: the attendance, the declarations and the
decision on each item. A later build that would change any part fails, naming
it, unless the minutes record a new correction (`corrections`) agreed at a
meeting on or after the one that confirmed them; the corrections are printed
with the minutes, and recorded in turn.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from builder.model.errors import Problems
from builder.model.minutes import Confirmation, Minutes, confirmation
from builder.model.content import Meeting
from builder.model.project import Project
from builder.meetings.record_files import NOT_HASHED, canonical, digest, read_record, write_record
from builder.reading.yamlread import yaml_string

RECORD = "confirmed.yaml"
HEADER = """\
# The minutes as confirmed, written by `briefing build` when minutes are first
# built confirmed: a hash of each part of them, and of each correction since.
# Commit this file with the content and do not edit it: a build that would change
# confirmed minutes fails, unless the minutes record the change as a correction.
"""
# An action agreed on a paper is marked as the paper is: a change to the paper's
# marking is not a change to the minutes.
_NOT_HASHED = NOT_HASHED | {"classification"}


def parts(minutes: Minutes) -> dict[str, str]:
    parts = {"attendance": digest(canonical(minutes.attendance, _NOT_HASHED))}
    for number in sorted({d.item for d in minutes.declarations}):
        parts[f"declarations on item {number}"] = digest(canonical(
            tuple(d for d in minutes.declarations if d.item == number), _NOT_HASHED))
    for decision in minutes.decisions:
        parts[f"decision on item {decision.item}"] = digest(canonical(decision, _NOT_HASHED))
    return parts


def _line(minutes: Minutes, part: str) -> int:
    """Where a part of the minutes is written: its first entry, or the field."""
    if part.startswith(("declarations", "decision")):
        number = int(part.rsplit(" ", 1)[1])
        entries = minutes.declarations if part.startswith("declarations") else minutes.decisions
        entry = next((e for e in entries if e.item == number), None)
        return entry.line if entry else minutes.line_of("declarations" if part.startswith("decl") else "decisions")
    return minutes.line_of(part)


def read(content_dir: Path, problems: Problems) -> dict:
    def shape(data: dict) -> dict:
        return {path: {"meeting": str(entry["meeting"]), "parts": {str(k): str(v) for k, v in entry["parts"].items()},
                       "corrections": [str(c) for c in entry.get("corrections") or []]}
                for path, entry in data.items()}

    return read_record(content_dir, RECORD, "confirmed minutes", shape, problems)


def check(project: Project, content_dir: Path, today: dt.date, problems: Problems) -> dict:
    """Errors for every change to confirmed minutes and every correction that
    cannot stand; the records this build adds or updates (by minutes path), to be
    written by `record` once the build has succeeded."""
    recorded = read(content_dir, problems)
    added = {}
    for minutes in project.minutes:
        confirmed = None if minutes.draft else confirmation(project, minutes)
        if confirmed is None and minutes.path in recorded:
            _unconfirmed(project, minutes, recorded[minutes.path]["meeting"], problems)
            continue
        before = len(problems.errors)
        _check_corrections(project, minutes, confirmed, today, problems)
        if confirmed is None or len(problems.errors) > before:
            continue
        now = {"meeting": confirmed.meeting.id, "parts": parts(minutes),
               "corrections": [digest(canonical(c)) for c in minutes.corrections]}
        was = recorded.get(minutes.path)
        if was is None or (was["parts"] == now["parts"] and was["corrections"] == now["corrections"]):
            if was is None:
                added[minutes.path] = now
            continue
        if _changes(minutes, confirmed, was, now, problems):
            added[minutes.path] = now
    return added


def _unconfirmed(project: Project, minutes: Minutes, confirmed_at: str, problems: Problems) -> None:
    """Minutes recorded as confirmed stay confirmed: the decision that confirmed
    them (or their status) changed since, which is an error where it was made."""
    later = next((m for m in project.minutes if m.meeting_key == f"{Meeting.folder}/{confirmed_at}"), None)
    meeting = project.by_key.get(f"{Meeting.folder}/{confirmed_at}")
    number = next((n for n, item in enumerate(meeting.items, start=1) if item.minutes == minutes.id), None) \
        if meeting is not None else None
    decision = later.decision(number) if later is not None and number is not None else None
    where, line = (later.path, decision.line) if decision is not None else (minutes.path, minutes.line_of("status"))
    problems.error(where, line, f"the minutes {minutes.path} were confirmed at the meeting {confirmed_at}, as "
                   f"{RECORD} records, and would no longer be: put back the decision 'agreed' on their approval "
                   "(and their status), or, if the record is wrong, restore the files from version control")


def _check_corrections(project: Project, minutes: Minutes, confirmed: Confirmation | None, today: dt.date,
                       problems: Problems) -> None:
    for correction in minutes.corrections:
        meeting = project.by_key.get(f"{Meeting.folder}/{correction.meeting}")
        if meeting is None:
            continue  # the field rule has said so
        if meeting.date and meeting.date > today:
            problems.error(minutes.path, correction.line, f"the correction names the meeting {meeting.id} of "
                           f"{meeting.date:%-d %B %Y}, which has not yet taken place (today is {today}): a "
                           "correction is agreed at a meeting that has been held")
        elif confirmed is None:
            problems.error(minutes.path, correction.line, "these minutes are not confirmed, so there is nothing to "
                           "correct: change the minutes themselves and take the correction out")
        elif meeting.date and confirmed.date and meeting.date < confirmed.date:
            problems.error(minutes.path, correction.line, f"the correction names the meeting {meeting.id}, before "
                           f"the one that confirmed these minutes ({confirmed.meeting.id}): name the meeting, on or "
                           "after that one, that agreed the correction")


def _changes(minutes: Minutes, confirmed: Confirmation, was: dict, now: dict, problems: Problems) -> bool:
    """Whether the changes since the record stand: each correction recorded is
    still there, and a part that changed comes with a new correction."""
    new = [c for c in now["corrections"] if c not in was["corrections"]]
    stands = True
    if any(c not in now["corrections"] for c in was["corrections"]):
        problems.error(minutes.path, minutes.line_of("corrections"), "a correction recorded with these confirmed "
                       "minutes has been changed or taken out: put it back as it was")
        stands = False
    changed = sorted(part for part in set(was["parts"]) | set(now["parts"])
                     if was["parts"].get(part) != now["parts"].get(part))
    if changed and not new:
        when = f"{confirmed.date:%-d %B %Y}" if confirmed.date else confirmed.meeting.id
        for part in changed:
            what = ("appeared" if part not in was["parts"] else "disappeared" if part not in now["parts"]
                    else "changed")
            problems.error(minutes.path, _line(minutes, part), f"these minutes were confirmed at the meeting of "
                           f"{when} ({confirmed.meeting.id}), but their {part} {what} since: undo the change, or "
                           "record it as a correction with the meeting that agreed it ('corrections: [{meeting: "
                           "MEETING-ID, text: ...}]')")
        stands = False
    return stands


def record(content_dir: Path, added: dict) -> None:
    """Add or update this build's records in confirmed.yaml, in a stable order."""
    if not added:
        return
    recorded = {**read(content_dir, Problems()), **added}
    lines = [HEADER]
    for path in sorted(recorded):
        entry = recorded[path]
        lines.append(f"{yaml_string(path)}:\n  meeting: {yaml_string(entry['meeting'])}\n")
        lines.append("  corrections:\n" if entry["corrections"] else "  corrections: []\n")
        lines.extend(f"    - {yaml_string(c)}\n" for c in entry["corrections"])
        lines.append("  parts:\n")
        lines.extend(f"    {yaml_string(part)}: {yaml_string(value)}\n" for part, value in sorted(entry["parts"].items()))
    write_record(content_dir, RECORD, "".join(lines))
