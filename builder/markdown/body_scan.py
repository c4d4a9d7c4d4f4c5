"""One pass over a Markdown body before it is rendered: the limits that keep
rendering quick and shallow, and paragraph numbers typed by hand.

Python-Markdown is recursive and, on some repetitions (`[[[[`, `<a <a <a`, runs of
backticks), slower than linear. Rather than let a pasted e-mail hang a build or
crash it at any depth, `check` refuses a body beyond these limits, each with the
line and the limit it breaks. Every scan here is linear in the body's length.
"""

from __future__ import annotations

import re

from builder.markdown import links

MAX_NESTING = 16  # lists, quotes, brackets or emphasis inside one another
MAX_PARAGRAPH = 10_000  # characters in one paragraph (a table's rows are each their own)
MAX_UNCLOSED = 20  # '<' tags, '[' brackets or '](' links left open in one paragraph or file
MAX_BLOCKS = 20_000  # paragraphs and blank lines in one body: Python-Markdown's time grows as their square
# Python-Markdown splits a paragraph at each heading or rule inside it and reads the
# rest of the paragraph again, copies the whole text once per fenced code block, and
# looks through every earlier reference to a footnote for each new one: each of these
# grows as a square, so few may be.
MAX_SPLITS = 20  # headings and rules inside one paragraph, with no blank line before them
MAX_FENCES = 500  # fenced code blocks in one body
MAX_FOOTNOTES = 500  # footnote references ('[^') in one body
MAX_COLUMNS = 64  # cells in one table row: every row is widened to its table's widest

_CONTAINER = re.compile(r"[ \t]*(?:>|(?:[*+-]|\d{1,9}[.)])(?=[ \t]))")
_TAG_START = re.compile(r"<[a-zA-Z]")
_BRACKET = re.compile(r"[\[\]]")
_EMPHASIS = re.compile(r"\*+|_+")
_BACKTICKS = re.compile(r"`+")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[*+-]|\d{1,9}\.)[ \t]")
# A link target that rendering reads quickly: the target, and perhaps a quoted title,
# between '(' and ')'. Shared with `rendering`, whose link reading this bounds.
SIMPLE_LINK = re.compile(r"""\(\s*(?:<([^<>\n]*)>|([^()\s<>"']*))(?:\s+("[^"\n]*"|'[^'\n]*'))?\s*\)""")
# A line Python-Markdown ends a paragraph at: a '#' heading, a setext underline, a
# rule or a definition (': '); or a list item with no text, at any depth, which it
# reads again at each level.
_SPLIT = re.compile(r" {0,3}(?:#{1,6}(?:[ \t]|$)|=+[ \t]*$|-+[ \t]*$|(?:[-*_][ \t]*){3,}$|:[ \t])"
                    r"|[ \t]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]*)+$")
# The row under a table's header: Python-Markdown reads a block as a table only with one.
_TABLE_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
# '## 3. Background', '3.1 Explain': numbers a board paper gets by itself.
_TYPED_SECTION = re.compile(r"^##[ \t]+(\d{1,2}(?:\.\d{1,2})*\.?)[ \t]+\S")
_TYPED_PARAGRAPH = re.compile(r"^(\d{1,2}(?:\.\d{1,2})+\.?)[ \t]+\S")


def limit_problems(body: str, first_line: int) -> list[tuple[int, str]]:
    """(file line, message) for each limit the body breaks, at most one of each kind."""
    problems: dict[str, tuple[int, str]] = {}
    lines = body.split("\n")
    blocks = sum(1 for line in lines if not line.strip(" \t"))
    if blocks > MAX_BLOCKS:
        return [(first_line, f"the text has {blocks:,} blank lines; at most {MAX_BLOCKS:,} may be in one file: "
                             "split it into several items, or remove the empty lines")]
    fences = links.fenced_code(lines)
    prose = ["" if code else line for code, line in zip(fences.code, lines)]
    _counts(fences, prose, first_line, problems)
    _nesting(prose, first_line, problems)
    _splits(prose, first_line, problems)
    _open_tags(prose, first_line, problems)
    for start, block in _blocks(prose):
        _inline(block, first_line + start, problems)
    for start, text in _texts(prose):
        if len(text) > MAX_PARAGRAPH and "size" not in problems:
            problems["size"] = (first_line + start, f"this paragraph is {len(text):,} characters long; a paragraph "
                                                    f"may be at most {MAX_PARAGRAPH:,}: add blank lines between "
                                                    "its paragraphs")
    return sorted(problems.values())


