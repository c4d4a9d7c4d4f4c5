"""Issue 23 (publication control): papers published on time, late items and their
urgent reasons, `publish_from`, and issued agenda packs that do not change."""

from __future__ import annotations

import pytest

from conftest import (SITE_YAML, all_text, build, checksums, cli, errors_only, everything_readable, parse_html,
                      pdf_pages, pdf_text, problem_lines)

PROFILES = ("internal", "public")
# Wednesday 2 September 2015: three clear weekdays before it are Tuesday 1,
# Monday 31 and Friday 28 August, so the papers are due on Thursday 27 August.
MEETING = """\
board: main-board
date: 2015-09-02
time: "10:00"
venue: Committee Room 1
{extra}items:
  - title: Apologies
  - report: first-paper
{items}"""


def paper(title: str, body: str = "## Purpose\n\nThe purpose of this paper.\n", **fields) -> str:
    extra = "".join(f"{name}: {value}\n" for name, value in fields.items())
    return (f"---\ntitle: {title}\nto: main-board\non: 2015-09-02\nreport_by: Director of Services\n"
            f"author: {{name: An Officer}}\n{extra}---\n{body}")


def project(make_project, meeting_extra: str = "", items: str = "", site: str = SITE_YAML, **files) -> object:
    return make_project({
        "site.yaml": site,
        "meetings/2015-09-02-board.yaml": MEETING.format(extra=meeting_extra, items=items),
        "reports/first-paper.md": paper("First paper FIRSTMARK"),
        **files,
    })


def late_lines(err: str) -> list[str]:
    return [line for line in problem_lines(err) if "late item" in line]


# Publication dates ---------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("added, late", [("2015-08-27", False), ("2015-08-28", True)])
def test_an_item_added_after_the_papers_were_due_is_a_late_item(make_project, tmp_path, profile, added, late):
    content = project(make_project, items=f"  - title: Late business\n    added: {added}\n")
    for run in (build(content, tmp_path / "out", "--profile", profile),
                cli("check", "--content", content, "--profile", profile, "--today", "2016-01-15")):
        assert run.code == 0
        lines = late_lines(run.err)
        if late:
            assert lines == [f"meetings/2015-09-02-board.yaml:8: warning: late item: item 3 is added to the agenda on "
                             f"{added}, after the papers were due on 2015-08-27 (publish_by); give the Chair's reason "
                             "for taking it as 'urgent_reason', or move it to a later meeting"]
        else:
            assert lines == []


@pytest.mark.pdf
@pytest.mark.parametrize("profile", PROFILES)
def test_an_urgent_reason_stops_the_warning_and_is_printed_on_the_agenda(make_project, tmp_path, profile):
    content = project(make_project, items="  - report: late-paper\n    added: 2015-08-31\n"
                                          "    urgent_reason: The contract must be let before 1 October.\n",
                      **{"reports/late-paper.md": paper("Late paper")})
    run = build(content, tmp_path / "out", "--profile", profile, pdf=True)
    assert late_lines(run.err) == []
    page = parse_html(tmp_path / "out/meetings/2015-09-02-board.html")
    assert "Urgent item: The contract must be let before 1 October." in page.text()
    cover = " ".join(pdf_pages(tmp_path / "out/meetings/2015-09-02-board.pdf")[0].split())
    assert "Urgent item: The contract must be let before 1 October." in cover


def test_clear_days_are_counted_as_site_yaml_says(make_project):
    # Five days, Sundays and a holiday not counted: Tuesday 1, Monday 31 (a holiday,
    # not counted), Saturday 29, Friday 28, Thursday 27, Wednesday 26: due on 25 August.
    site = SITE_YAML + "clear_days:\n  count: 5\n  exclude: [sunday, 2015-08-31]\n"
    items = "  - title: On time\n    added: 2015-08-25\n  - title: Late\n    added: 2015-08-26\n"
    run = cli("check", "--content", project(make_project, items=items, site=site), "--today", "2016-01-15")
    assert run.code == 0
    [line] = late_lines(run.err)
    assert "item 4 is added to the agenda on 2015-08-26, after the papers were due on 2015-08-25" in line


