"""`python -m archive build [--project DIR] [--full] [--jobs N] [--wait] [--timeout S] [--memory MB]`,
`python -m archive serve [--project DIR] [--port N] [--workers N]`, `python -m archive clean [--project DIR]` (what the
build generated, as mkdocs.yml places it) and `python -m archive csp` (the Content-Security-Policy of the built site, for
a static host's configuration)."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from core.config import ArchiveConfig, ConfigError, load_config

from . import build as build_mod
from .convert_stage import Limits
from .site import BROWSE


def generated(config: ArchiveConfig) -> list[Path]:
    """Everything a build writes (sources/ and the hand-written pages are never among them)."""
    site, docs = config.site, config.docs
    return [site, site.with_name(site.name + ".tmp"), site.with_name(site.name + ".old"), config.build, config.doc_dir,
            config.raw_dir, docs / BROWSE, docs / "feeds", docs / "index.md", docs / "catalog.json"]


def _gone_already(function: object, path: str, info: tuple[type[BaseException], BaseException, object]) -> None:
    if not isinstance(info[1], FileNotFoundError):
        raise info[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="republish: convert changed sources, update browse pages, index and site")
    b.add_argument("--full", action="store_true", help="ignore saved state and redo everything")
    b.add_argument("--jobs", type=int, default=2, help="conversion processes (default 2)")
    b.add_argument("--wait", action="store_true", help="if another build is running, wait for it instead of exiting")
    b.add_argument("--timeout", type=float, default=Limits.seconds, help=f"seconds one source may take (default {Limits.seconds:g})")
    b.add_argument("--memory", type=int, default=Limits.memory_mb, help=f"MB one conversion worker may use (default {Limits.memory_mb})")
    b.add_argument("--project", type=Path, default=None, help="the project directory, holding mkdocs.yml (default: the current directory)")
    s = sub.add_parser("serve", help="serve site/ and /api/search")
    s.add_argument("--project", type=Path, default=None, help="the project directory, holding mkdocs.yml (default: the current directory)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--workers", type=int, default=None, help="search processes (default: one per core)")
    c = sub.add_parser("clean", help="remove what the build generated (site, build folder, generated pages), where mkdocs.yml puts it")
    c.add_argument("--project", type=Path, default=None, help="the project directory, holding mkdocs.yml (default: the current directory)")
    sub.add_parser("csp", help="print the Content-Security-Policy header the built site needs")
    args = parser.parse_args(argv)
    if args.command == "build":
        try:
            return build_mod.run(jobs=args.jobs, full=args.full, wait=args.wait, limits=Limits(args.timeout, args.memory), project=args.project)
        except ConfigError as exc:
            print(f"✗ {exc}", file=sys.stderr)
            return 2
    if args.command == "clean":
        try:
            config = load_config(args.project)
        except ConfigError as exc:
            print(f"✗ {exc}", file=sys.stderr)
            return 2
        for path in generated(config):
            if path.is_dir():  # a detached rm of the last site (build/trash) may be removing files at the same time
                shutil.rmtree(path, onerror=_gone_already)
            elif path.exists():
                path.unlink()
        return 0
    if args.command == "csp":
        from .serve import CONTENT_SECURITY_POLICY

        print(CONTENT_SECURITY_POLICY)
        return 0
    from .serve import serve

    try:
        config = load_config(args.project)
    except ConfigError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 2
    serve(config.site, config.index, host=args.host, port=args.port, workers=args.workers, raw=config.raw)
    return 0


if __name__ == "__main__":
    sys.exit(main())
