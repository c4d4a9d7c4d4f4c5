"""The promises of SECURITY.md: profiles (nothing of an OFFICIAL-SENSITIVE item,
an exempt paper or a draft reaches a public build, in any file; drafts reach no
build; a public item linking to an excluded one keeps the link text only, with a
warning), hostile markup is inert, no network, and nothing outside the content
folder is read. (That a failed build loses nothing is in tests/publish/test_build_output.py.)

Most tests read tests/sites/leaks/, whose excluded items carry a marker word in
every field: LEAK... for OFFICIAL-SENSITIVE and exempt items, LEAKDRAFT... for drafts.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SITES, build, cli, everything_readable, parse_html, pdf_pages, problem_lines

LEAKS = SITES / "leaks"
MARKERS = sorted({m for file in LEAKS.rglob("*") if file.is_file()
                  for m in re.findall(r"\bLEAK[A-Z]+\b", file.read_text(encoding="utf-8"))})
DRAFT_MARKERS = [m for m in MARKERS if m.startswith("LEAKDRAFT")]
SENSITIVE_MARKERS = [m for m in MARKERS if not m.startswith("LEAKDRAFT")]
EXCLUDED_PAGES = ["case-studies/sensitive-case.html", "threats/sensitive-threat.html", "reports/exempt-report.html",
                  "spotlights/sensitive-spotlight.html"]
DRAFT_PAGES = ["spotlights/draft-spotlight.html", "pages/draft-page.html"]


def found(markers: list[str], text: str) -> list[str]:
    """The markers that appear in text, in any case (the search index keeps words in lower case)."""
    text = text.lower()
    return [m for m in markers if m.lower() in text]


@pytest.fixture(scope="module")
def builds(site_build) -> dict[str, Path]:
    return {profile: site_build("leaks", profile, pdf=True) for profile in ("public", "internal")}


@pytest.fixture(scope="module")
def readable(builds) -> dict[str, str]:
    return {profile: everything_readable(output) for profile, output in builds.items()}


def test_the_markers_are_many_and_cover_every_kind_of_field():
    assert len(SENSITIVE_MARKERS) >= 25 and len(DRAFT_MARKERS) >= 7
    for expected in ("LEAKCASELESSON", "LEAKTHREATSIGN", "LEAKREPORTACTIONONE", "LEAKAGENDANOTE", "LEAKDRAFTACTION",
                     "LEAKFACTLABEL", "LEAKSVGASSET", "LEAKAPPENDIXASSET", "LEAKPRESENTERORG", "LEAKIMPLICATION"):
        assert expected in MARKERS


@pytest.mark.pdf
def test_the_public_build_holds_no_marker_in_any_file(builds, readable):
    assert "Alpha report" in readable["public"], "the public items are there"
    assert (builds["public"] / "reports/public-report.pdf").exists()
    assert found(MARKERS, readable["public"]) == []


@pytest.mark.pdf
def test_the_internal_build_holds_sensitive_and_exempt_items_but_no_draft(readable):
    assert [m for m in SENSITIVE_MARKERS if m not in found(SENSITIVE_MARKERS, readable["internal"])] == []
    assert found(DRAFT_MARKERS, readable["internal"]) == []


@pytest.mark.pdf
def test_pages_and_files_of_excluded_items_do_not_exist(builds):
    for page in EXCLUDED_PAGES + DRAFT_PAGES:
        assert not (builds["public"] / page).exists(), page
    for page in EXCLUDED_PAGES:
        assert (builds["internal"] / page).exists(), page
    for page in DRAFT_PAGES:
        assert not (builds["internal"] / page).exists(), page
    assert not (builds["public"] / "assets/leak-image.svg").exists()
    assert not (builds["public"] / "assets/leak-appendix.txt").exists()
    assert (builds["internal"] / "assets/leak-appendix.txt").exists()
    assert not (builds["public"] / "reports/exempt-report.pdf").exists()
    assert not (builds["public"] / "meetings/2015-09-02-board-private.pdf").exists()
    assert not (builds["internal"] / "spotlights/draft-spotlight.pdf").exists()


@pytest.mark.pdf
def test_links_to_excluded_items_keep_their_text_only(builds):
    body = parse_html(builds["public"] / "pages/public-page.html").find("main")
    for words in ("the sensitive case", "the exempt paper", "a page in draft"):
        assert words in body.text()
    hrefs = [a.attrs.get("href", "") for a in body.find_all("a")]
    assert not [h for h in hrefs if "sensitive-case" in h or "exempt-report" in h or "draft-page" in h]
    assert not [a for a in body.find_all("a") if a.text() in ("the sensitive case", "the exempt paper")]

    threat = (builds["public"] / "threats/public-threat.html").read_text(encoding="utf-8")
    assert "the hidden threat" in threat and "sensitive-threat.html" not in threat
    assert "the draft" in threat and "draft-page.html" not in threat
    report = (builds["public"] / "reports/public-report.html").read_text(encoding="utf-8")
    assert "the exempt one" in report and "exempt-report" not in report

    internal = parse_html(builds["internal"] / "pages/public-page.html").find("main")
    links = {a.text(): a.attrs.get("href") for a in internal.find_all("a")}
    assert links["the sensitive case"] == "../case-studies/sensitive-case.html"
    assert links["the exempt paper"] == "../reports/exempt-report.html#summary"
    assert "a page in draft" not in links, "a draft is left out of every build"


def test_check_warns_about_each_link_to_an_excluded_item_at_its_line():
    code, _, err = cli("check", "--content", LEAKS, "--profile", "public")
    assert code == 0, err
    warnings = [line for line in problem_lines(err) if ": warning: " in line]
    for start in ("pages/public-page.md:6: warning: links to case-studies/sensitive-case.md",
                  "pages/public-page.md:7: warning: links to reports/exempt-report.md",
                  "pages/public-page.md:9: warning: links to pages/draft-page.md",
                  "threats/public-threat.md:9: warning: links to threats/sensitive-threat.md",
                  "threats/public-threat.md:9: warning: links to pages/draft-page.md",
                  "reports/public-report.md:10: warning: links to reports/exempt-report.md"):
        assert any(w.startswith(start) for w in warnings), f"{start}\n{err}"


def test_links_to_excluded_items_are_warned_about_however_they_are_written(copy_site):
    content = copy_site("leaks", {"pages/other-page.md": (
        "---\ntitle: Other page\n---\n"
        "- A list\n"
        "    - nested, linking [the case](../case-studies/sensitive-case.md)\n"
        "\n"
        "Wrapped: [the exempt\n"
        "paper](../reports/exempt-report.md).\n"
    )})
    code, _, err = cli("check", "--content", content, "--profile", "public")
    assert code == 0, err
    assert "pages/other-page.md:5: warning: links to case-studies/sensitive-case.md" in err
    assert re.search(r"^pages/other-page\.md:[78]: warning: links to reports/exempt-report\.md", err, re.MULTILINE), err


def _counts(output: Path) -> list[str]:
    return [n.text() for n in parse_html(output / "index.html").find_all(cls="action-counts__number")]


@pytest.mark.pdf
def test_action_counts_leave_out_the_actions_of_excluded_items(builds):
    # Public: the minimal site's own actions, one open and overdue (spotlight, due
    # 2015-12-31) and one in progress, not yet due (paper, due 2016-03-31). Internal
    # adds the sensitive spotlight's (overdue) and the exempt paper's two (one
    # overdue); the draft's overdue action never counts.
    assert _counts(builds["public"]) == ["2", "1"]
    assert _counts(builds["internal"]) == ["5", "3"]
    plan = everything_readable(builds["public"] / "actions")
    assert "LEAKREPORTACTIONONE" not in plan and "Run an awareness session" in plan


@pytest.mark.pdf
def test_the_agenda_of_a_public_build_leaves_out_the_exempt_paper(builds):
    public = parse_html(builds["public"] / "meetings/2015-09-02-board.html").find("main").text()
    internal = parse_html(builds["internal"] / "meetings/2015-09-02-board.html").find("main").text()
    assert "Alpha report" in public and "Alpha report" in internal
    assert "LEAK" not in public
    assert "LEAKREPORTTITLE" in internal and "LEAKAGENDANOTE" in internal


@pytest.mark.pdf
def test_the_exempt_paper_says_it_is_not_for_publication(builds):
    text = parse_html(builds["internal"] / "reports/exempt-report.html").find("main").text()
    assert "Not for publication" in text and "paragraph 14 of Part I of Schedule 7A" in text
    assert "Not for publication" not in parse_html(builds["internal"] / "reports/alpha-report.html").text()


@pytest.mark.pdf
def test_the_pages_that_showed_a_sensitive_item_are_official_in_public(builds):
    def marking(output: Path, page: str) -> str:
        return parse_html(output / page).find(cls="marking").attrs.get("data-marking", "")

    assert marking(builds["internal"], "case-studies/index.html") == "OFFICIAL-SENSITIVE"
    assert marking(builds["public"], "case-studies/index.html") == "OFFICIAL"
    assert marking(builds["public"], "threats/alpha-threat.html") == "OFFICIAL"


# Hostile markup and the network -------------------------------------------------

HOSTILE = """\
## Pasted from an e-mail

