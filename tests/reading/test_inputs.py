"""Issue 16: every input answered clearly and quickly. One group of tests per
problem the issue lists: hostile text, deep nesting, failures of the file system
and the preview, SVG and raster assets, exports, and characters nobody can see."""

from __future__ import annotations

import csv
import http.client
import http.server
import io
import os
import threading

import pytest
from conftest import SITE_YAML, TODAY, build, build_args, cli, hang_guard, run_process, write_project

from builder.markdown import body_scan, links
from builder.reading import yamlread

pytestmark = pytest.mark.without_search

PAGE = "---\ntitle: {title}\n---\n{body}\n"
REPORT = """\
---
title: A board paper
to: main-board
on: 2015-09-02
---
{body}
"""
MEETING = """\
board: main-board
date: 2015-09-02
time: "10:00"
venue: {venue}
items:
  - title: Apologies
"""
SPOTLIGHT = """\
---
title: A spotlight
date: 2015-06-10
board: main-board
actions:
  - action: {action}
    owner: prevent
    due: 2015-12-31
---
Notes.
"""
# For the command run as its own process: a crash (a segfault) is then seen as one.
FAULT_HANDLER = {"PYTHONFAULTHANDLER": "1"}


def check(content):
    return cli("check", "--content", content, "--today", TODAY)


def problem_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if ": " in line and "error" not in line.split(":")[0]]


# 1. Link finding in linear time ---------------------------------------------------

HOSTILE = ["<a ", "<img ", "[", "[[a]", "[a](", "[a](\"", "`a``", "<a href=\"", "](", "<!--", "<script"]


@pytest.mark.parametrize("unit", HOSTILE)
def test_link_finding_ends_on_hostile_repetition(unit):
    # 400 KB of one repetition: quadratic link finding took minutes on the first of them.
    with hang_guard(60):
        found = links.find_links(unit * (400_000 // len(unit)), 1)
    assert all(link.line == 1 for link in found)


def test_link_finding_still_finds_every_kind_of_link():
    body = ("Intro [a threat](../threats/x.md) and ![a chart](../assets/c.png \"Title\").\n"
            "A wrapped [link\ntext](../pages/y.md), `[code](no.md)` and <a href=\"../pages/z.md\">raw</a>.\n\n"
            "    [indented code](no.md)\n\n"
            "[ref]: ../pages/ref.md\n"
            "<!-- [hidden](no.md) --> <img src='../assets/i.png'> [[nested] text](../pages/n.md)")
    found = sorted((link.line, link.target, link.is_image) for link in links.find_links(body, 10))
    assert found == sorted([(10, "../threats/x.md", False), (10, "../assets/c.png", True), (11, "../pages/y.md", False),
                     (12, "../pages/z.md", False), (16, "../pages/ref.md", False), (17, "../assets/i.png", True),
                     (17, "../pages/n.md", False)])


def test_check_answers_a_pasted_hostile_page(tmp_path):
    hostile = "<a " * 100_000 + "[[a]" * 50_000 + ("[" * 40 + "]" * 40 + "\n\n") * 2_000 + ("a" * 5000 + "\n\n") * 40
    project = write_project(tmp_path, {"pages/pasted.md": PAGE.format(title="Pasted", body=hostile)})
    with hang_guard(120):
        result = check(project)
    assert result.code == 1 and "Traceback" not in result.err
    assert "pages/pasted.md:4: " in result.err and "never closed with '>'" in result.err
    assert f"more than {body_scan.MAX_NESTING} '[' are open at once" in result.err


# 2. Depth and size limits ---------------------------------------------------------

@pytest.mark.parametrize("depth", [600, 50_000])
def test_deeply_nested_front_matter_is_an_error_naming_the_limit(tmp_path, depth):
    front = "title: Deep\nsigns: " + "[" * depth + "]" * depth + "\n"
    project = write_project(tmp_path, {"threats/deep.md": f"---\n{front}---\nText.\n"})
    result = run_process("check", "--content", project, env=FAULT_HANDLER)  # a crash is seen
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and "Fatal Python error" not in result.err
    assert (f"threats/deep.md:3: lists and groups of fields are nested more than {yamlread.MAX_YAML_DEPTH} deep"
            in result.err)


def test_deep_block_nesting_and_alias_bombs_are_errors(tmp_path):
    block = "".join("  " * level + "- \n" for level in range(30)) + "  " * 30 + "- x\n"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 10)}]\n" for n in range(6))
    project = write_project(tmp_path, {"meetings/2015-09-02-deep.yaml": "board: main-board\nitems:\n" + block,
                                       "facts.yaml": bomb})
    result = check(project)
    assert result.code == 1
    assert "meetings/2015-09-02-deep.yaml:" in result.err and "nested more than" in result.err
    assert "facts.yaml:1: with its aliases (*name) written out, this YAML is more than" in result.err


