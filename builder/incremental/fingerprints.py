"""Fingerprints: BLAKE2 hashes of bytes, of model objects, and of the versions
of everything that shapes an output. Two values have the same fingerprint only
when they are equal and of the same types; `reuse` says what each output's
fingerprint is made of."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import fields, is_dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from builder import __version__
from builder.model import files
from builder.model.content import TEXT_FIELDS

# Bumped when what is hashed changes shape.
FORMAT = 1
# The libraries whose output a build publishes (by distribution name).
DEPENDENCIES = ("jinja2", "markupsafe", "markdown", "nh3", "pyyaml", "weasyprint", "pagefind", "pagefind-bin")


def hash_file(path: str | Path) -> str:
    kind = files.special(path)
    if kind:
        return f"special: {kind}"  # never opened; the load refuses it
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

    def object_light(self, value: object) -> str:
        """The digest `light` gives one model object, as `seed` takes it back."""
        names = self._fields.get(type(value), False)
        if names is False:
            names = self._fields[type(value)] = _field_names(type(value))
        return self._object(value, names, False).hex()

    def seed(self, value: object, light: str) -> None:
        """Take `light` as the object's digest without `light` (from `object_light`
        of an equal object, by the same code, in an earlier build)."""
        known = self._memo.get(id(value))
        if known is None:
            self._memo[id(value)] = [value, bytes.fromhex(light), None]

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
            parts.extend([self._bytes(getattr(value, name), full) for name in light_names])
            if full:
                parts.extend([self._bytes(getattr(value, name), True) for name in text_names])
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
    package = Path(__file__).parents[1]
    for source in sorted(package.rglob("*.py")):  # briefing's own code
        digest.update(source.relative_to(package).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()
