"""The HTML site: which page is made from which part of the model.

`plan_pages` is a pure function from the (profile-selected) model to a list of
pages, each naming its template, its inputs and its marking; `write_site`
renders them. Nothing here can show an item the profile left out, because the
selected model no longer holds it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from markupsafe import Markup

from builder import charts, lifecycle, markdown, search, templates
from builder.errors import Problem, Problems
from builder.model import OBJECTIVES, TRENDS, Item, Project, Report, highest_marking
from builder.templates import relative_url

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


def content_path_to_output(project: Project, content_path: str) -> str | None:
    """Where a linked content file lands in the site; None if the profile left it out."""
    if content_path.startswith("assets/"):
        return content_path if content_path in project.assets else None
    item = project.by_path.get(content_path)
    return page_path(item) if item else None


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


def _related(project: Project, threat_id: str) -> dict:
    return {
        "case_studies": _by_date(c for c in project.case_studies if threat_id in c.threats),
        "spotlights": _by_date(s for s in project.spotlights if threat_id in s.threats),
        "reports": _by_date((r for r in project.reports if threat_id in r.threats), "on"),
    }


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
    for threat in project.threats:
        related = _related(project, threat.id)
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
        agenda = [
            {"number": n, "item": i, "report": project.report(i.report) if i.report else None}
            for n, i in enumerate(meeting.items, start=1)
        ]
        reports = [a["report"] for a in agenda if a["report"]]
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


def excluded_link_warnings(project: Project, problems: Problems) -> None:
    """A kept item that links to one the profile leaves out shows the link text only."""
    why = "the public profile leaves out" if project.profile == "public" else "is a draft, left out of the build"
    for item in project.items:
        for link in item.links:
            if content_path_to_output(project, link.target) is None and not link.target.startswith("assets/"):
                problems.warn(item.path, link.line, f"links to {link.target}, which {why}; the link text is shown without a link")


def used_assets(project: Project) -> set[str]:
    """Only assets that a kept item uses are published: a file used only by a
    sensitive item must not reach a public site."""
    used = {link.target for item in project.items for link in item.links if link.target.startswith("assets/")}
    used.update(a.target for r in project.reports for a in r.appendices if a.is_asset)
    if project.site.logo:
        used.add(project.site.logo)
    return used


def chart_figure(facts_by_id: dict, directive, chart_id: str, for_print: bool = False) -> str:
    """The figure a `::: chart facts ...` line stands for, with the sources beneath.
    Facts the profile left out are left out of the chart too. On paper the chart
    is an image with its description as alternative text, as tagged PDF needs."""
    facts = [facts_by_id[i] for i in directive.ids if i in facts_by_id]
    if not facts:
        return ""
    sources = escape("; ".join(f"{f.source}, {f.year}" if f.year else f.source for f in facts))
    chart = charts.facts_chart(facts, chart_id)
    if for_print:
        return f'<div class="chart-figure">{charts.as_image(chart)}<p class="caption">Source: {sources}</p></div>'
    return f'<figure class="chart-figure">{chart}<figcaption>Source: {sources}</figcaption></figure>'


SECTION_LABELS = dict(SECTIONS) | {"pages": "Pages"}


def breadcrumbs(spec: PageSpec) -> list[tuple[str, str]]:
    """The way back from a page: Home, then its section (for pages below the section's index)."""
    if spec.path == "index.html":
        return []
    trail = [("index.html", "Home")]
    if spec.section and spec.path != f"{spec.section}/index.html":
        trail.append((f"{spec.section}/index.html", SECTION_LABELS[spec.section]))
    return trail


def search_bundles(pages: list[PageSpec]) -> list[search.Bundle]:
    """The search indexes of the pages of single items (listing pages are not indexed)."""
    return search.plan_bundles([p.path for p in pages if p.kind_label])


def navigation(project: Project) -> list[tuple[str, str]]:
    nav = [(f"{folder}/index.html", label) for folder, label in SECTIONS]
    return nav + [(page_path(p), p.title) for p in sorted(project.pages, key=lambda p: p.title)]


@dataclass(frozen=True)
class SiteJob:
    """What a process needs to render pages: the model and where things are."""

    project: Project
    content_dir: Path
    out: Path
    today: dt.date
    pdfs: dict = field(hash=False)


class PageRenderer:
    """Renders planned pages into the output folder, one template environment per process."""

    def __init__(self, job: SiteJob):
        self.job = job
        self.env = templates.environment(job.content_dir)
        self.specs = {spec.path: spec for spec in plan_pages(job.project, job.today, job.pdfs)}
        self.nav = navigation(job.project)
        self.search_bundles = [b.name for b in search_bundles(list(self.specs.values()))]

    def body(self, item: Item, page: str) -> Markup:
        """An item's Markdown, its links made relative to the page it appears on."""
        def url_for(content_path: str, fragment: str, is_image: bool) -> str | None:
            target = content_path_to_output(self.job.project, content_path)
            if target is None:
                return None
            return relative_url(target + (f"#{fragment}" if fragment else ""), page)

        return Markup(markdown.render(item.body, source_path=item.path, url_for=url_for,
                                      numbered=isinstance(item, Report), chart=self.chart))

    def chart(self, directive, index: int) -> str:
        return chart_figure(self.job.project.facts_by_id, directive, f"chart-{index + 1}")

    def render(self, path: str) -> str:
        spec = self.specs[path]
        item = spec.inputs.get("item") if spec.kind_label else None
        return self.env.get_template(spec.template).render(
            review_due=lifecycle.review_date(item, self.job.project) if item else None,
            is_draft=bool(item and item.draft),
            **spec.inputs,
            site=self.job.project.site,
            page_path=spec.path,
            page_title=spec.title,
            marking=spec.marking,
            section=spec.section,
            kind_label=spec.kind_label,
            root_url=relative_url("index.html", spec.path).removesuffix("index.html") or "./",
            nav=self.nav,
            search_bundles=self.search_bundles,
            breadcrumbs=breadcrumbs(spec),
            today=self.job.today,
            profile=self.job.project.profile,
            render_body=lambda item: self.body(item, spec.path),
            page_url=page_path,
        )

    def write(self, paths: list[str]) -> list[Problem]:
        """Write the pages; a template mistake becomes a problem naming its file and line."""
        problems = []
        for path in paths:
            try:
                html = self.render(path)
            except Exception as exc:
                problem = templates.template_problem(exc)
                if problem is None:
                    raise
                problems.append(problem)
                continue
            target = self.job.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        return problems


_worker: PageRenderer | None = None


def start_worker(job: SiteJob) -> None:
    global _worker
    _worker = PageRenderer(job)


def write_pages(paths: list[str]) -> list[Problem]:
    """Runs in a worker set up by `start_worker`."""
    return _worker.write(paths)


def copy_files(project: Project, static_files: dict[str, Path], content_dir: Path, out: Path) -> list[str]:
    """Static files of the templates, and the assets that kept items use."""
    copies = dict(static_files)
    copies.update((asset, content_dir / asset) for asset in used_assets(project))
    for name, source in sorted(copies.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return sorted(copies)
