"""The one Jinja environment: a project's own templates first, then the built-in ones.

A project's template may extend the built-in one it replaces, under the prefix
`builtin/` (`{% extends "builtin/base.html" %}`), and change only the blocks it
names. `override_problems` tells a project whose overrides were written for
built-in templates that have since been renamed or changed what to update.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
from pathlib import Path

import jinja2

from builder.model import paths
from builder.plan import views
from builder.render import csp
from builder.model.errors import Problem
from builder.model.content import TEXT_FIELDS, Action, AgendaItem, Fact, Item, highest_marking
from builder.plan.views import View

_MARKED = (Item, Fact, Action, AgendaItem)


def builtin_templates_dir() -> Path:
    """Built-in templates: inside the installed package, or the repository's templates/."""
    packaged = Path(__file__).parents[1] / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parents[2] / "templates"


def user_templates_dir(content_dir: Path) -> Path:
    """A project overrides a built-in template with a file of the same name here."""
    return content_dir.resolve().parent / "templates"


# `{% extends "builtin/NAME" %}` always reaches the built-in NAME, even from a project's own NAME.
BUILTIN_PREFIX = "builtin"


def template_dirs(content_dir: Path) -> list[Path]:
    user = user_templates_dir(content_dir)
    builtin = builtin_templates_dir()
    return [user, builtin] if user.is_dir() and user.resolve() != builtin.resolve() else [builtin]


def relative_url(target: str, page_path: str) -> str:
    """The link from the page at `page_path` to the output file `target`, both relative
    to the output root, so the site works from any folder and from file://.

    Both are clean paths the build made (no '.', '..' or leading '/'), so the
    common folders are simply dropped; posixpath.relpath, which first makes both
    absolute, cost half of all template time on a large site.
    """
    path, hash_mark, fragment = target.partition("#")
    page_folders = page_path.split("/")[:-1]
    target_parts = path.split("/")
    common = 0
    for page_folder, target_part in zip(page_folders, target_parts[:-1]):
        if page_folder != target_part:
            break
        common += 1
    relative = "../" * (len(page_folders) - common) + "/".join(target_parts[common:])
    return (relative or "./") + hash_mark + fragment


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    return relative_url(target, context["page_path"])


# The read of a template that reached around the recorder: the page depends on everything.
EVERYTHING = ("everything", "")
# Values printed as they are without showing more than themselves.
_PLAIN = (str, int, float, bool, type(None), dt.date)


