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

A staging folder is locked (flock) by the build writing it, so another build
into the same output never deletes it as a leftover; only leftovers that no
running build holds are deleted. Putting back, cleaning up and swapping hold a
lock on the folder around the output (flock again: nothing is written there
for it). Ctrl-C is held back for the instant of the swap, so that a build is
stopped either before it (the output is unchanged) or after (`Replaced`).

Folders are made with the mode the umask gives (0755 under the usual umask,
not mkdtemp's 0700), so a web server running as another user can read the
site. An `--output` that is a symbolic link stays a link: the folder it points
at is the one replaced.
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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from builder.errors import ContentError, Problem

MARKER = ".briefing-output"
MARKER_TEXT = "Made by briefing. This whole folder is replaced by each build.\n"

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: leftovers are not locked
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

    @property
    def parent(self) -> Path:
        return self.path.parent

    def leftovers(self, kind: str) -> list[Path]:
        return sorted(self.parent.glob(f".{self.path.name}.{kind}-*.tmp"))


def prepare(content_dir: Path, output_dir: Path) -> Target:
    """Check where the output goes, follow a link given as --output, and put back an
    output that a build killed during its swap left renamed: before anything else,
    so that no later failure can lose it. Leftovers of builds no longer running
    are deleted."""
    target = Target(Path(os.path.realpath(output_dir)) if output_dir.is_symlink() else output_dir.absolute(),
                    output_dir)
    _check_location(content_dir, target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _folder_locked(target.parent), _ctrl_c_held():
            _put_back(target)
        _check_location(content_dir, target)
    except OSError as exc:
        raise _write_error(output_dir, exc) from None
    return target


def _check_location(content_dir: Path, target: Target) -> None:
    content, output = content_dir.resolve(), target.path.resolve()
    if output == content or content.is_relative_to(output) or output.is_relative_to(content):
        raise ContentError([Problem(str(target.given), 0, "the output folder must be outside the content folder "
                                    "and must not contain it; choose another --output")])
    if output.exists() and (not output.is_dir() or (any(output.iterdir()) and not (output / MARKER).exists())):
        raise ContentError([Problem(str(target.given), 0, "this folder exists and was not made by briefing, so it "
                                    "will not be replaced; choose another --output or move it away")])


def _put_back(target: Target) -> None:
    """Restore the output from the old tree a killed swap left, and delete the
    leftovers that no running build holds: old trees only once there is an output."""
    olds = [p for p in target.leftovers("old") if _unheld(p)]
    if olds and not os.path.lexists(target.path):
        newest = max(olds, key=lambda p: os.lstat(p).st_ctime_ns)  # a rename sets the change time
        os.rename(newest, target.path)
        olds.remove(newest)
    if os.path.lexists(target.path):
        for old in olds:
            shutil.rmtree(old, ignore_errors=True)
    for staging in target.leftovers("build"):
        if _unheld(staging):
            shutil.rmtree(staging, ignore_errors=True)


def _unheld(folder: Path) -> bool:
    """True when no running build holds this folder (a killed one holds nothing)."""
    if fcntl is None:  # pragma: no cover
        return True
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return not folder.is_dir() or folder.is_symlink()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


@contextlib.contextmanager
def _folder_locked(folder: Path) -> Iterator[None]:
    """Hold a lock on a folder (flock of the folder itself: nothing is written).
    Where the folder cannot be opened for it, goes on without."""
    fd = None
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd is not None:
            os.close(fd)


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C waits until the block is done (then arrives as usual)."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


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
        self._fd: int | None = None
        try:
            os.mkdir(self.path, 0o777)  # the umask decides, as for any folder the user makes
            if fcntl is not None:
                self._fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError as exc:
            self._close()
            shutil.rmtree(self.path, ignore_errors=True)
            raise _write_error(target.given, exc) from None

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if not self.swapped:
            self._close()
            shutil.rmtree(self.path, ignore_errors=True)
        if isinstance(exc, OSError) and not self.swapped:
            raise _write_error(self.target.given, exc) from None

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def swap_in(self) -> None:
        """Mark the staging folder complete and put it in the output's place; the old
        output is deleted. Ctrl-C during this waits, then raises `Replaced`."""
        (self.path / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        output = self.target.path
        try:
            with _folder_locked(self.target.parent), _ctrl_c_held():
                old = self._swap(output)
                self.swapped = True
                self._close()
                if old is not None:
                    shutil.rmtree(old, ignore_errors=True)
        except KeyboardInterrupt:
            if self.swapped:
                raise Replaced() from None
            raise

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


def file_stats(folder: Path) -> dict[str, tuple[int, int, int, int]]:
    """Every file under `folder` (relative path, with forward slashes) with its
    size, modification time, change time and inode: a file changed in any way,
    even with its old size and time put back, differs in one of them."""
    stats = {}
    root = str(folder)
    prefix = len(root) + 1
    for parent, _, files in os.walk(root):
        for name in files:
            path = os.path.join(parent, name)
            info = os.lstat(path)
            if stat.S_ISREG(info.st_mode):
                stats[path[prefix:].replace(os.sep, "/")] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                                            info.st_ino)
    return stats


class Previous:
    """Takes files unchanged since the last build from the old output into the new
    one: as hard links, so nothing is copied, where the file system allows it.
    Thousands of files are taken on every build, so each folder is made once and
    paths stay plain strings."""

    def __init__(self, old: Path, new: Path):
        self.old, self.new = str(old), str(new)
        self.folders = {self.new}

    def take(self, path: str) -> None:
        target = os.path.join(self.new, path)
        folder = os.path.dirname(target)
        if folder not in self.folders:
            os.makedirs(folder, exist_ok=True)
            self.folders.add(folder)
        source = os.path.join(self.old, path)
        try:
            os.link(source, target)
        except OSError:
            shutil.copy2(source, target)

    def take_all(self, paths) -> None:
        for path in paths:
            self.take(path)

    def write_or_take(self, path: str, data: bytes) -> None:
        """Keep the old file when nothing in it changed, as for rendered outputs."""
        try:
            with open(os.path.join(self.old, path), "rb") as previous:
                if previous.read() == data:
                    self.take(path)
                    return
        except OSError:
            pass
        with open(os.path.join(self.new, path), "wb") as target:
            target.write(data)
