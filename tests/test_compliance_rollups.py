"""Forecast, reminder list, roll-ups and the annual report — hand-worked figures.

Calendar as in test_compliance_engine: 2025秋 from 2025-09-08, 9 weeks, 国庆 2025-10-01..08;
2026春 from 2026-03-02, 4 weeks. Opportunity days for the forecast = days the cadre is on duty that
are not calendar holidays (weekends included), at most one activity a day.
"""
from __future__ import annotations

import io
from datetime import date

import openpyxl
import pandas as pd

from compliance import Calendar, Evaluation, Term, load_rules, rules_from_dict
from compliance.forecast import forecast, reminders
from compliance.report import annual_report, annual_report_xlsx
from compliance.rollups import class_coverage, compliance_rate, nine_venues_coverage, on_track

CAL = Calendar([Term("2025秋", date(2025, 9, 8), 9, ((date(2025, 10, 1), date(2025, 10, 8)),)),
                Term("2026春", date(2026, 3, 2), 4)])
RULES = load_rules()


def A(*rows):
    return pd.DataFrame({"cadre_id": [r[0] for r in rows], "name": [r[1] for r in rows],
                         "class_id": [r[2] for r in rows], "start": pd.to_datetime([r[3] for r in rows]),
                         "end": pd.to_datetime([r[4] for r in rows])})


def L(*rows):
    return pd.DataFrame({"activity_id": [f"a{i}" for i in range(len(rows))], "cadre_id": [r[0] for r in rows],
                         "date": pd.to_datetime([r[1] for r in rows]), "type": [r[2] for r in rows],
                         "venue": [r[3] for r in rows], "class_id": "",
                         "students": pd.array([r[4] if len(r) > 4 else None for r in rows], dtype="Int64")})


def X(*rows):
    return pd.DataFrame({"cadre_id": [r[0] for r in rows], "start": pd.to_datetime([r[1] for r in rows]),
                         "end": pd.to_datetime([r[2] for r in rows]), "reason": "公差"})


def pending_table(fc):
    p = fc[fc["status"] == "pending"]
    return [tuple(r) for r in p[["rule", "period", "missing", "days_left", "days_left_after_week", "reachable",
                                 "must_act_this_week"]].itertuples(index=False)]


def test_forecast_and_reminders_mid_week():
    # as of Wednesday 2025-10-29 (W08); the week ends Sun 11-02; October ends Fri 10-31; the term Sun 11-09
    ev = Evaluation(CAL, A(("c1", "甲", "k1", None, None)), L(), None, RULES, as_of="2025-10-29")
    fc = forecast(ev)
    assert pending_table(fc) == [
        ("party_lecture", "2025秋", 1, 12, 7, True, False),
        ("class_activity", "2025秋", 1, 12, 7, True, False),
        ("lecture_visit", "2025-10", 1, 3, 0, True, True),       # only this week is left of October
        ("face_to_face", "2025秋-W08", 1, 5, 0, True, True),
        ("annual_report", "2025-2026", 1, 152, 147, True, False),  # 10-29..2026-03-29, vacation included
        ("nine_venues", "2025-2026", 9, 152, 147, True, False),
    ]
    rem = reminders(ev, fc)
    assert list(rem["rule"]) == ["lecture_visit", "face_to_face"]
    assert rem.loc[0, "reason_zh"] == "2025-10每月听课还差1次，本周是最后机会"
    assert rem.loc[1, "reason_zh"] == "本周（2025秋-W08）每周面对面接触学生尚未完成，还差1次"
    assert rem.loc[1, "reason_en"].startswith("This week (2025秋-W08)")
    assert rem.loc[0, "name"] == "甲"


