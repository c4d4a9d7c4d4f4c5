"""Files for other programs: the action plan as CSV, meetings as iCalendar, an Atom
feed, a sitemap, the model as JSON, each board's decisions log as CSV and JSON
(one decision a row, newest meeting first, as its page lists them); and the
stylesheet of site.yaml's colour.

Each is a pure function of the profile-selected model, so none can hold an item
the profile left out; a decision withheld there prints only the line every
listing prints.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING
from xml.etree import ElementTree as etree

from builder.model.content import Item, Meeting, highest_marking
from builder.model.project import Project
from builder.model.paths import decisions_path, page_path
from builder.plan.minutes_views import DecisionRow, MinutesViews
from builder.project.kinds import date_of, kind_of

if TYPE_CHECKING:
    import icalendar

COLUMNS = ("meeting", "date", "item", "business", "paper", "outcome", "decision", "minutes", "marking")


def _record(row: DecisionRow) -> dict:
    minute = row.row
    return {"meeting": row.meeting.id, "date": row.date.isoformat() if row.date else "", "item": minute.number,
            "business": minute.title, "paper": minute.entry.report.id if minute.entry.report else "",
            "outcome": "" if minute.withheld else minute.decision.outcome,
            "decision": minute.withheld or minute.decision.text, "minutes": page_path(row.minutes),
            "marking": row.marking}


def decisions_csv(rows: tuple[DecisionRow, ...]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([csv_cell(str(value)) for value in _record(row).values()])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def decisions_json(rows: tuple[DecisionRow, ...]) -> bytes:
    return (json.dumps([_record(row) for row in rows], ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def decision_files(project: Project) -> dict[str, Callable[[], bytes]]:
    """Each board's decisions as files, by name, each made only when called for."""
    minutes = MinutesViews(project)
    files = {}
    for board in project.site.boards:
        files[decisions_path(board.id, "csv")] = lambda board=board: decisions_csv(minutes.decisions(board.id))
        files[decisions_path(board.id, "json")] = lambda board=board: decisions_json(minutes.decisions(board.id))
    return files


ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Identifiers stay the same from build to build: derived from the item, not random.
_NAMESPACE = uuid.UUID("6f1c3a52-7d0e-4b8e-9a51-2b6f0c1d9e47")
MEETING_HOURS = 2
_ICS_CLASS = {"OFFICIAL": "PRIVATE", "OFFICIAL-SENSITIVE": "CONFIDENTIAL"}


