"""Profiles: nothing of an OFFICIAL-SENSITIVE item, an exempt paper or a draft
reaches a public build, in any file; drafts never reach any build; a public item
that links to an excluded one keeps the link text only, with a warning."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import SITES, all_text, build_args, parse_html, problem_lines, write_files

from builder.cli import main

SENSITIVE_CASE = """\
---
title: MARKER-SENSITIVE-CASE-TITLE
classification: OFFICIAL-SENSITIVE
summary: MARKER-SENSITIVE-CASE-SUMMARY
owner: integrity
date: 2015-05-01
threats: [alpha-threat, sensitive-threat]
objectives: [disrupt]
lessons:
  - MARKER-SENSITIVE-CASE-LESSON
---
MARKER-SENSITIVE-CASE-BODY, with ![MARKER-SENSITIVE-IMAGE-ALT](../assets/sensitive-diagram.svg)
"""
SENSITIVE_THREAT = """\
---
title: MARKER-SENSITIVE-THREAT-TITLE
classification: OFFICIAL-SENSITIVE
summary: MARKER-SENSITIVE-THREAT-SUMMARY
trend: falling
objectives: [divert]
signs: [MARKER-SENSITIVE-THREAT-SIGN]
at_risk: [MARKER-SENSITIVE-THREAT-AT-RISK]
---
## Detail

MARKER-SENSITIVE-THREAT-BODY
"""
EXEMPT_REPORT = """\
---
title: MARKER-EXEMPT-REPORT-TITLE
summary: MARKER-EXEMPT-REPORT-SUMMARY
to: main-board
on: 2015-09-02
exempt: 14
report_by: MARKER-EXEMPT-REPORT-BY
author: {name: MARKER-EXEMPT-AUTHOR, role: Manager}
threats: [alpha-threat]
appendices: [assets/exempt-appendix.txt]
actions:
  - {action: MARKER-EXEMPT-ACTION-ONE, owner: integrity, due: 2015-10-01, status: open}
  - {action: MARKER-EXEMPT-ACTION-TWO, owner: prevent, due: 2016-10-01, status: in-progress}
implications:
  Legal: MARKER-EXEMPT-IMPLICATION
---
## Summary

MARKER-EXEMPT-REPORT-BODY
"""
DRAFT_SPOTLIGHT = """\
---
title: MARKER-DRAFT-SPOTLIGHT-TITLE
draft: true
summary: MARKER-DRAFT-SPOTLIGHT-SUMMARY
date: 2015-07-01
board: main-board
presenters: [{name: MARKER-DRAFT-PRESENTER}]
actions:
  - {action: MARKER-DRAFT-ACTION, owner: prevent, due: 2015-08-01, status: open}
---
MARKER-DRAFT-SPOTLIGHT-BODY
"""
DRAFT_PAGE = "---\ntitle: MARKER-DRAFT-PAGE-TITLE\ndraft: true\nsummary: MARKER-DRAFT-PAGE-SUMMARY\n---\n" \
             "MARKER-DRAFT-PAGE-BODY\n"
PUBLIC_PAGE = """\
---
title: Public page
---
A public page.

