"""The kinds of content item, in one table: what every module that deals with a
kind (reading, checking, scaffolding, searching, reviewing, page and PDF making)
iterates over, instead of keeping a list of its own.

A kind's name and folder are declared by its model class (`Threat.kind`,
`Threat.folder`), which an item's key needs; this table adds everything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from builder.reading import rules as c
from builder.model.minutes import Minutes
from builder.meetings.minutes_rules import minutes_fields
from builder.model.content import (OBJECTIVES, STATUSES, TRENDS, Action, AgendaItem, Author, CaseStudy, Item, Meeting, Page,
                           Presenter, Report, Spotlight, StatusChange, Supplement, Threat)


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of content item."""

    model: type[Item]
    label: str  # what one item is called on its page: "Board paper"
    section: str  # the title of its section of the site: "Board papers"
    template: str  # of an item's page
    fields: Mapping[str, c.Rule]  # in the order a message lists them
    ending: str = ".md"  # of its files: ".md" (front matter and Markdown) or ".yaml"
    reviewed: bool = False  # has a review date (site.yaml's review_months)
    pdf: bool = False  # each item also becomes a PDF (a paper, notes, a pack)
    scaffold: bool = True  # `briefing new` writes one
    in_nav: bool = True  # its section is in the site's menu
    numbered: bool = False  # its body's sections and paragraphs are numbered, never typed

    @property
    def name(self) -> str:
        return self.model.kind

    @property
    def folder(self) -> str:
        return self.model.folder

    @property
    def attribute(self) -> str:
        """The field of `Project` that holds the items of this kind."""
        return self.folder.replace("-", "_")

    @property
    def markdown(self) -> bool:
        return self.ending == ".md"


def _status_change(reading: c.Reading, values: dict) -> StatusChange | None:
    if values["date"] is None or values["status"] is None:
        return None
    return StatusChange(**values)


def _action(reading: c.Reading, values: dict) -> Action | None:
    history = values.pop("history")
    ordered = tuple(sorted(history, key=lambda change: change.date))
    problems, fields = reading.known.problems, reading.fields
    if ordered != history:
        problems.warn(fields.path, fields.line("history"), "the history is not in date order; it is read "
                                                           "oldest first whatever the order written")
    if ordered and values["status"] and ordered[-1].status != values["status"]:
        problems.warn(fields.path, fields.line("status"), f"the status is '{values['status']}' but the latest "
                      f"history entry says '{ordered[-1].status}'; the history is used for past dates")
    if None in values.values():
        return None
    item = reading.parent
    while item.parent is not None:  # an action of a decision in minutes sits one group deeper
        item = item.parent
    return Action(**values, origin=reading.key, line=fields.data.line, history=ordered,
                  classification=item.values["classification"])


def _presenter(reading: c.Reading, values: dict) -> Presenter | None:
    return Presenter(**values) if values["name"] else None


def _agenda_item(reading: c.Reading, values: dict) -> AgendaItem:
    when = {"added": values["added"], "urgent_reason": values["urgent_reason"], "line": reading.fields.data.line}
    if "report" in reading.fields.data:
        return AgendaItem(report=values["report"], note=values["note"], **when)
    if "minutes" in reading.fields.data:
        return AgendaItem(minutes=values["minutes"], title=values["title"], note=values["note"], **when)
    return AgendaItem(title=values["title"], note=values["note"], **when)


def _supplement(reading: c.Reading, values: dict) -> Supplement | None:
    """A meeting's supplementary pack, numbered by its place in the list."""
    if values["issued"] is None:
        return None
    entry, written = reading.fields.data, reading.parent.fields.data.get("supplementary")
    entries = list(written) if isinstance(written, list) else [entry]
    number = next(index for index, other in enumerate(entries, start=1) if other is entry)
    return Supplement(number, values["issued"], tuple(values["items"]), entry.line)


def _meeting_title(reading: c.Reading) -> str:
    """A meeting without a title is called after its board and date."""
    board, day = reading.values["board"], reading.values["date"]
    if not (board and day):
        return ""
    return f"{reading.known.site.board(board).name}, {day.day} {day:%B %Y}"


