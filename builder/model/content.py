"""The validated content model: immutable records with named fields.

Everything here has already been checked by `validate`; renderers may trust it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property

from builder.model.partnership import Site

MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
TRENDS = ("rising", "falling", "stable", "uncertain")
OBJECTIVES = ("divert", "deter", "detect", "disrupt")
STATUSES = ("open", "in-progress", "done", "blocked")
PROFILES = ("internal", "public")
# An item's text, and what is found in it. Other pages show an item by its
# title, summary and dates; a page that reads its text is noted as depending on it.
TEXT_FIELDS = ("body", "links")
EXEMPT_LINE = ("Exempt item: not for publication by virtue of paragraph {paragraph} of Part 1 of Schedule 7A "
               "to the Local Government (Scotland) Act 1973")


def exempt_line(paragraph: int) -> str:
    """The one line that stands where exempt material (a paper, an appendix) is left out."""
    return EXEMPT_LINE.format(paragraph=paragraph)


def highest_marking(markings) -> str:
    """The most restrictive of some markings (OFFICIAL when there are none)."""
    return max(markings, key=MARKINGS.index, default=MARKINGS[0])


@dataclass(frozen=True)
class Link:
    """A Markdown link or image in an item's body that points at another content file."""

    line: int
    target: str  # content path, e.g. "threats/cyber-crime.md" or "assets/logo.svg"
    is_image: bool


@dataclass(frozen=True, kw_only=True)
class Item:
    """Fields common to every kind of content item."""

    id: str
    path: str
    title: str
    classification: str
    draft: bool = False
    summary: str = ""
    updated: dt.date | None = None
    review_by: dt.date | None = None
    owner: str | None = None
    aliases: tuple[str, ...] = ()  # old ids: their addresses redirect to the item's page
    # The text, and what is found in it, are left out of the repr: a template that
    # prints an item whole (`{{ items | string }}`, `'%r' % item`) shows no text.
    body: str = field(default="", repr=False)
    body_line: int = 0
    links: tuple[Link, ...] = field(default=(), repr=False)
    field_lines: tuple[tuple[str, int], ...] = ()  # front-matter key -> file line, for messages

    # Each kind's class names it and its folder, once: an item's key needs the
    # folder, and the model cannot look up the table of kinds (`kinds`), which is
    # built on it and adds everything else about a kind.
    kind = "item"
    folder = ""

    @property
    def key(self) -> str:
        """Unique across kinds: the content path without its extension."""
        return f"{self.folder}/{self.id}"

    def __str__(self) -> str:
        # What `{{ item }}` shows in a template: its title, not every field.
        return self.title

    @property
    def is_exempt(self) -> bool:
        return False

    def line_of(self, name: str) -> int:
        return dict(self.field_lines).get(name, 1)

    @property
    def first_seen(self) -> dt.date | None:
        """When the item appeared: its own date where it has one."""
        return getattr(self, "date", None) or getattr(self, "on", None)


@dataclass(frozen=True)
class StatusChange:
    date: dt.date
    status: str
    note: str = ""


@dataclass(frozen=True)
class Action:
    action: str
    owner: str
    due: dt.date
    status: str
    origin: str  # key of the spotlight or report it comes from
    line: int
    history: tuple[StatusChange, ...] = ()  # oldest first
    classification: str = MARKINGS[0]  # its item's: wherever the action is shown, so is the marking

    def status_on(self, day: dt.date) -> str:
        """The status the action had on a day, from its history where it has one."""
        if not self.history:
            return self.status
        known = [change.status for change in self.history if change.date <= day]
        return known[-1] if known else "open"

    def is_overdue(self, today: dt.date) -> bool:
        return self.due < today and self.status_on(today) != "done"


@dataclass(frozen=True)
class Presenter:
    name: str
    organisation: str = ""


@dataclass(frozen=True)
class Author:
    name: str
    role: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, kw_only=True)
class Threat(Item):
    kind = "threat"
    folder = "threats"
    trend: str = "uncertain"
    objectives: tuple[str, ...] = ()
    signs: tuple[str, ...] = ()
    at_risk: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CaseStudy(Item):
    kind = "case-study"
    folder = "case-studies"
    date: dt.date | None = None
    threats: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Spotlight(Item):
    kind = "spotlight"
    folder = "spotlights"
    date: dt.date | None = None
    board: str | None = None
    presenters: tuple[Presenter, ...] = ()
    threats: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Appendix:
    """A report appendix: another content item (by key) or an asset file."""

    target: str  # item key ("case-studies/x") or asset path ("assets/plan.pdf")
    is_asset: bool
    exempt: int | None = None  # its own Schedule 7A paragraph: the paper is published, this appendix is not
    withheld: bool = False  # this build leaves it out: only its number and the exempt line remain

    def left_out(self) -> Appendix:
        """What stays of an exempt appendix where it is not published: nothing that names it."""
        return Appendix("", False, self.exempt, withheld=True)


