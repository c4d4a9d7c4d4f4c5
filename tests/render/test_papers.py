"""Papers a clerk would issue (issue 18): the header facts councils print, exempt
appendices, notes that do not change by themselves, action plans on paper, and
pages that are never left nearly empty. Every test goes through the command line
and reads the output back."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import SITES, build, cli, errors_only, everything_readable, parse_html, pdf_pages, pdf_text

LIFECYCLE_DAY = "2016-06-01"  # test_lifecycle builds its fixture on this day: the build is shared
EXEMPT_8 = ("Exempt item: not for publication by virtue of paragraph 8 of Part 1 of Schedule 7A to the Local "
            "Government (Scotland) Act 1973")

PAPER = """---
title: Alpha report
summary: A board paper for the tests.
to: main-board
on: 2015-09-02
report_by: Director of Tests
reference: CSP/15/09
report_date: 2015-08-20
author: {name: An Officer, role: Manager, phone: "0100 000", email: officer@example.org}
threats: [alpha-threat]
background_papers:
  - Serious Organised Crime Strategy 2015
  - {title: Licensing Board minutes of 3 June 2015, location: Council offices}
appendices:
  - case-studies/alpha-case
  - {item: case-studies/bids-case, exempt: 8}
  - {file: assets/bids.txt, exempt: 8}
  - assets/plan.txt
implications:
  Financial: Met from existing budgets.
---
## Summary

