"""Hypothesis strategies for whole briefing projects, and for edits to them.

    from strategies import projects, edits

    @given(projects())
    def test_something(project): ...        # project.write(folder), then build it

A `Project` is a small model of a valid project (site.yaml, facts.yaml, items of
every kind, assets) that renders itself as `project.files`, {relative path: text
or bytes}, and knows for each item its kind, id, marking, draft and exempt state.

Every item has a unique **marker**, a made-up word such as `mkbadz`, written into
every text of that item: its id (file name), title, summary, body, section
headings, action texts, presenters, author, implications, agenda notes, the
file names and text of its assets, and the facts only it uses. So "nothing of
an excluded item appears" is checkable as "none of its markers appears":

    for thing in project.excluded_in_public():
        for marker in project.markers_of(thing):
            assert marker not in everything_readable(output).lower()

Markers are lower case; compare in lower case (the PDFs and the search index may
change the case of what they show). References are kept by marker, not by id,
so renaming or removing an item keeps the project valid: a link or agenda entry
whose target is gone is simply not written.

Only fields the builder accepts are used (builder/reading/rules.py,
builder/project/settings_files.py, README.md); every project generated passes
`briefing check` (tests/selection/test_properties.py).
"""

from __future__ import annotations

import datetime as dt
import shutil
import string
import struct
import zlib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import yaml
from conftest import TODAY, write_files
from hypothesis import strategies as st

FOLDERS = {"threat": "threats", "case-study": "case-studies", "spotlight": "spotlights", "report": "reports",
           "page": "pages", "meeting": "meetings", "minutes": "minutes"}
# The kinds drawn at random; minutes are drawn for a meeting that has taken place, as its own file.
KINDS = tuple(kind for kind in FOLDERS if kind != "minutes")
YAML_KINDS = ("meeting", "minutes")
MINUTED_BY = dt.date(2016, 1, 15)  # the tests' --today: minutes only of meetings held by then
MARKINGS = (None, "OFFICIAL", "OFFICIAL-SENSITIVE")  # None: not written, so the site's default applies
TRENDS = ("rising", "falling", "stable", "uncertain")
OBJECTIVES = ("divert", "deter", "detect", "disrupt")
STATUSES = ("open", "in-progress", "done", "blocked")
HEADINGS = ("Financial", "HR", "Legal", "Procurement", "Risk", "Privacy Impact")
SECTIONS = ("Summary", "Recommendations", "Background", "Resources")
WORDS = ("council", "licensing", "doorstep", "fraud", "vetting", "contract", "drugs", "referral", "training",
         "officers", "partners", "residents", "premises", "checks", "intelligence", "awareness", "waste",
         "haulage", "cyber", "victims", "visits", "housing", "grants", "traders", "schools", "landlords",
         "cash", "routes", "warning", "signs", "support", "plan", "tenants", "property", "staff", "reports")
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1), dt.date(2016, 12, 31)


