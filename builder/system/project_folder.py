"""The project's private folder, `.briefing/` beside the content folder, and its one lock.

Everything briefing keeps for itself (the build cache, the preview's site, the
lock) lives in this one folder, never inside or beside an output. What is in it
may be OFFICIAL-SENSITIVE or a draft, and what a build reads back from it must
not be planted by anyone else, so it is used only when it is safe:

- it is created with mode 0700, with a `.gitignore` that keeps it out of git;
- it is used only when it is a real folder (never a symbolic link planted in its
  place: checked with lstat, not followed), owned by the current user and not
  writable by group or others. On Windows, where modes mean little, it is used
  as created;
- when it cannot be created (a read-only project) or is not safe, `folder()`
  says why, and callers do without it: a build runs without a cache (and
  without the lock) and says so once; the preview refuses to start.

`lock()` takes the project's one lock, a file in the folder: `build` and
`serve` hold it while they run (`check` writes nothing and does not). A second
one waits a little, then stops with `Busy`, whose message names the holder.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.model.errors import Problem

NAME = ".briefing"
LOCK_FILE = "lock"
# How long a second build or preview waits for the first before it stops.
LOCK_WAIT_SECONDS = 3.0
_POLL_SECONDS = 0.1
# On Windows a locked byte cannot be read, so the lock is a byte far past the
# holder's line: the line stays readable by whoever is kept waiting.
_WINDOWS_LOCK_OFFSET = 1 << 30

_WINDOWS = os.name == "nt"


def location(content_dir: Path) -> Path:
    """Where the project's private folder is: beside the content folder (as the
    project's own `templates/` is), whether or not it exists. Touches nothing."""
    return Path(content_dir).resolve().parent / NAME


# What a build does when the folder cannot be used, and what the preview does.
WITHOUT = "briefing builds without it, so without a build cache and without the lock"
NO_PREVIEW = "the preview builds only in there, so it cannot start"


@dataclass(frozen=True)
class Private:
    """The outcome of `folder()`: `path` is the folder, checked and ready to use,
    or None when it cannot be used; `reason` then says why (and what to do)."""

    path: Path | None
    where: Path  # where the folder is, usable or not
    reason: str = ""

    def problem(self, consequence: str = WITHOUT) -> Problem | None:
        """Why the folder cannot be used, as a `path: message` line ending with
        what that means (`WITHOUT` for a build, `NO_PREVIEW`); None when usable."""
        if not self.reason:
            return None
        return Problem(str(self.where), 0, f"{self.reason}; {consequence}")

    def warning_once(self, consequence: str = WITHOUT) -> Problem | None:
        """The problem as a warning, for the first caller in this process that
        asks about this folder and reason; None for every later one, and when
        the folder is usable. So a build that asks in several places says so once."""
        problem = self.problem(consequence)
        if problem is None or (self.where, self.reason) in _told:
            return None
        _told.add((self.where, self.reason))
        return Problem(problem.path, 0, problem.message, is_warning=True)


_told: set[tuple[Path, str]] = set()


