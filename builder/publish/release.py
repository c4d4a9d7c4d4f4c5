"""The release manifest of a public build: what it publishes, and what that
changes since the last public release, for the person who signs it off.

It is written beside the output, in `<output>.release/` (a sibling, so never
inside what is served, whatever the output is called): `release.json` lists
every published file with its SHA-256, the content file it came from and its
marking, and the changes against the manifest it replaces, which is kept as
`release.previous.json`; `release.md` says the same for a person. A build that
publishes exactly the same files leaves all three as they were, so rebuilding
does not wipe out what the release changed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from builder.publish import marker, output_folder
from builder.model.content import highest_marking
from builder.model.project import Project

FOLDER_ENDING = output_folder.RELEASE_ENDING
MANIFEST = "release.json"
PREVIOUS = "release.previous.json"
READABLE = "release.md"
FORMAT = 1
# Pagefind's index is many files whose names are hashes: a person reads it as one thing.
SEARCH_INDEX = "pagefind/"


def folder(output_dir: Path) -> Path:
    return output_dir.parent / f"{output_dir.name}{FOLDER_ENDING}"


def missing(output_dir: Path) -> bool:
    """Whether there is no manifest a build could compare with: none, or a damaged one."""
    return _read(folder(output_dir) / MANIFEST) is None


@dataclass(frozen=True)
class Origin:
    """Where a published file comes from: the content file, and its marking ("" for the site's own files)."""

    source: str = ""
    marking: str = ""


def origins(project: Project, pages, pdf_jobs) -> dict[str, Origin]:
    """Published path -> its origin, for the pages of items, the PDFs and the assets."""
    found = {}
    for spec in pages:
        # An item's page, or a page at its old address (`redirects`).
        item = spec.inputs.get("item") if spec.kind_label else spec.inputs.get("moved")
        found[spec.path] = Origin(item.path if item else "", spec.marking)
    for job in pdf_jobs:
        item = project.by_path.get(job.source)
        found[job.path] = Origin(job.source, item.classification if item else "")
    users: dict[str, list] = {}
    for item in project.items:
        for link in item.links:
            users.setdefault(link.target, []).append(item)
    for report in project.reports:
        for appendix in report.appendices:
            if appendix.is_asset:
                users.setdefault(appendix.target, []).append(report)
    for asset in project.assets:
        using = sorted(users.get(asset, []), key=lambda item: item.path)
        found[asset] = Origin(using[0].path if using else "",
                              highest_marking(item.classification for item in using) if using else "")
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_files(output_dir: Path, found: dict[str, Origin]) -> dict[str, dict]:
    files = {}
    for path in sorted(output_dir.rglob("*")):
        # The marker by which a build knows its own output folder is no published file.
        if path.is_file() and path.name != marker.MARKER:
            name = path.relative_to(output_dir).as_posix()
            origin = found.get(name, Origin())
            files[name] = {"sha256": _sha256(path), "source": origin.source, "marking": origin.marking}
    return files


def why_left_out(everything: Project, source: str) -> str:
    """Why a content file published before is not now: the reason a sign-off needs."""
    item = everything.by_path.get(source)
    if item is None:
        return "deleted"
    if item.classification != "OFFICIAL":
        return f"re-marked {item.classification}"
    if item.is_exempt:
        return "now exempt from publication"
    if item.draft:
        return "now a draft"
    return "no longer published"


def changes(previous: dict[str, dict], current: dict[str, dict], everything: Project) -> dict:
    """What the current release adds, removes, re-marks and changes against the
    previous one. A file whose item is now marked above OFFICIAL or exempt is
    both removed and re-marked; `reasons` says why each removed file's item went."""
    common = sorted(set(previous) & set(current))
    removed = sorted(set(previous) - set(current))
    reasons = {path: why_left_out(everything, previous[path].get("source", "")) for path in removed
               if previous[path].get("source")}
    withheld = [path for path, reason in reasons.items() if reason.startswith(("re-marked", "now exempt"))]
    return {
        "added": sorted(set(current) - set(previous)),
        "removed": removed,
        "remarked": sorted([path for path in common if previous[path]["marking"] != current[path]["marking"]]
                           + withheld),
        "changed": [path for path in common if previous[path]["sha256"] != current[path]["sha256"]],
        "reasons": reasons,
    }


_CHANGES = ("added", "removed", "remarked", "changed")


def _read(path: Path) -> dict | None:
    """The manifest at `path`, or None where there is none or it is not of the shape
    a build writes (edited by hand, cut short): such a manifest is written again."""
    try:
        return _parsed(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


def _parsed(text: str) -> dict | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(key), str) for key in ("output", "built")):
        return None
    files, found = data.get("files"), data.get("changes")
    entry_keys = {"sha256": str, "source": str, "marking": str}
    if not isinstance(files, dict) or not all(
            isinstance(entry, dict) and all(isinstance(entry.get(key), kind) for key, kind in entry_keys.items())
            for entry in files.values()):
        return None
    if not isinstance(found, dict) or not isinstance(found.get("reasons"), dict) or not all(
            isinstance(found.get(key), list) and all(isinstance(path, str) for path in found[key])
            for key in _CHANGES):
        return None
    return data


