"""AppTest of 覆盖与合规 / Coverage for each role; a college user never sees another college's rows."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.demo_facts import AUTUMN, DEMO, autumn_day, mover_with_a_report
from tests.fixtures_app import college_user, open_session
from ui.coverage.state import ALL, Keys, Tabs

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "coverage.py")
AS_OF = autumn_day(11, 3)         # Thursday of the autumn's teaching week 11


def _table(at, key):
    return at.container(key=f"{key}_box").dataframe[0].value


def _chart_values(at) -> list[dict]:
    """Every data row of every Altair chart on the page (Streamlit ships the datasets as Arrow tables)."""
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    rows = []
    for ch in at.get("vega_lite_chart"):
        for ds in ch.proto.datasets:
            rows += convert_arrow_bytes_to_pandas_df(ds.data.data).to_dict("records")
        spec = json.loads(ch.proto.spec)
        for ds in spec.get("datasets", {}).values():
            rows += ds
    return rows


def _tab(at: AppTest, tab: tuple[str, str], lang: str = "zh") -> AppTest:
    """Open one of the dashboard's tabs (only the open one is drawn)."""
    at.session_state[Keys.TAB] = tab[0] if lang == "zh" else tab[1]
    at.run()
    assert not at.exception, at.exception
    return at


def _open(as_role, role: str, as_of: date | None = AS_OF) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    as_role(at, role)
    at.run()
    assert not at.exception, at.exception
    if as_of is not None:
        at.date_input(key=Keys.AS_OF).set_value(as_of).run()
        assert not at.exception, at.exception
    return at


def test_leader_sees_kpis_charts_and_every_college(demo_db, as_role):
    at = _open(as_role, "leader")
    labels = [m.label for m in at.metric]
    assert labels == ["班级覆盖率", "学生覆盖率", "重点关注班级已覆盖", "干部履职正常率", "本周面对面达标率", "未带班干部"]
    assert at.metric[4].help.startswith(f"教学周 {AUTUMN}-W11")
    # each KPI shows its change since last week, and no arrow at all when nothing changed (issue 17)
    deltas = [m.delta for m in at.metric]
    # a week under way (as-of before its Sunday) is not compared with a finished one; a finished one is
    # (both cases on fixed days: test_compliance_view.test_a_week_under_way_is_not_compared_with_a_finished_one)
    if AS_OF.weekday() < 6:
        assert not deltas[4] and "进行中" in at.metric[4].help, (deltas, at.metric[4].help)
    else:
        assert deltas[4], deltas
    assert not any(d and d.lstrip("+-").startswith(("0.0 ", "0 ")) for d in deltas), deltas
    assert len(at.get("vega_lite_chart")) == 2                       # the overview: the first paint
    # charts are in Chinese
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert "学院" in json.dumps(spec, ensure_ascii=False)
    assert len(_tab(at, Tabs.CHARTS).get("vega_lite_chart")) == 4     # two heatmaps, the trend, the venues
    cadres = _table(_tab(at, Tabs.CADRES), Keys.CADRE_TABLE)
    from services import compliance_view as cv
    inputs = cv.load_inputs()
    # every cadre of the roster counts: those without a class too (未带班, or 免予考核 when on leave)
    assert set(cadres["工号"]) == set(inputs.cadres["cadre_id"])
    idle = cadres.loc[~cadres["工号"].isin(set(inputs.assignment["cadre_id"]))]
    assert len(idle) == 2 and sorted(idle["履职状态"]) == ["免予考核", "未带班"]
    assert not idle["履职正常"].any()
    assert len({c for v in cadres["学院"] for c in v.split("、")}) > 5
    # the drill-down shows one cadre's periods and activities
    first = at.selectbox(key=Keys.CADRE).value
    card = _table(at, Keys.SCORECARD)
    assert len(card) > 0 and set(card["状态"]) <= {"达标", "未达标", "进行中", "免予考核"}
    acts = _table(at, Keys.ACTIVITIES)
    want = inputs.ledger.loc[(inputs.ledger["cadre_id"] == first) & (inputs.ledger["date"] >= str(DEMO.start))
                             & (inputs.ledger["date"] <= str(DEMO.autumn_end))]
    assert len(acts) == len(want)


