"""Templates, writers and the calendar: what Yixian writes re-imports identically."""
from __future__ import annotations

import io
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from compliance.calendar import Term
from importer import (
    KINDS,
    SCHEMAS,
    ImportFailed,
    read_calendar,
    read_file,
    template_calendar,
    template_xlsx,
    write_calendar,
    write_csv,
    write_xlsx,
)

# What a user types into the template (Chinese enum names, mixed forms), and what must come out.
FILL = {
    "cadres": [
        {"cadre_id": "0012", "name": "张伟", "unit": "计算机学院", "position": "副院长", "level": "中层副职",
         "expertise": "思想政治教育；就业指导", "discipline": "工学", "capacity": 2},
        {"cadre_id": "T9", "name": "李娜", "unit": "党委办公室", "level": "校领导"},
    ],
    "classes": [
        {"class_id": "JS2501", "name": "计算机2501班", "college": "计算机学院", "major": "计算机科学与技术",
         "grade": 2025, "size": 32, "tags": "新生班、学业预警", "priority": "是"},
        {"class_id": "YY2401", "name": "英语2401班", "college": "外国语学院", "grade": "2024级", "size": "28"},
    ],
    "preferences": [
        {"cadre_id": "0012", "rank": 1, "kind": "班级", "value": "JS2501"},
        {"cadre_id": "0012", "rank": 2, "kind": "年级", "value": 2024},
    ],
    "constraints": [
        {"type": "回避", "cadre_id": "0012", "college": "计算机学院", "reason": "本单位回避"},
        {"type": "锁定", "cadre_id": "T9", "class_id": "YY2401"},
        {"type": "学院名额", "college": "计算机学院", "min": 1, "max": 3},
        {"type": "层级上限", "college": "外国语学院", "level": "校领导", "max": 1},
    ],
    "scores": [
        {"cadre_id": "0012", "class_id": "JS2501", "score": 87.5},
        {"cadre_id": "T9", "class_id": "YY2401", "score": "0.1"},
    ],
    "previous": [{"cadre_id": "0012", "class_id": "JS2501"}],
    "assignment": [
        {"cadre_id": "0012", "name": "张伟", "class_id": "JS2501", "class_name": "计算机2501班",
         "college": "计算机学院", "score": 2.75, "part_expertise": 1.0, "part_preference": 1.75,
         "preference_rank": 1, "locked": "否", "changed": "是", "start": datetime(2025, 9, 8), "end": "2026/1/18"},
        {"cadre_id": "T9", "class_id": "YY2401", "locked": "Y"},
    ],
    "ledger": [
        {"cadre_id": "0012", "date": datetime(2025, 9, 15), "type": "面对面交流", "venue": "宿舍",
         "students": 12, "minutes": 60, "summary": "走访宿舍"},
        {"activity_id": "X-1", "cadre_id": "T9", "date": "2025年10月9日", "type": "向党委汇报"},
    ],
    "exemptions": [{"cadre_id": "T9", "start": "2025-10-20", "end": "2025-11-07", "reason": "出国访问"}],
}

EXPECT = {
    "cadres": {"cadre_id": ["0012", "T9"], "level": ["deputy", "school"], "position": ["副院长", ""],
               "expertise": [("思想政治教育", "就业指导"), ()], "capacity": [2, 1]},
    "classes": {"grade": [2025, 2024], "size": [32, 28], "tags": [("新生班", "学业预警"), ()],
                "priority": [True, False], "major": ["计算机科学与技术", ""]},
    "preferences": {"kind": ["class", "grade"], "value": ["JS2501", "2024"], "rank": [1, 2]},
    "constraints": {"type": ["forbid", "lock", "college_quota", "level_cap"], "level": ["", "", "", "school"],
                    "min": [pd.NA, pd.NA, 1, pd.NA], "max": [pd.NA, pd.NA, 3, 1], "class_id": ["", "YY2401", "", ""]},
    "scores": {"score": [87.5, 0.1], "score_text": ["87.5", "0.1"]},
    "previous": {"class_id": ["JS2501"]},
    "assignment": {"preference_rank": [1, pd.NA], "locked": [False, True], "changed": [True, False],
                   "start": [pd.Timestamp("2025-09-08"), pd.NaT], "end": [pd.Timestamp("2026-01-18"), pd.NaT],
                   "part_discipline": [np.nan, np.nan], "part_preference": [1.75, np.nan]},
    "ledger": {"type": ["face_to_face", "report"], "venue": ["宿舍", ""], "students": [12, pd.NA],
               "date": [pd.Timestamp("2025-09-15"), pd.Timestamp("2025-10-09")]},
    "exemptions": {"start": [pd.Timestamp("2025-10-20")], "end": [pd.Timestamp("2025-11-07")]},
}

