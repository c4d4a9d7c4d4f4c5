"""The build cache renders only what changed, and never changes a result."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent


def build(content: Path, output: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--output", str(output), "--today", "2016-01-15",
                 "--quiet", *extra])


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def inodes(folder: Path) -> dict[str, int]:
    """A rendered file is new; a reused one is the same file as before (a hard link)."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def rendered(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, inode in after.items() if before.get(path) != inode and not path.startswith("static/")
            and not path.startswith("pagefind/") and path != ".briefing-output" and not path.startswith("assets/")}


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    return built_copy(tmp_path, "--no-pdf")


def built_copy(tmp_path: Path, *extra: str) -> tuple[Path, Path]:
    """A copy of the example content, built once."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    output = tmp_path / "output"
    assert build(content, output, *extra) == 0
    return content, output


def override_template(content: Path, name: str, old: str, new: str) -> None:
    """The project's own copy of a built-in template, with `old` replaced by `new`."""
    built_in = (REPO / "templates" / name).read_text()
    assert old in built_in
    override = content.parent / "templates" / name
    override.parent.mkdir(exist_ok=True)
    override.write_text(built_in.replace(old, new))


def assert_same_as_cold(content: Path, output: Path, tmp_path: Path, *extra: str) -> None:
    cold = tmp_path / "cold" / "output"
    assert build(content, cold, *extra) == 0
    assert tree(output) == tree(cold)


def test_no_change_renders_nothing(project):
    content, output = project
    before = inodes(output)
    assert build(content, output, "--no-pdf") == 0
    assert rendered(before, inodes(output)) == set()


def test_a_second_build_of_unchanged_content_writes_nothing_but_repairs_the_output(project, tmp_path):
    content, output = project
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()}
    assert build(content, output, "--no-pdf") == 0
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()} == before
    (output / "static/style.css").unlink()
    (output / "stray.html").write_text("not ours")
    assert build(content, output, "--no-pdf") == 0
    assert (output / "static/style.css").exists() and not (output / "stray.html").exists()
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_editing_one_case_study_renders_only_the_pages_that_show_it(project, tmp_path):
    content, output = project
    before = inodes(output)
    case = content / "case-studies/nail-bar-inspection.md"
    case.write_text(case.read_text() + "\nA sentence added by the test.\n")
    assert build(content, output, "--no-pdf") == 0
    changed = rendered(before, inodes(output))
    # The pages that list the case show its title and summary, not its text.
    assert changed == {"case-studies/nail-bar-inspection.html"}
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_a_threat_title_change_rerenders_every_page_that_lists_it(project, tmp_path):
    content, output = project
    before = inodes(output)
    threat = content / "threats/bogus-workmen-doorstep-crime.md"
    threat.write_text(threat.read_text().replace("title: Bogus workmen and doorstep crime",
                                                 "title: Doorstep crime and bogus traders"))
    assert build(content, output, "--no-pdf") == 0
    changed = rendered(before, inodes(output))
    pages_listing_it = {p for p in tree(output) if p.endswith(".html")
                        and "Doorstep crime and bogus traders" in (output / p).read_text()}
    assert pages_listing_it <= changed
    assert {"index.html", "threats/index.html", "case-studies/doorstep-roofing-fraud.html"} <= pages_listing_it
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_adding_deleting_and_renaming_items(project, tmp_path):
    content, output = project
    page = content / "pages/new-page.md"
    page.write_text("---\ntitle: A page added later\n---\nHello.\n")
    assert build(content, output, "--no-pdf") == 0
    assert (output / "pages/new-page.html").exists()
    assert_same_as_cold(content, output, tmp_path / "a", "--no-pdf")

    page.rename(content / "pages/renamed-page.md")
    assert build(content, output, "--no-pdf") == 0
    assert not (output / "pages/new-page.html").exists()
    assert (output / "pages/renamed-page.html").exists()
    assert_same_as_cold(content, output, tmp_path / "b", "--no-pdf")

    (content / "pages/renamed-page.md").unlink()
    assert build(content, output, "--no-pdf") == 0
    assert not (output / "pages/renamed-page.html").exists()
    assert "A page added later" not in "".join((output / p).read_text() for p in tree(output) if p.endswith(".html"))
    assert_same_as_cold(content, output, tmp_path / "c", "--no-pdf")


