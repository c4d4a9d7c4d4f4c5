"""Where the build cache is kept: one SQLite database of JSON text in the
project's private folder (`.briefing/cache/build.sqlite3`, mode 0600).

It holds, for each build setting (output folder, profile, drafts), the
`LastBuild` of the last build; the content files parsed so far, by the hash of
their bytes; the validated model of each content folder, one row per item
(`serialise`); the stat signatures and hashes of the files last scanned; and
what the skeleton check found. Nothing read from it runs: rows are JSON, read
as mappings, lists, text, numbers and the model's own record types, and a row
not of the shape written is not used. The
database is used only in a private folder that passes `project_folder.folder`'s
checks; one written by other code or other versions is emptied, one that
cannot be read is made again, and one that fails while in use is dropped for
the rest of the build. `reuse` decides what the records mean.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from builder.incremental.serialise import model_from_json, model_to_json, source_from_json, source_to_json
from builder.system import project_folder
from builder.reading.content_files import ParseCache
from builder.model.errors import Problem
from builder.incremental.fingerprints import versions
from builder.project.kinds import KINDS
from builder.model.content import Item
from builder.model.project import Project

# The fields of Project that hold items: each item is kept in a row of its own.

CACHE_FOLDER = "cache"
DATABASE = "build.sqlite3"


@dataclass(frozen=True)
class Made:
    """What one output was made from when it was written."""

    made_from: str | None  # its fingerprint (None: made from something no later build can know)
    planned: str  # the fingerprint of its planned inputs alone
    reads: tuple[tuple[str, str], ...] = ()  # what the recorder saw it read beyond them


@dataclass
class LastBuild:
    """What a build of one setting left, for the next build of that setting."""

    state: str = ""  # everything it was made from; "" when not known to be complete
    basis: str = ""  # the key of the model it was made from
    written: tuple[str, ...] = ()
    warnings: tuple[Problem, ...] = ()
    files: dict[str, tuple[int, ...]] = field(default_factory=dict)  # every output file as the build left it
    outputs: dict[str, Made] = field(default_factory=dict)
    bundles: dict[str, str] = field(default_factory=dict)  # search bundle folder -> fingerprint of its pages

    def to_json(self) -> str:
        return json.dumps({
            "state": self.state,
            "basis": self.basis,
            "written": list(self.written),
            "warnings": [{"path": p.path, "line": p.line, "message": p.message} for p in self.warnings],
            "files": self.files,  # path -> its stat signature (see output.file_stats), compared whole
            "outputs": {path: {"made_from": m.made_from, "planned": m.planned, "reads": [list(r) for r in m.reads]}
                        for path, m in self.outputs.items()},
            "bundles": self.bundles,
        })

    @classmethod
    def from_json(cls, text: str) -> LastBuild:
        """The record, or an empty one when anything in it is not of the shape written."""
        try:
            data = json.loads(text)
            record = cls(
                state=_text(data["state"]),
                basis=_text(data["basis"]),
                written=tuple(_text(path) for path in data["written"]),
                warnings=tuple(Problem(_text(w["path"]), _number(w["line"]), _text(w["message"]), True)
                               for w in data["warnings"]),
                files={_text(path): tuple(_number(n) for n in info) for path, info in data["files"].items()},
                outputs={_text(path): _made(entry) for path, entry in data["outputs"].items()},
                bundles={_text(folder): _text(bundle_made_from) for folder, bundle_made_from in data["bundles"].items()},
            )
        except (ValueError, TypeError, KeyError, AttributeError):
            return cls()
        return record


def _made(entry: dict) -> Made:
    made_from = entry["made_from"]
    return Made(None if made_from is None else _text(made_from), _text(entry["planned"]),
                tuple((_text(kind), _text(key)) for kind, key in entry["reads"]))


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _number(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("not a number")
    return value


class Cache:
    """The build cache of one build: its setting's record, and the parsed files.
    Without a database (no usable private folder) it remembers nothing and every
    build is cold; a database that fails is dropped, never trusted."""

    def __init__(self, database: sqlite3.Connection | None, slot: str, told: tuple[Problem, ...] = (),
                 where: str = ""):
        self.database = database
        self.slot = slot
        self.where = where  # the database, for messages
        self.told = told  # the warning to show when there is no cache, once
        self._parsed: dict[tuple[str, str], str] | None = None

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # The record ------------------------------------------------------------------

    def record(self) -> LastBuild:
        row = self._query("SELECT data FROM builds WHERE slot = ?", (self.slot,))
        return LastBuild.from_json(row[0][0]) if row else LastBuild()

    def save(self, record: LastBuild) -> None:
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

    # What files were hashed -------------------------------------------------------

    def signatures(self) -> dict[str, list]:
        """The stat signature and hash of each file the last scan hashed (see `reuse.scan`)."""
        row = self._query("SELECT data FROM derived WHERE name = 'signatures'", ())
        if not row:
            return {}
        try:
            data = json.loads(row[0][0])
            return {_text(path): [*(_number(n) for n in entry[:5]), _text(entry[5])] for path, entry in data.items()}
        except (ValueError, TypeError, KeyError, AttributeError, IndexError):
            return {}

    def keep_signatures(self, signatures: dict[str, list], before: dict[str, list]) -> None:
        if signatures != before:
            self._write("INSERT OR REPLACE INTO derived (name, data) VALUES ('signatures', ?)",
                        [(json.dumps(signatures),)])

    # The model --------------------------------------------------------------------

    def model_hashes(self, folder: str) -> tuple[str, dict[str, str]] | None:
        """The key of the model kept for a content folder, and the hashes of the
        content files it was loaded from; None when there is none."""
        row = self._query("SELECT data FROM models WHERE folder = ?", (folder,))
        if not row:
            return None
        try:
            data = json.loads(row[0][0])
            hashes = {_text(path): _text(digest) for path, digest in data["hashes"].items()}
            return _text(data["key"]), hashes
        except (ValueError, TypeError, KeyError, AttributeError):
            return None

    def model(self, folder: str) -> tuple[Project, list[Problem], dict[str, str]] | None:
        """The model kept for a content folder, the warnings of its load, and each
        item's light fingerprint (by path) as `keep_model` was given it."""
        row = self._query("SELECT data FROM models WHERE folder = ?", (folder,))
        items = self._query("SELECT path, data, light FROM model_items WHERE folder = ?", (folder,))
        if not row or items is None:
            return None
        try:
            data = json.loads(row[0][0])
            shell = model_from_json(data["project"])
            kept = {path: text for path, text, _ in items}
            lights = {_text(path): _text(light) for path, _, light in items}
            parts = {kind: tuple(model_from_json(kept[path]) for path in paths)
                     for kind, paths in data["order"].items()}
            project = replace(shell, **parts)
            warnings = [Problem(_text(w["path"]), _number(w["line"]), _text(w["message"]), True)
                        for w in data["warnings"]]
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not isinstance(project, Project) or any(not isinstance(item, Item) for item in project.items):
            return None
        return project, warnings, lights

    def keep_model(self, folder: str, key: str, hashes: dict[str, str], project: Project,
                   warnings: list[Problem], light: Callable[[Item], str], changed: list[str] | None = None) -> None:
        """Keep a model: all of it, or (`changed`) only the items of those files,
        the rest being as kept before; `light` gives each item's light fingerprint,
        kept beside it. A model JSON cannot hold is not kept."""
        by_kind = {kind.attribute: getattr(project, kind.attribute) for kind in KINDS}
        try:
            items = [(folder, item.path, model_to_json(item), light(item)) for group in by_kind.values()
                     for item in group if changed is None or item.path in changed]
            data = json.dumps({
                "key": key, "hashes": hashes,
                "warnings": [{"path": w.path, "line": w.line, "message": w.message} for w in warnings],
                "project": model_to_json(replace(project, **{kind: () for kind in by_kind})),
                "order": {kind: [item.path for item in group] for kind, group in by_kind.items()},
            })
        except (TypeError, ValueError):
            self._transaction([("DELETE FROM models WHERE folder = ?", [(folder,)])])
            return
        statements = [("INSERT OR REPLACE INTO model_items (folder, path, data, light) VALUES (?, ?, ?, ?)", items),
                      ("INSERT OR REPLACE INTO models (folder, data) VALUES (?, ?)", [(folder, data)])]
        if changed is None:
            statements.insert(0, ("DELETE FROM model_items WHERE folder = ?", [(folder,)]))
        self._transaction(statements)

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
        except sqlite3.Error as error:
            self._drop(error)
            return None

    def _write(self, sql: str, rows: list) -> None:
        self._transaction([(sql, rows)])

    def _transaction(self, statements: list[tuple[str, list]]) -> None:
        """Several writes, all or none."""
        if self.database is None:
            return
        try:
            with self.database:
                self.database.execute("BEGIN")
                for sql, rows in statements:
                    self.database.executemany(sql, rows)
        except sqlite3.Error as error:
            self._drop(error)

    def _drop(self, error: sqlite3.Error) -> None:
        """A database that fails is not used again by this build, which says so."""
        with contextlib.suppress(sqlite3.Error):
            self.database.close()
        self.database = None
        self.told += (Problem(self.where, 0, f"the build cache failed ({error}); this build goes on without it",
                              is_warning=True),)

    def close(self) -> None:
        if self.database is not None:
            with contextlib.suppress(sqlite3.Error):
                self.database.close()
            self.database = None


