"""The demo university (data/generate_demo.py): deterministic, plausible, valid, and importable."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tomllib
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from data import generate_demo as gd
from data.demo_year import demo_on_disk, demo_year, generated_on_disk, year_info

DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"
YEAR = 2026                         # the tests pin the school year: 2026-2027 (the demo's default moves on)
YR = year_info(YEAR)
FULL = YR.end                       # as-of date of a whole year's ledger (the default stops at today)
YEAR_START, YEAR_END = pd.Timestamp(YR.start), pd.Timestamp(YR.end)


def _committed_year() -> int:
    """The school year data/demo/ was generated for (its calendar's first term)."""
    return demo_on_disk().y


def _committed() -> dict:
    """Seed, year and as-of date data/demo/ was generated with (generated.toml)."""
    return generated_on_disk()


@pytest.fixture(scope="module")
def frames():
    return gd.generate(2025, year=YEAR, as_of=FULL)


@pytest.fixture(scope="module")
def demo_files():
    return gd.files(2025, year=YEAR, as_of=FULL)


# ------------------------------------------------------------------ determinism
def test_same_seed_gives_identical_bytes(demo_files):
    again = gd.files(2025, year=YEAR, as_of=FULL)
    assert sorted(again) == sorted(demo_files)
    for name in demo_files:
        assert again[name] == demo_files[name], name


def test_other_seed_gives_other_world(demo_files):
    other = gd.files(7, year=YEAR, as_of=FULL)
    assert other["cadres.xlsx"] != demo_files["cadres.xlsx"]
    assert other["ledger.csv"] != demo_files["ledger.csv"]


def test_committed_demo_files_are_current():
    # data/demo/ is what the app bootstraps from; it must be exactly the seed-2025 output for its year
    g = _committed()
    assert g["year"] == _committed_year()
    demo_files = gd.files(g["seed"], year=g["year"], as_of=g["as_of"])
    on_disk = {p.name: p.read_bytes() for p in DEMO.iterdir() if p.is_file()}
    assert sorted(on_disk) == sorted(demo_files)
    for name, data in demo_files.items():
        assert on_disk[name] == data, f"data/demo/{name} is stale: run python -m data.generate_demo"


def test_write_creates_the_files(tmp_path):
    written = gd.write(tmp_path / "out", seed=3, year=YEAR)
    assert {p.name for p in (tmp_path / "out").iterdir()} == set(written)
    assert not list((tmp_path / "out").glob("*.tmp"))


def test_generate_is_repeatable_in_memory(frames):
    again = gd.generate(2025, year=YEAR, as_of=FULL)
    assert again["calendar"] == frames["calendar"]
    for kind, df in frames.items():
        if kind != "calendar":
            pd.testing.assert_frame_equal(again[kind], df)


# ------------------------------------------------------------------ counts and rates
def test_cadres(frames):
    cad = frames["cadres"]
    assert list(cad.columns) == gd.CADRE_COLS
    assert len(cad) == 123 and cad["cadre_id"].is_unique and cad["name"].is_unique
    lv = Counter(cad["level"])
    assert 10 <= lv["school"] <= 14 and lv["head"] > 30 and lv["deputy"] > 30
    assert (cad.loc[cad["level"] == "school", "unit"] == "学校领导").all()
    assert set(cad["capacity"]) == {0, 1} and (cad["capacity"] == 0).sum() == 2
    assert set(cad["discipline"]) <= set(gd.DISCIPLINES)
    assert all(isinstance(t, tuple) and t for t in cad["expertise"])
    colleges = set(frames["classes"]["college"])
    middle_units = set(cad.loc[cad["level"] != "school", "unit"])
    assert 18 <= len(middle_units & colleges) <= 22 and 13 <= len(middle_units - colleges) <= 17
    # expertise follows the post
    by_unit = cad.groupby("unit")["expertise"].apply(lambda s: set().union(*s))
    assert "就业指导" in by_unit["招生就业处"] and "国际交流" in by_unit["国际交流处"]
    assert by_unit["学生工作部"] & {"思想政治教育", "心理健康"}
    assert "民族工作" in by_unit["党委统战部"]


def test_classes(frames):
    cl = frames["classes"]
    assert list(cl.columns) == gd.CLASS_COLS
    assert 550 <= len(cl) <= 650 and cl["class_id"].is_unique and cl["name"].is_unique
    assert 18 <= cl["college"].nunique() <= 22
    assert set(cl["grade"]) == {YEAR - 4, YEAR - 3, YEAR - 2, YEAR - 1, YEAR}
    # 临床医学 is a five-year programme: the only major with a fifth grade
    assert set(cl.loc[cl["grade"] == YEAR - 4, "major"]) == {"临床医学"}
    assert set(cl.loc[cl["major"] == "临床医学", "grade"]) == set(range(YEAR - 4, YEAR + 1))
    assert cl["size"].between(20, 48).all() and 30 <= cl["size"].mean() <= 40
    assert (cl["name"] == cl["major"] + cl["grade"].astype(str) + "级" + cl["name"].str.extract(r"(\d+班)$")[0]).all()
    n = len(cl)
    has = {t: cl["tags"].map(lambda ts, t=t: t in ts) for t in gd.TAG_ORDER}
    assert (has["新生班"] == (cl["grade"] == YEAR)).all()
    final = np.where(cl["major"] == "临床医学", YEAR - 4, YEAR - 3)
    assert (has["毕业班"] == (cl["grade"] == final)).all()
    for tag, lo, hi in [("学业预警", 0.06, 0.10), ("心理关注", 0.045, 0.075), ("少数民族", 0.035, 0.065),
                        ("国际学生", 0.02, 0.04), ("经济困难", 0.035, 0.065)]:
        assert lo <= has[tag].sum() / n <= hi, tag
    intl = cl[has["国际学生"]]
    assert (intl["college"] == "国际教育学院").mean() > 0.5
    assert 0.15 <= cl["priority"].mean() <= 0.22
    # a round that must cover every priority class is possible: fewer priority classes than advisers
    assert cl["priority"].sum() < frames["cadres"]["capacity"].sum()
    # priority is more likely where the need is greater
    need = has["学业预警"] | has["心理关注"]
    assert cl.loc[need, "priority"].mean() > 2 * cl.loc[~need & ~has["新生班"], "priority"].mean()


def test_preferences(frames):
    pr, cad, cl = frames["preferences"], frames["cadres"], frames["classes"]
    share = pr["cadre_id"].nunique() / len(cad)
    assert 0.75 <= share <= 0.85
    assert set(pr["cadre_id"]) <= set(cad.loc[cad["capacity"] > 0, "cadre_id"])
    assert set(pr["kind"]) == {"class", "college", "major", "grade"}
    for cid, g in pr.groupby("cadre_id"):
        assert sorted(g["rank"]) == list(range(1, len(g) + 1)), cid
        assert len(g) in (1, 2, 3, 5)
        assert not g.duplicated(["kind", "value"]).any()
    valid = {"class": set(cl["class_id"]), "college": set(cl["college"]), "major": set(cl["major"]),
             "grade": {str(g) for g in cl["grade"]}}
    assert all(v in valid[k] for k, v in zip(pr["kind"], pr["value"]))
    # college cadres mostly ask first for their own college (the college, one of its majors or classes)
    first = pr[pr["rank"] == 1].merge(cad, on="cadre_id")
    first = first[first["unit"].isin(valid["college"])]
    major_college = dict(zip(cl["major"], cl["college"]))
    class_college = dict(zip(cl["class_id"], cl["college"]))
    in_own = [(k == "college" and v == u) or (k == "major" and major_college[v] == u)
              or (k == "class" and class_college[v] == u)
              for k, v, u in zip(first["kind"], first["value"], first["unit"])]
    assert sum(in_own) / len(in_own) > 0.5
    # school leaders ask for 新生班/毕业班 grades or the colleges they oversee
    school = pr.merge(cad, on="cadre_id").query("level == 'school'")
    assert (school["kind"] == "grade").any() and (school["kind"] == "college").any()


def test_constraints_have_reasons(frames):
    co = frames["constraints"]
    kinds = Counter(co["type"])
    assert kinds["forbid"] >= 2 and 2 <= kinds["lock"] <= 3 and kinds["college_quota"] >= 2
    assert (co["reason"] != "").all()
    assert "亲属回避" in " ".join(co["reason"])
    # 每个学院最多1名校领导, written as one level cap per college
    caps = co[co["type"] == "level_cap"]
    assert set(caps["college"]) == set(frames["classes"]["college"])
    assert (caps["level"] == "school").all() and (caps["max"] == 1).all()
    cad = frames["cadres"].set_index("cadre_id")
    own = co[(co["type"] == "forbid") & (co["college"] != "")]
    assert len(own) == 1 and cad.loc[own.iloc[0]["cadre_id"], "unit"] == own.iloc[0]["college"]


def test_calendar_text():
    # 2025-2026: the real public holidays of that year
    cal = tomllib.loads(gd.calendar_toml(2025))
    assert [(t["name"], t["start"], t["weeks"]) for t in cal["term"]] == [
        ("2025秋", date(2025, 9, 8), 18), ("2026春", date(2026, 3, 2), 18)]
    assert cal["term"][0]["holidays"] == [["2025-10-01", "2025-10-08"], ["2026-01-01", "2026-01-03"]]
    assert cal["term"][1]["holidays"] == [["2026-04-04", "2026-04-06"], ["2026-05-01", "2026-05-05"],
                                          ["2026-06-19", "2026-06-21"]]
    # 2026-2027: terms start on Mondays; 中秋 (25 Sep) falls before 国庆 that year
    cal = tomllib.loads(gd.calendar_toml(2026))
    assert [(t["name"], t["start"], t["weeks"]) for t in cal["term"]] == [
        ("2026秋", date(2026, 9, 7), 18), ("2027春", date(2027, 3, 1), 18)]
    assert cal["term"][0]["holidays"][:2] == [["2026-09-25", "2026-09-25"], ["2026-10-01", "2026-10-07"]]
    assert "估算" not in gd.calendar_toml(2026) and "估算" in gd.calendar_toml(2040)


def test_demo_year_is_the_one_containing_today(monkeypatch, tmp_path):
    assert [demo_year(date(*d)) for d in ((2026, 11, 30), (2027, 3, 1), (2027, 7, 31), (2027, 8, 1))] == [
        2026, 2026, 2026, 2027]
    monkeypatch.setenv("YIXIAN_DEMO_TODAY", "2028-01-15")
    assert demo_year() == 2027
    assert "2027-2028" in gd.generate(5)["calendar"]
    r = subprocess.run([sys.executable, "-m", "data.generate_demo", "--out", str(tmp_path), "--seed", "5",
                        "--today", "2030-09-01"], check=True, capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parent.parent)
    assert "2030-2031" in r.stdout and (tmp_path / "calendar.toml").read_text(encoding="utf-8").count("2030秋") == 1


# ------------------------------------------------------------------ the assignment is valid
def _days(a: pd.DataFrame):
    """Every day on which the set of pairs in force can change (it is constant in between)."""
    days = {YEAR_START, YEAR_END} | set(a["start"]) | set(a["end"].dropna())
    days |= {d + timedelta(days=1) for d in a["end"].dropna()} | {d - timedelta(days=1) for d in a["start"]}
    return sorted(d for d in days if YEAR_START <= d <= YEAR_END)


def _in_force(a: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    return a[(a["start"] <= day) & (a["end"].isna() | (a["end"] >= day))]


@pytest.mark.parametrize("seed", [2025, 11])
def test_assignment_is_valid_every_day(seed, frames):
    _check_assignment(frames if seed == 2025 else gd.generate(seed, year=YEAR, as_of=FULL))


def _mutated(frames, how: str) -> dict:
    f = dict(frames)
    a = frames["assignment"].copy()
    co = frames["constraints"]
    if how == "two_advisers":              # the second cadre also takes the first cadre's class
        a.loc[1, "class_id"] = a.loc[0, "class_id"]
    elif how == "forbidden":
        r = co[(co["type"] == "forbid") & (co["class_id"] != "")].iloc[0]
        a.loc[a["cadre_id"] == r.cadre_id, "class_id"] = r.class_id
    elif how == "gap":                     # a cadre without a class for a month
        a.loc[0, "end"] = YEAR_START + pd.Timedelta(days=100)
    elif how == "lock_broken":
        r = co[co["type"] == "lock"].iloc[0]
        other = frames["classes"].loc[~frames["classes"]["class_id"].isin(a["class_id"]), "class_id"].iloc[0]
        a.loc[a["cadre_id"] == r.cadre_id, "class_id"] = other
    f["assignment"] = a
    return f


@pytest.mark.parametrize("how", ["two_advisers", "forbidden", "gap", "lock_broken"])
def test_assignment_check_catches_broken_assignments(frames, how):
    # the validity check above is only worth something if it rejects what it should
    with pytest.raises(AssertionError):
        _check_assignment(_mutated(frames, how))


def _check_assignment(f) -> None:
    a, cad, cl, co = f["assignment"], f["cadres"], f["classes"], f["constraints"]
    assert list(a.columns) == gd.ASSIGN_COLS
    assert (a["start"] >= YEAR_START).all() and (a["start"] == YEAR_START).sum() == (cad["capacity"] > 0).sum()
    cap = cad.set_index("cadre_id")["capacity"]
    level = cad.set_index("cadre_id")["level"]
    college_of = cl.set_index("class_id")["college"]
    assert set(a["class_id"]) <= set(cl["class_id"])
    forbid_pair = {(r.cadre_id, r.class_id) for r in co.itertuples() if r.type == "forbid" and r.class_id}
    forbid_col = {(r.cadre_id, r.college) for r in co.itertuples() if r.type == "forbid" and r.college}
    quotas = co[co["type"] == "college_quota"]
    caps = co[co["type"] == "level_cap"]
    locks = co[co["type"] == "lock"]
    for day in _days(a):
        now = _in_force(a, day)
        per_cadre = now["cadre_id"].value_counts()
        # every cadre with capacity >= 1 advises exactly one class, nobody else any
        assert set(per_cadre.index) == set(cap[cap > 0].index), day
        assert (per_cadre == 1).all(), day
        assert now["class_id"].is_unique, day
        pairs = set(zip(now["cadre_id"], now["class_id"]))
        assert not pairs & forbid_pair
        assert not {(c, college_of[k]) for c, k in pairs} & forbid_col
        for r in locks.itertuples():
            assert (r.cadre_id, r.class_id) in pairs
        n_col = Counter(college_of[k] for k in now["class_id"])
        for r in quotas.itertuples():
            if pd.notna(r.min):
                assert n_col[r.college] >= r.min, (day, r.college)
            if pd.notna(r.max):
                assert n_col[r.college] <= r.max, (day, r.college)
        for r in caps.itertuples():
            n_lvl = Counter(college_of[k] for c, k in pairs if level[c] == r.level)
            if r.college:
                assert n_lvl[r.college] <= r.max
            else:                        # blank college = the cap holds in every college
                assert max(n_lvl.values(), default=0) <= r.max
    # mostly honours the wishes; every stated preference_rank is right
    pr = f["preferences"]
    with_wish = a[a["cadre_id"].isin(set(pr["cadre_id"]))]
    assert with_wish["preference_rank"].notna().mean() >= 0.7
    for r in a[a["preference_rank"].notna()].itertuples():
        p = pr[(pr["cadre_id"] == r.cadre_id) & (pr["rank"] == r.preference_rank)].iloc[0]
        k = cl.set_index("class_id").loc[r.class_id]
        assert {"class": r.class_id, "college": k["college"], "major": k["major"],
                "grade": str(k["grade"])}[p["kind"]] == p["value"]


def test_mid_year_changes_and_previous(frames):
    a, prev = frames["assignment"], frames["previous"]
    ended = a[a["end"].notna()]
    assert 3 <= len(ended) <= 6
    assert (ended["end"] >= pd.Timestamp(YR.spring[1])).all()
    new = a[a["start"] > YEAR_START]
    assert len(new) == len(ended) and new["changed"].all()
    assert set(new["start"]) == {e + pd.Timedelta(days=1) for e in ended["end"]}
    # some class gets another cadre after a change
    assert any(set(a.loc[a["class_id"] == k, "cadre_id"]).__len__() > 1 for k in new["class_id"])
    final = _in_force(a, YEAR_END)
    assert set(zip(prev["cadre_id"], prev["class_id"])) == set(zip(final["cadre_id"], final["class_id"]))


# ------------------------------------------------------------------ ledger
def test_ledger_respects_calendar_duty_and_exemptions(frames):
    led, a, ex = frames["ledger"], frames["assignment"], frames["exemptions"]
    assert list(led.columns) == gd.LEDGER_COLS
    assert 6000 <= len(led) <= 9000
    assert led["date"].between(YEAR_START, YEAR_END).all()
    assert led["activity_id"].is_unique and (led["activity_id"] != "").all()
    assert set(led["type"]) == {"party_lecture", "class_activity", "lecture_visit", "face_to_face", "report", "other"}
    assert set(led.loc[led["type"] != "report", "venue"]) == set(gd.VENUES)
    assert (led.loc[led["type"] == "report", "venue"] == "").all()
    for r in ex.itertuples():
        hit = led[(led["cadre_id"] == r.cadre_id) & led["date"].between(r.start, r.end)]
        assert hit.empty, r
    assert any((ex["end"] - ex["start"]).dt.days < 7) and any((ex["end"] - ex["start"]).dt.days > 100)
    # one of the two cadres without a class is on leave all year (免予考核), the other is not (未带班)
    idle = frames["cadres"].loc[frames["cadres"]["capacity"] == 0, "cadre_id"].tolist()
    whole = ex[(ex["start"] == YEAR_START) & (ex["end"] == YEAR_END)]
    assert len(idle) == 2 and whole["cadre_id"].tolist() == idle[:1]
    # every activity falls on a day the cadre advises a class; a named class is theirs or a real one
    classes = set(frames["classes"]["class_id"])
    m = led.reset_index().merge(a[["cadre_id", "class_id", "start", "end"]], on="cadre_id", suffixes=("", "_own"))
    m = m[(m["start"] <= m["date"]) & (m["end"].isna() | (m["end"] >= m["date"]))]
    assert m["index"].is_unique and len(m) == len(led)
    named = m[m["class_id"] != ""]
    assert named["class_id"].isin(classes).all()
    other = (named["class_id"] != named["class_id_own"]).sum()
    assert 1 <= other <= 0.02 * len(led)
    assert 0.05 <= (led["class_id"] == "").mean() <= 0.25
    # winter vacation has a few activities, holidays are quiet
    winter = led["date"].between(pd.Timestamp(YR.autumn_end) + pd.Timedelta(days=1),
                                 pd.Timestamp(YR.spring[1]) - pd.Timedelta(days=1))
    assert 5 <= winter.sum() <= 200
    assert led["students"].dropna().ge(0).all() and led["minutes"].dropna().between(10, 300).all()
    assert (led["summary"] != "").all()


def test_ledger_shows_diligent_and_lagging_cadres(frames):
    led = frames["ledger"]
    f2f = led[led["type"].isin(["face_to_face", "party_lecture", "class_activity"]) & (led["venue"] != "网络")]
    weeks = f2f.assign(week=f2f["date"].dt.to_period("W")).groupby("cadre_id")["week"].nunique()
    venues = led.groupby("cadre_id")["venue"].apply(lambda s: len(set(s) - {""}))
    assert weeks.max() >= 30 and weeks.min() <= 22
    assert (venues == 9).sum() >= 20 and (venues <= 5).sum() >= 10
    # holiday weeks are quieter than ordinary ones
    per_day = led.groupby("date").size()
    golden = per_day[pd.Timestamp(f"{YEAR}-10-01"):pd.Timestamp(f"{YEAR}-10-07")].sum()
    ordinary = per_day[pd.Timestamp(f"{YEAR}-10-12"):pd.Timestamp(f"{YEAR}-10-18")].sum()
    assert golden < ordinary / 3


# ------------------------------------------------------------------ re-import through the one importer
def test_every_file_reimports_through_the_importer(demo_files, frames, tmp_path):
    importer = pytest.importorskip("importer")
    if not hasattr(importer, "read_bundle"):
        pytest.skip("importer.read_bundle not available yet")
    for name, data in demo_files.items():
        (tmp_path / name).write_bytes(data)
    kinds = ["cadres", "classes", "preferences", "constraints", "assignment", "previous", "ledger", "exemptions"]
    ext = {"cadres": "xlsx", "classes": "xlsx", "constraints": "xlsx"}
    bundle = importer.read_bundle({k: tmp_path / f"{k}.{ext.get(k, 'csv')}" for k in kinds})
    for kind in ["cadres", "classes", "preferences", "constraints", "previous", "exemptions"]:
        pd.testing.assert_frame_equal(bundle[kind].reset_index(drop=True), frames[kind], obj=kind)
    got, want = bundle["ledger"].reset_index(drop=True), frames["ledger"]
    pd.testing.assert_frame_equal(got, want, obj="ledger")
    got, want = bundle["assignment"].reset_index(drop=True), frames["assignment"]
    cols = ["cadre_id", "name", "class_id", "class_name", "college", "preference_rank", "locked", "changed",
            "start", "end"]
    pd.testing.assert_frame_equal(got[cols], want[cols], obj="assignment")
    terms = importer.read_calendar(tmp_path / "calendar.toml")
    assert [(t.name, t.start, t.weeks, len(t.holidays)) for t in terms] == [
        (name, start, weeks, len(hols)) for name, start, weeks, hols in YR.terms]


def test_demo_round_solves_with_default_config(frames):
    matching = pytest.importorskip("matching")
    if not hasattr(matching, "solve"):
        pytest.skip("matching.solve not available yet")
    inp = matching.MatchingInput(frames["cadres"], frames["classes"], preferences=frames["preferences"],
                                 constraints=frames["constraints"], previous=frames["previous"])
    res = matching.solve(inp, matching.load_config(None).replace(time_limit_s=60.0))
    assert res.status in ("optimal", "feasible"), [c.message_en for c in res.diagnosis]
    assert len(res.assignment) == (frames["cadres"]["capacity"] > 0).sum()


def test_output_does_not_depend_on_hash_seed(demo_files, tmp_path):
    # set iteration order changes with PYTHONHASHSEED; the files must not
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run([sys.executable, "-m", "data.generate_demo", "--out", str(tmp_path), "--seed", "2025",
                    "--year", str(YEAR), "--today", FULL.isoformat()],
                   check=True, env=env, cwd=Path(__file__).resolve().parent.parent, capture_output=True)
    for name, data in demo_files.items():
        assert (tmp_path / name).read_bytes() == data, name


def test_files_use_the_forms_offices_send(demo_files):
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(demo_files["cadres.xlsx"]))
    ws = wb["干部名单"]
    assert ws["A1"].value == f"{YEAR}年领导干部担任班主任名单" and "A1:H1" in {str(m) for m in ws.merged_cells.ranges}
    assert [c.value for c in ws[2]][:3] == ["工号", "姓名", "单位"]
    assert wb.properties.created == wb.properties.modified == gd.FIXED_XLSX_TIME
    ws = load_workbook(io.BytesIO(demo_files["classes.xlsx"]))["班级名单"]
    assert all(c.value is None for c in ws[1]) and ws["A2"].value == "班级编号"
    assert ws["I2"].value == "重点关注班级(priority)"          # the office's word, not 重点班
    ws = load_workbook(io.BytesIO(demo_files["constraints.xlsx"])).active
    assert ws["A1"].value == "类型(type)"
    assert demo_files["preferences.csv"].startswith(b"\xef\xbb\xbf")
    head = demo_files["preferences.csv"].decode("utf-8-sig").splitlines()[0]
    assert "意向" in head and "志愿" not in head
    ex = demo_files["exemptions.csv"]
    with pytest.raises(UnicodeDecodeError):
        ex.decode("utf-8")
    assert "年" in ex.decode("gb18030") and "/" in ex.decode("gb18030")
    ledger = demo_files["ledger.csv"].decode("utf-8").splitlines()
    assert ledger[0].startswith("编号,工号,日期")
    assert any("/" in line.split(",")[2] for line in ledger[1:])
    assert any(line.startswith(",") for line in ledger[1:])


# ------------------------------------------------------------------ the words and facts an office checks
def test_no_lecture_visit_in_exam_weeks(frames):
    led = frames["ledger"]
    exam = set()
    for _name, start, weeks, _ in YR.terms:
        first = start + timedelta(weeks=weeks - 2)          # 考试周: the last two teaching weeks
        exam |= {pd.Timestamp(first + timedelta(days=i)) for i in range(14)}
    visits = led.loc[led["type"] == "lecture_visit", "date"]
    assert len(visits) > 500 and not visits.isin(exam).any()


def test_no_lecture_on_a_plenum_before_it_was_held():
    led = gd.generate(2025, year=2025, as_of=year_info(2025).end)["ledger"]           # 二十届四中全会 closed on 2025-10-23
    fourth = led[led["summary"].str.contains("四中全会")]
    third = led[led["summary"].str.contains("三中全会")]
    assert len(fourth) > 10 and (fourth["date"] > pd.Timestamp("2025-10-23")).all()
    assert len(third) > 0 and (third["date"] <= pd.Timestamp("2025-10-23")).all()


def test_expertise_words_are_the_affinity_tables(frames):
    from matching import load_config
    table = set(load_config(None).affinity)
    words = set().union(*frames["cadres"]["expertise"])
    assert table <= words                                     # every affinity entry is exercised
    assert "资助工作" not in words and "学生资助" in words


# ------------------------------------------------------------------ the ledger stops at the as-of date
def test_demo_ledger_has_no_entry_after_its_as_of_date(monkeypatch):
    # the user saw activities dated after today in the demo ledger
    day = YR.start + timedelta(weeks=9, days=2)
    led = gd.generate(2025, year=YEAR, as_of=day)["ledger"]
    assert len(led) and led["date"].max() <= pd.Timestamp(day)
    monkeypatch.setenv("YIXIAN_DEMO_TODAY", day.isoformat())      # the default as-of date is "today"
    pd.testing.assert_frame_equal(gd.generate(2025, year=YEAR)["ledger"], led)


def test_demo_for_one_year_and_day_is_deterministic_and_a_prefix_of_the_whole_year():
    day = YR.spring[1] + timedelta(days=10)
    one, again = gd.files(2025, year=YEAR, as_of=day), gd.files(2025, year=YEAR, as_of=day)
    assert one == again
    whole = gd.files(2025, year=YEAR, as_of=FULL)
    assert {k: v for k, v in one.items() if k not in ("ledger.csv", "README.md", "generated.toml")} == {
        k: v for k, v in whole.items() if k not in ("ledger.csv", "README.md", "generated.toml")}
    part, full = one["ledger.csv"].decode().splitlines(), whole["ledger.csv"].decode().splitlines()
    assert 1 < len(part) < len(full) and full[:len(part)] == part
    assert tomllib.loads(one["generated.toml"].decode()) == {"seed": 2025, "year": YEAR, "as_of": day}


def test_committed_demo_ledger_stops_at_its_as_of_date():
    g = _committed()
    led = pd.read_csv(DEMO / "ledger.csv", dtype=str)
    assert pd.to_datetime(led["日期"], format="mixed").max().date() <= g["as_of"]
