"""The accessibility statement (issue 23): its skeleton, the footer link, and check's warnings."""

from __future__ import annotations

import re

import pytest

from conftest import build, cli

HEADINGS = ("## How accessible this website is", "## Feedback and contact information",
            "## Enforcement procedure", "### Compliance status", "## Non-accessible content",
            "## Preparation of this accessibility statement")
STATEMENT = """---
title: Accessibility statement
review_by: {review}
---
This statement applies to the test site.

## Compliance status

Partially compliant.
"""
MISSING = "a public site needs an accessibility statement"


def test_new_writes_a_skeleton_with_every_heading(copy_site):
    content = copy_site("minimal")
    made = cli("new", "accessibility-statement", "--content", content)
    assert made.code == 0, made.err
    text = (content / "pages/accessibility-statement.md").read_text()
    assert all(heading in text for heading in HEADINGS)
    assert "review_by:" in text and "draft: true" in text
    assert cli("new", "accessibility-statement", "--content", content).code == 1  # never overwritten
    # A draft is no statement for a public build; published with its example text, it is an error.
    checked = cli("check", "--content", content, "--profile", "public")
    assert checked.code == 0 and MISSING in checked.out + checked.err
    path = content / "pages/accessibility-statement.md"
    path.write_text(path.read_text().replace("draft: true", "draft: false"))
    refused = cli("check", "--content", content, "--profile", "public")
    assert refused.code == 1 and "pages/accessibility-statement.md:" in refused.out + refused.err
    assert "example text" in refused.out + refused.err


def test_other_kinds_still_need_a_title(copy_site):
    assert cli("new", "threat", "--content", copy_site("minimal")).code == 2


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_every_page_links_the_statement(copy_site, tmp_path, profile):
    content = copy_site("minimal", {"pages/accessibility-statement.md": STATEMENT.format(review="2030-01-01")})
    out = tmp_path / "out"
    result = build(content, out, "--profile", profile)
    assert MISSING not in result.out + result.err
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        html = page.read_text()
        links = re.findall(r'<a href="([^"]*)">Accessibility statement</a>', html)
        assert links, page
        assert (page.parent / links[0]).resolve() == (out / "pages/accessibility-statement.html").resolve()


def test_check_warns_when_review_date_has_passed_or_statement_missing(copy_site):
    content = copy_site("minimal", {"pages/accessibility-statement.md": STATEMENT.format(review="2015-06-01")})
    checked = cli("check", "--content", content, "--profile", "public", "--today", "2016-01-15")
    assert checked.code == 0
    assert "pages/accessibility-statement.md:3: warning: due for review since 2015-06-01" in checked.out + checked.err
    (content / "pages/accessibility-statement.md").unlink()
    public = cli("check", "--content", content, "--profile", "public")
    assert MISSING in public.out + public.err
    internal = cli("check", "--content", content)
    assert MISSING not in internal.out + internal.err
