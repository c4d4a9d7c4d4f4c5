"""Issued agenda packs do not change.

A meeting with `issued: DATE` has its pack frozen from that date: the first build
on or after it records, in the content folder's `issued.yaml` (committed with the
content), a hash of each part of each agenda item (its agenda line, its paper's
fields, its text, each appendix, or each part of the minutes it binds in, as
`confirmed` hashes them) and of the cover. A later build that would
change any of them fails, naming what changed, unless the item is listed in a
new supplementary pack (`supplementary`), or the meeting gives the reason the
pack is issued again (`reissued`); each of those is recorded in turn.

What is hashed is the content, not the PDF: the same in both profiles, and not
changed by a new version of briefing or its templates. A field the paper leaves
at its default is not hashed, so that a field added to briefing later does not
change every issued pack.

The record is read back field by field. The build writes it and nobody should
edit it, but people do, and a merge of two branches that each issued a pack can
leave it damaged. Each problem names
its line and what to do: restore the file from version control, or delete the
meeting's entry so that the next build records its pack again as it stands.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
import re

from builder.meetings.confirmed import parts as minutes_parts
from builder.meetings.record_files import canonical, digest, write_record
from builder.markdown import directives
from builder.model import files
from builder.model.content import AgendaItem, Meeting, Report
from builder.model.project import Project
from builder.model.errors import Problems
from builder.model.minutes import Minutes
from builder.model.paths import pdf_path, supplement_path
from builder.reading import fields
from builder.reading.content_files import read_text
from builder.reading.yamlread import LineDict, LineList, parse_yaml, yaml_string

MANIFEST = "issued.yaml"
# The part of a paper's record that holds what it shows from elsewhere: charted
# facts, images and files. Records made before it was frozen are completed once.
SHOWN = "facts and files shown"
_HASH = re.compile(r"[0-9a-f]{16}")
_PACK = re.compile(r"agenda|reissued|supplementary [1-9][0-9]*")
_KEYS = ("pack", "file", "issued", "reason", "cover", "items")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.MULTILINE)
_RESTORE = "restore the file from version control"


class _Wrong(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def read_manifest(content_dir, problems: Problems) -> dict:
    """The packs recorded for each meeting, by the meeting's path: {path: [pack]},
    each pack {pack, file, issued, reason?, cover?, items: {number: {part: hash}}}.
    Entries with a problem are left out, after an error at their line."""
    file = content_dir / MANIFEST
    if not file.is_file():
        return {}
    text = read_text(file, MANIFEST, problems)
    if text is None:
        return {}
    conflicts = [text.count("\n", 0, match.start()) + 1 for match in _CONFLICT.finditer(text)]
    if conflicts:
        for line in conflicts:
            problems.error(MANIFEST, line, "a merge left this conflict marker in the record of issued packs: keep "
                           "both sides' entries and remove the markers, or delete the entries of the meetings in "
                           "conflict so that the next build records their packs again as they stand")
        return {}
    before = len(problems.errors)
    data = parse_yaml(text, MANIFEST, 1, problems) if text.strip() else {}
    if len(problems.errors) > before:
        return {}
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        problems.error(MANIFEST, 1, f"the record of issued packs must list the packs of each meeting by the "
                                    f"meeting's file; {_RESTORE}, or delete it to record every issued pack again")
        return {}
    manifest = {}
    for path, packs in data.items():
        line = data.line_of(path)
        remedy = (f"{_RESTORE}, or delete the entry of '{fields.visible(str(path))}' (line {line}) so that the next "
                  "build records its pack again as it stands")
        wrong = []
        if not isinstance(path, str) or not path.startswith(f"{Meeting.folder}/") or not path.endswith(".yaml"):
            wrong.append(_Wrong(line, f"'{fields.visible(str(path))}' is not a meeting's file (meetings/<id>.yaml)"))
        elif not isinstance(packs, LineList) or not packs:
            wrong.append(_Wrong(line, "the entry must be a list of packs, each starting '- pack:'"))
        else:
            read = []
            for index, pack in enumerate(packs):
                try:
                    read.append(_read_pack(pack, packs.item_lines[index], index + 1))
                except _Wrong as exc:
                    wrong.append(exc)
            manifest[path] = read
        for exc in wrong:
            problems.error(MANIFEST, exc.line, f"{exc}: {remedy}")
        if wrong:
            manifest.pop(path, None)  # half a record would freeze half a pack
    return manifest


def _read_pack(pack: object, line: int, number: int) -> dict:
    where = f"pack {number} of the entry"
    if not isinstance(pack, LineDict):
        raise _Wrong(line, f"{where} must be written as 'pack:', 'file:', 'issued:' and 'items:' lines")
    for key in pack:
        if key not in _KEYS:
            raise _Wrong(pack.line_of(key), f"'{fields.visible(str(key))}' is not a field of a recorded pack "
                                            f"({', '.join(_KEYS)})")
    for key in ("pack", "file", "issued", "items"):
        if key not in pack:
            raise _Wrong(pack.line, f"{where} has no '{key}'")
    kind = pack["pack"]
    if not isinstance(kind, str) or not _PACK.fullmatch(kind):
        raise _Wrong(pack.line_of("pack"), f"'pack' must be agenda, reissued or supplementary N, not "
                                          f"'{fields.visible(str(kind))}'")
    try:
        issued = fields.date(pack["issued"]).isoformat()
    except fields.Invalid as exc:
        raise _Wrong(pack.line_of("issued"), f"'issued' {exc}") from None
    record = {"pack": kind, "file": _text(pack, "file"), "issued": issued, "items": _items(pack)}
    if not kind.startswith("supplementary"):
        if "cover" not in pack:
            raise _Wrong(pack.line, f"{where} ({kind}) has no 'cover'")
        record["cover"] = _digest(pack["cover"], pack.line_of("cover"), "'cover'")
    if "reason" in pack:
        record["reason"] = _text(pack, "reason")
    elif kind == "reissued":
        raise _Wrong(pack.line, f"{where} (reissued) has no 'reason'")
    return record


def _text(pack: LineDict, key: str) -> str:
    try:
        return fields.text(pack[key])
    except fields.Invalid as exc:
        raise _Wrong(pack.line_of(key), f"'{key}' {exc}") from None


def _items(pack: LineDict) -> dict[int, dict[str, str]]:
    items, line = pack["items"], pack.line_of("items")
    if not isinstance(items, LineDict):
        raise _Wrong(line, "'items' must list each agenda item's number with the hashes of its parts")
    result = {}
    for number, parts in items.items():
        at = items.line_of(number)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise _Wrong(at, f"'{fields.visible(str(number))}' is not an agenda item's number")
        if not isinstance(parts, LineDict) or not parts:
            raise _Wrong(at, f"item {number} must list the hashes of its parts, such as '\"text\": \"...\"'")
        result[int(number)] = {str(part): _digest(digest, parts.line_of(part), f"the hash of item {number}'s {part}")
                               for part, digest in parts.items()}
    return result


def _digest(value: object, line: int, what: str) -> str:
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise _Wrong(line, f"{what} must be 16 characters 0-9 and a-f as the build wrote it, not "
                           f"'{fields.visible(str(value))}'")
    return value


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
            parts[f"appendix {number}"] = (_file_hash(content_dir, appendix.target)
                                           if appendix.is_asset else digest(canonical(item)))
        parts[SHOWN] = _shown(project, content_dir, report)
    minutes = project.by_key.get(f"{Minutes.folder}/{entry.minutes}") if entry.minutes else None
    if minutes is not None:
        # Corrections and the progress of actions come after the pack, as in the
        # record of confirmed minutes; the id ties each part to the minutes bound in.
        for part, value in minutes_parts(minutes).items():
            parts[f"minutes {part}"] = digest([entry.minutes, value])
    return parts


def _file_hash(content_dir: Path, path: str) -> str:
    if files.special(content_dir / path):
        return ""
    try:
        return hashlib.sha256((content_dir / path).read_bytes()).hexdigest()[:16]
    except OSError:  # a missing file is an error at its link; here it is simply not the file issued
        return ""


def _shown(project: Project, content_dir: Path, report: Report) -> str:
    """What a paper (and each item bound in as its appendix) shows from elsewhere:
    the facts its charts draw, and the bytes of the images and files it links."""
    items = [report] + [project.by_key[a.target] for a in report.appendices
                        if not a.is_asset and a.target in project.by_key]
    facts = sorted({fact_id for item in items for found in directives.find(item.body) for fact_id in found.ids})
    files = sorted({link.target for item in items for link in item.links if link.target.startswith("assets/")})
    return digest({"facts": {fact_id: canonical(project.facts_by_id.get(fact_id)) for fact_id in facts},
                   "files": {path: _file_hash(content_dir, path) for path in files}})


def _pack(project: Project, content_dir: Path, meeting: Meeting) -> dict:
    cover = digest([meeting.title, meeting.board, meeting.date, meeting.time, meeting.venue])
    return {"cover": cover, "items": {number: _item_parts(project, content_dir, entry)
                                      for number, entry in enumerate(meeting.items, start=1)}}


def check(project: Project, content_dir: Path, today: dt.date, problems: Problems) -> dict:
    """Errors for every change to an issued pack; the records of each meeting whose
    records this build adds to or completes (by meeting path), to be written by
    `record` once the build has succeeded."""
    manifest = read_manifest(content_dir, problems)
    added: dict[str, list[dict]] = {}
    for meeting in project.meetings:
        for supplement in meeting.supplementary:
            for number in supplement.items:
                if not 1 <= number <= len(meeting.items):
                    problems.error(meeting.path, supplement.line, f"supplementary pack {supplement.number} lists item "
                                   f"{number}, but the agenda has {len(meeting.items)} items: give the number "
                                   "the item has on the agenda")
        records = manifest.get(meeting.path, [])
        if meeting.issued is None or meeting.issued > today:
            if records:
                _unissued(meeting, records, problems)
            continue
        current = _pack(project, content_dir, meeting)
        records, completed = _completed(records, current)
        new = _new_records(meeting, records, current, today, problems)
        if new or completed:
            added[meeting.path] = records + new
    return added


def _unissued(meeting: Meeting, records: list[dict], problems: Problems) -> None:
    first = records[0]["issued"]
    line = meeting.line_of("issued") if meeting.issued else meeting.line_of("date")
    problems.error(meeting.path, line, f"the agenda pack was issued on {first} (issued.yaml records it), so "
                   f"'issued' cannot be taken away or moved later: put back 'issued: {first}'")


def _completed(records: list[dict], current: dict) -> tuple[list[dict], bool]:
    """The records with what each paper shows from elsewhere (`SHOWN`) added where
    a record made before briefing froze it lacks it: taken as it is now, once, and
    checked from then on. True when any was added."""
    completed, added = [], False
    for record in records:
        items = {}
        for number, parts in record["items"].items():
            now = current["items"].get(number, {})
            if "paper" in parts and SHOWN not in parts and SHOWN in now:
                parts, added = {**parts, SHOWN: now[SHOWN]}, True
            items[number] = parts
        completed.append({**record, "items": items})
    return completed, added


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


def record(content_dir: Path, changed: dict) -> None:
    """Write this build's records into issued.yaml (by meeting path, each meeting's
    records oldest first), in a stable order."""
    if not changed:
        return
    manifest = {**read_manifest(content_dir, Problems()), **changed}
    lines = [HEADER]
    for path in sorted(manifest):
        lines.append(f"{yaml_string(path)}:\n")
        for pack in manifest[path]:
            lines.append(f"  - pack: {yaml_string(pack['pack'])}\n")
            for key in ("file", "issued", "reason", "cover"):
                if pack.get(key) is not None:
                    lines.append(f"    {key}: {yaml_string(str(pack[key]))}\n")
            lines.append("    items:\n" if pack["items"] else "    items: {}\n")
            for number, parts in sorted(pack["items"].items()):
                lines.append(f"      {number}:\n")
                lines.extend(f"        {yaml_string(part)}: {yaml_string(value)}\n" for part, value in sorted(parts.items()))
    write_record(content_dir, MANIFEST, "".join(lines))