@pytest.mark.parametrize("body, message", [
    ("\n".join("    " * level + "- item" for level in range(30)), "lists or quotes are nested more than"),
    ("> " * 40 + "quoted", "lists or quotes are nested more than"),
    ("*a " * 40 + "b" + " c*" * 40, "emphasis ('*' or '_') is opened more than"),
    ("[" * 40 + "a" + "]" * 40, "'[' are open at once"),
    ("x" * (body_scan.MAX_PARAGRAPH + 1), "a paragraph may be at most"),
    ("x\n\n" * (body_scan.MAX_BLOCKS + 1), "blank lines; at most"),
    ("[a](b \"" * 40, "links in this paragraph are not closed"),
    ("x " + "".join("`" * n + "a " for n in range(40, 0, -1)), "runs of '`' in this paragraph are never closed"),
    ("a[^1]\n\n[^1]: b\n\n" * (body_scan.MAX_FOOTNOTES // 2 + 1), "footnote references ('[^'); at most"),
    ("```\ncode\n```\n\n" * (body_scan.MAX_FENCES + 1), "fenced code blocks ('```'); at most"),
    ("".join("`" * n + "\ntext\n" for n in range(3, 30)), "that no line of the same fence closes"),
    ("|" + "a|" * 70 + "\n|" + "-|" * 70 + "\n", "more than 64 columns"),
    ("Heading\n---\n" * 30, "or empty list items follow one another"),
    ("- \n" * 30, "or empty list items follow one another"),
    ("Term\n: definition\n" * 30, "or empty list items follow one another"),
    # Not a table (the rule has fewer cells than the header): one paragraph, brackets and all.
    ("[[a]|x|y\n|-|-|\n" + "|a|b|[\n" * 20, "'[' are open at once"),
])
def test_markdown_beyond_a_limit_is_an_error_at_its_line(tmp_path, body, message):
    project = write_project(tmp_path, {"pages/deep.md": PAGE.format(title="Deep", body="Intro.\n\n" + body)})
    result = check(project)
    assert result.code == 1 and "Traceback" not in result.err
    assert any(line.startswith("pages/deep.md:") and message in line for line in result.err.splitlines()), \
        result.err


def test_long_tables_lists_and_code_within_the_limits_build(tmp_path):
    table = "| Area | Figure |\n| --- | ---: |\n" + "".join(f"| Ward {n} [a] | {n} |\n" for n in range(600))
    items = "".join(f"- point {n} of the plan\n" for n in range(600))
    code = "~~~\n```\nnot closed here\n~~~\n"
    body = f"{table}\n{items}\n{code}\nEnd.\n"
    assert len(table) > body_scan.MAX_PARAGRAPH and len(items) > body_scan.MAX_PARAGRAPH
    project = write_project(tmp_path, {"pages/long.md": PAGE.format(title="Long", body=body)})
    build(project, tmp_path / "output")
    html = (tmp_path / "output/pages/long.html").read_text()
    assert html.count("<tr>") == 601 and "<li>point 599 of the plan</li>" in html and "not closed here" in html


def test_markdown_within_the_limits_builds(tmp_path):
    body = ("\n".join("    " * level + "- item" for level in range(10)) + "\n\n" + "> " * 10 + "quote\n\n"
            + "*a* **b** _c_ snake_case Name: ______ [[a] b](../pages/other.md) `code [x](y` end\n")
    project = write_project(tmp_path, {"pages/ok.md": PAGE.format(title="OK", body=body),
                                       "pages/other.md": PAGE.format(title="Other", body="Text.")})
    build(project, tmp_path / "output")
    html = (tmp_path / "output/pages/ok.html").read_text()
    assert '<a href="other.html" rel="noopener noreferrer">[a] b</a>' in html and "<code>code [x](y</code>" in html


# 3. No traceback from any input or argument -------------------------------------

def test_an_output_that_cannot_be_made_is_one_line(tmp_path):
    project = write_project(tmp_path, {})
    for output in ("/proc/briefing-output", str(tmp_path / "site.yaml-file" / "out")):
        (tmp_path / "site.yaml-file").write_text("a file, not a folder")
        result = cli("build", "--content", project, "--output", output, "--no-pdf")
        assert result.code == 1 and "Traceback" not in result.err, result.err
        assert "nothing was written" in result.err


def test_an_output_parent_that_is_not_writable_is_one_line(tmp_path, monkeypatch):
    project = write_project(tmp_path, {})
    import builder.publish.output_folder

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(args[0]) if args else "parent")

    monkeypatch.setattr(builder.publish.output_folder.os, "mkdir", refused)
    result = cli("build", "--content", project, "--output", tmp_path / "out", "--no-pdf")
    assert result.code == 1 and "Traceback" not in result.err
    assert "Permission denied" in result.err and "nothing was written" in result.err


def test_a_port_out_of_range_is_a_usage_error(tmp_path):
    result = run_process("serve", "--content", write_project(tmp_path, {}), "--port", "70000", env=FAULT_HANDLER,
                         timeout=60)
    assert result.code == 2 and "Traceback" not in result.err and "not a port number" in result.err


def test_the_preview_answers_a_bad_wait_request_without_a_traceback(tmp_path):
    from builder.commands import serve

    logged = []
    preview = serve.Preview()
    handler = serve._handler(tmp_path, preview, frozenset(), logged.append)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for path, status in (("/__briefing__/wait?v=abc", 400), ("/__briefing__/live.js", 200),
                             ("/__briefing__/live.css", 200)):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=30)
            connection.request("GET", path)
            assert connection.getresponse().status == status, path
            connection.close()
    finally:
        server.shutdown()
        server.server_close()
    assert not any("Traceback" in line or "Error" in line for line in logged)