It mentions [the sensitive case](../case-studies/sensitive-case.md) and
[the exempt paper](../reports/exempt-report.md#summary).

And [a page in draft](draft-page.md).
"""
MEETING = """\
board: main-board
date: 2015-09-02
time: "10:00"
items:
  - title: Apologies
  - report: alpha-report
    note: For decision.
  - report: exempt-report
    note: MARKER-EXEMPT-AGENDA-NOTE
"""
OVERLAY = {
    "case-studies/sensitive-case.md": SENSITIVE_CASE,
    "threats/sensitive-threat.md": SENSITIVE_THREAT,
    "reports/exempt-report.md": EXEMPT_REPORT,
    "spotlights/draft-spotlight.md": DRAFT_SPOTLIGHT,
    "pages/draft-page.md": DRAFT_PAGE,
    "pages/public-page.md": PUBLIC_PAGE,
    "meetings/2015-09-02-board.yaml": MEETING,
    "assets/sensitive-diagram.svg": '<svg xmlns="http://www.w3.org/2000/svg"><title>MARKER-SENSITIVE-ASSET</title></svg>',
    "assets/exempt-appendix.txt": "MARKER-EXEMPT-ASSET\n",
}
SENSITIVE_MARKERS = sorted({marker for name, text in OVERLAY.items() if "draft" not in name
                            for marker in re.findall(r"MARKER-[A-Z]+(?:-[A-Z]+)*", text)})
DRAFT_MARKERS = sorted({marker for text in (DRAFT_SPOTLIGHT, DRAFT_PAGE)
                        for marker in re.findall(r"MARKER-[A-Z]+(?:-[A-Z]+)*", text)})
EXCLUDED_PAGES = ["case-studies/sensitive-case.html", "threats/sensitive-threat.html", "reports/exempt-report.html"]
DRAFT_PAGES = ["spotlights/draft-spotlight.html", "pages/draft-page.html"]


def marker_content(root: Path) -> Path:
    content = Path(shutil.copytree(SITES / "minimal", root / "content"))
    write_files(content, OVERLAY)
    return content


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("profiles")
    content = marker_content(root)
    outputs = {}
    for profile in ("public", "internal"):
        outputs[profile] = root / profile
        assert main([str(a) for a in build_args(content, outputs[profile], "--profile", profile)]) == 0
    return outputs


def test_the_markers_are_many_and_cover_every_kind_of_field():
    assert len(SENSITIVE_MARKERS) >= 20 and len(DRAFT_MARKERS) >= 7
    for expected in ("MARKER-SENSITIVE-CASE-LESSON", "MARKER-SENSITIVE-THREAT-SIGN", "MARKER-EXEMPT-ACTION-ONE",
                     "MARKER-EXEMPT-AGENDA-NOTE", "MARKER-DRAFT-ACTION"):
        assert expected in SENSITIVE_MARKERS + DRAFT_MARKERS


def test_public_build_holds_no_marker_in_any_file(builds):
    text = all_text(builds["public"])
    assert "Alpha report" in text, "the public items are there"
    assert [m for m in SENSITIVE_MARKERS + DRAFT_MARKERS if m in text] == []


def test_internal_build_holds_sensitive_and_exempt_items_but_no_draft(builds):
    text = all_text(builds["internal"])
    assert [m for m in SENSITIVE_MARKERS if m not in text] == []
    assert [m for m in DRAFT_MARKERS if m in text] == []


def test_pages_of_excluded_items_do_not_exist(builds):
    for page in EXCLUDED_PAGES + DRAFT_PAGES:
        assert not (builds["public"] / page).exists(), page
    for page in EXCLUDED_PAGES:
        assert (builds["internal"] / page).exists(), page
    for page in DRAFT_PAGES:
        assert not (builds["internal"] / page).exists(), page
    assert not (builds["public"] / "assets/sensitive-diagram.svg").exists()
    assert not (builds["public"] / "assets/exempt-appendix.txt").exists()
    assert (builds["internal"] / "assets/exempt-appendix.txt").exists()


def test_links_to_excluded_items_keep_their_text_only(builds):
    page = parse_html(builds["public"] / "pages/public-page.html")
    body = page.find("main")
    text = body.text()
    for words in ("the sensitive case", "the exempt paper", "a page in draft"):
        assert words in text
    hrefs = [a.attrs.get("href", "") for a in body.find_all("a")]
    assert not [h for h in hrefs if "sensitive-case" in h or "exempt-report" in h or "draft-page" in h]
    assert not [a for a in body.find_all("a") if a.text() in ("the sensitive case", "the exempt paper")]

    internal = parse_html(builds["internal"] / "pages/public-page.html").find("main")
    links = {a.text(): a.attrs.get("href") for a in internal.find_all("a")}
    assert links["the sensitive case"] == "../case-studies/sensitive-case.html"
    assert links["the exempt paper"] == "../reports/exempt-report.html#summary"
    assert "a page in draft" not in links, "a draft is left out of every build"


def test_check_warns_about_each_link_to_an_excluded_item_at_its_line(tmp_path, cli):
    content = marker_content(tmp_path)
    code, _, err = cli("check", "--content", content, "--profile", "public")
    assert code == 0, err
    warnings = [line for line in problem_lines(err) if ": warning: " in line]
    assert any(w.startswith("pages/public-page.md:6: warning: links to case-studies/sensitive-case.md")
               for w in warnings), err
    assert any(w.startswith("pages/public-page.md:7: warning: links to reports/exempt-report.md")
               for w in warnings), err
    assert any(w.startswith("pages/public-page.md:9: warning: links to pages/draft-page.md") for w in warnings), err


def _counts(output: Path) -> list[str]:
    return [n.text() for n in parse_html(output / "index.html").find_all(cls="action-counts__number")]


def test_action_counts_leave_out_the_actions_of_excluded_items(builds):
    # The minimal site's own actions: one open, overdue (spotlight, due 2015-12-31),
    # one in progress, not yet due (paper, due 2016-03-31). The exempt paper adds
    # one overdue and one not; the draft's overdue action never counts.
    assert _counts(builds["public"]) == ["2", "1"]
    assert _counts(builds["internal"]) == ["4", "2"]
    plan = all_text(builds["public"] / "actions")
    assert "MARKER-EXEMPT-ACTION-ONE" not in plan and "Run an awareness session" in plan


def test_the_agenda_of_a_public_build_leaves_out_the_exempt_paper(builds):
    public = parse_html(builds["public"] / "meetings/2015-09-02-board.html").find("main").text()
    internal = parse_html(builds["internal"] / "meetings/2015-09-02-board.html").find("main").text()
    assert "Alpha report" in public and "Alpha report" in internal
    assert "MARKER-EXEMPT" not in public
    assert "MARKER-EXEMPT-REPORT-TITLE" in internal and "MARKER-EXEMPT-AGENDA-NOTE" in internal


def test_the_exempt_paper_says_it_is_not_for_publication(builds):
    text = parse_html(builds["internal"] / "reports/exempt-report.html").find("main").text()
    assert "Not for publication" in text and "paragraph 14 of Part I of Schedule 7A" in text
    assert "Not for publication" not in parse_html(builds["internal"] / "reports/alpha-report.html").text()


def test_the_pages_that_showed_a_sensitive_item_are_official_in_public(builds):
    def marking(output: Path, page: str) -> str:
        return parse_html(output / page).find(cls="marking").attrs.get("data-marking", "")

    assert marking(builds["internal"], "case-studies/index.html") == "OFFICIAL-SENSITIVE"
    assert marking(builds["public"], "case-studies/index.html") == "OFFICIAL"
    assert marking(builds["public"], "threats/alpha-threat.html") == "OFFICIAL"


def test_links_to_excluded_items_are_warned_about_however_they_are_written(tmp_path, cli):
    content = marker_content(tmp_path)
    write_files(content, {"pages/other-page.md": (
        "---\ntitle: Other page\n---\n"
        "- A list\n"
        "    - nested, linking [the case](../case-studies/sensitive-case.md)\n"
        "\n"
        "Wrapped: [the exempt\n"
        "paper](../reports/exempt-report.md).\n"
    )})
    code, _, err = cli("check", "--content", content, "--profile", "public")
    assert code == 0, err
    assert "pages/other-page.md:5: warning: links to case-studies/sensitive-case.md" in err
    assert re.search(r"^pages/other-page\.md:[78]: warning: links to reports/exempt-report\.md", err, re.MULTILINE), err
