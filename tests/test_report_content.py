"""The annual report's content, worked by hand (a held-out case), and its fileable layout.

Calendar: 2025秋 from 2025-09-08, 9 weeks (to 11-09), 国庆 10-01..10-08; 2026春 from 2026-03-02, 4 weeks
(to 03-29). Months in scope need 2 teaching weeks: 2025-09, 2025-10, 2026-03 (2025-11 has one: exempt).
Requirements (three): a class each term, a Party lecture each term (own class), a lecture visit each month.
As of 2026-04-15 every period of 2025-2026 has ended.

  s1 张书记  party 2/2, lecture 3/3, class 2/2 -> 100%      好
  s2 李副校长 party 1/2, lecture 1/3, class 2/2 -> 61.1%    一般
  h3 孙部长  away the whole year                          免予考核
  h2 钱处长  nothing done: class 2/2 only -> 33.3%         差
  h1 王院长  party 1/2, lecture 3/3, class 2/2 -> 83.3%    较好
  d1 赵副处长 no class: class 0/2 -> 0%                    差 (未带班)
"""
from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from compliance import Calendar, Term, parse_requirements
from compliance.report import ReportError, build_report, parse_year, position_rank, unit_group
from compliance.report_pdf import FONT_CANDIDATES
from compliance.report_xlsx import write_xlsx

CAL = Calendar([Term("2025秋", date(2025, 9, 8), 9, ((date(2025, 10, 1), date(2025, 10, 8)),)),
                Term("2026春", date(2026, 3, 2), 4)])
REQ = parse_requirements("""
inherit_defaults = false
[conclusion]
good = 0.9
fairly_good = 0.75
average = 0.5
[rules.class_assigned]
name_zh = "确定1个班级担任班主任"
count = "classes"
at_least = 1
per = "term"
[rules.party_lecture]
name_zh = "每学期讲党课或思政课"
types = ["party_lecture"]
own_class = true
at_least = 1
per = "term"
[rules.lecture_visit]
name_zh = "每月听课"
types = ["lecture_visit"]
at_least = 1
per = "month"
""")
ROSTER = pd.DataFrame([
    ("h1", "王院长", "计算机学院", "院长", "head"), ("s2", "李副校长", "学校领导", "副校长", "school"),
    ("d1", "赵副处长", "教务处", "副处长", "deputy"), ("s1", "张书记", "学校领导", "党委书记", "school"),
    ("h2", "钱处长", "教务处", "=SUM(A1:A2)", "head"), ("h3", "孙部长", "党委组织部", "部长", "head"),
], columns=["cadre_id", "name", "unit", "position", "level"])
ASSIGN = pd.DataFrame({"cadre_id": ["s1", "s2", "h1", "h2", "h3"], "name": "",
                       "class_id": ["k1", "k2", "k3", "k4", "k5"],
                       "class_name": ["计科2501班", "软工2501班", "数学2501班", "法学2501班", "英语2501班"],
                       "start": pd.NaT, "end": pd.NaT})
LONG = "随堂听课" + "，课后与任课教师交流学生的学习状态和课堂纪律" * 6 + "（长文本换行结束）"
ACTS = [("s1", "2025-09-10", "party_lecture", "班级", ""), ("s1", "2026-03-04", "party_lecture", "班级", ""),
        ("s1", "2025-09-16", "lecture_visit", "课堂", ""), ("s1", "2025-10-15", "lecture_visit", "课堂", ""),
        ("s1", "2026-03-10", "lecture_visit", "课堂", ""),
        ("s2", "2025-09-10", "party_lecture", "班级", ""), ("s2", "2025-09-17", "lecture_visit", "课堂", ""),
        ("h1", "2025-10-15", "party_lecture", "班级", "=1+1"), ("h1", "2025-09-16", "lecture_visit", "课堂", LONG),
        ("h1", "2025-10-16", "lecture_visit", "课堂", ""), ("h1", "2026-03-11", "lecture_visit", "课堂", "")]
LEDGER = pd.DataFrame({"activity_id": [f"a{i}" for i in range(len(ACTS))], "cadre_id": [a[0] for a in ACTS],
                       "date": pd.to_datetime([a[1] for a in ACTS]), "type": [a[2] for a in ACTS],
                       "venue": [a[3] for a in ACTS], "class_id": "", "students": pd.array([30] * len(ACTS), "Int64"),
                       "minutes": pd.array([45] * len(ACTS), "Int64"), "summary": [a[4] for a in ACTS]})
