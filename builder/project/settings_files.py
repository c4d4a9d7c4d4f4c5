"""site.yaml and facts.yaml: the project's settings and its key facts, validated."""

from __future__ import annotations

import ipaddress
import re

from builder.reading import fields as check
from builder.reading.content_files import SourceFile
from builder.reading.rules import MARKING_BLANK
from builder.reading.yamlread import LineDict, LineList
from builder.model.errors import Problems
from builder.project.kinds import KINDS
from builder.meetings.publication import read_clear_days
from builder.model.content import Fact
from builder.model.partnership import ACCESS_METHODS, Access, Board, Contact, Group, Site

SITE_FIELDS = ("title", "organisation", "classification", "boards", "groups", "contacts", "implications", "url",
               "logo", "accent", "review_months", "access", "clear_days")
# The fields of `access` that each method takes.
ACCESS_FIELDS = {"basic": ("method", "password_file", "realm"),
                 "networks": ("method", "networks"),
                 "proxy-header": ("method", "proxy", "header")}


def read_site(source: SourceFile | None, problems: Problems) -> Site:
    if source is None or not isinstance(source.data, LineDict):
        if source is not None:
            problems.error("site.yaml", 1, "site.yaml must be fields written 'name: value', one per line")
        return Site(title="", organisation="", classification="OFFICIAL")
    fields = check.Fields("site.yaml", source.data, problems, SITE_FIELDS, "site.yaml")
    boards, groups = [], []
    for key, make in (("boards", Board), ("groups", Group)):
        section = fields.mapping(key) or LineDict()
        for entry_id, entry in section.items():
            line = section.line_of(entry_id)
            try:
                check.slug(entry_id)
            except check.Invalid as exc:
                problems.error("site.yaml", line, f"the {key[:-1]} id {exc}")
                continue
            if key == "groups" and entry_id == "index":
                # A group's plan is actions/<id>.html, beside the whole plan's actions/index.html.
                problems.error("site.yaml", line, "the group id 'index' is the address of the whole action plan; "
                                                  "choose another id for this group")
                continue
            if not isinstance(entry, LineDict):
                problems.error("site.yaml", line, f"{key[:-1]} '{entry_id}' must have fields, such as '{entry_id}: {{name: ...}}'")
                continue
            allowed = ("name",) if key == "boards" else ("name", "remit")
            entry_fields = check.Fields("site.yaml", entry, problems, allowed, f"{key[:-1]} '{entry_id}'")
            values = {name: entry_fields.get(name, check.text, required=name == "name", default="") for name in allowed}
            (boards if key == "boards" else groups).append(make(id=entry_id, **values))
    contacts = []
    for entry in fields.mappings("contacts"):
        allowed = ("name", "role", "phone", "email", "note")
        contact = check.Fields("site.yaml", entry, problems, allowed, "a contact")
        contacts.append(Contact(**{name: contact.get(name, check.text, required=name == "name", default="") for name in allowed}))
    implications = fields.get_list("implications", check.text)
    review_months = []
    periods = fields.mapping("review_months") or LineDict()
    reviewed = [kind.name for kind in KINDS if kind.reviewed]
    for kind, months in periods.items():
        line = periods.line_of(kind)
        if kind not in reviewed:
            problems.error("site.yaml", line, f"review_months: '{kind}' is not a kind that is reviewed; "
                                              f"use {', '.join(reviewed)}")
            continue
        try:
            review_months.append((kind, check.whole_number(1, 120)(months)))
        except check.Invalid as exc:
            problems.error("site.yaml", line, f"review_months: '{kind}' {exc}")
    accent = fields.get("accent", check.colour, default="")
    if accent and check.contrast(accent, "#ffffff") < 4.5:
        problems.warn("site.yaml", fields.line("accent"), f"the accent colour {accent} has a contrast of "
                      f"{check.contrast(accent, '#ffffff'):.1f}:1 with white text; WCAG AA needs 4.5:1, so choose a darker colour")
    url = fields.get("url", check.web_address, default="")
    fields.refuse_blank("classification", "write OFFICIAL or OFFICIAL-SENSITIVE, or remove the line for OFFICIAL")
    return Site(
        title=fields.get("title", check.text, required=True, default=""),
        organisation=fields.get("organisation", check.text, default=""),
        classification=fields.get("classification", check.marking, default="OFFICIAL"),
        boards=tuple(boards),
        groups=tuple(groups),
        contacts=tuple(contacts),
        implications=implications,
        url=url,
        logo=fields.get("logo", check.text, default=""),
        accent=accent,
        review_months=tuple(review_months),
        access=read_access(fields.mapping("access"), fields.line("access"), url, problems),
        clear_days=read_clear_days(fields.mapping("clear_days"), problems),
    )


