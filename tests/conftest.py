"""Shared helpers: projects written into tmp_path, the command line run in-process
or as a real process, everything readable in an output folder, and a small HTML
tree to ask questions of the pages written.

Fixture names are chosen not to clash with the fixtures that older test modules
define for themselves (content, site, built, internal, public, project).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SITES = TESTS / "sites"
INVALID_SITES = TESTS / "sites_invalid"
EXAMPLE_CONTENT = REPO / "content"
TODAY = "2016-01-15"

SITE_YAML = """\
title: Test site
organisation: Test Partnership
classification: OFFICIAL
boards:
  main-board: {name: Main Board}
groups:
  prevent: {name: Prevent Group, remit: Community resilience}
  integrity: {name: Integrity Group, remit: Protecting the council}
implications: [Financial, Legal, Risk]
"""


# Writing projects -----------------------------------------------------------

def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    """Write {relative path: text or bytes} under root; text is written as given
    (no newline translation), so Windows line endings stay Windows line endings."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")


@pytest.fixture
def make_project(tmp_path):
    """make_project({path: text}) -> the content folder, tmp_path/content, with a
    valid minimal site.yaml unless the files give their own."""

    def make(files: dict[str, str | bytes]) -> Path:
        content = tmp_path / "content"
        content.mkdir(parents=True, exist_ok=True)
        write_files(content, {"site.yaml": SITE_YAML, **files})
        return content

    return make


@pytest.fixture
def copy_site(tmp_path):
    """copy_site("minimal", {path: text}) -> a copy of tests/sites/minimal at
    tmp_path/content, with the given files laid over it."""

    def copy(name: str = "minimal", overlay: dict[str, str | bytes] | None = None) -> Path:
        content = tmp_path / "content"
        shutil.copytree(SITES / name, content)
        write_files(content, overlay or {})
        return content

    return copy


# Running the command --------------------------------------------------------

@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def __iter__(self):  # so that `code, out, err = cli(...)` works
        return iter((self.code, self.out, self.err))


@pytest.fixture
def cli(capsys):
    """cli("build", "--content", ...) -> Run(code, out, err), in this process.
    Usage errors (argparse's SystemExit) come back as their exit code."""

    def run(*args: object) -> Run:
        capsys.readouterr()  # forget whatever came before
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def run_process(*args: object, cwd: Path | None = None, env: dict | None = None) -> Run:
    """`python -m builder ARGS` as a real process: its exit status and output."""
    result = subprocess.run([sys.executable, "-m", "builder", *map(str, args)], check=False, cwd=cwd,
                            env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300)
    return Run(result.returncode, result.stdout, result.stderr)


def build_args(content: Path, output: Path, *extra: object) -> list[object]:
    """A reproducible, quick HTML-only build."""
    return ["build", "--content", content, "--output", output, "--today", TODAY, "--no-pdf", "--jobs", "1",
            "--quiet", *extra]


# Reading the output ---------------------------------------------------------

def all_text(folder: Path) -> str:
    """Every file name and all the text of every file under folder (gzip files,
    such as the search index, unpacked too): what anyone could read out of it."""
    parts = []
    for file in sorted(folder.rglob("*")):
        if not file.is_file():
            continue
        data = file.read_bytes()
        parts.append(file.relative_to(folder).as_posix())
        parts.append(data.decode("utf-8", "replace"))
        if data[:2] == b"\x1f\x8b":
            parts.append(gzip.decompress(data).decode("utf-8", "replace"))
    return "\n".join(parts)


def checksums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Node:
    """An element of a parsed page: its tag, attributes and children."""

    def __init__(self, tag: str, attrs: dict, parent: Node | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        """Its text, white space collapsed."""
        return " ".join("".join(c if isinstance(c, str) else f" {c.text()} " for c in self.children).split())

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node:
        found = self.find_all(tag, cls)
        assert found, f"no <{tag or '*'}> of class {cls!r}"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(source: str | Path) -> Node:
    """A page (a file, or HTML text) as a tree of Nodes."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def problem_lines(err: str) -> list[str]:
    """The lines of stderr that report a problem (not the closing summary)."""
    return [line for line in err.splitlines() if line.strip() and ": " in line
            and not line.split(": ", 1)[0].split()[0].isdigit()]


# The example project, built once per session -------------------------------

@pytest.fixture(scope="session")
def example_builds(tmp_path_factory) -> dict[str, Path]:
    """The example content built (HTML only) in both profiles: {profile: output folder}."""
    root = tmp_path_factory.mktemp("example")
    outputs = {}
    for profile in ("internal", "public"):
        outputs[profile] = root / profile
        code = main([str(a) for a in build_args(EXAMPLE_CONTENT, outputs[profile], "--profile", profile)])
        assert code == 0, f"the example content does not build in the {profile} profile"
    return outputs
