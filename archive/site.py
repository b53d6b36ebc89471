"""Browse pages, home page, catalogue and Atom feeds, generated from the document records (core/record.py).

Everything here writes plain Markdown/XML/JSON files into docs/ — nothing depends on the site
generator, so moving from MkDocs Material to another generator keeps this module as it is.
Lists are split (year → month, province → district → commune, type → year, issuer) so no page
carries thousands of links.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from core.config import ArchiveConfig
from core.record import DocumentRecord, RecordError, read_record, record_files, record_path
from core.text import slugify

from . import static_search

BROWSE = "duyet"
UNKNOWN = "Không rõ"  # "unknown" group label
LATEST_PER_COMMUNE = 5  # a province page shows each commune's latest documents (three clicks from home), the rest one click on
MONTHS = {f"{m:02d}": f"Tháng {m}" for m in range(1, 13)}


MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!])")  # characters Markdown would read as markup inside link text or a heading
HTTP_URL = re.compile(r"^https?://[^\s<>\"']+$", re.I)  # the only addresses that become links (never javascript:, data:)


def md_text(value: object) -> str:
    """Untrusted text as Markdown that renders exactly that text: HTML escaped, Markdown markup backslashed.

    >>> md_text("<img src=x onerror=alert(1)>")
    '&lt;img src=x onerror=alert(1)&gt;'
    >>> md_text("Số 31-NQ/ĐU [bản *gốc*]")
    'Số 31-NQ/ĐU \\\\[bản \\\\*gốc\\\\*\\\\]'
    """
    return MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(value).split()), quote=False))


def safe_url(value: object) -> str:
    """An http(s) address, or "" for anything else (javascript:, data:, relative junk).

    >>> safe_url("https://xuanphu.gov.vn/a?b=1"), safe_url("javascript:alert(1)"), safe_url(" JavaScript:x"), safe_url(None)
    ('https://xuanphu.gov.vn/a?b=1', '', '', '')
    """
    text = str(value or "").strip()
    return text if HTTP_URL.match(text) else ""


def vn_date(value: object) -> str:
    """An ISO date (or year-month, or year) in the form Vietnamese readers use.

    >>> vn_date("2021-09-23"), vn_date("2023-07"), vn_date("2017"), vn_date(None), vn_date("khoảng 2020")
    ('23/09/2021', 'tháng 7/2023', 'năm 2017', '', 'khoảng 2020')
    """
    text = str(value or "").strip()
    parts = text.split("-")
    if not re.fullmatch(r"\d{4}(-\d{2}){0,2}", text):
        return text
    if len(parts) == 3:
        return f"{parts[2]}/{parts[1]}/{parts[0]}"
    if len(parts) == 2:
        return f"tháng {int(parts[1])}/{parts[0]}"
    return f"năm {parts[0]}"


def gazetteer_place(meta: dict[str, Any]) -> str:
    """The gazetteer's spelling of the commune or ward, when the document spells it otherwise ("phường Phố Hòa" in the
    text, "phường Phổ Hòa" in the gazetteer); "" when they agree or the place has no codes. The text keeps its spelling.

    >>> gazetteer_place({"place": "phường Phố Hòa", "district": "Thị xã Đức Phổ", "province": "Tỉnh Quảng Ngãi", "place_codes": {"ward": "21469"}})
    'phường Phổ Hòa'
    >>> gazetteer_place({"place": "xã Xuân Phú", "district": "Huyện Thọ Xuân", "province": "Tỉnh Thanh Hóa", "place_codes": {"ward": "15550"}})
    ''
    """
    place, codes = str(meta.get("place") or ""), meta.get("place_codes")
    if not place or not isinstance(codes, dict) or not codes.get("ward") or " " not in place:
        return ""
    from vietnamadminunits import parse_address  # only for records re-read (the record cache keeps the answer)

    address = ", ".join(str(x) for x in (place, meta.get("district"), meta.get("province")) if x)
    try:
        unit = parse_address(address, mode="LEGACY", level=3)
    except Exception:  # noqa: BLE001 - the gazetteer raises plain exceptions on unknown input: keep the text's name
        return ""
    if str(unit.ward_code) != str(codes["ward"]) or not unit.short_ward:
        return ""
    named = f"{place.split(' ', 1)[0]} {unit.short_ward}"
    return "" if named == place else named


SUMMARY_FIELDS = ("date", "doc_type", "number", "issuer", "province", "district", "place", "province_now", "place_now", "added",
                  "period", "source_file")  # what the pages show of a record (its other fields stay in the record)


def _doc_record(record: DocumentRecord) -> dict[str, Any]:
    """What the browse pages, feeds and catalogue need of one document: the fields they show, its display title and
    the gazetteer's spelling of its place (kept in the record cache: the gazetteer is slow)."""
    slug = record.id.rsplit("/", 1)[-1]
    meta = record.metadata()
    heading = record.headings[0] if record.headings else slug
    return {
        "slug": slug,
        "src": f"{record.id}.md",
        "title": record.title or f"{heading} (không rõ tiêu đề)",
        **{name: meta[name] for name in SUMMARY_FIELDS},
        "place_gazetteer": gazetteer_place(meta),
    }


