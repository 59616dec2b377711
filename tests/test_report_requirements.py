"""Requirements (履职要求) as versioned data: effective dates, per-level rules, validation, confirmed-only.

Calendar (as in test_compliance_engine): 2025秋 from Mon 2025-09-08, 9 weeks, 国庆 10-01..10-08;
2026春 from 2026-03-02, 4 weeks. Teaching weeks W01 09-08 … W06 10-13, W07 10-20, W08 10-27, W09 11-03.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from compliance import (
    Calendar,
    Evaluation,
    RulesError,
    Term,
    dump_requirements,
    load_rules,
    parse_requirements,
    requirements_from_dict,
)
from compliance.requirements import Conclusion, default_requirements_text

CAL = Calendar([Term("2025秋", date(2025, 9, 8), 9, ((date(2025, 10, 1), date(2025, 10, 8)),)),
                Term("2026春", date(2026, 3, 2), 4)])


def assign(*rows):
    return pd.DataFrame({"cadre_id": [r[0] for r in rows], "name": [f"名{r[0]}" for r in rows],
                         "class_id": [r[1] for r in rows], "start": pd.NaT, "end": pd.NaT})


def ledger(*rows, confirmed=None):
    df = pd.DataFrame({"activity_id": [f"a{i}" for i in range(len(rows))], "cadre_id": [r[0] for r in rows],
                       "date": pd.to_datetime([r[1] for r in rows]), "type": [r[2] for r in rows],
                       "venue": [r[3] for r in rows], "class_id": ""})
    if confirmed is not None:
        df["confirmed"] = confirmed
    return df


def roster(*rows):
    return pd.DataFrame({"cadre_id": [r[0] for r in rows], "name": [f"名{r[0]}" for r in rows],
                         "unit": "计算机学院", "position": "", "level": [r[1] for r in rows]})


def rows(ev, rule, cadre="c1"):
    st = ev.status
    st = st[(st["rule"] == rule) & (st["cadre_id"] == cadre)]
    return [tuple(x) for x in st[["period", "required", "done", "status"]].itertuples(index=False)]


MID_YEAR = """
[[versions]]
effective = 2025-10-15
note = "党委常委会修订：每周面对面不少于2次"
[versions.rules.face_to_face]
at_least = 2
"""


def test_threshold_changed_mid_year_applies_from_its_date_only():
    req = parse_requirements(MID_YEAR)
    # one face-to-face activity in every week W05..W08
    led = ledger(*[("c1", d, "face_to_face", "宿舍") for d in ("2025-10-09", "2025-10-14", "2025-10-21",
                                                                  "2025-10-28")])
    ev = Evaluation(CAL, assign(("c1", "k1")), led, None, req, as_of="2025-11-03")
    got = {p: (q, d, s) for p, q, d, s in rows(ev, "face_to_face")}
    assert got["2025秋-W05"] == (1, 1, "met")
    assert got["2025秋-W06"] == (1, 1, "met")          # starts 10-13, before the new version
    assert got["2025秋-W07"] == (2, 1, "missed")       # starts 10-20: the new threshold
    assert got["2025秋-W08"] == (2, 1, "missed")
    # the month 2025-10 starts 10-01: still under the first version (lecture_visit untouched anyway)
    assert ev.requirements.version_on(date(2025, 10, 14)).effective is None
    assert ev.requirements.version_on(date(2025, 10, 15)).note.startswith("党委常委会")
    # the same evaluation without the version: 1 a week everywhere
    ev0 = Evaluation(CAL, assign(("c1", "k1")), led, None, load_rules(), as_of="2025-11-01")
    assert {p: s for p, _, _, s in rows(ev0, "face_to_face")}["2025秋-W07"] == "met"


def test_requirement_added_and_dropped_by_versions():
    req = parse_requirements("""
