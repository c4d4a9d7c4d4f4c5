"""The record of issued packs (issued.yaml) read back field by field: a hand-edited
or merge-damaged record names its line and what to do (issue 23)."""

from __future__ import annotations

import pytest
from test_publication import ISSUED, edit, project

from conftest import build, cli, errors_only

pytestmark = pytest.mark.without_search

MEETING = "meetings/2015-09-02-board.yaml"
REMEDY = (f"restore the file from version control, or delete the entry of '{MEETING}' (line 6) so that the next "
          "build records its pack again as it stands")


@pytest.fixture
def recorded(make_project, tmp_path):
    content = project(make_project, meeting_extra=ISSUED)
    build(content, tmp_path / "out")
    return content


def check_errors(content) -> list[str]:
    run = cli("check", "--content", content, "--today", "2016-01-15")
    assert run.code == 1 and "Traceback" not in run.err
    return errors_only(run.err)


def test_the_record_as_written_reads_back(recorded):
    lines = (recorded / "issued.yaml").read_text().splitlines()
    assert lines[5:9] == [f'"{MEETING}":', '  - pack: "agenda"', '    file: "meetings/2015-09-02-board.pdf"',
                          '    issued: "2015-08-27"']
    assert cli("check", "--content", recorded, "--today", "2016-01-15").code == 0


@pytest.mark.parametrize("old, new, error", [
    ('cover: "', 'cover: "zz', "issued.yaml:10: 'cover' must be 16 characters 0-9 and a-f as the build wrote it, "
                                "not 'zz"),
    ('issued: "2015-08-27"', 'issued: "27/08/2015"', "issued.yaml:9: 'issued' must be a date written YYYY-MM-DD"),
    ('pack: "agenda"', 'pack: "extra"', "issued.yaml:7: 'pack' must be agenda, reissued or supplementary N, "
                                        "not 'extra'"),
    ('    cover:', '    colour:', "issued.yaml:10: 'colour' is not a field of a recorded pack"),
    ('      2:', '      two:', "issued.yaml:14: 'two' is not an agenda item's number"),
    ('"text": "', '"text": "0', "issued.yaml:18: the hash of item 2's text must be 16 characters"),
])
def test_a_damaged_field_names_its_line(recorded, old, new, error):
    edit(recorded, "issued.yaml", old, new)
    [line] = check_errors(recorded)
    assert line.startswith(error) and line.endswith(REMEDY), line


def test_every_damaged_pack_is_reported(recorded):
    edit(recorded, "issued.yaml", 'cover: "', 'cover: "zz')
    text = (recorded / "issued.yaml").read_text()
    edit(recorded, "issued.yaml", text, text + '  - pack: "reissued"\n    file: x.pdf\n    issued: 2015-08-30\n'
                                              '    cover: "0123456789abcdef"\n    items: {}\n')
    errors = check_errors(recorded)
    assert [e.split(": ")[0] for e in errors] == ["issued.yaml:10", "issued.yaml:19"]
    assert "pack 2 of the entry (reissued) has no 'reason'" in errors[1]


def test_merge_conflict_markers_are_named(recorded):
    text = (recorded / "issued.yaml").read_text()
    (recorded / "issued.yaml").write_text(text.replace('  - pack: "agenda"\n',
                                                       '<<<<<<< HEAD\n  - pack: "agenda"\n=======\n>>>>>>> other\n'))
    errors = check_errors(recorded)
    assert [e.split(": ")[0] for e in errors] == ["issued.yaml:7", "issued.yaml:9", "issued.yaml:10"]
    assert all("conflict marker" in e for e in errors)


def test_deleting_the_entry_records_the_pack_again(recorded, tmp_path):
    edit(recorded, "issued.yaml", 'cover: "', 'cover: "zz')
    build(recorded, tmp_path / "out", expect=1)
    text = (recorded / "issued.yaml").read_text()
    (recorded / "issued.yaml").write_text(text[:text.index(f'"{MEETING}"')])
    build(recorded, tmp_path / "out")
    assert 'pack: "agenda"' in (recorded / "issued.yaml").read_text()
    assert cli("check", "--content", recorded, "--today", "2016-01-15").code == 0


def test_a_record_that_is_not_a_mapping_is_an_error(make_project):
    content = project(make_project, meeting_extra=ISSUED, **{"issued.yaml": "- just a list\n"})
    [line] = check_errors(content)
    assert line.startswith("issued.yaml:1: the record of issued packs must list the packs of each meeting")
