"""The site's full-text search: Pagefind indexes made from the finished HTML.

Pages are indexed in bundles (one per section, or per slice of a large section)
that the browser merges, so that an edit re-indexes only its own bundle and no
indexer needs much memory. The indexes are built from the pages this build
wrote, so they can only hold what the chosen profile let onto the site.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from builder.errors import Problem

SEARCH_FOLDER = "pagefind"
SECTIONS = ("threats", "case-studies", "spotlights", "reports", "meetings", "pages")
# Pagefind holds a bundle's pages in memory while it indexes them: about 0.4 MB a
# long board paper, so a slice of this many stays well under a gigabyte.
PAGES_PER_BUNDLE = 600


@dataclass(frozen=True)
class Bundle:
    name: str  # its folder under pagefind/
    section: str
    pages: tuple[str, ...]  # output paths, such as "reports/x.html"
    whole_section: bool

    @property
    def folder(self) -> str:
        return f"{SEARCH_FOLDER}/{self.name}"

    @property
    def glob(self) -> str:
        if self.whole_section:
            return f"{self.section}/*.html"
        names = ",".join(page.split("/", 1)[1].removesuffix(".html") for page in self.pages)
        return f"{self.section}/{{{names}}}.html"


def plan_bundles(item_pages: list[str]) -> list[Bundle]:
    """Bundles for the pages of single items, in the site's order of sections."""
    bundles = []
    for section in SECTIONS:
        pages = sorted(p for p in item_pages if p.startswith(section + "/"))
        if len(pages) <= PAGES_PER_BUNDLE:
            if pages:
                bundles.append(Bundle(section, section, tuple(pages), True))
            continue
        for number, start in enumerate(range(0, len(pages), PAGES_PER_BUNDLE), start=1):
            bundles.append(Bundle(f"{section}-{number}", section, tuple(pages[start:start + PAGES_PER_BUNDLE]), False))
    return bundles


def _index(site_dir: Path, bundle: Bundle) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", bundle.glob,
         "--output-subdir", bundle.folder, "--force-language", "en", "--keep-index-url", "--silent"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def build_indexes(site_dir: Path, bundles: list[Bundle], jobs: int) -> list[Problem]:
    """Index the bundles, `jobs` at a time; problems if any failed."""
    problems = []
    for start in range(0, len(bundles), max(1, jobs)):
        running = [(bundle, _index(site_dir, bundle)) for bundle in bundles[start:start + max(1, jobs)]]
        for bundle, process in running:
            try:
                out, err = process.communicate(timeout=600)
            except subprocess.TimeoutExpired:
                process.kill()
                out, err = process.communicate()
            if process.returncode != 0:
                detail = (err or out).strip().splitlines()
                problems.append(Problem("search index", 0, f"Pagefind could not index {bundle.section}/: "
                                                           f"{detail[-1] if detail else 'no message'}"))
    return problems
