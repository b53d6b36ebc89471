"""A build step's work in a child process of its own: the memory it takes is the system's again when it ends.

A Python process seldom gives freed memory back, and a forked worker copies its parent's heap page by page as the
garbage collector touches it. At 100,000 documents the browse pages left the build process holding 1.7 GB, and each
of Whoosh's two index workers, forked from it, held a copy. So the pages are made in a forked child (it reads the
build's records in place, and only a few counts come back) and the index in a spawned one (a fresh interpreter: its
workers start from a small process, not from a copy of the build's heap).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

from .lock import release_in_child

T = TypeVar("T")


def _watch_parent(parent: int) -> None:
    """End this child, and the processes it started (Whoosh's index workers), when the build that started it is gone
    (killed): none of them may write on into the next build."""
    while os.getppid() == parent:
        time.sleep(0.5)
    for process in multiprocessing.active_children():
        process.kill()
    os._exit(1)


def _child(conn: Connection, parent: int, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    release_in_child()  # a forked child holds the build lock's descriptor: a killed build's child must not keep it
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the build, which reports it
        exc.add_note("in the child process:\n" + "".join(traceback.format_exception(exc)).rstrip())
        try:
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle goes back as its text
            conn.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    finally:
        sys.stdout.flush()
        conn.close()


def run_apart(fn: Callable[..., T], *args: Any, method: str = "fork") -> T:
    """fn(*args) in a child process ("fork": it sees the arguments in place; "spawn": a fresh interpreter, the arguments
    pickled); returns its result or raises its exception. A child that dies without an answer (killed, out of
    memory) raises RuntimeError with its exit code.

    >>> run_apart(sum, [1, 2, 3])
    6
    >>> run_apart(int, "x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: invalid literal for int() with base 10: 'x'
    in the child process:
    Traceback (most recent call last):
    ...
    """
    context: Any = multiprocessing.get_context(method)  # typeshed's BaseContext lacks Process
    receive, send = context.Pipe(duplex=False)
    sys.stdout.flush()
    sys.stderr.flush()
    child = context.Process(target=_child, args=(send, os.getpid(), fn, args), name=getattr(fn, "__name__", "step"))
    child.start()
    send.close()
    status: str
    value: Any
    try:  # the answer, or the child's end: a process it started may hold the pipe open after it died
        answered = wait([receive, child.sentinel]) and receive.poll()
        status, value = receive.recv() if answered else ("died", None)
    except EOFError:  # the child closed the pipe without an answer
        status, value = "died", None
    except BaseException:  # interrupted here (Ctrl-C): the child must not go on writing
        child.kill()
        raise
    finally:
        receive.close()
    child.join()
    if status == "died":
        raise RuntimeError(f"{child.name}: its process ended with exit code {child.exitcode} and no answer")
    if status == "error":
        raise value
    return value
