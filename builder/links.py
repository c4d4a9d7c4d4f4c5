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
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+.*)?$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_RAW_HTML = re.compile(r"<(a|img)\b[^>]*?\b(href|src)\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class SourceLink:
    line: int
    target: str  # as written
    is_image: bool


def find_links(body: str, first_line: int) -> list[SourceLink]:
    """Every inline link, image, link reference and raw HTML link or image in a
    Markdown body, with file lines.

    Code is skipped: a link shown as an example is not a link.
    """
    found = []
    in_fence = False
    for offset, text in enumerate(body.split("\n")):
        if _FENCE.match(text):
            in_fence = not in_fence
            continue
        if in_fence or text.startswith("    "):
            continue
        line = first_line + offset
        text = _CODE_SPAN.sub("", text)  # a link shown as code is not a link
        for match in _INLINE.finditer(text):
            found.append(SourceLink(line, match.group(2), match.group(1) == "!"))
        for match in _RAW_HTML.finditer(text):
            found.append(SourceLink(line, match.group(3), match.group(1).lower() == "img"))
        reference = _REFERENCE.match(text)
        if reference:
            found.append(SourceLink(line, reference.group(1), False))
    return found


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
