"""The HTML site: rendering the planned pages (in worker processes), the files
copied beside them, and what links and charts in item bodies become."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from builder.assets import scrub
from builder.render import skeletons
from builder.markdown import rendering
from builder.plan import charts
from builder.project import accessibility, lifecycle
from builder.render import templates
from builder.model.errors import ContentError, Problem, Problems
from builder.project.kinds import kind_of
from builder.model.content import Item, highest_marking
from builder.model.project import Project
from builder.plan.pages import breadcrumbs, navigation
from builder.model.paths import page_path
from builder.render.templates import relative_url


def content_path_to_output(project: Project, content_path: str) -> str | None:
    """Where a linked content file lands in the site; None if the profile left it out."""
    if content_path.startswith("assets/"):
        return content_path if content_path in project.assets else None
    item = project.by_path.get(content_path)
    return page_path(item) if item else None


def excluded_link_warnings(project: Project, problems: Problems) -> None:
    """A kept item that links to one the profile leaves out shows the link text only."""
    why = "the public profile leaves out" if project.profile == "public" else "is a draft, left out of the build"
    for item in project.items:
        for link in item.links:
            if content_path_to_output(project, link.target) is None:
                problems.warn(item.path, link.line, f"links to {link.target}, which {why}; the link text is shown without a link")


def used_assets(project: Project) -> set[str]:
    """Only assets that a kept item uses are published: a file used only by a
    sensitive item must not reach a public site."""
    used = {link.target for item in project.items for link in item.links if link.target.startswith("assets/")}
    used.update(a.target for r in project.reports for a in r.appendices if a.is_asset)
    if project.site.logo:
        used.add(project.site.logo)
    return used & set(project.assets)


@dataclass(frozen=True)
class SiteJob:
    """What a process needs to render pages: the model and where things are."""

    project: Project
    content_dir: Path
    out: Path
    today: dt.date
    pdfs: dict = field(hash=False)
    specs: tuple = ()  # the planned pages (PageSpec)
    search_bundles: tuple[str, ...] = ()  # the names of the search indexes every page queries (none: no search)


_TAG = re.compile(r"(<[^>]*>)")


def _marked_skeleton(html: str, phrases: re.Pattern) -> str:
    """The text between the tags, with each skeleton phrase in a <mark>."""
    parts = _TAG.split(html)
    for index in range(0, len(parts), 2):  # even parts are text, odd ones tags
        parts[index] = phrases.sub(lambda m: f'<mark class="skeleton" title="Example text: replace it">'
                                              f'{m.group()}</mark>', parts[index])
    return "".join(parts)


class PageRenderer:
    """Renders planned pages into the output folder, one template environment per process."""

    def __init__(self, job: SiteJob):
        self.job = job
        self.env = templates.environment(job.content_dir)
        self.specs = {spec.path: spec for spec in job.specs}
        self.nav = navigation(job.project)
        self.statement = accessibility.statement_address(job.project)
        self.search_bundles = list(job.search_bundles)
        self.all_markings = {m.classification for m in (*job.project.items, *job.project.facts, *job.project.actions)}
        # A drafts preview marks the skeleton text `briefing new` left, so the author sees what to replace.
        self.skeleton = skeletons.skeleton_phrases(job.content_dir, job.project.site) if job.project.drafts else None

    def body(self, item: Item, page: str) -> Markup:
        """An item's Markdown, its links made relative to the page it appears on."""
        self.env.reads.add(("text", item.key))
        self.env.note_shown(item)

        def url_for(content_path: str, fragment: str, is_image: bool) -> str | None:
            self.env.reads.add(("path", content_path))
            target = content_path_to_output(self.job.project, content_path)
            if target is None:
                return None
            return relative_url(target + (f"#{fragment}" if fragment else ""), page)

        html = rendering.render(item.body, source_path=item.path, url_for=url_for,
                               numbered=kind_of(item).numbered, chart=self.chart)
        if self.skeleton is not None and item.draft:
            html = _marked_skeleton(html, self.skeleton)
        return Markup(html)

    def chart(self, directive, index: int) -> str:
        self.env.reads.update(("fact", fact_id) for fact_id in directive.ids)
        for fact_id in directive.ids:
            self.env.note_shown(self.job.project.facts_by_id.get(fact_id))
        return charts.chart_figure(self.job.project.facts_by_id, directive, f"chart-{index + 1}")

    def render(self, path: str) -> tuple[str, list]:
        """The page's HTML, and the parts of the model outside its planned inputs
        that it read (item texts, facts, whether a linked file is on the site),
        sorted: the build cache records them."""
        spec = self.specs[path]
        self.env.reads, self.env.markings, self.env.everything = set(), set(), False
        html = self._render(spec, spec.marking)
        # The marking printed is the highest of everything the page showed, which a
        # user's template may make more than the page was planned to show; one that
        # reached around the recorder may have shown anything.
        if self.env.everything:
            self.env.markings |= self.all_markings
        shown = highest_marking(self.env.markings | {spec.marking})
        if shown != spec.marking:
            html = self._render(spec, shown)
        reads, self.env.reads, self.env.markings = sorted(self.env.reads), None, None
        return html, reads

    def _render(self, spec, marking: str) -> str:
        item = spec.inputs.get("item") if spec.kind_label else None
        return self.env.get_template(spec.template).render(
            review_due=lifecycle.review_date(item, self.job.project) if item else None,
            is_draft=bool(item and item.draft),
            **spec.inputs,
            site=self.job.project.site,
            page_path=spec.path,
            page_title=spec.title,
            marking=marking,
            section=spec.section,
            kind_label=spec.kind_label,
            root_url=relative_url("index.html", spec.path).removesuffix("index.html") or "./",
            nav=self.nav,
            accessibility_statement=relative_url(self.statement, spec.path) if self.statement else None,
            search_bundles=self.search_bundles,
            breadcrumbs=breadcrumbs(spec),
            today=self.job.today,
            profile=self.job.project.profile,
            render_body=lambda item: self.body(item, spec.path),
        )

    def write(self, paths: list[str]) -> tuple[list[Problem], dict[str, list]]:
        """Write the pages; a template mistake becomes a problem naming its file and
        line. Returns the problems, and what each page read (see `render`)."""
        problems, reads = [], {}
        for path in paths:
            try:
                html, reads[path] = self.render(path)
            except Exception as exc:
                problem = templates.template_problem(exc)
                if problem is None:
                    raise
                problems.append(problem)
                continue
            target = self.job.out / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
        return problems, reads


