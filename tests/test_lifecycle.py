"""Review dates, drafts in preview, what changed since the last meeting, and the
content version recorded in each PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from pypdf import PdfReader

from builder.cli import main

SITE = """\
title: Lifecycle test
organisation: Test Partnership
boards:
  board: {name: Test Board}
  other: {name: Other Board}
groups:
  prevent: {name: Prevent Group}
  integrity: {name: Integrity Group}
implications: [Financial]
review_months: {threat: 12, case-study: 6}
"""

FILES = {
    "site.yaml": SITE,
    # line 2 title, 3 trend, 4 owner, 5 review_by
    "threats/stale.md": "---\ntitle: Stale threat\ntrend: rising\nowner: prevent\nreview_by: 2016-01-31\n---\nText.\n",
    "threats/fresh.md": "---\ntitle: Fresh threat\ntrend: stable\nowner: prevent\nreview_by: 2017-01-31\n---\nText.\n",
    # No review_by: due 12 months after `updated` (line 4).
    "threats/by-period.md": "---\ntitle: Threat on a period\ntrend: falling\nupdated: 2015-03-15\nowner: integrity\n---\nText.\n",
    "case-studies/case.md": "---\ntitle: A case\nupdated: 2015-11-20\ndate: 2015-11-20\n---\nText.\n",
    "pages/draft.md": "---\ntitle: Draft page DRAFTMARKER\ndraft: true\n---\nNot yet approved.\n",
    "spotlights/draft-spot.md": "---\ntitle: Draft spotlight\ndraft: true\ndate: 2016-01-10\nboard: board\n---\nNotes.\n",
    "spotlights/spot.md": """\
---
title: Spotlight with history
date: 2015-06-01
board: board
updated: 2015-10-01
actions:
  - action: Train staff
    owner: prevent
    due: 2015-12-31
    status: done
    history:
      - {date: 2015-06-01, status: open}
      - {date: 2015-09-15, status: in-progress, note: First session held}
      - {date: 2016-02-10, status: done}
  - action: Write guidance
    owner: integrity
    due: 2015-08-31
    status: open
