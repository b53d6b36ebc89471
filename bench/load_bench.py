"""The search service under load (issue 13): `python -m archive serve` over a synthetic archive of N documents,
20 concurrent clients sending 2,000 mixed requests (half popular queries: words, accent-less, phrases, boolean,
filters, sorting, pages, wildcards, a misspelling; half two-word queries from 1,600 pairs; every tenth the home page),
once idle and once while an incremental rebuild runs.
Baseline from the same run: the same queries from one client, one at a time.

Usage: python -m bench.load_bench [N]   (make bench: N = BENCH_LOAD_DOCS, default 1000)
"""

from __future__ import annotations

import http.client
import itertools
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .build_bench import ROOT, scratch_project
from .search_bench import percentile
from .synthetic import generate

CLIENTS = 20
REQUESTS = 2000
P95_TARGET_MS = 150.0
MIX: list[dict[str, str]] = [
    {"q": "ngân sách"}, {"q": "đảng viên"}, {"q": "nong thon moi"}, {"q": "giai phong mat bang"}, {"q": '"nông thôn mới"'},
    {"q": '"thu ngân sách nhà nước"'}, {"q": "covid OR dịch"}, {"q": "đảng -covid"}, {"q": "(GPMB OR BHYT) đường"},
    {"q": "an ninh trật tự", "sort": "-date"}, {"q": "giáo dục", "page": "2"}, {"q": "ngân sách", "doc_type": "Báo cáo"},
    {"q": "giải phó*"}, {"q": "nong thom moi"}, {"q": "kinh tế xã hội", "per_page": "20"}, {"q": "31-NQ/ĐU"},
]
# the other half of the queries: two words drawn from these (1,600 pairs), so that most are asked once or twice and a
# cache of popular answers does not carry the run
VOCABULARY = ["ngân sách", "đảng viên", "giáo dục", "y tế", "nông thôn", "giao thông", "an ninh", "quốc phòng", "dân số",
              "môi trường", "đất đai", "xây dựng", "văn hóa", "thể thao", "du lịch", "thương mại", "nông nghiệp", "thủy lợi",
              "chăn nuôi", "trồng trọt", "bảo hiểm", "thuế", "hộ nghèo", "việc làm", "thanh niên", "phụ nữ", "cựu chiến binh",
              "mặt trận", "kiểm tra", "giám sát", "cải cách", "hành chính", "chuyển đổi số", "tiêm chủng", "phòng chống",
              "lụt bão", "trật tự", "kinh tế", "xã hội", "quy hoạch"]
STATIC = "/"  # every tenth request: the home page, answered beside the queries


