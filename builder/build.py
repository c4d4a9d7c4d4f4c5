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

from builder import pdf, search, site, templates
from builder.errors import ContentError, Problem, Problems
from builder.model import Project, select
from builder.validate import load_project

OUTPUT_MARKER = ".briefing-output"


@dataclass(frozen=True)
class BuildResult:
    written: tuple[str, ...]
    warnings: tuple[Problem, ...]


def _prepare(content_dir: Path, profile: str) -> tuple[Project, Problems, jinja2.Environment]:
    """Load, validate and select: the model a profile may show, its warnings, and the templates."""
    project, warnings = load_project(content_dir)
    selected = select(project, profile)
    problems = Problems()
    problems.items.extend(warnings)
    site.excluded_link_warnings(selected, problems)
    return selected, problems, templates.environment(content_dir)


def check(content_dir: Path, profile: str) -> tuple[Project, list[Problem]]:
    """Validate the content and the templates it needs; write nothing."""
    selected, problems, env = _prepare(content_dir, profile)
    needed = {spec.template for spec in site.plan_pages(selected, dt.date.today())}
    needed |= {job.template for job in pdf.plan_pdfs(selected)}
    for name in sorted(needed):
        _load_template(env, name, problems)
    problems.raise_if_errors()
    return selected, problems.warnings


def _load_template(env: jinja2.Environment, name: str, problems: Problems) -> None:
    try:
        env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        problems.error(_template_label(exc.filename or name), exc.lineno, f"template error: {exc.message}")
    except jinja2.TemplateNotFound as exc:
        problems.error(f"templates/{name}", 0, f"template not found: {exc.name}")


def _template_label(filename: str) -> str:
    path = Path(filename).resolve()
    return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)


def _template_failure(exc: Exception) -> Problem:
    """Where in which template rendering failed, read from the traceback Jinja rewrites."""
    tb = exc.__traceback__
    where = ("templates", 0)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")):
            where = (_template_label(filename), tb.tb_lineno)
        tb = tb.tb_next
    return Problem(where[0], where[1], f"template error: {exc}")


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


def build(content_dir: Path, output_dir: Path, profile: str, today: dt.date, with_pdf: bool = True,
          on_pdf=None) -> BuildResult:
    """Build the site (and PDFs) into `output_dir`; on any error the old output stays as it was."""
    _check_output_location(content_dir, output_dir)
    selected, problems, env = _prepare(content_dir, profile)
    pdf_jobs = pdf.plan_pdfs(selected) if with_pdf else []

    output_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(output_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{output_dir.name}.build-", suffix=".tmp", dir=output_dir.parent))
    try:
        try:
            written = site.write_site(selected, env, templates.static_files(content_dir), content_dir, staging, today,
                                      pdf.pdf_links(pdf_jobs))
            search_problems = search.build_index(staging)
            if search_problems:
                raise ContentError(search_problems)
            pdfs_written, pdf_problems = pdf.write_pdfs(pdf_jobs, env, templates.template_dirs(content_dir),
                                                        content_dir, staging, today, selected.site, on_pdf)
            if pdf_problems:
                raise ContentError(pdf_problems + problems.warnings)
            written += pdfs_written
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError([Problem(_template_label(exc.filename or "templates"), exc.lineno,
                                        f"template error: {exc.message}")]) from None
        except (jinja2.TemplateError, TypeError, AttributeError) as exc:
            if not _in_template(exc):
                raise
            raise ContentError([_template_failure(exc)]) from None
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
    return BuildResult(tuple(written), tuple(problems.warnings))


def _in_template(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".html"):
            return True
        tb = tb.tb_next
    return isinstance(exc, jinja2.TemplateError)
