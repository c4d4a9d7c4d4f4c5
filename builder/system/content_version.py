"""Which version of the content a PDF was made from, for its audit trail.

In a git repository: the last commit that changed any file the PDF was made
from, and whether any of those files has changed since. Elsewhere: a hash of
the bytes of those files (never of their sizes or times, so that `touch` or a
copy changes nothing). Both are the same for the same content, so PDFs stay
byte-identical from build to build.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from pathlib import Path


def _git(content_dir: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(content_dir), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def last_commit(content_dir: Path) -> str | None:
    """The commit the repository holding the content is at; None outside git."""
    return _git(content_dir, "rev-parse", "HEAD")


def content_versions(content_dir: Path, hashes: dict[str, str]) -> Callable[[tuple[str, ...]], str]:
    """A function from the content files a PDF was made from to the version to
    record in the PDF. `hashes` are the hashes of the content files' bytes."""
    prefix = _git(content_dir, "rev-parse", "--show-prefix")
    log = _git(content_dir, "log", "--format=commit %H", "--name-only", "--relative", "--", ".") if prefix is not None else None
    if log is None:
        def inputs(paths: tuple[str, ...]) -> str:
            digest = hashlib.blake2b(digest_size=20)
            for path in paths:
                digest.update(f"{path}\0{hashes.get(path, 'none')}\0".encode("utf-8", "surrogatepass"))
            return f"inputs {digest.hexdigest()}"

        return inputs
    last_commit: dict[str, str] = {}
    commit = ""
    for line in log.splitlines():
        if line.startswith("commit "):
            commit = line.split()[1]
        elif line and line not in last_commit:
            last_commit[line] = commit
    order = {c: n for n, c in enumerate(dict.fromkeys(last_commit.values()))}
    status = _git(content_dir, "status", "--porcelain", "--untracked-files=all", "--", ".") or ""
    changed = {line[3:].strip().strip('"').removeprefix(prefix.strip()) for line in status.splitlines()}

    def version(paths: tuple[str, ...]) -> str:
        paths = tuple(p for p in paths if (content_dir / p).exists())
        commits = [last_commit[p] for p in paths if p in last_commit]
        newest = min(commits, key=order.__getitem__) if commits else "uncommitted"
        modified = any(p in changed for p in paths) or len(commits) < len(paths)
        return f"git {newest}{' (modified)' if modified else ''}"

    return version
