"""Markdown to safe HTML: Python-Markdown, link resolution, paper numbering, nh3 sanitising."""

from __future__ import annotations

import html as html_lib
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListExtension
from markdown.extensions.def_list import DefListExtension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension
from markdown.inlinepatterns import (BACKTICK_RE, IMAGE_LINK_RE, IMAGE_REFERENCE_RE, LINK_RE, REFERENCE_RE,
                                     BacktickInlineProcessor, ImageInlineProcessor, ImageReferenceInlineProcessor,
                                     LinkInlineProcessor, ReferenceInlineProcessor, ShortImageReferenceInlineProcessor,
                                     ShortReferenceInlineProcessor)
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from builder.markdown import body_scan, directives, links

# Given a content path ("threats/x.md", "assets/a.svg"), a fragment and whether it
# is an image, the URL to write, or None when the target may not be shown there
# (a link becomes plain text, an image loses its source).
UrlFor = Callable[[str, str, bool], "str | None"]

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start", "type"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _prefix_number(element: etree.Element, number: str, css_class: str) -> None:
    span = etree.Element("span", {"class": css_class})
    span.text = number
    span.tail = " " + (element.text or "").lstrip()
    element.text = None
    element.insert(0, span)


class _PaperNumbering(Treeprocessor):
    """Numbers `##` sections 1., 2. and their top-level paragraphs 1.1, 1.2.

    Lists, tables and quotes are left unnumbered: in a committee report they
    belong to the paragraph before them.
    """

    enabled = False

    def run(self, root: etree.Element) -> None:
        if not self.enabled:
            return
        section = paragraph = 0
        for element in root:
            if element.tag == "h2":
                section += 1
                paragraph = 0
                _prefix_number(element, f"{section}.", "section-number")
                element.set("class", (element.get("class", "") + " numbered").strip())
            elif element.tag == "p" and section and not HTML_PLACEHOLDER_RE.fullmatch((element.text or "").strip()):
                paragraph += 1
                _prefix_number(element, f"{section}.{paragraph}", "paragraph-number")
                element.set("class", (element.get("class", "") + " numbered").strip())


# Python-Markdown reads a link's text and target, and looks for the end of code, a
# character at a time from each '[', '(' or '`', to the end of the paragraph when
# there is no end: on `[[[[` or runs of backticks, slower than linear. These read the
# same, jumping from bracket to bracket and from backticks to backticks; `body_scan`
# limits how many may be left open, so that each paragraph is read in linear time.
_BRACKET = re.compile(r"[\[\]]")
_LINK_WINDOW = 4096  # characters of a link target that is not simply `(target "title")`


class _QuickLinkText:
    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        depth = 1
        for match in _BRACKET.finditer(data, index):
            depth += 1 if match.group() == "[" else -1
            if depth == 0:
                return data[index:match.start()], match.end(), True
        return "", len(data), False

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        if body_scan.SIMPLE_LINK.match(data, index):
            return super().getLink(data, index)  # closes at the ')' that ends the match
        href, title, end, handled = super().getLink(data[index:index + _LINK_WINDOW], 0)
        return href, title, end + index, handled


class _Link(_QuickLinkText, LinkInlineProcessor):
    pass


class _Image(_QuickLinkText, ImageInlineProcessor):
    pass


class _Reference(_QuickLinkText, ReferenceInlineProcessor):
    pass


class _ShortReference(_QuickLinkText, ShortReferenceInlineProcessor):
    pass


class _ImageReference(_QuickLinkText, ImageReferenceInlineProcessor):
    pass


class _ShortImageReference(_QuickLinkText, ShortImageReferenceInlineProcessor):
    pass


class _Backticks(BacktickInlineProcessor):
    """Code between two runs of the same number of backticks, the closing run found by
    one search (Python-Markdown's own steps through every character, and after a run
    it cannot close, restarts inside the run)."""

    _closers: dict[int, re.Pattern] = {}

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        run_end = start
        while run_end < len(text) and text[run_end] == "`":
            run_end += 1
        ticks = run_end - start
        closer = self._closers.get(ticks)
        if closer is None:
            closer = self._closers[ticks] = re.compile(f"(?<!`)`{{{ticks}}}(?!`)")
        found = closer.search(text, run_end)
        return run_end, found.start() if found else None


