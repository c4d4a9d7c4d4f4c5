"""Read the content folder: text files, front matter and YAML that remembers line numbers.

Nothing here knows what a field means; that is `validate`'s job. This module only
turns bytes on disk into mappings and Markdown text, each tied to file lines.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from builder import links
from builder.errors import Problems

MAX_FILE_BYTES = 2 * 1024 * 1024

# Folder of each kind of Markdown item, in the order they are read.
MARKDOWN_KINDS = {
    "threat": "threats",
    "case-study": "case-studies",
    "spotlight": "spotlights",
    "report": "reports",
    "page": "pages",
}
MEETING_FOLDER = "meetings"
ASSETS_FOLDER = "assets"


class LineDict(dict):
    """A YAML mapping that knows the line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence that knows the line of itself and of each item."""

    line: int = 0
    item_lines: list


class TypedInt(int):
    """A whole number from YAML that remembers how it was typed ('1_000'), so that a
    message can quote it and text can keep it."""

    typed: str = ""


class TypedFloat(float):
    """A number with a point from YAML that remembers how it was typed: `time: 10.00`
    is the number 10.0, but the author should read '10.00' in the message."""

    typed: str = ""


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


class _ContentLoader(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):
    """A SafeLoader that records line numbers, reports duplicate keys, keeps dates
    as strings, has no base-60 numbers and no yes/no/on/off booleans.

    Dates are checked by the validator so that an impossible one (2015-02-30)
    gets a clear message instead of a crash, and `time: 10:00` must not turn
    into the integer 600 as YAML 1.1 would have it.
    """

    def __init__(self, text: str, path: str, first_line: int, problems: Problems):
        super().__init__(text)
        self.path = path
        self.offset = first_line - 1
        self.problems = problems

    def line_of(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.offset

    def construct_line_mapping(self, node: yaml.MappingNode) -> LineDict:
        self.flatten_mapping(node)
        result = LineDict()
        result.line = self.line_of(node)
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = self.line_of(key_node)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.problems.error(self.path, line, "a key must be a plain word, not a list or mapping")
                continue
            if key in result:
                self.problems.error(
                    self.path, line, f'"{key}" is given twice (first on line {result.key_lines[key]}); keep one of them'
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = line
        return result

    def construct_typed_int(self, node: yaml.ScalarNode) -> TypedInt:
        number = TypedInt(self.construct_yaml_int(node))
        number.typed = node.value
        return number

    def construct_typed_float(self, node: yaml.ScalarNode) -> TypedFloat:
        number = TypedFloat(self.construct_yaml_float(node))
        number.typed = node.value
        return number

    def construct_line_sequence(self, node: yaml.SequenceNode) -> LineList:
        result = LineList(self.construct_object(child, deep=True) for child in node.value)
        result.line = self.line_of(node)
        result.item_lines = [self.line_of(child) for child in node.value]
        return result


_DROPPED_TAGS = {
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
}
_ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in entries if tag not in _DROPPED_TAGS]
    for first, entries in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
# Only true and false are booleans: in YAML 1.1 the report field `on:` would be one.
_ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"), list("-+0123456789")
)
_ContentLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)
_ContentLoader.add_constructor("tag:yaml.org,2002:map", _ContentLoader.construct_line_mapping)
_ContentLoader.add_constructor("tag:yaml.org,2002:seq", _ContentLoader.construct_line_sequence)
_ContentLoader.add_constructor("tag:yaml.org,2002:int", _ContentLoader.construct_typed_int)
_ContentLoader.add_constructor("tag:yaml.org,2002:float", _ContentLoader.construct_typed_float)


# Limits checked on the tokens before anything recursive reads the YAML: PyYAML's
# composer recurses once a level, so a list nested 50,000 deep would crash it.
MAX_YAML_DEPTH = 20  # lists and groups of fields inside one another
MAX_YAML_VALUES = 100_000  # values in one file, counting each time an alias (*name) repeats one
_OPENING_TOKENS = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
                   yaml.FlowSequenceStartToken)
_CLOSING_TOKENS = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
_ScanLoader = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
# Characters that look like a space but that YAML reads as letters.
_NO_BREAK = "\u00a0\u2007\u202f"
_NO_BREAK_NAMES = {"\u00a0": "a non-breaking space", "\u2007": "a figure space", "\u202f": "a narrow non-breaking space"}
# ...after the ':' of a field's name, or a list's '-': harmless, read as the spaces they look like.
_SPACES_AFTER_KEY = re.compile(rf"^([ ]*(?:-[ {_NO_BREAK}]+)*[^\s:#'\"\[\]{{}}{_NO_BREAK}-][^:#\n]*?:)([ {_NO_BREAK}]+)(?=\S|$)",
                               re.MULTILINE)
_SPACES_AFTER_DASH = re.compile(rf"^([ ]*-)([ {_NO_BREAK}]*[{_NO_BREAK}][ {_NO_BREAK}]*)(?=\S)", re.MULTILINE)
_INDENT = re.compile(rf"^[ \t{_NO_BREAK}]+", re.MULTILINE)
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019"


def _spaces(match: re.Match) -> str:
    return match.group(1) + " " * len(match.group(2))


def _visible_spaces(text: str) -> str:
    """Non-breaking spaces where they separate a field's name or a list's '-' from its
    value become plain spaces (one for one, so every column stays where it was)."""
    if not any(c in text for c in _NO_BREAK):
        return text
    return _SPACES_AFTER_DASH.sub(_spaces, _SPACES_AFTER_KEY.sub(_spaces, text))


def _indent_problems(text: str, offset: int) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(tab indents, no-break-space indents): (file line, message) of each line whose
    indentation holds a character YAML does not take as indentation."""
    tabs, no_breaks = [], []
    for match in _INDENT.finditer(text):
        indent = match.group()
        line = text.count("\n", 0, match.start()) + 1 + offset
        if "\t" in indent:
            column = indent.index("\t") + 1
            tabs.append((line, f"a tab character is used to indent (column {column}); use spaces: YAML "
                               "reads indentation only as spaces"))
        for character in _NO_BREAK:
            if character in indent:
                column = indent.index(character) + 1
                no_breaks.append((line, f"{_NO_BREAK_NAMES[character]} is used to indent (column {column}); it "
                                        "looks like a space but YAML reads it as a letter: replace it with an "
                                        "ordinary space"))
                break
    return tabs, no_breaks


