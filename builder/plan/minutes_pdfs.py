"""The minutes on paper. The open minutes print, for each exempt item, only the
shared "not published here" line, as the open agenda pack does; in the internal
build, private minutes hold the minutes of the exempt items, as the private pack
holds the exempt papers. The public build has no private minutes."""

from __future__ import annotations

from dataclasses import replace

from builder.plan.minutes_views import MinutesView, MinutesViews, minutes_sources
from builder.model.content import highest_marking
from builder.model.paths import minutes_pdf_path, private_minutes_path
from builder.plan.views import Views


def private_view(view: MinutesView) -> MinutesView | None:
    """The minutes of the exempt items only, or None where the meeting had none."""
    rows = tuple(row for row in view.rows if row.entry.report and row.entry.report.is_exempt)
    if not rows:
        return None
    numbers = {row.number for row in rows}
    minutes = view.minutes
    minutes = replace(minutes, title=f"{minutes.title} (exempt items)",
                      decisions=tuple(d for d in minutes.decisions if d.item in numbers),
                      declarations=tuple(d for d in minutes.declarations if d.item in numbers))
    return replace(view, minutes=minutes, rows=rows,
                   marking=highest_marking([minutes.classification, view.meeting.classification]
                                           + [row.marking for row in rows]))


def minutes_jobs(shown: Views, job_class, with_settings) -> list:
    """Each meeting's open minutes and, in the internal build, its private minutes:
    both offered beside the minutes' page (and the meeting's)."""
    project, jobs = shown.project, []
    for view in MinutesViews(shown.open_pack.project).all():
        board = project.site.board(view.meeting.board).name
        jobs.append(job_class(minutes_pdf_path(view.meeting), "pdf/minutes.html", view.minutes.title,
                              view.minutes.path, {"minutes": view, "board": board},
                              with_settings(minutes_sources(view))))
    if project.profile != "internal":
        return jobs
    for view in MinutesViews(project).all():
        private = private_view(view)
        if private is not None:
            jobs.append(job_class(private_minutes_path(view.meeting), "pdf/minutes.html", private.minutes.title,
                                  view.minutes.path, {"minutes": private, "private": True,
                                                      "board": project.site.board(view.meeting.board).name},
                                  with_settings(minutes_sources(view))))
    return jobs
