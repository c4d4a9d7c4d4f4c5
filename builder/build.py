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
from pathlib import Path

import jinja2

from builder import cache, exports, lifecycle, pages, parallel, pdf, search, site, templates, version
from builder.cache import BuildCache
from builder.errors import ContentError, Problem, Problems
from builder.model import Project, select
from builder.validate import load_project

OUTPUT_MARKER = ".briefing-output"
# WeasyPrint's memory grows slowly in a long-lived process: start fresh workers now and then.
PDFS_PER_WORKER = 40
# Below these counts per process, starting another process costs more than it saves.
PAGES_PER_PROCESS = 200
PDFS_PER_PROCESS = 3


@dataclass(frozen=True)
class BuildResult:
    written: tuple[str, ...]
    warnings: tuple[Problem, ...]
    reused: int = 0  # outputs taken unchanged from the previous build


def _prepare(content_dir: Path, profile: str, today: dt.date, drafts: bool = False,
             output_dir: Path | None = None) -> tuple[Project, Problems, jinja2.Environment]:
    """Load, validate and select: the model a profile may show, its warnings, and the templates.
    A build (given its output folder) reuses the model of the last build when no file changed."""
    if output_dir is None:
        project, warnings = load_project(content_dir)
    else:
        project, warnings = cache.cached_model(content_dir, output_dir, load_project)
    selected = select(project, profile, drafts)
    problems = Problems()
    problems.items.extend(warnings)
    site.excluded_link_warnings(selected, problems)
    lifecycle.review_warnings(selected, today, problems)
    return selected, problems, templates.environment(content_dir)


def check(content_dir: Path, profile: str, today: dt.date) -> tuple[Project, list[Problem]]:
    """Validate the content and the templates it needs; write nothing."""
    selected, problems, env = _prepare(content_dir, profile, today)
    needed = {spec.template for spec in pages.plan_pages(selected, today)}
    needed |= {job.template for job in pdf.plan_pdfs(selected, today)}
    for name in sorted(needed):
        _load_template(env, name, problems)
    problems.raise_if_errors()
    return selected, problems.warnings


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


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _write_unless_same(previous: Path, target: Path, data: bytes) -> None:
    """Keep the previous file when nothing in it changed, as for rendered outputs."""
    try:
        if previous.read_bytes() == data:
            _link_or_copy(previous, target)
            return
    except OSError:
        pass
    target.write_bytes(data)


def _reuse_folder(output_dir: Path, staging: Path, folder: str) -> bool:
    old = output_dir / folder
    if not old.is_dir():
        return False
    for file in old.rglob("*"):
        if file.is_file():
            _link_or_copy(file, staging / file.relative_to(output_dir))
    return True


@dataclass
class _Plan:
    """Everything a build will write, with the fingerprint of what each output is made from."""

    pages: list
    pdf_jobs: list
    pdf_links: dict
    prints: dict  # output path -> fingerprint
    pdf_versions: dict  # PDF path -> content version recorded in it
    search_bundles: list
    search_prints: dict  # search bundle folder -> fingerprint of its pages
    shared: str


def _shared(selected: Project, content_dir: Path, profile: str, today: dt.date) -> str:
    """What every output depends on: code, templates, profile, date, settings, and
    which items exist (links to an item become plain text when it goes)."""
    return cache.fingerprint(cache.code_version(), templates.templates_digest(content_dir), profile, today,
                             selected.site, pages.navigation(selected), sorted(selected.by_path), selected.assets)


def _plan(selected: Project, content_dir: Path, shared: str, today: dt.date, with_pdf: bool) -> _Plan:
    pdf_jobs = pdf.plan_pdfs(selected, today) if with_pdf else []
    pdf_links = pdf.pdf_links(pdf_jobs)
    planned = pages.plan_pages(selected, today, pdf_links)
    print_of = cache.Fingerprinter()
    prints = {spec.path: print_of(shared, spec.path, spec.template, spec.title, spec.marking, spec.section,
                                  spec.kind_label, spec.inputs) for spec in planned}
    version_of = version.content_versions(content_dir)
    pdf_versions = {job.path: version_of(job.sources, print_of(shared, job.path, job.template, job.title,
                                                                 job.inputs)) for job in pdf_jobs}
    prints.update((job.path, print_of(shared, job.path, job.template, job.title, job.inputs,
                                      pdf_versions[job.path])) for job in pdf_jobs)
    bundles = pages.search_bundles(planned)
    search_prints = {b.folder: cache.fingerprint(b.glob, [prints[page] for page in b.pages]) for b in bundles}
    return _Plan(planned, pdf_jobs, pdf_links, prints, pdf_versions, bundles, search_prints, shared)


