"""The build, top to bottom: read -> select -> check -> freeze -> plan -> render -> publish.

`build()` only names the steps; `check` (the command) makes the same checks
(`CHECKS`) without writing anything. What may be taken unchanged from the last build
is decided in `reuse` (one rule, stated there); how the output folder is
replaced whole, and never lost, in `output_folder`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from builder.checks import Checking, freeze, run_checks
from builder.incremental import reuse
from builder.incremental.build_cache import BuildCache, Reuse
from builder.incremental.reuse import LastBuild, Made, OutputFingerprints
from builder.model.errors import ContentError, Problem
from builder.model.project import Project
from builder.plan import pages, pdfs, search_bundles, views
from builder.project import redirects
from builder.project.loading import load_project, revisable, revise_project
from builder.publish import hosting, output_folder, release
from builder.render import exports, pdf, search, site_pages, templates
from builder.selection.profile import select
from builder.system import content_version, interrupt, parallel

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


def build(content_dir: Path, output_dir: Path, profile: str, today: dt.date, with_pdf: bool = True,
          on_pdf=None, jobs: int = 1, drafts: bool = False, pdfs_later: bool = False,
          with_search: bool = True, record_issued: bool = True, replace_other_profile: bool = False) -> BuildResult:
    """Build the site (and PDFs) into `output_dir`; on any error the old output stays as it was.

    Only outputs whose inputs changed since the last build are rendered; the rest
    are taken from the previous output. `jobs` processes share the rendering.
    With `pdfs_later` (the preview, showing the pages first), the pages link
    their PDFs as usual but only the PDFs that did not change are there: the next
    build makes the others, and nothing more. A pack issued since the last build is
    recorded in the content's issued.yaml, and minutes confirmed since in its
    confirmed.yaml (not by the preview: `record_issued`). A folder that holds
    another profile's build is replaced only with `replace_other_profile`.
    """
    settings = reuse.Settings(profile, today, drafts, with_pdf, with_search, pdfs_later)
    built_as = f"{profile} with drafts" if drafts else profile
    with output_folder.prepare(content_dir, output_dir, built_as, replace_other_profile) as target, \
            BuildCache.open(content_dir, target.path, settings) as cache:
        # Read
        cache.scan(with_pdf and content_version.last_commit(content_dir), output_folder.file_stats(target.path))
        if cache.unchanged() and not _release_missing(output_dir, settings):
            return BuildResult(cache.last.written, cache.told + cache.last.warnings, len(cache.last.written))
        model = cache.load(load_project, revisable, revise_project)
        # Select, check, freeze
        selected = select(model.project, profile, drafts, today)
        problems = run_checks(Checking(content_dir, model.project, selected, settings, tuple(model.warnings), cache))
        frozen = freeze(model.project, content_dir, today, problems)
        problems.raise_if_errors()
        # Plan
        plan = _plan(selected, content_dir, settings, cache)
        reusable = cache.reusable(plan.fingerprints)
        # Render into a staging folder, swapped in whole
        warnings = tuple(sorted(problems.warnings))
        with output_folder.Staging(target) as staging:
            made = _write(plan, reusable, selected, content_dir, staging, settings, jobs, on_pdf, warnings)
            # Hosting: .htaccess, web.config and robots.txt go in before the swap, so the
            # output is never served, even for an instant, without them.
            server, warned = hosting.write_output_files(selected, output_dir, settings.profile, content_dir,
                                                        staging.path)
            released = _release_record(selected, model.project, plan, output_dir, settings, staging.path)
            # The server configuration and the release record go into place with the output.
            interrupt.stop_if_pressed()
            cache.forget()
            warned += staging.swap_in({**server, **released})
        # Publish: what this build made and froze, kept for the next
        try:
            cache.record(made, output_folder.file_stats(target.path))
            if record_issued:
                frozen.record(content_dir)
        except KeyboardInterrupt:
            raise output_folder.Replaced() from None
        return BuildResult(made.written, cache.told + warnings + tuple(warned), len(reusable.paths))


def _release_missing(output_dir: Path, settings: reuse.Settings) -> bool:
    """A public build's release manifest was taken away: the build is made again to write it."""
    return settings.profile == "public" and not settings.drafts and release.missing(output_dir)


def _release_record(selected: Project, project: Project, plan: Plan, output_dir: Path, settings: reuse.Settings,
                    built: Path) -> dict[str, str]:
    """A public build's release record, made from the build in its staging folder."""
    if settings.profile != "public" or settings.drafts:
        return {}
    return release.record_files(selected, project, plan.pages, plan.pdf_jobs, output_dir, built, settings.today)


