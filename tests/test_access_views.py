"""Who may call the Coverage, Ledger, Data and Home services: every entry point as every role.

The matrix calls each service entry point as the demo user of each role (admin, leader, planner,
college, cadre) and asserts allowed or refused (AccessDenied, audit-logged). Then the scope
cases: a college user sees only their college's rows — also for a cadre who moved in from another
college — a cadre only their own ledger, and Home shows each role only its own scope.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tests.demo_facts import LAST_DAY, mover_with_a_report
from tests.fixtures_app import college_user, demo_user

ROLES = ("admin", "leader", "planner", "college", "cadre")
AS_OF = LAST_DAY                  # the demo calendar's last day


def _write_day(inputs) -> date:
    """A day an activity may be recorded on: today, clamped into the demo calendar (the pages' default)."""
    from services.compliance_view import default_as_of
    return default_as_of(inputs)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def world(demo_db):
    from services import compliance_view as cv

    inputs = cv.load_inputs()
    mover = mover_with_a_report(inputs.assignment, inputs.ledger, inputs.classes)
    return {"inputs": inputs, "comp": cv.compute(inputs, AS_OF), "cadre": demo_user("cadre").cadre_id,
            "mover": mover, "mover_college": college_user(mover.new_college)}


def _calls(world, role: str) -> dict:
    """name -> (roles allowed, call). Each call acts as `user` on the demo cadre's data."""
    from services import coverage, data, home, ledger, uploads

    inp, comp, me = world["inputs"], world["comp"], world["cadre"]
    mine = inp.ledger.loc[inp.ledger["cadre_id"] == me, "activity_id"]
    exemptions = data.load_kind(demo_user("admin"), "exemptions")
    form = {"cadre_id": me, "date": _write_day(inp), "type": "face_to_face", "venue": "宿舍", "summary": f"矩阵 {role}"}
    checked = ledger.check_activity(demo_user("admin"), form)
    raw = exemptions.to_csv(index=False).encode()
    parsed = uploads.parse_upload(demo_user("admin"), "exemptions", raw, "x.csv")
    in_college = str(comp.cadre_college.loc[comp.cadre_college["college"] == demo_user("college").college,
                                            "cadre_id"].iloc[0])
    cov, led, adm = ("admin", "leader", "college"), ("admin", "cadre"), ("admin",)
    return {
        "coverage.viewer_college": (cov, lambda u: coverage.viewer_college(u)),
        "coverage.view": (cov, lambda u: coverage.view(u, comp, coverage.Filters(AS_OF))),
        "coverage.scorecard": (cov, lambda u: coverage.scorecard(u, comp, in_college)),
        "coverage.annual_report": (cov, lambda u: coverage.annual_report(u, inp, AS_OF, [in_college])),
        "ledger.cadre_choices": (led, lambda u: ledger.cadre_choices(u, inp)),
        "ledger.check_activity": (led, lambda u: ledger.check_activity(u, form)),
        "ledger.record_activity": (led, lambda u: ledger.record_activity(u, checked)),
        "ledger.withdraw_activity": (led, lambda u: ledger.withdraw_activity(u, str(mine.iloc[0]), "矩阵")),
        "ledger.cadre_ledger": (led, lambda u: ledger.cadre_ledger(u, inp, me)),
        "ledger.cadre_classes": (led, lambda u: ledger.cadre_classes(u, inp, me)),
        "ledger.cadre_progress": (led, lambda u: ledger.cadre_progress(u, inp, me, AS_OF)),
        "data.load_kind": (adm, lambda u: data.load_kind(u, "cadres")),
        "data.import_kind": (adm, lambda u: data.import_kind(u, "exemptions", exemptions)),
        "data.import_bundle": (adm, lambda u: data.import_bundle(u, {"exemptions": exemptions})),
        "data.counts": (adm, lambda u: data.counts(u)),
        "data.refs": (adm, lambda u: data.refs(u)),
        "data.load_calendar": (adm, lambda u: data.load_calendar(u)),
        "data.save_calendar": (adm, lambda u: data.save_calendar(u, list(inp.terms))),
        "data.audit_rows": (adm, lambda u: data.audit_rows(u, limit=5)),
        "uploads.parse_upload": (adm, lambda u: uploads.parse_upload(u, "exemptions", raw, "x.csv")),
        "uploads.commit_upload": (adm, lambda u: uploads.commit_upload(u, "exemptions", parsed)),
        "uploads.template": (adm, lambda u: uploads.template(u, "cadres")),
        "uploads.load_for_browse": (adm, lambda u: uploads.load_for_browse(u, "assignment")),
        "home.summary": (ROLES, lambda u: home.summary(u)),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_entry_point_as_every_role(world, role):
    from services.access import AccessDenied
    from services.data import audit_rows

    user = demo_user(role)
    outcome = {}
    for name, (allowed, call) in _calls(world, role).items():
        try:
            call(user)
            outcome[name] = "allowed"
        except AccessDenied:
            outcome[name] = "refused"
    want = {name: "allowed" if role in allowed else "refused" for name, (allowed, _) in _calls(world, role).items()}
    assert outcome == want
    refusals = audit_rows(demo_user("admin"), limit=None, entity="security", actor=role)
    assert len(refusals) == list(want.values()).count("refused")


def test_service_roles_match_the_page_table():
    from services import coverage, data, ledger
    from ui.nav import PAGES

    roles = {p.path: set(p.roles) for p in PAGES}
    assert set(coverage.ROLES) == roles["pages/coverage.py"]
    assert set(ledger.ROLES) == roles["pages/ledger.py"]
    assert set(data.ROLES) == roles["pages/data.py"]
    from services import requirements
    assert set(requirements.ROLES) == roles["pages/requirements.py"] == {"admin"}
    assert "planner" not in coverage.ROLES


# ---------------------------------------------------------------- college scope, row by row

def test_college_drilldown_into_a_cadre_who_moved_in_shows_only_this_college(world):
    from services import coverage

    college, MOVER = world["mover_college"], world["mover"].cadre_id
    inp, comp = world["inputs"], world["comp"]
    everything = inp.ledger.loc[inp.ledger["cadre_id"] == MOVER]
    start = inp.assignment.loc[(inp.assignment["cadre_id"] == MOVER)
                               & (inp.assignment["college"] == college.college), "start"].min()
    college_of = inp.classes.set_index("class_id")["college"]
    card = coverage.scorecard(college, comp, MOVER)
    acts = card["activities"]
    assert 0 < len(acts) < len(everything) - 30
    named = acts["class_id"] != ""
    assert (acts.loc[named, "class_id"].map(college_of) == college.college).all()
    assert (acts.loc[~named, "date"] >= start).all()
    assert (card["status"]["period_end"] >= start).all()
    # the leader sees the whole history of the same cadre
    whole = coverage.scorecard(demo_user("leader"), comp, MOVER)
    assert len(whole["activities"]) == len(everything)
    assert whole["status"]["period_end"].min() < start


def test_college_view_rows_of_a_mover_are_their_time_in_the_college(world):
    from services import coverage

    college, MOVER = world["mover_college"], world["mover"].cadre_id
    v = coverage.view(college, world["comp"], coverage.Filters(AS_OF))
    assert MOVER in v.cadre_ids
    start = pd.Timestamp(world["mover"].start)
    rows = v.status.loc[v.status["cadre_id"] == MOVER]
    assert len(rows) > 0 and (rows["period_end"] >= start).all()
    # an admin filtering on the same college sees exactly what the college user sees
    same = coverage.view(demo_user("admin"), world["comp"], coverage.Filters(AS_OF, college=college.college))
    pd.testing.assert_frame_equal(same.status, v.status)
    pd.testing.assert_frame_equal(same.cadres, v.cadres)


def test_a_movers_year_counts_only_this_colleges_activities(world):
    """The mover reported to the Party committee for the class of the old college before moving: that
    report counts in the university's view of the year, not in the new college's."""
    from services import coverage

    college, MOVER = world["mover_college"], world["mover"].cadre_id
    f = coverage.Filters(AS_OF, rule="annual_report")
    here = coverage.view(college, world["comp"], f).status
    everywhere = coverage.view(demo_user("leader"), world["comp"], f).status
    year_here = here.loc[here["cadre_id"] == MOVER]
    year_all = everywhere.loc[everywhere["cadre_id"] == MOVER]
    assert list(year_all["done"]) == [1] and list(year_here["done"]) == [0]
    # three weeks after the move the new college has seen few of the venues the year reached
    from services import compliance_view as cv
    soon = world["mover"].start + timedelta(weeks=3)
    comp = cv.compute(world["inputs"], soon)
    venues_here = coverage.view(college, comp, coverage.Filters(soon)).cadres
    venues_all = coverage.view(demo_user("leader"), comp, coverage.Filters(soon)).cadres
    n_here = int(venues_here.set_index("cadre_id").at[MOVER, "venues"])
    assert 0 < n_here < int(venues_all.set_index("cadre_id").at[MOVER, "venues"])


def test_college_user_cannot_open_a_cadre_of_another_college(world):
    from services import coverage
    from services.access import AccessDenied

    comp = world["comp"]
    own = demo_user("college").college
    cc = comp.cadre_college
    other = next(c for c in cc["cadre_id"] if own not in set(cc.loc[cc["cadre_id"] == c, "college"]))
    with pytest.raises(AccessDenied):
        coverage.scorecard(demo_user("college"), comp, other)
    # and asking the view for another college still gives only their own
    v = coverage.view(demo_user("college"), comp, coverage.Filters(AS_OF, college="不存在的学院"))
    assert v.filters.college == own and set(v.cadres["college"]) == {own}


def test_college_annual_report_holds_only_their_college(world):
    import io

    from openpyxl import load_workbook

    from services import coverage

    college = demo_user("college")
    v = coverage.view(college, world["comp"], coverage.Filters(AS_OF))
    rep = load_workbook(io.BytesIO(coverage.annual_report(college, world["inputs"], AS_OF, v.cadre_ids)))
    ws = rep["汇总"]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "工号")
    ids = {str(ws.cell(r, 2).value) for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 2).value}
    assert ids == set(v.cadre_ids)


