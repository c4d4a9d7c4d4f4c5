"""The whole validated content of a project, and what is worked out from all of
it once: items by key and path, agenda entries, actions by board."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property

from builder.model.content import Action, AgendaEntry, AgendaItem, Appendix, CaseStudy, Fact, Item, Meeting, Page, Report, Spotlight, Threat
from builder.model.partnership import Site


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

    def board_of(self, item: Item) -> str | None:
        """The board an item's actions belong to: a spotlight session's own, the
        board a paper goes to, or the board of the meeting minutes record."""
        if isinstance(item, Spotlight):
            return item.board
        if isinstance(item, Report):
            return item.to
        meeting = self.by_key.get(f"{Meeting.folder}/{item.id}")  # minutes take their meeting's id
        return meeting.board if isinstance(meeting, Meeting) else None

    @cached_property
    def actions_by_board(self) -> dict[str, tuple[Action, ...]]:
        """The actions of each board: those of its spotlight sessions, papers and decisions, by due date."""
        boards: dict[str, list[Action]] = {}
        for item in self.spotlights + self.reports + self.minutes:
            boards.setdefault(self.board_of(item), []).extend(item.actions)
        return {board: tuple(sorted(actions, key=lambda a: (a.due, a.action))) for board, actions in boards.items()}

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a for item in self.spotlights + self.reports + self.minutes for a in item.actions)
