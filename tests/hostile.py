"""A tiny archive whose every untrusted input carries a script: the source's title line and a list item, and the
sidecar's portal and corrections (title, issuer, signer). Built with the real build command
in a copy of the project, so the sample archive is never touched."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPIED = ["archive", "core", "converters", "search_index", "overrides", "mkdocs.yml", "docs/assets", "docs/tim-kiem.md", "docs/gioi-thieu.md"]

TITLE_PAYLOAD = "<img src=x onerror=alert('title')>"
BODY_PAYLOAD = "<img src=x onerror=alert('body')>"
SIDECAR_TITLE = "Báo cáo thử <img src=x onerror=alert('ctitle')>"
SIDECAR_ISSUER = "Đảng ủy xã An Lạc <svg onload=alert('issuer')>"
SIDECAR_SIGNER = "</dd><script>alert('signer')</script>"
SIDECAR_PORTAL = "Cổng <img src=x onerror=alert('portal')>"

SOURCE = f"""ĐẢNG BỘ HUYỆN THỬ NGHIỆM
ĐẢNG ỦY XÃ AN LẠC
Số 12-BC/ĐU
ĐẢNG CỘNG SẢN VIỆT NAM
An Lạc, ngày 05 tháng 3 năm 2024
BÁO CÁO
Kết quả công tác tháng 2 năm 2024 {TITLE_PAYLOAD}
I. Tình hình chung
Trong tháng, Đảng ủy xã đã lãnh đạo thực hiện các nhiệm vụ chính trị của địa phương theo kế hoạch đề ra.
- mục {BODY_PAYLOAD}
- Công tác tuyên truyền được duy trì thường xuyên trên hệ thống truyền thanh của xã [xem](javascript:alert('link')).
II. Nhiệm vụ tháng 3 năm 2024
Tiếp tục chỉ đạo sản xuất vụ Xuân và công tác phòng chống dịch bệnh cho gia súc, gia cầm.
T/M ĐẢNG ỦY
BÍ THƯ
Trần Văn Bình
"""

# (a javascript: source_url is refused by the sidecar schema, tests/test_robustness.py; here it stands in the text)
SIDECAR = f"""source_url: null
portal: "{SIDECAR_PORTAL}"
retrieved: 2024-03-06
added: 2024-03-07
corrections:
  title: "{SIDECAR_TITLE}"
  issuer: "{SIDECAR_ISSUER}"
  signer: "{SIDECAR_SIGNER}"
"""

# A second report of the same (corrected) issuer, its title taken from its own hostile title line: the two are each
# other's series links.
NEIGHBOUR = SOURCE.replace("Số 12-BC/ĐU", "Số 15-BC/ĐU").replace("ngày 05 tháng 3", "ngày 04 tháng 4").replace(f"- mục {BODY_PAYLOAD}\n", "")
NEIGHBOUR_SIDECAR = f"""source_url: https://anlac.example.vn/bao-cao-15
portal: null
retrieved: null
added: 2024-04-05
corrections:
  issuer: "{SIDECAR_ISSUER}"
"""


def build_hostile(where: Path) -> Path:
    for name in COPIED:
        src, dst = ROOT / name, where / name
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dst)
    if (ROOT / "node_modules").exists():
        (where / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    sources = where / "sources"
    sources.mkdir()
    (sources / "001_hostile.txt").write_text(SOURCE, encoding="utf-8")
    (sources / "001_hostile.txt.meta.yml").write_text(SIDECAR, encoding="utf-8")
    (sources / "002_neighbour.txt").write_text(NEIGHBOUR, encoding="utf-8")
    (sources / "002_neighbour.txt.meta.yml").write_text(NEIGHBOUR_SIDECAR, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(where))
    result = subprocess.run([sys.executable, "-m", "archive", "build"], cwd=where, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return where
