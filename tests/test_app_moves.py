"""分配轮次 › 调整 / 对比 / 记录 with AppTest (issue 12, 2): a move or a swap is previewed pair by pair
and saved only when confirmed; the diff shows the previous revision and the round in force side
by side; any earlier revision can be restored; messages name rounds #N vK."""
from __future__ import annotations

from datetime import timedelta

from test_app_rounds import finish_job, frame_with, page, solved_round, texts
from test_services_moves import _holder_move, _one_class, _pairs

from services import round_adjust as adjusting
from services import round_lifecycle as lifecycle
from services.round_rules import RoundsError
from tests.demo_facts import LAST_DAY
from tests.fixtures_app import demo_user
from ui.rounds.state import Keys


def admin():
    return demo_user("admin")


def _moved(as_role, lang="zh"):
    rid = solved_round()
    info = lifecycle.get_round(admin(), rid)
    mover, target, holder = _holder_move(info)
    at = page(as_role, lang=lang, **{Keys.PICK: rid}, **{Keys.SECTION: "adjust"})
    at.selectbox(key=Keys.ADJUST_CADRE).set_value(mover).run()
    at.selectbox(key=Keys.ADJUST_TARGET).set_value(target).run()
    at.button(key=Keys.ADJUST_MOVE).click().run()
    finish_job(at)
    assert not at.exception
    return at, rid, info, mover, target, holder


def test_a_move_is_previewed_pair_by_pair_then_saved_on_confirm(demo_db, as_role):
    at, rid, info, mover, target, holder = _moved(as_role)
    shown = frame_with(at, "原班级", "新班级", "原匹配度", "新匹配度", "代价")
    assert set(shown["工号"]) == {mover, holder}                       # only the mover and who must yield
    assert at.session_state[Keys.PICK] == rid and len(lifecycle.list_rounds(admin())) == 2   # nothing saved yet
    assert {m.label for m in at.metric} >= {"变动的干部", "总代价（匹配度减少）"}
    at.button(key=Keys.ADJUST_CONFIRM).click().run()
    assert not at.exception
    new = at.session_state[Keys.PICK]
    rev = lifecycle.get_round(admin(), new)
    assert any(s.startswith(f"已保存为 #{rid} v2：手动调整") for s in texts(at.success)), texts(at.success)
    changed = {c for c, _ in _pairs(rev.assignment) - _pairs(info.assignment)}
    assert changed == set(shown["工号"])                               # the preview listed exactly these
    # the cadre picker shows the class the cadre holds now
    at.radio(key=Keys.SECTION).set_value("调整").run()
    name = rev.inputs["classes"].set_index("class_id").loc[target, "name"]
    opts = at.selectbox(key=Keys.ADJUST_CADRE).options
    assert any(f"→ {name}" in o and f"（{mover}）" in o for o in opts), [o for o in opts if mover in o]


def test_a_swap_is_previewed_without_a_solve_and_can_be_dropped(demo_db, as_role):
    rid = solved_round()
    info = lifecycle.get_round(admin(), rid)
    cands = _one_class(info)
    pair = None
    for a in cands[:12]:
        for b in cands[:12]:
            if a < b:
                try:
                    adjusting.preview_swap(admin(), rid, a, b)
                except RoundsError:
                    continue
                pair = (a, b)
                break
        if pair:
            break
    assert pair, "the demo has an allowed swap"
    at = page(as_role, **{Keys.PICK: rid}, **{Keys.SECTION: "adjust"})
    at.selectbox(key=Keys.ADJUST_CADRE).set_value(pair[0]).run()
    at.selectbox(key=Keys.ADJUST_SWAP_WITH).set_value(pair[1]).run()
    at.button(key=Keys.ADJUST_SWAP).click().run()
    assert not at.exception and (Keys.JOB not in at.session_state or at.session_state[Keys.JOB] is None)
    shown = frame_with(at, "原班级", "新班级", "代价")
    assert sorted(shown["工号"]) == sorted(pair)
    assert any("直接对调" in c for c in texts(at.caption))
    at.button(key=Keys.ADJUST_DROP).click().run()
    assert Keys.ADJUST_PLAN not in at.session_state and len(lifecycle.list_rounds(admin())) == 2


