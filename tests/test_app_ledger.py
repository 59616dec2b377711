"""AppTest of 工作台账 / My ledger: a cadre adds, sees and deletes only their own activities."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.ledger.state import Keys

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "ledger.py")


def _day() -> date:
    """The page's default as-of date: today clamped into the demo calendar (never in the future)."""
    from services import compliance_view as cv
    return cv.default_as_of(cv.load_inputs())


def _table(at, key):
    return at.container(key=f"{key}_box").dataframe[0].value


def _open(as_role, role: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    as_role(at, role)
    at.run()
    assert not at.exception, at.exception
    return at


def _stored(cadre_id: str):
    from services import compliance_view as cv
    led = cv.load_inputs().ledger
    return led.loc[led["cadre_id"] == cadre_id]


def _fill(at, **values):
    at.date_input(key=Keys.DATE).set_value(values.get("date") or _day())
    at.selectbox(key=Keys.TYPE).set_value(values.get("type", "face_to_face"))
    at.selectbox(key=Keys.VENUE).set_value(values.get("venue", "宿舍"))
    at.number_input(key=Keys.STUDENTS).set_value(values.get("students", 8))
    at.text_area(key=Keys.SUMMARY).set_value(values.get("summary", "走访宿舍，了解学生作息"))
    at.form_submit_button[0].click().run()
    assert not at.exception, at.exception


def test_cadre_adds_an_activity_and_sees_it_in_list_and_progress(demo_db, as_role):
    at = _open(as_role, "cadre")
    me = at.session_state["user"].cadre_id
    rows_before = len(_table(at, Keys.TABLE))
    assert rows_before == len(_stored(me))
    prog = _table(at, Keys.PROGRESS).set_index("规则")
    f2f_before = int(prog.loc["每周面对面接触学生", "已完成"])
    periods = _table(at, Keys.PERIODS)
    from services import compliance_view as cv
    whole = cv.compute(cv.load_inputs(), _day()).ev.status          # the full evaluation's rows of this cadre
    assert len(periods) == (whole["cadre_id"] == me).sum() > 15
    assert set(periods["状态"]) <= {"达标", "未达标", "进行中", "免予考核"}

    _fill(at, summary="期末周走访宿舍（测试）")
    assert not at.error and at.success and "已保存" in at.success[0].value
    stored = _stored(me)
    assert len(stored) == rows_before + 1
    new = stored.loc[stored["summary"] == "期末周走访宿舍（测试）"].iloc[0]
    assert new["type"] == "face_to_face" and new["venue"] == "宿舍" and new["date"].date() == _day()
    assert int(new["students"]) == 8
    table = _table(at, Keys.TABLE)
    assert len(table) == rows_before + 1 and "期末周走访宿舍（测试）" in set(table["内容"])
    prog = _table(at, Keys.PROGRESS).set_index("规则")
    assert int(prog.loc["每周面对面接触学生", "已完成"]) == f2f_before + 1

    # the same activity twice is refused (its id is derived from its content)
    _fill(at, summary="期末周走访宿舍（测试）")
    assert at.error and "已存在" in at.error[0].value
    assert len(_stored(me)) == rows_before + 1


@pytest.mark.parametrize("values, message", [
    ({"type": "face_to_face", "venue": ""}, "“面对面交流”活动必须填写场所"),
    ({"date": date.today() + timedelta(days=30)}, "不能记录未来的活动"),
])
def test_invalid_input_is_refused_with_a_clear_message(demo_db, as_role, values, message):
    at = _open(as_role, "cadre")
    me = at.session_state["user"].cadre_id
    n = len(_stored(me))
    _fill(at, **values)
    assert at.error and message in at.error[0].value and at.error[0].value.startswith("未保存")
    assert not at.success
    assert len(_stored(me)) == n          # nothing written


def test_a_cadre_sees_only_their_own_ledger(demo_db, as_role):
    at = _open(as_role, "cadre")
    me = at.session_state["user"].cadre_id
    from services import compliance_view as cv
    led = cv.load_inputs().ledger
    other = next(c for c in led["cadre_id"].unique() if c != me)
    # no cadre picker for a cadre, and a forged picker value is ignored
    with pytest.raises(KeyError):
        at.selectbox(key=Keys.CADRE)
    at.session_state[Keys.CADRE] = other
    at.run()
    ids = set(_table(at, Keys.TABLE)["编号"])
    assert ids == set(led.loc[led["cadre_id"] == me, "activity_id"])
    assert not ids & set(led.loc[led["cadre_id"] == other, "activity_id"])
    assert len(at.selectbox(key=Keys.ENTRY_PICK).options) == len(ids)


def test_cadre_withdraws_an_own_entry_with_a_reason(demo_db, as_role):
    at = _open(as_role, "cadre")
    me = at.session_state["user"].cadre_id
    n = len(_stored(me))
    victim = at.selectbox(key=Keys.ENTRY_PICK).value
    at.button(key=Keys.WITHDRAW).click().run()           # no reason: refused, nothing changes
    assert at.error and "原因" in at.error[0].value and len(_stored(me)) == n
    at.text_input(key=Keys.WITHDRAW_REASON).input("重复录入").run()
    at.button(key=Keys.WITHDRAW).click().run()
    assert not at.exception
    assert at.success and victim in at.success[0].value.replace("\\", "")   # shown Markdown-escaped
    stored = _stored(me)
    assert len(stored) == n - 1 and victim not in set(stored["activity_id"])
    assert victim not in set(_table(at, Keys.TABLE)["编号"])
    assert at.text_input(key=Keys.WITHDRAW_REASON).value == ""


def test_admin_picks_any_cadre_and_records_for_them(demo_db, as_role):
    at = _open(as_role, "admin")
    pick = at.selectbox(key=Keys.CADRE)
    other = pick.options[5]
    cadre_id = other[other.rindex("（") + 1:-1]
    pick.set_value(cadre_id).run()
    assert set(_table(at, Keys.TABLE)["编号"]) == set(_stored(cadre_id)["activity_id"])
    n = len(_stored(cadre_id))
    _fill(at, type="report", venue="", summary="向党委汇报带班情况")
    assert at.success, [e.value for e in at.error]
    assert len(_stored(cadre_id)) == n + 1
    from services.data import audit_rows
    from tests.fixtures_app import demo_user
    assert audit_rows(demo_user("admin"), limit=1)["actor"].iloc[0] == "admin"


def test_cadre_attaches_a_photo_sees_it_and_removes_it(demo_db, as_role):
    import io

    from PIL import Image

    from services import evidence
    from tests.fixtures_app import demo_user

    at = _open(as_role, "cadre")
    aid = at.selectbox(key=Keys.ENTRY_PICK).value
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 90, 0)).save(buf, "PNG")
    att = evidence.attach(demo_user("cadre"), aid, "photo.png", buf.getvalue())   # the uploader's service call
    at.run()
    at.button(key=f"mine_rm_{att}").click().run()
    assert not at.exception and at.success and "已移除" in at.success[0].value
    assert evidence.list_attachments(demo_user("cadre"), [aid]) == []


