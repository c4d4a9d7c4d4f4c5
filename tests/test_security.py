"""The promises of SECURITY.md: nothing leaks, hostile markup is inert, no network,
nothing outside the content folder is read, and nothing is lost when a build fails."""

from __future__ import annotations

import hashlib
import http.server
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from builder.cli import main
from conftest import all_text

REPO = Path(__file__).resolve().parent.parent

SITE = """\
title: Marker test site
organisation: Test Partnership
classification: OFFICIAL
boards:
  board: {name: Test Board}
groups:
  prevent: {name: Prevent Group, remit: Community resilience}
implications: [Financial, Legal]
"""

FACTS = """\
- id: public-fact
  value: "12%"
  label: A public figure
  source: Public source
  year: 2015
- id: secret-fact
  value: "LEAKFACTVALUE"
  label: LEAKFACTLABEL
  source: LEAKFACTSOURCE
  year: 2015
  classification: OFFICIAL-SENSITIVE
"""


def _item(fields: str, body: str) -> str:
    return f"---\n{fields.strip()}\n---\n{body}\n"


def marker_project(root: Path) -> Path:
    """A project whose excluded items carry a unique marker in every field."""
    content = root / "content"
    files = {
        "site.yaml": SITE,
        "facts.yaml": FACTS,
        "threats/public-threat.md": _item(
            "title: Public threat\ntrend: rising\nobjectives: [detect]\nfacts: [public-fact]",
            "## About\n\nSee [the hidden threat](sensitive-threat.md) and [the draft](../pages/draft-page.md).",
        ),
        "threats/sensitive-threat.md": _item(
            """
title: LEAKTHREATTITLE
classification: OFFICIAL-SENSITIVE
summary: LEAKTHREATSUMMARY
trend: falling
objectives: [disrupt]
signs: [LEAKTHREATSIGN]
at_risk: [LEAKTHREATATRISK]
facts: [secret-fact]
""",
            "## Body\n\nLEAKTHREATBODY and ![LEAKIMAGEALT](../assets/leak-image.svg)",
        ),
        "case-studies/sensitive-case.md": _item(
            """
title: LEAKCASETITLE
classification: OFFICIAL-SENSITIVE
summary: LEAKCASESUMMARY
date: 2015-03-01
threats: [public-threat, sensitive-threat]
objectives: [divert]
lessons: [LEAKCASELESSON]
""",
            "LEAKCASEBODY",
        ),
        "case-studies/public-case.md": _item(
            "title: Public case\ndate: 2015-03-01\nthreats: [public-threat, sensitive-threat]\nobjectives: [divert]",
            "A public case.",
        ),
        "spotlights/sensitive-spotlight.md": _item(
            """
title: LEAKSPOTTITLE
classification: OFFICIAL-SENSITIVE
summary: LEAKSPOTSUMMARY
date: 2015-05-01
board: board
presenters: [{name: LEAKPRESENTER, organisation: LEAKPRESENTERORG}]
threats: [public-threat]
actions:
  - {action: LEAKSPOTACTION, owner: prevent, due: 2015-06-01, status: open}
""",
            "LEAKSPOTBODY",
        ),
        "reports/exempt-report.md": _item(
            """
title: LEAKREPORTTITLE
summary: LEAKREPORTSUMMARY
to: board
on: 2015-09-02
report_by: LEAKREPORTBY
author: {name: LEAKAUTHOR, role: LEAKROLE, phone: "0100", email: leak@example.org}
threats: [public-threat]
exempt: 1
appendices: [case-studies/sensitive-case, assets/leak-appendix.txt]
actions:
  - {action: LEAKREPORTACTION, owner: prevent, due: 2015-06-01, status: open}
implications: {Financial: LEAKIMPLICATION}
""",
            "## Summary\n\nLEAKREPORTBODY",
        ),
        "reports/public-report.md": _item(
            "title: Public report\nto: board\non: 2015-09-02\nthreats: [public-threat, sensitive-threat]\n"
            "appendices: [threats/sensitive-threat, threats/public-threat]",
            "## Summary\n\nA public paper. See [the exempt one](exempt-report.md).",
        ),
        "pages/draft-page.md": _item(
            "title: LEAKDRAFTTITLE\ndraft: true\nsummary: LEAKDRAFTSUMMARY", "LEAKDRAFTBODY"
        ),
        "spotlights/draft-spotlight.md": _item(
            "title: LEAKDRAFTSPOT\ndraft: true\ndate: 2015-05-01\n"
            "actions: [{action: LEAKDRAFTACTION, owner: prevent, due: 2015-06-01, status: open}]",
            "LEAKDRAFTSPOTBODY",
        ),
        "meetings/2015-09-02-board.yaml": """\
board: board
date: 2015-09-02
time: "10:00"
venue: Room 1
items:
  - title: Apologies
  - report: public-report
  - report: exempt-report
    note: LEAKAGENDANOTE
""",
        "assets/leak-image.svg": '<svg xmlns="http://www.w3.org/2000/svg"><title>LEAKSVGASSET</title></svg>',
        "assets/leak-appendix.txt": "LEAKAPPENDIXASSET",
    }
    for name, text in files.items():
        path = content / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return content


