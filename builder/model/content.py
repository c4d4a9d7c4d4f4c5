"""The validated content model: immutable records with named fields.

Everything here has already been checked (`project.loading`); renderers may trust it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
TRENDS = ("rising", "falling", "stable", "uncertain")
OBJECTIVES = ("divert", "deter", "detect", "disrupt")
STATUSES = ("open", "in-progress", "done", "blocked")
PROFILES = ("internal", "public")
# An item's text, and what is found in it. Other pages show an item by its
# title, summary and dates; a page that reads its text is noted as depending on it.
TEXT_FIELDS = ("body", "links")
NOT_PUBLISHED = "Item not published"
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
        return "Paper to follow" if to_follow else NOT_PUBLISHED

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
    classification: str = MARKINGS[0]  # of what its line names: an approval's, the approved meeting's

    @classmethod
    def left_out(cls, report: Report, not_yet: bool = False) -> AgendaItem:
        """The item of a paper this build leaves out: its number stays, its title and
        note go (a public title, where given, stands in), and one line says why."""
        return cls(title=report.public_title, withheld=report.not_published_line(not_yet))

    @classmethod
    def minutes_left_out(cls) -> AgendaItem:
        """The item approving the minutes of a meeting this build leaves out: its
        number stays; nothing of that meeting (its title, its id) does."""
        return cls(title="Minutes of a previous meeting", withheld=NOT_PUBLISHED)


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