def test_term_rule_with_only_this_week_left_and_unreachable():
    # away on business the term's last week (11-03..11-09): the term rules must be done this week
    ev = Evaluation(CAL, A(("c1", "甲", "k1", None, None)), L(), X(("c1", "2025-11-03", "2025-11-09")),
                    RULES, as_of="2025-10-29")
    fc = forecast(ev)
    t = {(r, p): (d, a, m) for r, p, _, d, a, _, m in pending_table(fc)}
    assert t[("party_lecture", "2025秋")] == (5, 0, True)
    rem = reminders(ev, fc)
    assert rem.loc[rem["rule"] == "party_lecture", "reason_zh"].item() == "2025秋每学期讲党课或思政课还差1次，本周是最后机会"
    # 九进 per term: on Wed 11-05 only 5 days remain for 9 venues -> unreachable, so not on track
    rules = rules_from_dict({"rules": {"nine_venues": {"per": "term"}}})
    ev = Evaluation(CAL, A(("c1", "甲", "k1", None, None)), L(("c1", "2025-11-04", "other", "宿舍")), None, rules,
                    as_of="2025-11-05")
    fc = forecast(ev)
    row = fc[(fc["rule"] == "nine_venues") & (fc["period"] == "2025秋")].iloc[0]
    assert (row["done"], row["missing"], row["days_left"], bool(row["reachable"])) == (1, 8, 5, False)
    assert "nine_venues" not in set(reminders(ev, fc)["rule"])
    ot = on_track(fc)
    assert ot.to_dict("records")[0]["unreachable"] == 1 and not ot["on_track"].item()


def test_holidays_leave_no_opportunity():
    # Wed 10-01: W04's remaining days 10-01..10-05 are all 国庆 holidays
    ev = Evaluation(CAL, A(("c1", "甲", "k1", None, None)), L(), None, RULES, as_of="2025-10-01")
    fc = forecast(ev)
    row = fc[fc["period"] == "2025秋-W04"].iloc[0]
    assert (row["days_left"], bool(row["reachable"]), bool(row["must_act_this_week"])) == (0, False, False)


def test_compliance_rate_and_on_track():
    led = L(("c1", "2025-09-09", "face_to_face", "宿舍"), ("c1", "2025-09-16", "face_to_face", "宿舍"),
            ("c2", "2025-09-09", "face_to_face", "宿舍"), ("c2", "2025-09-16", "lecture_visit", "课堂"),
            ("c2", "2025-09-17", "face_to_face", "宿舍"))
    ev = Evaluation(CAL, A(("c1", "甲", "k1", None, None), ("c2", "乙", "k2", None, None)), led, None, RULES,
                    as_of="2025-09-24")
    r = compliance_rate(ev.status)
    got = [tuple(x) for x in r[r["rule"].isin(["face_to_face", "lecture_visit"])].itertuples(index=False)]
    assert [g[:6] for g in got] == [
        ("c1", "lecture_visit", 0, 0, 1, 0),
        ("c1", "face_to_face", 2, 0, 1, 0),
        ("c2", "lecture_visit", 1, 0, 0, 0),
        ("c2", "face_to_face", 2, 0, 1, 0),
    ]
    assert pd.isna(got[0][6]) and got[1][6] == 1.0
    ot = on_track(forecast(ev))
    assert ot[["cadre_id", "missed", "unreachable", "on_track"]].values.tolist() == [["c1", 0, 0, True],
                                                                                      ["c2", 0, 0, True]]
    ev = Evaluation(CAL, A(("c1", "甲", "k1", None, None)), led, None, RULES, as_of="2025-10-20")
    fr = compliance_rate(ev.status)
    f2f = fr[fr["rule"] == "face_to_face"].iloc[0]
    # W01, W02 met; W03..W06 missed; W07 pending
    assert (f2f["met"], f2f["missed"], f2f["pending"], f2f["rate"]) == (2, 4, 1, 2 / 6)
    assert not on_track(forecast(ev))["on_track"].item()


def test_class_coverage_overall_and_split():
    classes = pd.DataFrame({
        "class_id": ["k1", "k2", "k3", "k4"], "name": "", "college": ["文学院", "文学院", "理学院", "理学院"],
        "major": "", "discipline": "", "grade": [2025, 2024, 2025, 2022], "size": [30, 40, 50, 20],
        "tags": [("新生班",), (), ("新生班", "学业预警"), ("毕业班",)], "priority": [True, False, True, False]})
    a = A(("c1", "甲", "k1", None, None), ("c2", "乙", "k3", "2025-09-01", "2025-09-30"),
          ("c3", "丙", "k4", "2025-10-01", None))
    cov = class_coverage(classes, a, "2025-09-15")
    assert [tuple(r) for r in cov[["dimension", "value", "classes", "covered", "students",
                                   "students_covered"]].itertuples(index=False)] == [
        ("overall", "全部", 4, 2, 140, 80),
        ("college", "文学院", 2, 1, 70, 30),
        ("college", "理学院", 2, 1, 70, 50),
        ("grade", "2022", 1, 0, 20, 0),
        ("grade", "2024", 1, 0, 40, 0),
        ("grade", "2025", 2, 2, 80, 80),
        ("tag", "学业预警", 1, 1, 50, 50),
        ("tag", "新生班", 2, 2, 80, 80),
        ("tag", "毕业班", 1, 0, 20, 0),
        ("priority", "False", 2, 0, 60, 0),
        ("priority", "True", 2, 2, 80, 80),
    ]
    assert cov.loc[0, "rate"] == 0.5 and abs(cov.loc[0, "students_rate"] - 80 / 140) < 1e-12
    later = class_coverage(classes, a, "2025-10-15").iloc[0]
    assert (later["covered"], later["students_covered"]) == (2, 50)   # k1 and k4