def test_a_meeting_may_set_its_own_publish_by(make_project):
    content = project(make_project, meeting_extra="publish_by: 2015-08-20\n",
                      items="  - title: Business\n    added: 2015-08-21\n")
    [line] = late_lines(cli("check", "--content", content, "--today", "2016-01-15").err)
    assert "after the papers were due on 2015-08-20" in line


def test_a_wrong_clear_days_setting_is_an_error(make_project):
    site = SITE_YAML + "clear_days:\n  count: 3\n  exclude: [saturday, caturday]\n"
    run = cli("check", "--content", project(make_project, site=site), "--today", "2016-01-15")
    assert run.code == 1
    assert errors_only(run.err) == ["site.yaml:12: an entry of 'exclude' must be a day of the week (such as saturday) "
                                    "or a holiday's date written YYYY-MM-DD, not 'caturday'"]


# publish_from -----------------------------------------------------------------------

@pytest.mark.pdf
def test_a_paper_before_its_publish_from_date_is_left_out_of_public_builds(make_project, tmp_path):
    content = project(make_project, items="  - report: embargoed\n",
                      **{"reports/embargoed.md": paper("Embargoed EMBARGOTITLE", "## Purpose\n\nEMBARGOBODY text.\n",
                                                       publish_from="2015-08-26")})
    before, after = tmp_path / "before", tmp_path / "after"
    build(content, before, "--profile", "public", pdf=True, today="2015-08-25")
    readable = everything_readable(before)
    assert "EMBARGO" not in readable.upper()
    assert not (before / "reports/embargoed.html").exists()
    page = parse_html(before / "meetings/2015-09-02-board.html")
    assert "3. Paper to follow" in " ".join(f"{li.attrs.get('value')}. {li.text().strip()}"
                                            for li in page.find_all("li") if "agenda__item" in li.attrs.get("class", ""))
    assert "Paper to follow" in pdf_text(before / "meetings/2015-09-02-board.pdf")
    build(content, after, "--profile", "public", today="2015-08-26")
    assert "EMBARGOBODY" in (after / "reports/embargoed.html").read_text()
    internal = tmp_path / "internal"
    build(content, internal, "--profile", "internal", today="2015-08-25")
    assert "EMBARGOBODY" in (internal / "reports/embargoed.html").read_text()


def test_a_paper_published_after_the_papers_were_due_is_a_late_item(make_project):
    content = project(make_project, items="  - report: embargoed\n",
                      **{"reports/embargoed.md": paper("Embargoed", publish_from="2015-08-28")})
    [line] = late_lines(cli("check", "--content", content, "--today", "2016-01-15").err)
    assert "item 3 is published on 2015-08-28, after the papers were due on 2015-08-27" in line


# Issued packs ------------------------------------------------------------------------

ISSUED = "issued: 2015-08-27\n"


def edit(content, path: str, old: str, new: str) -> None:
    file = content / path
    text = file.read_text()
    assert old in text
    file.write_text(text.replace(old, new))


@pytest.mark.parametrize("profile", PROFILES)
def test_a_change_to_an_issued_paper_fails_the_build(make_project, tmp_path, profile):
    content = project(make_project, meeting_extra=ISSUED)
    out = tmp_path / "out"
    build(content, out, "--profile", profile)
    manifest = (content / "issued.yaml").read_text()
    assert '"meetings/2015-09-02-board.yaml":' in manifest and '"pack": "agenda"' not in manifest
    assert 'pack: "agenda"' in manifest and 'issued: "2015-08-27"' in manifest
    build(content, out, "--profile", profile)  # unchanged: still builds
    assert (content / "issued.yaml").read_text() == manifest
    before = checksums(out)
    edit(content, "reports/first-paper.md", "The purpose of this paper.", "A changed purpose.")
    for run in (build(content, out, "--profile", profile, expect=1),
                cli("check", "--content", content, "--profile", profile, "--today", "2016-01-15")):
        assert run.code == 1
        assert errors_only(run.err) == [
            "meetings/2015-09-02-board.yaml:8: item 2 of the agenda pack issued on 2015-08-27 has changed since: its "
            "text differs; undo the change, or list item 2 in a new supplementary pack ('supplementary: [{issued: "
            "YYYY-MM-DD, items: [2]}]'), or give the reason the pack is issued again as 'reissued'"]
    assert checksums(out) == before
    assert (content / "issued.yaml").read_text() == manifest


