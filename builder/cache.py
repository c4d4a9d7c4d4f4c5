"""Where the build cache is kept: one SQLite database of JSON text in the
project's private folder (`.briefing/cache/build.sqlite3`, mode 0600).

It holds, for each build setting (output folder, profile, drafts), the
`Record` of the last build, and the content files parsed so far by the hash of
their bytes. Nothing read from it runs: rows are JSON, read as mappings, lists,
text and numbers, and a row not of the shape written is not used. The
database is used only in a private folder that passes `private.folder`'s
checks; one written by other code or other versions is emptied, one that
cannot be read is made again, and one that fails while in use is dropped for
the rest of the build. `incremental` decides what the records mean.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from builder import private
from builder.content import ParseCache, source_from_json, source_to_json
from builder.errors import Problem
from builder.fingerprint import versions

CACHE_FOLDER = "cache"
DATABASE = "build.sqlite3"


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
            "state": self.state,
            "written": list(self.written),
            "warnings": [{"path": p.path, "line": p.line, "message": p.message} for p in self.warnings],
            "files": self.files,  # path -> its stat signature (see output.file_stats), compared whole
            "outputs": {path: {"made_from": m.made_from, "planned": m.planned, "reads": [list(r) for r in m.reads]}
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
                warnings=tuple(Problem(_text(w["path"]), _number(w["line"]), _text(w["message"]), True)
                               for w in data["warnings"]),
                files={_text(path): tuple(_number(n) for n in info) for path, info in data["files"].items()},
                outputs={_text(path): _made(entry) for path, entry in data["outputs"].items()},
                bundles={_text(folder): _text(print_) for folder, print_ in data["bundles"].items()},
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


def open_cache(content_dir: Path, slot: str) -> Cache:
    """The cache of this project, for the build setting named `slot`. Where the
    project's private folder cannot be used there is none, and `told` holds the
    warning that says so (once)."""
    found = private.folder(content_dir) if content_dir.is_dir() else None
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