def test_a_returned_entry_is_listed_first_and_fixed_by_its_cadre(demo_db, as_role):
    from services import compliance_view as cv
    from services import ledger, review
    from tests.fixtures_app import demo_user

    me = demo_user("cadre")
    mine = _stored(me.cadre_id)
    past = mine.loc[mine["date"].dt.date <= date.today()]      # the demo runs to the year's end; a fix is re-checked
    victim = str(past.sort_values("date")["activity_id"].iloc[-1])
    review.return_entry(demo_user("admin"), cv.load_inputs(), victim, "请写明地点")
    at = _open(as_role, "cadre")
    assert at.warning and "被学院退回" in at.warning[0].value
    assert at.selectbox(key=Keys.ENTRY_PICK).value == victim
    assert any("请写明地点" in w.value for w in at.warning)
    at.text_area(key=f"{Keys.FIX_SUMMARY}_{victim}").input("在食堂与学生交流")
    at.button(key=f"FormSubmitter:{Keys.FIX_FORM}_{victim}-保存修改并重新提交").click().run()
    assert not at.exception and at.success and "重新提交" in at.success[0].value
    assert victim not in set(ledger.entry_status(me, me.cadre_id)["activity_id"])
    assert _stored(me.cadre_id).set_index("activity_id").at[victim, "summary"] == "在食堂与学生交流"
