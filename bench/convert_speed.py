"""Conversion speed per core against trafilatura on the same HTML pages, in CPU seconds, and the outputs' hashes.

`python -m bench.convert_speed RAW_DIR [N]`: N HTML pages (default 300) of a synthetic archive (bench.synthetic), our
whole pipeline beside `trafilatura.extract`, in chunks of 30 pages taken in turn so that a change in the machine's load
falls on both; CPU time of this process (on a shared machine wall time swung 2× between runs of the same code).
Measured twice: warm (what a conversion worker sees after its first pages: lines shared with earlier pages are in the
per-line caches) and with every converter cache emptied before each page (nothing carried over from other pages).

`python -m bench.convert_speed --hashes FILE...`: one line per file, the sha256 of everything the converter says about
it (Markdown, drops, warnings, metadata, evidence): compare two runs to show a speed change altered no output.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import converters
from converters.loading import decode
from converters.metadata import load_gazetteer
from converters.model import ConversionError
from converters.pipeline import convert_file

CHUNK = 30


def converter_caches() -> list[Callable[[], None]]:
    """cache_clear of every lru_cache in the converter's modules."""
    found = {}
    for name, module in list(sys.modules.items()):
        if name.startswith(converters.__name__ + ".") and module is not None:
            for value in vars(module).values():
                if hasattr(value, "cache_clear") and hasattr(value, "cache_info"):
                    found[id(value)] = value.cache_clear
    return list(found.values())


def speed(pages: list[Path], cold: bool) -> tuple[float, float]:
    """(ours, trafilatura) in pages per CPU second."""
    import trafilatura

    texts = [decode(p.read_bytes())[0] for p in pages]  # decoding is not the comparison: give trafilatura text
    load_gazetteer()  # as a conversion worker does when it starts (the first page need not name a commune)
    convert_file(pages[0])  # one untimed page each: imports and first-use set-up are paid once per worker
    trafilatura.extract(texts[0], output_format="markdown", include_tables=True, include_comments=False)
    clear = converter_caches() if cold else []
    ours = theirs = 0.0
    for first in range(0, len(pages), CHUNK):
        for page in pages[first : first + CHUNK]:
            for forget in clear:
                forget()
            started = time.process_time()
            convert_file(page)
            ours += time.process_time() - started
        started = time.process_time()
        for text in texts[first : first + CHUNK]:
            trafilatura.extract(text, output_format="markdown", include_tables=True, include_comments=False)
        theirs += time.process_time() - started
    return len(pages) / ours, len(pages) / theirs


def output_hash(path: Path) -> str:
    try:
        doc = convert_file(path)
    except ConversionError as exc:
        return hashlib.sha256(f"error: {exc}".encode()).hexdigest()[:16]
    said = [doc.markdown, [d.as_dict() for d in doc.drops], doc.warnings, doc.metadata, doc.evidence, doc.located]
    return hashlib.sha256(json.dumps(said, ensure_ascii=False, default=str, sort_keys=True).encode()).hexdigest()[:16]


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--hashes":
        for name in argv[1:]:
            print(output_hash(Path(name)), name)
        return
    pages = sorted(Path(argv[0]).glob("*.html"))[: int(argv[1]) if len(argv) > 1 else 300]
    for cold in (False, True):
        ours, theirs = speed(pages, cold)
        label = "caches emptied per page" if cold else "warm"
        print(f"{len(pages)} HTML pages, CPU time, {label}: ours {ours:.1f} pages/s, trafilatura {theirs:.1f} pages/s, "
              f"ratio {ours / theirs:.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
