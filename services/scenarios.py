"""情景推演 / Scenarios: what-if copies of the inputs, solved and compared, never published directly.

A scenario is a named copy of the current inputs (cadres, classes, preferences, constraints and
the published pairs in force as `previous`) — or of another scenario — plus a log of edits
(services/scenario_edits.py) and solve parameters (a round's, plus a fairness bound). It lives
only in the store's scenario table: solving one never writes a round or an assignment. Only
`promote()` (admin) turns one into a *draft* round, which the Rounds page then reviews.

Who may: planner and admin read every scenario, create them and run sweeps and curves on any;
only the owner or an admin edits, solves or deletes one; only an admin promotes.
The pure part (fairness_forbids, matching_input, make_config, solve_frames, evaluate_assignment)
takes and returns canonical DataFrames, so services/sweeps.py and the tests use it without a database.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from common import vocabulary
from matching import ConfigError, InputError, MatchConfig, MatchingInput, solve
from matching.assess import HAND_MADE, assess
from services import access, scenario_mapping, solve_params
from services.db import session_scope
from services.jobs import BackgroundJob
from services.round_inputs import current_inputs
from services.round_inputs import matching_input as round_matching_input
from services.round_inputs import published_assignment as _in_force
from services.round_lifecycle import store_version  # noqa: F401 - the Scenarios page's cache key
from services.scenario_edits import INPUT_KINDS, ScenarioError, apply_edit, empty_frames
from services.scenario_metrics import locked_cadres, metrics
from store import frames as store_frames
from store import rounds as store_rounds
from store import scenarios as store_scenarios
from store.auth import UserInfo

FAIR_REASON = "情景公平性约束"  # reason of the forbid rows that a fairness bound expands to
USERS = ("planner", "admin")


# ====================================================================== pure: parameters and solving

def default_params() -> dict[str, Any]:
    """The rounds' solve parameters plus the scenario-only fairness bound."""
    return solve_params.default_params() | {"worst_rank_max": None}


def make_config(params: dict[str, Any] | None) -> MatchConfig:
    """The matching configuration of a scenario's parameters (same reading as a round's)."""
    try:
        return solve_params.make_config(default_params() | dict(params or {}))
    except ConfigError as exc:
        raise ScenarioError("求解参数无效", "invalid solve parameters", exc.problems) from None
    except (TypeError, ValueError) as exc:
        raise ScenarioError("求解参数无效", "invalid solve parameters", [str(exc)]) from None


def fairness_forbids(fr: dict[str, pd.DataFrame], rank_max: int) -> pd.DataFrame:
    """Forbid rows that keep every cadre with wishes (capacity > 0, not locked) inside their wishes
    of rank ≤ rank_max. Locked cadres are left out: the office fixed their class, so no bound on
    their wishes could hold. Rows are whole-college forbids where no class of the college is
    wished, else per class (a few thousand rows on a real university); by cadre id, college, class
    order. One boolean matrix (cadre × class) built from the wishes, not a pass per cadre and college:
    the fairness curve builds these rows for every point."""
    cad, cls, pref = fr["cadres"], fr["classes"], fr["preferences"]
    pref = pref.loc[(pref["rank"] <= rank_max) & pref["cadre_id"].isin(set(cad.loc[cad["capacity"] > 0, "cadre_id"]))
                    & ~pref["cadre_id"].isin(locked_cadres(fr))]
    ids = sorted(set(pref["cadre_id"]))
    row = {c: k for k, c in enumerate(ids)}
    cols = {"class": cls["class_id"].to_numpy(object), "college": cls["college"].to_numpy(object),
            "major": cls["major"].to_numpy(object), "grade": cls["grade"].astype(str).to_numpy(object)}
    ok = np.zeros((len(ids), len(cls)), dtype=bool)
    for cid, kind, value in zip(pref["cadre_id"], pref["kind"], pref["value"], strict=True):
        ok[row[cid]] |= cols[kind] == value
    class_ids = cls["class_id"].to_numpy(object)
    colleges = sorted(cls.groupby("college", sort=True).indices.items())
    why = f"{FAIR_REASON}：意向不低于第{rank_max}位"
    rows = []
    for k, cid in enumerate(ids):
        for college, at in colleges:
            okc = ok[k, at]
            if not okc.any():
                rows.append({"type": "forbid", "cadre_id": cid, "college": college, "reason": why})
            else:
                rows += [{"type": "forbid", "cadre_id": cid, "class_id": c, "reason": why}
                         for c in class_ids[at[~okc]]]
    return store_frames.from_records("constraints", rows)


