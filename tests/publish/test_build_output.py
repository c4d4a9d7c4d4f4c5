"""The output folder: replaced whole by a successful build; exactly as it was
after a failed one, whatever failed (content, a template, a PDF, a full disk,
Ctrl-C, a killed process); never a folder the build did not make, never inside
the content; `check` writes nothing and neither command writes into the content."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, build, checksums, cli, leftovers, run_process, start_build, write_files


@pytest.fixture
def built(copy_site, tmp_path) -> tuple[Path, Path, dict[str, str]]:
    """The minimal site built once: (content, output, checksums of the output)."""
    content = copy_site()
    output = tmp_path / "output"
    build(content, output)
    return content, output, checksums(output)


def test_a_failed_build_leaves_the_output_exactly_as_it_was(built):
    content, output, before = built
    assert "index.html" in before and "reports/alpha-report.html" in before
    write_files(content, {
        "threats/alpha-threat.md": "---\ntitle: Alpha threat changed\ntrend: upwards\n---\nNew text.\n",
        "pages/new-page.md": "---\ntitle: A page added\n---\nText.\n",
    })
    err = build(content, output, expect=1).err
    assert "threats/alpha-threat.md:3: 'trend'" in err
    assert checksums(output) == before
    assert leftovers(output) == []


def test_a_failed_real_process_leaves_the_output_as_it_was(built):
    content, output, before = built
    (content / "case-studies/alpha-case.md").write_text("---\ntitle: [broken\n---\n", encoding="utf-8")
    result = build(content, output, process=True, expect=1)
    assert "case-studies/alpha-case.md:2: YAML syntax error" in result.err
    assert "Traceback" not in result.err
    assert checksums(output) == before
    assert leftovers(output) == []


def test_a_template_error_while_rendering_changes_nothing(built):
    content, output, before = built
    write_files(content.parent / "templates", {
        "threat.html": '{% extends "base.html" %}\n{% block main %}\n{{ item.no_such_field.x }}\n{% endblock %}\n',
    })
    err = build(content, output, expect=1).err
    assert "threat.html:3: template error:" in err and "Traceback" not in err
    assert checksums(output) == before and leftovers(output) == []


def test_a_template_syntax_error_changes_nothing(built):
    content, output, before = built
    write_files(content.parent / "templates", {
        "list.html": '{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n',
    })
    assert "list.html:3: template error:" in build(content, output, expect=1).err
    assert checksums(output) == before and leftovers(output) == []


@pytest.mark.pdf
def test_a_pdf_that_cannot_be_made_changes_nothing(built):
    content, output, before = built
    base = (REPO / "templates/pdf/base.html").read_text(encoding="utf-8")
    write_files(content.parent / "templates/pdf", {
        "base.html": base.replace("<body>", '<body><img src="file:///etc/hostname" alt="x">'),
    })
    build(content, output, pdf=True, expect=1)
    assert checksums(output) == before and leftovers(output) == []


def test_a_full_disk_changes_nothing(built):
    content, output, before = built

    def small_files_only():
        # Writing past this size fails as a full disk would (Python ignores SIGXFSZ).
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    # On another day than the first build's, so that every file is written again (the fonts too).
    process = start_build(content, output, today="2016-01-16", preexec_fn=small_files_only)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "the output could not be written: File too large" in err and "Traceback" not in err
    assert checksums(output) == before and leftovers(output) == []


def _wait_for_staging(output: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if [p for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.build-")]:
            return
        time.sleep(0.02)
    raise AssertionError("the build never started writing")


@pytest.mark.pdf
def test_ctrl_c_changes_nothing(built):
    content, output, before = built
    process = start_build(content, output, pdf=True)  # with PDFs, so that there is time to press Ctrl-C
    _wait_for_staging(output, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert checksums(output) == before and leftovers(output) == []


# Ctrl-C pressed while nh3 is calling back into Python: nh3 prints the
# KeyboardInterrupt as "ignored" and carries on, which must not let the build finish.
_CTRL_C_INSIDE_NH3 = """
import os, signal, sys
import nh3
from builder.cli import main

clean = nh3.clean

