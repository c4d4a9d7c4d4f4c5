"""The build cache renders only what changed, and never changes a result."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from cache_project import inodes, override_template
from conftest import SITES, build, checksums, copy_project

from builder.build import PAGES_PER_PROCESS


def rendered(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {path for path, inode in after.items() if before.get(path) != inode and not path.startswith("static/")
            and not path.startswith("pagefind/") and path != ".briefing-output" and not path.startswith("assets/")}


@pytest.fixture
def project(tmp_path) -> tuple[Path, Path]:
    return built_copy(tmp_path)


def built_copy(tmp_path: Path, site: str = "partnership", *extra: str, pdf: bool = False) -> tuple[Path, Path]:
    """A copy of a fixture project at tmp_path/content, built once into tmp_path/output."""
    content = copy_project(site, tmp_path)
    output = tmp_path / "output"
    build(content, output, *extra, pdf=pdf)
    return content, output


def assert_same_as_cold(content: Path, output: Path, tmp_path: Path, *extra: str, pdf: bool = False) -> None:
    cold = tmp_path / "cold" / "output"
    build(content, cold, *extra, pdf=pdf)
    assert checksums(output) == checksums(cold)


def cache_database(content: Path) -> Path:
    """The build cache: in the project's private folder, never beside the output."""
    return content.parent / ".briefing/cache/build.sqlite3"


@pytest.mark.slow
def test_no_change_renders_nothing(project):
    """Slow: test_a_second_build_of_unchanged_content_writes_nothing_but_repairs_the_output
    (below, the same fixture) checks more: no file written, not even its time."""
    content, output = project
    before = inodes(output)
    build(content, output)
    assert rendered(before, inodes(output)) == set()


def test_a_second_build_of_unchanged_content_writes_nothing_but_repairs_the_output(project, tmp_path):
    content, output = project
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()}
    build(content, output)
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in output.rglob("*") if p.is_file()} == before
    (output / "static/style.css").unlink()
    (output / "stray.html").write_text("not ours")
    # A file briefing did not write is never deleted: the build stops and names it.
    refused = build(content, output, expect=1)
    assert "stray.html" in refused.err and (output / "stray.html").read_text() == "not ours"
    (output / "stray.html").unlink()
    build(content, output)
    assert (output / "static/style.css").exists()
    assert_same_as_cold(content, output, tmp_path)


@pytest.mark.slow
def test_editing_one_case_study_renders_only_the_pages_that_show_it(project, tmp_path):
    """Slow: test_a_second_build_renders_nothing_and_a_text_edit_renders_its_page
    (incremental/test_incremental.py) holds the promise on a smaller project."""
    content, output = project
    before = inodes(output)
    case = content / "case-studies/nail-bar-inspection.md"
    case.write_text(case.read_text() + "\nA sentence added by the test.\n")
    build(content, output)
    changed = rendered(before, inodes(output))
    # The pages that list the case show its title and summary, not its text.
    assert changed == {"case-studies/nail-bar-inspection.html"}
    assert_same_as_cold(content, output, tmp_path)


def test_a_threat_title_change_rerenders_every_page_that_lists_it(project, tmp_path):
    content, output = project
    before = inodes(output)
    threat = content / "threats/bogus-workmen-doorstep-crime.md"
    threat.write_text(threat.read_text().replace("title: Bogus workmen and doorstep crime",
                                                 "title: Doorstep crime and bogus traders"))
    build(content, output)
    changed = rendered(before, inodes(output))
    pages_listing_it = {p for p in checksums(output) if p.endswith(".html")
                        and "Doorstep crime and bogus traders" in (output / p).read_text()}
    assert pages_listing_it <= changed
    assert {"index.html", "threats/index.html", "case-studies/doorstep-roofing-fraud.html"} <= pages_listing_it
    assert_same_as_cold(content, output, tmp_path)


def test_adding_deleting_and_renaming_items(project, tmp_path):
    content, output = project
    page = content / "pages/new-page.md"
    page.write_text("---\ntitle: A page added later\n---\nHello.\n")
    build(content, output)
    assert (output / "pages/new-page.html").exists()
    assert_same_as_cold(content, output, tmp_path / "a")

    page.rename(content / "pages/renamed-page.md")
    build(content, output)
    assert not (output / "pages/new-page.html").exists()
    assert (output / "pages/renamed-page.html").exists()
    assert_same_as_cold(content, output, tmp_path / "b")

    (content / "pages/renamed-page.md").unlink()
    build(content, output)
    assert not (output / "pages/renamed-page.html").exists()
    assert "A page added later" not in "".join((output / p).read_text() for p in checksums(output) if p.endswith(".html"))
    assert_same_as_cold(content, output, tmp_path / "c")


