"""Read the content folder: text files, front matter and their YAML.

Nothing here knows what a field means, nor which folders hold which kind of item:
the caller names the folders to read (the table in `kinds`). This module only
turns bytes on disk into mappings and Markdown text, each tied to file lines.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from builder.markdown import links
from builder.model import files
from builder.model.errors import Problems
from builder.reading.yamlread import LineDict, parse_yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
ASSETS_FOLDER = "assets"


@dataclass(frozen=True)
class SourceFile:
    """A content file as read from disk: its YAML data and (for Markdown) its body."""

    path: str  # relative to the content folder, with forward slashes
    data: object
    body: str
    body_line: int  # file line on which the body starts

    @cached_property
    def links(self) -> list[links.SourceLink]:
        """The body's links. Kept with the parsed file, which a rebuild reuses while
        the file is unchanged, so an unchanged body is not searched again."""
        return links.find_links(self.body, self.body_line)



def read_text(file: Path, rel: str, problems: Problems) -> str | None:
    """The file's text, or None (with a problem) when it is not readable UTF-8 text."""
    kind = files.special(file)
    if kind:
        problems.error(rel, 1, f"this is {kind}, not a file: {files.NOT_REGULAR}")
        return None
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            size_mb = file.stat().st_size / 1024 / 1024
            problems.error(
                rel, 1, f"the file is {size_mb:.1f} MB; a content file may be at most "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB: split it or move large material to assets/"
            )
            return None
        raw = file.read_bytes()
    except OSError as exc:
        problems.error(rel, 1, f"cannot be read: {exc.strerror}")
        return None
    if b"\x00" in raw:
        problems.error(rel, 1, "this is a binary file, not text: content files must be plain UTF-8 text")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.error(
            rel,
            line,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); "
            "save it with UTF-8 encoding",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_FENCE = re.compile(r"^(---|\.\.\.)\s*$")


def split_front_matter(text: str, rel: str, problems: Problems) -> tuple[str, str, int] | None:
    """Split a Markdown file into (front matter YAML, body, body's first line)."""
    lines = text.split("\n")
    if not text.strip():
        problems.error(rel, 1, "the file is empty: it needs front matter between --- lines with at least a title")
        return None
    if lines[0].strip() != "---":
        problems.error(
            rel, 1, "the file must start with a line '---', then its fields (title: ...), then another '---'"
        )
        return None
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    problems.error(rel, 1, "the front matter that starts here is never closed: add a line '---' after the fields")
    return None


def read_markdown_file(file: Path, rel: str, problems: Problems) -> SourceFile | None:
    text = read_text(file, rel, problems)
    if text is None:
        return None
    parts = split_front_matter(text, rel, problems)
    if parts is None:
        return None
    front, body, body_line = parts
    errors_before = len(problems.errors)
    data = parse_yaml(front, rel, 2, problems)
    if data is None and len(problems.errors) > errors_before:
        return None
    if not isinstance(data, LineDict):
        problems.error(rel, 2, "the front matter must be fields written 'name: value', one per line")
        return None
    return SourceFile(rel, data, body, body_line)


def read_yaml_file(file: Path, rel: str, problems: Problems) -> SourceFile | None:
    text = read_text(file, rel, problems)
    if text is None:
        return None
    if not text.strip():
        problems.error(rel, 1, "the file is empty")
        return None
    errors_before = len(problems.errors)
    data = parse_yaml(text, rel, 1, problems)
    if data is None and len(problems.errors) > errors_before:
        return None
    return SourceFile(rel, data, "", 0)


@dataclass(frozen=True)
class ContentFiles:
    """Every file of a content folder, read but not yet understood."""

    root: Path
    site: SourceFile | None
    facts: SourceFile | None
    items: dict  # folder -> list[SourceFile]
    assets: tuple  # relative paths of files under assets/
    unreadable: frozenset  # content files that exist but could not be read: not "missing"


