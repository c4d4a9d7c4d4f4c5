"""The records briefing writes into the content folder, to be committed with it:
what an agenda pack held when it was issued (`issued`), what minutes said when
they were confirmed (`confirmed`). Each holds hashes of the content, not
of the output: the same in both profiles, and not changed by a new version of
briefing or its templates."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import yaml

from builder.model.errors import Problems

# Line numbers say where a field is written, not what it says; an action's
# status and history are its progress since, which is reported as it stands.
NOT_HASHED = frozenset({"field_lines", "body_line", "links", "line", "path", "origin", "status", "history"})


def digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def canonical(value: object, skip: frozenset[str] = NOT_HASHED) -> object:
    """A dataclass as plain data to hash. A field left at its default is left out,
    so that a field added to briefing later does not change every record."""
    if dataclasses.is_dataclass(value):
        return {field.name: canonical(getattr(value, field.name), skip) for field in dataclasses.fields(value)
                if field.name not in skip and getattr(value, field.name) != field.default}
    if isinstance(value, tuple):
        return [canonical(entry, skip) for entry in value]
    return value


def read_record(content_dir: Path, name: str, what: str, shape: Callable[[dict], dict], problems: Problems) -> dict:
    """The record file `name` made into `shape` (which raises ValueError, KeyError,
    TypeError or AttributeError when the file is not one), or {} when there is none."""
    file = content_dir / name
    if not file.is_file():
        return {}
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError("it is not a mapping")
        return shape(data)
    except (OSError, UnicodeError, yaml.YAMLError, ValueError, KeyError, TypeError, AttributeError) as exc:
        problems.error(name, 1, f"the record of {what} cannot be read ({str(exc).splitlines()[0]}); "
                                "restore it from version control")
        return {}


def write_record(content_dir: Path, name: str, text: str) -> None:
    """Replace the record file whole, so that it is never left half written."""
    file = content_dir / name
    temporary = file.with_name(f".{name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(file)
