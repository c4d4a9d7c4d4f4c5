"""The command line: scaffolding new items, progress and messages."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
KINDS = {"report": "reports/{}.md", "spotlight": "spotlights/{}.md", "case-study": "case-studies/{}.md",
         "threat": "threats/{}.md", "meeting": "meetings/{}.yaml", "page": "pages/{}.md"}


@pytest.fixture
def content(tmp_path) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    return tmp_path / "content"


@pytest.mark.parametrize("kind", KINDS)
def test_new_writes_an_item_that_passes_check(content, kind, capsys):
    title = f'Review of "{kind}" work: phase 2'
    assert main(["new", kind, title, "--content", str(content)]) == 0
    path = content / KINDS[kind].format("review-of-" + kind + "-work-phase-2")
    assert path.exists(), capsys.readouterr()
    text = path.read_text()
    assert "#" in text, "fields are explained by comments"
    assert main(["check", "--content", str(content)]) == 0
    assert "error" not in capsys.readouterr().err
    assert main(["build", "--content", str(content), "--output", str(content.parent / "out"), "--no-pdf",
                 "--quiet"]) == 0
    page = content.parent / "out" / KINDS[kind].format("review-of-" + kind + "-work-phase-2").replace(
        ".md", ".html").replace(".yaml", ".html")
    assert 'Review of &#34;' in page.read_text() or "Review of &quot;" in page.read_text()


def test_new_report_has_the_standard_sections(content):
    assert main(["new", "report", "Annual update", "--content", str(content)]) == 0
    text = (content / "reports/annual-update.md").read_text()
    for section in ("## Summary", "## Recommendations", "## Background", "## Resources"):
        assert section in text


def test_new_refuses_a_title_with_no_letters(content, capsys):
    assert main(["new", "page", "!!!", "--content", str(content)]) == 1
    assert "needs at least one letter or digit" in capsys.readouterr().err


def _build_command(content: Path, output: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "builder", "build", "--content", str(content), "--output", str(output),
            "--today", "2016-01-15", "--jobs", "1", *extra]


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
    return process.wait(), printed


def test_progress_shows_on_a_terminal_only(content, tmp_path):
    piped = subprocess.run(_build_command(content, tmp_path / "a"), capture_output=True, text=True)
    assert piped.returncode == 0 and "PDFs:" not in piped.stderr
    status, printed = _on_terminal(_build_command(content, tmp_path / "b"))
    assert status == 0 and b"PDFs: 7 of 7" in printed
    status, printed = _on_terminal(_build_command(content, tmp_path / "c", "--quiet"))
    assert status == 0 and b"PDFs:" not in printed


def test_verbose_lists_every_file_written(content, tmp_path, capsys):
    assert main(["build", "--content", str(content), "--output", str(tmp_path / "out"), "--no-pdf",
                 "--verbose"]) == 0
    out = capsys.readouterr().out
    assert f"wrote {tmp_path / 'out' / 'threats/cyber-crime.html'}" in out
    assert f"wrote {tmp_path / 'out' / 'actions.csv'}" in out


def test_check_writes_nothing(content, tmp_path):
    before = sorted(p.name for p in tmp_path.iterdir())
    assert main(["check", "--content", str(content)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_help_does_not_load_the_pdf_writer():
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "builder", "--help"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "weasyprint" not in result.stderr
    check = subprocess.run([sys.executable, "-X", "importtime", "-m", "builder", "check", "--content",
                            str(REPO / "content")], capture_output=True, text=True)
    assert check.returncode == 0 and "weasyprint" not in check.stderr