def test_a_template_change_rerenders_pages(project, tmp_path):
    content, output = project
    override_template(content, "base.html", "<main", "<!-- local change --><main")
    assert build(content, output, "--no-pdf") == 0
    assert "<!-- local change -->" in (output / "threats/cyber-crime.html").read_text()
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_a_different_date_or_profile_is_not_taken_from_the_cache(project, tmp_path):
    content, output = project
    assert main(["build", "--content", str(content), "--output", str(output), "--today", "2015-01-01",
                 "--no-pdf", "--quiet"]) == 0
    assert "0</span> overdue" in " ".join((output / "index.html").read_text().split())
    assert build(content, output, "--no-pdf", "--profile", "public") == 0
    assert not (output / "case-studies/waste-contract-vetting.html").exists()
    assert_same_as_cold(content, output, tmp_path, "--no-pdf", "--profile", "public")


def cache_database(content: Path) -> Path:
    """The build cache: in the project's private folder, never beside the output."""
    return content.parent / ".briefing/cache/build.sqlite3"


def test_corrupt_cache_is_ignored(project, tmp_path):
    content, output = project
    cache = cache_database(content)
    assert cache.exists()
    cache.write_text("{ this is not json")
    assert build(content, output, "--no-pdf") == 0
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_a_cache_entry_of_the_wrong_shape_is_ignored(project, tmp_path):
    content, output = project
    database = sqlite3.connect(cache_database(content))
    (slot, text), = database.execute("SELECT slot, data FROM builds").fetchall()
    data = json.loads(text)
    page = "case-studies/nail-bar-inspection.html"
    data["outputs"][page]["reads"] = [["no such kind", "x"], ["text"], "text", 7]
    data["outputs"]["threats/cyber-crime.html"] = {"not": "a list"}
    data["state"] = ""
    with database:
        database.execute("UPDATE builds SET data = ? WHERE slot = ?", (json.dumps(data), slot))
    database.close()
    (output / page).write_text("stale")
    (output / "threats/cyber-crime.html").write_text("stale")
    assert build(content, output, "--no-pdf") == 0
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_corrupt_or_stale_model_cache_is_ignored(project, tmp_path):
    content, output = project
    database = sqlite3.connect(cache_database(content))
    with database:
        assert database.execute("UPDATE parsed SET data = 'not json'").rowcount > 0
    database.close()
    assert build(content, output, "--no-pdf") == 0
    page = content / "pages/about.md"
    page.write_text(page.read_text().replace("title: About the partnership and this site", "title: About us"))
    assert build(content, output, "--no-pdf") == 0
    assert "About us" in (output / "pages/about.html").read_text()
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_warnings_are_shown_again_on_every_build(project, capsys):
    content, output = project
    case = content / "case-studies/nail-bar-inspection.md"
    case.write_text(case.read_text().replace("title:", "review_by: 2015-06-01\ntitle:", 1))
    for _ in range(2):
        assert build(content, output, "--no-pdf") == 0
        assert "case-studies/nail-bar-inspection.md:2: warning: due for review since 2015-06-01" in capsys.readouterr().err
    other = content / "pages/about.md"
    other.write_text(other.read_text() + "\nAnother line.\n")
    assert build(content, output, "--no-pdf") == 0
    assert "case-studies/nail-bar-inspection.md:2: warning: due for review since 2015-06-01" in capsys.readouterr().err