# Plan ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """Everything a build will write, and the fingerprint of what each is planned from."""

    pages: tuple[pages.PageSpec, ...]
    pdf_jobs: tuple[pdfs.PdfJob, ...]
    pdf_links: dict
    pdf_versions: dict[str, str]  # PDF path -> the content version recorded in it
    exports: dict[str, Callable[[], bytes]]  # file name -> what makes it
    bundles: tuple[search_bundles.Bundle, ...]
    fingerprints: OutputFingerprints


def _plan(selected: Project, content_dir: Path, settings: reuse.Settings, cache: BuildCache) -> Plan:
    today, inputs = settings.today, cache.inputs
    bundles = tuple(search_bundles.search_bundles(selected)) if settings.with_search else ()
    shown = views.Views(selected, today)  # the rows pages and PDFs share
    pdf_jobs = tuple(pdfs.plan_pdfs(shown)) if settings.with_pdf else ()
    pdf_links = pdfs.pdf_links(list(pdf_jobs))
    planned = tuple(pages.plan_pages(shown, pdf_links))
    assets = [(asset, inputs.content.get(asset)) for asset in selected.assets]
    # What the recorder notes a page reading, as it is now. An item's links are
    # found in its text, so the text stands for both.
    read_values = {"text": lambda key: getattr(selected.by_key.get(key), "body", None),
                   "fact": selected.facts_by_id.get,
                   "path": lambda path: site_pages.content_path_to_output(selected, path)}
    shared = (selected.site, pages.navigation(selected), [b.name for b in bundles])
    output_fingerprints = cache.output_fingerprints(shared, read_values,
                                                    lambda: output_fingerprints.item((selected, assets)))
    for spec in planned:
        output_fingerprints.page(spec.path, spec.template, spec.title, spec.marking, spec.section, spec.kind_label,
                                 spec.inputs)
    # An old address that only redirects is no page of its own for a search engine.
    export_files = {**exports.exports(selected, today, [spec.path for spec in planned
                                                        if spec.template != redirects.TEMPLATE]),
                    **exports.decision_files(selected)}
    # A paper's links become plain text when what they point at is left out, and
    # it holds the images it shows: a changed asset file is a changed paper.
    existing = output_fingerprints.item((sorted(selected.by_path), assets))
    version_of = content_version.content_versions(content_dir, inputs.content)
    pdf_versions = {job.path: version_of(job.sources) for job in pdf_jobs}
    for job in pdf_jobs:
        output_fingerprints.whole(job.path, existing, job.template, job.title, job.inputs, pdf_versions[job.path])
    return Plan(planned, pdf_jobs, pdf_links, pdf_versions, export_files, bundles, output_fingerprints)


# Render, index, PDFs ---------------------------------------------------------------------------

def _write(plan: Plan, reusable: Reuse, selected: Project, content_dir: Path, staging: output_folder.Staging,
           settings: reuse.Settings, jobs: int, on_pdf, warnings: tuple[Problem, ...]) -> LastBuild:
    """Write every output into the staging folder: what changed is made, the rest
    taken from the last output. Returns the record of what was written."""
    last = reusable.last
    previous = output_folder.Previous(staging.target.path, staging.path, reusable.on_disk)
    # Copied first, so that a full disk is found before Pagefind runs short of room.
    copied = site_pages.copy_files(selected, templates.static_files(content_dir), content_dir, staging.path)
    setup = site_pages.SiteJob(selected, content_dir, staging.path, settings.today, plan.pdf_links, plan.pages,
                               tuple(bundle.name for bundle in plan.bundles))
    changed_pdfs = [job for job in plan.pdf_jobs if job.path not in reusable.paths]
    left = {job.path for job in changed_pdfs} if settings.pdfs_later else set()
    # Pagefind goes on indexing in the background while the exports and the PDFs are made.
    with search.Indexer(staging.path, jobs) as indexer:
        reads = _write_pages(plan, reusable, setup, previous, indexer, jobs, warnings)
        # The exports are made on every build (they are quick), and a file whose
        # bytes are the same is taken from the last output.
        for name, make in plan.exports.items():
            previous.write_or_take(name, make())
        for job in plan.pdf_jobs:
            if job.path in reusable.paths:
                previous.take(job.path)
        _write_pdfs(plan, pdf.PdfSetup(selected, content_dir, staging.path, settings.today),
                    [job for job in changed_pdfs if job.path not in left], jobs, on_pdf, indexer, warnings)
        _raise_if_failed(indexer.finish(), warnings)
    outputs = {}
    for path, planned in plan.fingerprints.planned.items():
        if path in reusable.paths:
            outputs[path] = last.outputs[path]
        elif path in reads:
            outputs[path] = Made(plan.fingerprints.made_from(path, reads[path]), planned, tuple(reads[path]))
        elif path not in left:
            outputs[path] = Made(planned, planned)
    made = {path: entry.made_from for path, entry in outputs.items()}
    written = tuple(spec.path for spec in plan.pages) + tuple(copied) + tuple(plan.exports)
    written += tuple(job.path for job in plan.pdf_jobs if job.path not in left)
    return LastBuild(written=written, warnings=warnings, outputs=outputs,
                     bundles={b.folder: reuse.bundle_fingerprint(b, made) for b in plan.bundles})


