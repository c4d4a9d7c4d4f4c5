"""One pass over a Markdown body before it is rendered: the limits that keep
rendering quick and shallow, and paragraph numbers typed by hand.

Python-Markdown is recursive and, on some repetitions (`[[[[`, `<a <a <a`, runs of
backticks), slower than linear. Rather than let a pasted e-mail hang a build or
crash it at any depth, `check` refuses a body beyond these limits, each with the
line and the limit it breaks. Every scan here is linear in the body's length.
"""

from __future__ import annotations

import re

from builder import links

MAX_NESTING = 16  # lists, quotes, brackets or emphasis inside one another
MAX_PARAGRAPH = 10_000  # characters in one paragraph (a table's rows are each their own)
MAX_UNCLOSED = 20  # '<' tags, '[' brackets or '](' links left open in one paragraph or file
MAX_BLOCKS = 20_000  # paragraphs and blank lines in one body: Python-Markdown's time grows as their square

_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]))")
_TAG_START = re.compile(r"<[a-zA-Z]")
_BRACKET = re.compile(r"[\[\]]")
_EMPHASIS = re.compile(r"\*+|_+")
_BACKTICKS = re.compile(r"`+")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[*+-]|\d{1,9}[.)])[ \t]")
# A link target that rendering reads quickly: the target, and perhaps a quoted title,
# between '(' and ')'. Shared with `markdown`, whose link reading this bounds.
SIMPLE_LINK = re.compile(r"""\(\s*(?:<([^<>\n]*)>|([^()\s<>"']*))(?:\s+("[^"\n]*"|'[^'\n]*'))?\s*\)""")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
# '## 3. Background', '3.1 Explain': numbers a board paper gets by itself.
_TYPED_SECTION = re.compile(r"^##[ \t]+(\d{1,2}(?:\.\d{1,2})*\.?)[ \t]+\S")
_TYPED_PARAGRAPH = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+\.?)[ \t]+\S")


def limit_problems(body: str, first_line: int) -> list[tuple[int, str]]:
    """(file line, message) for each limit the body breaks, at most one of each kind."""
    problems: dict[str, tuple[int, str]] = {}
    lines = body.split("\n")
    blocks = sum(1 for line in lines if not line.strip())
    if blocks > MAX_BLOCKS:
        return [(first_line, f"the text has {blocks:,} blank lines; at most {MAX_BLOCKS:,} may be in one file: "
                             "split it into several items, or remove the empty lines")]
    prose = _without_fenced_code(lines)
    _nesting(prose, first_line, problems)
    _open_tags(prose, first_line, problems)
    for start, block in _text_blocks(prose):
        _paragraph(block, first_line + start, problems)
    return sorted(problems.values())


def _text_blocks(lines: list[str]):
    """(index of first line, text) of each stretch that Python-Markdown reads as one
    text: lines between blank lines, except that a list's items, and a table's rows,
    are each their own."""
    block: list[str] = []
    start = 0
    for index, line in enumerate(lines + [""]):
        if line.strip():
            if not block:
                start = index
            block.append(line)
            continue
        if not block:
            continue
        if _LIST_ITEM.match(block[0]) or all("|" in row for row in block):
            item_start = 0
            for offset in range(1, len(block) + 1):
                if offset == len(block) or _LIST_ITEM.match(block[offset]) or "|" in block[0]:
                    yield start + item_start, "\n".join(block[item_start:offset])
                    item_start = offset
        else:
            yield start, "\n".join(block)
        block = []


def _without_fenced_code(lines: list[str]) -> list[str]:
    """The lines, with those of fenced code blocks (which are never read as Markdown) blank."""
    result, in_fence = [], False
    for line in lines:
        fence = _FENCE.match(line)
        result.append("" if in_fence or fence else line)
        if fence:
            in_fence = not in_fence
    return result


