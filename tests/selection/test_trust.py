"""Issue 14: markings, exempt papers and the public profile hold at the edges.

Each test names the problem it guards against; each failed on the code before
the fix.
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import SITE_YAML, TODAY, all_text, build, cli, parse_html, pdf_pages, problem_lines

EXEMPT_14 = ("Exempt item: not for publication by virtue of paragraph 14 of Part 1 of Schedule 7A to the "
             "Local Government (Scotland) Act 1973")
EXEMPT_3 = EXEMPT_14.replace("paragraph 14", "paragraph 3")


def folded_pages(path) -> list[str]:
    return [" ".join((text or "").split()) for text in pdf_pages(path)]


def page_marking(text: str) -> str:
    """The marking a PDF page prints at its top and bottom (both, or it fails)."""
    match = re.search(r"(OFFICIAL(?:-SENSITIVE)?) (OFFICIAL(?:-SENSITIVE)?) Page \d+ of \d+$", text)
    assert match and match.group(1) == match.group(2), text[-120:]
    return match.group(1)


@pytest.fixture(scope="module")
def packs(site_build):
    """tests/sites/packs built with PDFs in both profiles: {profile: output}."""
    return {profile: site_build("packs", profile, pdf=True) for profile in ("internal", "public")}


# 1. Two files, one id --------------------------------------------------------

@pytest.mark.parametrize("name, named", [
    ("x .md", "a space"),
    ("x\u00a0.md", "a non-breaking space"),
    ("X.md", "'X'"),
    ("x.MD", None),
    ("x.markdown", None),
])
def test_a_name_that_is_not_exactly_an_id_is_an_error(make_project, tmp_path, name, named):
    content = make_project({
        "case-studies/x.md": "---\ntitle: Sensitive case\nclassification: OFFICIAL-SENSITIVE\n---\nSECRETBODY\n",
        f"case-studies/{name}": "---\ntitle: Open copy\n---\nOPENBODY\n",
    })
    for run in (cli("check", "--content", content, "--profile", "public"),
                build(content, tmp_path / "out", "--profile", "public", expect=1)):
        code, _, err = run
        assert code == 1
        [line] = [line for line in problem_lines(err) if line.startswith(f"case-studies/{name}")]
        assert "rename it" in line
        if named:
            assert f"it contains {named}" in line
    assert not (tmp_path / "out").exists()


def test_system_and_editor_files_are_skipped_silently(make_project):
    content = make_project({"threats/.DS_Store": b"\x00", "threats/Thumbs.db": b"\x00", "threats/desktop.ini": "x",
                            "threats/~$draft.md": b"\x00", "threats/old.md~": "x", "threats/.old.md.swp": b"\x00",
                            "threats/t.md": "---\ntitle: T\n---\n"})
    code, out, err = cli("check", "--content", content)
    assert code == 0, err
    assert "warning" not in err


def test_a_meeting_file_must_end_yaml(make_project):
    content = make_project({"meetings/m.yml": "board: main-board\ndate: 2015-09-02\n"})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "meetings/m.yml: only .yaml files belong in meetings/" in err


# 2. A misspelt field is an error --------------------------------------------

@pytest.mark.parametrize("where, text, expected", [
    ("pages/p.md", "---\ntitle: P\nclasification: OFFICIAL-SENSITIVE\n---\n", "pages/p.md:3: unknown field 'clasification'"),
    ("pages/p.md", "---\ntitle: P\nClassification: OFFICIAL-SENSITIVE\n---\n", "pages/p.md:3: unknown field 'Classification'"),
    ("meetings/m.yaml", "board: main-board\ndate: 2015-09-02\ndarft: true\n", "meetings/m.yaml:3: unknown field 'darft'"),
    ("facts.yaml", "- {id: f, value: '1', label: L, source: S, clasification: OFFICIAL-SENSITIVE}\n",
     "facts.yaml:1: unknown field 'clasification'"),
])
def test_a_misspelt_field_is_an_error(make_project, tmp_path, where, text, expected):
    content = make_project({where: text})
    code, _, err = build(content, tmp_path / "out", "--profile", "public", expect=1)
    assert any(line.startswith(expected) and "did you mean" in line for line in problem_lines(err)), err


def test_a_misspelt_setting_is_an_error(make_project):
    content = make_project({"site.yaml": SITE_YAML + "clasification: OFFICIAL-SENSITIVE\n"})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "site.yaml:10: unknown field 'clasification'" in err


# 3. Agenda packs a clerk would accept ---------------------------------------

def _agenda_numbers(pages: list[str]) -> dict[str, int]:
    """Where each paper's marker (or a line) stands on a pack's agenda."""
    cover = " ".join(pages[:2])
    found = {}
    for marker in ("OPENFIRST", "SENSITIVEPAPER", "OPENLAST", "Land at Riverside", "Paper to follow",
                   "Item not published", "Any other business"):
        match = re.search(r"(\d+) (?:Paper )?" + re.escape(marker), cover)
        if match:
            found[marker] = int(match.group(1))
    return found


@pytest.mark.pdf
def test_agenda_numbers_are_the_same_in_every_version(packs):
    members = _agenda_numbers(folded_pages(packs["internal"] / "meetings/2015-09-02-board.pdf"))
    private = _agenda_numbers(folded_pages(packs["internal"] / "meetings/2015-09-02-board-private.pdf"))
    public = _agenda_numbers(folded_pages(packs["public"] / "meetings/2015-09-02-board.pdf"))
    assert members["OPENFIRST"] == private["OPENFIRST"] == public["OPENFIRST"] == 2
    assert members["Land at Riverside"] == public["Land at Riverside"] == 4
    assert members["SENSITIVEPAPER"] == private["SENSITIVEPAPER"] == public["Item not published"] == 5
    assert members["Paper to follow"] == public["Paper to follow"] == 6
    assert members["OPENLAST"] == private["OPENLAST"] == public["OPENLAST"] == 7
    assert members["Any other business"] == public["Any other business"] == 8
    for profile in ("internal", "public"):
        page = parse_html(packs[profile] / "meetings/2015-09-02-board.html")
        numbers = {node.text(): int(node.attrs["value"]) for node in page.find_all("li", "agenda__item")}
        assert numbers[next(t for t in numbers if "OPENLAST" in t)] == 7
        assert sorted(numbers.values()) == list(range(1, 9))
        data = json.loads((packs[profile] / "content.json").read_text())
        meeting = next(i for i in data["items"] if i["id"] == "2015-09-02-board")
        assert [entry["number"] for entry in meeting["items"]] == list(range(1, 9))
        assert meeting["items"][6] == {"number": 7, "report": "open-last", "classification": "OFFICIAL"}
        ics = (packs[profile] / "meetings.ics").read_text().replace("\r\n ", "")
        assert "\\n7. Paper OPENLAST title\\n8. Any other business" in ics


@pytest.mark.pdf
def test_a_paper_left_out_prints_only_the_shared_line(packs):
    public_pack = " ".join(folded_pages(packs["public"] / "meetings/2015-09-02-board.pdf"))
    assert EXEMPT_14 in public_pack and EXEMPT_3 in public_pack
    assert "3 " + EXEMPT_14 in public_pack
    assert "4 Land at Riverside " + EXEMPT_3 in public_pack
    public_text = all_text(packs["public"])
    for marker in ("EXEMPTPAPER", "NAMEDEXEMPT", "SENSITIVEPAPER", "DRAFTPAPER", "exempt-paper", "sensitive-paper",
                   "named-exempt", "draft-paper"):
        assert marker not in public_text
    page = parse_html(packs["public"] / "meetings/2015-09-02-board.html")
    lines = [node.text() for node in page.find_all("li", "agenda__item")]
    assert lines[2] == EXEMPT_14
    assert lines[3] == "Land at Riverside " + EXEMPT_3
    assert lines[4] == "Item not published"
    assert lines[5] == "Paper to follow"


@pytest.mark.pdf
def test_the_open_pack_holds_no_exempt_text_action_or_change(packs):
    for profile in ("internal", "public"):
        for meeting in ("2015-09-02-board", "2015-12-02-board"):
            text = " ".join(folded_pages(packs[profile] / f"meetings/{meeting}.pdf"))
            assert "EXEMPTPAPER" not in text and "NAMEDEXEMPT" not in text
    private = " ".join(folded_pages(packs["internal"] / "meetings/2015-09-02-board-private.pdf"))
    assert "Body text of paper EXEMPTPAPER" in private and "Body text of paper NAMEDEXEMPT" in private
    assert "Body text of paper OPENFIRST" not in private


@pytest.mark.pdf
def test_the_private_pack_shows_open_papers_as_open_with_their_pages(packs):
    members = folded_pages(packs["internal"] / "meetings/2015-09-02-board.pdf")
    private = " ".join(folded_pages(packs["internal"] / "meetings/2015-09-02-board-private.pdf"))
    assert "Not for publication: this paper is in the private agenda pack" not in private
    for marker in ("OPENFIRST", "SENSITIVEPAPER", "OPENLAST"):
        match = re.search(rf"Director of {marker} Open item: in the agenda pack, pages (\d+) - (\d+)\.", private)
        assert match, marker
        first, last = int(match.group(1)), int(match.group(2))
        assert f"Body text of paper {marker}" in " ".join(members[first - 1:last])


@pytest.mark.pdf
def test_every_pack_page_showing_sensitive_text_is_marked_so(packs):
    for pdf in sorted(packs["internal"].glob("meetings/*.pdf")):
        for number, text in enumerate(folded_pages(pdf), start=1):
            if "SENSITIVEPAPER" in text or "EXEMPTPAPER" in text:
                assert page_marking(text) == "OFFICIAL-SENSITIVE", (pdf.name, number)


@pytest.mark.pdf
def test_since_the_last_meeting_is_marked_by_what_it_lists(packs):
    pages = folded_pages(packs["internal"] / "meetings/2015-12-02-board.pdf")
    since = next(text for text in pages if "Since the last meeting" in text)
    assert "Action of paper SENSITIVEPAPER" in since
    assert page_marking(since) == "OFFICIAL-SENSITIVE"
    assert page_marking(pages[0]) == "OFFICIAL"


# 6. Skeleton text is never published -----------------------------------------

KINDS = ("threat", "case-study", "spotlight", "report", "page", "meeting")


def test_a_new_item_is_a_draft_and_its_skeleton_text_cannot_be_published(copy_site, tmp_path):
    content = copy_site("minimal")
    for kind in KINDS:
        assert cli("new", kind, f"New {kind}", "--content", content).code == 0
    code, _, err = cli("check", "--content", content, "--today", TODAY)
    assert code == 0, err
    assert "spotlights/new-spotlight.md:16: warning: 'Describe the action agreed' is the new item's example text" in err
    folders = {"threat": "threats", "case-study": "case-studies", "spotlight": "spotlights", "report": "reports",
               "page": "pages", "meeting": "meetings"}
    for kind, folder in folders.items():
        path = next((content / folder).glob(f"new-{kind}.*"))
        assert "\ndraft: true" in path.read_text()
    spotlight = content / "spotlights/new-spotlight.md"
    spotlight.write_text(spotlight.read_text().replace("\ndraft: true", "\ndraft: false"))
    code, _, err = build(content, tmp_path / "out", expect=1)
    assert "spotlights/new-spotlight.md:16: 'Describe the action agreed' is the new item's example text" in err
    assert "spotlights/new-spotlight.md:11: 'Presenter's name'" in err
    assert not (tmp_path / "out").exists()


def test_a_drafts_preview_marks_the_skeleton_text(copy_site, tmp_path):
    content = copy_site("minimal")
    assert cli("new", "spotlight", "New spotlight", "--content", content).code == 0
    build(content, tmp_path / "out", "--drafts")
    page = parse_html(tmp_path / "out/spotlights/new-spotlight.html")
    marked = [node.text() for node in page.find_all("mark", "skeleton")]
    assert "Why the board asked for this spotlight." in marked
    assert "The main points made by the presenters." in marked
    assert not parse_html(tmp_path / "out/case-studies/alpha-case.html").find_all("mark", "skeleton")


def test_skeleton_text_pasted_into_an_existing_item_is_caught(make_project, tmp_path):
    content = make_project({"threats/t.md": "---\ntitle: T\nsigns: [A first warning sign]\n---\nIntro.\n\n"
                                            "Describe how this threat shows itself\nlocally.\n"})
    code, _, err = build(content, tmp_path / "out", expect=1)
    assert "threats/t.md:3: 'A first warning sign'" in err
    assert "threats/t.md:7: 'Describe how this threat shows itself locally.'" in err


def test_a_new_meeting_starts_with_standard_items_only(copy_site):
    content = copy_site("minimal")
    assert cli("new", "meeting", "Next board", "--content", content).code == 0
    text = (content / "meetings/next-board.yaml").read_text()
    assert "\n  - report:" not in text
    assert "alpha-report" not in text


# 7. Only assets the rendered output links are published ----------------------

def test_an_asset_named_only_in_a_comment_is_not_published(make_project, tmp_path):
    content = make_project({
        "assets/informant-photo.txt": "INFORMANT",
        "assets/style-only.txt": "STYLEONLY",
        "pages/p.md": "---\ntitle: P\n---\nText.\n\n<!-- <a href=\"../assets/informant-photo.txt\">x</a> -->\n\n"
                      "<!--\n[also](../assets/informant-photo.txt)\n\n-->\n<style>a{background:url(../assets/style-only.txt)}</style>\n",
    })
    build(content, tmp_path / "out", "--profile", "public")
    assert not (tmp_path / "out/assets/informant-photo.txt").exists()
    assert "INFORMANT" not in all_text(tmp_path / "out")


# 8. Every export row says its marking ----------------------------------------

@pytest.mark.pdf
def test_every_export_row_says_its_marking(packs):
    internal = packs["internal"]
    rows = list(csv.DictReader(io.StringIO((internal / "actions.csv").read_text(encoding="utf-8-sig"))))
    by_origin = {row["origin"]: row["marking"] for row in rows}
    assert by_origin["reports/sensitive-paper"] == "OFFICIAL-SENSITIVE"
    assert by_origin["reports/open-first"] == "OFFICIAL"
    data = json.loads((internal / "content.json").read_text())
    for item in data["items"]:
        assert item["classification"] in ("OFFICIAL", "OFFICIAL-SENSITIVE")
        for action in item.get("actions", []):
            assert action["classification"] == item["classification"]
    ics = (internal / "meetings.ics").read_bytes().decode().replace("\r\n ", "")
    events = ics.split("BEGIN:VEVENT")[1:]
    assert all("\r\nCLASS:" in event and "\r\nX-BRIEFING-MARKING:" in event for event in events)
    assert "X-BRIEFING-MARKING:OFFICIAL-SENSITIVE" in events[0] and "CLASS:CONFIDENTIAL" in events[0]
    feed = (internal / "feed.xml").read_text()
    assert feed.count("<entry>") == feed.count('scheme="urn:briefing:marking"')
    assert 'term="OFFICIAL-SENSITIVE"' in feed
    page = parse_html(internal / "reports/sensitive-paper.html")
    metadata = [node.attrs["data-pagefind-meta"] for node in page.find("main").iter() if "data-pagefind-meta" in node.attrs]
    assert metadata == ["marking:OFFICIAL-SENSITIVE"], "the marking is its own search result tag"


# The recorder of what a page shows --------------------------------------------

@pytest.mark.pdf
def test_a_page_is_marked_by_everything_it_shows(packs):
    """The December meeting's page lists, under "Since the last meeting", an action
    of an OFFICIAL-SENSITIVE paper that is on no agenda of that meeting."""
    page = (packs["internal"] / "meetings/2015-12-02-board.html").read_text()
    assert "Action of paper SENSITIVEPAPER" in page
    tree = parse_html(page)
    markings = [node.text().removeprefix("Protective marking: ") for node in tree.find_all(cls="marking")]
    assert markings and set(markings) == {"OFFICIAL-SENSITIVE"}, markings
