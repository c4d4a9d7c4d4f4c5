"""The checks every build and `briefing check` make, in one list (`CHECKS`), each a
function of what was read and what the build shows; and the frozen records (issued
packs, confirmed minutes) checked against the content."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from builder.incremental import reuse
from builder.incremental.build_cache import BuildCache
from builder.meetings import confirmed, issued, minutes_rules, publication
from builder.model.errors import Problem, Problems
from builder.model.project import Project
from builder.plan import pages, pdfs, views
from builder.project import accessibility, lifecycle
from builder.project.loading import load_project
from builder.render import site_pages, skeletons, templates
from builder.selection.profile import select


@dataclass(frozen=True)
class Checking:
    """What the checks look at: everything read, and what this build shows of it."""

    content_dir: Path
    project: Project
    selected: Project
    settings: reuse.Settings
    warnings: tuple[Problem, ...] = ()  # found while reading
    memo: BuildCache | None = None  # where a check may keep its answers


def _skeleton_text(checking: Checking, problems: Problems) -> None:
    """Text left from `briefing new`'s skeleton: an error in what this build
    publishes, a warning in a draft (which a drafts preview shows). What each item
    holds is kept in the cache by the item's fingerprint."""
    content_dir, project, items = checking.content_dir, checking.project, checking.project.items
    if checking.memo is None:
        phrases = skeletons.skeleton_phrases(content_dir, project.site)
        found = [skeletons.skeleton_text(item, phrases) for item in items]
    else:
        cache = checking.memo
        # The phrases come from the skeleton templates, filled in from the settings.
        pattern, = cache.derived("skeleton phrases", "", [cache.full(cache.inputs.templates_key, project.site)],
                                 lambda index: skeletons.skeleton_phrases(content_dir, project.site).pattern)
        phrases = re.compile(pattern)
        # The check reads every field but the text through `light`, and the text.
        keys = [cache.light(item, item.body) for item in items]
        found = cache.derived("skeleton", phrases.pattern, keys,
                              lambda index: [list(entry) for entry in skeletons.skeleton_text(items[index], phrases)])
    for item, texts in zip(items, found):
        published = item.key in checking.selected.by_key and not item.draft
        for line, text in texts:
            if published:
                problems.error(item.path, line, f"'{text}' is the new item's example text: write your own, or "
                                                "set 'draft: true' until it is ready")
            else:
                problems.warn(item.path, line, f"'{text}' is the new item's example text: replace it before "
                                               "the item is published")


def _accessibility_statement(checking: Checking, problems: Problems) -> None:
    if not checking.settings.drafts:  # a drafts preview is never published
        accessibility.statement_warnings(checking.selected, problems)


# The checks `briefing check` and every build make, in the order their messages are listed.
CHECKS: tuple[Callable[[Checking, Problems], None], ...] = (
    _skeleton_text,
    lambda checking, problems: site_pages.excluded_link_warnings(checking.selected, problems),
    lambda checking, problems: problems.items.extend(templates.override_problems(checking.content_dir)),
    lambda checking, problems: lifecycle.review_warnings(checking.selected, checking.settings.today, problems),
    lambda checking, problems: publication.date_problems(checking.project, problems),
    lambda checking, problems: publication.late_warnings(checking.project, problems),
    lambda checking, problems: minutes_rules.date_problems(checking.project, checking.settings.today, problems),
    _accessibility_statement,
)


def run_checks(checking: Checking) -> Problems:
    """Every problem of the project and of what this build shows, warnings from reading first."""
    problems = Problems()
    problems.items.extend(checking.warnings)
    for check_one in CHECKS:
        check_one(checking, problems)
    return problems


@dataclass(frozen=True)
class Frozen:
    """Agenda packs issued and minutes confirmed since the last build, to be recorded
    once the output is in place."""

    issued: dict
    confirmed: dict

    def record(self, content_dir: Path) -> None:
        issued.record(content_dir, self.issued)
        confirmed.record(content_dir, self.confirmed)


def freeze(project: Project, content_dir: Path, today: dt.date, problems: Problems) -> Frozen:
    """Issued packs and confirmed minutes checked against their records: a change is an error."""
    return Frozen(issued.check(project, content_dir, today, problems),
                  confirmed.check(project, content_dir, today, problems))


def check(content_dir: Path, profile: str, today: dt.date) -> tuple[Project, list[Problem]]:
    """What a build would find wrong, and the templates it needs; write nothing."""
    project, warnings = load_project(content_dir)
    selected = select(project, profile, False, today)
    problems = run_checks(Checking(content_dir, project, selected, reuse.Settings(profile, today), tuple(warnings)))
    freeze(project, content_dir, today, problems)
    env = templates.environment(content_dir)
    shown = views.Views(selected, today)
    needed = {spec.template for spec in pages.plan_pages(shown)}
    needed |= {job.template for job in pdfs.plan_pdfs(shown)}
    for name in sorted(needed):
        _load_template(env, name, problems)
    problems.items.extend(site_pages.refused_assets(selected, content_dir))
    problems.raise_if_errors()
    return selected, sorted(problems.warnings)


def _load_template(env: jinja2.Environment, name: str, problems: Problems) -> None:
    try:
        env.get_template(name)
    except (jinja2.TemplateSyntaxError, jinja2.TemplateNotFound) as exc:
        problems.items.append(templates.template_problem(exc, name))
