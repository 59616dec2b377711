"""services.compliance_view on the demo university: loading, filters, college isolation, downloads,
the ledger form's validation, and the chart theme's PNG export with Chinese text."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
import pytest
from openpyxl import load_workbook

from compliance import Evaluation
from data.demo_year import demo_on_disk

DEMO = demo_on_disk()                      # data/demo follows the school year it was generated in
AUTUMN, AUTUMN_START = DEMO.autumn[0], DEMO.start
AS_OF = AUTUMN_START + timedelta(days=73)   # a Thursday in week 11 of the demo's autumn term (2025: 11-20)


@pytest.fixture
def cv(demo_db):
    from services import compliance_view
    return compliance_view


@pytest.fixture
def inputs(cv):
    return cv.load_inputs()


@pytest.fixture
def cov(demo_db):
    from services import coverage
    return coverage


@pytest.fixture
def ledger(demo_db):
    from services import ledger
    return ledger


def user(role: str, college: str | None = None, cadre_id: str | None = None):
    """An acting user as the login makes it (services trust the object, not a name)."""
    from store.auth import UserInfo
    return UserInfo(id=0, username=f"t-{role}", display_name=role, role=role, college=college, cadre_id=cadre_id)


ADMIN = user("admin")
LEADER = user("leader")


def _colleges(inputs) -> list[str]:
    return sorted(inputs.classes["college"].unique())


def test_fast_ledger_load_equals_store_load(cv, inputs):
    from services.db import session_scope
    from store import data as store_data

    with session_scope() as s:
        ref = store_data.load_kind(s, "ledger")
    assert len(ref) > 1000
    got = inputs.ledger.sort_values("activity_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref.sort_values("activity_id").reset_index(drop=True))


def test_store_version_changes_with_a_ledger_write(cv, ledger, inputs):
    v0 = cv.store_version()
    assert cv.store_version() == v0 == inputs.version
    cadre = inputs.assignment["cadre_id"].iloc[0]
    chk = ledger.check_activity(ADMIN, {"cadre_id": cadre, "date": AS_OF, "type": "face_to_face", "venue": "食堂",
                                        "summary": "版本测试"})
    assert chk.ok, chk.problems_zh
    aid = ledger.record_activity(ADMIN, chk)
    v1 = cv.store_version()
    assert v1 != v0
    again = cv.load_inputs(v1)
    assert aid in set(again.ledger["activity_id"]) and aid not in set(inputs.ledger["activity_id"])


def test_default_as_of_is_clamped_into_the_calendar(cv, inputs):
    first, last = cv.calendar_range(inputs)
    assert cv.default_as_of(inputs, date(2030, 1, 1)) == last
    assert cv.default_as_of(inputs, date(2000, 1, 1)) == first
    assert cv.default_as_of(inputs, AS_OF) == AS_OF
    assert cv.term_of(inputs, AS_OF) == AUTUMN


def test_college_view_holds_only_that_college(cv, cov, inputs):
    comp = cv.compute(inputs, AS_OF)
    prev = cv.compute(inputs, cv.previous_as_of(inputs, AS_OF))
    colleges = _colleges(inputs)
    own = colleges[0]
    # a college user asking for another college (or all) still gets only their own
    for asked in (None, colleges[1]):
        v = cov.view(user("college", college=own), comp, cov.Filters(AS_OF, college=asked), prev)
        assert v.filters.college == own and v.colleges == [own]
        assert len(v.cadre_ids) > 0
        assert set(v.cadres["college"]) == {own}
        assert set(v.coverage_college["college"]) == {own}
        assert set(v.heat_college["college"]) == {own}
        assert set(v.reminders["college"]) <= {own}
        own_cadres = set(comp.cadre_college.loc[comp.cadre_college["college"] == own, "cadre_id"])
        assert set(v.status["cadre_id"]) <= own_cadres and set(v.cadre_ids) == own_cadres
        assert set(v.heat_cadre["cadre_id"]) <= own_cadres
        own_classes = inputs.classes.loc[inputs.classes["college"] == own]
        assert int(v.coverage_college["classes"].sum()) == len(own_classes)


def test_filtering_rows_equals_evaluating_the_subset(cv, cov, inputs):
    comp = cv.compute(inputs, AS_OF)
    college = _colleges(inputs)[2]
    v = cov.view(LEADER, comp, cov.Filters(AS_OF, college=college, rule="face_to_face", term=AUTUMN))
    ids = v.cadre_ids
    a = inputs.assignment.loc[inputs.assignment["cadre_id"].isin(ids)]
    ev = Evaluation(inputs.calendar, a, inputs.ledger, inputs.exemptions, inputs.rules, as_of=AS_OF,
                    cadres=inputs.cadres.loc[inputs.cadres["cadre_id"].isin(ids)])   # 未带班 cadres too
    want = ev.status.loc[(ev.status["rule"] == "face_to_face") & (ev.status["period"].str.startswith(AUTUMN))]
    got = v.status.sort_values(["cadre_id", "period_start"]).reset_index(drop=True)
    want = want.sort_values(["cadre_id", "period_start"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)


def test_kpis_match_a_direct_count(cv, cov, inputs):
    comp = cv.compute(inputs, AS_OF)
    v = cov.view(LEADER, comp, cov.Filters(AS_OF), cv.compute(inputs, cv.previous_as_of(inputs, AS_OF)))
    k = {x.key: x for x in v.kpis}
    a = inputs.assignment
    day = pd.Timestamp(AS_OF)
    active = a.loc[(a["start"].isna() | (a["start"] <= day)) & (a["end"].isna() | (a["end"] >= day))]
    covered = inputs.classes["class_id"].isin(set(active["class_id"]))
    assert k["classes"].value == pytest.approx(covered.mean())
    sizes = inputs.classes["size"]
    assert k["students"].value == pytest.approx(sizes[covered].sum() / sizes.sum())
    prio = inputs.classes["priority"]
    assert k["priority"].text == f"{int((covered & prio).sum())} / {int(prio.sum())}"
    # face-to-face rate of the as-of week, counted straight from the status rows
    st = comp.ev.status
    wk = st.loc[(st["rule"] == "face_to_face") & (st["period_start"] <= day) & (st["period_end"] >= day)]
    wk = wk.loc[wk["status"] != "exempt"]
    assert k["f2f"].value == pytest.approx((wk["status"] == "met").mean())
    assert wk["period"].iloc[0] in k["f2f"].help_zh
    # deltas are against one week earlier
    assert k["classes"].delta is not None and k["on_track"].delta is not None
    assert 0 <= k["on_track"].value <= 1


def test_a_week_under_way_is_not_compared_with_a_finished_one(cv, cov, inputs):
    """On a Monday the face-to-face KPI showed a fall of tens of points against the whole previous week:
    a week still under way has no delta and says so; on its Sunday it is compared."""
    from tests.demo_facts import autumn_day

    def f2f(day):
        comp = cv.compute(inputs, day)
        v = cov.view(LEADER, comp, cov.Filters(day), cv.compute(inputs, cv.previous_as_of(inputs, day)))
        return next(k for k in v.kpis if k.key == "f2f")
    monday, sunday = autumn_day(6, 0), autumn_day(6, 6)
    k = f2f(monday)
    assert k.delta is None and "进行中" in k.help_zh and "under way" in k.help_en
    k = f2f(sunday)
    assert k.delta is not None and "进行中" not in k.help_zh


def test_level_filter_and_rule_filter(cv, cov, inputs):
    comp = cv.compute(inputs, AS_OF)
    v = cov.view(LEADER, comp, cov.Filters(AS_OF, level="school", rule="lecture_visit"))
    levels = inputs.cadres.set_index("cadre_id")["level"]
    assert v.cadre_ids and all(levels[c] == "school" for c in v.cadre_ids)
    assert set(v.status["rule"]) == {"lecture_visit"}
    assert set(v.cadres["level"]) == {"校领导"}
    assert v.heat_rule == "lecture_visit"


def test_preferences_and_venues(cv, cov, inputs):
    comp = cv.compute(inputs, AS_OF)
    v = cov.view(LEADER, comp, cov.Filters(AS_OF))
    ranks = comp.active["preference_rank"]
    assert int(v.preferences["pairs"].sum()) == len(comp.active)
    assert int(v.preferences.loc[v.preferences["label"] == "第1意向", "pairs"].iloc[0]) == int((ranks == 1).sum())
    assert list(v.venues["venue"]) == ["课堂", "班级", "宿舍", "食堂", "社团", "讲座", "早操", "网络", "活动现场"]
    assert v.venue_cadres == len(v.cadre_ids)
    assert (v.venues["cadres"] <= v.venue_cadres).all()


def test_scorecard_and_downloads(cv, cov, inputs):
    from services import view_exports

    comp = cv.compute(inputs, AS_OF)
    own = _colleges(inputs)[0]
    college_user = user("college", college=own)
    v = cov.view(college_user, comp, cov.Filters(AS_OF))
    c = v.cadre_ids[0]
    card = cov.scorecard(college_user, comp, c, AUTUMN)
    assert set(card["status"]["cadre_id"]) == {c}
    assert (card["activities"]["cadre_id"] == c).all()
    assert set(card["venues"]) | set(card["venues_missing"]) == set(v.venues["venue"])

    wb = load_workbook(io.BytesIO(view_exports.reminders_xlsx(v.reminders, AS_OF)))
    ws = wb["本周提醒"]
    assert [c.value for c in ws[2]][:4] == ["工号", "姓名", "学院", "规则"]
    assert ws.max_row == 2 + len(v.reminders)
    assert {ws.cell(r, 3).value for r in range(3, ws.max_row + 1)} <= {own}

    rep = load_workbook(io.BytesIO(cov.annual_report(college_user, inputs, AS_OF, v.cadre_ids)))
    assert rep.sheetnames[0] == "汇总"
    ids = {rep["汇总"].cell(r, 2).value for r in range(5, 5 + len(v.cadre_ids))}
    assert ids == set(v.cadre_ids)


def test_check_activity_uses_the_importer_rules(ledger, inputs):
    cadre = inputs.assignment["cadre_id"].iloc[0]
    ok = ledger.check_activity(ADMIN, {"cadre_id": cadre, "date": AS_OF, "type": "report", "venue": "", "students": 0})
    assert ok.ok and ok.frame.loc[0, "activity_id"].startswith("A")
    bad = ledger.check_activity(ADMIN, {"cadre_id": cadre, "date": AS_OF, "type": "face_to_face", "venue": "",
                             "class_id": "NO-SUCH-CLASS", "students": -3})
    assert not bad.ok and bad.frame is None
    text = "\n".join(bad.problems_zh)
    assert "场所" in text and "必须填写场所" in text
    assert "班级编号" in text and "NO-SUCH-CLASS" in text
    assert "学生人数" in text and "-3" in text
    assert any("venue" in p for p in bad.problems_en)
    future = ledger.check_activity(ADMIN, {"cadre_id": cadre, "date": date(2031, 1, 1), "type": "report"},
                               today=date(2030, 12, 31))
    assert not future.ok and "不能记录未来的活动" in future.problems_zh[0]
    unknown = ledger.check_activity(ADMIN, {"cadre_id": "NOBODY", "date": AS_OF, "type": "report"})
    assert not unknown.ok and "工号" in unknown.problems_zh[0]


def test_delete_refuses_another_cadres_activity(cv, ledger, inputs):
    from store.errors import NotFound

    led = inputs.ledger
    mine, theirs = led["cadre_id"].unique()[:2]
    aid = led.loc[led["cadre_id"] == theirs, "activity_id"].iloc[0]
    with pytest.raises(NotFound):
        ledger.withdraw_activity(user("cadre", cadre_id=mine), aid, "录入错误")
    assert aid in set(cv.load_inputs().ledger["activity_id"])
    ledger.withdraw_activity(user("cadre", cadre_id=theirs), aid, "录入错误")
    assert aid not in set(cv.load_inputs().ledger["activity_id"])


def test_cadre_progress_counts_a_new_activity(cv, ledger, inputs):
    cadre = inputs.assignment["cadre_id"].iloc[0]
    me = user("cadre", cadre_id=cadre)
    before = ledger.cadre_progress(me, inputs, cadre, AS_OF)["current"].set_index("rule")
    chk = ledger.check_activity(me, {"cadre_id": cadre, "date": AS_OF, "type": "lecture_visit", "venue": "课堂",
                                     "summary": "进度测试"})
    ledger.record_activity(me, chk)
    after = ledger.cadre_progress(me, cv.load_inputs(), cadre, AS_OF)["current"].set_index("rule")
    assert after.loc["lecture_visit", "done"] == before.loc["lecture_visit", "done"] + 1
    assert after.loc["lecture_visit", "period"] == f"{AS_OF:%Y-%m}"


def test_chart_png_keeps_chinese_text():
    """Tofu (missing-glyph boxes) all look alike: two different Chinese titles must render differently."""
    from ui import charts

    df = pd.DataFrame({"venue": ["课堂", "宿舍"], "cadres": [2, 1], "share": [1.0, 0.5]})
    a = charts.to_png(charts.venue_coverage(df, 2).properties(title="学院覆盖"), scale=1)
    b = charts.to_png(charts.venue_coverage(df, 2).properties(title="干部履职"), scale=1)
    assert a[:8] == b"\x89PNG\r\n\x1a\n"
    assert a != b
    spec = charts.venue_coverage(df, 2).to_dict()
    assert charts.FONT in spec["config"]["font"]


def _same_ledger(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a.sort_values("activity_id").reset_index(drop=True),
                                  b.sort_values("activity_id").reset_index(drop=True))


def test_incremental_reload_after_ledger_writes_equals_a_full_read(cv, ledger, inputs):
    from services import data as data_service
    from services.db import session_scope
    from store import data as store_data

    cadre = inputs.assignment["cadre_id"].iloc[0]
    chk = ledger.check_activity(ADMIN, {"cadre_id": cadre, "date": AS_OF, "type": "face_to_face", "venue": "宿舍",
                                        "students": 3, "summary": "增量一"})
    aid = ledger.record_activity(ADMIN, chk)
    # an update of an existing activity (same id, new summary) and a deletion
    old = inputs.ledger.iloc[[5]].copy()
    old["summary"] = "改过的内容"
    data_service.import_kind(ADMIN, "ledger", old.reset_index(drop=True))
    gone = inputs.ledger["activity_id"].iloc[9]
    ledger.withdraw_activity(ADMIN, gone, "录入错误")

    patched = cv.load_inputs()                     # incremental: reuses `inputs`
    assert patched.cadres is inputs.cadres and patched.classes is inputs.classes
    full = cv.load_inputs(incremental=False)
    assert patched.version == full.version
    _same_ledger(patched.ledger, full.ledger)
    assert aid in set(patched.ledger["activity_id"]) and gone not in set(patched.ledger["activity_id"])
    assert patched.ledger.set_index("activity_id").loc[old["activity_id"].iloc[0], "summary"] == "改过的内容"

    # any other write (here: exemptions) makes the next load read everything again
    with session_scope() as s:
        ex = store_data.load_kind(s, "exemptions")
        store_data.replace_kind(s, "exemptions", ex.iloc[:1].reset_index(drop=True), "t")
    again = cv.load_inputs()
    assert len(again.exemptions) == 1 and again.cadres is not inputs.cadres
    _same_ledger(again.ledger, full.ledger)


def test_fast_ledger_read_on_each_backend(db):
    """The DB-API read gives the store's canonical frame on SQLite and PostgreSQL (NULLs, dates, ints)."""
    from services import compliance_view
    from services.db import session_scope
    from store import data as store_data
    from store.ledger import load_ledger
    from store.testing import sample_frames

    f = sample_frames()
    with session_scope() as s:
        store_data.replace_kinds(s, {k: f[k] for k in ("cadres", "classes")}, "t")
        store_data.upsert_ledger(s, f["ledger"], "t")
    with session_scope() as s:
        ref = store_data.load_kind(s, "ledger")
        got = load_ledger(s)
    assert len(ref) == 2 and ref["students"].isna().any()
    _same_ledger(got, ref)
    version = compliance_view.store_version()
    assert version.endswith("#2") and compliance_view.load_inputs(version).ledger.shape == ref.shape


