"""Browse pages, home page, catalogue and Atom feeds, generated from the documents' front matter.

Everything here writes plain Markdown/XML/JSON files into docs/ — nothing depends on the site
generator, so moving from MkDocs Material to another generator keeps this module as it is.
Lists are split (year → month, province → district → commune, type → year, issuer) so no page
carries thousands of links.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from converters.text import slugify
from search_index.index import read_markdown

BROWSE = "duyet"
UNKNOWN = "Không rõ"  # "unknown" group label
SITE_URL = "http://127.0.0.1:8000/"
LATEST_PER_COMMUNE = 5  # a province page shows each commune's latest documents (three clicks from home), the rest one click on
MONTHS = {f"{m:02d}": f"Tháng {m}" for m in range(1, 13)}


def _doc_record(path: Path, docs: Path) -> dict[str, Any]:
    meta, body = read_markdown(path)
    slug = path.stem
    heading = next((line.lstrip("# ").strip() for line in body.splitlines() if line.startswith("#")), slug)
    return {
        "slug": slug,
        "src": path.relative_to(docs).as_posix(),
        "title": meta.get("title") or f"{heading} (không rõ tiêu đề)",
        "date": str(meta.get("date") or ""),
        "doc_type": meta.get("doc_type") or "",
        "number": meta.get("number") or "",
        "issuer": meta.get("issuer") or "",
        "province": meta.get("province") or "",
        "district": meta.get("district") or "",
        "place": meta.get("place") or "",
        "province_now": meta.get("province_now") or "",
        "place_now": meta.get("place_now") or "",
        "added": str(meta.get("added") or ""),
        "period": meta.get("period") or "",
        "source_file": meta.get("source_file") or "",
    }


def _link(record: dict[str, Any], from_page: str) -> str:
    depth = from_page.count("/")
    prefix = "../" * depth
    bits = [b for b in (record["number"] and f"số {record['number']}", record["date"], record["issuer"]) if b]
    return f"- [{record['title']}]({prefix}{record['src']})" + (f" — {' · '.join(bits)}" if bits else "")


class Writer:
    """Writes a page only when its content changed (keeps the site stage's input hash stable)."""

    def __init__(self, docs: Path) -> None:
        self.docs, self.written, self.unchanged, self.keep = docs, 0, 0, set()

    def write(self, rel: str, content: str) -> None:
        path = self.docs / rel
        self.keep.add(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_text(encoding="utf-8") == content:
            self.unchanged += 1
            return
        path.unlink(missing_ok=True)  # never write through a hard link into the published site
        path.write_text(content, encoding="utf-8")
        self.written += 1

    def write_bytes(self, rel: str, content: bytes) -> None:
        path = self.docs / rel
        self.keep.add(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.read_bytes() == content:
            self.unchanged += 1
            return
        path.unlink(missing_ok=True)
        path.write_bytes(content)
        self.written += 1

    def prune(self, folder: Path) -> None:
        if not folder.exists():
            return
        for path in folder.rglob("*"):
            if path.is_file() and path not in self.keep:
                path.unlink()
                self.written += 1  # a removal changes the site as much as a write
        for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def _page(title: str, lines: list[str], description: str = "") -> str:
    front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n" + (f"description: {json.dumps(description, ensure_ascii=False)}\n" if description else "") + "---\n\n"
    return front + f"# {title}\n\n" + "\n".join(lines).rstrip() + "\n"


def _by_date(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: (r["date"] or "0000", r["title"]))


def _records(docs: Path, doc_dir: Path, cache: Path | None) -> list[dict[str, Any]]:
    """Every document's record, re-read only for files whose size or modification time changed since the last run
    (reading 10,000 front matters is most of a rebuild that changed nothing). The cache is dropped when this module
    changes, since a record's fields may have."""
    version = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    cached: dict[str, Any] = {}
    if cache is not None and cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("version") != version:
            cached = {}
    known, fresh, records = cached.get("records", {}), {}, []
    for path in sorted(doc_dir.glob("*.md")):
        stat = path.stat()
        stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
        entry = known.get(path.name)
        record = entry[1] if entry and entry[0] == stamp else _doc_record(path, docs)
        fresh[path.name] = [stamp, record]
        records.append(record)
    if cache is not None and fresh != known:
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": version, "records": fresh}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    return records


def generate(docs: Path, doc_dir: Path, cache: Path | None = None) -> dict[str, int]:
    records = _records(docs, doc_dir, cache)
    w = Writer(docs)
    _time_pages(w, records)
    _place_pages(w, records)
    _type_pages(w, records)
    _issuer_pages(w, records)
    _home(w, records)
    _catalogue(w, records)
    _feeds(w, records)
    _raw_sources(w, records, docs.parent / "sources")
    w.prune(docs / BROWSE)
    w.prune(docs / "nguon")
    w.prune(docs / "feeds")
    return {"documents": len(records), "written": w.written, "unchanged": w.unchanged}


def _time_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    years: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        years[r["date"][:4] or UNKNOWN].append(r)
    index = [f"- [{y}]({slugify(y)}/index.md) — {len(rs)} văn bản" for y, rs in sorted(years.items(), reverse=True)]
    w.write(f"{BROWSE}/thoi-gian/index.md", _page("Duyệt theo thời gian", index, "Văn bản theo năm và tháng ban hành"))
    for year, rs in years.items():
        months: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rs:
            months[r["date"][5:7] or "00"].append(r)
        base = f"{BROWSE}/thoi-gian/{slugify(year)}"
        lines = []
        for month, ms in sorted(months.items()):
            label = MONTHS.get(month, "Không rõ tháng")
            lines.append(f"## {label} ({len(ms)})\n")
            lines += [_link(r, f"{base}/index.md") for r in _by_date(ms)]
            lines.append("")
        w.write(f"{base}/index.md", _page(f"Năm {year}" if year != UNKNOWN else "Không rõ năm ban hành", lines))


def _place_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    tree: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for r in records:
        tree[r["province"] or UNKNOWN][r["district"] or UNKNOWN][r["place"] or UNKNOWN].append(r)
    index = []
    for province, districts in sorted(tree.items()):
        n = sum(len(rs) for d in districts.values() for rs in d.values())
        index.append(f"- [{province}]({slugify(province)}/index.md) — {n} văn bản")
    now: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        now[r["province_now"] or UNKNOWN][r["place_now"] or UNKNOWN].append(r)
    index += ["", "## Theo tỉnh, thành phố hiện nay (từ 01/7/2025)", ""]
    for province, units in sorted(now.items()):
        page = f"{BROWSE}/dia-ban/hien-nay-{slugify(province)}.md"
        index.append(f"- [{province}](hien-nay-{slugify(province)}.md) — {sum(len(v) for v in units.values())} văn bản")
        lines = ["Xã, phường theo đơn vị hành chính hiện nay; tên trong ngoặc là địa bàn ghi trong văn bản.", ""]
        for unit, rs in sorted(units.items()):
            then = sorted({r["place"] for r in rs if r["place"]})
            lines += [f"## {unit}" + (f" ({', '.join(then)})" if then else ""), ""] + [_link(r, page) for r in _by_date(rs)] + [""]
        w.write(page, _page(f"{province} (đơn vị hiện nay)", lines))
    w.write(f"{BROWSE}/dia-ban/index.md", _page("Duyệt theo địa bàn", index, "Văn bản theo tỉnh, huyện, xã như tại thời điểm ban hành"))
    for province, districts in tree.items():
        base = f"{BROWSE}/dia-ban/{slugify(province)}"
        lines = []
        for district, communes in sorted(districts.items()):
            lines.append(f"## {district}\n")
            for commune, rs in sorted(communes.items()):
                page = f"{base}/{slugify(district + ' ' + commune)}.md"
                lines.append(f"### [{commune}]({slugify(district + ' ' + commune)}.md) — {len(rs)} văn bản\n")
                latest = sorted(rs, key=lambda r: r["date"], reverse=True)[:LATEST_PER_COMMUNE]
                lines += [_link(r, f"{base}/index.md") for r in latest] + [""]
                w.write(page, _page(f"{commune} — {district}, {province}", [_link(r, page) for r in _by_date(rs)]))
            lines.append("")
        w.write(f"{base}/index.md", _page(province, lines))


def _type_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    types: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        types[r["doc_type"] or UNKNOWN].append(r)
    w.write(f"{BROWSE}/loai/index.md", _page("Duyệt theo loại văn bản", [f"- [{t}]({slugify(t)}.md) — {len(rs)} văn bản" for t, rs in sorted(types.items())]))
    for doc_type, rs in types.items():
        page = f"{BROWSE}/loai/{slugify(doc_type)}.md"
        years: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in rs:
            years[r["date"][:4] or UNKNOWN].append(r)
        lines = []
        for year, ys in sorted(years.items(), reverse=True):
            lines += [f"## {year} ({len(ys)})", ""] + [_link(r, page) for r in _by_date(ys)] + [""]
        w.write(page, _page(doc_type, lines))


def _issuer_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    issuers: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        issuers[r["issuer"] or UNKNOWN].append(r)
    w.write(f"{BROWSE}/co-quan/index.md", _page("Duyệt theo cơ quan ban hành", [f"- [{i}]({slugify(i)}.md) — {len(rs)} văn bản" for i, rs in sorted(issuers.items())]))
    for issuer, rs in issuers.items():
        page = f"{BROWSE}/co-quan/{slugify(issuer)}.md"
        w.write(page, _page(issuer, ["Các văn bản theo thứ tự ngày ban hành:", ""] + [_link(r, page) for r in _by_date(rs)]))


def _home(w: Writer, records: list[dict[str, Any]]) -> None:
    communes = {(r["province"], r["district"], r["place"]) for r in records if r["place"]}
    provinces = {r["province"] for r in records if r["province"]}
    years = sorted({r["date"][:4] for r in records if r["date"]})
    span = f"{years[0]}–{years[-1]}" if years else "—"
    latest = sorted(records, key=lambda r: (r["added"], r["date"]), reverse=True)[:10]
    lines = [
        "Kho lưu trữ công khai các nghị quyết, báo cáo tháng, sáu tháng và giữa nhiệm kỳ của cấp ủy và chính quyền xã, phường,",
        "được chuyển từ trang thông tin điện tử của địa phương thành văn bản sạch, có thể tìm kiếm và trích dẫn.",
        "",
        '<div class="archive-stats" markdown>',
        "",
        f"- **{len(records)}** văn bản",
        f"- **{len(communes)}** xã, phường",
        f"- **{len(provinces)}** tỉnh, thành phố",
        f"- Năm: **{span}**",
        "",
        "</div>",
        "",
        '<form class="home-search" action="tim-kiem/" method="get" role="search"><input type="search" name="q" '
        'placeholder="Tìm trong kho văn bản, ví dụ: nong thon moi" aria-label="Tìm kiếm"><button type="submit">Tìm</button></form>',
        "",
        "## Duyệt kho văn bản",
        "",
        "- [Theo thời gian](duyet/thoi-gian/index.md)",
        "- [Theo địa bàn](duyet/dia-ban/index.md)",
        "- [Theo loại văn bản](duyet/loai/index.md)",
        "- [Theo cơ quan ban hành](duyet/co-quan/index.md)",
        "",
        "## Mới bổ sung",
        "",
    ] + [_link(r, "index.md") for r in latest]
    w.write("index.md", _page("Kho văn bản cơ sở", lines, "Kho lưu trữ nghị quyết, báo cáo của xã, phường Việt Nam"))


def _catalogue(w: Writer, records: list[dict[str, Any]]) -> None:
    """Per document: previous/next document of the same issuer (read by the site hook)."""
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r["issuer"]:
            series[r["issuer"]].append(r)
    catalogue: dict[str, dict[str, Any]] = {r["slug"]: {"title": r["title"]} for r in records}
    for rs in series.values():
        ordered = _by_date(rs)
        for i, r in enumerate(ordered):
            if i:
                catalogue[r["slug"]]["prev"] = {"slug": ordered[i - 1]["slug"], "title": ordered[i - 1]["title"]}
            if i + 1 < len(ordered):
                catalogue[r["slug"]]["next"] = {"slug": ordered[i + 1]["slug"], "title": ordered[i + 1]["title"]}
    w.write("catalog.json", json.dumps(catalogue, ensure_ascii=False, indent=0, sort_keys=True))


def _feed(title: str, feed_id: str, records: list[dict[str, Any]]) -> str:
    updated = max((r["added"] for r in records), default="1970-01-01") or "1970-01-01"
    entries = []
    for r in sorted(records, key=lambda r: (r["added"], r["date"]), reverse=True)[:50]:
        url = f"{SITE_URL}van-ban/{r['slug']}/"
        entries.append(
            f"  <entry><title>{escape(r['title'])}</title><id>{url}</id><link href=\"{url}\"/>"
            f"<updated>{r['added'] or updated}T00:00:00Z</updated><summary>{escape(' · '.join(x for x in (r['issuer'], r['date']) if x))}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <title>{escape(title)}</title><id>{SITE_URL}{feed_id}</id><link href=\"{SITE_URL}\"/>\n"
        f"  <updated>{updated}T00:00:00Z</updated>\n" + "\n".join(entries) + "\n</feed>\n"
    )


def _feeds(w: Writer, records: list[dict[str, Any]]) -> None:
    w.write("feeds/all.xml", _feed("Kho văn bản cơ sở — văn bản mới", "feeds/all.xml", records))
    provinces: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r["province"]:
            provinces[r["province"]].append(r)
    for province, rs in provinces.items():
        w.write(f"feeds/{slugify(province)}.xml", _feed(f"Văn bản mới — {province}", f"feeds/{slugify(province)}.xml", rs))


def _raw_sources(w: Writer, records: list[dict[str, Any]], sources: Path) -> None:
    """Publish each raw scraped file unchanged, so every document links to what it was made from."""
    for r in records:
        src = sources / r["source_file"]
        if src.exists():
            w.write_bytes(f"nguon/{r['source_file']}", src.read_bytes())