# 4. SVG assets are checked; raster images are what they say -----------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 1 1">\n{}\n</svg>'


@pytest.mark.parametrize("inside, message", [
    ("<script>fetch('/')</script>", "(a script)"),
    ('<rect width="1" height="1" onload="alert(1)"/>', "event handler 'onload'"),
    ("<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>", "<foreignObject>"),
    ('<image xlink:href="https://tracker.example/pixel.png"/>', "refers to 'https://tracker.example/pixel.png'"),
    ('<a href="javascript:alert(1)"><text>x</text></a>', "javascript: address"),
    ("<style>@import url(https://x.example/a.css);</style>", "loads something from outside itself"),
    # What a browser reads as a style, and what it reads through escapes and comments.
    ('<rect width="1" height="1" fill="url(https://x.example/a)"/>', "'fill' attribute loads something"),
    ('<rect width="1" height="1" filter="url(//x.example/f)"/>', "'filter' attribute loads something"),
    ("<style>rect { fill: \\75 rl(https://x.example/) }</style>", "style loads something from outside itself"),
    ("<style>@\\69mport 'https://x.example/a.css';</style>", "has @import"),
    ("<style>rect { fill: u/**/rl(https://x.example/) }</style>", "uses rl(...)"),
    ('<rect width="1" height="1" style="fill: image-set(\'https://x.example/a.png\' 1x)"/>', "uses image-set(...)"),
    ('<rect><animate attributeName="fill" to="url(https://x.example/)"/></rect>', "'to' attribute loads"),
])
def test_an_svg_asset_that_could_run_or_fetch_is_refused(tmp_path, inside, message):
    project = write_project(tmp_path, {"assets/chart.svg": SVG.format(inside),
                                       "pages/p.md": PAGE.format(title="P", body="![c](../assets/chart.svg)")})
    result = check(project)
    assert result.code == 1
    assert any(line.startswith("assets/chart.svg:2: ") and message in line for line in result.err.splitlines()), \
        result.err


