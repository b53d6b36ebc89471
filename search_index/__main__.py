"""`python -m search_index build RECORDS_DIR -i INDEX_DIR` and `python -m search_index query "Q" -i INDEX_DIR [--json]`."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from core.record import record_files

from .index import build
from .query import FACETS, SearchRequest, search


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search_index")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build or update the index from document records (build/records/, or the converter's .json files)")
    b.add_argument("records_dir", type=Path)
    b.add_argument("-i", "--index", type=Path, required=True)
    b.add_argument("--full", action="store_true", help="rebuild from scratch")
    q = sub.add_parser("query", help="search the index")
    q.add_argument("query")
    q.add_argument("-i", "--index", type=Path, required=True)
    q.add_argument("--json", action="store_true")
    q.add_argument("--limit", type=int, default=10)
    q.add_argument("--page", type=int, default=1)
    q.add_argument("--sort", choices=["relevance", "date", "-date"], default="relevance")
    for facet in FACETS:
        q.add_argument(f"--{facet.replace('_', '-')}", dest=facet, help=f"filter by {facet}")
    args = parser.parse_args(argv)
    if args.command == "build":
        folder = args.records_dir
        if not folder.is_dir():
            print(f"error: {folder}: not a directory", file=sys.stderr)
            return 2
        if not record_files(folder):  # the index reads records, never Markdown: say where records come from
            markdown = "it holds Markdown but " if any(folder.rglob("*.md")) else ""
            print(f"error: {folder}: {markdown}no document records (<folder>/<name>.json, one folder down) to index. Records "
                  f"are written by the converter (python -m converters SRC... -o OUTDIR: OUTDIR/van-ban/) and by "
                  f"python -m archive build (build/records/)", file=sys.stderr)
            return 1
        problems: list[str] = []
        counts = build(folder, args.index, full=args.full, problems=problems)
        for problem in problems:  # each names the file and the reason; the other records are indexed
            print(f"error: {problem}; skipped", file=sys.stderr)
        print(", ".join(f"{k} {v}" for k, v in counts.items()) + (f", skipped {len(problems)}" if problems else ""))
        return 1 if problems else 0
    request = SearchRequest(q=args.query, page=args.page, per_page=args.limit, sort=args.sort,
                            filters={f: getattr(args, f) for f in FACETS if getattr(args, f)})
    try:
        result = search(args.index, request)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result["hits"], ensure_ascii=False, indent=2))
        return 0
    if result["showing_suggestion"]:
        print(result["message"])
    print(f"{result['total']} kết quả ({result['took_ms']} ms)" + (
        f" — gợi ý: {result['suggestion']}" if result["suggestion"] and not result["showing_suggestion"] else ""))
    for n, hit in enumerate(result["hits"], start=(request.page - 1) * request.per_page + 1):
        snippet = re.sub(r"</?mark[^>]*>", "**", hit["snippet"])
        print(f"{n}. {hit['title']}  [{hit['url']}]\n   {snippet}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