def _limit_problem(text: str, offset: int) -> tuple[int, str] | None:
    """The first place where lists and groups of fields are nested too deep, from the
    tokens alone: no recursion, however deep the nesting."""
    depth = 0
    for token in yaml.scan(text, Loader=_ScanLoader):
        if isinstance(token, _OPENING_TOKENS):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                return (token.start_mark.line + 1 + offset,
                        f"lists and groups of fields are nested more than {MAX_YAML_DEPTH} deep here; no field "
                        "needs that: check the indentation")
        elif isinstance(token, _CLOSING_TOKENS):
            depth -= 1
    return None


def _expanded(node: yaml.Node, sizes: dict) -> tuple[int, int]:
    """(values, depth) of a node once every alias in it is written out; each node is
    counted once, so that aliases of aliases cost nothing to measure."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    values, depth = 1, 1
    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)):
        children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
        for child in children:
            child_values, child_depth = _expanded(child, sizes)
            values += child_values
            depth = max(depth, child_depth + 1)
    sizes[id(node)] = (values, depth)
    return values, depth


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, line: int, offset: int,
                    tabs: list[tuple[int, str]]) -> tuple[int, str]:
    """The line and message for a YAML syntax error, naming the invisible or look-alike
    character that caused it where there is one."""
    earlier_tabs = [tab for tab in tabs if tab[0] <= line]
    if earlier_tabs:
        return earlier_tabs[-1]
    what = exc.problem or exc.context or "cannot be read"
    lines = text.split("\n")
    written = lines[line - 1 - offset] if 0 <= line - 1 - offset < len(lines) else ""
    curly = "".join(c for c in _CURLY_QUOTES if c in written)
    if curly:
        return line, (f"YAML syntax error: {what}; this line has curly quotes ({' '.join(curly)}), which YAML does "
                      "not read as quotes: put text containing ': ' between straight quotes \"...\" instead")
    no_break = next((c for c in _NO_BREAK if c in written), None)
    if no_break:
        column = written.index(no_break) + 1
        return line, (f"YAML syntax error: {what}; column {column} of this line holds {_NO_BREAK_NAMES[no_break]}, "
                      "which looks like a space but is read as a letter: replace it with an ordinary space")
    return line, (f"YAML syntax error: {what}; check the indentation, and put text containing ': ' or "
                  "starting with a special character in quotes")


def parse_yaml(text: str, path: str, first_line: int, problems: Problems) -> object:
    """Parse YAML text that starts on file line `first_line`; None when it is broken."""
    offset = first_line - 1
    tabs, no_breaks = _indent_problems(text, offset) if ("\t" in text or any(c in text for c in _NO_BREAK)) \
        else ([], [])
    if no_breaks:
        for line, message in no_breaks:
            problems.error(path, line, message)
        return None
    text = _visible_spaces(text)
    loader = None
    try:
        limit = _limit_problem(text, offset)
        if limit:
            problems.error(path, *limit)
            return None
        loader = _ContentLoader(text, path, first_line, problems)
        node = loader.get_single_node()
        if node is None:
            return None
        values, depth = _expanded(node, {})
        if depth > MAX_YAML_DEPTH or values > MAX_YAML_VALUES:
            what = (f"nested more than {MAX_YAML_DEPTH} deep" if depth > MAX_YAML_DEPTH
                    else f"more than {MAX_YAML_VALUES:,} values")
            problems.error(path, first_line, f"with its aliases (*name) written out, this YAML is {what}; "
                                             "write the values out instead of repeating them with aliases")
            return None
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        # The context mark is where the broken construct began, which is the line
        # the author wrote; the problem mark is where the parser gave up.
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 + offset if mark else first_line
        problems.error(path, *_syntax_message(exc, text, line, offset, tabs))
    except (yaml.YAMLError, RecursionError) as exc:
        problems.error(path, first_line, f"YAML cannot be read: {exc}")
    finally:
        if loader is not None:
            loader.dispose()
    return None


def read_text(file: Path, rel: str, problems: Problems) -> str | None:
    """The file's text, or None (with a problem) when it is not readable UTF-8 text."""
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
    items: dict  # kind -> list[SourceFile]
    meetings: list
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
    """A file that is a link to somewhere outside the content folder is never read."""
    if file.resolve().is_relative_to(real_root):
        return False
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

    def read(self, file: Path, rel: str, read, problems: Problems) -> SourceFile | None:
        digest = self.hashes.get(rel) or _digest(file)
        found = self.known(rel, digest) if digest else None
        if found is not None:
            self.used.add((rel, digest))
            return found
        before = len(problems.items)
        source = read(file, rel, problems)
        if _digest(file) != digest:
            self.unsteady.add(rel)
        elif source is not None and digest and len(problems.items) == before:
            self.new[(rel, digest)] = source
        return source


