"""Reading the record of issued packs (`issued.yaml`) back, field by field.

The build writes the record and nobody should edit it, but people do, and a merge
of two branches that each issued a pack can leave it damaged. Each problem names
its line and what to do: restore the file from version control, or delete the
meeting's entry so that the next build records its pack again as it stands.
"""

from __future__ import annotations

import re

from builder.reading import fields as f
from builder.reading.content_files import read_text
from builder.model.errors import Problems
from builder.reading.yamlread import LineDict, LineList, parse_yaml

MANIFEST = "issued.yaml"
_HASH = re.compile(r"[0-9a-f]{16}")
_PACK = re.compile(r"agenda|reissued|supplementary [1-9][0-9]*")
_KEYS = ("pack", "file", "issued", "reason", "cover", "items")
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})( |$)", re.MULTILINE)
_RESTORE = "restore the file from version control"


class _Wrong(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def read_manifest(content_dir, problems: Problems) -> dict:
    """The packs recorded for each meeting, by the meeting's path: {path: [pack]},
    each pack {pack, file, issued, reason?, cover?, items: {number: {part: hash}}}.
    Entries with a problem are left out, after an error at their line."""
    file = content_dir / MANIFEST
    if not file.is_file():
        return {}
    text = read_text(file, MANIFEST, problems)
    if text is None:
        return {}
    conflicts = [text.count("\n", 0, match.start()) + 1 for match in _CONFLICT.finditer(text)]
    if conflicts:
        for line in conflicts:
            problems.error(MANIFEST, line, "a merge left this conflict marker in the record of issued packs: keep "
                           "both sides' entries and remove the markers, or delete the entries of the meetings in "
                           "conflict so that the next build records their packs again as they stand")
        return {}
    before = len(problems.errors)
    data = parse_yaml(text, MANIFEST, 1, problems) if text.strip() else {}
    if len(problems.errors) > before:
        return {}
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        problems.error(MANIFEST, 1, f"the record of issued packs must list the packs of each meeting by the "
                                    f"meeting's file; {_RESTORE}, or delete it to record every issued pack again")
        return {}
    manifest = {}
    for path, packs in data.items():
        line = data.line_of(path)
        remedy = (f"{_RESTORE}, or delete the entry of '{f.visible(str(path))}' (line {line}) so that the next "
                  "build records its pack again as it stands")
        wrong = []
        if not isinstance(path, str) or not path.startswith("meetings/") or not path.endswith(".yaml"):
            wrong.append(_Wrong(line, f"'{f.visible(str(path))}' is not a meeting's file (meetings/<id>.yaml)"))
        elif not isinstance(packs, LineList) or not packs:
            wrong.append(_Wrong(line, "the entry must be a list of packs, each starting '- pack:'"))
        else:
            read = []
            for index, pack in enumerate(packs):
                try:
                    read.append(_pack(pack, packs.item_lines[index], index + 1))
                except _Wrong as exc:
                    wrong.append(exc)
            manifest[path] = read
        for exc in wrong:
            problems.error(MANIFEST, exc.line, f"{exc}: {remedy}")
        if wrong:
            manifest.pop(path, None)  # half a record would freeze half a pack
    return manifest


def _pack(pack: object, line: int, number: int) -> dict:
    where = f"pack {number} of the entry"
    if not isinstance(pack, LineDict):
        raise _Wrong(line, f"{where} must be written as 'pack:', 'file:', 'issued:' and 'items:' lines")
    for key in pack:
        if key not in _KEYS:
            raise _Wrong(pack.line_of(key), f"'{f.visible(str(key))}' is not a field of a recorded pack "
                                            f"({', '.join(_KEYS)})")
    for key in ("pack", "file", "issued", "items"):
        if key not in pack:
            raise _Wrong(pack.line, f"{where} has no '{key}'")
    kind = pack["pack"]
    if not isinstance(kind, str) or not _PACK.fullmatch(kind):
        raise _Wrong(pack.line_of("pack"), f"'pack' must be agenda, reissued or supplementary N, not "
                                          f"'{f.visible(str(kind))}'")
    try:
        issued = f.date(pack["issued"]).isoformat()
    except f.Invalid as exc:
        raise _Wrong(pack.line_of("issued"), f"'issued' {exc}") from None
    record = {"pack": kind, "file": _text(pack, "file"), "issued": issued, "items": _items(pack)}
    if not kind.startswith("supplementary"):
        if "cover" not in pack:
            raise _Wrong(pack.line, f"{where} ({kind}) has no 'cover'")
        record["cover"] = _digest(pack["cover"], pack.line_of("cover"), "'cover'")
    if "reason" in pack:
        record["reason"] = _text(pack, "reason")
    elif kind == "reissued":
        raise _Wrong(pack.line, f"{where} (reissued) has no 'reason'")
    return record


def _text(pack: LineDict, key: str) -> str:
    try:
        return f.text(pack[key])
    except f.Invalid as exc:
        raise _Wrong(pack.line_of(key), f"'{key}' {exc}") from None


def _items(pack: LineDict) -> dict[int, dict[str, str]]:
    items, line = pack["items"], pack.line_of("items")
    if not isinstance(items, LineDict):
        raise _Wrong(line, "'items' must list each agenda item's number with the hashes of its parts")
    result = {}
    for number, parts in items.items():
        at = items.line_of(number)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            raise _Wrong(at, f"'{f.visible(str(number))}' is not an agenda item's number")
        if not isinstance(parts, LineDict) or not parts:
            raise _Wrong(at, f"item {number} must list the hashes of its parts, such as '\"text\": \"...\"'")
        result[int(number)] = {str(part): _digest(digest, parts.line_of(part), f"the hash of item {number}'s {part}")
                               for part, digest in parts.items()}
    return result


def _digest(value: object, line: int, what: str) -> str:
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise _Wrong(line, f"{what} must be 16 characters 0-9 and a-f as the build wrote it, not "
                           f"'{f.visible(str(value))}'")
    return value