@pytest.mark.parametrize("role", ["college"])
def test_college_user_sees_only_their_college(demo_db, as_role, role):
    at = _open(as_role, role)
    own = at.session_state["user"].college
    assert own
    # the college filter is fixed (disabled) and there is no free college selector
    fixed = at.selectbox(key=Keys.COLLEGE_OWN)
    assert fixed.value == own and fixed.disabled
    with pytest.raises(KeyError):
        at.selectbox(key=Keys.COLLEGE)
    from services import compliance_view as cv
    inputs = cv.load_inputs()
    others = set(inputs.classes["college"]) - {own}
    comp = cv.compute(inputs, AS_OF)
    own_cadres = set(comp.cadre_college.loc[comp.cadre_college["college"] == own, "cadre_id"])
    other_cadres = set(inputs.assignment["cadre_id"]) - own_cadres

    def check():
        _tab(at, Tabs.CADRES)
        cadres = _table(at, Keys.CADRE_TABLE)
        assert len(cadres) > 0
        assert set(cadres["学院"]) == {own}
        assert set(cadres["工号"]) <= own_cadres
        assert set(at.selectbox(key=Keys.CADRE).options) <= {f"{n}（{c}）" for c, n in
                                                              zip(cadres["工号"], cadres["姓名"])}
        rem = _table(_tab(at, Tabs.REMINDERS), Keys.REMINDERS)
        assert set(rem["学院"]) <= {own} and set(rem["工号"]) <= own_cadres
        values = _chart_values(_tab(at, Tabs.OVERVIEW)) + _chart_values(_tab(at, Tabs.CHARTS))
        assert values
        seen_colleges = {r["college"] for r in values if "college" in r}
        assert seen_colleges == {own}
        # the cadre heatmap names each row "name（id）" (its data carries no separate id column)
        seen_cadres = {r["cadre"].rsplit("（", 1)[-1].rstrip("）") for r in values if "cadre" in r}
        assert seen_cadres and not (seen_cadres & other_cadres)
        strings = {v for r in values for v in r.values() if isinstance(v, str)}
        assert not (strings & others)          # no other college's name anywhere in the charts

    check()
    # other filters, and a forged session value for the college filter, never widen the view
    at.session_state[Keys.COLLEGE] = min(others)
    at.selectbox(key=Keys.RULE).set_value("face_to_face").run()
    assert not at.exception
    check()
    at.selectbox(key=Keys.TERM).set_value(ALL).run()
    check()


def test_english_labels(demo_db, as_role):
    at = AppTest.from_file(PAGE, default_timeout=90)
    as_role(at, "leader")
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception, at.exception
    assert [m.label for m in at.metric] == ["Classes covered", "Students covered", "Priority classes covered",
                                           "Cadres on track", "Face-to-face this week",
                                           "Cadres without a class"]
    assert "Staff no." in _table(_tab(at, Tabs.CADRES, "en"), Keys.CADRE_TABLE).columns


def test_admin_filters_college_and_level(demo_db, as_role):
    at = _tab(_open(as_role, "admin"), Tabs.CADRES)
    all_rows = len(_table(at, Keys.CADRE_TABLE))
    college = at.selectbox(key=Keys.COLLEGE).options[2]
    at.selectbox(key=Keys.COLLEGE).set_value(college).run()
    assert not at.exception
    rows = _table(at, Keys.CADRE_TABLE)
    assert 0 < len(rows) < all_rows and set(rows["学院"]) == {college}
    at.selectbox(key=Keys.COLLEGE).set_value(ALL)
    at.selectbox(key=Keys.LEVEL).set_value("school").run()
    rows = _table(at, Keys.CADRE_TABLE)
    assert 0 < len(rows) < all_rows and set(rows["层级"]) == {"校领导"}


