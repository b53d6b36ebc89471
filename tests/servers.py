"""Processes the tests talk to over HTTP: a free loopback port, a command serving on it, stopped when the test is done."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ready(url: str, port: int, path: str | None) -> bool:
    try:
        if path is None:  # listening is enough
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        return httpx.get(url + path, timeout=2).status_code == 200
    except (OSError, httpx.HTTPError):
        return False


@contextlib.contextmanager
def serving(args: list[str], cwd: Path, env: dict[str, str] | None = None, ready_path: str | None = None,
            wait_s: float = 30) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`python ARGS` ("{port}" in ARGS becomes a free loopback port) until it listens, or until `ready_path` answers
    200 (the service: its search processes have started); then its address and process, terminated afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([sys.executable, *(a.replace("{port}", str(port)) for a in args)], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + wait_s
    while time.time() < deadline and proc.poll() is None and not _ready(url, port, ready_path):
        time.sleep(0.2)
    try:
        yield url, proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)
