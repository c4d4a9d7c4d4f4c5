"""The one Jinja environment: a project's own templates first, then the built-in ones."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

import jinja2
from markupsafe import Markup


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
    to the output root, so the site works from any folder and from file://."""
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    base = posixpath.dirname(page_path) or "."
    return posixpath.relpath(target, base) + fragment


def demote_headings(html: str) -> Markup:
    """Move every heading one level down, for text set under a heading of its own."""
    return Markup(re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", str(html)))


@jinja2.pass_context
def _url(context: jinja2.runtime.Context, target: str) -> str:
    return relative_url(target, context["page_path"])


def environment(content_dir: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(content_dir)]),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml"), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["url"] = _url
    env.filters["demote_headings"] = demote_headings
    env.globals["Markup"] = Markup
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