[[versions]]
effective = 2025-10-01
[versions.rules.nine_venues]
enabled = false
[versions.rules.dorm_visit]
name_zh = "每月进宿舍"
types = ["face_to_face"]
venues = ["宿舍"]
at_least = 1
per = "month"
""")
    ev = Evaluation(CAL, assign(("c1", "k1")), ledger(("c1", "2025-10-09", "face_to_face", "宿舍")), None, req,
                    as_of="2025-11-20")
    assert rows(ev, "dorm_visit") == [("2025-10", 1, 1, "met"), ("2025-11", 1, 0, "exempt")]
    assert rows(ev, "nine_venues") == [("2025-2026", 9, 1, "pending")]   # the year began under version 1
    assert "dorm_visit" in ev.rules.ids and ev.rules["dorm_visit"].name_zh == "每月进宿舍"


PER_LEVEL = """
[rules.lecture_visit.levels.school]
per = "term"
at_least = 2
[rules.face_to_face.levels."中层副职"]
exclude_venues = []
"""


def test_per_level_requirements():
    req = parse_requirements(PER_LEVEL)
    led = ledger(("c1", "2025-09-10", "lecture_visit", "课堂"), ("c1", "2025-10-15", "lecture_visit", "课堂"),
                 ("c2", "2025-09-10", "lecture_visit", "课堂"),
                 ("c2", "2025-09-09", "face_to_face", "网络"), ("c3", "2025-09-09", "face_to_face", "网络"))
    cadres = roster(("c1", "school"), ("c2", "head"), ("c3", "deputy"))
    ev = Evaluation(CAL, assign(("c1", "k1"), ("c2", "k2"), ("c3", "k3")), led, None, req, as_of="2025-11-20",
                    cadres=cadres)
    assert rows(ev, "lecture_visit", "c1") == [("2025秋", 2, 2, "met")]               # 校领导: twice a term
    assert [r[0] for r in rows(ev, "lecture_visit", "c2")] == ["2025-09", "2025-10", "2025-11"]
    assert rows(ev, "lecture_visit", "c2")[0] == ("2025-09", 1, 1, "met")            # 中层正职: monthly
    # 中层副职 may count online contact; 中层正职 may not
    assert rows(ev, "face_to_face", "c3")[0] == ("2025秋-W01", 1, 1, "met")
    assert rows(ev, "face_to_face", "c2")[0] == ("2025秋-W01", 1, 0, "missed")
    # without a roster every cadre is of unknown level: the rule without level overrides
    ev2 = Evaluation(CAL, assign(("c1", "k1")), led, None, req, as_of="2025-11-20")
    assert rows(ev2, "lecture_visit", "c1")[0] == ("2025-09", 1, 1, "met")


def test_invalid_document_names_every_problem_and_changes_nothing():
    before = parse_requirements(PER_LEVEL)
    text = """
