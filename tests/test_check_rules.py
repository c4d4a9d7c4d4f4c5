"""`briefing check`: every rule of the content gives `path:line: message` at the
line of the offending key, all errors of a run together, warnings that do not
fail the run, and exit status 2 for wrong usage. Invalid projects are folders in
tests/sites_invalid/ (see its README.md)."""

from __future__ import annotations

import shutil

import pytest
from conftest import INVALID_SITES, SITES, problem_lines, run_process, write_files

CASES = sorted(p.name for p in INVALID_SITES.iterdir() if p.is_dir())


def expected_lines(case: str) -> list[str]:
    text = (INVALID_SITES / case / "expected.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def invalid_project(case: str, tmp_path):
    """tests/sites/minimal with the case's files laid over it."""
    content = tmp_path / "content"
    shutil.copytree(SITES / "minimal", content)
    source = INVALID_SITES / case
    for file in source.rglob("*"):
        if file.is_file() and file.name != "expected.txt":
            target = content / file.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    return content


def test_the_minimal_site_checks_clean(cli):
    code, out, err = cli("check", "--content", SITES / "minimal")
    assert code == 0, err
    assert err == ""
    assert "no errors" in out


def test_there_are_many_invalid_cases_each_with_expectations():
    assert len(CASES) >= 25
    for case in CASES:
        assert expected_lines(case), f"{case}/expected.txt lists no error"


@pytest.mark.parametrize("case", CASES)
def test_invalid_project_is_refused_with_every_error_at_its_line(case, tmp_path, cli):
    content = invalid_project(case, tmp_path)
    code, out, err = cli("check", "--content", content)
    assert code == 1, out + err
    assert "Traceback" not in err
    errors = [line for line in problem_lines(err) if ": warning: " not in line]
    for expected in expected_lines(case):
        assert any(line.startswith(expected) or expected in line for line in errors), \
            f"missing {expected!r} in:\n{err}"
    assert len(errors) == len(expected_lines(case)), f"expected exactly these errors:\n{err}"
    assert not (tmp_path / "output").exists()


def test_several_errors_in_several_files_are_all_reported_together(tmp_path, cli):
    content = shutil.copytree(SITES / "minimal", tmp_path / "content")
    write_files(content, {
        "threats/alpha-threat.md": "---\ntitle: Alpha threat\ntrend: up\nobjectives: [detect, dither]\n---\nText.\n",
        "case-studies/alpha-case.md": "---\ntitle: Alpha case\ndate: 2015-02-30\nthreats: [alpha-threat]\n---\n"
                                      "See [nothing](../pages/nothing.md).\n",
        "meetings/2015-09-02-board.yaml": "board: main-board\ndate: 2015-09-02\ntime: \"25:00\"\n",
        "pages/empty.md": "",
    })
    code, _, err = cli("check", "--content", content)
    assert code == 1
    errors = [line for line in problem_lines(err) if ": warning: " not in line]
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
    assert "6 errors" in err


def test_the_same_errors_stop_a_build_with_nothing_written(tmp_path, cli):
    content = invalid_project("unknown-references", tmp_path)
    code, _, err = cli("build", "--content", content, "--output", tmp_path / "output", "--no-pdf")
    assert code == 1
    assert len([line for line in problem_lines(err) if ": warning: " not in line]) == 7
    assert not (tmp_path / "output").exists()


def test_warnings_are_printed_but_do_not_fail_the_check(tmp_path, cli):
    content = shutil.copytree(SITES / "minimal", tmp_path / "content")
    write_files(content, {
        "case-studies/alpha-case.md": "---\ntitle: Alpha case\ndate: 2015-03-01\nthreets: [alpha-threat]\n"
                                      "colour: blue\n---\nText.\n",
    })
    code, out, err = cli("check", "--content", content)
    assert code == 0, err
    warnings = [line for line in problem_lines(err) if ": warning: " in line]
    assert len(warnings) == 2, err
    assert warnings[0].startswith("case-studies/alpha-case.md:4: warning: unknown field 'threets'")
    assert "(did you mean 'threats'?)" in warnings[0]
    assert warnings[1].startswith("case-studies/alpha-case.md:5: warning: unknown field 'colour'")
    assert "did you mean" not in warnings[1], "no suggestion when no field is near"
    assert "2 warning" in out


def test_warnings_are_shown_alongside_errors(tmp_path, cli):
    content = shutil.copytree(SITES / "minimal", tmp_path / "content")
    write_files(content, {
        "case-studies/alpha-case.md": "---\ntitle: Alpha case\ndate: 2015-30-01\nlesons: [x]\n---\nText.\n",
    })
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "case-studies/alpha-case.md:3: 'date'" in err
    assert "case-studies/alpha-case.md:4: warning: unknown field 'lesons'" in err
    assert "1 error:" in err, "a warning is not counted as an error"


def test_byte_order_mark_and_windows_line_endings_are_accepted(tmp_path, cli):
    content = shutil.copytree(SITES / "minimal", tmp_path / "content")
    threat = (content / "threats/alpha-threat.md").read_text(encoding="utf-8")
    write_files(content, {
        "threats/alpha-threat.md": "\ufeff" + threat.replace("\n", "\r\n"),
        "site.yaml": "\ufeff" + (content / "site.yaml").read_text(encoding="utf-8").replace("\n", "\r\n"),
        "meetings/2015-09-02-board.yaml": (content / "meetings/2015-09-02-board.yaml").read_text().replace("\n", "\r\n"),
    })
    assert (content / "threats/alpha-threat.md").read_bytes().startswith(b"\xef\xbb\xbf---\r\n")
    code, _, err = cli("check", "--content", content)
    assert code == 0, err
    assert err == ""
    code, _, err = cli("build", "--content", content, "--output", tmp_path / "output", "--no-pdf", "--quiet")
    assert code == 0, err
    page = (tmp_path / "output/threats/alpha-threat.html").read_text(encoding="utf-8")
    assert "Alpha threat" in page and "\ufeff" not in page and "\r" not in page.split("<main", 1)[1]


def test_line_numbers_count_the_byte_order_mark_and_windows_lines_correctly(tmp_path, cli):
    content = shutil.copytree(SITES / "minimal", tmp_path / "content")
    write_files(content, {
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
    ["check", "--today", "tomorrow"],
    ["publish"],
    [],
])
def test_wrong_usage_exits_with_status_two(args, cli):
    code, _, err = cli(*args)
    assert code == 2
    assert "usage:" in err


def test_a_real_process_gives_exit_statuses_and_never_a_traceback(tmp_path):
    bad = invalid_project("wrong-type", tmp_path)
    result = run_process("check", "--content", bad)
    assert result.code == 1
    assert "threats/alpha-threat.md:2: 'title' must be text" in result.err
    assert "Traceback" not in result.err

    result = run_process("build", "--content", bad, "--output", tmp_path / "output", "--no-pdf")
    assert result.code == 1 and "Traceback" not in result.err
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