def record_files(project: Project, everything: Project, pages, pdf_jobs, output_dir: Path, built: Path,
                 today: dt.date) -> dict[str, str]:
    """The manifest of the public build in `built` (its staging folder), to go into
    `output_dir`'s release folder as the build is put in place, so that the record
    never describes another output than the one beside it (`project`: what it
    publishes; `everything`: the whole content, to say why an item went). Each
    file by its path from the output's parent; none where nothing published changed."""
    where = folder(output_dir).name
    files = manifest_files(built, origins(project, pages, pdf_jobs))
    try:
        last_text = (folder(output_dir) / MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        last_text = ""
    last = _parsed(last_text)
    if last is not None and last["files"] == files:
        return {}
    manifest = {"format": FORMAT, "output": output_dir.name, "built": today.isoformat(),
                "previous": last.get("built") if last else None,
                "files": files, "changes": changes(last["files"] if last else {}, files, everything)}
    record = {f"{where}/{MANIFEST}": json.dumps(manifest, indent=1, sort_keys=True) + "\n",
              f"{where}/{READABLE}": readable(manifest, last["files"] if last else {})}
    if last is not None:
        record[f"{where}/{PREVIOUS}"] = last_text
    return record


def _described(path: str, entry: dict) -> str:
    source = f" (from {entry['source']})" if entry.get("source") else ""
    return f"- {path}{source}"


def readable(manifest: dict, previous: dict[str, dict]) -> str:
    """The manifest's changes for the person who signs the release off."""
    files, found = manifest["files"], manifest["changes"]
    against = (f"against the release built {manifest['previous']}" if manifest.get("previous")
               else "the first public release: everything in it is new")
    lines = [f"# Release of {manifest['output']}/, built {manifest['built']}", "",
             f"{len(files)} published files; {against}.", ""]
    headings = (("added", "Added", files), ("removed", "Removed", previous),
                ("remarked", "Re-marked", {**previous, **files}), ("changed", "Changed", files))
    for key, heading, entries in headings:
        paths = found[key]
        lines.append(f"## {heading} ({len(paths)})")
        lines.append("")
        index = [path for path in paths if path.startswith(SEARCH_INDEX)]
        for path in paths:
            if not path.startswith(SEARCH_INDEX):
                line = _described(path, entries[path])
                if path in found["reasons"]:
                    line += f": {found['reasons'][path]}"
                elif key == "remarked":
                    line += f": {previous[path]['marking'] or 'unmarked'} -> {files[path]['marking'] or 'unmarked'}"
                lines.append(line)
        if index:
            lines.append(f"- {len(index)} file(s) of the search index ({SEARCH_INDEX})")
        if not paths:
            lines.append("Nothing.")
        lines.append("")
    return "\n".join(lines)


def show(output_dir: Path) -> str | None:
    """What `briefing diff-release` prints: the readable manifest of the last public build, or None."""
    manifest = _read(folder(output_dir) / MANIFEST)
    if manifest is None:
        return None
    previous = _read(folder(output_dir) / PREVIOUS)
    return readable(manifest, previous["files"] if previous else {})
