"""The output folder: built whole beside itself, swapped in at once, never lost.

A build writes everything into a staging folder beside the output
(`.NAME.build-RANDOM.tmp`, on the same file system, so that a rename moves it)
and swaps it in only when the whole build has succeeded:

- Where the system can exchange two folders in one step (Linux's renameat2),
  the output and the staging folder change places and the old tree is then
  deleted: at no instant is there no output.
- Elsewhere the output is first renamed `.NAME.old-RANDOM.tmp`, then the
  staging folder takes its name. A build killed between the two renames leaves
  no output but a complete old one, and the next build, before anything else,
  renames it back (`prepare`). A complete tree is never deleted while there is
  no output.

A build holds a lock on the folder around the output (flock of the folder
itself: nothing is written there for it) from `prepare` to its end, so two
builds into one output (of two projects: one project's builds already share
its lock) run one after the other: neither deletes the other's staging folder
or takes files from an output the other is replacing. A second build waits for
the first, and after `WAIT_SECONDS` stops with `Busy`. Ctrl-C is held back for
the instant of the swap, so that a build is stopped either before it (the
output is unchanged) or after it (`Replaced`).

Folders are made with the mode the umask gives (0755 under the usual umask,
not mkdtemp's 0700), so that a web server running as another user can read
the site. An `--output` that is a symbolic link stays a link: the folder it
points at is the one replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import secrets
import shutil
import signal
import stat
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.model.errors import ContentError, Problem
from builder.publish import beside, marker

# Beside a public build: the release record of it (release.py).
RELEASE_ENDING = ".release"
REPLACE_FLAG = "--replace-other-profile"

# How long a build waits for another writing into the same folder.
WAIT_SECONDS = 600.0

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: builds into one folder are not kept apart
    fcntl = None


class Replaced(KeyboardInterrupt):
    """Ctrl-C arrived after the new output was put in place."""

    message = ("Stopped after the new output was put in place; the next build checks it again "
               "(the build cache of this one was not kept).")


@dataclass(frozen=True)
class Target:
    """The folder a build replaces: `path` is the real folder (where a link given as
    --output points), `given` the path as given."""

    path: Path
    given: Path
    built_as: str = ""  # which build is writing it: "public", "internal with drafts"

    @property
    def parent(self) -> Path:
        return self.path.parent

    def leftovers(self, kind: str) -> list[Path]:
        return sorted(self.parent.glob(f".{self.path.name}.{kind}-*.tmp"))


@contextlib.contextmanager
def prepare(content_dir: Path, output_dir: Path, built_as: str = "", replace_other: bool = False
            ) -> Iterator[Target]:
    """For the whole build: check where the output goes, follow a link given as
    --output, hold the lock on the folder around it, and first of all put back an
    output that a build killed during its swap left renamed, so that no later
    failure can lose it. Leftovers of killed builds are deleted. A folder that
    holds another profile's build (`built_as`: "public", "internal with drafts")
    is replaced only when `replace_other` says so."""
    target = Target(Path(os.path.realpath(output_dir)) if output_dir.is_symlink() else output_dir.absolute(),
                    output_dir, built_as)
    _check_location(content_dir, target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _write_error(output_dir, exc) from None
    with _folder_locked(target.parent):
        try:
            with _ctrl_c_held():
                _put_back(target)
        except OSError as exc:
            raise _write_error(output_dir, exc) from None
        _check_location(content_dir, target)
        if not replace_other:
            _check_profile(target)
        _check_only_its_own(target)
        yield target


def _check_location(content_dir: Path, target: Target) -> None:
    content, output = content_dir.resolve(), target.path.resolve()
    if output == content or content.is_relative_to(output) or output.is_relative_to(content):
        raise ContentError([Problem(str(target.given), 0, "the output folder must be outside the content folder "
                                    "and must not contain it; choose another --output")])
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / marker.MARKER).exists())):
        raise ContentError([Problem(str(target.given), 0, "this folder exists and was not made by briefing, so it "
                                    "will not be replaced; choose another --output or move it away")])


def _check_only_its_own(target: Target) -> None:
    """A folder is replaced only when everything in it is what a build wrote there,
    as its marker lists: briefing never deletes a file it did not write."""
    output = target.path
    if output.is_dir() and (output / marker.MARKER).exists():
        written = marker.written(output)
        if written is None:
            raise ContentError([Problem(str(target.given), 0, f"this folder's marker ({marker.MARKER}) does not list the "
                                        "files a build wrote (it was made by an earlier version of briefing, or the "
                                        "marker was changed or cannot be read), so a build cannot tell them from "
                                        "files put there since and will not replace it: move the folder away "
                                        "(keeping anything of yours from it) and build again")])
        others = marker.not_written(output, written)
        if others:
            shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
            raise ContentError([Problem(str(target.given), 0, f"this folder holds what briefing did not write there "
                                        f"({shown}), which a build would delete, so it was not replaced: move "
                                        "those out of it (a site is copied to where it is served, never built "
                                        "there beside other files), or choose another --output")])


def _check_profile(target: Target) -> None:
    """An internal build into the folder of a public one would put exempt and
    sensitive pages where the public site is served: never without being asked."""
    was = marker.built_as(target.path)
    if not was and (target.parent / f"{target.path.name}{RELEASE_ENDING}").is_dir():
        was = "public"  # made before the marker said; the release record beside it says so
    if was and target.built_as and was != target.built_as:
        raise ContentError([Problem(str(target.given), 0, f"this folder holds a '{was}' build, which this "
                                    f"'{target.built_as}' build would replace; choose another --output, or add "
                                    f"{REPLACE_FLAG} to replace it")])


def _put_back(target: Target) -> None:
    """Restore the output from the old tree a killed swap left, then delete what
    killed builds left (the lock on the folder keeps every running build out):
    old trees only once there is an output."""
    olds = target.leftovers("old")
    if olds and not os.path.lexists(target.path):
        newest = max(olds, key=lambda p: os.lstat(p).st_ctime_ns)  # a rename sets the change time
        os.rename(newest, target.path)
        olds.remove(newest)
    if os.path.lexists(target.path):
        for old in olds:
            shutil.rmtree(old, ignore_errors=True)
    for staging in target.leftovers("build"):
        shutil.rmtree(staging, ignore_errors=True)
    beside.settle(target.path)


class Busy(Exception):
    """Another build is writing into the same folder; `str()` says so."""


@contextlib.contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold the lock on a folder (flock of the folder itself: nothing is written).
    Waits up to WAIT_SECONDS for another holder, then raises `Busy`. Where the
    folder cannot be locked (no flock, or a file system without it), goes on without."""
    fd = None
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if fd is not None:
            deadline = time.monotonic() + WAIT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise Busy(f"{folder}: another briefing build is writing into this folder; wait for it "
                                   "to finish, then run again") from None
                    time.sleep(0.05)
                except OSError:
                    break  # a file system without locks
        yield
    finally:
        if fd is not None:
            os.close(fd)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C waits until the block is done, then arrives as usual. (A handler, not
    a signal mask: whichever thread the signal reaches, the handler runs here.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        if callable(previous):
            previous(signal.SIGINT, None)  # the handler that was in place: it remembers, and raises
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt


def _write_error(output_dir: Path, exc: OSError) -> ContentError:
    where = f" ({exc.filename})" if exc.filename else ""
    return ContentError([Problem(str(output_dir), 0, f"the output could not be written: {exc.strerror or exc}"
                                 f"{where}; the previous output is unchanged. Free some disk space or "
                                 "check the folder's permissions, then build again")])


class Staging:
    """The folder a build writes into, beside the output, locked while it is written.
    Use as a context manager: left without `swap_in`, it is deleted."""

    def __init__(self, target: Target):
        self.target = target
        self.path = target.parent / f".{target.path.name}.build-{secrets.token_hex(6)}.tmp"
        self.swapped = False
        try:
            os.mkdir(self.path, 0o777)  # the umask decides, as for any folder the user makes
        except OSError as exc:
            raise _write_error(target.given, exc) from None

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if not self.swapped:
            shutil.rmtree(self.path, ignore_errors=True)
            if isinstance(exc, OSError):
                raise _write_error(self.target.given, exc) from None

    def swap_in(self, beside_files: dict[str, str]) -> list[Problem]:
        """Mark the staging folder complete and put it in the output's place, with
        `beside_files` (by path from the output's parent: the server configuration,
        the release record) at once after it; the old output is deleted. Ctrl-C
        during this waits, then raises `Replaced`. Returns warnings of files beside
        that could not be written."""
        marker.write(self.path, self.target.built_as)
        output = self.target.path
        try:
            places = {self.target.given.absolute().parent / name: text for name, text in beside_files.items()}
            pending, problems = beside.prepare(output, self.path, places, umask())
        except OSError as exc:
            raise _write_error(self.target.given, exc) from None
        try:
            with _ctrl_c_held():
                try:
                    old = self._swap(output)
                except BaseException:
                    beside.discard(pending)
                    raise
                self.swapped = True
                beside.put_in_place(pending)
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
        except KeyboardInterrupt:
            if self.swapped:
                raise Replaced() from None
            raise
        return problems

    def _swap(self, output: Path) -> Path | None:
        """Put the staging folder in the output's place; returns where the old output is now."""
        if not os.path.lexists(output):
            os.rename(self.path, output)
            return None
        if _exchange(self.path, output):
            return self.path
        old = self.target.parent / f".{output.name}.old-{secrets.token_hex(6)}.tmp"
        os.rename(output, old)
        try:
            os.rename(self.path, output)
        except OSError:
            os.rename(old, output)
            raise
        return old


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one step where the system can (Linux 3.15+, glibc 2.28+);
    False where it cannot, so the caller renames twice."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(-100, os.fsencode(first), -100, os.fsencode(second), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # a file system that cannot exchange: rename twice
    raise OSError(code, os.strerror(code), str(second))


_RENAMEAT2: list = []


def _renameat2():
    if not _RENAMEAT2:
        function = None
        if os.name == "posix":
            with contextlib.suppress(OSError, AttributeError):
                function = ctypes.CDLL(None, use_errno=True).renameat2
                function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                function.restype = ctypes.c_int
        _RENAMEAT2.append(function)
    return _RENAMEAT2[0]


def file_stats(folder: Path) -> dict[str, tuple[int, int, int, int, int]]:
    """Every file under `folder` (relative path, with forward slashes) with its
    size, modification time, change time, inode and mode: a file changed in any
    way, even with its old size and time put back, differs in one of them. A file
    whose mode is not the one the umask gives now is left out, as if it were not
    there: it is made again, with the mode the user asks for."""
    stats = {}
    root = str(folder)
    prefix = len(root) + 1
    wanted = 0o666 & ~umask()
    for parent, _, files in os.walk(root):
        for name in files:
            path = os.path.join(parent, name)
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == wanted:
                stats[path[prefix:].replace(os.sep, "/")] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                                            info.st_ino, info.st_mode)
    return stats


