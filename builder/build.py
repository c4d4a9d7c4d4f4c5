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

from builder import cache, exports, lifecycle, parallel, pdf, search, site, templates, version
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
    needed = {spec.template for spec in site.plan_pages(selected, today)}
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


def build(content_dir: Path, output_dir: Path, profile: str, today: dt.date, with_pdf: bool = True,
          on_pdf=None, jobs: int = 1, drafts: bool = False) -> BuildResult:
    """Build the site (and PDFs) into `output_dir`; on any error the old output stays as it was.

    Only outputs whose inputs changed since the last build are rendered; the rest
    are taken from the previous output. `jobs` processes share the rendering.
    """
    _check_output_location(content_dir, output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    selected, problems, _ = _prepare(content_dir, profile, today, drafts, output_dir)
    pdf_jobs = pdf.plan_pdfs(selected, today) if with_pdf else []
    pdf_links = pdf.pdf_links(pdf_jobs)
    pages = site.plan_pages(selected, today, pdf_links)
    # What every output depends on: code, templates, profile, date, settings, and
    # which items exist (links to an item become plain text when it goes).
    shared = cache.fingerprint(cache.code_version(), templates.templates_digest(content_dir), profile, today,
                               selected.site, site.navigation(selected), sorted(selected.by_path), selected.assets)
    print_of = cache.Fingerprinter()
    prints = {spec.path: print_of(shared, spec.path, spec.template, spec.title, spec.marking, spec.section,
                                  spec.kind_label, spec.inputs) for spec in pages}
    version_of = version.content_versions(content_dir)
    pdf_versions = {job.path: version_of(job.sources, print_of(shared, job.path, job.template, job.title,
                                                                 job.inputs)) for job in pdf_jobs}
    prints.update((job.path, print_of(shared, job.path, job.template, job.title, job.inputs,
                                      pdf_versions[job.path])) for job in pdf_jobs)
    search_sections = site.search_sections(pages)
    search_prints = {search.bundle(section): cache.fingerprint(sorted(
        (p, f) for p, f in prints.items() if p.startswith(section + "/") and p.endswith(".html")))
        for section in search_sections}
    old = BuildCache.load(output_dir, shared)
    new = BuildCache(old.salt)

    output_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.build-", suffix=".tmp", dir=output_dir.parent))
    try:
        reused = [path for path, print_ in prints.items() if old.reusable(output_dir, path, print_)]
        for path in reused:
            _link_or_copy(output_dir / path, staging / path)
        fresh = set(reused)
        to_render = [spec.path for spec in pages if spec.path not in fresh]
        setup = site.SiteJob(selected, content_dir, staging, today, pdf_links)
        page_jobs = parallel.worth(jobs, len(to_render), PAGES_PER_PROCESS)
        failures = [p for chunk in parallel.run(site.write_pages, parallel.chunks(to_render, page_jobs), page_jobs,
                                                site.start_worker, (setup,)) for p in chunk]
        if failures:
            raise ContentError(failures + problems.warnings)
        written = [spec.path for spec in pages]
        written += site.copy_files(selected, templates.static_files(content_dir), content_dir, staging)
        for name, data in exports.exports(selected, today, [spec.path for spec in pages]).items():
            _write_unless_same(output_dir / name, staging / name, data)
            written.append(name)

        stale = [section for section in search_sections
                 if not (old.entries.get(search.bundle(section)) == search_prints[search.bundle(section)]
                         and _reuse_folder(output_dir, staging, search.bundle(section)))]
        search_problems = search.build_indexes(staging, stale)
        if search_problems:
            raise ContentError(search_problems)
        new.entries.update(search_prints)

        pdf_todo = [job for job in pdf_jobs if job.path not in fresh]
        done = len(pdf_jobs) - len(pdf_todo)
        pdf_setup = pdf.PdfSetup(selected, content_dir, staging, today)
        pdf_processes = parallel.worth(jobs, len(pdf_todo), PDFS_PER_PROCESS)
        for results in parallel.run(pdf.write_jobs, [[(job, pdf_versions[job.path])] for job in pdf_todo],
                                    pdf_processes, pdf.start_worker,
                                    (pdf_setup,), recycle_after=PDFS_PER_WORKER):
            for path, pdf_problems in results:
                failures.extend(pdf_problems)
                done += 1
                if on_pdf:
                    on_pdf(done, len(pdf_jobs), path)
        if failures:
            raise ContentError(failures + problems.warnings)
        written += [job.path for job in pdf_jobs]

        for path, print_ in prints.items():
            new.record(staging, path, print_)
        (staging / OUTPUT_MARKER).write_text(
            "Made by briefing. This whole folder is replaced by each build.\n", encoding="utf-8"
        )
        _swap_in(staging, output_dir)
        new.save(output_dir)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        where = f" ({exc.filename})" if exc.filename else ""
        raise ContentError([Problem(str(output_dir), 0, f"the output could not be written: {exc.strerror or exc}"
                                    f"{where}; the previous output is unchanged. Free some disk space or "
                                    "check the folder's permissions, then build again")]) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return BuildResult(tuple(written), tuple(problems.warnings), len(reused))


