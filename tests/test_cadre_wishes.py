"""Wishes in the app (issue 14): the admin opens a collection, cadres answer their own, the deadline
holds, invalid picks are refused with a clear message, and the round reads the answers through
`services.wishes.wishes_as_inputs` as canonical preferences and forbids."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.fixtures_app import demo_user

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def cadre(cadre_id: str, username: str = "other-cadre"):
    from store.auth import UserInfo
    return UserInfo(id=0, username=username, display_name=username, role="cadre", college=None, cadre_id=cadre_id)


@pytest.fixture
def opened(demo_db):
    from services import wishes

    admin = demo_user("admin")
    col = wishes.open_collection(admin, "2026秋 意向征集", datetime.now(UTC) + timedelta(days=7), 3)
    opts = wishes.choices(admin)
    return col, opts


def _pick(opts, kind, i=0):
    return list(opts[kind])[i]


def test_a_cadre_states_ranked_wishes_and_conflicts(opened):
    from services import wishes

    col, opts = opened
    me = demo_user("cadre")
    w = [{"kind": "class", "value": _pick(opts, "class")}, {"kind": "college", "value": _pick(opts, "college")},
         {"kind": "grade", "value": _pick(opts, "grade")}]
    c = [{"kind": "college", "value": _pick(opts, "college", 1), "reason": "配偶在该学院任教"}]
    wishes.save_answer(me, col.id, w, c)
    mine, conf = wishes.my_answer(me, col.id)
    assert list(mine["rank"]) == [1, 2, 3] and list(mine["kind"]) == ["class", "college", "grade"]
    assert list(conf["college"]) == [_pick(opts, "college", 1)] and conf["reason"].iloc[0] == "配偶在该学院任教"
    # answering again replaces, never duplicates
    wishes.save_answer(me, col.id, w[:1], [])
    mine, conf = wishes.my_answer(me, col.id)
    assert len(mine) == 1 and conf.empty
    status = wishes.answers(demo_user("admin"), col.id)["status"]
    assert bool(status.set_index("cadre_id").at[me.cadre_id, "answered"])


def test_invalid_picks_are_refused_with_every_problem_named(opened):
    from services import wishes

    col, opts = opened
    me = demo_user("cadre")
    bad = [{"kind": "class", "value": "NO-SUCH-CLASS"}, {"kind": "planet", "value": "Mars"},
           {"kind": "college", "value": _pick(opts, "college")}, {"kind": "college", "value": _pick(opts, "college")}]
    with pytest.raises(wishes.WishError) as err:
        wishes.save_answer(me, col.id, bad, [{"kind": "class", "value": _pick(opts, "class"), "reason": ""}])
    zh, en = err.value.message("zh"), err.value.message("en")
    assert "最多 3 个" in zh and "NO-SUCH-CLASS" in zh and "不在名单中" in zh and "planet" in zh
    assert "重复" in zh and "回避原因" in zh
    assert "not on the roster" in en and "at most 3" in en
    mine, conf = wishes.my_answer(me, col.id)
    assert mine.empty and conf.empty        # nothing half-written
    same = _pick(opts, "class")
    with pytest.raises(wishes.WishError, match="既是意向又要回避"):
        wishes.save_answer(me, col.id, [{"kind": "class", "value": same}],
                           [{"kind": "class", "value": same, "reason": "亲属"}])


def test_after_the_deadline_nothing_changes(opened):
    from services import wishes

    col, opts = opened
    me = demo_user("cadre")
    wishes.save_answer(me, col.id, [{"kind": "class", "value": _pick(opts, "class")}], [])
    late = col.deadline + timedelta(seconds=1)
    with pytest.raises(wishes.WishError, match="已于 .* 截止"):
        wishes.save_answer(me, col.id, [], [], now=late)
    assert len(wishes.my_answer(me, col.id)[0]) == 1
    wishes.set_deadline(demo_user("admin"), col.id, datetime.now(UTC) - timedelta(minutes=1))
    with pytest.raises(wishes.WishError, match="截止"):
        wishes.save_answer(me, col.id, [], [])


def test_open_collection_checks_its_settings(demo_db):
    from services import wishes
    from services.access import AccessDenied

    with pytest.raises(wishes.WishError) as err:
        wishes.open_collection(demo_user("admin"), " ", NOW - timedelta(days=1), 0, now=NOW)
    assert "名称" in err.value.message("zh") and "截止时间" in err.value.message("zh") and "意向数上限" in err.value.message("zh")
    for role in ("cadre", "college", "leader", "planner"):
        with pytest.raises(AccessDenied):
            wishes.open_collection(demo_user(role), "x", NOW + timedelta(days=1), 3, now=NOW)


def test_only_own_answer_and_only_the_admin_sees_reasons(opened):
    from services import wishes
    from services.access import AccessDenied

    col, opts = opened
    me = demo_user("cadre")
    other = cadre("NO-SUCH-CADRE-LINK", "ghost")
    wishes.save_answer(me, col.id, [], [{"kind": "class", "value": _pick(opts, "class"), "reason": "子女在读"}])
    # another cadre reads only their own (empty) answer, never mine
    mine, conf = wishes.my_answer(other, col.id)
    assert mine.empty and conf.empty
    for role in ("college", "leader", "planner", "cadre"):
        with pytest.raises(AccessDenied):
            wishes.answers(demo_user(role), col.id)
    assert wishes.answers(demo_user("admin"), col.id)["conflicts"]["reason"].tolist() == ["子女在读"]
    for role in ("college", "leader", "admin"):
        with pytest.raises(AccessDenied):
            wishes.save_answer(demo_user(role), col.id, [], [])


def test_reminder_list_names_who_has_not_answered(opened):
    import io

    from openpyxl import load_workbook

    from services import wishes

    col, _ = opened
    admin, me = demo_user("admin"), demo_user("cadre")
    before = wishes.reminder_list(admin, col.id)
    assert me.cadre_id in set(before["cadre_id"])
    wishes.save_answer(me, col.id, [], [])
    after = wishes.reminder_list(admin, col.id)
    assert me.cadre_id not in set(after["cadre_id"]) and len(after) == len(before) - 1
    ws = load_workbook(io.BytesIO(wishes.reminder_xlsx(admin, col.id))).active
    assert ws.max_row == len(after) + 1 and ws.cell(2, 1).data_type == "s"
    # user text is written as text, never as a formula
    from sqlalchemy import update

    from services.db import session_scope
    from store.models import Cadre
    victim = str(after["cadre_id"].iloc[0])
    with session_scope() as s:
        s.execute(update(Cadre).where(Cadre.cadre_id == victim).values(name="=HYPERLINK(\"http://x\")"))
    ws = load_workbook(io.BytesIO(wishes.reminder_xlsx(admin, col.id))).active
    cells = [c for row in ws.iter_rows() for c in row if str(c.value).startswith("=HYPERLINK")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_wishes_become_round_inputs(opened):
    from importer.schema import SCHEMAS
    from services import wishes
    from services.access import AccessDenied

    col, opts = opened
    me = demo_user("cadre")
    cls, college = _pick(opts, "class"), _pick(opts, "college", 1)
    wishes.save_answer(me, col.id, [{"kind": "class", "value": cls}, {"kind": "grade", "value": _pick(opts, "grade")}],
                       [{"kind": "college", "value": college, "reason": "配偶任院长"}])
    prefs, cons = wishes.wishes_as_inputs(demo_user("planner"))
    assert list(prefs.columns) == [c.id for c in SCHEMAS["preferences"].columns]
    assert list(cons.columns) == [c.id for c in SCHEMAS["constraints"].columns]
    assert prefs[["cadre_id", "rank", "kind", "value"]].values.tolist() == [
        [me.cadre_id, 1, "class", cls], [me.cadre_id, 2, "grade", _pick(opts, "grade")]]
    assert cons[["type", "cadre_id", "class_id", "college", "reason"]].values.tolist() == [
        ["forbid", me.cadre_id, "", college, "本人申报回避：配偶任院长"]]
    # the frames pass the solver's input checks: a round can use them as they are
    from matching import MatchingInput, load_config, solve
    from services.db import session_scope
    from store import data as store_data
    with session_scope() as s:
        cad, classes = store_data.load_kind(s, "cadres"), store_data.load_kind(s, "classes")
    res = solve(MatchingInput(cad, classes, preferences=prefs, constraints=cons),
                load_config(None).replace(time_limit_s=20.0, seed=0, workers=1))
    got = res.assignment.set_index("cadre_id")
    assert got.at[me.cadre_id, "college"] != college
    for role in ("cadre", "college", "leader"):
        with pytest.raises(AccessDenied):
            wishes.wishes_as_inputs(demo_user(role))
