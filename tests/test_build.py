"""`make build` as an archivist uses it, on a project folder outside the repository: add pages, republish, break things."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from archive.project import new_project

from .conftest import ROOT

STATIC = (ROOT / "node_modules" / "pagefind" / "package.json").exists() and shutil.which("node") is not None  # npm ci


def copy_project(copy: Path) -> Path:
    """A project folder outside the repository holding no code: mkdocs.yml (naming this code's theme and hooks), the
    hand-written pages and a copy of the sample sources (archive/project.py)."""
    return new_project(copy, ROOT / "sources")


def code_env() -> dict[str, str]:
    """The build's code comes from the repository, whatever project it builds."""
    return dict(os.environ, PYTHONPATH=str(ROOT))


def run_build(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m archive build --project DIR`, started from another folder: nothing depends on the current directory."""
    return subprocess.run([sys.executable, "-m", "archive", "build", "--project", str(project), *args], cwd=project.parent,
                          env=code_env(), capture_output=True, text=True)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("archive") / "project"
    copy_project(copy)
    first = run_build(copy)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "5 converted, 0 unchanged, 0 failed" in first.stdout
    assert not STATIC or "static index written" in first.stdout
    return copy


def test_second_build_does_nothing(project: Path) -> None:
    again = run_build(project)
    assert again.returncode == 0
    assert "0 converted, 5 unchanged, 0 failed" in again.stdout
    assert "added 0, updated 0, removed 0, unchanged 5" in again.stdout and "site: unchanged" in again.stdout
    assert not STATIC or "static index unchanged" in again.stdout  # Pagefind did not run
    assert "pages unchanged (their inputs are)" in again.stdout  # the browse pages were not even computed
    assert not list((project / "build" / "site-parts").glob("*.docs"))  # each shard's own docs folder is gone


def static_urls(project: Path) -> list[str]:
    return [e["url"] for e in json.loads((project / "build" / "static-search.json").read_text(encoding="utf-8"))]


def read_report(project: Path) -> dict[str, dict[str, Any]]:
    return {Path(e["source"]).name: e for e in json.loads((project / "build" / "report.json").read_text(encoding="utf-8"))}


def test_sixth_page_published_and_bad_page_reported(project: Path) -> None:
    before = read_report(project)
    shutil.copy(ROOT / "tests" / "fixtures" / "text" / "state_plan_pagebreaks.txt", project / "sources" / "005_plan.txt")
    (project / "sources" / "006_broken.txt").write_bytes(b"   \n")
    result = run_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 converted, 5 unchanged, 1 failed" in result.stdout
    assert "pages unchanged" not in result.stdout  # a new document: the browse pages are made again
    assert "sources/006_broken.txt: empty file" in result.stdout
    assert "added 1, updated 0, removed 0, unchanged 5" in result.stdout
    slug = dict(line.split("\t") for line in (project / "sources" / "permalinks.tsv").read_text(encoding="utf-8").splitlines()[1:])["005_plan.txt"]
    assert (project / "site" / "van-ban" / slug / "index.html").exists()
    assert slug.startswith("2022-03-05-ke-hoach-15-kh-ubnd")
    # the report is updated line by line: the five unchanged sources keep their entries beside the two new ones
    report = read_report(project)
    assert len(before) == 5 and set(report) == set(before) | {"005_plan.txt", "006_broken.txt"}
    assert all(report[name] == entry for name, entry in before.items())
    assert report["006_broken.txt"]["error"] == "empty file" and report["005_plan.txt"]["ok"]
    assert (project / "site" / "nguon" / "005_plan.txt").read_bytes() == (project / "sources" / "005_plan.txt").read_bytes()
    assert f"/van-ban/{slug}/" in static_urls(project) and len(static_urls(project)) == 6  # the fallback finds it too
    if STATIC:
        assert "static index written" in result.stdout and (project / "site" / "pagefind" / "pagefind.js").exists()


def test_a_touched_source_is_read_again_and_an_untouched_one_is_not(project: Path) -> None:
    """A source is known unchanged by its size, time and inode (its stamp) without being read; one whose stamp changed
    is hashed again, and converts only when its bytes did. The build's memory per step is recorded."""
    source = sorted((project / "sources").glob("*.txt"))[0]
    state = json.loads((project / "build" / "state.json").read_text(encoding="utf-8"))
    sid = source.name
    os.utime(source, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns + 10**9))  # touched, bytes the same
    touched = run_build(project)
    assert touched.returncode == 0 and "0 converted," in touched.stdout, touched.stdout
    assert "pages unchanged (their inputs are)" in touched.stdout  # the stamp is not what the pages show
    after = json.loads((project / "build" / "state.json").read_text(encoding="utf-8"))["sources"][sid]
    assert after["stamp"] != state["sources"][sid]["stamp"] and after["key"] == state["sources"][sid]["key"]
    memory = json.loads((project / "build" / "memory.json").read_text(encoding="utf-8"))
    assert {"convert", "pages", "index"} <= memory.keys() and all(m["peak"] >= m["rss"] > 0 for m in memory.values())


def test_one_changed_report_rebuilds_its_page_only(project: Path) -> None:
    source = project / "sources" / "005_plan.txt"
    text = source.read_text(encoding="utf-8")
    source.unlink()  # replace, as an archivist's copy would: the published raw file is a hard link to the old one
    source.write_text(text.rstrip() + "\n\nUBND xã tổ chức kiểm tra việc thực hiện kế hoạch trước ngày 30 tháng 6.\n", encoding="utf-8")
    others = {p: p.read_bytes() for p in (project / "site" / "van-ban").rglob("index.html")}
    stamp = project / "build" / "pagefind.sha256"
    static_before = stamp.stat().st_mtime_ns if stamp.exists() else None
    result = run_build(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 converted" in result.stdout and "by their 1 changed pages only" in result.stdout
    slug = dict(line.split("\t") for line in (project / "sources" / "permalinks.tsv").read_text(encoding="utf-8").splitlines()[1:])["005_plan.txt"]
    page = project / "site" / "van-ban" / slug / "index.html"
    assert "kiểm tra việc thực hiện kế hoạch trước ngày 30" in page.read_text(encoding="utf-8")
    assert all(p.read_bytes() == before for p, before in others.items() if p != page)
    assert (project / "site" / "nguon" / "005_plan.txt").read_bytes() == source.read_bytes()
    assert f"/van-ban/{slug}/" in (project / "site" / "sitemap.xml").read_text(encoding="utf-8")
    if STATIC:  # the body changed, not the attributes the fallback holds: its index is linked in, not rebuilt
        assert "static index unchanged" in result.stdout
        assert stamp.stat().st_mtime_ns == static_before and (project / "site" / "pagefind" / "pagefind.js").exists()


def test_failed_site_build_keeps_the_published_site(project: Path) -> None:
    config = project / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    broken = original.replace("  - Giới thiệu: gioi-thieu.md", "  - Giới thiệu: gioi-thieu.md\n  - Hỏng: khong-co-trang-nay.md")
    config.write_text(broken, encoding="utf-8")
    try:
        result = run_build(project)
        assert result.returncode == 1
        assert "previous site/ is kept" in result.stdout
        assert (project / "site" / "index.html").exists() and not (project / "site.tmp").exists()
    finally:
        config.write_text(original, encoding="utf-8")


def test_raw_sources_never_modified(project: Path) -> None:
    for seed in (ROOT / "sources").glob("0*.txt"):
        assert (project / "sources" / seed.name).read_bytes() == seed.read_bytes()
    for path in ROOT.glob("../shared/seeds/*.txt"):
        assert (ROOT / "sources" / path.name).read_bytes() == path.read_bytes()


def test_code_is_ruff_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "core", "converters", "search_index", "archive", "tests", "bench"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def static_config(tmp_path: Path) -> Any:
    """What the static search step reads of a project's configuration (its build and site folders), with one entry."""
    from archive.static_search import ENTRIES_FILE

    config = SimpleNamespace(build=tmp_path / "build", site=tmp_path / "site")
    config.build.mkdir()
    config.site.mkdir()
    entry = {"url": "/van-ban/bc-1/", "content": "Báo cáo tháng 5 · bao cao thang 5", "language": "vi",
             "meta": {"title": "Báo cáo tháng 5", "info": "Báo cáo · số 12-BC/ĐU"}}
    (config.build / ENTRIES_FILE).write_text(json.dumps([entry], ensure_ascii=False), encoding="utf-8")
    return config


def published_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() )


@pytest.mark.skipif(not STATIC, reason="node_modules/pagefind missing: npm ci")
def test_full_build_or_new_pagefind_remakes_the_static_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Same entries, but `--full` (redo everything) or another Pagefind (npm ci after an upgrade): the index is made
    again, not kept from the old Pagefind for as long as no document's attributes change."""
    from archive import static_search

    config = static_config(tmp_path)
    assert static_search.refresh(config) == ("static index written", True)
    assert static_search.refresh(config) == ("static index unchanged", False)
    assert static_search.refresh(config, full=True) == ("static index written", True)
    upgraded = tmp_path / "pagefind"  # what node_modules/pagefind would hold after an upgrade: another version
    upgraded.mkdir()
    package = json.loads((static_search.PAGEFIND_PACKAGE / "package.json").read_text(encoding="utf-8"))
    (upgraded / "package.json").write_text(json.dumps({**package, "version": package["version"] + "-next"}), encoding="utf-8")
    monkeypatch.setattr(static_search, "PAGEFIND_PACKAGE", upgraded)
    assert static_search.refresh(config) == ("static index written", True)
    assert (config.build / "pagefind" / "pagefind.js").exists()


@pytest.mark.skipif(not STATIC, reason="node_modules/pagefind missing: npm ci")
def test_a_static_index_copy_cut_short_is_never_left_in_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A build killed while linking the static index into site/: the next build publishes the whole index, where it
    kept the few files linked so far (the stamp said the index was current, and site/pagefind/ existed)."""
    from archive import static_search

    config = static_config(tmp_path)
    link, linked = os.link, []

    def killed_after_three(source: Any, target: Any, *args: Any, **kwargs: Any) -> None:
        linked.append(target)
        if len(linked) > 3:
            raise KeyboardInterrupt  # the build stopped (Ctrl-C, or killed) half way through the copy
        link(source, target, *args, **kwargs)

    assert static_search.refresh(config)[1]
    monkeypatch.setattr(os, "link", killed_after_three)
    with pytest.raises(KeyboardInterrupt):
        static_search.link_into_site(config)
    monkeypatch.setattr(os, "link", link)
    assert not (config.site / "pagefind").exists()  # nothing half-linked was published
    static_search.link_into_site(config)
    assert published_files(config.site / "pagefind") == published_files(config.build / "pagefind")
    assert "pagefind.js" in published_files(config.site / "pagefind")


@pytest.mark.skipif(not STATIC, reason="node_modules/pagefind missing: npm ci")
def test_a_failed_static_index_keeps_the_last_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pagefind fails (here: a script that throws) after the entries changed: the build says so and goes on, and the
    last good index is still the one published; the next build tries again."""
    from archive import static_search

    config = static_config(tmp_path)
    assert static_search.refresh(config)[1]
    before = published_files(config.build / "pagefind")
    broken = tmp_path / "broken.mjs"
    broken.write_text('throw new Error("out of memory");\n', encoding="utf-8")
    monkeypatch.setattr(static_search, "NODE_SCRIPT", broken)
    message, remade = static_search.refresh(config)  # another script: the stamp no longer matches
    assert not remade and message.startswith("static index failed (the last one is kept)") and "out of memory" in message
    assert published_files(config.build / "pagefind") == before


def test_the_report_merges_a_rebuilds_entries_line_by_line(tmp_path: Path) -> None:
    """Property: merging this run's entries into the report file (streamed: at 100,000 sources the report is 1.5 GB)
    gives what a whole-file merge gives — the live sources' entries, this run's where it has one, sorted — from a
    report in the line layout and from an older pretty-printed one."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from archive.convert_stage import update_report

    names = st.sampled_from([f"{c}{n}.txt" for c in "abc" for n in range(4)] + ["sub/x.html", "é.txt"])

    @settings(max_examples=80, deadline=None)
    @given(st.dictionaries(names, st.integers(0, 9)), st.dictionaries(names, st.integers(10, 19)), st.sets(names), st.booleans())
    def check(old: dict[str, int], new: dict[str, int], live: set[str], pretty: bool) -> None:
        path = tmp_path / "report.json"
        entries = [{"source": f"sources/{n}", "v": v} for n, v in sorted(old.items())]
        if pretty:
            path.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
        else:
            path.write_text("[\n" + ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries) + "\n]\n", encoding="utf-8")
        update_report(path, {n: json.dumps({"source": f"sources/{n}", "v": v}, ensure_ascii=False) for n, v in new.items()}, live)
        merged = {**old, **new}
        expected = [{"source": f"sources/{n}", "v": merged[n]} for n in sorted(merged) if n in live]
        assert json.loads(path.read_text(encoding="utf-8")) == expected

    check()


def test_tree_hash_does_not_walk_excluded_folders(tmp_path: Path) -> None:
    """The shell's hash covers the browse pages, not the document and raw folders (walking those was 10 s at scale)."""
    from archive.state import tree_hash

    (tmp_path / "docs" / "van-ban").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("trang chủ", encoding="utf-8")
    (tmp_path / "docs" / "van-ban" / "a.md").write_text("văn bản", encoding="utf-8")
    first = tree_hash([tmp_path / "docs"], tmp_path, exclude={tmp_path / "docs" / "van-ban"})
    (tmp_path / "docs" / "van-ban" / "a.md").write_text("văn bản đã sửa", encoding="utf-8")
    assert tree_hash([tmp_path / "docs"], tmp_path, exclude={tmp_path / "docs" / "van-ban"}) == first
    (tmp_path / "docs" / "index.md").write_text("trang chủ mới", encoding="utf-8")
    assert tree_hash([tmp_path / "docs"], tmp_path, exclude={tmp_path / "docs" / "van-ban"}) != first


def test_a_discarded_site_is_gone_at_once_and_removed_in_the_background(tmp_path: Path) -> None:
    """The last site leaves its place in one rename; a detached process deletes it, and the build does not wait."""
    import time

    from archive.assemble import discard

    old = tmp_path / "site.old"
    for i in range(200):
        (old / f"p{i}").mkdir(parents=True)
        (old / f"p{i}" / "index.html").write_text("x", encoding="utf-8")
    discard(old, tmp_path / "trash")
    assert not old.exists()
    deadline = time.monotonic() + 20
    while any((tmp_path / "trash").iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any((tmp_path / "trash").iterdir())


WORKERS = """
import multiprocessing, time

def work(seconds):  # a step that starts processes of its own, as Whoosh's index writer does
    workers = [multiprocessing.Process(target=time.sleep, args=(seconds,)) for _ in range(2)]
    for w in workers:
        w.start()
    time.sleep(seconds)
"""


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


def _alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_step_apart_ends_with_a_killed_build(tmp_path: Path, method: str) -> None:
    """A build killed while its pages or index are made in a child process (archive/apart.py) leaves no process
    writing on into the next build: the child sees its parent gone and ends, with the workers it started."""
    import signal
    import time

    (tmp_path / "steps.py").write_text(WORKERS, encoding="utf-8")
    script = ("import os\nfrom archive.apart import run_apart\nfrom steps import work\n"
              f"print(os.getpid(), flush=True)\nrun_apart(work, 120, method={method!r})\n")
    env = dict(code_env(), PYTHONPATH=f"{ROOT}{os.pathsep}{tmp_path}")
    build = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    assert build.stdout is not None
    parent = int(build.stdout.readline())
    deadline = time.monotonic() + 30
    while len(_descendants(parent)) < 3 and time.monotonic() < deadline:
        time.sleep(0.1)  # the child and its two workers (and, spawning, a resource tracker)
    time.sleep(1)
    started = _descendants(parent)
    assert len(started) >= 3, started
    os.kill(parent, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in started):
        assert time.monotonic() < deadline, f"outlived the killed build: {[p for p in started if _alive(p)]}"
        time.sleep(0.1)


def test_a_source_changed_twice_in_quick_succession_is_converted_both_times(tmp_path: Path) -> None:
    """A file changed just before a build gets no stamp (it may change again within the clock's tick); two such
    builds in a row must not take "no stamp" for "the same stamp". Here the file's time is in the future: always
    just changed."""
    import time

    project = copy_project(tmp_path / "project")
    source = sorted((project / "sources").glob("*.txt"))[0]
    future = time.time_ns() + 3600 * 10**9
    os.utime(source, ns=(future, future))
    assert run_build(project).returncode == 0
    text = source.read_text(encoding="utf-8")
    source.unlink()
    source.write_text(text.rstrip() + "\n\nUBND xã tổ chức kiểm tra việc thực hiện kế hoạch trước ngày 30 tháng 6.\n", encoding="utf-8")
    os.utime(source, ns=(future, future))
    again = run_build(project)
    assert again.returncode == 0 and "1 converted" in again.stdout, again.stdout
