"""The kinds of content item, in one table: what every module that deals with a
kind (reading, checking, scaffolding, importing from Word, listing, dating,
exporting, searching, reviewing, page and PDF making) iterates over, instead of
keeping a list or a rule of its own.

A kind's name and folder are declared by its model class (`Threat.kind`,
`Threat.folder`), which an item's key needs; this table adds everything else.
The planners of its PDFs, and of its pages where they show more than the item,
are in `plan/`, which this package may not import: `plan.pdfs.ITEM_PDFS` and
`plan.pages.ITEM_PAGES` hold them by model class, and a test checks them
against the table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from builder.reading import rules
from builder.model.minutes import Minutes
from builder.meetings.minutes_rules import minutes_fields
from builder.model.content import (OBJECTIVES, STATUSES, TRENDS, Action, AgendaItem, Author, CaseStudy, Item, Meeting, Page,
                           Presenter, Report, Spotlight, StatusChange, Supplement, Threat)


def by_title(items: Iterable[Item]) -> list[Item]:
    return sorted(items, key=lambda item: item.title)


def newest_first(items: Iterable[Item]) -> list[Item]:
    """By each item's own date (`date_of`), newest first; undated items last."""
    return sorted(items, key=lambda item: (date_of(item) or dt.date.min, item.title), reverse=True)


def latest_id_first(items: Iterable[Item]) -> list[Item]:
    """For items named after their meeting, whose ids start with its date."""
    return sorted(items, key=lambda item: item.id, reverse=True)


@dataclass(frozen=True, eq=False)
class Kind:
    """One kind of content item."""

    model: type[Item]
    label: str  # what one item is called on its page: "Board paper"
    section: str  # the title of its section of the site: "Board papers"
    template: str  # of an item's page
    fields: Mapping[str, rules.Rule]  # in the order a message lists them
    ending: str = ".md"  # of its files: ".md" (front matter and Markdown) or ".yaml"
    reviewed: bool = False  # has a review date (site.yaml's review_months)
    pdf: bool = False  # each item also becomes a PDF (a paper, notes, a pack): planned by `plan.pdfs.ITEM_PDFS`
    scaffold: str = ""  # the skeleton `briefing new` writes (a template), or "" where it writes none
    from_meeting: bool = False  # `briefing new` fills the skeleton in from a meeting's agenda, named by its id
    in_nav: bool = True  # its section is in the site's menu
    numbered: bool = False  # its body's sections and paragraphs are numbered, never typed
    date_field: str | None = None  # the field that dates an item: when it happened, or the meeting a paper goes to
    board_field: str | None = None  # the field naming the board an item is for (a Word paper's "To" row)
    list_order: Callable[[Iterable[Item]], list[Item]] = by_title  # how its section lists its items
    exported: tuple[str, ...] = ()  # what content.json gives of an item besides what every item has, in order

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


def _status_change(reading: rules.Reading, values: dict) -> StatusChange | None:
    if values["date"] is None or values["status"] is None:
        return None
    return StatusChange(**values)


def _action(reading: rules.Reading, values: dict) -> Action | None:
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


def _presenter(reading: rules.Reading, values: dict) -> Presenter | None:
    return Presenter(**values) if values["name"] else None


def _agenda_item(reading: rules.Reading, values: dict) -> AgendaItem:
    when = {"added": values["added"], "urgent_reason": values["urgent_reason"], "line": reading.fields.data.line}
    if "report" in reading.fields.data:
        return AgendaItem(report=values["report"], note=values["note"], **when)
    if "minutes" in reading.fields.data:
        return AgendaItem(minutes=values["minutes"], title=values["title"], note=values["note"], **when)
    return AgendaItem(title=values["title"], note=values["note"], **when)


def _supplement(reading: rules.Reading, values: dict) -> Supplement | None:
    """A meeting's supplementary pack, numbered by its place in the list."""
    if values["issued"] is None:
        return None
    entry, written = reading.fields.data, reading.parent.fields.data.get("supplementary")
    entries = list(written) if isinstance(written, list) else [entry]
    number = next(index for index, other in enumerate(entries, start=1) if other is entry)
    return Supplement(number, values["issued"], tuple(values["items"]), entry.line)


def _meeting_title(reading: rules.Reading) -> str:
    """A meeting without a title is called after its board and date."""
    board, day = reading.values["board"], reading.values["date"]
    if not (board and day):
        return ""
    return f"{reading.known.site.board(board).name}, {day.day} {day:%B %Y}"