def _blocks(lines: list[str]):
    """(index of first line, text) of each stretch of lines between blank lines:
    for Python-Markdown, a line of spaces and tabs only (a non-breaking space is text)."""
    block: list[str] = []
    start = 0
    for index, line in enumerate(lines + [""]):
        if line.strip(" \t"):
            if not block:
                start = index
            block.append(line)
        elif block:
            yield start, "\n".join(block)
            block = []


def _texts(lines: list[str]):
    """(index of first line, text) of each text Python-Markdown reads as one: a
    block, except that a list's items, and a table's rows, are each their own."""
    for start, block in _blocks(lines):
        rows = block.split("\n")
        table = _is_table(rows)
        if not table and not _LIST_ITEM.match(rows[0]):
            yield start, block
            continue
        item_start = 0
        for offset in range(1, len(rows) + 1):
            if offset == len(rows) or table or _LIST_ITEM.match(rows[offset]):
                yield start + item_start, "\n".join(rows[item_start:offset])
                item_start = offset


def _is_table(rows: list[str]) -> bool:
    """Whether Python-Markdown reads these rows as a table: a header row of as many
    cells as the rule under it. A header with code or escapes, whose '|' may not
    divide cells, is taken for text: the stricter reading."""
    if len(rows) < 2 or not _TABLE_RULE.match(rows[1]) or "`" in rows[0] or "\\" in rows[0]:
        return False
    header, rule = _cells(rows[0]), _cells(rows[1])
    return header == rule > 1


def _cells(row: str) -> int:
    row = row.strip(" ")
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return row.count("|") + 1


def _counts(fences: links.FencedCode, prose: list[str], first_line: int, problems: dict) -> None:
    if fences.blocks > MAX_FENCES:
        problems["fences"] = (first_line, f"the text has {fences.blocks:,} fenced code blocks ('```'); at most "
                                          f"{MAX_FENCES:,} may be in one file: split it into several items")
    if len(fences.unclosed) > MAX_UNCLOSED:
        problems["unclosed fences"] = (first_line + fences.unclosed[0],
                                       f"{len(fences.unclosed)} lines here and below open fenced code ('```' or "
                                       "'~~~') that no line of the same fence closes; at most "
                                       f"{MAX_UNCLOSED} may: close each code block, or indent the line")
    footnotes = sum(line.count("[^") for line in prose)
    if footnotes > MAX_FOOTNOTES:
        problems["footnotes"] = (first_line, f"the text has {footnotes:,} footnote references ('[^'); at most "
                                             f"{MAX_FOOTNOTES:,} may be in one file: split it into several items")
    for index, line in enumerate(prose):
        if line.count("|") > MAX_COLUMNS + 1:
            problems["columns"] = (first_line + index, f"this table row has more than {MAX_COLUMNS} columns "
                                                       "('|'); a table may have at most that many: split the table")
            return


def _splits(lines: list[str], first_line: int, problems: dict) -> None:
    """Headings and rules inside a stretch of lines with no blank line, where
    Python-Markdown reads it, lists included, as one block."""
    splits = 0
    for index, line in enumerate(lines):
        if not line.strip(" \t"):
            splits = -1  # the first line of the next block starts it and splits nothing
        elif _SPLIT.match(line) and splits >= 0:
            splits += 1
            if splits > MAX_SPLITS:
                problems["splits"] = (first_line + index, f"more than {MAX_SPLITS} headings, rules, definitions "
                                                          "(': ') or empty list items follow one another here with "
                                                          "no blank line between them: put a blank line before each "
                                                          "heading, rule and term, and delete empty list items")
                return
        else:
            splits = max(splits, 0)


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


def _inline(text: str, first_line: int, problems: dict) -> None:
    """Counts over a whole block, its list items and table cells together: where
    Python-Markdown reads the block as one paragraph, it reads all of them at once."""
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