class Writer:
    """Writes a page only when its content changed (keeps the site stage's input hash stable). With a `manifest` file
    (each page's content digest and size as last written), an unchanged page is known without reading it back, and a
    page made with `write_keyed` is not even made again while its inputs' key is the same: at 100,000 documents reading
    every page back, and remaking every feed, were most of a rebuild's pages step."""

    def __init__(self, docs: Path, manifest: Path | None = None, trust: bool = True) -> None:
        self.docs, self.written, self.unchanged = docs, 0, 0
        self.keep: set[Path] = set()
        self.manifest_file = manifest
        self.known: dict[str, list[Any]] = {}  # rel → [content digest, size, modification time, inputs' key]
        if manifest is not None and manifest.exists() and trust:  # not trusted: every page made and compared again
            try:
                self.known = json.loads(manifest.read_text(encoding="utf-8"))
            except ValueError:  # a cut-short manifest: every page is written again
                self.known = {}
        self.seen: dict[str, list[Any]] = {}

    def _same(self, rel: str, path: Path, digest: str) -> bool:
        """The page on disk is the one the manifest names (its size and time: nothing wrote it since) with `digest`."""
        known = self.known.get(rel)
        if known and known[0] == digest:
            try:
                stat = path.stat()
            except FileNotFoundError:
                return False
            return [stat.st_size, stat.st_mtime_ns] == known[1:3]
        return False

    def write(self, rel: str, content: str, key: str = "") -> None:
        path = self.docs / rel
        self.keep.add(path)
        data = content.encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()[:32]
        same = self._same(rel, path, digest) if rel in self.known else path.exists() and path.read_bytes() == data
        if same:
            self.unchanged += 1
        else:
            self._replace(path, lambda new: new.write_bytes(data))
        if self.manifest_file is not None:
            stat = path.stat()
            self.seen[rel] = [digest, stat.st_size, stat.st_mtime_ns, key]

    def write_keyed(self, rel: str, key: str, make: Callable[[], str]) -> None:
        """The page `make()` returns, made only when `key` (a digest of everything it is made from) changed."""
        known, path = self.known.get(rel), self.docs / rel
        if key and known and len(known) == 4 and known[3] == key and self._same(rel, path, known[0]):
            self.keep.add(path)
            self.seen[rel] = known
            self.unchanged += 1
            return
        self.write(rel, make(), key)

    def copy(self, rel: str, source: Path) -> None:
        """A file published as it is (a raw source): copied again only when the source's size, times or inode, or the
        copy's size and time, are not what the manifest says (neither is read to know). The copy gets the publishing
        side's file mode, not the source's."""
        path = self.docs / rel
        self.keep.add(path)
        theirs = source.stat()
        stamp = f"{theirs.st_size}:{theirs.st_mtime_ns}:{theirs.st_ctime_ns}:{theirs.st_ino}"
        known = self.known.get(rel)
        try:
            mine = path.stat()
            same = known == ["copy", stamp, mine.st_size, mine.st_mtime_ns] if self.manifest_file is not None else \
                path.read_bytes() == source.read_bytes()
        except FileNotFoundError:
            same = False
        if same:
            self.unchanged += 1
        else:
            self._replace(path, lambda new: shutil.copyfile(source, new))
            mine = path.stat()
        self.seen[rel] = ["copy", stamp, mine.st_size, mine.st_mtime_ns]

    def _replace(self, path: Path, fill: Callable[[Path], object]) -> None:
        """A new file at `path`, never written through: it may be a hard link into the published site."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        fill(path)
        self.written += 1

    def save(self) -> None:
        """The manifest of this run's pages (written last: a build cut short leaves the last one, which still names
        what is on disk or is contradicted by a file's size and time)."""
        if self.manifest_file is not None:
            tmp = self.manifest_file.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.seen, separators=(",", ":")), encoding="utf-8")
            tmp.replace(self.manifest_file)

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




