"""Which pages the site has, and which part of the model each is made from.

`plan_pages` is a pure function of the profile-selected model and the date:
every page names its template, its inputs and its marking. Nothing here can
show an item the profile left out, because the selected model no longer holds it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from builder import charts, lifecycle, search
from builder.model import OBJECTIVES, TRENDS, Item, Project, highest_marking

SECTIONS = (
    ("threats", "Threats"),
    ("case-studies", "Case studies"),
    ("spotlights", "Spotlight sessions"),
    ("reports", "Board papers"),
    ("meetings", "Meetings"),
    ("actions", "Action plan"),
    ("objectives", "Objectives"),
    ("facts", "Key facts"),
    ("reviews", "Reviews"),
)
OBJECTIVE_TEXT = {
    "divert": "Divert people from becoming involved in serious organised crime.",
    "deter": "Deter serious organised crime groups by supporting organisations to protect themselves.",
    "detect": "Detect serious organised crime: identify the groups and what they do.",
    "disrupt": "Disrupt serious organised crime groups and their activities.",
}
LATEST_COUNT = 5


def page_path(item: Item) -> str:
    return f"{item.folder}/{item.id}.html"


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


def _marking(*groups) -> str:
    return highest_marking(item.classification for group in groups for item in group)


def _by_date(items, attribute: str = "date"):
    return sorted(items, key=lambda i: (getattr(i, attribute) or dt.date.min, i.title), reverse=True)


def _related(project: Project) -> dict[str, dict]:
    """For each threat, the case studies, spotlights and papers about it: one pass
    over the items, not one per threat."""
    related = {t.id: {"case_studies": [], "spotlights": [], "reports": []} for t in project.threats}
    for name, items in (("case_studies", project.case_studies), ("spotlights", project.spotlights),
                        ("reports", project.reports)):
        for item in items:
            for threat_id in dict.fromkeys(item.threats):
                if threat_id in related:
                    related[threat_id][name].append(item)
    for lists in related.values():
        lists["case_studies"] = _by_date(lists["case_studies"])
        lists["spotlights"] = _by_date(lists["spotlights"])
        lists["reports"] = _by_date(lists["reports"], "on")
    return related


def _action_rows(project: Project, actions, today: dt.date) -> list[dict]:
    rows = []
    for action in sorted(actions, key=lambda a: (a.due, a.action)):
        origin = project.by_key[action.origin]
        rows.append(
            {
                "action": action,
                "origin": origin,
                "group": project.site.group(action.owner),
                "overdue": action.is_overdue(today),
            }
        )
    return rows


def _action_origins(project: Project, actions) -> list[Item]:
    return [project.by_key[a.origin] for a in actions]


def plan_pages(project: Project, today: dt.date, pdfs: dict | None = None) -> list[PageSpec]:
    """Every page of the site, as a function of the selected model, the date and
    the PDFs made beside it (content path -> [(label, output path)])."""
    pdfs = pdfs or {}
    pages: list[PageSpec] = []
    site = project.site
    actions = project.actions
    open_actions = [a for a in actions if a.status != "done"]
    trends = {trend: [t for t in project.threats if t.trend == trend] for trend in TRENDS}
    latest_reports = _by_date(project.reports, "on")[:LATEST_COUNT]
    latest_spotlights = _by_date(project.spotlights)[:LATEST_COUNT]
    upcoming = sorted((m for m in project.meetings if m.date and m.date >= today), key=lambda m: m.date)
    pages.append(
        PageSpec(
            "index.html",
            "home.html",
            site.title,
            {
                "facts": project.facts,
                "trends": trends,
                "reports": latest_reports,
                "spotlights": latest_spotlights,
                "meetings": upcoming,
                "trend_chart": charts.threats_by_trend(project),
                "open_count": len(open_actions),
                "overdue_count": sum(a.is_overdue(today) for a in actions),
            },
            _marking(project.facts, project.threats, latest_reports, latest_spotlights, upcoming,
                     _action_origins(project, actions)),
        )
    )

    listings = (
        ("threats", "Threats", project.threats, sorted(project.threats, key=lambda t: t.title)),
        ("case-studies", "Case studies", project.case_studies, _by_date(project.case_studies)),
        ("spotlights", "Spotlight sessions", project.spotlights, _by_date(project.spotlights)),
        ("reports", "Board papers", project.reports, _by_date(project.reports, "on")),
        ("meetings", "Meetings", project.meetings, _by_date(project.meetings)),
        ("pages", "Pages", project.pages, sorted(project.pages, key=lambda p: p.title)),
    )
    files = {"meetings": [("Meetings for your calendar", "meetings.ics")],
             "reports": [("New papers and sessions as a feed", "feed.xml")]}
    for folder, title, items, ordered in listings:
        pages.append(
            PageSpec(f"{folder}/index.html", "list.html", title,
                     {"items": ordered, "folder": folder, "files": files.get(folder, [])}, _marking(items), folder)
        )

    numbers = project.agenda_numbers
    related_to = _related(project)
    for threat in project.threats:
        related = related_to[threat.id]
        facts = [project.facts_by_id[f] for f in threat.facts]
        pages.append(
            PageSpec(page_path(threat), "threat.html", threat.title, {"item": threat, "facts": facts, **related},
                     _marking([threat], facts, *related.values()), "threats", "Threat")
        )
    for case in project.case_studies:
        threats = [project.threat(t) for t in case.threats]
        pages.append(PageSpec(page_path(case), "case-study.html", case.title, {"item": case, "threats": threats},
                              _marking([case], threats), "case-studies", "Case study"))
    for spotlight in project.spotlights:
        threats = [project.threat(t) for t in spotlight.threats]
        pages.append(
            PageSpec(page_path(spotlight), "spotlight.html", spotlight.title,
                     {"item": spotlight, "threats": threats, "actions": _action_rows(project, spotlight.actions, today),
                      "pdfs": pdfs.get(spotlight.path, [])},
                     _marking([spotlight], threats), "spotlights", "Spotlight session")
        )
    for report in project.reports:
        threats = [project.threat(t) for t in report.threats]
        appendices = [
            {"title": a.target.rsplit("/", 1)[1], "path": a.target} if a.is_asset
            else {"title": project.by_key[a.target].title, "path": page_path(project.by_key[a.target])}
            for a in report.appendices
        ]
        appendix_items = [project.by_key[a.target] for a in report.appendices if not a.is_asset]
        meeting, number = numbers.get(report.key, (None, None))
        pages.append(
            PageSpec(
                page_path(report), "report.html", report.title,
                {"item": report, "threats": threats, "appendices": appendices, "meeting": meeting,
                 "agenda_number": number, "actions": _action_rows(project, report.actions, today),
                 "pdfs": pdfs.get(report.path, [])},
                _marking([report], threats, appendix_items), "reports", "Board paper",
            )
        )
    for meeting in project.meetings:
        agenda = project.agenda(meeting)
        reports = [entry.report for entry in agenda if entry.report]
        pages.append(
            PageSpec(page_path(meeting), "meeting.html", meeting.title,
                     {"item": meeting, "agenda": agenda, "upcoming": bool(meeting.date and meeting.date >= today),
                      "since": lifecycle.since_last_meeting(project, meeting),
                      "pdfs": pdfs.get(meeting.path, [])},
                     _marking([meeting], reports), "meetings", "Meeting")
        )
    for page in project.pages:
        pages.append(PageSpec(page_path(page), "page.html", page.title, {"item": page}, _marking([page]), "pages",
                              "Information"))

    groups = [
        {"group": g, "rows": _action_rows(project, [a for a in actions if a.owner == g.id], today),
         "chart": charts.actions_by_status([a for a in actions if a.owner == g.id], today,
                                           f"Actions of the {g.name} by status", f"chart-{g.id}")}
        for g in site.groups
    ]
    pages.append(
        PageSpec("actions/index.html", "actions.html", "Action plan",
                 {"groups": groups, "overdue_count": sum(a.is_overdue(today) for a in actions)},
                 _marking(_action_origins(project, actions)), "actions")
    )
    for entry in groups:
        group = entry["group"]
        owned = [i for i in project.items if i.owner == group.id]
        pages.append(
            PageSpec(f"actions/{group.id}.html", "group.html", group.name, {**entry, "owned": owned},
                     _marking(owned, [r["origin"] for r in entry["rows"]]), "actions")
        )

    objectives = []
    for objective in OBJECTIVES:
        threats = [t for t in project.threats if objective in t.objectives]
        cases = _by_date(c for c in project.case_studies if objective in c.objectives)
        objectives.append({"id": objective, "text": OBJECTIVE_TEXT[objective], "threats": threats, "case_studies": cases})
        pages.append(
            PageSpec(f"objectives/{objective}.html", "objective.html", objective.capitalize(),
                     objectives[-1], _marking(threats, cases), "objectives")
        )
    pages.append(
        PageSpec("objectives/index.html", "objectives.html", "Objectives", {"objectives": objectives},
                 _marking(project.threats, project.case_studies), "objectives")
    )
    pages.extend(_review_pages(project, today))
    users = {f: [t for t in project.threats if f.id in t.facts] for f in project.facts}
    figures = {f: charts.fact_figure(f, f"fact-{f.id}") for f in project.facts}
    pages.append(PageSpec("facts/index.html", "facts.html", "Key facts",
                          {"facts": project.facts, "users": users, "figures": figures},
                          _marking(project.facts, *users.values()), "facts"))
    return pages


def _review_pages(project: Project, today: dt.date) -> list[PageSpec]:
    """What is due for review, soonest first: one page per owning group, and all of it."""
    def rows(items):
        dated = sorted(((lifecycle.review_date(i, project), i) for i in items), key=lambda r: (r[0], r[1].title))
        return [{"item": item, "due": due, "overdue": due < today} for due, item in dated]

    reviewed = lifecycle.reviewed_items(project)
    groups = [{"group": g, "rows": rows([i for i in reviewed if i.owner == g.id])} for g in project.site.groups]
    unowned = rows([i for i in reviewed if not i.owner])
    pages = [PageSpec("reviews/index.html", "reviews.html", "Reviews", {"groups": groups, "unowned": unowned},
                      _marking(reviewed), "reviews")]
    for entry in groups:
        pages.append(PageSpec(f"reviews/{entry['group'].id}.html", "review-group.html",
                              f"Reviews: {entry['group'].name}", entry,
                              _marking([r["item"] for r in entry["rows"]]), "reviews"))
    return pages


SECTION_LABELS = dict(SECTIONS) | {"pages": "Pages"}


def breadcrumbs(spec: PageSpec) -> list[tuple[str, str]]:
    """The way back from a page: Home, then its section (for pages below the section's index)."""
    if spec.path == "index.html":
        return []
    trail = [("index.html", "Home")]
    if spec.section and spec.path != f"{spec.section}/index.html":
        trail.append((f"{spec.section}/index.html", SECTION_LABELS[spec.section]))
    return trail


def search_bundles(project: Project) -> list[search.Bundle]:
    """The search indexes of the pages of single items (listing pages are not indexed)."""
    return search.plan_bundles([page_path(item) for item in project.items])


def navigation(project: Project) -> list[tuple[str, str]]:
    nav = [(f"{folder}/index.html", label) for folder, label in SECTIONS]
    return nav + [(page_path(p), p.title) for p in sorted(project.pages, key=lambda p: p.title)]
