"""The one foundation of the test suite: where the fixture projects are, how a
project is written, how the command is run (in this process, or as a real
process where that is the point), one build helper, builds of the fixture
projects shared by the whole session, everything readable in an output folder,
a small HTML tree to ask questions of the pages, and one counting HTTP server.

Tests import the plain helpers (`from conftest import build, cli, ...`) and ask
for the fixtures (copy_site, make_project, site_build, counting_server, browser)
by name.

Hypothesis settings profiles live here too: `quick` (the default, what `make
test` runs: a few derandomised examples, no deadline) and `deep` (`make
test-deep`: `pytest -m property --hypothesis-profile=deep`, hundreds of examples),
and the hook that marks browser and property tests for the tiers.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gzip
import hashlib
import http.server
import io
import os
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from builder.cli import main

REPO = Path(__file__).resolve().parent.parent
TESTS = REPO / "tests"
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


# The tiers ---------------------------------------------------------------------
# Markers (registered in pyproject.toml) choose what each tier runs: `make test`
# leaves out `slow`; `make test-quick` leaves out `browser`, `pdf` and `slow`;
# `make test-deep` runs `property` with the deep profile, and `slow`.


_SHARED = dict(deadline=None, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture])
settings.register_profile("quick", max_examples=5, derandomize=True, **_SHARED)
settings.register_profile("deep", max_examples=300, **_SHARED)
settings.load_profile("quick")  # `--hypothesis-profile=deep` on the command line overrides this


def pytest_collection_modifyitems(items):
    """Mark what can be told from the test itself: a test that asks for the
    `browser` fixture (directly or through another fixture) drives Chromium, and
    a hypothesis test is a property test. `pdf` and `slow` are marked by hand."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)


# Writing projects -----------------------------------------------------------

def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text or bytes} under root and return root. Text is
    written as given (no newline translation: Windows line endings stay)."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8", newline="")
    return root


def write_project(root: Path, files: dict[str, str | bytes]) -> Path:
    """root/content holding the files, with a valid small site.yaml unless they
    give their own; returns the content folder."""
    return write_files(root / "content", {"site.yaml": SITE_YAML, **files})


def copy_project(name: str, root: Path, overlay: dict[str, str | bytes] | None = None) -> Path:
    """root/content: a copy of the fixture project tests/sites/<name>, with the
    files of overlay laid over it; returns the content folder."""
    content = root / "content"
    shutil.copytree(SITES / name, content)
    return write_files(content, overlay or {})


@pytest.fixture
def make_project(tmp_path):
    """make_project({path: text}) -> write_project(tmp_path, {path: text})."""
    return functools.partial(write_project, tmp_path)


@pytest.fixture
def copy_site(tmp_path):
    """copy_site("minimal", {path: text}) -> copy_project("minimal", tmp_path, {path: text})
    (a project's own templates then go beside it, to tmp_path/templates)."""

    def copy(name: str = "minimal", overlay: dict[str, str | bytes] | None = None) -> Path:
        return copy_project(name, tmp_path, overlay)

    return copy


# Running the command --------------------------------------------------------

@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str

    def __iter__(self):  # so that `code, out, err = cli(...)` works
        return iter((self.code, self.out, self.err))