def umask() -> int:
    """The process's umask, read without changing it where the system says it."""
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    current = os.umask(0o022)
    os.umask(current)
    return current


class Previous:
    """Takes files unchanged since the last build from the old output into the new
    one: as hard links, so nothing is copied, where the file system allows it.
    Thousands of files are taken on every build, so each folder is made once and
    paths stay plain strings."""

    def __init__(self, old: Path, new: Path, usable: dict | set):
        self.old, self.new = str(old), str(new)
        self.usable = usable  # the files of the old output that may be taken (see `file_stats`)
        self.folders = {""}

    def take(self, path: str) -> None:
        folder = path.rpartition("/")[0]
        if folder not in self.folders:
            os.makedirs(f"{self.new}/{folder}", exist_ok=True)
            self.folders.add(folder)
        source, target = f"{self.old}/{path}", f"{self.new}/{path}"
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    def take_all(self, paths) -> None:
        for path in paths:
            self.take(path)

    def write_or_take(self, path: str, data: bytes) -> None:
        """Keep the old file when nothing in it changed, as for rendered outputs."""
        if path in self.usable:
            try:
                with open(os.path.join(self.old, path), "rb") as previous:
                    if previous.read() == data:
                        self.take(path)
                        return
            except OSError:
                pass
        with open(os.path.join(self.new, path), "wb") as target:
            target.write(data)
