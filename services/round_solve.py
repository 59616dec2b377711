"""Solving a round: in the background, saving the result, keeping recent engine results for
explanations, and re-running any round from its stored snapshot to check it reproduces.

Deterministic: the same inputs, parameters and seed give the same result, so an engine result
lost with a restart is re-made from the snapshot (and only trusted when it reproduces the stored
rows). No Streamlit here.
"""
from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pandas as pd

from common import vocabulary
from matching import MatchingInput, MatchResult, solve
from matching.assess import HAND_MADE, assess
from services import access
from services.db import session_scope
from services.jobs import BackgroundJob
from services.round_inputs import matching_input
from services.round_names import round_label
from services.round_rules import RoundsError
from services.solve_params import is_solvable_round, make_config
from store import rounds as store_rounds
from store.auth import UserInfo

READERS = ("admin", "planner")
SCORE_TOLERANCE = 1e-9   # scores are exact fractions shown as floats: equal results differ by < this

_RESULTS: OrderedDict[int, MatchResult] = OrderedDict()
_RESULTS_LOCK = threading.Lock()
_RESULTS_MAX = 8


def load_round(round_id: int):
    """A round with its snapshot and result (no access check: callers check)."""
    with session_scope() as s:
        return store_rounds.get_round(s, round_id)


def _remember(round_id: int, res: MatchResult) -> None:
    with _RESULTS_LOCK:
        _RESULTS[round_id] = res
        _RESULTS.move_to_end(round_id)
        while len(_RESULTS) > _RESULTS_MAX:
            _RESULTS.popitem(last=False)


def cached_result(round_id: int) -> MatchResult | None:
    """The engine result of a round if it is at hand (never solves)."""
    with _RESULTS_LOCK:
        return _RESULTS.get(round_id)


def forget_results() -> None:
    """Drop every cached engine result (as after a restart)."""
    with _RESULTS_LOCK:
        _RESULTS.clear()


def engine_input(inputs: dict[str, pd.DataFrame], params: dict[str, Any]) -> MatchingInput:
    """The engine's input of a round: its snapshot, and for a manual adjustment the pairs it keeps
    first (parameters "anchor": the revision it was made from), so re-running it gives its result."""
    inp = matching_input(inputs)
    pairs = (params.get("anchor") or {}).get("pairs")
    if pairs:
        inp = dataclasses.replace(inp, anchor=pd.DataFrame(pairs, columns=["cadre_id", "class_id"]))
    return inp


def solve_inputs(inputs: dict[str, pd.DataFrame], params: dict[str, Any], progress=None,
                 cancel: threading.Event | None = None) -> MatchResult:
    return solve(engine_input(inputs, params), make_config(params), progress=progress, cancel=cancel)


def _report(res: MatchResult) -> dict[str, Any]:
    rep = dict(res.report)
    if res.diagnosis:
        rep["diagnosis"] = [c.to_dict() for c in res.diagnosis]
    checked = _checked_rows(res)
    if checked:
        rep[CHECKED_REASONS] = checked
    return rep


# The report key holding the checked reasons of zero-fit pairs (both languages), so that an engine
# result re-made after a restart explains them as saved without re-solving (see result_for).
CHECKED_REASONS = "checked_reasons"


def _checked_rows(res: MatchResult) -> list[dict[str, str]]:
    """Checked reasons of the zero-fit pairs, for an optimal result only: "what the best answer without
    the rule does, total +x" is measured against the optimum (a result stopped by the time limit, or
    a hand-made one, keeps its reasons as drafted, and no re-solve is spent on it)."""
    if res.status != "optimal":
        return []
    p = res.problem
    return [{"cadre_id": p.cadre_ids[i], "class_id": p.class_ids[j], "zh": t["zh"], "en": t["en"]}
            for (i, j), t in sorted(res.verify_reasons().items())]


def _keep_checked(res: MatchResult, report: dict | None) -> None:
    """Give a re-made engine result the checked reasons stored with the round's result."""
    p = res.problem
    rows = (report or {}).get(CHECKED_REASONS) or []
    res.keep_reasons({(p.ci[r["cadre_id"]], p.cj[r["class_id"]]): {"zh": r["zh"], "en": r["en"]}
                      for r in rows if r.get("cadre_id") in p.ci and r.get("class_id") in p.cj})


def stored_result(res: MatchResult) -> tuple[pd.DataFrame, dict[str, Any]]:
    """What a round stores of a result: (assignment, report). Zero-fit pairs first get their checked
    reason (MatchResult.verify_reasons: the binding rule, re-solved without it, and what that answer
    does), so the stored assignment (review table, assignment file) — each pair's reason in Chinese
    (`reason`) and English (`reason_en`) — the report and the explanation panel carry it."""
    rep = _report(res)
    return res.assignment, rep


def remember(round_id: int, res: MatchResult) -> None:
    """Keep the engine result of a round whose result was stored (for explanations)."""
    _remember(round_id, res)