class ReadingEnvironment(jinja2.Environment):
    """The recorder of what a page shows. While `reads` is a set, it notes each item
    whose text a template reads (`item.body`): the build cache must know that the
    page depends on the text. While `markings` is a set, it notes the marking of
    every item, fact and action a template reads anything of: the page is marked
    with the highest of them.

    It fails safe. A template that reaches what the recorder cannot follow makes
    the page depend on everything, and `everything` is set (the page is then
    marked as if it showed everything): an attribute beginning with "_"
    (`__dict__`, `__class__`), `pprint`, `string`, `format` or `tojson` of a model
    object or of anything holding one, `str.format` given one, or a list or a
    model object other than an item printed as it is (`{{ items }}`, which shows
    its repr; `{{ item }}` shows only its title). The repr of an item leaves its
    text out, so what Python's own `%` or `~` show of items is what the page was
    planned from."""

    reads: set | None = None
    markings: set | None = None
    everything: bool = False
    # A PDF is marked part by part (each paper of a pack, its cover): while `parts`
    # is a list, what is shown is noted in the part `new_part()` began, and on the
    # second pass `raised` holds each part's marking as recorded, which `marked()`
    # returns. What is shown before the first part (the document's head) counts
    # for every part.
    parts: list[set] | None = None
    planned: list[str] | None = None
    raised: list[str] | None = None
    part: int = 0

    # Called for every attribute a template reads.
    def getattr(self, obj, attribute):
        self.note_shown(obj)
        if attribute in TEXT_FIELDS:
            self._note(obj)
        elif attribute[:1] == "_":
            self.note_everything()
        elif isinstance(obj, str) and attribute in ("format", "format_map"):
            return self._checked(super().getattr(obj, attribute))
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.note_shown(obj)
        if argument in TEXT_FIELDS:
            self._note(obj)
        elif isinstance(argument, str) and argument[:1] == "_":
            self.note_everything()
        return super().getitem(obj, argument)

    def note_shown(self, obj) -> None:
        marking = obj.classification if isinstance(obj, _MARKED) else obj.marking if isinstance(obj, View) else None
        if marking is not None:
            if self.markings is not None:
                self.markings.add(marking)
            if self.parts is not None:
                self.parts[self.part].add(marking)

    def new_part(self) -> str:
        """Begin the next part of a document: a template global, printing nothing."""
        self.part += 1
        if self.parts is not None:
            self.parts.append(set())
            self.planned.append("")
        return ""

    def marked(self, planned: str) -> str:
        """The marking the current part prints: as planned on the first pass, as
        recorded (never lower than planned) on the second."""
        if self.planned is not None:
            self.planned[self.part] = highest_marking([self.planned[self.part] or planned, planned])
        if self.raised is not None and self.part < len(self.raised):
            return highest_marking([planned, self.raised[self.part]])
        return planned

    def record_parts(self) -> None:
        """Start the first pass of a document."""
        self.reads, self.everything = set(), False
        self.parts, self.planned, self.raised, self.part = [set()], [""], None, 0

    def parts_raised(self, all_markings: set[str]) -> list[str] | None:
        """After the first pass: each part's marking as recorded, or None where every
        part printed what it showed. A template that reached around the recorder
        may have shown anything: every part is then marked as if it had."""
        head = self.parts[0] | (all_markings if self.everything else set())
        raised = [highest_marking(shown | head | ({planned} if planned else set()))
                  for shown, planned in zip(self.parts, self.planned)]
        needed = any(planned and marking != planned for marking, planned in zip(raised, self.planned))
        self.parts, self.planned, self.part = None, None, 0
        return raised if needed else None

    def apply_parts(self, raised: list[str] | None) -> None:
        """Start the second pass, or end recording (None)."""
        self.raised, self.part = raised, 0
        if raised is None:
            self.reads = None

    def _note(self, obj) -> None:
        if self.reads is not None and isinstance(obj, Item):
            self.reads.add(("text", obj.key))

    def note_everything(self) -> None:
        if self.reads is not None:
            self.reads.add(EVERYTHING)
            self.everything = True

    def _note_if_holds_model(self, *values) -> None:
        if self.reads is not None and any(_holds_model(value) for value in values):
            self.note_everything()

    def _checked(self, function):
        """`function`, noting everything when it is given a model object."""
        def checked(*args, **kwargs):
            self._note_if_holds_model(*args, *kwargs.values())
            return function(*args, **kwargs)
        return functools.update_wrapper(checked, function)  # keeps Jinja's pass_context marks

    def _shows(self, function):
        """`function` (a filter or global that prints part of a fact or item), noting what it is given."""
        def shows(value, *args):
            self.note_shown(value)
            return function(value, *args)
        return functools.update_wrapper(shows, function)

    def _titled(self, function):
        """`function` (`join`), noting the marking of every item it prints by its title."""
        def titled(*args, **kwargs):
            if self.markings is not None:
                for value in args:
                    if isinstance(value, (list, tuple)):
                        for entry in value:
                            self.note_shown(entry)
            return function(*args, **kwargs)
        return functools.update_wrapper(titled, function)

    def printed(self, value):
        """Every `{{ value }}` passes here before it is printed."""
        for shown in getattr(value, "shows", ()) if hasattr(value, "__html__") else ():
            self.note_shown(shown)  # what a printed body draws from elsewhere: its charted facts
        if self.reads is not None and not isinstance(value, _PLAIN):
            if isinstance(value, Item) and not hasattr(value, "__html__"):
                self.note_shown(value)  # printed as its title
            # A value with its own __html__ (a chart made from the planned inputs) prints
            # what that makes, never its fields.
            elif not hasattr(value, "__html__") and _holds_model(value):
                self.note_everything()
        return value