def test_logins_and_account_writes_keep_the_loaded_inputs(cv, inputs, monkeypatch):
    """Issue 17 (Coverage first render): every login, logout and account change is an audited write,
    so the store version moves; the dashboard's inputs (and everything cached on their version) stay
    as they are instead of being read and evaluated again, and a ledger write after them still shows."""
    from services.db import session_scope
    from store import ledger as store_ledger
    from store.sessions import create_session, end_session
    from tests.fixtures_app import demo_user, open_session

    token = open_session("leader")                 # session_start
    with session_scope() as s:
        end_session(s, token, "leader")            # logout
        create_session(s, demo_user("cadre"), "password", "test")
    from services import downloads  # downloads are audited reads, even of the ledger
    downloads.record(demo_user("leader"), "official_list", rows=121, about="1")
    downloads.record(ADMIN, "ledger", rows=100)
    v = cv.store_version()
    assert v != inputs.version
    with monkeypatch.context() as m:
        m.setattr(store_ledger, "load_ledger", lambda *a, **k: pytest.fail("read the ledger again"))
        again = cv.load_inputs(v)
        assert again.version == inputs.version and again.ledger is inputs.ledger and again.memo is inputs.memo
        assert cv.load_inputs(v) is again           # the same store version: not even the audit log is read

    from services import ledger
    cadre = inputs.assignment["cadre_id"].iloc[0]
    aid = ledger.record_activity(ADMIN, ledger.check_activity(ADMIN, {
        "cadre_id": cadre, "date": AS_OF, "type": "face_to_face", "venue": "宿舍", "students": 3, "summary": "登录之后"}))
    after = cv.load_inputs()
    assert after.version == cv.store_version() and aid in set(after.ledger["activity_id"])
    _same_ledger(after.ledger, cv.load_inputs(incremental=False).ledger)