def request_path(i: int) -> str:
    """The i-th request of a run: the home page, a popular query, or a two-word query from the vocabulary."""
    if i % 10 == 9:
        return STATIC
    if i % 2:
        rng = random.Random(i)
        return "/api/search?" + urllib.parse.urlencode({"q": f"{rng.choice(VOCABULARY)} {rng.choice(VOCABULARY)}"})
    return "/api/search?" + urllib.parse.urlencode(MIX[(i // 2) % len(MIX)])


_runs = itertools.count()


@dataclass
class Load:
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def row(self, name: str) -> str:
        lat = self.latencies_ms
        errors = sum(n for s, n in self.statuses.items() if s != 200)
        return (f"| {name} | {len(lat)} | {len(lat) / self.seconds:.0f} | {percentile(lat, 0.5):.0f} | {percentile(lat, 0.95):.0f} | "
                f"{percentile(lat, 0.99):.0f} | {errors} |")


def load(url: str, clients: int, requests: int) -> Load:
    """`clients` threads, each on one keep-alive connection (http.client: a light client, so that the load generator
    takes as little as possible of the cores the service runs on), sharing `requests` requests."""
    result = Load()
    lock = threading.Lock()
    counter = iter(range(requests))
    host, port = url.removeprefix("http://").split(":")
    offset = next(_runs) * requests  # each run asks its own queries

    def client() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        try:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                started = time.perf_counter()
                try:
                    connection.request("GET", request_path(offset + i), headers={"Accept-Encoding": "gzip"})
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    connection.close()
                    status = 0
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    result.latencies_ms.append(elapsed)
                    result.statuses[status] += 1
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


REBUILD_NICE = 10  # the rebuild beside the service runs at a lower priority, as README (Deploying) advises


def _build(project: Path, nice: int = 0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the code; the project is the current directory
    command = [sys.executable, "-m", "archive", "build"]
    if nice and shutil.which("nice"):
        command = ["nice", "-n", str(nice), *command]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def _change_sources(project: Path, count: int) -> None:
    for source in sorted((project / "sources").glob("*.txt"))[:count]:
        text = source.read_text(encoding="utf-8")
        source.unlink()  # replace: the published raw file is a hard link to the old bytes
        source.write_text(text + "\nMột câu bổ sung để thử xây dựng lại khi đang tìm kiếm.\n", encoding="utf-8")


def run(n: int = 1000, keep: Path | None = None, prepare_only: bool = False) -> str:
    """keep: a folder whose built project is reused (the archive is made and built there once), so the load can be
    measured apart from the build, e.g. while other work is paused."""
    work = keep or Path(tempfile.mkdtemp(prefix="archive-load-"))
    project = work / "project"
    server = None
    try:
        if not (project / "build" / "index").is_dir():
            shutil.rmtree(project, ignore_errors=True)
            project.mkdir(parents=True)
            scratch_project(project)
            generate(n, project / "sources")
            print(f"  load: building {n} documents …", flush=True)
            built = _build(project)
            assert built.returncode == 0, built.stdout + built.stderr
        if prepare_only:
            return f"  load: {project} built"
        port = _free_port()
        env = dict(os.environ, PYTHONPATH=str(ROOT))  # the code; the project is the current directory
        server = subprocess.Popen([sys.executable, "-m", "archive", "serve", "--port", str(port)], cwd=project, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(url + "/api/search", params={"q": "xã"}, timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        load(url, 2, len(MIX) * 2)  # every query once in each search process: first-use costs are not the load's
        print("  load: one client …", flush=True)
        alone = load(url, 1, len(MIX) * 10)
        print(f"  load: {CLIENTS} clients, idle …", flush=True)
        idle = load(url, CLIENTS, REQUESTS)
        print(f"  load: {CLIENTS} clients during an incremental rebuild …", flush=True)
        _change_sources(project, 10)
        rebuild: dict[str, object] = {}

        def rebuilding() -> None:
            started = time.perf_counter()
            rebuild["result"] = _build(project, REBUILD_NICE)
            rebuild["seconds"] = time.perf_counter() - started

        builder = threading.Thread(target=rebuilding)
        builder.start()
        during = load(url, CLIENTS, REQUESTS)
        builder.join()
        done = rebuild["result"]
        assert isinstance(done, subprocess.CompletedProcess) and done.returncode == 0, done
        worst_p95 = max(percentile(idle.latencies_ms, 0.95), percentile(during.latencies_ms, 0.95))
        errors = sum(n for s, n in (idle.statuses + during.statuses).items() if s != 200)
        lines = [
            f"### Search service under load: {n} documents, {CLIENTS} clients, {REQUESTS} requests "
            f"({os.cpu_count()} cores, search processes: one per core)",
            "",
            "| run | requests | req/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---|---|---|---|---|---|---|",
            alone.row("baseline: one client, one request at a time"),
            idle.row(f"{CLIENTS} clients, idle"),
            during.row(f"{CLIENTS} clients, during an incremental rebuild of 10 sources (nice {REBUILD_NICE}, {rebuild['seconds']:.1f} s)"),
            "",
            "| target | value | limit | verdict |",
            "|---|---|---|---|",
            f"| p95 under load, worst run | {worst_p95:.0f} ms | ≤ {P95_TARGET_MS:.0f} ms | "
            f"{'met' if worst_p95 <= P95_TARGET_MS else f'**missed by {worst_p95 / P95_TARGET_MS:.2f}×**'} |",
            f"| errors (non-200) | {errors} | 0 | {'met' if errors == 0 else '**missed**'} |",
        ]
        return "\n".join(lines)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    # python -m bench.load_bench [N] [DIR [--prepare]]: DIR keeps the built archive for later runs
    args = [a for a in sys.argv[1:] if a != "--prepare"]
    print(run(int(args[0]) if args else int(os.environ.get("BENCH_LOAD_DOCS", "1000")), Path(args[1]) if len(args) > 1 else None,
              "--prepare" in sys.argv))