def test_an_svg_declaring_entities_is_refused(tmp_path):
    bomb = ('<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')
    project = write_project(tmp_path, {"assets/bomb.svg": bomb})
    result = check(project)
    assert result.code == 1 and "assets/bomb.svg:" in result.err and "declares entities" in result.err


def _use_bomb(levels: int) -> str:
    groups = "".join(f'<g id="l{n}">' + f'<use href="#l{n - 1}"/>' * 10 + "</g>" for n in range(1, levels + 1))
    return SVG.format(f'<defs><g id="l0"><rect width="1" height="1"/></g>{groups}</defs>'
                      f'<use xlink:href="#l{levels}"/>')


@pytest.mark.parametrize("svg", [
    _use_bomb(6),  # a million copies (issue 29 finding 9: five levels took 43 s to build)
    SVG.format('<g id="a"><use href="#a"/></g>'),  # a copy of itself
    SVG.format('<g id="l0"/>' + "".join(f'<g id="l{n}"><use href="#l{n - 1}"/></g>' for n in range(1, 2000))),
])
def test_an_svg_whose_use_elements_copy_without_end_is_refused_at_once(tmp_path, svg):
    project = write_project(tmp_path, {"assets/bomb.svg": svg,
                                       "pages/p.md": PAGE.format(title="P", body="![c](../assets/bomb.svg)")})
    result = check(project)
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert "assets/bomb.svg: the SVG image's <use> elements copy its shapes into more than 20,000" in result.err


def test_a_plain_svg_and_real_images_pass(tmp_path):
    doctype = ('<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
               '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n')
    svg = doctype + SVG.format('<defs><linearGradient id="g"/></defs><rect fill="url(#g)" width="1" height="1"/>'
                               '<use href="#g"/><image href="data:image/png;base64,iVBORw0KGgo="/>'
                               '<g transform="rotate(45 5 5) translate(1,2)" clip-path="url( \'#g\' )" '
                               'aria-label="Layer (1)"><text style="fill: rgb(1, 2, 3); font-family: \'Lato\'">'
                               'A (b)</text></g><style>@media print { text { fill: hsl(0 0% 0%) } }</style>')
    project = write_project(tmp_path, {"assets/ok.svg": svg, "assets/photo.png": b"\x89PNG\r\n\x1a\n" + bytes(20),
                                       "assets/photo.jpg": b"\xff\xd8\xff\xe0" + bytes(20)})
    result = check(project)
    assert result.code == 0, result.err


