"""The one object through which a build uses its cache (Lektor's build state is
the model): `scan` the inputs, `load` the model, `reusable(plan)` for what may be
taken unchanged from the last output, `record(made)` once the new output is in
place. The store, the scan, the fingerprints and the last build's record stay
behind it; what each output read is recorded where it is read (the recorder of
`render.templates`), never by callers remembering to.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.incremental import reuse
from builder.incremental.reuse import Inputs, LastBuild, Loaded, OutputFingerprints, Settings
from builder.model.errors import Problem


@dataclass(frozen=True)
class Reuse:
    """What a build may take from the last output: `paths` unchanged, as `last`
    recorded them, while the files are as `on_disk` found them."""

    paths: frozenset[str]
    last: LastBuild
    on_disk: dict[str, tuple]

    def made_from(self, path: str, fingerprints: OutputFingerprints) -> str | None:
        """What a page was made from, as it would be made now: None when it is new."""
        if path in self.paths:
            return self.last.outputs[path].made_from
        if path in self.last.outputs:
            return fingerprints.made_from(path, self.last.outputs[path].reads)
        return None


class BuildCache:
    def __init__(self, store: reuse.Cache, content_dir: Path, output: Path, settings: Settings):
        self._store = store
        self._content_dir = content_dir
        self._output = output
        self._settings = settings
        self._fingerprints = reuse.Fingerprinter()
        self._model: Loaded | None = None
        self._state = ""
        self.inputs: Inputs | None = None
        self.last: LastBuild = store.record()
        self.on_disk: dict[str, tuple] = {}

    @classmethod
    @contextlib.contextmanager
    def open(cls, content_dir: Path, output: Path, settings: Settings) -> Iterator[BuildCache]:
        with reuse.open_cache(content_dir, output, settings) as store:
            yield cls(store, content_dir, output, settings)

    @property
    def told(self) -> tuple[Problem, ...]:
        """What the cache itself has to say (a private folder it could not use)."""
        return self._store.told

    def scan(self, commit: str | None, on_disk: dict[str, tuple]) -> Inputs:
        """Hash every input (files unchanged since the last scan are not read);
        `on_disk` is the output's files as they are now (`output_folder.file_stats`)."""
        self.inputs = reuse.scan(self._content_dir, commit, self._store)
        self.on_disk = on_disk
        self._state = reuse.fingerprint(self.inputs.key, self._settings, str(self._output))
        return self.inputs

    def unchanged(self) -> bool:
        """The same inputs, settings and versions, and the output as it was left."""
        return self.last.state == self._state and self.on_disk == self.last.files

    def load(self, load: Callable, revisable: Callable[[str], bool], revise: Callable) -> Loaded:
        """The validated model, read again only where files changed (`reuse.load_model`).
        `load(content_dir, parsed)` reads the whole project, taking the files it can
        from `parsed` (content files parsed before, by the hash of their bytes)."""

        def read_whole(content_dir: Path, store: reuse.Cache, hashes: dict[str, str]):
            parsed = store.parse_cache(hashes)
            try:
                project, warnings = load(content_dir, parsed)
            except BaseException:
                store.keep_parsed(parsed, complete=False)
                raise
            store.keep_parsed(parsed, complete=True)
            # A file that was not, when read, what was hashed (being saved) unsettles the model.
            return project, warnings, not parsed.unsteady

        self._model = reuse.load_model(self._content_dir, self._store, self.inputs, self._fingerprints, read_whole,
                                       revisable, revise)
        return self._model

    def derived(self, name: str, salt: str, keys: list[str], compute: Callable[[int], object]) -> list:
        """A check's answers kept by the fingerprints of what each was computed from."""
        return self._store.derived(name, salt, keys, compute)

    def full(self, *parts: object) -> str:
        return self._fingerprints.full(*parts)

    def light(self, item: object, *parts: object) -> str:
        return self._fingerprints.light(item, *parts)

    def output_fingerprints(self, shared: tuple, read_values: dict, item: Callable[[], str]) -> OutputFingerprints:
        """The fingerprints of this build's outputs, each planned output added by the planner."""
        return OutputFingerprints(self.inputs, self._settings, shared, read_values, item, self._fingerprints,
                                  self._model, self.last)

    def reusable(self, fingerprints: OutputFingerprints) -> Reuse:
        return Reuse(frozenset(reuse.reusable(fingerprints, self.last, self.on_disk)), self.last, self.on_disk)

    def forget(self) -> None:
        """Before the new output goes in: a build stopped during the swap leaves no record."""
        self._store.forget()

    def record(self, made: LastBuild, files: dict[str, tuple]) -> None:
        """Keep what this build made for the next, once its output is in place: its
        `files` as they are now, and the state it was made from ("" when a content file
        changed while it was read: the next build then looks at everything again)."""
        made.basis = self._model.key
        made.files = files
        made.state = self._state if self._model.steady else ""
        self._store.save(made)
