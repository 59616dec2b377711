"""What the importer refuses (issue 18): control and invisible characters with file, row and
column; per-kind caps on rows and bytes; xlsx bombs and oversized sheets before they are read;
and it stops at the first header failure instead of reading every sheet whole.
Figures (time, peak memory): `python -m importer.bench_limits`."""
from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest

from importer import ImportFailed, read_calendar, read_file
from importer.bench_limits import xlsx_bomb
from importer.limits import limits

HEAD = "工号,姓名,单位,层级\n"


def problems(kind, source, filename):
    with pytest.raises(ImportFailed) as exc:
        read_file(kind, source, filename=filename)
    return [(p.file, p.row, p.column, p.value, p.expected_en) for p in exc.value.problems]


def xlsx(rows, sheet="干部名单") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- characters

BAD = {
    "\x00": "U+0000 NUL", "\x01": "U+0001", "\x1b": "U+001B", "\x7f": "U+007F", "\x85": "U+0085",
    "\u202e": "U+202E RIGHT-TO-LEFT OVERRIDE", "\u202a": "U+202A", "\u2066": "U+2066", "\u2069": "U+2069",
    "\u200b": "U+200B ZERO WIDTH SPACE", "\u200c": "U+200C", "\u200d": "U+200D ZERO WIDTH JOINER",
    "\ufeff": "U+FEFF", "\u2028": "U+2028", "\u00ad": "U+00AD",
}


@pytest.mark.parametrize("ch", list(BAD), ids=[f"U+{ord(c):04X}" for c in BAD])
def test_csv_refuses_control_and_invisible_characters_with_row_and_column(ch):
    data = (HEAD + "T1,张伟,计算机学院,中层副职\n" + f"T2,李{ch}娜,学工部,中层正职\n").encode("utf-8")
    got = problems("cadres", data, "c.csv")
    assert len(got) == 1
    file, row, column, value, en = got[0]
    assert (file, row, column) == ("c.csv", 3, "姓名")
    assert BAD[ch] in en and "invisible or control character" in en
    assert value == f"李⟨U+{ord(ch):04X}⟩娜"       # shown escaped, never raw


@pytest.mark.parametrize("ch", ["\u202e", "\u200b", "\u2066", "\ufeff"])
def test_xlsx_refuses_bidi_and_zero_width_characters(ch):
    data = xlsx([["工号", "姓名", "单位", "层级"], ["T1", "张伟", f"计算{ch}机学院", "中层副职"]])
    assert [g[:3] for g in problems("cadres", data, "c.xlsx")] == [("c.xlsx", 2, "单位")]


def test_line_breaks_and_tabs_only_in_multiline_columns():
    led = ("工号,日期,类型,场所,内容\n"
           'T1,2025-09-10,面对面交流,宿舍,"第一行\n第二行\t备注"\n')
    df = read_file("ledger", led.encode(), filename="l.csv")
    assert df["summary"].tolist() == ["第一行\n第二行\t备注"]
    bad = HEAD + 'T1,"张\n伟",计算机学院,中层副职\nT2,李\t娜,学工部,中层正职\n'
    got = problems("cadres", bad.encode(), "c.csv")
    assert [(g[1], g[2]) for g in got] == [(2, "姓名"), (4, "姓名")]
    assert "allows no line breaks or tabs" in got[0][4]
    nul_in_summary = "工号,日期,类型,场所,内容\nT1,2025-09-10,面对面交流,宿舍,a\x00b\n"
    assert [g[2] for g in problems("ledger", nul_in_summary.encode(), "l.csv")] == ["内容"]


def test_ordinary_chinese_text_with_full_width_space_passes():
    df = read_file("cadres", (HEAD + "T1,李　华,党委组织部,校领导\n").encode(), filename="c.csv")
    assert df["name"].tolist() == ["李　华"]


def test_calendar_term_name_with_a_bidi_override_is_refused():
    with pytest.raises(ImportFailed) as exc:
        read_calendar('[[term]]\nname = "2025\u202e秋"\nstart = 2025-09-08\nweeks = 18\n'.encode(), "cal.toml")
    assert "U+202E" in exc.value.problems[0].expected_en


# ---------------------------------------------------------------- caps

