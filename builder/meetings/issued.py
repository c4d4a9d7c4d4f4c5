"""Issued agenda packs do not change.

A meeting with `issued: DATE` has its pack frozen from that date: the first build
on or after it records, in the content folder's `issued.yaml` (committed with the
content), a hash of each part of each agenda item (its agenda line, its paper's
fields, its text, each appendix, or each part of the minutes it binds in, as
`minutes_confirmed` hashes them) and of the cover. A later build that would
change any of them fails, naming what changed, unless the item is listed in a
new supplementary pack (`supplementary`), or the meeting gives the reason the
pack is issued again (`reissued`); each of those is recorded in turn.

What is hashed is the content, not the PDF: the same in both profiles, and not
changed by a new version of briefing or its templates. A field the paper leaves
at its default is not hashed, so that a field added to briefing later does not
change every issued pack.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path

from builder.model.errors import Problems
from builder.meetings.issued_record import MANIFEST, read_manifest
from builder.meetings.confirmed import parts as minutes_parts
from builder.model.content import AgendaItem, Meeting, Project
from builder.model.paths import pdf_path, supplement_path
from builder.meetings.record_files import canonical, digest, quote, write_record

HEADER = """\
# The agenda packs as issued, written by `briefing build` when a pack is first
# built on or after its meeting's `issued` date: a hash of each part of each item.
# Commit this file with the content and do not edit it: a build that would change
# an issued pack fails, unless the meeting lists the change in a supplementary
# pack or gives a `reissued` reason.
"""


def _item_parts(project: Project, content_dir: Path, entry: AgendaItem) -> dict[str, str]:
    line = {"report": entry.report, "title": entry.title, "note": entry.note, "urgent_reason": entry.urgent_reason}
    parts = {"agenda line": digest(line)}
    report = project.report(entry.report) if entry.report else None
    if report is not None:
        parts["paper"] = digest(canonical(dataclasses.replace(report, body="")))
        parts["text"] = digest(report.body)
        for number, appendix in enumerate(report.appendices, start=1):
            item = project.by_key.get(appendix.target)
            parts[f"appendix {number}"] = (hashlib.sha256((content_dir / appendix.target).read_bytes()).hexdigest()[:16]
                                           if appendix.is_asset else digest(canonical(item)))
    minutes = project.by_key.get(f"minutes/{entry.minutes}") if entry.minutes else None
    if minutes is not None:
        # Corrections and the progress of actions come after the pack, as in the
        # record of confirmed minutes; the id ties each part to the minutes bound in.
        for part, value in minutes_parts(minutes).items():
            parts[f"minutes {part}"] = digest([entry.minutes, value])
    return parts


def _pack(project: Project, content_dir: Path, meeting: Meeting) -> dict:
    cover = digest([meeting.title, meeting.board, meeting.date, meeting.time, meeting.venue])
    return {"cover": cover, "items": {number: _item_parts(project, content_dir, entry)
                                      for number, entry in enumerate(meeting.items, start=1)}}


def check(project: Project, content_dir: Path, today: dt.date, problems: Problems) -> dict:
    """Errors for every change to an issued pack; the records this build adds (by
    meeting path), to be written by `record` once the build has succeeded."""
    manifest = read_manifest(content_dir, problems)
    added: dict[str, list[dict]] = {}
    for meeting in project.meetings:
        for supplement in meeting.supplementary:
            for number in supplement.items:
                if not 1 <= number <= len(meeting.items):
                    problems.error(meeting.path, supplement.line, f"supplementary pack {supplement.number} lists item "
                                   f"{number}, but the agenda has {len(meeting.items)} items: give the number "
                                   "the item has on the agenda")
        if meeting.issued is None or meeting.issued > today:
            continue
        current = _pack(project, content_dir, meeting)
        records = manifest.get(meeting.path, [])
        new = _new_records(meeting, records, current, today, problems)
        if new:
            added[meeting.path] = new
    return added


def _new_records(meeting: Meeting, records: list[dict], current: dict, today: dt.date,
                 problems: Problems) -> list[dict]:
    """The records this build adds for one meeting whose pack is issued, or every
    change to what was issued in `problems`."""
    base = {"file": pdf_path(meeting), **current}
    supplements = {record.get("pack") for record in records}
    due = [s for s in meeting.supplementary if s.issued <= today and f"supplementary {s.number}" not in supplements]
    later = [{"pack": f"supplementary {s.number}", "file": supplement_path(meeting, s.number), "issued": s.issued,
              "items": {n: current["items"][n] for n in s.items if n in current["items"]}} for s in due]
    if not records:
        return [{"pack": "agenda", "issued": meeting.issued, **base}] + later
    if meeting.reissued and meeting.reissued not in {r.get("reason") for r in records}:
        return [{"pack": "reissued", "issued": today, "reason": meeting.reissued, **base}] + later
    state = {"cover": None, "items": {}}
    for record in records:
        if record["pack"].startswith("supplementary"):
            state["items"] = {**state["items"], **record["items"]}
        else:
            state = {"cover": record.get("cover"), "items": dict(record["items"]), "issued": record.get("issued")}
    covered = {n for s in due for n in s.items}
    before = len(problems.errors)
    issued = state.get("issued", meeting.issued)
    if state["cover"] != current["cover"]:
        problems.error(meeting.path, meeting.line_of("date"), f"the cover of the agenda pack issued on {issued} "
                       "(title, board, date, time or venue) has changed: undo the change, or give the reason "
                       "the pack is issued again as 'reissued'")
    for number in sorted(set(state["items"]) | set(current["items"])):
        was, now = state["items"].get(number), current["items"].get(number)
        if was != now and number not in covered:
            _changed(meeting, number, was, now, issued, problems)
    return later if len(problems.errors) == before else []


def _changed(meeting: Meeting, number: int, was: dict | None, now: dict | None, issued, problems: Problems) -> None:
    remedy = (f"undo the change, or list item {number} in a new supplementary pack ('supplementary: "
              f"[{{issued: YYYY-MM-DD, items: [{number}]}}]'), or give the reason the pack is issued again as "
              "'reissued'")
    where = f"item {number} of the agenda pack issued on {issued}"
    line = meeting.items[number - 1].line if number <= len(meeting.items) else meeting.line_of("items")
    if was is None or now is None:
        what = "was added to the agenda" if was is None else "was taken off the agenda"
        problems.error(meeting.path, line, f"{where} {what} since: {remedy}")
        return
    for part in sorted(set(was) | set(now)):
        if was.get(part) != now.get(part):
            problems.error(meeting.path, line, f"{where} has changed since: its {part} "
                           f"{'is new' if part not in was else 'is gone' if part not in now else 'differs'}; "
                           f"{remedy}")


def record(content_dir: Path, added: dict) -> None:
    """Add this build's records to issued.yaml, oldest first, in a stable order."""
    if not added:
        return
    manifest = read_manifest(content_dir, Problems())
    for path, records in added.items():
        manifest.setdefault(path, []).extend(records)
    lines = [HEADER]
    for path in sorted(manifest):
        lines.append(f"{quote(path)}:\n")
        for pack in manifest[path]:
            lines.append(f"  - pack: {quote(pack['pack'])}\n")
            for key in ("file", "issued", "reason", "cover"):
                if pack.get(key) is not None:
                    lines.append(f"    {key}: {quote(str(pack[key]))}\n")
            lines.append("    items:\n" if pack["items"] else "    items: {}\n")
            for number, parts in sorted(pack["items"].items()):
                lines.append(f"      {number}:\n")
                lines.extend(f"        {quote(part)}: {quote(value)}\n" for part, value in sorted(parts.items()))
    write_record(content_dir, MANIFEST, "".join(lines))