def _write_pages(plan: _Plan, setup: site.SiteJob, fresh: set[str], jobs: int) -> list[Problem]:
    to_render = [spec.path for spec in plan.pages if spec.path not in fresh]
    processes = parallel.worth(jobs, len(to_render), PAGES_PER_PROCESS)
    return [problem for chunk in parallel.run(site.write_pages, parallel.chunks(to_render, processes), processes,
                                              site.start_worker, (setup,)) for problem in chunk]


def _write_search(plan: _Plan, old: BuildCache, output_dir: Path, staging: Path, jobs: int) -> list[Problem]:
    """Re-index only the bundles whose pages changed; take the others as they were."""
    stale = [bundle for bundle in plan.search_bundles
             if not (old.entries.get(bundle.folder) == plan.search_prints[bundle.folder]
                     and _reuse_folder(output_dir, staging, bundle.folder))]
    return search.build_indexes(staging, stale, jobs)


def _write_pdfs(plan: _Plan, setup: pdf.PdfSetup, fresh: set[str], jobs: int, on_pdf) -> list[Problem]:
    todo = [job for job in plan.pdf_jobs if job.path not in fresh]
    done = len(plan.pdf_jobs) - len(todo)
    processes = parallel.worth(jobs, len(todo), PDFS_PER_PROCESS)
    problems = []
    for results in parallel.run(pdf.write_jobs, [[(job, plan.pdf_versions[job.path])] for job in todo], processes,
                                pdf.start_worker, (setup,), recycle_after=PDFS_PER_WORKER):
        for path, job_problems in results:
            problems.extend(job_problems)
            done += 1
            if on_pdf:
                on_pdf(done, len(plan.pdf_jobs), path)
    return problems


def build(content_dir: Path, output_dir: Path, profile: str, today: dt.date, with_pdf: bool = True,
          on_pdf=None, jobs: int = 1, drafts: bool = False) -> BuildResult:
    """Build the site (and PDFs) into `output_dir`; on any error the old output stays as it was.

    Only outputs whose inputs changed since the last build are rendered; the rest
    are taken from the previous output. `jobs` processes share the rendering.
    """
    _check_output_location(content_dir, output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output_dir)
    selected, problems, _ = _prepare(content_dir, profile, today, drafts, output_dir)
    shared = _shared(selected, content_dir, profile, today)
    old = BuildCache.load(output_dir, shared)
    state = cache.fingerprint(shared, cache.content_state(content_dir), with_pdf, drafts)
    if old.output_unchanged(output_dir, state):
        # Nothing the output is made from has changed, nor the output itself: it is
        # already what this build would write.
        return BuildResult(tuple(sorted(old.files)), tuple(problems.warnings), len(old.files))
    plan = _plan(selected, content_dir, shared, today, with_pdf)

    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.build-", suffix=".tmp", dir=output_dir.parent))
    try:
        fresh = {path for path, print_ in plan.prints.items() if old.reusable(output_dir, path, print_)}
        for path in fresh:
            _link_or_copy(output_dir / path, staging / path)
        setup = site.SiteJob(selected, content_dir, staging, today, plan.pdf_links, tuple(plan.pages))
        failures = _write_pages(plan, setup, fresh, jobs)
        if failures:
            raise ContentError(failures + problems.warnings)
        written = [spec.path for spec in plan.pages]
        written += site.copy_files(selected, templates.static_files(content_dir), content_dir, staging)
        for name, data in exports.exports(selected, today, written[:len(plan.pages)]).items():
            _write_unless_same(output_dir / name, staging / name, data)
            written.append(name)
        failures = _write_search(plan, old, output_dir, staging, jobs)
        failures += _write_pdfs(plan, pdf.PdfSetup(selected, content_dir, staging, today), fresh, jobs, on_pdf)
        if failures:
            raise ContentError(failures + problems.warnings)
        written += [job.path for job in plan.pdf_jobs]
        new = BuildCache(old.salt, dict(plan.search_prints))
        for path, print_ in plan.prints.items():
            new.record(staging, path, print_)
        (staging / OUTPUT_MARKER).write_text(
            "Made by briefing. This whole folder is replaced by each build.\n", encoding="utf-8"
        )
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
    return BuildResult(tuple(written), tuple(problems.warnings), len(fresh))


