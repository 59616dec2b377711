"""Compliance engine: hand-worked expected tables (compliance-rules.md).

Test calendar (small enough to work by hand):
  2025秋: 2025-09-08, 9 weeks, holiday 2025-10-01..08 (国庆)
    W01 09-08  W02 09-15  W03 09-22  W04 09-29 (workdays Mon 29, Tue 30 only; Monday in Sept)
    W05 10-06 (Mon–Wed holiday, Thu/Fri teaching)  W06 10-13  W07 10-20  W08 10-27  W09 11-03
    months: 2025-09 = W01–W04, 2025-10 = W05–W08, 2025-11 = W09 only (one teaching week)
    term ends Sun 2025-11-09; in scope with >= ceil(9/2) = 5 weeks
  2026春: 2026-03-02, 4 weeks (W01..W04), ends 2026-03-29; month 2026-03 = W01–W04; needs 2 weeks
  academic year 2025-2026: 2025-09-08 .. 2026-03-29 (winter vacation 2025-11-10 .. 2026-03-01)
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from compliance import COLUMNS, Calendar, Evaluation, Term, evaluate, load_rules

HOL = ((date(2025, 10, 1), date(2025, 10, 8)),)


def cal(holidays=HOL):
    return Calendar([Term("2025秋", date(2025, 9, 8), 9, holidays), Term("2026春", date(2026, 3, 2), 4)])


def assign(*rows):
    """rows: (cadre_id, class_id, start|None, end|None)"""
    return pd.DataFrame({
        "cadre_id": [r[0] for r in rows], "name": [f"名{r[0]}" for r in rows], "class_id": [r[1] for r in rows],
        "start": pd.to_datetime([r[2] for r in rows]), "end": pd.to_datetime([r[3] for r in rows]),
    })


def ledger(*rows):
    """rows: (activity_id, cadre_id, date, type, venue, class_id)"""
    return pd.DataFrame({
        "activity_id": [r[0] for r in rows], "cadre_id": [r[1] for r in rows],
        "date": pd.to_datetime([r[2] for r in rows]).astype("datetime64[ns]"),
        "type": [r[3] for r in rows], "venue": [r[4] for r in rows], "class_id": [r[5] for r in rows],
        "students": pd.array([10] * len(rows), dtype="Int64"), "minutes": pd.array([30] * len(rows), dtype="Int64"),
        "summary": [""] * len(rows),
    }) if rows else pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else object) for c in
                                 ["activity_id", "cadre_id", "date", "type", "venue", "class_id", "summary"]})


def exemptions(*rows):
    return pd.DataFrame({"cadre_id": [r[0] for r in rows], "start": pd.to_datetime([r[1] for r in rows]),
                         "end": pd.to_datetime([r[2] for r in rows]), "reason": ["事假"] * len(rows)})


def table(st, rules=None, cadre=None):
    """(cadre, rule, period, required, done, status) tuples, optionally filtered."""
    if rules is not None:
        st = st[st["rule"].isin(rules)]
    if cadre is not None:
        st = st[st["cadre_id"] == cadre]
    return [tuple(r) for r in st[["cadre_id", "rule", "period", "required", "done", "status"]].itertuples(index=False)]


def statuses(st, rule, cadre):
    s = st[(st["rule"] == rule) & (st["cadre_id"] == cadre)]
    return dict(zip(s["period"], s["status"]))


RULES = load_rules()

# The year's ledger of one cadre, c1, advising k1 the whole time (see test_each_rule_full_year)
YEAR = ledger(
    ("a1", "c1", "2025-09-09", "face_to_face", "宿舍", ""),
    ("a2", "c1", "2025-09-17", "party_lecture", "班级", ""),        # own class by default; face to face too
    ("a3", "c1", "2025-09-24", "face_to_face", "网络", ""),         # online: 九进 yes, face to face no
    ("a4", "c1", "2025-10-03", "face_to_face", "食堂", ""),         # holiday Friday, week W04 (Sept week)
    ("a5", "c1", "2025-10-03", "lecture_visit", "课堂", ""),        # calendar month 2025-10
    ("a6", "c1", "2025-10-09", "class_activity", "活动现场", "k1"),  # W05: Monday holiday, Thursday not
    ("a7", "c1", "2025-10-21", "face_to_face", "社团", ""),
    ("a8", "c1", "2025-10-28", "face_to_face", "早操", ""),
    ("a9", "c1", "2025-11-04", "lecture_visit", "课堂", ""),        # 2025-11 has one teaching week
    ("a10", "c1", "2026-01-15", "report", "", ""),                 # winter vacation: year rules only
    ("a11", "c1", "2026-01-16", "face_to_face", "讲座", ""),        # winter vacation: 九进 only
    ("a12", "c1", "2026-03-03", "face_to_face", "宿舍", ""),
    ("a13", "c1", "2026-03-18", "party_lecture", "班级", "k9"),     # another class: not this cadre's lecture
    ("a14", "c1", "2026-03-25", "face_to_face", "课堂", ""),
)


def test_calendar_weeks_months_terms_years():
    c = cal()
    w = c.weeks_frame()
    assert list(w["period"]) == [f"2025秋-W{n:02d}" for n in range(1, 10)] + [f"2026春-W{n:02d}" for n in range(1, 5)]
    assert list(w["month"]) == ["2025-09"] * 4 + ["2025-10"] * 4 + ["2025-11"] + ["2026-03"] * 4
    assert list(w["workdays"]) == [5, 5, 5, 2, 2, 5, 5, 5, 5, 5, 5, 5, 5]
    assert w.loc[3, "start"] == date(2025, 9, 29) and w.loc[3, "end"] == date(2025, 10, 5)
    m = c.period_frame("month")
    assert [tuple(r) for r in m.itertuples(index=False)] == [
        ("2025-09", date(2025, 9, 8), date(2025, 9, 30)),
        ("2025-10", date(2025, 10, 1), date(2025, 10, 31)),
        ("2025-11", date(2025, 11, 1), date(2025, 11, 9)),
        ("2026-03", date(2026, 3, 2), date(2026, 3, 29)),
    ]
    t = c.period_frame("term")
    assert [tuple(r) for r in t.itertuples(index=False)] == [
        ("2025秋", date(2025, 9, 8), date(2025, 11, 9)), ("2026春", date(2026, 3, 2), date(2026, 3, 29))]
    y = c.period_frame("year")
    assert [tuple(r) for r in y.itertuples(index=False)] == [("2025-2026", date(2025, 9, 8), date(2026, 3, 29))]
    assert list(c.term_min_weeks) == [5, 2]


def test_each_rule_full_year():
    st = evaluate(cal(), assign(("c1", "k1", None, None)), YEAR, None, RULES, as_of="2026-04-15")
    assert list(st.columns) == COLUMNS
    assert table(st) == [
        ("c1", "class_assigned", "2025秋", 1, 1, "met"),
        ("c1", "class_assigned", "2026春", 1, 1, "met"),
        ("c1", "party_lecture", "2025秋", 1, 1, "met"),
        ("c1", "party_lecture", "2026春", 1, 0, "missed"),         # a13 was for class k9
        ("c1", "class_activity", "2025秋", 1, 1, "met"),
        ("c1", "class_activity", "2026春", 1, 0, "missed"),
        ("c1", "lecture_visit", "2025-09", 1, 0, "missed"),
        ("c1", "lecture_visit", "2025-10", 1, 1, "met"),            # a5 on 10-03 is in calendar October
        ("c1", "lecture_visit", "2025-11", 1, 1, "exempt"),         # one teaching week: never in scope
        ("c1", "lecture_visit", "2026-03", 1, 0, "missed"),
        ("c1", "face_to_face", "2025秋-W01", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W02", 1, 1, "met"),          # party lecture in person counts
        ("c1", "face_to_face", "2025秋-W03", 1, 0, "missed"),       # online does not
        ("c1", "face_to_face", "2025秋-W04", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W05", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W06", 1, 0, "missed"),
        ("c1", "face_to_face", "2025秋-W07", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W08", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W09", 1, 0, "missed"),       # a lecture visit is not face to face
        ("c1", "face_to_face", "2026春-W01", 1, 1, "met"),
        ("c1", "face_to_face", "2026春-W02", 1, 0, "missed"),
        ("c1", "face_to_face", "2026春-W03", 1, 1, "met"),          # in person, whichever class
        ("c1", "face_to_face", "2026春-W04", 1, 1, "met"),
        ("c1", "annual_report", "2025-2026", 1, 1, "met"),          # a10 in the winter vacation
        ("c1", "nine_venues", "2025-2026", 9, 9, "met"),            # incl. 网络 (a3) and 讲座 (a11, vacation)
    ]
    first = st.iloc[0]
    assert first["period_kind"] == "term"
    assert first["period_start"] == pd.Timestamp("2025-09-08") and first["period_end"] == pd.Timestamp("2025-11-09")


def test_whole_holiday_week_is_not_a_teaching_week():
    # 国庆 extended to Fri 10-10: W05 (10-06..10-12) has no non-holiday weekday -> not a teaching week
    c = cal(((date(2025, 10, 1), date(2025, 10, 10)),))
    st = evaluate(c, assign(("c1", "k1", None, None)), YEAR, None, RULES, as_of="2025-11-30")
    f2f = statuses(st, "face_to_face", "c1")
    assert list(f2f) == ["2025秋-W01", "2025秋-W02", "2025秋-W03", "2025秋-W04", "2025秋-W06", "2025秋-W07",
                         "2025秋-W08", "2025秋-W09"]
    # a6 (class_activity on holiday 10-09) still counts for the term, since the term contains the date
    assert statuses(st, "class_activity", "c1") == {"2025秋": "met"}
    # 8 teaching weeks -> a term needs ceil(8/2) = 4
    assert list(c.term_min_weeks) == [4, 2]
    # October keeps 3 teaching weeks (W06..W08) and stays in scope
    assert statuses(st, "lecture_visit", "c1")["2025-10"] == "met"


def test_monday_holiday_week_scope_depends_on_thursday_friday_only():
    a = assign(("c1", "k1", None, None))
    L = ledger(("x", "c1", "2025-10-10", "face_to_face", "宿舍", ""))
    # absent on the holidays Mon–Wed of W05: still on duty every non-holiday weekday -> in scope
    st = evaluate(cal(), a, L, exemptions(("c1", "2025-10-06", "2025-10-08")), RULES, as_of="2025-10-31")
    assert table(st, ["face_to_face"])[3:6] == [
        ("c1", "face_to_face", "2025秋-W04", 1, 0, "missed"),
        ("c1", "face_to_face", "2025秋-W05", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W06", 1, 0, "missed"),
    ]
    # absent on Thursday 10-09 -> W05 out of scope, although the Friday activity exists
    st = evaluate(cal(), a, L, exemptions(("c1", "2025-10-09", "2025-10-09")), RULES, as_of="2025-10-31")
    assert statuses(st, "face_to_face", "c1")["2025秋-W05"] == "exempt"
    # W04: only Mon 09-29 and Tue 09-30 are required; leave on the holidays Wed–Fri keeps it in scope
    st = evaluate(cal(), a, L, exemptions(("c1", "2025-10-01", "2025-10-03")), RULES, as_of="2025-10-31")
    assert statuses(st, "face_to_face", "c1")["2025秋-W04"] == "missed"


def test_week_straddling_two_months():
    # W04 (Mon 09-29 .. Sun 10-05) belongs to September for scope; an activity on 10-03 counts for
    # week W04 and for the calendar month 2025-10.
    a = assign(("c1", "k1", "2025-09-29", None))   # starts with W04
    L = ledger(("x", "c1", "2025-10-03", "lecture_visit", "课堂", ""),
               ("y", "c1", "2025-10-03", "face_to_face", "食堂", ""))
    st = evaluate(cal(), a, L, None, RULES, as_of="2025-11-30")
    assert table(st, ["lecture_visit"]) == [
        ("c1", "lecture_visit", "2025-09", 1, 0, "exempt"),   # only W04 in scope in September: 1 < 2
        ("c1", "lecture_visit", "2025-10", 1, 1, "met"),      # W05..W08 in scope
        ("c1", "lecture_visit", "2025-11", 1, 0, "exempt"),   # one teaching week
    ]
    f = statuses(st, "face_to_face", "c1")
    assert f["2025秋-W03"] == "exempt" and f["2025秋-W04"] == "met"
    # W04..W09 = 6 in-scope weeks >= 5 -> the term is in scope
    assert statuses(st, "party_lecture", "c1") == {"2025秋": "missed"}


def test_month_with_one_teaching_week_is_exempt_for_everyone():
    a = assign(("c1", "k1", None, None), ("c2", "k2", None, None))
    st = evaluate(cal(), a, ledger(), None, RULES, as_of="2025-12-31")
    assert table(st[st["period"] == "2025-11"]) == [
        ("c1", "lecture_visit", "2025-11", 1, 0, "exempt"),
        ("c2", "lecture_visit", "2025-11", 1, 0, "exempt"),
    ]


def test_exemption_part_of_week_and_whole_term():
    a = assign(("c1", "k1", None, None))
    ex = exemptions(("c1", "2025-09-17", "2025-09-18"),   # Wed–Thu of W02
                    ("c1", "2025-09-27", "2025-09-28"),   # weekend of W03 only: no effect
                    ("c1", "2026-03-02", "2026-03-29"))   # the whole spring term
    st = evaluate(cal(), a, YEAR, ex, RULES, as_of="2026-04-15")
    f = statuses(st, "face_to_face", "c1")
    assert [f[f"2025秋-W0{n}"] for n in (1, 2, 3)] == ["met", "exempt", "missed"]
    assert [f[f"2026春-W0{n}"] for n in (1, 2, 3, 4)] == ["exempt"] * 4
    assert table(st, ["class_assigned", "party_lecture", "class_activity", "lecture_visit",
                      "annual_report", "nine_venues"]) == [
        ("c1", "class_assigned", "2025秋", 1, 1, "met"),
        ("c1", "class_assigned", "2026春", 1, 1, "exempt"),
        ("c1", "party_lecture", "2025秋", 1, 1, "met"),
        ("c1", "party_lecture", "2026春", 1, 0, "exempt"),
        ("c1", "class_activity", "2025秋", 1, 1, "met"),
        ("c1", "class_activity", "2026春", 1, 0, "exempt"),
        ("c1", "lecture_visit", "2025-09", 1, 0, "missed"),    # W01, W03, W04 in scope
        ("c1", "lecture_visit", "2025-10", 1, 1, "met"),
        ("c1", "lecture_visit", "2025-11", 1, 1, "exempt"),
        ("c1", "lecture_visit", "2026-03", 1, 0, "exempt"),
        ("c1", "annual_report", "2025-2026", 1, 1, "met"),     # the autumn term keeps the year in scope
        ("c1", "nine_venues", "2025-2026", 9, 9, "met"),
    ]


def test_adviser_change_mid_term():
    # k1: c1 until Sun 2025-10-12 (W01..W05 = 5 weeks: term in scope), c2 from Mon 10-13 (W06..W09 = 4: not)
    a = assign(("c1", "k1", None, "2025-10-12"), ("c2", "k1", "2025-10-13", None))
    L = ledger(
        ("p1", "c1", "2025-10-15", "party_lecture", "班级", "k1"),   # k1 is no longer c1's class
        ("f1", "c1", "2025-10-14", "face_to_face", "宿舍", ""),      # c1's week W06 is out of scope
        ("f2", "c2", "2025-10-14", "face_to_face", "宿舍", ""),
        ("p2", "c2", "2025-10-20", "party_lecture", "班级", ""),     # own class, but c2's autumn term is exempt
        ("p3", "c2", "2026-03-10", "party_lecture", "班级", ""),
    )
    st = evaluate(cal(), a, L, None, RULES, as_of="2026-04-15")
    assert table(st, ["class_assigned", "party_lecture"]) == [
        ("c1", "class_assigned", "2025秋", 1, 1, "met"),
        ("c1", "class_assigned", "2026春", 1, 0, "exempt"),
        ("c1", "party_lecture", "2025秋", 1, 0, "missed"),
        ("c1", "party_lecture", "2026春", 1, 0, "exempt"),
        ("c2", "class_assigned", "2025秋", 1, 1, "exempt"),
        ("c2", "class_assigned", "2026春", 1, 1, "met"),
        ("c2", "party_lecture", "2025秋", 1, 1, "exempt"),
        ("c2", "party_lecture", "2026春", 1, 1, "met"),
    ]
    f1, f2 = statuses(st, "face_to_face", "c1"), statuses(st, "face_to_face", "c2")
    weeks = [f"2025秋-W0{n}" for n in range(1, 10)]
    assert [f1[w] for w in weeks] == ["missed"] * 5 + ["exempt"] * 4
    assert [f2[w] for w in weeks] == ["exempt"] * 5 + ["met", "met", "missed", "missed"]  # p2 is in person
    # both years in scope: c1 through autumn, c2 through spring
    assert statuses(st, "annual_report", "c1") == {"2025-2026": "missed"}
    assert statuses(st, "annual_report", "c2") == {"2025-2026": "missed"}


def test_winter_vacation_counts_for_year_rules_only():
    a = assign(("c1", "k1", None, None))
    L = ledger(("w1", "c1", "2026-01-15", "face_to_face", "宿舍", ""),
               ("w2", "c1", "2026-01-20", "lecture_visit", "课堂", ""),
               ("w3", "c1", "2026-01-21", "party_lecture", "班级", ""),
               ("w4", "c1", "2026-02-01", "report", "", ""))
    st = evaluate(cal(), a, L, None, RULES, as_of="2026-04-15")
    done = st.groupby("rule")["done"].sum().to_dict()
    assert done == {"class_assigned": 2, "party_lecture": 0, "class_activity": 0, "lecture_visit": 0,
                    "face_to_face": 0, "annual_report": 1, "nine_venues": 3}


def test_summer_after_the_spring_term_belongs_to_no_year():
    a = assign(("c1", "k1", None, None))
    L = ledger(("s1", "c1", "2026-04-02", "report", "", ""), ("s2", "c1", "2025-09-01", "report", "", ""))
    st = evaluate(cal(), a, L, None, RULES, as_of="2026-04-15")
    assert table(st, ["annual_report"]) == [("c1", "annual_report", "2025-2026", 1, 0, "missed")]


def test_online_counts_for_nine_venues_not_face_to_face():
    a = assign(("c1", "k1", None, None))
    L = ledger(("o1", "c1", "2025-09-09", "face_to_face", "网络", ""),
               ("o2", "c1", "2025-09-10", "class_activity", "网络", ""),
               ("o3", "c1", "2025-09-16", "face_to_face", "宿舍", ""))
    st = evaluate(cal(), a, L, None, RULES, as_of="2025-09-21")
    assert table(st, ["face_to_face", "class_activity", "nine_venues"]) == [
        ("c1", "class_activity", "2025秋", 1, 1, "met"),    # the activity itself counts for its rule
        ("c1", "face_to_face", "2025秋-W01", 1, 0, "missed"),
        ("c1", "face_to_face", "2025秋-W02", 1, 1, "met"),
        ("c1", "nine_venues", "2025-2026", 9, 2, "pending"),  # 网络 + 宿舍
    ]


def test_lecture_for_another_class_does_not_count():
    a = assign(("c1", "k1", None, None), ("c1", "k2", "2026-03-01", None), ("c2", "k3", None, None))
    L = ledger(
        ("l1", "c1", "2025-09-09", "party_lecture", "班级", "k3"),   # c2's class
        ("l2", "c1", "2025-09-10", "party_lecture", "班级", "k2"),   # k2 is c1's only from 2026-03-01
        ("l3", "c1", "2026-03-03", "party_lecture", "班级", "k2"),   # now it is
        ("l4", "c2", "2025-09-11", "party_lecture", "班级", ""),     # empty = c2's class that day
        ("l5", "c2", "2025-09-12", "class_activity", "活动现场", "K3"),  # ids are exact: K3 is not k3
    )
    st = evaluate(cal(), a, L, None, RULES, as_of="2026-04-15")
    assert table(st, ["party_lecture", "class_activity", "class_assigned"]) == [
        ("c1", "class_assigned", "2025秋", 1, 1, "met"),
        ("c1", "class_assigned", "2026春", 1, 2, "met"),       # k1 and k2
        ("c1", "party_lecture", "2025秋", 1, 0, "missed"),
        ("c1", "party_lecture", "2026春", 1, 1, "met"),
        ("c1", "class_activity", "2025秋", 1, 0, "missed"),
        ("c1", "class_activity", "2026春", 1, 0, "missed"),
        ("c2", "class_assigned", "2025秋", 1, 1, "met"),
        ("c2", "class_assigned", "2026春", 1, 1, "met"),
        ("c2", "party_lecture", "2025秋", 1, 1, "met"),
        ("c2", "party_lecture", "2026春", 1, 0, "missed"),
        ("c2", "class_activity", "2025秋", 1, 0, "missed"),
        ("c2", "class_activity", "2026春", 1, 0, "missed"),
    ]


def test_as_of_in_the_middle_of_a_week():
    a = assign(("c1", "k1", None, None))
    L = ledger(("m1", "c1", "2025-09-09", "face_to_face", "宿舍", ""),
               ("m2", "c1", "2025-09-18", "face_to_face", "食堂", ""))   # Thursday, after the as-of date
    st = evaluate(cal(), a, L, None, RULES, as_of="2025-09-17")        # Wednesday of W02
    assert table(st) == [
        ("c1", "class_assigned", "2025秋", 1, 1, "met"),
        ("c1", "party_lecture", "2025秋", 1, 0, "pending"),
        ("c1", "class_activity", "2025秋", 1, 0, "pending"),
        ("c1", "lecture_visit", "2025-09", 1, 0, "pending"),
        ("c1", "face_to_face", "2025秋-W01", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W02", 1, 0, "pending"),   # W03 has not started: not reported
        ("c1", "annual_report", "2025-2026", 1, 0, "pending"),
        ("c1", "nine_venues", "2025-2026", 9, 1, "pending"),
    ]
    # the last day of a period is still pending; the day after, missed
    st = evaluate(cal(), a, ledger(), None, RULES, as_of="2025-09-14")
    assert statuses(st, "face_to_face", "c1") == {"2025秋-W01": "pending"}
    st = evaluate(cal(), a, ledger(), None, RULES, as_of="2025-09-15")
    assert statuses(st, "face_to_face", "c1") == {"2025秋-W01": "missed", "2025秋-W02": "pending"}
    # before the calendar starts nothing is reported
    assert evaluate(cal(), a, ledger(), None, RULES, as_of="2025-09-01").empty


def test_duplicate_activity_ids_count_once_last_wins():
    a = assign(("c1", "k1", None, None))
    L = ledger(("d1", "c1", "2025-09-09", "face_to_face", "宿舍", ""),
               ("d2", "c1", "2025-09-10", "lecture_visit", "课堂", ""),
               ("d2", "c1", "2025-09-10", "lecture_visit", "课堂", ""),    # same row imported twice
               ("d1", "c1", "2025-09-16", "face_to_face", "宿舍", ""))     # re-import moved d1 to W02
    st = evaluate(cal(), a, L, None, RULES, as_of="2025-09-21")
    assert table(st, ["face_to_face", "lecture_visit"]) == [
        ("c1", "lecture_visit", "2025-09", 1, 1, "met"),
        ("c1", "face_to_face", "2025秋-W01", 1, 0, "missed"),
        ("c1", "face_to_face", "2025秋-W02", 1, 1, "met"),
    ]


def test_activities_of_cadres_without_assignment_are_ignored_and_open_dates():
    a = assign(("c1", "k1", None, None))
    L = ledger(("z1", "zz", "2025-09-09", "face_to_face", "宿舍", ""),
               ("z2", "c1", "2024-09-09", "face_to_face", "宿舍", ""))    # before the calendar
    ev = Evaluation(cal(), a, L, None, RULES, as_of="2025-09-21")
    assert len(ev.ledger) == 0
    assert set(ev.status["cadre_id"]) == {"c1"}


def test_threshold_zero_and_before_term_end_met_early():
    r = RULES.replace("face_to_face", at_least=0)
    st = evaluate(cal(), assign(("c1", "k1", None, None)), ledger(), None, r, as_of="2025-09-21")
    assert set(statuses(st, "face_to_face", "c1").values()) == {"met"}
    # met even before the period has ended
    st = evaluate(cal(), assign(("c1", "k1", None, None)),
                  ledger(("e1", "c1", "2025-09-08", "report", "", "")), None, RULES, as_of="2025-09-10")
    assert statuses(st, "annual_report", "c1") == {"2025-2026": "met"}


@pytest.mark.parametrize("bad", [
    [Term("x", date(2025, 9, 9), 4)],                                    # not a Monday
    [Term("x", date(2025, 9, 8), 0)],
    [Term("x", date(2025, 9, 8), 4), Term("y", date(2025, 9, 29), 4)],   # overlap
    [Term("x", date(2025, 9, 8), 4, ((date(2025, 9, 10), date(2025, 9, 9)),))],
    [],
])
def test_calendar_validation(bad):
    from compliance import CalendarError
    with pytest.raises(CalendarError) as e:
        Calendar(bad)
    assert e.value.problems and all(" / " in p for p in e.value.problems)


def test_vacations_winter_in_year_summer_in_none():
    c = Calendar([Term("2025秋", date(2025, 9, 8), 9), Term("2026春", date(2026, 3, 2), 4),
                  Term("2026秋", date(2026, 9, 7), 2)])
    v = c.vacations()
    assert [tuple(r) for r in v.itertuples(index=False)] == [
        ("2025秋", "2026春", date(2025, 11, 10), date(2026, 3, 1), "2025-2026"),
        ("2026春", "2026秋", date(2026, 3, 30), date(2026, 9, 6), ""),
    ]
    assert list(c.period_frame("year")["period"]) == ["2025-2026", "2026-2027"]


def test_edge_inputs_empty_and_out_of_range():
    c = cal()
    empty_a = assign()
    assert evaluate(c, empty_a, YEAR, None, RULES, as_of="2026-01-01").empty
    # no ledger columns at all, exemptions empty frame, as-of long after the calendar: all ended
    st = evaluate(c, assign(("c1", "k1", None, None), ("", "k2", None, None)), pd.DataFrame(),
                  exemptions(), RULES, as_of="2027-09-01")
    assert set(st["cadre_id"]) == {"c1"} and "pending" not in set(st["status"])
    assert len(st) == 2 + 2 + 2 + 4 + 13 + 1 + 1
