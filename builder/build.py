"""The build, top to bottom: load -> validate -> select profile -> render -> swap into place.

The output folder is only ever replaced whole: everything is written to a
temporary folder beside it, and swapped in once the whole build has succeeded.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from collections.abc import Callable
from pathlib import Path

import jinja2

from builder import (cache, exports, hosting, interrupt, lifecycle, pages, parallel, pdf, scaffold, search, site,
                     templates, version)
from builder.cache import BuildCache
from builder.errors import ContentError, Problem, Problems
from builder.model import TEXT_FIELDS, Project, select
from builder.validate import load_project, revise_project

OUTPUT_MARKER = ".briefing-output"
# WeasyPrint's memory grows slowly in a long-lived process: start fresh workers now and then.
PDFS_PER_WORKER = 40
# Below these counts per process, starting another process costs more than it saves.
PAGES_PER_PROCESS = 200
# Pages are rendered in slices this big: small enough that search indexing can
# start soon, big enough that handing them to a worker costs little.
PAGES_PER_SLICE = 50
PDFS_PER_PROCESS = 3


@dataclass(frozen=True)
class BuildResult:
    written: tuple[str, ...]
    warnings: tuple[Problem, ...]
    reused: int = 0  # outputs taken unchanged from the previous build


def _prepare(content_dir: Path, profile: str, today: dt.date, drafts: bool = False,
             model: cache.Model | None = None) -> tuple[Project, Problems, jinja2.Environment]:
    """Validate (unless a build has the model already) and select: the model a
    profile may show, its warnings, and the templates."""
    project, warnings = model.result if model else load_project(content_dir)
    selected = select(project, profile, drafts)
    problems = Problems()
    problems.items.extend(warnings)
    _skeleton_problems(content_dir, project, selected, problems)
    site.excluded_link_warnings(selected, problems)
    lifecycle.review_warnings(selected, today, problems)
    return selected, problems, templates.environment(content_dir)


def _skeleton_problems(content_dir: Path, project: Project, selected: Project, problems: Problems) -> None:
    """Text left from `briefing new`'s skeleton: an error in what this build
    publishes, a warning in a draft (which a drafts preview shows)."""
    phrases = scaffold.skeleton_phrases(content_dir, project.site)
    for item in project.items:
        published = item.key in selected.by_key and not item.draft
        for line, text in scaffold.skeleton_text(item, phrases):
            if published:
                problems.error(item.path, line, f"'{text}' is the new item's example text: write your own, or "
                                                "set 'draft: true' until it is ready")
            else:
                problems.warn(item.path, line, f"'{text}' is the new item's example text: replace it before "
                                               "the item is published")


def check(content_dir: Path, profile: str, today: dt.date) -> tuple[Project, list[Problem]]:
    """Validate the content and the templates it needs; write nothing."""
    selected, problems, env = _prepare(content_dir, profile, today)
    needed = {spec.template for spec in pages.plan_pages(selected, today)}
    needed |= {job.template for job in pdf.plan_pdfs(selected, today)}
    for name in sorted(needed):
        _load_template(env, name, problems)
    problems.raise_if_errors()
    return selected, sorted(problems.warnings)


def _load_template(env: jinja2.Environment, name: str, problems: Problems) -> None:
    try:
        env.get_template(name)
    except (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound) as exc:
        problems.items.append(templates.template_problem(exc, name))


def _check_output_location(content_dir: Path, output_dir: Path) -> None:
    content, output = content_dir.resolve(), output_dir.resolve()
    if output == content or content.is_relative_to(output) or output.is_relative_to(content):
        raise ContentError([Problem(str(output_dir), 0, "the output folder must be outside the content folder "
                                    "and must not contain it; choose another --output")])
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / OUTPUT_MARKER).exists())):
        raise ContentError([Problem(str(output_dir), 0, "this folder exists and was not made by briefing, so it "
                                    "will not be replaced; choose another --output or move it away")])


def _remove_leftovers(output_dir: Path) -> None:
    """Temporary folders of a build that was killed before it could clean up."""
    for leftover in output_dir.parent.glob(f".{output_dir.name}.*.tmp"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, output_dir: Path) -> None:
    if output_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.old-", suffix=".tmp", dir=output_dir.parent))
        os.replace(output_dir, old / "output")
        os.replace(staging, output_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, output_dir)


class _Reuse:
    """Takes files unchanged since the last build from the old output into the new
    one: as hard links, so nothing is copied, where the file system allows it.
    Thousands of files are taken on every build, so each folder is made once and
    paths stay plain strings."""

    def __init__(self, output_dir: Path, staging: Path):
        self.old, self.new = str(output_dir), str(staging)
        self.folders = {self.new}

    def file(self, path: str) -> None:
        target = os.path.join(self.new, path)
        folder = os.path.dirname(target)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        source = os.path.join(self.old, path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    def has(self, folder: str) -> bool:
        return os.path.isdir(os.path.join(self.old, folder))

    def folder(self, path: str) -> None:
        """Every file under the old output's folder `path`."""
        for parent, _, files in os.walk(os.path.join(self.old, path)):
            relative = parent[len(self.old) + 1:]
            for name in files:
                self.file(f"{relative}/{name}")

    def or_write(self, path: str, data: bytes) -> None:
        """Keep the old file when nothing in it changed, as for rendered outputs."""
        try:
            with open(os.path.join(self.old, path), "rb") as previous:
                if previous.read() == data:
                    self.file(path)
                    return
        except OSError:
            pass
        with open(os.path.join(self.new, path), "wb") as target:
            target.write(data)


