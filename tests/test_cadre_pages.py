"""AppTests of the cadre pages (issue 14): Home = my class with 确认知晓, My wishes, the admin's Wish
collection, and the college's Confirm ledgers page."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.fixtures_app import demo_user

PAGES = Path(__file__).resolve().parent.parent / "pages"


def _open(as_role, page: str, role: str) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=90)
    as_role(at, role)
    at.run()
    assert not at.exception, at.exception
    return at


def test_cadre_home_shows_the_class_and_takes_the_acknowledgement(demo_db, as_role):
    from services import acknowledge
    from ui.home.state import Keys

    at = _open(as_role, "home.py", "cadre")
    texts = " ".join(t.value for t in at.text)
    assert "我的班级" in [h.value for h in at.header]
    assert "本学期" in texts and "人" in texts
    assert at.subheader and any(s.value == "待完成" for s in at.subheader)
    at.button(key=Keys.ACK).click().run()
    assert not at.exception and at.success and "已确认知晓" in at.success[0].value
    assert acknowledge.my_status(demo_user("cadre"))["acknowledged_at"] is not None
    import pytest
    with pytest.raises(KeyError):
        at.button(key=Keys.ACK)          # gone once acknowledged


def test_admin_opens_a_collection_and_the_cadre_answers(demo_db, as_role):
    from services import wishes
    from ui.wishes.state import Keys

    at = _open(as_role, "wish_rounds.py", "admin")
    at.number_input(key=Keys.MAX).set_value(2)
    at.button(key=Keys.OPEN).click().run()
    assert not at.exception and at.success
    col = wishes.current(demo_user("admin"))
    assert col.max_wishes == 2 and col.is_open()

    me = _open(as_role, "wishes.py", "cadre")
    me.selectbox(key=Keys.at(Keys.KIND, 1)).set_value("college").run()
    college = me.selectbox(key=Keys.at(Keys.VALUE, 1)).options[0]
    me.selectbox(key=Keys.at(Keys.CONFLICT_KIND, 1)).set_value("class").run()
    me.button(key=Keys.SAVE).click().run()             # a conflict without a reason: refused, named
    assert me.error and "回避原因" in me.error[0].value
    assert wishes.my_answer(demo_user("cadre"), col.id)[0].empty
    me.text_input(key=Keys.at(Keys.CONFLICT_REASON, 1)).input("子女在该班").run()
    me.button(key=Keys.SAVE).click().run()
    assert not me.exception and me.success, [e.value for e in me.error]
    mine, conflicts = wishes.my_answer(demo_user("cadre"), col.id)
    assert mine[["rank", "kind", "value"]].values.tolist() == [[1, "college", college]]
    assert conflicts["reason"].tolist() == ["子女在该班"]

    back = _open(as_role, "wish_rounds.py", "admin")
    assert "1 / " in back.metric[0].value
    wishes.set_deadline(demo_user("admin"), col.id, datetime.now(UTC) - timedelta(seconds=1))
    closed = _open(as_role, "wishes.py", "cadre")
    assert closed.warning and "已截止" in closed.warning[0].value
    import pytest
    with pytest.raises(KeyError):
        closed.button(key=Keys.SAVE)


def test_college_confirms_in_bulk_and_returns_with_a_reason(demo_db, as_role):
    from services import compliance_view as cv
    from services import review
    from ui.confirm.state import Keys

    at = _open(as_role, "confirm.py", "college")
    pending = at.container(key=f"{Keys.TABLE}_box").dataframe[0].value
    college = demo_user("college")
    scoped = review.entries(college, cv.load_inputs(), "pending")
    assert len(pending) == len(scoped) > 0
    from ui.confirm.review import MAX_PICKS  # the pick list offers the newest MAX_PICKS at most
    assert len(at.multiselect(key=Keys.PICK).options) == min(len(scoped), MAX_PICKS)
    at.multiselect(key=Keys.PICK).set_value(list(scoped["activity_id"][:2])).run()
    at.button(key=Keys.CONFIRM).click().run()
    assert not at.exception and at.success and "已确认 2 条" in at.success[0].value
    at.button(key=Keys.RETURN).click().run()            # no reason: refused
    assert at.error and "原因" in at.error[0].value
    at.text_input(key=Keys.RETURN_REASON).input("请补充照片").run()
    at.button(key=Keys.RETURN).click().run()
    assert at.success and "已退回" in at.success[0].value
    after = review.entries(college, cv.load_inputs())
    assert (after["review_status"] == "confirmed").sum() == 2
    assert after.loc[after["review_status"] == "returned", "review_reason"].tolist() == ["请补充照片"]


def test_nav_lists_the_new_pages_for_their_roles():
    from ui.nav import pages_for

    def paths(role):
        return {p.path for p in pages_for(role)}
    assert {"pages/wishes.py", "pages/ledger.py"} <= paths("cadre") and "pages/confirm.py" not in paths("cadre")
    assert "pages/confirm.py" in paths("college") and "pages/wish_rounds.py" not in paths("college")
    assert {"pages/confirm.py", "pages/wish_rounds.py"} <= paths("admin")


def test_admin_reviews_every_college_and_filters_by_cadre(demo_db, as_role):
    from services import compliance_view as cv
    from services import review
    from ui.confirm.review import MAX_PICKS
    from ui.confirm.state import Keys

    at = _open(as_role, "confirm.py", "admin")
    every = review.entries(demo_user("admin"), cv.load_inputs(), "pending")
    assert len(at.container(key=f"{Keys.TABLE}_box").dataframe[0].value) == len(every)
    assert len(at.multiselect(key=Keys.PICK).options) == min(len(every), MAX_PICKS)
    cadre = str(every["cadre_id"].iloc[0])
    at.selectbox(key=Keys.CADRE).set_value(cadre).run()
    shown = at.container(key=f"{Keys.TABLE}_box").dataframe[0].value
    assert len(shown) == int((every["cadre_id"] == cadre).sum())
    at.checkbox(key=Keys.ALL).check().run()
    at.button(key=Keys.CONFIRM).click().run()
    assert at.success and f"已确认 {len(shown)} 条" in at.success[0].value
    after = review.entries(demo_user("admin"), cv.load_inputs(), "confirmed")
    assert set(after["cadre_id"]) == {cadre}