def test_nine_venues_coverage_so_far():
    led = L(("c1", "2025-09-09", "face_to_face", "宿舍"), ("c1", "2025-09-10", "other", "网络"),
            ("c1", "2025-09-11", "face_to_face", "宿舍"), ("c1", "2026-01-10", "report", ""),
            ("c1", "2025-12-01", "other", "食堂"))
    ev = Evaluation(CAL, A(("c1", "甲", "k1", None, None)), led, None, RULES, as_of="2025-11-01")
    cov = nine_venues_coverage(ev)
    assert cov[["cadre_id", "period", "venues", "reached", "required"]].values.tolist() == [
        ["c1", "2025-2026", ("宿舍", "网络"), 2, 9]]        # 食堂 on 12-01 is after the as-of date
    assert cov.loc[0, "coverage"] == 2 / 9


def test_annual_report_xlsx():
    led = L(("c1", "2025-09-09", "face_to_face", "宿舍", 30), ("c1", "2025-09-10", "party_lecture", "班级", 28),
            ("c1", "2026-01-10", "report", "", None), ("c2", "2025-09-16", "face_to_face", "食堂", 5))
    a = A(("c1", "张三", "k1", None, None), ("c2", "李四", "k2", None, "2025-10-12"))
    ev = Evaluation(CAL, a, led, None, RULES, as_of="2026-04-15")
    rep = annual_report(ev)
    assert rep.year.label == "2025-2026学年"
    assert [(cr.cadre_id, len(cr.activities), cr.students) for cr in rep.cadres] == [("c1", 3, 58), ("c2", 1, 5)]
    # c1: face to face met W01 only (both activities are in W01); missed W02..W09 and 春 W01..W04 = 12
    c1, c2 = rep.cadres
    assert (c1.tallies["face_to_face"].met, c1.tallies["face_to_face"].missed) == (1, 12)
    assert c1.tallies["annual_report"].text() == "1/1" and c1.venues == ("班级", "宿舍")
    # c2 left after W05 (5 of 9 weeks: autumn in scope); spring exempt
    f2f = c2.tallies["face_to_face"]
    assert (f2f.met, f2f.missed, f2f.exempt) == (1, 4, 8)
    wb = openpyxl.load_workbook(io.BytesIO(annual_report_xlsx(ev)))
    assert wb.sheetnames == ["汇总", "目录", "c1 张三", "c2 李四"]
    s = wb["汇总"]
    head = [c.value for c in s[4]]
    row = dict(zip(head, [c.value for c in s[5]]))
    assert (row["工号"], row["姓名"]) == ("c1", "张三")
    f2f_col = next(h for h in head if h.startswith("每周面对面接触学生"))
    assert row[f2f_col] == "1/13"
    c1s = [[c for c in r if c is not None] for r in wb["c1 张三"].iter_rows(values_only=True)]
    flat = [v for r in c1s for v in r]
    assert any(str(v).startswith("已到 2/9：班级、宿舍") for v in flat)
    i = flat.index("四、未完成事项（未达标的周期）")
    missed = [r[:2] for r in c1s if len(r) >= 2]
    assert ["每学期讲党课或思政课", "2026春"] in missed and ["每周面对面接触学生", "2025秋-W03"] in missed
    assert ["每月听课", "2025-09"] in missed
    assert i > 0 and ["每学期讲党课或思政课", "2025秋"] not in missed