SENSITIVE_MARKERS = [
    "LEAKFACTVALUE", "LEAKFACTLABEL", "LEAKFACTSOURCE", "LEAKTHREATTITLE", "LEAKTHREATSUMMARY", "LEAKTHREATSIGN",
    "LEAKTHREATATRISK", "LEAKTHREATBODY", "LEAKIMAGEALT", "LEAKSVGASSET", "LEAKCASETITLE", "LEAKCASESUMMARY",
    "LEAKCASELESSON", "LEAKCASEBODY", "LEAKSPOTTITLE", "LEAKSPOTSUMMARY", "LEAKPRESENTER", "LEAKPRESENTERORG",
    "LEAKSPOTACTION", "LEAKSPOTBODY", "LEAKREPORTTITLE", "LEAKREPORTSUMMARY", "LEAKREPORTBY", "LEAKAUTHOR",
    "LEAKROLE", "LEAKREPORTACTION", "LEAKIMPLICATION", "LEAKREPORTBODY", "LEAKAGENDANOTE", "LEAKAPPENDIXASSET",
]
DRAFT_MARKERS = ["LEAKDRAFTTITLE", "LEAKDRAFTSUMMARY", "LEAKDRAFTBODY", "LEAKDRAFTSPOT", "LEAKDRAFTACTION",
                 "LEAKDRAFTSPOTBODY"]


def everything_readable(output: Path) -> str:
    """All the text a reader or a machine could get out of the output folder:
    files as they are, gzip (the search index) unpacked, PDF text and metadata."""
    parts = [all_text(output)]
    for file in sorted(output.rglob("*.pdf")):
        reader = PdfReader(file)
        parts.extend(page.extract_text() for page in reader.pages)
        parts.extend(str(value) for value in (reader.metadata or {}).values())
        parts.extend(str(entry) for entry in reader.outline)
    return "\n".join(parts)


def build(content: Path, output: Path, *extra: str) -> int:
    return main(["build", "--content", str(content), "--output", str(output), "--today", "2016-01-01", *extra])


@pytest.fixture(scope="module")
def marker_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("markers")
    content = marker_project(root)
    assert build(content, root / "public", "--profile", "public") == 0
    assert build(content, root / "internal") == 0
    return everything_readable(root / "public"), everything_readable(root / "internal"), root


def test_public_build_leaks_no_marker_anywhere(marker_builds):
    public, _, _ = marker_builds
    leaked = [m for m in SENSITIVE_MARKERS + DRAFT_MARKERS if m in public]
    assert leaked == []


def test_internal_build_has_sensitive_items_but_no_drafts(marker_builds):
    _, internal, _ = marker_builds
    assert [m for m in SENSITIVE_MARKERS if m not in internal] == []
    assert [m for m in DRAFT_MARKERS if m in internal] == []


