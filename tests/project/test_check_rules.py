"""`briefing check`: every rule of the content gives `path:line: message` at the
line of the offending key, all errors of a run together, warnings that do not
fail the run, and exit status 2 for wrong usage. Every invalid project is a
folder in tests/sites_invalid/ with the messages it must give (see its README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (INVALID_SITES, SITES, build, cli, copy_project, errors_only, problem_lines, run_process,
                      write_files)

pytestmark = pytest.mark.without_search

CASES = sorted(p.name for p in INVALID_SITES.iterdir() if p.is_dir())


def expected_lines(case: str) -> list[str]:
    text = (INVALID_SITES / case / "expected.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def invalid_project(tmp_path: Path, *cases: str) -> Path:
    """tests/sites/minimal with each case's files laid over it (and the files
    its removed.txt names taken away)."""
    content = copy_project("minimal", tmp_path)
    for case in cases:
        source = INVALID_SITES / case
        for file in sorted(source.rglob("*")):
            if file.name == "removed.txt":
                for name in file.read_text(encoding="utf-8").split():
                    (content / name).unlink()
            elif file.is_file() and file.name != "expected.txt":
                write_files(content, {file.relative_to(source).as_posix(): file.read_bytes()})
    return content


def test_the_minimal_site_checks_clean():
    code, out, err = cli("check", "--content", SITES / "minimal")
    assert code == 0, err
    assert err == ""
    assert "no errors" in out


def test_there_are_many_invalid_cases_each_with_expectations():
    assert len(CASES) >= 40
    for case in CASES:
        assert expected_lines(case), f"{case}/expected.txt lists no error"


@pytest.mark.parametrize("case", CASES)
def test_invalid_project_is_refused_with_every_error_at_its_line(case, tmp_path):
    content = invalid_project(tmp_path, case)
    code, out, err = cli("check", "--content", content)
    assert code == 1, out + err
    assert "Traceback" not in err
    assert "nothing was written" in err
    errors = errors_only(err)
    for expected in expected_lines(case):
        assert any(line.startswith(expected) or expected in line for line in errors), \
            f"missing {expected!r} in:\n{err}"
    assert len(errors) == len(expected_lines(case)), f"expected exactly these errors:\n{err}"
    assert not (tmp_path / "output").exists()


def test_a_file_too_large_is_refused(copy_site):
    # Made here rather than kept in tests/sites_invalid/: it is 3 MB.
    content = copy_site(overlay={"pages/huge.md": "---\ntitle: Huge\n---\n" + "word " * 600_000})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "pages/huge.md:1: the file is 2.9 MB; a content file may be at most 2 MB" in err
    assert len(errors_only(err)) == 1 and "nothing was written" in err


def test_several_errors_in_several_files_are_all_reported_together(copy_site):
    content = copy_site(overlay={
        "threats/alpha-threat.md": "---\ntitle: Alpha threat\ntrend: up\nobjectives: [detect, dither]\n---\nText.\n",
        "case-studies/alpha-case.md": "---\ntitle: Alpha case\ndate: 2015-02-30\nthreats: [alpha-threat]\n---\n"
                                      "See [nothing](../pages/nothing.md).\n",
        "meetings/2015-09-02-board.yaml": "board: main-board\ndate: 2015-09-02\ntime: \"25:00\"\n",
        "pages/empty.md": "",
    })
    code, _, err = cli("check", "--content", content)
    assert code == 1
    errors = errors_only(err)
    assert sorted(errors) == errors, "problems are listed in file and line order"
    starts = [line.split(": ", 1)[0] for line in errors]
    assert starts == [
        "case-studies/alpha-case.md:3",
        "case-studies/alpha-case.md:6",
        "meetings/2015-09-02-board.yaml:3",
        "pages/empty.md:1",
        "threats/alpha-threat.md:3",
        "threats/alpha-threat.md:4",
    ]
    assert "6 errors: nothing was written" in err


def test_the_same_errors_stop_a_build_with_nothing_written(tmp_path):
    content = invalid_project(tmp_path, "unknown-references")
    err = build(content, tmp_path / "output", expect=1).err
    assert len(errors_only(err)) == len(expected_lines("unknown-references"))
    assert not (tmp_path / "output").exists()


def test_warnings_are_printed_but_do_not_fail_the_check(copy_site):
    content = copy_site(overlay={
        "case-studies/alpha-case.md": "---\ntitle: Alpha case\ndate: 2015-03-01\nreview_by: 2015-06-30\n---\nText.\n",
        "threats/alpha-threat.md": "---\ntitle: Alpha threat\nreview_by: 2015-07-31\n---\nText.\n",
    })
    code, out, err = cli("check", "--content", content, "--today", "2016-01-15")
    assert code == 0, err
    warnings = [line for line in problem_lines(err) if ": warning: " in line]
    assert [w.split(" warning: ")[0] for w in warnings] == ["case-studies/alpha-case.md:4:", "threats/alpha-threat.md:3:"]
    assert all("due for review since" in w for w in warnings)
    assert "2 warning" in out


def test_misspelt_fields_are_errors_with_a_suggestion(copy_site):
    site = (SITES / "minimal/site.yaml").read_text(encoding="utf-8")
    content = copy_site(overlay={
        "case-studies/alpha-case.md": "---\ntitle: Alpha case\ndate: 2015-03-01\nthreets: [alpha-threat]\n"
                                      "colour: blue\n---\nText.\n",
        "site.yaml": site.replace("organisation:", "organisaton:"),
    })
    code, _, err = cli("check", "--content", content)
    assert code == 1
    errors = errors_only(err)
    assert len(errors) == 3, err
    assert errors[0].startswith("case-studies/alpha-case.md:4: unknown field 'threets'")
    assert "(did you mean 'threats'?)" in errors[0]
    assert errors[1].startswith("case-studies/alpha-case.md:5: unknown field 'colour'")
    assert "did you mean" not in errors[1], "no suggestion when no field is near"
    assert errors[2].startswith("site.yaml:2: unknown field 'organisaton' in site.yaml (did you mean 'organisation'?)")


def test_warnings_are_shown_alongside_errors(copy_site):
    content = copy_site(overlay={
        "case-studies/alpha-case.md": "---\ntitle: Alpha case\ndate: 2015-30-01\n---\nText.\n",
        "spotlights/alpha-spotlight.md": "---\ntitle: S\ndate: 2015-06-10\nactions:\n  - action: Run a session\n"
                                         "    owner: prevent\n    due: 2015-12-31\n    status: open\n"
                                         "    history:\n      - {date: 2015-07-01, status: done}\n---\nNotes.\n",
    })
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "case-studies/alpha-case.md:3: 'date'" in err
    assert "spotlights/alpha-spotlight.md:8: warning: the status is 'open' but the latest history entry" in err
    assert "1 error:" in err, "a warning is not counted as an error"


def test_byte_order_mark_and_windows_line_endings_are_accepted(copy_site, tmp_path):
    minimal = SITES / "minimal"
    threat = (minimal / "threats/alpha-threat.md").read_text(encoding="utf-8")
    content = copy_site(overlay={
        "threats/alpha-threat.md": "\ufeff" + threat.replace("\n", "\r\n"),
        "site.yaml": "\ufeff" + (minimal / "site.yaml").read_text(encoding="utf-8").replace("\n", "\r\n"),
        "meetings/2015-09-02-board.yaml":
            (minimal / "meetings/2015-09-02-board.yaml").read_text(encoding="utf-8").replace("\n", "\r\n"),
    })
    assert (content / "threats/alpha-threat.md").read_bytes().startswith(b"\xef\xbb\xbf---\r\n")
    code, _, err = cli("check", "--content", content)
    assert code == 0, err
    assert err == ""
    build(content, tmp_path / "output")
    page = (tmp_path / "output/threats/alpha-threat.html").read_text(encoding="utf-8")
    assert "Alpha threat" in page and "\ufeff" not in page and "\r" not in page.split("<main", 1)[1]


def test_line_numbers_count_the_byte_order_mark_and_windows_lines_correctly(copy_site):
    content = copy_site(overlay={
        "threats/alpha-threat.md": "\ufeff---\r\ntitle: Alpha threat\r\nsummary: x\r\ntrend: sideways\r\n---\r\n"
                                   "Text.\r\n\r\n[gone](../pages/gone.md)\r\n",
    })
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "threats/alpha-threat.md:4: 'trend'" in err
    assert "threats/alpha-threat.md:8: the link points to pages/gone.md" in err


@pytest.mark.parametrize("args", [
    ["build", "--frobnicate"],
    ["check", "--profile", "secret"],
    ["build", "--profile", "everyone"],
    ["build", "--today", "15/01/2016"],
    ["build", "--today", "2016-02-30"],
    ["build", "--today", "2015-13-01"],
    ["check", "--today", "tomorrow"],
    ["build", "--jobs", "0"],
    ["new", "memo", "Title"],
    ["publish"],
    [],
])
def test_wrong_usage_exits_with_status_two(args):
    code, _, err = cli(*args)
    assert code == 2
    assert "usage:" in err


def test_a_real_process_gives_exit_statuses_and_never_a_traceback(tmp_path):
    bad = invalid_project(tmp_path, "wrong-type")
    result = run_process("check", "--content", bad)
    assert result.code == 1
    assert "threats/alpha-threat.md:2: 'title' must be text" in result.err
    assert "Traceback" not in result.err

    result = build(bad, tmp_path / "output", process=True, expect=1)
    assert "Traceback" not in result.err
    assert not (tmp_path / "output").exists()

    result = run_process("build", "--profile", "secret")
    assert result.code == 2 and "Traceback" not in result.err and "invalid choice" in result.err

    result = run_process("check", "--today", "2016-13-01")
    assert result.code == 2 and "Traceback" not in result.err

    result = run_process("check", "--content", tmp_path / "no-such-folder")
    assert result.code == 1 and "Traceback" not in result.err
    assert "no-such-folder" in result.err

    result = run_process("check", "--content", SITES / "minimal")
    assert result.code == 0 and "Traceback" not in result.err


def test_a_real_process_given_many_kinds_of_broken_file_shows_no_traceback(tmp_path):
    cases = ("empty-file", "non-utf8", "binary-file", "duplicate-key", "unknown-trend", "unknown-status",
             "time-not-hhmm", "front-matter-never-closed")
    content = invalid_project(tmp_path, *cases)
    result = build(content, tmp_path / "output", pdf=True, process=True, expect=1)
    assert "Traceback" not in result.err
    assert len(errors_only(result.err)) == sum(len(expected_lines(case)) for case in cases)
    assert not (tmp_path / "output").exists()