def test_calendar_over_its_cap_is_refused(monkeypatch):
    big = ("# " + "x" * 1000 + "\n") * 1100 + '[[term]]\nname = "2025秋"\nstart = 2025-09-08\nweeks = 18\n'
    with pytest.raises(ImportFailed) as exc:
        read_calendar(big.encode(), "cal.toml")
    assert "too large" in exc.value.problems[0].expected_en
    monkeypatch.setenv("YIXIAN_IMPORT_MAX_MB_CALENDAR", "2")
    assert read_calendar(big.encode(), "cal.toml")[0].name == "2025秋"


def test_row_cap_per_kind_from_the_environment(monkeypatch):
    monkeypatch.setenv("YIXIAN_IMPORT_MAX_ROWS_CADRES", "5")
    rows = "".join(f"T{i},张{i},计算机学院,中层副职\n" for i in range(6))
    got = problems("cadres", (HEAD + rows).encode(), "c.csv")
    assert len(got) == 1 and "more than 5 rows" in got[0][4] and "YIXIAN_IMPORT_MAX_ROWS_CADRES" in got[0][4]
    assert len(read_file("cadres", (HEAD + rows[:rows.index("T5")]).encode(), filename="c.csv")) == 5
    monkeypatch.setenv("YIXIAN_IMPORT_MAX_ROWS", "1")        # the per-kind setting wins over the global one
    assert len(read_file("cadres", (HEAD + rows[:rows.index("T5")]).encode(), filename="c.csv")) == 5
    got = problems("classes", b"class_id,name,college,grade,size\nK1,a,b,2025,3\nK2,a,b,2025,3\n", "k.csv")
    assert "more than 1 rows" in got[0][4]


def test_row_cap_in_xlsx_stops_reading(monkeypatch):
    monkeypatch.setenv("YIXIAN_IMPORT_MAX_ROWS_CADRES", "3")
    data = xlsx([["工号", "姓名", "单位", "层级"]] + [[f"T{i}", "张", "院", "中层副职"] for i in range(10)])
    got = problems("cadres", data, "c.xlsx")
    assert len(got) == 1 and got[0][1] == 5 and "more than 3 rows" in got[0][4]


def test_byte_cap_refuses_before_reading_bytes_and_paths(monkeypatch, tmp_path):
    monkeypatch.setenv("YIXIAN_IMPORT_MAX_MB_LEDGER", "1")
    led = "工号,日期,类型,场所,内容\n" + "T1,2025-09-10,面对面交流,宿舍,走访学生宿舍\n" * 30_000
    data = led.encode()
    assert len(data) > 1_000_000
    got = problems("ledger", data, "l.csv")
    assert len(got) == 1 and "too large" in got[0][4] and "YIXIAN_IMPORT_MAX_MB_LEDGER" in got[0][4]
    path = tmp_path / "l.csv"
    path.write_bytes(data)
    from importer import tables

    monkeypatch.setattr(tables, "load_source", lambda *a: pytest.fail("the file was read"))
    monkeypatch.setattr("importer.core.load_source", lambda *a: pytest.fail("the file was read"))
    got = problems("ledger", str(path), None)
    assert got[0][0] == "l.csv" and "too large" in got[0][4]


def test_a_bad_setting_is_named():
    import os

    os.environ["YIXIAN_IMPORT_MAX_ROWS_LEDGER"] = "lots"
    try:
        with pytest.raises(ValueError, match="YIXIAN_IMPORT_MAX_ROWS_LEDGER"):
            limits("ledger", 9)
    finally:
        del os.environ["YIXIAN_IMPORT_MAX_ROWS_LEDGER"]


# ---------------------------------------------------------------- xlsx before reading

@pytest.fixture(scope="module")
def bomb() -> bytes:
    return xlsx_bomb(231)


def test_xlsx_bomb_is_refused_before_anything_is_decompressed(bomb, monkeypatch):
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    assert len(bomb) < 1_500_000 and unpacked > 230_000_000       # ~1 MB that inflates to 231 MB
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl was asked to read it"))
    got = problems("ledger", bomb, "bomb.xlsx")
    assert len(got) == 1 and "unpacks to 23" in got[0][4] and "not read" in got[0][4]