def test_a_template_change_rerenders_pages(project, tmp_path):
    content, output = project
    override_template(content, "base.html", "<main", "<!-- local change --><main")
    build(content, output)
    assert "<!-- local change -->" in (output / "threats/cyber-crime.html").read_text()
    assert_same_as_cold(content, output, tmp_path)


def test_a_different_date_or_profile_is_not_taken_from_the_cache(project, tmp_path):
    content, output = project
    build(content, output, today="2015-01-01")
    assert "0</span> overdue" in " ".join((output / "index.html").read_text().split())
    build(content, output, "--profile", "public", "--replace-other-profile")
    assert not (output / "case-studies/waste-contract-vetting.html").exists()
    assert_same_as_cold(content, output, tmp_path, "--profile", "public")


def test_corrupt_cache_is_ignored(project, tmp_path):
    content, output = project
    cache = cache_database(content)
    assert cache.exists()
    cache.write_text("{ this is not json")
    build(content, output)
    assert_same_as_cold(content, output, tmp_path)


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
    build(content, output)
    assert_same_as_cold(content, output, tmp_path)


def test_corrupt_or_stale_model_cache_is_ignored(project, tmp_path):
    content, output = project
    database = sqlite3.connect(cache_database(content))
    with database:
        assert database.execute("UPDATE parsed SET data = 'not json'").rowcount > 0
    database.close()
    build(content, output)
    _replace(content / "pages/about.md", "title: About the partnership and this site", "title: About us")
    build(content, output)
    assert "About us" in (output / "pages/about.html").read_text()
    assert_same_as_cold(content, output, tmp_path)


def test_warnings_are_shown_again_on_every_build(project):
    content, output = project
    _replace(content / "case-studies/nail-bar-inspection.md", "title:", "review_by: 2015-06-30\ntitle:")
    warning = "case-studies/nail-bar-inspection.md:2: warning: due for review since 2015-06-30"
    for _ in range(2):
        assert warning in build(content, output).err
    _append(content / "pages/about.md", "\nAnother line.\n")
    assert warning in build(content, output).err


def test_an_output_file_changed_by_hand_is_rendered_again(project, tmp_path):
    content, output = project
    page = output / "threats/cyber-crime.html"
    page.write_text("edited by hand")
    build(content, output)
    assert page.read_text() != "edited by hand"
    assert_same_as_cold(content, output, tmp_path)


# The action plans on paper that list the minimal spotlight's action record the version
# of its file; the Integrity Group's plan, the paper and the pack do not.
SPOTLIGHT_ACTION_PLANS = {"actions/action-plan.pdf", "actions/boards/main-board.pdf", "actions/groups/prevent.pdf"}


@pytest.mark.pdf
def test_pdfs_whose_inputs_did_not_change_are_not_rendered_again(tmp_path):
    content, output = built_copy(tmp_path, "minimal", pdf=True)
    before = inodes(output)
    _append(content / "spotlights/alpha-spotlight.md", "\nOne more note.\n")
    build(content, output, pdf=True)
    changed = {p for p in rendered(before, inodes(output)) if p.endswith(".pdf")}
    assert changed == {"spotlights/alpha-spotlight.pdf"} | SPOTLIGHT_ACTION_PLANS
    assert_same_as_cold(content, output, tmp_path, pdf=True)


@pytest.mark.pdf
def test_jobs_two_gives_the_same_output_as_jobs_one(site_build, copy_site, tmp_path):
    one = site_build("minimal", pdf=True)  # built with --jobs 1
    build(copy_site("minimal"), tmp_path / "two", "--jobs", "2", pdf=True)
    assert checksums(one) == checksums(tmp_path / "two")


