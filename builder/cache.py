"""The build cache: for each output file, a fingerprint of every input it was made from.

A build renders only the outputs whose fingerprint changed and takes the rest
from the previous output folder. The cache can only save work, never change a
result: an entry is used only when the file it describes is still there exactly
as it was written, and anything unreadable or from another version is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field, fields, is_dataclass
from functools import lru_cache
from pathlib import Path

from builder import __version__
from builder.content import ParseCache

FORMAT = 3


def cache_file(output_dir: Path) -> Path:
    """Beside the output folder, so that replacing the output never loses it."""
    return output_dir.parent / f".{output_dir.name}.cache.json"


def compiled_templates(output_dir: Path) -> Path:
    """Where templates compiled by one build are kept for the next."""
    return output_dir.parent / f".{output_dir.name}.templates"


def fingerprint(*parts: object) -> str:
    """A hash of the parts' reprs: the model is frozen dataclasses, whose repr
    shows every field, so equal fingerprints mean equal inputs."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=20).hexdigest()


class Fingerprinter:
    """Fingerprints of many outputs that share inputs: each model object is hashed
    once, field by field, however many pages show it. Fields named in `skip` are
    left out: what depends on them is recorded as it is read."""

    def __init__(self, skip: tuple[str, ...] = ()) -> None:
        self._digests: dict[int, tuple[object, bytes]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._skip = frozenset(skip)

    def __call__(self, *parts: object) -> str:
        digest = hashlib.blake2b(digest_size=20)
        self._feed(digest, parts)
        return digest.hexdigest()

    def _dataclass_digest(self, value: object) -> bytes:
        known = self._digests.get(id(value))
        if known is None:
            kind = type(value)
            names = self._fields.get(kind)
            if names is None:
                names = self._fields[kind] = tuple(f.name for f in fields(value) if f.name not in self._skip)
            digest = hashlib.blake2b(kind.__qualname__.encode(), digest_size=20)
            for name in names:
                self._feed(digest, getattr(value, name))
            # Keep the object alive, so that its id cannot be reused by another.
            known = self._digests[id(value)] = (value, digest.digest())
        return known[1]

    def _feed(self, digest, value: object) -> None:
        if isinstance(value, str):
            data = value.encode("utf-8")
            digest.update(b"s%d:" % len(data))
            digest.update(data)
        elif is_dataclass(value) and not isinstance(value, type):
            digest.update(b"d")
            digest.update(self._dataclass_digest(value))
        elif isinstance(value, (list, tuple)):
            digest.update(b"[%d" % len(value))
            for entry in value:
                self._feed(digest, entry)
        elif isinstance(value, (set, frozenset)):
            # In sorted order: the order of a set changes from one run to the next.
            digest.update(b"{%d" % len(value))
            for entry in sorted(value, key=repr):
                self._feed(digest, entry)
        elif isinstance(value, dict):
            digest.update(b"{%d" % len(value))
            for key, entry in value.items():
                self._feed(digest, key)
                self._feed(digest, entry)
        else:
            digest.update(repr(value).encode("utf-8"))
        digest.update(b";")


@lru_cache(maxsize=1)
def code_version() -> str:
    """The package version and a hash of its source: a change to the code may
    change any output."""
    digest = hashlib.blake2b(__version__.encode(), digest_size=16)
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()


@dataclass
class BuildCache:
    salt: str
    # output path -> [fingerprint, size, mtime_ns, what it read beyond its planned
    # inputs, fingerprint of its planned inputs alone]
    entries: dict = field(default_factory=dict)
    state: str = ""  # everything the last build was made from, when it finished
    files: dict = field(default_factory=dict)  # every file of the output -> [size, mtime_ns]
    basis: str = ""  # the content and options its outputs were planned from

    @classmethod
    def load(cls, output_dir: Path, salt: str) -> BuildCache:
        try:
            data = json.loads(cache_file(output_dir).read_text(encoding="utf-8"))
            if data["format"] == FORMAT and data["salt"] == salt and isinstance(data["entries"], dict):
                return cls(salt, data["entries"], data["state"], data["files"], data["basis"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return cls(salt)

    def output_unchanged(self, output_dir: Path, state: str) -> bool:
        """True when the last build was made from exactly `state` and every file it
        wrote is still there as it was written, and no other file has appeared."""
        return bool(self.state) and self.state == state and _file_stats(output_dir) == self.files

    def finish(self, output_dir: Path, state: str) -> None:
        self.state = state
        self.files = _file_stats(output_dir)

    def _entry(self, path: str) -> list | None:
        entry = self.entries.get(path)
        if isinstance(entry, list) and len(entry) == 5 and isinstance(entry[3], list) \
                and all(isinstance(entry[i], str) for i in (0, 4)):
            return entry
        return None

    def reads(self, path: str) -> list[tuple[str, str]]:
        """What the output read beyond its planned inputs when it was made."""
        entry = self._entry(path)
        if entry is None:
            return []
        return [tuple(read) for read in entry[3]
                if isinstance(read, list) and len(read) == 2 and all(isinstance(part, str) for part in read)]

    def planned(self, path: str) -> str | None:
        """The fingerprint of the output's planned inputs when it was made."""
        entry = self._entry(path)
        return entry[4] if entry else None

    def reusable(self, output_dir: Path, path: str, print_: str | None) -> bool:
        """True when `path` was made from the same inputs and is unchanged on disk."""
        entry = self._entry(path)
        if entry is None or print_ is None or entry[0] != print_:
            return False
        try:
            stat = os.stat(output_dir / path)
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == entry[1:3]

    def record(self, folder: Path, path: str, print_: str, reads: list[tuple[str, str]], planned: str) -> None:
        stat = os.stat(folder / path)
        self.entries[path] = [print_, stat.st_size, stat.st_mtime_ns, [list(read) for read in reads], planned]

    def save(self, output_dir: Path) -> None:
        """Written after the output is in place; if it cannot be, the next build is just slower."""
        target = cache_file(output_dir)
        temporary = target.with_suffix(".tmp")
        try:
            temporary.write_text(json.dumps({"format": FORMAT, "salt": self.salt, "entries": self.entries,
                                             "state": self.state, "files": self.files, "basis": self.basis}),
                                 encoding="utf-8")
            os.replace(temporary, target)
        except OSError:
            temporary.unlink(missing_ok=True)


def _file_stats(folder: Path) -> dict[str, list[int]]:
    stats = {}
    prefix = len(str(folder)) + 1
    for parent, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(parent, name)
            stat = os.stat(path)
            stats[path[prefix:]] = [stat.st_size, stat.st_mtime_ns]
    return stats


@dataclass(frozen=True)
class ContentState:
    """The content folder as it is on disk, without reading any file."""

    folder: str  # the content folder, resolved
    files: dict  # content path -> [size, mtime_ns]
    key: str  # a fingerprint of the code, the folder and every file's name, size and time


def content_state(content_dir: Path) -> ContentState:
    folder, files = str(content_dir.resolve()), _file_stats(content_dir)
    return ContentState(folder, files, fingerprint(code_version(), folder, sorted(files.items())))


@dataclass(frozen=True)
class Model:
    """The loaded model, and how it relates to the last one."""

    result: tuple  # what `load` returns
    since: str | None  # the content state it was revised from (or is), None when loaded whole
    edited: tuple[str, ...] = ()  # the files whose text was revised


class ModelStore:
    """The model of the last build, kept beside the output: reading and validating
    is most of a rebuild's work. While the content is as it was, the model is taken
    as it is; when only the text of some Markdown files changed, only those files
    are read and checked again (`revise`); otherwise the whole folder is loaded,
    and even then files that did not change are not parsed again. The parsed files
    are kept apart, since only a whole load needs them."""

    def __init__(self, content_dir: Path, output_dir: Path):
        self.content_dir = content_dir
        self.model_file = output_dir.parent / f".{output_dir.name}.model.pickle"
        self.parsed_file = output_dir.parent / f".{output_dir.name}.parsed.pickle"
        self._unsaved: dict[Path, tuple] = {}

    def load(self, state: ContentState, load: Callable[[Path, ParseCache], tuple],
             revise: Callable[..., tuple | None]) -> Model:
        code = code_version()
        stored = _unpickle(self.model_file, code)
        if stored is not None:
            key, folder, files, result = stored
            if key == state.key:
                return Model(result, key)
            # Files of another folder may have the same names, sizes and times.
            if folder == state.folder and files.keys() == state.files.keys():
                edited = sorted(path for path, stat in state.files.items() if files[path] != stat)
                # The files it reads are not kept as parsed: a whole load reads them again.
                revised = revise(self.content_dir, *result, edited)
                if revised is not None:
                    self._unsaved[self.model_file] = (code, state.key, state.folder, state.files, revised)
                    return Model(revised, key, tuple(edited))
        folder, parsed = _unpickle(self.parsed_file, code) or (None, {})
        parse_cache = ParseCache(parsed if folder == state.folder else {})
        result = load(self.content_dir, parse_cache)
        self._unsaved[self.model_file] = (code, state.key, state.folder, state.files, result)
        self._unsaved[self.parsed_file] = (code, state.folder, parse_cache.current)
        return Model(result, None)

    def save(self) -> None:
        """Keep a newly loaded model for the next build; if it cannot be, that build is just slower."""
        for path, data in self._unsaved.items():
            temporary = path.with_suffix(".tmp")
            try:
                temporary.write_bytes(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(temporary, path)
            except OSError:
                temporary.unlink(missing_ok=True)
        self._unsaved = {}


def _unpickle(path: Path, code: str) -> tuple | None:
    """What was kept in `path` by this same code, without the code; None when
    there is nothing, or it is unreadable or from other code."""
    try:
        stored = pickle.loads(path.read_bytes())
    except Exception:  # a missing, stale or corrupt cache is simply not used
        return None
    return stored[1:] if isinstance(stored, tuple) and stored and stored[0] == code else None
