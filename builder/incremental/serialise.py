"""What the build cache keeps, as JSON text, and back: each parsed content file
(mappings, lists, plain values, links, line numbers), and the validated model.

Reading makes data only, never code. For the model, a mapping marked `$model` becomes one of the model's
own frozen dataclasses (by name, and only those defined in the modules of `builder.model`:
content, minutes, partnership and project), lists become tuples, and dates and sets what they were.
Anything else (a value of another kind, a name that is not a model class, a
field the class does not have) raises TypeError, ValueError or KeyError, and
the cache then does without. Writing refuses, with TypeError, any value it could not read back
exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import dataclasses
import json
from dataclasses import fields, is_dataclass

from builder.markdown import links
from builder.model import content, minutes, partnership, project
from builder.reading.content_files import SourceFile
from builder.reading.yamlread import LineDict, LineList, TypedFloat, TypedInt


def source_to_json(source: SourceFile) -> str:
    """A parsed file as JSON text, line numbers and all, with the links found in its
    body where they were looked for; TypeError for values JSON cannot hold exactly
    (which are then simply parsed again)."""
    found = source.__dict__.get("links")  # the cached property, where it was worked out
    links_data = None if found is None else [_link_to_json(link) for link in found]
    return json.dumps([_data_to_json(source.data), source.body, source.body_line, links_data], allow_nan=False)


def source_from_json(path: str, text: str) -> SourceFile:
    """The file `source_to_json` wrote. Only data is made: mappings, lists, plain
    values and links; anything else raises TypeError or ValueError."""
    data, body, body_line, links_data = json.loads(text)
    if type(body) is not str or type(body_line) is not int:
        raise TypeError("not a parsed file")
    source = SourceFile(path, _data_from_json(data), body, body_line)
    if links_data is not None:
        source.__dict__["links"] = [_link_from_json(entry) for entry in links_data]
    return source


def _link_to_json(link) -> dict:
    values = {field.name: getattr(link, field.name) for field in dataclasses.fields(link)}
    if type(link) is not links.SourceLink or any(type(v) not in _PLAIN_JSON for v in values.values()):
        raise TypeError("a link of another kind is not kept")
    return values


def _link_from_json(values) -> links.SourceLink:
    names = {field.name for field in dataclasses.fields(links.SourceLink)}
    if type(values) is not dict or set(values) != names or any(type(v) not in _PLAIN_JSON for v in values.values()):
        raise TypeError("not a link")
    return links.SourceLink(**values)


# Values kept exactly as they are: a subclass of one (a number that remembers how it
# was typed, say) is not, since JSON would lose what makes it one.
_PLAIN_JSON = (str, bool, int, float, type(None))


def _data_to_json(value):
    if isinstance(value, LineDict):
        return {"map": value.line, "keys": [[key, value.line_of(key), _data_to_json(entry)]
                                           for key, entry in value.items()]}
    if isinstance(value, LineList):
        return {"list": value.line, "lines": list(value.item_lines), "items": [_data_to_json(v) for v in value]}
    if type(value) in _PLAIN_JSON:
        return value
    if type(value) in (TypedInt, TypedFloat):
        return {"typed": type(value).__name__, "value": value.typed, "number": type(value).__mro__[1](value)}
    raise TypeError(f"{type(value).__name__} is not kept")


def typed_number(value: dict):
    """A number that remembers how it was typed, as `_data_to_json` keeps it."""
    kind = {"TypedInt": TypedInt, "TypedFloat": TypedFloat}[value["typed"]]
    number = kind(value["number"])
    if type(value["value"]) is not str:
        raise TypeError("not a typed number")
    number.typed = value["value"]
    return number


def _data_from_json(value):
    if isinstance(value, dict):
        if "typed" in value:
            return typed_number(value)
        if "map" in value:
            result = LineDict()
            result.line, result.key_lines = _whole(value["map"]), {}
            for key, line, entry in value["keys"]:
                if isinstance(key, (dict, list)):
                    raise TypeError("a key must be plain")
                result[key] = _data_from_json(entry)
                result.key_lines[key] = _whole(line)
            return result
        items = LineList(_data_from_json(entry) for entry in value["items"])
        items.line, items.item_lines = _whole(value["list"]), [_whole(line) for line in value["lines"]]
        return items
    if isinstance(value, list):
        raise TypeError("a list is kept as a mapping")
    return value


def _whole(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("a line is a whole number")
    return value


_CLASSES = {cls.__name__: cls for module in (content, minutes, partnership, project) for cls in vars(module).values()
            if isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == module.__name__}
_PLAIN = (str, int, float, bool, type(None))


def model_to_json(value: object) -> str:
    return json.dumps(_encode(value), allow_nan=False, separators=(",", ":"))


def model_from_json(text: str) -> object:
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