@dataclass
class _Plan:
    """Everything a build will write, with the fingerprint of what each output is made from."""

    pages: list
    pdf_jobs: list
    pdf_links: dict
    prints: dict  # output path -> fingerprint of its planned inputs
    exports: dict  # file name -> what makes it
    pdf_versions: dict  # PDF path -> content version recorded in it
    search_bundles: list
    reads_print: Callable[[list], str | None]  # what parts of the model read while rendering are now

    def print_with(self, path: str, reads: list) -> str | None:
        """The fingerprint of an output: its planned inputs and what it read; None
        (matching no cache entry) when a read is of no known kind."""
        if not reads:
            return self.prints[path]
        now = self.reads_print(reads)
        return None if now is None else cache.fingerprint(self.prints[path], now)


def _shared(selected: Project, content_dir: Path, profile: str, today: dt.date, bundles: list[search.Bundle]) -> str:
    """What every page depends on: code, templates, profile, date, settings, the
    menu, and the search indexes that every page's search box queries."""
    return cache.fingerprint(cache.code_version(), templates.templates_digest(content_dir), profile, today,
                             selected.site, pages.navigation(selected),
                             [bundle.name for bundle in bundles])


def _plan(selected: Project, content: cache.ContentState, content_dir: Path, shared: str, today: dt.date,
          with_pdf: bool, bundles: list[search.Bundle], before: BuildCache | None) -> _Plan:
    """What to write, and the fingerprint of what each output is made from. `before`
    is the cache of a build planned from the same model but for the text of its
    items, whose pages and exports were therefore planned from the same inputs."""
    pdf_jobs = pdf.plan_pdfs(selected, today) if with_pdf else []
    pdf_links = pdf.pdf_links(pdf_jobs)
    planned = pages.plan_pages(selected, today, pdf_links)
    # Pages and exports are fingerprinted without the text of the items they show:
    # a page that shows an item's text read it while rendering, and that read is recorded.
    page_print, full_print = cache.Fingerprinter(skip=TEXT_FIELDS), cache.Fingerprinter()

    def text_free_print(path: str, *inputs) -> str:
        known = before.planned(path) if before else None
        return known if known is not None else page_print(shared, path, *inputs)

    prints = {spec.path: text_free_print(spec.path, spec.template, spec.title, spec.marking, spec.section,
                                         spec.kind_label, spec.inputs) for spec in planned}
    page_paths = [spec.path for spec in planned]
    export_files = exports.exports(selected, today, page_paths)
    prints.update((name, text_free_print(name, today, selected, page_paths)) for name in export_files)
    # A paper's links become plain text when what they point at is left out, and
    # it holds the images it shows: a changed asset file is a changed paper.
    existing = cache.fingerprint(sorted(selected.by_path), [(asset, content.files.get(asset))
                                                             for asset in selected.assets])
    version_of = version.content_versions(content_dir)
    pdf_versions = {job.path: version_of(job.sources, full_print(shared, existing, job.path, job.template,
                                                                   job.title, job.inputs)) for job in pdf_jobs}
    prints.update((job.path, full_print(shared, existing, job.path, job.template, job.title, job.inputs,
                                        pdf_versions[job.path])) for job in pdf_jobs)
    # An item's links are found in its text, so the text stands for both.
    read_value = {"text": lambda key: getattr(selected.by_key.get(key), "body", None),
                  "fact": selected.facts_by_id.get,
                  "path": lambda path: site.content_path_to_output(selected, path)}

    def reads_print(reads: list) -> str | None:
        if any(kind not in read_value for kind, _ in reads):
            return None
        return full_print([(kind, key, read_value[kind](key)) for kind, key in reads])

    return _Plan(planned, pdf_jobs, pdf_links, prints, export_files, pdf_versions, bundles, reads_print)


