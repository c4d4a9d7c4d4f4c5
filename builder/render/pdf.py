"""The PDFs planned in `plan.pdfs`, written with WeasyPrint.

WeasyPrint is imported only when PDFs are made, so `briefing check` and
`briefing --help` stay quick. Every file WeasyPrint asks for goes through
`SafeFetcher`, which serves only the project's assets and our own template
files, and never touches the network.
"""

from __future__ import annotations

import base64
import ctypes.util
import datetime as dt
import mimetypes
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from builder.model.project import Project
from builder.model.errors import Problem
from builder.plan.pdfs import PDF_VARIANT, PdfJob
from builder.render import templates, typeset


class RefusedFetch(ValueError):
    """WeasyPrint asked for something the safe fetcher does not serve."""


def _safe_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Serves files from a few folders only; refuses everything else and remembers it.

        It never calls the default fetcher, so no URL can reach the network or the
        rest of the disk, whatever a template or a piece of content asks for.
        """

        def __init__(self, allowed_roots: list[Path]):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
            self.allowed_roots = [root.resolve() for root in allowed_roots if root.is_dir()]
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if url.startswith("data:image/svg+xml;base64,"):
                # Our own charts: self-contained, touching neither disk nor network.
                return URLFetcherResponse(url, body=base64.b64decode(url.split(",", 1)[1]),
                                          headers={"Content-Type": "image/svg+xml"})
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" and not parts.netloc else None
            if path is None or not path.is_file() or not any(path.is_relative_to(r) for r in self.allowed_roots):
                self.refused.append(url)
                raise RefusedFetch(f"refused to fetch {url}")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type})

    return SafeFetcher


def _describe_refusal(url: str) -> str:
    if url.startswith(("http:", "https:", "ftp:")):
        return f"it asks for {url}, on the network; a PDF may only use files under assets/"
    return f"it asks for {url}, which is outside the content folder's assets/; copy the file into assets/"


SUBSETTING_ADVICE = ("PDFs: fonts were subset the slow way; install HarfBuzz's subsetting library "
                     "(Debian and Ubuntu: apt install libharfbuzz-subset0) for faster PDFs, the same bytes every build")


def fast_font_subsetting() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (the names it looks for)
    rather than with fontTools, which is slower and writes the time into each font."""
    return any(ctypes.util.find_library(name) for name in ("harfbuzz-subset", "harfbuzz-subset-0"))


@dataclass(frozen=True)
class PdfSetup:
    """What a process needs to write PDFs."""

    project: Project
    content_dir: Path
    out: Path
    today: dt.date


class PdfWriter:
    """Writes PDFs with WeasyPrint; one per process, as importing WeasyPrint is slow."""

    def __init__(self, setup: PdfSetup):
        # Font subsetting without harfbuzz writes the time into the font: pin it so
        # that the same input always gives the same bytes.
        os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
        import logging

        from weasyprint import CSS, HTML
        from weasyprint.text.fonts import FontConfiguration

        logging.getLogger("weasyprint").setLevel(logging.CRITICAL)
        # Without HarfBuzz's subsetting library, fontTools subsets the fonts and warns
        # of each font's old timestamp, for every PDF: noise the author can do nothing
        # about (the CLI says once what to install instead).
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        self.setup = setup
        self.env = templates.environment(setup.content_dir)
        project = setup.project
        self.all_markings = {m.classification for m in (*project.items, *project.facts, *project.actions)}
        dirs = templates.template_dirs(setup.content_dir)
        stylesheet = next(d / "pdf" / "paper.css" for d in dirs if (d / "pdf" / "paper.css").is_file())
        self.allowed = [setup.content_dir / "assets"] + [d / sub for d in dirs for sub in ("static", "pdf")]
        self.fetcher_class = _safe_fetcher_class()
        self.HTML = HTML
        # One font configuration and one parsed stylesheet serve every PDF of the
        # process: made afresh per PDF they cost a third of a short paper's time.
        # The stylesheet's own fetches (its fonts) happen here, once; what it was
        # refused is reported with every PDF, as each would have been refused it.
        self.fonts = FontConfiguration()
        self.stylesheet_fetcher = self.fetcher_class(self.allowed)
        self.css = CSS(filename=str(stylesheet), url_fetcher=self.stylesheet_fetcher, font_config=self.fonts)

    def _html(self, job: PdfJob, version: str, **extra) -> str:
        """The PDF's HTML, each part (a pack's cover, each paper bound in) marked at the
        highest marking of what the recorder saw it show: rendered again where that
        is more than was planned."""
        template = self.env.get_template(job.template)

        def render() -> str:
            return template.render(**job.inputs, **extra, site=self.setup.project.site, title=job.title,
                                   today=self.setup.today, content_version=version)

        self.env.record_parts()
        try:
            html = render()
            raised = self.env.parts_raised(self.all_markings)
            if raised is not None:
                self.env.apply_parts(raised)
                html = render()
        finally:
            self.env.apply_parts(None)
        return typeset.keep_short_blocks(html)

    def _document(self, html: str, fetcher):
        base_url = self.setup.content_dir.resolve().as_uri() + "/"
        return self.HTML(string=html, base_url=base_url, url_fetcher=fetcher)

    def _open_pages(self, open_pack: PdfJob, fetcher) -> dict[int, tuple[int, int]]:
        """Each open paper's first and last page in the open pack, by laying it out."""
        laid_out = self._document(self._html(open_pack, ""), fetcher).render(stylesheets=[self.css],
                                                                             font_config=self.fonts)
        anchors: dict[str, int] = {}
        for number, page in enumerate(laid_out.pages, start=1):
            for name in page.anchors:  # a paper's anchor is on every page its section spans
                anchors.setdefault(name, number)
        pages = {}
        for entry in open_pack.inputs["entries"]:
            if entry.paper is not None:
                anchor = entry.paper.anchor
                if anchor in anchors and f"{anchor}-end" in anchors:
                    pages[entry.number] = (anchors[anchor], anchors[f"{anchor}-end"])
        return pages

    def write(self, job: PdfJob, version: str) -> list[Problem]:
        fetcher = self.fetcher_class(self.allowed)
        try:
            open_pack = job.inputs.get("open_pack")
            open_pages = self._open_pages(open_pack, fetcher) if open_pack else {}
            html = self._html(job, version, open_pages=open_pages)
        except Exception as exc:
            problem = templates.template_problem(exc)
            if problem is None:
                raise
            return [problem]
        document = self._document(html, fetcher)
        target = self.setup.out / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            document.write_pdf(target, stylesheets=[self.css], font_config=self.fonts, pdf_variant=PDF_VARIANT,
                               custom_metadata=True)
        except Exception as exc:  # a broken document must name its file, not crash the run
            return [Problem(job.source, 0, f"the PDF {job.path} could not be made: {exc}")]
        return [Problem(job.source, 0, f"the PDF {job.path} was not made: {_describe_refusal(url)}")
                for url in (*self.stylesheet_fetcher.refused, *fetcher.refused)]


_writer: PdfWriter | None = None


def start_worker(setup: PdfSetup) -> None:
    global _writer
    _writer = PdfWriter(setup)


def stop_worker() -> None:
    """Let the writer go: WeasyPrint keeps the fonts of a configuration in a
    temporary folder that it deletes only when the configuration is freed."""
    global _writer
    _writer = None


def write_jobs(jobs: list[tuple[PdfJob, str]]) -> list[tuple[str, list[Problem]]]:
    """Runs in a worker set up by `start_worker`: each job's path and its problems."""
    return [(job.path, _writer.write(job, version)) for job, version in jobs]
