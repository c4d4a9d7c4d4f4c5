"""Work spread over processes (`--jobs`), or done in this process for one job."""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import multiprocessing.util
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

PR_SET_PDEATHSIG = 1  # linux/prctl.h


def slices(items: Sequence, size: int) -> list[list]:
    """Work in order, in pieces of `size`: the processes take the next piece as
    each finishes, which keeps them evenly busy."""
    return [list(items[start:start + size]) for start in range(0, len(items), size)]


def worth(jobs: int, items: int, per_process: int) -> int:
    """How many processes are worth starting: each costs a fresh interpreter and
    imports, which a handful of items does not repay."""
    return max(1, min(jobs, -(-items // per_process)))


def _exit_with_parent(parent: int) -> None:
    """A worker whose build was killed outright would otherwise wait for work forever."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _die_with_parent() -> None:
    """On Linux the kernel kills a worker the moment its build is killed: a worker
    left alive even for the second the watching thread sleeps could write a page
    into the staging folder that the next build has just cleared away."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _start_worker(parent: int, setup: Callable, setup_args: tuple, teardown: Callable | None) -> None:
    if sys.platform == "linux":
        _die_with_parent()
        if os.getppid() != parent:  # killed before the signal was asked for
            os._exit(1)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    setup(*setup_args)
    if teardown is not None:
        # A worker leaves through os._exit, past atexit; multiprocessing's own
        # finalizers are what it runs on the way out.
        multiprocessing.util.Finalize(None, teardown, exitpriority=1)


def run(task: Callable, work: list, jobs: int, setup: Callable, setup_args: tuple,
        recycle_after: int | None = None, teardown: Callable | None = None) -> Iterator:
    """`task(chunk)` for every chunk of `work`, in processes that each ran
    `setup(*setup_args)` and run `teardown()` when done; results come in order,
    as they are ready."""
    if not work:
        return
    if jobs <= 1 or len(work) <= 1:
        setup(*setup_args)
        try:
            yield from (task(chunk) for chunk in work)
        finally:
            if teardown is not None:
                teardown()
        return
    # fork shares the parent's memory, so the model is not copied to each worker,
    # but it is only safe while no other thread runs (the preview server has
    # some); and workers can only be recycled, to keep memory flat, when spawned.
    fork = recycle_after is None and threading.active_count() == 1
    context = multiprocessing.get_context("fork" if fork else "spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(), setup, setup_args, teardown),
                             max_tasks_per_child=None if fork else recycle_after) as pool:
        yield from pool.map(task, work)