def stable_id(key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, key))


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV
# injection"): `=HYPERLINK(...)` pasted into an action would run when the plan is opened.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """A cell a spreadsheet shows as text, as OWASP's CSV-injection guidance says: one
    that starts like a formula gets a leading apostrophe (and the writer quotes every cell)."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def actions_csv(project: Project, today: dt.date) -> bytes:
    """One action a line, for the groups' spreadsheets. The byte-order mark lets
    Excel read UTF-8 (names with accents) correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(["action", "origin", "origin_title", "owner", "owner_group", "due", "status", "overdue",
                     "marking"])
    for action in sorted(project.actions, key=lambda a: (a.owner, a.due, a.action)):
        origin = project.by_key[action.origin]
        writer.writerow([csv_cell(cell) for cell in (
            action.action, origin.key, origin.title, action.owner, project.site.group(action.owner).name,
            action.due.isoformat(), action.status, "yes" if action.is_overdue(today) else "no",
            action.classification,
        )])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _meeting_event(project: Project, meeting: Meeting) -> icalendar.Event:
    import icalendar

    hour, minute = (int(x) for x in (meeting.time or "09:00").split(":"))
    start = dt.datetime.combine(meeting.date, dt.time(hour, minute))
    end = start + dt.timedelta(hours=MEETING_HOURS)
    agenda = project.agenda(meeting)
    lines_of_agenda = [f"{entry.number}. " + ". ".join(filter(None, (
        entry.report.title if entry.report else entry.item.title, None if entry.report else entry.item.withheld,
        entry.item.urgent_reason and f"Urgent item: {entry.item.urgent_reason}"))) for entry in agenda]
    # Each line shows its paper, or what its title names (an approval: the approved meeting).
    marking = highest_marking([meeting.classification] + [e.report.classification if e.report
                                                           else e.item.classification for e in agenda])
    updated = meeting.updated or meeting.date
    event = icalendar.Event()
    event.add("uid", f"{stable_id(meeting.key)}@briefing")
    event.add("dtstamp", dt.datetime(updated.year, updated.month, updated.day, tzinfo=dt.timezone.utc))
    # Floating local times: a Scottish board meets at 10:00 local time, winter or summer.
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", meeting.title)
    # Calendars know only PUBLIC, PRIVATE and CONFIDENTIAL; the marking itself follows.
    event.add("class", _ICS_CLASS[marking] if project.profile == "internal" else "PUBLIC")
    event.add("x-briefing-marking", icalendar.vText(marking))
    if meeting.venue:
        event.add("location", meeting.venue)
    event.add("description", "\n".join(lines_of_agenda))
    if project.site.url:
        event.add("url", icalendar.vUri(f"{project.site.url}{page_path(meeting)}"))
    return event


def meetings_ics(project: Project) -> bytes:
    """The meetings as iCalendar, written by the `icalendar` library: every text is
    escaped (a line break in a venue cannot start a property of its own) and long
    lines are folded as RFC 5545 says. (The library is loaded here, when the file is
    written: `check` and a build that reuses the file never load it.)"""
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//briefing//meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # An X- property is written as given unless it is typed as text, which escapes it.
    calendar.add("x-wr-calname", icalendar.vText(f"{project.site.title} meetings"))
    for meeting in sorted(project.meetings, key=lambda m: (m.date, m.id)):
        calendar.add_component(_meeting_event(project, meeting))
    return calendar.to_ical()


def _published(item: Item) -> dt.date:
    return date_of(item) or item.updated or dt.date(1970, 1, 1)


def _link(project: Project, path: str) -> str:
    return f"{project.site.url}{path}" if project.site.url else path


def atom_feed(project: Project) -> bytes:
    """New board papers and spotlight sessions, newest first."""
    items = sorted(project.reports + project.spotlights, key=lambda i: (_published(i), i.key), reverse=True)
    etree.register_namespace("", ATOM)
    feed = etree.Element(f"{{{ATOM}}}feed")
    etree.SubElement(feed, f"{{{ATOM}}}title").text = f"{project.site.title}: board papers and spotlight sessions"
    etree.SubElement(feed, f"{{{ATOM}}}id").text = f"urn:uuid:{stable_id('feed:' + project.site.title)}"
    newest = max((_published(i) for i in items), default=dt.date(1970, 1, 1))
    etree.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest.isoformat()}T00:00:00Z"
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    etree.SubElement(author, f"{{{ATOM}}}name").text = project.site.organisation or project.site.title
    etree.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": _link(project, "feed.xml")})
    for item in items:
        entry = etree.SubElement(feed, f"{{{ATOM}}}entry")
        etree.SubElement(entry, f"{{{ATOM}}}title").text = f"{kind_of(item).label}: {item.title}"
        etree.SubElement(entry, f"{{{ATOM}}}id").text = f"urn:uuid:{stable_id(item.key)}"
        etree.SubElement(entry, f"{{{ATOM}}}updated").text = f"{(item.updated or _published(item)).isoformat()}T00:00:00Z"
        etree.SubElement(entry, f"{{{ATOM}}}published").text = f"{_published(item).isoformat()}T00:00:00Z"
        etree.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html",
                                                    "href": _link(project, page_path(item))})
        etree.SubElement(entry, f"{{{ATOM}}}category", {"term": item.classification,
                                                        "scheme": "urn:briefing:marking"})
        if item.summary:
            etree.SubElement(entry, f"{{{ATOM}}}summary").text = item.summary
    return etree.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def sitemap(project: Project, pages: list[str]) -> bytes:
    etree.register_namespace("", SITEMAP)
    urlset = etree.Element(f"{{{SITEMAP}}}urlset")
    for path in sorted(pages):
        etree.SubElement(etree.SubElement(urlset, f"{{{SITEMAP}}}url"), f"{{{SITEMAP}}}loc").text = \
            project.site.url + path
    return etree.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"


def _item_record(project: Project, item: Item) -> dict:
    """What every item has, then what its kind exports (`Kind.exported`)."""
    record = {"id": item.id, "kind": item.kind, "title": item.title, "classification": item.classification,
              "summary": item.summary, "url": page_path(item),
              "updated": item.updated.isoformat() if item.updated else None}
    kind = kind_of(item)
    for name in kind.exported:
        value = getattr(item, name)
        if name == kind.date_field:
            if value is not None:
                record[name] = value.isoformat()
        elif name == "actions":
            record[name] = [{"action": a.action, "owner": a.owner, "due": a.due.isoformat(), "status": a.status,
                             "classification": a.classification} for a in value]
        elif name == "items":  # a meeting's agenda, as this build shows it
            record[name] = [_agenda_record(e) for e in project.agenda(item)]
        else:
            record[name] = value
    return record


def _agenda_record(entry) -> dict:
    if entry.report:
        record = {"number": entry.number, "report": entry.report.id, "classification": entry.report.classification}
    else:
        record = {"number": entry.number, "title": entry.item.title}
        if entry.item.withheld:
            record["withheld"] = entry.item.withheld
    # The Chair's reason for taking a late item, as the agenda prints it.
    if entry.item.urgent_reason:
        record["urgent_reason"] = entry.item.urgent_reason
    return record


def content_json(project: Project) -> bytes:
    """The model as the chosen profile shows it, for other systems."""
    data = {
        "site": {"title": project.site.title, "organisation": project.site.organisation,
                 "profile": project.profile},
        "boards": [{"id": b.id, "name": b.name} for b in project.site.boards],
        "groups": [{"id": g.id, "name": g.name, "remit": g.remit} for g in project.site.groups],
        "facts": [{"id": f.id, "value": f.value, "label": f.label, "source": f.source, "year": f.year,
                   "classification": f.classification} for f in project.facts],
        "items": [_item_record(project, item) for item in project.items],
    }
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


ACCENT_STYLESHEET = "static/accent.css"


def accent_stylesheet(project: Project) -> bytes:
    """The colour from site.yaml as a stylesheet: the pages' Content-Security-Policy
    allows no inline style. `fields.colour` let only #rrggbb through."""
    return f":root {{ --colour-accent: {project.site.accent}; }}\n".encode("ascii")


def exports(project: Project, today: dt.date, pages: list[str]) -> dict[str, Callable[[], bytes]]:
    """Every export file by name, each made only when called for. A sitemap needs
    absolute addresses, so there is one only when site.yaml gives `url`. None of
    them shows an item's text: an edit to the text leaves them as they are."""
    files = {
        "actions.csv": lambda: actions_csv(project, today),
        "meetings.ics": lambda: meetings_ics(project),
        "feed.xml": lambda: atom_feed(project),
        "content.json": lambda: content_json(project),
    }
    if project.site.url:
        files["sitemap.xml"] = lambda: sitemap(project, pages)
    if project.site.accent:
        files[ACCENT_STYLESHEET] = lambda: accent_stylesheet(project)
    return files
