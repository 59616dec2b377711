"""Year roll-over (issue 13): next year's calendar, grades advanced, graduated classes retired (临床医学
after five years), their pairs ended, a top-up round started — previewed, then applied exactly as
previewed, all or nothing, audited."""
from __future__ import annotations

import pandas as pd
import pytest

from data import generate_demo as gd
from tests.demo_facts import DEMO
from tests.test_compliance_view import user

ADMIN = user("admin")


def _next_calendar():
    import importer
    return importer.read_calendar(gd.calendar_toml(DEMO.y + 1).encode(), filename="next.toml")


def _store():
    from services.db import session_scope
    from store import data as sd
    from store import rounds
    with session_scope() as s:
        return {"classes": sd.load_kind(s, "classes"), "terms": sd.load_calendar(s),
                "preferences": sd.load_kind(s, "preferences"), "constraints": sd.load_kind(s, "constraints"),
                "history": rounds.assignment_in_force(s), "rounds": rounds.list_rounds(s)}


def test_preview_names_graduated_classes_and_what_ends(demo_db):
    from services import rollover

    before = _store()
    plan = rollover.preview(ADMIN, _next_calendar())
    cls = before["classes"]
    # graduated = the classes in their last year (the demo tags them 毕业班): four years, 临床医学 five
    final = cls.loc[cls["tags"].map(lambda t: "毕业班" in t), "class_id"]
    assert set(plan.retired["class_id"]) == set(final) and len(final) > 100
    clinical = cls.loc[cls["major"] == "临床医学"]
    assert set(clinical.loc[clinical["grade"] == DEMO.y - 4, "class_id"]) <= set(plan.retired["class_id"])
    assert not set(clinical.loc[clinical["grade"] == DEMO.y - 3, "class_id"]) & set(plan.retired["class_id"])
    # everything else moves one year on: 一年级→二年级 … ; 新生班 / 毕业班 follow
    assert list(plan.advanced["year_before"]) == [1, 2, 3, 4] and int(plan.advanced["classes"].sum()) == len(cls) - len(final)
    after = plan.classes.set_index("class_id")
    assert not after["tags"].map(lambda t: "新生班" in t).any()
    assert set(after.index[after["tags"].map(lambda t: "毕业班" in t)]) == set(
        cls.loc[((cls["grade"] == DEMO.y - 2) & (cls["major"] != "临床医学"))
                | ((cls["grade"] == DEMO.y - 3) & (cls["major"] == "临床医学")), "class_id"])
    # the pairs on retired classes end the day before the new year
    h = before["history"]
    open_on_retired = h.loc[h["class_id"].isin(set(final)) & h["end"].isna()]
    assert len(plan.pairs_ended) == len(open_on_retired) > 0
    assert (plan.pairs_ended["end_after"] == pd.Timestamp(plan.start) - pd.Timedelta(days=1)).all()
    assert plan.start == gd.year_info(DEMO.y + 1).start
    # nothing written by a preview
    again = _store()
    pd.testing.assert_frame_equal(again["classes"], cls)
    assert again["terms"] == before["terms"]


def test_apply_does_what_the_preview_said(demo_db):
    from services import rollover
    from services.db import session_scope
    from store import audit, rounds

    before = _store()
    plan = rollover.preview(ADMIN, _next_calendar())
    done = rollover.apply(ADMIN, plan)
    after = _store()
    pd.testing.assert_frame_equal(after["classes"].reset_index(drop=True),
                                  plan.classes.sort_values("class_id").reset_index(drop=True), check_like=True)
    pd.testing.assert_frame_equal(after["preferences"].reset_index(drop=True),
                                  plan.preferences.reset_index(drop=True), check_like=True)
    assert [t.name for t in after["terms"]] == [t.name for t in before["terms"]] + [t.name for t in plan.new_terms]
    # assignments on retired classes end; nothing is in force on them in the new year
    h = after["history"]
    ended = h.loc[h["class_id"].isin(set(plan.retired["class_id"]))]
    assert (ended["end"] <= pd.Timestamp(plan.pairs_end)).all()
    with session_scope() as s:
        live = rounds.assignment_in_force(s, plan.start)
        new_round = rounds.get_round(s, done["round_id"])
        log = audit.audit_rows(s, action="rollover")
    assert not set(live["class_id"]) & set(plan.retired["class_id"])
    cut = ended.loc[ended["end"] == pd.Timestamp(plan.pairs_end)]
    assert set(zip(cut["cadre_id"], cut["class_id"])) == set(zip(plan.pairs_ended["cadre_id"], plan.pairs_ended["class_id"]))
    assert done["pairs_closed"] == len(plan.pairs_ended)
    # a draft top-up round for the new year, on the new class roster
    assert (new_round.kind, new_round.status, new_round.name) == ("topup", "draft", plan.round_name)
    assert set(new_round.inputs["classes"]["class_id"]) == set(plan.classes["class_id"])
    assert new_round.parameters["topup"]["classes_gone"] == []
    assert len(log) == 1 and log.iloc[0]["entity_id"] == plan.label
    # the same year cannot be rolled over twice
    with pytest.raises(rollover.RolloverError):
        rollover.preview(ADMIN, _next_calendar())


def test_apply_is_all_or_nothing(demo_db, monkeypatch):
    from services import rollover
    from store import rounds

    before = _store()
    plan = rollover.preview(ADMIN, _next_calendar())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")
    monkeypatch.setattr(rounds, "create_round", broken)          # the last write fails
    with pytest.raises(RuntimeError):
        rollover.apply(ADMIN, plan)
    after = _store()
    assert after["terms"] == before["terms"]
    pd.testing.assert_frame_equal(after["classes"], before["classes"])
    pd.testing.assert_frame_equal(after["history"], before["history"])


def test_a_stale_preview_is_refused(demo_db):
    from services import data, rollover

    plan = rollover.preview(ADMIN, _next_calendar())
    cons = data.load_kind(ADMIN, "constraints")
    data.import_kind(ADMIN, "constraints", cons.iloc[1:])        # someone edits the rules meanwhile
    with pytest.raises(rollover.RolloverError, match="预览之后数据已有变化"):
        rollover.apply(ADMIN, plan)
    assert [t.name for t in _store()["terms"]] == [DEMO.autumn[0], DEMO.spring[0]]


def test_only_the_admin_rolls_over(demo_db):
    from services import rollover
    from services.access import AccessDenied

    with pytest.raises(AccessDenied):
        rollover.preview(user("leader"), _next_calendar())


def test_a_calendar_that_is_not_the_next_year_is_refused(demo_db):
    import importer
    from services import rollover
    same = importer.read_calendar(gd.calendar_toml(DEMO.y).encode(), filename="same.toml")
    with pytest.raises(rollover.RolloverError):
        rollover.preview(ADMIN, same)
    later = importer.read_calendar(gd.calendar_toml(DEMO.y + 2).encode(), filename="later.toml")
    with pytest.raises(rollover.RolloverError, match="下一学年"):
        rollover.preview(ADMIN, later)