The report in brief.
"""

BIDS_CASE = """---
title: Bids BIDSSECRET analysis
summary: The tenderers' prices BIDSSECRET.
date: 2015-03-01
---
Commercial detail BIDSSECRET of each tender.
"""


def paper_project(copy_site, paper: str = PAPER):
    return copy_site("minimal", {"reports/alpha-report.md": paper, "case-studies/bids-case.md": BIDS_CASE,
                                 "assets/bids.txt": "Prices BIDSSECRET\n"})


# Header facts ----------------------------------------------------------------------

@pytest.mark.pdf
@pytest.mark.parametrize("profile", ["internal", "public"])
def test_reference_date_and_background_papers_are_printed_on_page_and_paper(copy_site, tmp_path, profile):
    out = tmp_path / "out"
    build(paper_project(copy_site), out, "--profile", profile, pdf=True)

    page = parse_html(out / "reports/alpha-report.html")
    rows = {row.find("dt").text(): row.find("dd").text() for row in page.find_all("div", "summary-list__row")}
    assert rows["Report reference"] == "CSP/15/09"
    assert rows["Report date"] == "20 August 2015"
    listed = page.find("section", "background-papers")
    assert listed.find("h2").text() == "List of background papers"
    assert [li.text() for li in listed.find_all("li")] == [
        "Serious Organised Crime Strategy 2015", "Licensing Board minutes of 3 June 2015: Council offices"]

    text = pdf_text(out / "reports/alpha-report.pdf")
    assert "Report reference CSP/15/09" in text and "Report date 20 August 2015" in text
    assert text.index("List of background papers") < text.index("Person to contact")
    assert "Licensing Board minutes of 3 June 2015: Council offices" in text
    pack = pdf_text(out / "meetings/2015-09-02-board.pdf")
    assert "Report by Director of Tests (CSP/15/09, 20 August 2015)" in pack


@pytest.mark.pdf
def test_a_paper_without_background_papers_says_none(site_build):
    out = site_build("minimal", pdf=True)
    listed = parse_html(out / "reports/alpha-report.html").find("section", "background-papers")
    assert listed.find("p").text() == "None"
    assert "List of background papers None" in pdf_text(out / "reports/alpha-report.pdf")


def test_bad_header_facts_are_errors_at_their_line(copy_site, tmp_path):
    paper = PAPER.replace("report_date: 2015-08-20", "report_date: last week").replace(
        "  - {title: Licensing Board minutes of 3 June 2015, location: Council offices}",
        "  - {location: Council offices}").replace(
        "  - {file: assets/bids.txt, exempt: 8}", "  - {file: assets/bids.txt, exempt: 99}")
    content = paper_project(copy_site, paper)
    code, out, err = cli("check", "--content", content)
    assert code == 1
    errors = errors_only(err)
    lines = paper.splitlines()
    assert any(e.startswith(f"reports/alpha-report.md:{lines.index('report_date: last week') + 1}: ")
               and "report_date" in e for e in errors), errors
    assert any(e.startswith(f"reports/alpha-report.md:{lines.index('  - {location: Council offices}') + 1}: ")
               and "title" in e for e in errors), errors
    assert any(f":{lines.index('  - {file: assets/bids.txt, exempt: 99}') + 1}: " in e and "exempt" in e
               for e in errors), errors


# Exempt appendices -----------------------------------------------------------------

@pytest.mark.pdf
def test_an_exempt_appendix_is_left_out_of_the_public_build(copy_site, tmp_path):
    out = tmp_path / "out"
    build(paper_project(copy_site), out, "--profile", "public", pdf=True)
    readable = everything_readable(out)
    assert "BIDSSECRET" not in readable
    assert not (out / "case-studies/bids-case.html").exists() and not (out / "assets/bids.txt").exists()

    page = parse_html(out / "reports/alpha-report.html")
    items = [li.text() for li in page.find("ol", "appendices").find_all("li")]
    assert items == ["Appendix 1: Alpha case", f"Appendix 2: {EXEMPT_8}", f"Appendix 3: {EXEMPT_8}",
                     "Appendix 4: plan.txt"]
    for pdf in ("reports/alpha-report.pdf", "meetings/2015-09-02-board.pdf"):
        text = pdf_text(out / pdf)
        assert f"Appendix 2: {EXEMPT_8}" in text and "Appendix 1: Alpha case" in text
    assert not (out / "meetings/2015-09-02-board-private.pdf").exists()


@pytest.mark.pdf
def test_an_exempt_appendix_is_internal_and_in_the_private_pack_only(copy_site, tmp_path):
    out = tmp_path / "out"
    build(paper_project(copy_site), out, pdf=True)
    assert "BIDSSECRET" in (out / "case-studies/bids-case.html").read_text()
    page = parse_html(out / "reports/alpha-report.html")
    assert "Appendix 2: Bids BIDSSECRET analysis (exempt: not for publication by virtue of paragraph 8" in \
        page.find("ol", "appendices").text()

    open_pack = pdf_text(out / "meetings/2015-09-02-board.pdf")
    assert "BIDSSECRET" not in open_pack and f"Appendix 2: {EXEMPT_8}" in open_pack
    private = pdf_text(out / "meetings/2015-09-02-board-private.pdf")
    assert "Commercial detail BIDSSECRET of each tender" in private
    assert "Appendix 1: Alpha case" in private


def test_appendices_written_plain_still_work(site_build):
    out = site_build("minimal", "public")
    items = [li.text() for li in parse_html(out / "reports/alpha-report.html").find("ol", "appendices").find_all("li")]
    assert items == ["Appendix 1: Alpha case", "Appendix 2: plan.txt"]
    assert (out / "assets/plan.txt").exists()


# Exempt appendices linked from other pages, or bound again by another paper (from an adversarial review).

EXEMPT_FILE_PAPER = """---
title: Open paper
to: main-board
on: 2015-09-02
report_by: Director of Tests
appendices:
  - {file: assets/bids.txt, exempt: 8}
  - {item: case-studies/bid-case, exempt: 8}
---
## Summary

