"""Which pages the site has, and which part of the model each is made from.

`plan_pages` asks one planner per family of pages (home, section lists, the
pages of each kind's items, action plans, objectives, reviews, key facts). Each
is a pure function of the profile-selected model's views and the PDFs made
beside it: every page names its template, its inputs and its marking. Nothing
here can show an item the profile left out, because the selected model no
longer holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from builder.plan import charts
from builder.project import lifecycle, redirects
from builder.project.kinds import KINDS, kind_of, newest_first
from builder.model.content import (OBJECTIVES, TRENDS, CaseStudy, Item, Meeting, Report, Spotlight, Threat,
                                   highest_marking)
from builder.model.minutes import Minutes
from builder.model.project import Project
from builder.plan.minutes_views import MinutesViews, decisions_files
from builder.model.paths import (decisions_path, declarations_path, group_path, objective_path, page_path,
                           review_path, section_path)
from builder.plan.views import OBJECTIVE_TEXT, Download, View, Views, by_due

SECTIONS = tuple((kind.folder, kind.section) for kind in KINDS if kind.in_nav) + (
    ("actions", "Action plan"),
    ("objectives", "Objectives"),
    ("facts", "Key facts"),
    ("reviews", "Reviews"),
)
SECTION_LABELS = dict(SECTIONS) | {kind.folder: kind.section for kind in KINDS}
LATEST_COUNT = 5
# The files beside a section's list, for readers who take the data elsewhere.
SECTION_FILES = {Meeting.folder: (Download("Meetings for your calendar", "meetings.ics"),),
                 Report.folder: (Download("New papers and sessions as a feed", "feed.xml"),),
                 "actions": (Download("The action plan as a spreadsheet", "actions.csv"),)}


@dataclass(frozen=True)
class PageSpec:
    """One output page: where it goes, which template, its inputs and its marking."""

    path: str
    template: str
    title: str
    inputs: dict = field(hash=False)
    marking: str = "OFFICIAL"
    section: str = ""
    kind_label: str = ""  # set on pages of a single item: these are what search finds


Planner = Callable[[Views, dict], Iterator[PageSpec]]


def _marking(*groups) -> str:
    """The highest marking of the items, facts and views a page shows."""
    return highest_marking(entry.marking if isinstance(entry, View) else entry.classification
                           for group in groups for entry in group)


def _item_page(item: Item, inputs: dict, *shown) -> PageSpec:
    """The page of one item, marked by the item and everything else it shows."""
    kind = kind_of(item)
    return PageSpec(page_path(item), kind.template, item.title, {"item": item, **inputs}, _marking([item], *shown),
                    kind.folder, kind.label)


def home(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    project, today = shown.project, shown.today
    latest_reports = newest_first(project.reports)[:LATEST_COUNT]
    latest_spotlights = newest_first(project.spotlights)[:LATEST_COUNT]
    upcoming = sorted((m for m in project.meetings if m.date and m.date >= today), key=lambda m: m.date)
    rows = shown.action_rows()
    yield PageSpec("index.html", "home.html", project.site.title, {
        "facts": project.facts,
        "trends": {trend: [t for t in project.threats if t.trend == trend] for trend in TRENDS},
        "reports": latest_reports,
        "spotlights": latest_spotlights,
        "meetings": upcoming,
        "trend_chart": charts.threats_by_trend(project),
        "open_count": sum(row.action.status != "done" for row in rows),
        "overdue_count": sum(row.overdue for row in rows),
    }, _marking(project.facts, project.threats, latest_reports, latest_spotlights, upcoming, rows))


def section_lists(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    project = shown.project
    for kind in KINDS:
        items = getattr(project, kind.attribute)
        yield PageSpec(section_path(kind.folder), "list.html", kind.section,
                       {"items": kind.list_order(items), "folder": kind.folder,
                        "files": SECTION_FILES.get(kind.folder, ())},
                       _marking(items), kind.folder)


def _related(project: Project) -> dict[str, dict]:
    """For each threat, the items of each kind that names threats, listed as that
    kind's section lists them: one pass over the items, not one per threat."""
    naming = [kind for kind in KINDS if "threats" in kind.fields]
    related = {t.id: {kind.attribute: [] for kind in naming} for t in project.threats}
    for kind in naming:
        for item in getattr(project, kind.attribute):
            for threat_id in dict.fromkeys(item.threats):
                if threat_id in related:
                    related[threat_id][kind.attribute].append(item)
    for lists in related.values():
        for kind in naming:
            lists[kind.attribute] = kind.list_order(lists[kind.attribute])
    return related


