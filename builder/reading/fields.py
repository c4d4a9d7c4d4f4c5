"""Reading typed fields out of a YAML mapping, with a clear message for each mistake.

A `Fields` wraps one mapping (front matter, a site.yaml section, one action) and
hands back checked values; every problem is recorded at the line of its key.
"""

from __future__ import annotations

import datetime as dt
import difflib
import ipaddress
import re
import urllib.parse
from collections.abc import Callable

from builder.reading.yamlread import LineDict, LineList
from builder.model.errors import Problems
from builder.model.content import MARKINGS


class Invalid(ValueError):
    """A value that breaks a field rule; `line` when it is more precise than the key's."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


_CURLY_QUOTES = "\u201c\u201d\u2018\u2019"
_INVISIBLE = {"\u00a0": "non-breaking space", "\u2007": "figure space", "\u202f": "narrow non-breaking space",
              "\t": "tab", "\u200b": "zero-width space", "\ufeff": "byte-order mark"}


def typed(value: object) -> str:
    """A value as the author typed it: a number keeps its own digits ('10.00', not '10.0')."""
    return getattr(value, "typed", None) or str(value)


def visible(text: str) -> str:
    """Text with the characters nobody can see named: 'owner[non-breaking space]'."""
    return "".join(f"[{_INVISIBLE[c]}]" if c in _INVISIBLE else c if c.isprintable() else f"[U+{ord(c):04X}]"
                   for c in text)


def _curly_hint(value: object) -> str:
    if isinstance(value, str) and any(c in value for c in _CURLY_QUOTES):
        return (" (it is written in curly quotes, which YAML keeps as part of the text: write it without "
                "quotes, or with straight ones \"...\")")
    return ""


def _describe(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (LineDict, dict)):
        return "a group of fields"
    if isinstance(value, (LineList, list)):
        return "a list"
    if isinstance(value, (int, float)):
        return f"{typed(value)} (YAML reads it as a number)"
    return f"'{visible(str(value))}'{_curly_hint(value)}"


def nearest(word: str, choices) -> str | None:
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else None


def _did_you_mean(word: str, choices) -> str:
    suggestion = nearest(word, choices)
    return f" (did you mean '{suggestion}'?)" if suggestion else ""


def text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise Invalid(f"must be text, not {_describe(value)}; put it in quotes if it is meant as text")
    result = typed(value).strip()
    if not result:
        raise Invalid("is empty")
    return result


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def date(value: object) -> dt.date:
    if not isinstance(value, str) or not _DATE.match(value.strip()):
        raise Invalid(f"must be a date written YYYY-MM-DD, such as 2015-09-02, not {_describe(value)}")
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"'{value}' is not a date that exists; check the month and day") from None
    # Far outside a partnership's papers a date is a typing slip, and the dates
    # worked out from it (a review, a publication deadline, an event's end) would
    # run off the calendar.
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(f"'{value.strip()}' is outside the years {FIRST_YEAR} to {LAST_YEAR}; check the year")
    return day


FIRST_YEAR, LAST_YEAR = 1900, 2099


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


_TIME_TYPED = re.compile(r"^([01]?\d|2[0-3])(?:[.,:]|)([0-5]\d)$")


def time(value: object) -> str:
    match = _TIME.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        written = typed(value).strip().strip(_CURLY_QUOTES) if isinstance(value, (str, int, float)) else ""
        near = _TIME_TYPED.match(written) if not isinstance(value, bool) else None
        suggestion = f"\"{int(near.group(1)):02d}:{near.group(2)}\"" if near else "\"10:00\""
        raise Invalid(f"must be a time written HH:MM in quotes, such as {suggestion}, not {_describe(value)}")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def boolean(value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, not {_describe(value)}")
    return value


def choice(allowed: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        word = str(value).strip().lower() if isinstance(value, str) else value
        if word not in allowed:
            raise Invalid(
                f"must be one of: {', '.join(allowed)}; not {_describe(value)}{_did_you_mean(str(value), allowed)}"
            )
        return word

    return check


_ABOVE_OFFICIAL = {"SECRET", "TOP-SECRET"}


def marking(value: object) -> str:
    word = re.sub(r"[\s_]+", "-", str(value).strip().upper()) if isinstance(value, str) else value
    if word in _ABOVE_OFFICIAL:
        raise Invalid(
            f"'{value}' is above OFFICIAL: material with that marking must never be kept in this "
            "project; remove it and handle it through your organisation's secure systems"
        )
    if word not in MARKINGS:
        raise Invalid(f"must be OFFICIAL or OFFICIAL-SENSITIVE, not {_describe(value)}")
    return word


def whole_number(low: int, high: int) -> Callable[[object], int]:
    def check(value: object) -> int:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"must be a whole number from {low} to {high}, not {_describe(value)}")
        return value

    return check


_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def colour(value: object) -> str:
    result = text(value)
    if not _COLOUR.match(result):
        raise Invalid(f"must be a colour written #rrggbb in quotes, such as \"#0b4f6c\", not '{result}'")
    return result.lower()


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)
_URL_PATH = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*", re.ASCII)


def web_address(value: object) -> str:
    """The site's address: an absolute http(s) URL of printable ASCII, with a host, no
    user name, query or fragment; it is written into the calendar, feed and sitemap."""
    result = text(value)
    example = "such as https://www.example.org/safety/"
    if any(not c.isprintable() or c.isspace() for c in result) or not result.isascii():
        raise Invalid(f"must be the site's web address, {example}, with no spaces, line breaks or other "
                      f"characters outside plain ASCII; not '{visible(result)}'")
    try:
        parts = urllib.parse.urlsplit(result)
        port = parts.port
    except ValueError:
        parts, port = None, None
    host = parts.hostname if parts else None
    valid = (parts is not None and parts.scheme in ("http", "https") and host
             and (_HOST.fullmatch(host) or _is_ip_literal(host))
             and not parts.username and not parts.password and not parts.query and not parts.fragment
             and "#" not in result and "?" not in result and _URL_PATH.fullmatch(parts.path)
             and (port is None or 0 < port < 65536))
    if not valid:
        raise Invalid(f"must be the site's web address, starting https:// then the host name, {example}, "
                      f"with no user name, '?' or '#'; not '{result}'")
    return result if result.endswith("/") else result + "/"


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slug(value: object) -> str:
    result = text(value)
    if not _SLUG.match(result):
        raise Invalid(f"'{result}' must be lowercase letters, digits and hyphens, such as 'cyber-crime'")
    return result


def make_slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


class Fields:
    """Typed access to one YAML mapping; every problem goes to `problems` with its line."""

    def __init__(self, path: str, data: LineDict, problems: Problems, allowed: tuple[str, ...], what: str):
        self.path = path
        self.data = data
        self.problems = problems
        self.allowed = allowed
        self.what = what
        for key in data:
            if key not in allowed:
                shown = visible(str(key))
                if shown != str(key) and "".join(c for c in str(key) if c not in _INVISIBLE).strip() in allowed:
                    problems.error(path, data.line_of(key), f"the field name '{shown}' holds a character that "
                                   "cannot be seen: retype the name, with an ordinary space after its ':'")
                    continue
                suggestion = _did_you_mean(str(key), allowed)
                problems.error(
                    path,
                    data.line_of(key),
                    f"unknown field '{shown}' in {what}{suggestion}: correct or remove it. "
                    f"Fields {what} takes: {', '.join(allowed)}",
                )

    def line(self, key: str) -> int:
        return self.data.line_of(key)

    def refuse_blank(self, key: str, advice: str) -> None:
        """A field that decides what is published, written with no value (`exempt:`,
        `draft: ~`), is an error: its permissive default must never be taken silently."""
        if key in self.data and self.data[key] is None:
            self.problems.error(self.path, self.line(key), f"'{key}' is empty: {advice}")

    def get(self, key: str, check: Callable[[object], object], *, required: bool = False, default=None):
        value = self.data.get(key)
        if value is None:
            if required:
                where = "is empty" if key in self.data else "is missing"
                self.problems.error(self.path, self.line(key), f"'{key}' {where}: {self.what} needs '{key}: ...'")
            return default
        try:
            return check(value)
        except Invalid as exc:
            self.problems.error(self.path, exc.line or self.line(key), f"'{key}' {exc}")
            return default

    def get_list(self, key: str, check: Callable[[object], object]) -> tuple:
        """A list field; a single value counts as a list of one. Bad entries are dropped."""
        value = self.data.get(key)
        if value is None:
            return ()
        if isinstance(value, LineDict):
            self.problems.error(self.path, self.line(key), f"'{key}' must be a list (lines starting '- '), not {_describe(value)}")
            return ()
        values = value if isinstance(value, LineList) else [value]
        lines = value.item_lines if isinstance(value, LineList) else [self.line(key)]
        result = []
        for entry, line in zip(values, lines):
            try:
                result.append(check(entry))
            except Invalid as exc:
                self.problems.error(self.path, exc.line or line, f"an entry of '{key}' {exc}")
        return tuple(result)

    def get_lines(self, key: str, check: Callable[[object], object]) -> tuple[tuple[object, int], ...]:
        """Like get_list, but each value comes with its line, for checking references later."""
        value = self.data.get(key)
        if isinstance(value, LineList):
            lines = value.item_lines
        else:
            lines = [self.line(key)]
        values = self.get_list(key, lambda v: v)
        result = []
        for entry, line in zip(values, lines):
            try:
                result.append((check(entry), line))
            except Invalid as exc:
                self.problems.error(self.path, exc.line or line, f"an entry of '{key}' {exc}")
        return tuple(result)

    def mappings(self, key: str) -> tuple[LineDict, ...]:
        """A list whose entries are groups of fields (actions, presenters, agenda items)."""
        entries = self.get_list(key, lambda v: v)
        value = self.data.get(key)
        lines = value.item_lines if isinstance(value, LineList) else [self.line(key)]
        result = []
        for entry, line in zip(entries, lines):
            if isinstance(entry, LineDict):
                result.append(entry)
            else:
                self.problems.error(
                    self.path, line, f"an entry of '{key}' must be a group of fields such as "
                    f"'- name: ...', not {_describe(entry)}"
                )
        return tuple(result)

    def mapping(self, key: str) -> LineDict | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, LineDict):
            self.problems.error(self.path, self.line(key), f"'{key}' must be a group of fields (name: value), not {_describe(value)}")
            return None
        return value