def test_coverage_chart_specs_are_valid_vega_lite():
    """charts.spec skips Altair's validation for speed: every coverage chart's spec is still valid."""
    import pandas as pd

    from ui import charts

    heat = pd.DataFrame({"college": ["A", "B"], "period": ["W1", "W1"], "rate": [0.5, 1.0], "met": [1, 2],
                         "counted": [2, 2]})
    trend = pd.DataFrame({"period": ["W1", "W2"], "n": [0, 1], "mean_done": [0.5, 1.5], "rate": [0.5, 1.0]})
    venues = pd.DataFrame({"venue": ["宿舍", "食堂"], "cadres": [1, 2], "share": [0.5, 1.0]})
    prefs = pd.DataFrame({"label": ["第1意向", "未对应意向"], "order": [0, 4], "pairs": [3, 1], "share": [0.75, 0.25]})
    cov = pd.DataFrame({"college": ["A", "A"], "bucket": ["已覆盖", "未覆盖"], "bucket_order": [1, 3], "classes": [3, 1]})
    for lang in ("zh", "en"):
        for chart in (charts.heatmap(heat, "college", "period", "学院", "周期", "t", lang=lang),
                      charts.weekly_trend(trend, 1.0, "面对面", lang), charts.venue_coverage(venues, 2, lang),
                      charts.preference_satisfaction(prefs, lang), charts.coverage_by_college(cov, lang)):
            d = charts.spec(chart)
            charts.validate_spec(d)
            assert d == {k: v for k, v in chart.to_dict().items()} | {"config": d["config"]}