def marker(number: int) -> str:
    """The number-th marker: `mk` + three letters + `z`, all of one length, so
    that no marker is part of another, and no English word is one."""
    letters = string.ascii_lowercase
    return "mk" + letters[number // 676 % 26] + letters[number // 26 % 26] + letters[number % 26] + "z"


def png(text: str) -> bytes:
    """A valid 1x1 PNG carrying text in a tEXt chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\x00" + text.encode()) + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


# The model ------------------------------------------------------------------

@dataclass(frozen=True)
class Action:
    text: str
    owner: str  # a group id
    due: dt.date
    status: str


@dataclass(frozen=True)
class AgendaEntry:
    report: str = ""  # the marker of a paper, or "" for an item with a title
    title: str = ""
    note: str = ""
    minutes: str = ""  # the marker of an earlier meeting of the same board, whose minutes it puts for approval


@dataclass(frozen=True)
class Fact:
    id: str
    value: str
    label: str
    source: str
    year: int
    classification: str | None
    marker: str  # the marker of the item that alone uses it, or its own
    kind: str = "fact"
    draft: bool = False
    exempt: int | None = None


BUILT_ON = dt.date.fromisoformat(TODAY)


@dataclass(frozen=True)
class Asset:
    name: str  # under assets/
    data: bytes
    marker: str  # the item it belongs to


@dataclass(frozen=True)
class Item:
    kind: str
    marker: str
    id: str
    title: str
    classification: str | None = None
    draft: bool = False
    exempt: int | None = None  # reports only
    summary: str = ""
    owner: str = ""  # a group id, or ""
    body: tuple[str, ...] = ()  # paragraphs (a report's each under its own ## section)
    links: tuple[str, ...] = ()  # markers of the items its body links to
    assets: tuple[str, ...] = ()  # names of its own assets, linked (or shown) from its body
    charts: tuple[str, ...] = ()  # fact ids its body charts
    facts: tuple[str, ...] = ()  # fact ids (threats)
    threats: tuple[str, ...] = ()  # markers of threats (case studies, spotlights, reports)
    appendices: tuple[str, ...] = ()  # markers of items, or "assets/<name>" (reports)
    exempt_appendices: tuple[tuple[str, int], ...] = ()  # (marker, paragraph) of those not for publication
    actions: tuple[Action, ...] = ()  # spotlights and reports
    agenda: tuple[AgendaEntry, ...] = ()  # meetings
    minutes_of: str = ""  # minutes: the marker of their meeting, whose id they share
    aliases: tuple[str, ...] = ()  # old ids (each holds the marker): their addresses redirect
    fields: dict = field(default_factory=dict, hash=False)  # the kind's other fields, as written

    @property
    def path(self) -> str:
        return f"{FOLDERS[self.kind]}/{self.id}.{'yaml' if self.kind in YAML_KINDS else 'md'}"

    @property
    def key(self) -> str:
        """How a report names it as an appendix, and where its page goes (+ .html)."""
        return f"{FOLDERS[self.kind]}/{self.id}"


@dataclass(frozen=True)
class Site:
    title: str
    classification: str  # the default marking
    boards: tuple[str, ...]
    groups: tuple[str, ...]
    implications: tuple[str, ...]


@dataclass(frozen=True)
class Project:
    site: Site
    items: tuple[Item, ...]
    facts: tuple[Fact, ...]
    assets: tuple[Asset, ...]
    issued: int  # markers issued so far: the next new item gets marker(issued)

    # What each thing is ---------------------------------------------------

    def item(self, item_marker: str) -> Item | None:
        return next((item for item in self.items if item.marker == item_marker), None)

    def marking(self, thing: Item | Fact) -> str:
        """The marking it has once the site's default is applied."""
        return thing.classification or self.site.classification

    def excluded(self, profile: str) -> list[Item | Fact]:
        """What a build in this profile must show nothing of: drafts always; in
        public also OFFICIAL-SENSITIVE items and facts, and exempt papers."""
        # An item bound in as an exempt appendix is exempt material, whatever its paper.
        appended = {mark for item in self.items for mark, _ in item.exempt_appendices if mark in item.appendices}

        def out(thing) -> bool:
            if thing.draft:
                return True
            if getattr(thing, "minutes_of", "") and out(self.item(thing.minutes_of)):
                return True  # minutes go where their meeting goes
            return profile == "public" and (self.marking(thing) == "OFFICIAL-SENSITIVE" or bool(thing.exempt)
                                            or self.not_yet(thing)
                                            or thing.marker in appended and thing.kind != "fact")

        return [thing for thing in (*self.items, *self.facts) if out(thing)]

    @staticmethod
    def not_yet(thing: Item | Fact) -> bool:
        """A paper whose `publish_from` date is after the day the tests build on."""
        return thing.kind == "report" and thing.fields.get("publish_from", dt.date.min) > BUILT_ON

    def excluded_in_public(self) -> list[Item | Fact]:
        return self.excluded("public")

    def published(self, profile: str) -> list[Item]:
        """The items a build in this profile shows, each with a page."""
        hidden = {id(thing) for thing in self.excluded(profile)}
        return [item for item in self.items if id(item) not in hidden]

    def withheld_assets(self) -> list[str]:
        """The assets a public build must not copy: exempt appendices of papers that
        are themselves published (an excluded paper's assets carry its marker)."""
        published = {id(item) for item in self.published("public")}
        return [mark.removeprefix("assets/") for item in self.items if id(item) in published
                for mark, _ in item.exempt_appendices if mark.startswith("assets/") and mark in item.appendices]

    def markers_of(self, thing: Item | Fact) -> frozenset[str]:
        """The strings of which none may appear where the thing must not: its
        marker (in all its texts, its id, its assets' and its own facts' names)."""
        return frozenset({thing.marker})

    # Its files ------------------------------------------------------------

    @cached_property
    def files(self) -> dict[str, str | bytes]:
        site = {"title": self.site.title, "organisation": "Generated Partnership",
                "classification": self.site.classification,
                "boards": {board: {"name": f"{board.title()} board"} for board in self.site.boards},
                "groups": {group: {"name": f"{group.title()} group", "remit": f"The {group} remit"}
                           for group in self.site.groups},
                "implications": list(self.site.implications)}
        files: dict[str, str | bytes] = {"site.yaml": _yaml(site)}
        if self.facts:
            files["facts.yaml"] = _yaml([_fact_fields(fact) for fact in self.facts])
        for asset in self.assets:
            files[f"assets/{asset.name}"] = asset.data
        for item in self.items:
            fields = self._front_matter(item)
            files[item.path] = _yaml(fields) if item.kind in YAML_KINDS else \
                f"---\n{_yaml(fields)}---\n{self._body(item)}"
        return files

    def write(self, content: Path) -> Path:
        """Make the folder hold exactly this project's files (removing any other)."""
        for file in sorted(content.rglob("*"), reverse=True) if content.exists() else ():
            relative = file.relative_to(content).as_posix()
            if file.is_dir() and not any(name.startswith(relative + "/") for name in self.files):
                shutil.rmtree(file)
            elif file.is_file() and relative not in self.files:
                file.unlink()
        return write_files(content, self.files)

    def _ids(self, markers) -> list[str]:
        return [self.item(m).id for m in markers if self.item(m)]

    def _front_matter(self, item: Item) -> dict:
        fields: dict = {"title": item.title}
        if item.classification:
            fields["classification"] = item.classification
        if item.kind == "minutes":
            return {**fields, **self._minutes(item)}
        if item.draft:
            fields["draft"] = True
        if item.summary:
            fields["summary"] = item.summary
        if item.owner:
            fields["owner"] = item.owner
        if item.aliases:
            fields["aliases"] = list(item.aliases)
        fields.update({name: value for name, value in item.fields.items() if value not in ([], {}, "")})
        if item.exempt:
            fields["exempt"] = item.exempt
        if item.facts:
            fields["facts"] = list(item.facts)
        if item.threats and self._ids(item.threats):
            fields["threats"] = self._ids(item.threats)
        exempt = dict(item.exempt_appendices)
        appendices = [{"file": a, "exempt": exempt[a]} if a.startswith("assets/") and a in exempt else
                      a if a.startswith("assets/") else
                      {"item": self.item(a).key, "exempt": exempt[a]} if a in exempt else self.item(a).key
                      for a in item.appendices if a.startswith("assets/") or self.item(a)]
        if appendices:
            fields["appendices"] = appendices
        if item.actions:
            fields["actions"] = [{"action": a.text, "owner": a.owner, "due": a.due, "status": a.status}
                                 for a in item.actions]
        if item.kind == "meeting":
            fields["items"] = [entry for entry in map(self._agenda_entry, item.agenda) if entry]
        return fields

    def _minutes(self, item: Item) -> dict:
        """A decision on every item of the meeting's agenda as written, an action and a
        declaration on each paper: each in the minutes' words and, on a paper, the
        paper's marker too, so that the minute of a paper left out must be left out."""
        meeting = self.item(item.minutes_of)
        written = [entry for entry in meeting.agenda if self._agenda_entry(entry)]
        group = self.site.groups[0]
        fields: dict = {"status": "draft" if item.draft else "unconfirmed",
                        "attendance": {"present": [{"name": f"Chair {item.marker}", "role": f"Chair {item.marker}"}]},
                        "declarations": [], "decisions": {}}
        for number, entry in enumerate(written, start=1):
            about = f"{item.marker} {entry.report}".strip()
            fields["decisions"][number] = {"outcome": ("agreed", "noted")[number % 2], "text": f"Decided {about}."}
            if entry.report:
                fields["decisions"][number]["actions"] = [{"action": f"Act on {about}", "owner": group,
                                                           "due": dt.date(2016, 3, 1)}]
                fields["declarations"].append({"member": f"Member {item.marker}", "item": number,
                                               "nature": f"Interest in {about}"})
        return fields

    def _agenda_entry(self, entry: AgendaEntry) -> dict | None:
        if entry.minutes:
            minuted = self.item(entry.minutes)
            return {"minutes": minuted.id} if minuted is not None else None
        if not entry.report:
            return {"title": entry.title, "note": entry.note}
        paper = self.item(entry.report)
        if paper is None:
            return None
        return {"report": paper.id, "note": entry.note} if entry.note else {"report": paper.id}

    def _body(self, item: Item) -> str:
        parts = []
        for number, paragraph in enumerate(item.body):
            if item.kind == "report":
                parts.append(f"## {SECTIONS[number % len(SECTIONS)]} {item.marker}")
            parts.append(paragraph)
        for target in filter(None, map(self.item, item.links)):
            parts.append(f"See [{item.marker} on {target.kind}](../{target.path}).")
        for name in item.assets:
            shown = "!" if name.endswith(".png") else ""
            parts.append(f"{shown}[{item.marker} {name.rsplit('.', 1)[1]}](../assets/{name})")
        if item.charts:
            parts.append("::: chart facts " + " ".join(item.charts))
        return "\n\n".join(parts) + "\n"


def _yaml(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)


def _fact_fields(fact: Fact) -> dict:
    fields = {"id": fact.id, "value": fact.value, "label": fact.label, "source": fact.source, "year": fact.year}
    return {**fields, "classification": fact.classification} if fact.classification else fields


# Strategies -----------------------------------------------------------------

def _text(draw, mark: str, low: int = 2, high: int = 6, capital: bool = False) -> str:
    """A few plain words with the marker among them (never first, so that
    capitalising the text leaves the marker as it is)."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=low, max_size=high))
    words.insert(draw(st.integers(1, len(words))), mark)
    text = " ".join(words)
    return text[0].upper() + text[1:] if capital else text


def _date(draw) -> dt.date:
    return draw(st.dates(FIRST_DAY, LAST_DAY))


def _some(draw, choices, most: int = 2) -> tuple:
    return tuple(draw(st.lists(st.sampled_from(choices), max_size=most, unique=True))) if choices else ()


@st.composite
def sites(draw) -> Site:
    return Site(
        title=" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=3))).capitalize() + " partnership",
        classification=draw(st.sampled_from(("OFFICIAL", "OFFICIAL", "OFFICIAL-SENSITIVE"))),
        boards=tuple(draw(st.lists(st.sampled_from(("main", "community", "scrutiny")), min_size=1, max_size=2,
                                   unique=True))),
        groups=tuple(draw(st.lists(st.sampled_from(("prevent", "integrity", "pursue")), min_size=1, max_size=3,
                                   unique=True))),
        implications=tuple(draw(st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=4, unique=True))),
    )


def _actions(draw, mark: str, site: Site) -> tuple[Action, ...]:
    return tuple(Action(_text(draw, mark, capital=True), draw(st.sampled_from(site.groups)), _date(draw),
                        draw(st.sampled_from(STATUSES)))
                 for _ in range(draw(st.integers(0, 2))))


def _item(draw, kind: str, mark: str, site: Site, others: list[Item], shared: list[Fact]) -> tuple[
        Item, list[Fact], list[Asset]]:
    """A new item of kind, with the facts and assets only it has; it may refer to
    the others and use or chart the shared facts (those no single item owns)."""
    classification = draw(st.sampled_from(MARKINGS))
    threats = [o.marker for o in others if o.kind == "threat"]
    own_facts, own_assets, fields = [], [], {}
    if draw(st.booleans()):
        name = f"{mark}-{draw(st.sampled_from(('note.txt', 'picture.png')))}"
        own_assets.append(Asset(name, png(mark) if name.endswith(".png") else f"Notes {mark}\n".encode(), mark))
    item = Item(
        kind=kind, marker=mark, id=f"{draw(st.sampled_from(WORDS))}-{mark}", title=_text(draw, mark, capital=True),
        classification=classification, draft=draw(st.sampled_from((False, False, False, True))),
        summary=_text(draw, mark, capital=True) if draw(st.booleans()) else "",
        owner=draw(st.sampled_from(("",) + site.groups)),
        body=tuple(_text(draw, mark, 3, 10, capital=True) + "." for _ in range(draw(st.integers(1, 3)))),
        links=_some(draw, [o.marker for o in others]), assets=tuple(a.name for a in own_assets),
        aliases=(f"old-{mark}",) if draw(st.integers(0, 3)) == 3 else (),
    )
    if kind == "threat":
        if draw(st.booleans()):
            own_facts.append(Fact(f"fact-{mark}", f"{draw(st.integers(1, 99))}%", _text(draw, mark),
                                  _text(draw, mark, 1, 3), 2015, classification, mark))
        fields = {"trend": draw(st.sampled_from(TRENDS)), "objectives": list(_some(draw, OBJECTIVES, 3)),
                  "signs": [_text(draw, mark)], "at_risk": [_text(draw, mark)]}
        item = replace(item, facts=tuple(f.id for f in own_facts) + _some(draw, [f.id for f in shared], 1))
    elif kind == "case-study":
        fields = {"date": _date(draw), "objectives": list(_some(draw, OBJECTIVES)), "lessons": [_text(draw, mark)]}
        item = replace(item, threats=_some(draw, threats))
    elif kind == "spotlight":
        fields = {"date": _date(draw), "board": draw(st.sampled_from(site.boards)),
                  "presenters": [{"name": _text(draw, mark, 1, 2, capital=True),
                                  "organisation": _text(draw, mark, 1, 2, capital=True)}]}
        item = replace(item, threats=_some(draw, threats), actions=_actions(draw, mark, site))
    elif kind == "report":
        fields = {"to": draw(st.sampled_from(site.boards)), "on": _date(draw), "report_by": _text(draw, mark),
                  "author": {"name": _text(draw, mark, 1, 2, capital=True), "role": _text(draw, mark, 1, 2)},
                  "implications": {heading: _text(draw, mark) for heading in _some(draw, site.implications)}}
        # Published already, or from a day after the build's.
        days = draw(st.sampled_from((None, None, -3, 0, 1)))
        if days is not None:
            fields["publish_from"] = BUILT_ON + dt.timedelta(days=days)
        appendices = _some(draw, [o.marker for o in others if o.kind != "meeting"])
        if own_assets and draw(st.booleans()):
            appendices += (f"assets/{own_assets[0].name}",)
        # A paper may be published with an appendix that is not; never another paper, whose agenda
        # line would then be its own.
        kinds = {o.marker: o.kind for o in others}
        exempt_appendices = tuple((a, draw(st.integers(1, 15))) for a in appendices
                                  if (a.startswith("assets/") or kinds.get(a, "report") != "report")
                                  and draw(st.integers(0, 2)) == 2)
        # An exempt asset is not also linked from the text, so that the file, if a public
        # build copied it, would be found there (`Project.withheld_assets`).
        withheld = {a.removeprefix("assets/") for a, _ in exempt_appendices}
        item = replace(item, assets=tuple(name for name in item.assets if name not in withheld))
        item = replace(item, exempt=draw(st.integers(1, 15)) if draw(st.integers(0, 3)) == 3 else None,
                       threats=_some(draw, threats), actions=_actions(draw, mark, site), appendices=appendices,
                       exempt_appendices=exempt_appendices,
                       charts=_some(draw, [f.id for f in shared]))
    elif kind == "meeting":
        fields = {"board": draw(st.sampled_from(site.boards)), "date": _date(draw), "time": "10:00",
                  "venue": _text(draw, mark, capital=True)}
        free = [AgendaEntry(title=_text(draw, mark, 1, 3, capital=True), note=_text(draw, mark))
                for _ in range(draw(st.integers(0, 2)))]
        papers = [AgendaEntry(report=m, note=_text(draw, m) if draw(st.booleans()) else "")
                  for m in _some(draw, [o.marker for o in others if o.kind == "report"], 3)]
        item = replace(item, agenda=tuple(draw(st.permutations(free + papers))))
    return replace(item, fields=fields), own_facts, own_assets


@st.composite
def projects(draw, max_items: int = 8) -> Project:
    """A valid project of up to max_items items of random kinds, markings,
    drafts and exempt papers, with facts, assets, links, actions and meetings
    whose agendas hold papers (each paper on one agenda at most) and free items."""
    site = draw(sites())
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=max_items))
    kinds.sort(key=KINDS.index)  # meetings last, so that they can name the papers
    shared = [Fact(f"fact-{marker(n)}", str(draw(st.integers(1, 999))), _text(draw, marker(n)),
                   _text(draw, marker(n), 1, 3), draw(st.integers(2010, 2016)), draw(st.sampled_from(MARKINGS)),
                   marker(n))
              for n in range(draw(st.integers(0, 2)))]  # facts no single item owns, each with its own marker
    issued = len(shared)
    items, facts, assets, on_an_agenda = [], list(shared), [], set()
    for kind in kinds:
        item, own_facts, own_assets = _item(draw, kind, marker(issued), site, items, shared)
        issued += 1
        if kind == "meeting":  # a paper goes on one agenda at most
            entries = tuple(e for e in item.agenda if e.report not in on_an_agenda)
            on_an_agenda |= {e.report for e in entries}
            item = replace(item, agenda=entries)
        items.append(item)
        facts += own_facts
        assets += own_assets
    # Links may go to any other item, later ones too.
    items = [replace(item, links=_some(draw, [o.marker for o in items if o is not item])) for item in items]
    # A meeting may put the minutes of an earlier meeting of its board up for approval,
    # titled after that meeting (which may be one a build leaves out).
    meetings = [i for i in items if i.kind == "meeting"]
    for index, meeting in enumerate(meetings):
        earlier = [m.marker for m in meetings if m.fields["board"] == meeting.fields["board"]
                   and m.fields["date"] < meeting.fields["date"]]
        if earlier and draw(st.booleans()):
            approval = AgendaEntry(minutes=draw(st.sampled_from(earlier)))
            meetings[index] = replace(meeting, agenda=meeting.agenda + (approval,))
    items = [next((m for m in meetings if m.marker == i.marker), i) for i in items]
    for meeting in [i for i in items if i.kind == "meeting" and not i.draft and i.fields["date"] <= MINUTED_BY]:
        if draw(st.booleans()):
            mark = marker(issued)
            issued += 1
            items.append(Item(kind="minutes", marker=mark, id=meeting.id, title=_text(draw, mark, capital=True),
                              classification=draw(st.sampled_from(MARKINGS)),
                              draft=draw(st.sampled_from((False, False, True))), minutes_of=meeting.marker))
    return Project(site, tuple(items), tuple(facts), tuple(assets), issued)


# Edits ------------------------------------------------------------------------

@dataclass(frozen=True)
class Edit:
    """One change an author might make, and the project after it."""

    what: str
    marker: str  # of the item (or fact) it changed
    project: Project

    def __str__(self) -> str:
        return f"{self.what} ({self.marker})"


def _replace_item(project: Project, item: Item, **changes) -> Project:
    return replace(project, items=tuple(replace(i, **changes) if i is item else i for i in project.items))


@st.composite
def edits(draw, project: Project) -> Edit:
    """A random edit of the project: change a marking or an exempt paragraph,
    toggle a draft, edit a title, summary or body, rename a file, add or remove
    an item, change an action, a fact or an asset."""
    choices = ["add"]
    if project.items:
        choices += ["marking", "draft", "title", "summary", "body", "rename", "remove"]
    if any(item.actions for item in project.items):
        choices.append("action")
    if project.facts:
        choices.append("fact")
    if project.assets:
        choices.append("asset")
    what = draw(st.sampled_from(choices))
    if what == "add":
        kind = draw(st.sampled_from(KINDS))
        shared = [f for f in project.facts if project.item(f.marker) is None]
        item, own_facts, own_assets = _item(draw, kind, marker(project.issued), project.site, list(project.items),
                                            shared)
        taken = {entry.report for i in project.items for entry in i.agenda}
        item = replace(item, agenda=tuple(e for e in item.agenda if e.report not in taken))
        return Edit(f"add a {kind}", item.marker, replace(
            project, items=project.items + (item,), facts=project.facts + tuple(own_facts),
            assets=project.assets + tuple(own_assets), issued=project.issued + 1))
    if what == "fact":
        fact = draw(st.sampled_from(project.facts))
        changed = replace(fact, value=str(draw(st.integers(1, 999))), label=_text(draw, fact.marker))
        return Edit("change a fact", fact.marker, replace(
            project, facts=tuple(changed if f is fact else f for f in project.facts)))
    if what == "asset":
        asset = draw(st.sampled_from(project.assets))
        data = png(f"{asset.marker} {draw(st.integers())}") if asset.name.endswith(".png") else \
            f"Notes {asset.marker} {draw(st.sampled_from(WORDS))}\n".encode()
        return Edit("change an asset", asset.marker, replace(
            project, assets=tuple(replace(a, data=data) if a is asset else a for a in project.assets)))
    item = draw(st.sampled_from([i for i in project.items if what != "action" or i.actions]))
    mark = item.marker
    if what == "marking":
        if item.kind == "report" and draw(st.booleans()):
            exempt = None if item.exempt and draw(st.booleans()) else \
                draw(st.integers(1, 15).filter(lambda n: n != item.exempt))
            return Edit("change the exempt paragraph", mark, _replace_item(project, item, exempt=exempt))
        marking = draw(st.sampled_from([m for m in MARKINGS if m != item.classification]))
        owned = {f.id for f in project.facts if f.marker == mark}
        facts = tuple(replace(f, classification=marking) if f.id in owned else f for f in project.facts)
        return Edit("change the marking", mark, replace(_replace_item(project, item, classification=marking),
                                                        facts=facts))
    if what == "draft":
        return Edit("toggle draft", mark, _replace_item(project, item, draft=not item.draft))
    if what == "title":
        return Edit("edit the title", mark, _replace_item(project, item, title=_text(draw, mark, capital=True)))
    if what == "summary":
        return Edit("edit the summary", mark, _replace_item(project, item, summary=_text(draw, mark, capital=True)))
    if what == "body":
        paragraph = _text(draw, mark, 3, 10, capital=True) + "."
        return Edit("edit the body", mark, _replace_item(project, item, body=item.body[1:] + (paragraph,)))
    if what == "rename":
        if item.kind == "minutes":  # minutes are named after their meeting: rename that
            item = project.item(item.minutes_of)
            mark = item.marker
        taken = {i.id for i in project.items if i.kind == item.kind}
        new_id = draw(st.sampled_from(WORDS).map(lambda word: f"{word}-{mark}")
                      .filter(lambda i: i not in taken and i not in item.aliases))
        # A renamed item keeps its old address, as an author is told to; its minutes share its id.
        renamed = replace(project, items=tuple(
            replace(i, id=new_id, aliases=i.aliases + (i.id,)) if i is item
            else replace(i, id=new_id) if i.minutes_of == mark else i for i in project.items))
        return Edit("rename the file", mark, renamed)
    if what == "remove":
        return Edit(f"remove a {item.kind}", mark, replace(
            project, items=tuple(i for i in project.items if i is not item and i.minutes_of != mark),
            facts=tuple(f for f in project.facts if f.marker != mark),
            assets=tuple(a for a in project.assets if a.marker != mark)))
    # what == "action"
    number = draw(st.integers(0, len(item.actions) - 1))
    action = item.actions[number]
    changed = draw(st.sampled_from((
        replace(action, status=draw(st.sampled_from([s for s in STATUSES if s != action.status]))),
        replace(action, due=action.due + dt.timedelta(days=draw(st.integers(1, 90)))),
        replace(action, text=_text(draw, mark, capital=True)),
    )))
    actions = item.actions[:number] + (changed,) + item.actions[number + 1:]
    return Edit("change an action", mark, _replace_item(project, item, actions=actions))
