"""Field rules, one object per field, declared the way MkDocs declares its config
options (`c.Text()`, `c.Choice(...)`, `c.ListOf(...)`).

Each rule turns the value written for one field into the model's value, or
records `path:line: message` (with a "did you mean" where one helps) and gives
its default. `kinds` declares the fields of each kind of item with them; `item_reader`
reads a file's front matter by them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from builder.reading import fields as check
from builder.reading.content_files import why_not_an_asset
from builder.model.errors import Problems
from builder.model.content import Appendix, BackgroundPaper, Item
from builder.model.partnership import Site
from builder.reading.yamlread import LineDict


@dataclass(frozen=True)
class Known:
    """What an item's fields are checked against: site.yaml, the facts, the files of
    every item and the assets; and where problems go."""

    site: Site
    fact_ids: frozenset[str]
    paths: frozenset[str]  # the file of each item: "threats/x.md"
    unreadable: frozenset[str]  # files that exist but could not be read (each has its own error)
    assets: frozenset[str]
    endings: Mapping[str, str]  # item folder -> the ending of its files, in the order of the kinds
    problems: Problems
    # (file, alias) -> its line, noted as each item is read, for the check across items (`redirects`).
    alias_lines: dict[tuple[str, str], int] = field(default_factory=dict, compare=False)

    @cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(path.rsplit(".", 1)[0] for path in self.paths)

    @cached_property
    def referable(self) -> frozenset[str]:
        """Keys a reference may name: pointing at a file that could not be read is not a second error."""
        return self.keys | {path.rsplit(".", 1)[0] for path in self.unreadable}

    def check_id(self, value: object, ids, what: str, where: str) -> str:
        word = check.text(value)
        if word not in ids:
            hint = check.nearest(word, ids)
            listed = f"; known {what}s: {', '.join(sorted(ids))}" if ids else f"; {where} defines none yet"
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            raise check.Invalid(f"names {what} '{word}', which is not in {where}{suggestion}{listed}")
        return word

    def fact(self, value: object) -> str:
        return self.check_id(value, self.fact_ids, "fact", "facts.yaml")


@dataclass
class Reading:
    """One group of fields being read: an item's front matter, or a group inside it
    (an action inside a report: `parent` is the report's reading)."""

    fields: check.Fields
    known: Known
    key: str  # the item's key: where its actions come from
    parent: Reading | None = None
    values: dict = field(default_factory=dict)  # read so far, by field name

    def inner(self, entry: LineDict, rules: Mapping[str, Rule], what: str) -> Reading:
        fields = check.Fields(self.fields.path, entry, self.known.problems, tuple(rules), what)
        return Reading(fields, self.known, self.key, self)


def read_all(rules: Mapping[str, Rule], reading: Reading) -> dict:
    """Every field's value, read in the order declared. A default worked out from
    other fields (a meeting's title from its board and date) waits until they are read."""
    for name, rule in rules.items():
        reading.values[name] = rule.read(reading, name)
    for name, rule in rules.items():
        if reading.values[name] is None and callable(rule.default):
            reading.values[name] = rule.default(reading)
    return reading.values


class Rule:
    """One field. `checker` turns a value written into the model's, or raises
    `fields.Invalid`; a required field may be left out where the field `unless`
    names is given instead."""

    checker: Callable[[object], object]

    def __init__(self, *, required: bool = False, default=None, unless: str | tuple[str, ...] | None = None,
                 blank: str = ""):
        self.required, self.default, self.unless, self.blank = required, default, unless, blank

    def check(self, value: object, reading: Reading) -> object:
        return self.checker(value)

    def refuse_blank(self, reading: Reading, name: str) -> None:
        if self.blank:
            reading.fields.refuse_blank(name, self.blank)

    def read(self, reading: Reading, name: str) -> object:
        self.refuse_blank(reading, name)
        unless = (self.unless,) if isinstance(self.unless, str) else self.unless or ()
        required = self.required and not any(name in reading.fields.data for name in unless)
        default = None if callable(self.default) else self.default
        return reading.fields.get(name, lambda value: self.check(value, reading), required=required, default=default)


class Text(Rule):
    checker = staticmethod(check.text)


class Date(Rule):
    checker = staticmethod(check.date)


class Time(Rule):
    checker = staticmethod(check.time)


class Boolean(Rule):
    checker = staticmethod(check.boolean)


class Choice(Rule):
    def __init__(self, choices: tuple[str, ...], **options):
        super().__init__(**options)
        self.checker = check.choice(choices)


class WholeNumber(Rule):
    def __init__(self, low: int, high: int, **options):
        super().__init__(**options)
        self.checker = check.whole_number(low, high)


class Marking(Rule):
    """A protective marking; without one, site.yaml's."""

    def __init__(self, **options):
        super().__init__(blank=MARKING_BLANK, **options)

    def read(self, reading, name):
        self.refuse_blank(reading, name)
        return reading.fields.get(name, check.marking, default=reading.known.site.classification)


MARKING_BLANK = "write OFFICIAL or OFFICIAL-SENSITIVE, or remove the line to take site.yaml's marking"
EXEMPT_BLANK = "write the paragraph of Schedule 7A (1 to 15), or remove the line if it is for publication"
DRAFT_BLANK = "write true or false, or remove the line if it is ready to publish"


class BoardId(Rule):
    def check(self, value, reading):
        return reading.known.check_id(value, {b.id for b in reading.known.site.boards}, "board", "site.yaml 'boards'")


class GroupId(Rule):
    def check(self, value, reading):
        return reading.known.check_id(value, {g.id for g in reading.known.site.groups}, "group", "site.yaml 'groups'")


class FactId(Rule):
    def check(self, value, reading):
        return reading.known.fact(value)


class Group(Rule):
    """A group of fields (name: value) with rules of its own, made into a model record
    by `make(reading, values)`; None leaves it out (its problems are reported)."""

    def __init__(self, what: str, rules: Mapping[str, Rule], make: Callable[[Reading, dict], object],
                 needs: str = "", **options):
        super().__init__(**options)
        self.what, self.rules, self.make, self.needs = what, rules, make, needs

    def build(self, reading: Reading, entry: LineDict) -> object:
        inner = reading.inner(entry, self.rules, self.what)
        return self.make(inner, read_all(self.rules, inner))

    def read(self, reading, name):
        entry = reading.fields.mapping(name)
        if entry is None:
            if self.required and not (name in reading.fields.data and reading.fields.data[name] is not None):
                where = "is empty" if name in reading.fields.data else "is missing"
                reading.known.problems.error(reading.fields.path, reading.fields.line(name),
                                             f"'{name}' {where}: {self.needs or f'write {self.what}'}")
            return None
        return self.build(reading, entry)


class ListOf(Rule):
    """A list; a single value counts as a list of one, and a bad entry is left out."""

    def __init__(self, rule: Rule, **options):
        super().__init__(**options)
        self.rule = rule

    def read(self, reading, name):
        if isinstance(self.rule, Group):
            made = (self.rule.build(reading, entry) for entry in reading.fields.mappings(name))
            return tuple(value for value in made if value is not None)
        return reading.fields.get_list(name, lambda value: self.rule.check(value, reading))


class Aliases(Rule):
    """An item's old ids, from before it was renamed: each must be a possible id
    that names no other item of its kind (its address becomes a redirect page)."""

    def read(self, reading, name):
        folder, own = reading.key.split("/", 1)
        problems, path, seen = reading.known.problems, reading.fields.path, set()
        for alias, line in reading.fields.get_lines(name, check.text):
            taken = f"{folder}/{alias}" in reading.known.referable and alias != own
            if not _ID.fullmatch(alias) or alias == "index":
                problems.error(path, line, f"the alias '{alias}' is not an id an item could have had: an old file "
                                           "name without its ending, in a-z, 0-9 and -")
            elif alias == own or alias in seen:
                what = "the item's own id" if alias == own else "listed twice"
                problems.error(path, line, f"the alias '{alias}' is {what}: remove it")
            elif taken:
                problems.error(path, line, f"the alias '{alias}' is the id of {folder}/{alias}"
                                           f"{reading.known.endings[folder]}, whose page is at that address: "
                                           "remove the alias, or rename that item")
            else:
                seen.add(alias)
                reading.known.alias_lines[(path, alias)] = line
        return tuple(sorted(seen))


_ID = re.compile(r"[a-z0-9][a-z0-9-]*", re.ASCII)


class Ids(Rule):
    """Ids of items of another kind (its model class): each must name an item of
    the project. One id, or (`many`) a list of them."""

    def __init__(self, model: type[Item], *, many: bool = True, **options):
        super().__init__(**options)
        self.folder, self.many = model.folder, many

    def read(self, reading, name):
        fields = reading.fields
        if self.many:
            found = fields.get_lines(name, check.text)
        else:
            one = fields.get(name, check.text)
            found = ((one, fields.line(name)),) if one else ()
        for item_id, line in found:
            self._exists(reading, name, item_id, line)
        ids = tuple(item_id for item_id, _ in found)
        return ids if self.many else (ids[0] if ids else None)

    def _exists(self, reading: Reading, name: str, item_id: str, line: int) -> None:
        known = reading.known
        if f"{self.folder}/{item_id}" in known.referable:
            return
        ids = sorted(key.split("/", 1)[1] for key in known.referable if key.startswith(self.folder + "/"))
        hint = check.nearest(item_id, ids)
        suggestion = f" (did you mean '{hint}'?)" if hint else ""
        known.problems.error(reading.fields.path, line, f"'{name}' names '{item_id}', but there is no "
                             f"{self.folder}/{item_id}{known.endings[self.folder]}{suggestion}")


def _plain_or_group(reading: Reading, name: str, group: Group, plain: Callable[[str], object]) -> list:
    """A list whose entries are each a plain value or a group of fields: (value, line)
    for each entry read, the plain ones through `plain`, the groups through `group`."""
    read = []
    for entry, line in reading.fields.get_lines(name, lambda value: value):
        if isinstance(entry, LineDict):
            made = group.build(reading, entry)
        else:
            try:
                made = plain(check.text(entry))
            except check.Invalid as exc:
                reading.known.problems.error(reading.fields.path, line, f"an entry of '{name}' {exc}")
                continue
        if made is not None:
            read.append((made, line))
    return read


def _appendix_entry(reading: Reading, values: dict) -> tuple[str, int | None] | None:
    given = [key for key in ("item", "file") if values[key]]
    if len(given) != 1:
        reading.known.problems.error(reading.fields.path, reading.fields.data.line,
                                     "an appendix names one 'item' (folder/id) or one 'file' (assets/...), "
                                     "with 'exempt: N' if it is not for publication")
        return None
    return values[given[0]], values["exempt"]


APPENDIX = Group("an appendix", {
    "item": Text(),
    "file": Text(),
    "exempt": WholeNumber(1, 15, blank=EXEMPT_BLANK),
}, _appendix_entry)


class Appendices(Rule):
    """A report's appendices: each an item ("case-studies/x", or an id that only one
    Markdown folder holds) or a file under assets/; written plain, or as
    `{item: ..., exempt: N}` / `{file: ..., exempt: N}` for an exempt appendix."""

    def read(self, reading, name):
        resolved = []
        for (target, exempt), line in _plain_or_group(reading, name, APPENDIX, lambda text: (text, None)):
            try:
                found = self._resolve(target, reading.known, reading.known.keys - {reading.key})
            except check.Invalid as exc:
                reading.known.problems.error(reading.fields.path, line, f"appendix {exc}")
                continue
            resolved.append(replace(found, exempt=exempt))
        return tuple(resolved)

    @staticmethod
    def _resolve(target: str, known: Known, keys) -> Appendix:
        if target.startswith("assets/"):
            if target not in known.assets:
                raise check.Invalid(f"'{target}' {why_not_an_asset(target, 'check the file name under assets/')}")
            return Appendix(target, is_asset=True)
        cleaned = target.removesuffix(".md")
        if "/" in cleaned:
            if cleaned not in keys:
                raise check.Invalid(f"'{target}' is not an item of this project; write it as folder/id, such as "
                                f"case-studies/{Path(cleaned).name}")
            return Appendix(cleaned, is_asset=False)
        # A meeting shares its date with the papers it hears, so a bare id means a Markdown item.
        matches = [f"{folder}/{cleaned}" for folder, ending in known.endings.items()
                   if ending == ".md" and f"{folder}/{cleaned}" in keys]
        if len(matches) == 1:
            return Appendix(matches[0], is_asset=False)
        if matches:
            raise check.Invalid(f"'{target}' could be any of {', '.join(matches)}; write which one")
        raise check.Invalid(f"'{target}' is not an item or asset of this project; write it as folder/id "
                        "(case-studies/...) or assets/file")


def _background_paper(reading: Reading, values: dict) -> BackgroundPaper | None:
    return BackgroundPaper(**values) if values["title"] else None


BACKGROUND_PAPER = Group("a background paper", {
    "title": Text(required=True, default=""),
    "location": Text(default=""),
}, _background_paper)


class BackgroundPapers(Rule):
    """The papers relied on in writing a report: each a title, or `{title, location}`."""

    def read(self, reading, name):
        return tuple(paper for paper, _ in _plain_or_group(reading, name, BACKGROUND_PAPER, BackgroundPaper))


class Implications(Rule):
    """A report's implications: text under each heading of site.yaml's `implications`,
    in the site's order; a heading left out reads "None"."""

    def read(self, reading, name):
        entry = reading.fields.mapping(name)
        headings = reading.known.site.implications
        given = {}
        for heading, value in (entry or {}).items():
            line = entry.line_of(heading)
            if heading not in headings:
                hint = check.nearest(str(heading), headings)
                suggestion = f" (did you mean '{hint}'?)" if hint else ""
                reading.known.problems.error(
                    reading.fields.path, line, f"implication '{heading}' is not one of the headings in site.yaml "
                    f"'implications'{suggestion}: {', '.join(headings) or 'none are defined'}")
                continue
            try:
                given[heading] = check.text(value)
            except check.Invalid as exc:
                reading.known.problems.error(reading.fields.path, line, f"implication '{heading}' {exc}")
        return tuple((heading, given.get(heading, "None")) for heading in headings)
