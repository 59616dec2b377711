"""Vocabulary checks: words no fit-table row mentions are warnings; the CLI prints them on stderr and
still solves."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from test_matching_support import cadres, classes

from matching import load_config
from matching.vocab_check import check

ROOT = Path(__file__).resolve().parents[1]


def test_unknown_words_are_warned_known_and_aliased_are_not():
    cad = cadres([("A", "head", 1, "招生就业处", ("就业指导", "资助工作", "航海")),
                  ("B", "head", 1, "档案馆", ("航海",)), ("C", "head", 1, "甲院")])
    cls = classes([("X", "甲院", False, ("毕业班", "留守儿童"))])
    ws = check(cad, cls, load_config(None))
    got = {(w.kind, w.word, w.count) for w in ws}
    # 资助工作 is an alias of 学生资助; 甲院 is a college (own-unit rule); 毕业班 is in the tables
    assert got == {("expertise", "航海", 2), ("unit", "档案馆", 1), ("tag", "留守儿童", 1)}
    msg = next(w for w in ws if w.word == "航海").message("zh")
    assert msg.startswith("警告：专长「航海」（2名干部）")
    assert "class tag '留守儿童' (1 classes)" in next(w for w in ws if w.word == "留守儿童").message("en")


def test_suggestions_name_close_known_words():
    cad = cadres([("A", "head", 1, "招生就业处", ("学生资助工作",))])
    ws = check(cad, classes([("X", "甲院")]), load_config(None))
    assert ws[0].suggestions and ws[0].suggestions[0] == "学生资助"


def _write(path: Path, header: list[str], rows: list[list]):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def test_cli_prints_warnings_on_stderr_and_still_solves_with_reasons(tmp_path):
    """Held-out case: the CLI's reasons, the unit affinity and a vocabulary warning."""
    _write(tmp_path / "cadres.csv", ["cadre_id", "name", "unit", "position", "level", "expertise", "discipline",
                                     "capacity"],
           [["T1", "王一", "国际交流处", "处长", "head", "外事接待", "", 1],
            ["T2", "李二", "后勤管理处", "处长", "head", "就业指导", "", 1]])
    _write(tmp_path / "classes.csv", ["class_id", "name", "college", "major", "discipline", "grade", "size", "tags",
                                      "priority"],
           [["C1", "留学生2025级1班", "国际学院", "汉语", "文学", 2025, 20, "国际学生", "否"],
            ["C2", "机械2022级1班", "机械学院", "机械", "工学", 2022, 30, "毕业班;航模队", "否"]])
    out = tmp_path / "a.csv"
    r = subprocess.run([sys.executable, "-m", "matching", "solve", "--cadres", str(tmp_path / "cadres.csv"),
                        "--classes", str(tmp_path / "classes.csv"), "--out", str(out)],
                       check=False, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "警告：专长「外事接待」（1名干部）" in r.stderr
    assert "警告：单位「后勤管理处」（1名干部）" in r.stderr
    assert "警告：班级标签「航模队」（1个班级）" in r.stderr
    rows = {row["cadre_id"]: row for row in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))}
    assert rows["T1"]["class_id"] == "C1" and rows["T1"]["part_unit"] == "2.0"
    assert rows["T1"]["reason"] == "单位「国际交流处」对应标签「国际学生」+2"
    assert rows["T2"]["reason"] == "专长「就业指导」对应标签「毕业班」+3"