def cli(*args: object) -> Run:
    """`briefing ARGS` in this process: its exit status and what it printed.
    Usage errors (argparse's SystemExit) come back as their exit status."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())


def run_process(*args: object, cwd: Path | None = None, env: dict | None = None, timeout: float = 300) -> Run:
    """`python -m builder ARGS` as a real process, for what only a process shows
    (exit status, no traceback, signals, the working folder); the timeout is a
    hang guard, not a time limit."""
    result = subprocess.run([sys.executable, "-m", "builder", *map(str, args)], check=False, cwd=cwd,
                            env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout)
    return Run(result.returncode, result.stdout, result.stderr)


# Whether the build helpers make a search index: not in a module marked
# `without_search`. Pagefind costs a quarter of a small build; the tests that look
# at what a build writes, search index included, leave their modules unmarked.
_SEARCH = {"on": True}


def pytest_runtest_setup(item):
    """Before any fixture of the test is set up (a module's shared builds too)."""
    _SEARCH["on"] = item.get_closest_marker("without_search") is None


def build_args(content: Path, output: Path, *extra: object, pdf: bool = False, today: str | None = TODAY,
               search: bool | None = None) -> list:
    """The arguments of a reproducible build of content into output, on one
    process, HTML only unless pdf=True, with a search index unless the test's
    module is marked `without_search` (or `search` says); `extra` comes last, so
    it may override (`--today`, `--jobs 2`)."""
    search = _SEARCH["on"] if search is None else search
    return ["build", "--content", content, "--output", output, "--jobs", "1",
            *(["--today", today] if today else []), *([] if pdf else ["--no-pdf"]),
            *([] if search else ["--no-search"]), *extra]


def build(content: Path, output: Path, *extra: object, pdf: bool = False, today: str | None = TODAY,
          process: bool = False, expect: int | None = 0, search: bool | None = None) -> Run:
    """The one build helper: build_args's build, in this process unless
    process=True. Asserts the exit status is `expect` (None: any) and returns the Run."""
    args = build_args(content, output, *extra, pdf=pdf, today=today, search=search)
    result = run_process(*args) if process else cli(*args)
    if expect is not None:
        assert result.code == expect, f"build exited {result.code}, not {expect}:\n{result.err}"
    return result


def start_build(content: Path, output: Path, *extra: object, pdf: bool = False, today: str | None = TODAY,
                **popen) -> subprocess.Popen:
    """build_args's build as a process left running, for the tests that stop or
    kill a build on its way; its output and errors are pipes, in text."""
    args = build_args(content, output, "--quiet", *extra, pdf=pdf, today=today)
    return subprocess.Popen([sys.executable, "-m", "builder", *map(str, args)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory):
    """site_build("partnership", "public", pdf=True) -> the output folder of that
    fixture project (tests/sites/<name>, copied first) built once per run: the
    workers of a parallel run share one folder, and a lock on each build makes
    the first worker that asks build it while the other waits for it.
    Shared by every test that asks for the same build: read it, never change it."""
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "site-builds"
    root.mkdir(exist_ok=True)
    outputs: dict[tuple, Path] = {}

    def get(name: str = "partnership", profile: str = "internal", *, pdf: bool = False,
            today: str = TODAY) -> Path:
        key = (name, profile, pdf, today)
        if key not in outputs:
            folder = root / f"{name}-{profile}{'-pdf' if pdf else ''}-{today}"
            folder.mkdir(exist_ok=True)
            with open(folder / ".lock", "w") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not (folder / "built").exists():
                    content = copy_project(name, folder / "project")
                    build(content, folder / "output", "--profile", profile, pdf=pdf, today=today, search=True)
                    (folder / "built").touch()
            outputs[key] = folder / "output"
        return outputs[key]

    return get


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


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def pdf_text(path: Path) -> str:
    """All the text of a PDF, white space folded, so that wrapped phrases match."""
    return " ".join(" ".join(pdf_pages(path)).split())


def everything_readable(folder: Path) -> str:
    """all_text, plus the text, metadata and bookmarks of every PDF."""
    from pypdf import PdfReader

    parts = [all_text(folder)]
    for file in sorted(folder.rglob("*.pdf")):
        reader = PdfReader(file)
        parts.extend(page.extract_text() for page in reader.pages)
        parts.extend(str(value) for value in (reader.metadata or {}).values())
        parts.extend(str(entry) for entry in reader.outline)
    return "\n".join(parts)


def checksums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(output: Path) -> list[str]:
    """Temporary folders of a build, left beside the output folder."""
    return sorted(p.name for p in output.parent.iterdir()
                  if p.name.startswith(f".{output.name}.") and p.suffix == ".tmp")


def problem_lines(err: str) -> list[str]:
    """The lines of stderr that report a problem (not the closing summary)."""
    return [line for line in err.splitlines() if line.strip() and ": " in line
            and not line.split(": ", 1)[0].split()[0].isdigit()]


def errors_only(err: str) -> list[str]:
    return [line for line in problem_lines(err) if ": warning: " not in line]


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

    def urls(self) -> list[tuple[str, str]]:
        """(attribute, address) of every href and src below it."""
        return [(name, node.attrs[name]) for node in self.iter() for name in ("href", "src") if node.attrs.get(name)]


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


def html_pages(output: Path) -> list[Path]:
    """The site's own pages (not the search UI's)."""
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts)


# A local web server -----------------------------------------------------------

@dataclass
class Server:
    port: int
    requests: list[str] = field(default_factory=list)  # the path of every request, in order

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def http_server(folder: Path | None = None):
    """A web server on 127.0.0.1 that records every request it gets: serving the
    files of `folder`, or, without one, answering anything with an empty image."""
    server_state = Server(0)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder or TESTS), **kwargs)

        def parse_request(self):
            ok = super().parse_request()
            server_state.requests.append(self.path)
            return ok

        def do_GET(self):
            if folder is not None:
                return super().do_GET()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def counting_server():
    """A local server that answers anything and counts: a build must never ask it."""
    with http_server() as server:
        yield server


# Guarding against a hang -------------------------------------------------------

class Hang(Exception):
    """A case that ran past its hang guard."""


@contextlib.contextmanager
def hang_guard(seconds: int):
    """Stop a case that never ends. Generous: it tells a hang from slowness, and
    asserts no timing."""
    def stop(signum, frame):
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# A real browser ------------------------------------------------------------------

# Playwright drives Debian's Chromium (`playwright install` is never needed); .ci/run installs it.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]
# One page of each type of the partnership fixture project.
PAGE_TYPES = [
    "index.html", "threats/index.html", "threats/bogus-workmen-doorstep-crime.html",
    "case-studies/doorstep-roofing-fraud.html", "spotlights/wrap-regulatory-services.html",
    "reports/soc-strategy-refresh.html", "meetings/2015-09-02-ssr.html", "pages/report-a-concern.html",
    "actions/index.html", "actions/prevent.html", "objectives/index.html", "objectives/detect.html",
    "facts/index.html",
]
# The page types whose layouts differ most (a home page of lists, a paper with its
# tables and charts, a wide table): a browser test run over every page type
# checks these in `make test`; the rest (an agenda, charts alone, ...) are `slow`,
# for `make test-deep`, since each page costs a browser second or two.
LAYOUTS = {"index.html", "reports/soc-strategy-refresh.html", "actions/index.html"}


def each_page(paths) -> list:
    """paths as pytest parameters, those not in LAYOUTS marked slow."""
    return [pytest.param(path, marks=() if path in LAYOUTS else pytest.mark.slow) for path in paths]


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session; each test opens its own context (page)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
