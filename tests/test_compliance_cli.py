"""`python -m compliance check` through subprocess: exit codes, files written or not (formats.md)."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from tests.cli_helpers import CAL, run_cli, write_files

ASSIGN = ("cadre_id,name,class_id,class_name,college,start,end\n"
          "c1,张三,k1,计科1班,计算机学院,,2025-10-12\n"
          "c2,李四,k1,计科1班,计算机学院,2025-10-13,\n")
LEDGER = ("工号,日期,类型,场所,班级编号,编号\n"
          "c1,2025-09-09,face_to_face,宿舍,,x1\n"
          "c1,2025/9/17,党课/思政课,班级,,x2\n"
          "c2,2025年10月14日,面对面交流,dormitory,,x3\n")


def run(tmp: Path, *args: str, env_lang: str = "zh_CN.UTF-8"):
    return run_cli("compliance", "check", *args, lang=env_lang, timeout=120)


def files(tmp: Path, **over) -> dict[str, Path]:
    content = {"cal.toml": CAL, "assign.csv": ASSIGN, "ledger.csv": LEDGER,
               "ex.csv": "cadre_id,start,end,reason\nc1,2025-09-15,2025-09-19,公差\n"} | over
    return write_files(tmp, content)


def test_check_writes_status_and_summary(tmp_path):
    f = files(tmp_path)
    out, summ = tmp_path / "status.csv", tmp_path / "summary.json"
    r = run(tmp_path, "--calendar", str(f["cal.toml"]), "--assignments", str(f["assign.csv"]), "--ledger",
            str(f["ledger.csv"]), "--exemptions", str(f["ex.csv"]), "--as-of", "2025-10-20", "--out", str(out),
            "--summary", str(summ))
    assert r.returncode == 0, r.stderr
    st = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert list(st.columns) == ["cadre_id", "rule", "period", "required", "done", "status"]
    rows = {(a, b, c): (d, e, g) for a, b, c, d, e, g in st.itertuples(index=False)}
    assert rows[("c1", "face_to_face", "2025秋-W01")] == ("1", "1", "met")
    assert rows[("c1", "face_to_face", "2025秋-W02")] == ("1", "1", "exempt")     # 公差 the whole week
    assert rows[("c1", "party_lecture", "2025秋")] == ("1", "1", "exempt")        # 4 of 9 weeks, see below
    assert rows[("c2", "face_to_face", "2025秋-W06")] == ("1", "1", "met")
    assert rows[("c2", "party_lecture", "2025秋")] == ("1", "0", "exempt")        # W06..W09 = 4 of 9 weeks
    assert ("c1", "face_to_face", "2025秋-W08") not in rows                       # starts after the as-of date
    s = json.loads(summ.read_text(encoding="utf-8"))
    assert s["as_of"] == "2025-10-20" and s["cadres"] == 2 and s["rows"] == len(st)
    assert sum(s["status"].values()) == len(st)
    assert s["rules"]["face_to_face"]["met"] == int(((st["rule"] == "face_to_face") & (st["status"] == "met")).sum())


def test_c1_term_scope_detail(tmp_path):
    # c1 advises W01..W05 but is away W02 -> 4 of 9 weeks in scope -> the autumn term is exempt
    f = files(tmp_path)
    out = tmp_path / "s.csv"
    r = run(tmp_path, "--calendar", str(f["cal.toml"]), "--assignments", str(f["assign.csv"]), "--ledger",
            str(f["ledger.csv"]), "--exemptions", str(f["ex.csv"]), "--as-of", "2025-10-20", "--out", str(out))
    assert r.returncode == 0
    st = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    row = st[(st["cadre_id"] == "c1") & (st["rule"] == "party_lecture")]
    assert row[["period", "done", "status"]].values.tolist() == [["2025秋", "1", "exempt"]]


def test_invalid_input_lists_every_problem_and_writes_nothing(tmp_path):
    f = files(tmp_path, **{"ledger.csv": "cadre_id,date,type,venue\nc1,2025-13-01,dance,宿舍\nc1,2025-09-09,"
                                          "face_to_face,月球\n",
                           "rules.toml": '[rules.face_to_face]\nper = "fortnight"\n'})
    out, summ = tmp_path / "status.csv", tmp_path / "summary.json"
    out.write_text("previous content", encoding="utf-8")
    r = run(tmp_path, "--calendar", str(f["cal.toml"]), "--assignments", str(tmp_path / "missing.csv"),
            "--ledger", str(f["ledger.csv"]), "--rules", str(f["rules.toml"]), "--as-of", "2025-02-30",
            "--out", str(out), "--summary", str(summ), env_lang="en_US.UTF-8")
    assert r.returncode == 2
    err = r.stderr
    assert "nothing written (6 problem(s))" in err
    for needle in ("missing.csv: file not found", "row 2, column 'date'", "row 2, column 'type'",
                   "row 3, column 'venue'", "rule face_to_face, field per: unknown period 'fortnight'",
                   "--as-of '2025-02-30'"):
        assert needle in err, err
    assert out.read_text(encoding="utf-8") == "previous content"
    assert not summ.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".status")] == []


def test_invalid_calendar_in_chinese(tmp_path):
    f = files(tmp_path, **{"cal.toml": CAL.replace("2025-09-08", "2025-09-09")})
    out = tmp_path / "status.csv"
    r = run(tmp_path, "--calendar", str(f["cal.toml"]), "--assignments", str(f["assign.csv"]), "--ledger",
            str(f["ledger.csv"]), "--out", str(out))
    assert r.returncode == 2
    assert "未写出任何文件" in r.stderr and "2025-09-09" in r.stderr
    assert not out.exists()


def test_missing_required_argument_is_exit_2(tmp_path):
    r = run(tmp_path, "--calendar", "x.toml")
    assert r.returncode == 2 and "--assignments" in r.stderr


def test_check_reads_a_requirements_document_with_versions(tmp_path):
    # a threshold raised from 2025-09-15: W01 needs 1 face-to-face contact, W02 (from 09-15) needs 2
    f = files(tmp_path, **{"rules.toml": "[[versions]]\neffective = 2025-09-15\n"
                                         "[versions.rules.face_to_face]\nat_least = 2\n",
                           "ledger.csv": LEDGER + "c1,2025-09-16,face_to_face,食堂,,x4\n"})
    out = tmp_path / "status.csv"
    r = run(tmp_path, "--calendar", str(f["cal.toml"]), "--assignments", str(f["assign.csv"]), "--ledger",
            str(f["ledger.csv"]), "--rules", str(f["rules.toml"]), "--as-of", "2025-09-30", "--out", str(out))
    assert r.returncode == 0, r.stderr
    st = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    f2f = st[(st["cadre_id"] == "c1") & (st["rule"] == "face_to_face")].set_index("period")
    assert f2f.loc["2025秋-W01", ["required", "done", "status"]].tolist() == ["1", "1", "met"]
    # W02: the face-to-face on 09-16 and the Party lecture in class on 09-17 make two
    assert f2f.loc["2025秋-W02", ["required", "done", "status"]].tolist() == ["2", "2", "met"]
    assert f2f.loc["2025秋-W03", ["required", "done", "status"]].tolist() == ["2", "0", "missed"]
