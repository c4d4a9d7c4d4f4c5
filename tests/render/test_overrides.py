"""A project's own templates: one that extends the built-in template it replaces
and changes one block, and overrides written for built-in templates that have
since been renamed or changed, which the build names with what to do."""

from __future__ import annotations

import re

import pytest
from conftest import REPO, build, cli, problem_lines, write_files

pytestmark = pytest.mark.without_search

EXTENDS_FOOTER = ('{% extends "builtin/base.html" %}\n'
                  '{% block footer %}<p class="local">LOCAL-FOOTER</p>{{ super() }}{% endblock %}\n')


def test_an_override_that_extends_the_built_in_template_changes_only_its_block(copy_site, tmp_path):
    content = copy_site()
    write_files(tmp_path / "templates", {"base.html": EXTENDS_FOOTER})
    output = tmp_path / "output"
    assert build(content, output).err == ""
    plain = tmp_path / "plain"
    build(copy_site_elsewhere(content, tmp_path), plain)
    for page in ("index.html", "threats/alpha-threat.html", "reports/alpha-report.html"):
        html = (output / page).read_text(encoding="utf-8")
        assert '<p class="local">LOCAL-FOOTER</p>' in html, page
        assert "For internal use: do not share outside the partnership." in html, "super() keeps the built-in footer"
        without = html.replace('<p class="local">LOCAL-FOOTER</p>', "")
        assert without == (plain / page).read_text(encoding="utf-8"), "nothing but the block changes"


def test_an_override_of_a_page_extends_its_built_in_page(copy_site, tmp_path):
    content = copy_site()
    write_files(tmp_path / "templates", {
        "threat.html": '{% extends "builtin/threat.html" %}\n'
                       '{% block main %}<p class="local">Read this first.</p>{{ super() }}{% endblock %}\n'})
    output = tmp_path / "output"
    build(content, output)
    threat = (output / "threats/alpha-threat.html").read_text(encoding="utf-8")
    assert '<p class="local">Read this first.</p>' in threat and "Warning signs" in threat
    assert "Read this first." not in (output / "case-studies/alpha-case.html").read_text(encoding="utf-8")


def test_an_override_of_a_renamed_template_is_named_with_its_new_name(copy_site, tmp_path):
    content = copy_site()
    old = (REPO / "templates/action-group.html").read_text(encoding="utf-8")
    write_files(tmp_path / "templates", {"group.html": old.replace("{% block main %}", "{% block main %}LOCAL-GROUP")})
    output = tmp_path / "output"
    result = build(content, output)
    assert re.search(r"^templates/group\.html:1: warning: the built-in group\.html is now action-group\.html, "
                     r"so this file is no longer used: rename it to action-group\.html", result.err, re.M), result.err
    (tmp_path / "templates/group.html").rename(tmp_path / "templates/action-group.html")
    result = build(content, output)
    assert "group.html" not in result.err
    assert all("LOCAL-GROUP" in page.read_text(encoding="utf-8") for page in (output / "actions").glob("*.html")
               if page.name != "index.html")


def test_an_old_macros_file_is_told_which_macros_to_add(copy_site, tmp_path):
    content = copy_site()
    macros = (REPO / "templates/macros.html").read_text(encoding="utf-8")
    old = re.sub(r"\{% macro (threat_links|objective_links|fact_cards)\(.*?\{%- endmacro %\}", "", macros, flags=re.S)
    write_files(tmp_path / "templates", {"macros.html": old})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    [line] = [line for line in problem_lines(err) if line.startswith("templates/macros.html")]
    assert line.startswith("templates/macros.html:1: lacks 'fact_cards' (imported by the built-in home.html), "
                           "'objective_links'"), line
    assert "'threat_links'" in line and "copy them from" in line
    assert not (tmp_path / "output").exists()


def test_a_loop_over_rows_written_for_pairs_is_named_at_its_line(copy_site, tmp_path):
    content = copy_site()
    spotlight = (REPO / "templates/pdf/spotlight.html").read_text(encoding="utf-8")
    assert "{% for row in actions %}" in spotlight
    old = spotlight.replace("{% for row in actions %}", "{% for action, group in actions %}")
    line = old[:old.index("{% for action, group")].count("\n") + 1
    write_files(tmp_path / "templates/pdf", {"spotlight.html": old})
    code, _, err = cli("check", "--content", content)
    assert code == 1
    assert (f"templates/pdf/spotlight.html:{line}: 'actions' is now a list of rows, not of pairs: write "
            "{% for row in actions %}, with row.action and row.group") in problem_lines(err), err


def test_current_overrides_are_not_told_anything(copy_site, tmp_path):
    content = copy_site()
    write_files(tmp_path / "templates", {
        name: (REPO / "templates" / name).read_text(encoding="utf-8")
        for name in ("macros.html", "action-group.html", "pdf/spotlight.html", "pdf/macros.html")})
    code, _, err = cli("check", "--content", content)
    assert code == 0 and err == "", err


def copy_site_elsewhere(content, tmp_path):
    """The same content with no templates/ beside it."""
    import shutil

    return shutil.copytree(content, tmp_path / "elsewhere/content")
