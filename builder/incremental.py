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

Every hash is of bytes. Each build reads and hashes every content and
template file (about 40 ms for the 2,000 items of `make bench`): a stat
shortcut would save 30 ms of it and is not worth trusting sizes and times.
Where nothing at all changed (the same hashes, settings and versions, and
every output file as the last build left it), the build ends there.

Where it is kept
----------------
In the project's private folder (`private.folder`: 0700, owned by the user,
checked like Jinja's own bytecode cache checks its folder; otherwise the
build runs without a cache and says so once), in one SQLite database whose
values are JSON text. Nothing read from it runs: no pickle, no marshal, no
compiled templates (templates are compiled in memory by each process), and
an entry that does not have the shape expected is not used. Every setting
(output folder, profile, drafts) keeps its own record, so that switching
between internal, public and the drafts preview is not a cold build each time.
Parsed content files are kept by the hash of their bytes, shared by all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import stat
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from builder import __version__, private, templates
from builder.content import ParseCache, source_from_json, source_to_json
from builder.errors import Problem
from builder.model import TEXT_FIELDS

FORMAT = 1
DEPENDENCIES = ("jinja2", "markupsafe", "markdown", "nh3", "pyyaml", "weasyprint", "pagefind", "pagefind-bin")
CACHE_FOLDER = "cache"
DATABASE = "build.sqlite3"


def hash_bytes(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def hash_file(path: str | Path) -> str:
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, lambda: hashlib.blake2b(digest_size=20)).hexdigest()
    except OSError as exc:
        return f"unreadable {exc.errno}"  # the load reports it; nothing can match it


class Fingerprinter:
    """Fingerprints (BLAKE2) of many outputs that share inputs: each model object
    is hashed once, field by field, however many outputs show it. `light` leaves
    out the fields named in `TEXT_FIELDS` (an item's text: what depends on it is
    recorded as it is read); `full` hashes everything. Two values have the same
    fingerprint only when they are equal and of the same types."""

    def __init__(self) -> None:
        # id -> (the object, kept alive so that its id is not reused; light digest; full digest)
        self._memo: dict[int, list] = {}
        self._fields: dict[type, tuple[tuple[str, ...], tuple[str, ...]] | None] = {}

    def light(self, *parts: object) -> str:
        return hashlib.blake2b(self._bytes(parts, False), digest_size=20).hexdigest()

    def full(self, *parts: object) -> str:
        return hashlib.blake2b(self._bytes(parts, True), digest_size=20).hexdigest()

    __call__ = full

    def _bytes(self, value: object, full: bool) -> bytes:
        kind = type(value)
        if kind is str:
            data = value.encode("utf-8", "surrogatepass")
            return b"s%d:%b" % (len(data), data)
        if kind is tuple or kind is list:
            return b"[%d:%b]" % (len(value), b"".join([self._bytes(entry, full) for entry in value]))
        names = self._fields.get(kind, False)
        if names is False:
            names = self._fields[kind] = _field_names(kind)
        if names is not None:
            return b"d" + self._object(value, names, full)
        if value is None or kind is bool or kind is int or kind is float or kind is dt.date:
            return b"%b:%b;" % (kind.__name__.encode(), repr(value).encode())
        if kind is dict:
            return b"{%d:%b}" % (len(value), b"".join([self._bytes(key, full) + self._bytes(entry, full)
                                                        for key, entry in value.items()]))
        if kind is set or kind is frozenset:
            # In sorted order: the order of a set changes from one run to the next.
            entries = sorted(self._bytes(entry, full) for entry in value)
            return b"(%d:%b)" % (len(entries), b"".join(entries))
        if isinstance(value, str):  # Markup and other kinds of text: the kind matters
            data = value.encode("utf-8", "surrogatepass")
            return b"%b:s%d:%b" % (kind.__qualname__.encode(), len(data), data)
        # Anything else: its kind and repr. A repr that shows a memory address
        # never matches another run's, which is safe.
        return b"%b:%b;" % (kind.__qualname__.encode(), repr(value).encode("utf-8", "surrogatepass"))

    def _object(self, value: object, names: tuple, full: bool) -> bytes:
        known = self._memo.get(id(value))
        if known is None:
            known = self._memo[id(value)] = [value, None, None]
        slot = 2 if full else 1
        if known[slot] is None:
            light_names, text_names = names
            parts = [type(value).__qualname__.encode()]
            parts.extend(self._bytes(getattr(value, name), full) for name in light_names)
            if full:
                parts.extend(self._bytes(getattr(value, name), True) for name in text_names)
            known[slot] = hashlib.blake2b(b"|".join(parts), digest_size=20).digest()
        return known[slot]