# What is written into server configuration is checked here, so that no value
# can end a directive or start another one.
_SERVER_PATH = re.compile(r"(?:/|[A-Za-z]:/)[A-Za-z0-9._+@~/-]*[A-Za-z0-9._+@~-]", re.ASCII)
_REALM = re.compile(r"[A-Za-z0-9 .,:;()'&/-]{1,100}", re.ASCII)
_HEADER = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", re.ASCII)


def read_access(section: LineDict | None, line: int, url: str, problems: Problems) -> Access | None:
    """site.yaml's `access` (at `line`): who may read the internal site once it is served."""
    if section is None:
        return None
    method_value = section.get("method")
    where = section.line_of("method") if "method" in section else line
    if method_value is None:
        problems.error("site.yaml", where, f"'access' needs a 'method': one of {', '.join(ACCESS_METHODS)}")
        return None
    try:
        method = check.choice(ACCESS_METHODS)(method_value)
    except check.Invalid as exc:
        problems.error("site.yaml", where, f"'method' {exc}")
        return None
    fields = check.Fields("site.yaml", section, problems, ACCESS_FIELDS[method], f"access with method {method}")
    if method == "basic":
        if url.startswith("http://"):
            problems.error("site.yaml", where, "method basic sends each reader's password with every request, so "
                           "the site must be served over https: make url an https:// address")
        return Access(method, password_file=fields.get("password_file", _server_path, required=True, default=""),
                      realm=fields.get("realm", _realm, default=""))
    if method == "networks":
        return Access(method, networks=_required_list(fields, "networks", _network, "'- 10.20.0.0/16'"))
    return Access(method, proxies=_required_list(fields, "proxy", _address, "'proxy: 10.20.1.5'"),
                  header=fields.get("header", _header_name, required=True, default=""))


def _required_list(fields: check.Fields, key: str, read_value, example: str) -> tuple:
    if fields.data.get(key) in (None, [], ""):
        where = "is empty" if key in fields.data else "is missing"
        fields.problems.error(fields.path, fields.line(key), f"'{key}' {where}: {fields.what} needs it, "
                              f"such as {example}")
        return ()
    return fields.get_list(key, read_value)


def _matching(pattern: re.Pattern, wanted: str):
    """A check that the text is written as `pattern` says; `wanted` says how, for the message."""
    def matching(value: object) -> str:
        result = check.text(value)
        if not pattern.fullmatch(result):
            raise check.Invalid(f"must be {wanted}; not '{check.visible(result)}'")
        return result

    return matching


_server_path = _matching(_SERVER_PATH, "the full path of the password file on the web server, such as "
                                       "/etc/nginx/briefing.htpasswd, in letters, digits and . _ - / only")
_realm = _matching(_REALM, "a short name for the browser's password box (at most 100 letters, digits, spaces "
                           "and . , : ; ( ) ' & / -)")


def _network(value: object) -> str:
    written = check.text(value)
    try:
        network = ipaddress.ip_network(written, strict=False)
    except ValueError:
        raise check.Invalid(f"must be a network such as 10.20.0.0/16, or one address such as 10.20.1.5; "
                        f"not '{check.visible(written)}'") from None
    if network.prefixlen == 0:
        raise check.Invalid(f"'{written}' lets every address in: list only your organisation's networks")
    if network.network_address != ipaddress.ip_address(written.split("/")[0]):
        raise check.Invalid(f"'{written}' is not the start of a network: write {network}")
    return str(network)


def _address(value: object) -> str:
    written = check.text(value)
    try:
        return str(ipaddress.ip_address(written))
    except ValueError:
        raise check.Invalid(f"must be the proxy's IP address, such as 10.20.1.5, not '{check.visible(written)}'") from None


def _header_name(value: object) -> str:
    result = check.text(value)
    if not _HEADER.fullmatch(result):
        raise check.Invalid(f"must be a header name such as X-Remote-User (letters, digits and -), not "
                        f"'{check.visible(result)}'")
    return result


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
        fields = check.Fields("facts.yaml", entry, problems, allowed, "a fact")
        fact_id = fields.get("id", check.slug, required=True)
        if fact_id in seen:
            problems.error("facts.yaml", fields.line("id"), f"fact id '{fact_id}' is used twice (first on line {seen[fact_id]}); ids must be unique")
            continue
        if fact_id is None:
            continue
        seen[fact_id] = fields.line("id")
        fields.refuse_blank("classification", MARKING_BLANK)
        facts.append(
            Fact(
                id=fact_id,
                value=fields.get("value", check.text, required=True, default=""),
                label=fields.get("label", check.text, required=True, default=""),
                source=fields.get("source", check.text, required=True, default=""),
                year=fields.get("year", check.whole_number(1900, 2100)),
                classification=fields.get("classification", check.marking, default=site.classification),
            )
        )
    return tuple(facts)
