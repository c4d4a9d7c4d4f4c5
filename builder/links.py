"""Find links in Markdown source and resolve them to content paths.

Shared by validation (which reports a broken link at its line) and rendering
(which turns a content path into a site URL), so both agree on what a link means.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import unquote

_INLINE = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'(][^)]*)?\)")
# A footnote definition, [^id]: text, is not a link reference.
_REFERENCE = re.compile(r"^[ \t]*\[(?!\^)[^\]\n]+\]:[ \t]*<?(\S+?)>?(?:[ \t].*)?$", re.MULTILINE)
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RAW_HTML = re.compile(r"<(a|img)\b[^>]*?\b(href|src)\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1)[^\n]|\n(?!\s*\n))+?\1")
# What rendering removes whole: comments, and scripts and styles with their content.
# A link inside one is not on the page, so it neither publishes an asset nor is checked.
_REMOVED = re.compile(r"<!--.*?(?:-->|\Z)|<(script|style)\b.*?(?:</\1\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_LIST_ITEM = re.compile(r"^( *)(?:[*+-]|\d+\.)[ \t]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_TAB_LENGTH = 4  # Python-Markdown's: list content and code are indented by this much


@dataclass(frozen=True)
class SourceLink:
    line: int
    target: str  # as written
    is_image: bool


def find_links(body: str, first_line: int) -> list[SourceLink]:
    """Every inline link, image, link reference and raw HTML link or image in a
    Markdown body, with the file line each starts on.

    Code is skipped: a link shown as an example is not a link. Text is searched a
    paragraph at a time, because authors wrap a link's text over lines.
    """
    found: list[SourceLink] = []
    if "[" not in body and "<" not in body:
        return found
    if "<!--" in body or "<s" in body.lower():
        body = _REMOVED.sub(_filled, body)
    # Most paragraphs hold no link at all; the regular expressions run only where one could be.
    for start, paragraph in _prose_paragraphs(body.split("\n")):
        if "[" not in paragraph and "<" not in paragraph:
            continue
        text = _CODE_SPAN.sub(_blank, paragraph) if "`" in paragraph else paragraph

        def line_of(position: int) -> int:
            return first_line + start + text.count("\n", 0, position)

        if "](" in text:
            for match in _INLINE.finditer(text):
                found.append(SourceLink(line_of(match.start()), match.group(2), match.group(1) == "!"))
        if "<" in text:
            for match in _RAW_HTML.finditer(text):
                found.append(SourceLink(line_of(match.start()), match.group(3), match.group(1).lower() == "img"))
        if "]:" in text:
            for match in _REFERENCE.finditer(text):
                found.append(SourceLink(line_of(match.start()), match.group(1), False))
    return sorted(found, key=lambda link: link.line)


def _filled(removed: re.Match) -> str:
    """What rendering removes, as letters with its line breaks kept: lines stay
    true, and blanks at the start of a line cannot make the text after it code."""
    return re.sub(r"[^\n]", "x", removed.group())


def _blank(code_span: re.Match) -> str:
    """A code span as spaces, its line breaks kept, so positions and lines stay true."""
    return re.sub(r"[^\n]", " ", code_span.group())


def _prose_paragraphs(lines: list[str]):
    """(index of first line, text) of each run of lines that is not code.

    Indented lines are code only where Python-Markdown reads them so: after a
    blank line, and indented a tab further than the list item they sit in (a
    nested list or a list item's second paragraph is indented too, and is prose).
    """
    paragraph: list[str] = []
    start = 0
    in_fence = in_code = False
    previous_blank = True
    content_indent = 0  # where the text of the current list item begins; 0 outside lists
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or _FENCE.match(line) or not line.strip():
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
