"""Adversarial review of publication control (issue 23): issued packs, the record
of them, supplementary packs, and what a failed run must leave alone."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import SITES, build, checksums, cli, errors_only, everything_readable, pdf_text, run_process

TODAY = "2016-04-01"


def minutes_project(tmp_path, issued: dict[str, str] | None = None):
    content = tmp_path / "content"
    shutil.copytree(SITES / "minutes", content)
    for meeting, date in (issued or {}).items():
        path = content / f"meetings/{meeting}.yaml"
        path.write_text(path.read_text().replace("venue: Committee Room 1\n",
                                                 f"venue: Committee Room 1\nissued: {date}\n"))
    return content


def edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def test_editing_minutes_bound_into_an_issued_pack_fails_the_build(tmp_path):
    content = minutes_project(tmp_path, {"2015-12-02-board": "2015-11-25"})
    build(content, tmp_path / "out", pdf=True, today=TODAY)
    edit(content / "minutes/2015-09-02-board.yaml", "DECIDEDOPEN amendments", "DECIDEDOPEN SNEAKY amendments")
    run = build(content, tmp_path / "out", pdf=True, today=TODAY, expect=None)
    assert "SNEAKY" not in pdf_text(tmp_path / "out/meetings/2015-12-02-board.pdf")
    assert run.code == 1 and any("meetings/2015-12-02-board.yaml" in line for line in errors_only(run.err))


def test_an_edit_to_an_exempt_paper_in_an_issued_pack_fails_in_either_profile(tmp_path):
    content = minutes_project(tmp_path, {"2015-09-02-board": "2015-08-26"})
    build(content, tmp_path / "first", "--profile", "public", today=TODAY)
    edit(content / "reports/exempt-paper.md", "Body text", "Changed body text")
    for profile in ("public", "internal"):
        run = build(content, tmp_path / profile, "--profile", profile, today=TODAY, expect=1)
        assert any("item 3 of the agenda pack issued on 2015-08-26" in line for line in errors_only(run.err))


@pytest.mark.parametrize("first, second", [("public", "internal"), ("internal", "public")])
def test_the_record_of_an_issued_pack_is_the_same_whichever_profile_writes_it(tmp_path, first, second):
    content = minutes_project(tmp_path, {"2015-09-02-board": "2015-08-26"})
    for name, extra in (("sens-paper", "classification: OFFICIAL-SENSITIVE\n"),
                        ("future-paper", "publish_from: 2099-01-01\n"), ("draft-paper", "draft: true\n")):
        (content / f"reports/{name}.md").write_text(
            f"---\ntitle: Paper {name}\n{extra}to: main-board\non: 2015-09-02\n---\nText.\n")
        edit(content / "meetings/2015-09-02-board.yaml", "  - title: Any other business\n",
             f"  - title: Any other business\n  - report: {name}\n    urgent_reason: Urgent.\n")
    build(content, tmp_path / "a", "--profile", first, today=TODAY)
    record = (content / "issued.yaml").read_text()
    build(content, tmp_path / "b", "--profile", second, pdf=True, today=TODAY)
    assert (content / "issued.yaml").read_text() == record


def test_a_failed_build_or_a_check_writes_no_record_and_leaves_the_release_manifest(tmp_path):
    content = minutes_project(tmp_path)
    out = tmp_path / "out"
    build(content, out, "--profile", "public", today=TODAY)
    release = checksums(tmp_path / "out.release")
    edit(content / "meetings/2015-12-02-board.yaml", "venue: Committee Room 1\n",
         "venue: Committee Room 1\nissued: 2015-11-25\n")
    (content / "minutes/2016-03-02-board.yaml").write_text("decisions:\n  9:\n    outcome: noted\n")
    assert cli("check", "--content", content, "--today", TODAY).code == 1
    build(content, out, "--profile", "public", today=TODAY, expect=1)
    assert not (content / "issued.yaml").exists()
    assert checksums(tmp_path / "out.release") == release


def test_a_supplementary_pack_without_an_issued_pack_is_a_content_error_at_its_line(tmp_path):
    content = minutes_project(tmp_path)
    path = content / "meetings/2015-09-02-board.yaml"
    path.write_text(path.read_text() + "supplementary:\n  - issued: 2015-08-30\n    items: [2]\n")
    run = build(content, tmp_path / "out", pdf=True, today=TODAY, expect=1)
    assert errors_only(run.err) and all(line.startswith("meetings/2015-09-02-board.yaml:")
                                        for line in errors_only(run.err))


def test_a_supplementary_pack_issued_before_the_agenda_pack_is_refused(tmp_path):
    content = minutes_project(tmp_path)
    path = content / "meetings/2015-09-02-board.yaml"
    path.write_text(path.read_text() + "issued: 2015-08-25\nsupplementary:\n  - issued: 2015-08-20\n    items: [2]\n")
    run = cli("check", "--content", content, "--today", TODAY)
    assert run.code == 1 and "supplementary" in run.err


def test_papers_due_after_their_meeting_are_refused_or_warned_about(tmp_path):
    content = minutes_project(tmp_path)
    path = content / "meetings/2015-09-02-board.yaml"
    path.write_text(path.read_text() + "publish_by: 2015-10-01\n")
    run = cli("check", "--content", content, "--today", TODAY)
    assert "publish_by" in run.err


BAD_INPUTS = [
    ("reports/open-paper.md", "report_by:", "appendices:\n  - {item: case-studies/x, exempt: abc}\nreport_by:",
     "reports/open-paper.md:7: 'exempt' must be a whole number"),
    ("reports/open-paper.md", "report_by:", "appendices:\n  - {exempt: 3}\nreport_by:",
     "reports/open-paper.md:7: an appendix names one 'item'"),
    ("reports/open-paper.md", "report_by:", "publish_from: soon\nreport_by:",
     "reports/open-paper.md:6: 'publish_from' must be a date"),
    ("meetings/2015-09-02-board.yaml", "  - report: open-paper\n", "  - report: open-paper\n    added: yesterday\n",
     "meetings/2015-09-02-board.yaml:8: 'added' must be a date"),
    ("meetings/2015-09-02-board.yaml", "  - report: open-paper\n",
     "  - report: open-paper\n    urgent_reason: ''\n", "meetings/2015-09-02-board.yaml:8: 'urgent_reason' is empty"),
    ("meetings/2015-09-02-board.yaml", "venue: Committee Room 1\n",
     "venue: Committee Room 1\nissued: 2015-08-25\nsupplementary:\n  - issued: 2015-08-30\n    items: [0]\n",
     "meetings/2015-09-02-board.yaml:8: an entry of 'items' must be a whole number"),
    ("minutes/2015-09-02-board.yaml", "decisions:\n  1:\n    outcome: noted\n",
     "decisions:\n  1: noted\n", "minutes/2015-09-02-board.yaml:"),
    ("minutes/2015-09-02-board.yaml", "    item: 2\n", "    item: 2.5\n",
     "minutes/2015-09-02-board.yaml:14: 'item' must be a whole number"),
]


@pytest.mark.parametrize("path, old, new, message", BAD_INPUTS)
def test_bad_values_of_the_new_fields_are_one_line_each_at_their_place(tmp_path, path, old, new, message):
    content = minutes_project(tmp_path)
    edit(content / path, old, new)
    (content / "issued.yaml").unlink(missing_ok=True)
    run = cli("check", "--content", content, "--today", TODAY)
    assert run.code == 1 and "Traceback" not in run.err
    assert any(line.startswith(message) for line in errors_only(run.err)), run.err


@pytest.mark.parametrize("record", ["- a\n", "a: [\n", "meetings/x.yaml: {pack: 1}\n", "\x00\x01"])
def test_a_damaged_record_of_issued_packs_is_one_line_saying_what_to_do(tmp_path, record):
    content = minutes_project(tmp_path)
    (content / "issued.yaml").write_text(record)
    run = cli("check", "--content", content, "--today", TODAY)
    assert run.code == 1 and "Traceback" not in run.err
    assert [line for line in errors_only(run.err) if line.startswith("issued.yaml")]


@pytest.mark.parametrize("manifest", ["{", "[]", '{"files": 5}', ""])
def test_diff_release_on_an_unreadable_manifest_says_what_to_do(tmp_path, manifest):
    content = minutes_project(tmp_path)
    build(content, tmp_path / "out", "--profile", "public", today=TODAY)
    (tmp_path / "out.release/release.json").write_text(manifest)
    run = run_process("diff-release", "--output", tmp_path / "out")
    assert "Traceback" not in run.err and "release.json" in run.err


def test_diff_release_on_a_manifest_of_the_wrong_shape_is_one_line(tmp_path):
    content = minutes_project(tmp_path)
    build(content, tmp_path / "out", "--profile", "public", today=TODAY)
    (tmp_path / "out.release/release.json").write_text('{"files": {"a": 5}, "changes": 3}')
    run = run_process("diff-release", "--output", tmp_path / "out")
    assert "Traceback" not in run.err and run.code == 1


def test_a_public_build_writes_a_damaged_manifest_again(tmp_path):
    content = minutes_project(tmp_path)
    build(content, tmp_path / "out", "--profile", "public", today=TODAY)
    (tmp_path / "out.release/release.json").write_text('{"files": {"a": 5}, "changes": 3}')
    build(content, tmp_path / "out", "--profile", "public", today=TODAY)
    assert isinstance(json.loads((tmp_path / "out.release/release.json").read_text())["changes"], dict)


def test_nothing_private_is_written_inside_the_output_or_beside_it_but_the_documented_files(tmp_path):
    content = minutes_project(tmp_path, {"2015-12-02-board": "2015-11-25"})
    out = tmp_path / "www" / "site"
    build(content, out, "--profile", "public", pdf=True, today=TODAY)
    inside = {path.relative_to(out).as_posix() for path in out.rglob("*")}
    assert not [name for name in inside if any(word in name for word in ("release", "issued", "cache", "sqlite",
                                                                         "pickle", ".briefing/", "lock"))]
    assert sorted(path.name for path in (tmp_path / "www").iterdir()) == ["server", "site", "site.release"]
    assert (content / "issued.yaml").is_file() and not (content / ".briefing").exists()


def test_the_urgent_reason_and_note_of_an_exempt_item_are_only_in_the_private_pack(tmp_path):
    content = minutes_project(tmp_path)
    edit(content / "meetings/2015-09-02-board.yaml", "  - report: exempt-paper\n",
         "  - report: exempt-paper\n    added: 2015-08-31\n    urgent_reason: URGENTSECRET expires.\n"
         "    note: Note NOTESECRET.\n")
    build(content, tmp_path / "public", "--profile", "public", pdf=True, today=TODAY)
    build(content, tmp_path / "internal", pdf=True, today=TODAY)
    public = everything_readable(tmp_path / "public")
    assert "URGENTSECRET" not in public and "NOTESECRET" not in public
    open_pack = pdf_text(tmp_path / "internal/meetings/2015-09-02-board.pdf")
    assert "URGENTSECRET" not in open_pack and "NOTESECRET" not in open_pack
    assert "URGENTSECRET" in pdf_text(tmp_path / "internal/meetings/2015-09-02-board-private.pdf")
