"""Every bad input is refused clearly: one table of malformed projects, each with the
exit status and the `path:line: message` it must give (and never a traceback)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main
from conftest import write_files

SITE = """\
title: Test site
organisation: Test Partnership
classification: OFFICIAL
boards:
  board: {name: Test Board}
groups:
  prevent: {name: Prevent Group}
implications: [Financial, Legal]
"""
FACTS = "- {id: fact-one, value: \"60%\", label: A figure, source: A source, year: 2015}\n"
THREAT = "---\ntitle: A threat\ntrend: rising\nobjectives: [detect]\nfacts: [fact-one]\n---\nText.\n"
CASE = "---\ntitle: A case\ndate: 2015-01-01\nthreats: [a-threat]\nlessons: [One lesson]\n---\nText.\n"
SPOTLIGHT = """\
---
title: A spotlight
date: 2015-02-01
board: board
presenters:
  - {name: A Person, organisation: Police Scotland}
actions:
  - action: Do a thing
    owner: prevent
    due: 2015-06-01
    status: open
---
Notes.
"""
REPORT = """\
---
title: A paper
to: board
on: 2015-09-02
report_by: Director
author: {name: An Officer, role: Manager}
appendices: [case-studies/a-case]
implications: {Financial: Some cost.}
---
## Summary