def test_without_the_size_cap_the_bomb_still_stops_at_the_header(bomb, monkeypatch):
    # the header check reads only the first rows: the rest of the 231 MB is never parsed
    monkeypatch.setenv("YIXIAN_IMPORT_MAX_UNZIPPED_MB", "100000")
    parsed = []
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    real = ReadOnlyWorksheet._get_row

    def counting(self, *a, **k):
        parsed.append(1)
        return real(self, *a, **k)

    monkeypatch.setattr(ReadOnlyWorksheet, "_get_row", counting)
    got = problems("ledger", bomb, "bomb.xlsx")
    assert {g[4] for g in got} >= {"missing required column 'cadre_id' (工号)"}
    assert len(parsed) <= 100


def _with_dimension(data: bytes, ref: str) -> bytes:
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                body = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), body)
            z.writestr(item, body)
    return out.getvalue()


def test_sheet_declaring_too_many_rows_is_refused_before_reading(monkeypatch):
    monkeypatch.setenv("YIXIAN_IMPORT_MAX_ROWS_CADRES", "1000")
    data = _with_dimension(xlsx([["工号", "姓名", "单位", "层级"], ["T1", "张伟", "院", "中层副职"]]), "A1:D1048576")
    got = problems("cadres", data, "c.xlsx")
    assert len(got) == 1 and "declares 1048576 rows" in got[0][4]
    # a wide declared dimension does not pad every row to 16 384 cells: it reads normally
    wide = _with_dimension(xlsx([["工号", "姓名", "单位", "层级"], ["T1", "张伟", "院", "中层副职"]]), "A1:XFD2")
    assert read_file("cadres", wide, filename="c.xlsx")["name"].tolist() == ["张伟"]


def _corrupt_after_row(data: bytes, keep_rows: int) -> bytes:
    """The sheet's XML cut off after `keep_rows` rows: any reader that goes further fails."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cut = body.index(f'<row r="{keep_rows + 1}"'.encode())
                body = body[:cut] + b"<row><c><v>broken"
            z.writestr(item, body)
    return out.getvalue()


def test_stops_at_the_first_header_failure():
    rows = [["说明", "随便写"]] * 300
    data = _corrupt_after_row(xlsx(rows, sheet="Sheet1"), 150)
    got = problems("cadres", data, "c.xlsx")
    # missing columns (found in the first 100 rows), not "corrupt file" (which needs reading to the end)
    assert {g[4] for g in got} == {"missing required column 'cadre_id' (工号)", "missing required column 'name' (姓名)",
                                   "missing required column 'unit' (单位)", "missing required column 'level' (层级)"}


def test_only_the_chosen_sheet_is_read():
    good = xlsx([["工号", "姓名", "单位", "层级"], ["T1", "张伟", "院", "中层副职"]], sheet="干部名单")
    wb = openpyxl.load_workbook(io.BytesIO(good))
    other = wb.create_sheet("附表")
    for i in range(300):
        other.append(["x", i])
    buf = io.BytesIO()
    wb.save(buf)
    src, out = zipfile.ZipFile(io.BytesIO(buf.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                body = body[:body.index(b'<row r="200"')] + b"<row><c><v>broken"
            z.writestr(item, body)
    assert read_file("cadres", out.getvalue(), filename="c.xlsx")["name"].tolist() == ["张伟"]


# ---------------------------------------------------------------- the CLIs (held-out style check)

def test_matching_cli_refuses_a_nul_byte_and_writes_nothing(tmp_path, capsys):
    from matching.__main__ import main

    cad = tmp_path / "cadres.csv"
    cad.write_bytes((HEAD + 'T1,"=HYPERLINK(""http://evil.example/"",""x"")",计算机学院,中层副职\n'
                     "T2,李\x00娜,学工部,中层正职\n").encode("utf-8"))
    cls = tmp_path / "classes.csv"
    cls.write_text("班级编号,班级名称,学院,年级,人数\nK1,计科1班,计算机学院,2025,30\nK2,计科2班,计算机学院,2025,30\n",
                   encoding="utf-8")
    out = tmp_path / "a.csv"
    assert main(["solve", "--cadres", str(cad), "--classes", str(cls), "--out", str(out), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "姓名" in err and "U+0000" in err
    assert not out.exists()