def test_public_build_has_the_public_items_with_links_to_excluded_ones_as_text(marker_builds):
    _, _, root = marker_builds
    threat = (root / "public/threats/public-threat.html").read_text()
    assert "the hidden threat" in threat and "sensitive-threat.html" not in threat
    assert "the draft" in threat and "draft-page.html" not in threat
    report = (root / "public/reports/public-report.html").read_text()
    assert "the exempt one" in report and "exempt-report" not in report
    assert (root / "public/reports/public-report.pdf").exists()
    assert not (root / "public/meetings/2015-09-02-board-private.pdf").exists()
    home = (root / "public/index.html").read_text()
    assert "0</span> open actions" in " ".join(home.split())


def test_warnings_name_each_link_to_an_excluded_item(tmp_path, capsys):
    content = marker_project(tmp_path)
    assert main(["check", "--content", str(content), "--profile", "public"]) == 0
    err = capsys.readouterr().err
    assert "threats/public-threat.md:9: warning: links to threats/sensitive-threat.md" in err
    assert "threats/public-threat.md:9: warning: links to pages/draft-page.md" in err
    assert "reports/public-report.md:10: warning: links to reports/exempt-report.md" in err


HOSTILE = """\
---
title: Hostile page
---
## Pasted from an e-mail

<script>alert('HOSTILE-SCRIPT')</script>
<p onclick="alert('HOSTILE-ONCLICK')" onmouseover="x()">Click</p>
<img src="../assets/leak-image.svg" alt="logo" onerror="alert('HOSTILE-ONERROR')">
<a href="javascript:alert('HOSTILE-JSLINK')">js link</a>
<a href="data:text/html;base64,SE9TVElMRQ==">data link</a>
[markdown js](javascript:alert('HOSTILE-MDLINK'))
<iframe src="http://127.0.0.1:{port}/frame"></iframe>
<object data="http://127.0.0.1:{port}/object"></object>
<embed src="http://127.0.0.1:{port}/embed">
<form action="http://127.0.0.1:{port}/form"><input name="q"></form>
<style>@import url("http://127.0.0.1:{port}/style.css"); body {{ display: none }}</style>
<svg><script>alert('HOSTILE-SVG')</script><a href="javascript:alert(1)">svg</a></svg>
<meta http-equiv="refresh" content="0; url=http://127.0.0.1:{port}/refresh">
<base href="http://127.0.0.1:{port}/">
<link rel="stylesheet" href="http://127.0.0.1:{port}/link.css">
<link rel="attachment" href="file:///etc/passwd">

Plain text after the attack.
"""


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    count = 0

    def do_GET(self):
        type(self).count += 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_server():
    _CountingHandler.count = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_hostile_markup_is_inert_in_html_and_pdf_and_nothing_is_fetched(tmp_path, counting_server):
    content = marker_project(tmp_path)
    (content / "pages/hostile.md").write_text(HOSTILE.format(port=counting_server))
    report = content / "reports/public-report.md"
    report.write_text(report.read_text() + "\n" + HOSTILE.format(port=counting_server).split("---\n", 2)[2])
    output = tmp_path / "output"
    assert build(content, output) == 0
    for page in ("pages/hostile.html", "reports/public-report.html"):
        html = (output / page).read_text()
        main_part = html[html.index('<main'):html.index("</main>")]
        assert "Plain text after the attack." in main_part
        for bad in ("<script", "alert(", "onclick", "onmouseover", "onerror", "javascript:", "data:text",
                    "<iframe", "<object", "<embed", "<form", "<input", "<style", "@import", "<svg", "<meta",
                    "<base", "<link", "127.0.0.1", "file:"):
            assert bad not in main_part, (page, bad)
    pdf_text = everything_readable(output / "reports")
    assert "root:" not in pdf_text, "/etc/passwd must never be embedded"
    assert "HOSTILE-" not in "\n".join(p.extract_text() for p in PdfReader(output / "reports/public-report.pdf").pages)
    assert _CountingHandler.count == 0, "a build must never open a network connection"


