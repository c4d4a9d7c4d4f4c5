"""Typesetting decisions CSS alone cannot make: which tables and lists are short
enough to keep whole on one page.

A long table or list kept whole is pushed onto the next page when it does not fit,
leaving the page before it nearly empty; a short one split across pages strands a
row or two. So short ones are marked `keep` (paper.css keeps them whole) and long
ones break between rows and items, a table's header row repeated.
"""

from __future__ import annotations

import re

SHORT_TABLE_ROWS = 8  # header row included
SHORT_LIST_ITEMS = 6  # at every level
# A few long items are no short list: kept whole, they can leave most of a page empty.
SHORT_TEXT = 400  # characters of text, about five lines of a paper

_TAG = re.compile(r"<(/?)(table|ul|ol|tr|li)\b([^>]*)>")


_TAG_ANY = re.compile(r"<[^>]*>")


def keep_short_blocks(html: str) -> str:
    """The HTML with `class="keep"` added to each short table and list."""
    opened: list[list] = []  # per open table or list: [start of its tag's attributes, name, rows or items]
    marks: list[int] = []  # where to add the class
    for match in _TAG.finditer(html):
        closing, name = match.group(1), match.group(2)
        if name in ("tr", "li"):
            if closing:
                continue
            if name == "tr":  # a row counts in its own table
                tables = [block for block in opened if block[1] == "table"]
                if tables:
                    tables[-1][2] += 1
            else:  # an item counts in every list around it
                for block in opened:
                    if block[1] != "table":
                        block[2] += 1
        elif not closing:
            opened.append([match.end(2), name, 0])
        elif opened and opened[-1][1] == name:
            start, block_name, count = opened.pop()
            limit = SHORT_TABLE_ROWS if block_name == "table" else SHORT_LIST_ITEMS
            if count <= limit and len(_TAG_ANY.sub("", html[start:match.start()])) <= SHORT_TEXT:
                marks.append(start)
    for position in sorted(marks, reverse=True):
        attributes = re.match(r'[^>]*?\bclass="', html[position:])
        if attributes and ">" not in attributes.group(0):
            at = position + attributes.end()
            html = html[:at] + "keep " + html[at:]
        else:
            html = html[:position] + ' class="keep"' + html[position:]
    return html