def test_a_ledger_write_shows_in_the_kpis(demo_db, as_role):
    """A face-to-face activity stored through the services moves this week's rate on the next run
    (on AS_OF, or on today when AS_OF is still ahead: an activity cannot be in the future)."""
    from services import compliance_view as cv
    from services import ledger
    from tests.fixtures_app import demo_user
    inputs = cv.load_inputs()
    day = AS_OF if date.today() >= AS_OF else cv.default_as_of(inputs)
    at = _open(as_role, "leader", as_of=day)
    before = next(m for m in at.metric if m.label.startswith("本周面对面")).value
    admin = demo_user("admin")
    comp = cv.compute(inputs, day)
    st = comp.ev.status
    todo = st.loc[(st["rule"] == "face_to_face") & (st["status"] == "pending")]
    assert len(todo) >= 2
    for cadre in todo["cadre_id"].iloc[:2]:
        chk = ledger.check_activity(admin, {"cadre_id": cadre, "date": day, "type": "face_to_face",
                                            "venue": "宿舍", "summary": "走访宿舍"})
        ledger.record_activity(admin, chk)
    at.run()
    after = next(m for m in at.metric if m.label.startswith("本周面对面")).value
    assert float(after.rstrip("%")) > float(before.rstrip("%"))


def test_default_as_of_is_clamped_and_downloads_exist(demo_db, as_role):
    at = _open(as_role, "leader", as_of=None)
    today = date.today()                                              # today clamped into the demo calendar
    assert at.date_input(key=Keys.AS_OF).value == min(max(today, DEMO.start), DEMO.end)
    keys = {b.key for tab in Tabs.ALL for b in _tab(at, tab).get("download_button")}
    # the reminder list, the annual report, and one PNG export per chart
    charts = (Keys.CHART_BY_COLLEGE, Keys.CHART_HEAT_COLLEGE, Keys.CHART_HEAT_CADRE, Keys.CHART_TREND,
              Keys.CHART_VENUES, Keys.CHART_PREFS)
    assert {Keys.DL_REMINDERS, Keys.DL_REPORT, *map(Keys.png, charts)} <= keys
    assert Keys.png(Keys.CHART_BY_COLLEGE) == "cov_by_college_png"


def test_college_drilldown_into_a_cadre_who_moved_in_shows_only_this_colleges_activities(demo_db, as_role):
    """A cadre who advised a class of one college and, from a mid-year change, one of another
    college: the new college's drill-down shows only the activities that belong to its own class,
    never the ones recorded in the other college."""
    from services import compliance_view as cv
    inputs = cv.load_inputs()
    moved = mover_with_a_report(inputs.assignment, inputs.ledger, inputs.classes)
    at = AppTest.from_file(PAGE, default_timeout=90)
    user = college_user(moved.new_college)
    at.session_state["session_token"] = open_session(user.username)
    at.session_state["user"] = user
    at.run()
    assert not at.exception, at.exception
    at.date_input(key=Keys.AS_OF).set_value(DEMO.end).run()
    own = at.session_state["user"].college
    at.selectbox(key=Keys.TERM).set_value(ALL).run()
    _tab(at, Tabs.CADRES)
    mover = moved.cadre_id
    options = at.selectbox(key=Keys.CADRE).options
    assert any(o.endswith(f"（{mover}）") for o in options)
    at.selectbox(key=Keys.CADRE).set_value(mover).run()
    assert not at.exception, at.exception
    college_of = inputs.classes.set_index("class_id")["college"]
    led = inputs.ledger.loc[inputs.ledger["cadre_id"] == mover]
    tenure = inputs.assignment.loc[(inputs.assignment["cadre_id"] == mover)
                                   & (inputs.assignment["college"] == own)]
    start = tenure["start"].min()
    mine = led.loc[led["class_id"].map(college_of).eq(own) | (led["class_id"].eq("") & (led["date"] >= start))]
    elsewhere = len(led) - len(mine)
    assert elsewhere > 30 and len(mine) > 0
    acts = _table(at, Keys.ACTIVITIES)
    assert len(acts) == len(mine)
    assert (acts["日期"] >= str(start.date())).all()
    assert set(acts["班级编号"]) - {""} <= set(college_of[college_of == own].index)
    # the scorecard's periods are those of the cadre's time in this college
    card = _table(at, Keys.SCORECARD)
    assert len(card) > 0 and (card["结束"] >= str(start.date())).all()