def test_an_output_file_changed_by_hand_is_rendered_again(project, tmp_path):
    content, output = project
    page = output / "threats/cyber-crime.html"
    page.write_text("edited by hand")
    assert build(content, output, "--no-pdf") == 0
    assert page.read_text() != "edited by hand"
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_pdfs_whose_inputs_did_not_change_are_not_rendered_again(tmp_path):
    content, output = built_copy(tmp_path)
    before = inodes(output)
    spotlight = content / "spotlights/wrap-regulatory-services.md"
    spotlight.write_text(spotlight.read_text() + "\nOne more note.\n")
    assert build(content, output) == 0
    changed = {p for p in rendered(before, inodes(output)) if p.endswith(".pdf")}
    assert changed == {"spotlights/wrap-regulatory-services.pdf"}
    assert_same_as_cold(content, output, tmp_path)


def test_jobs_two_gives_the_same_output_as_jobs_one(tmp_path):
    content = REPO / "content"
    assert build(content, tmp_path / "one" / "output", "--jobs", "1") == 0
    assert build(content, tmp_path / "two" / "output", "--jobs", "2") == 0
    assert tree(tmp_path / "one" / "output") == tree(tmp_path / "two" / "output")


def test_many_pages_in_two_processes_match_one_process(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    case = (content / "case-studies/nail-bar-inspection.md").read_text()
    for number in range(450):
        (content / f"case-studies/copy-{number}.md").write_text(case.replace("title: ", f"title: Copy {number} of "))
    assert build(content, tmp_path / "one" / "output", "--jobs", "1", "--no-pdf") == 0
    assert build(content, tmp_path / "two" / "output", "--jobs", "2", "--no-pdf") == 0
    assert tree(tmp_path / "one" / "output") == tree(tmp_path / "two" / "output")


def test_a_fact_change_rerenders_the_papers_that_chart_it(project, tmp_path):
    content, output = project
    facts = content / "facts.yaml"
    facts.write_text(facts.read_text().replace("source: \"Scotland's Serious Organised Crime Strategy\"\n  year: 2015\n"
                                               "- id: west-of-scotland", "source: A source changed by the test\n"
                                               "  year: 2015\n- id: west-of-scotland", 1))
    assert build(content, output, "--no-pdf") == 0
    assert "A source changed by the test" in (output / "reports/soc-strategy-refresh.html").read_text()
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_a_page_that_shows_another_items_text_is_rendered_again_when_it_changes(project, tmp_path):
    # Pages are fingerprinted without the text of the items they list; one whose
    # template reads an item's text must still follow it.
    content, output = project
    override_template(
        content, "threat.html", "{{ item_list(case_studies, 'No case studies yet.') }}",
        "{{ item_list(case_studies, 'No case studies yet.') }}"
        "{% for case in case_studies %}<pre class=\"case-text\">{{ case.body }}</pre>{% endfor %}")
    assert build(content, output, "--no-pdf") == 0
    before = inodes(output)
    case = content / "case-studies/doorstep-roofing-fraud.md"
    case.write_text(case.read_text() + "\nA sentence added by the test.\n")
    assert build(content, output, "--no-pdf") == 0
    assert "A sentence added by the test." in (output / "threats/bogus-workmen-doorstep-crime.html").read_text()
    changed = rendered(before, inodes(output))
    assert "threats/cyber-crime.html" not in changed, "a page that shows nothing of the case is not rendered again"
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_adding_an_item_re_indexes_only_the_search_slice_it_falls_in(project, tmp_path, monkeypatch):
    import builder.search

    content, output = project[0], tmp_path / "sliced"
    monkeypatch.setattr(builder.search, "PAGES_PER_BUNDLE", 2)
    assert build(content, output, "--no-pdf") == 0
    slices = {p.parent.name: p.stat().st_ino for p in (output / "pagefind").glob("case-studies-*/pagefind-entry.json")}
    assert len(slices) >= 2
    case = content / "case-studies/doorstep-roofing-fraud.md"
    (content / "case-studies/a-new-case.md").write_text(case.read_text().replace("title: ", "title: New ", 1))
    assert build(content, output, "--no-pdf") == 0
    after = {p.parent.name: p.stat().st_ino for p in (output / "pagefind").glob("case-studies-*/pagefind-entry.json")}
    assert len([name for name in after if after[name] != slices.get(name)]) == 1


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1))


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


