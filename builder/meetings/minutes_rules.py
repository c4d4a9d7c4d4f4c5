"""The fields of a minutes file (`minutes/<meeting id>.yaml`), declared with the
field rules every kind uses, and what minutes are checked against once every
item is read (`settle`): their meeting (it must exist, have the items they
minute, and have taken place by `--today`), and the agendas that approve them. Minutes and approving agenda items are named
after their meetings here.
"""

from __future__ import annotations

from dataclasses import replace
import datetime as dt

from builder.model.content import Meeting
from builder.model.content import highest_marking
from builder.model.project import Project
from builder.model.errors import Problems
from builder.model.minutes import MINUTES_STATUSES, OUTCOMES, Attendance, Attendee, Correction, Decision, Declaration
from builder.model.minutes import Minutes
from builder.reading import fields
from builder.reading import rules
from builder.reading.yamlread import LineDict

def settle(made: dict[str, tuple], problems: Problems) -> dict[str, tuple]:
    """The items made (kind attribute -> items) with the minutes checked against
    their meetings and titled after them, and each agenda item that approves
    minutes titled after the meeting they minute."""
    meetings = {meeting.id: meeting for meeting in made["meetings"]}
    markings = {report.id: report.classification for report in made["reports"]}
    minutes = tuple(_settled(one, meetings.get(one.id), sorted(meetings), markings, problems)
                    for one in made["minutes"])
    approving = tuple(_approving(meeting, meetings, problems) for meeting in made["meetings"])
    return {**made, "minutes": minutes, "meetings": approving}


def _settled(minutes: Minutes, meeting: Meeting | None, meeting_ids: list[str], markings: dict[str, str],
             problems: Problems) -> Minutes:
    if meeting is None:
        hint = fields.nearest(minutes.id, meeting_ids)
        suggestion = f" (did you mean minutes/{hint}.yaml?)" if hint else ""
        problems.error(minutes.path, 1, f"there is no meeting meetings/{minutes.id}.yaml for these minutes; name the "
                                        f"file after its meeting's file{suggestion}")
        return minutes
    count = len(meeting.items)
    for what, entries in (("a decision", minutes.decisions), ("a declaration", minutes.declarations)):
        for entry in entries:
            if entry.item > count:
                problems.error(minutes.path, entry.line, f"{what} names item {entry.item}, but the agenda of "
                               f"{meeting.path} has {count} item{'s' if count != 1 else ''}; "
                               "use the item's number on that agenda")
    # An action agreed on a paper is marked as the paper is, wherever the action plan shows it.
    decisions = tuple(replace(d, actions=tuple(replace(a, classification=highest_marking(
        [a.classification, markings.get(meeting.items[d.item - 1].report, a.classification)])) for a in d.actions))
        if d.item <= count else d for d in minutes.decisions)
    return replace(minutes, title=minutes.title or f"Minutes: {meeting.title}", decisions=decisions)


def _approving(meeting: Meeting, meetings: dict[str, Meeting], problems: Problems) -> Meeting:
    items = []
    for agenda_item in meeting.items:
        minuted = meetings.get(agenda_item.minutes) if agenda_item.minutes else None
        if minuted is not None:
            line = agenda_item.line or meeting.line_of("items")
            if minuted.board != meeting.board:
                problems.error(meeting.path, line, f"the minutes of {minuted.id} are put for approval here, but that "
                               f"is a meeting of another board ({minuted.board}); approve minutes at a later meeting "
                               "of their own board")
            elif minuted.date and meeting.date and minuted.date >= meeting.date:
                problems.error(meeting.path, line, f"the minutes of {minuted.id} are approved here, but that meeting "
                               "is not an earlier one; approve minutes at a later meeting")
            # The line names that meeting, so it shows that meeting's marking.
            agenda_item = replace(agenda_item, classification=minuted.classification,
                                  title=agenda_item.title or f"Minutes of the previous meeting: {minuted.title}")
        items.append(agenda_item)
    return replace(meeting, items=tuple(items)) if tuple(items) != meeting.items else meeting


