"""Issue 17, the fairness curve: fairness forbids built fast (same rows as the plain loop), the curve
streamed point by point (a job shows the points so far before it ends, cancel keeps them) and equal
to the non-streamed computation."""
from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd

from services import scenarios as sc
from services import sweeps as sw
from services.scenario_metrics import locked_cadres
from store import frames as store_frames
from tests.fixtures_app import demo_user

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "scenarios.py")


def reference_forbids(fr, rank_max: int) -> pd.DataFrame:
    """The plain loop (one cadre, one college at a time) the fast version must agree with row for row."""
    cad = fr["cadres"].set_index("cadre_id")
    cls = fr["classes"]
    pref = fr["preferences"]
    pref = pref.loc[(pref["rank"] <= rank_max) & pref["cadre_id"].isin(cad.index[cad["capacity"] > 0])
                    & ~pref["cadre_id"].isin(locked_cadres(fr))]
    cols = {"class": cls["class_id"], "college": cls["college"], "major": cls["major"],
            "grade": cls["grade"].astype(str)}
    rows = []
    for cid, g in pref.groupby("cadre_id", sort=True):
        ok = pd.Series(False, index=cls.index)
        for kind, value in zip(g["kind"], g["value"], strict=True):
            ok |= cols[kind] == value
        why = f"{sc.FAIR_REASON}：意向不低于第{rank_max}位"
        for college, sub in cls.groupby("college", sort=True):
            okc = ok.loc[sub.index]
            if not okc.any():
                rows.append({"type": "forbid", "cadre_id": cid, "college": college, "reason": why})
            else:
                rows += [{"type": "forbid", "cadre_id": cid, "class_id": cls.at[k, "class_id"], "reason": why}
                         for k in sub.index[~okc.to_numpy()]]
    return store_frames.from_records("constraints", rows)


def test_fairness_forbids_equal_the_plain_loop(demo_frames):
    fr = dict(demo_frames)
    # a locked cadre (left out), a cadre without capacity (left out), a wish for a class that is gone
    # (its cadre then gets no class of its wishes: every college forbidden), wishes by grade and major
    pref = fr["preferences"]
    who = sorted(set(pref["cadre_id"]))
    cad = fr["cadres"].copy()
    cad.loc[cad["cadre_id"] == who[1], "capacity"] = 0
    con = pd.concat([fr["constraints"], store_frames.from_records("constraints", [
        {"type": "lock", "cadre_id": who[0], "class_id": fr["classes"]["class_id"].iloc[0], "reason": "t"}])],
        ignore_index=True)
    extra = store_frames.from_records("preferences", [
        {"cadre_id": who[2], "rank": 1, "kind": "class", "value": "no-such-class"},
        {"cadre_id": who[3], "rank": 1, "kind": "grade", "value": str(fr["classes"]["grade"].iloc[0])},
        {"cadre_id": who[4], "rank": 2, "kind": "major", "value": fr["classes"]["major"].iloc[0]}])
    fr |= {"cadres": cad, "constraints": con, "preferences": pd.concat([pref, extra], ignore_index=True)}
    for r in (1, 2, 3, 5):
        got, want = sc.fairness_forbids(fr, r), reference_forbids(fr, r)
        assert len(want) > 1000
        pd.testing.assert_frame_equal(got, want)
    assert sc.fairness_forbids(demo_frames, 0).empty


# ------------------------------------------------------------------ each point exact, fewer solves

def test_every_fairness_point_equals_its_own_solve(demo_frames):
    """Points are computed loosest first; one that takes a looser point's answer (no solve) has the same
    status and total fit as its own solve, and that answer meets its bound."""
    from services.scenario_metrics import worst_rank
    pts, cancelled = sw.fairness_curve(demo_frames, sc.default_params())
    assert not cancelled and [p.bound for p in pts] == sw.fairness_bounds(demo_frames)
    assert any(p.shared for p in pts) and not all(p.shared for p in pts)
    for p in pts:
        own, status = own_solve(demo_frames, p.params)
        assert (status, own.report.get("total_fit") if status == "optimal" else None) == (p.status, p.total_fit), p.bound
        if p.status != "optimal":
            continue
        if p.shared:
            assert p.bound is not None and worst_rank(p.result.assignment, demo_frames) <= p.bound
        else:
            assert pairs(own.assignment) == pairs(p.result.assignment)