def folder(content_dir: Path, create: bool = True) -> Private:
    """The project's private folder, created (0700) if it is not there and
    `create`, and checked: a real folder, owned by this user, writable by no one
    else, writable by this user. Never follows a symbolic link in its place.

    Use `.path` (None when unusable); show `.warning_once()` where the command
    shows its warnings, or `.problem(NO_PREVIEW)` where doing without is an
    error. Without `create`, a missing folder gives `.path` None and no reason."""
    path = location(content_dir)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if not create:
            return Private(None, path)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            info = None  # made meanwhile by another briefing: checked below like any other
        except OSError as exc:
            return Private(None, path, f"the project's private folder cannot be created ({_reason(exc)})")
        else:
            # mkdir's mode is reduced by the umask, never widened: make sure.
            with contextlib.suppress(OSError):
                os.chmod(path, 0o700)
                # Kept out of git in any repository, as pytest keeps its cache.
                ignore = os.open(path / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with open(ignore, "w", encoding="utf-8") as file:
                    file.write("# briefing's private folder: never commit it\n*\n")
        try:
            info = os.lstat(path)
        except OSError as exc:
            return Private(None, path, f"the project's private folder cannot be read ({_reason(exc)})")
    except OSError as exc:
        return Private(None, path, f"the project's private folder cannot be read ({_reason(exc)})")
    unsafe = _unsafe(info)
    if not unsafe and not os.access(path, os.W_OK | os.X_OK):
        unsafe = "the project's private folder cannot be written; run 'chmod 700' on it"
    if unsafe:
        return Private(None, path, unsafe)
    return Private(path, path)


def subfolder(private: Path, name: str) -> Path:
    """A folder inside the private folder (created 0700 if need be), for one use:
    `preview`, `cache`. Inside a folder that only its owner can write, nothing
    can be planted by anyone else, but a link is still never followed."""
    path = private / name
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            raise NotADirectoryError(errno.ENOTDIR, "not a folder (a file or link is in its place)", str(path))
    return path


def _unsafe(info: os.stat_result) -> str:
    """Why a folder with this lstat may not be used, or ''."""
    if stat.S_ISLNK(info.st_mode):
        return ("the project's private folder is a symbolic link, which briefing never follows; "
                "delete the link (briefing makes the folder itself)")
    if not stat.S_ISDIR(info.st_mode):
        return "this is not a folder, so briefing cannot keep its private files in it; move it away"
    if _WINDOWS:
        # A junction is not a symbolic link to lstat, but is followed all the same.
        return "the project's private folder is a link, which briefing never follows; delete it" \
            if getattr(info, "st_reparse_tag", 0) else ""
    if info.st_uid != os.getuid():
        return ("the project's private folder belongs to another user, so what is in it cannot be trusted; "
                "delete it (briefing makes it again)")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return ("the project's private folder can be written by other users, so what is in it cannot be "
                "trusted; delete it (briefing makes it again) or run 'chmod 700' on it")
    return ""


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


# The lock ---------------------------------------------------------------------

class Busy(Exception):
    """Another briefing holds the project's lock. `str()` is the message for the
    author: who holds it, and what to do."""

    def __init__(self, lock_file: Path, holder: tuple[int, str] | None):
        self.lock_file = lock_file
        self.holder = holder  # (pid, command), when the holder said
        folder = lock_file.parent
        if holder is None:
            message = f"another briefing is using {folder}; wait for it to finish, then run again"
        else:
            pid, command = holder
            if command == "serve":
                what = "stop it (Ctrl-C where it runs) or wait for it to finish"
            else:
                what = "wait for it to finish, then run again"
            message = f"another briefing {command} (pid {pid}) is using {folder}; {what}"
        super().__init__(message)


@contextlib.contextmanager
def lock(private: Path, command: str, wait: float | None = None) -> Iterator[Path]:
    """Hold the project's lock (`<private>/lock`) for the block, saying in it
    which command (`build`, `serve`) of which process holds it. Waits up to
    `wait` seconds (default LOCK_WAIT_SECONDS) for another holder, then raises
    `Busy`. The lock is the operating system's (flock, or a locked byte on
    Windows): it goes with the process, so a killed build never leaves it
    behind. Raises OSError when the lock file cannot be opened."""
    path = private / LOCK_FILE
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags, 0o600)
    try:
        deadline = time.monotonic() + (LOCK_WAIT_SECONDS if wait is None else wait)
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                raise Busy(path, _holder(fd))
            time.sleep(_POLL_SECONDS)
        try:
            _write_holder(fd, command)
            yield path
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def holder(private: Path) -> tuple[int, str] | None:
    """(pid, command) of whoever last took the lock, as written in the lock file."""
    try:
        fd = os.open(private / LOCK_FILE, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        return _holder(fd)
    finally:
        os.close(fd)


def _write_holder(fd: int, command: str) -> None:
    os.lseek(fd, 0, os.SEEK_SET)
    if not _WINDOWS:
        os.ftruncate(fd, 0)
    line = f"{os.getpid()} {command}\n".encode()
    os.write(fd, line.ljust(64))  # padded: on Windows a longer old line is overwritten, not truncated


def _holder(fd: int) -> tuple[int, str] | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        line = os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        return None
    pid, _, command = line.partition(" ")
    if not pid.isdigit() or not command.strip():
        return None
    return int(pid), command.strip()


if _WINDOWS:  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES):
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