def test_many_pages_in_two_processes_match_one_process(tmp_path):
    # Pages enough for two page-writing processes (over 2 x PAGES_PER_PROCESS) in
    # several slices. Without search: Pagefind reads the pages once written, the
    # same whichever process wrote them.
    content = copy_project("partnership", tmp_path)
    case = (content / "case-studies/nail-bar-inspection.md").read_text()
    for number in range(2 * PAGES_PER_PROCESS - 40):
        (content / f"case-studies/copy-{number}.md").write_text(case.replace("title: ", f"title: Copy {number} of "))
    build(content, tmp_path / "one" / "output", "--jobs", "1", search=False)
    build(content, tmp_path / "two" / "output", "--jobs", "2", search=False)
    assert checksums(tmp_path / "one" / "output") == checksums(tmp_path / "two" / "output")


def test_a_fact_change_rerenders_the_papers_that_chart_it(project, tmp_path):
    content, output = project
    facts = content / "facts.yaml"
    facts.write_text(facts.read_text().replace("source: \"Scotland's Serious Organised Crime Strategy\"\n  year: 2015\n"
                                               "- id: west-of-scotland", "source: A source changed by the test\n"
                                               "  year: 2015\n- id: west-of-scotland", 1))
    build(content, output)
    assert "A source changed by the test" in (output / "reports/soc-strategy-refresh.html").read_text()
    assert_same_as_cold(content, output, tmp_path)


def test_a_page_that_shows_another_items_text_is_rendered_again_when_it_changes(project, tmp_path):
    # Pages are fingerprinted without the text of the items they list; one whose
    # template reads an item's text must still follow it.
    content, output = project
    override_template(
        content, "threat.html", "{{ item_list(case_studies, 'No case studies yet.') }}",
        "{{ item_list(case_studies, 'No case studies yet.') }}"
        "{% for case in case_studies %}<pre class=\"case-text\">{{ case.body }}</pre>{% endfor %}")
    build(content, output)
    before = inodes(output)
    case = content / "case-studies/doorstep-roofing-fraud.md"
    case.write_text(case.read_text() + "\nA sentence added by the test.\n")
    build(content, output)
    assert "A sentence added by the test." in (output / "threats/bogus-workmen-doorstep-crime.html").read_text()
    changed = rendered(before, inodes(output))
    assert "threats/cyber-crime.html" not in changed, "a page that shows nothing of the case is not rendered again"
    assert_same_as_cold(content, output, tmp_path)


def test_adding_an_item_re_indexes_only_the_search_slice_it_falls_in(project, tmp_path, monkeypatch):
    import builder.plan.search_bundles

    content, output = project[0], tmp_path / "sliced"
    monkeypatch.setattr(builder.plan.search_bundles, "PAGES_PER_BUNDLE", 2)
    build(content, output)
    slices = {p.parent.name: p.stat().st_ino for p in (output / "pagefind").glob("case-studies-*/pagefind-entry.json")}
    assert len(slices) >= 2
    case = content / "case-studies/doorstep-roofing-fraud.md"
    (content / "case-studies/a-new-case.md").write_text(case.read_text().replace("title: ", "title: New ", 1))
    build(content, output)
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


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["internal", "public"])
@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_incremental_build_after_an_edit_equals_a_cold_build(tmp_path, edit, profile):
    """Slow: `make test` holds the same promise (an incremental build equals a cold
    one) with test_an_incremental_build_after_any_edits_equals_a_cold_build
    (incremental/test_incremental.py: text, markings, drafts, renames, added pages
    in either profile) and the named edits above; `make test-deep` runs this
    matrix of edits on the partnership fixture."""
    content, output = built_copy(tmp_path, "partnership", "--profile", profile)
    EDITS[edit](content)
    build(content, output, "--profile", profile)
    assert_same_as_cold(content, output, tmp_path, "--profile", profile)


def test_a_text_edit_after_a_build_that_did_not_land_equals_a_cold_build(project, tmp_path):
    # A build keeps the model it loaded before its output is swapped in; if it
    # then fails, the next build's model is newer than the output. Simulated by
    # putting back the output and cache of the build before.
    content, output = project
    cache = cache_database(content)
    saved_output, saved_cache = tmp_path / "saved", cache.read_bytes()
    shutil.copytree(output, saved_output)
    _replace(content / "threats/cyber-crime.md", "title: ", "title: Retitled ")
    build(content, output)
    shutil.rmtree(output)
    shutil.copytree(saved_output, output)
    cache.write_bytes(saved_cache)
    _append(content / "case-studies/nail-bar-inspection.md", "\nA sentence added by the test.\n")
    build(content, output)
    assert "Retitled" in (output / "threats/index.html").read_text()
    assert_same_as_cold(content, output, tmp_path)


