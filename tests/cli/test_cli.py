"""The command line: scaffolding new items, progress and messages."""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import pytest
from conftest import SITES, build, cli

KINDS = {"report": "reports/{}.md", "spotlight": "spotlights/{}.md", "case-study": "case-studies/{}.md",
         "threat": "threats/{}.md", "meeting": "meetings/{}.yaml", "page": "pages/{}.md"}


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_an_item_that_passes_check(copy_site, tmp_path, kind):
    content = copy_site()
    title = f'Review of "{kind}" work: phase 2'
    code, out, err = cli("new", kind, title, "--content", content)
    assert code == 0, err
    path = content / KINDS[kind].format(f"review-of-{kind}-work-phase-2")
    assert path.exists(), out + err
    assert "#" in path.read_text(encoding="utf-8"), "fields are explained by comments"
    code, _, err = cli("check", "--content", content)
    assert code == 0 and "error" not in err, err
    build(content, tmp_path / "out", "--drafts")  # a new item may be a draft until its author says otherwise
    page = tmp_path / "out" / path.relative_to(content).with_suffix(".html")
    assert "Review of &#34;" in page.read_text(encoding="utf-8") or "Review of &quot;" in page.read_text(encoding="utf-8")


def test_new_report_has_the_standard_sections(copy_site):
    content = copy_site()
    assert cli("new", "report", "Annual update", "--content", content).code == 0
    text = (content / "reports/annual-update.md").read_text(encoding="utf-8")
    for section in ("## Summary", "## Recommendations", "## Background", "## Resources"):
        assert section in text


def test_new_refuses_a_title_with_no_letters(copy_site):
    code, _, err = cli("new", "page", "!!!", "--content", copy_site())
    assert code == 1
    assert "needs at least one letter or digit" in err


def test_new_never_overwrites(copy_site):
    content = copy_site()
    existing = content / "threats/alpha-threat.md"
    original = existing.read_bytes()
    code, _, err = cli("new", "threat", "Alpha threat", "--content", content)
    assert code == 1
    assert existing.read_bytes() == original
    assert "threats/alpha-threat.md: already exists" in err


def _on_terminal(command: list[str]) -> tuple[int, bytes]:
    """Run a command with a terminal as its output, and return what it printed."""
    main_fd, child_fd = pty.openpty()
    process = subprocess.Popen(command, stdout=child_fd, stderr=child_fd)
    os.close(child_fd)
    printed = b""
    while True:
        try:
            chunk = os.read(main_fd, 4096)
        except OSError:  # the terminal closes when the command ends
            break
        if not chunk:
            break
        printed += chunk
    os.close(main_fd)
    return process.wait(timeout=300), printed


# Its notes, the whole action plan and the board's: three short PDFs, enough to show progress.
ONE_SPOTLIGHT = {"site.yaml": "title: Test site\norganisation: Test Partnership\nclassification: OFFICIAL\n"
                              "boards:\n  main-board: {name: Main Board}\n",
                 "spotlights/one.md": "---\ntitle: One spotlight\ndate: 2015-06-10\nboard: main-board\n---\nNotes.\n"}


@pytest.mark.pdf
def test_progress_shows_on_a_terminal_only(make_project, tmp_path):
    content = make_project(ONE_SPOTLIGHT)
    assert "PDFs:" not in build(content, tmp_path / "a", pdf=True).err, "no progress where output is not a terminal"
    total = len(list((tmp_path / "a").rglob("*.pdf")))
    command = [sys.executable, "-m", "builder", "build", "--content", str(content), "--jobs", "1", "--no-search"]
    status, printed = _on_terminal([*command, "--output", str(tmp_path / "b")])
    assert status == 0 and f"PDFs: {total} of {total}".encode() in printed
    status, printed = _on_terminal([*command, "--output", str(tmp_path / "c"), "--quiet"])
    assert status == 0 and b"PDFs:" not in printed


def test_verbose_lists_every_file_written(copy_site, tmp_path):
    output = tmp_path / "out"
    out = build(copy_site(), output, "--verbose").out
    assert f"wrote {output / 'threats/alpha-threat.html'}" in out
    assert f"wrote {output / 'actions.csv'}" in out


def test_help_does_not_load_the_pdf_writer():
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "builder", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "weasyprint" not in result.stderr
    check = subprocess.run([sys.executable, "-X", "importtime", "-m", "builder", "check", "--content",
                            str(SITES / "minimal")], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0
    loaded = {line.split("|")[-1].strip() for line in check.stderr.splitlines() if line.startswith("import time:")}
    assert not loaded & {"weasyprint", "icalendar", "pikepdf", "PIL", "docx", "mammoth"}, "check loads only what it uses"