def _grouped(records: list[dict[str, Any]], field: str, unknown: str | None = UNKNOWN) -> dict[str, list[dict[str, Any]]]:
    """Records by one field, spellings that make the same slug together under the first met in sorted order ('Tỉnh
    Thanh Hóa' and 'Tỉnh Thanh Hoá' are one page and one feed: two groups writing one file in turn would change the
    site on every build). unknown=None leaves records without the field out.

    >>> sorted(_grouped([{"p": "Tỉnh Thanh Hoá"}, {"p": "Tỉnh Thanh Hóa"}, {"p": ""}], "p").items())
    [('Không rõ', [{'p': ''}]), ('Tỉnh Thanh Hoá', [{'p': 'Tỉnh Thanh Hoá'}, {'p': 'Tỉnh Thanh Hóa'}])]
    """
    spelling: dict[str, str] = {}
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in sorted(records, key=lambda r: r[field]):
        value = r[field] or unknown
        if value is not None:
            groups[spelling.setdefault(slugify(value), value)].append(r)
    return groups


STAMP = "_stamp"  # in a summary as the pages get it: its record file's time and size, which stand for its content
CODE_KEY = hashlib.sha256(b"".join((Path(__file__).parent.parent / name).read_bytes() for name in ("archive/site.py", "core/text.py"))
                          ).hexdigest()  # what every page is also made by (its slugs come from core/text.py)
PAGES_MANIFEST = "pages-manifest.json"  # under build/: each page's digest, size and time as last written (Writer)
PER_PAGE = 50  # entries on one browse page: pages stay the same size however large the archive grows


def _place(record: dict[str, Any]) -> str:
    """Commune (the gazetteer's name) with its province ("xã Xuân Phú, Tỉnh Thanh Hóa"): many communes share a name."""
    return ", ".join(x for x in (record.get("place_gazetteer") or record["place"], record["province"]) if x)


def _issuer_name(record: dict[str, Any]) -> str:
    """The issuer with its place in the gazetteer's spelling ("Đảng ủy phường Phổ Hòa")."""
    issuer, place, named = record["issuer"], record["place"], record.get("place_gazetteer")
    return issuer.replace(place.split(" ", 1)[-1], named.split(" ", 1)[-1]) if issuer and place and named else issuer


def _link(record: dict[str, Any], from_page: str) -> str:
    """One list line: the title as a link, then number, Vietnamese date, issuer and place, all as text."""
    prefix = "../" * from_page.count("/")
    bits = [record["number"] and f"số {record['number']}", vn_date(record["date"]), _issuer_name(record), _place(record)]
    tail = " · ".join(md_text(b) for b in bits if b)
    return f"- [{md_text(record['title'])}]({prefix}{record['src']})" + (f" — {tail}" if tail else "")


def _crumbs(from_page: str, trail: list[tuple[str, str]], here: str) -> list[str]:
    """Breadcrumbs: (label, path from docs/) pairs, then the current page's label."""
    prefix = "../" * from_page.count("/")
    links = [f"[{md_text(label)}]({prefix}{path})" for label, path in trail]
    return [" › ".join([f"[Trang chủ]({prefix}index.md)", *links, md_text(here)]), '{: .breadcrumbs }', ""]


def _page(title: str, lines: list[str], description: str = "", feed: str = "") -> str:
    front = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n"
    front += f"description: {json.dumps(description, ensure_ascii=False)}\n" if description else ""
    front += f"feed: {json.dumps(feed)}\n" if feed else ""  # overrides/main.html links it as the page's Atom feed
    return front + "---\n\n" + f"# {md_text(title)}\n\n" + "\n".join(lines).rstrip() + "\n"