EDITS = {
    "a case study becomes sensitive": lambda c: _replace(
        c / "case-studies/nail-bar-inspection.md", "title:", "classification: OFFICIAL-SENSITIVE\ntitle:"),
    # Edits to the text alone take a shorter way through the build (the model and
    # the plan of the last build, revised), which must come to the same result.
    "a case study's text changes": lambda c: _append(
        c / "case-studies/nail-bar-inspection.md", "\nA sentence added by the test.\n"),
    "a text gains a link to another item": lambda c: _append(
        c / "case-studies/nail-bar-inspection.md", "\nSee also [the cyber threat](../threats/cyber-crime.md).\n"),
    "a text gains a link to a sensitive item": lambda c: _append(
        c / "pages/report-a-concern.md", "\nAs in [a vetting case](../case-studies/waste-contract-vetting.md).\n"),
    "a text loses its links": lambda c: (c / "threats/human-trafficking.md").write_text(
        (c / "threats/human-trafficking.md").read_text().replace("](", "] (")),
    "a text gains a chart": lambda c: _append(
        c / "threats/cyber-crime.md", "\n::: chart facts doorstep-victim-age staff-trained\n"),
    "a sensitive item's text changes": lambda c: _append(
        c / "case-studies/waste-contract-vetting.md", "\nA sentence that only the internal site shows.\n"),
    "a paper's text and another item's text change": lambda c: (
        _replace(c / "reports/soc-strategy-refresh.md", "## ", "## A section added by the test\n\nIts text.\n\n## "),
        _append(c / "pages/about.md", "\nAnother line.\n")),
    "the front matter gains a line above the text": lambda c: _replace(
        c / "case-studies/nail-bar-inspection.md", "\n---\n", "\n# a comment\n---\n"),
    "a page that many link to becomes a draft": lambda c: _replace(
        c / "pages/report-a-concern.md", "title:", "draft: true\ntitle:"),
    "a summary changes": lambda c: _replace(
        c / "case-studies/nail-bar-inspection.md", "summary: A routine", "summary: An ordinary"),
    "a linked case study is renamed": lambda c: (
        (c / "case-studies/nail-bar-inspection.md").rename(c / "case-studies/nail-bar-visit.md"),
        _replace(c / "threats/human-trafficking.md", "nail-bar-inspection.md", "nail-bar-visit.md")),
}