def _current_prints(plan: _Plan, old: BuildCache, edited: set[str] | None) -> dict[str, str | None]:
    """The fingerprint of each output: what it is planned from, and what it read
    when it was last made, as those are now. `edited` names the items whose text
    alone changed since the last build, when that build had the same plan: an
    output that read none of those texts is then made from exactly what it was
    made from last time, so its last fingerprint stands without reading again."""
    prints = {}
    for path, planned in plan.prints.items():
        reads = old.reads(path)
        if edited is not None and planned == old.planned(path) \
                and not any(kind == "text" and key in edited for kind, key in reads):
            prints[path] = old.entries[path][0]
        else:
            prints[path] = plan.print_with(path, reads)
    return prints


def _bundle_print(bundle: search.Bundle, prints: dict[str, str]) -> str:
    return cache.fingerprint(bundle.glob, [prints[page] for page in bundle.pages])


def _write_pages(plan: _Plan, prints: dict[str, str], setup: site.SiteJob, fresh: set[str], old: BuildCache,
                 reuse: _Reuse, indexer: search.Indexer, jobs: int) -> tuple[list[Problem], dict[str, list]]:
    """Render the pages that changed. The search bundles whose pages changed go to
    the indexer as soon as their pages are written, so that Pagefind works while
    the rest are rendered and the unchanged files are taken from the old output;
    the other bundles are taken as they were. Returns the problems, and what each
    page rendered read."""
    stale = [bundle for bundle in plan.search_bundles
             if not (old.entries.get(bundle.folder) == _bundle_print(bundle, prints) and reuse.has(bundle.folder))]
    # Pagefind needs every page of its bundle in place.
    for page in (page for bundle in stale for page in bundle.pages if page in fresh):
        reuse.file(page)
    unwritten = {bundle.name: {page for page in bundle.pages if page not in fresh} for bundle in stale}
    bundle_of = {page: bundle for bundle in stale for page in unwritten[bundle.name]}
    for bundle in stale:
        if not unwritten[bundle.name]:
            indexer.add(bundle)
    # Bundle by bundle, so that the first can be indexed while the next is rendered.
    order = {bundle.name: number for number, bundle in enumerate(stale)}
    to_render = sorted((spec.path for spec in plan.pages if spec.path not in fresh),
                       key=lambda path: order[bundle_of[path].name] if path in bundle_of else len(order))
    processes = parallel.worth(jobs, len(to_render), PAGES_PER_PROCESS)
    work = parallel.slices(to_render, PAGES_PER_SLICE)
    problems, reads = [], {}
    for written, (chunk_problems, chunk_reads) in zip(work, parallel.run(site.write_pages, work, processes,
                                                                           site.start_worker, (setup,))):
        interrupt.stop_if_pressed()
        problems.extend(chunk_problems)
        reads.update(chunk_reads)
        for page in written:
            bundle = bundle_of.get(page)
            if bundle is not None:
                unwritten[bundle.name].discard(page)
                if not unwritten[bundle.name] and not problems:
                    indexer.add(bundle)
    taken = {page for bundle in stale for page in bundle.pages}
    for spec in plan.pages:
        if spec.path in fresh and spec.path not in taken:
            reuse.file(spec.path)
    for bundle in set(plan.search_bundles) - set(stale):
        reuse.folder(bundle.folder)
    return problems, reads


def _write_pdfs(plan: _Plan, setup: pdf.PdfSetup, todo: list, jobs: int, on_pdf,
                indexer: search.Indexer) -> list[Problem]:
    done = len(plan.pdf_jobs) - len(todo)
    processes = parallel.worth(jobs, len(todo), PDFS_PER_PROCESS)
    problems = []
    for results in parallel.run(pdf.write_jobs, [[(job, plan.pdf_versions[job.path])] for job in todo], processes,
                                pdf.start_worker, (setup,), recycle_after=PDFS_PER_WORKER):
        interrupt.stop_if_pressed()
        for path, job_problems in results:
            problems.extend(job_problems)
            indexer.poll()
            done += 1
            if on_pdf:
                on_pdf(done, len(plan.pdf_jobs), path)
    return problems


def _write_exports(plan: _Plan, fresh: set[str], reuse: _Reuse) -> None:
    for name, make in plan.exports.items():
        if name not in fresh:
            reuse.or_write(name, make())


