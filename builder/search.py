"""The site's full-text search: a Pagefind index made from the finished HTML.

The index is built from the pages this build wrote, so it can only hold what the
chosen profile let onto the site.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from builder.errors import Problem

SEARCH_FOLDER = "pagefind"


def build_index(site_dir: Path) -> list[Problem]:
    """Write the search index into `site_dir`/pagefind; problems if it could not be made."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", SEARCH_FOLDER,
               "--force-language", "en", "--keep-index-url", "--silent"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [Problem("search index", 0, f"Pagefind could not run: {exc}; reinstall briefing with its dependencies")]
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        return [Problem("search index", 0, f"Pagefind failed: {detail[-1] if detail else 'no message'}")]
    return []
