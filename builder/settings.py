"""site.yaml and facts.yaml: the project's settings and its key facts, validated."""

from __future__ import annotations

from builder import fields as f
from builder.content import LineDict, LineList, SourceFile
from builder.errors import Problems
from builder.model import Board, Contact, Fact, Group, Site

SITE_FIELDS = ("title", "organisation", "classification", "boards", "groups", "contacts", "implications", "url",
               "logo", "accent", "review_months")
REVIEWED_KINDS = ("threat", "case-study", "page")


def read_site(source: SourceFile | None, problems: Problems) -> Site:
    if source is None or not isinstance(source.data, LineDict):
        if source is not None:
            problems.error("site.yaml", 1, "site.yaml must be fields written 'name: value', one per line")
        return Site(title="", organisation="", classification="OFFICIAL")
    fields = f.Fields("site.yaml", source.data, problems, SITE_FIELDS, "site.yaml")
    boards, groups = [], []
    for key, make in (("boards", Board), ("groups", Group)):
        section = fields.mapping(key) or LineDict()
        for entry_id, entry in section.items():
            line = section.line_of(entry_id)
            try:
                f.slug(entry_id)
            except f.Invalid as exc:
                problems.error("site.yaml", line, f"the {key[:-1]} id {exc}")
                continue
            if not isinstance(entry, LineDict):
                problems.error("site.yaml", line, f"{key[:-1]} '{entry_id}' must have fields, such as '{entry_id}: {{name: ...}}'")
                continue
            allowed = ("name",) if key == "boards" else ("name", "remit")
            entry_fields = f.Fields("site.yaml", entry, problems, allowed, f"{key[:-1]} '{entry_id}'")
            values = {name: entry_fields.get(name, f.text, required=name == "name", default="") for name in allowed}
            (boards if key == "boards" else groups).append(make(id=entry_id, **values))
    contacts = []
    for entry in fields.mappings("contacts"):
        allowed = ("name", "role", "phone", "email", "note")
        contact = f.Fields("site.yaml", entry, problems, allowed, "a contact")
        contacts.append(Contact(**{name: contact.get(name, f.text, required=name == "name", default="") for name in allowed}))
    implications = fields.get_list("implications", f.text)
    review_months = []
    periods = fields.mapping("review_months") or LineDict()
    for kind, months in periods.items():
        line = periods.line_of(kind)
        if kind not in REVIEWED_KINDS:
            problems.error("site.yaml", line, f"review_months: '{kind}' is not a kind that is reviewed; "
                                              f"use {', '.join(REVIEWED_KINDS)}")
            continue
        try:
            review_months.append((kind, f.whole_number(1, 120)(months)))
        except f.Invalid as exc:
            problems.error("site.yaml", line, f"review_months: '{kind}' {exc}")
    accent = fields.get("accent", f.colour, default="")
    if accent and f.contrast(accent, "#ffffff") < 4.5:
        problems.warn("site.yaml", fields.line("accent"), f"the accent colour {accent} has a contrast of "
                      f"{f.contrast(accent, '#ffffff'):.1f}:1 with white text; WCAG AA needs 4.5:1, so choose a darker colour")
    return Site(
        title=fields.get("title", f.text, required=True, default=""),
        organisation=fields.get("organisation", f.text, default=""),
        classification=fields.get("classification", f.marking, default="OFFICIAL"),
        boards=tuple(boards),
        groups=tuple(groups),
        contacts=tuple(contacts),
        implications=implications,
        url=fields.get("url", f.web_address, default=""),
        logo=fields.get("logo", f.text, default=""),
        accent=accent,
        review_months=tuple(review_months),
    )


def read_facts(source: SourceFile | None, site: Site, problems: Problems) -> tuple[Fact, ...]:
    if source is None or source.data is None:
        return ()
    if not isinstance(source.data, LineList):
        problems.error("facts.yaml", 1, "facts.yaml must be a list of facts, each starting '- id: ...'")
        return ()
    facts, seen = [], {}
    for entry, line in zip(source.data, source.data.item_lines):
        if not isinstance(entry, LineDict):
            problems.error("facts.yaml", line, "each fact must be a group of fields: id, value, label, source, year")
            continue
        allowed = ("id", "value", "label", "source", "year", "classification")
        fields = f.Fields("facts.yaml", entry, problems, allowed, "a fact")
        fact_id = fields.get("id", f.slug, required=True)
        if fact_id in seen:
            problems.error("facts.yaml", fields.line("id"), f"fact id '{fact_id}' is used twice (first on line {seen[fact_id]}); ids must be unique")
            continue
        if fact_id is None:
            continue
        seen[fact_id] = fields.line("id")
        facts.append(
            Fact(
                id=fact_id,
                value=fields.get("value", f.text, required=True, default=""),
                label=fields.get("label", f.text, required=True, default=""),
                source=fields.get("source", f.text, required=True, default=""),
                year=fields.get("year", f.whole_number(1900, 2100)),
                classification=fields.get("classification", f.marking, default=site.classification),
            )
        )
    return tuple(facts)