The tenders are summarised in the appendices.
"""
LINKING_PAGE = ("---\ntitle: Procurement\n---\nSee [the bids](../assets/bids.txt) and "
                "[the case](../case-studies/bid-case.md).\n")


def _exempt_file_project(make_project, more: dict | None = None):
    return make_project({"reports/open-paper.md": EXEMPT_FILE_PAPER, "pages/procurement.md": LINKING_PAGE,
                         "assets/bids.txt": "Prices BIDSSECRET\n",
                         "case-studies/bid-case.md": "---\ntitle: Case BIDCASE\nsummary: S.\n---\nBody BIDCASE.\n",
                         **(more or {})})


def test_an_exempt_appendix_item_linked_from_a_public_page_is_plain_text_with_a_warning(make_project, tmp_path):
    run = build(_exempt_file_project(make_project), tmp_path / "out", "--profile", "public")
    assert "pages/procurement.md:4: warning: links to case-studies/bid-case.md" in run.err
    assert not (tmp_path / "out/case-studies/bid-case.html").exists()


def test_an_exempt_appendix_file_is_never_published_by_a_public_build(make_project, tmp_path):
    run = build(_exempt_file_project(make_project), tmp_path / "out", "--profile", "public")
    assert "pages/procurement.md:4: warning: links to assets/bids.txt, which the public profile leaves out" in run.err
    assert not (tmp_path / "out/assets/bids.txt").exists()
    assert not any(b"BIDSSECRET" in path.read_bytes() for path in (tmp_path / "out").rglob("*") if path.is_file())


@pytest.mark.pdf
def test_an_exempt_appendix_item_never_reaches_an_open_pack_through_another_paper(make_project, tmp_path):
    later = EXEMPT_FILE_PAPER.replace("title: Open paper", "title: Later paper").replace(
        "  - {file: assets/bids.txt, exempt: 8}\n  - {item: case-studies/bid-case, exempt: 8}\n",
        "  - case-studies/bid-case\n")
    meeting = ("board: main-board\ndate: 2015-09-02\ntime: \"10:00\"\nvenue: Room\n"
               "items:\n  - report: open-paper\n  - report: later-paper\n")
    content = _exempt_file_project(make_project, {"reports/later-paper.md": later,
                                                   "meetings/2015-09-02-board.yaml": meeting})
    run = build(content, tmp_path / "out", pdf=True)
    pack = pdf_text(tmp_path / "out/meetings/2015-09-02-board.pdf")
    assert "BIDCASE" not in pack or "bid-case" in run.err
    assert pack.count("paragraph 8") >= 3  # the open paper's two exempt appendices and the later paper's


# Stable notes ----------------------------------------------------------------------

SPOTLIGHT = """---
title: Alpha spotlight
summary: A spotlight session for the tests.
date: 2015-06-10
board: main-board
actions:
  - action: Agreed before, late by the session
    owner: prevent
    due: 2015-06-01
    status: done
    history:
      - {date: 2015-05-01, status: open}
      - {date: 2015-07-01, status: done}
  - action: Run an awareness session
    owner: prevent
    due: 2015-12-31
    status: open
---
Notes of the session.
"""


@pytest.mark.pdf
def test_a_note_counts_its_actions_as_at_its_session_and_never_changes_by_itself(copy_site, tmp_path):
    content = copy_site("minimal", {"spotlights/alpha-spotlight.md": SPOTLIGHT})
    early, late = tmp_path / "early", tmp_path / "late"
    build(content, early, pdf=True, today="2015-06-20")
    build(content, late, pdf=True, today="2016-01-15")

    note = early / "spotlights/alpha-spotlight.pdf"
    assert note.read_bytes() == (late / "spotlights/alpha-spotlight.pdf").read_bytes()
    text = pdf_text(note)
    assert "As at 10 June 2015, the date of the session: 1 overdue." in text
    # On the day of the session the first action was still open, whatever it is now.
    assert "Agreed before, late by the session Prevent Group 1 June 2015 Open" in text
    # The live action plan counts against --today instead.
    assert "(1 at 15 January 2016)" in parse_html(late / "actions/index.html").find("p", "lead").text()


# Action plans on paper ---------------------------------------------------------------

@pytest.mark.pdf
@pytest.mark.parametrize("profile", ["internal", "public"])
def test_action_plans_on_paper_per_board_and_group_as_at_today(copy_site, tmp_path, profile):
    sensitive = SPOTLIGHT.replace("title: Alpha spotlight", "title: Alpha spotlight\nclassification: "
                                                            "OFFICIAL-SENSITIVE").replace(
        "Agreed before, late by the session", "Sensitive SENSACTION")
    out = tmp_path / "out"
    build(copy_site("minimal", {"spotlights/alpha-spotlight.md": sensitive}), out, "--profile", profile, pdf=True)

    index = parse_html(out / "actions/index.html")
    offered = [href for _, href in index.find("ul", "downloads").urls()]
    assert {"action-plan.pdf", "boards/main-board.pdf"} <= set(offered)
    group = parse_html(out / "actions/integrity.html")
    assert [href for _, href in group.find("ul", "downloads").urls()] == ["groups/integrity.pdf"]

    whole = pdf_pages(out / "actions/action-plan.pdf")
    text = " ".join(" ".join(whole).split())
    assert "As at 15 January 2016" in text and "Agree the plan Alpha report 31 March 2016 In progress" in text
    board = pdf_text(out / "actions/boards/main-board.pdf")
    assert "Board Main Board" in board and "Agree the plan" in board
    integrity = pdf_text(out / "actions/groups/integrity.pdf")
    assert "Agree the plan" in integrity and "awareness session" not in integrity
    prevent = pdf_pages(out / "actions/groups/prevent.pdf")
    if profile == "internal":
        assert "Sensitive SENSACTION" in " ".join(prevent)
        assert all(page.splitlines()[-1].startswith("OFFICIAL-SENSITIVE") for page in prevent + whole)
        assert "OFFICIAL-SENSITIVE" not in integrity
    else:
        assert "SENSACTION" not in everything_readable(out)
        assert "No actions." in " ".join(prevent)
        assert "OFFICIAL-SENSITIVE" not in text


# Typesetting ----------------------------------------------------------------------

FULL_PAGE_LINES = 40  # lines of 12pt text on an A4 page between the margins
MARKING_LINE = re.compile(r"(OFFICIAL(-SENSITIVE)?)?( ?Page \d+ of \d+)?")


def _page_lines(text: str) -> list[str]:
    """The lines of a page's text, less the markings and page number in its margins."""
    return [line.strip() for line in text.splitlines() if not MARKING_LINE.fullmatch(line.strip())]


