"""A tiny archive whose every untrusted input carries a script: the source's title line and a list item, and the
sidecar's portal and corrections (title, issuer, signer). Built with the real build command
in a project folder of its own (archive/project.py: no copy of the code), so the sample archive is never touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from archive.project import new_project

ROOT = Path(__file__).resolve().parent.parent

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
    new_project(where)
    sources = where / "sources"
    (sources / "001_hostile.txt").write_text(SOURCE, encoding="utf-8")
    (sources / "001_hostile.txt.meta.yml").write_text(SIDECAR, encoding="utf-8")
    (sources / "002_neighbour.txt").write_text(NEIGHBOUR, encoding="utf-8")
    (sources / "002_neighbour.txt.meta.yml").write_text(NEIGHBOUR_SIDECAR, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the code; the project is the current directory
    result = subprocess.run([sys.executable, "-m", "archive", "build"], cwd=where, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return where
