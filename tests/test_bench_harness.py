"""The benchmark harness's baseline runs (bench/build_bench.py): a baseline that cannot finish is a figure, not the
end of the run (at 100,000 pages bare MkDocs needs 15 GB and 61 GB of disk)."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.build_bench import measured


def test_a_failing_baseline_is_reported_with_its_last_line(tmp_path: Path) -> None:
    run = measured([sys.executable, "-c", "import sys; print('đang chạy'); sys.exit('hết chỗ trên đĩa')"], tmp_path, limit_s=60)
    assert run.stopped == "failed: hết chỗ trên đĩa", run.stopped


def test_a_baseline_is_stopped_before_the_disk_is_full(tmp_path: Path) -> None:
    run = measured([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, limit_s=60, min_free_gb=1e9)
    assert run.stopped.startswith("disk: ") and run.seconds < 20, (run.stopped, run.seconds)
