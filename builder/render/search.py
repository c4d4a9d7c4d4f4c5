"""The site's full-text search: Pagefind indexes made from the finished HTML.

Pages are indexed in bundles (one per section, or per slice of a large section)
that the browser merges, so that an edit re-indexes only its own bundle and no
indexer needs much memory. The indexes are built from the pages this build
wrote, so they can only hold what the chosen profile let onto the site.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pagefind_bin

from builder.model.errors import Problem
from builder.plan.search_bundles import Bundle

class Indexer:
    """Pagefind runs on each bundle as soon as its pages are written, `jobs` at a
    time, while the build goes on rendering the rest (Pagefind is a separate
    program, so it works beside the Python that renders)."""

    def __init__(self, site_dir: Path, jobs: int):
        self.site_dir, self.jobs = site_dir, max(1, jobs)
        # The program itself, not `python -m pagefind`, which starts Python only to run it.
        self.program = str(pagefind_bin.get_executable())
        self.waiting: list[Bundle] = []
        self.running: list[tuple[Bundle, subprocess.Popen]] = []
        self.problems: list[Problem] = []

    def __enter__(self) -> Indexer:
        return self

    def __exit__(self, *exc_info) -> None:
        for _, process in self.running:
            process.kill()
            process.communicate()

    def add(self, bundle: Bundle) -> None:
        self.waiting.append(bundle)
        self.poll()

    def finish(self) -> list[Problem]:
        """Wait for every bundle; the problems of any that failed."""
        self.poll()
        while self.running:
            bundle, process = self.running[0]
            self._collect(bundle, process)
            self.running.pop(0)
            self.poll()
        return self.problems

    def poll(self) -> None:
        """Start waiting bundles in the places of any that have finished: call it now and then."""
        # A process leaves `running` only once collected: Ctrl-C while waiting for it
        # must still find it there to kill, or it writes on into the deleted staging folder.
        for bundle, process in [(b, p) for b, p in self.running if p.poll() is not None]:
            self._collect(bundle, process)
            self.running.remove((bundle, process))
        while self.waiting and len(self.running) < self.jobs:
            bundle = self.waiting.pop(0)
            self.running.append((bundle, subprocess.Popen(
                [self.program, "--site", str(self.site_dir), "--glob", bundle.glob,
                 "--output-subdir", bundle.folder, "--force-language", "en", "--keep-index-url", "--silent"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))

    def _collect(self, bundle: Bundle, process: subprocess.Popen) -> None:
        try:
            out, err = process.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        if process.returncode != 0:
            lines = (err or out).strip().splitlines()
            detail = lines[-1] if lines else (f"it was stopped by signal {-process.returncode}" if process.returncode < 0
                                              else f"it stopped with status {process.returncode}")
            self.problems.append(Problem("search index", 0, f"Pagefind could not index {bundle.section}/: {detail}. "
                                         "Check that the disk has room, then build again"))