STATUS_CHANGE = rules.Group("a status change", {
    "date": rules.Date(required=True),
    "status": rules.Choice(STATUSES, required=True),
    "note": rules.Text(default=""),
}, _status_change)
ACTIONS = rules.ListOf(rules.Group("an action", {
    "action": rules.Text(required=True),
    "owner": rules.GroupId(required=True),
    "due": rules.Date(required=True),
    "status": rules.Choice(STATUSES, default="open"),
    "history": rules.ListOf(STATUS_CHANGE),
}, _action))
PRESENTERS = rules.ListOf(rules.Group("a presenter", {
    "name": rules.Text(required=True),
    "organisation": rules.Text(default=""),
}, _presenter))
AUTHOR = rules.Group("the author", {
    "name": rules.Text(required=True, default=""),
    "role": rules.Text(default=""),
    "phone": rules.Text(default=""),
    "email": rules.Text(default=""),
}, lambda reading, values: Author(**values))
AGENDA = rules.ListOf(rules.Group("an agenda item", {
    "report": rules.Ids(Report, many=False),
    "minutes": rules.Ids(Meeting, many=False),  # the minutes of that meeting, for approval
    "title": rules.Text(required=True, unless=("report", "minutes"), default=""),
    "note": rules.Text(default=""),
    "added": rules.Date(),
    "urgent_reason": rules.Text(default=""),
}, _agenda_item))
SUPPLEMENTS = rules.ListOf(rules.Group("a supplementary pack", {
    "issued": rules.Date(required=True),
    "items": rules.ListOf(rules.WholeNumber(1, 999)),
}, _supplement))
THREATS = rules.Ids(Threat)
OBJECTIVE_LIST = rules.ListOf(rules.Choice(OBJECTIVES))

COMMON = {
    "title": rules.Text(required=True, default=""),
    "classification": rules.Marking(),
    "draft": rules.Boolean(default=False, blank=rules.DRAFT_BLANK),
    "summary": rules.Text(default=""),
    "updated": rules.Date(),
    "review_by": rules.Date(),
    "owner": rules.GroupId(),
    "aliases": rules.Aliases(default=()),
}

KINDS: tuple[Kind, ...] = (
    Kind(Threat, "Threat", "Threats", "threat.html", {
        **COMMON,
        "trend": rules.Choice(TRENDS, default="uncertain"),
        "objectives": OBJECTIVE_LIST,
        "signs": rules.ListOf(rules.Text()),
        "at_risk": rules.ListOf(rules.Text()),
        "facts": rules.ListOf(rules.FactId()),
    }, reviewed=True, scaffold="scaffold/threat.md",
         exported=("trend", "objectives", "signs", "at_risk", "facts")),
    Kind(CaseStudy, "Case study", "Case studies", "case-study.html", {
        **COMMON,
        "date": rules.Date(),
        "threats": THREATS,
        "objectives": OBJECTIVE_LIST,
        "lessons": rules.ListOf(rules.Text()),
    }, reviewed=True, scaffold="scaffold/case-study.md", date_field="date", list_order=newest_first,
         exported=("objectives", "threats", "lessons", "date")),
    Kind(Spotlight, "Spotlight session", "Spotlight sessions", "spotlight.html", {
        **COMMON,
        "date": rules.Date(required=True),
        "board": rules.BoardId(),
        "presenters": PRESENTERS,
        "threats": THREATS,
        "actions": ACTIONS,
    }, pdf=True, scaffold="scaffold/spotlight.md", date_field="date", board_field="board", list_order=newest_first,
         exported=("threats", "board", "date", "actions")),
    Kind(Report, "Board paper", "Board papers", "report.html", {
        **COMMON,
        "to": rules.BoardId(required=True),
        "on": rules.Date(required=True),
        "report_by": rules.Text(default=""),
        "author": AUTHOR,
        "threats": THREATS,
        "exempt": rules.WholeNumber(1, 15, blank=rules.EXEMPT_BLANK),
        "public_title": rules.Text(default=""),
        "publish_from": rules.Date(),
        "reference": rules.Text(default=""),
        "report_date": rules.Date(),
        "background_papers": rules.BackgroundPapers(),
        "appendices": rules.Appendices(),
        "actions": ACTIONS,
        "implications": rules.Implications(),
    }, pdf=True, numbered=True, scaffold="scaffold/report.md", date_field="on", board_field="to",
         list_order=newest_first,
         exported=("threats", "to", "report_by", "exempt", "on", "actions")),
    Kind(Meeting, "Meeting", "Meetings", "meeting.html", {
        **COMMON,
        "title": rules.Text(default=_meeting_title),
        "board": rules.BoardId(required=True, default=""),
        "date": rules.Date(required=True),
        "time": rules.Time(default=""),
        "venue": rules.Text(default=""),
        "items": AGENDA,
        "publish_by": rules.Date(),
        "issued": rules.Date(),
        "supplementary": SUPPLEMENTS,
        "reissued": rules.Text(default=""),
    }, ending=".yaml", pdf=True, scaffold="scaffold/meeting.yaml", date_field="date", board_field="board",
         list_order=newest_first,
         exported=("board", "venue", "time", "date", "items")),
    Kind(Page, "Information", "Pages", "page.html", COMMON, reviewed=True, scaffold="scaffold/page.md", in_nav=False),
    Kind(Minutes, "Minutes", "Minutes", "minutes.html", minutes_fields(COMMON, ACTIONS), ending=".yaml", pdf=True,
         scaffold="scaffold/minutes.yaml", from_meeting=True, in_nav=False, list_order=latest_id_first,
         exported=("actions",)),
)
BY_NAME = {kind.name: kind for kind in KINDS}
BY_FOLDER = {kind.folder: kind for kind in KINDS}


def kind_of(item: Item) -> Kind:
    return BY_NAME[item.kind]


def date_of(item: Item) -> dt.date | None:
    """An item's own date, where its kind has one and the item gives it."""
    field = kind_of(item).date_field
    return getattr(item, field) if field else None