EXEMPT = pd.DataFrame({"cadre_id": ["h3"], "start": pd.to_datetime(["2025-09-01"]), "end": pd.to_datetime(["2026-04-30"]),
                       "reason": ["出国访学"]})


def report(year="2025-2026", as_of="2026-04-15"):
    return build_report(CAL, ASSIGN, LEDGER, EXEMPT, REQ, ROSTER, year, as_of=as_of)


@pytest.fixture(scope="module")
def wb():
    return openpyxl.load_workbook(io.BytesIO(write_xlsx(report())))


def test_content_worked_by_hand():
    rep = report()
    assert [cr.cadre_id for cr in rep.cadres] == ["s1", "s2", "h3", "h2", "h1", "d1"]     # protocol order
    got = {cr.cadre_id: ([cr.tallies[c.rule_id].text() for c in rep.columns], cr.conclusion) for cr in rep.cadres}
    assert got == {"s1": (["2/2", "2/2", "3/3"], "好"), "s2": (["2/2", "1/2", "1/3"], "一般"),
                   "h3": (["免", "免", "免"], "免予考核"), "h2": (["2/2", "0/2", "0/3"], "差"),
                   "h1": (["2/2", "1/2", "3/3"], "较好"), "d1": (["0/2", "免", "免"], "差")}
    rates = {cr.cadre_id: cr.rate for cr in rep.cadres}
    assert rates["s2"] == pytest.approx((1 + 1 / 2 + 1 / 3) / 3) and rates["h1"] == pytest.approx(5 / 6)
    assert rates["h3"] is None and rates["d1"] == 0
    tot = rep.totals()
    assert [tot[c].text() for c in ("class_assigned", "party_lecture", "lecture_visit")] == ["8/10", "4/8", "7/12"]
    assert rep.mean_rate() == pytest.approx((1 + 11 / 18 + 1 / 3 + 5 / 6 + 0) / 5)
    assert {k: v for k, v in rep.conclusion_counts().items() if v} == {"好": 1, "较好": 1, "一般": 1, "差": 2,
                                                                        "免予考核": 1}
    s2 = next(cr for cr in rep.cadres if cr.cadre_id == "s2")
    assert s2.missed[["工作要求", "周期"]].values.tolist() == [["每学期讲党课或思政课", "2026春"], ["每月听课", "2025-10"],
                                                            ["每月听课", "2026-03"]]
    assert s2.classes_text == "软工2501班（2025-09-08至2026-03-29）"


def test_calendar_year_and_academic_year_bases():
    assert parse_year("2025", CAL).label == "2025年度" and parse_year("2025-2026", CAL).basis == "academic"
    y25 = {cr.cadre_id: [cr.tallies[c].text() for c in ("class_assigned", "party_lecture", "lecture_visit")]
           for cr in report("2025").cadres}
    y26 = {cr.cadre_id: [cr.tallies[c].text() for c in ("class_assigned", "party_lecture", "lecture_visit")]
           for cr in report("2026").cadres}
    # 2025年度: 2025秋 and the months 2025-09/10; 2026年度: 2026春 and 2026-03
    assert y25["s1"] == ["1/1", "1/1", "2/2"] and y26["s1"] == ["1/1", "1/1", "1/1"]
    assert y25["s2"] == ["1/1", "1/1", "1/2"] and y26["s2"] == ["1/1", "0/1", "0/1"]
    assert report("2025").year.start == date(2025, 1, 1)
    for bad in ("2024-2025", "2030", "2025-2027", "去年"):
        with pytest.raises(ReportError):
            parse_year(bad, CAL)


def test_protocol_order_helpers():
    ranks = [position_rank(p) for p in ("党委书记", "校长", "党委常务副书记", "党委副书记", "纪委书记", "副校长", "总会计师")]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)
    assert [unit_group(u) for u in ("学校领导", "党委组织部", "教务处", "图书馆", "计算机学院")] == [0, 1, 2, 3, 4]
    assert unit_group("研究生院") == 2