def _holds_model(value, depth: int = 0) -> bool:
    """Whether a value is, or holds, a model object (anything but plain values)."""
    if isinstance(value, _PLAIN) or depth > 20:
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds_model(entry, depth + 1) for entry in value)
    if isinstance(value, dict):
        return any(_holds_model(entry, depth + 1) for entry in (*value.keys(), *value.values()))
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


class _CompiledInMemory(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process, by file and the
    checksum of the source (Jinja's bucket checks it), so that the next build in
    the same process (the preview, the tests) compiles only what changed. Never
    on disk: the project's private folder holds data, not code."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledInMemory()


def environment(content_dir: Path) -> ReadingEnvironment:
    """The one template environment. Templates are compiled in memory by each
    process: nothing compiled is ever read back from disk."""
    env = ReadingEnvironment(
        bytecode_cache=_COMPILED,
        loader=jinja2.ChoiceLoader([
            jinja2.PrefixLoader({BUILTIN_PREFIX: jinja2.FileSystemLoader(str(builtin_templates_dir()))}),
            jinja2.FileSystemLoader([str(d) for d in template_dirs(content_dir)]),
        ]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.finalize = env.printed
    env.filters["long_date"] = views.long_date
    env.filters["url"] = _url
    # No built-in template uses it since spotlight_facts; a project's own templates may.
    env.filters["presenters"] = views.presenter_line
    env.filters["source"] = env._shows(views.source_line)
    env.filters["item_date"] = env._shows(views.item_date)
    env.tests["sensitive"] = views.is_sensitive
    env.globals.update(
        new_part=env.new_part, marked=env.marked,
        content_security_policy=csp.CONTENT_SECURITY_POLICY,
        page_url=paths.page_path, section_url=paths.section_path, group_url=paths.group_path,
        review_url=paths.review_path, objective_url=paths.objective_path,
        status_labels=views.STATUS_LABELS, trend_symbols=views.TREND_SYMBOLS,
        paper_facts=env._shows(views.paper_facts), meeting_facts=env._shows(views.meeting_facts),
        spotlight_facts=env._shows(views.spotlight_facts),
    )
    for name in ("pprint", "string", "format", "tojson"):
        env.filters[name] = env._checked(env.filters[name])
    env.filters["join"] = env._titled(env.filters["join"])
    return env


def static_files(content_dir: Path) -> dict[str, Path]:
    """Static assets by output name; a project's templates/static/ file wins over ours."""
    files: dict[str, Path] = {}
    for directory in reversed(template_dirs(content_dir)):
        static = directory / "static"
        if static.is_dir():
            for file in sorted(static.rglob("*")):
                if file.is_file():
                    files[file.relative_to(directory).as_posix()] = file
    return files


def _label(filename: str) -> str:
    path = Path(filename).resolve()
    return os.path.relpath(path) if path.is_relative_to(Path.cwd()) else str(path)


def template_problem(exc: BaseException, name: str = "") -> Problem | None:
    """The template file and line an exception came from, as a problem to show an
    author; None when the exception did not come from a template."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Problem(_label(exc.filename or name), exc.lineno, f"template error: {exc.message}")
    if isinstance(exc, jinja2.TemplateNotFound):
        return Problem(f"templates/{exc.name}", 0, "template not found: put a file of that name in templates/")
    where = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".md", ".yaml")) and Path(filename).is_file():
            where = (_label(filename), tb.tb_lineno)
        tb = tb.tb_next
    if where is None and not isinstance(exc, jinja2.TemplateError):
        return None
    path, line = where or ("templates", 0)
    return Problem(path, line, f"template error: {exc}")


# Built-in templates renamed since projects began to override them: old name -> new.
RENAMED = {"group.html": "action-group.html"}
# Variables a template once received as pairs and now receives as rows:
# (template, variable) -> how to loop over them now.
PAIRS_NOW_ROWS = {("pdf/spotlight.html", "actions"): "{% for row in actions %}, with row.action and row.group"}
# Folders of templates/ that hold other files than page templates.
_NOT_PAGES = ("static", "scaffold", "server")


def override_problems(content_dir: Path) -> list[Problem]:
    """What a project's overrides must change to work with the built-in templates
    as they are now: a renamed template (its override would no longer be used),
    a macro the built-in templates import that an override of their macros file
    lacks, and a loop over pairs that are now rows. An override that extends
    the built-in template it replaces keeps whatever it does not change, and is
    only checked for the loops."""
    user, builtin = user_templates_dir(content_dir), builtin_templates_dir()
    if user not in template_dirs(content_dir):
        return []
    env = environment(content_dir)
    overrides = {}
    for path in sorted(user.rglob("*.html")):
        name = path.relative_to(user).as_posix()
        if name.split("/")[0] not in _NOT_PAGES:
            overrides[name] = path
    problems = []
    trees = {}
    for name, path in overrides.items():
        if name in RENAMED:
            problems.append(Problem(f"templates/{name}", 1, f"the built-in {name} is now {RENAMED[name]}, so this file "
                                    f"is no longer used: rename it to {RENAMED[name]} (it receives the same "
                                    "variables)", is_warning=True))
        elif (builtin / name).is_file():
            try:
                trees[name] = env.parse(path.read_text(encoding="utf-8"), name, str(path))
            except jinja2.TemplateSyntaxError:
                continue  # reported with its line when the template is loaded
    imported = _imported_by_builtins(env, builtin, {n for n, tree in trees.items() if not _extends_builtin(tree, n)})
    for name, tree in trees.items():
        label = f"templates/{name}"
        if not _extends_builtin(tree, name):
            defined = {node.name for node in tree.find_all(jinja2.nodes.Macro)}
            missing = {m: i for m, i in sorted(imported.get(name, {}).items()) if m not in defined}
            if missing:
                problems.append(Problem(label, 1, "lacks " + ", ".join(f"'{m}' (imported by the built-in {i})"
                                                                      for m, i in missing.items())
                                        + f": copy {'them' if len(missing) > 1 else 'it'} from {builtin / name}, "
                                        "or remove this file to use the built-in macros"))
        for loop in tree.find_all(jinja2.nodes.For):
            variable = getattr(loop.iter, "name", None)
            how = PAIRS_NOW_ROWS.get((name, variable))
            if how and isinstance(loop.target, jinja2.nodes.Tuple):
                problems.append(Problem(label, loop.lineno, f"'{variable}' is now a list of rows, not of pairs: "
                                        f"write {how}"))
    return problems


def _extends_builtin(tree: jinja2.nodes.Template, name: str) -> bool:
    return any(getattr(node.template, "value", None) == f"{BUILTIN_PREFIX}/{name}"
               for node in tree.find_all(jinja2.nodes.Extends))


def _imported_by_builtins(env: jinja2.Environment, builtin: Path, replaced: set[str]) -> dict[str, dict[str, str]]:
    """For each template name: the macros the built-in templates still in use import
    from it, each with one template that imports it."""
    imported: dict[str, dict[str, str]] = {}
    for path in sorted(builtin.rglob("*.html")):
        name = path.relative_to(builtin).as_posix()
        if name in replaced or name.split("/")[0] in _NOT_PAGES:
            continue
        tree = env.parse(path.read_text(encoding="utf-8"), name, str(path))
        for node in tree.find_all(jinja2.nodes.FromImport):
            source = getattr(node.template, "value", None)
            for macro in node.names:
                imported.setdefault(source, {}).setdefault(macro[0] if isinstance(macro, tuple) else macro, name)
    return imported