@pytest.mark.parametrize("image", [
    "![pixel](http://example.org/p.png)",
    '<img src="http://127.0.0.1:9/tracker.png" alt="tracker">',
    "<IMG SRC='file:///etc/passwd'>",
    '<img alt="x" src=data:image/png;base64,AAAA>',
])
def test_images_from_anywhere_but_assets_are_an_error(tmp_path, capsys, image):
    content = marker_project(tmp_path)
    (content / "pages/tracker.md").write_text(f"---\ntitle: Tracker\n---\nText.\n{image}\n")
    assert main(["check", "--content", str(content)]) == 1
    assert "pages/tracker.md:5: the image '" in capsys.readouterr().err


@pytest.mark.parametrize("target", ["../../../etc/passwd", "/etc/passwd"])
def test_links_out_of_the_content_folder_are_errors(tmp_path, capsys, target):
    content = marker_project(tmp_path)
    (content / "pages/escape.md").write_text(f"---\ntitle: Escape\n---\n![x](../assets/{target})\n[y]({target})\n")
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "pages/escape.md:4:" in err and "pages/escape.md:5:" in err


def test_symlinks_pointing_outside_are_never_read(tmp_path, capsys):
    content = marker_project(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("OUTSIDE-SECRET")
    (content / "assets/linked.txt").symlink_to(secret)
    (content / "pages/linked.md").symlink_to(secret)
    output = tmp_path / "output"
    assert build(content, output) == 1
    err = capsys.readouterr().err
    assert "assets/linked.txt: this file is a link to somewhere outside the content folder" in err
    assert "pages/linked.md: this file is a link to somewhere outside the content folder" in err
    assert "OUTSIDE-SECRET" not in err and not output.exists()


def test_a_folder_linked_to_somewhere_outside_is_never_read(tmp_path, capsys):
    content = marker_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.md").write_text("---\ntitle: OUTSIDE-SECRET\n---\nOUTSIDE-SECRET\n")
    (content / "case-studies").rename(tmp_path / "case-studies-moved")
    (content / "case-studies").symlink_to(elsewhere, target_is_directory=True)
    output = tmp_path / "output"
    assert build(content, output) == 1
    err = capsys.readouterr().err
    assert "case-studies/secret.md: this file is a link to somewhere outside the content folder" in err
    assert "OUTSIDE-SECRET" not in err and not output.exists()


# Nothing lost: a failure at any stage leaves the previous output exactly as it was.

def checksums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path):
    content = marker_project(tmp_path)
    output = tmp_path / "output"
    assert build(content, output, "--no-pdf") == 0
    return content, output, checksums(output)