<script>alert('HOSTILE-SCRIPT')</script>
<p onclick="alert('HOSTILE-ONCLICK')" onmouseover="x()">Click</p>
<img src="../assets/leak-image.svg" alt="logo" onerror="alert('HOSTILE-ONERROR')">
<a href="javascript:alert('HOSTILE-JSLINK')">js link</a>
<a href="data:text/html;base64,SE9TVElMRQ==">data link</a>
[markdown js](javascript:alert('HOSTILE-MDLINK'))
<iframe src="{url}/frame"></iframe>
<object data="{url}/object"></object>
<embed src="{url}/embed">
<form action="{url}/form"><input name="q"></form>
<style>@import url("{url}/style.css"); body {{ display: none }}</style>
<svg><script>alert('HOSTILE-SVG')</script><a href="javascript:alert(1)">svg</a></svg>
<meta http-equiv="refresh" content="0; url={url}/refresh">
<base href="{url}/">
<link rel="stylesheet" href="{url}/link.css">
<link rel="attachment" href="file:///etc/passwd">

Plain text after the attack.
"""


@pytest.mark.pdf
def test_hostile_markup_is_inert_in_html_and_pdf_and_nothing_is_fetched(copy_site, tmp_path, counting_server):
    hostile = HOSTILE.format(url=counting_server.url)
    report = (LEAKS / "reports/public-report.md").read_text(encoding="utf-8")
    content = copy_site("leaks", {"pages/hostile.md": "---\ntitle: Hostile page\n---\n" + hostile,
                                  "reports/public-report.md": report + "\n" + hostile})
    output = tmp_path / "output"
    build(content, output, pdf=True)
    for page in ("pages/hostile.html", "reports/public-report.html"):
        html = (output / page).read_text(encoding="utf-8")
        main_part = html[html.index('<main'):html.index("</main>")]
        assert "Plain text after the attack." in main_part
        for bad in ("<script", "alert(", "onclick", "onmouseover", "onerror", "javascript:", "data:text",
                    "<iframe", "<object", "<embed", "<form", "<input", "<style", "@import", "<svg", "<meta",
                    "<base", "<link", "127.0.0.1", "file:"):
            assert bad not in main_part, (page, bad)
    assert "root:" not in everything_readable(output / "reports"), "/etc/passwd must never be embedded"
    assert "HOSTILE-" not in "\n".join(pdf_pages(output / "reports/public-report.pdf"))
    assert counting_server.requests == [], "a build must never open a network connection"


@pytest.mark.parametrize("image", [
    "![pixel](http://example.org/p.png)",
    '<img src="http://127.0.0.1:9/tracker.png" alt="tracker">',
    "<IMG SRC='file:///etc/passwd'>",
    '<img alt="x" src=data:image/png;base64,AAAA>',
])
def test_images_from_anywhere_but_assets_are_an_error(copy_site, image):
    content = copy_site("leaks", {"pages/tracker.md": f"---\ntitle: Tracker\n---\nText.\n{image}\n"})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "pages/tracker.md:5: the image '" in err


@pytest.mark.parametrize("target", ["../../../etc/passwd", "/etc/passwd"])
def test_links_out_of_the_content_folder_are_errors(copy_site, target):
    content = copy_site("leaks", {"pages/escape.md": f"---\ntitle: Escape\n---\n![x](../assets/{target})\n[y]({target})\n"})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert "pages/escape.md:4:" in err and "pages/escape.md:5:" in err


# Nothing outside the content folder is read -------------------------------------

def test_symlinks_pointing_outside_are_never_read(copy_site, tmp_path):
    content = copy_site("leaks")
    secret = tmp_path / "secret.txt"
    secret.write_text("OUTSIDE-SECRET")
    (content / "assets/linked.txt").symlink_to(secret)
    (content / "pages/linked.md").symlink_to(secret)
    output = tmp_path / "output"
    err = build(content, output, expect=1).err
    assert "assets/linked.txt: this file is a link to somewhere outside the content folder" in err
    assert "pages/linked.md: this file is a link to somewhere outside the content folder" in err
    assert "OUTSIDE-SECRET" not in err and not output.exists()


def test_a_folder_linked_to_somewhere_outside_is_never_read(copy_site, tmp_path):
    content = copy_site("leaks")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text("---\ntitle: OUTSIDE-SECRET\n---\nOUTSIDE-SECRET\n")
    (content / "case-studies").rename(tmp_path / "case-studies-moved")
    (content / "case-studies").symlink_to(elsewhere, target_is_directory=True)
    output = tmp_path / "output"
    err = build(content, output, expect=1).err
    assert "case-studies/secret.md: this file is a link to somewhere outside the content folder" in err
    assert "OUTSIDE-SECRET" not in err and not output.exists()
