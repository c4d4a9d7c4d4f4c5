"""The marker a build leaves in its output folder (`.briefing-output`): that
briefing made the folder, which build made it, and every file that build wrote.
`output_folder` replaces a folder only on the marker's word.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

MARKER = ".briefing-output"
MARKER_TEXT = "Made by briefing. This whole folder is replaced by each build.\n"
# The marker's line that says which build made the folder ("public", "internal with drafts").
_BUILT_AS = "Build: "
# The marker's last lines list every file the build wrote (a path a line): a build
# replaces a folder only when it holds nothing else, so that a marker copied along
# with a site into a folder of other files (`cp -a output/. DEST/`) cannot make
# briefing delete them.
_FILES = "Files:"


def built_as(output: Path) -> str:
    """Which build made the folder, as its marker says; "" where it does not say."""
    try:
        text = (output / MARKER).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    head = text.split(f"\n{_FILES}\n", 1)[0]  # never a file's name from the list
    return next((line[len(_BUILT_AS):].strip() for line in head.splitlines() if line.startswith(_BUILT_AS)), "")


def written(output: Path) -> frozenset[str] | None:
    """The files the marker says the build wrote; None for a marker without the list."""
    try:
        lines = (output / MARKER).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    if _FILES not in lines:
        return None
    return frozenset(_unescaped(line) for line in lines[lines.index(_FILES) + 1:]) | {MARKER}


# A file's name may hold any character but "/", a line break too: each is written
# in Python's escapes (readable where it is plain ASCII) and read back exactly.
def _escaped(path: str) -> str:
    return path.encode("unicode_escape").decode("ascii")


def _unescaped(line: str) -> str:
    return line.encode("ascii", "replace").decode("unicode_escape", "replace")


def not_written(output: Path, written: frozenset[str]) -> list[str]:
    """What is in the folder that the build did not write: files, and folders
    holding none of its files (named once, not file by file)."""
    folders = {prefix for path in written for prefix in _parents(path)}
    others = []
    root = str(output)
    for parent, subfolders, names in os.walk(root):
        relative = os.path.relpath(parent, root).replace(os.sep, "/")
        relative = "" if relative == "." else relative + "/"
        for name in sorted(subfolders):
            if relative + name not in folders:
                others.append(relative + name + "/")
        subfolders[:] = sorted(name for name in subfolders if relative + name in folders)
        others.extend(relative + name for name in names if relative + name not in written)
    return sorted(others)


def _parents(path: str) -> Iterator[str]:
    parts = path.split("/")[:-1]
    for end in range(1, len(parts) + 1):
        yield "/".join(parts[:end])


def _listing(folder: Path) -> list[str]:
    """Every file under the folder (links and other non-folders included), relative, sorted."""
    root = str(folder)
    found = []
    for parent, _, names in os.walk(root):
        relative = os.path.relpath(parent, root).replace(os.sep, "/")
        found.extend(name if relative == "." else f"{relative}/{name}" for name in names)
    return sorted(found)


def write(folder: Path, built_as: str) -> None:
    """The marker of a complete build in `folder`, listing every file in it."""
    built = f"{_BUILT_AS}{built_as}\n" if built_as else ""
    files = "".join(f"{_escaped(path)}\n" for path in _listing(folder))
    (folder / MARKER).write_text(f"{MARKER_TEXT}{built}{_FILES}\n{files}", encoding="utf-8")
