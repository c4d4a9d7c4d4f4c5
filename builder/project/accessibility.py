"""The site's accessibility statement (Public Sector Bodies (Websites and Mobile
Applications) Accessibility Regulations 2018, regulation 7): a page with a fixed
id, in the model format GDS publishes, that `briefing new accessibility-statement`
starts; every page's footer links it, and a public build without one is warned."""

from __future__ import annotations

from builder.model.errors import Problems
from builder.model.content import Page
from builder.model.project import Project
from builder.model.paths import page_path

STATEMENT_ID = "accessibility-statement"
STATEMENT_PATH = f"{Page.folder}/{STATEMENT_ID}.md"


def statement(project: Project) -> Page | None:
    return next((page for page in project.pages if page.id == STATEMENT_ID), None)


def statement_address(project: Project) -> str | None:
    """Where the footer links, relative to the site's root; None when the build has no statement."""
    found = statement(project)
    return page_path(found) if found else None


def statement_warnings(project: Project, problems: Problems) -> None:
    """A public site must publish an accessibility statement; its review date is
    checked as every page's is (`lifecycle.review_warnings`)."""
    if project.profile == "public" and statement(project) is None:
        problems.warn(STATEMENT_PATH, 0, "a public site needs an accessibility statement and this build has none: "
                                         "run 'briefing new accessibility-statement', fill it in and set "
                                         "'draft: false'")
