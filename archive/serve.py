"""The search service and the static site on one port (uvicorn + Starlette).

    GET /api/search?q=…&page=&per_page=&sort=relevance|date|-date&year=&doc_type=&province=&issuer=
        → {"query", "total", "page", "per_page", "hits", "facets", "suggestion", "message", "took_ms"}
    GET /…  → the built site/ (static files)

Errors are JSON with a message, never a traceback. In production the static site can be served by
any web server with this service mounted behind /api/.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from search_index.query import FACETS, SearchRequest, get_searcher, search

log = logging.getLogger("archive.serve")


def _int(value: str | None, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value))) if value is not None else default
    except ValueError:
        return default


def create_app(site_dir: Path, index_dir: Path) -> Starlette:
    async def api_search(request: Request) -> JSONResponse:
        params = request.query_params
        req = SearchRequest(
            q=params.get("q", "")[:500],
            page=_int(params.get("page"), 1, 1, 1000),
            per_page=_int(params.get("per_page"), 10, 1, 50),
            sort=params.get("sort", "relevance") if params.get("sort") in {"relevance", "date", "-date"} else "relevance",
            filters={f: params[f] for f in FACETS if params.get(f)},
        )
        try:
            return JSONResponse(search(index_dir, req))
        except FileNotFoundError:
            return JSONResponse({"error": "Chỉ mục tìm kiếm chưa được xây dựng (chạy make build)."}, status_code=503)
        except Exception:  # noqa: BLE001 - log it, never leak a traceback to the reader
            log.exception("search failed for %r", req.q)
            return JSONResponse({"error": "Lỗi khi tìm kiếm; vui lòng thử lại với từ khóa khác."}, status_code=500)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:  # open the index before the first reader asks: searcher, field lengths, facet bitsets
            get_searcher(index_dir)
        except FileNotFoundError as error:
            log.warning("%s", error)
        yield

    routes = [Route("/api/search", api_search), Mount("/", app=StaticFiles(directory=str(site_dir), html=True, check_dir=False))]
    return Starlette(routes=routes, lifespan=lifespan)


def serve(site_dir: Path, index_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    import uvicorn

    uvicorn.run(create_app(site_dir, index_dir), host=host, port=port, log_level="info")
