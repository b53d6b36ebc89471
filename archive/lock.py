"""One build at a time: an exclusive `fcntl.flock` on build/build.lock.

The kernel drops a flock when its holder exits, however it exits (kill -9 included), so a lock left by a killed
build is never mistaken for a running one: the file may stay, the lock does not. The holder writes its pid into the
file so that a second build can say who is running.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_held: list[int] = []  # the descriptor of the lock this process holds, for forked workers to let go of


def release_in_child() -> None:
    """In a forked worker: close the inherited lock descriptor, so that a worker outliving a killed build (finishing
    its current source) does not keep the lock from the next build. The parent's lock is unaffected."""
    while _held:
        os.close(_held.pop())


class BuildRunning(RuntimeError):
    """Another build holds the lock."""


@contextmanager
def build_lock(path: Path, wait: bool = False) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise BuildRunning(f"another build is running (pid {holder})") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held.append(fd)
        yield
    finally:
        if fd in _held:
            _held.remove(fd)
        os.close(fd)  # releases the lock