def test_each_kind_of_change_is_named(make_project, tmp_path):
    content = project(make_project, meeting_extra=ISSUED, items="  - title: Any other business\n")
    build(content, tmp_path / "out")
    edit(content, "reports/first-paper.md", "report_by: Director of Services", "report_by: Chief Executive")
    edit(content, "meetings/2015-09-02-board.yaml", "  - title: Any other business\n",
         "  - title: Other business\n  - title: Date of next meeting\n")
    edit(content, "meetings/2015-09-02-board.yaml", "Committee Room 1", "Committee Room 2")
    errors = errors_only(build(content, tmp_path / "out", expect=1).err)
    assert [error.split(";")[0].split(": undo")[0] for error in errors] == [
        "meetings/2015-09-02-board.yaml:2: the cover of the agenda pack issued on 2015-08-27 (title, board, date, "
        "time or venue) has changed",
        "meetings/2015-09-02-board.yaml:8: item 2 of the agenda pack issued on 2015-08-27 has changed since: its paper "
        "differs",
        "meetings/2015-09-02-board.yaml:9: item 3 of the agenda pack issued on 2015-08-27 has changed since: its agenda "
        "line differs",
        "meetings/2015-09-02-board.yaml:10: item 4 of the agenda pack issued on 2015-08-27 was added to the agenda since",
    ]


def test_a_pack_is_frozen_only_from_its_issued_date(make_project, tmp_path):
    content = project(make_project, meeting_extra=ISSUED)
    build(content, tmp_path / "out", today="2015-08-26")
    assert not (content / "issued.yaml").exists()
    edit(content, "reports/first-paper.md", "The purpose of this paper.", "A changed purpose.")
    build(content, tmp_path / "out", today="2015-08-27")
    assert (content / "issued.yaml").exists()


@pytest.mark.pdf
@pytest.mark.parametrize("profile", PROFILES)
def test_a_supplementary_pack_carries_the_added_and_changed_items(make_project, tmp_path, profile):
    content = project(make_project, meeting_extra=ISSUED)
    out = tmp_path / "out"
    build(content, out, "--profile", profile)
    edit(content, "reports/first-paper.md", "The purpose of this paper.", "A changed purpose CHANGEDMARK.")
    edit(content, "meetings/2015-09-02-board.yaml", "  - report: first-paper\n",
         "  - report: first-paper\n  - report: added-paper\n    added: 2015-08-31\n"
         "    urgent_reason: The grant closes on 4 September.\n")
    (content / "reports/added-paper.md").write_text(paper("Added paper ADDEDMARK", "## Purpose\n\nADDEDBODY.\n"))
    edit(content, "meetings/2015-09-02-board.yaml", ISSUED,
         ISSUED + "supplementary:\n  - issued: 2015-08-31\n    items: [2, 3]\n")
    run = build(content, out, "--profile", profile, pdf=True)
    assert late_lines(run.err) == []
    supplement = pdf_pages(out / "meetings/2015-09-02-board-supplementary-1.pdf")
    cover = " ".join(supplement[0].split())
    assert "Supplementary agenda 1" in cover and "Added paper ADDEDMARK" in cover and "Apologies" not in cover
    assert "Urgent item: The grant closes on 4 September." in cover
    assert f"Page 1 of {len(supplement)}" in cover
    whole = " ".join(" ".join(supplement).split())
    assert "CHANGEDMARK" in whole and "ADDEDBODY" in whole
    pack = pdf_text(out / "meetings/2015-09-02-board.pdf")
    assert "Paper in Supplementary agenda 1." in pack and "ADDEDBODY" not in pack
    page = parse_html(out / "meetings/2015-09-02-board.html")
    assert any(a.attrs.get("href", "").endswith("2015-09-02-board-supplementary-1.pdf") for a in page.find_all("a"))
    manifest = (content / "issued.yaml").read_text()
    assert 'pack: "supplementary 1"' in manifest
    # The supplementary pack is frozen in turn.
    edit(content, "reports/added-paper.md", "ADDEDBODY", "ADDEDBODY again")
    errors = errors_only(build(content, out, "--profile", profile, expect=1).err)
    assert len(errors) == 1 and "item 3 of the agenda pack issued on 2015-08-27 has changed since: its text" in errors[0]


