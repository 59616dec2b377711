"""AppTest of 工作要求 / Requirements: the admin sees what is in force, saves a version with an
effective date and other 等次 thresholds; invalid settings show a clear error and change nothing;
other roles do not get the page."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.demo_facts import autumn_day
from ui.requirements.state import Keys

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "requirements.py")


def _open(as_role, role: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    as_role(at, role)
    at.run()
    return at


def _table(at, key):
    return at.container(key=f"{key}_box").dataframe[0].value


def test_admin_saves_a_version_for_one_level(demo_db, as_role):
    from services import requirements as req
    from tests.fixtures_app import demo_user

    at = _open(as_role, "admin")
    assert not at.exception, at.exception
    before = _table(at, Keys.TABLE)
    assert "每周面对面接触学生" in set(before["工作要求"]) and {"校领导", "中层副职"} <= set(before["层级"])
    at.selectbox(key=Keys.RULE).set_value("face_to_face")
    at.selectbox(key=Keys.LEVEL).set_value("school")
    at.number_input(key=Keys.AT_LEAST).set_value(2)
    at.selectbox(key=Keys.PER).set_value("week")
    at.multiselect(key=Keys.TYPES).set_value(["face_to_face"])
    at.multiselect(key=Keys.EXCLUDE).set_value(["网络"])
    at.date_input(key=Keys.EFFECTIVE).set_value(autumn_day(6))
    at.text_input(key=Keys.NOTE).set_value("校党委〔测试〕1号")
    at.button(key=f"FormSubmitter:{Keys.SAVE_VERSION}-保存新版本").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success and str(autumn_day(6)) in at.success[0].value.replace("\\", "")
    v = req.in_force().versions[-1]
    assert v.effective == autumn_day(6) and v.note == "校党委〔测试〕1号"
    assert v.rule("face_to_face", "school").at_least == 2 and v.rule("face_to_face", "deputy").at_least == 1
    assert len(req.history(demo_user("admin"))) == 1
    assert len(_table(at, Keys.TABLE)) > len(before)


def test_grade_thresholds_out_of_order_show_an_error_and_change_nothing(demo_db, as_role):
    from services import requirements as req
    from tests.fixtures_app import demo_user

    at = _open(as_role, "admin")
    at.number_input(key=Keys.GOOD).set_value(0.5)
    at.button(key=f"FormSubmitter:{Keys.SAVE_SETTINGS}-保存设置").click().run()
    assert not at.exception
    assert at.error and "工作要求有误" in at.error[0].value
    assert req.history(demo_user("admin")).empty
    at.number_input(key=Keys.GOOD).set_value(0.9)
    at.radio(key=Keys.CONFIRMED_ONLY).set_value(True)
    at.button(key=f"FormSubmitter:{Keys.SAVE_SETTINGS}-保存设置").click().run()
    assert not at.error and req.settings(demo_user("admin"))["count_confirmed_only"] is True


@pytest.mark.parametrize("role", ["leader", "planner", "college", "cadre"])
def test_only_the_admin_gets_the_page(demo_db, as_role, role):
    at = _open(as_role, role)
    with pytest.raises(KeyError):
        at.selectbox(key=Keys.RULE)


def test_requirements_table_in_english_names_rules_and_venues_in_english(demo_db, as_role):
    """Issue 17: in English the table still said 每周面对面接触学生 and 宿舍."""
    from common import vocabulary as voc
    from ui.i18n import LANG_KEY

    at = AppTest.from_file(PAGE, default_timeout=90)
    as_role(at, "admin")
    at.session_state[LANG_KEY] = "en"
    at.run()
    assert not at.exception, at.exception
    table = _table(at, Keys.TABLE)
    names = set(table["Requirement"])
    assert names and not any(any("\u4e00" <= ch <= "\u9fff" for ch in str(x)) for x in names), names
    shown_venues = " ".join(map(str, table["Venues counted"])) + " ".join(map(str, table["Venues not counted"]))
    assert not any(v in shown_venues for v in voc.VENUES), shown_venues
    assert set(at.multiselect(key=Keys.VENUES).options) == {t.en for t in voc.VENUES.values()}
