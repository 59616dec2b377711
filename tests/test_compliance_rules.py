"""Rules file: defaults = compliance-rules.md's table; edits and additions without code; validation."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from compliance import Calendar, RulesError, Term, dump_rules, evaluate, load_rules, rules_from_dict

CAL = Calendar([Term("2025秋", date(2025, 9, 8), 9, ((date(2025, 10, 1), date(2025, 10, 8)),)),
                Term("2026春", date(2026, 3, 2), 4)])
A = pd.DataFrame({"cadre_id": ["c1"], "name": ["甲"], "class_id": ["k1"], "start": pd.NaT, "end": pd.NaT})


def L(*rows):
    return pd.DataFrame({"activity_id": [f"a{i}" for i in range(len(rows))], "cadre_id": "c1",
                         "date": pd.to_datetime([r[0] for r in rows]), "type": [r[1] for r in rows],
                         "venue": [r[2] for r in rows], "class_id": ""})


def test_defaults_are_the_spec_table():
    r = load_rules()
    assert [(x.id, x.count, x.types, x.exclude_venues, x.own_class, x.at_least, x.per) for x in r] == [
        ("class_assigned", "classes", (), (), False, 1, "term"),
        ("party_lecture", "activities", ("party_lecture",), (), True, 1, "term"),
        ("class_activity", "activities", ("class_activity",), (), True, 1, "term"),
        ("lecture_visit", "activities", ("lecture_visit",), (), False, 1, "month"),
        ("face_to_face", "activities", ("face_to_face", "party_lecture", "class_activity"), ("网络",), False, 1,
         "week"),
        ("annual_report", "activities", ("report",), (), False, 1, "year"),
        ("nine_venues", "distinct_venues", (), (), False, 9, "year"),
    ]


def test_threshold_change_and_added_rule_from_file(tmp_path):
    f = tmp_path / "rules.toml"
    f.write_text("""
[rules.face_to_face]
at_least = 2              # only the threshold changes

[rules.dorm_visit]        # a new rule, same shape, no code
name_zh = "每月进宿舍"
types = ["face_to_face"]
venues = ["dormitory"]    # English venue names are accepted
at_least = 1
per = "month"

[rules.annual_report]
enabled = false
""", encoding="utf-8")
    rules = load_rules(f)
    assert rules.ids == ["class_assigned", "party_lecture", "class_activity", "lecture_visit", "face_to_face",
                         "nine_venues", "dorm_visit"]
    assert rules["dorm_visit"].venues == ("宿舍",)
    led = L(("2025-09-09", "face_to_face", "宿舍"), ("2025-09-10", "face_to_face", "食堂"),
            ("2025-09-16", "face_to_face", "宿舍"), ("2025-09-23", "face_to_face", "课堂"))
    st = evaluate(CAL, A, led, None, rules, as_of="2025-09-28")
    got = [tuple(x) for x in st.loc[st["rule"].isin(["face_to_face", "dorm_visit"]),
                                    ["rule", "period", "required", "done", "status"]].itertuples(index=False)]
    assert got == [
        ("face_to_face", "2025秋-W01", 2, 2, "met"),
        ("face_to_face", "2025秋-W02", 2, 1, "missed"),
        ("face_to_face", "2025秋-W03", 2, 1, "pending"),
        ("dorm_visit", "2025-09", 1, 2, "met"),
    ]
    assert "annual_report" not in set(st["rule"])


def test_own_class_exclude_online_and_distinct_venues_options():
    rules = rules_from_dict({"inherit_defaults": False, "rules": {
        "any_online_ok": {"types": ["face_to_face"], "at_least": 1, "per": "week"},
        "no_online": {"types": ["face_to_face"], "exclude_online": True, "at_least": 1, "per": "week"},
        "venues_term": {"count": "distinct_venues", "venues": ["宿舍", "食堂", "网络"], "at_least": 2, "per": "term"},
    }})
    led = L(("2025-09-09", "face_to_face", "网络"), ("2025-09-10", "face_to_face", "网络"),
            ("2025-09-11", "other", "课堂"))
    st = evaluate(CAL, A, led, None, rules, as_of="2025-09-14")
    assert [tuple(x) for x in st[["rule", "period", "done", "status"]].itertuples(index=False)] == [
        ("any_online_ok", "2025秋-W01", 2, "met"),
        ("no_online", "2025秋-W01", 0, "pending"),
        ("venues_term", "2025秋", 1, "pending"),     # 网络 counted once; 课堂 is not in the list
    ]


@pytest.mark.parametrize("table, expected", [
    ({"per": "fortnight", "at_least": 1}, "rule bad, field per: unknown period 'fortnight'"),
    ({"per": "week", "at_least": -1}, "rule bad, field at_least: expected a whole number >= 0, got -1"),
    ({"per": "week", "at_least": 1.5}, "rule bad, field at_least"),
    ({"per": "week", "at_least": True}, "rule bad, field at_least"),
    ({"per": "week", "at_least": 1, "types": ["dance"]}, "rule bad, field types: unknown value 'dance'"),
    ({"per": "week", "at_least": 1, "venues": ["月球"]}, "rule bad, field venues: unknown value '月球'"),
    ({"per": "week", "at_least": 1, "count": "hours"}, "rule bad, field count: unknown value 'hours'"),
    ({"per": "week", "at_least": 1, "threshold": 2}, "rule bad, field threshold: unknown field"),
    ({"per": "week", "at_least": 1, "own_class": "yes"}, "rule bad, field own_class: expected true or false"),
    ({"at_least": 1}, "rule bad, field per: required field missing"),
    ({"per": "week", "at_least": 1, "types": "face_to_face"}, "rule bad, field types: expected a list"),
])
def test_validation_names_rule_and_field(table, expected):
    with pytest.raises(RulesError) as e:
        rules_from_dict({"rules": {"bad": table}})
    assert any(expected in p for p in e.value.problems), e.value.problems
    # every problem carries Chinese first, then English
    assert all(p.startswith("规则 bad") for p in e.value.problems)


def test_every_problem_is_listed_and_file_errors(tmp_path):
    with pytest.raises(RulesError) as e:
        rules_from_dict({"rules": {"x": {"per": "day", "at_least": -3}, "face_to_face": {"at_least": "two"}}})
    assert len(e.value.problems) == 3
    f = tmp_path / "r.toml"
    f.write_text("[rules.x\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid TOML"):
        load_rules(f)
    with pytest.raises(RulesError, match="file not found"):
        load_rules(tmp_path / "missing.toml")
    with pytest.raises(RulesError, match="unknown top-level key"):
        rules_from_dict({"face_to_face": {"at_least": 2}})
    with pytest.raises(RulesError, match="lowercase"):
        rules_from_dict({"rules": {"Bad-Id": {"per": "week", "at_least": 1}}})


def test_dump_round_trip(tmp_path):
    r = load_rules().replace("lecture_visit", at_least=2, per="term")
    f = tmp_path / "r.toml"
    f.write_text(dump_rules(r), encoding="utf-8")
    r2 = load_rules(f)
    assert r2 == r
    assert r2["lecture_visit"].at_least == 2 and r2["lecture_visit"].per == "term"