def test_compute_evaluates_exactly_the_stored_ledger(cv, ledger, inputs):
    """compute() hands the engine its own slim, categorical copy of the ledger: the status and
    forecast are those of the ledger as stored, also after a ledger write patched the inputs."""
    from compliance.forecast import forecast

    def direct(inp, day):
        return Evaluation(inp.calendar, inp.assignment, inp.ledger, inp.exemptions, inp.criteria, as_of=day,
                          cadres=cv.roster(inp))

    comp = cv.compute(inputs, AS_OF)
    ev = direct(inputs, AS_OF)
    pd.testing.assert_frame_equal(comp.ev.status, ev.status)
    pd.testing.assert_frame_equal(comp.fc, forecast(ev))
    pd.testing.assert_frame_equal(cv.nine_venues_coverage(comp.ev), cv.nine_venues_coverage(ev))
    cadre = str(inputs.assignment["cadre_id"].iloc[0])
    chk = ledger.check_activity(ADMIN, {"cadre_id": cadre, "date": AS_OF - timedelta(days=1), "type": "face_to_face",
                                        "venue": "食堂", "summary": "new"})
    ledger.record_activity(ADMIN, chk)
    patched = cv.load_inputs(cv.store_version())
    assert len(patched.ledger) == len(inputs.ledger) + 1
    comp2 = cv.compute(patched, AS_OF)
    pd.testing.assert_frame_equal(comp2.ev.status, direct(patched, AS_OF).status)
    assert not comp2.ev.status.equals(comp.ev.status)


