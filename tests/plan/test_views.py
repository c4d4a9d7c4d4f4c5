"""The rows the site and the PDFs share: made once, and seen by the recorder of
what a page shows whichever part of them a template reads."""

from __future__ import annotations

import datetime as dt

import pytest

from builder.plan import pages
from builder.plan import pdfs
from builder.render import templates
from builder.model.content import Action, Page
from builder.model.partnership import Group
from builder.project.loading import load_project
from builder.plan.views import ActionRow, AppendixLink, Views
from conftest import SITES

SENSITIVE = "OFFICIAL-SENSITIVE"


@pytest.fixture(scope="module")
def shown() -> Views:
    project, _ = load_project(SITES / "partnership")
    return Views(project, dt.date(2015, 9, 1))


def test_the_site_and_the_pdfs_show_the_same_rows(shown):
    specs = {spec.path: spec for spec in pages.plan_pages(shown)}
    jobs = {job.path: job for job in pdfs.plan_pdfs(shown)}
    spotlight = next(s for s in shown.project.spotlights if s.actions)
    page_rows = specs[f"spotlights/{spotlight.id}.html"].inputs["actions"]
    pdf_rows = jobs[f"spotlights/{spotlight.id}.pdf"].inputs["actions"]
    # The notes show the page's rows (the same origin and group objects) as they stood on the session's day.
    as_at_session = {(id(row.origin), id(row.group), row.action.action, row.action.status_on(spotlight.date))
                     for row in page_rows}
    assert {(id(row.origin), id(row.group), row.action.action, row.action.status) for row in pdf_rows} == \
        as_at_session
    report = next(r for r in shown.project.reports if r.appendices)
    links = specs[f"reports/{report.id}.html"].inputs["appendices"]
    printed = jobs[f"reports/{report.id}.pdf"].inputs["paper"].appendices
    assert tuple(a.link for a in printed) == links and all(isinstance(link, AppendixLink) for link in links)


@pytest.mark.parametrize("expression", ["{{ row.origin_path }}", "{{ row.group_path }}", "{{ row.status_label }}",
                                        "{{ row.overdue }}"])
def test_reading_any_part_of_a_row_marks_the_page_with_what_it_came_from(tmp_path, expression):
    origin = Page(id="x", path="pages/x.md", title="A title", classification=SENSITIVE, body="Body")
    action = Action("Do it", "g", dt.date(2015, 1, 1), "open", origin.key, 1, classification=SENSITIVE)
    row = ActionRow(action, origin, Group("g", "A group"), True, SENSITIVE)
    env = templates.environment(tmp_path)
    env.reads, env.markings, env.everything = set(), set(), False
    env.from_string(expression).render(row=row)
    assert env.markings == {SENSITIVE} and not env.everything
