"""Turn the files read by `content_files` into the validated model, or a list of problems.

The result is either a complete `Project` or a `ContentError` carrying every
problem of the run. Each item is made by `item_reader.read_item`, by the rules its kind
declares (`kinds`); the same function revises the items of edited files.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from builder.meetings import minutes_rules
from builder.project import item_reader
from builder.assets.asset_checks import check_assets
from builder.reading.content_files import (ASSETS_FOLDER, ContentFiles, ParseCache, read_content, read_file,
                                          why_not_an_asset)
from builder.model.errors import Problem, Problems
from builder.project.kinds import BY_FOLDER, KINDS
from builder.model.content import TEXT_FIELDS
from builder.model.project import Project
from builder.project.redirects import alias_problems
from builder.project.settings_files import read_facts, read_site
from builder.reading.yamlread import LineDict


def load_project(root: Path, parsed: ParseCache | None = None) -> tuple[Project, list[Problem]]:
    """Read and validate a content folder: the model, or ContentError with every problem.
    `parsed` lends files parsed by an earlier build that have not changed since."""
    problems = Problems()
    if not root.is_dir():
        problems.error(str(root), 0, "the content folder does not exist; give its path with --content")
        problems.raise_if_errors()
    files: ContentFiles = read_content(root, [(kind.folder, kind.ending) for kind in KINDS], problems, parsed)
    site = read_site(files.site, problems)
    facts = read_facts(files.facts, site, problems)
    check_assets(root, files.assets, problems)
    if site.logo and site.logo not in files.assets:
        line = files.site.data.line_of("logo") if files.site else 0
        problems.error("site.yaml", line, f"'logo' names {site.logo}, which "
                      + why_not_an_asset(site.logo, "give a file under assets/, such as assets/logo.svg"))
    # Every file that makes an item is known before any is read, so that each
    # reference and appendix is checked as its item is read.
    paths = [source.path for sources in files.items.values() for source in sources
             if isinstance(source.data, LineDict)]
    known = item_reader.known(site, facts, paths, files.unreadable, files.assets, problems)
    made = {kind.attribute: tuple(item for item in (item_reader.read_item(kind, source, known)
                                                    for source in files.items[kind.folder]) if item is not None)
            for kind in KINDS}
    made = minutes_rules.settle(made, problems)
    project = Project(site=site, facts=facts, assets=tuple(sorted(files.assets)), **made)
    alias_problems(project, problems, known.alias_lines)
    problems.raise_if_errors()
    return project, problems.warnings


def revisable(path: str) -> bool:
    """Whether a change to this content file alone may leave the model as it was
    but for the text of items (`revise_project`): a Markdown item, or an asset
    (the model holds only an asset's path)."""
    folder, _, name = path.partition("/")
    kind = BY_FOLDER.get(folder)
    return (kind is not None and kind.markdown and name.endswith(kind.ending) and "/" not in name) \
        or folder == ASSETS_FOLDER


def revise_project(root: Path, project: Project, warnings: list[Problem],
                   edited: list[str]) -> tuple[Project, list[Problem]] | None:
    """The project of an earlier load after changes to the bytes of some files
    (`revisable` ones, the same files as then), or None when a change did more than
    change the text of items (a field, a line of the front matter) or has any
    problem: then the whole project is loaded again, which reports every problem
    in full. Each edited item is read and checked as a load would; every other item
    is the one loaded before, from the same bytes. An asset's bytes are not in the
    model."""
    problems = Problems()
    known = item_reader.known(project.site, project.facts, project.by_path, (), project.assets, problems)
    real_root = root.resolve()
    revised = {}
    for path in edited:
        if path.startswith(ASSETS_FOLDER + "/") and path in known.assets:
            continue
        old, kind = project.by_path.get(path), BY_FOLDER.get(path.split("/", 1)[0])
        file = root / path
        if old is None or kind is None or not revisable(path) or not file.resolve().is_relative_to(real_root):
            return None
        source = read_file(file, path, kind.ending, problems)
        if source is None or problems.errors:
            return None
        item = item_reader.read_item(kind, source, known)
        if problems.errors or replace(item, **{name: getattr(old, name) for name in TEXT_FIELDS}) != old:
            return None
        revised[path] = item

    kept = [warning for warning in warnings if warning.path not in revised]
    return replace(project, **{kind.attribute: tuple(revised.get(item.path, item)
                                                     for item in getattr(project, kind.attribute))
                               for kind in KINDS}), kept + problems.warnings