def threats(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    project = shown.project
    related_to = _related(project)
    for threat in project.threats:
        related = related_to[threat.id]
        facts = [project.facts_by_id[f] for f in threat.facts]
        yield _item_page(threat, {"facts": facts, **related}, facts, *related.values())


def case_studies(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    for case in shown.project.case_studies:
        threats = [shown.project.threat(t) for t in case.threats]
        yield _item_page(case, {"threats": threats}, threats)


def spotlights(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    for spotlight in shown.project.spotlights:
        threats = [shown.project.threat(t) for t in spotlight.threats]
        yield _item_page(spotlight, {"threats": threats, "actions": by_due(shown.actions_of(spotlight)),
                                     "pdfs": pdfs.get(spotlight.path, ())}, threats)


def reports(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    project = shown.project
    minutes = MinutesViews(project)
    for report in project.reports:
        threats = [project.threat(t) for t in report.threats]
        appendices = shown.appendices(report)
        meeting, number = project.agenda_numbers.get(report.key, (None, None))
        decision = minutes.decision_on(report)
        yield _item_page(report, {"threats": threats, "appendices": appendices, "meeting": meeting,
                                  "agenda_number": number, "actions": by_due(shown.actions_of(report)),
                                  "pdfs": pdfs.get(report.path, ()), "decision": decision},
                         threats, [a.item for a in appendices if a.item], [decision] if decision else [])


def meetings(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    minutes = MinutesViews(shown.project)
    for meeting in shown.project.meetings:
        agenda = shown.project.agenda(meeting)
        upcoming = bool(meeting.date and meeting.date >= shown.today)
        recorded = minutes.of(meeting)
        yield _item_page(meeting, {"agenda": agenda, "upcoming": upcoming,
                                   "label": "Meeting" if upcoming else "Past meeting",
                                   "since": shown.since(meeting), "pdfs": pdfs.get(meeting.path, ()),
                                   "minutes": recorded,
                                   "minutes_pdfs": pdfs.get(recorded.minutes.path, ()) if recorded else ()},
                         [entry.report for entry in agenda if entry.report], [recorded] if recorded else [])


def minutes_pages(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    for view in MinutesViews(shown.project).all():
        yield _item_page(view.minutes, {"minutes": view, "pdfs": pdfs.get(view.minutes.path, ()),
                                        "actions": by_due(shown.actions_of(view.meeting))},
                         [view], shown.actions_of(view.meeting))


# The pages of the kinds whose pages show more than the item itself.
ITEM_PAGES: dict[type[Item], Planner] = {Threat: threats, CaseStudy: case_studies, Spotlight: spotlights,
                                         Report: reports, Meeting: meetings, Minutes: minutes_pages}


def item_pages(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    for kind in KINDS:
        if kind.model in ITEM_PAGES:
            yield from ITEM_PAGES[kind.model](shown, pdfs)
        else:
            yield from (_item_page(item, {}) for item in getattr(shown.project, kind.attribute))


def board_records(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    """Each board's decisions log and register of interests, in the meetings' section."""
    minutes = MinutesViews(shown.project)
    for board in shown.project.site.boards:
        rows = minutes.decisions(board.id)
        yield PageSpec(decisions_path(board.id), "decisions.html", f"Decisions: {board.name}",
                       {"board": board, "rows": rows, "files": decisions_files(board.id)}, _marking(rows),
                       Meeting.folder)
        rows = minutes.declarations(board.id)
        yield PageSpec(declarations_path(board.id), "declarations.html", f"Declarations of interest: {board.name}",
                       {"board": board, "rows": rows}, _marking(rows), Meeting.folder)


def action_plans(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    """The whole action plan, then one page per owning group."""
    project, today = shown.project, shown.today
    groups = []
    for group in project.site.groups:
        rows = shown.actions_owned_by(group)
        groups.append({"group": group, "rows": rows,
                       "chart": charts.actions_by_status([row.action for row in rows], today,
                                                         f"Actions of the {group.name} by status", f"chart-{group.id}")})
    every_row = shown.action_rows()
    yield PageSpec(section_path("actions"), "actions.html", "Action plan",
                   {"groups": groups, "overdue_count": sum(row.overdue for row in every_row),
                    "files": SECTION_FILES["actions"] + tuple(pdfs.get(section_path("actions"), ()))},
                   _marking(every_row), "actions")
    for entry in groups:
        owned = [i for i in project.items if i.owner == entry["group"].id]
        yield PageSpec(group_path(entry["group"].id), "action-group.html", entry["group"].name,
                       {**entry, "owned": owned, "pdfs": pdfs.get(group_path(entry["group"].id), ())},
                       _marking(owned, entry["rows"]), "actions")


def objectives(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    project = shown.project
    entries = []
    for objective in OBJECTIVES:
        threats = [t for t in project.threats if objective in t.objectives]
        cases = newest_first(c for c in project.case_studies if objective in c.objectives)
        entries.append({"id": objective, "text": OBJECTIVE_TEXT[objective], "threats": threats, "case_studies": cases})
        yield PageSpec(objective_path(objective), "objective.html", objective.capitalize(), entries[-1],
                       _marking(threats, cases), "objectives")
    yield PageSpec(section_path("objectives"), "objectives.html", "Objectives", {"objectives": entries},
                   _marking(project.threats, project.case_studies), "objectives")


def reviews(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    """What is due for review, soonest first: all of it, and one page per owning group."""
    project, today = shown.project, shown.today

    def rows(items):
        dated = sorted(((lifecycle.review_date(i, project), i) for i in items), key=lambda r: (r[0], r[1].title))
        return [{"item": item, "due": due, "overdue": due < today} for due, item in dated]

    reviewed = lifecycle.reviewed_items(project)
    groups = [{"group": g, "rows": rows([i for i in reviewed if i.owner == g.id])} for g in project.site.groups]
    yield PageSpec(section_path("reviews"), "reviews.html", "Reviews",
                   {"groups": groups, "unowned": rows([i for i in reviewed if not i.owner])},
                   _marking(reviewed), "reviews")
    for entry in groups:
        yield PageSpec(review_path(entry["group"].id), "review-group.html", f"Reviews: {entry['group'].name}", entry,
                       _marking([r["item"] for r in entry["rows"]]), "reviews")


def key_facts(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    project = shown.project
    users = {f: [t for t in project.threats if f.id in t.facts] for f in project.facts}
    figures = {f: charts.fact_figure(f, f"fact-{f.id}") for f in project.facts}
    yield PageSpec(section_path("facts"), "facts.html", "Key facts",
                   {"facts": project.facts, "users": users, "figures": figures},
                   _marking(project.facts, *users.values()), "facts")


def redirect_pages(shown: Views, pdfs: dict) -> Iterator[PageSpec]:
    """A renamed item's old addresses (`redirects`), each leading to its page."""
    for item in shown.project.items:
        for alias in item.aliases:
            yield PageSpec(redirects.alias_path(item, alias), redirects.TEMPLATE, item.title,
                           {"moved": item, "target": page_path(item)}, item.classification, kind_of(item).folder)


PLANNERS: tuple[Planner, ...] = (home, section_lists, item_pages, board_records, action_plans, objectives, reviews,
                                 key_facts, redirect_pages)


def plan_pages(shown: Views, pdfs: dict | None = None) -> list[PageSpec]:
    """Every page of the site, as a function of the selected model's views and
    the PDFs made beside it (content path -> its downloads)."""
    return [spec for planner in PLANNERS for spec in planner(shown, pdfs or {})]


def breadcrumbs(spec: PageSpec) -> list[tuple[str, str]]:
    """The way back from a page: Home, then its section (for pages below the section's index)."""
    if spec.path == "index.html":
        return []
    trail = [("index.html", "Home")]
    if spec.section and spec.path != section_path(spec.section):
        trail.append((section_path(spec.section), SECTION_LABELS[spec.section]))
    return trail


def navigation(project: Project) -> list[tuple[str, str]]:
    nav = [(section_path(folder), label) for folder, label in SECTIONS]
    return nav + [(page_path(p), p.title) for p in sorted(project.pages, key=lambda p: p.title)]
