"""Which search indexes the site has: Pagefind bundles of the pages of single
items (listing pages are not indexed), planned from the selected model."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from builder.model.project import Project
from builder.model.paths import page_path
from builder.project.kinds import KINDS

SEARCH_FOLDER = "pagefind"
# An edit re-indexes its page's whole bundle, at about 2.5 ms a page, so bundles
# are kept small; the browser merges them, fetching a little from each per search.
PAGES_PER_BUNDLE = 128


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


def _slice_of(page: str, slices: int) -> int:
    return int.from_bytes(hashlib.blake2b(page.encode(), digest_size=4).digest(), "big") % slices


def plan_bundles(item_pages: list[str]) -> list[Bundle]:
    """Bundles for the pages of single items, in the site's order of sections.

    A large section is sliced by a hash of each page's name, not by its place in
    the list, so adding or removing a page changes only its own slice. The number
    of slices is a power of two, so that growing past one splits each slice in two.
    """
    bundles = []
    for section in (kind.folder for kind in KINDS):
        pages = sorted(p for p in item_pages if p.startswith(section + "/"))
        if len(pages) <= PAGES_PER_BUNDLE:
            if pages:
                bundles.append(Bundle(section, section, tuple(pages), True))
            continue
        slices = 2
        while len(pages) > slices * PAGES_PER_BUNDLE:
            slices *= 2
        members: list[list[str]] = [[] for _ in range(slices)]
        for page in pages:
            members[_slice_of(page, slices)].append(page)
        bundles.extend(Bundle(f"{section}-{number}", section, tuple(slice_pages), False)
                       for number, slice_pages in enumerate(members, start=1) if slice_pages)
    return bundles


def search_bundles(project: Project) -> list[Bundle]:
    """The search indexes of the pages of single items."""
    return plan_bundles([page_path(item) for item in project.items])