def _digest(file: Path) -> str | None:
    """The hash of a file's bytes; None for a file too big to be content, or unreadable."""
    try:
        with open(file, "rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_FILE_BYTES:
                return None
            return hashlib.blake2b(handle.read(), digest_size=20).hexdigest()
    except OSError:
        return None


def source_to_json(source: SourceFile) -> str:
    """A parsed file as JSON text, line numbers and all, with the links found in its
    body where they were looked for; TypeError for values JSON cannot hold exactly
    (which are then simply parsed again)."""
    found = source.__dict__.get("links")  # the cached property, where it was worked out
    links_data = None if found is None else [_link_to_json(link) for link in found]
    return json.dumps([_data_to_json(source.data), source.body, source.body_line, links_data], allow_nan=False)


def source_from_json(path: str, text: str) -> SourceFile:
    """The file `source_to_json` wrote. Only data is made: mappings, lists, plain
    values and links; anything else raises TypeError or ValueError."""
    data, body, body_line, links_data = json.loads(text)
    if type(body) is not str or type(body_line) is not int:
        raise TypeError("not a parsed file")
    source = SourceFile(path, _data_from_json(data), body, body_line)
    if links_data is not None:
        source.__dict__["links"] = [_link_from_json(entry) for entry in links_data]
    return source


def _link_to_json(link) -> dict:
    values = {field.name: getattr(link, field.name) for field in dataclasses.fields(link)}
    if type(link) is not links.SourceLink or any(type(v) not in _PLAIN_JSON for v in values.values()):
        raise TypeError("a link of another kind is not kept")
    return values


def _link_from_json(values) -> links.SourceLink:
    names = {field.name for field in dataclasses.fields(links.SourceLink)}
    if type(values) is not dict or set(values) != names or any(type(v) not in _PLAIN_JSON for v in values.values()):
        raise TypeError("not a link")
    return links.SourceLink(**values)


# Values kept exactly as they are: a subclass of one (a number that remembers how it
# was typed, say) is not, since JSON would lose what makes it one.
_PLAIN_JSON = (str, bool, int, float, type(None))


def _data_to_json(value):
    if isinstance(value, LineDict):
        return {"map": value.line, "keys": [[key, value.line_of(key), _data_to_json(entry)]
                                           for key, entry in value.items()]}
    if isinstance(value, LineList):
        return {"list": value.line, "lines": list(value.item_lines), "items": [_data_to_json(v) for v in value]}
    if type(value) in _PLAIN_JSON:
        return value
    if type(value) in (TypedInt, TypedFloat):
        return {"typed": type(value).__name__, "value": value.typed, "number": type(value).__mro__[1](value)}
    raise TypeError(f"{type(value).__name__} is not kept")


def typed_number(value: dict):
    """A number that remembers how it was typed, as `_data_to_json` keeps it."""
    kind = {"TypedInt": TypedInt, "TypedFloat": TypedFloat}[value["typed"]]
    number = kind(value["number"])
    if type(value["value"]) is not str:
        raise TypeError("not a typed number")
    number.typed = value["value"]
    return number


def _data_from_json(value):
    if isinstance(value, dict):
        if "typed" in value:
            return typed_number(value)
        if "map" in value:
            result = LineDict()
            result.line, result.key_lines = _whole(value["map"]), {}
            for key, line, entry in value["keys"]:
                if isinstance(key, (dict, list)):
                    raise TypeError("a key must be plain")
                result[key] = _data_from_json(entry)
                result.key_lines[key] = _whole(line)
            return result
        items = LineList(_data_from_json(entry) for entry in value["items"])
        items.line, items.item_lines = _whole(value["list"]), [_whole(line) for line in value["lines"]]
        return items
    if isinstance(value, list):
        raise TypeError("a list is kept as a mapping")
    return value


def _whole(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("a line is a whole number")
    return value


def _read_folder(root: Path, folder: str, ending: str, read, problems: Problems,
                 unreadable: set[str], parsed: ParseCache) -> list[SourceFile]:
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
        source = None if outside else parsed.read(file, rel, read, problems)
        if source is None:
            unreadable.add(rel)
        else:
            sources.append(source)
    return sources


def read_content(root: Path, problems: Problems, parsed: ParseCache | None = None) -> ContentFiles:
    """Read every content file under `root`; problems go to `problems`."""
    parsed = parsed or ParseCache()
    real_root = root.resolve()
    site = facts = None
    site_file = root / "site.yaml"
    if not site_file.is_file():
        problems.error("site.yaml", 0, "missing: every project needs a site.yaml with at least a title")
    elif not _outside(site_file, real_root, "site.yaml", problems):
        site = read_yaml_file(site_file, "site.yaml", problems)
    facts_file = root / "facts.yaml"
    if facts_file.is_file() and not _outside(facts_file, real_root, "facts.yaml", problems):
        facts = read_yaml_file(facts_file, "facts.yaml", problems)

    unreadable: set[str] = set()
    items = {kind: _read_folder(root, folder, ".md", read_markdown_file, problems, unreadable, parsed)
             for kind, folder in MARKDOWN_KINDS.items()}
    meetings = _read_folder(root, MEETING_FOLDER, ".yaml", read_yaml_file, problems, unreadable, parsed)

    assets_root = root / ASSETS_FOLDER
    assets = tuple(
        sorted(
            file.relative_to(root).as_posix()
            for file in assets_root.rglob("*")
            if file.is_file() and not _is_hidden(file)
            and not _outside(file, real_root, file.relative_to(root).as_posix(), problems)
        )
    )
    return ContentFiles(root, site, facts, items, meetings, assets, frozenset(unreadable))
