"""The search service and the static site on one port (uvicorn + Starlette).

    GET /api/search?q=…&page=&per_page=&sort=relevance|date|-date&year=&doc_type=&province=&issuer=
        → {"query", "total", "page", "per_page", "hits", "facets", "suggestion", "message", "took_ms"}
    GET /…  → the built site/ (static files); GET /nguon/… (the `raw` folder) → a raw source, as a download

Errors are JSON with a message, never a traceback. In production the static site can be served by
any web server with this service mounted behind /api/ (README: Deploying).

Queries never run in the event loop: they go to a pool of search processes (as many as cores), each holding its own
open index, so a slow query occupies one of them while the event loop keeps answering static files and the other
processes keep answering queries. Each query runs under a time budget (search_index/limits.py); a hard limit above it
answers 503 should a process still not reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import multiprocessing
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_index.limits import QUERY_BUDGET_S
from search_index.query import FACETS, SearchRequest, get_searcher, search

log = logging.getLogger("archive.serve")

HARD_LIMIT_S = 20 * QUERY_BUDGET_S  # no answer by then (queue wait included): 503, the pool goes on
RAW_FOLDER = "nguon"  # the default `raw` of core/config.py; create_app takes the project's (config.raw)
HASHED_ASSET = re.compile(r"^/assets/.+\.[0-9a-f]{8,}\.(?:min\.)?(?:js|css|map)$")  # Material's bundle.<hash>.min.js …
# Material's own inline scripts (base.html): their text, as the build wrote it, is hashed into the CSP; nothing else
# inline may run, so a <script> that slipped into a document from a source does not.
STATIC_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}
RAW_HEADERS = {  # raw pages are the portals' bytes: never rendered on this origin
    "content-type": "text/plain",  # no charset: the bytes keep the source's own encoding
    "content-disposition": "attachment",
    "content-security-policy": "sandbox; default-src 'none'",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'"


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value))) if value is not None else default
    except ValueError:
        return default


# No page has an inline script (the theme's are served as files from assets/, see overrides/main.html), so scripts come
# from the site only; WebAssembly is the static Pagefind fallback's.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def cache_control(path: str) -> str:
    """Hashed theme assets forever; HTML, the API and unhashed files revalidated (ETag) on every use.

    >>> cache_control("/assets/javascripts/bundle.79ae519e.min.js")
    'public, max-age=31536000, immutable'
    >>> cache_control("/van-ban/x/")
    'no-cache'
    """
    if HASHED_ASSET.match(path):
        return "public, max-age=31536000, immutable"
    if path.startswith("/assets/images/"):
        return "public, max-age=86400"
    return "no-cache"


class Headers:
    """Security and caching headers on every answer (a plain ASGI middleware: nothing buffered)."""

    def __init__(self, app: ASGIApp, raw: str = RAW_FOLDER) -> None:
        self.app = app
        self.raw_prefix = f"/{raw}/"  # raw sources offered for download (archive/assemble.py links them there)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message.get("headers", [])}
                headers.update(STATIC_HEADERS)
                if path.startswith(self.raw_prefix) and message["status"] == 200:
                    headers.update(RAW_HEADERS)
                elif path.startswith("/api/"):
                    headers.setdefault("content-security-policy", API_CSP)
                else:
                    headers.setdefault("content-security-policy", CONTENT_SECURITY_POLICY)
                headers["cache-control"] = "no-cache" if path.startswith("/api/") else cache_control(path)
                message = {**message, "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]}
            await send(message)

        await self.app(scope, receive, with_headers)


class SiteFiles(StaticFiles):
    """The built site. A build swaps site/ with two renames (site → site.old, site.tmp → site): a lookup in between
    finds nothing, so a 404 is looked up once more when site/ is back (waiting up to a second for it)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
            if response.status_code != 404:
                return response
        except HTTPException as error:
            if error.status_code != 404:
                raise
        for _ in range(20):
            if os.path.isdir(str(self.directory)):
                break
            await asyncio.sleep(0.05)
        return await super().get_response(path, scope)


# --- the search processes -------------------------------------------------------------------------------------------

_worker_index: Path | None = None
RESULT_CACHE = 512  # answers kept per search process, for the searcher they came from (a rebuild empties it)
_results: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
_results_stamp: tuple[int, int] | None = None


PARENT_CHECK_S = 1.0  # how often a search process looks whether the service that started it is still there


