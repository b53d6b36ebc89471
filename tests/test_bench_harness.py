"""The benchmark harness's baseline runs (bench/build_bench.py): a baseline that cannot finish is a figure, not the
end of the run (at 100,000 pages bare MkDocs needs 15 GB and 61 GB of disk)."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.build_bench import ADDED_SENTENCE, edit_body, measured


def test_a_failing_baseline_is_reported_with_its_last_line(tmp_path: Path) -> None:
    run = measured([sys.executable, "-c", "import sys; print('đang chạy'); sys.exit('hết chỗ trên đĩa')"], tmp_path, limit_s=60)
    assert run.stopped == "failed: hết chỗ trên đĩa", run.stopped


def test_a_baseline_is_stopped_before_the_disk_is_full(tmp_path: Path) -> None:
    run = measured([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, limit_s=60, min_free_gb=1e9)
    assert run.stopped.startswith("disk: ") and run.seconds < 20, (run.stopped, run.seconds)


def test_memory_shared_with_a_forked_child_counts_once(tmp_path: Path) -> None:
    """The build forks its page maker from a large process: the peak must not count the shared pages twice."""
    script = ("import os, time\n"
              "block = bytearray(os.urandom(1 << 20)) * 300\n"  # 300 MB, touched
              "pid = os.fork()\n"
              "time.sleep(3)\n"
              "if pid: os.waitpid(pid, 0)\n")
    run = measured([sys.executable, "-c", script], tmp_path)
    assert 280 < run.peak_mb < 450, run.peak_mb  # resident sizes would add up to over 600 MB


def test_the_one_change_edit_lands_in_the_body(tmp_path: Path) -> None:
    """The rebuild figure must be for a change the converter keeps: a sentence between two body paragraphs."""
    source = tmp_path / "a.txt"
    source.write_text("Tiêu đề\n\nĐoạn một.\n\nĐoạn hai.\n\nNơi nhận:\n", encoding="utf-8")
    edit_body(source)
    lines = source.read_text(encoding="utf-8").splitlines()
    assert lines.index(ADDED_SENTENCE) < lines.index("Nơi nhận:") and lines.index(ADDED_SENTENCE) > 0
