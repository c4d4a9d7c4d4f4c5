"""Review dates, drafts in preview, what changed since the last meeting, and the
content version recorded in each PDF, on tests/sites/lifecycle/ built as of 1 June 2016."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import SITES, build, cli, pdf_text
from pypdf import PdfReader

pytestmark = pytest.mark.without_search

LIFECYCLE = SITES / "lifecycle"
LATER = "2016-06-01"  # the date these tests build against


@pytest.fixture(scope="module")
def internal(site_build) -> Path:
    return site_build("lifecycle", "internal", pdf=True, today=LATER)


def test_review_warnings_at_the_right_line():
    code, _, err = cli("check", "--content", LIFECYCLE, "--today", LATER)
    assert code == 0, err
    assert "threats/stale.md:5: warning: due for review since 2016-01-31" in err
    assert "threats/by-period.md:4: warning: due for review since 2016-03-15 (its 'updated' date plus the review period" in err
    assert "case-studies/case.md:3: warning: due for review since 2016-05-20" in err
    assert "fresh.md" not in err


@pytest.mark.pdf
def test_review_pages_per_group_soonest_first_and_due_notice(internal):
    prevent = (internal / "reviews/prevent.html").read_text()
    assert prevent.index("Stale threat") < prevent.index("Fresh threat")
    assert "Threat on a period" not in prevent
    assert "Threat on a period" in (internal / "reviews/integrity.html").read_text()
    assert "A case" in (internal / "reviews/index.html").read_text(), "unowned items are listed too"
    assert "Due for review" in (internal / "threats/stale.html").read_text()
    assert "Due for review" not in (internal / "threats/fresh.html").read_text()
    assert "Last updated 15 March 2015" in (internal / "threats/by-period.html").read_text()


@pytest.mark.pdf
@pytest.mark.parametrize("profile", ["internal", "public"])
def test_drafts_are_never_in_a_plain_build(site_build, profile):
    output = site_build("lifecycle", profile, pdf=True, today=LATER)
    everything = "".join(p.read_text(errors="replace") for p in output.rglob("*.html"))
    assert "DRAFTMARKER" not in everything
    assert (output / "spotlights/spot.pdf").exists() and not (output / "spotlights/draft-spot.pdf").exists()


@pytest.mark.pdf
def test_drafts_build_marks_drafts_in_html_and_pdf(copy_site, tmp_path):
    output = tmp_path / "output"
    build(copy_site("lifecycle"), output, "--drafts", pdf=True, today=LATER)
    page = (output / "pages/draft.html").read_text()
    assert 'class="draft-banner"' in page and "DRAFT" in page
    assert 'class="draft-banner"' not in (output / "threats/fresh.html").read_text()
    draft_pdf = PdfReader(output / "spotlights/draft-spot.pdf")
    assert "DRAFT" in draft_pdf.pages[0].extract_text()
    assert _has_background_image(draft_pdf.pages[0]), "the diagonal watermark is drawn on the page"
    assert not _has_background_image(PdfReader(output / "spotlights/spot.pdf").pages[0])


def _has_background_image(page) -> bool:
    resources = page["/Resources"]
    objects = resources.get("/XObject", {})
    patterns = resources.get("/Pattern", {})
    return bool(objects) or bool(patterns)


@pytest.mark.pdf
def test_since_the_last_meeting_for_a_board_with_three_meetings(internal):
    def since(meeting: str) -> str:
        html = (internal / f"meetings/{meeting}.html").read_text()
        start = html.index('id="since-heading"')
        return " ".join(html[start:html.index("</section>", start)].split())

    first = since("m1")
    assert "No earlier meeting of this board" in first
    second = since("m2")
    assert "Test Board" in second or "m1" in second
    assert "Spotlight with history" in second and "A case" in second  # updated/added between 10 Jun and 1 Dec
    assert "15 September 2015: Train staff" in second and "open to <strong>in progress</strong>" in second
    assert "Write guidance, due 31 August 2015" in second
    assert "1 of this board's actions is overdue at this meeting in all" in second
    assert "Train staff, due" not in second.split("fell overdue")[1], "not yet due on 1 December"
    third = since("m3")
    assert "10 February 2016: Train staff" in third and "in progress to <strong>done</strong>" in third
    assert "Spotlight with history" not in third.split("Actions whose status changed")[0]
    assert "Train staff, due" not in third.split("fell overdue")[1], "done by 1 March"
    assert "Write guidance" not in third.split("fell overdue")[1], "it fell overdue before the previous meeting"
    assert "1 of this board's actions is overdue at this meeting in all" in third
    other = since("other")
    assert "No earlier meeting of this board" in other, "meetings of another board do not count"

    pack = pdf_text(internal / "meetings/m3.pdf")
    assert "Since the last meeting" in pack and "Train staff: in progress to done" in pack


def test_action_history_must_be_valid(copy_site):
    spot = (LIFECYCLE / "spotlights/spot.md").read_text()
    content = copy_site("lifecycle", {"spotlights/spot.md": spot.replace("{date: 2015-09-15, status: in-progress",
                                                                        "{date: 2015-09-31, status: half-done")})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "spotlights/spot.md:13: 'date' '2015-09-31' is not a date that exists" in err
    assert "spotlights/spot.md:13: 'status' must be one of: open, in-progress, done, blocked" in err


def _version(pdf: Path) -> str:
    return PdfReader(pdf).metadata["/contentversion"]


@pytest.mark.pdf
def test_content_version_without_git_is_a_hash_of_the_inputs(internal, copy_site, tmp_path):
    again = tmp_path / "again"
    build(copy_site("lifecycle"), again, pdf=True, today=LATER)  # another copy, in another folder
    assert re.fullmatch(r"inputs [0-9a-f]{40}", _version(internal / "spotlights/spot.pdf"))
    assert (again / "spotlights/spot.pdf").read_bytes() == (internal / "spotlights/spot.pdf").read_bytes()


@pytest.mark.pdf
def test_content_version_in_git_is_the_last_commit_and_modified_flag(copy_site, tmp_path):
    content = copy_site("lifecycle")

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.org",
                               *args], check=True, capture_output=True, text=True).stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "content")
    commit = git("rev-parse", "HEAD")
    output = tmp_path / "output"
    build(content, output, pdf=True, today=LATER)
    assert _version(output / "spotlights/spot.pdf") == f"git {commit}"
    again = tmp_path / "again"
    build(content, again, pdf=True, today=LATER)
    assert (again / "spotlights/spot.pdf").read_bytes() == (output / "spotlights/spot.pdf").read_bytes()

    spot = content / "spotlights/spot.md"
    spot.write_text(spot.read_text() + "\nMore notes.\n")
    build(content, output, pdf=True, today=LATER)
    assert _version(output / "spotlights/spot.pdf") == f"git {commit} (modified)"
    assert _version(output / "meetings/m1.pdf") == f"git {commit}", "a PDF not made from the file is not modified"

    # Committing changes no content file, but the PDFs made from it record the commit.
    git("commit", "-qam", "more notes")
    build(content, output, pdf=True, today=LATER)
    assert _version(output / "spotlights/spot.pdf") == f"git {git('rev-parse', 'HEAD')}"