def _raise_if_failed(failures: list[Problem], warnings: tuple[Problem, ...]) -> None:
    # Ctrl-C stops Pagefind and the workers as well: their failures then are not the content's.
    interrupt.stop_if_pressed()
    if failures:
        raise ContentError(failures + list(warnings))


def _write_pages(plan: Plan, reusable: Reuse, setup: site_pages.SiteJob, previous: output_folder.Previous,
                 indexer: search.Indexer, jobs: int, warnings: tuple[Problem, ...]) -> dict[str, list]:
    """Render the pages that changed. The search bundles whose pages changed go to
    the indexer as soon as their pages are written, so that Pagefind works while
    the rest are rendered and the unchanged files are taken from the old output;
    the other bundles are taken as they were. Returns what each page rendered read."""
    current = {spec.path: reusable.made_from(spec.path, plan.fingerprints) for spec in plan.pages}
    kept = reuse.unchanged_folders(plan.bundles, current, reusable.last, reusable.on_disk)
    stale = [bundle for bundle in plan.bundles if bundle.folder not in kept]
    # Pagefind needs every page of its bundle in place.
    for page in (page for bundle in stale for page in bundle.pages if page in reusable.paths):
        previous.take(page)
    unwritten = {bundle.name: {page for page in bundle.pages if page not in reusable.paths} for bundle in stale}
    bundle_of = {page: bundle for bundle in stale for page in unwritten[bundle.name]}
    for bundle in stale:
        if not unwritten[bundle.name]:
            indexer.add(bundle)
    # Bundle by bundle, so that the first can be indexed while the next is rendered.
    order = {bundle.name: number for number, bundle in enumerate(stale)}
    to_render = sorted((spec.path for spec in plan.pages if spec.path not in reusable.paths),
                       key=lambda path: order[bundle_of[path].name] if path in bundle_of else len(order))
    processes = parallel.worth(jobs, len(to_render), PAGES_PER_PROCESS)
    work = parallel.slices(to_render, PAGES_PER_SLICE)
    problems, reads = [], {}
    for written, (chunk_problems, chunk_reads) in zip(work, parallel.run(site_pages.write_pages, work, processes,
                                                                           site_pages.start_worker, (setup,))):
        interrupt.stop_if_pressed()
        problems.extend(chunk_problems)
        reads.update(chunk_reads)
        for page in written:
            bundle = bundle_of.get(page)
            if bundle is not None:
                unwritten[bundle.name].discard(page)
                if not unwritten[bundle.name] and not problems:
                    indexer.add(bundle)
    _raise_if_failed(problems, warnings)
    taken = {page for bundle in stale for page in bundle.pages}
    for spec in plan.pages:
        if spec.path in reusable.paths and spec.path not in taken:
            previous.take(spec.path)
    if kept:
        previous.take_all(path for path in reusable.on_disk if "/".join(path.split("/", 2)[:2]) in kept and path.count("/") > 1)
    return reads


def _write_pdfs(plan: Plan, setup: pdf.PdfSetup, todo: list, jobs: int, on_pdf, indexer: search.Indexer,
                warnings: tuple[Problem, ...]) -> None:
    done = len(plan.pdf_jobs) - len(todo)
    processes = parallel.worth(jobs, len(todo), PDFS_PER_PROCESS)
    problems = []
    for results in parallel.run(pdf.write_jobs, [[(job, plan.pdf_versions[job.path])] for job in todo], processes,
                                pdf.start_worker, (setup,), recycle_after=PDFS_PER_WORKER,
                                teardown=pdf.stop_worker):
        interrupt.stop_if_pressed()
        for path, job_problems in results:
            problems.extend(job_problems)
            indexer.poll()
            done += 1
            if on_pdf:
                on_pdf(done, len(plan.pdf_jobs), path)
    _raise_if_failed(problems, warnings)