@pytest.mark.pdf
def test_a_reissued_pack_prints_its_reason_and_is_frozen_again(make_project, tmp_path):
    content = project(make_project, meeting_extra=ISSUED)
    out = tmp_path / "out"
    build(content, out)
    edit(content, "reports/first-paper.md", "The purpose of this paper.", "A corrected purpose.")
    edit(content, "meetings/2015-09-02-board.yaml", ISSUED,
         ISSUED + "reissued: Paragraph 1.1 of item 2 corrected.\n")
    build(content, out, pdf=True)
    cover = " ".join(pdf_pages(out / "meetings/2015-09-02-board.pdf")[0].split())
    assert "Reissued: Paragraph 1.1 of item 2 corrected." in cover
    assert 'reason: "Paragraph 1.1 of item 2 corrected."' in (content / "issued.yaml").read_text()
    edit(content, "reports/first-paper.md", "A corrected purpose.", "Corrected twice.")
    build(content, out, expect=1)


def test_an_action_status_update_does_not_change_an_issued_pack(make_project, tmp_path):
    actions = "actions:\n  - {action: Do it, owner: prevent, due: 2015-12-01, status: open}"
    content = project(make_project, meeting_extra=ISSUED,
                      **{"reports/first-paper.md": paper("First paper", **{"actions": "\n" + actions[9:]})})
    build(content, tmp_path / "out")
    edit(content, "reports/first-paper.md", "status: open", "status: done")
    build(content, tmp_path / "out")


def test_a_supplementary_pack_must_list_items_of_the_agenda(make_project):
    content = project(make_project, meeting_extra=ISSUED + "supplementary:\n  - issued: 2015-08-31\n    items: [7]\n")
    run = cli("check", "--content", content, "--today", "2016-01-15")
    assert errors_only(run.err) == ["meetings/2015-09-02-board.yaml:7: supplementary pack 1 lists item 7, but the "
                                    "agenda has 2 items: give the number the item has on the agenda"]


def test_an_unreadable_record_of_issued_packs_is_an_error(make_project):
    content = project(make_project, meeting_extra=ISSUED, **{"issued.yaml": "just: [text\n"})
    run = cli("check", "--content", content, "--today", "2016-01-15")
    [line] = errors_only(run.err)
    assert line.startswith("issued.yaml:1: ")


def test_the_record_is_not_published(make_project, tmp_path):
    content = project(make_project, meeting_extra=ISSUED)
    build(content, tmp_path / "out")
    digest = (content / "issued.yaml").read_text().split('"text": "')[1][:16]
    build(content, tmp_path / "public", "--profile", "public")
    published = all_text(tmp_path / "public")
    assert "issued.yaml" not in published and digest not in published


# Issued packs of the minutes fixture -------------------------------------------------
# From an adversarial review of publication control: issued packs that bind minutes
# and exempt papers, the record of them, supplementary packs, the new fields, and
# what a failed run must leave alone.

MINUTES_TODAY = "2016-04-01"  # after the fixture's last meeting


def minutes_project(copy_site, issued: dict[str, str] | None = None):
    """The minutes fixture, with the agenda pack of each meeting named in `issued` issued on its date."""
    content = copy_site("minutes")
    for meeting, date in (issued or {}).items():
        edit(content, f"meetings/{meeting}.yaml", "venue: Committee Room 1\n",
             f"venue: Committee Room 1\nissued: {date}\n")
    return content


