"""Issue 12 (1): promoting a scenario with hypothetical cadres — the other path besides refusing with the
list: map each stand-in to a real cadre (chosen in a form), validated (real ids, no duplicates, scope),
checked against every rule, promoted with the real ids; publishing still re-checks."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services import data as data_service
from services import round_lifecycle as lifecycle
from services import round_publish, uploads
from services import round_solve as solving
from services import scenarios as sc
from tests.demo_facts import publish_day
from tests.fixtures_app import demo_user
from ui.scenarios.state import Keys

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "scenarios.py")


def admin():
    return demo_user("admin")


def _hired(n: int, capacity: int = 1) -> list[str]:
    """n real cadres imported after the scenario was made (the people the stand-ins planned for)."""
    first = data_service.load_kind(admin(), "cadres").iloc[0].to_dict()
    ids = [f"T-REAL-{k}" for k in range(1, n + 1)]
    for k, cid in enumerate(ids, start=1):
        uploads.save_one(admin(), "cadres", first | {"cadre_id": cid, "name": f"新任干部{k}", "unit": "组织部",
                                                     "level": "deputy", "capacity": capacity})
    return ids


@pytest.fixture
def stand_ins(demo_db) -> tuple[int, list[str]]:
    sid = sc.create(demo_user("planner"), "假设干部推演")
    sc.add_edit(demo_user("planner"), sid, {"op": "add_hypothetical", "count": 2, "level": "deputy", "capacity": 1})
    opened = sc.solve_scenario(demo_user("planner"), sid)
    hypo = sorted(c for c in opened.assignment["cadre_id"] if c.startswith("H-"))
    assert hypo
    return sid, hypo


def _rounds() -> int:
    return len(lifecycle.list_rounds(admin()))


def test_choices_list_the_stand_ins_and_the_real_cadres_without_a_class(stand_ins):
    sid, hypo = stand_ins
    real = _hired(len(hypo))
    ch = sc.mapping_choices(admin(), sid)
    assert ch.needed and list(ch.cadres["cadre_id"]) == hypo and ch.classes.empty
    assert set(real) <= set(ch.real_cadres["cadre_id"])
    assigned = set(sc.get(admin(), sid).assignment["cadre_id"])
    assert not set(ch.real_cadres["cadre_id"]) & assigned
    with pytest.raises(Exception, match="管理员"):
        sc.mapping_choices(demo_user("planner"), sid)


def test_a_bad_mapping_is_refused_naming_each_problem_and_writes_nothing(stand_ins):
    sid, hypo = stand_ins
    real = _hired(len(hypo))
    taken = sc.get(admin(), sid).assignment.query("not cadre_id.str.startswith('H-')")["cadre_id"].iloc[0]
    n = _rounds()
    cases = [({hypo[0]: real[0]}, f"{hypo[-1]}"),                                    # one left unmapped
             (dict.fromkeys(hypo, real[0]), "只能对应一次"),                                 # the same real cadre twice
             ({**{h: r for h, r in zip(hypo, real)}, hypo[0]: "NOBODY"}, "NOBODY"),  # not a real id
             ({**{h: r for h, r in zip(hypo, real)}, hypo[0]: taken}, "已有配对"),      # already has a class
             ({**{h: r for h, r in zip(hypo, real)}, "H-999": real[0]}, "H-999")]     # not a stand-in
    for cadres, said in cases:
        with pytest.raises(sc.ScenarioError) as err:
            sc.promote(admin(), sid, mapping={"cadres": cadres})
        assert said in " ".join(err.value.detail_lines("zh")), (cadres, err.value.detail_lines("zh"))
    assert _rounds() == n


def test_a_mapping_that_breaks_a_rule_is_refused_naming_it(stand_ins):
    sid, hypo = stand_ins
    real = _hired(len(hypo), capacity=2)          # the real people take two classes: the stand-ins' one breaks it
    with pytest.raises(sc.ScenarioError) as err:
        sc.promote(admin(), sid, mapping={"cadres": dict(zip(hypo, real))})
    assert "带班数应为2" in " ".join(err.value.detail_lines("zh"))


def test_a_good_mapping_promotes_real_people_that_reproduce_and_publish(stand_ins):
    sid, hypo = stand_ins
    real = _hired(len(hypo))
    opened = sc.get(admin(), sid)
    held = dict(zip(opened.assignment["cadre_id"], opened.assignment["class_id"]))
    rid = sc.promote(admin(), sid, "对应后", mapping={"cadres": dict(zip(hypo, real))})
    info = lifecycle.get_round(admin(), rid)
    a = info.assignment
    assert info.status == "draft" and not a["cadre_id"].str.startswith("H-").any()
    got = dict(zip(a["cadre_id"], a["class_id"]))
    assert all(got[r] == held[h] for h, r in zip(hypo, real))
    assert set(a["name"]) >= {"新任干部1"} and len(a) == len(opened.assignment)
    assert not set(info.inputs["cadres"]["cadre_id"]) & set(hypo)
    assert round_publish.unreal_members(a, info.inputs) == []
    solving.forget_results()
    rep = solving.reproduce(admin(), rid)
    assert rep.same and rep.hand_made
    lifecycle.publish(admin(), rid, publish_day(), warnings_confirmed=True)
    assert lifecycle.get_round(admin(), rid).status == "published"


def test_page_offers_the_mapping_form_and_promotes(stand_ins, as_role):
    sid, hypo = stand_ins
    real = _hired(len(hypo))
    at = AppTest.from_file(PAGE, default_timeout=60)
    as_role(at, "admin")
    at.session_state[Keys.PICK] = sid
    at.run()
    assert not at.exception
    assert any("假设或名单外" in w.value for w in at.warning)
    assert Keys.PROMOTE not in [b.key for b in at.button]
    n = _rounds()
    at.selectbox(key=Keys.map_cadre(hypo[0])).select(real[0])
    at.button(key=Keys.MAP_GO).click().run()          # one stand-in left: refused, nothing written
    assert not at.exception and at.error and _rounds() == n
    for h, r in zip(hypo, real):
        at.selectbox(key=Keys.map_cadre(h)).select(r)
    at.button(key=Keys.MAP_GO).click().run()
    assert not at.exception
    assert any("已创建草稿轮次" in s.value for s in at.success)
    assert _rounds() == n + 1