def _starts_section(lines: list[str], organisation: str) -> bool:
    """A page that opens what begins on a page of its own: a paper, note, plan or pack
    cover (its organisation line, or a notice above it), a pack's "since" page, an appendix."""
    top = lines[:3]
    return any(line.startswith((organisation, "DRAFT:", "NOT FOR PUBLICATION", "Since the last meeting"))
               or re.match(r"Appendix \d+: ", line) for line in top)


def nearly_empty_pages(pdf, organisation: str) -> list[tuple[int, int]]:
    """(page number, lines) of each page under a quarter full, except where a page may
    end short: the last page of a paper, note or pack cover, and the last before an appendix."""
    pages = [_page_lines(text) for text in pdf_pages(pdf)]
    short = []
    for number, lines in enumerate(pages, start=1):
        ends_section = number == len(pages) or _starts_section(pages[number], organisation)
        if not ends_section and len(lines) < FULL_PAGE_LINES / 4:
            short.append((number, len(lines)))
    return short


@pytest.mark.pdf
@pytest.mark.parametrize("site", ["minimal", "partnership", "leaks", "lifecycle", "packs"])
def test_no_page_of_a_fixture_pdf_is_nearly_empty(site_build, site):
    """Over the builds other tests share (the lifecycle's on its own day)."""
    organisation = yaml.safe_load((SITES / site / "site.yaml").read_text())["organisation"]
    out = site_build(site, pdf=True, **({"today": LIFECYCLE_DAY} if site == "lifecycle" else {}))
    pdfs = sorted(out.rglob("*.pdf"))
    assert pdfs
    short = {str(pdf.relative_to(out)): pages for pdf in pdfs if (pages := nearly_empty_pages(pdf, organisation))}
    assert not short, f"pages under a quarter full (page, lines): {short}"


@pytest.mark.pdf
def test_a_long_table_breaks_between_rows_with_its_header_repeated_and_a_short_one_stays_whole(copy_site,
                                                                                              tmp_path):
    rows = "\n".join(f"| Partner {n} | Contribution number {n} |" for n in range(1, 61))
    body = ("## Summary\n\n" + "Filler text of the paper. " * 120 + "\n\n"
            f"## Contributions\n\nThe contributions are below.\n\n| Partner | Contribution |\n|---|---|\n{rows}\n\n"
            "## Short\n\n" + "More filler text. " * 150 + "\n\nThe short table:\n\n"
            "| Name | Value |\n|---|---|\n| SHORTFIRST | 1 |\n| Two | 2 |\n| SHORTLAST | 3 |\n")
    paper = PAPER.split("---\n## Summary")[0] + "---\n" + body
    out = tmp_path / "out"
    build(paper_project(copy_site, paper), out, pdf=True)
    pages = pdf_pages(out / "reports/alpha-report.pdf")
    with_rows = [page for page in pages if "Contribution number" in page]
    assert len(with_rows) >= 2, "sixty rows cross a page"
    assert all("Partner Contribution" in page for page in with_rows), "the header row repeats on every page"
    assert not any("Contribution number 1\n" in page and "Contribution number 60" in page for page in pages)
    assert [page for page in pages if "SHORTFIRST" in page] == [page for page in pages if "SHORTLAST" in page]