def _paged(w: Writer, rel: str, title: str, head: list[str], entries: list[tuple[str, Any]],
           description: str = "", feed: str = "", unit: str = "văn bản") -> None:
    """A list of (section, record or ready list line) entries over pages of PER_PAGE: `rel`, then `rel` with -2, -3 … A section heading is
    repeated at the top of a page that continues it; each page links its neighbours and says where it is."""
    chunks = [entries[i:i + PER_PAGE] for i in range(0, len(entries), PER_PAGE)] or [[]]
    stem = rel[:-3]
    names = [rel] + [f"{stem}-{n}.md" for n in range(2, len(chunks) + 1)]
    for n, chunk in enumerate(chunks):
        # made again only when what it lists or says changed: at 100,000 documents, remaking every list line of every
        # browse page was most of a one-document rebuild's pages step
        shown = [(group, record if isinstance(record, str) else [record["slug"], record[STAMP]]) for group, record in chunk]
        key = json.dumps([CODE_KEY, n, len(chunks), len(entries), title, head, description, feed, unit, shown], ensure_ascii=False)
        make = partial(_listing, names, n, chunk, len(chunks), len(entries), title, head, description, feed, unit)
        w.write_keyed(names[n], hashlib.sha256(key.encode()).hexdigest(), make)


def _listing(names: list[str], n: int, chunk: list[tuple[str, Any]], pages: int, total: int, title: str, head: list[str],
             description: str, feed: str, unit: str) -> str:
    """Page n of a paged list (`_paged`)."""
    page_rel, lines, section = names[n], list(head), None
    if pages > 1:
        lines += [f"Trang {n + 1}/{pages} · {unit} {n * PER_PAGE + 1}–{n * PER_PAGE + len(chunk)} trên {total}", ""]
    for group, record in chunk:
        if group and group != section:
            lines += ["", f"## {md_text(group)}", ""]
        section = group
        lines.append(record if isinstance(record, str) else _link(record, page_rel))  # a ready line, or a document
    if pages > 1:
        pager = [f"[‹ Trang trước]({Path(names[n - 1]).name})"] if n else []
        pager += [f"[{k + 1}]({Path(names[k]).name})" if k != n else f"**{k + 1}**"
                  for k in range(pages) if abs(k - n) <= 2 or k in (0, pages - 1)]
        pager += [f"[Trang sau ›]({Path(names[n + 1]).name})"] if n + 1 < pages else []
        lines += ["", " · ".join(pager), '{: .pager }']
    return _page(title if not n else f"{title} (trang {n + 1})", lines, description, feed)


