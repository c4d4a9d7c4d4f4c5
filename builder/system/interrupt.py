"""Ctrl-C that cannot be lost on its way.

Python raises KeyboardInterrupt wherever the main thread happens to be. When
that is inside a callback from native code (nh3 calls back into Python to
filter attributes), the library reports the exception as "ignored" and carries
on, and the build would go on to replace the output the user asked to keep.
So a Ctrl-C is also remembered, and the build asks before each step that
cannot be undone.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_pressed = threading.Event()


def _remember_and_raise(signum, frame) -> None:
    _pressed.set()
    raise KeyboardInterrupt


@contextmanager
def remembered() -> Iterator[None]:
    """Within this block (entered on the main thread), Ctrl-C is remembered as well as raised."""
    _pressed.clear()
    previous = signal.signal(signal.SIGINT, _remember_and_raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _pressed.clear()


def stop_if_pressed() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even if it was swallowed on the way."""
    if _pressed.is_set():
        raise KeyboardInterrupt