def test_dashboard_counts_equal_the_rollups(cv, cov, inputs):
    """The dashboard counts its KPIs' coverage and the cadres' standing itself (vectorised): the same
    figures as compliance.rollups' class_coverage and on_track, for every college and two dates."""
    from compliance.rollups import on_track
    from services import coverage_parts as parts

    for day in (AS_OF, AS_OF - timedelta(days=40)):
        comp = cv.compute(inputs, day)
        for college in (None, *_colleges(inputs)):
            c = parts._coverage_kpis(inputs, comp, college)
            rows = parts.coverage_rows(comp, college)
            overall = rows.loc[rows["dimension"] == "overall"].iloc[0]
            prio = rows.loc[(rows["dimension"] == "priority") & (rows["value"] == "True")]
            assert c["classes"] == pytest.approx(overall["rate"])
            assert c["students"] == pytest.approx(overall["students_rate"])
            assert (c["prio_cov"], c["prio_all"]) == (int(prio["covered"].sum()), int(prio["classes"].sum()))
            f = cov.Filters(day, college=college)
            fc = parts.filter_rows(comp, "fc", f, parts.cadres_in_view(comp, f))
            want = on_track(fc).set_index("cadre_id").drop(columns="period")
            pd.testing.assert_frame_equal(parts.standing(fc), want, check_dtype=False)