@dataclass(frozen=True)
class BackgroundPaper:
    """A paper relied on in writing a report (s50D of the 1973 Act): listed, kept for inspection."""

    title: str
    location: str = ""


@dataclass(frozen=True, kw_only=True)
class Report(Item):
    kind = "report"
    folder = "reports"
    to: str | None = None
    on: dt.date | None = None
    report_by: str = ""
    author: Author | None = None
    threats: tuple[str, ...] = ()
    exempt: int | None = None
    appendices: tuple[Appendix, ...] = ()
    actions: tuple[Action, ...] = ()
    implications: tuple[tuple[str, str], ...] = ()  # (heading, text), in site order
    public_title: str = ""  # what an agenda shows where the paper is left out
    publish_from: dt.date | None = None  # a public build leaves it out before this date (`publication`)
    reference: str = ""  # the clerk's report number, e.g. "CSP/15/09"
    report_date: dt.date | None = None  # the date the paper was written, printed in its header
    background_papers: tuple[BackgroundPaper, ...] = ()

    def not_published_line(self, not_yet: bool = False) -> str:
        """The one line every listing prints where a build leaves this paper out
        (`not_yet`: its `publish_from` date has not come)."""
        if self.is_exempt:
            return exempt_line(self.exempt)
        # A sensitive paper is never "to follow" in a public build: it is not coming.
        to_follow = self.draft or (not_yet and self.classification == MARKINGS[0])
        return "Paper to follow" if to_follow else "Item not published"

    @property
    def is_exempt(self) -> bool:
        return self.exempt is not None


@dataclass(frozen=True, kw_only=True)
class Page(Item):
    kind = "page"
    folder = "pages"


@dataclass(frozen=True)
class AgendaItem:
    """One line of an agenda: a report by key, the minutes of an earlier meeting
    (by its id) for approval, or a plain titled item."""

    report: str | None = None
    minutes: str | None = None
    title: str = ""
    note: str = ""
    withheld: str = ""  # where this build leaves the paper out: the line printed instead
    added: dt.date | None = None  # when the clerk put it on the agenda: after `publish_by`, a late item
    urgent_reason: str = ""  # why the Chair takes a late item: printed on the agenda
    line: int = 0  # of the meeting file, for messages

    @classmethod
    def left_out(cls, report: Report, not_yet: bool = False) -> AgendaItem:
        """The item of a paper this build leaves out: its number stays, its title and
        note go (a public title, where given, stands in), and one line says why."""
        return cls(title=report.public_title, withheld=report.not_published_line(not_yet))


@dataclass(frozen=True)
class AgendaEntry:
    """An agenda line as shown: its number (its place in the meeting file), the
    item, and the paper it presents where this view shows it."""

    number: int
    item: AgendaItem
    report: Report | None


@dataclass(frozen=True, kw_only=True)
class Meeting(Item):
    kind = "meeting"
    folder = "meetings"
    board: str = ""
    date: dt.date | None = None
    time: str = ""
    venue: str = ""
    items: tuple[AgendaItem, ...] = ()
    publish_by: dt.date | None = None  # as written; `publication.publish_by` works out the default
    issued: dt.date | None = None  # from this date its agenda pack is frozen (`issued`)
    supplementary: tuple[Supplement, ...] = ()
    reissued: str = ""  # why the frozen pack is issued again: printed on its cover


@dataclass(frozen=True)
class Supplement:
    """A supplementary agenda pack: the items added or changed after the pack was issued."""

    number: int  # "Supplementary agenda 1"
    issued: dt.date
    items: tuple[int, ...]  # agenda numbers
    line: int = 0


@dataclass(frozen=True)
class Fact:
    id: str
    value: str
    label: str
    source: str
    year: int | None
    classification: str