STATUS_CHANGE = c.Group("a status change", {
    "date": c.Date(required=True),
    "status": c.Choice(STATUSES, required=True),
    "note": c.Text(default=""),
}, _status_change)
ACTIONS = c.ListOf(c.Group("an action", {
    "action": c.Text(required=True),
    "owner": c.GroupId(required=True),
    "due": c.Date(required=True),
    "status": c.Choice(STATUSES, default="open"),
    "history": c.ListOf(STATUS_CHANGE),
}, _action))
PRESENTERS = c.ListOf(c.Group("a presenter", {
    "name": c.Text(required=True),
    "organisation": c.Text(default=""),
}, _presenter))
AUTHOR = c.Group("the author", {
    "name": c.Text(required=True, default=""),
    "role": c.Text(default=""),
    "phone": c.Text(default=""),
    "email": c.Text(default=""),
}, lambda reading, values: Author(**values))
AGENDA = c.ListOf(c.Group("an agenda item", {
    "report": c.Ids(Report, many=False),
    "minutes": c.Ids(Meeting, many=False),  # the minutes of that meeting, for approval
    "title": c.Text(required=True, unless=("report", "minutes"), default=""),
    "note": c.Text(default=""),
    "added": c.Date(),
    "urgent_reason": c.Text(default=""),
}, _agenda_item))
SUPPLEMENTS = c.ListOf(c.Group("a supplementary pack", {
    "issued": c.Date(required=True),
    "items": c.ListOf(c.WholeNumber(1, 999)),
}, _supplement))
THREATS = c.Ids(Threat)
OBJECTIVE_LIST = c.ListOf(c.Choice(OBJECTIVES))

COMMON = {
    "title": c.Text(required=True, default=""),
    "classification": c.Marking(),
    "draft": c.Boolean(default=False),
    "summary": c.Text(default=""),
    "updated": c.Date(),
    "review_by": c.Date(),
    "owner": c.GroupId(),
    "aliases": c.Aliases(default=()),
}

KINDS: tuple[Kind, ...] = (
    Kind(Threat, "Threat", "Threats", "threat.html", {
        **COMMON,
        "trend": c.Choice(TRENDS, default="uncertain"),
        "objectives": OBJECTIVE_LIST,
        "signs": c.ListOf(c.Text()),
        "at_risk": c.ListOf(c.Text()),
        "facts": c.ListOf(c.FactId()),
    }, reviewed=True),
    Kind(CaseStudy, "Case study", "Case studies", "case-study.html", {
        **COMMON,
        "date": c.Date(),
        "threats": THREATS,
        "objectives": OBJECTIVE_LIST,
        "lessons": c.ListOf(c.Text()),
    }, reviewed=True),
    Kind(Spotlight, "Spotlight session", "Spotlight sessions", "spotlight.html", {
        **COMMON,
        "date": c.Date(required=True),
        "board": c.BoardId(),
        "presenters": PRESENTERS,
        "threats": THREATS,
        "actions": ACTIONS,
    }, pdf=True),
    Kind(Report, "Board paper", "Board papers", "report.html", {
        **COMMON,
        "to": c.BoardId(required=True),
        "on": c.Date(required=True),
        "report_by": c.Text(default=""),
        "author": AUTHOR,
        "threats": THREATS,
        "exempt": c.WholeNumber(1, 15),
        "public_title": c.Text(default=""),
        "publish_from": c.Date(),
        "reference": c.Text(default=""),
        "report_date": c.Date(),
        "background_papers": c.BackgroundPapers(),
        "appendices": c.Appendices(),
        "actions": ACTIONS,
        "implications": c.Implications(),
    }, pdf=True, numbered=True),
    Kind(Meeting, "Meeting", "Meetings", "meeting.html", {
        **COMMON,
        "title": c.Text(default=_meeting_title),
        "board": c.BoardId(required=True, default=""),
        "date": c.Date(required=True),
        "time": c.Time(default=""),
        "venue": c.Text(default=""),
        "items": AGENDA,
        "publish_by": c.Date(),
        "issued": c.Date(),
        "supplementary": SUPPLEMENTS,
        "reissued": c.Text(default=""),
    }, ending=".yaml", pdf=True),
    Kind(Page, "Information", "Pages", "page.html", COMMON, reviewed=True, in_nav=False),
    Kind(Minutes, "Minutes", "Minutes", "minutes.html", minutes_fields(COMMON, ACTIONS), ending=".yaml", pdf=True,
         scaffold=False, in_nav=False),
)
BY_NAME = {kind.name: kind for kind in KINDS}
BY_FOLDER = {kind.folder: kind for kind in KINDS}


def kind_of(item: Item) -> Kind:
    return BY_NAME[item.kind]
