"""Charts drawn at build time: no JavaScript is needed to see them.

A chart is a `Chart`: its rows of label, number and bar, drawn two ways.

- On the site (`str(chart)`, or `{{ chart }}` in a template) it is HTML: every
  label and number is text, which wraps on a phone, follows the reader's text
  size and is read out in order; only the bars are drawn, as small SVGs hidden
  from screen readers whose lengths are percentages (no inline style, which
  the Content-Security-Policy refuses).
- On paper (`as_image(chart)`) it is an SVG image whose text is laid out for
  the A4 column at 14 px (10.5 pt), wrapped onto as many lines as it needs and
  never cut short, with the chart's description as its alternative text, as a
  tagged PDF needs.

Every chart says its numbers in text as well as in shape and colour.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from builder.model.content import STATUSES, TRENDS, Fact
from builder.model.project import Project
from builder.plan.views import source_line

COLOURS = {
    "rising": "#a0161b", "falling": "#1d6b38", "stable": "#2f4a6b", "uncertain": "#6b4a00",
    "open": "#2f4a6b", "in-progress": "#0b4f6c", "done": "#1d6b38", "blocked": "#a0161b", "overdue": "#a0161b",
}
SHARE_COLOUR = "#0b4f6c"
TEXT_COLOUR = "#1b1f24"
FONT_FAMILY = "'Briefing Sans', Lato, Arial, sans-serif"


@dataclass(frozen=True)
class Row:
    label: str
    value: str  # the number as shown
    share: float | None  # the bar's length, 0 to 1; None: no bar
    colour: str = SHARE_COLOUR
    highlight: bool = False  # marked with a rule at its edge (overdue actions)


@dataclass(frozen=True)
class Chart:
    """A chart: `bars` (a label, a bar and its number per row, such as actions by
    status) or `facts` (a figure, a bar for a percentage, and a sentence per row)."""

    chart_id: str
    title: str
    description: str
    kind: str
    rows: tuple[Row, ...]

    def __html__(self) -> str:
        return _html(self)

    def __str__(self) -> str:
        return _html(self)


# On the site ---------------------------------------------------------------------

def _bar_svg(row: Row, modifier: str) -> str:
    if row.share is None:
        return ""
    height = 20 if modifier == "bars" else 18
    return (f'<svg class="chart__bar chart__bar--{modifier}" aria-hidden="true" focusable="false" width="100%" '
            f'height="{height}"><rect width="{_percent(row.share)}" height="{height}" fill="{row.colour}"/></svg>')


def _percent(share: float) -> str:
    return f"{round(min(1.0, max(0.0, share)) * 100, 1):g}%"


def _html(chart: Chart) -> str:
    rows = []
    for row in chart.rows:
        classes = "chart__row" + (" chart__row--highlight" if row.highlight else "")
        if chart.kind == "bars":
            rows.append(f'<li class="{classes}"><span class="chart__label">{escape(row.label)}</span> '
                        f'<span class="chart__value">{escape(row.value)}</span>{_bar_svg(row, "bars")}</li>')
        else:
            rows.append(f'<li class="{classes}"><span class="chart__value">{escape(row.value)}</span>'
                        f'{_bar_svg(row, "share")} <span class="chart__label">{escape(row.label)}</span></li>')
    return (f'<ul class="chart chart--{chart.kind}" id="{chart.chart_id}" aria-label="{escape(chart.title)}">'
            f'{"".join(rows)}</ul>')


# On paper ----------------------------------------------------------------------

PRINT_WIDTH = 480  # px: fits the text column of an A4 paper beside its paragraph numbers
FONT_SIZE = 14
LINE = 18
# Rough advance widths of Lato (the bundled font), in ems, a little generous so
# that a wrapped line always fits.
_NARROW, _WIDE = set("ijlI.,:;'!|()[]{}tfr "), set("mwMW@%")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """The width of a line of text in px, estimated generously."""
    em = 0.0
    for char in text:
        if char in _NARROW:
            em += 0.3
        elif char in _WIDE:
            em += 0.85
        elif char.isupper() or char.isdigit():
            em += 0.64
        else:
            em += 0.52
    return em * size


def wrap(text: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """The text in lines no wider than `width`; a word too long for a line is broken."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while text_width(word, size) > width:  # a long word (an address) is broken where it must be
            cut = max([1] + [n for n in range(1, len(word)) if text_width(word[:n], size) <= width])
            if line:
                lines.append(line)
                line = ""
            lines.append(word[:cut])
            word = word[cut:]
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line or not lines:
        lines.append(line)
    return lines


def _text(x: float, y: float, lines: list[str], bold: bool = False, size: int = FONT_SIZE) -> str:
    weight = ' font-weight="700"' if bold else ""
    spans = "".join(f'<tspan x="{x}" y="{y + index * LINE}">{escape(line)}</tspan>' for index, line in enumerate(lines))
    return f'<text font-family="{FONT_FAMILY}" font-size="{size}"{weight} fill="{TEXT_COLOUR}">{spans}</text>'


def _print_bars(rows: tuple[Row, ...]) -> tuple[str, int]:
    label_width, bar_x, bar_width = 150, 162, 250
    parts, y = [], 4
    for row in rows:
        lines = wrap(row.label, label_width)
        height = max(28, len(lines) * LINE + 10)
        length = round(bar_width * (row.share or 0))
        if row.share:
            length = max(2, length)
        parts.append(_text(0, y + 18, lines))
        parts.append(f'<rect x="{bar_x}" y="{y + 4}" width="{length}" height="20" fill="{row.colour}"/>')
        parts.append(_text(bar_x + length + 8, y + 18, [row.value], bold=True))
        if row.highlight:
            parts.append(f'<rect x="{bar_x - 6}" y="{y}" width="4" height="28" fill="{COLOURS["overdue"]}"/>')
        y += height + 6
    return "".join(parts), y


