"""`python -m converters SRC... -o OUTDIR [--report REPORT.json]` — one Markdown file per source (OUTDIR/<stem>.md),
and its record in OUTDIR/van-ban/<stem>.json (what `python -m search_index build OUTDIR` reads)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .report import convert_paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m converters", description="Convert scraped report pages to clean Markdown.")
    parser.add_argument("sources", nargs="+", type=Path, help="files or directories of scraped pages (.txt .md .html)")
    parser.add_argument("-o", "--out", type=Path, required=True, help="output directory for the .md files")
    parser.add_argument("--report", type=Path, help="write the conversion report (JSON list) here")
    args = parser.parse_args(argv)
    entries = convert_paths(args.sources, args.out)
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    failed = [e for e in entries if not e["ok"]]
    for entry in failed:
        print(f"error: {entry['source']}: {entry['error']}", file=sys.stderr)
    print(f"{len(entries) - len(failed)} converted, {len(failed)} failed, {sum(len(e['warnings']) for e in entries)} warnings", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