A paragraph.
"""
MEETING = "board: board\ndate: 2015-09-02\ntime: \"10:00\"\nvenue: Room 1\nitems:\n  - title: Apologies\n  - report: a-paper\n"
BASE = {
    "site.yaml": SITE,
    "facts.yaml": FACTS,
    "threats/a-threat.md": THREAT,
    "case-studies/a-case.md": CASE,
    "spotlights/a-spotlight.md": SPOTLIGHT,
    "reports/a-paper.md": REPORT,
    "meetings/a-meeting.yaml": MEETING,
    "pages/about.md": "---\ntitle: About\n---\nSee [the threat](../threats/a-threat.md).\n",
}


def edit(path: str, old: str, new: str):
    def change(files: dict) -> None:
        assert old in files[path], (path, old)
        files[path] = files[path].replace(old, new, 1)
    return change


def put(path: str, text):
    def change(files: dict) -> None:
        files[path] = text
    return change


def drop(path: str):
    def change(files: dict) -> None:
        del files[path]
    return change


# (name, change, exit status, expected text in stderr)
CASES = [
    ("site.yaml missing", drop("site.yaml"), 1, "site.yaml: missing: every project needs a site.yaml"),
    ("site.yaml syntax", edit("site.yaml", "title: Test site", "title: [Test site"), 1, "site.yaml:1: YAML syntax error"),
    ("site title missing", edit("site.yaml", "title: Test site\n", ""), 1, "site.yaml:1: 'title' is missing"),
    ("site marking secret", edit("site.yaml", "classification: OFFICIAL", "classification: SECRET"), 1,
     "site.yaml:3: 'classification' 'SECRET' is above OFFICIAL"),
    ("boards not a mapping", edit("site.yaml", "  board: {name: Test Board}", "  - board"), 1,
     "site.yaml:4: 'boards' must be a group of fields"),
    ("site unknown field", edit("site.yaml", "organisation:", "organisaton:"), 0,
     "site.yaml:2: warning: unknown field 'organisaton' in site.yaml (did you mean 'organisation'?)"),
    ("facts not a list", put("facts.yaml", "fact-one: 60%\n"), 1, "facts.yaml:1: facts.yaml must be a list of facts"),
    ("fact id twice", put("facts.yaml", FACTS + FACTS), 1, "facts.yaml:2: fact id 'fact-one' is used twice (first on line 1)"),
    ("fact value missing", put("facts.yaml", "- {id: fact-one, label: x, source: y}\n"), 1, "facts.yaml:1: 'value' is missing"),
    ("fact year not a number", edit("facts.yaml", "year: 2015", "year: last year"), 1,
     "facts.yaml:1: 'year' must be a whole number from 1900 to 2100"),
    ("unknown trend", edit("threats/a-threat.md", "trend: rising", "trend: going-up"), 1,
     "threats/a-threat.md:3: 'trend' must be one of: rising, falling, stable, uncertain; not 'going-up'"),
    ("unknown objective", edit("threats/a-threat.md", "[detect]", "[detect, distract]"), 1,
     "threats/a-threat.md:4: an entry of 'objectives' must be one of: divert, deter, detect, disrupt; not 'distract' (did you mean 'disrupt'?)"),
    ("unknown fact", edit("threats/a-threat.md", "facts: [fact-one]", "facts: [fact-two]"), 1,
     "threats/a-threat.md:5: an entry of 'facts' names fact 'fact-two', which is not in facts.yaml (did you mean 'fact-one'?)"),
    ("title missing", edit("threats/a-threat.md", "title: A threat\n", ""), 1, "threats/a-threat.md:2: 'title' is missing"),
    ("title empty", edit("threats/a-threat.md", "title: A threat", "title:"), 1, "threats/a-threat.md:2: 'title' is empty"),
    ("title a list", edit("threats/a-threat.md", "title: A threat", "title: [A, threat]"), 1,
     "threats/a-threat.md:2: 'title' must be text, not a list"),
    ("draft yes", edit("threats/a-threat.md", "trend: rising", "trend: rising\ndraft: yes"), 1,
     "threats/a-threat.md:4: 'draft' must be true or false, not 'yes'"),
    ("impossible date", edit("threats/a-threat.md", "trend: rising", "trend: rising\nreview_by: 2015-02-30"), 1,
     "threats/a-threat.md:4: 'review_by' '2015-02-30' is not a date that exists"),
    ("date not ISO", edit("threats/a-threat.md", "trend: rising", "trend: rising\nupdated: 15/09/2015"), 1,
     "threats/a-threat.md:4: 'updated' must be a date written YYYY-MM-DD"),
    ("unknown owner", edit("threats/a-threat.md", "trend: rising", "trend: rising\nowner: integrity"), 1,
     "threats/a-threat.md:4: 'owner' names group 'integrity', which is not in site.yaml 'groups'"),
    ("top secret", edit("threats/a-threat.md", "trend: rising", "trend: rising\nclassification: TOP SECRET"), 1,
     "threats/a-threat.md:4: 'classification' 'TOP SECRET' is above OFFICIAL"),
    ("unknown marking", edit("threats/a-threat.md", "trend: rising", "trend: rising\nclassification: RESTRICTED"), 1,
     "threats/a-threat.md:4: 'classification' must be OFFICIAL or OFFICIAL-SENSITIVE"),
    ("typo in a field name", edit("case-studies/a-case.md", "threats:", "threets:"), 0,
     "case-studies/a-case.md:4: warning: unknown field 'threets' in a case-study (did you mean 'threats'?)"),
    ("unknown threat", edit("case-studies/a-case.md", "[a-threat]", "[a-thret]"), 1,
     "case-studies/a-case.md:4: 'threats' names 'a-thret', but there is no threats/a-thret.md (did you mean 'a-threat'?)"),
    ("lessons a mapping", edit("case-studies/a-case.md", "lessons: [One lesson]", "lessons: {one: lesson}"), 1,
     "case-studies/a-case.md:5: 'lessons' must be a list"),
    ("duplicate key", edit("case-studies/a-case.md", "date: 2015-01-01", "date: 2015-01-01\ndate: 2015-01-02"), 1,
     "case-studies/a-case.md:4: \"date\" is given twice (first on line 3)"),
    ("action status", edit("spotlights/a-spotlight.md", "status: open", "status: started"), 1,
     "spotlights/a-spotlight.md:11: 'status' must be one of: open, in-progress, done, blocked"),
    ("action due missing", edit("spotlights/a-spotlight.md", "    due: 2015-06-01\n", ""), 1,
     "spotlights/a-spotlight.md:8: 'due' is missing: an action needs 'due: ...'"),
    ("action owner", edit("spotlights/a-spotlight.md", "owner: prevent", "owner: police"), 1,
     "spotlights/a-spotlight.md:9: 'owner' names group 'police'"),
    ("presenter not a mapping", edit("spotlights/a-spotlight.md", "  - {name: A Person, organisation: Police Scotland}", "  - A Person"), 1,
     "spotlights/a-spotlight.md:6: an entry of 'presenters' must be a group of fields"),
    ("unknown board", edit("spotlights/a-spotlight.md", "board: board", "board: bored"), 1,
     "spotlights/a-spotlight.md:4: 'board' names board 'bored', which is not in site.yaml 'boards' (did you mean 'board'?)"),
    ("report without to", edit("reports/a-paper.md", "to: board\n", ""), 1, "reports/a-paper.md:2: 'to' is missing"),
    ("report without on", edit("reports/a-paper.md", "on: 2015-09-02\n", ""), 1, "reports/a-paper.md:2: 'on' is missing"),
    ("exempt out of range", edit("reports/a-paper.md", "to: board", "to: board\nexempt: 16"), 1,
     "reports/a-paper.md:4: 'exempt' must be a whole number from 1 to 15"),
    ("unknown implication", edit("reports/a-paper.md", "{Financial: Some cost.}", "{Finance: Some cost.}"), 1,
     "reports/a-paper.md:8: implication 'Finance' is not one of the headings in site.yaml 'implications' (did you mean 'Financial'?)"),
    ("missing appendix", edit("reports/a-paper.md", "[case-studies/a-case]", "[case-studies/no-case]"), 1,
     "reports/a-paper.md:7: appendix 'case-studies/no-case' is not an item of this project"),
    ("author not a mapping", edit("reports/a-paper.md", "author: {name: An Officer, role: Manager}", "author: An Officer"), 1,
     "reports/a-paper.md:6: 'author' must be a group of fields"),
    ("bad time", edit("meetings/a-meeting.yaml", '"10:00"', '"25:00"'), 1,
     "meetings/a-meeting.yaml:3: 'time' must be a time written HH:MM"),
    ("unknown report on agenda", edit("meetings/a-meeting.yaml", "report: a-paper", "report: a-papr"), 1,
     "meetings/a-meeting.yaml:7: 'report' names 'a-papr', but there is no reports/a-papr.md (did you mean 'a-paper'?)"),
    ("meeting is a list", put("meetings/a-meeting.yaml", "- board\n- date\n"), 1,
     "meetings/a-meeting.yaml:1: a meeting file must be fields"),
    ("empty file", put("threats/empty.md", ""), 1, "threats/empty.md:1: the file is empty"),
    ("binary file", put("threats/binary.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR"), 1,
     "threats/binary.md:1: this is a binary file, not text"),
    ("not UTF-8", put("threats/latin.md", "---\ntitle: Caf\xe9\n---\n".encode("latin-1")), 1,
     "threats/latin.md:2: the file is not UTF-8 text (byte 0xe9); save it with UTF-8 encoding"),
    ("byte-order mark accepted", put("threats/bom.md", "\ufeff" + THREAT), 0, "items checked, no errors"),
    ("windows line endings accepted", put("threats/crlf.md", THREAT.replace("\n", "\r\n")), 0, "items checked, no errors"),
    ("front matter never closed", put("threats/open.md", "---\ntitle: Open\ntrend: rising\n"), 1,
     "threats/open.md:1: the front matter that starts here is never closed"),
    ("no front matter", put("threats/plain.md", "# Just a heading\n"), 1, "threats/plain.md:1: the file must start with a line '---'"),
    ("front matter a list", put("threats/list.md", "---\n- title\n---\nText.\n"), 1,
     "threats/list.md:2: the front matter must be fields written 'name: value'"),
    ("enormous file", put("pages/huge.md", "---\ntitle: Huge\n---\n" + "word " * 600_000), 1,
     "pages/huge.md:1: the file is 2.9 MB; a content file may be at most 2 MB"),
    ("bad file name", put("threats/Cyber Crime.md", THREAT), 1,
     "threats/Cyber Crime.md: the file name is the item's id and web address: rename it to 'cyber-crime.md'"),
    ("link to a missing file", edit("pages/about.md", "../threats/a-threat.md", "../threats/a-thret.md"), 1,
     "pages/about.md:4: the link points to threats/a-thret.md, which does not exist"),
    ("image outside assets", edit("pages/about.md", "See", "![x](../threats/a-threat.md) See"), 1,
     "pages/about.md:4: the image '../threats/a-threat.md' must be a file under assets/"),
    ("link leaving the content folder", edit("pages/about.md", "See", "[x](../../secret.md) See"), 1,
     "pages/about.md:4: the link '../../secret.md' leaves the content folder"),
    ("missing image", edit("pages/about.md", "See", "![x](../assets/none.png) See"), 1,
     "pages/about.md:4: '../assets/none.png' points to assets/none.png, which does not exist"),
    ("chart of an unknown fact", edit("pages/about.md", "See", "::: chart facts fact-nine\n\nSee"), 1,
     "pages/about.md:4: the chart names fact 'fact-nine'"),
]


def write(root: Path, files: dict) -> Path:
    content = root / "content"
    write_files(content, files)
    return content


def test_the_base_project_is_valid(tmp_path, capsys):
    assert main(["check", "--content", str(write(tmp_path, BASE))]) == 0
    assert capsys.readouterr().err == ""


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({name for name, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize("name, change, status, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_clearly(tmp_path, capsys, name, change, status, expected):
    files = dict(BASE)
    change(files)
    content = write(tmp_path, files)
    assert main(["check", "--content", str(content)]) == status
    out, err = capsys.readouterr()
    assert expected in out + err
    assert "Traceback" not in err
    if status == 1:
        assert "nothing was written" in err


def test_several_errors_are_reported_together(tmp_path, capsys):
    files = dict(BASE)
    for change in (c[1] for c in CASES if c[0] in ("unknown trend", "action status", "bad time", "unknown board")):
        change(files)
    assert main(["check", "--content", str(write(tmp_path, files))]) == 1
    err = capsys.readouterr().err
    assert "4 errors: nothing was written" in err
    assert [line.split(":")[0] for line in err.splitlines()[:4]] == [
        "meetings/a-meeting.yaml", "spotlights/a-spotlight.md", "spotlights/a-spotlight.md", "threats/a-threat.md"]


def test_the_command_itself_never_shows_a_traceback(tmp_path):
    files = dict(BASE)
    for name, change, _, _ in CASES:
        if name in ("unknown trend", "action status", "bad time", "empty file", "not UTF-8", "duplicate key"):
            change(files)
    content = write(tmp_path, files)
    result = subprocess.run([sys.executable, "-m", "builder", "build", "--content", str(content),
                             "--output", str(tmp_path / "output")], capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.strip()
    assert not (tmp_path / "output").exists()


@pytest.mark.parametrize("args", [["build", "--profile", "secret"], ["build", "--today", "2015-13-01"],
                                  ["build", "--jobs", "0"], ["frobnicate"], ["new", "memo", "Title"], []])
def test_wrong_usage_exits_with_status_two(args, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
