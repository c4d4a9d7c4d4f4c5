"""Minutes as the site and the PDFs show them: each agenda item with its
decision and declarations, the minutes' standing (draft, unconfirmed, confirmed
at a later meeting), and the decisions and declarations of a board.

Each row is a view (`views.View`): the recorder of what a page shows notes its
marking, the highest of the minutes and the paper the row names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from builder.model.minutes import Confirmation, Correction, Decision, Declaration, Minutes, confirmation
from builder.model.content import AgendaEntry, Meeting, Report, highest_marking
from builder.model.project import Project
from builder.model.paths import decisions_path
from builder.plan.views import Download, View


@dataclass(frozen=True)
class MinuteRow(View):
    """One agenda item of the minutes: as the agenda shows it, with what was decided."""

    entry: AgendaEntry
    decision: Decision | None
    declarations: tuple[Declaration, ...]
    marking: str

    @property
    def number(self) -> int:
        return self.entry.number

    @property
    def title(self) -> str:
        """The item's title as the agenda gives it (a left-out paper's public title, or none)."""
        return self.entry.report.title if self.entry.report else self.entry.item.title

    @property
    def withheld(self) -> str:
        return self.entry.item.withheld or (self.decision.withheld if self.decision else "")


@dataclass(frozen=True)
class MinutesView(View):
    minutes: Minutes
    meeting: Meeting
    rows: tuple[MinuteRow, ...]
    confirmed: Confirmation | None
    marking: str
    corrected: tuple[tuple[Correction, Meeting | None], ...] = ()  # each correction, by the meeting that agreed it

    @property
    def declarations(self) -> tuple[Declaration, ...]:
        return self.minutes.declarations

    @property
    def standing(self) -> str:
        """What every page of the minutes says of them."""
        if self.minutes.draft:
            return "Draft"
        if self.confirmed is not None:
            return f"Confirmed at the meeting of {self.confirmed.date:%-d %B %Y}"
        return "Unconfirmed"


@dataclass(frozen=True)
class DecisionRow(View):
    """A decision as a board's decisions log and a paper's page list it."""

    meeting: Meeting
    minutes: Minutes
    row: MinuteRow
    marking: str

    @property
    def date(self) -> dt.date | None:
        return self.meeting.date


def _rows(project: Project, minutes: Minutes, meeting: Meeting) -> tuple[MinuteRow, ...]:
    rows = []
    for entry in project.agenda(meeting):
        decision = minutes.decision(entry.number)
        declared = tuple(d for d in minutes.declarations if d.item == entry.number)
        if decision is None and not declared:
            continue
        shown = [minutes.classification] + ([entry.report.classification] if entry.report else [])
        rows.append(MinuteRow(entry, decision, declared, highest_marking(shown)))
    return tuple(rows)


class MinutesViews:
    """The minutes of one selected model, each worked out once."""

    def __init__(self, project: Project):
        self.project = project

    @cached_property
    def _views(self) -> dict[str, MinutesView]:
        views = {}
        for minutes in self.project.minutes:
            meeting = self.project.by_key[minutes.meeting_key]
            # Where this model leaves a paper out (the open pack, the public build), so do its minutes.
            minutes = minutes.withhold({entry.number: entry.item.withheld for entry in self.project.agenda(meeting)
                                        if entry.item.withheld})
            rows = _rows(self.project, minutes, meeting)
            corrected = tuple((c, self.project.by_key.get(f"{Meeting.folder}/{c.meeting}"))
                              for c in minutes.corrections)
            views[meeting.key] = MinutesView(minutes, meeting, rows, confirmation(self.project, minutes),
                                             highest_marking([minutes.classification, meeting.classification]
                                                             + [r.marking for r in rows]),
                                             corrected)
        return views

    def of(self, meeting: Meeting) -> MinutesView | None:
        """The minutes of a meeting, where this build shows them."""
        return self._views.get(meeting.key)

    def all(self) -> tuple[MinutesView, ...]:
        return tuple(self._views.values())

    def decisions(self, board: str) -> tuple[DecisionRow, ...]:
        """Every decision of a board's meetings, newest meeting first, in agenda order within it."""
        rows = [DecisionRow(view.meeting, view.minutes, row, row.marking)
                for view in self.all() if view.meeting.board == board for row in view.rows if row.decision]
        return tuple(sorted(rows, key=lambda r: (-(r.date or dt.date.min).toordinal(), r.row.number)))

    def declarations(self, board: str) -> tuple[DecisionRow, ...]:
        """Every declaration of interest at a board's meetings, newest meeting first."""
        rows = [DecisionRow(view.meeting, view.minutes, row, row.marking)
                for view in self.all() if view.meeting.board == board for row in view.rows if row.declarations]
        return tuple(sorted(rows, key=lambda r: (-(r.date or dt.date.min).toordinal(), r.row.number)))

    def decision_on(self, report: Report) -> DecisionRow | None:
        """What the board decided on a paper, where its meeting's minutes record it."""
        meeting, number = self.project.agenda_numbers.get(report.key, (None, None))
        view = self._views.get(meeting.key) if meeting else None
        row = next((r for r in view.rows if r.number == number and r.decision), None) if view else None
        return DecisionRow(view.meeting, view.minutes, row, row.marking) if row else None


def decisions_files(board_id: str) -> tuple[Download, ...]:
    """The decisions log's data files, offered beside it."""
    return (Download("The decisions as a spreadsheet", decisions_path(board_id, "csv")),
            Download("The decisions as JSON", decisions_path(board_id, "json")))


def minutes_sources(view: MinutesView) -> tuple[str, ...]:
    """The content files minutes on paper are made from: the minutes, their meeting,
    the papers their items name and the meeting that confirmed them."""
    confirmed = view.confirmed.meeting if view.confirmed else None
    confirming = (confirmed.path, f"{Minutes.folder}/{confirmed.id}.yaml") if confirmed else ()
    return (view.minutes.path, view.meeting.path) + tuple(r.entry.report.path for r in view.rows if r.entry.report) \
        + confirming + tuple(meeting.path for _, meeting in view.corrected if meeting)