---
Notes.
""",
    "meetings/m1.yaml": "board: board\ndate: 2015-06-10\ntime: \"10:00\"\nitems: [{title: Apologies}]\n",
    "meetings/m2.yaml": "board: board\ndate: 2015-12-01\ntime: \"10:00\"\nitems: [{title: Apologies}]\n",
    "meetings/m3.yaml": "board: board\ndate: 2016-03-01\ntime: \"10:00\"\nitems: [{title: Apologies}]\n",
    "meetings/other.yaml": "board: other\ndate: 2015-11-01\ntime: \"10:00\"\nitems: [{title: Apologies}]\n",
}


def write_project(root: Path) -> Path:
    content = root / "content"
    for name, text in FILES.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return content


def run(*args: str) -> int:
    return main(list(args))


def test_review_warnings_at_the_right_line(tmp_path, capsys):
    content = write_project(tmp_path)
    assert run("check", "--content", str(content), "--today", "2016-06-01") == 0
    err = capsys.readouterr().err
    assert "threats/stale.md:5: warning: due for review since 2016-01-31" in err
    assert "threats/by-period.md:4: warning: due for review since 2016-03-15 (its 'updated' date plus the review period" in err
    assert "case-studies/case.md:3: warning: due for review since 2016-05-20" in err
    assert "fresh.md" not in err


def test_review_pages_per_group_soonest_first_and_due_notice(tmp_path):
    content = write_project(tmp_path)
    output = tmp_path / "output"
    assert run("build", "--content", str(content), "--output", str(output), "--today", "2016-06-01", "--no-pdf") == 0
    prevent = (output / "reviews/prevent.html").read_text()
    assert prevent.index("Stale threat") < prevent.index("Fresh threat")
    assert "Threat on a period" not in prevent
    assert "Threat on a period" in (output / "reviews/integrity.html").read_text()
    assert "A case" in (output / "reviews/index.html").read_text(), "unowned items are listed too"
    assert "Due for review" in (output / "threats/stale.html").read_text()
    assert "Due for review" not in (output / "threats/fresh.html").read_text()
    assert "Last updated 15 March 2015" in (output / "threats/by-period.html").read_text()


def test_drafts_are_never_in_a_plain_build(tmp_path):
    content = write_project(tmp_path)
    for profile in ("internal", "public"):
        output = tmp_path / profile
        assert run("build", "--content", str(content), "--output", str(output), "--profile", profile,
                   "--today", "2016-06-01") == 0
        everything = "".join(p.read_text(errors="replace") for p in output.rglob("*.html"))
        assert "DRAFTMARKER" not in everything
        assert not (output / "spotlights/draft-spot.pdf").exists()


def test_drafts_build_marks_drafts_in_html_and_pdf(tmp_path):
    content = write_project(tmp_path)
    output = tmp_path / "output"
    assert run("build", "--content", str(content), "--output", str(output), "--today", "2016-06-01", "--drafts") == 0
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


def test_since_the_last_meeting_for_a_board_with_three_meetings(tmp_path):
    content = write_project(tmp_path)
    output = tmp_path / "output"
    assert run("build", "--content", str(content), "--output", str(output), "--today", "2016-06-01") == 0

    def since(meeting: str) -> str:
        html = (output / f"meetings/{meeting}.html").read_text()
        return " ".join(html[html.index('id="since-heading"'):html.index("</section>", html.index('id="since-heading"'))].split())

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

    pack = " ".join(" ".join(p.extract_text() for p in PdfReader(output / "meetings/m3.pdf").pages).split())
    assert "Since the last meeting" in pack and "Train staff: in progress to done" in pack


def test_action_history_must_be_valid(tmp_path, capsys):
    content = write_project(tmp_path)
    spot = content / "spotlights/spot.md"
    spot.write_text(spot.read_text().replace("{date: 2015-09-15, status: in-progress", "{date: 2015-09-31, status: half-done"))
    assert run("check", "--content", str(content)) == 1
    err = capsys.readouterr().err
    assert "spotlights/spot.md:13: 'date' '2015-09-31' is not a date that exists" in err
    assert "spotlights/spot.md:13: 'status' must be one of: open, in-progress, done, blocked" in err


def _version(pdf: Path) -> str:
    return PdfReader(pdf).metadata["/contentversion"]


def test_content_version_without_git_is_a_hash_of_the_inputs(tmp_path):
    content = write_project(tmp_path)
    first, second = tmp_path / "a", tmp_path / "b"
    assert run("build", "--content", str(content), "--output", str(first), "--today", "2016-06-01") == 0
    assert run("build", "--content", str(content), "--output", str(second), "--today", "2016-06-01") == 0
    assert re.fullmatch(r"inputs [0-9a-f]{40}", _version(first / "spotlights/spot.pdf"))
    assert (first / "spotlights/spot.pdf").read_bytes() == (second / "spotlights/spot.pdf").read_bytes()


def test_content_version_in_git_is_the_last_commit_and_modified_flag(tmp_path):
    content = write_project(tmp_path)

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True,
                              text=True).stdout.strip()

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "content")
    commit = git("rev-parse", "HEAD")
    output = tmp_path / "output"
    assert run("build", "--content", str(content), "--output", str(output), "--today", "2016-06-01") == 0
    assert _version(output / "spotlights/spot.pdf") == f"git {commit}"
    again = tmp_path / "again"
    assert run("build", "--content", str(content), "--output", str(again), "--today", "2016-06-01") == 0
    assert (again / "spotlights/spot.pdf").read_bytes() == (output / "spotlights/spot.pdf").read_bytes()

    spot = content / "spotlights/spot.md"
    spot.write_text(spot.read_text() + "\nMore notes.\n")
    assert run("build", "--content", str(content), "--output", str(output), "--today", "2016-06-01") == 0
    assert _version(output / "spotlights/spot.pdf") == f"git {commit} (modified)"
    assert _version(output / "meetings/m1.pdf") == f"git {commit}", "a PDF not made from the file is not modified"

    # Committing changes no content file, but the PDFs made from it record the commit.
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "more notes")
    assert run("build", "--content", str(content), "--output", str(output), "--today", "2016-06-01") == 0
    assert _version(output / "spotlights/spot.pdf") == f"git {git('rev-parse', 'HEAD')}"