def _by_date(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: (r["date"] or "0000", r["title"]))
def _records(records_dir: Path, cache: Path | None, written: dict[str, DocumentRecord] | None = None,
             ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Every document's summary, re-read only from record files whose size or modification time changed since the last
    run (reading 10,000 records is most of a rebuild that changed nothing). The cache is dropped when this module
    changes, since a summary's fields may have. Records this build just wrote come in `written` (id → record) and are
    not read back. `ids` are the published documents (the build state's, archive/convert_stage.py `document_hashes`):
    a record file no source stands for is never shown; without them, every record under `records_dir`. A record that
    cannot be read is named and left out."""
    version = CODE_KEY[:16]
    cached: dict[str, Any] = {}
    if cache is not None and cache.exists():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("version") != version:
            cached = {}
    known, fresh, records = cached.get("records", {}), {}, []
    paths = record_files(records_dir) if ids is None else sorted(record_path(records_dir, i) for i in ids)
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            print(f"  ! {path}: no such record; left out of the browse pages", flush=True)
            continue
        stamp = f"{stat.st_mtime_ns}:{stat.st_size}"
        name = path.relative_to(records_dir).as_posix()
        entry = known.get(name)
        doc_id = name[: -len(".json")]
        if entry and entry[0] == stamp:
            summary = entry[1]
        elif written and doc_id in written:
            summary = _doc_record(written[doc_id])
        else:
            try:
                summary = _doc_record(read_record(path))
            except RecordError as exc:
                print(f"  ! {exc}; left out of the browse pages", flush=True)
                continue
        fresh[name] = [stamp, summary]
        records.append({**summary, STAMP: stamp})
    if cache is not None and fresh != known:
        tmp = cache.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": version, "records": fresh}, ensure_ascii=False), encoding="utf-8")
        tmp.replace(cache)
    return records




def generate(config: ArchiveConfig, cache: Path | None = None, written: dict[str, DocumentRecord] | None = None,
             ids: list[str] | None = None, full: bool = False) -> dict[str, int]:
    """Every page made from the records of the documents `ids` (default: every record; those this build wrote passed
    in `written`), written into docs/ when its content changed; the catalogue under build/."""
    docs = config.docs
    records = _records(config.records, cache, written, ids)
    w = Writer(docs, config.build / PAGES_MANIFEST, trust=not full)  # `build --full`: every page made and compared
    _time_pages(w, records)
    _place_pages(w, records)
    _type_pages(w, records)
    _issuer_pages(w, records)
    _home(w, records)
    built = Writer(config.build)
    _catalogue(built, config.catalogue.name, records)
    built.write(static_search.ENTRIES_FILE, static_search.entries_json(records, config.documents, vn_date, _issuer_name))
    (docs / config.catalogue.name).unlink(missing_ok=True)  # where older builds wrote it, inside the published site
    _feeds(w, records, config.site_url, config.documents)
    _raw_sources(w, records, config.sources, config.raw)
    w.prune(docs / BROWSE)
    w.prune(config.raw_dir)
    w.prune(docs / "feeds")
    w.save()
    return {"documents": len(records), "written": w.written, "unchanged": w.unchanged}


def _time_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    years: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        years[r["date"][:4] or UNKNOWN].append(r)
    index = [f"- [{'Không rõ năm' if y == UNKNOWN else y}]({slugify(y)}/index.md) — {len(rs)} văn bản"
             for y, rs in sorted(years.items(), reverse=True)]
    w.write(f"{BROWSE}/thoi-gian/index.md", _page("Duyệt theo thời gian", index, "Văn bản theo năm và tháng ban hành"))
    for year, rs in years.items():
        rel = f"{BROWSE}/thoi-gian/{slugify(year)}/index.md"
        title = f"Năm {year}" if year != UNKNOWN else "Không rõ năm ban hành"
        entries = [(f"{MONTHS.get(r['date'][5:7], 'Không rõ tháng')}", r) for r in _by_date(rs)]
        entries.sort(key=lambda e: (e[1]["date"][5:7] or "99", e[1]["date"], e[1]["title"]))
        _paged(w, rel, title, _crumbs(rel, [("Thời gian", f"{BROWSE}/thoi-gian/index.md")], title), entries)


def _unit_title(commune: str, district: str, province: str) -> str:
    """A heading that says only what is known.

    >>> _unit_title("xã Xuân Phú", "Huyện Thọ Xuân", "Tỉnh Thanh Hóa")
    'xã Xuân Phú — Huyện Thọ Xuân, Tỉnh Thanh Hóa'
    >>> _unit_title(UNKNOWN, UNKNOWN, UNKNOWN), _unit_title(UNKNOWN, "Huyện A", "Tỉnh B")
    ('Không rõ địa bàn', 'Không rõ xã, phường — Huyện A, Tỉnh B')
    """
    known = [x for x in (district, province) if x != UNKNOWN]
    if commune == UNKNOWN and not known:
        return "Không rõ địa bàn"
    return (commune if commune != UNKNOWN else "Không rõ xã, phường") + (f" — {', '.join(known)}" if known else "")


def _place_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    # province → district → commune, each level grouped by slug ('Phường IV' and 'phường IV' are one page)
    tree = {province: {district: _grouped(in_district, "place") for district, in_district in _grouped(in_province, "district").items()}
            for province, in_province in _grouped(records, "province").items()}
    top = f"{BROWSE}/dia-ban/index.md"
    index = []
    for province, districts in sorted(tree.items()):
        n = sum(len(rs) for d in districts.values() for rs in d.values())
        label = province if province != UNKNOWN else "Không rõ tỉnh, thành phố"
        index.append(f"- [{md_text(label)}]({slugify(province)}/index.md) — {n} văn bản")
    now: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for r in records:
        now[r["province_now"] or UNKNOWN][r["place_now"] or UNKNOWN].append(r)
    index += ["", "## Theo tỉnh, thành phố hiện nay (từ 01/7/2025)", ""]
    for province, units in sorted(now.items()):
        rel = f"{BROWSE}/dia-ban/hien-nay-{slugify(province)}.md"
        label = province if province != UNKNOWN else "Không rõ đơn vị hiện nay"
        index.append(f"- [{md_text(label)}](hien-nay-{slugify(province)}.md) — {sum(len(v) for v in units.values())} văn bản")
        entries = []
        for unit, rs in sorted(units.items()):
            then = sorted({r["place"] for r in rs if r["place"]})
            head = (unit if unit != UNKNOWN else "Không rõ xã, phường") + (f" (khi ban hành: {', '.join(then)})" if then else "")
            entries += [(head, r) for r in _by_date(rs)]
        title = f"{label} (đơn vị hiện nay)"
        note = ["Xã, phường theo đơn vị hành chính hiện nay; trong ngoặc là địa bàn ghi trong văn bản.", ""]
        _paged(w, rel, title, _crumbs(rel, [("Địa bàn", top)], title) + note, entries)
    w.write(top, _page("Duyệt theo địa bàn", index, "Văn bản theo tỉnh, huyện, xã như tại thời điểm ban hành"))
    for province, districts in tree.items():
        base = f"{BROWSE}/dia-ban/{slugify(province)}"
        rel = f"{base}/index.md"
        label = province if province != UNKNOWN else "Không rõ tỉnh, thành phố"
        feed = f"feeds/{slugify(province)}.xml" if province != UNKNOWN else ""
        lines = _crumbs(rel, [("Địa bàn", top)], label)
        if feed:
            lines += [f"[Theo dõi văn bản mới của {md_text(label)} (Atom)](../../../{feed}){{: .feed-link }}", ""]
        # each commune's latest documents, as many as keep the page within PER_PAGE entries (none past 50 communes);
        # past PER_PAGE communes the directory itself is paged (the communes of an unknown province grow with the archive)
        count = sum(len(c) for c in districts.values())
        latest_n = min(LATEST_PER_COMMUNE, PER_PAGE // max(1, count))
        directory: list[tuple[str, str]] = []  # (district heading, commune line), for a paged directory
        for district, communes in sorted(districts.items()):
            heading = district if district != UNKNOWN else "Không rõ quận, huyện"
            lines.append(f"## {md_text(heading)}\n")
            for commune, rs in sorted(communes.items()):
                page = f"{base}/{slugify(district + ' ' + commune)}.md"
                named = next((r["place_gazetteer"] for r in rs if r.get("place_gazetteer")), "")
                name = named or (commune if commune != UNKNOWN else "Không rõ xã, phường")
                spelt = f" (văn bản ghi: {md_text(commune)})" if named else ""
                entry = f"[{md_text(name)}]({slugify(district + ' ' + commune)}.md){spelt} — {len(rs)} văn bản"
                lines.append(f"### {entry}\n")
                directory.append((heading, f"- {entry}"))
                latest = sorted(rs, key=lambda r: r["date"], reverse=True)[:latest_n]
                lines += [_link(r, rel) for r in latest] + [""]
                title = _unit_title(named or commune, district, province)
                crumbs = _crumbs(page, [("Địa bàn", top), (label, rel)], title)
                crumbs += [f"Tên theo danh mục hành chính; văn bản ghi: {md_text(commune)}.", ""] if named else []
                _paged(w, page, title, crumbs, [("", r) for r in _by_date(rs)])
            lines.append("")
        if count > PER_PAGE:
            first = _crumbs(rel, [("Địa bàn", top)], label)
            first += [f"[Theo dõi văn bản mới của {md_text(label)} (Atom)](../../../{feed}){{: .feed-link }}", ""] if feed else []
            _paged(w, rel, label, first, directory, feed=feed, unit="xã, phường")
        else:
            w.write(rel, _page(label, lines, feed=feed))


def _type_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    types = _grouped(records, "doc_type")
    top = f"{BROWSE}/loai/index.md"
    label = {t: t if t != UNKNOWN else "Không rõ loại văn bản" for t in types}
    lines = [f"- [{md_text(label[t])}]({slugify(t)}.md) — {len(rs)} văn bản" for t, rs in sorted(types.items())]
    w.write(top, _page("Duyệt theo loại văn bản", lines))
    for doc_type, rs in types.items():
        rel = f"{BROWSE}/loai/{slugify(doc_type)}.md"
        entries = [(r["date"][:4] or "Không rõ năm", r) for r in sorted(rs, key=lambda r: (r["date"] or "0000", r["title"]), reverse=True)]
        _paged(w, rel, label[doc_type], _crumbs(rel, [("Loại văn bản", top)], label[doc_type]), entries)


def _issuer_pages(w: Writer, records: list[dict[str, Any]]) -> None:
    issuers = _grouped(records, "issuer")
    top = f"{BROWSE}/co-quan/index.md"
    label = {i: _issuer_name(rs[0]) if i != UNKNOWN else "Không rõ cơ quan ban hành" for i, rs in issuers.items()}
    place = {i: next((_place(r) for r in rs if _place(r)), "") for i, rs in issuers.items()}
    province = {i: next((r["province"] for r in rs if r["province"]), "") or "Không rõ tỉnh, thành phố" for i, rs in issuers.items()}
    entries = [(province[i], f"- [{md_text(label[i])}]({slugify(i)}.md) — " + (f"{md_text(place[i])} — " if place[i] else "") + f"{len(rs)} văn bản")
               for i, rs in sorted(issuers.items(), key=lambda kv: (province[kv[0]], label[kv[0]]))]
    _paged(w, top, "Duyệt theo cơ quan ban hành", ["Cơ quan ban hành theo tỉnh, thành phố:", ""], entries)  # thousands at full scale
    for issuer, rs in issuers.items():
        rel = f"{BROWSE}/co-quan/{slugify(issuer)}.md"
        feed = f"feeds/co-quan-{slugify(issuer)}.xml" if issuer != UNKNOWN else ""
        head = _crumbs(rel, [("Cơ quan ban hành", top)], label[issuer])
        if label[issuer] != issuer and issuer != UNKNOWN:
            head += [f"Tên theo danh mục hành chính; văn bản ghi: {md_text(issuer)}.", ""]
        if feed:
            head += [f"[Theo dõi văn bản mới của cơ quan này (Atom)](../../{feed}){{: .feed-link }}", ""]
        head += ["Các văn bản theo thứ tự ngày ban hành:", ""]
        _paged(w, rel, label[issuer], head, [("", r) for r in _by_date(rs)], feed=feed)


def _home(w: Writer, records: list[dict[str, Any]]) -> None:
    communes = {(r["province"], r["district"], r["place"]) for r in records if r["place"]}
    provinces = {r["province"] for r in records if r["province"]}
    years = sorted({r["date"][:4] for r in records if r["date"]})
    undated = sum(1 for r in records if not r["date"])
    span = (f"{years[0]}–{years[-1]}" if len(years) > 1 else years[0]) if years else "không rõ"
    span += f" ({undated} văn bản không rõ ngày)" if undated else ""
    latest = sorted(records, key=lambda r: (r["added"], r["date"]), reverse=True)[:10]
    lines = [
        "Kho lưu trữ công khai các nghị quyết, báo cáo tháng, sáu tháng và giữa nhiệm kỳ của cấp ủy và chính quyền xã, phường,",
        "được chuyển từ trang thông tin điện tử của địa phương thành văn bản sạch, có thể tìm kiếm và trích dẫn.",
        "",
        '<form class="home-search" action="tim-kiem/" method="get" role="search" aria-label="Tìm trong kho">'
        '<label class="md-visually-hidden" for="home-q">Tìm kiếm</label>'
        '<input id="home-q" type="search" name="q" placeholder="Ví dụ: nong thon moi" autocomplete="off">'
        '<button type="submit">Tìm</button></form>',
        "",
        '<div class="archive-stats" markdown>',
        "",
        f"- **{len(records)}** văn bản",
        f"- **{len(communes)}** xã, phường",
        f"- **{len(provinces)}** tỉnh, thành phố",
        f"- Năm ban hành: **{span}**",
        "",
        "</div>",
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
    ] + [_link(r, "index.md") for r in latest] + ["", "[Theo dõi văn bản mới (Atom)](feeds/all.xml){: .feed-link }"]
    w.write("index.md", _page("Kho văn bản cơ sở", lines, "Kho lưu trữ nghị quyết, báo cáo của xã, phường Việt Nam", feed="feeds/all.xml"))
def _catalogue(w: Writer, name: str, records: list[dict[str, Any]]) -> None:
    """Per document: previous/next document of the same issuer, gazetteer names (read by the site hook, which gives each
    page its own entry: no request carries the whole catalogue)."""
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r["issuer"]:
            series[r["issuer"]].append(r)
    catalogue: dict[str, dict[str, Any]] = {r["slug"]: {"title": r["title"]} for r in records}
    for r in records:  # the gazetteer's spelling, for the attributes panel (archive/mkdocs_hooks.py)
        if r.get("place_gazetteer"):
            catalogue[r["slug"]].update(place_gazetteer=r["place_gazetteer"], issuer_gazetteer=_issuer_name(r))
    for rs in series.values():
        ordered = _by_date(rs)
        for i, r in enumerate(ordered):
            if i:
                catalogue[r["slug"]]["prev"] = {"slug": ordered[i - 1]["slug"], "title": ordered[i - 1]["title"]}
            if i + 1 < len(ordered):
                catalogue[r["slug"]]["next"] = {"slug": ordered[i + 1]["slug"], "title": ordered[i + 1]["title"]}
    w.write(name, json.dumps(catalogue, ensure_ascii=False, indent=0, sort_keys=True))




def _latest(records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """A feed's entries (the 50 latest additions) and its date."""
    latest = sorted(records, key=lambda r: (r["added"], r["date"], r["slug"]), reverse=True)[:50]
    return latest, max((r["added"] for r in records if r["added"]), default="1970-01-01")


def _feed(title: str, feed_path: str, page_path: str, latest: list[dict[str, Any]], stamp: str, base: str, documents: str) -> str:
    """An Atom feed (RFC 4287: author, rel=self, rel=alternate) of the 50 latest additions (`_latest`), written by
    feedgen; `base` is the site_url, `documents` the document folder."""
    from feedgen.feed import FeedGenerator

    fg = FeedGenerator()
    fg.id(base + feed_path)
    fg.title(title)
    fg.author({"name": "Kho văn bản cơ sở", "uri": base})
    fg.link(href=base + feed_path, rel="self", type="application/atom+xml")
    fg.link(href=base + page_path, rel="alternate", type="text/html")
    fg.language("vi")
    fg.updated(f"{stamp}T00:00:00+00:00")
    for r in reversed(latest):  # feedgen prepends entries: add oldest first so the newest is first in the file
        url = f"{base}{documents}/{r['slug']}/"
        entry = fg.add_entry()
        entry.id(url)
        entry.title(r["title"])
        entry.link(href=url, rel="alternate")
        entry.author({"name": r["issuer"] or "Không rõ cơ quan ban hành"})
        entry.updated(f"{r['added'] or stamp}T00:00:00+00:00")
        entry.summary(" · ".join(x for x in (r["doc_type"], r["number"] and f"số {r['number']}", vn_date(r["date"]), r["issuer"], _place(r)) if x))
    return fg.atom_str(pretty=True).decode("utf-8")


def _feeds(w: Writer, records: list[dict[str, Any]], base: str, documents: str) -> None:
    """Every feed, made again only when what it shows changed (feedgen takes 2 ms a feed: thousands of issuers)."""
    def put(title: str, feed_path: str, page_path: str, rs: list[dict[str, Any]]) -> None:
        latest, stamp = _latest(rs)
        shown = [[r["slug"], r[STAMP]] for r in latest]
        key = hashlib.sha256(json.dumps([CODE_KEY, title, feed_path, page_path, stamp, base, documents, shown]).encode()).hexdigest()
        w.write_keyed(feed_path, key, lambda: _feed(title, feed_path, page_path, latest, stamp, base, documents))

    put("Kho văn bản cơ sở — văn bản mới", "feeds/all.xml", "", records)
    provinces, issuers = _grouped(records, "province", None), _grouped(records, "issuer", None)
    for province, rs in provinces.items():
        s = slugify(province)
        put(f"Văn bản mới — {province}", f"feeds/{s}.xml", f"{BROWSE}/dia-ban/{s}/", rs)
    for issuer, rs in issuers.items():
        s = slugify(issuer)
        put(f"Văn bản mới — {issuer}", f"feeds/co-quan-{s}.xml", f"{BROWSE}/co-quan/{s}/", rs)


def _raw_sources(w: Writer, records: list[dict[str, Any]], sources: Path, raw: str) -> None:
    """Publish each raw scraped file unchanged (under docs/`raw`/), so every document links to what it was made from."""
    for r in records:
        src = sources / r["source_file"]
        if r["source_file"] and src.is_file():
            w.copy(f"{raw}/{r['source_file']}", src)