@pytest.mark.parametrize("reference", ["page", "image", "appendix", "logo"])
def test_a_file_in_a_hidden_folder_under_assets_is_never_published(tmp_path, reference):
    files = {"assets/.git/config": "[remote]\n\turl = https://user:secret@git.example/repo\n",
             "pages/p.md": PAGE.format(title="P", body="Text.")}
    if reference == "page":
        files["pages/p.md"] = PAGE.format(title="P", body="See [the file](../assets/.git/config).")
    elif reference == "image":
        files["assets/.cache/map.svg"] = SVG.format("")
        files["pages/p.md"] = PAGE.format(title="P", body="![Map](../assets/.cache/map.svg)")
    elif reference == "appendix":
        files["reports/r.md"] = "---\ntitle: R\nto: main-board\non: 2015-06-01\nappendices: [assets/.git/config]\n---\nText.\n"
    else:
        files["site.yaml"] = SITE_YAML + "logo: assets/.git/config\n"
    result = build(write_project(tmp_path, files), tmp_path / "out", expect=1)
    assert "is hidden" in result.err and "never published" in result.err, result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name, data, seems", [
    ("assets/photo.png", b"<html><script>alert(1)</script></html>", "HTML"),
    ("assets/photo.jpg", b"GIF89a" + bytes(10), "GIF"),
    ("assets/logo.gif", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "SVG"),
])
def test_a_raster_image_that_is_not_what_its_name_says_is_refused(tmp_path, name, data, seems):
    result = check(write_project(tmp_path, {name: data}))
    assert result.code == 1 and f"{name}: " in result.err and "but it is not" in result.err and seems in result.err


def test_a_web_page_in_assets_is_refused(tmp_path):
    result = check(write_project(tmp_path, {"assets/form.html": "<script>alert(1)</script>"}))
    assert result.code == 1 and "assets/form.html: a .html file in assets/ would run" in result.err


# 5. Exports: the right library, escaped for their readers --------------------------