def open_cache(content_dir: Path, slot: str) -> Cache:
    """The cache of this project, for the build setting named `slot`. Where the
    project's private folder cannot be used there is none, and `told` holds the
    warning that says so (once)."""
    found = project_folder.folder(content_dir) if content_dir.is_dir() else None
    if found is None:
        return Cache(None, slot)
    if found.path is None:
        warning = found.warning_once()
        return Cache(None, slot, (warning,) if warning else ())
    try:
        folder = project_folder.subfolder(found.path, CACHE_FOLDER)
        database = _connect(folder / DATABASE)
    except (OSError, sqlite3.Error) as exc:
        warning = Problem(str(found.path / CACHE_FOLDER), 0, f"the build cache cannot be used ({exc}); "
                          "building without it", is_warning=True)
        return Cache(None, slot, (warning,))
    return Cache(database, slot, where=str(folder / DATABASE))


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS builds (slot TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parsed (path TEXT NOT NULL, hash TEXT NOT NULL, data TEXT NOT NULL,
                                   PRIMARY KEY (path, hash));
CREATE TABLE IF NOT EXISTS derived (name TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS models (folder TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS model_items (folder TEXT NOT NULL, path TEXT NOT NULL, data TEXT NOT NULL,
                                        light TEXT NOT NULL, PRIMARY KEY (folder, path));
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
            database.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            row = database.execute("SELECT value FROM meta WHERE name = 'versions'").fetchone()
            if row is None or row[0] != versions():
                # Written by other code: its tables may not even have today's columns.
                tables = [name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                for table in tables:
                    database.execute(f'DROP TABLE "{table}"')
                database.executescript(_SCHEMA)
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
