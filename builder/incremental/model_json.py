"""The validated model as JSON text, and back, for the build cache.

Reading makes data only: a mapping marked `$model` becomes one of the model's
own frozen dataclasses (by name, and only those defined in `builder.model.content` and
`builder.model.minutes`), lists become tuples, and dates and sets what they were.
Anything else (a value of another kind, a name that is not a model class, a
field the class does not have) raises TypeError, ValueError or KeyError, and
the cache then does without. Writing refuses, with TypeError, any value it could not read back
exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import fields, is_dataclass

from builder.model import minutes, content, partnership
from builder.incremental.source_json import typed_number
from builder.reading.yamlread import TypedFloat, TypedInt

_CLASSES = {cls.__name__: cls for module in (content, minutes, partnership) for cls in vars(module).values()
            if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == module.__name__}
_PLAIN = (str, int, float, bool, type(None))


def dumps(value: object) -> str:
    return json.dumps(_encode(value), allow_nan=False, separators=(",", ":"))


def loads(text: str) -> object:
    return _tuples(json.loads(text, object_hook=_decode))


def _encode(value: object) -> object:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is tuple:
        return [_encode(entry) for entry in value]
    if kind is dt.date:
        return {"$date": value.isoformat()}
    if kind in (TypedInt, TypedFloat):
        return {"$typed": kind.__name__, "typed": value.typed, "number": kind.__mro__[1](value)}
    if kind is frozenset:
        return {"$set": sorted(_encode(entry) for entry in value)}
    if _CLASSES.get(kind.__name__) is kind:
        return {"$model": kind.__name__, "$fields": {f.name: _encode(getattr(value, f.name)) for f in fields(value)}}
    raise TypeError(f"a {kind.__name__} is not kept")


def _decode(mapping: dict) -> object:
    if "$model" in mapping:
        values = mapping["$fields"]
        if type(values) is not dict:
            raise TypeError("not a model object")
        return _CLASSES[mapping["$model"]](**{name: _tuples(value) for name, value in values.items()})
    if "$typed" in mapping:
        return typed_number({"typed": mapping["$typed"], "value": mapping["typed"], "number": mapping["number"]})
    if "$date" in mapping:
        return dt.date.fromisoformat(mapping["$date"])
    if "$set" in mapping:
        return frozenset(_tuples(mapping["$set"]))
    return mapping  # the fields of a model object, read before the object itself


def _tuples(value: object) -> object:
    if type(value) is list:
        return tuple(_tuples(entry) for entry in value)
    return value