@pytest.mark.pdf
def test_editing_minutes_bound_into_an_issued_pack_fails_the_build(copy_site, tmp_path):
    content = minutes_project(copy_site, {"2015-12-02-board": "2015-11-25"})
    build(content, tmp_path / "out", pdf=True, today=MINUTES_TODAY)
    edit(content, "minutes/2015-09-02-board.yaml", "DECIDEDOPEN amendments", "DECIDEDOPEN SNEAKY amendments")
    run = build(content, tmp_path / "out", pdf=True, today=MINUTES_TODAY, expect=None)
    assert "SNEAKY" not in pdf_text(tmp_path / "out/meetings/2015-12-02-board.pdf")
    assert run.code == 1 and any("meetings/2015-12-02-board.yaml" in line for line in errors_only(run.err))


def test_an_edit_to_an_exempt_paper_in_an_issued_pack_fails_in_either_profile(copy_site, tmp_path):
    content = minutes_project(copy_site, {"2015-09-02-board": "2015-08-26"})
    build(content, tmp_path / "first", "--profile", "public", today=MINUTES_TODAY)
    edit(content, "reports/exempt-paper.md", "Body text", "Changed body text")
    for profile in ("public", "internal"):
        run = build(content, tmp_path / profile, "--profile", profile, today=MINUTES_TODAY, expect=1)
        assert any("item 3 of the agenda pack issued on 2015-08-26" in line for line in errors_only(run.err))


@pytest.mark.pdf
@pytest.mark.parametrize("first, second", [("public", "internal"), ("internal", "public")])
def test_the_record_of_an_issued_pack_is_the_same_whichever_profile_writes_it(copy_site, tmp_path, first, second):
    content = minutes_project(copy_site, {"2015-09-02-board": "2015-08-26"})
    for name, extra in (("sens-paper", "classification: OFFICIAL-SENSITIVE\n"),
                        ("future-paper", "publish_from: 2099-01-01\n"), ("draft-paper", "draft: true\n")):
        (content / f"reports/{name}.md").write_text(
            f"---\ntitle: Paper {name}\n{extra}to: main-board\non: 2015-09-02\n---\nText.\n")
        edit(content, "meetings/2015-09-02-board.yaml", "  - title: Any other business\n",
             f"  - title: Any other business\n  - report: {name}\n    urgent_reason: Urgent.\n")
    build(content, tmp_path / "a", "--profile", first, today=MINUTES_TODAY)
    record = (content / "issued.yaml").read_text()
    build(content, tmp_path / "b", "--profile", second, pdf=True, today=MINUTES_TODAY)
    assert (content / "issued.yaml").read_text() == record


def test_a_failed_build_or_a_check_writes_no_record_and_leaves_the_release_manifest(copy_site, tmp_path):
    content = minutes_project(copy_site)
    out = tmp_path / "out"
    build(content, out, "--profile", "public", today=MINUTES_TODAY)
    release = checksums(tmp_path / "out.release")
    edit(content, "meetings/2015-12-02-board.yaml", "venue: Committee Room 1\n",
         "venue: Committee Room 1\nissued: 2015-11-25\n")
    (content / "minutes/2016-03-02-board.yaml").write_text("decisions:\n  9:\n    outcome: noted\n")
    assert cli("check", "--content", content, "--today", MINUTES_TODAY).code == 1
    build(content, out, "--profile", "public", today=MINUTES_TODAY, expect=1)
    assert not (content / "issued.yaml").exists()
    assert checksums(tmp_path / "out.release") == release


def test_a_supplementary_pack_without_an_issued_pack_is_a_content_error_at_its_line(copy_site, tmp_path):
    content = minutes_project(copy_site)
    path = content / "meetings/2015-09-02-board.yaml"
    path.write_text(path.read_text() + "supplementary:\n  - issued: 2015-08-30\n    items: [2]\n")
    run = build(content, tmp_path / "out", pdf=True, today=MINUTES_TODAY, expect=1)
    assert errors_only(run.err) and all(line.startswith("meetings/2015-09-02-board.yaml:")
                                        for line in errors_only(run.err))


