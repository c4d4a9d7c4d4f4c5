"""Incremental building: which outputs a build may take unchanged from the last one.

The rule
--------
An output is reused only when everything the shared recorder saw it read is
unchanged by content hash, under the same code, dependency versions and build
settings. Each output has a fingerprint (BLAKE2) of:

- what every output depends on (`shared`): the versions of Python, Jinja,
  MarkupSafe, Python-Markdown, nh3, PyYAML, WeasyPrint and Pagefind and
  the bytes of briefing's own code; the bytes of every template and static
  file; the settings (profile, drafts, `--today`, search on or off); the
  site's settings, its menu and its search bundles;
- what it was planned from: for a page, its template and inputs, without
  the text of items (a page that shows a text reads it while rendering, and
  that read is recorded); for a PDF, all of its inputs, text included, the
  bytes of every asset and its content version. (The exports, being quick,
  are made on every build, and a file whose bytes are unchanged is kept.)
- what the recorder (`templates.ReadingEnvironment`) saw the page read while
  it rendered, as those parts are now: the text of an item, a fact, where a
  linked file lands. A template that reached around the recorder (`__dict__`,
  `|pprint`, a whole item as `|string`) recorded `everything`, which stands
  for the whole model and every asset: such a page is made again on any
  change. A read of a kind this build does not know matches nothing.

The file in the last output is taken only while its fingerprint is the same
and the file is as that build left it (size, modification time, change time
and inode). Every doubt is settled by rendering again: a false alarm costs
time, a miss would publish a wrong page.

Every hash is of bytes. A file hashed by an earlier build is not read again
only while its size, modification time, change time, inode and device are all
as they were then, and its times were not within two seconds of that scan (a
coarse clock could hide a later change): a copy with the old size and times put
back (`cp -p`, `rsync -a`, unzip) has a new change time. Measured with the
2,000 items of `make bench`: hashing everything takes 40 ms of a 0.8 s rebuild,
the stat check 8 ms.
Where nothing at all changed (the same hashes, settings and versions, and
every output file as the last build left it), the build ends there.

One shortcut, kept because `make bench` needs it (a one-edit rebuild was 11%
of a cold build without it): the validated model is kept, and where only the
text of items changed (`load_model`), only the edited files are read and
checked again (`revise`, handed in by `build`); anything more loads the whole
project. Then a page planned as the last build planned it, that read none of
the edited texts, keeps the fingerprint recorded then.

Where it is kept
----------------
In `store`: one SQLite database of JSON text in the project's private folder
(`project_folder.folder`: 0700, owned by the user, checked as Jinja's own bytecode
cache checks its folder; otherwise the build runs without a cache and says so
once). Nothing read from it runs: no pickle, no marshal, no compiled templates
(each process compiles its templates in memory). Every setting (output folder,
profile, drafts) keeps its own `LastBuild`, so that switching between internal,
public and the drafts preview is not a cold build each time. Parsed content
files are kept by the hash of their bytes, for every setting. The hashes
themselves are made in `fingerprints`.

This module receives what it needs (the values of reads, the loaded model) from
`build`, and never imports validation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from builder.render import templates
from builder.incremental.store import Cache, Made, LastBuild, open_cache as _open_cache
from builder.incremental.fingerprints import Fingerprinter, fingerprint, hash_file, versions

__all__ = ["Cache", "Fingerprinter", "Inputs", "LastBuild", "Made", "OutputFingerprints", "Settings",
           "bundle_fingerprint", "fingerprint", "open_cache", "reusable", "scan", "unchanged_folders"]


def open_cache(content_dir: Path, output: Path, settings: Settings) -> Cache:
    """The cache of this project, with the record of builds of these settings into `output`."""
    return _open_cache(content_dir, settings.slot(output))


# What a build reads -------------------------------------------------------------

@dataclass(frozen=True)
class Inputs:
    """Every file a build may read, by the hash of its bytes."""

    content: dict[str, str]  # content path ("threats/x.md", "assets/logo.svg") -> hash
    templates: dict[str, str]  # "<n>/<path>" -> hash, n the place of its folder (the project's own first)
    commit: str  # the commit the content is at, where PDFs record it; "" otherwise

    @property
    def templates_key(self) -> str:
        return fingerprint(sorted(self.templates.items()))

    @property
    def key(self) -> str:
        return fingerprint(versions(), sorted(self.content.items()), sorted(self.templates.items()), self.commit)


def scan(content_dir: Path, commit: str | None = "", cache: Cache | None = None) -> Inputs:
    """Hash every file under the content folder and every template file. The
    cache gives the stat signature and hash of the files hashed before (see
    `_hash_tree`), and keeps them for the next build."""
    known = cache.signatures() if cache is not None else {}
    signatures: dict[str, list] = {}
    content = _hash_tree(content_dir, known, signatures)
    found = {}
    for number, folder in enumerate(templates.template_dirs(content_dir)):
        found.update((f"{number}/{path}", digest) for path, digest in _hash_tree(folder, known, signatures).items())
    if cache is not None:
        cache.keep_signatures(signatures, known)
    return Inputs(content, found, commit or "")


# A file whose times are this close to now may yet change within the same clock
# tick (coarse file-system clocks): its hash is never taken on trust next time.
_SETTLED_NS = 2_000_000_000


def _hash_tree(root: Path, known: dict[str, list], signatures: dict[str, list]) -> dict[str, str]:
    """Each file by its hash. A link to a folder is not followed but recorded by
    where it points: reading never follows one out of the content folder, and a
    folder it points to inside is hashed where it is.

    A file's hash is taken from `known` only while its size, modification time,
    change time, inode and device are all what they were when it was hashed (a
    copy with its old size and times put back, `cp -p`, has a new change time)."""
    hashes: dict[str, str] = {}
    top = str(root)
    now = time.time_ns()
    for parent, folders, files in os.walk(top):
        relative = os.path.relpath(parent, top).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in folders:
            path = os.path.join(parent, name)
            if os.path.islink(path):
                hashes[prefix + name] = f"link to {os.readlink(path)}"
        for name in files:
            path = os.path.join(parent, name)
            try:
                info = os.stat(path)
            except OSError:
                hashes[prefix + name] = hash_file(path)
                continue
            signature = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]
            was = known.get(path)
            digest = was[5] if was is not None and was[:5] == signature else hash_file(path)
            hashes[prefix + name] = digest
            if now - max(info.st_mtime_ns, info.st_ctime_ns) > _SETTLED_NS:
                signatures[path] = signature + [digest]
    return hashes


# The model --------------------------------------------------------------------------

@dataclass(frozen=True)
class Loaded:
    """The validated model of this build, and how it relates to the model kept."""

    project: object  # the Project
    warnings: list
    key: str  # what it was loaded from: a fingerprint of the content's hashes
    steady: bool = True  # False when a file's bytes were not, when read, the bytes hashed
    edited: frozenset[str] | None = None  # items whose text alone changed since the model `since` (None: loaded whole)
    since: str = ""  # the key of the model it was revised from


def load_model(content_dir: Path, cache: Cache, inputs: Inputs, fingerprints: Fingerprinter, load: Callable,
               revisable: Callable[[str], bool], revise: Callable) -> Loaded:
    """The model: the one kept in the cache where the content is as it was; revised
    (`revise`) where only files `revisable` changed and only the text of items did
    change; else loaded whole (`load(content_dir, cache, hashes)`, which returns the model,
    its warnings and whether the files read were steady). A model revised or
    loaded from steady files is kept for the next build, each item with its light
    fingerprint, which `fingerprints` is given back for the items taken unchanged."""
    folder = str(content_dir.resolve())
    key = fingerprint(sorted(inputs.content.items()))
    kept = cache.model_hashes(folder)
    if kept is not None and kept[1].keys() == inputs.content.keys():
        since, hashes = kept
        edited = sorted(path for path, digest in inputs.content.items() if hashes[path] != digest)
        if all(revisable(path) for path in edited):
            stored = cache.model(folder)
            if stored is not None:
                project, warnings, lights = stored
                revised = revise(content_dir, project, warnings, edited) if edited else (project, warnings)
                # The files read to revise must be the files hashed: not ones being saved.
                if revised is not None and all(hash_file(content_dir / path) == inputs.content[path]
                                               for path in edited):
                    for item in revised[0].items:
                        if item.path not in edited and item.path in lights:
                            fingerprints.seed(item, lights[item.path])
                    if edited:
                        cache.keep_model(folder, key, inputs.content, *revised, fingerprints.object_light,
                                         changed=edited)
                    items = revised[0].by_path
                    return Loaded(*revised, key, edited=frozenset(items[p].key for p in edited if p in items),
                                  since=since)
    project, warnings, steady = load(content_dir, cache, inputs.content)
    if steady:
        cache.keep_model(folder, key, inputs.content, project, warnings, fingerprints.object_light)
    return Loaded(project, warnings, key, steady)


# Settings and fingerprints ---------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """The options of a build that change what it writes."""

    profile: str
    today: dt.date
    drafts: bool = False
    with_pdf: bool = True
    with_search: bool = True
    pdfs_later: bool = False

    def slot(self, output: Path) -> str:
        """Which record of the cache a build keeps: one per output, profile and drafts."""
        return json.dumps([str(output), self.profile, self.drafts])


class OutputFingerprints:
    """The fingerprints of one build's outputs. `read_values` maps each kind of
    read the recorder notes to a function from its key to the value it has now.

    When the model was revised from the one the last build was made from
    (`model.since == last.basis`), only the text of the `model.edited` items
    differs from it: a page planned as it was then that read none of those texts
    (nor everything) was made from what it was made from then, which is taken as
    it was recorded rather than worked out again."""

    def __init__(self, inputs: Inputs, settings: Settings, shared_parts: tuple,
                 read_values: dict[str, Callable[[str], object]], everything: Callable[[], object],
                 fingerprints: Fingerprinter | None = None, model: Loaded | None = None,
                 last: LastBuild | None = None):
        self.fingerprints = fingerprints or Fingerprinter()
        self.shared = self.fingerprints.full(versions(), inputs.templates_key, settings.profile, settings.today,
                                             settings.drafts, settings.with_search, *shared_parts)
        self.read_values = dict(read_values)
        self.read_values[templates.EVERYTHING[0]] = lambda key: everything()
        self.planned: dict[str, str] = {}
        self._made: dict[tuple, str | None] = {}
        self._reads: dict[tuple[str, str], str | None] = {}
        revised = model is not None and last is not None and model.edited is not None and model.since \
            and last.basis == model.since
        self._last = last if revised else None
        self._edited = model.edited if revised else frozenset()

    def _as_last_time(self, path: str, reads: tuple) -> str | None:
        made = self._last.outputs.get(path) if self._last is not None else None
        if made is None or made.reads != reads or made.planned != self.planned[path]:
            return None
        if any(kind == templates.EVERYTHING[0] or (kind == "text" and key in self._edited) for kind, key in reads):
            return None
        return made.made_from

    def page(self, path: str, *inputs: object) -> None:
        """A page: its inputs without the text of items."""
        self.planned[path] = self.fingerprints.light(self.shared, path, *inputs)

    def whole(self, path: str, *inputs: object) -> str:
        """An export or PDF: every part of its inputs."""
        self.planned[path] = self.fingerprints.full(self.shared, path, *inputs)
        return self.planned[path]

    def made_from(self, path: str, reads: Iterable[tuple[str, str]]) -> str | None:
        """The fingerprint of an output: its planned inputs and what it read, as they
        are now; None (matching nothing) when a read is of no known kind."""
        reads = tuple(tuple(read) for read in reads)
        if not reads:
            return self.planned[path]
        known = self._made.get((path, reads))
        if known is None:
            known = self._as_last_time(path, reads)
        if known is None:
            digests = [self._read(kind, key) for kind, key in reads]
            known = self._made[(path, reads)] = (None if None in digests else
                                                 self.fingerprints.full(self.planned[path], digests))
        return known

    def _read(self, kind: str, key: str) -> str | None:
        """The fingerprint of one part of the model a page read, as it is now (each
        worked out once, however many pages read it)."""
        if (kind, key) not in self._reads:
            value_of = self.read_values.get(kind)
            self._reads[(kind, key)] = None if value_of is None else self.fingerprints.full(kind, key, value_of(key))
        return self._reads[(kind, key)]

    def item(self, item: object) -> str:
        """One model object, text and all."""
        return self.fingerprints.full(item)


def reusable(output_fingerprints: OutputFingerprints, last: LastBuild, on_disk: dict[str, tuple]) -> set[str]:
    """The outputs of this build that may be taken from the last output as they are:
    made from what they would be made from now, and as the last build left them."""
    found = set()
    for path, planned in output_fingerprints.planned.items():
        made = last.outputs.get(path)
        if made is None or made.made_from is None or made.planned != planned:
            continue
        stats = on_disk.get(path)
        if stats is None or stats != last.files.get(path):
            continue
        if output_fingerprints.made_from(path, made.reads) == made.made_from:
            found.add(path)
    return found


def bundle_fingerprint(bundle, made: dict[str, str | None]) -> str | None:
    """A search bundle is made from its pages: None when one of them is not known."""
    pages = [made.get(page) for page in bundle.pages]
    return None if None in pages else fingerprint(bundle.glob, pages)


def unchanged_folders(bundles, current: dict[str, str | None], last: LastBuild, on_disk: dict[str, tuple]) -> set[str]:
    """The folders of the search bundles whose pages are made from what they were
    made from, and whose files are all as the last build left them."""
    now, then = _by_folder(on_disk), _by_folder(last.files)
    kept = set()
    for bundle in bundles:
        bundle_made_from = bundle_fingerprint(bundle, current)
        if bundle_made_from is not None and last.bundles.get(bundle.folder) == bundle_made_from \
                and now.get(bundle.folder) and now.get(bundle.folder) == then.get(bundle.folder):
            kept.add(bundle.folder)
    return kept


def _by_folder(files: dict[str, tuple]) -> dict[str, dict[str, tuple]]:
    """The files of each folder two levels down (`pagefind/threats`)."""
    folders: dict[str, dict[str, tuple]] = {}
    for path, stats in files.items():
        parts = path.split("/", 2)
        if len(parts) == 3:
            folders.setdefault(f"{parts[0]}/{parts[1]}", {})[path] = stats
    return folders