def test_view_builds_each_tab_on_first_use_with_the_same_frames(cv, cov, inputs):
    """The KPIs and the overview are built with the view; the other tabs' frames on first use (the
    page draws only the open tab), equal to what the parts compute for the same filters."""
    from services import coverage_parts as parts

    comp = cv.compute(inputs, AS_OF)
    f = cov.Filters(AS_OF, term=AUTUMN)
    v = cov.view(LEADER, comp, f, cv.compute(inputs, cv.previous_as_of(inputs, AS_OF)))
    lazy = ("status", "cadres", "_heat_college", "_heat_cadre", "trend", "_venues", "reminders")
    assert not any(k in vars(v) for k in lazy)
    ids = parts.cadres_in_view(comp, f)
    status = parts.filter_rows(comp, "status", f, ids)
    _, ot = parts.on_track_rate(comp, f, ids)
    pd.testing.assert_frame_equal(v.cadres, parts.cadre_table(comp, status, ot, ids, f))
    pd.testing.assert_frame_equal(v.heat_college, parts.heat_by_college(status, comp, f, ids)[0])
    assert v.heat_cadre_total == parts.heat_by_cadre(status, comp, 30)[1] > 0
    pd.testing.assert_frame_equal(v.venues, parts.venue_reach(comp, ids, None)[0])
    assert list(v.trend["n"]) == list(range(len(v.trend))) and len(v.trend) > 0
    assert len(v.reminders) > 0 and set(v.reminders["cadre_id"]) <= set(ids)
    assert all(k in vars(v) for k in lazy)


def _cadre_college_before(cv, inputs, day):
    """compliance_view._cadre_college as it was written first (pandas), the oracle of the numpy one."""
    import numpy as np

    a = inputs.assignment
    college = a["class_id"].map(cv.class_college(inputs)).fillna(a["college"]).astype(object)
    start, end = a["start"].fillna(pd.Timestamp.min), a["end"].fillna(pd.Timestamp.max)
    dist = np.where((start <= day) & (end >= day), 0,
                    np.where(end < day, (day - a["end"]).dt.days.fillna(0), (a["start"] - day).dt.days.fillna(0)))
    df = pd.DataFrame({"cadre_id": a["cadre_id"].to_numpy(dtype=object), "college": college.to_numpy(dtype=object),
                       "dist": dist})
    best = df.groupby("cadre_id")["dist"].transform("min")
    out = df.loc[df["dist"] == best, ["cadre_id", "college"]].drop_duplicates()
    return pd.concat([out, cv._unassigned_college(inputs)], ignore_index=True)


def test_cadre_college_on_every_day_equals_the_first_version(cv, inputs):
    """The college a cadre answers to, on every day of the demo year and outside it (movers included)."""
    lo, hi = cv.calendar_range(inputs)
    days = pd.date_range(pd.Timestamp(lo) - pd.Timedelta(days=20), pd.Timestamp(hi) + pd.Timedelta(days=20), freq="6D")
    assert inputs.assignment["end"].notna().any()            # rows that ended: the nearest-in-time branch runs
    for day in days:
        pd.testing.assert_frame_equal(cv._cadre_college(inputs, day), _cadre_college_before(cv, inputs, day))
    assert cv.roster(inputs) is cv.roster(inputs)
