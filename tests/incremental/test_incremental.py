"""The incremental build equals a cold build, byte for byte, whatever was edited.

The property test draws a sequence of edits (text, markings, exempt, drafts,
renames, deletions, templates that print whole items, assets, facts, and
edits that keep a file's size and modification time) and, after each one,
builds incrementally and from nothing in a profile, and compares the trees.
A second property test does the same on the minutes fixture with the edits an
adversarial review chose (minutes, aliases, exempt
appendices, publish_from, issued packs and their record). `make test` runs a few
derandomised examples; `make test-deep` many, with PDFs in a share of them.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from importlib import metadata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder.incremental import store, fingerprints, reuse
from builder.render import templates
from builder.model.content import Page
from cache_project import (SECRET, SENSITIVE, built, cold_build, delete_item, draft, edit_keeping_size_and_time, inodes,
                           marking, override_template, rename_item, rendered, small_project)
from conftest import REPO, SITES, TODAY, build, cli, copy_project, write_files
from conftest import checksums as tree


def _tier() -> settings:
    """The tier the run asks for (`--hypothesis-profile`); without tiers, a few
    derandomised examples, as `make test` wants."""
    checks = dict(deadline=None, suppress_health_check=list(HealthCheck))
    if settings.get_current_profile_name() == "default":
        return settings(max_examples=3, derandomize=True, **checks)
    if settings.get_current_profile_name() == "deep":
        # Each example is several builds, each checked against a cold one: 100 keep CI well inside its time.
        return settings(max_examples=100, **checks)
    return settings(**checks)


# Edits ------------------------------------------------------------------------------------

TEMPLATES = [
    # A plain change to every page.
    ("base.html", "<main", "<!-- a local change --><main"),
    # Whole items printed: their repr (which leaves the text out), and around the recorder.
    ("list.html", "{% block main %}", "{% block main %}<!-- {{ items | string | length }} -->"),
    ("case-study.html", "{% block main %}", "{% block main %}<!-- {{ '%r' | format(item) | length }} -->"),
    ("page.html", "{% block main %}", "{% block main %}<!-- {{ item.__dict__ | length }} {{ site | pprint | length }} -->"),
    # Other items' text, through the recorder.
    ("threat.html", "{% block main %}",
     "{% block main %}<!-- {% for case in case_studies %}{{ case.body | length }} {% endfor %} -->"),
]


def _items(content: Path, folders: tuple[str, ...] = ("threats", "case-studies", "reports", "spotlights", "pages")):
    return sorted(p for folder in folders for p in (content / folder).glob("*.md"))


def _pick(paths: list[Path], index: int) -> Path | None:
    return paths[index % len(paths)] if paths else None


def _toggle(path: Path, first: str, second: str, keep_time: bool) -> None:
    text = path.read_text(encoding="utf-8")
    old, new = (first, second) if first in text else (second, first)
    if keep_time:
        edit_keeping_size_and_time(path, old, new)
    else:
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def apply_edit(content: Path, edit: tuple, step: int) -> None:
    kind, index, keep_time = edit
    if kind == "text":
        path = _pick(_items(content), index)
        path.write_text(path.read_text(encoding="utf-8") + f"\nA sentence added at step {step}.\n", encoding="utf-8")
    elif kind == "mark":
        _toggle(_pick(_items(content), index), marking(False), marking(True), keep_time)
    elif kind == "draft":
        _toggle(_pick(_items(content), index), draft(False), draft(True), keep_time)
    elif kind == "exempt":
        _toggle(_pick(_items(content, ("reports",)), index), "# exempt: 1", "exempt: 1  ", keep_time)
    elif kind == "rename":
        path = _pick(_items(content, ("case-studies", "pages", "spotlights")), index)
        rename_item(content, path.parent.name, path.stem, f"{path.stem[:20]}-r{step}")
    elif kind == "delete":
        path = _pick(_items(content, ("case-studies", "pages")), index)
        named = any(f"{path.parent.name}/{path.stem}]" in p.read_text(encoding="utf-8") or
                    f"{path.parent.name}/{path.stem}," in p.read_text(encoding="utf-8")
                    for p in content.rglob("*") if p.is_file() and p.suffix in (".md", ".yaml"))
        if named or len(_items(content, (path.parent.name,))) < 2:
            path.write_text(path.read_text(encoding="utf-8") + "\nInstead of a deletion.\n", encoding="utf-8")
        else:
            delete_item(content, path.parent.name, path.stem)
    elif kind == "add":
        linked = _pick(_items(content, ("threats", "case-studies")), index)
        write_files(content, {f"pages/added-{step}.md": (
            f"---\ntitle: Added at step {step}\n{marking(index % 3 == 0)}\n{draft(False)}\n---\n"
            f"See [this](../{linked.parent.name}/{linked.name}).\n")})
    elif kind == "template":
        name, old, new = TEMPLATES[index % len(TEMPLATES)]
        override = content.parent / "templates" / name
        if override.exists() and new in override.read_text():
            override.unlink()
        else:
            override_template(content, name, old, new)
    elif kind == "asset":
        _toggle(content / "assets/logo.svg", "#1f4e79", "#79411f", keep_time)
    elif kind == "fact":
        _toggle(content / "facts.yaml", '"42%"', '"43%"', keep_time)


EDITS = st.tuples(st.sampled_from(["text", "mark", "draft", "exempt", "rename", "delete", "add", "template",
                                   "asset", "fact"]),
                  st.integers(0, 50), st.booleans())


@pytest.mark.property
@_tier()
@given(profile=st.sampled_from(["internal", "public"]), edits=st.lists(EDITS, min_size=1, max_size=4),
       pdf_share=st.integers(0, 3))
def test_an_incremental_build_after_any_edits_equals_a_cold_build(profile, edits, pdf_share):
    # PDFs are slow: only in the deep tier, and there in a quarter of the examples.
    with_pdf = pdf_share == 0 and settings.get_current_profile_name() == "deep"
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        content = small_project(root / "project")
        output = root / "project" / "output"
        build(content, output, "--profile", profile, pdf=with_pdf)
        for step, edit in enumerate(edits):
            apply_edit(content, edit, step)
            code = build(content, output, "--profile", profile, pdf=with_pdf, expect=None).code
            cold_code, cold = cold_build(content, root / f"cold-{step}", "--profile", profile, pdf=with_pdf)
            assert code == cold_code, f"after {edits[:step + 1]}"
            if code == 0:
                assert tree(output) == tree(cold), f"after {edits[:step + 1]}"


# What a build renders again ---------------------------------------------------------------


def test_a_file_re_marked_with_the_same_size_and_time_is_noticed(tmp_path):
    content = small_project(tmp_path)
    public = tmp_path / "public"
    build(content, public, "--profile", "public")
    assert (public / "case-studies/case-one.html").exists()
    edit_keeping_size_and_time(content / "case-studies/case-one.md", marking(False), marking(True))
    build(content, public, "--profile", "public")
    assert not (public / "case-studies/case-one.html").exists(), "a file re-marked is left out at once"
    assert "Case one" not in (public / "case-studies/index.html").read_text()
    assert cli("check", "--content", content, "--profile", "public", "--today", TODAY).code == 0


def test_a_second_build_renders_nothing_and_a_text_edit_renders_its_page(built):
    content, output = built
    before = inodes(output)
    build(content, output)
    assert inodes(output) == before, "nothing changed, nothing written"
    (content / "case-studies/case-one.md").write_text(
        (content / "case-studies/case-one.md").read_text() + "\nOne more sentence.\n")
    build(content, output)
    assert rendered(before, inodes(output)) == {"case-studies/case-one.html"}


def test_a_touched_file_renders_nothing(built):
    content, output = built
    before = inodes(output)
    for path in content.rglob("*"):
        os.utime(path)
    build(content, output)
    assert rendered(before, inodes(output)) == set()


def test_a_new_dependency_version_renders_everything_again(built, monkeypatch):
    content, output = built
    before = inodes(output)
    real = metadata.version
    monkeypatch.setattr(fingerprints.metadata, "version",
                        lambda name: "0.3.8-security-fix" if name == "nh3" else real(name))
    fingerprints.versions.cache_clear()
    try:
        build(content, output)
    finally:
        monkeypatch.undo()
        fingerprints.versions.cache_clear()
    after = inodes(output)
    assert rendered(before, after) == {p for p in after if p.endswith(".html")}


def test_every_dependency_the_issue_names_is_in_the_key():
    for name in ("jinja2", "markdown", "nh3", "pyyaml", "weasyprint", "pagefind"):
        assert name in fingerprints.DEPENDENCIES


def test_switching_between_settings_is_not_a_cold_build_each_time(tmp_path):
    content = small_project(tmp_path)
    internal, public = tmp_path / "internal", tmp_path / "public"
    build(content, internal)
    build(content, public, "--profile", "public")
    (content / "case-studies/case-one.md").write_text(
        (content / "case-studies/case-one.md").read_text() + "\nOne more sentence.\n")
    before = {"internal": inodes(internal), "public": inodes(public)}
    build(content, internal)
    build(content, public, "--profile", "public")
    assert rendered(before["internal"], inodes(internal)) == {"case-studies/case-one.html"}
    assert rendered(before["public"], inodes(public)) == {"case-studies/case-one.html"}


def test_without_search_there_is_no_index_and_no_search_box(tmp_path):
    content = small_project(tmp_path)
    output = tmp_path / "output"
    build(content, output, "--no-search")
    assert not (output / "pagefind").exists()
    assert "site-search" not in (output / "index.html").read_text()
    build(content, output)
    assert (output / "pagefind").is_dir() and "site-search" in (output / "index.html").read_text()
    cold_code, cold = cold_build(content, tmp_path / "cold")
    assert cold_code == 0 and tree(output) == tree(cold)


@pytest.mark.pdf
def test_pdf_bytes_depend_on_content_bytes_only(tmp_path):
    content = small_project(tmp_path)
    first = tmp_path / "first"
    build(content, first, pdf=True)
    before = inodes(first)
    for path in (content / "assets").rglob("*"):
        os.utime(path, ns=(0, 10 ** 18))
    build(content, first, pdf=True)
    assert rendered(before, inodes(first)) == set(), "a touched asset changes no PDF"
    cold_code, cold = cold_build(content, tmp_path / "cold", pdf=True)
    assert cold_code == 0
    assert {p: h for p, h in tree(cold).items() if p.endswith(".pdf")} == \
           {p: h for p, h in tree(first).items() if p.endswith(".pdf")}


# Read tracking that fails safe ---------------------------------------------------------------

def test_the_repr_of_an_item_leaves_its_text_out():
    item = Page(id="x", path="pages/x.md", title="A title", classification="OFFICIAL", body=f"Body {SECRET}")
    assert SECRET not in repr(item) and "A title" in repr(item)
    assert SECRET not in repr([item]) and SECRET not in f"{item!r}"


@pytest.mark.parametrize("template, expression", [
    ("string", "{{ items | string }}"),
    ("format", "{{ '%r' | format(items[0]) }}"),
    ("str.format", "{{ '{!r}'.format(items[0]) }}"),
    ("pprint", "{{ items | pprint }}"),
    ("dict", "{{ items[0].__dict__ }}"),
    ("printed", "{{ items }}"),
    ("tojson", "{{ items | map(attribute='id') | list | tojson }}{{ items[0] | string }}"),
])
def test_a_template_that_reaches_around_the_recorder_depends_on_everything(tmp_path, template, expression):
    env = templates.environment(tmp_path)
    item = Page(id="x", path="pages/x.md", title="A title", classification=SENSITIVE, body="Body")
    env.reads, env.markings, env.everything = set(), set(), False
    env.from_string(expression).render(items=[item])
    assert templates.EVERYTHING in env.reads and env.everything, template


def test_reading_a_title_or_the_text_is_recorded_as_such(tmp_path):
    env = templates.environment(tmp_path)
    item = Page(id="x", path="pages/x.md", title="A title", classification=SENSITIVE, body="Body")
    env.reads, env.markings, env.everything = set(), set(), False
    env.from_string("{{ item.title }} {{ item }} {% for i in items %}{{ i.title }}{% endfor %}").render(
        item=item, items=[item])
    assert env.reads == set() and env.markings == {SENSITIVE} and not env.everything
    env.from_string("{{ item.body }}").render(item=item)
    assert env.reads == {("text", "pages/x")}


def test_a_page_that_printed_everything_is_marked_with_everything(built):
    content, output = built
    override_template(content, "page.html", "{% block main %}", "{% block main %}<!-- {{ site | string | length }} -->")
    build(content, output)
    about = (output / "pages/about.html").read_text()
    assert SENSITIVE in about, "the project holds a sensitive case study; the page may have shown it"


# The cache itself ------------------------------------------------------------------------------

def test_the_cache_is_in_the_private_folder_and_nothing_is_beside_the_output(built):
    content, output = built
    # Beside the output there is only the server configuration (issue 22), which holds no content.
    assert sorted(p.name for p in output.parent.iterdir()) == [".briefing", "content", "output", "server"]
    folder = content.parent / ".briefing" / "cache"
    assert (folder.stat().st_mode & 0o777) == 0o700
    database = folder / store.DATABASE
    assert (database.stat().st_mode & 0o077) == 0, "only its owner may read the cache"
    assert sorted(p.name for p in output.iterdir() if p.name.startswith(".")) == [".briefing-output", ".htaccess"]


def test_the_cache_holds_json_only(built):
    content, _ = built
    database = sqlite3.connect(content.parent / ".briefing" / "cache" / store.DATABASE)
    import json

    for table in ("builds", "parsed", "derived"):
        for (data,) in database.execute(f"SELECT data FROM {table}"):
            json.loads(data)
    database.close()


def test_a_build_without_a_usable_private_folder_builds_without_cache_and_says_so(tmp_path):
    content = small_project(tmp_path)
    (tmp_path / ".briefing").write_text("not a folder")
    output = tmp_path / "output"
    assert "without a build cache" in build(content, output).err
    cold_code, cold = cold_build(content, tmp_path / "cold")
    assert cold_code == 0 and tree(output) == tree(cold)


def test_the_same_settings_on_another_day_are_built_again(built):
    content, output = built
    build(content, output, today="2015-10-01")
    assert re.search(r"upcoming|overdue", (output / "index.html").read_text())


def test_an_edit_behind_a_linked_folder_inside_the_content_is_noticed(tmp_path):
    content = small_project(tmp_path)
    (content / "pages").rename(content / "shared-pages")
    (content / "pages").symlink_to("shared-pages", target_is_directory=True)
    output = tmp_path / "output"
    build(content, output)
    edit_keeping_size_and_time(content / "shared-pages/about.md", "About this site.", "About THIS site.")
    build(content, output)
    assert "About THIS site." in (output / "index.html").read_text() + (output / "pages/about.html").read_text()
    cold_code, cold = cold_build(content, tmp_path / "cold")
    assert cold_code == 0 and tree(output) == tree(cold)


def test_items_joined_by_their_titles_mark_the_page(tmp_path):
    env = templates.environment(tmp_path)
    item = Page(id="x", path="pages/x.md", title="A title", classification=SENSITIVE, body="Body")
    env.reads, env.markings, env.everything = set(), set(), False
    assert env.from_string("{{ items | join(', ') }}").render(items=[item]) == "A title"
    assert env.markings == {SENSITIVE} and not env.everything


# The model kept between builds ----------------------------------------------------------------

def test_the_model_reads_back_as_it_was_written():
    from builder.incremental import serialise
    from builder.project.loading import load_project

    for content in (REPO / "content", REPO / "tests" / "sites" / "minimal"):
        project, _ = load_project(content)
        for item in project.items:
            assert serialise.model_from_json(serialise.model_to_json(item)) == item
        shell = serialise.model_from_json(serialise.model_to_json(project))
        assert shell == project


def test_the_model_json_makes_only_model_objects():
    from builder.incremental import serialise

    for planted in ('{"$model": "Path", "$fields": {}}', '{"$model": "ContentError", "$fields": {}}',
                    '{"$model": "Page", "$fields": {"id": "x", "surprise": 1}}'):
        with pytest.raises((KeyError, TypeError, ValueError)):
            serialise.model_from_json(planted)


def test_a_text_edit_reads_and_checks_only_the_edited_file(built, tmp_path, monkeypatch):
    import builder.build

    content, output = built

    def load_everything(*args):
        raise AssertionError("the whole project was loaded again")

    monkeypatch.setattr(builder.build, "load_project", load_everything)
    path = content / "case-studies/case-one.md"
    path.write_text(path.read_text() + "\nA sentence added by the test.\n")
    build(content, output)
    monkeypatch.undo()
    assert "A sentence added by the test." in (output / "case-studies/case-one.html").read_text()
    cold_code, cold = cold_build(content, tmp_path / "cold")
    assert cold_code == 0 and tree(output) == tree(cold)


def test_a_front_matter_edit_loads_the_whole_project(built, tmp_path):
    content, output = built
    path = content / "case-studies/case-one.md"
    path.write_text(path.read_text().replace("title: Case one", "title: Case one, renamed"))
    build(content, output)
    assert "Case one, renamed" in (output / "threats/alpha.html").read_text()
    cold_code, cold = cold_build(content, tmp_path / "cold")
    assert cold_code == 0 and tree(output) == tree(cold)


def test_a_damaged_kept_model_is_not_used(built, tmp_path):
    content, output = built
    database = sqlite3.connect(content.parent / ".briefing" / "cache" / store.DATABASE)
    with database:
        assert database.execute("UPDATE model_items SET data = '{\"$model\": \"Page\", \"$fields\": {}}'"
                                " WHERE path = 'pages/about.md'").rowcount == 1
    database.close()
    path = content / "case-studies/case-one.md"
    path.write_text(path.read_text() + "\nA sentence added by the test.\n")
    build(content, output)
    cold_code, cold = cold_build(content, tmp_path / "cold")
    assert cold_code == 0 and tree(output) == tree(cold)


def test_a_file_is_hashed_again_whenever_its_change_time_moved(tmp_path, monkeypatch):
    # The hash of a file is taken on trust only while its size, times, inode and
    # device are as they were: `cp -p` puts back the size and times, not the change time.
    monkeypatch.setattr(reuse, "_SETTLED_NS", -10 ** 18)  # trust even files written a moment ago
    content = small_project(tmp_path)
    public = tmp_path / "public"
    build(content, public, "--profile", "public")
    assert (public / "case-studies/case-one.html").exists()
    edit_keeping_size_and_time(content / "case-studies/case-one.md", marking(False), marking(True))
    build(content, public, "--profile", "public")
    assert not (public / "case-studies/case-one.html").exists()


def test_a_file_whose_signature_is_unchanged_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(reuse, "_SETTLED_NS", -10 ** 18)
    content = small_project(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    read = []
    real = reuse.hash_file
    monkeypatch.setattr(reuse, "hash_file", lambda path: read.append(path) or real(path))
    build(content, output)
    assert read == []


# Edits to minutes, aliases, appendices and issued packs ------------------------------------
# On the minutes fixture, in either profile: an incremental build after any of them
# equals a cold build of the same content (README: the build cache).

MINUTES_TODAY = "2016-04-01"  # after the fixture's last meeting
CASE = "---\ntitle: Case APPX\nsummary: Summary.\n---\nBody.\n"


def _replace(path: str, old: str, new: str, unless: str | None = None):
    """An edit that does nothing where it cannot apply, or where `unless` is
    already in the file, so any sequence of edits keeps the project valid."""
    def apply(content):
        file = content / path
        if not file.exists():  # deleted by an earlier edit
            return
        text = file.read_text()
        guard = new if unless is None else unless
        if old in text and not (guard and guard in text):
            file.write_text(text.replace(old, new, 1))
    return apply


def _delete(path: str):
    return lambda content: (content / path).unlink(missing_ok=True)


def _restore(path: str):
    return lambda content: shutil.copy(SITES / "minutes" / path, content / path)


MINUTES_EDITS = {
    "alias added": _replace("case-studies/appx.md", "summary:", "aliases: [old-appx]\nsummary:", "aliases:"),
    "alias removed": _replace("case-studies/appx.md", "aliases: [old-appx]\n", ""),
    "appendix bound": _replace("reports/open-paper.md", "report_by:", "appendices:\n  - case-studies/appx\nreport_by:",
                               "appendices:"),
    "appendix made exempt": _replace("reports/open-paper.md", "  - case-studies/appx\n",
                                     "  - {item: case-studies/appx, exempt: 3}\n"),
    "appendix made open": _replace("reports/open-paper.md", "  - {item: case-studies/appx, exempt: 3}\n",
                                   "  - case-studies/appx\n"),
    "appendix re-marked": _replace("case-studies/appx.md", "title:", "classification: OFFICIAL-SENSITIVE\ntitle:",
                                   "classification:"),
    "declaration moved": _replace("minutes/2015-09-02-board.yaml", "    item: 2\n", "    item: 3\n", ""),
    "minutes made draft": _replace("minutes/2015-09-02-board.yaml", "status: unconfirmed", "status: draft"),
    "minutes deleted": _delete("minutes/2015-12-02-board.yaml"),
    "minutes restored": _restore("minutes/2015-12-02-board.yaml"),
    "approval deferred": _replace("minutes/2015-12-02-board.yaml", "outcome: agreed\n", "outcome: deferred\n"),
    "paper withheld": _replace("reports/open-paper.md", "report_by:", "publish_from: 2099-01-01\nreport_by:",
                               "publish_from:"),
    "paper made exempt": _replace("reports/later-paper.md", "on:", "exempt: 3\non:", "exempt:"),
    "pack issued": _replace("meetings/2016-03-02-board.yaml", "venue:", "issued: 2016-02-20\nvenue:", "issued:"),
    "record deleted": _delete("issued.yaml"),
}


# Each example is several builds of the minutes fixture, and the edits are few: in the
# deep tier, 40 examples try most sequences and keep CI well inside its time.
@pytest.mark.property
@settings(max_examples=40 if settings.get_current_profile_name() == "deep" else settings().max_examples)
@given(profile=st.sampled_from(["internal", "public"]),
       edits=st.lists(st.sampled_from(sorted(MINUTES_EDITS)), min_size=1, max_size=3))
def test_an_incremental_build_after_edits_to_minutes_and_packs_equals_a_cold_build(tmp_path_factory, profile, edits):
    root = tmp_path_factory.mktemp("review-incremental")
    content = copy_project("minutes", root, {"case-studies/appx.md": CASE})
    warm = root / "warm"
    build(content, warm, "--profile", profile, today=MINUTES_TODAY)
    for name in edits:
        MINUTES_EDITS[name](content)
        # An edit may rightly fail the build (a change to an issued pack): the output then stays as it was.
        last = build(content, warm, "--profile", profile, today=MINUTES_TODAY, expect=None)
    shutil.copytree(content, root / "cold/content")
    cold = build(root / "cold/content", root / "cold/out", "--profile", profile, today=MINUTES_TODAY, expect=None)
    assert (last.code, last.err) == (cold.code, cold.err)
    if cold.code:
        return
    warm_sums, cold_sums = tree(warm), tree(root / "cold/out")
    differ = sorted(path for path in warm_sums.keys() | cold_sums.keys() if warm_sums.get(path) != cold_sums.get(path))
    assert not differ