def _field_names(kind: type) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """A dataclass's fields without its text, and its text fields; None for anything else."""
    if not is_dataclass(kind):
        return None
    names = [f.name for f in fields(kind)]
    return tuple(n for n in names if n not in TEXT_FIELDS), tuple(n for n in names if n in TEXT_FIELDS)


def fingerprint(*parts: object) -> str:
    return Fingerprinter().full(*parts)


@lru_cache(maxsize=1)
def versions() -> str:
    """Python, the libraries whose output a build publishes, and this package's
    own code: a change to any of them may change any output."""
    import yaml

    lines = [f"format {FORMAT}", f"python {sys.version} {sys.implementation.name}", f"briefing {__version__}",
             f"libyaml {yaml.__with_libyaml__}"]
    for name in DEPENDENCIES:
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} missing")
    digest = hashlib.blake2b("\n".join(lines).encode(), digest_size=20)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


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


def scan(content_dir: Path, commit: str | None = "") -> Inputs:
    """Hash every file under the content folder (links followed, as reading them
    does) and every template file."""
    content = _hash_tree(content_dir)
    found = {}
    for number, folder in enumerate(templates.template_dirs(content_dir)):
        found.update((f"{number}/{path}", digest) for path, digest in _hash_tree(folder).items())
    return Inputs(content, found, commit or "")


def _hash_tree(root: Path) -> dict[str, str]:
    hashes: dict[str, str] = {}
    seen: set[tuple[int, int]] = set()
    top = str(root)
    for parent, folders, files in os.walk(top, followlinks=True):
        try:
            info = os.stat(parent)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen:  # a link back up: once is enough
            folders[:] = []
            continue
        seen.add((info.st_dev, info.st_ino))
        relative = os.path.relpath(parent, top).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in files:
            hashes[prefix + name] = hash_file(os.path.join(parent, name))
    return hashes


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


class Prints:
    """The fingerprints of one build's outputs. `read_values` maps each kind of
    read the recorder notes to a function from its key to the value it has now."""

    def __init__(self, inputs: Inputs, settings: Settings, shared_parts: tuple,
                 read_values: dict[str, Callable[[str], object]], everything: Callable[[], object],
                 fingerprints: Fingerprinter | None = None):
        self.fingerprints = fingerprints or Fingerprinter()
        self.shared = self.fingerprints.full(versions(), inputs.templates_key, settings.profile, settings.today, settings.drafts,
                                settings.with_search, *shared_parts)
        self.read_values = dict(read_values)
        self.read_values[templates.EVERYTHING[0]] = lambda key: everything()
        self.planned: dict[str, str] = {}

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
        reads = list(reads)
        if not reads:
            return self.planned[path]
        values = []
        for kind, key in reads:
            value_of = self.read_values.get(kind)
            if value_of is None:
                return None
            values.append((kind, key, value_of(key)))
        return self.fingerprints.full(self.planned[path], values)

    def item(self, item: object) -> str:
        """One model object, text and all."""
        return self.fingerprints.full(item)


def reusable(prints: Prints, last: Record, on_disk: dict[str, tuple]) -> set[str]:
    """The outputs of this build that may be taken from the last output as they are:
    made from what they would be made from now, and as the last build left them."""
    found = set()
    for path, planned in prints.planned.items():
        made = last.outputs.get(path)
        if made is None or made.made_from is None or made.planned != planned:
            continue
        stats = on_disk.get(path)
        if stats is None or stats != last.files.get(path):
            continue
        if prints.made_from(path, made.reads) == made.made_from:
            found.add(path)
    return found


def bundle_print(bundle, made: dict[str, str | None]) -> str | None:
    """A search bundle is made from its pages: None when one of them is not known."""
    pages = [made.get(page) for page in bundle.pages]
    return None if None in pages else fingerprint(bundle.glob, pages)


def unchanged_folders(bundles, current: dict[str, str | None], last: Record, on_disk: dict[str, tuple]) -> set[str]:
    """The folders of the search bundles whose pages are made from what they were
    made from, and whose files are all as the last build left them."""
    now, then = _by_folder(on_disk), _by_folder(last.files)
    kept = set()
    for bundle in bundles:
        print_ = bundle_print(bundle, current)
        if print_ is not None and last.bundles.get(bundle.folder) == print_ \
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