def test_summary_sheet_cells(wb):
    assert wb.sheetnames[:2] == ["汇总", "目录"] and len(wb.sheetnames) == 2 + 6
    ws = wb["汇总"]
    assert ws["A1"].value == "领导干部担任班主任履职情况汇总表"
    assert "2025-2026学年" in ws["A2"].value and "2026-04-15" in ws["A2"].value
    assert all(u in ws["A3"].value for u in ("民主生活会对照检查", "干部年度考核", "干部选拔任用"))
    head = [c.value for c in ws[4]]
    assert head[:7] == ["序号", "工号", "姓名", "单位", "职务", "层级", "所带班级（起止日期）"]
    assert head[7].startswith("确定1个班级担任班主任") and head[-3:] == ["完成率", "未达标周期数", "等次建议"]
    assert not any(rid in str(v) for v in head for rid in ("class_assigned", "party_lecture", "lecture_visit"))
    rows = [[c.value for c in ws[r]] for r in range(5, 11)]
    assert [r[1] for r in rows] == ["s1", "s2", "h3", "h2", "h1", "d1"]
    assert rows[1][2:10] == ["李副校长", "学校领导", "副校长", "校领导", "软工2501班（2025-09-08至2026-03-29）",
                             "2/2", "1/2", "1/3"]
    assert rows[1][10:] == [pytest.approx(11 / 18), 3, "一般"]
    assert rows[5][6] == "未带班" and rows[5][-1] == "差" and rows[2][-1] == "免予考核"
    assert rows[3][4] == "=SUM(A1:A2)" and ws.cell(8, 5).data_type == "s"       # user text stays text
    assert ws.cell(6, 11).number_format == "0.0%" and ws.cell(6, 11).value == pytest.approx(11 / 18)
    total = [c.value for c in ws[11]]
    assert total[0] == "合计" and total[2] == "共6人" and total[7:10] == ["8/10", "4/8", "7/12"]
    assert "未带班1人" in total[6] and "免予考核1人" in total[-1]
    pct = ws[12]
    assert pct[0].value == "达标率" and pct[7].value == pytest.approx(0.8) and pct[7].number_format == "0.0%"
    texts = [ws.cell(r, 1).value or "" for r in range(13, ws.max_row + 1)]
    assert any("说明" in t for t in texts) and any("审核人" in t and "日期" in t for t in texts)


def test_print_setup_and_no_formulas(wb):
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        assert ws.print_title_rows
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert wb["汇总"].print_title_rows == "$4:$4"
    # Chinese labels only: no rule id or English status/level word in any cell of any sheet
    ids = ("class_assigned", "party_lecture", "lecture_visit", "face_to_face", "annual_report", "nine_venues")
    words = {"met", "missed", "pending", "exempt", "school", "head", "deputy"}
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if isinstance(v, str):
                    assert not any(i in v for i in ids) and v not in words, (ws.title, v)


def test_index_and_cadre_sheets(wb):
    ix = wb["目录"]
    links = {ix.cell(r, 2).value: ix.cell(r, 8).hyperlink.location for r in range(5, 11)}
    assert set(links) == {"s1", "s2", "h3", "h2", "h1", "d1"}
    for loc in links.values():
        assert loc.split("!")[0].strip("'") in wb.sheetnames
    h1 = wb[links["h1"].split("!")[0].strip("'")]
    cells = [[c.value for c in r if c.value is not None] for r in h1.iter_rows()]
    flat = [v for r in cells for v in r]
    assert "领导干部担任班主任履职纪实：王院长" in flat and "较好" in flat
    assert ["每学期讲党课或思政课", "每学期", 1, 1, 0, 0, 0.5] in cells
    i = flat.index("=1+1")                             # the ledger's text, as text
    assert any(c.value == "=1+1" and c.data_type == "s" for r in h1.iter_rows() for c in r)
    assert i > 0 and "四、未完成事项（未达标的周期）" in flat
    assert any(r[:2] == ["每学期讲党课或思政课", "2026春"] for r in cells)
    assert any("本人签字" in str(v) for v in flat)
    d1 = wb[links["d1"].split("!")[0].strip("'")]
    flat = [c.value for r in d1.iter_rows() for c in r if c.value is not None]
    assert "未带班" in flat and "2025秋" in flat and "2026春" in flat


@pytest.mark.skipif(shutil.which("pdftotext") is None or not any(Path(f).is_file() for f in FONT_CANDIDATES),
                    reason="poppler-utils or fonts-wqy-zenhei not installed (scripts/system-deps.sh)")
def test_pdf_has_the_same_content(tmp_path):
    from compliance.report_pdf import write_pdf
    pdf = write_pdf(report())
    assert pdf.startswith(b"%PDF")
    p = tmp_path / "r.pdf"
    p.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout
    for needle in ("领导干部担任班主任履职情况汇总表", "2025-2026学年", "民主生活会对照检查", "张书记", "未带班",
                   "免予考核", "8/10", "61.1%", "履职纪实：赵副处长", "=1+1", "第 1 页，共", "长文本换行结束"):
        assert needle in text, needle
    fonts = subprocess.run(["pdffonts", str(p)], capture_output=True, text=True, check=True).stdout
    assert "TrueType" in fonts and " yes yes " in fonts            # embedded, subset
