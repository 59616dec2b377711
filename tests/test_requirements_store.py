"""工作要求 kept in the store: versions saved by the admin apply from their date only, invalid
settings change nothing, every save is audited, and only the admin may read or change them."""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from tests.demo_facts import DEMO, LAST_DAY, autumn_day
from tests.fixtures_app import demo_user

ROLES = ("admin", "leader", "planner", "college", "cadre")


def _f2f(as_of=LAST_DAY) -> pd.DataFrame:
    from services import compliance_view as cv
    st = cv.compute(cv.load_inputs(), as_of).ev.status
    return st.loc[st["rule"] == "face_to_face"].reset_index(drop=True)


def test_nothing_saved_means_the_default_rules(demo_db):
    from compliance.requirements import requirements_from_dict
    from services import requirements as req

    assert req.in_force() == requirements_from_dict({})
    assert req.history(demo_user("admin")).empty


def test_a_threshold_raised_mid_year_applies_from_its_date_only(demo_db):
    from services import requirements as req

    before = _f2f()
    from_day = autumn_day(8)                                  # Monday of the autumn's week 8
    req.add(demo_user("admin"), from_day, {"face_to_face": {"at_least": 3}}, note="每周三次（测试）")
    after = _f2f()
    assert len(after) == len(before)
    early = before["period_start"] < pd.Timestamp(from_day)
    assert early.any() and (~early).any()
    # periods that began before the date keep the old threshold and status; later ones need three
    pd.testing.assert_series_equal(after.loc[early, "status"], before.loc[early, "status"])
    assert set(after.loc[early, "required"]) == {1} and set(after.loc[~early, "required"]) <= {0, 3}
    assert (after.loc[~early, "status"] == "met").sum() < (before.loc[~early, "status"] == "met").sum()
    hist = req.history(demo_user("admin"))
    assert list(hist["note"]) == ["每周三次（测试）"]
    from services.data import audit_rows
    audit = audit_rows(demo_user("admin"), limit=None, entity="requirements")
    assert len(audit) == 1 and audit.iloc[0]["actor"] == "admin"


def test_a_level_may_have_its_own_threshold(demo_db):
    from services import requirements as req

    req.add(demo_user("admin"), DEMO.start, {"lecture_visit": {"levels": {"school": {"at_least": 2}}}})
    frame = req.frame(demo_user("admin"))
    latest = frame.loc[(frame["rule"] == "lecture_visit") & frame["effective"].notna()]
    by_level = dict(zip(latest["level"], latest["at_least"]))
    assert by_level["school"] == 2 and by_level["deputy"] == 1 and by_level["head"] == 1


@pytest.mark.parametrize("bad, where", [
    ({"face_to_face": {"at_least": -1}}, "face_to_face"),
    ({"face_to_face": {"per": "fortnight"}}, "per"),
    ({"no_such_rule": {"at_least": 1}}, "no_such_rule"),
])
def test_invalid_requirements_are_refused_and_nothing_changes(demo_db, bad, where):
    from compliance.rules import RulesError
    from services import requirements as req

    before = req.in_force()
    with pytest.raises(RulesError) as e:
        req.add(demo_user("admin"), DEMO.start + timedelta(weeks=3), bad)
    assert where in " ".join(e.value.detail_lines("en"))
    assert req.in_force() == before and req.history(demo_user("admin")).empty


def test_grade_thresholds_and_confirmed_only(demo_db):
    from compliance.rules import RulesError
    from services import requirements as req

    admin = demo_user("admin")
    req.update_settings(admin, good=0.9, fairly_good=0.8, average=0.6, count_confirmed_only=True)
    s = req.settings(admin)
    assert (s["good"], s["fairly_good"], s["average"], s["count_confirmed_only"]) == (0.9, 0.8, 0.6, True)
    with pytest.raises(RulesError):
        req.update_settings(admin, good=0.5)                  # 好 below 较好
    assert req.settings(admin)["good"] == 0.9 and len(req.history(admin)) == 1


@pytest.mark.parametrize("role", ROLES)
def test_only_the_admin_reads_or_changes_the_requirements(demo_db, role):
    from services import requirements as req
    from services.access import AccessDenied

    user = demo_user(role)
    calls = {
        "frame": lambda: req.frame(user),
        "settings": lambda: req.settings(user),
        "history": lambda: req.history(user),
        "add": lambda: req.add(user, DEMO.start, {"face_to_face": {"at_least": 2}}),
        "update_settings": lambda: req.update_settings(user, good=0.96),
    }
    for call in calls.values():
        if role == "admin":
            call()
        else:
            with pytest.raises(AccessDenied):
                call()
    if role != "admin":
        assert req.history(demo_user("admin")).empty


def test_a_level_threshold_applies_to_that_levels_cadres_on_the_dashboard(demo_db):
    from services import compliance_view as cv
    from services import requirements as req

    inputs = cv.load_inputs()
    level = inputs.cadres.set_index("cadre_id")["level"]
    req.add(demo_user("admin"), DEMO.start, {"lecture_visit": {"levels": {"school": {"at_least": 2}}}})
    st = cv.compute(cv.load_inputs(), LAST_DAY).ev.status
    lv = st.loc[(st["rule"] == "lecture_visit") & (st["status"] != "exempt")]
    lv = lv.assign(level=lv["cadre_id"].map(level))
    assert set(lv.loc[lv["level"] == "school", "required"]) == {2}
    assert set(lv.loc[lv["level"] != "school", "required"]) == {1}


def test_counting_confirmed_entries_only_applies_on_the_dashboard(demo_db):
    from services import compliance_view as cv
    from services import requirements as req
    from services import review

    before = _f2f()
    req.update_settings(demo_user("admin"), count_confirmed_only=True)
    after = _f2f()
    assert after["done"].sum() < before["done"].sum()
    # an entry the college confirms counts again at once
    college = demo_user("college")
    pending = review.entries(college, cv.load_inputs(), "pending")
    led = cv.load_inputs().ledger
    f2f = led.loc[led["activity_id"].isin(set(pending["activity_id"])) & (led["type"] == "face_to_face")
                  & (led["venue"] != "网络")]
    review.confirm(college, cv.load_inputs(), list(f2f["activity_id"][:1]))
    assert _f2f()["done"].sum() == after["done"].sum() + 1


def test_the_cadres_own_page_and_the_leaders_drilldown_agree(demo_db):
    """Under a per-level requirement, the cadre's own progress (evaluated on their rows alone) and
    the leader's drill-down (the university's evaluation) show the same periods and statuses."""
    from services import compliance_view as cv
    from services import coverage, ledger
    from services import requirements as req

    me = demo_user("cadre")
    inputs = cv.load_inputs()
    my_level = inputs.cadres.set_index("cadre_id").at[me.cadre_id, "level"]
    req.add(demo_user("admin"), DEMO.start, {"face_to_face": {"levels": {my_level: {"at_least": 2}}}})
    inputs = cv.load_inputs()
    own = ledger.cadre_progress(me, inputs, me.cadre_id, LAST_DAY)["status"]
    card = coverage.scorecard(demo_user("leader"), cv.compute(inputs, LAST_DAY), me.cadre_id)["status"]
    cols = ["rule", "period", "required", "done", "status"]
    pd.testing.assert_frame_equal(own[cols].reset_index(drop=True), card[cols].reset_index(drop=True))
    assert set(own.loc[own["rule"] == "face_to_face", "required"]) <= {0, 2}