DTYPES = {
    "cadres": ["object"] * 5 + ["object", "object", "int64"],
    "classes": ["object"] * 5 + ["int64", "int64", "object", "bool"],
    "preferences": ["object", "int64", "object", "object"],
    "constraints": ["object"] * 5 + ["Int64", "Int64", "object"],
    "scores": ["object", "object", "float64", "object"],
    "previous": ["object", "object"],
    "assignment": ["object"] * 5 + ["float64"] * 7 + ["Int64", "bool", "bool", "datetime64[ns]", "datetime64[ns]",
                   "object"],
    "ledger": ["object", "object", "datetime64[ns]", "object", "object", "object", "Int64", "Int64", "object"],
    "exemptions": ["object", "datetime64[ns]", "datetime64[ns]", "object"],
}


def fill_template(kind: str, rows: list[dict]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    k = SCHEMAS[kind]
    ws = wb[k.sheet]
    headers = [c.value for c in ws[1]]
    assert headers == [c.header for c in k.columns]
    ws.delete_rows(2)                      # remove the example row
    for i, row in enumerate(rows, start=2):
        for j, c in enumerate(k.columns, start=1):
            ws.cell(row=i, column=j, value=row.get(c.id))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_kinds_list():
    assert [k for k, _ in KINDS] == ["cadres", "classes", "preferences", "constraints", "scores", "previous",
                                     "assignment", "ledger", "exemptions"]
    assert dict(KINDS)["cadres"] == "干部名单"


@pytest.mark.parametrize("kind", list(FILL))
def test_template_example_row_imports(kind):
    df = read_file(kind, template_xlsx(kind), filename=f"{kind}.xlsx")
    assert len(df) == 1
    assert list(df.columns) == SCHEMAS[kind].output_columns


@pytest.mark.parametrize("kind", list(FILL))
def test_template_has_explanation_sheet(kind):
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    assert wb.sheetnames == [SCHEMAS[kind].sheet, "说明"]
    doc = wb["说明"]
    ids = [r[1] for r in doc.iter_rows(min_row=5, values_only=True)]
    assert ids == [c.id for c in SCHEMAS[kind].columns]
    required = [r[2] for r in doc.iter_rows(min_row=5, values_only=True)]
    assert all(req for req in required)


@pytest.mark.parametrize("kind", list(FILL))
def test_template_fill_import_and_write_round_trip(kind):
    df = read_file(kind, fill_template(kind, FILL[kind]), filename=f"{kind}.xlsx")
    assert list(df.columns) == SCHEMAS[kind].output_columns
    assert [str(t) for t in df.dtypes] == DTYPES[kind]
    for col, expected in EXPECT[kind].items():
        got = df[col].tolist()
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert (pd.isna(g) and pd.isna(e)) if (not isinstance(e, tuple) and pd.isna(e)) else g == e, (col, got)
    # every text column is "" when empty, never NaN/None
    for c in SCHEMAS[kind].columns:
        if str(df[c.id].dtype) == "object":
            assert not df[c.id].isna().any()

    for data, name in [(write_xlsx(kind, df), "a.xlsx"), (write_xlsx(kind, df, chinese_headers=False), "b.xlsx"),
                       (write_csv(kind, df), "c.csv")]:
        again = read_file(kind, data, filename=name)
        pd.testing.assert_frame_equal(again, df)


def test_write_csv_is_utf8_bom_with_english_ids():
    df = read_file("cadres", fill_template("cadres", FILL["cadres"]), filename="c.xlsx")
    data = write_csv("cadres", df)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "cadre_id,name,unit,position,level,expertise,discipline,capacity"
    assert text.splitlines()[1].startswith("0012,张伟,计算机学院,副院长,deputy,")


def test_write_round_trip_of_edge_values():
    df = pd.DataFrame({
        "cadre_id": pd.Series(["007", "T 2"], dtype=object), "class_id": pd.Series(["00123", "C,1"], dtype=object),
        "score": [0.1 + 0.2, -3.0], "score_text": pd.Series(["0.30000000000000004", "-3"], dtype=object)})
    for data, name in [(write_xlsx("scores", df), "s.xlsx"), (write_csv("scores", df), "s.csv")]:
        again = read_file("scores", data, filename=name)
        pd.testing.assert_frame_equal(again, df)


def test_written_ledger_keeps_generated_ids():
    df = read_file("ledger", fill_template("ledger", FILL["ledger"]), filename="l.xlsx")
    assert df["activity_id"][0].startswith("A") and df["activity_id"][1] == "X-1"
    again = read_file("ledger", write_csv("ledger", df), filename="l.csv")
    assert again["activity_id"].tolist() == df["activity_id"].tolist()


# ----------------------------------------------------------------- calendar

def test_calendar_template_round_trip():
    terms = read_calendar(template_calendar().encode(), filename="校历.toml")
    assert terms == [
        Term("2025秋", date(2025, 9, 8), 18, ((date(2025, 10, 1), date(2025, 10, 8)),)),
        Term("2026春", date(2026, 3, 2), 18, ((date(2026, 4, 4), date(2026, 4, 6)), (date(2026, 5, 1), date(2026, 5, 5)))),
    ]
    assert read_calendar(write_calendar(terms).encode()) == terms


def test_calendar_accepts_string_dates_and_gbk():
    text = '[[term]]\nname = "2025秋"\nstart = "2025/9/8"\nweeks = 18\nholidays = [["2025年10月1日", 2025-10-08]]\n'
    [t] = read_calendar(text.encode("gb18030"), filename="c.toml")
    assert t == Term("2025秋", date(2025, 9, 8), 18, ((date(2025, 10, 1), date(2025, 10, 8)),))


def cal_problems(text):
    with pytest.raises(ImportFailed) as exc:
        read_calendar(text.encode(), filename="c.toml")
    return [(p.file, p.row, p.column, p.value) for p in exc.value.problems]


def test_calendar_syntax_error_has_line():
    assert cal_problems('[[term]]\nname = "2025秋"\nstart = 2025-09-08\nweeks = = 18\n') == [("c.toml", 4, None, None)]


def test_calendar_empty_and_no_terms():
    assert cal_problems("") == [("c.toml", None, None, None)]
    assert cal_problems('title = "x"\n') == [("c.toml", None, "term", None)]


def test_calendar_field_problems():
    text = ('[[term]]\nname = "2025秋"\nstart = 2025-09-09\nweeks = 0\nholidays = [["2025-10-08", "2025-10-01"]]\n\n'
            '[[term]]\nname = ""\nstart = "明年"\nweeks = 31\nholidays = [["2026-04-04"]]\n\n'
            '[[term]]\nstart = 2026-03-02\nweeks = true\n')
    assert cal_problems(text) == [
        ("c.toml", 1, "start", "2025-09-09"), ("c.toml", 1, "weeks", 0),
        ("c.toml", 1, "holidays[1]", "2025-10-08 ~ 2025-10-01"),
        ("c.toml", 7, "name", ""), ("c.toml", 7, "start", "明年"), ("c.toml", 7, "weeks", 31),
        ("c.toml", 7, "holidays[1]", ["2026-04-04"]),
        ("c.toml", 13, "name", None), ("c.toml", 13, "weeks", True),
    ]


def test_calendar_order_overlap_and_duplicate_names():
    text = ('[[term]]\nname = "2025秋"\nstart = 2025-09-08\nweeks = 20\n\n'
            '[[term]]\nname = "2026春"\nstart = 2026-01-19\nweeks = 18\n\n'       # 2025秋 ends 2026-01-25
            '[[term]]\nname = "2025秋"\nstart = 2025-03-03\nweeks = 18\n')
    assert cal_problems(text) == [
        ("c.toml", 11, "name", "2025秋"),
        ("c.toml", 6, "start", "2026-01-19"),
        ("c.toml", 11, "start", "2025-03-03"),
    ]


def test_calendar_terms_back_to_back_are_fine():
    text = ('[[term]]\nname = "A"\nstart = 2025-09-08\nweeks = 2\n[[term]]\nname = "B"\nstart = 2025-09-22\nweeks = 1\n')
    assert [t.name for t in read_calendar(text.encode())] == ["A", "B"]


def test_template_offers_dropdowns_for_enums_and_booleans():
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx("ledger")))
    lists = {str(dv.sqref): dv.formula1 for dv in wb["工作台账"].data_validations.dataValidation}
    assert lists == {"D2:D2000": '"党课/思政课,集体活动/社会实践,听课,面对面交流,向党委汇报,其他"',
                     "E2:E2000": '"课堂,班级,宿舍,食堂,社团,讲座,早操,网络,活动现场"'}
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx("classes")))
    lists = {str(dv.sqref): dv.formula1 for dv in wb["班级名单"].data_validations.dataValidation}
    assert lists == {"I2:I2000": '"是,否"'}
