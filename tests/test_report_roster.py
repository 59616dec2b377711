"""Every cadre counts: a roster cadre without a class is 未带班 (missed for 确定1个班级), a cadre with no
duty is 免予考核 (never on track), and only assignments in force on the as-of date count.

Calendar: 2025秋 from 2025-09-08, 9 weeks (ends Sun 11-09), 国庆 10-01..10-08; 2026春 from 2026-03-02, 4 weeks.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from compliance import Calendar, Evaluation, Term, forecast, load_rules
from compliance.report import annual_report
from compliance.rollups import adviser_state, class_coverage, compliance_rate, on_track

CAL = Calendar([Term("2025秋", date(2025, 9, 8), 9, ((date(2025, 10, 1), date(2025, 10, 8)),)),
                Term("2026春", date(2026, 3, 2), 4)])
RULES = load_rules()


def assign(*rows):
    return pd.DataFrame({"cadre_id": [r[0] for r in rows], "name": "", "class_id": [r[1] for r in rows],
                         "class_name": [f"{r[1]}班" for r in rows],
                         "start": pd.to_datetime([r[2] for r in rows]), "end": pd.to_datetime([r[3] for r in rows])})


ROSTER = pd.DataFrame({
    "cadre_id": ["c1", "c2", "c3", "c4"], "name": ["甲", "乙", "丙", "丁"],
    "unit": ["计算机学院", "教务处", "教务处", "党委组织部"], "position": ["院长", "处长", "副处长", "部长"],
    "level": ["head", "head", "deputy", "head"]})
ASSIGN = assign(("c1", "k1", None, None), ("c2", "k2", None, "2025-10-12"))
LEDGER = pd.DataFrame({"activity_id": ["a1"], "cadre_id": ["c1"], "date": pd.to_datetime(["2025-09-09"]),
                       "type": ["face_to_face"], "venue": ["宿舍"], "class_id": [""]})
# c4 is away for the whole calendar: no duty at all
EXEMPT = pd.DataFrame({"cadre_id": ["c4"], "start": pd.to_datetime(["2025-09-01"]),
                       "end": pd.to_datetime(["2026-04-30"]), "reason": ["出国访学"]})


def ev_at(as_of, cadres=ROSTER):
    return Evaluation(CAL, ASSIGN, LEDGER, EXEMPT, RULES, as_of=as_of, cadres=cadres)


def status(ev, cadre, rule):
    st = ev.status
    st = st[(st["cadre_id"] == cadre) & (st["rule"] == rule)]
    return dict(zip(st["period"], st["status"]))


def test_roster_cadres_appear_in_roster_order():
    ev = ev_at("2026-03-20")
    assert list(ev.cadre_ids) == ["c1", "c2", "c3", "c4"]
    assert ev.names == {"c1": "甲", "c2": "乙", "c3": "丙", "c4": "丁"}
    # the old call without a roster: only the assignment's cadres, as before
    assert list(Evaluation(CAL, ASSIGN, LEDGER, EXEMPT, RULES, as_of="2026-03-20").cadre_ids) == ["c1", "c2"]


def test_unassigned_cadre_is_missed_for_class_assigned_and_exempt_elsewhere():
    ev = ev_at("2026-03-20")
    assert status(ev, "c3", "class_assigned") == {"2025秋": "missed", "2026春": "pending"}
    assert set(status(ev, "c3", "face_to_face").values()) == {"exempt"}
    # c2 advised k2 until 10-12: the autumn term counts one class, the spring term none
    assert status(ev, "c2", "class_assigned") == {"2025秋": "met", "2026春": "pending"}
    ot = on_track(forecast(ev)).set_index("cadre_id")
    assert not ot.loc["c3", "on_track"] and ot.loc["c3", "state"] == "off_track"
    rate = compliance_rate(ev.status).set_index(["cadre_id", "rule"])
    assert rate.loc[("c3", "class_assigned"), "rate"] == 0.0


def test_no_duty_cadre_is_exempt_not_on_track():
    ev = ev_at("2026-03-20")
    assert set(ev.status.loc[ev.status["cadre_id"] == "c4", "status"]) == {"exempt"}
    ot = on_track(forecast(ev)).set_index("cadre_id")
    assert ot.loc["c4", "state"] == "exempt" and not ot.loc["c4", "on_track"] and not ot.loc["c4", "assessed"]
    assert ot.loc["c1", "period"] == "2025-09-08至2026-03-29"       # the reported periods, named


def test_adviser_state_counts_assignments_in_force_only():
    st = adviser_state(ev_at("2025-10-20")).set_index("cadre_id")
    assert st.loc["c1", "classes"] == ("k1",) and st.loc["c1", "state"] == "advising"
    assert st.loc["c2", "classes"] == () and st.loc["c2", "state"] == "unassigned"     # ended 10-12
    assert st.loc["c3", "state"] == "unassigned" and st.loc["c4", "state"] == "exempt"
    assert set(st["period"]) == {"2025秋"}
    before = adviser_state(ev_at("2025-10-10")).set_index("cadre_id")
    assert before.loc["c2", "state"] == "advising"
    classes = pd.DataFrame({"class_id": ["k1", "k2"], "college": ["计算机学院"] * 2, "grade": [2025, 2025],
                            "size": [30, 40], "tags": [(), ()], "priority": [False, False]})
    cov = class_coverage(classes, ASSIGN, "2025-10-20").set_index("dimension").loc["overall"]
    assert (cov["classes"], cov["covered"], cov["students_covered"]) == (2, 1, 30)


def test_report_lists_unassigned_and_exempt_cadres():
    rep = annual_report(ev_at("2026-03-20"), "2025-2026")
    by = {cr.cadre_id: cr for cr in rep.cadres}
    assert set(by) == {"c1", "c2", "c3", "c4"}
    assert by["c3"].classes_text == "未带班" and by["c3"].tallies["class_assigned"].text() == "0/1"
    assert by["c3"].conclusion == "差" and by["c3"].rate == 0.0
    assert by["c4"].conclusion == "免予考核" and by["c4"].rate is None
    assert all(t.text() == "免" for t in by["c4"].tallies.values())
    assert by["c2"].classes_text == "k2班（2025-09-08至2025-10-12）"
    assert by["c1"].classes_text == "k1班（2025-09-08至今）"
    assert list(by["c3"].missed["周期"]) == ["2025秋"]