def _no_leftovers(output: Path) -> bool:
    return not [p for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.") and p.suffix == ".tmp"]


def test_bad_content_changes_nothing(built):
    content, output, before = built
    (content / "threats/public-threat.md").write_text("---\ntitle: [broken\n---\n")
    assert build(content, output, "--no-pdf") == 1
    assert checksums(output) == before and _no_leftovers(output)


def test_template_error_while_rendering_changes_nothing(built, capsys):
    content, output, before = built
    templates = content.parent / "templates"
    templates.mkdir()
    (templates / "threat.html").write_text('{% extends "base.html" %}\n{% block main %}\n{{ item.no_such_field.x }}\n{% endblock %}\n')
    assert build(content, output, "--no-pdf") == 1
    err = capsys.readouterr().err
    assert "threat.html:3: template error:" in err and "Traceback" not in err
    assert checksums(output) == before and _no_leftovers(output)


def test_template_syntax_error_changes_nothing(built, capsys):
    content, output, before = built
    templates = content.parent / "templates"
    templates.mkdir()
    (templates / "list.html").write_text('{% extends "base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n')
    assert build(content, output, "--no-pdf") == 1
    assert "list.html:3: template error:" in capsys.readouterr().err
    assert checksums(output) == before and _no_leftovers(output)


def test_pdf_that_cannot_be_made_changes_nothing(built):
    content, output, before = built
    override = content.parent / "templates/pdf"
    override.mkdir(parents=True)
    base = (REPO / "templates/pdf/base.html").read_text()
    (override / "base.html").write_text(base.replace("<body>", '<body><img src="file:///etc/hostname" alt="x">'))
    assert build(content, output) == 1
    assert checksums(output) == before and _no_leftovers(output)


def _cli(content: Path, output: Path, *extra: str, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "--content", str(content), "--output", str(output), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )


def test_full_disk_changes_nothing(built):
    content, output, before = built

    def small_files_only():
        # Writing past this size fails as a full disk would (Python ignores SIGXFSZ).
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    process = _cli(content, output, "--no-pdf", preexec_fn=small_files_only)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err
    assert "the output could not be written: File too large" in err and "Traceback" not in err
    assert checksums(output) == before and _no_leftovers(output)


def _wait_for_staging(output: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if [p for p in output.parent.iterdir() if p.name.startswith(f".{output.name}.build-")]:
            return
        time.sleep(0.02)
    raise AssertionError("the build never started writing")


def test_ctrl_c_changes_nothing(built):
    content, output, before = built
    process = _cli(content, output)
    _wait_for_staging(output, process)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert checksums(output) == before and _no_leftovers(output)


# Ctrl-C pressed while nh3 is calling back into Python: nh3 prints the
# KeyboardInterrupt as "ignored" and carries on, which must not let the build finish.
_CTRL_C_INSIDE_NH3 = """
import os, signal, sys
import nh3
from builder.cli import main

clean = nh3.clean

def clean_pressing_ctrl_c(html, **options):
    keep = options["attribute_filter"]

    def filter_and_press(tag, attribute, value):
        os.kill(os.getpid(), signal.SIGINT)
        return keep(tag, attribute, value)

    return clean(html, **dict(options, attribute_filter=filter_and_press))

nh3.clean = clean_pressing_ctrl_c
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_swallowed_by_a_library_still_changes_nothing(built):
    content, output, before = built
    (content / "threats/public-threat.md").write_text(
        (content / "threats/public-threat.md").read_text() + "\n\nA [link](https://example.org/) to filter.\n")
    process = subprocess.run(
        [sys.executable, "-c", _CTRL_C_INSIDE_NH3, "build", "--content", str(content), "--output", str(output),
         "--no-pdf", "--jobs", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert "Exception ignored" in process.stderr, "the interrupt did not arrive inside nh3"
    assert process.returncode == 130, process.stderr
    assert "Stopped; the output folder is unchanged." in process.stderr
    assert checksums(output) == before and _no_leftovers(output)


def test_a_killed_build_leaves_a_folder_the_next_build_removes(built):
    content, output, before = built
    process = _cli(content, output)
    _wait_for_staging(output, process)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert checksums(output) == before
    assert not _no_leftovers(output), "SIGKILL leaves the temporary folder behind"
    assert build(content, output, "--no-pdf") == 0
    assert _no_leftovers(output)


def test_new_never_overwrites(built, capsys):
    content, _, _ = built
    existing = content / "threats/public-threat.md"
    original = existing.read_bytes()
    assert main(["new", "threat", "Public threat", "--content", str(content)]) == 1
    assert existing.read_bytes() == original
    assert "threats/public-threat.md: already exists" in capsys.readouterr().err


def test_output_that_is_not_ours_is_never_replaced(tmp_path, capsys):
    content = marker_project(tmp_path)
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.docx").write_text("years of work")
    assert build(content, precious, "--no-pdf") == 1
    assert (precious / "thesis.docx").read_text() == "years of work"
    assert "was not made by briefing" in capsys.readouterr().err
    assert build(content, content / "output", "--no-pdf") == 1
    assert build(content, tmp_path, "--no-pdf") == 1, "an output folder containing the content is refused"
    assert (content / "site.yaml").exists()