# Files the system or an editor leaves beside the author's: never content, never reported.
_SKIPPED_NAMES = {"thumbs.db", "desktop.ini"}
# A content file's name is its id, byte for byte: nothing is trimmed or normalised,
# so two names can never become one id.
_ID_NAME = re.compile(r"[a-z0-9][a-z0-9-]*", re.ASCII)


def _is_hidden(path: Path) -> bool:
    """Hidden files, Windows' Thumbs.db and desktop.ini, Office lock files (~$...)
    and editor backups (...~, .swp)."""
    name = path.name
    return (name.startswith((".", "~$")) or name.endswith(("~", ".swp"))
            or name.lower() in _SKIPPED_NAMES)


def in_hidden_place(rel: str) -> bool:
    """Whether a file, or a folder it is in, is hidden: `assets/.git/config` is
    never an asset, however plain its own name."""
    return any(_is_hidden(Path(part)) for part in rel.split("/"))


def why_not_an_asset(rel: str, advice: str = "check the file name") -> str:
    """Why a file named as an asset is not one, and what to do: "is hidden ..." or
    "does not exist; " and the advice."""
    if in_hidden_place(rel):
        return ("is hidden (its name, or a folder's, starts with '.' or is a system or backup file's), and hidden "
                "files are never published: move it to a visible folder under assets/")
    return f"does not exist; {advice}"


def file_id(name: str, ending: str) -> str | None:
    """The id a content file's name gives, or None when the name is not exactly an id and `ending`."""
    stem = name.removesuffix(ending)
    return stem if name.endswith(ending) and _ID_NAME.fullmatch(stem) else None


def _unusual(name: str) -> str:
    """The characters of a name that cannot be in an id, named so that an author can
    find them: a non-breaking space looks like a space, and a space like nothing."""
    named = {" ": "a space", "\u00a0": "a non-breaking space", "\t": "a tab"}
    found = dict.fromkeys(named.get(c, f"'{c}'" if c.isprintable() else f"U+{ord(c):04X}")
                          for c in name if not (c.isascii() and (c.isdigit() or c.islower() or c in "-.")))
    return f" (it contains {', '.join(found)})" if found else ""


def _name_problem(file: Path, rel: str, ending: str, problems: Problems) -> None:
    folder = file.parent.name
    stem = file.name.rsplit(".", 1)[0] if "." in file.name else file.name
    suggested = (re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "item") + ending
    taken = " (that name is taken, so choose another)" if (file.parent / suggested).exists() else ""
    if not file.name.endswith(ending):
        problems.error(rel, 0, f"only {ending} files belong in {folder}/: move this file to assets/ or delete it; "
                               f"if it is an item, rename it '{suggested}'{taken}")
        return
    problems.error(rel, 0, f"the file name is the item's id and web address: use only lowercase letters, digits and "
                           f"hyphens{_unusual(file.name)}; rename it '{suggested}'{taken}")


def _outside(file: Path, real_root: Path, rel: str, problems: Problems) -> bool:
    """A file that is a link to somewhere outside the content folder is never read,
    nor is a link that leads round in a circle (it is reported and counted outside)."""
    try:
        if file.resolve().is_relative_to(real_root):
            return False
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop of links
        problems.error(rel, 0, "this file is a link that leads round in a circle of links; delete it, or link "
                               "it to a real file")
        return True
    problems.error(rel, 0, "this file is a link to somewhere outside the content folder, which is never "
                           "read; copy the file into the content folder instead")
    return True