def _nesting(lines: list[str], first_line: int, problems: dict) -> None:
    for index, line in enumerate(lines):
        if not line or (line[0] not in " \t>*+-" and not line[0].isdigit()):
            continue
        markers, position = 0, 0
        while True:
            marker = _CONTAINER.match(line, position)
            if not marker:
                break
            markers += 1
            position = marker.end()
        indent = len(line) - len(line.lstrip(" \t"))
        # A list inside a list is indented by a tab (4 spaces) a level.
        depth = markers + (len(line[:indent].expandtabs(4)) // 4 if markers else 0)
        if depth > MAX_NESTING:
            problems["nesting"] = (first_line + index, f"lists or quotes are nested more than {MAX_NESTING} deep "
                                   "here; Markdown this deep cannot be shown: flatten it")
            return


def _open_tags(lines: list[str], first_line: int, problems: dict) -> None:
    """A '<' followed by a letter begins an HTML tag; one whose '>' does not come before
    the next '<' makes the HTML reader search on to the next '>', so few may."""
    text = "\n".join(lines)
    starts = [match.start() for match in _TAG_START.finditer(text)]
    unclosed, first, close = 0, None, -1
    for number, start in enumerate(starts):
        if close < start:  # forward only: one '>' answers every '<' before it
            close = text.find(">", start)
            if close < 0:
                close = len(text)
        following = starts[number + 1] if number + 1 < len(starts) else len(text)
        if close >= len(text) or close > following:
            unclosed += 1
            first = start if first is None else first
    if unclosed > MAX_UNCLOSED:
        line = first_line + text.count("\n", 0, first)
        problems["tags"] = (line, f"{unclosed} '<' in this file begin an HTML tag that is never closed with '>' "
                                  f"(the first is here); at most {MAX_UNCLOSED} may be: write '&lt;' for a '<' "
                                  "that does not begin a tag")


def _paragraph(text: str, first_line: int, problems: dict) -> None:
    lines = text.split("\n")
    if len(text) > MAX_PARAGRAPH and "size" not in problems:
        problems["size"] = (first_line, f"this paragraph is {len(text):,} characters long; a paragraph may be at "
                                        f"most {MAX_PARAGRAPH:,}: add blank lines between its paragraphs")
    if "[" in text:
        _brackets(text, first_line, problems)
    if "*" in text or "_" in text:
        _emphasis(text, first_line, problems)
    if "](" in text:
        _open_links(text, first_line, problems)
    if "`" in text:
        _open_code(text, first_line, problems)


def _line_at(text: str, position: int, first_line: int) -> int:
    return first_line + text.count("\n", 0, position)


def _brackets(text: str, first_line: int, problems: dict) -> None:
    depth = 0
    for match in _BRACKET.finditer(text):
        if match.group() == "[":
            depth += 1
            if depth > MAX_NESTING and "brackets" not in problems:
                problems["brackets"] = (_line_at(text, match.start(), first_line),
                                        f"more than {MAX_NESTING} '[' are open at once in this paragraph; close "
                                        "each with ']', or write '\\[' for a bracket that is not a link")
                return
        elif depth:
            depth -= 1


def _emphasis(text: str, first_line: int, problems: dict) -> None:
    """Emphasis opened inside emphasis: a run of '*' or '_' before a word opens, one
    after a word closes; one between letters (snake_case) does neither."""
    depth = 0
    for match in _EMPHASIS.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        opens = not after.isspace() and not before.isalnum()
        closes = not before.isspace() and not after.isalnum()
        if closes and depth:
            depth -= 1
        elif opens:
            depth += 1
            if depth > MAX_NESTING:
                problems.setdefault("emphasis", (
                    _line_at(text, match.start(), first_line),
                    f"emphasis ('*' or '_') is opened more than {MAX_NESTING} times inside itself in this "
                    "paragraph; close each, or write '\\*' for a star that is not emphasis"))
                return


def _open_links(text: str, first_line: int, problems: dict) -> None:
    """A '](' whose target does not close simply (with ')', after at most a quoted
    title) is read by a slow search; few may be in a paragraph."""
    open_links, position = 0, text.find("](")
    while position >= 0:
        if not SIMPLE_LINK.match(text, position + 1):
            open_links += 1
            if open_links > MAX_UNCLOSED and "links" not in problems:
                problems["links"] = (_line_at(text, position, first_line),
                                     f"more than {MAX_UNCLOSED} links in this paragraph are not closed: write each "
                                     "as [text](target) with the ')' after the target")
                return
        position = text.find("](", position + 1)


def _open_code(text: str, first_line: int, problems: dict) -> None:
    """A run of backticks opens code that the next run of the same length closes;
    one that is never closed makes rendering search the rest of the paragraph."""
    runs = [(match.start(), len(match.group())) for match in _BACKTICKS.finditer(text)]
    seen_after: set[int] = set()
    unclosed = 0
    for position, length in reversed(runs):
        if length not in seen_after:
            unclosed += 1
            if unclosed > MAX_UNCLOSED:
                problems.setdefault("code", (_line_at(text, position, first_line),
                                             f"more than {MAX_UNCLOSED} runs of '`' in this paragraph are never "
                                             "closed by another of the same length; close each code span, or "
                                             "write '\\`' for a backtick that is not code"))
                return
        seen_after.add(length)


def typed_numbers(body: str, first_line: int) -> list[tuple[int, str]]:
    """(file line, message) for each section or paragraph number typed by hand in a
    board paper, which numbers its sections and paragraphs itself."""
    found, section = [], 0
    for start, paragraph in links.prose_paragraphs(body.split("\n")):
        for offset, line in enumerate(paragraph.split("\n")):
            if line.startswith("## ") or line.startswith("##\t"):
                section += 1
                typed = _TYPED_SECTION.match(line)
                if typed:
                    found.append((first_line + start + offset,
                                  f"'{line.strip()[:50]}': sections are numbered automatically, so this heading "
                                  f"would read '{section}. {typed.group(1)} ...'; delete '{typed.group(1)}' "
                                  "after '##'"))
            elif offset == 0 and section:
                typed = _TYPED_PARAGRAPH.match(line)
                if typed:
                    found.append((first_line + start,
                                  f"'{line.strip()[:50]}': paragraphs are numbered automatically, so this one "
                                  f"would read '{section}.N {typed.group(1)} ...'; delete '{typed.group(1)}' at "
                                  "its start"))
    return found