# ---------------------------------------------------------------- a cadre's own ledger only

def test_a_ledger_write_as_another_cadre_is_refused(world):
    from services import ledger
    from services.access import AccessDenied
    from services.compliance_view import load_inputs

    me = demo_user("cadre")
    other = next(c for c in world["inputs"].assignment["cadre_id"] if c != me.cadre_id)
    form = {"cadre_id": other, "date": _write_day(world["inputs"]), "type": "face_to_face", "venue": "宿舍",
            "summary": "冒名"}
    with pytest.raises(AccessDenied):
        ledger.check_activity(me, form)
    forged = ledger.check_activity(demo_user("admin"), form)     # a check made for someone else
    assert forged.ok
    with pytest.raises(AccessDenied):
        ledger.record_activity(me, forged)
    assert "冒名" not in set(load_inputs().ledger["summary"])
    for read in (ledger.cadre_ledger, ledger.cadre_classes):
        with pytest.raises(AccessDenied):
            read(me, world["inputs"], other)


def test_a_cadre_deletes_only_their_own(world):
    from services import ledger
    from services.compliance_view import load_inputs
    from services.data import audit_rows
    from store.errors import NotFound

    me = demo_user("cadre")
    led = world["inputs"].ledger
    theirs = str(led.loc[led["cadre_id"] != me.cadre_id, "activity_id"].iloc[0])
    with pytest.raises(NotFound) as refused:
        ledger.withdraw_activity(me, theirs, "录入错误")
    with pytest.raises(NotFound) as missing:
        ledger.withdraw_activity(me, "NO-SUCH-ID", "录入错误")
    assert str(refused.value).replace(theirs, "X") == str(missing.value).replace("NO-SUCH-ID", "X")
    assert theirs in set(load_inputs().ledger["activity_id"])
    refusal = audit_rows(demo_user("admin"), limit=1, entity="security").iloc[0]    # audit-logged, with the owner
    assert refusal["actor"] == me.username and refusal["after"]["action"] == "ledger.withdraw"
    assert refusal["entity_id"] == led.set_index("activity_id").at[theirs, "cadre_id"]
    own = str(led.loc[led["cadre_id"] == me.cadre_id, "activity_id"].iloc[0])
    ledger.withdraw_activity(me, own, "录入错误")
    assert own not in set(load_inputs().ledger["activity_id"])
    assert audit_rows(demo_user("admin"), limit=1)["actor"].iloc[0] == me.username


