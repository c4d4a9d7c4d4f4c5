"""Charts drawn at build time as inline SVG: no JavaScript is needed to see them.

Every chart carries a title and a description for screen readers, and says its
numbers in text as well as in shape and colour.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from html import escape

from markupsafe import Markup

from builder.model import STATUSES, TRENDS, Fact, Project

COLOURS = {
    "rising": "#a0161b", "falling": "#1d6b38", "stable": "#2f4a6b", "uncertain": "#6b4a00",
    "open": "#2f4a6b", "in-progress": "#0b4f6c", "done": "#1d6b38", "blocked": "#a0161b", "overdue": "#a0161b",
}
LABEL_WIDTH = 190
BAR_WIDTH = 360
ROW = 34
FONT = 'font-family="Lato, Arial, sans-serif" font-size="14"'


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: str) -> Markup:
    return Markup(
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def as_image(svg: Markup) -> Markup:
    """The chart as an <img> whose alternative text is its description: a tagged
    PDF needs that, and an inline SVG cannot give it."""
    description = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    data = base64.b64encode(str(svg).encode("utf-8")).decode("ascii")
    return Markup(f'<img class="chart" alt="{description}" src="data:image/svg+xml;base64,{data}">')


def _bar_rows(rows: list[tuple[str, int, str]], largest: int, unit: str = "") -> str:
    parts = []
    for index, (label, count, colour) in enumerate(rows):
        y = index * ROW + 4
        length = 0 if largest == 0 else max(2, round(BAR_WIDTH * count / largest)) if count else 0
        parts.append(
            f'<text x="0" y="{y + 19}" {FONT} fill="#1b1f24">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length}" height="20" fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + length + 8}" y="{y + 19}" {FONT} font-weight="700" fill="#1b1f24">{count}{unit}</text>'
        )
    return "".join(parts)


def threats_by_trend(project: Project, chart_id: str = "trend-chart") -> Markup:
    counts = [(trend.capitalize(), sum(t.trend == trend for t in project.threats), COLOURS[trend]) for trend in TRENDS]
    description = "; ".join(f"{label}: {count}" for label, count, _ in counts)
    return _svg(chart_id, "Threats by trend", description, LABEL_WIDTH + BAR_WIDTH + 50, ROW * len(counts) + 8,
                _bar_rows(counts, max(c for _, c, _ in counts)))


def actions_by_status(actions, today: dt.date, title: str, chart_id: str) -> Markup:
    """Bars per status, and one for overdue actions, highlighted."""
    rows = [(status.replace("-", " ").capitalize(), sum(a.status == status for a in actions), COLOURS[status])
            for status in STATUSES]
    rows.append(("Overdue", sum(a.is_overdue(today) for a in actions), COLOURS["overdue"]))
    description = "; ".join(f"{label}: {count}" for label, count, _ in rows)
    body = _bar_rows(rows, max(c for _, c, _ in rows))
    overdue_y = (len(rows) - 1) * ROW + 4
    body += (f'<rect x="{LABEL_WIDTH - 6}" y="{overdue_y}" width="4" height="28" fill="{COLOURS["overdue"]}"/>')
    return _svg(chart_id, title, description, LABEL_WIDTH + BAR_WIDTH + 50, ROW * len(rows) + 8, body)


_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")


def fact_figure(fact: Fact, chart_id: str) -> Markup:
    """A percentage as a share of a bar; any other figure as a large number."""
    width, height = 300, 64
    number = _NUMBER.search(fact.value)
    body = f'<text x="0" y="40" font-family="Lato, Arial, sans-serif" font-size="36" font-weight="700" ' \
           f'fill="#0b4f6c">{escape(fact.value)}</text>'
    if fact.value.strip().endswith("%") and number:
        share = min(100.0, float(number.group().replace(",", ""))) / 100
        body += (f'<rect x="120" y="16" width="170" height="24" fill="#ffffff" stroke="#4a5360"/>'
                 f'<rect x="120" y="16" width="{round(170 * share)}" height="24" fill="#0b4f6c"/>')
    return _svg(chart_id, fact.value, f"{fact.value}: {fact.label}", width, height, body)


def facts_chart(facts: list[Fact], chart_id: str) -> Markup:
    """Cited facts one under another: a percentage as a share of a bar, any other
    figure as a number, each with its label written out beneath."""
    width, bar, row = 560, 400, 52
    parts = []
    for index, fact in enumerate(facts):
        y = index * row
        number = _NUMBER.search(fact.value)
        if fact.value.strip().endswith("%") and number:
            share = min(100.0, float(number.group().replace(",", ""))) / 100
            parts.append(f'<rect x="0" y="{y + 4}" width="{bar}" height="18" fill="#ffffff" stroke="#4a5360"/>'
                         f'<rect x="0" y="{y + 4}" width="{round(bar * share)}" height="18" fill="#0b4f6c"/>'
                         f'<text x="{bar + 10}" y="{y + 19}" {FONT} font-weight="700" fill="#1b1f24">'
                         f"{escape(fact.value)}</text>")
        else:
            parts.append(f'<text x="0" y="{y + 19}" {FONT} font-weight="700" fill="#0b4f6c">{escape(fact.value)}</text>')
        label = fact.label if len(fact.label) <= 80 else fact.label[:79] + "…"
        parts.append(f'<text x="0" y="{y + 40}" font-family="Lato, Arial, sans-serif" font-size="12" '
                     f'fill="#1b1f24">{escape(label)}</text>')
    description = "; ".join(f"{f.value}: {f.label} ({f.source}, {f.year})" for f in facts)
    return _svg(chart_id, "Key facts", description, width, row * len(facts), "".join(parts))