def clean_pressing_ctrl_c(html, **options):
    keep = options["attribute_filter"]

    def filter_and_press(tag, attribute, value):
        os.kill(os.getpid(), signal.SIGINT)
        return keep(tag, attribute, value)

    return clean(html, **dict(options, attribute_filter=filter_and_press))

nh3.clean = clean_pressing_ctrl_c
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_swallowed_by_a_library_still_changes_nothing(built):
    content, output, before = built
    threat = content / "threats/alpha-threat.md"
    threat.write_text(threat.read_text() + "\n\nA [link](https://example.org/) to filter.\n")
    process = subprocess.run(
        [sys.executable, "-c", _CTRL_C_INSIDE_NH3, "build", "--content", str(content), "--output", str(output),
         "--no-pdf", "--jobs", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert "Exception ignored" in process.stderr, "the interrupt did not arrive inside nh3"
    assert process.returncode == 130, process.stderr
    assert "Stopped; the output folder is unchanged." in process.stderr
    assert checksums(output) == before and leftovers(output) == []


@pytest.mark.pdf
def test_a_killed_build_leaves_a_folder_the_next_build_removes(built):
    content, output, before = built
    process = start_build(content, output, pdf=True)
    _wait_for_staging(output, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert checksums(output) == before
    assert leftovers(output), "SIGKILL leaves the temporary folder behind"
    build(content, output)
    assert leftovers(output) == []


def test_a_successful_build_replaces_the_output_whole(built):
    content, output, _ = built
    assert (output / "pages/about.html").exists()
    assert (output / ".briefing-output").exists(), "the build marks the folder as its own"
    (content / "pages/about.md").unlink()
    write_files(content, {"pages/contact.md": "---\ntitle: Contact us\n---\nPhone.\n"})
    build(content, output)
    assert not (output / "pages/about.html").exists(), "a page of a removed item does not linger"
    assert "Contact us" in (output / "pages/contact.html").read_text(encoding="utf-8")
    assert leftovers(output) == []


def test_a_folder_the_build_did_not_make_is_never_replaced(copy_site, tmp_path):
    content = copy_site()
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "minutes.txt").write_text("keep me")
    assert "was not made by briefing" in build(content, precious, expect=1).err
    assert sorted(p.name for p in precious.iterdir()) == ["minutes.txt"]
    assert (precious / "minutes.txt").read_text() == "keep me"
    assert leftovers(precious) == []


def test_an_empty_folder_may_be_built_into(copy_site, tmp_path):
    content = copy_site()
    empty = tmp_path / "empty"
    empty.mkdir()
    build(content, empty)
    assert (empty / "index.html").exists()


def test_an_output_inside_the_content_folder_is_refused(copy_site, tmp_path):
    content = copy_site()
    before = checksums(content)
    for output in (content / "output", content / "assets/site", content, tmp_path):
        err = build(content, output, expect=1).err
        assert "must be outside the content folder" in err, output
        assert "Traceback" not in err
    assert checksums(content) == before


def test_check_writes_nothing(copy_site, tmp_path):
    content = copy_site()
    before = checksums(tmp_path)
    names = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    for profile in ("internal", "public"):
        code, _, err = cli("check", "--content", content, "--profile", profile)
        assert code == 0, err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == names
    assert checksums(tmp_path) == before


def test_check_in_a_real_process_creates_no_output_folder(copy_site, tmp_path):
    content = copy_site()
    result = run_process("check", "--content", content, cwd=tmp_path)
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content"]


def test_a_build_writes_nothing_into_the_content_folder(copy_site, tmp_path):
    content = copy_site()
    before = checksums(content)
    build(content, tmp_path / "output")
    build(content, tmp_path / "public", "--profile", "public")
    assert checksums(content) == before


def test_a_project_of_one_page_and_no_other_folders_builds(make_project, tmp_path):
    content = make_project({"pages/only.md": "---\ntitle: The only page\n---\nHello.\n"})
    assert sorted(p.name for p in content.iterdir()) == ["pages", "site.yaml"]
    build(content, tmp_path / "output")
    assert "The only page" in (tmp_path / "output/pages/only.html").read_text(encoding="utf-8")
    assert (tmp_path / "output/index.html").is_file()
