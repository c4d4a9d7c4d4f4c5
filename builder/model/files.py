"""What kind of file a content path is, asked without opening it: opening a named
pipe waits for a writer forever, and a device may never end, so every reader of
the content folder asks first and refuses anything but a regular file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISDIR, "a folder"))
NOT_REGULAR = "content files must be ordinary files: remove it or put an ordinary file in its place"


def special(path: str | Path) -> str | None:
    """'a named pipe', 'a device', ...: what the path is (a link followed) where it is
    not a regular file; None for a regular file, or one that cannot be looked at
    (its reader then says why)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not an ordinary file")