@pytest.mark.parametrize("profile", ["internal", "public"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_incremental_build_after_an_edit_equals_a_cold_build(tmp_path, edit, profile):
    content, output = built_copy(tmp_path, "--no-pdf", "--profile", profile)
    EDITS[edit](content)
    assert build(content, output, "--no-pdf", "--profile", profile) == 0
    assert_same_as_cold(content, output, tmp_path, "--no-pdf", "--profile", profile)


def test_a_text_edit_after_a_build_that_did_not_land_equals_a_cold_build(project, tmp_path):
    # A build keeps the model it loaded before its output is swapped in; if it
    # then fails, the next build's model is newer than the output. Simulated by
    # putting back the output and cache of the build before.
    content, output = project
    cache = cache_database(content)
    saved_output, saved_cache = tmp_path / "saved", cache.read_bytes()
    shutil.copytree(output, saved_output)
    _replace(content / "threats/cyber-crime.md", "title: ", "title: Retitled ")
    assert build(content, output, "--no-pdf") == 0
    shutil.rmtree(output)
    shutil.copytree(saved_output, output)
    cache.write_bytes(saved_cache)
    _append(content / "case-studies/nail-bar-inspection.md", "\nA sentence added by the test.\n")
    assert build(content, output, "--no-pdf") == 0
    assert "Retitled" in (output / "threats/index.html").read_text()
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_a_text_edit_that_breaks_a_link_is_reported(project, capsys):
    content, output = project
    before = tree(output)
    case = content / "case-studies/nail-bar-inspection.md"
    _append(case, "\nSee [the missing page](../pages/no-such-page.md).\n")
    line = len(case.read_text().splitlines())
    assert build(content, output, "--no-pdf") == 1
    assert f"case-studies/nail-bar-inspection.md:{line}: the link points to pages/no-such-page.md" \
        in capsys.readouterr().err
    assert tree(output) == before


def test_the_warnings_of_a_file_whose_text_changed_are_shown(project, capsys):
    content, output = project
    case = content / "case-studies/nail-bar-inspection.md"
    _replace(case, "title:", "review_by: 2015-06-01\ntitle:")
    assert build(content, output, "--no-pdf") == 0
    capsys.readouterr()
    _append(case, "\nA sentence added by the test.\n")
    assert build(content, output, "--no-pdf") == 0
    assert "case-studies/nail-bar-inspection.md:2: warning: due for review since 2015-06-01" in capsys.readouterr().err


def test_a_changed_image_makes_the_papers_that_show_it_again(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "tests/sites/minimal", content)
    report = content / "reports/alpha-report.md"
    _append(report, "\n![The logo](../assets/logo.svg)\n")
    output = tmp_path / "output"
    assert build(content, output) == 0
    before = inodes(output)
    logo = content / "assets/logo.svg"
    logo.write_text(logo.read_text().replace("<svg", "<svg data-changed=\"yes\"", 1))
    assert build(content, output) == 0
    assert "reports/alpha-report.pdf" in rendered(before, inodes(output))
    assert_same_as_cold(content, output, tmp_path)


def test_a_template_that_shows_whole_items_follows_their_text(project, tmp_path):
    content, output = project
    override_template(
        content, "list.html", "{% block main %}", "{% block main %}{% for i in items %}<!-- {{ i | pprint | length }} "
                            "{{ i.__dict__ | length }} {{ i }} -->{% endfor %}")
    assert build(content, output, "--no-pdf") == 0
    _append(content / "case-studies/nail-bar-inspection.md", "\nA sentence added by the test.\n")
    assert build(content, output, "--no-pdf") == 0
    assert_same_as_cold(content, output, tmp_path, "--no-pdf")


def test_another_content_folder_built_into_the_same_output_is_read_anew(tmp_path):
    # Its files have the same names, sizes and times; one has other words.
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(REPO / "content", first)
    shutil.copytree(first, second)
    case = second / "case-studies/nail-bar-inspection.md"
    times = case.stat()
    _replace(case, "Environmental health officers", "Environmental HEALTH officers")
    os.utime(case, ns=(times.st_atime_ns, times.st_mtime_ns))
    output = tmp_path / "output"
    assert build(first, output, "--no-pdf") == 0
    assert build(second, output, "--no-pdf") == 0
    assert "Environmental HEALTH officers" in (output / "case-studies/nail-bar-inspection.html").read_text()
    assert_same_as_cold(second, output, tmp_path, "--no-pdf")


def test_the_preview_shows_pages_first_then_makes_only_the_pdfs_that_changed(tmp_path):
    # `serve` builds twice after each change: the pages (linking their PDFs),
    # then the PDFs. The second build must not render any page again.
    import datetime as dt

    from builder.serve import rebuild_function

    content, output = built_copy(tmp_path)
    rebuild = rebuild_function(content, output, "internal", dt.date(2016, 1, 15), False)
    before = inodes(output)
    spotlight = content / "spotlights/wrap-regulatory-services.md"
    _append(spotlight, "\nOne more note.\n")

    assert not [p for p in rebuild(True, False) if not p.is_warning]
    pages_first = inodes(output)
    assert rendered(before, pages_first) == {"spotlights/wrap-regulatory-services.html"}
    assert not (output / "spotlights/wrap-regulatory-services.pdf").exists(), "made by the next build"
    assert 'href="wrap-regulatory-services.pdf"' in (output / "spotlights/wrap-regulatory-services.html").read_text()

    assert not [p for p in rebuild(True, True) if not p.is_warning]
    assert rendered(pages_first, inodes(output)) == {"spotlights/wrap-regulatory-services.pdf"}
    assert_same_as_cold(content, output, tmp_path)