def build(content_dir: Path, output_dir: Path, profile: str, today: dt.date, with_pdf: bool = True,
          on_pdf=None, jobs: int = 1, drafts: bool = False, pdfs_later: bool = False) -> BuildResult:
    """Build the site (and PDFs) into `output_dir`; on any error the old output stays as it was.

    Only outputs whose inputs changed since the last build are rendered; the rest
    are taken from the previous output. `jobs` processes share the rendering.
    With `pdfs_later` (a preview, first showing the pages), the pages link their
    PDFs as usual but only the PDFs that did not change are there: the next build
    makes the others, and nothing more.
    """
    _check_output_location(content_dir, output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output_dir)
    content = cache.content_state(content_dir)
    models = cache.ModelStore(content_dir, output_dir)
    model = models.load(content, load_project, revise_project)
    selected, problems, _ = _prepare(content_dir, profile, today, drafts, model)
    problems.raise_if_errors()
    warnings = tuple(sorted(problems.warnings))
    bundles = pages.search_bundles(selected)
    shared = _shared(selected, content_dir, profile, today, bundles)
    old = BuildCache.load(output_dir, shared)
    # A PDF records the commit its content comes from, which a commit changes
    # without changing any content file.
    state = cache.fingerprint(shared, content.key, with_pdf, drafts, with_pdf and version.last_commit(content_dir),
                              pdfs_later)
    if old.output_unchanged(output_dir, state):
        # Nothing the output is made from has changed, nor the output itself: it is
        # already what this build would write.
        models.save()
        return BuildResult(tuple(sorted(old.files)), warnings, len(old.files))
    basis = cache.fingerprint(content.key, with_pdf, drafts)
    # When the last build was made from this model but for the text of some
    # items, what every page and export was planned from is as it was then.
    same_plan = model.since is not None and old.basis == cache.fingerprint(model.since, with_pdf, drafts)
    plan = _plan(selected, content, content_dir, shared, today, with_pdf, bundles, old if same_plan else None)
    edited = {path.rsplit(".", 1)[0] for path in model.edited} if same_plan else None

    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.build-", suffix=".tmp", dir=output_dir.parent))
    try:
        prints = _current_prints(plan, old, edited)
        fresh = {path for path, print_ in prints.items() if old.reusable(output_dir, path, print_)}
        reuse = _Reuse(output_dir, staging)
        # Copied first, so that a full disk is found before Pagefind runs short of room.
        copied = site.copy_files(selected, templates.static_files(content_dir), content_dir, staging)
        compiled = templates.CompiledTemplates(cache.compiled_templates(output_dir), cache.code_version())
        setup = site.SiteJob(selected, content_dir, staging, today, plan.pdf_links, tuple(plan.pages), compiled)
        changed_pdfs = [job for job in plan.pdf_jobs if job.path not in fresh]
        left = {job.path for job in changed_pdfs} if pdfs_later else set()
        # Pagefind goes on indexing in the background while the exports, the model
        # for the next build and the PDFs are made.
        with search.Indexer(staging, jobs) as indexer:
            failures, reads = _write_pages(plan, prints, setup, fresh, old, reuse, indexer, jobs)
            if failures:
                raise ContentError(failures + list(warnings))
            for path in fresh.difference(spec.path for spec in plan.pages):
                reuse.file(path)
            _write_exports(plan, fresh, reuse)
            models.save()
            failures = _write_pdfs(plan, pdf.PdfSetup(selected, content_dir, staging, today, compiled),
                                   [job for job in changed_pdfs if job.path not in left], jobs, on_pdf, indexer)
            failures += indexer.finish()
        # Ctrl-C stops Pagefind as well: its failures then are not the content's.
        interrupt.stop_if_pressed()
        if failures:
            raise ContentError(failures + list(warnings))
        written = [spec.path for spec in plan.pages] + copied + list(plan.exports)
        written += [job.path for job in plan.pdf_jobs if job.path not in left]
        for path, page_reads in reads.items():
            prints[path] = plan.print_with(path, page_reads)
        new = BuildCache(old.salt, {bundle.folder: _bundle_print(bundle, prints) for bundle in plan.search_bundles},
                         basis=basis)
        for path, print_ in prints.items():
            if path not in left:
                new.record(staging, path, print_, reads[path] if path in reads else old.reads(path), plan.prints[path])
        (staging / OUTPUT_MARKER).write_text(
            "Made by briefing. This whole folder is replaced by each build.\n", encoding="utf-8"
        )
        # Hosting (issue 22): .htaccess, web.config and robots.txt go into the output before it is swapped in.
        hosting.write_output_files(selected, output_dir, profile, content_dir, staging)
        interrupt.stop_if_pressed()
        _swap_in(staging, output_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        where = f" ({exc.filename})" if exc.filename else ""
        raise ContentError([Problem(str(output_dir), 0, f"the output could not be written: {exc.strerror or exc}"
                                    f"{where}; the previous output is unchanged. Free some disk space or "
                                    "check the folder's permissions, then build again")]) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    new.finish(output_dir, state)
    new.save(output_dir)
    # Hosting (issue 22): the server/ folder beside the output; a failure there is a warning.
    warnings += tuple(hosting.write_server_config(selected, output_dir, profile, content_dir))
    return BuildResult(tuple(written), warnings, len(fresh))
