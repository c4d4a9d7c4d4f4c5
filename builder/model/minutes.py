"""Minutes of a meeting: who attended, who declared an interest, and what the
board decided on each agenda item, and how they come to be confirmed.

A minutes file is `minutes/<meeting id>.yaml`. Its `status` is written by the
clerk (`draft`, then `unconfirmed`); being confirmed is never written: a later
meeting's agenda item `{minutes: MEETING-ID}` whose decision is `agreed`
confirms them from that meeting's date (`confirmation`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from builder.model.content import Action, Item, Meeting

MINUTES_STATUSES = ("draft", "unconfirmed")
OUTCOMES = ("agreed", "agreed as amended", "noted", "deferred", "not agreed")


@dataclass(frozen=True)
class Attendee:
    name: str
    role: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Attendance:
    present: tuple[Attendee, ...] = ()
    apologies: tuple[Attendee, ...] = ()
    substitutes: tuple[Attendee, ...] = ()
    in_attendance: tuple[Attendee, ...] = ()


@dataclass(frozen=True)
class Declaration:
    member: str
    item: int  # an agenda number of the meeting
    nature: str
    line: int = 0
    withheld: str = ""  # where this build leaves the item's paper out: the line printed instead of the nature


@dataclass(frozen=True)
class Decision:
    item: int  # an agenda number of the meeting
    outcome: str
    text: str = ""
    actions: tuple[Action, ...] = ()
    line: int = 0
    withheld: str = ""  # where this build leaves the item's paper out: the line printed instead


@dataclass(frozen=True)
class Correction:
    """A change to minutes after they were confirmed, and the meeting that agreed it."""

    meeting: str  # the id of a meeting on or after the one that confirmed them
    text: str  # what was corrected, printed with the minutes
    line: int = 0


@dataclass(frozen=True, kw_only=True)
class Minutes(Item):
    """The minutes of the meeting of the same id."""

    kind = "minutes"
    folder = "minutes"
    status: str = "unconfirmed"
    attendance: Attendance = field(default_factory=Attendance)
    declarations: tuple[Declaration, ...] = ()
    decisions: tuple[Decision, ...] = ()  # in agenda order
    corrections: tuple[Correction, ...] = ()  # the only way confirmed minutes change (`confirmed`)

    def __post_init__(self):
        # Draft minutes are a draft like any other item: only a drafts preview shows them.
        object.__setattr__(self, "draft", self.status == "draft")

    @property
    def meeting_key(self) -> str:
        return f"{Meeting.folder}/{self.id}"

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(action for decision in self.decisions for action in decision.actions)

    def decision(self, number: int) -> Decision | None:
        return next((d for d in self.decisions if d.item == number), None)

    def withhold(self, lines: dict[int, str]) -> Minutes:
        """The minutes with the decisions and declarations of the agenda items in
        `lines` (number -> the "not published here" line) reduced to that line."""
        if not any(d.item in lines for d in self.decisions + self.declarations):
            return self
        return replace(self, decisions=tuple(
            replace(d, text="", actions=(), withheld=lines[d.item]) if d.item in lines else d
            for d in self.decisions), declarations=tuple(
            replace(d, member="", nature="", withheld=lines[d.item]) if d.item in lines else d
            for d in self.declarations))


@dataclass(frozen=True)
class Confirmation:
    """Where a meeting's minutes were confirmed: the later meeting and its item."""

    meeting: Meeting
    number: int

    @property
    def date(self) -> dt.date | None:
        return self.meeting.date


def confirmation(project, minutes: Minutes) -> Confirmation | None:
    """The later meeting whose minutes record `agreed` on its item `{minutes: id}`."""
    for later in project.minutes:
        meeting = project.by_key.get(later.meeting_key)
        if meeting is None or later.draft:
            continue
        for number, agenda_item in enumerate(meeting.items, start=1):
            decision = later.decision(number)
            if agenda_item.minutes == minutes.id and decision is not None and decision.outcome == "agreed":
                return Confirmation(meeting, number)
    return None
