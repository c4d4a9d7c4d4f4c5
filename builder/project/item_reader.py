"""One item from its file: its fields read by its kind's rules (`kinds`), its
body's links and charts checked. Loading the whole project and revising the
items of edited files both make each item here.
"""

from __future__ import annotations

from pathlib import Path

from builder.markdown import body_scan, directives, links
from builder.reading import fields as check
from builder.reading.content_files import ASSETS_FOLDER, SourceFile, why_not_an_asset
from builder.model.errors import Problems
from builder.project.kinds import KINDS, Kind
from builder.model.content import Fact, Item, Link
from builder.model.partnership import Site
from builder.reading.rules import Known, Reading, read_all
from builder.reading.yamlread import LineDict


def known(site: Site, facts: tuple[Fact, ...], paths, unreadable, assets, problems: Problems) -> Known:
    return Known(site, frozenset(fact.id for fact in facts), frozenset(paths), frozenset(unreadable),
                 frozenset(assets), {kind.folder: kind.ending for kind in KINDS}, problems)


def read_item(kind: Kind, source: SourceFile, known: Known) -> Item | None:
    """The item of one file of `kind`'s folder (whose name reading has found to be
    exactly an id and the kind's ending), every problem of it in `known.problems`."""
    if not isinstance(source.data, LineDict):
        known.problems.error(source.path, 1, f"a {kind.name} file must be fields written 'name: value', "
                                             "one per line")
        return None
    item_id = Path(source.path).stem
    fields = check.Fields(source.path, source.data, known.problems, tuple(kind.fields), f"a {kind.name}")
    values = read_all(kind.fields, Reading(fields, known, f"{kind.folder}/{item_id}"))
    _check_directives(source, known)
    _check_body(kind, source, known.problems)
    return kind.model(id=item_id, path=source.path, body=source.body, body_line=source.body_line,
                      links=_body_links(source, known), field_lines=tuple(source.data.key_lines.items()),
                      **values)


def _body_links(source: SourceFile, known: Known) -> tuple[Link, ...]:
    """Every link of the body to another content file, checked to exist."""
    found = []
    problems = known.problems
    for link in source.links:
        if link.is_image and links.is_external(link.target):
            problems.error(
                source.path, link.line, f"the image '{link.target}' is not a file of this project; "
                "save a copy under assets/ and link to that (a page must not load anything from elsewhere)"
            )
            continue
        if not link.target or links.is_external(link.target):
            continue
        try:
            target = links.resolve(source.path, link.target)
        except links.LinkOutside:
            problems.error(
                source.path, link.line, f"the link '{link.target}' leaves the content folder; link to files "
                "inside it with a path relative to this file, such as ../threats/cyber-crime.md"
            )
            continue
        folder = target.split("/", 1)[0]
        is_item = folder in known.endings and target.endswith(known.endings[folder])
        if link.is_image and folder != ASSETS_FOLDER:
            problems.error(source.path, link.line, f"the image '{link.target}' must be a file under assets/")
            continue
        if folder == ASSETS_FOLDER and target not in known.assets:
            problems.error(source.path, link.line,
                           f"'{link.target}' points to {target}, which {why_not_an_asset(target)}")
            continue
        if folder != ASSETS_FOLDER and not is_item:
            problems.error(
                source.path, link.line, f"the link '{link.target}' points to {target}, which is not a content "
                "item or an asset; link to a .md file (or a meeting's .yaml) or a file under assets/"
            )
            continue
        if is_item and target not in known.paths and target not in known.unreadable:
            problems.error(source.path, link.line,
                           f"the link points to {target}, which does not exist; check the file name")
        found.append(Link(link.line, target, link.is_image))
    return tuple(found)


def _check_directives(source: SourceFile, known: Known) -> None:
    for directive in directives.find(source.body):
        line = source.body_line + directive.line
        if directive.kind not in directives.KINDS:
            known.problems.error(source.path, line, f"'::: chart {directive.kind}' is not a chart this tool draws; "
                                                    f"write '::: chart facts <fact id> ...'")
            continue
        if not directive.ids:
            known.problems.error(source.path, line, "the chart names no facts; write '::: chart facts <fact id> ...'")
        for fact_id in directive.ids:
            try:
                known.fact(fact_id)
            except check.Invalid as exc:
                known.problems.error(source.path, line, f"the chart {exc}")


def _check_body(kind: Kind, source: SourceFile, problems: Problems) -> None:
    """Limits that keep rendering quick and shallow; where the body is numbered for
    the author (a board paper), numbers typed by hand."""
    for line, message in body_scan.limit_problems(source.body, source.body_line):
        problems.error(source.path, line, message)
    if kind.numbered:
        for line, message in body_scan.typed_numbers(source.body, source.body_line):
            problems.warn(source.path, line, message)
