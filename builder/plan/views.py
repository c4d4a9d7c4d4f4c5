"""Rows that both the site and the PDFs show, worked out once per build.

A view is a frozen dataclass holding the model objects it shows, and `marking`,
the highest marking of them. The recorder of what a page shows
(`templates.ReadingEnvironment`) notes that marking whenever a template reads
any part of a view, so a label or address worked out here never hides from it
the item it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from builder.project import lifecycle
from builder.project.kinds import date_of
from builder.model.content import (STATUSES, Action, Fact, Item, Meeting, Presenter, Report, Spotlight, exempt_line,
                                   highest_marking)
from builder.model.project import Project
from builder.model.partnership import Group
from builder.model.paths import group_path, page_path

STATUS_LABELS = {status: status.replace("-", " ").capitalize() for status in STATUSES}
TREND_SYMBOLS = {"rising": "▲", "falling": "▼", "stable": "▶", "uncertain": "?"}
OBJECTIVE_TEXT = {
    "divert": "Divert people from becoming involved in serious organised crime.",
    "deter": "Deter serious organised crime groups by supporting organisations to protect themselves.",
    "detect": "Detect serious organised crime: identify the groups and what they do.",
    "disrupt": "Disrupt serious organised crime groups and their activities.",
}


class View:
    """What every view model has: the highest marking of what it shows."""

    marking: str


@dataclass(frozen=True)
class ActionRow(View):
    action: Action
    origin: Item  # the spotlight or paper that agreed it
    group: Group  # the group that owns it
    overdue: bool
    marking: str

    @property
    def origin_path(self) -> str:
        return page_path(self.origin)

    @property
    def group_path(self) -> str:
        return group_path(self.group.id)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.action.status]


@dataclass(frozen=True)
class AppendixLink(View):
    """A paper's appendix: another item (its page on the site, bound in on paper)
    or an asset file (supplied separately)."""

    number: int
    title: str
    path: str  # in the output: the item's page, or the asset
    item: Item | None  # None for an asset
    marking: str
    exempt: int | None = None  # its own Schedule 7A paragraph, where it has one
    withheld: str = ""  # where this build leaves it out: the line printed instead of it


class Download(NamedTuple):
    """A file offered beside a page (a PDF, a feed, a calendar); a pair, so that
    a template may also take it as `label, path`."""

    label: str
    path: str

    @property
    def format(self) -> str:
        return self.path.rsplit(".", 1)[1].upper()


def long_date(value: dt.date | None) -> str:
    """'2 September 2015', as a council paper writes it."""
    return f"{value.day} {value:%B %Y}" if value else ""


def presenter_line(presenters: tuple[Presenter, ...]) -> str:
    """'Name (Organisation); Name', as a session's header gives its presenters."""
    return "; ".join(f"{p.name} ({p.organisation})" if p.organisation else p.name for p in presenters)


def is_sensitive(marking: str) -> bool:
    """Whether a page or paper carries the marking that the site and print show in their own style."""
    return marking == "OFFICIAL-SENSITIVE"


def item_date(item: Item) -> str:
    """The date a list shows beside an item: its own date (a paper's is the day it goes to
    its board), or else when it was last updated."""
    if day := date_of(item):
        return long_date(day)
    return f"Updated {long_date(item.updated)}" if item.updated else ""


def paper_facts(report: Report, agenda_item: str | int | None, board: str) -> list[tuple[str, str | int | None]]:
    """The facts at the head of a board paper, on its page and in print; empty ones are left out where shown."""
    return [("Agenda item", agenda_item), ("To", board), ("On", long_date(report.on)), ("Report by", report.report_by),
            ("Report reference", report.reference), ("Report date", long_date(report.report_date))]


def meeting_facts(meeting: Meeting) -> list[tuple[str, str]]:
    """When and where a meeting is, as its page and its agenda pack's cover give them."""
    return [("Date", long_date(meeting.date)), ("Time", meeting.time), ("Venue", meeting.venue)]


def spotlight_facts(spotlight: Spotlight, board: str) -> list[tuple[str, str]]:
    """The facts at the head of a spotlight session, on its page and in its notes."""
    return [("Date", long_date(spotlight.date)), ("Board", board), ("Presenters", presenter_line(spotlight.presenters))]


def by_due(rows) -> list[ActionRow]:
    """An action plan's order: soonest due first."""
    return sorted(rows, key=lambda row: (row.action.due, row.action.action))


class Views:
    """The rows of one selected model on one day, each made once however many pages
    and PDFs show it."""

    def __init__(self, project: Project, today: dt.date):
        self.project = project
        self.today = today
        self._appendices: dict[str, tuple[AppendixLink, ...]] = {}
        self._since: dict[str, lifecycle.SinceLastMeeting] = {}

    @cached_property
    def _action_rows(self) -> tuple[ActionRow, ...]:
        project = self.project
        rows = []
        for action in project.actions:
            origin = project.by_key[action.origin]
            rows.append(ActionRow(action, origin, project.site.group(action.owner), action.is_overdue(self.today),
                                  highest_marking([action.classification, origin.classification])))
        return tuple(rows)

    @cached_property
    def _rows_by_origin(self) -> dict[str, tuple[ActionRow, ...]]:
        grouped: dict[str, list[ActionRow]] = {}
        for row in self._action_rows:
            grouped.setdefault(row.origin.key, []).append(row)
        return {key: tuple(rows) for key, rows in grouped.items()}

    def action_rows(self) -> tuple[ActionRow, ...]:
        """Every action, in the order the content gives them."""
        return self._action_rows

    def actions_of(self, item: Item) -> tuple[ActionRow, ...]:
        """The actions a spotlight or paper agreed, in the order it gives them."""
        return self._rows_by_origin.get(item.key, ())

    def actions_owned_by(self, group: Group) -> list[ActionRow]:
        return by_due(row for row in self._action_rows if row.group.id == group.id)

    def appendices(self, report: Report) -> tuple[AppendixLink, ...]:
        """The appendices of the paper this model holds under `report`'s key."""
        if report.key not in self._appendices:
            links = []
            for number, appendix in enumerate(self.project.by_key[report.key].appendices, start=1):
                if appendix.withheld:
                    links.append(AppendixLink(number, "", "", None, report.classification, appendix.exempt,
                                              exempt_line(appendix.exempt)))
                elif appendix.is_asset:
                    links.append(AppendixLink(number, appendix.target.rsplit("/", 1)[1], appendix.target, None,
                                              report.classification, appendix.exempt))
                else:
                    item = self.project.by_key[appendix.target]
                    links.append(AppendixLink(number, item.title, page_path(item), item, item.classification,
                                              appendix.exempt))
            self._appendices[report.key] = tuple(links)
        return self._appendices[report.key]

    def since(self, meeting: Meeting) -> lifecycle.SinceLastMeeting:
        if meeting.key not in self._since:
            self._since[meeting.key] = lifecycle.since_last_meeting(self.project, meeting, self._dated_items)
        return self._since[meeting.key]

    @cached_property
    def _dated_items(self) -> tuple[tuple[dt.date, Item], ...]:
        return lifecycle.dated_items(self.project)

    @cached_property
    def open_pack(self) -> Views:
        """What an open agenda pack may show: the same rows, without the exempt papers."""
        if not any(report.is_exempt for report in self.project.reports) and not self.project.exempt_appendices:
            return self
        return Views(self.project.without_exempt(), self.today)


def source_line(fact: Fact) -> str:
    """Where a figure comes from, as every fact card and chart cites it."""
    return f"{fact.source}, {fact.year}" if fact.year else fact.source
