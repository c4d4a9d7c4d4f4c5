"""The small project that the tests of the build cache and of the output folder
build and edit, and the edits they make to it. It is written and built with
conftest's helpers (write_project, build).

Every marking, draft and exempt line is written at the same length either way,
so that an edit can keep a file's size (and, put back, its time).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SITE_YAML, build, write_project

SENSITIVE = "OFFICIAL-SENSITIVE"
# Written into the text of items that a public build must never show.
SECRET = "SECRET-MARKER-7Q"

FACTS = """\
- id: first-fact
  value: "42%"
  label: of something measured
  source: A published source
  year: 2015
- id: second-fact
  value: "17"
  label: cases of something else
  source: Another source
  year: 2015
"""


def marking(sensitive: bool) -> str:
    """The classification line, the same length either way."""
    return f"classification: {SENSITIVE if sensitive else 'OFFICIAL'.ljust(len(SENSITIVE))}"


def draft(is_draft: bool) -> str:
    return f"draft: {'true ' if is_draft else 'false'}"


def _item(fields: str, body: str, sensitive: bool = False) -> str:
    return f"---\n{fields}{marking(sensitive)}\n{draft(False)}\n---\n{body}"


def base_files(sensitive_text: str = SECRET) -> dict[str, str]:
    """The project: two threats, two case studies (one sensitive), two papers on a
    meeting's agenda, a spotlight session, a page with an image, two facts."""
    return {
        "site.yaml": SITE_YAML,
        "facts.yaml": FACTS,
        "assets/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="10" height="10">'
                           '<rect width="10" height="10" fill="#1f4e79"/></svg>\n',
        "threats/alpha.md": _item(
            "title: Alpha threat\nsummary: The first threat.\nowner: prevent\ntrend: rising\n"
            "objectives: [deter, detect]\nsigns:\n  - A warning sign\nat_risk:\n  - Older residents\n"
            "facts: [first-fact]\n",
            "## What it looks like\n\nA paragraph, with [a case study](../case-studies/case-one.md).\n\n"
            "::: chart facts first-fact second-fact\n"),
        "threats/beta.md": _item("title: Beta threat\nsummary: The second threat.\ntrend: stable\n",
                                 "About the second threat.\n"),
        "case-studies/case-one.md": _item(
            "title: Case one\nsummary: A case study.\ndate: 2015-03-01\nthreats: [alpha]\nobjectives: [detect]\n"
            "lessons:\n  - Check contractors first\n",
            "What happened, linked to [the threat](../threats/alpha.md).\n"),
        "case-studies/case-two.md": _item(
            "title: Case two\nsummary: A sensitive case study.\ndate: 2015-04-01\nthreats: [alpha, beta]\n",
            f"Text that only the internal site shows: {sensitive_text}.\n", sensitive=True),
        "reports/paper-one.md": _item(
            "title: Paper one\nsummary: A board paper.\nto: main-board\non: 2015-09-02\n"
            "report_by: Director of Tests\nthreats: [alpha]\nappendices: [case-studies/case-one]\n"
            "# exempt: 1\nactions:\n  - action: Agree the plan\n    owner: integrity\n    due: 2016-03-31\n"
            "    status: in-progress\n",
            "## Summary\n\nThe paper in brief.\n\n## Recommendations\n\nThe board is asked to agree.\n"),
        "reports/paper-two.md": _item(
            "title: Paper two\nsummary: Another paper.\nto: main-board\non: 2015-09-02\n# exempt: 1\n",
            "## Summary\n\nThe second paper.\n"),
        "meetings/board-meeting.yaml": "board: main-board\ndate: 2015-09-02\ntime: \"10:00\"\nvenue: Room 1\n"
                                       "items:\n  - title: Apologies\n  - report: paper-one\n"
                                       "  - report: paper-two\n",
        "spotlights/spot.md": _item(
            "title: A spotlight\nsummary: A session.\ndate: 2015-06-10\nboard: main-board\nthreats: [beta]\n"
            "actions:\n  - action: Run an awareness session\n    owner: prevent\n    due: 2015-12-31\n"
            "    status: open\n",
            "Notes of the session.\n"),
        "pages/about.md": _item("title: About\nsummary: About this site.\n",
                                "![The logo](../assets/logo.svg)\n\nSee [the second case](../case-studies/case-two.md).\n"),
    }


def small_project(root: Path) -> Path:
    """root/content holding the small project of base_files()."""
    return write_project(root, base_files())


def inodes(folder: Path) -> dict[str, int]:
    """A rendered file is new; a reused one is the same file as before (a hard link)."""
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def rendered(before: dict[str, int], after: dict[str, int]) -> set[str]:
    """The pages and PDFs made again (static files, assets, search and exports are not counted)."""
    return {path for path, inode in after.items() if before.get(path) != inode and path.endswith((".html", ".pdf"))}


def cold_build(content: Path, where: Path, *extra: str, pdf: bool = False) -> tuple[int, Path]:
    """The same content built from nothing: copied to a folder of its own, whose
    private folder holds no cache. Returns the build's exit status and output."""
    copy = where / "content"
    shutil.copytree(content, copy, symlinks=True)
    templates = content.parent / "templates"
    if templates.is_dir():
        shutil.copytree(templates, where / "templates")
    output = where / "output"
    return build(copy, output, *extra, pdf=pdf, expect=None).code, output


def edit_keeping_size_and_time(path: Path, old: str, new: str) -> None:
    """Replace text by text of the same length and put the file's times back, as
    `cp -p`, `rsync -a` and unzip leave them."""
    assert len(old.encode()) == len(new.encode())
    info = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


def rename_item(content: Path, folder: str, old_id: str, new_id: str) -> None:
    """Rename an item and every reference to it (links and appendices)."""
    (content / folder / f"{old_id}.md").rename(content / folder / f"{new_id}.md")
    pattern = re.compile(rf"{re.escape(folder)}/{re.escape(old_id)}(?=\.md|\]|,|\s)")
    for path in content.rglob("*"):
        if path.suffix in (".md", ".yaml"):
            text = path.read_text(encoding="utf-8")
            changed = pattern.sub(f"{folder}/{new_id}", text)
            if changed != text:
                path.write_text(changed, encoding="utf-8")


def delete_item(content: Path, folder: str, item_id: str) -> None:
    """Delete an item that only body links point to; the links become plain text."""
    (content / folder / f"{item_id}.md").unlink()
    pattern = re.compile(rf"\[([^\]]*)\]\([^)]*{re.escape(folder)}/{re.escape(item_id)}\.md[^)]*\)")
    for path in content.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        changed = pattern.sub(r"\1", text)
        if changed != text:
            path.write_text(changed, encoding="utf-8")


def override_template(content: Path, name: str, old: str, new: str) -> None:
    """The project's own copy of a built-in template (beside the content folder), with `old` replaced by `new`."""
    override = content.parent / "templates" / name
    built_in = override.read_text() if override.exists() else (REPO / "templates" / name).read_text()
    assert old in built_in
    override.parent.mkdir(parents=True, exist_ok=True)
    override.write_text(built_in.replace(old, new, 1))


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path]:
    """The small project, built once (HTML only): (content, output)."""
    content = small_project(tmp_path)
    output = tmp_path / "output"
    build(content, output)
    return content, output
