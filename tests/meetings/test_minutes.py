"""Minutes (issue 21): a board of three meetings (tests/sites/minutes). The first's
minutes are unconfirmed, minute an exempt paper and agree actions; the second's
agenda puts them for approval and its minutes agree them; the third's minutes
are a draft and approve the second's."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import (build, cli, copy_project, errors_only, everything_readable, parse_html, pdf_pages,
                      pdf_text)

TODAY = "2016-04-01"
EXEMPT_LINE = ("Exempt item: not for publication by virtue of paragraph 14 of Part 1 of Schedule 7A to the "
               "Local Government (Scotland) Act 1973")


def _text(path) -> str:
    return parse_html(path).find("main").text()


def _flat(path) -> str:
    return " ".join(pdf_text(path).split())


def _marking(path) -> str:
    return parse_html(path).find(cls="marking").attrs["data-marking"]


@pytest.fixture(scope="module")
def internal(tmp_path_factory):
    root = tmp_path_factory.mktemp("minutes")
    copy_project("minutes", root)
    build(root / "content", root / "internal", pdf=True, today=TODAY)
    build(root / "content", root / "public", "--profile", "public", pdf=True, today=TODAY)
    build(root / "content", root / "drafts", "--drafts", today=TODAY)
    return root


@pytest.mark.pdf
def test_the_meeting_page_shows_attendance_declarations_and_each_decision(internal):
    text = _text(internal / "internal/meetings/2015-09-02-board.html")
    assert "Councillor PRESENTONE (Chair, Test Council)" in text
    assert "Councillor APOLOGYONE" in text and "Councillor SUBSTITUTEONE" in text and "Clerk ATTENDINGONE" in text
    assert "Item 2: Councillor PRESENTONE: Non-financial interest DECLAREDOPEN as a trustee." in text
    assert "2. Paper OPENPAPER title Decision: Agreed as amended." in text
    assert "DECIDEDEXEMPT" in text  # the internal build holds the exempt item's minute
    assert _marking(internal / "internal/meetings/2015-09-02-board.html") == "OFFICIAL-SENSITIVE"


@pytest.mark.pdf
def test_the_second_meetings_decision_confirms_the_first_minutes_and_the_third_shows_it(internal):
    first = _text(internal / "internal/minutes/2015-09-02-board.html")
    assert "Confirmed at the meeting of 2 December 2015 (item 2)" in first
    second = _text(internal / "internal/minutes/2015-12-02-board.html")
    assert "Unconfirmed" in second and "Confirmed at" not in second
    third_agenda = _text(internal / "internal/meetings/2016-03-02-board.html")
    assert "Minutes of the previous meeting: Main Board, 2 December 2015" in third_agenda


@pytest.mark.pdf
def test_the_second_pack_binds_the_first_unconfirmed_minutes_with_page_ranges_and_a_bookmark(internal):
    from pypdf import PdfReader

    pack = internal / "internal/meetings/2015-12-02-board.pdf"
    pages = pdf_pages(pack)
    reader = PdfReader(pack)
    marks = {entry.title: reader.get_destination_page_number(entry) + 1 for entry in reader.outline
             if not isinstance(entry, list)}
    title = "Item 2: Minutes of the previous meeting: Main Board, 2 September 2015"
    first = marks[title]
    last = next(number for number, page in enumerate(pages, start=1) if "End of minutes" in page)
    cover = " ".join(pages[0].split())
    assert f"Main Board, 2 September 2015 {first} - {last}" in cover
    assert "Apologies were noted." in pages[first - 1]
    for page in pages[first - 1:last]:
        assert "UNCONFIRMED" in page  # as they were put to the meeting, on every page
    # The open pack holds only the "not published here" line for the exempt item, and none of its actions.
    bound = " ".join(" ".join(pages).split())
    assert EXEMPT_LINE in bound and "DECIDEDEXEMPT" not in bound


@pytest.mark.pdf
def test_the_minutes_pdf_is_marked_unconfirmed_on_every_page_until_confirmed(internal):
    confirmed = pdf_pages(internal / "internal/meetings/2015-09-02-board-minutes.pdf")
    assert all("UNCONFIRMED" not in page for page in confirmed)
    assert "Confirmed at the meeting of 2 December 2015" in confirmed[0]
    unconfirmed = pdf_pages(internal / "internal/meetings/2015-12-02-board-minutes.pdf")
    assert all("UNCONFIRMED" in page for page in unconfirmed)
    text = pdf_text(internal / "internal/meetings/2015-09-02-board-minutes.pdf")
    for part in ("Attendance", "Declarations of interest", "2. Paper OPENPAPER title", "Decision: Agreed as amended."):
        assert part in text


@pytest.mark.pdf
def test_decisions_feed_the_action_plan_the_paper_and_the_decisions_log(internal):
    out = internal / "internal"
    plan = _text(out / "actions/index.html")
    assert "Action DECIDEDOPENACTION from the minutes" in plan
    assert _marking(out / "actions/index.html") == "OFFICIAL-SENSITIVE"  # an exempt paper's action is shown
    row = next(r for r in parse_html(out / "actions/prevent.html").find_all("tr") if "DECIDEDOPENACTION" in r.text())
    assert ("href", "../meetings/2015-09-02-board.html") in row.urls()
    paper = _text(out / "reports/open-paper.html")
    assert "Decision" in paper and "DECIDEDOPEN amendments" in paper
    log = _text(out / "decisions/main-board.html")
    assert log.index("2 December 2015") < log.index("2 September 2015")  # newest first
    data = json.loads((out / "decisions/main-board.json").read_text())
    assert [(d["meeting"], d["item"], d["outcome"]) for d in data][:2] == [("2015-12-02-board", 2, "agreed"),
                                                                          ("2015-12-02-board", 3, "noted")]
    csv_text = (out / "decisions/main-board.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith('"meeting","date","item"') and "DECIDEDOPEN" in csv_text
    register = _text(out / "declarations/main-board.html")
    assert "DECLAREDOPEN" in register and "DECLAREDEXEMPT" in register


@pytest.mark.pdf
def test_the_public_build_holds_no_exempt_minute_and_prints_the_shared_line(internal):
    out = internal / "public"
    everything = everything_readable(out)
    for marker in ("DECIDEDEXEMPT", "DECLAREDEXEMPT", "EXEMPTPAPER", "DRAFTMINUTE"):
        assert marker not in everything
    assert EXEMPT_LINE in _text(out / "meetings/2015-09-02-board.html")
    assert EXEMPT_LINE in (out / "decisions/main-board.csv").read_text(encoding="utf-8-sig")
    register = parse_html(out / "declarations/main-board.html")
    withheld = [cell.text() for cell in register.find_all("td") if EXEMPT_LINE in cell.text()]
    assert withheld and not [cell for cell in withheld if "PRESENTTWO" in cell], \
        "who declared an interest in an item left out is left out with it"
    assert "DECIDEDOPENACTION" in _text(out / "actions/index.html")


@pytest.mark.pdf
def test_draft_minutes_only_in_a_drafts_preview(internal):
    assert not (internal / "internal/minutes/2016-03-02-board.html").exists()
    assert not (internal / "internal/meetings/2016-03-02-board-minutes.pdf").exists()
    preview = _text(internal / "drafts/minutes/2016-03-02-board.html")
    assert "DRAFTMINUTE" in preview and "Draft" in preview


EXEMPT_WORDS = ("DECIDEDEXEMPT", "DECLAREDEXEMPT", "DECIDEDEXEMPTACTION")


def _downloads(page) -> list[str]:
    return [a.attrs["href"] for a in parse_html(page).find_all("a") if "download" in a.attrs]


@pytest.mark.pdf
def test_the_open_minutes_pdf_prints_the_exempt_line_and_the_private_minutes_hold_the_exempt_item(internal):
    open_minutes = _flat(internal / "internal/meetings/2015-09-02-board-minutes.pdf")
    assert EXEMPT_LINE in open_minutes and "DECIDEDOPEN" in open_minutes
    assert not any(word in open_minutes for word in EXEMPT_WORDS)
    private = _flat(internal / "internal/meetings/2015-09-02-board-minutes-private.pdf")
    assert all(word in private for word in EXEMPT_WORDS)
    assert "DECIDEDOPEN" not in private and "OFFICIAL-SENSITIVE" in private
    assert "Minutes: Main Board, 2 September 2015 (exempt items)" in private
    # A meeting with no exempt item has no private minutes.
    assert not (internal / "internal/meetings/2015-12-02-board-minutes-private.pdf").exists()
    for page in ("meetings/2015-09-02-board.html", "minutes/2015-09-02-board.html"):
        links = _downloads(internal / "internal" / page)
        assert any(link.endswith("2015-09-02-board-minutes.pdf") for link in links), (page, links)
        assert any(link.endswith("2015-09-02-board-minutes-private.pdf") for link in links), (page, links)


@pytest.mark.pdf
def test_the_public_build_has_no_private_minutes(internal):
    public = internal / "public"
    assert not list(public.rglob("*-minutes-private.pdf"))
    assert (public / "meetings/2015-09-02-board-minutes.pdf").exists()
    for page in ("meetings/2015-09-02-board.html", "minutes/2015-09-02-board.html"):
        assert not any("private" in link for link in _downloads(public / page))
    assert not any(word in _flat(public / "meetings/2015-09-02-board-minutes.pdf") for word in EXEMPT_WORDS)


GOOD_MINUTES = "status: unconfirmed\ndecisions:\n  2:\n    outcome: agreed\n"


@pytest.mark.parametrize("text, line, message", [
    ("decisions:\n  9:\n    outcome: noted\n", 2, "a decision names item 9, but the agenda of "
     "meetings/2015-09-02-board.yaml has 4 items"),
    ("decisions:\n  2:\n    outcome: agred\n", 3, "did you mean 'agreed'?"),
    ("decisions:\n  2:\n    outcome: agreed\n    actions:\n      - {action: Do it, owner: prevnt, due: 2015-10-01}\n",
     5, "did you mean 'prevent'?"),
    ("declarations:\n  - member: Councillor A\n    item: 7\n    nature: Owns a shop\n", 2,
     "a declaration names item 7"),
    ("status: confirmed\n", 1, "'status' must be one of: draft, unconfirmed"),
    ("decisions:\n  first:\n    outcome: noted\n", 2, "'first' is not an agenda item number"),
])
def test_bad_minutes_are_refused_at_their_line(copy_site, tmp_path, text, line, message):
    content = copy_site("minutes", {"minutes/2015-09-02-board.yaml": text})
    code, out, err = cli("check", "--content", content, "--today", TODAY)
    assert code == 1
    assert any(e.startswith(f"minutes/2015-09-02-board.yaml:{line}: ") and message in e for e in errors_only(err)), err


def test_minutes_of_a_missing_or_future_meeting_are_refused(copy_site, tmp_path):
    content = copy_site("minutes", {"minutes/2015-09-03-board.yaml": GOOD_MINUTES})
    code, _, err = cli("check", "--content", content, "--today", TODAY)
    assert code == 1
    assert "minutes/2015-09-03-board.yaml:1: there is no meeting meetings/2015-09-03-board.yaml for these " \
           "minutes; name the file after its meeting's file (did you mean minutes/2015-09-02-board.yaml?)" in err
    (content / "minutes/2015-09-03-board.yaml").unlink()
    code, _, err = cli("check", "--content", content, "--today", "2016-01-01")
    assert code == 1
    assert "minutes/2016-03-02-board.yaml:1: these are minutes of a meeting on 2016-03-02, which has not yet " \
           "taken place (today is 2016-01-01)" in err
    build(content, tmp_path / "out", today="2016-01-01", expect=1)
    assert not (tmp_path / "out").exists()


def test_new_minutes_are_written_from_the_agenda_and_never_overwrite(copy_site):
    content = copy_site("minutes")
    (content / "minutes/2016-03-02-board.yaml").unlink()
    code, out, err = cli("new", "minutes", "2016-03-02-board", "--content", content)
    assert code == 0, err
    written = (content / "minutes/2016-03-02-board.yaml").read_text()
    assert "  1:  # Apologies" in written and "  2:  # Minutes of the previous meeting" in written
    assert cli("check", "--content", content, "--today", TODAY).code == 0
    code, _, err = cli("new", "minutes", "2016-03-02-board", "--content", content)
    assert code == 1 and "already exists" in err
    assert (content / "minutes/2016-03-02-board.yaml").read_text() == written
    code, _, err = cli("new", "minutes", "2016-03-02-bord", "--content", content)
    assert code == 1 and "did you mean '2016-03-02-board'?" in err


@pytest.mark.parametrize("path, old, new", [
    # The minutes that confirm the first: their own words may change while they are unconfirmed.
    ("minutes/2015-12-02-board.yaml", "were approved as a correct record", "were approved, with thanks"),
    # The first minutes are confirmed: an edit to them comes with its correction.
    ("minutes/2015-09-02-board.yaml", "decisions:\n  1:\n    outcome: noted\n    text: Apologies were noted.",
     "corrections: [{meeting: 2016-03-02-board, text: Apologies were CORRECTED.}]\n"
     "decisions:\n  1:\n    outcome: noted\n    text: Apologies were CORRECTED."),
    ("reports/open-paper.md", "Paper OPENPAPER title", "Paper OPENPAPER retitled"),
])
def test_an_edit_rebuilds_what_shows_the_minutes_as_a_cold_build_would(copy_site, tmp_path, path, old, new):
    content = copy_site("minutes")
    build(content, tmp_path / "warm", today=TODAY)
    (content / path).write_text((content / path).read_text().replace(old, new))
    build(content, tmp_path / "warm", today=TODAY)
    cold = tmp_path / "cold"
    shutil.copytree(content, cold / "content")
    build(cold / "content", cold / "output", today=TODAY)
    for page in ("meetings/2015-09-02-board.html", "minutes/2015-09-02-board.html", "decisions/main-board.html",
                 "reports/open-paper.html", "actions/index.html", "decisions/main-board.json"):
        assert (tmp_path / "warm" / page).read_bytes() == (cold / "output" / page).read_bytes(), page
    assert "Unconfirmed" not in _text(tmp_path / "warm/minutes/2015-09-02-board.html")


# Papers a public build leaves out, minuted ----------------------------------------
# From an adversarial review of issues 18, 21 and 23: the minutes fixture grown
# with papers of every kind a public build leaves out, each minuted, declared,
# actioned and renamed, and an open paper with an exempt appendix. A public build
# shows nothing of them anywhere it writes (output, server configuration, release
# manifest); an internal build marks what shows them and keeps exempt material
# out of the open packs.

LEFT_OUT = {
    "sens-paper": "classification: OFFICIAL-SENSITIVE\n",
    "future-paper": "publish_from: 2099-01-01\n",
    "draft-paper": "draft: true\n",
}


def _paper(name: str, extra: str) -> str:
    mark = name.split("-")[0].upper()
    return (f"---\ntitle: Paper {mark}PAPER title\n{extra}to: main-board\non: 2015-09-02\n"
            f"aliases: [old-{mark.lower()}alias]\n---\n## Summary\n\nBody {mark}PAPER.\n")


def _minutes_extra() -> tuple[str, str]:
    declarations, decisions = "", ""
    for number, name in enumerate(LEFT_OUT, start=5):
        mark = name.split("-")[0].upper()
        declarations += (f"  - member: Councillor {mark}DECLARER\n    item: {number}\n"
                         f"    nature: Interest {mark}DECLARED.\n")
        decisions += (f"  {number}:\n    outcome: agreed\n    text: Decided {mark}DECISION.\n    actions:\n"
                      f"      - {{action: Action {mark}ACTION, owner: prevent, due: 2015-12-01}}\n")
    return declarations, decisions


def grown_project(root):
    """The grown minutes fixture at root/content."""
    content = copy_project("minutes", root)
    (content / "site.yaml").write_text((content / "site.yaml").read_text() + "url: https://example.org/site/\n")
    for name, extra in LEFT_OUT.items():
        (content / f"reports/{name}.md").write_text(_paper(name, extra))
    (content / "case-studies").mkdir()
    (content / "case-studies/appx-case.md").write_text(
        "---\ntitle: Case APPXCASE title\nclassification: OFFICIAL-SENSITIVE\nsummary: Summary APPXCASE.\n"
        "aliases: [old-appxalias]\n---\nBody APPXCASE.\n")
    paper = content / "reports/open-paper.md"
    paper.write_text(paper.read_text().replace(
        "report_by:", "appendices:\n  - {item: case-studies/appx-case, exempt: 3}\nreport_by:"))
    meeting = content / "meetings/2015-09-02-board.yaml"
    meeting.write_text(meeting.read_text() + "".join(f"  - report: {name}\n" for name in LEFT_OUT))
    minutes = content / "minutes/2015-09-02-board.yaml"
    declarations, decisions = _minutes_extra()
    text = minutes.read_text().replace("decisions:\n", declarations + "decisions:\n", 1) + decisions
    minutes.write_text(text)
    return content


# Each marker names something only a left-out item, exempt minute or exempt appendix holds.
SECRETS = ("SENSPAPER", "SENSDECISION", "SENSACTION", "SENSDECLARED", "sensalias", "sens-paper",
           "FUTUREPAPER", "FUTUREDECISION", "FUTUREACTION", "FUTUREDECLARED", "futurealias", "future-paper",
           "DRAFTPAPER", "DRAFTDECISION", "DRAFTACTION", "DRAFTDECLARED", "draftalias", "draft-paper",
           "APPXCASE", "appxalias", "appx-case",
           "EXEMPTPAPER", "DECIDEDEXEMPT", "DECLAREDEXEMPT", "DRAFTMINUTE")
EXEMPT = ("EXEMPTPAPER", "DECIDEDEXEMPT", "DECLAREDEXEMPT", "APPXCASE")
SENSITIVE = ("SENSPAPER", "SENSDECISION", "SENSACTION", "SENSDECLARED", "EXEMPTPAPER", "DECIDEDEXEMPT",
             "DECLAREDEXEMPT", "APPXCASE")


@pytest.fixture(scope="module")
def grown(tmp_path_factory):
    """The grown fixture built public and internal, with PDFs."""
    root = tmp_path_factory.mktemp("grown-minutes")
    content = grown_project(root)
    build(content, root / "public", "--profile", "public", pdf=True, today=TODAY)
    build(content, root / "internal", pdf=True, today=TODAY)
    return root


@pytest.mark.pdf
def test_a_public_build_writes_nothing_of_a_left_out_paper_its_minute_or_an_exempt_appendix(grown):
    readable = "\n".join([everything_readable(grown / "public"), everything_readable(grown / "server"),
                          everything_readable(grown / "public.release")]).lower()
    for secret in SECRETS:
        where = readable.find(secret.lower())
        assert where < 0, f"{secret} leaks: ...{readable[max(0, where - 200):where + 60]}"


@pytest.mark.pdf
def test_the_public_minutes_print_the_shared_line_for_each_left_out_item(grown):
    text = parse_html(grown / "public/minutes/2015-09-02-board.html").text()
    assert "Item not published" in text and "Paper to follow" in text
    assert "Exempt item: not for publication by virtue of paragraph 14" in text


@pytest.mark.pdf
def test_every_internal_page_and_pdf_page_showing_sensitive_minutes_is_marked_so(grown):
    out = grown / "internal"
    wrong = []
    for page in out.rglob("*.html"):
        shown = [marker for marker in SENSITIVE if marker in page.read_text(encoding="utf-8")]
        if shown and parse_html(page).find(cls="marking").attrs["data-marking"] != "OFFICIAL-SENSITIVE":
            wrong.append((page.relative_to(out).as_posix(), shown))
    for pdf in out.rglob("*.pdf"):
        for number, text in enumerate(pdf_pages(pdf), start=1):
            shown = [marker for marker in SENSITIVE if marker in text]
            if shown and "OFFICIAL-SENSITIVE" not in text:
                wrong.append((f"{pdf.relative_to(out).as_posix()} page {number}", shown))
    assert not wrong


@pytest.mark.pdf
def test_the_internal_csv_and_json_exports_mark_each_sensitive_decision_and_action(grown):
    rows = json.loads((grown / "internal/decisions/main-board.json").read_text(encoding="utf-8"))
    for row in rows:
        if any(marker in row["decision"] for marker in SENSITIVE):
            assert row["marking"] == "OFFICIAL-SENSITIVE", row
    for line in (grown / "internal/actions.csv").read_text(encoding="utf-8-sig").splitlines():
        if "SENSACTION" in line or "DECIDEDEXEMPTACTION" in line:
            assert line.endswith('"OFFICIAL-SENSITIVE"'), line


@pytest.mark.pdf
def test_no_open_pack_of_the_internal_build_holds_an_exempt_minute_declaration_or_appendix(grown):
    for pack in (grown / "internal/meetings").glob("*.pdf"):
        if pack.name.endswith(("-private.pdf", "-minutes.pdf")):
            continue
        text = pdf_text(pack)
        assert not [marker for marker in EXEMPT if marker in text], pack.name


@pytest.mark.pdf
def test_the_private_pack_binds_the_exempt_appendix(grown):
    assert "APPXCASE" in pdf_text(grown / "internal/meetings/2015-09-02-board-private.pdf")


@pytest.mark.pdf
def test_the_meeting_approving_minutes_with_an_exempt_minute_binds_that_minute_in_its_private_pack(grown):
    private = grown / "internal/meetings/2015-12-02-board-private.pdf"
    assert private.exists()
    assert "DECIDEDEXEMPT" in pdf_text(private)


@pytest.mark.pdf
@pytest.mark.parametrize("profile", ["internal", "public"])
def test_a_boards_action_plan_on_paper_holds_the_actions_its_minutes_agreed(grown, profile):
    assert "DECIDEDOPENACTION" in pdf_text(grown / profile / "actions/groups/prevent.pdf")
    assert "DECIDEDOPENACTION" in pdf_text(grown / profile / "actions/boards/main-board.pdf")
