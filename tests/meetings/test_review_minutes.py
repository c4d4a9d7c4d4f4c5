"""Adversarial review of issues 18, 21 and 23 (minutes, exempt appendices,
publish_from, aliases): the minutes fixture (tests/sites/minutes) grown with
papers of every kind a public build leaves out, each minuted, declared,
actioned and renamed, and an open paper with an exempt appendix. A public build
must show nothing of them anywhere it writes (output, server configuration,
release manifest); an internal build marks what shows them and keeps exempt
material out of the open packs."""

from __future__ import annotations

import shutil

import pytest
from conftest import SITES, build, errors_only, everything_readable, parse_html, pdf_pages, pdf_text

TODAY = "2016-04-01"

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


def project(root):
    """The grown minutes fixture at root/content."""
    content = root / "content"
    shutil.copytree(SITES / "minutes", content)
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
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("review-minutes")
    content = project(root)
    build(content, root / "public", "--profile", "public", pdf=True, today=TODAY)
    build(content, root / "internal", pdf=True, today=TODAY)
    return root


def test_a_public_build_writes_nothing_of_a_left_out_paper_its_minute_or_an_exempt_appendix(builds):
    readable = "\n".join([everything_readable(builds / "public"), everything_readable(builds / "server"),
                          everything_readable(builds / "public.release")]).lower()
    for secret in SECRETS:
        where = readable.find(secret.lower())
        assert where < 0, f"{secret} leaks: ...{readable[max(0, where - 200):where + 60]}"


def test_the_public_minutes_print_the_shared_line_for_each_left_out_item(builds):
    text = parse_html(builds / "public/minutes/2015-09-02-board.html").text()
    assert "Item not published" in text and "Paper to follow" in text
    assert "Exempt item: not for publication by virtue of paragraph 14" in text


def test_every_internal_page_and_pdf_page_showing_sensitive_minutes_is_marked_so(builds):
    out = builds / "internal"
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


def test_the_internal_csv_and_json_exports_mark_each_sensitive_decision_and_action(builds):
    import json

    rows = json.loads((builds / "internal/decisions/main-board.json").read_text(encoding="utf-8"))
    for row in rows:
        if any(marker in row["decision"] for marker in SENSITIVE):
            assert row["marking"] == "OFFICIAL-SENSITIVE", row
    for line in (builds / "internal/actions.csv").read_text(encoding="utf-8-sig").splitlines():
        if "SENSACTION" in line or "DECIDEDEXEMPTACTION" in line:
            assert line.endswith('"OFFICIAL-SENSITIVE"'), line


def test_no_open_pack_of_the_internal_build_holds_an_exempt_minute_declaration_or_appendix(builds):
    for pack in (builds / "internal/meetings").glob("*.pdf"):
        if pack.name.endswith(("-private.pdf", "-minutes.pdf")):
            continue
        text = pdf_text(pack)
        assert not [marker for marker in EXEMPT if marker in text], pack.name


def test_the_private_pack_binds_the_exempt_appendix(builds):
    assert "APPXCASE" in pdf_text(builds / "internal/meetings/2015-09-02-board-private.pdf")


def test_the_meeting_approving_minutes_with_an_exempt_minute_binds_that_minute_in_its_private_pack(builds):
    private = builds / "internal/meetings/2015-12-02-board-private.pdf"
    assert private.exists()
    assert "DECIDEDEXEMPT" in pdf_text(private)


def test_an_edit_to_confirmed_minutes_is_an_error(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(SITES / "minutes", content)
    build(content, tmp_path / "out", today=TODAY)  # the December minutes confirm the September ones
    minutes = content / "minutes/2015-09-02-board.yaml"
    minutes.write_text(minutes.read_text().replace("DECIDEDOPEN amendments", "quite different amendments"))
    run = build(content, tmp_path / "out", today=TODAY, expect=None)
    assert run.code == 1 and any("minutes/2015-09-02-board.yaml" in line for line in errors_only(run.err))


@pytest.mark.parametrize("profile", ["internal", "public"])
def test_a_boards_action_plan_on_paper_holds_the_actions_its_minutes_agreed(builds, profile):
    assert "DECIDEDOPENACTION" in pdf_text(builds / profile / "actions/groups/prevent.pdf")
    assert "DECIDEDOPENACTION" in pdf_text(builds / profile / "actions/boards/main-board.pdf")