def test_diff_against_the_previous_revision_and_the_round_in_force_side_by_side(demo_db, as_role):
    at, rid, _, mover, _, holder = _moved(as_role)
    at.button(key=Keys.ADJUST_CONFIRM).click().run()
    at.radio(key=Keys.SECTION).set_value("对比").run()
    assert not at.exception
    prev = frame_with(at, "上一版本班级", "本版本班级")
    assert set(prev["工号"]) == {mover, holder}
    pub = frame_with(at, "现行班级", "本轮班级", "原因")
    assert len(pub)
    heads = " ".join(texts(at.markdown))
    assert f"与上一版本 #{rid} v1 对比" in heads and "与现行分配 #1 v1 对比" in heads


def test_diff_of_a_first_revision_says_so(demo_db, as_role):
    rid = solved_round()
    at = page(as_role, **{Keys.PICK: rid}, **{Keys.SECTION: "diff"})
    assert "这是本轮的第一版。" in texts(at.info)
    assert len(frame_with(at, "原因"))


def test_restore_an_earlier_revision_from_the_history(demo_db, as_role):
    at, rid, info, *_ = _moved(as_role)
    at.button(key=Keys.ADJUST_CONFIRM).click().run()
    at.radio(key=Keys.SECTION).set_value("记录与重算").run()
    revs = frame_with(at, "版本", "如何得来")
    assert list(revs["版本"]) == [f"#{rid} v2", f"#{rid} v1"]
    assert revs["如何得来"].iloc[0].startswith("手动调整")
    at.selectbox(key=Keys.RESTORE_PICK).set_value(rid).run()
    at.button(key=Keys.RESTORE_GO).click().run()
    assert not at.exception
    assert f"已恢复：#{rid} v3 与 #{rid} v1 相同" in texts(at.success)
    back = lifecycle.get_round(admin(), at.session_state[Keys.PICK])
    assert _pairs(back.assignment) == _pairs(info.assignment)


def test_the_preview_in_english(demo_db, as_role):
    # (a fresh AppTest with the plan in the session: AppTest's setters format options in Chinese)
    rid = solved_round()
    mover, target, _ = _holder_move(lifecycle.get_round(admin(), rid))
    plan = adjusting.preview(admin(), rid, "move", mover, target)
    at = page(as_role, lang="en", **{Keys.PICK: rid}, **{Keys.SECTION: "adjust"}, **{Keys.ADJUST_PLAN: plan})
    assert not at.exception
    assert len(frame_with(at, "From class", "To class", "Fit before", "Fit after", "Cost"))
    assert any(m.startswith(f"##### Preview: adjusting #{rid} v1") for m in texts(at.markdown))
    assert f"move {mover} → {target}" in texts(at.text)


def test_messages_name_a_revision_by_number_and_version_never_its_id(demo_db, as_role):
    at, rid, *_ = _moved(as_role)
    at.button(key=Keys.ADJUST_CONFIRM).click().run()
    new = at.session_state[Keys.PICK]
    assert new != rid                                    # v2 has its own id, but is called #rid v2
    at.radio(key=Keys.SECTION).set_value("发布与导出").run()
    assert any(c.startswith("现行分配 #1 v1") for c in texts(at.caption))
    at.date_input(key=Keys.PUBLISH_DATE).set_value(LAST_DAY + timedelta(days=3))
    at.checkbox(key=Keys.PUBLISH_CONFIRM).check().run()
    at.checkbox(key=Keys.PUBLISH_WARNINGS_OK).check().run()
    at.button(key=Keys.PUBLISH_GO).click().run()
    assert not at.exception
    assert any(s.startswith(f"已发布 #{rid} v2，") for s in texts(at.success)), texts(at.success)
    assert not any(f"#{new}" in s for s in texts(at.success))
    assert lifecycle.get_round(admin(), new).status == "published"


def test_discarding_a_revision_names_it_by_number_and_version(demo_db, as_role):
    at, rid, *_ = _moved(as_role)
    at.button(key=Keys.ADJUST_CONFIRM).click().run()
    at.button(key=Keys.DISCARD).click().run()
    assert not at.exception
    assert f"已归档草稿 #{rid} v2" in texts(at.info), texts(at.info)
