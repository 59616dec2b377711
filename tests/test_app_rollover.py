"""AppTest: the Data page's 学年换届 tab — upload next year's calendar, preview, confirm."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import generate_demo as gd
from tests.demo_facts import DEMO
from ui.rollover.state import Keys

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "data.py")


def _open(as_role, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=90)
    as_role(at, "admin")
    at.session_state["lang"] = lang
    return at.run()


def test_admin_previews_then_rolls_the_year_over(demo_db, as_role):
    from services.db import session_scope
    from store import data as sd
    from store import rounds

    at = _open(as_role)
    assert not at.exception, at.exception
    assert at.button(key=Keys.PREVIEW).disabled                     # nothing to preview without a calendar
    at.file_uploader(key=Keys.CALENDAR).upload("next.toml", gd.calendar_toml(DEMO.y + 1).encode()).run()
    at.button(key=Keys.PREVIEW).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = {m.label: m.value for m in at.metric}
    plan = at.session_state[Keys.PLAN]
    assert shown["毕业退出班级"] == str(len(plan.retired)) and shown["结束的班主任分配"] == str(len(plan.pairs_ended))
    steps = at.container(key=f"{Keys.STEPS}_box").dataframe[0].value
    assert list(steps.iloc[:, 0]) == ["一年级 → 二年级", "二年级 → 三年级", "三年级 → 四年级", "四年级 → 五年级"]
    retired = at.container(key=f"{Keys.RETIRED}_box").dataframe[0].value
    assert set(retired["班级编号"]) == set(plan.retired["class_id"])
    assert at.button(key=Keys.APPLY).disabled                       # confirm only after ticking "checked"
    with session_scope() as s:
        assert len(sd.load_calendar(s)) == 2                        # a preview writes nothing
    at.checkbox(key=Keys.CHECKED).check().run()
    at.button(key=Keys.APPLY).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("学年换届" in s.value and f"{len(plan.retired)} 个毕业班级退出" in s.value for s in at.success)
    with session_scope() as s:
        names = [t.name for t in sd.load_calendar(s)]
        drafts = rounds.list_rounds(s, status="draft")
    assert names[-2:] == [t.name for t in plan.new_terms] and [r.name for r in drafts] == [plan.round_name]


def test_a_calendar_of_the_same_year_is_refused_in_words(demo_db, as_role):
    at = _open(as_role)
    at.file_uploader(key=Keys.CALENDAR).upload("same.toml", gd.calendar_toml(DEMO.y).encode()).run()
    at.button(key=Keys.PREVIEW).click().run()
    assert not at.exception
    assert any("该学年已导入" in e.value for e in at.error) and Keys.PLAN not in at.session_state
