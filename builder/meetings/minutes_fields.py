"""The fields of a minutes file (`minutes/<meeting id>.yaml`), declared with the
field rules every kind uses. What can only be checked against the meeting (its
agenda numbers, its date) is checked in `minutes_check`."""

from __future__ import annotations

from dataclasses import replace

from builder.reading import rules as c
from builder.model.minutes import MINUTES_STATUSES, OUTCOMES, Attendance, Attendee, Correction, Decision, Declaration
from builder.model.content import Meeting
from builder.reading.yamlread import LineDict


def _attendee(reading: c.Reading, values: dict) -> Attendee | None:
    return Attendee(**values) if values["name"] else None


def _declaration(reading: c.Reading, values: dict) -> Declaration | None:
    if None in values.values():
        return None
    return Declaration(**values, line=reading.fields.data.line)


def _correction(reading: c.Reading, values: dict) -> Correction | None:
    if None in values.values():
        return None
    return Correction(**values, line=reading.fields.data.line)


def _decision(reading: c.Reading, values: dict) -> Decision | None:
    if values["outcome"] is None:
        return None
    # A decision's actions come from the meeting: the action plan links them to it.
    meeting = f"{Meeting.folder}/{reading.key.split('/', 1)[1]}"
    actions = tuple(replace(action, origin=meeting) for action in values.pop("actions"))
    return Decision(**values, actions=actions, item=0, line=reading.fields.data.line)


class Decisions(c.Rule):
    """Decisions keyed by agenda number: `3: {outcome: agreed, text: ..., actions: [...]}`."""

    def __init__(self, group: c.Group):
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
            decision = self.group.make(inner, c.read_all(self.group.rules, inner))
            if decision is not None:
                made.append(replace(decision, item=int(key), line=line))
        return tuple(sorted(made, key=lambda decision: decision.item))


def _people(what: str) -> c.ListOf:
    return c.ListOf(c.Group(what, {
        "name": c.Text(required=True),
        "role": c.Text(default=""),
        "organisation": c.Text(default=""),
    }, _attendee))


ATTENDANCE = c.Group("the attendance", {
    "present": _people("a member present"),
    "apologies": _people("an apology"),
    "substitutes": _people("a substitute"),
    "in_attendance": _people("someone in attendance"),
}, lambda reading, values: Attendance(**values))


def minutes_fields(common: dict, actions: c.Rule) -> dict:
    """A minutes file's fields, with the kinds' common fields (their `draft` is the status)
    and actions in the format of every other action."""
    return {
        **{name: rule for name, rule in common.items() if name != "draft"},
        "title": c.Text(default=""),  # by default, named after the meeting (`minutes_check.settle`)
        "status": c.Choice(MINUTES_STATUSES, default="unconfirmed"),
        "attendance": ATTENDANCE,
        "declarations": c.ListOf(c.Group("a declaration of interest", {
            "member": c.Text(required=True),
            "item": c.WholeNumber(1, 999, required=True),
            "nature": c.Text(required=True),
        }, _declaration)),
        "decisions": Decisions(c.Group("a decision", {
            "outcome": c.Choice(OUTCOMES, required=True),
            "text": c.Text(default=""),
            "actions": actions,
        }, _decision)),
        "corrections": c.ListOf(c.Group("a correction", {
            "meeting": c.Ids(Meeting, many=False, required=True),
            "text": c.Text(required=True),
        }, _correction)),
    }