def test_annual_report_year_choice_and_both_downloads(demo_db, as_role):
    at = _tab(_open(as_role, "leader", as_of=DEMO.end), Tabs.REMINDERS)
    year = at.selectbox(key=Keys.REPORT_YEAR)
    assert year.options[0] == f"{DEMO.label}学年" and f"{DEMO.y + 1}年度" in year.options
    year.set_value(str(DEMO.y + 1)).run()
    assert not at.exception, at.exception
    keys = {b.key for b in at.get("download_button")}
    assert {Keys.DL_REPORT, Keys.DL_REPORT_PDF} <= keys


def test_cadre_counts_agree_and_say_what_they_count(demo_db, as_role):
    """Issue 17: "视图内 123 位干部" beside the heatmap's "共 121 位": two counts of different things,
    neither saying which. In the first week with one rule, many cadres in view have no period of
    that rule assessed yet: the caption gives both numbers, and the heatmap's total is the second."""
    import re

    from services import compliance_view as cv
    from services import coverage
    from tests.fixtures_app import demo_user

    day = autumn_day(1, 3)                             # Thursday of the first week: only some met it yet
    at = _open(as_role, "leader", as_of=day)
    at.selectbox(key=Keys.RULE).set_value(cv.F2F).run()
    assert not at.exception, at.exception
    comp = cv.compute(cv.load_inputs(), day)
    v = coverage.view(demo_user("leader"), comp, coverage.Filters(day, rule=cv.F2F), None)
    n, assessed = len(v.cadre_ids), v.heat_cadre_total
    assert 0 < assessed < n                             # the case of the issue: two different numbers
    caption = next(c.value for c in at.caption if "视图内" in c.value)
    assert f"视图内 {n} 位干部" in caption and f"其中 {assessed} 位" in caption, caption
    titles = [json.loads(ch.proto.spec).get("title") for ch in _tab(at, Tabs.CHARTS).get("vega_lite_chart")]
    heat = next(str(t) for t in titles if "干部×规则" in str(t))
    assert f"已有考核结果的 {assessed} 位" in heat and str(n) not in re.findall(r"\d+", heat), heat


def test_first_paint_draws_only_the_overview(demo_db, as_role):
    """Coverage's first render (issue 17): the KPIs and the overview's two light charts; the heatmaps,
    the trend, the cadre table and the reminders are drawn when their tab is opened, and the tab
    stays open across a filter change."""
    at = _open(as_role, "leader")
    assert len(at.metric) == 6 and len(at.get("vega_lite_chart")) == 2
    assert not at.dataframe
    assert {b.key for b in at.get("download_button")} == {Keys.png(Keys.CHART_BY_COLLEGE), Keys.png(Keys.CHART_PREFS)}
    with pytest.raises(KeyError):
        at.container(key=f"{Keys.CADRE_TABLE}_box")
    _tab(at, Tabs.CADRES)
    assert len(_table(at, Keys.CADRE_TABLE)) > 0 and not at.get("vega_lite_chart")
    at.selectbox(key=Keys.LEVEL).set_value("school").run()
    assert not at.exception, at.exception
    assert set(_table(at, Keys.CADRE_TABLE)["层级"]) == {"校领导"}


def test_the_open_tab_stays_open_when_the_language_changes(demo_db, as_role):
    """The tab is kept by its label: switching to English must not send the user back to the overview."""
    from ui.i18n import LANG_KEY

    at = _tab(_open(as_role, "admin"), Tabs.CADRES)
    assert _table(at, Keys.CADRE_TABLE) is not None
    at.session_state[LANG_KEY] = "en"
    at.run()
    assert not at.exception, at.exception
    assert at.session_state[Keys.TAB] == Tabs.CADRES[1]
    assert "Staff no." in _table(at, Keys.CADRE_TABLE).columns