def _end_with(parent: int) -> None:
    """A search process ends with its service, however the service ended (shut down, killed with -9): each process
    holds both ends of the pool's pipes, so it would otherwise wait on them for ever, holding its open index."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(0)


def _worker_start(index_dir: str, parent: int) -> None:
    """In each search process: open the index before the first reader asks (searcher, field lengths, facet bitsets)."""
    global _worker_index
    threading.Thread(target=_end_with, args=(parent,), daemon=True, name="end-with-service").start()
    _worker_index = Path(index_dir)
    with contextlib.suppress(FileNotFoundError):
        get_searcher(_worker_index)


def _worker_search(request: SearchRequest, budget: float) -> bytes | None:
    """One query in a search process, as the JSON body (encoded here: the event loop only passes bytes on); None when
    there is no index. A newer index is opened beside the current one, which answers until the new one is ready
    (wait=False): a rebuild never makes a query wait or fail. Popular queries are answered from a small cache that
    belongs to the current searcher; answers cut short by the time budget are not kept."""
    global _results_stamp
    assert _worker_index is not None
    started = time.perf_counter()
    try:
        stamp = get_searcher(_worker_index, wait=False).stamp
    except FileNotFoundError:
        return None
    if stamp != _results_stamp:
        _results.clear()
        _results_stamp = stamp
    key = (request.q, request.page, request.per_page, request.sort, tuple(sorted(request.filters.items())), request.exact)
    result = _results.get(key)
    if result is not None:
        _results.move_to_end(key)
        result = {**result, "took_ms": round((time.perf_counter() - started) * 1000, 1)}
    else:
        result = search(_worker_index, request, budget=budget, wait=False)
        if not result.get("partial"):
            _results[key] = result
            if len(_results) > RESULT_CACHE:
                _results.popitem(last=False)
    return json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _ready() -> bool:
    return True


class SearchPool:
    """`workers` search processes (spawned, not forked: uvicorn's threads are not copied), recreated if one dies."""

    def __init__(self, index_dir: Path, workers: int) -> None:
        self.index_dir, self.workers = index_dir, workers
        self.pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_start,
                                   initargs=(str(self.index_dir), os.getpid()))

    async def start(self) -> None:
        loop = asyncio.get_running_loop()  # one call per process: each starts (and opens the index) now, not on a reader's query
        await asyncio.gather(*(loop.run_in_executor(self.pool, _ready) for _ in range(self.workers)))

    async def search(self, request: SearchRequest, budget: float) -> bytes | None:
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self.pool, _worker_search, request, budget), HARD_LIMIT_S)
        except BrokenProcessPool:
            log.error("a search process died; starting new ones")
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new()
            raise

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def create_app(site_dir: Path, index_dir: Path, workers: int | None = None, budget: float = QUERY_BUDGET_S,
               raw: str = RAW_FOLDER) -> Starlette:
    """The service; `raw` is the project's folder of raw files (config.raw): served as text/plain attachments in a sandbox."""
    pool = SearchPool(index_dir, workers or os.cpu_count() or 1)

    async def api_search(request: Request) -> Response:
        params = request.query_params
        req = SearchRequest(
            q=params.get("q", ""),  # bounded by the search itself, with a message (search_index/limits.py)
            page=_int(params.get("page"), 1, 1, 1000),
            per_page=_int(params.get("per_page"), 10, 1, 50),
            sort=params.get("sort", "relevance") if params.get("sort") in {"relevance", "date", "-date"} else "relevance",
            filters={f: params[f] for f in FACETS if params.get(f)},
            exact=params.get("exact") == "1",
        )
        try:
            result = await pool.search(req, budget)
        except (TimeoutError, asyncio.TimeoutError, BrokenProcessPool):
            log.error("search gave no answer in %s s for %r", HARD_LIMIT_S, req.q[:200])
            return JSONResponse({"error": "Máy chủ tìm kiếm đang quá tải; vui lòng thử lại sau."}, status_code=503)
        except Exception:  # noqa: BLE001 - log it, never leak a traceback to the reader
            log.exception("search failed for %r", req.q[:200])
            return JSONResponse({"error": "Lỗi khi tìm kiếm; vui lòng thử lại với từ khóa khác."}, status_code=500)
        if result is None:
            return JSONResponse({"error": "Chỉ mục tìm kiếm chưa được xây dựng (chạy make build)."}, status_code=503)
        return Response(result, media_type="application/json")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await pool.start()
        try:
            yield
        finally:
            pool.close()

    routes = [Route("/api/search", api_search), Mount("/", app=SiteFiles(directory=str(site_dir), html=True, check_dir=False))]
    # GZip inside Headers: the security headers land on compressed and uncompressed answers alike
    middleware = [Middleware(Headers, raw=raw), Middleware(GZipMiddleware, minimum_size=500, compresslevel=5)]
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)


def serve(site_dir: Path, index_dir: Path, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None,
          raw: str = RAW_FOLDER) -> None:
    import uvicorn

    uvicorn.run(create_app(site_dir, index_dir, workers, raw=raw), host=host, port=port, log_level="info")