def test_a_cadre_picks_only_themselves(world):
    from services import ledger

    assert list(ledger.cadre_choices(demo_user("cadre"), world["inputs"])["cadre_id"]) == [world["cadre"]]
    assert len(ledger.cadre_choices(demo_user("admin"), world["inputs"])) == len(world["inputs"].cadres)


# ---------------------------------------------------------------- Home: each role its own scope

def test_home_shows_each_role_only_its_scope(world):
    from services import home
    from services.data import counts

    inp = world["inputs"]
    n = counts(demo_user("admin"))
    for role in ("admin", "leader", "planner"):
        s = home.summary(demo_user(role))
        assert s.scope == "university"
        assert {m.key: m.value for m in s.metrics}["classes"] == n["classes"]
    college = demo_user("college")
    s = home.summary(college)
    got = {m.key: m.value for m in s.metrics}
    assert s.scope == "college" and s.scope_name == college.college
    assert got["classes"] == int((inp.classes["college"] == college.college).sum()) < n["classes"]
    assert got["ledger"] < n["ledger"] and got["cadres"] < n["cadres"]
    s = home.summary(demo_user("cadre"))
    got = {m.key: m.value for m in s.metrics}
    assert s.scope == "cadre"
    assert got["ledger"] == int((inp.ledger["cadre_id"] == world["cadre"]).sum())
    assert set(s.classes["class_id"]) <= set(inp.assignment.loc[inp.assignment["cadre_id"] == world["cadre"],
                                                                   "class_id"])
    assert len(s.classes) == got["classes"] >= 1


@pytest.mark.parametrize("role, shown, hidden", [
    ("college", "本院班级", "意向"),
    ("cadre", "我的台账活动", "意向"),
    ("leader", "意向", "本院班级"),
])
def test_home_page_per_role(demo_db, as_role, role, shown, hidden):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "pages" / "home.py"), default_timeout=60)
    as_role(at, role)
    at.run()
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert shown in labels and hidden not in labels


# ---------------------------------------------------------------- exports write user text as text

def test_reminder_xlsx_keeps_a_formula_like_name_as_text():
    import io

    from openpyxl import load_workbook

    from services.view_exports import REMINDER_HEADERS, reminders_xlsx

    row = {c: "x" for c in REMINDER_HEADERS}
    row.update(name="=1+1", reason_zh="=HYPERLINK(\"http://x\")", period_end=pd.Timestamp(LAST_DAY),
               required=1, done=0, missing=1, days_left=2)
    data = reminders_xlsx(pd.DataFrame([row]), AS_OF)
    ws = load_workbook(io.BytesIO(data))["本周提醒"]
    assert ws.cell(3, 2).value == "=1+1" and ws.cell(3, 2).data_type == "s"
    assert ws.cell(3, 11).data_type == "s"
    assert ws.cell(3, 7).value == 1
