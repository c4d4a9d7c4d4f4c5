"""The one Jinja environment: a project's own templates first, then the built-in ones."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path
from pprint import pformat

import jinja2

from builder import csp
from builder.errors import Problem
from builder.model import TEXT_FIELDS, Action, Fact, Item

_MARKED = (Item, Fact, Action)


def builtin_templates_dir() -> Path:
    """Built-in templates: inside the installed package, or the repository's templates/."""
    packaged = Path(__file__).parent / "templates"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "templates"


def user_templates_dir(content_dir: Path) -> Path:
    """A project overrides a built-in template with a file of the same name here."""
    return content_dir.resolve().parent / "templates"


def template_dirs(content_dir: Path) -> list[Path]:
    user = user_templates_dir(content_dir)
    builtin = builtin_templates_dir()
    return [user, builtin] if user.is_dir() and user.resolve() != builtin.resolve() else [builtin]


def long_date(value: dt.date | None) -> str:
    """'2 September 2015', as a council paper writes it."""
    return f"{value.day} {value:%B %Y}" if value else ""


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


class ReadingEnvironment(jinja2.Environment):
    """The recorder of what a page shows. While `reads` is a set, it notes each item
    whose text a template reads (`item.body`): the build cache must know that the
    page depends on the text. While `markings` is a set, it notes the marking of
    every item, fact and action a template reads anything of: the page is marked
    with the highest of them."""

    reads: set | None = None
    markings: set | None = None

    # Called for every attribute a template reads. One beginning with "_" (such as
    # `__dict__`) could be a way to every field, so it counts as reading the text.
    def getattr(self, obj, attribute):
        self.note_shown(obj)
        if attribute in TEXT_FIELDS or attribute[:1] == "_":
            self._note(obj)
        return super().getattr(obj, attribute)

    def getitem(self, obj, argument):
        self.note_shown(obj)
        if argument in TEXT_FIELDS or (isinstance(argument, str) and argument[:1] == "_"):
            self._note(obj)
        return super().getitem(obj, argument)

    def note_shown(self, obj) -> None:
        if self.markings is not None and isinstance(obj, _MARKED):
            self.markings.add(obj.classification)

    def _note(self, obj) -> None:
        if self.reads is not None and isinstance(obj, Item):
            self.reads.add(("text", obj.key))

    def pprint(self, value) -> str:
        """The `pprint` filter, which shows every field of the items in `value`."""
        self._note_within(value)
        return pformat(value)

    def _note_within(self, value) -> None:
        if isinstance(value, (list, tuple)):
            for entry in value:
                self._note_within(entry)
        elif isinstance(value, dict):
            for entry in value.values():
                self._note_within(entry)
        else:
            self._note(value)


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled by an earlier build, kept in a folder, so that a rebuild
    does not compile them again. Unlike Jinja's own file cache, each file is
    written whole and then renamed into place, because the processes of a build
    share the folder, and one that cannot be read is compiled again. The key
    includes this package's code, which sets the environment's options."""

    def __init__(self, folder: Path, code: str):
        self.folder, self.code = folder, code

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return hashlib.sha1(f"{self.code}|{name}|{filename}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self.folder / bucket.key, "rb") as file:
                bucket.load_bytecode(file)
        except Exception:  # missing, or unreadable: the template is compiled again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        temporary = None
        try:
            self.folder.mkdir(exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(handle, "wb") as file:
                bucket.write_bytecode(file)
            os.replace(temporary, self.folder / bucket.key)
        except OSError:  # the next build compiles it again
            if temporary:
                Path(temporary).unlink(missing_ok=True)


def environment(content_dir: Path, compiled: CompiledTemplates | None = None) -> ReadingEnvironment:
    env = ReadingEnvironment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(content_dir)]),
        bytecode_cache=compiled,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["url"] = _url
    env.filters["pprint"] = env.pprint
    env.globals["content_security_policy"] = csp.CONTENT_SECURITY_POLICY
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


def templates_digest(content_dir: Path) -> str:
    """A hash of every template and static file in use: any change to one may
    change any output, so it is part of every output's fingerprint."""
    digest = hashlib.blake2b(digest_size=16)
    for directory in template_dirs(content_dir):
        for file in sorted(directory.rglob("*")):
            if file.is_file():
                digest.update(file.relative_to(directory).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()


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