# The record of a build ---------------------------------------------------------------

@dataclass(frozen=True)
class Made:
    """What one output was made from when it was written."""

    made_from: str | None  # its fingerprint (None: made from something no later build can know)
    planned: str  # the fingerprint of its planned inputs alone
    reads: tuple[tuple[str, str], ...] = ()  # what the recorder saw it read beyond them


@dataclass
class Record:
    """What a build of one setting left, for the next build of that setting."""

    state: str = ""  # everything it was made from; "" when not known to be complete
    written: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()
    files: dict[str, tuple[int, ...]] = field(default_factory=dict)  # every output file as the build left it
    outputs: dict[str, Made] = field(default_factory=dict)
    bundles: dict[str, str] = field(default_factory=dict)  # search bundle folder -> fingerprint of its pages

    def to_json(self) -> str:
        return json.dumps({
            "state": self.state, "written": list(self.written),
            "warnings": [[p.path, p.line, p.message] for p in self.warnings],
            "files": self.files,
            "outputs": {path: [m.made_from, m.planned, [list(read) for read in m.reads]]
                        for path, m in self.outputs.items()},
            "bundles": self.bundles,
        })

    @classmethod
    def from_json(cls, text: str) -> Record:
        """The record, or an empty one when anything in it is not of the shape written."""
        try:
            data = json.loads(text)
            record = cls(
                state=_text(data["state"]),
                written=tuple(_text(path) for path in data["written"]),
                warnings=tuple(Problem(_text(path), _number(line), _text(message), True)
                               for path, line, message in data["warnings"]),
                files={_text(path): tuple(_number(n) for n in info) for path, info in data["files"].items()},
                outputs={_text(path): Made(None if made_from is None else _text(made_from), _text(planned),
                                           tuple((_text(kind), _text(key)) for kind, key in reads))
                         for path, (made_from, planned, reads) in data["outputs"].items()},
                bundles={_text(folder): _text(print_) for folder, print_ in data["bundles"].items()},
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls()
        return record


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not a number")
    return value


# The cache ---------------------------------------------------------------------------

class Cache:
    """The build cache of one build: its setting's record, and the parsed files.
    Without a database (no usable private folder) it remembers nothing and every
    build is cold; a database that fails is dropped, never trusted."""

    def __init__(self, database: sqlite3.Connection | None, slot: str, told: tuple[Problem, ...] = ()):
        self.database = database
        self.slot = slot
        self.told = told  # the warning to show when there is no cache, once
        self._parsed: dict[tuple[str, str], str] | None = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # The record ------------------------------------------------------------------

    def record(self) -> Record:
        row = self._query("SELECT data FROM builds WHERE slot = ?", (self.slot,))
        return Record.from_json(row[0][0]) if row else Record()

    def save(self, record: Record) -> None:
        self._write("INSERT OR REPLACE INTO builds (slot, data) VALUES (?, ?)", [(self.slot, record.to_json())])

    def forget(self) -> None:
        """The output is about to change: until a new record is saved, nothing of the old one holds."""
        self._write("DELETE FROM builds WHERE slot = ?", [(self.slot,)])

    # Parsed files ----------------------------------------------------------------

    def parse_cache(self, hashes: dict[str, str]) -> ParseCache:
        return ParseCache(self._known_source, hashes)

    def _known_source(self, path: str, digest: str):
        if self._parsed is None:
            rows = self._query("SELECT path, hash, data FROM parsed", ()) or []
            self._parsed = {(path_, hash_): data for path_, hash_, data in rows}
        data = self._parsed.get((path, digest))
        if data is None:
            return None
        try:
            return source_from_json(path, data)
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def keep_parsed(self, parsed: ParseCache, complete: bool) -> None:
        """Keep the files newly parsed; once a whole load has read every file, forget
        the versions of files that are no longer there."""
        rows = []
        for (path, digest), source in parsed.new.items():
            with contextlib.suppress(TypeError, ValueError):  # YAML that JSON cannot hold is parsed again
                rows.append((path, digest, source_to_json(source)))
        if rows:
            self._write("DELETE FROM parsed WHERE path = ?", [(path,) for path, _, _ in rows])
            self._write("INSERT OR REPLACE INTO parsed (path, hash, data) VALUES (?, ?, ?)", rows)
        if complete and self._parsed is not None:
            current = set(parsed.used) | set(parsed.new)
            gone = [key for key in self._parsed if key not in current]
            if gone:
                self._write("DELETE FROM parsed WHERE path = ? AND hash = ?", gone)

    # Values derived from items ------------------------------------------------------

    def derived(self, name: str, salt: str, keys: list[str], compute: Callable[[int], object]) -> list:
        """A value for each of `keys` (fingerprints of what it is computed from), taken
        from the last build where known, else `compute(index)`; JSON values only."""
        row = self._query("SELECT data FROM derived WHERE name = ?", (name,))
        known: dict = {}
        if row:
            with contextlib.suppress(ValueError, TypeError, KeyError):
                stored = json.loads(row[0][0])
                if isinstance(stored, dict) and stored.get("salt") == salt and isinstance(stored.get("values"), dict):
                    known = stored["values"]
        values = []
        for index, key in enumerate(keys):
            if key not in known:
                known[key] = compute(index)
            values.append(known[key])
        kept = dict(zip(keys, values))
        if not row or len(kept) != len(known):
            self._write("INSERT OR REPLACE INTO derived (name, data) VALUES (?, ?)",
                        [(name, json.dumps({"salt": salt, "values": kept}))])
        return values

    # The database ------------------------------------------------------------------

    def _query(self, sql: str, parameters: tuple) -> list | None:
        if self.database is None:
            return None
        try:
            return self.database.execute(sql, parameters).fetchall()
        except sqlite3.Error:
            self._drop()
            return None

    def _write(self, sql: str, rows: list) -> None:
        if self.database is None:
            return
        try:
            with self.database:
                self.database.executemany(sql, rows)
        except sqlite3.Error:
            self._drop()

    def _drop(self) -> None:
        """A database that fails is not used again by this build."""
        with contextlib.suppress(sqlite3.Error):
            self.database.close()
        self.database = None

    def close(self) -> None:
        if self.database is not None:
            with contextlib.suppress(sqlite3.Error):
                self.database.close()
            self.database = None


def open_cache(content_dir: Path, output: Path, settings: Settings) -> Cache:
    """The cache of this project and setting. Where the project's private folder
    cannot be used there is none, and `told` holds the warning that says so (once)."""
    found = private.folder(content_dir) if content_dir.is_dir() else None
    slot = settings.slot(output)
    if found is None:
        return Cache(None, slot)
    if found.path is None:
        warning = found.warning_once()
        return Cache(None, slot, (warning,) if warning else ())
    try:
        folder = private.subfolder(found.path, CACHE_FOLDER)
        database = _connect(folder / DATABASE)
    except (OSError, sqlite3.Error) as exc:
        warning = Problem(str(found.path / CACHE_FOLDER), 0, f"the build cache cannot be used ({exc}); "
                          "building without it", is_warning=True)
        return Cache(None, slot, (warning,))
    return Cache(database, slot)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS builds (slot TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parsed (path TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL,
                                   PRIMARY KEY (path, hash));
CREATE TABLE IF NOT EXISTS derived (name TEXT PRIMARY KEY, data TEXT NOT NULL);
"""


def _connect(path: Path) -> sqlite3.Connection:
    """The database, made again when it is not a plain file of this user's, cannot
    be read, or was written by other code or other versions."""
    for attempt in range(2):
        with contextlib.suppress(FileNotFoundError):
            info = os.lstat(path)
            if not stat.S_ISREG(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
                os.unlink(path)
        # Readable by its owner only (SQLite gives its journal the same mode), and never through a link.
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600))
        os.chmod(path, 0o600)
        database = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            database.execute("PRAGMA journal_mode=WAL")
            database.execute("PRAGMA synchronous=NORMAL")
            database.executescript(_SCHEMA)
            row = database.execute("SELECT value FROM meta WHERE name = 'versions'").fetchone()
            if row is None or row[0] != versions():
                with database:
                    for table in ("builds", "parsed", "derived", "meta"):
                        database.execute(f"DELETE FROM {table}")
                    database.execute("INSERT INTO meta (name, value) VALUES ('versions', ?)", (versions(),))
            return database
        except sqlite3.DatabaseError:
            database.close()
            if attempt:
                raise
            for suffix in ("", "-wal", "-shm", "-journal"):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(f"{path}{suffix}")
    raise AssertionError("unreachable")