def matching_input(fr: dict[str, pd.DataFrame], params: dict[str, Any] | None = None) -> MatchingInput:
    """The MatchingInput of a scenario's frames (a fairness bound expands to forbid rows)."""
    con = fr["constraints"]
    rmax = (params or {}).get("worst_rank_max")
    if rmax not in (None, ""):
        con = pd.concat([con, fairness_forbids(fr, int(rmax))], ignore_index=True)
    prev = fr.get("previous")
    return MatchingInput(fr["cadres"], fr["classes"], fr["preferences"], con, None,
                         prev if prev is not None and len(prev) else None)


def solve_frames(fr: dict[str, pd.DataFrame], params: dict[str, Any] | None = None, progress=None, cancel=None,
                 cfg: MatchConfig | None = None):
    """One exact solve of a scenario (matching.solve). Raises ScenarioError on unusable input."""
    cfg = cfg or make_config(params)
    try:
        return solve(matching_input(fr, params), cfg, progress=progress, cancel=cancel)
    except InputError as exc:
        raise ScenarioError("情景数据无法求解", "the scenario's data cannot be solved",
                            [f"{zh} / {en}" for zh, en in exc.problems]) from None



def evaluate_assignment(fr: dict[str, pd.DataFrame], assignment: pd.DataFrame, params: dict[str, Any] | None = None):
    """Score a given assignment (e.g. the published one) with the scenario's fit model: a solve in
    which exactly its pairs are locked and nothing else is allowed (capacity = its classes per
    cadre, priority off, other rules dropped since they only judge, not score). Pairs whose cadre
    or class is no longer in the frames are left out."""
    cad, cls = fr["cadres"], fr["classes"]
    a = assignment.loc[assignment["cadre_id"].isin(set(cad["cadre_id"])) & assignment["class_id"].isin(set(cls["class_id"]))]
    a = a.drop_duplicates(["cadre_id", "class_id"])
    cnt = a.groupby("cadre_id").size()
    cad = cad.copy()
    cad["capacity"] = cad["cadre_id"].map(cnt).fillna(0).astype("int64")
    locks = store_frames.from_records("constraints", [
        {"type": "lock", "cadre_id": c, "class_id": k, "college": "", "level": "", "min": None, "max": None,
         "reason": "已发布"} for c, k in zip(a["cadre_id"], a["class_id"], strict=True)])
    p = default_params() | dict(params or {}) | {"priority": "off", "change_budget": None, "objective": "total",
                                                 "worst_rank_max": None}
    if p["own_unit"] == "forbid":  # a rule, not a score: the published pairs are scored as they are
        p["own_unit"] = "neutral"
    ev = dict(fr) | {"cadres": cad, "constraints": locks}
    res = solve_frames(ev, p)
    return res



# ====================================================================== store glue

@dataclass(frozen=True)
class Opened:
    """A scenario as the page works on it."""
    id: int
    name: str
    owner: str
    base: dict
    edits: list
    params: dict
    frames: dict
    report: dict | None
    assignment: pd.DataFrame | None


def published_assignment() -> pd.DataFrame:
    """The published pairs in force (the rounds' reading of "in force")."""
    return _in_force()


def current_frames() -> dict[str, pd.DataFrame]:
    """The store's current inputs, with the published pairs in force as `previous`."""
    return empty_frames() | current_inputs(use_previous=True)