def save_result(round_id: int, res: MatchResult, actor: str) -> None:
    """Store the result (see stored_result)."""
    assignment, rep = stored_result(res)
    with session_scope() as s:
        store_rounds.save_round_result(s, round_id, assignment, rep, actor)
    _remember(round_id, res)


def solve_round(user: UserInfo, round_id: int, progress=None, cancel: threading.Event | None = None) -> MatchResult:
    """Solve a draft round from its snapshot and save the result (an infeasible result is saved
    too, with its diagnosis; a cancelled one is not)."""
    access.require(user, "admin", action="solve_round")
    info = load_round(round_id)
    if info.status != "draft":
        raise RoundsError("只能求解草稿轮次", "only a draft round can be solved")
    res = solve_inputs(info.inputs, info.parameters, progress, cancel)
    if res.status != "cancelled":
        save_result(round_id, res, user.username)
    return res


def start_solve(user: UserInfo, round_id: int) -> BackgroundJob:
    """Solve a draft round in the background; outcome {"round_id", "status"}."""
    access.require(user, "admin", action="solve_round")

    label = round_label(load_round(round_id))

    def work(progress, cancel):
        res = solve_round(user, round_id, progress, cancel)
        return {"round_id": round_id, "status": res.status, "round_label": label}
    return BackgroundJob(f"求解轮次 {label}", f"Solving round {label}", work).start()


def _pairs(df: pd.DataFrame) -> pd.DataFrame:
    cols = ["cadre_id", "class_id", "score", "preference_rank", "locked", "changed"]
    return df[cols].sort_values(["cadre_id", "class_id"]).reset_index(drop=True)


def is_hand_made(info) -> bool:
    """A result no solver produced (an uploaded assignment, checked against every rule)."""
    return bool((info.result or {}).get(HAND_MADE))


def recheck(info) -> MatchResult | None:
    """A hand-made result re-made from the round's stored inputs, parameters and pairs, checked
    against every rule again (None when a rule no longer holds)."""
    pairs = list(zip(info.assignment["cadre_id"], info.assignment["class_id"]))
    verdict = assess(engine_input(info.inputs, info.parameters), make_config(info.parameters), pairs)
    return verdict.result


def result_for(user: UserInfo, round_id: int) -> MatchResult | None:
    """The engine result of a round (for explanations): cached, or re-solved from the snapshot
    (a hand-made result is re-made from its pairs, never solved)."""
    access.require(user, *READERS, action="explain_round")
    res = cached_result(round_id)
    if res is not None:
        return res
    info = load_round(round_id)
    if not is_solvable_round(info) or info.result is None:
        return None
    if is_hand_made(info):
        res = recheck(info)
        if res is not None:
            _remember(round_id, res)
        return res
    res = solve_inputs(info.inputs, info.parameters)
    if vocabulary.is_solved(res.status) and not _pairs(res.assignment).equals(_pairs(info.assignment)):
        # a re-solve that does not reproduce the stored rows cannot explain them
        return None
    _keep_checked(res, info.result)
    _remember(round_id, res)
    return res


@dataclass(frozen=True)
class Reproduction:
    same: bool
    status: str
    stored_status: str
    differences: pd.DataFrame
    hand_made: bool = False      # nothing was solved: the stored pairs were checked against every rule


def _compare(stored: pd.DataFrame, rerun: pd.DataFrame) -> pd.DataFrame:
    m = _pairs(stored).merge(_pairs(rerun), on=["cadre_id", "class_id"], how="outer",
                             suffixes=("_stored", "_rerun"), indicator=True)
    diff = m[m["_merge"] != "both"].copy()
    both = m[m["_merge"] == "both"]
    sc = both[(both["score_stored"] - both["score_rerun"]).abs() > SCORE_TOLERANCE]
    diff = pd.concat([diff, sc]).rename(columns={"_merge": "where"})
    diff["where"] = diff["where"].astype(str)
    return diff.reset_index(drop=True)


def _recheck_reproduction(info) -> Reproduction:
    """A hand-made round: its pairs re-checked and re-scored from the stored inputs and parameters
    (status "hand_made" when every rule still holds, "infeasible" when one does not)."""
    res = recheck(info)
    status = HAND_MADE if res is not None else "infeasible"
    diff = _compare(info.assignment, res.assignment) if res is not None else _pairs(info.assignment)
    return Reproduction(res is not None and diff.empty, status, HAND_MADE, diff, hand_made=True)


def reproduce(user: UserInfo, round_id: int) -> Reproduction:
    """Re-run any round (archived included) from its stored inputs, parameters and seed and
    compare with its stored result, pair by pair."""
    access.require(user, *READERS, action="reproduce_round")
    info = load_round(round_id)
    if not is_solvable_round(info):
        raise RoundsError("该轮次为手工导入，没有求解参数，无法重算",
                          "this round was imported, not solved: nothing to re-run")
    if is_hand_made(info):
        return _recheck_reproduction(info)
    res = solve_inputs(info.inputs, info.parameters)
    diff = _compare(info.assignment, res.assignment)
    stored_status = (info.result or {}).get("status", "")
    same = diff.empty and res.status == stored_status
    return Reproduction(same, res.status, stored_status, diff)
