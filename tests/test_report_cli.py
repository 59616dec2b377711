"""`python -m compliance report` through subprocess: exit 0 writes xlsx (+ PDF), exit 2 lists every problem."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from compliance.report_pdf import FONT_CANDIDATES
from tests.cli_helpers import CAL, run_cli, write_files

CADRES = ("工号,姓名,单位,职务,层级\n"
          "c1,张三,计算机学院,院长,中层正职\n"
          "c2,李四,学校领导,党委书记,校领导\n"
          "c3,王五,教务处,副处长,中层副职\n")
ASSIGN = "cadre_id,name,class_id,class_name,college,start,end\nc1,张三,k1,计科1班,计算机学院,,\nc2,李四,k2,软工1班,计算机学院,,\n"
LEDGER = "工号,日期,类型,场所,班级编号,编号\nc1,2025-09-09,face_to_face,宿舍,,x1\nc2,2025/9/17,党课/思政课,班级,,x2\n"


def run(*args: str, lang: str = "zh_CN.UTF-8"):
    return run_cli("compliance", "report", *args, lang=lang)


def files(tmp: Path, **over) -> dict[str, str]:
    content = {"cal.toml": CAL, "cadres.csv": CADRES, "assign.csv": ASSIGN, "ledger.csv": LEDGER} | over
    return {k: str(p) for k, p in write_files(tmp, content).items()}


def args(f: dict[str, str], *extra: str) -> list[str]:
    return ["--calendar", f["cal.toml"], "--assignments", f["assign.csv"], "--ledger", f["ledger.csv"],
            "--cadres", f["cadres.csv"], *extra]


def test_report_writes_every_cadre(tmp_path):
    f = files(tmp_path)
    out = tmp_path / "report.xlsx"
    r = run(*args(f, "--year", "2025-2026", "--as-of", "2026-04-15", "--out", str(out)))
    assert r.returncode == 0, r.stderr
    assert "2025-2026学年" in r.stdout and "3 名干部" in r.stdout
    wb = openpyxl.load_workbook(out)
    ws = wb["汇总"]
    assert [ws.cell(row, 2).value for row in range(5, 8)] == ["c2", "c1", "c3"]     # level, then unit
    assert ws.cell(7, 7).value == "未带班"
    assert "2025-2026学年" in ws["A2"].value and "2026-04-15" in ws["A2"].value


def test_single_year_is_the_calendar_year(tmp_path):
    f = files(tmp_path)
    out = tmp_path / "report.xlsx"
    r = run(*args(f, "--year", "2025", "--as-of", "2026-04-15", "--out", str(out)))
    assert r.returncode == 0, r.stderr
    assert "2025年度" in openpyxl.load_workbook(out)["汇总"]["A2"].value


@pytest.mark.skipif(shutil.which("pdfinfo") is None or not any(Path(f).is_file() for f in FONT_CANDIDATES),
                    reason="poppler-utils or fonts-wqy-zenhei not installed (scripts/system-deps.sh)")
def test_pdf_written_too(tmp_path):
    f = files(tmp_path)
    out, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    r = run(*args(f, "--year", "2025-2026", "--as-of", "2026-04-15", "--out", str(out), "--pdf", str(pdf)))
    assert r.returncode == 0, r.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "Pages:" in info and int(info.split("Pages:")[1].split()[0]) >= 4     # summary + one per cadre


def test_invalid_input_lists_every_problem_and_writes_nothing(tmp_path):
    f = files(tmp_path, **{"cadres.csv": "工号,姓名,单位,层级\nc1,张三,计算机学院,处级\n",
                           "rules.toml": "[conclusion]\ngood = 2\n"})
    out, pdf = tmp_path / "r.xlsx", tmp_path / "r.pdf"
    out.write_text("previous", encoding="utf-8")
    r = run(*args(f, "--rules", f["rules.toml"], "--year", "2031-2032", "--as-of", "2026-02-30",
                  "--out", str(out), "--pdf", str(pdf)), lang="en_US.UTF-8")
    assert r.returncode == 2
    err = r.stderr
    assert "nothing written (4 problem(s))" in err, err
    for needle in ("row 2, column '层级", "conclusion, field good", "--year: no academic year 2031-2032",
                   "--as-of '2026-02-30'"):
        assert needle in err, err
    assert out.read_text(encoding="utf-8") == "previous" and not pdf.exists()


def test_missing_roster_is_a_usage_error(tmp_path):
    f = files(tmp_path)
    r = run("--calendar", f["cal.toml"], "--assignments", f["assign.csv"], "--ledger", f["ledger.csv"],
            "--year", "2025", "--out", str(tmp_path / "r.xlsx"))
    assert r.returncode == 2 and "--cadres" in r.stderr
