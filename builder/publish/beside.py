"""What a build puts beside its output folder (the server configuration in
`server/`, a public build's release record in `<output>.release/`) goes into
place with the output, so that it never describes another build than the one
beside it.

The files are written first as temporary files beside their places, and listed
in a journal (`.NAME.publish-RANDOM.tmp`) before the output is swapped; right
after the swap each is renamed into place. The journal names the build by its
staging folder (device and inode: a swap moves the folder, so after it the
output is that folder). A build killed between the swap and the renames is
finished by the next build, before anything else: the output is the journal's
folder, so its files go into place; a build killed before its swap is undone:
its files are deleted. Between the two there is only as long as a rename takes.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from builder.model.errors import Problem


@dataclass(frozen=True)
class Pending:
    """The files of one build waiting beside the output, and the journal that lists them."""

    journal: Path
    moves: tuple[tuple[Path, Path], ...]  # (temporary file, its place)


def _journals(output: Path) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.publish-*.tmp"))


def prepare(output: Path, staging: Path, files: dict[Path, str], umask: int) -> tuple[Pending, list[Problem]]:
    """Write the journal (beside `output`, the real folder), then each of `files`
    (where it goes: its text) beside its place: every temporary file is in a
    journal before it exists, so none is ever left behind. A file that cannot be
    written is a warning: the site is built without it."""
    token = secrets.token_hex(6)
    moves = tuple((place.parent / f".{place.name}.{token}.tmp", place) for place in files)
    journal = output.parent / f".{output.name}.publish-{token}.tmp"
    listed = [[str(temporary), str(place)] for temporary, place in moves]
    journal.write_text(json.dumps({"build": _folder_id(staging), "moves": listed}), encoding="utf-8")
    problems = []
    for (temporary, place), text in zip(moves, files.values()):
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            with open(temporary, "w", encoding="utf-8", newline="\n") as file:
                file.write(text)
            os.chmod(temporary, 0o666 & ~umask)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            problems.append(Problem(str(place), 0, f"could not be written: {exc.strerror or exc}; the site itself "
                                                   "was built", is_warning=True))
    return Pending(journal, moves), problems


def put_in_place(pending: Pending) -> None:
    """Right after the swap: each file written into its place, then the journal goes."""
    for temporary, place in pending.moves:
        if temporary.exists():
            os.replace(temporary, place)
    pending.journal.unlink()


def discard(pending: Pending) -> None:
    """A build that did not swap: its files and journal go."""
    for temporary, _ in pending.moves:
        temporary.unlink(missing_ok=True)
    pending.journal.unlink(missing_ok=True)


def _beside(output: Path, temporary: Path, place: Path) -> bool:
    """A move a build makes: a temporary file of its own name into a place beside,
    never inside, the output."""
    return (temporary.parent == place.parent and temporary.name.startswith(f".{place.name}.")
            and temporary.name.endswith(".tmp") and place.is_absolute() and ".." not in place.parts
            and not place.is_relative_to(output))


def _folder_id(folder: Path) -> list[int]:
    info = os.stat(folder)
    return [info.st_dev, info.st_ino]


def settle(output: Path) -> None:
    """Finish or undo what a killed build left waiting (under the folder's lock)."""
    built = _folder_id(output) if output.is_dir() else None
    for journal in _journals(output):
        try:
            listed = json.loads(journal.read_text(encoding="utf-8"))
            moves = tuple((Path(temporary), Path(place)) for temporary, place in listed["moves"])
            build = listed["build"]
            if not all(_beside(output, temporary, place) for temporary, place in moves):
                raise ValueError("a journal naming files elsewhere is none of a build's")
        except (OSError, ValueError, KeyError, TypeError):
            # Cut short as it was written: no file of its build was written yet.
            journal.unlink(missing_ok=True)
            continue
        if build and build == built:
            put_in_place(Pending(journal, moves))
        else:
            discard(Pending(journal, moves))
