"""Review findings on the record, the configuration and the build split: a project made with `new_project` whose
`extra: archive:` (or another mkdocs.yml key) is changed, built with one to three documents."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive.project import new_project
from core.config import ConfigError, load_config

from .conftest import ROOT


def configured(target: Path, **archive: str) -> Path:
    """A new project whose mkdocs.yml has these `extra: archive:` values (or top-level keys, for docs_dir/site_dir)."""
    project = new_project(target)
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    for key, value in archive.items():
        if key in {"docs_dir", "site_dir"}:
            text, n = re.subn(rf"(?m)^{key}:.*$", f"{key}: {value}", text)
            text += "" if n else f"\n{key}: {value}\n"
        else:
            text, n = re.subn(rf"(?m)^(    {key}:)\s*\S+", rf"\g<1> {value}", text)
            assert n == 1, key
    config.write_text(text, encoding="utf-8")
    return project


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "archive", "build", "--project", str(project), *args], cwd=project.parent,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)


@pytest.mark.parametrize(("key", "value", "reason"), [
    ("documents", '"."', "slug"), ("documents", '"/"', "slug"), ("raw", "../x", "slug"), ("documents", "duyet", "may not be"),
    ("raw", "van-ban", "two folders"), ("sources", "/etc", "absolute"), ("build", "../elsewhere", r"no '\.\.'"),
    ("build", '"."', "not the project folder"), ("docs_dir", "/tmp/docs", "absolute"), ("site_dir", "docs/site", "inside"),
    ("build", "docs", "two folders"), ("sources", "build/sources", "inside"),
])
def test_a_config_value_that_would_destroy_data_is_refused(tmp_path: Path, key: str, value: str, reason: str) -> None:
    project = configured(tmp_path / "p", **{key: value})
    with pytest.raises(ConfigError, match=rf"mkdocs\.yml.*'{key}'.*{reason}|mkdocs\.yml.*{reason}.*'{key}'"):
        load_config(project)


def test_documents_dot_deletes_nothing(tmp_path: Path) -> None:
    """`documents: "."` made docs/ the document folder: the "sources that disappeared" loop deleted docs/tim-kiem.md."""
    project = configured(tmp_path / "p", documents='"."')
    result = run_build(project)
    assert result.returncode != 0 and "'documents'" in result.stdout + result.stderr
    assert (project / "docs" / "tim-kiem.md").exists() and (project / "docs" / "gioi-thieu.md").exists()


SEED_0, SEED_1 = "000_99cc685a539c1fab.txt", "001_77bb7d56e66d021b.txt"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Documents under docs/vb, raw files under tep/, sources in goc/: two seeds, one of them again in goc/sub/."""
    project = configured(tmp_path_factory.mktemp("review") / "p", documents="vb", raw="tep", sources="goc")
    (project / "goc" / "sub").mkdir(parents=True)
    (project / "goc" / "permalinks.tsv").write_text("", encoding="utf-8")
    for name, folder in ((SEED_0, "goc"), (SEED_1, "goc"), (SEED_1, "goc/sub")):
        for suffix in ("", ".meta.yml"):
            (project / folder / (name + suffix)).write_bytes((ROOT / "sources" / (name + suffix)).read_bytes())
    result = run_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project


def test_download_and_series_links_follow_the_configured_folders(built: Path) -> None:
    pages = sorted((built / "site" / "vb").glob("*/index.html"))
    assert len(pages) == 3 and not (built / "site" / "van-ban").exists()
    html = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    downloads = re.findall(r'href="([^"]*)" download=', html)
    assert downloads and all("/tep/" in d and "nguon" not in d for d in downloads), downloads
    for page in pages:
        for link in re.findall(r'href="([^"]*)" download=', page.read_text(encoding="utf-8")):
            assert (page.parent / link).resolve().is_file(), link  # the raw file is where the page links it
    assert "van-ban/" not in html.replace('"/van-ban/', "")


