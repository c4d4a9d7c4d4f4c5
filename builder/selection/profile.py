"""Profiles: the part of the validated model that a build for one audience may show."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from builder.project.kinds import KINDS
from builder.model.minutes import Minutes
from builder.model.content import AgendaItem, Item, Meeting, Report, Threat
from builder.model.project import Project
from builder.meetings.publication import not_yet


def _is_published(item_marking: str, is_exempt: bool, is_draft: bool, profile: str) -> bool:
    if is_draft:
        return False
    if profile == "public":
        return item_marking == "OFFICIAL" and not is_exempt
    return True


def select(project: Project, profile: str, drafts: bool = False, today: dt.date | None = None) -> Project:
    """The part of the project that a profile may show.

    Drafts appear only when asked for (a preview); the public profile also drops
    OFFICIAL-SENSITIVE and exempt items, every reference to them, and sensitive
    facts. Whatever reads the result cannot show an excluded item, because it is
    not there. A public build made `today` also leaves out the papers whose
    `publish_from` date has not come.
    """
    waiting = {report.key for report in project.reports
               if profile == "public" and today is not None and not_yet(report, today)}
    # An item bound in as an exempt appendix is exempt material, even where its paper is published.
    exempt_appendices = project.exempt_appendices
    kept = {
        item.key
        for item in project.items
        if _is_published(item.classification, item.is_exempt or item.key in exempt_appendices,
                         item.draft and not drafts, profile)
        and item.key not in waiting
    }
    # Minutes go where their meeting goes: they are shown on its page and link their actions to it.
    kept -= {m.key for m in project.minutes if m.meeting_key not in kept}
    facts = tuple(f for f in project.facts if _is_published(f.classification, False, False, profile))
    fact_ids = {f.id for f in facts}

    def keep_ids(ids: tuple[str, ...], folder: str) -> tuple[str, ...]:
        return tuple(i for i in ids if f"{folder}/{i}" in kept)

    def prune(item: Item) -> Item:
        changes: dict = {}
        if hasattr(item, "threats"):
            changes["threats"] = keep_ids(item.threats, Threat.folder)
        if isinstance(item, Threat):
            changes["facts"] = tuple(f for f in item.facts if f in fact_ids)
        if isinstance(item, Report):
            withheld = {a: project.withheld_appendix(a) for a in item.appendices} if profile == "public" else {}
            changes["appendices"] = tuple(
                withheld.get(a) or a
                for a in item.appendices if withheld.get(a) or (a.is_asset or a.target in kept)
            )
        if isinstance(item, Meeting):
            # Agenda numbers are positions in the meeting file: a paper left out keeps its place.
            changes["items"] = tuple(
                AgendaItem.left_out(project.report(i.report), f"{Report.folder}/{i.report}" in waiting)
                if i.report and f"{Report.folder}/{i.report}" not in kept
                # Minutes put for approval are titled after their meeting: one left out names nothing.
                else AgendaItem.minutes_left_out() if i.minutes and f"{Meeting.folder}/{i.minutes}" not in kept
                else i
                for i in item.items
            )
        if isinstance(item, Minutes):
            # The minute of an item whose paper is left out prints only the line the agenda prints.
            left_out = {number: project.report(i.report).not_published_line()
                        for number, i in enumerate(project.by_key[item.meeting_key].items, start=1)
                        if i.report and f"{Report.folder}/{i.report}" not in kept}
            withheld = item.withhold(left_out)
            changes.update(decisions=withheld.decisions, declarations=withheld.declarations)
        # An item that loses nothing stays the same object, so that what is worked
        # out about it (its fingerprint, for one) is worked out once.
        changes = {name: value for name, value in changes.items() if getattr(item, name) != value}
        return replace(item, **changes) if changes else item

    def keep(items):
        return tuple(prune(i) for i in items if i.key in kept)

    # A file bound in as an exempt appendix is left out of a public build like an exempt item.
    assets = tuple(a for a in project.assets if profile != "public" or a not in exempt_appendices)
    return replace(project, facts=facts, profile=profile, assets=assets, excluded_keys=frozenset(i.key for i in project.items) - kept,
                   drafts=drafts, **{kind.attribute: keep(getattr(project, kind.attribute)) for kind in KINDS})