colour = "red"
count_confirmed_only = "yes"
[conclusion]
good = 1.5
fairly_good = 0.9
average = 0.95
[rules.face_to_face]
at_least = -1
[rules.lecture_visit.levels.boss]
per = "term"
[rules.party_lecture.levels.head]
name_zh = "x"
per = "fortnight"
[[versions]]
effective = 2026-03-01
[versions.rules.class_activity]
types = ["dance"]
[[versions]]
effective = 2026-02-01
"""
    with pytest.raises(RulesError) as e:
        parse_requirements(text)
    msg = "\n".join(e.value.problems)
    for needle in ("未知顶层字段 'colour'", "count_confirmed_only 应为 true 或 false", "conclusion 字段 good",
                   "good ≥ fairly_good ≥ average", "规则 face_to_face 字段 at_least", "未知层级 'boss'",
                   "层级 head 字段 name_zh：不能按层级设置", "中层正职：规则 party_lecture 字段 per：未知周期 'fortnight'",
                   "2026-03-01 起生效的版本：规则 class_activity 字段 types：未知取值 'dance'",
                   "生效日期 2026-02-01 应晚于上一版本的 2026-03-01"):
        assert needle in msg, msg
    # every problem in both languages, and the same error not repeated for each later version
    assert all(" / " in p for p in e.value.problems)
    assert sum("face_to_face 字段 at_least" in p for p in e.value.problems) == 1
    en = e.value.message("en")                        # one language at a time (YixianError)
    assert en.startswith("invalid requirements:") and "unknown level 'boss'" in en and "未知层级" not in en
    assert "未知层级 'boss'" in e.value.message("zh") and "unknown level" not in e.value.message("zh")
    assert parse_requirements(PER_LEVEL) == before
    with pytest.raises(RulesError, match="not valid TOML"):
        parse_requirements("[rules.x")


def test_round_trip_defaults_and_plain_rules_file():
    req = parse_requirements(MID_YEAR + PER_LEVEL.replace("[rules.", "[versions.rules.", 0))
    assert parse_requirements(dump_requirements(req)) == req
    default = parse_requirements(default_requirements_text())
    assert default.versions[0].base == load_rules()
    # today's plain rules file (inherit_defaults, edits, a disabled rule) is a valid document
    plain = requirements_from_dict({"rules": {"nine_venues": {"at_least": 6}, "annual_report": {"enabled": False}}})
    assert plain.versions[0].base["nine_venues"].at_least == 6 and "annual_report" not in plain.rule_ids


def test_conclusion_thresholds():
    c = parse_requirements("[conclusion]\ngood = 0.9\nfairly_good = 0.8\naverage = 0.6\n").conclusion
    assert c == Conclusion(0.9, 0.8, 0.6)
    assert [c.grade(x) for x in (1.0, 0.9, 0.85, 0.8, 0.6, 0.59, None)] == ["好", "好", "较好", "较好", "一般", "差",
                                                                              "免予考核"]


def test_count_confirmed_only():
    led = ledger(("c1", "2025-09-09", "face_to_face", "宿舍"), ("c1", "2025-09-16", "face_to_face", "宿舍"),
                 ("c1", "2025-09-23", "face_to_face", "宿舍"), confirmed=["是", "否", ""])
    a = assign(("c1", "k1"))
    all_rows = Evaluation(CAL, a, led, None, parse_requirements(""), as_of="2025-09-29")
    assert [s for *_, s in rows(all_rows, "face_to_face")][:3] == ["met", "met", "met"]     # default: count all
    only = Evaluation(CAL, a, led, None, parse_requirements("count_confirmed_only = true"), as_of="2025-09-29")
    assert [s for *_, s in rows(only, "face_to_face")][:3] == ["met", "missed", "missed"]
    # a ledger without the column: every row counts even when confirmed-only is set
    no_col = Evaluation(CAL, a, led.drop(columns="confirmed"), None, parse_requirements("count_confirmed_only = true"),
                        as_of="2025-09-29")
    assert [s for *_, s in rows(no_col, "face_to_face")][:3] == ["met", "met", "met"]


def test_screen_helpers_add_a_version_and_change_settings():
    from compliance.requirements import add_version, requirements_frame, with_settings
    base = parse_requirements(PER_LEVEL)
    new = add_version(base, date(2026, 3, 1), {"lecture_visit": {"at_least": 2, "levels": {"school": {"at_least": 3}}}},
                      note="修订")
    assert len(new.versions) == 2 and len(base.versions) == 1                      # base unchanged
    assert new.versions[1].rule("lecture_visit", "school").at_least == 3
    assert new.versions[1].rule("lecture_visit", "school").per == "term"            # kept from the level override
    assert new.versions[1].rule("lecture_visit", "head").at_least == 2
    assert parse_requirements(dump_requirements(new)) == new                        # storable as text
    with pytest.raises(RulesError, match="生效日期 2026-02-01 应晚于上一版本的 2026-03-01"):
        add_version(new, date(2026, 2, 1), {"face_to_face": {"at_least": 2}})
    with pytest.raises(RulesError, match="at_least"):
        add_version(base, date(2026, 3, 1), {"face_to_face": {"at_least": "两次"}})
    s = with_settings(new, good=0.9, count_confirmed_only=True)
    assert s.conclusion.good == 0.9 and s.conclusion.fairly_good == 0.85 and s.confirmed_only
    with pytest.raises(RulesError, match="good ≥ fairly_good"):
        with_settings(new, average=0.99)
    fr = requirements_frame(new)
    assert len(fr) == 2 * 3 * 7
    row = fr[(fr["effective"] == date(2026, 3, 1)) & (fr["rule"] == "lecture_visit") & (fr["level"] == "school")]
    assert row[["at_least", "per", "note"]].values.tolist() == [[3, "term", "修订"]]
