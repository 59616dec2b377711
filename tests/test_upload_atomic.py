"""An uploaded assignment becomes a revision and its result in one transaction: a failure while the
result is stored leaves nothing written (no draft without a result, the old draft not archived)."""
from __future__ import annotations

import pytest

from services import round_lifecycle as lifecycle
from services import round_solve as solving
from services import round_upload as upload
from services.solve_params import default_params
from store import rounds as store_rounds
from tests.fixtures_app import demo_user


def admin():
    return demo_user("admin")


def test_a_failure_between_revision_and_result_writes_nothing(demo_db, monkeypatch):
    rid = lifecycle.create_round(admin(), "原子性", "initial", default_params())
    assert solving.solve_round(admin(), rid).status == "optimal"
    data = upload.review_xlsx(admin(), rid)
    before = [(r.id, r.status, r.n_assignments) for r in lifecycle.list_rounds(admin())]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full (test)")
    user = admin()
    with monkeypatch.context() as m:
        m.setattr(store_rounds, "save_round_result", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            upload.upload_revision(user, rid, data, "审核表.xlsx")
    assert [(r.id, r.status, r.n_assignments) for r in lifecycle.list_rounds(admin())] == before
    assert lifecycle.get_round(admin(), rid).status == "draft"
    # and once the store works, the same upload is saved whole
    new = upload.upload_revision(admin(), rid, data, "审核表.xlsx")
    info = lifecycle.get_round(admin(), new)
    assert info.status == "draft" and info.result["hand_made"]["file"] == "审核表.xlsx"
    assert len(info.assignment) == before[[b[0] for b in before].index(rid)][2]
    assert lifecycle.get_round(admin(), rid).status == "archived"
