"""`python -m archive build [--full] [--jobs N]` and `python -m archive serve [--port N]`."""

from __future__ import annotations

import argparse
import sys

from . import build as build_mod


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="republish: convert changed sources, update browse pages, index and site")
    b.add_argument("--full", action="store_true", help="ignore saved state and redo everything")
    b.add_argument("--jobs", type=int, default=2, help="conversion processes (default 2)")
    s = sub.add_parser("serve", help="serve site/ and /api/search")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "build":
        return build_mod.run(jobs=args.jobs, full=args.full)
    from .serve import serve

    serve(build_mod.SITE, build_mod.INDEX, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
