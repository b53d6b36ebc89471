"""The static search fallback: a Pagefind index of every document's attributes, made from the records.

When the search service is down (or the site is hosted without it), the search box asks Pagefind (docs/assets/
search.js), which knows each document's title, number, type, issuer, places and dates, in the written form and
folded ("nong thon moi" finds "nông thôn mới"). Pagefind's CLI would read every published page to learn those:
at 10,000 documents that was 45 s of every rebuild, and it grows with the archive. Here the same text goes to
Pagefind's Node API as custom records (archive/static_index.mjs), into build/, only when the attributes, the script
or Pagefind changed; the assembled site gets a hard-linked copy.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from core.config import ArchiveConfig
from core.text import fold

NODE_SCRIPT = Path(__file__).resolve().parent / "static_index.mjs"
PAGEFIND_PACKAGE = Path(__file__).resolve().parent.parent / "node_modules" / "pagefind"  # pinned in package-lock.json
ENTRIES_FILE = "static-search.json"  # under build/: what the static index holds, one entry per document
INDEX_FOLDER = "pagefind"  # under build/ and under site/ (search.js loads site/pagefind/pagefind.js)
STAMP_FILE = "pagefind.sha256"  # beside build/pagefind/: what it was made from (entries, script, Pagefind)
UNTITLED = "Văn bản không rõ tiêu đề"  # untitled document


def _joined(separator: str, values: list[Any]) -> str:
    return separator.join(str(v) for v in values if v)


def entry(record: dict[str, Any], documents: str, vn_date: Any, issuer_name: Any) -> dict[str, Any]:
    """One document's static-search record: its page address, the indexed text and the two lines a hit shows.

    >>> r = {"slug": "bc-1", "title": "Báo cáo tháng 5", "doc_type": "Báo cáo", "number": "12-BC/ĐU", "date": "2023-05-18",
    ...      "issuer": "Đảng ủy xã Xuân Phú", "place": "xã Xuân Phú", "district": "", "province": "Tỉnh Thanh Hóa",
    ...      "place_now": "", "province_now": "", "period": "", "place_gazetteer": ""}
    >>> e = entry(r, "van-ban", lambda d: "18/05/2023", lambda r: r["issuer"])
    >>> e["url"], e["meta"]["info"]
    ('/van-ban/bc-1/', 'Báo cáo · số 12-BC/ĐU · 18/05/2023 · Đảng ủy xã Xuân Phú · xã Xuân Phú, Tỉnh Thanh Hóa')
    >>> written, folded = e["content"].split(" · b", 1)  # the written form, then folded
    >>> written
    'Báo cáo tháng 5 · 12-BC/ĐU · Báo cáo · Đảng ủy xã Xuân Phú · Đảng ủy xã Xuân Phú · xã Xuân Phú, Tỉnh Thanh Hóa · 2023-05-18 · 18/05/2023'
    >>> "b" + folded
    'bao cao thang 5 · 12-bc/du · bao cao · dang uy xa xuan phu · dang uy xa xuan phu · xa xuan phu, tinh thanh hoa · 2023-05-18 · 18/05/2023'
    """
    named = record.get("place_gazetteer") or ""
    issuer = (issuer_name(record) if named else "") or record["issuer"]
    place = record["place"]
    place_then = _joined(", ", [f"{named} (văn bản ghi: {place})" if named else place, record["district"], record["province"]])
    place_now = _joined(", ", [record["place_now"], record["province_now"]])
    date = record["date"]
    shown_date = vn_date(date) if date else ""
    number = record["number"]
    info = _joined(" · ", [record["doc_type"], number and f"số {number}", shown_date, issuer,
                           _joined(", ", [named or place, record["province"]])])
    indexed = _joined(" · ", [record["title"], number, record["doc_type"], issuer, record["issuer"],
                              place_then, place_now, date, shown_date, record["period"]])
    return {"url": f"/{documents}/{record['slug']}/", "content": f"{indexed} · {fold(indexed)}", "language": "vi",
            "meta": {"title": record["title"] or UNTITLED, "info": info}}


def entries_json(records: list[dict[str, Any]], documents: str, vn_date: Any, issuer_name: Any) -> str:
    """build/static-search.json's text: every document's entry, by slug (site.py writes it when it changed)."""
    entries = [entry(r, documents, vn_date, issuer_name) for r in sorted(records, key=lambda r: r["slug"])]
    return json.dumps(entries, ensure_ascii=False, indent=0)


def _digest(entries: Path) -> str:
    """What the index is made from: the entries, the script and the Pagefind package (an upgrade remakes it)."""
    made_by = [NODE_SCRIPT, PAGEFIND_PACKAGE / "package.json"]
    return hashlib.sha256(b"".join(p.read_bytes() for p in [entries, *made_by] if p.is_file())).hexdigest()


def link_into_site(config: ArchiveConfig) -> None:
    """The site's hard-linked copy of build/pagefind/, when the site is kept (not reassembled) but the index changed or
    is missing: made beside it and swapped in whole, so a copy cut short (the build killed) is never the published
    one. A reassembled site gets its copy inside the new tree, before the swap (assemble.py)."""
    built, published = config.build / INDEX_FOLDER, config.site / INDEX_FOLDER
    tmp, old = config.build / (INDEX_FOLDER + ".site.tmp"), config.build / (INDEX_FOLDER + ".site.old")
    for leftover in (tmp, old):
        shutil.rmtree(leftover, ignore_errors=True)
    shutil.copytree(built, tmp, copy_function=os.link)
    if published.exists():
        published.rename(old)
    tmp.rename(published)
    shutil.rmtree(old, ignore_errors=True)


def _reason(output: str) -> str:
    """Node's error line ("Error: …"), not the stack under it; else the output's end.

    >>> _reason("file:///x.mjs:1\\nthrow new Error(1)\\n^\\n\\nError: out of memory\\n    at file:///x.mjs:1:7\\n")
    'Error: out of memory'
    """
    errors = [line.strip() for line in output.splitlines() if re.match(r"\s*\w*Error\b.*:", line)]
    return errors[0][:300] if errors else output.strip()[-300:]


def built_index(config: ArchiveConfig) -> Path | None:
    """build/pagefind/ when it holds a complete index (Pagefind's own loader is written last)."""
    built = config.build / INDEX_FOLDER
    return built if (built / "pagefind.js").exists() else None


def refresh(config: ArchiveConfig, timeout_s: float = 1800, full: bool = False) -> tuple[str, bool]:
    """Bring build/pagefind/ in line with the entries: Pagefind runs only when they, the script or Pagefind changed,
    or with `full`. Returns what happened and whether the index was remade. Never fails the build: on any trouble the
    last good index stays (and is published), the reason is printed, and the next build tries again."""
    entries = config.build / ENTRIES_FILE
    built = config.build / INDEX_FOLDER
    if not entries.exists():
        return "static index skipped: no entries (the pages step writes them)", False
    digest = _digest(entries)
    stamp = config.build / STAMP_FILE
    if not full and built_index(config) and stamp.exists() and stamp.read_text(encoding="utf-8") == digest:
        return "static index unchanged", False
    kept = " (the last one is kept)" if built_index(config) else " (the site is published without it)"
    if not (PAGEFIND_PACKAGE / "package.json").exists() or not shutil.which("node"):
        return "static index skipped: Node or node_modules/pagefind missing (run `npm ci`)" + kept, False
    tmp = built.with_name(INDEX_FOLDER + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        result = subprocess.run(["node", str(NODE_SCRIPT), str(entries), str(tmp)], capture_output=True, text=True,
                                timeout=timeout_s)  # the script finds node_modules/pagefind beside archive/
    except subprocess.TimeoutExpired:
        shutil.rmtree(tmp, ignore_errors=True)
        return f"static index failed{kept}: Pagefind ran past {timeout_s:.0f} s", False
    if result.returncode or not (tmp / "pagefind.js").exists():
        shutil.rmtree(tmp, ignore_errors=True)
        return f"static index failed{kept}: {_reason(result.stderr or result.stdout)}", False
    stamp.unlink(missing_ok=True)  # no stamp names a half-swapped index
    shutil.rmtree(built, ignore_errors=True)
    tmp.rename(built)
    stamp.write_text(digest, encoding="utf-8")
    return "static index written", True