def _print_facts(rows: tuple[Row, ...]) -> tuple[str, int]:
    parts, y = [], 0
    for row in rows:
        parts.append(_text(0, y + 18, [row.value], bold=True, size=16))
        if row.share is not None:
            parts.append(f'<rect x="90.5" y="{y + 4.5}" width="{PRINT_WIDTH - 92}" height="18" fill="#ffffff" '
                         f'stroke="#4a5360"/><rect x="91" y="{y + 5}" width="{round((PRINT_WIDTH - 93) * row.share)}" '
                         f'height="17" fill="{row.colour}"/>')
        lines = wrap(row.label, PRINT_WIDTH - 4)
        parts.append(_text(0, y + 44, lines))
        y += 44 + (len(lines) - 1) * LINE + 18
    return "".join(parts), y


def as_svg(chart: Chart) -> Markup:
    """The chart drawn for paper, at its natural size (never to be scaled down)."""
    body, height = (_print_bars if chart.kind == "bars" else _print_facts)(chart.rows)
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {PRINT_WIDTH} {height}" '
        f'width="{PRINT_WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{chart.chart_id}-title {chart.chart_id}-desc">'
        f'<title id="{chart.chart_id}-title">{escape(chart.title)}</title>'
        f'<desc id="{chart.chart_id}-desc">{escape(chart.description)}</desc>{body}</svg>'
    )


def as_image(chart: Chart) -> Markup:
    """The chart as an <img> whose alternative text is its description: a tagged
    PDF needs that, and an inline SVG cannot give it."""
    data = base64.b64encode(str(as_svg(chart)).encode("utf-8")).decode("ascii")
    return Markup(f'<img class="chart" alt="{escape(chart.description)}" src="data:image/svg+xml;base64,{data}">')


# The charts ----------------------------------------------------------------------

def _counted(rows: list[tuple[str, int, str]], highlight: str = "") -> tuple[Row, ...]:
    largest = max((count for _, count, _ in rows), default=0)
    return tuple(Row(label, str(count), count / largest if largest else 0.0, colour, label == highlight)
                 for label, count, colour in rows)


def _described(rows: tuple[Row, ...]) -> str:
    return "; ".join(f"{row.label}: {row.value}" for row in rows)


def threats_by_trend(project: Project, chart_id: str = "trend-chart") -> Chart:
    rows = _counted([(trend.capitalize(), sum(t.trend == trend for t in project.threats), COLOURS[trend])
                     for trend in TRENDS])
    return Chart(chart_id, "Threats by trend", _described(rows), "bars", rows)


def actions_by_status(actions, today: dt.date, title: str, chart_id: str) -> Chart:
    """Bars per status, and one for overdue actions, highlighted."""
    counts = [(status.replace("-", " ").capitalize(), sum(a.status == status for a in actions), COLOURS[status])
              for status in STATUSES]
    counts.append(("Overdue", sum(a.is_overdue(today) for a in actions), COLOURS["overdue"]))
    rows = _counted(counts, highlight="Overdue")
    return Chart(chart_id, title, _described(rows), "bars", rows)


_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def _share(value: str) -> float | None:
    """A percentage as a share of 1; None for any other figure."""
    number = _NUMBER.search(value)
    if value.strip().endswith("%") and number:
        return min(100.0, max(0.0, float(number.group().replace(",", "")))) / 100
    return None


def fact_figure(fact: Fact, chart_id: str) -> Markup:
    """A percentage as a share of a bar; any other figure as a large number."""
    width, height = 300, 64
    share = _share(fact.value)
    body = f'<text x="0" y="40" font-family="{FONT_FAMILY}" font-size="36" font-weight="700" ' \
           f'fill="#0b4f6c">{escape(fact.value)}</text>'
    if share is not None:
        body += (f'<rect x="120" y="16" width="170" height="24" fill="#ffffff" stroke="#4a5360"/>'
                 f'<rect x="120" y="16" width="{round(170 * share)}" height="24" fill="#0b4f6c"/>')
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(fact.value)}</title>'
        f'<desc id="{chart_id}-desc">{escape(f"{fact.value}: {fact.label}")}</desc>{body}</svg>'
    )


def facts_chart(facts: list[Fact], chart_id: str) -> Chart:
    """Cited facts one under another: a percentage as a share of a bar, any other
    figure as a number, each with its label written out in full beneath."""
    rows = tuple(Row(fact.label, fact.value, _share(fact.value)) for fact in facts)
    description = "; ".join(f"{f.value}: {f.label} ({f.source}{f', {f.year}' if f.year else ''})" for f in facts)
    return Chart(chart_id, "Key facts", description, "facts", rows)


def chart_figure(facts_by_id: dict, directive, chart_id: str, for_print: bool = False) -> str:
    """The figure a `::: chart facts ...` line stands for, with the sources beneath.
    Facts the profile left out are left out of the chart too. On paper the chart
    is an image with its description as alternative text, as tagged PDF needs."""
    facts = [facts_by_id[i] for i in directive.ids if i in facts_by_id]
    if not facts:
        return ""
    sources = escape("; ".join(source_line(f) for f in facts))
    chart = facts_chart(facts, chart_id)
    if for_print:
        return f'<div class="chart-figure">{as_image(chart)}<p class="caption">Source: {sources}</p></div>'
    return f'<figure class="chart-figure">{chart}<figcaption>Source: {sources}</figcaption></figure>'