def test_a_looser_bound_that_forbids_other_pairs_is_not_reused(demo_frames):
    """A cadre whose wishes start at rank 4 is bound at r = 5 and free at r = 3: the r = 3 point allows
    assignments the r = 5 point does not, so the r = 5 answer — although it meets every r = 3 rule —
    proves nothing there, and r = 3 is solved."""
    pref = demo_frames["preferences"].copy()
    who = min(pref["cadre_id"])
    pref.loc[pref["cadre_id"] == who, "rank"] += 3
    fr = dict(demo_frames) | {"preferences": pref}
    assert not sw._forbidden(fr, 5) <= sw._forbidden(fr, 3)
    pts, _ = sw.fairness_curve(fr, sc.default_params(), bounds=[3, 5])
    looser = pts[1]
    assert looser.status == "optimal" and not set(zip(looser.result.assignment["cadre_id"],
                                                      looser.result.assignment["class_id"])) & sw._forbidden(fr, 3)
    assert not pts[0].shared
    own, status = own_solve(fr, pts[0].params)
    assert status == pts[0].status and (status != "optimal" or own.report["total_fit"] == pts[0].total_fit)


def own_solve(fr, params):
    """The point's own exact solve (services.scenarios.solve_frames), stopped where an infeasible input's
    diagnosis would begin (as for a curve point): (result, status)."""
    return sw._solve_point(fr, params, None, None)


# ------------------------------------------------------------------ streaming: the job and the page

class Gate:
    """Pauses a streaming job right after its `after`-th publish until released (the test's seam:
    BackgroundJob.publish, which the curve's job calls after every point)."""

    def __init__(self, monkeypatch, after: int):
        from services.jobs import BackgroundJob
        self.after, self.count = after, 0
        self.reached, self.release = threading.Event(), threading.Event()
        publish = BackgroundJob.publish

        def paused(job, partial):
            publish(job, partial)
            self.count += 1
            if self.count == self.after:
                self.reached.set()
                self.release.wait(120)
        monkeypatch.setattr(BackgroundJob, "publish", paused)


def same_points(a, b) -> bool:
    """Same bounds, statuses, fits, worst ranks, changes and pairs (solve times aside)."""
    fa, fb = sw.points_frame(a).drop(columns="seconds"), sw.points_frame(b).drop(columns="seconds")
    if not fa.equals(fb):
        return False
    return all((p.result.status not in ("optimal", "feasible")) or
               pairs(p.result.assignment) == pairs(q.result.assignment) for p, q in zip(a, b, strict=True))


def pairs(a: pd.DataFrame) -> set:
    return set(zip(a["cadre_id"], a["class_id"], strict=True))


def test_curve_job_publishes_points_before_it_ends_and_ends_with_the_plain_curve(demo_db, monkeypatch):
    user = demo_user("planner")
    sid = sc.create(user, "公平曲线")
    opened = sc.get(user, sid)
    planned = len(sw.fairness_bounds(opened.frames))
    assert planned >= 3
    gate = Gate(monkeypatch, after=2)
    job = sw.start_curve(user, sid, "fairness")
    assert job.partial is None or len(job.partial["points"]) <= 2
    assert gate.reached.wait(120), "the curve published no second point"
    # paused between points 2 and 3: the points so far are visible, the job is still running
    assert not job.done
    part = job.partial
    assert part["kind"] == "curve" and part["scenario_id"] == sid and part["planned"] == planned
    assert len(part["points"]) == 2 and not part["cancelled"]
    assert f"2/{planned}" in job.message
    gate.release.set()
    assert job.wait(120) and job.error is None
    out = job.outcome
    assert not out["cancelled"] and len(out["points"]) == planned
    assert all(any(p is q for q in out["points"]) for p in part["points"])   # the same points, kept
    plain, cancelled = sw.fairness_curve(opened.frames, opened.params)   # not streamed
    assert not cancelled and same_points(out["points"], plain)