def _open(info) -> Opened:
    fr = empty_frames() | dict(info.inputs or {})
    return Opened(info.id, info.name, info.owner, info.base, list(info.edits), default_params() | dict(info.parameters),
                  fr, info.result, info.assignment)


def _load(scenario_id: int) -> Opened:
    with session_scope() as s:
        return _open(store_scenarios.get_scenario(s, scenario_id))


def list_scenarios(user: UserInfo):
    access.require(user, *USERS, action="list_scenarios")
    with session_scope() as s:
        return store_scenarios.list_scenarios(s)


def get(user: UserInfo, scenario_id: int) -> Opened:
    access.require(user, *USERS, action="read_scenario")
    return _load(scenario_id)


def _editable(user: UserInfo, scenario_id: int, action: str) -> Opened:
    """The scenario, if the user may change it (its owner or an admin)."""
    access.require(user, *USERS, action=action)
    sc = _load(scenario_id)
    access.require_owner(user, sc.owner, action=action, target=f"scenario {scenario_id}")
    return sc


def may_edit(user: UserInfo, sc: Opened) -> bool:
    """For the page: draw the edit controls only for who may use them."""
    return user.role == "admin" or (user.role in USERS and sc.owner == user.username)


def create(user: UserInfo, name: str, base_scenario: int | None = None, params: dict | None = None) -> int:
    """A new scenario: a copy of the current inputs, or of another scenario (its edits, inputs and
    parameters; not its result)."""
    access.require(user, *USERS, action="create_scenario")
    if base_scenario is None:
        fr, base, edits, p = current_frames(), {"kind": "published"}, [], default_params() | dict(params or {})
    else:
        src = _load(base_scenario)
        fr, base, edits, p = src.frames, {"kind": "scenario", "id": src.id, "name": src.name}, src.edits, src.params
    with session_scope() as s:
        return store_scenarios.save_scenario(s, name, user.username, base, edits, fr, p, user.username)


def _save(sc: Opened, actor: str, frames: dict | None = None, edits: list | None = None, params: dict | None = None,
          report: dict | None = None, assignment: pd.DataFrame | None = None, keep_result: bool = False) -> None:
    with session_scope() as s:
        store_scenarios.save_scenario(
            s, sc.name, sc.owner, sc.base, sc.edits if edits is None else edits,
            sc.frames if frames is None else frames, sc.params if params is None else params, actor,
            result=sc.report if keep_result else report,
            assignment=sc.assignment if keep_result else assignment, scenario_id=sc.id)


def add_edit(user: UserInfo, scenario_id: int, edit: dict[str, Any]) -> Opened:
    """Apply one edit and save (the previous result is dropped: it no longer matches the inputs)."""
    sc = _editable(user, scenario_id, "edit_scenario")
    fr = apply_edit(sc.frames, edit)
    _save(sc, user.username, frames=fr, edits=[*sc.edits, store_frames.jsonable(edit)])
    return _load(scenario_id)


def set_params(user: UserInfo, scenario_id: int, params: dict[str, Any]) -> Opened:
    sc = _editable(user, scenario_id, "edit_scenario")
    p = default_params() | dict(params)
    make_config(p)  # validates
    _save(sc, user.username, params=p)
    return _load(scenario_id)


def solve_scenario(user: UserInfo, scenario_id: int, progress=None, cancel=None) -> Opened:
    """Solve and store the result in the scenario only (never a round, never the published rows)."""
    sc = _editable(user, scenario_id, "solve_scenario")
    res = solve_frames(sc.frames, sc.params, progress=progress, cancel=cancel)
    if res.status == "cancelled":
        return sc
    ok = vocabulary.is_solved(res.status)
    _save(sc, user.username, report=dict(res.report), assignment=res.assignment if ok else None)
    return _load(scenario_id)


