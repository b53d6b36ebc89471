"""Synthetic archives of N raw pages, made from the sample sources, for the benchmarks.

Each page is one of the sample reports with its places moved to another commune of the gazetteer (legacy units,
same kind: xã or phường), its years shifted, its signing day and number redrawn, and then dressed in one of several
page shapes: the plain scraped text, or the report poured into the chrome of one of the HTML fixtures (Liferay,
NukeViet, WordPress, SharePoint in UTF-16, a counter template, Word-pasted paragraphs). Seeded, so runs compare.

What is replaced comes from the converter's own reading of each sample (place, district, province, number),
never from literals here.
"""

from __future__ import annotations

import html
import random
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from converters.loading import decode
from converters.pipeline import convert_file
from core.text import fold

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sources"
TEMPLATES = ROOT / "tests" / "fixtures" / "html"
YEAR = re.compile(r"\b(20[12]\d)\b")
SIGNING_DAY = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})", re.I)
UNIT_PREFIX = re.compile(r"^(xã|phường|thị trấn|huyện|thị xã|thành phố|quận|tỉnh)\s+", re.I)


@dataclass
class Sample:
    name: str
    text: str
    replacements: dict[str, str]  # role ("place", "district", "province", "number") → name as the sample writes it
    unit: str  # "xã" / "phường" / "" — a sample moves only to a commune of the same kind


def _short(name: str | None) -> str:
    return UNIT_PREFIX.sub("", name or "").strip()


def load_samples() -> list[Sample]:
    samples = []
    for path in sorted(SAMPLES.glob("*.txt")):
        meta = convert_file(path).metadata
        roles = {"place": _short(meta.get("place")), "district": _short(meta.get("district")),
                 "province": _short(meta.get("province")), "number": meta.get("number") or ""}
        unit = UNIT_PREFIX.match(meta.get("place") or "")
        samples.append(Sample(path.name, path.read_text(encoding="utf-8"), {k: v for k, v in roles.items() if v},
                              unit.group(1).lower() if unit else ""))
    return samples


def load_communes() -> dict[str, list[tuple[str, str, str]]]:
    """Legacy communes by kind: (commune, district, province) short names."""
    import vietnamadminunits

    db = Path(vietnamadminunits.__file__).parent / "data" / "dataset.db"
    rows = sqlite3.connect(db).execute("select wardType, wardShort, districtShort, provinceShort from admin_units_legacy").fetchall()
    kinds: dict[str, list[tuple[str, str, str]]] = {}
    for kind, ward, district, province in rows:
        if ward and district and province:
            kinds.setdefault(kind.lower(), []).append((ward, district, province))
    return kinds


def _replace_name(text: str, old: str, new: str) -> str:
    """Every spelling of the name (case, tone placement, stray accent slips) → the new name, upper-case where it was."""
    folded = fold(text)  # one character per character for NFC text, so spans carry over
    if len(folded) != len(text):
        return text.replace(old, new).replace(old.upper(), new.upper())
    pieces, last = [], 0
    for match in re.finditer(rf"(?<!\w){re.escape(fold(old))}(?!\w)", folded):
        found = text[match.start() : match.end()]
        pieces += [text[last : match.start()], new.upper() if found.isupper() else new]
        last = match.end()
    return "".join(pieces) + text[last:]


def vary(sample: Sample, communes: dict[str, list[tuple[str, str, str]]], rng: random.Random) -> str:
    text = unicodedata.normalize("NFC", sample.text)
    pool = communes.get(sample.unit) or communes.get("xã", [])
    if "place" in sample.replacements and pool:
        ward, district, province = rng.choice(pool)
        for role, new in (("place", ward), ("district", district), ("province", province)):
            if role in sample.replacements:
                text = _replace_name(text, sample.replacements[role], new)
    if "number" in sample.replacements:
        old = sample.replacements["number"]
        text = text.replace(old, re.sub(r"^\d+", str(rng.randint(1, 450)), old))
    shift = rng.randint(-6, 2)
    text = YEAR.sub(lambda m: str(int(m.group(1)) + shift), text)
    return SIGNING_DAY.sub(lambda m: f"ngày {rng.randint(1, 28)} tháng {rng.randint(1, 12)}", text, count=1)


@dataclass
class Template:
    name: str
    soup_html: str
    encoding: str
    word: bool  # paragraphs as Word pastes them (MsoNormal, spans, <o:p>)


def _content_element(soup: BeautifulSoup) -> Tag:
    """The deepest element holding most of the page's text: where a portal pours its article."""
    body = soup.body or soup
    total = len(body.get_text(" ", strip=True))
    best: Tag = body
    for tag in body.find_all(True):
        if len(tag.get_text(" ", strip=True)) >= 0.6 * total:
            best = tag
    return best


def load_templates() -> list[Template]:
    templates = []
    for path in sorted(TEMPLATES.glob("*.htm*")):
        text, encoding = decode(path.read_bytes())
        soup = BeautifulSoup(text, "lxml")
        content = _content_element(soup)
        content.clear()
        content.append("\ue000")  # where the report goes
        utf16 = encoding.lower().startswith("utf-16")
        templates.append(Template(path.name, str(soup), "utf-16" if utf16 else "utf-8", "MsoNormal" in text))
    return templates


def to_html(text: str, template: Template) -> bytes:
    lines = [html.escape(line) for line in text.splitlines() if line.strip()]
    if template.word:
        span = "<span style='font-size:14.0pt;mso-bidi-font-family:Times'>"  # Word's paste markup around every line
        paragraphs = "\n".join(f"<p class=MsoNormal>{span}{line}</span><o:p></o:p></p>" for line in lines)
    else:
        paragraphs = "\n".join(f"<p>{line}</p>" for line in lines)
    page = template.soup_html.replace("\ue000", paragraphs)
    page = re.sub(r"charset=[\"']?[\w-]+", f"charset={template.encoding}", page, flags=re.I)
    return page.encode(template.encoding)


def generate(n: int, target: Path, seed: int = 7, html_share: float = 0.6) -> dict[str, int]:
    """Write n raw pages into target/ (a sources folder). Returns how many of each shape."""
    rng = random.Random(seed)
    samples, communes, templates = load_samples(), load_communes(), load_templates()
    # a commune posts 20-30 reports a year: an archive of n reports covers about n/25 communes
    communes = {kind: rng.sample(pool, k=min(len(pool), max(3, n // 25))) for kind, pool in communes.items()}
    target.mkdir(parents=True, exist_ok=True)
    shapes: dict[str, int] = {}
    for i in range(n):
        sample = samples[i % len(samples)]
        text = vary(sample, communes, rng)
        if rng.random() < html_share:
            template = templates[rng.randrange(len(templates))]
            (target / f"{i:05d}_{Path(template.name).stem}.html").write_bytes(to_html(text, template))
            shape = template.name
        else:
            (target / f"{i:05d}_{Path(sample.name).stem[:3]}.txt").write_text(text, encoding="utf-8")
            shape = "text"
        shapes[shape] = shapes.get(shape, 0) + 1
    return shapes


if __name__ == "__main__":
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("build/synthetic/sources")
    print(generate(count, out))
