"""The site's full-text search: Pagefind indexes made from the finished HTML.

There is one index (bundle) per section of the site, merged in the browser, so
that an edit re-indexes only its own section. The indexes are built from the
pages this build wrote, so they can only hold what the chosen profile let onto
the site.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from builder.errors import Problem

SEARCH_FOLDER = "pagefind"
SECTIONS = ("threats", "case-studies", "spotlights", "reports", "meetings", "pages")


def bundle(section: str) -> str:
    return f"{SEARCH_FOLDER}/{section}"


def build_indexes(site_dir: Path, sections: list[str]) -> list[Problem]:
    """Index the item pages of each section, all at once; problems if any failed."""
    running = [
        (section, subprocess.Popen(
            [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", f"{section}/*.html",
             "--output-subdir", bundle(section), "--force-language", "en", "--keep-index-url", "--silent"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        for section in sections
    ]
    problems = []
    for section, process in running:
        try:
            out, err = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        if process.returncode != 0:
            detail = (err or out).strip().splitlines()
            problems.append(Problem("search index", 0, f"Pagefind could not index {section}/: "
                                                       f"{detail[-1] if detail else 'no message'}"))
    return problems