def test_actions_csv_neutralises_formulas(tmp_path):
    action = "'=HYPERLINK(\"https://evil.example\",\"Click\")'"
    project = write_project(tmp_path, {"spotlights/s.md": SPOTLIGHT.format(action=action)})
    build(project, tmp_path / "output")
    text = (tmp_path / "output/actions.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["action"] == "'=HYPERLINK(\"https://evil.example\",\"Click\")"
    assert all(not value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(cell):
    from builder.render.exports import csv_cell

    assert csv_cell(cell) == "'" + cell and csv_cell("plain") == "plain"


def test_a_line_break_in_a_venue_cannot_inject_a_calendar_property(tmp_path):
    venue = '"Room 1\\r\\nDTSTART:19990101T000000\\rX-INJECTED:yes"'
    project = write_project(tmp_path, {"meetings/2015-09-02-board.yaml": MEETING.format(venue=venue)})
    build(project, tmp_path / "output")
    ics = (tmp_path / "output/meetings.ics").read_bytes().decode("utf-8")
    lines = ics.split("\r\n")
    assert not any(line.startswith(("X-INJECTED", "DTSTART:1999")) for line in lines)
    assert "\r" not in ics.replace("\r\n", "") and "\n" not in ics.replace("\r\n", "")
    assert "CLASS:PRIVATE" in lines and "X-BRIEFING-MARKING:OFFICIAL" in lines
    assert any(line.startswith("DESCRIPTION:1. Apologies") for line in lines)


@pytest.mark.parametrize("url", ['"https://example.org\\nX-INJECTED: yes"', "ftp://example.org",
                                 "https://user:pass@example.org/", "https://example.org/?a=b", "https:///path",
                                 "'https://exa mple.org'", "https://example.org:99999/"])
def test_site_url_must_be_a_valid_absolute_address(tmp_path, url):

    result = check(write_project(tmp_path, {"site.yaml": SITE_YAML + f"url: {url}\n"}))
    line = SITE_YAML.count("\n") + 1
    assert result.code == 1 and f"site.yaml:{line}: 'url' must be the site's web address" in result.err


# 6. Messages that name the invisible --------------------------------------------

def test_a_tab_in_indentation_is_named(tmp_path):
    page = "---\ntitle: Tabbed\nsigns:\n\t- one\n---\nText.\n"
    result = check(write_project(tmp_path, {"threats/tabbed.md": page}))
    assert "threats/tabbed.md:4: a tab character is used to indent (column 1); use spaces" in result.err


def test_a_non_breaking_space_after_a_field_name_is_read_as_a_space(tmp_path):
    page = "---\ntitle: Spaced\nowner:\u00a0prevent\n---\nText.\n"
    project = write_project(tmp_path, {"pages/spaced.md": page})
    assert check(project).code == 0


def test_a_non_breaking_space_in_indentation_is_named_at_its_line_and_column(tmp_path):
    page = "---\ntitle: Spaced\nsigns:\n  - one\n \u00a0- two\n---\nText.\n"
    result = check(write_project(tmp_path, {"threats/spaced.md": page}))
    assert "threats/spaced.md:5: a non-breaking space is used to indent (column 2)" in result.err


def test_a_time_quotes_what_was_typed_and_suggests_the_form(tmp_path):
    meeting = MEETING.format(venue="Room 1").replace('time: "10:00"', "time: 10.00")
    result = check(write_project(tmp_path, {"meetings/2015-09-02-board.yaml": meeting}))
    assert ("meetings/2015-09-02-board.yaml:3: 'time' must be a time written HH:MM in quotes, such as \"10:00\", "
            "not 10.00" in result.err)


def test_curly_quotes_are_named(tmp_path):
    broken = "---\ntitle: \u201cSafety: the plan\u201d\n---\nText.\n"
    valued = MEETING.format(venue="Room 1").replace('time: "10:00"', "time: \u201c10:00\u201d")
    result = check(write_project(tmp_path, {"pages/quoted.md": broken, "meetings/2015-09-02-board.yaml": valued}))
    assert "pages/quoted.md:2: YAML syntax error" in result.err and "curly quotes (\u201c \u201d)" in result.err
    assert "meetings/2015-09-02-board.yaml:3: 'time'" in result.err and "curly quotes" in result.err


def test_typed_paragraph_numbers_are_a_warning_saying_what_to_delete(tmp_path):
    body = "## 3. Background\n\n3.1 Explain the background.\n\n## Proposals\n\nNo number here.\n"
    result = check(write_project(tmp_path, {"reports/paper.md": REPORT.format(body=body)}))
    assert result.code == 0, result.err
    assert ("reports/paper.md:6: warning: '## 3. Background': sections are numbered automatically, so this "
            "heading would read '1. 3. ...'; delete '3.' after '##'" in result.err)
    assert "reports/paper.md:8: warning: '3.1 Explain the background.': paragraphs are numbered" in result.err
    assert "delete '3.1' at its start" in result.err and ":12: warning" not in result.err


def test_a_named_pipe_anywhere_in_the_content_is_refused_without_being_opened(copy_site, tmp_path):
    """A FIFO waits for a writer forever once opened: check and build must name it
    and stop, never hang (the process timeout is the hang guard)."""
    content = copy_site("minimal")
    for name in ("threats/pipe-threat.md", "facts.yaml", "assets/plan.txt"):
        (content / name).unlink(missing_ok=True)
        os.mkfifo(content / name)
    expected = ["threats/pipe-threat.md:1: this is a named pipe, not a file", "facts.yaml:1: this is a named pipe",
                "assets/plan.txt: this is a named pipe"]
    for command in (["check", "--content", content], build_args(content, tmp_path / "out")):
        result = run_process(*command, timeout=60)
        assert result.code == 1 and "Traceback" not in result.err, result.err
        assert all(line in result.err for line in expected), result.err
    assert not (tmp_path / "out").exists()


def test_a_loop_of_links_is_named_not_a_traceback(copy_site, tmp_path):
    content = copy_site("minimal")
    (content / "threats/loop-threat.md").symlink_to("loop-threat.md")
    for command in (["check", "--content", content], build_args(content, tmp_path / "out")):
        result = run_process(*command, timeout=60)
        assert result.code == 1 and "Traceback" not in result.err, result.err
        assert "threats/loop-threat.md: this file is a link that leads round in a circle of links" in result.err


def test_a_new_items_title_with_bytes_the_terminal_cannot_read_leaves_no_file(copy_site):
    content = copy_site("minimal")
    result = run_process("new", "page", os.fsdecode(b"Report \xff"), "--content", content)
    assert result.code == 1 and "Traceback" not in result.err, result.err
    assert "the title holds characters that are not text" in result.err
    assert not (content / "pages/report.md").exists()