def test_cancelling_a_curve_keeps_the_points_done(demo_db, monkeypatch):
    user = demo_user("planner")
    sid = sc.create(user, "公平曲线")
    opened = sc.get(user, sid)
    gate = Gate(monkeypatch, after=2)
    job = sw.start_curve(user, sid, "fairness")
    assert gate.reached.wait(120)
    job.cancel()
    gate.release.set()
    assert job.wait(120) and job.error is None
    out = job.outcome
    assert out["cancelled"] and len(out["points"]) == 2
    plain, _ = sw.fairness_curve(opened.frames, opened.params, bounds=sw.fairness_bounds(opened.frames)[-2:])
    assert same_points(out["points"], plain)     # the two loosest bounds: the curve starts from unbounded


def frames_with(at, column: str) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe if column in df.value.columns]


def page_text(at) -> str:
    """Every message on the page as read (Markdown escapes of ui.feedback.md_escape removed)."""
    return " ".join(str(e.value) for kind in ("success", "error", "warning", "info", "markdown", "caption")
                    for e in getattr(at, kind)).replace("\\", "")


def test_page_draws_each_point_while_the_curve_runs_and_cancel_keeps_them(demo_db, as_role, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from ui.i18n import LANG_KEY
    from ui.scenarios.state import Keys
    at = AppTest.from_file(PAGE, default_timeout=60)
    as_role(at, "planner")
    at.run()
    at.text_input(key=Keys.NEW_NAME).input("公平曲线")
    at.button(key=Keys.CREATE).click().run()
    sid = at.session_state[Keys.PICK]
    planned = len(sw.fairness_bounds(sc.get(demo_user("planner"), sid).frames))
    gate = Gate(monkeypatch, after=2)
    at.button(key=Keys.CURVE_RUN).click().run()
    assert gate.reached.wait(120)
    at.run()                    # the job panel polls: the two points so far, progress 2/N, cancel
    assert not at.exception, at.exception
    live = frames_with(at, "worst_unmet")
    assert len(live) == 1 and len(live[0]) == 2
    assert f"已完成 2/{planned} 个点" in page_text(at)
    assert any(f"2/{planned}" in p.proto.text for p in at.get("progress"))
    at.button(key=Keys.CANCEL).click().run()
    gate.release.set()
    job = at.session_state[Keys.JOB] if Keys.JOB in at.session_state else None  # noqa: SIM401 - no .get here
    assert job is None or job.wait(120)
    at.run()
    assert not at.exception, at.exception
    assert f"权衡曲线已取消：保留已完成的 2 个点（共 {planned} 个）" in page_text(at)
    assert f"计算已取消：只显示已完成的 2/{planned} 个点" in page_text(at)
    kept = frames_with(at, "worst_unmet")
    assert len(kept) == 1 and len(kept[0]) == 2
    assert Keys.CURVE_POINT in [s.key for s in at.selectbox]     # a kept point can still be opened
    # again, watched in English: one language on the live and on the final screen. AppTest formats every
    # selectbox's value outside the page's session (where tr() answers in Chinese) on each run after the
    # first, so widgets are touched in Chinese and each English screen is a single run
    again = Gate(monkeypatch, after=1)
    at.button(key=Keys.CURVE_RUN).click().run()
    assert again.reached.wait(120)
    job = at.session_state[Keys.JOB]
    at.session_state[LANG_KEY] = "en"
    at.run()
    assert f"1/{planned} points done" in page_text(at)
    assert len(frames_with(at, "worst_unmet")) == 2       # the live table above, the kept curve in its tab
    check_english(at, demo_db)
    again.release.set()
    assert job.wait(120)
    end = AppTest.from_file(PAGE, default_timeout=60)
    as_role(end, "planner")
    for key in (LANG_KEY, Keys.PICK, Keys.JOB):
        end.session_state[key] = {LANG_KEY: "en", Keys.PICK: sid, Keys.JOB: job}[key]
    end.run()                   # the page collects the finished job
    assert f"Trade-off curve done: {planned} points" in page_text(end)
    assert [len(df) for df in frames_with(end, "worst_unmet")] == [planned]
    check_english(end, demo_db)


def check_english(at, demo_db) -> None:
    from tests.test_i18n_pages import Checker, _data_strings, _usernames, _walk
    assert not at.exception, at.exception
    chk = Checker("en", _data_strings(str(demo_db)), _usernames(str(demo_db)))
    _walk(at, chk)
    assert not chk.found, chk.found[:20]