def start_solve(user: UserInfo, scenario_id: int) -> BackgroundJob:
    """solve_scenario in the background: outcome {"kind": "solve", "status"}."""
    _editable(user, scenario_id, "solve_scenario")      # refused before a thread starts

    def work(progress, cancel):
        res = solve_scenario(user, scenario_id, progress, cancel)
        status = "cancelled" if cancel.is_set() else (res.report or {}).get("status", "cancelled")
        return {"kind": "solve", "status": status}
    return BackgroundJob(f"求解情景 #{scenario_id}", f"Solving scenario #{scenario_id}", work).start()


def save_solution(user: UserInfo, name: str, frames: dict, params: dict, result, base: dict) -> int:
    """A sweep/trade-off point opened as a new scenario, its solution stored with it."""
    access.require(user, *USERS, action="create_scenario")
    ok = vocabulary.is_solved(result.status)
    with session_scope() as s:
        return store_scenarios.save_scenario(s, name, user.username, base, [], frames, default_params() | dict(params),
                                             user.username, result=dict(result.report),
                                             assignment=result.assignment if ok else None)


def delete(user: UserInfo, scenario_id: int) -> None:
    """Delete a scenario: its owner, or an admin."""
    _editable(user, scenario_id, "delete_scenario")
    with session_scope() as s:
        store_scenarios.delete_scenario(s, scenario_id, user.username)


def published_metrics(fr: dict[str, pd.DataFrame], params: dict | None = None
                      ) -> tuple[dict, pd.DataFrame, pd.DataFrame | None]:
    """Metrics of the published assignment in force, scored on the given frames' fit model:
    (metrics, the published rows, the same pairs with their scores and ranks or None)."""
    pub = published_assignment()
    res = evaluate_assignment(fr, pub, params)
    rep = dict(res.report)
    ok = vocabulary.is_solved(res.status)
    if ok:
        rep["status"] = "published"
    return metrics(rep, res.assignment if ok else None, fr, pub), pub, res.assignment if ok else None


def _admin_only(user: UserInfo, scenario_id: int) -> None:
    if getattr(user, "role", None) != "admin":
        raise access.refusal(user, "promote_scenario", "只有组织部管理员可以把情景转为草稿轮次",
                             "only an admin can promote a scenario", f"scenario {scenario_id}")


def _solved(scenario_id: int) -> Opened:
    sc = _load(scenario_id)
    if sc.report is None or sc.assignment is None:
        raise ScenarioError("请先求解该情景（且有可行结果）再转为草稿轮次",
                            "solve the scenario (with a feasible result) before promoting it")
    return sc


@dataclass(frozen=True)
class MappingChoices:
    """What the promotion dialog offers: the stand-ins of the result and the real ones they may map to."""
    cadres: pd.DataFrame          # cadre_id, name: hypothetical or unlisted cadres of the result
    classes: pd.DataFrame         # class_id, name
    real_cadres: pd.DataFrame     # cadre_id, name, unit: imported cadres with no class in the result
    real_classes: pd.DataFrame    # class_id, name, college: imported classes with no adviser in the result

    @property
    def needed(self) -> bool:
        return len(self.cadres) > 0 or len(self.classes) > 0


def mapping_choices(user: UserInfo, scenario_id: int) -> MappingChoices:
    """Admin only: the stand-ins to map before promoting (none: promote as it is)."""
    _admin_only(user, scenario_id)
    sc = _solved(scenario_id)
    master = current_inputs(use_previous=False)
    bad_cad, bad_cls = scenario_mapping.unreal_ids(sc.assignment, master)
    free_cad, free_cls = scenario_mapping.candidates(sc.assignment, master)
    a = sc.assignment
    cad = a.loc[a["cadre_id"].isin(bad_cad), ["cadre_id", "name"]].drop_duplicates("cadre_id")
    cls = a.loc[a["class_id"].isin(bad_cls), ["class_id", "class_name"]].drop_duplicates("class_id")
    return MappingChoices(cad.sort_values("cadre_id").reset_index(drop=True),
                          cls.rename(columns={"class_name": "name"}).sort_values("class_id").reset_index(drop=True),
                          free_cad, free_cls)


