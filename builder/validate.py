"""Turn the files read by `content` into the validated model, or a list of problems.

Every field rule and every cross-reference lives here. The result is either a
complete `Project` or a `ContentError` carrying every problem of the run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from builder import bodyscan, directives, links
from builder import fields as f
from builder.content import (MARKDOWN_KINDS, MEETING_FOLDER, ContentFiles, LineDict, ParseCache, SourceFile,
                             read_content, read_markdown_file)
from builder.assets import check_assets
from builder.errors import Problem, Problems
from builder.model import (
    OBJECTIVES,
    STATUSES,
    TEXT_FIELDS,
    TRENDS,
    Action,
    AgendaItem,
    Appendix,
    Author,
    CaseStudy,
    Link,
    Meeting,
    Page,
    Presenter,
    Project,
    Report,
    Site,
    Spotlight,
    StatusChange,
    Threat,
)
from builder.settings import read_facts, read_site

COMMON_FIELDS = ("title", "classification", "draft", "summary", "updated", "review_by", "owner")
KIND_FIELDS = {
    "threat": ("trend", "objectives", "signs", "at_risk", "facts"),
    "case-study": ("date", "threats", "objectives", "lessons"),
    "spotlight": ("date", "board", "presenters", "threats", "actions"),
    "report": ("to", "on", "report_by", "author", "threats", "exempt", "public_title", "appendices", "actions",
               "implications"),
    "page": (),
}
MEETING_FIELDS = COMMON_FIELDS + ("board", "date", "time", "venue", "items")
KIND_CLASSES = {"threat": Threat, "case-study": CaseStudy, "spotlight": Spotlight, "report": Report, "page": Page}
APPENDIX_FOLDERS = ("threats", "case-studies", "spotlights", "reports", "pages")


@dataclass(frozen=True)
class Reference:
    """An id written in one file that must name an item of some folder."""

    path: str
    line: int
    folder: str
    id: str
    field: str


class _Context:
    """What item validation needs from site.yaml and facts.yaml, and where references go."""

    def __init__(self, site: Site, fact_ids: set[str], problems: Problems):
        self.site = site
        self.fact_ids = fact_ids
        self.problems = problems
        self.references: list[Reference] = []
        self.board_ids = {b.id for b in site.boards}
        self.group_ids = {g.id for g in site.groups}

    def known(self, value: object, ids: set[str], what: str, where: str) -> str:
        word = f.text(value)
        if word not in ids:
            hint = f.nearest(word, ids)
            listed = f"; known {what}s: {', '.join(sorted(ids))}" if ids else f"; {where} defines none yet"
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            raise f.Invalid(f"names {what} '{word}', which is not in {where}{suggestion}{listed}")
        return word

    def board(self, value: object) -> str:
        return self.known(value, self.board_ids, "board", "site.yaml 'boards'")

    def group(self, value: object) -> str:
        return self.known(value, self.group_ids, "group", "site.yaml 'groups'")

    def fact(self, value: object) -> str:
        return self.known(value, self.fact_ids, "fact", "facts.yaml")

    def refer(self, fields: f.Fields, key: str, folder: str) -> tuple[str, ...]:
        ids = fields.get_lines(key, f.text)
        for item_id, line in ids:
            self.references.append(Reference(fields.path, line, folder, item_id, key))
        return tuple(item_id for item_id, _ in ids)


def _history(action: f.Fields, ctx: _Context) -> tuple[StatusChange, ...]:
    changes = []
    for entry in action.mappings("history"):
        change = f.Fields(action.path, entry, ctx.problems, ("date", "status", "note"), "a status change")
        values = (change.get("date", f.date, required=True), change.get("status", f.choice(STATUSES), required=True))
        if None not in values:
            changes.append(StatusChange(*values, note=change.get("note", f.text, default="")))
    ordered = tuple(sorted(changes, key=lambda c: c.date))
    if ordered != tuple(changes):
        ctx.problems.warn(action.path, action.line("history"), "the history is not in date order; it is read "
                                                               "oldest first whatever the order written")
    return ordered


def _actions(fields: f.Fields, origin: str, classification: str, ctx: _Context) -> tuple[Action, ...]:
    actions = []
    for entry in fields.mappings("actions"):
        action = f.Fields(fields.path, entry, ctx.problems, ("action", "owner", "due", "status", "history"),
                          "an action")
        values = (
            action.get("action", f.text, required=True),
            action.get("owner", ctx.group, required=True),
            action.get("due", f.date, required=True),
            action.get("status", f.choice(STATUSES), default="open"),
        )
        history = _history(action, ctx)
        if history and values[3] and history[-1].status != values[3]:
            ctx.problems.warn(fields.path, action.line("status"), f"the status is '{values[3]}' but the latest "
                              f"history entry says '{history[-1].status}'; the history is used for past dates")
        if None not in values:
            actions.append(Action(*values, origin=origin, line=entry.line, history=history,
                                  classification=classification))
    return tuple(actions)


def _presenters(fields: f.Fields, ctx: _Context) -> tuple[Presenter, ...]:
    presenters = []
    for entry in fields.mappings("presenters"):
        presenter = f.Fields(fields.path, entry, ctx.problems, ("name", "organisation"), "a presenter")
        name = presenter.get("name", f.text, required=True)
        if name:
            presenters.append(Presenter(name, presenter.get("organisation", f.text, default="")))
    return tuple(presenters)


def _author(fields: f.Fields, ctx: _Context) -> Author | None:
    entry = fields.mapping("author")
    if entry is None:
        return None
    allowed = ("name", "role", "phone", "email")
    author = f.Fields(fields.path, entry, ctx.problems, allowed, "the author")
    return Author(**{name: author.get(name, f.text, required=name == "name", default="") for name in allowed})


def _implications(fields: f.Fields, ctx: _Context) -> tuple[tuple[str, str], ...]:
    entry = fields.mapping("implications")
    given = {}
    for heading, value in (entry or {}).items():
        line = entry.line_of(heading)
        if heading not in ctx.site.implications:
            hint = f.nearest(str(heading), ctx.site.implications)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            ctx.problems.error(
                fields.path, line, f"implication '{heading}' is not one of the headings in site.yaml 'implications'"
                f"{suggestion}: {', '.join(ctx.site.implications) or 'none are defined'}"
            )
            continue
        try:
            given[heading] = f.text(value)
        except f.Invalid as exc:
            ctx.problems.error(fields.path, line, f"implication '{heading}' {exc}")
    return tuple((heading, given.get(heading, "None")) for heading in ctx.site.implications)


def _body_links(source: SourceFile, assets: set[str], problems: Problems) -> tuple[Link, ...]:
    """Every link of the body to another content file, checked to exist."""
    found = []
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
        is_item = (folder in MARKDOWN_KINDS.values() and target.endswith(".md")) or (
            folder == MEETING_FOLDER and target.endswith(".yaml"))
        if link.is_image and folder != "assets":
            problems.error(source.path, link.line, f"the image '{link.target}' must be a file under assets/")
            continue
        if folder == "assets" and target not in assets:
            problems.error(source.path, link.line, f"'{link.target}' points to {target}, which does not exist; check the file name")
            continue
        if folder != "assets" and not is_item:
            problems.error(
                source.path, link.line, f"the link '{link.target}' points to {target}, which is not a content "
                "item or an asset; link to a .md file (or a meeting's .yaml) or a file under assets/"
            )
            continue
        # Whether a linked item exists is checked once every item is known.
        found.append(Link(link.line, target, link.is_image))
    return tuple(found)


def _check_directives(source: SourceFile, ctx: _Context) -> None:
    for directive in directives.find(source.body):
        line = source.body_line + directive.line
        if directive.kind not in directives.KINDS:
            ctx.problems.error(source.path, line, f"'::: chart {directive.kind}' is not a chart this tool draws; "
                                                  f"write '::: chart facts <fact id> ...'")
            continue
        if not directive.ids:
            ctx.problems.error(source.path, line, "the chart names no facts; write '::: chart facts <fact id> ...'")
        for fact_id in directive.ids:
            try:
                ctx.fact(fact_id)
            except f.Invalid as exc:
                ctx.problems.error(source.path, line, f"the chart {exc}")


def _check_body(kind: str, source: SourceFile, problems: Problems) -> None:
    """Limits that keep rendering quick and shallow; in a board paper, numbers typed by hand."""
    for line, message in bodyscan.limit_problems(source.body, source.body_line):
        problems.error(source.path, line, message)
    if kind == "report":
        for line, message in bodyscan.typed_numbers(source.body, source.body_line):
            problems.warn(source.path, line, message)


def _common(fields: f.Fields, source: SourceFile, item_id: str, ctx: _Context, *, title_required=True) -> dict:
    return dict(
        id=item_id,
        path=source.path,
        title=fields.get("title", f.text, required=title_required, default=""),
        classification=fields.get("classification", f.marking, default=ctx.site.classification),
        draft=fields.get("draft", f.boolean, default=False),
        summary=fields.get("summary", f.text, default=""),
        updated=fields.get("updated", f.date),
        review_by=fields.get("review_by", f.date),
        owner=fields.get("owner", ctx.group),
        field_lines=tuple(fields.data.key_lines.items()),
    )


def _item_id(source: SourceFile) -> str:
    """Reading kept only files whose name is exactly an id and its ending."""
    return Path(source.path).stem


def _item(kind: str, source: SourceFile, ctx: _Context, assets: set[str]):
    item_id = _item_id(source)
    fields = f.Fields(source.path, source.data, ctx.problems, COMMON_FIELDS + KIND_FIELDS[kind], f"a {kind}")
    values = _common(fields, source, item_id, ctx)
    values.update(body=source.body, body_line=source.body_line, links=_body_links(source, assets, ctx.problems))
    _check_directives(source, ctx)
    _check_body(kind, source, ctx.problems)
    origin = f"{MARKDOWN_KINDS[kind]}/{item_id}"
    if kind == "threat":
        values.update(
            trend=fields.get("trend", f.choice(TRENDS), default="uncertain"),
            objectives=fields.get_list("objectives", f.choice(OBJECTIVES)),
            signs=fields.get_list("signs", f.text),
            at_risk=fields.get_list("at_risk", f.text),
            facts=fields.get_list("facts", ctx.fact),
        )
    elif kind == "case-study":
        values.update(
            date=fields.get("date", f.date),
            threats=ctx.refer(fields, "threats", "threats"),
            objectives=fields.get_list("objectives", f.choice(OBJECTIVES)),
            lessons=fields.get_list("lessons", f.text),
        )
    elif kind == "spotlight":
        values.update(
            date=fields.get("date", f.date, required=True),
            board=fields.get("board", ctx.board),
            presenters=_presenters(fields, ctx),
            threats=ctx.refer(fields, "threats", "threats"),
            actions=_actions(fields, origin, values["classification"], ctx),
        )
    elif kind == "report":
        appendices = fields.get_lines("appendices", f.text)
        values.update(
            to=fields.get("to", ctx.board, required=True),
            on=fields.get("on", f.date, required=True),
            report_by=fields.get("report_by", f.text, default=""),
            author=_author(fields, ctx),
            threats=ctx.refer(fields, "threats", "threats"),
            exempt=fields.get("exempt", f.whole_number(1, 15)),
            appendices=tuple(Appendix(target, is_asset=False) for target, _ in appendices),
            actions=_actions(fields, origin, values["classification"], ctx),
            implications=_implications(fields, ctx),
            public_title=fields.get("public_title", f.text, default=""),
        )
        values["appendix_lines"] = tuple(line for _, line in appendices)
    return values


def _meeting(source: SourceFile, ctx: _Context) -> Meeting | None:
    if not isinstance(source.data, LineDict):
        ctx.problems.error(source.path, 1, "a meeting file must be fields written 'name: value', one per line")
        return None
    item_id = _item_id(source)
    fields = f.Fields(source.path, source.data, ctx.problems, MEETING_FIELDS, "a meeting")
    values = _common(fields, source, item_id, ctx, title_required=False)
    board = fields.get("board", ctx.board, required=True)
    meeting_date = fields.get("date", f.date, required=True)
    agenda = []
    for entry in fields.mappings("items"):
        item = f.Fields(source.path, entry, ctx.problems, ("report", "title", "note"), "an agenda item")
        if "report" in entry:
            report_id = item.get("report", f.text)
            if report_id:
                ctx.references.append(Reference(source.path, item.line("report"), "reports", report_id, "report"))
            agenda.append(AgendaItem(report=report_id, note=item.get("note", f.text, default="")))
        else:
            title = item.get("title", f.text, required=True, default="")
            agenda.append(AgendaItem(title=title, note=item.get("note", f.text, default="")))
    if not values["title"] and board and meeting_date:
        values["title"] = f"{ctx.site.board(board).name}, {meeting_date.day} {meeting_date:%B %Y}"
    return Meeting(
        **values,
        board=board or "",
        date=meeting_date,
        time=fields.get("time", f.time, default=""),
        venue=fields.get("venue", f.text, default=""),
        items=tuple(agenda),
    )


def _resolve_appendix(target: str, keys: set[str], assets: set[str]) -> Appendix:
    if target.startswith("assets/"):
        if target not in assets:
            raise f.Invalid(f"'{target}' does not exist; check the file name under assets/")
        return Appendix(target, is_asset=True)
    cleaned = target.removesuffix(".md")
    if "/" in cleaned:
        if cleaned not in keys:
            raise f.Invalid(f"'{target}' is not an item of this project; write it as folder/id, such as case-studies/{Path(cleaned).name}")
        return Appendix(cleaned, is_asset=False)
    matches = [f"{folder}/{cleaned}" for folder in APPENDIX_FOLDERS if f"{folder}/{cleaned}" in keys]
    if len(matches) == 1:
        return Appendix(matches[0], is_asset=False)
    if matches:
        raise f.Invalid(f"'{target}' could be any of {', '.join(matches)}; write which one")
    raise f.Invalid(f"'{target}' is not an item or asset of this project; write it as folder/id (case-studies/...) or assets/file")


def _check_references(project: Project, references: list[Reference], unreadable: frozenset[str],
                      problems: Problems) -> None:
    """References to items that do not exist. A file that exists but could not be
    read has its own error already: pointing at it is not a second one."""
    keys = set(project.by_key) | {path.rsplit(".", 1)[0] for path in unreadable}
    for ref in references:
        if f"{ref.folder}/{ref.id}" not in keys:
            known = sorted(k.split("/", 1)[1] for k in keys if k.startswith(ref.folder + "/"))
            hint = f.nearest(ref.id, known)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            problems.error(
                ref.path, ref.line, f"'{ref.field}' names '{ref.id}', but there is no {ref.folder}/{ref.id}"
                f"{'.yaml' if ref.folder == MEETING_FOLDER else '.md'}{suggestion}"
            )
    for item in project.items:
        for link in item.links:
            if not link.target.startswith("assets/") and link.target not in project.by_path \
                    and link.target not in unreadable:
                problems.error(item.path, link.line, f"the link points to {link.target}, which does not exist; check the file name")


def load_project(root: Path, parsed: ParseCache | None = None) -> tuple[Project, list[Problem]]:
    """Read and validate a content folder: the model, or ContentError with every problem.
    `parsed` lends files parsed by an earlier build that have not changed since."""
    problems = Problems()
    if not root.is_dir():
        problems.error(str(root), 0, "the content folder does not exist; give its path with --content")
        problems.raise_if_errors()
    files: ContentFiles = read_content(root, problems, parsed)
    site = read_site(files.site, problems)
    facts = read_facts(files.facts, site, problems)
    ctx = _Context(site, {fact.id for fact in facts}, problems)
    assets = set(files.assets)
    check_assets(root, files.assets, problems)
    if site.logo and site.logo not in assets:
        line = files.site.data.line_of("logo") if files.site else 0
        problems.error("site.yaml", line, f"'logo' names {site.logo}, which does not exist; give a file under assets/, "
                                          "such as assets/logo.svg")

    by_kind: dict[str, list] = {}
    appendix_lines: dict[str, tuple[int, ...]] = {}
    for kind, sources in files.items.items():
        by_kind[kind] = []
        for source in sources:
            values = _item(kind, source, ctx, assets)
            if kind == "report":
                appendix_lines[source.path] = values.pop("appendix_lines")
            by_kind[kind].append(KIND_CLASSES[kind](**values))
    meetings = [m for m in (_meeting(s, ctx) for s in files.meetings) if m is not None]
    seen: dict[str, str] = {}
    for item in [*(i for items in by_kind.values() for i in items), *meetings]:
        if item.key in seen:
            problems.error(item.path, 0, f"the id '{item.id}' is already used by {seen[item.key]}; rename one")
        seen.setdefault(item.key, item.path)

    project = Project(
        site=site,
        facts=facts,
        threats=tuple(by_kind["threat"]),
        case_studies=tuple(by_kind["case-study"]),
        spotlights=tuple(by_kind["spotlight"]),
        reports=tuple(by_kind["report"]),
        meetings=tuple(meetings),
        pages=tuple(by_kind["page"]),
        assets=tuple(sorted(assets)),
    )
    _check_references(project, ctx.references, files.unreadable, problems)
    keys = set(project.by_key)
    reports = tuple(_with_appendices(report, appendix_lines[report.path], keys, assets, problems)
                    for report in project.reports)
    problems.raise_if_errors()
    return replace(project, reports=reports), problems.warnings


def _with_appendices(report: Report, lines: tuple[int, ...], keys: set[str], assets: set[str],
                     problems: Problems) -> Report:
    """The report with each appendix resolved to the item or asset it names."""
    resolved = []
    for appendix, line in zip(report.appendices, lines):
        try:
            resolved.append(_resolve_appendix(appendix.target, keys - {report.key}, assets))
        except f.Invalid as exc:
            problems.error(report.path, line, f"appendix {exc}")
    return replace(report, appendices=tuple(resolved))


def revisable(path: str) -> bool:
    """Whether a change to this content file alone may leave the model as it was
    but for the text of items (`revise_project`): a Markdown item, or an asset
    (the model holds only an asset's path)."""
    folder, _, name = path.partition("/")
    return (folder in MARKDOWN_KINDS.values() and name.endswith(".md") and "/" not in name) or folder == "assets"


def _validated_item(kind: str, source: SourceFile, ctx: _Context, keys: set[str], assets: set[str]):
    values = _item(kind, source, ctx, assets)
    if kind != "report":
        return KIND_CLASSES[kind](**values)
    lines = values.pop("appendix_lines")
    return _with_appendices(KIND_CLASSES[kind](**values), lines, keys, assets, ctx.problems)


def revise_project(root: Path, project: Project, warnings: list[Problem],
                   edited: list[str]) -> tuple[Project, list[Problem]] | None:
    """The project of an earlier load after changes to the bytes of some files
    (`revisable` ones, the same files as then), or None when a change did more than
    change the text of items (a field, a line of the front matter) or has any
    problem: then the whole project is loaded again, which reports every problem
    in full. Each edited item is read and checked as a load would; every other item
    is the one loaded before, from the same bytes. An asset's bytes are not in the
    model."""
    kinds = {folder: kind for kind, folder in MARKDOWN_KINDS.items()}
    problems = Problems()
    ctx = _Context(project.site, {fact.id for fact in project.facts}, problems)
    keys, assets, real_root = set(project.by_key), set(project.assets), root.resolve()
    revised = {}
    for path in edited:
        if path.startswith("assets/") and path in assets:
            continue
        old, kind = project.by_path.get(path), kinds.get(path.split("/", 1)[0])
        file = root / path
        if old is None or kind is None or not revisable(path) or not file.resolve().is_relative_to(real_root):
            return None
        source = read_markdown_file(file, path, problems)
        if source is None or problems.errors:
            return None
        item = _validated_item(kind, source, ctx, keys, assets)
        if problems.errors or replace(item, **{name: getattr(old, name) for name in TEXT_FIELDS}) != old:
            return None
        if any(not link.target.startswith("assets/") and link.target not in project.by_path for link in item.links):
            return None
        revised[path] = item

    def revise(items):
        return tuple(revised.get(item.path, item) for item in items)

    kept = [warning for warning in warnings if warning.path not in revised]
    return replace(project, threats=revise(project.threats), case_studies=revise(project.case_studies),
                   spotlights=revise(project.spotlights), reports=revise(project.reports),
                   pages=revise(project.pages)), kept + problems.warnings