def test_the_service_sends_the_configured_raw_folder_as_a_sandboxed_download(tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    from archive.serve import create_app

    (tmp_path / "tep").mkdir()
    (tmp_path / "tep" / "x.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    client = TestClient(create_app(tmp_path, tmp_path / "index", workers=1, raw="tep"))  # no lifespan: no search processes
    response = client.get("/tep/x.html")
    assert response.status_code == 200 and response.headers["content-type"] == "text/plain"
    assert response.headers["content-disposition"] == "attachment" and "sandbox" in response.headers["content-security-policy"]


def test_make_clean_follows_the_configuration(built: Path, tmp_path: Path) -> None:
    from archive.__main__ import generated

    names = {p.relative_to(built).as_posix() for p in generated(load_config(built))}
    assert {"docs/vb", "docs/tep", "build", "site"} <= names and "goc" not in names and "docs/tim-kiem.md" not in names


def test_the_configured_sources_folder_names_each_source_by_its_path_under_it(built: Path) -> None:
    """Two files named alike, in goc/ and goc/sub/: two documents, two raw files, each page naming its own."""
    import json

    from core.record import read_records

    names = sorted(r.source_file for r in read_records(built / "build" / "records"))
    assert names == sorted([SEED_0, SEED_1, f"sub/{SEED_1}"])
    assert (built / "site" / "tep" / "sub" / SEED_1).read_bytes() == (built / "goc" / "sub" / SEED_1).read_bytes()
    front = {p.name: p.read_text(encoding="utf-8").split("\n---", 1)[0] for p in (built / "docs" / "vb").glob("*.md")}
    assert sum(f"source_file: sub/{SEED_1}" in f for f in front.values()) == 1
    report = json.loads((built / "build" / "report.json").read_text(encoding="utf-8"))
    assert sorted(e["source"] for e in report) == sorted(f"goc/{n}" for n in names)


def test_a_record_no_source_stands_for_is_removed_and_never_shown(built: Path) -> None:
    """Records left under build/records by an older document folder (van-ban/) or a vanished source: the site listed
    every JSON it found there."""
    from core.record import DocumentRecord, write_record

    records = built / "build" / "records"
    stale = [write_record(records, DocumentRecord(f"{folder}/bong-ma-{folder}", title="Báo cáo bóng ma")) for folder in ("van-ban", "vb")]
    (built / "build" / "state.json").write_text((built / "build" / "state.json").read_text(encoding="utf-8").replace(
        '"site_parts"', '"x_site_parts"'), encoding="utf-8")  # the shell is planned again (as when a report changed)
    result = run_build(built)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(p.exists() for p in stale) and len(list(records.rglob("*.json"))) == 3
    browse = "".join(p.read_text(encoding="utf-8") for p in (built / "docs").rglob("*.md"))
    assert "bóng ma" not in browse and "bong-ma" not in browse


def test_a_patched_shard_whose_old_output_lacks_the_document_folder_is_built_whole(built: Path) -> None:
    shard = built / "build" / "site-parts" / "documents-000"
    assert (shard / "vb").is_dir()
    shutil.rmtree(shard / "vb")
    sidecar = built / "goc" / (SEED_0 + ".meta.yml")
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("corrections: {}", 'corrections: {signer: "Nguyễn Văn Sửa"}'),
                       encoding="utf-8")
    assert "Nguyễn Văn Sửa" in sidecar.read_text(encoding="utf-8")
    result = run_build(built)
    assert result.returncode == 0 and "✗" not in result.stdout, result.stdout + result.stderr
    assert len(list((built / "site" / "vb").glob("*/index.html"))) == 3
    assert "Nguyễn Văn Sửa" in "".join(p.read_text(encoding="utf-8") for p in (built / "site" / "vb").glob("*/index.html"))


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("id", "../../etc/x", "expected <folder>/<name>"), ("id", "van-ban/a b", "expected <folder>/<name>"),
    ("id", "van-ban/other", "not the file's own"), ("source_file", "/etc/passwd", "not a path inside"),
    ("source_file", "sub/../../x", "not a path inside"), ("words", 10**12, "out of range"), ("words", -1, "out of range"),
])
def test_a_record_out_of_bounds_is_refused_by_the_index_cli_with_its_path(tmp_path: Path, field: str, value: object, reason: str) -> None:
    import json

    from core.record import DocumentRecord, write_record

    records = tmp_path / "records"
    write_record(records, DocumentRecord("van-ban/tot", title="Báo cáo tốt", text="hai từ"))
    bad = write_record(records, DocumentRecord("van-ban/xau", title="Báo cáo xấu"))
    data = json.loads(bad.read_text(encoding="utf-8"))
    data[field] = value
    bad.write_text(json.dumps(data), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "search_index", "build", str(records), "-i", str(tmp_path / "ix")], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"{bad}: " in run.stderr and reason in run.stderr and "skipped" in run.stderr
    assert "added 1," in run.stdout


def test_words_missing_from_a_record_are_counted_from_its_text() -> None:
    from core.record import DocumentRecord

    assert DocumentRecord.from_json('{"id": "van-ban/a", "schema": 1, "text": "ba từ đây"}').words == 3


def test_the_index_cli_reads_records_only_not_the_report_beside_them(tmp_path: Path) -> None:
    """`python -m converters … -o OUT --report OUT/report.json`, then `python -m search_index build OUT`: the report
    was read as a record ("OUT/report.json: not a JSON object")."""
    out = tmp_path / "out"
    seed = ROOT / "sources" / SEED_1
    convert = subprocess.run([sys.executable, "-m", "converters", str(seed), "-o", str(out), "--report", str(out / "report.json")],
                             cwd=ROOT, capture_output=True, text=True)
    assert convert.returncode == 0, convert.stderr
    run = subprocess.run([sys.executable, "-m", "search_index", "build", str(out), "-i", str(tmp_path / "ix")], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0 and "added 1," in run.stdout, run.stdout + run.stderr