@dataclass(frozen=True)
class Project:
    """The whole validated content of a project (or the part a profile keeps)."""

    site: Site
    facts: tuple[Fact, ...] = ()
    threats: tuple[Threat, ...] = ()
    case_studies: tuple[CaseStudy, ...] = ()
    spotlights: tuple[Spotlight, ...] = ()
    reports: tuple[Report, ...] = ()
    meetings: tuple[Meeting, ...] = ()
    pages: tuple[Page, ...] = ()
    minutes: tuple[Item, ...] = ()  # builder.model.minutes.Minutes, built on this module
    assets: tuple[str, ...] = ()
    profile: str = "internal"
    excluded_keys: frozenset[str] = field(default=frozenset())
    drafts: bool = False  # a preview that shows drafts, each marked DRAFT

    @property
    def items(self) -> tuple[Item, ...]:
        return (
            self.threats + self.case_studies + self.spotlights + self.reports + self.meetings + self.pages
            + self.minutes
        )

    @cached_property
    def by_key(self) -> dict[str, Item]:
        return {item.key: item for item in self.items}

    @cached_property
    def by_path(self) -> dict[str, Item]:
        return {item.path: item for item in self.items}

    @cached_property
    def dated_items(self) -> tuple[tuple[dt.date, Item], ...]:
        """Every item but the meetings under each of its dates (first seen and
        updated), in date order: what a meeting hears about is a slice of it."""
        return tuple(sorted(
            ((day, item) for item in self.items if not isinstance(item, Meeting)
             for day in {item.first_seen, item.updated} if day is not None),
            key=lambda entry: entry[0]))

    @cached_property
    def facts_by_id(self) -> dict[str, Fact]:
        return {fact.id: fact for fact in self.facts}

    def threat(self, threat_id: str) -> Threat | None:
        return self.by_key.get(f"{Threat.folder}/{threat_id}")

    def report(self, report_id: str) -> Report | None:
        return self.by_key.get(f"{Report.folder}/{report_id}")

    def agenda(self, meeting: Meeting, *, open_pack: bool = False) -> tuple[AgendaEntry, ...]:
        """A meeting's agenda as this project shows it. The open pack also leaves out
        the exempt papers, which only the private pack holds."""
        entries = []
        for number, agenda_item in enumerate(meeting.items, start=1):
            report = self.report(agenda_item.report) if agenda_item.report else None
            if report is not None and open_pack and report.is_exempt:
                agenda_item, report = AgendaItem.left_out(report), None
            entries.append(AgendaEntry(number, agenda_item, report))
        return tuple(entries)

    @cached_property
    def exempt_appendices(self) -> dict[str, int]:
        """Each item or asset that some paper binds in as an exempt appendix, with its
        (first) paragraph: it is exempt material wherever else it is listed."""
        exempt: dict[str, int] = {}
        for report in self.reports:
            for appendix in report.appendices:
                if appendix.exempt and not appendix.withheld:
                    exempt.setdefault(appendix.target, appendix.exempt)
        return exempt

    def withheld_appendix(self, appendix: Appendix) -> Appendix | None:
        """What stays of an appendix where exempt material is left out: the exempt line
        if it is exempt here or as another paper's appendix, else None."""
        paragraph = appendix.exempt or self.exempt_appendices.get(appendix.target)
        return replace(appendix, exempt=paragraph).left_out() if paragraph else None

    def without_exempt(self) -> Project:
        """What an open agenda pack may draw on: everything but the exempt papers and
        exempt appendices (each of which keeps its number and the exempt line)."""
        exempt = {r.key for r in self.reports if r.is_exempt}
        reports = tuple(replace(r, appendices=tuple(self.withheld_appendix(a) or a for a in r.appendices
                                                    if a.target not in exempt))
                        for r in self.reports if not r.is_exempt)

        def open_minutes(minutes):  # the minute of an exempt item, and its actions, go with its paper
            agenda = self.agenda(self.by_key[minutes.meeting_key], open_pack=True)
            return minutes.withhold({entry.number: entry.item.withheld for entry in agenda if entry.item.withheld})

        return replace(self, reports=reports, minutes=tuple(open_minutes(m) for m in self.minutes),
                       meetings=tuple(replace(m, items=tuple(e.item for e in self.agenda(m, open_pack=True)))
                                      for m in self.meetings))

    @cached_property
    def agenda_numbers(self) -> dict[str, tuple[Meeting, int]]:
        """For each report key on an agenda: its (first) meeting and item number."""
        numbers: dict[str, tuple[Meeting, int]] = {}
        for meeting in self.meetings:
            for number, agenda_item in enumerate(meeting.items, start=1):
                if agenda_item.report:
                    numbers.setdefault(f"{Report.folder}/{agenda_item.report}", (meeting, number))
        return numbers

    @cached_property
    def actions_by_board(self) -> dict[str, tuple[Action, ...]]:
        """The actions of each board: those of its spotlight sessions, papers and decisions, by due date."""
        boards: dict[str, list[Action]] = {}
        for item in self.spotlights + self.reports + self.minutes:
            if isinstance(item, Spotlight):
                board = item.board
            else:  # minutes go to the board of their meeting, which a profile keeps with them
                board = item.to if isinstance(item, Report) else self.by_key[f"{Meeting.folder}/{item.id}"].board
            boards.setdefault(board, []).extend(item.actions)
        return {board: tuple(sorted(actions, key=lambda a: (a.due, a.action))) for board, actions in boards.items()}

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a for item in self.spotlights + self.reports + self.minutes for a in item.actions)