def test_a_supplementary_pack_issued_before_the_agenda_pack_is_refused(copy_site):
    content = minutes_project(copy_site)
    path = content / "meetings/2015-09-02-board.yaml"
    path.write_text(path.read_text() + "issued: 2015-08-25\nsupplementary:\n  - issued: 2015-08-20\n    items: [2]\n")
    run = cli("check", "--content", content, "--today", MINUTES_TODAY)
    assert run.code == 1 and "supplementary" in run.err


def test_papers_due_after_their_meeting_are_refused_or_warned_about(copy_site):
    content = minutes_project(copy_site)
    path = content / "meetings/2015-09-02-board.yaml"
    path.write_text(path.read_text() + "publish_by: 2015-10-01\n")
    run = cli("check", "--content", content, "--today", MINUTES_TODAY)
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
def test_bad_values_of_the_new_fields_are_one_line_each_at_their_place(copy_site, path, old, new, message):
    content = minutes_project(copy_site)
    edit(content, path, old, new)
    (content / "issued.yaml").unlink(missing_ok=True)
    run = cli("check", "--content", content, "--today", MINUTES_TODAY)
    assert run.code == 1 and "Traceback" not in run.err
    assert any(line.startswith(message) for line in errors_only(run.err)), run.err


@pytest.mark.parametrize("record", ["- a\n", "a: [\n", "meetings/x.yaml: {pack: 1}\n", "\x00\x01"])
def test_a_damaged_record_of_issued_packs_is_one_line_saying_what_to_do(copy_site, record):
    content = minutes_project(copy_site)
    (content / "issued.yaml").write_text(record)
    run = cli("check", "--content", content, "--today", MINUTES_TODAY)
    assert run.code == 1 and "Traceback" not in run.err
    assert [line for line in errors_only(run.err) if line.startswith("issued.yaml")]


@pytest.mark.pdf
def test_nothing_private_is_written_inside_the_output_or_beside_it_but_the_documented_files(copy_site, tmp_path):
    content = minutes_project(copy_site, {"2015-12-02-board": "2015-11-25"})
    out = tmp_path / "www" / "site"
    build(content, out, "--profile", "public", pdf=True, today=MINUTES_TODAY)
    inside = {path.relative_to(out).as_posix() for path in out.rglob("*")}
    assert not [name for name in inside if any(word in name for word in ("release", "issued", "cache", "sqlite",
                                                                         "pickle", ".briefing/", "lock"))]
    assert sorted(path.name for path in (tmp_path / "www").iterdir()) == ["server", "site", "site.release"]
    assert (content / "issued.yaml").is_file() and not (content / ".briefing").exists()


@pytest.mark.pdf
def test_the_urgent_reason_and_note_of_an_exempt_item_are_only_in_the_private_pack(copy_site, tmp_path):
    content = minutes_project(copy_site)
    edit(content, "meetings/2015-09-02-board.yaml", "  - report: exempt-paper\n",
         "  - report: exempt-paper\n    added: 2015-08-31\n    urgent_reason: URGENTSECRET expires.\n"
         "    note: Note NOTESECRET.\n")
    build(content, tmp_path / "public", "--profile", "public", pdf=True, today=MINUTES_TODAY)
    build(content, tmp_path / "internal", pdf=True, today=MINUTES_TODAY)
    public = everything_readable(tmp_path / "public")
    assert "URGENTSECRET" not in public and "NOTESECRET" not in public
    open_pack = pdf_text(tmp_path / "internal/meetings/2015-09-02-board.pdf")
    assert "URGENTSECRET" not in open_pack and "NOTESECRET" not in open_pack
    assert "URGENTSECRET" in pdf_text(tmp_path / "internal/meetings/2015-09-02-board-private.pdf")
