"""Action plans and spotlight notes on paper, each "as at" one day.

A board reads its action plan on paper, as at the build's `--today`; a spotlight
note is the record of its session, so it counts its actions as at the session's
date, from each action's history, and reads the same whenever it is built.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from builder.plan import charts
from builder.model.content import Action, highest_marking
from builder.model.paths import action_plan_pdf_path, board_actions_pdf_path, group_actions_pdf_path, group_path, \
    section_path
from builder.plan.views import ActionRow, Views, by_due


def as_at(action: Action, day: dt.date) -> Action:
    """The action as it stood on a day: its status then, from its history."""
    return replace(action, status=action.status_on(day))


def rows_as_at(rows, day: dt.date) -> tuple[ActionRow, ...]:
    return tuple(replace(row, action=as_at(row.action, day), overdue=row.action.is_overdue(day)) for row in rows)


def status_chart(rows, day: dt.date, title: str, chart_id: str):
    """Bars per status and for overdue actions, as at the day, as an image for print."""
    return charts.as_image(charts.actions_by_status([as_at(row.action, day) for row in rows], day, title, chart_id))


@dataclass(frozen=True)
class PlanSection:
    """One group's part of an action plan on paper."""

    name: str
    remit: str
    rows: tuple[ActionRow, ...]
    chart: object

    @property
    def marking(self) -> str:
        return highest_marking(row.marking for row in self.rows)


def _sections(shown: Views, rows, day: dt.date) -> list[PlanSection]:
    sections = []
    for group in shown.project.site.groups:
        owned = tuple(by_due(row for row in rows if row.group.id == group.id))
        if owned:
            sections.append(PlanSection(group.name, group.remit, owned,
                                        status_chart(owned, day, f"Actions of the {group.name} by status",
                                                     f"chart-{group.id}")))
    return sections


def action_plan_jobs(shown: Views, job_class) -> list:
    """The whole action plan, each board's and each group's, as at `--today`: each
    offered beside the page that shows the same actions."""
    project, today = shown.project, shown.today
    every = rows_as_at(shown.action_rows(), today)
    plans = [(action_plan_pdf_path(), "Action plan", "", every, section_path("actions"))]
    for board in project.site.boards:
        plans.append((board_actions_pdf_path(board.id), f"Action plan: {board.name}", board.name,
                      tuple(row for row in every if project.board_of(row.origin) == board.id), section_path("actions")))
    for group in project.site.groups:
        plans.append((group_actions_pdf_path(group.id), f"Action plan: {group.name}", "",
                      tuple(row for row in every if row.group.id == group.id), group_path(group.id)))
    jobs = []
    for path, title, board, rows, beside in plans:
        sections = _sections(shown, rows, today)
        origins = tuple(dict.fromkeys(row.origin.path for row in rows))
        jobs.append(job_class(path, "pdf/actions.html", title, "site.yaml", {
            "board": board, "sections": sections, "as_at": today,
            "marking": highest_marking(row.marking for row in rows),
        }, origins + ("site.yaml",), beside=beside))
    return jobs