_worker: PageRenderer | None = None


def start_worker(job: SiteJob) -> None:
    global _worker
    _worker = PageRenderer(job)


def write_pages(paths: list[str]) -> tuple[list[Problem], dict[str, list]]:
    """Runs in a worker set up by `start_worker`."""
    return _worker.write(paths)


def _cleaned(name: str, source: Path) -> tuple[bytes | None, Problem | None]:
    try:
        return scrub.cleaned(source), None
    except scrub.Refused as refused:
        return None, Problem(name, 0, str(refused))


def refused_assets(project: Project, content_dir: Path) -> list[Problem]:
    """What `copy_files` would refuse to publish, for `check`, which copies nothing."""
    return [refused for name in sorted(used_assets(project))
            for _, refused in [_cleaned(name, content_dir / name)] if refused]


def copy_files(project: Project, static_files: dict[str, Path], content_dir: Path, out: Path) -> list[str]:
    """Static files of the templates, and the assets that kept items use, each
    asset without the metadata it hides (`scrub`): every file that cannot be
    cleaned is an error, and nothing is published."""
    copies = dict(static_files)
    assets = used_assets(project)
    copies.update((asset, content_dir / asset) for asset in assets)
    problems = []
    for name, source in sorted(copies.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        clean, refused = _cleaned(name, source) if name in assets else (None, None)
        if refused:
            problems.append(refused)
            continue
        if clean is None:
            shutil.copyfile(source, target)
        else:
            target.write_bytes(clean)
    if problems:
        raise ContentError(problems)
    return sorted(copies)
