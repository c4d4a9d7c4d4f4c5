"""YAML that remembers line numbers: the mappings, lists and numbers of a content
file, each tied to the file line it was written on, and every way YAML can be
misread (tabs, look-alike spaces, curly quotes, bombs of aliases) named; and
the one way briefing writes a string into a YAML file it makes.

Nothing here knows what a field means; `rules` and `settings_files` give values meaning.
"""

from __future__ import annotations

import json
import re

import yaml

from builder.model.errors import Problems

# Characters YAML refuses in a file, and line breaks JSON leaves as they are but YAML does not.
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_YAML_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def yaml_string(value: object) -> str:
    """`value` as a double-quoted YAML string that reads back as the same text,
    whatever quotes, colons or line breaks it holds (less what YAML refuses)."""
    text = json.dumps(without_refused(str(value)), ensure_ascii=False)  # a JSON string is a YAML string
    return re.sub("[\x85\u2028\u2029]", lambda match: _YAML_BREAKS[match.group()], text)


def without_refused(text: str) -> str:
    """The text less the characters a YAML file may not hold."""
    return _NOT_YAML.sub("", text)


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

