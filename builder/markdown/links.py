"""Find links in Markdown source and resolve them to content paths.

Shared by validation (which reports a broken link at its line) and rendering
(which turns a content path into a site URL), so both agree on what a link means.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

# Every scan here takes time in proportion to the length of the text, whatever the
# text: a pasted e-mail of a megabyte, or hostile repetition such as `<a <a <a` or
# `[[[[`, must not hang `check`. Regular expressions that could try a long stretch
# again from each of many starting points are replaced by one pass and a lookup.
# Python-Markdown's opening fence, read a line at a time: only a closing line of
# exactly the same fence ends the block; an opening line with none is not code.
_FENCE_OPEN = re.compile(r"""(~{3,}|`{3,})[ ]*(?:\{.*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=("|').*?\2[ ]*)?)$""")
# A footnote definition, [^id]: text, is not a link reference. Anchored at a line's
# start, so each line is tried once, and `.*` runs to the end of that line only.
_REFERENCE = re.compile(r"^[ \t]*\[(?!\^)[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.MULTILINE)
# What rendering removes whole: comments, and scripts and styles with their content.
# A link inside one is not on the page, so it neither publishes an asset nor is checked.
# Once one starts, its match runs to its end or to the end of the text: one pass.
_REMOVED = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_TAG_START = re.compile(r"<(a|img)\b", re.IGNORECASE)
_TAG_ATTRIBUTE = re.compile(r"\b(href|src)\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_BRACKET = re.compile(r"[\[\]]")
_BACKTICKS = re.compile(r"`+")
_NON_SPACE = re.compile(r"\S")
_CLOSE = re.compile(r"\)")
_DESTINATION_END = re.compile(r"[)\s>]")
_TAG_END = re.compile(">")
_LIST_ITEM = re.compile(r"^( *)(?:[*+-]|\d+\.)[ \t]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_TAB_LENGTH = 4  # Python-Markdown's: list content and code are indented by this much


@dataclass(frozen=True)
class FencedCode:
    """Where fenced code is, as Python-Markdown finds it."""

    code: tuple[bool, ...]  # per line: inside a block, fences included
    blocks: int
    unclosed: tuple[int, ...]  # lines of opening fences that nothing closes


def fenced_code(lines: list[str]) -> FencedCode:
    """Python-Markdown searches from each opening fence to the end of the text for
    its closing line, block after block; here the closing lines of each fence are
    listed once and looked up."""
    closers: dict[str, list[int]] = {}
    openers: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        opening = _FENCE_OPEN.match(line)
        if opening:
            openers.append((index, opening.group(1)))
            if line.rstrip(" ") == opening.group(1):
                closers.setdefault(opening.group(1), []).append(index)
    code = [False] * len(lines)
    unclosed: list[int] = []
    blocks, after = 0, 0
    for index, fence in openers:
        if index < after:
            continue
        candidates = closers.get(fence, [])
        found = bisect.bisect_right(candidates, index)
        if found == len(candidates):
            unclosed.append(index)
            continue
        end = candidates[found]
        code[index:end + 1] = [True] * (end + 1 - index)
        blocks, after = blocks + 1, end + 1
    return FencedCode(tuple(code), blocks, tuple(unclosed))


@dataclass(frozen=True)
class SourceLink:
    line: int
    target: str  # as written
    is_image: bool


def find_links(body: str, first_line: int) -> list[SourceLink]:
    """Every inline link, image, link reference and raw HTML link or image in a
    Markdown body, with the file line each starts on.

    Code is skipped: a link shown as an example is not a link. Text is searched a
    paragraph at a time, because authors wrap a link's text over lines. Time is
    proportional to the body's length, whatever it holds.
    """
    found: list[SourceLink] = []
    if "[" not in body and "<" not in body:
        return found
    if "<!--" in body or "<s" in body.lower():
        body = _REMOVED.sub(_filled, body)
    # Most paragraphs hold no link at all; the scans run only where one could be.
    for start, paragraph in _prose_paragraphs(body.split("\n")):
        if "[" not in paragraph and "<" not in paragraph:
            continue
        text = _without_code_spans(paragraph) if "`" in paragraph else paragraph
        here: list[tuple[int, str, bool]] = []
        if "](" in text:
            here.extend(_inline_links(text))
        if "<" in text and _TAG_START.search(text):
            here.extend(_raw_html_links(text))
        if "]:" in text:
            here.extend((match.start(), match.group(1), False) for match in _REFERENCE.finditer(text))
        if here:
            line_of = _LineFinder(text, first_line + start)
            found.extend(SourceLink(line_of(position), target, is_image) for position, target, is_image in here)
    return sorted(found, key=lambda link: link.line)


class _LineFinder:
    """The file line of a position in a paragraph, by binary search over its line
    breaks (counting them again for each link would be quadratic)."""

    def __init__(self, text: str, first_line: int):
        self.breaks = [match.start() for match in re.finditer("\n", text)]
        self.first_line = first_line

    def __call__(self, position: int) -> int:
        return self.first_line + bisect.bisect_left(self.breaks, position)


class _NextMatch:
    """The next match of a pattern at or after a position, for positions asked in
    increasing order: a match found once answers every position before it, so the
    text is searched once in all."""

    def __init__(self, pattern: re.Pattern, text: str):
        self.pattern, self.text = pattern, text
        self.found: re.Match | None = None
        self.searched_from = -1

    def __call__(self, position: int) -> int:
        """The start of the next match, or the length of the text when there is none."""
        known = 0 <= self.searched_from <= position and (self.found is None or position <= self.found.start())
        if not known:
            self.found = self.pattern.search(self.text, position)
            self.searched_from = position
        return self.found.start() if self.found is not None else len(self.text)


def _matching_brackets(text: str) -> dict[int, int]:
    """For each ']' that closes a '[', the position of that '['; one pass with a stack."""
    opened: list[int] = []
    pairs: dict[int, int] = {}
    for match in _BRACKET.finditer(text):
        if match.group() == "[":
            opened.append(match.start())
        elif opened:
            pairs[match.start()] = opened.pop()
    return pairs


def _inline_links(text: str):
    """(position, target, is image) of each `[text](target "title")`. The link text
    may hold brackets of its own; the target is the first word inside the parentheses."""
    openers = _matching_brackets(text)
    finders = (_NextMatch(_NON_SPACE, text), _NextMatch(_DESTINATION_END, text), _NextMatch(_NON_SPACE, text),
               _NextMatch(_CLOSE, text))
    position, target_end = text.find("]("), 0
    while position >= 0:
        opener = openers.get(position)
        # A '](' inside the target of the link before is part of that target.
        if opener is not None and position >= target_end:
            found = _destination(text, position + 2, *finders)
            if found is not None:
                start, target_end = found
                is_image = opener > 0 and text[opener - 1] == "!"
                yield (opener - 1 if is_image else opener), text[start:target_end], is_image
        position = text.find("](", position + 1)


def _destination(text: str, start: int, target_start: _NextMatch, target_end: _NextMatch,
                 title_start: _NextMatch, close: _NextMatch) -> tuple[int, int] | None:
    """Where the target of an inline link whose '(' ends just before `start` begins
    and ends, or None when
    the parentheses do not make a link: `( <target> "optional title" )`. Each stretch
    is found with a `_NextMatch`, so that many links sharing a stretch cost nothing more."""
    index = target_start(start)
    if text.startswith("<", index):
        index += 1
    end = after = target_end(index)
    if text.startswith(">", after):
        after += 1
    if text.startswith(")", after):
        return index, end
    after_space = title_start(after)
    if after_space > after and text[after_space:after_space + 1] in ("\"", "'", "("):
        return (index, end) if close(after_space + 1) < len(text) else None
    return None


def _raw_html_links(text: str):
    """(position, target, is image) of each `<a href=...>` and `<img src=...>`: the
    first href or src after the tag's name, before the tag's '>'."""
    attributes = list(_TAG_ATTRIBUTE.finditer(text))
    starts = [match.start() for match in attributes]
    tag_end = _NextMatch(_TAG_END, text)
    taken_to = 0
    for tag in _TAG_START.finditer(text):
        if tag.start() < taken_to:
            continue  # inside the link found before, as a regular expression would skip it
        index = bisect.bisect_left(starts, tag.end())
        if index == len(attributes) or attributes[index].start() >= tag_end(tag.end()):
            continue
        attribute = attributes[index]
        taken_to = attribute.end()
        yield tag.start(), attribute.group(2), tag.group(1).lower() == "img"


def _filled(removed: re.Match) -> str:
    """What rendering removes, as letters with its line breaks kept: lines stay
    true, and blanks at the start of a line cannot make the text after it code."""
    return re.sub(r"[^\n]", "x", removed.group())


def _without_code_spans(text: str) -> str:
    """The text with each code span as spaces, its line breaks kept, so that positions
    and lines stay true. As rendering reads them (`rendering._Backticks`): a run of
    backticks is closed by the next run of the same length. Found in one pass over the
    runs, from the last to the first."""
    runs = [(match.start(), match.end()) for match in _BACKTICKS.finditer(text)]
    closer: list[int | None] = [None] * len(runs)
    next_of_length: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        closer[index] = next_of_length.get(length)
        next_of_length[length] = index
    pieces, kept_from, index = [], 0, 0
    while index < len(runs):
        end = closer[index]
        if end is None:
            index += 1
            continue
        span_start, span_end = runs[index][0], runs[end][1]
        pieces.append(text[kept_from:span_start])
        pieces.append(re.sub(r"[^\n]", " ", text[span_start:span_end]))
        kept_from = span_end
        index = end + 1
    pieces.append(text[kept_from:])
    return "".join(pieces)


def prose_paragraphs(lines: list[str]):
    """(index of first line, text) of each run of lines that is not code."""
    return _prose_paragraphs(lines)


def _prose_paragraphs(lines: list[str]):
    """(index of first line, text) of each run of lines that is not code.

    Indented lines are code only where Python-Markdown reads them so: after a
    blank line, and indented a tab further than the list item they sit in (a
    nested list or a list item's second paragraph is indented too, and is prose).
    """
    paragraph: list[str] = []
    start = 0
    in_code = False
    previous_blank = True
    content_indent = 0  # where the text of the current list item begins; 0 outside lists
    fenced = fenced_code(lines).code
    for index, line in enumerate(lines):
        if fenced[index] or not line.strip():
            if paragraph:
                yield start, "\n".join(paragraph)
                paragraph = []
            previous_blank = True
            continue
        expanded = line.expandtabs(_TAB_LENGTH)
        indent = len(expanded) - len(expanded.lstrip(" "))
        in_code = indent >= content_indent + _TAB_LENGTH and (in_code or previous_blank)
        if in_code:
            continue
        list_item = _LIST_ITEM.match(line)
        if list_item:
            content_indent = len(list_item.group(1)) + _TAB_LENGTH
        elif indent >= _TAB_LENGTH and content_indent:
            content_indent = indent - indent % _TAB_LENGTH
        elif previous_blank and indent < _TAB_LENGTH:
            content_indent = 0
        previous_blank = False
        if list_item and paragraph:
            yield start, "\n".join(paragraph)
            paragraph = []
        if not paragraph:
            start = index
        paragraph.append(line)
    if paragraph:
        yield start, "\n".join(paragraph)


def is_external(target: str) -> bool:
    """Links to other sites, e-mail, phone numbers, or within the same page."""
    return bool(_SCHEME.match(target)) or target.startswith("#") or target.startswith("//")


def split_fragment(target: str) -> tuple[str, str]:
    path, _, fragment = target.partition("#")
    return path, fragment


class LinkOutside(ValueError):
    """The link climbs out of the content folder."""


def resolve(from_path: str, target: str) -> str:
    """The content path a relative link points at, written from the file `from_path`.

    Raises LinkOutside for an absolute path or one that leaves the content folder.
    """
    path, _ = split_fragment(unquote(target))
    if path.startswith("/"):
        raise LinkOutside(target)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), path))
    if joined == ".." or joined.startswith("../") or joined == ".":
        raise LinkOutside(target)
    return joined