class _BriefingExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_PaperNumbering(md), "briefing-numbering", 1)
        # The same names and priorities as Python-Markdown's own, which they replace.
        patterns = md.inlinePatterns
        patterns.register(_Backticks(BACKTICK_RE), "backtick", 190)
        patterns.register(_Reference(REFERENCE_RE, md), "reference", 170)
        patterns.register(_Link(LINK_RE, md), "link", 160)
        patterns.register(_Image(IMAGE_LINK_RE, md), "image_link", 150)
        patterns.register(_ImageReference(IMAGE_REFERENCE_RE, md), "image_reference", 140)
        patterns.register(_ShortReference(REFERENCE_RE, md), "short_reference", 130)
        patterns.register(_ShortImageReference(IMAGE_REFERENCE_RE, md), "short_image_ref", 125)


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    # One instance per process: building the extension set costs more than a short
    # body. Instances, not names: finding an extension by name searches every
    # installed package's entry points, which took longer than rendering a page.
    return markdown.Markdown(
        extensions=[
            TableExtension(use_align_attribute=True),
            AttrListExtension(),
            TocExtension(),
            FootnoteExtension(),
            SaneListExtension(),
            FencedCodeExtension(),
            DefListExtension(),
            _BriefingExtension(),
        ],
        output_format="html",
    )


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    # An image from another site would be fetched by every reader's browser (and
    # by the PDF writer): only files of the site itself may be shown.
    if tag == "img" and attribute == "src" and links.is_external(value):
        return None
    return value


def sanitise(html: str) -> str:
    """Keep only the markup a briefing needs; scripts, styles, frames, forms,
    event handlers and images from elsewhere never reach a page."""
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=_local_images_only,
    )


_HEADING_OR_TABLE = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>|<table>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _scrollable_tables(html: str) -> str:
    # On a phone a wide table scrolls inside its own box, which a keyboard user
    # must be able to reach: hence the focusable region, named after the heading
    # it comes under (a Markdown table has no caption), so that a screen reader
    # says which table it is. Done after sanitising, so authors cannot add such
    # attributes themselves.
    heading, used = "", {}

    def wrap(match: re.Match) -> str:
        nonlocal heading
        if match.group(1):
            heading = " ".join(html_lib.unescape(_TAG.sub("", match.group(2))).split())
            return match.group(0)
        name = heading or "Table"
        used[name] = used.get(name, 0) + 1
        if used[name] > 1 or not heading:
            name = f"{name} (table {used[name]})" if heading else f"Table {used[name]}"
        return f'<div class="table-wrap" role="region" aria-label="{html_lib.escape(name)}" tabindex="0"><table>'

    return _HEADING_OR_TABLE.sub(wrap, html).replace("</table>", "</table></div>")


_LINK_TAGS = re.compile(r"<(a|img)\b([^>]*)>|</a>")
_ATTRIBUTE = re.compile(r'([a-zA-Z][\w-]*)="([^"]*)"')


def _resolve_links(html: str, source_path: str, url_for: UrlFor) -> str:
    """Point links and images at their place in the output.

    Runs on sanitised HTML, whose attributes are always double-quoted, so links
    written in Markdown and in raw HTML are treated alike. A link the output may
    not show becomes its plain text; an image it may not show loses its source.
    """
    unlinked = []  # for each open <a>: whether it was turned into a <span>

    def rewrite(match: re.Match) -> str:
        if match.group(0) == "</a>":
            return "</span>" if unlinked and unlinked.pop() else "</a>"
        tag, attributes = match.group(1), dict(_ATTRIBUTE.findall(match.group(2)))
        name = "href" if tag == "a" else "src"
        target = html_lib.unescape(attributes.get(name, ""))
        if tag == "a":
            unlinked.append(False)
        if not target or links.is_external(target):
            return match.group(0)
        try:
            path = links.resolve(source_path, target)
        except links.LinkOutside:
            path = None
        _, fragment = links.split_fragment(target)
        url = url_for(path, fragment, tag == "img") if path else None
        if url is None:
            attributes.pop(name, None)
            if tag == "a":
                unlinked[-1] = True
                return "<span>"
        else:
            attributes[name] = html_lib.escape(url)
        rendered = "".join(f' {key}="{value}"' for key, value in attributes.items())
        return f"<{tag}{rendered}>"

    return _LINK_TAGS.sub(rewrite, html)


def render(body: str, *, source_path: str, url_for: UrlFor, numbered: bool = False,
           chart: Callable[[directives.Directive, int], str] | None = None) -> str:
    """The body as sanitised HTML; `numbered` applies board-paper numbering, and
    `chart(directive, index)` draws the chart a `::: chart` line asks for."""
    converter = _converter()
    converter.reset()
    converter.treeprocessors["briefing-numbering"].enabled = numbered
    text, charts = directives.replace_lines(body)
    html = _scrollable_tables(_resolve_links(sanitise(converter.convert(text)), source_path, url_for))
    for index, directive in enumerate(charts):
        # Charts are our own markup, added after sanitising.
        html = html.replace(directives.placeholder(index), chart(directive, index) if chart else "")
    return html