class ParseCache:
    """Files parsed by an earlier build, found by their path and the hash (BLAKE2)
    of their bytes, never by size or time: an edit re-reads only the edited file.
    `known(path, hash)` gives such a file or None; `hashes` are the hashes of the
    content files taken at the start of the build (each file is hashed here
    otherwise). A file that had any problem is always read again, so that its
    messages are shown again. What is read anew is in `new`, what was found in
    `used`, both by (path, hash); a file whose bytes were not those hashed when it
    was read (it was being saved) is in `unsteady`, and is kept for no later build."""

    def __init__(self, known=None, hashes: dict[str, str] | None = None):
        self.known = known or (lambda path, digest: None)
        self.hashes = hashes or {}
        self.new: dict[tuple[str, str], SourceFile] = {}
        self.used: set[tuple[str, str]] = set()
        self.unsteady: set[str] = set()

    def read(self, file: Path, rel: str, ending: str, problems: Problems) -> SourceFile | None:
        digest = self.hashes.get(rel) or _digest(file)
        found = self.known(rel, digest) if digest else None
        if found is not None:
            self.used.add((rel, digest))
            return found
        before = len(problems.items)
        source = read_file(file, rel, ending, problems)
        if _digest(file) != digest:
            self.unsteady.add(rel)
        elif source is not None and digest and len(problems.items) == before:
            self.new[(rel, digest)] = source
        return source


def _digest(file: Path) -> str | None:
    """The hash of a file's bytes; None for a file too big to be content, or unreadable."""
    if files.special(file):
        return None
    try:
        with open(file, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                return None
            return hashlib.blake2b(handle.read(), digest_size=20).hexdigest()
    except OSError:
        return None



def _read_folder(root: Path, folder: str, ending: str, problems: Problems, unreadable: set[str],
                 parsed: ParseCache) -> list[SourceFile]:
    """Every content file of one folder; the ones that exist but cannot be read go
    to `unreadable`, so that links to them are not reported a second time."""
    sources = []
    real_root = root.resolve()
    # Resolving every file's path is slow; only a link, or a folder that is one, can lead outside.
    folder_inside = (root / folder).resolve().is_relative_to(real_root)
    for file in sorted((root / folder).glob("*")):
        rel = f"{folder}/{file.name}"
        if _is_hidden(file) or file.is_dir():
            continue
        if file_id(file.name, ending) is None:
            _name_problem(file, rel, ending, problems)
            unreadable.add(rel)
            continue
        outside = (file.is_symlink() or not folder_inside) and _outside(file, real_root, rel, problems)
        source = None if outside else parsed.read(file, rel, ending, problems)
        if source is None:
            unreadable.add(rel)
        else:
            sources.append(source)
    return sources


def read_file(file: Path, rel: str, ending: str, problems: Problems) -> SourceFile | None:
    """A content file of one of the item folders: Markdown with front matter, or YAML."""
    return (read_markdown_file if ending == ".md" else read_yaml_file)(file, rel, problems)


def read_content(root: Path, folders: Iterable[tuple[str, str]], problems: Problems,
                 parsed: ParseCache | None = None) -> ContentFiles:
    """Read site.yaml, facts.yaml, the assets and every file of the item `folders`,
    each given with the ending of its files (".md", ".yaml"); problems go to `problems`."""
    parsed = parsed or ParseCache()
    real_root = root.resolve()
    site = facts = None
    site_file = root / "site.yaml"
    if not site_file.exists():
        problems.error("site.yaml", 0, "missing: every project needs a site.yaml with at least a title")
    elif not _outside(site_file, real_root, "site.yaml", problems):
        site = read_yaml_file(site_file, "site.yaml", problems)
    facts_file = root / "facts.yaml"
    if facts_file.exists() and not _outside(facts_file, real_root, "facts.yaml", problems):
        facts = read_yaml_file(facts_file, "facts.yaml", problems)

    unreadable: set[str] = set()
    items = {folder: _read_folder(root, folder, ending, problems, unreadable, parsed) for folder, ending in folders}

    assets_root = root / ASSETS_FOLDER
    assets = tuple(
        sorted(
            file.relative_to(root).as_posix()
            for file in assets_root.rglob("*")
            if file.exists() and not file.is_dir()  # a special file is refused by name
            and not in_hidden_place(file.relative_to(assets_root).as_posix())
            and not _outside(file, real_root, file.relative_to(root).as_posix(), problems)
        )
    )
    return ContentFiles(root, site, facts, items, assets, frozenset(unreadable))
