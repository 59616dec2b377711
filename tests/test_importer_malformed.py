"""Malformed (and tricky-but-valid) files: each test asserts the exact problems reported."""
from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from importer import ImportFailed, Refs, read_bundle, read_file


def xlsx(rows, sheet="Sheet1", more=(), merge=None) -> bytes:
    """Workbook bytes; `more` = [(sheet name, rows)] added after the first sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(row=i, column=j, value=v)
    if merge:
        ws.merge_cells(merge)
    for name, rws in more:
        extra = wb.create_sheet(name)
        for r in rws:
            extra.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def problems(kind, source, filename, refs=None):
    with pytest.raises(ImportFailed) as exc:
        read_file(kind, source, filename=filename, refs=refs)
    return [(p.file, p.row, p.column, p.value) for p in exc.value.problems]


CADRES_CSV = "工号,姓名,单位,层级\nT1,张伟,计算机学院,中层副职\nT2,李娜,学生工作部,中层正职\n"


# ----------------------------------------------------------------- encodings

def test_gb18030_csv_succeeds():
    df = read_file("cadres", CADRES_CSV.encode("gb18030"), filename="干部.csv")
    assert df["name"].tolist() == ["张伟", "李娜"]
    assert df["level"].tolist() == ["deputy", "head"]


def test_gbk_csv_succeeds():
    df = read_file("cadres", CADRES_CSV.encode("gbk"), filename="干部.csv")
    assert df["unit"].tolist() == ["计算机学院", "学生工作部"]


def test_utf8_bom_csv_succeeds():
    data = CADRES_CSV.encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    df = read_file("cadres", data, filename="干部.csv")
    assert df["cadre_id"].tolist() == ["T1", "T2"]      # the BOM does not stick to the first header


def test_undecodable_bytes():
    data = "cadre_id,name,unit,level\nT1,张伟,计算机学院,head\n".encode() + b"T2,\xff\xfe\xff,x,head\n"
    assert problems("cadres", data, "c.csv") == [("c.csv", 3, None, "ff fe ff 2c")]


# ----------------------------------------------------------------- whole-file problems

def test_empty_file():
    assert problems("cadres", b"", "c.csv") == [("c.csv", None, None, None)]


def test_blank_lines_only_is_empty():
    assert problems("cadres", b"\r\n , ,\r\n\r\n", "c.csv") == [("c.csv", None, None, None)]


def test_header_only():
    assert problems("cadres", "工号,姓名,单位,层级\n".encode(), "c.csv") == [("c.csv", 1, None, None)]


def test_missing_required_column_named_in_both_languages():
    data = "工号,姓名,层级\nT1,张伟,中层副职\n".encode()
    with pytest.raises(ImportFailed) as exc:
        read_file("cadres", data, filename="c.csv")
    [p] = exc.value.problems
    assert (p.file, p.row, p.column, p.value) == ("c.csv", None, "单位(unit)", None)
    assert "单位" in p.expected_zh and "unit" in p.expected_en


def test_two_missing_columns_both_listed():
    data = "工号,姓名\nT1,张伟\n".encode()
    assert problems("cadres", data, "c.csv") == [("c.csv", None, "单位(unit)", None),
                                                   ("c.csv", None, "层级(level)", None)]


def test_wrong_sheet_in_multi_sheet_workbook():
    data = xlsx([["封面说明"]], sheet="封面", more=[("数据", [["工号", "姓名", "单位", "层级"]])])
    assert problems("cadres", data, "c.xlsx") == [
        ("c.xlsx", None, None, "封面"),
        ("c.xlsx", None, "工号(cadre_id)", None), ("c.xlsx", None, "姓名(name)", None),
        ("c.xlsx", None, "单位(unit)", None), ("c.xlsx", None, "层级(level)", None),
    ]


def test_sheet_named_after_kind_is_chosen():
    data = xlsx([["说明文字"]], sheet="说明", more=[("干部名单", [["工号", "姓名", "单位", "层级"],
                                                              ["T1", "张伟", "计算机学院", "校领导"]])])
    assert read_file("cadres", data, filename="c.xlsx")["level"].tolist() == ["school"]
    data = xlsx([["说明文字"]], sheet="说明", more=[("Cadres", [["cadre_id", "name", "unit", "level"],
                                                              ["T1", "张伟", "计算机学院", "school"]])])
    assert read_file("cadres", data, filename="c.xlsx")["cadre_id"].tolist() == ["T1"]


def test_empty_xlsx_sheet():
    assert problems("cadres", xlsx([]), "c.xlsx") == [("c.xlsx", None, None, None)]


@pytest.mark.parametrize("data", [b"PK\x03\x04 this is not really a zip", b"\x00\x01\x02garbage", b"hello"])
def test_corrupt_xlsx(data):
    assert problems("cadres", data, "c.xlsx") == [("c.xlsx", None, None, None)]


def test_zip_that_is_not_a_workbook():
    buf = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    assert problems("cadres", buf.getvalue(), "c.xlsx") == [("c.xlsx", None, None, None)]


def test_unknown_extension():
    assert problems("cadres", b"%PDF-1.4", "c.pdf") == [("c.pdf", None, None, ".pdf")]


def test_old_xls_refused_with_advice():
    with pytest.raises(ImportFailed) as exc:
        read_file("cadres", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, filename="c.xls")
    [p] = exc.value.problems
    assert (p.file, p.row, p.column) == ("c.xls", None, None)
    assert ".xlsx" in p.expected_zh and ".xlsx" in p.expected_en


# ----------------------------------------------------------------- title rows and row numbers

def test_merged_title_row_and_blank_row_above_header_succeed():
    rows = [["2025年领导干部名单"], [], ["工号", "姓名", "单位", "层级", "备注"],
            ["T1", "张伟", "计算机学院", "中层副职", "随便写"], [], ["T2", "李娜", "学工部", "head", None]]
    data = xlsx(rows, merge="A1:E1")
    df = read_file("cadres", data, filename="c.xlsx")
    assert df["cadre_id"].tolist() == ["T1", "T2"]
    assert list(df.columns) == ["cadre_id", "name", "unit", "position", "level", "expertise", "discipline",
                                "capacity"]


def test_row_numbers_below_title_rows_are_excel_rows():
    rows = [["2025年领导干部名单"], [], ["工号", "姓名", "单位", "层级"],
            ["T1", "张伟", "计算机学院", "中层副职"], [], ["T2", None, "学工部", "处级"]]
    assert problems("cadres", xlsx(rows, merge="A1:D1"), "c.xlsx") == [
        ("c.xlsx", 6, "姓名", None), ("c.xlsx", 6, "层级", "处级")]


def test_blank_csv_line_above_header_and_line_numbers():
    data = "\n,,,\n工号,姓名,单位,层级\nT1,张伟,计算机学院,中层副职\nT2,李娜,学工部,副处\n".encode()
    assert problems("cadres", data, "c.csv") == [("c.csv", 5, "层级", "副处")]


def test_multiline_quoted_field_keeps_line_numbers():
    data = '工号,姓名,单位,层级,职务\nT1,张伟,计算机学院,中层副职,"第一行\n第二行"\nT2,李娜,学工部,bad,\n'.encode()
    # a line break in a one-line column is refused too (issue 18): both problems, at their own rows
    assert problems("cadres", data, "c.csv") == [("c.csv", 2, "职务", "第一行⟨U+000A⟩第二行"), ("c.csv", 4, "层级", "bad")]


# ----------------------------------------------------------------- cell problems

def test_empty_required_cell_and_every_problem_listed():
    data = ("工号,姓名,单位,层级,带班数\n"
            "T1,,计算机学院,中层副职,1\n"
            "T2,李娜,学工部,处级,两个\n"
            "T3,王强,,head,-1\n").encode()
    assert problems("cadres", data, "c.csv") == [
        ("c.csv", 2, "姓名", None),
        ("c.csv", 3, "层级", "处级"), ("c.csv", 3, "带班数", "两个"),
        ("c.csv", 4, "单位", None), ("c.csv", 4, "带班数", "-1"),
    ]


def test_duplicate_cadre_id():
    data = "工号,姓名,单位,层级\nT1,张伟,计算机学院,中层副职\nT2,李娜,学工部,head\nT1,王强,外语学院,head\n"
    assert problems("cadres", data.encode(), "c.csv") == [("c.csv", 4, "工号", "T1")]


def test_duplicate_class_id_with_numeric_cells():
    rows = [["班级编号", "班级名称", "学院", "年级", "人数"], [2501, "计算机2501", "计算机学院", 2025, 30],
            [2501.0, "计算机2501b", "计算机学院", 2025, 31]]
    assert problems("classes", xlsx(rows), "b.xlsx") == [("b.xlsx", 3, "班级编号", "2501")]


@pytest.mark.parametrize("size", ["-3", "0", "3.5", "三十"])
def test_bad_class_size(size):
    data = f"班级编号,班级名称,学院,年级,人数\nC1,计科1班,计算机学院,2025,{size}\n".encode()
    assert problems("classes", data, "b.csv") == [("b.csv", 2, "人数", size)]


def test_bad_grade_and_bad_boolean():
    data = ("class_id,name,college,grade,size,priority\n"
            "C1,计科1班,计算机学院,二〇二五,30,maybe\n"
            "C2,计科2班,计算机学院,2025级,30,是\n").encode()
    assert problems("classes", data, "b.csv") == [("b.csv", 2, "grade", "二〇二五"),
                                                   ("b.csv", 2, "priority", "maybe")]


def test_bad_date_values():
    data = ("工号,日期,类型,场所\n"
            "T1,2025-13-01,听课,课堂\n"
            "T1,2025/2/30,听课,课堂\n"
            "T1,下周一,听课,课堂\n"
            "T1,2025年9月8日,听课,课堂\n").encode()
    assert problems("ledger", data, "l.csv") == [
        ("l.csv", 2, "日期", "2025-13-01"), ("l.csv", 3, "日期", "2025/2/30"), ("l.csv", 4, "日期", "下周一")]


def test_bad_enums_in_ledger():
    data = "工号,日期,类型,场所\nT1,2025-09-08,谈心,课堂\nT1,2025-09-08,听课,操场\n".encode()
    assert problems("ledger", data, "l.csv") == [("l.csv", 2, "类型", "谈心"), ("l.csv", 3, "场所", "操场")]


def test_ledger_missing_venue_except_report():
    data = ("工号,日期,类型,场所\n"
            "T1,2025-09-08,面对面交流,\n"
            "T1,2025-09-09,向党委汇报,\n"
            "T1,2025-09-10,report,\n").encode()
    assert problems("ledger", data, "l.csv") == [("l.csv", 2, "场所", None)]


def test_ledger_duplicate_activity_id_and_identical_generated_rows():
    data = ("编号,工号,日期,类型,场所,内容\n"
            "X1,T1,2025-09-08,听课,课堂,a\n"
            "X1,T1,2025-09-09,听课,课堂,b\n"
            ",T2,2025-09-09,听课,课堂,c\n"
            ",T2,2025-09-09,听课,课堂,c\n").encode()
    assert problems("ledger", data, "l.csv") == [("l.csv", 3, "编号", "X1"), ("l.csv", 5, None, None)]


def test_negative_students_and_minutes():
    data = "工号,日期,类型,场所,学生人数,时长\nT1,2025-09-08,听课,课堂,-1,-30\n".encode()
    assert problems("ledger", data, "l.csv") == [("l.csv", 2, "学生人数", "-1"), ("l.csv", 2, "时长", "-30")]


def test_duplicate_rank_and_duplicate_wish():
    data = ("工号,志愿,类型,意向\n"
            "T1,1,学院,计算机学院\n"
            "T1,1,班级,C1\n"
            "T1,2,学院,计算机学院\n"
            "T2,1,年级,2025级\n"
            "T2,2,年级,明年\n").encode()
    assert problems("preferences", data, "p.csv") == [
        ("p.csv", 3, "志愿", "1"), ("p.csv", 4, "意向", "计算机学院"), ("p.csv", 6, "意向", "明年")]


def test_bad_preference_kind_and_zero_rank():
    data = "cadre_id,rank,kind,value\nT1,0,学院,计算机学院\nT1,1,宿舍,计算机学院\n".encode()
    assert problems("preferences", data, "p.csv") == [("p.csv", 2, "rank", "0"), ("p.csv", 3, "kind", "宿舍")]


def test_lock_conflicts_name_both_rows():
    data = ("类型,工号,班级编号\n"
            "锁定,T1,C1\n"
            "锁定,T1,C2\n"
            "lock,T2,C1\n"
            "锁定,T3,C3\n"
            "锁定,T3,C3\n").encode()
    with pytest.raises(ImportFailed) as exc:
        read_file("constraints", data, filename="k.csv")
    got = [(p.file, p.row, p.column, p.value) for p in exc.value.problems]
    assert got == [("k.csv", 3, "工号", "T1"), ("k.csv", 4, "班级编号", "C1"), ("k.csv", 6, "班级编号", "C3")]
    assert "第2行" in exc.value.problems[0].expected_zh and "row 2" in exc.value.problems[0].expected_en
    assert "第2行" in exc.value.problems[1].expected_zh


def test_constraint_semantics():
    data = ("类型,工号,班级编号,学院,层级,下限,上限\n"
            "回避,T1,,,,,\n"              # forbid without class or college
            "回避,,C1,,,,\n"              # forbid without cadre
            "回避,T1,C1,计算机学院,,,\n"   # forbid with both
            "锁定,T1,,,,,\n"              # lock without class
            "学院名额,,,计算机学院,,5,3\n"  # min > max
            "学院名额,,,计算机学院,,,\n"    # neither min nor max
            "学院名额,,,,,1,\n"            # no college
            "层级上限,,,计算机学院,,,2\n"   # no level
            "层级上限,,,计算机学院,校领导,,\n"  # no max
            "层级上限,,,计算机学院,校长,-1,1\n"  # bad level, negative min
            "上限,,,,,,\n").encode()       # unknown type
    assert problems("constraints", data, "k.csv") == [
        ("k.csv", 2, "班级编号", None),
        ("k.csv", 3, "工号", None),
        ("k.csv", 4, "学院", "计算机学院"),
        ("k.csv", 5, "班级编号", None),
        ("k.csv", 6, "上限", "3"),
        ("k.csv", 7, "下限", None),
        ("k.csv", 8, "学院", None),
        ("k.csv", 9, "层级", None),
        ("k.csv", 10, "上限", None),
        ("k.csv", 11, "层级", "校长"), ("k.csv", 11, "下限", "-1"),
        ("k.csv", 12, "类型", "上限"),
    ]


def test_exemption_end_before_start():
    data = "工号,开始日期,结束日期,原因\nT1,2025-10-08,2025-10-01,出差\nT2,2025-10-01,2025-10-01,\n".encode()
    assert problems("exemptions", data, "e.csv") == [("e.csv", 2, "结束日期", "2025-10-01")]


def test_assignment_end_before_start_and_duplicate_pair():
    data = (b"cadre_id,class_id,start,end\nT1,C1,2025-09-08,2025-09-01\nT1,C2,,\nT1,C2,,\n")
    assert problems("assignment", data, "a.csv") == [("a.csv", 2, "end", "2025-09-01"), ("a.csv", 4, "class_id", "C2")]


def test_bad_score_and_duplicate_pair():
    data = "工号,班级编号,分数\nT1,C1,八十\nT1,C2,1e3\nT1,C2,5\nT2,C1,nan\n".encode()
    assert problems("scores", data, "s.csv") == [("s.csv", 2, "分数", "八十"), ("s.csv", 4, "班级编号", "C2"),
                                                  ("s.csv", 5, "分数", "nan")]


def test_duplicate_header_column():
    data = "工号,cadre_id,姓名,单位,层级\nT1,T1,张伟,计算机学院,head\n".encode()
    assert problems("cadres", data, "c.csv") == [("c.csv", 1, "cadre_id", None)]


# ----------------------------------------------------------------- references

CLASSES_CSV = ("班级编号,班级名称,学院,专业,年级,人数\n"
               "C1,计科1班,计算机学院,计算机科学与技术,2025,30\n"
               "C2,英语1班,外国语学院,英语,2024,28\n")


def test_unknown_references_against_refs():
    refs = Refs(cadre_ids={"T1"}, class_ids={"C1"}, colleges={"计算机学院"}, majors={"英语"}, grades={2025})
    data = ("工号,志愿,类型,意向\n"
            "T1,1,班级,C9\n"
            "T9,1,学院,计算机学院\n"
            "T1,2,专业,法学\n"
            "T1,3,年级,2024\n"
            "T1,4,年级,2025\n").encode()
    assert problems("preferences", data, "p.csv", refs=refs) == [
        ("p.csv", 2, "意向", "C9"), ("p.csv", 3, "工号", "T9"), ("p.csv", 4, "意向", "法学"), ("p.csv", 5, "意向", "2024")]


def test_refs_none_fields_skip_checks():
    data = "工号,志愿,类型,意向\nT1,1,班级,C9\n".encode()
    df = read_file("preferences", data, filename="p.csv", refs=Refs(cadre_ids={"T1"}))
    assert df["value"].tolist() == ["C9"]


def test_bundle_cross_file_references():
    sources = {
        "cadres": ("干部.csv", CADRES_CSV.encode()),
        "classes": ("班级.csv", CLASSES_CSV.encode("gb18030")),
        "preferences": ("意向.csv", "工号,志愿,类型,意向\nT1,1,班级,C2\nT3,1,学院,法学院\n".encode()),
        "constraints": ("约束.csv", "类型,工号,班级编号,学院\n回避,T2,C5,\n回避,T1,,法学院\n".encode()),
        "ledger": ("台账.csv", "工号,日期,类型,场所,班级编号\nT1,2025-09-08,听课,课堂,C1\nT7,2025-09-08,听课,课堂,\n".encode()),
        "exemptions": ("假.csv", "工号,开始日期,结束日期\nT8,2025-10-01,2025-10-02\n".encode()),
    }
    with pytest.raises(ImportFailed) as exc:
        read_bundle(sources)
    assert [(p.file, p.row, p.column, p.value) for p in exc.value.problems] == [
        ("意向.csv", 3, "工号", "T3"), ("意向.csv", 3, "意向", "法学院"),
        ("约束.csv", 2, "班级编号", "C5"), ("约束.csv", 3, "学院", "法学院"),
        ("台账.csv", 3, "工号", "T7"),
        ("假.csv", 2, "工号", "T8"),
    ]


def test_bundle_ok_and_missing_kind_skips_check():
    sources = {"cadres": ("干部.csv", CADRES_CSV.encode()),
               "scores": ("s.csv", "工号,班级编号,分数\nT1,NOCLASS,1.5\n".encode())}
    out = read_bundle(sources)
    assert list(out) == ["cadres", "scores"]
    assert out["scores"]["class_id"].tolist() == ["NOCLASS"]


def test_bundle_collects_problems_of_every_file():
    sources = {"cadres": ("干部.csv", b""), "classes": ("班级.csv", "班级编号,班级名称\n".encode()),
               "previous": ("上轮.csv", "工号,班级编号\nT1,C1\n".encode())}
    with pytest.raises(ImportFailed) as exc:
        read_bundle(sources)
    assert [(p.file, p.row, p.column, p.value) for p in exc.value.problems] == [
        ("干部.csv", None, None, None),
        ("班级.csv", None, "学院(college)", None), ("班级.csv", None, "年级(grade)", None),
        ("班级.csv", None, "人数(size)", None),
    ]


# ----------------------------------------------------------------- accepted spellings

def test_header_spellings_extra_columns_and_spaces():
    data = ("CADRE_ID,姓名（name）, 单位(unit) ,层级\u3000,Notes,备注\n"
            "\u3000T1 , 张伟\u3000,计算机学院,中层副职,x,y\n").encode()
    df = read_file("cadres", data, filename="c.csv")
    assert df.iloc[0][["cadre_id", "name", "unit", "level"]].tolist() == ["T1", "张伟", "计算机学院", "deputy"]
    assert "Notes" not in df.columns and "备注" not in df.columns


def test_date_forms_including_excel_cells_and_serials():
    dates = ["2025-09-08", "2025/9/8", "2025年9月8日", datetime(2025, 9, 8), 45908, "2025-09-08 00:00:00"]
    rows = [["工号", "日期", "类型", "场所", "内容"]] + [["T1", d, "听课", "课堂", f"第{i}次"] for i, d in enumerate(dates)]
    df = read_file("ledger", xlsx(rows), filename="l.xlsx")
    assert df["date"].tolist() == [pd.Timestamp("2025-09-08")] * 6
    assert str(df["date"].dtype) == "datetime64[ns]"


def test_tags_booleans_enums_variants():
    data = ("班级编号,班级名称,学院,年级,人数,标签,重点\n"
            "C1,a,x,2025,1,新生班;学业预警；心理关注,是\n"
            "C2,a,x,2025,1,新生班、毕业班,Y\n"
            "C3,a,x,2025,1,\"a,b，c|d\",TRUE\n"
            "C4,a,x,2025,1,,0\n"
            "C5,a,x,2025,1, ,no\n").encode()
    df = read_file("classes", data, filename="b.csv")
    assert df["tags"].tolist() == [("新生班", "学业预警", "心理关注"), ("新生班", "毕业班"), ("a", "b", "c", "d"), (), ()]
    assert df["priority"].tolist() == [True, True, True, False, False]
    data = ("工号,日期,类型,场所\nT1,2025-09-08,党课,classroom\nT1,2025-09-08,思政课,Morning Exercise\n"
            "T1,2025-09-08,党课／思政课,activity_site\nT1,2025-09-08,社会实践,网络\nT1,2025-09-08,face_to_face,宿舍\n"
            "T1,2025-09-09,面对面,dormitory\nT1,2025-09-08,其他,食堂\n").encode()
    df = read_file("ledger", data, filename="l.csv")
    assert df["type"].tolist() == ["party_lecture", "party_lecture", "party_lecture", "class_activity",
                                   "face_to_face", "face_to_face", "other"]
    assert df["venue"].tolist() == ["课堂", "早操", "活动现场", "网络", "宿舍", "宿舍", "食堂"]


def test_ledger_activity_id_is_deterministic():
    data = "工号,日期,类型,场所,内容\nT1,2025-09-08,听课,课堂,听高数课\n".encode()
    a = read_file("ledger", data, filename="l.csv")["activity_id"][0]
    b = read_file("ledger", data.decode().replace("2025-09-08", "2025年9月8日").encode("gb18030"),
                  filename="l2.csv")["activity_id"][0]
    assert a == b and a.startswith("A") and len(a) == 13


def test_problem_strings_are_bilingual():
    data = "工号,姓名,单位,层级\nT1,张伟,计算机学院,处级\n".encode()
    with pytest.raises(ImportFailed) as exc:
        read_file("cadres", data, filename="c.csv")
    p = exc.value.problems[0]
    assert p.message("zh").startswith("c.csv，第2行，“层级”列，值“处级”：应为以下之一")
    assert p.message("en").startswith("c.csv, row 2, column '层级', value '处级': expected one of")
    assert "导入失败" in str(exc.value) and "Import failed" in str(exc.value)


def test_forbid_and_lock_of_the_same_pair():
    data = "类型,工号,班级编号\n锁定,T1,C1\n回避,T1,C1\n回避,T2,C1\n".encode()
    assert problems("constraints", data, "k.csv") == [("k.csv", 3, "班级编号", "C1")]


def test_missing_path_is_a_problem(tmp_path):
    with pytest.raises(ImportFailed) as exc:
        read_file("cadres", tmp_path / "nope.csv")
    assert [(p.file, p.row, p.column, p.value) for p in exc.value.problems] == [("nope.csv", None, None, None)]


def test_path_and_file_object_sources(tmp_path):
    f = tmp_path / "干部名单.csv"
    f.write_bytes(CADRES_CSV.encode("gbk"))
    assert read_file("cadres", f)["cadre_id"].tolist() == ["T1", "T2"]
    with open(f, "rb") as fh:
        assert read_file("cadres", fh)["cadre_id"].tolist() == ["T1", "T2"]
    assert read_file("cadres", io.BytesIO(CADRES_CSV.encode()))["cadre_id"].tolist() == ["T1", "T2"]
    # a .txt export is read as CSV
    assert read_file("cadres", str(f), filename="其它.txt")["name"].tolist() == ["张伟", "李娜"]


def test_required_star_and_case_insensitive_codes():
    data = "工号*,姓名*,单位*,层级*\nT1,张伟,计算机学院,School\nT2,李娜,学工部,DEPUTY\n".encode()
    assert read_file("cadres", data, filename="c.csv")["level"].tolist() == ["school", "deputy"]


def test_serial_numbers_only_from_numeric_cells():
    data = "工号,开始日期,结束日期\nT1,45908,2025-09-09\n".encode()
    assert problems("exemptions", data, "e.csv") == [("e.csv", 2, "开始日期", "45908")]
    rows = [["工号", "开始日期", "结束日期"], ["T1", 45908, 45909]]
    df = read_file("exemptions", xlsx(rows), filename="e.xlsx")
    assert df["start"].tolist() == [pd.Timestamp("2025-09-08")] and df["end"].tolist() == [pd.Timestamp("2025-09-09")]