def _promote_mapped(user: UserInfo, sc: Opened, inputs: dict[str, pd.DataFrame], params: dict[str, Any],
                    name: str, mapping) -> int:
    """A draft round whose stand-ins are replaced by real cadres/classes: the renamed pairs, checked
    against every rule of the round, stored as hand-made (re-running it re-checks, never re-solves)."""
    master = current_inputs(use_previous=False)
    mapping = scenario_mapping.Mapping.of(mapping)
    scenario_mapping.check(mapping, sc.assignment, master)
    for real in mapping.classes.values():
        college = master["classes"].set_index("class_id").at[real, "college"]
        access.require_college(user, college, action="promote_scenario")
    inputs, pairs = scenario_mapping.apply(mapping, inputs, sc.assignment, master)
    try:
        verdict = assess(round_matching_input(inputs), solve_params.make_config(params), pairs)
    except InputError as exc:
        raise ScenarioError("对应后的数据无法检查", "the mapped data cannot be checked",
                            [f"{zh} / {en}" for zh, en in exc.problems]) from None
    if verdict.violations:
        lines = [f"{v.value}：{v.zh} / {v.en}" for v in verdict.violations]
        raise ScenarioError(f"对应后的分配违反 {len(lines)} 条规则，未转为草稿轮次",
                            f"the mapped assignment breaks {len(lines)} rule(s); nothing was promoted", lines)
    res = verdict.result
    report = dict(res.report) | {"from_scenario": sc.id, "mapping": mapping.to_dict(),
                                 HAND_MADE: {"scenario": sc.id, "mapped": len(mapping.cadres) + len(mapping.classes)}}
    with session_scope() as s:
        rid = store_rounds.create_round(s, name, "scenario", inputs, params | {"scenario_mapping": mapping.to_dict()},
                                        user.username)
        store_rounds.save_round_result(s, rid, res.assignment, report, user.username)
    return rid


def promote(user: UserInfo, scenario_id: int, round_name: str | None = None, mapping=None) -> int:
    """Admin only: a DRAFT round (kind "scenario") with the scenario's inputs, parameters and result.
    A result holding hypothetical or unlisted cadres/classes is refused with the list, unless
    `mapping` ({"cadres": {stand-in: real}, "classes": {...}}) maps every one of them to a real one
    (services.scenario_mapping). Publishing stays on the rounds page (and checks again)."""
    _admin_only(user, scenario_id)
    sc = _solved(scenario_id)
    from services.round_publish import unreal_members
    unreal = unreal_members(sc.assignment, sc.frames)
    if unreal and not mapping:
        raise ScenarioError(f"情景结果含 {len(unreal)} 个假设或名单外的干部/班级，不能转为草稿轮次：请先在情景中移除，"
                            "或导入真实名单后逐一对应",
                            f"the scenario's result holds {len(unreal)} hypothetical or unlisted cadres/classes; "
                            "remove them in the scenario, or map each to a real one", unreal)
    name = (round_name or f"情景：{sc.name}").strip()
    # the round must re-solve to the same result on the rounds page, which knows no fairness
    # bound: its forbid rows go into the round's own rules
    inputs = {k: sc.frames[k] for k in INPUT_KINDS}
    inputs["constraints"] = matching_input(sc.frames, sc.params).constraints.reset_index(drop=True)
    params = {k: v for k, v in sc.params.items() if k != "worst_rank_max"} | {
        "scenario_id": sc.id, "scenario_name": sc.name, "seed": sc.params.get("seed", 0)}
    if unreal:
        return _promote_mapped(user, sc, inputs, params, name, mapping)
    with session_scope() as s:
        rid = store_rounds.create_round(s, name, "scenario", inputs, params, user.username)
        store_rounds.save_round_result(s, rid, sc.assignment, dict(sc.report) | {"from_scenario": sc.id},
                                       user.username)
    return rid