def date_problems(project: Project, today: dt.date, problems: Problems) -> None:
    """Minutes of a meeting that has not yet taken place (by `--today`)."""
    for minutes in project.minutes:
        meeting = project.by_key.get(minutes.meeting_key)
        if meeting is not None and meeting.date and meeting.date > today:
            problems.error(minutes.path, 1, f"these are minutes of a meeting on {meeting.date.isoformat()}, which has "
                                            f"not yet taken place (today is {today.isoformat()}); write them after "
                                            "the meeting")


def _attendee(reading: rules.Reading, values: dict) -> Attendee | None:
    return Attendee(**values) if values["name"] else None


def _declaration(reading: rules.Reading, values: dict) -> Declaration | None:
    if None in values.values():
        return None
    return Declaration(**values, line=reading.fields.data.line)


def _correction(reading: rules.Reading, values: dict) -> Correction | None:
    if None in values.values():
        return None
    return Correction(**values, line=reading.fields.data.line)


def _decision(reading: rules.Reading, values: dict) -> Decision | None:
    if values["outcome"] is None:
        return None
    # A decision's actions come from the meeting: the action plan links them to it.
    meeting = f"{Meeting.folder}/{reading.key.split('/', 1)[1]}"
    actions = tuple(replace(action, origin=meeting) for action in values.pop("actions"))
    return Decision(**values, actions=actions, item=0, line=reading.fields.data.line)


class Decisions(rules.Rule):
    """Decisions keyed by agenda number: `3: {outcome: agreed, text: ..., actions: [...]}`."""

    def __init__(self, group: rules.Group):
        super().__init__()
        self.group = group

    def read(self, reading, name):
        entry = reading.fields.mapping(name)
        made = []
        for key, value in (entry or {}).items():
            line = entry.line_of(key)
            if type(key) is bool or not isinstance(key, int) or key < 1:
                reading.known.problems.error(reading.fields.path, line, f"'{key}' is not an agenda item number; key "
                                             "each decision by its item's number on the agenda, such as '3:'")
                continue
            if not isinstance(value, LineDict):
                reading.known.problems.error(reading.fields.path, line, f"the decision on item {key} must be a group "
                                             "of fields such as 'outcome: agreed'")
                continue
            inner = reading.inner(value, self.group.rules, f"the decision on item {key}")
            decision = self.group.make(inner, rules.read_all(self.group.rules, inner))
            if decision is not None:
                made.append(replace(decision, item=int(key), line=line))
        return tuple(sorted(made, key=lambda decision: decision.item))


def _people(what: str) -> rules.ListOf:
    return rules.ListOf(rules.Group(what, {
        "name": rules.Text(required=True),
        "role": rules.Text(default=""),
        "organisation": rules.Text(default=""),
    }, _attendee))


ATTENDANCE = rules.Group("the attendance", {
    "present": _people("a member present"),
    "apologies": _people("an apology"),
    "substitutes": _people("a substitute"),
    "in_attendance": _people("someone in attendance"),
}, lambda reading, values: Attendance(**values), required=True,
    needs="minutes say who attended: write 'attendance:' with who was 'present' (and any 'apologies', "
          "'substitutes' and 'in_attendance')")


def minutes_fields(common: dict, actions: rules.Rule) -> dict:
    """A minutes file's fields, with the kinds' common fields (their `draft` is the status)
    and actions in the format of every other action."""
    return {
        **{name: rule for name, rule in common.items() if name != "draft"},
        "title": rules.Text(default=""),  # by default, named after the meeting (`settle`)
        "status": rules.Choice(MINUTES_STATUSES, default="unconfirmed"),
        "attendance": ATTENDANCE,
        "declarations": rules.ListOf(rules.Group("a declaration of interest", {
            "member": rules.Text(required=True),
            "item": rules.WholeNumber(1, 999, required=True),
            "nature": rules.Text(required=True),
        }, _declaration)),
        "decisions": Decisions(rules.Group("a decision", {
            "outcome": rules.Choice(OUTCOMES, required=True),
            "text": rules.Text(default=""),
            "actions": actions,
        }, _decision)),
        "corrections": rules.ListOf(rules.Group("a correction", {
            "meeting": rules.Ids(Meeting, many=False, required=True),
            "text": rules.Text(required=True),
        }, _correction)),
    }