def test_a_text_edit_that_breaks_a_link_is_reported(project):
    content, output = project
    before = checksums(output)
    case = content / "case-studies/nail-bar-inspection.md"
    _append(case, "\nSee [the missing page](../pages/no-such-page.md).\n")
    line = len(case.read_text().splitlines())
    assert f"case-studies/nail-bar-inspection.md:{line}: the link points to pages/no-such-page.md" \
        in build(content, output, expect=1).err
    assert checksums(output) == before


def test_the_warnings_of_a_file_whose_text_changed_are_shown(project):
    content, output = project
    case = content / "case-studies/nail-bar-inspection.md"
    _replace(case, "title:", "review_by: 2015-06-30\ntitle:")
    build(content, output)
    _append(case, "\nA sentence added by the test.\n")
    assert "case-studies/nail-bar-inspection.md:2: warning: due for review since 2015-06-30" \
        in build(content, output).err


@pytest.mark.pdf
def test_a_changed_image_makes_the_papers_that_show_it_again(tmp_path):
    content = copy_project("minimal", tmp_path)
    _append(content / "reports/alpha-report.md", "\n![The logo](../assets/logo.svg)\n")
    output = tmp_path / "output"
    build(content, output, pdf=True)
    before = inodes(output)
    _replace(content / "assets/logo.svg", "<svg", "<svg data-changed=\"yes\"")
    build(content, output, pdf=True)
    assert "reports/alpha-report.pdf" in rendered(before, inodes(output))
    assert_same_as_cold(content, output, tmp_path, pdf=True)


def test_a_template_that_shows_whole_items_follows_their_text(project, tmp_path):
    content, output = project
    override_template(
        content, "list.html", "{% block main %}", "{% block main %}{% for i in items %}<!-- {{ i | pprint | length }} "
                            "{{ i.__dict__ | length }} {{ i }} -->{% endfor %}")
    build(content, output)
    _append(content / "case-studies/nail-bar-inspection.md", "\nA sentence added by the test.\n")
    build(content, output)
    assert_same_as_cold(content, output, tmp_path)


def test_another_content_folder_built_into_the_same_output_is_read_anew(tmp_path):
    # Its files have the same names, sizes and times; one has other words.
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(SITES / "partnership", first)
    shutil.copytree(first, second)
    case = second / "case-studies/nail-bar-inspection.md"
    times = case.stat()
    _replace(case, "Environmental health officers", "Environmental HEALTH officers")
    os.utime(case, ns=(times.st_atime_ns, times.st_mtime_ns))
    output = tmp_path / "output"
    build(first, output)
    build(second, output)
    assert "Environmental HEALTH officers" in (output / "case-studies/nail-bar-inspection.html").read_text()
    assert_same_as_cold(second, output, tmp_path)


@pytest.mark.pdf
def test_the_preview_shows_pages_first_then_makes_only_the_pdfs_that_changed(tmp_path):
    # `serve` builds twice after each change: the pages (linking their PDFs),
    # then the PDFs. The second build must not render any page again.
    import datetime as dt

    from builder.commands.serve import rebuild_function

    content, output = built_copy(tmp_path, "minimal", pdf=True)
    rebuild = rebuild_function(content, output, "internal", dt.date(2016, 1, 15), False)
    before = inodes(output)
    _append(content / "spotlights/alpha-spotlight.md", "\nOne more note.\n")

    assert not [p for p in rebuild(True, False) if not p.is_warning]
    pages_first = inodes(output)
    assert rendered(before, pages_first) == {"spotlights/alpha-spotlight.html"}
    assert not (output / "spotlights/alpha-spotlight.pdf").exists(), "made by the next build"
    assert 'href="alpha-spotlight.pdf"' in (output / "spotlights/alpha-spotlight.html").read_text()

    assert not [p for p in rebuild(True, True) if not p.is_warning]
    assert rendered(pages_first, inodes(output)) == {"spotlights/alpha-spotlight.pdf"} | SPOTLIGHT_ACTION_PLANS
    assert_same_as_cold(content, output, tmp_path, pdf=True)
