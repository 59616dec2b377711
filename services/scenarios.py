"""情景推演 / Scenarios: what-if copies of the inputs, solved and compared, never published directly.

A scenario is a named copy of the current inputs (cadres, classes, preferences, constraints and
the published pairs in force as `previous`) — or of another scenario — plus a log of edits
(add/remove cadres, N hypothetical cadres, add/remove classes, capacities, rules) and solve
parameters (objective, priority mode, own-unit rule, change budget, weights, a fairness bound).
It lives only in the store's scenario table: solving one never writes a round or an assignment.
Only `promote()` (admin) turns one into a *draft* round, which the rounds page then reviews.

The pure part (apply_edit, matching_input, make_config, solve_frames, metrics, moves) takes and
returns canonical DataFrames, so services/sweeps.py and the tests use it without a database.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from common import vocabulary
from matching import ConfigError, InputError, MatchConfig, MatchingInput, solve
from store import frames as store_frames
from store import version
from store.errors import StoreError

INPUT_KINDS = ("cadres", "classes", "preferences", "constraints", "previous")
LEVELS = vocabulary.LEVEL_ORDER
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
HYPO_PREFIX = "H-"          # ids of hypothetical cadres: H-001, H-002, …
FAIR_REASON = "情景公平性约束"  # reason of the forbid rows that a fairness bound expands to


class ScenarioError(StoreError, ValueError):
    """A scenario edit or parameter that cannot be applied; Chinese and English message
    (formatted like every store error)."""


# ====================================================================== pure: inputs and edits

def _canon(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    return store_frames.canonical(kind, df)


def empty_frames() -> dict[str, pd.DataFrame]:
    return {k: store_frames.empty(k) for k in INPUT_KINDS}


def previous_from_assignment(assignment: pd.DataFrame) -> pd.DataFrame:
    pairs = assignment[["cadre_id", "class_id"]].drop_duplicates() if len(assignment) else \
        pd.DataFrame(columns=["cadre_id", "class_id"])
    return _canon("previous", pairs)


def _drop_refs(fr: dict[str, pd.DataFrame], cadre_ids: set[str] = frozenset(),
               class_ids: set[str] = frozenset()) -> dict[str, int]:
    """Remove preferences / constraints / previous rows naming removed cadres or classes, so the
    scenario stays a valid input (the importer's reference rules). Returns rows dropped per kind."""
    dropped = {}
    cls = fr["classes"]
    exists = {"class": set(cls["class_id"]), "college": set(cls["college"]), "major": set(cls["major"]),
              "grade": set(cls["grade"].astype(str))}
    p = fr["preferences"]
    # a wish whose class/college/major/grade no longer exists is dropped with the rows it names
    alive = pd.Series([v in exists.get(k, set()) for k, v in zip(p["kind"], p["value"], strict=True)],
                      index=p.index, dtype=bool)
    keep = ~p["cadre_id"].isin(cadre_ids) & alive
    dropped["preferences"] = int((~keep).sum())
    fr["preferences"] = p.loc[keep].reset_index(drop=True)
    c = fr["constraints"]
    keep = ~(c["cadre_id"].isin(cadre_ids) & (c["cadre_id"] != "")) & \
        ~(c["class_id"].isin(class_ids) & (c["class_id"] != "")) & \
        ((c["college"] == "") | c["college"].isin(exists["college"]))
    dropped["constraints"] = int((~keep).sum())
    fr["constraints"] = c.loc[keep].reset_index(drop=True)
    v = fr["previous"]
    keep = ~v["cadre_id"].isin(cadre_ids) & ~v["class_id"].isin(class_ids)
    dropped["previous"] = int((~keep).sum())
    fr["previous"] = v.loc[keep].reset_index(drop=True)
    return dropped


def _ids(edit: dict, key: str) -> list[str]:
    vals = edit.get(key) or []
    if isinstance(vals, str):
        vals = [vals]
    return [str(v).strip() for v in vals if str(v).strip()]


def apply_edit(fr: dict[str, pd.DataFrame], edit: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """One edit applied to a copy of the frames. Raises ScenarioError naming what is wrong.

    Edits (JSON dicts, kept in the scenario's log):
      {"op": "add_hypothetical", "count": N, "level": "deputy", "expertise": [...], "discipline": "", "capacity": 1}
      {"op": "remove_cadres", "cadre_ids": [...]}            also drops their wishes, rules and previous pairs
      {"op": "set_capacity", "capacity": k, "level": "deputy" | "cadre_ids": [...]}
      {"op": "add_classes", "rows": [class records]}        e.g. next year's freshman classes from a file
      {"op": "remove_classes", "class_ids": [...]} or {"op": "remove_classes", "grade": 2022}
      {"op": "set_constraints", "rows": [constraint records]}   replaces the rules
    """
    fr = {k: v.copy() for k, v in fr.items()}
    op = edit.get("op")
    cad, cls = fr["cadres"], fr["classes"]
    if op == "add_hypothetical":
        try:
            count = int(edit.get("count", 0))
            cap = int(edit.get("capacity", 1))
        except (TypeError, ValueError):
            raise ScenarioError("人数和带班数应为整数", "count and capacity must be whole numbers") from None
        level = edit.get("level")
        if level not in LEVELS:
            raise ScenarioError(f"层级 {level!r} 无效", f"level {level!r} must be one of {LEVELS}")
        if not 1 <= count <= 500:
            raise ScenarioError(f"假设干部人数 {count} 应在 1–500 之间", f"count {count} must be 1–500")
        if cap < 0:
            raise ScenarioError("带班数不能为负", "capacity must be ≥ 0")
        taken = set(cad["cadre_id"])
        nums = [int(x[len(HYPO_PREFIX):]) for x in taken if x.startswith(HYPO_PREFIX) and x[len(HYPO_PREFIX):].isdigit()]
        start = max(nums, default=0) + 1
        expertise = tuple(str(t).strip() for t in (edit.get("expertise") or []) if str(t).strip())
        rows = [{"cadre_id": f"{HYPO_PREFIX}{k:03d}", "name": f"假设干部{k}", "unit": "（假设）",
                 "position": "", "level": level, "expertise": expertise,
                 "discipline": str(edit.get("discipline") or "").strip(), "capacity": cap}
                for k in range(start, start + count)]
        fr["cadres"] = _canon("cadres", pd.concat([cad, store_frames.from_records("cadres", rows)],
                                                  ignore_index=True))
    elif op == "remove_cadres":
        ids = _ids(edit, "cadre_ids")
        unknown = sorted(set(ids) - set(cad["cadre_id"]))
        if unknown or not ids:
            raise ScenarioError("要移除的干部不在名单中", "cadres to remove are not in the list", unknown)
        fr["cadres"] = cad.loc[~cad["cadre_id"].isin(ids)].reset_index(drop=True)
        _drop_refs(fr, cadre_ids=set(ids))
    elif op == "set_capacity":
        try:
            cap = int(edit.get("capacity"))
        except (TypeError, ValueError):
            raise ScenarioError("带班数应为整数", "capacity must be a whole number") from None
        if cap < 0:
            raise ScenarioError("带班数不能为负", "capacity must be ≥ 0")
        if edit.get("level"):
            if edit["level"] not in LEVELS:
                raise ScenarioError(f"层级 {edit['level']!r} 无效", f"level {edit['level']!r} invalid")
            sel = cad["level"] == edit["level"]
        else:
            ids = _ids(edit, "cadre_ids")
            unknown = sorted(set(ids) - set(cad["cadre_id"]))
            if unknown or not ids:
                raise ScenarioError("干部不在名单中", "cadres are not in the list", unknown)
            sel = cad["cadre_id"].isin(ids)
        cad = cad.copy()
        cad.loc[sel, "capacity"] = cap
        fr["cadres"] = _canon("cadres", cad)
    elif op == "add_classes":
        try:
            new = store_frames.from_records("classes", list(edit.get("rows") or []))
        except (store_frames.FrameError, ValueError, TypeError, KeyError) as exc:
            raise ScenarioError("新增班级的数据格式不符", "added classes are not canonical", [str(exc)]) from None
        if new.empty:
            raise ScenarioError("没有要新增的班级", "no classes to add")
        dup = sorted(set(new["class_id"]) & set(cls["class_id"]))
        dup += sorted(new.loc[new["class_id"].duplicated(), "class_id"])
        if dup:
            raise ScenarioError("班级编号已存在", "class ids already exist", dup)
        fr["classes"] = _canon("classes", pd.concat([cls, new], ignore_index=True))
    elif op == "remove_classes":
        if edit.get("grade") not in (None, ""):
            ids = list(cls.loc[cls["grade"] == int(edit["grade"]), "class_id"])
            if not ids:
                raise ScenarioError(f"没有 {edit['grade']} 级的班级", f"no classes of grade {edit['grade']}")
        else:
            ids = _ids(edit, "class_ids")
            unknown = sorted(set(ids) - set(cls["class_id"]))
            if unknown or not ids:
                raise ScenarioError("要移除的班级不在名单中", "classes to remove are not in the list", unknown)
        fr["classes"] = cls.loc[~cls["class_id"].isin(ids)].reset_index(drop=True)
        _drop_refs(fr, class_ids=set(ids))
    elif op == "set_constraints":
        try:
            con = store_frames.from_records("constraints", list(edit.get("rows") or []))
        except (store_frames.FrameError, ValueError, TypeError, KeyError) as exc:
            raise ScenarioError("约束数据格式不符", "constraints are not canonical", [str(exc)]) from None
        fr["constraints"] = con
    else:
        raise ScenarioError(f"未知的情景编辑 {op!r}", f"unknown scenario edit {op!r}")
    check_frames(fr)
    return fr


def check_frames(fr: dict[str, pd.DataFrame]) -> None:
    """References a solve needs: every wish/rule names an existing cadre/class/college."""
    cad, cls = set(fr["cadres"]["cadre_id"]), set(fr["classes"]["class_id"])
    colleges = set(fr["classes"]["college"])
    bad = []
    for k, r in fr["constraints"].iterrows():
        if r["cadre_id"] and r["cadre_id"] not in cad:
            bad.append(f"约束第{k + 1}行 rule {k + 1}: 工号 cadre {r['cadre_id']}")
        if r["class_id"] and r["class_id"] not in cls:
            bad.append(f"约束第{k + 1}行 rule {k + 1}: 班级 class {r['class_id']}")
        if r["college"] and r["college"] not in colleges:
            bad.append(f"约束第{k + 1}行 rule {k + 1}: 学院 college {r['college']}")
    p = fr["preferences"]
    miss = p.loc[~p["cadre_id"].isin(cad), "cadre_id"]
    bad += [f"意向 preference: 工号 cadre {c}" for c in sorted(set(miss))]
    if bad:
        raise ScenarioError("情景中有引用不存在的干部、班级或学院", "the scenario refers to unknown cadres, "
                            "classes or colleges", bad)


def describe_edit(edit: dict[str, Any]) -> tuple[str, str]:
    """A one-line description of an edit (zh, en) for the scenario's log."""
    op = edit.get("op")
    if op == "add_hypothetical":
        lv = edit.get("level", "")
        ex = "、".join(edit.get("expertise") or []) or "无"
        return (f"新增 {edit.get('count')} 名假设{LEVEL_ZH.get(lv, lv)}（专长：{ex}；带班数 {edit.get('capacity', 1)}）",
                f"add {edit.get('count')} hypothetical {lv} cadre(s) (expertise: {ex}; capacity {edit.get('capacity', 1)})")
    if op == "remove_cadres":
        ids = _ids(edit, "cadre_ids")
        return f"移除 {len(ids)} 名干部：{'、'.join(ids[:8])}", f"remove {len(ids)} cadre(s): {', '.join(ids[:8])}"
    if op == "set_capacity":
        who = LEVEL_ZH.get(edit.get("level"), "") or "、".join(_ids(edit, "cadre_ids")[:8])
        who_en = edit.get("level") or ", ".join(_ids(edit, "cadre_ids")[:8])
        return f"{who} 带班数设为 {edit.get('capacity')}", f"capacity of {who_en} set to {edit.get('capacity')}"
    if op == "add_classes":
        n = len(edit.get("rows") or [])
        src = edit.get("source") or ""
        return f"新增 {n} 个班级 {src}".strip(), f"add {n} class(es) {src}".strip()
    if op == "remove_classes":
        if edit.get("grade") not in (None, ""):
            return f"移除 {edit['grade']} 级全部班级", f"remove every class of grade {edit['grade']}"
        ids = _ids(edit, "class_ids")
        return f"移除 {len(ids)} 个班级：{'、'.join(ids[:8])}", f"remove {len(ids)} class(es): {', '.join(ids[:8])}"
    if op == "set_constraints":
        n = len(edit.get("rows") or [])
        return f"约束规则改为 {n} 条", f"rules replaced ({n} rows)"
    return str(op), str(op)


# ====================================================================== pure: parameters and solving

def default_params() -> dict[str, Any]:
    """The rounds' solve parameters (services.rounds) plus the scenario-only fairness bound."""
    from services.rounds import default_params as round_params
    return round_params() | {"worst_rank_max": None}


def make_config(params: dict[str, Any] | None) -> MatchConfig:
    """The matching configuration of a scenario's parameters (same reading as a round's)."""
    from services.rounds import make_config as round_config
    try:
        return round_config(default_params() | dict(params or {}))
    except ConfigError as exc:
        raise ScenarioError("求解参数无效", "invalid solve parameters", exc.problems) from None
    except (TypeError, ValueError) as exc:
        raise ScenarioError("求解参数无效", "invalid solve parameters", [str(exc)]) from None


def locked_cadres(fr: dict[str, pd.DataFrame]) -> set[str]:
    c = fr["constraints"]
    return set(c.loc[c["type"] == "lock", "cadre_id"])


def fairness_forbids(fr: dict[str, pd.DataFrame], rank_max: int) -> pd.DataFrame:
    """Forbid rows that keep every cadre with wishes (capacity > 0, not locked) inside their wishes
    of rank ≤ rank_max. Locked cadres are left out: the office fixed their class, so no bound on
    their wishes could hold. Rows are whole-college forbids where no class of the college is
    wished, else per class (a few thousand rows on a real university)."""
    cad = fr["cadres"].set_index("cadre_id")
    cls = fr["classes"]
    locked = locked_cadres(fr)
    pref = fr["preferences"]
    pref = pref.loc[(pref["rank"] <= rank_max) & pref["cadre_id"].isin(cad.index[cad["capacity"] > 0])
                    & ~pref["cadre_id"].isin(locked)]
    grade_s = cls["grade"].astype(str)
    rows = []
    for cid, g in pref.groupby("cadre_id", sort=True):
        ok = pd.Series(False, index=cls.index)
        for kind, value in zip(g["kind"], g["value"], strict=True):
            col = {"class": cls["class_id"], "college": cls["college"], "major": cls["major"],
                   "grade": grade_s}[kind]
            ok |= col == value
        for college, sub in cls.groupby("college", sort=True):
            okc = ok.loc[sub.index]
            if not okc.any():
                rows.append({"type": "forbid", "cadre_id": cid, "class_id": "", "college": college, "level": "",
                             "min": None, "max": None, "reason": f"{FAIR_REASON}：志愿不低于第{rank_max}位"})
            else:
                for k in sub.index[~okc.to_numpy()]:
                    rows.append({"type": "forbid", "cadre_id": cid, "class_id": cls.at[k, "class_id"], "college": "",
                                 "level": "", "min": None, "max": None,
                                 "reason": f"{FAIR_REASON}：志愿不低于第{rank_max}位"})
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


# ====================================================================== pure: metrics and comparison

def worst_rank(assignment: pd.DataFrame, fr: dict[str, pd.DataFrame]) -> float | None:
    """The worst-off cadre's preference rank: over cadres with wishes who advise a class and are not
    locked, the largest rank met (inf when one of them gets no wish at all; None when nobody counts)."""
    pref_cadres = set(fr["preferences"]["cadre_id"]) - locked_cadres(fr)
    a = assignment.loc[assignment["cadre_id"].isin(pref_cadres)]
    if a.empty:
        return None
    if a["preference_rank"].isna().any():
        return math.inf
    return float(a["preference_rank"].max())


def metrics(report: dict[str, Any] | None, assignment: pd.DataFrame | None, fr: dict[str, pd.DataFrame],
            published: pd.DataFrame | None) -> dict[str, Any]:
    """The comparison row of one solution: status, total fit, coverage (overall / priority / tag),
    preference satisfaction, worst-off cadre, changes from the published assignment."""
    rep = report or {}
    out: dict[str, Any] = {"status": rep.get("status", "—")}
    if assignment is None or rep.get("status") not in ("optimal", "feasible", "published"):
        return out
    cov = rep.get("coverage", {})
    out["total_fit"] = rep.get("total_fit")
    out["pairs"] = len(assignment)
    out["classes"] = cov.get("classes")
    out["classes_covered"] = cov.get("classes_covered")
    out["coverage"] = cov.get("classes_covered", 0) / cov["classes"] if cov.get("classes") else None
    out["priority_classes"] = cov.get("priority_classes")
    out["priority_covered"] = cov.get("priority_covered")
    out["students_coverage"] = (cov.get("students_covered", 0) / cov["students"]) if cov.get("students") else None
    out["by_tag"] = {t: (v["classes_covered"] / v["classes"] if v["classes"] else None)
                     for t, v in (cov.get("by_tag") or {}).items()}
    pr = rep.get("preferences") or {}
    out["first_choice_pct"] = pr.get("first_choice_pct")
    out["top3_pct"] = pr.get("top3_pct")
    out["none_pct"] = pr.get("none_pct")
    out["worst_rank"] = worst_rank(assignment, fr)
    if published is not None:
        pub = set(zip(published["cadre_id"], published["class_id"], strict=True))
        now = set(zip(assignment["cadre_id"], assignment["class_id"], strict=True))
        out["changed_from_published"] = len(now - pub)
    return out


STATUS_LABELS = {"optimal": ("最优", "optimal"), "feasible": ("可行（未证最优）", "feasible"),
                 "infeasible": ("无可行解", "infeasible"), "cancelled": ("已取消", "cancelled"),
                 "published": ("已发布", "published")}

METRIC_ROWS = [  # key, zh, en, kind
    ("status", "求解状态", "Status", "text"),
    ("total_fit", "总匹配度", "Total fit", "num"),
    ("pairs", "配对数", "Pairs", "int"),
    ("coverage", "班级覆盖率", "Classes covered", "pct"),
    ("students_coverage", "学生覆盖率", "Students covered", "pct"),
    ("priority", "重点班覆盖", "Priority classes covered", "text"),
    ("first_choice_pct", "第一志愿满足（%）", "First choice met (%)", "num"),
    ("top3_pct", "前三志愿满足（%）", "Top-3 met (%)", "num"),
    ("none_pct", "志愿均未满足（%）", "No wish met (%)", "num"),
    ("worst_rank", "最差志愿位次（不含锁定）", "Worst-off cadre's rank (locks excluded)", "rank"),
    ("changed_from_published", "相对已发布的变动对数", "Pairs changed from published", "int"),
]


def metrics_table(named: list[tuple[str, dict[str, Any]]], lang: str = "zh") -> pd.DataFrame:
    """Rows = metrics (and one row per tag), columns = the named solutions; text cells for display."""
    tags = sorted({t for _, m in named for t in (m.get("by_tag") or {})})
    rows = []
    for key, zh, en, kind in METRIC_ROWS:
        row = {"指标" if lang == "zh" else "Metric": zh if lang == "zh" else en}
        for name, m in named:
            if key == "status":
                v = STATUS_LABELS.get(m.get("status"), (m.get("status"),) * 2)[0 if lang == "zh" else 1]
            elif key == "priority":
                v = None if m.get("priority_classes") is None else f"{m.get('priority_covered')} / {m['priority_classes']}"
            else:
                v = m.get(key)
            row[name] = _fmt(v, kind, lang)
        rows.append(row)
    for t in tags:
        row = {"指标" if lang == "zh" else "Metric": (f"覆盖率·{t}" if lang == "zh" else f"Coverage · {t}")}
        for name, m in named:
            row[name] = _fmt((m.get("by_tag") or {}).get(t), "pct")
        rows.append(row)
    return pd.DataFrame(rows)


def _fmt(v, kind: str, lang: str = "zh") -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if kind == "pct":
        return f"{v:.1%}"
    if kind == "num":
        return f"{v:,.2f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)
    if kind == "rank":
        if v == math.inf:
            return "有干部志愿均未满足" if lang == "zh" else "someone gets no wish"
        return f"第{int(v)}志愿" if lang == "zh" else f"rank {int(v)}"
    return str(v)


def moves(base: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Who would move where: one row per cadre whose classes differ between `base` and `other`."""
    def by_cadre(a):
        g = a.sort_values("class_id").groupby("cadre_id")
        return {c: (list(s["class_id"]), list(s["class_name"]), str(s["name"].iloc[0])) for c, s in g}
    b, o = by_cadre(base), by_cadre(other)
    rows = []
    for c in sorted(set(b) | set(o)):
        bc, oc = b.get(c, ([], [], "")), o.get(c, ([], [], ""))
        if set(bc[0]) == set(oc[0]):
            continue
        rows.append({"cadre_id": c, "name": bc[2] or oc[2], "from": "、".join(bc[1]) or "（无）",
                     "from_ids": "、".join(bc[0]), "to": "、".join(oc[1]) or "（无）", "to_ids": "、".join(oc[0])})
    return pd.DataFrame(rows, columns=["cadre_id", "name", "from", "from_ids", "to", "to_ids"])


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


def read_classes_file(raw: bytes, filename: str) -> tuple[dict[str, Any] | None, list]:
    """Classes to add (e.g. next year's freshman classes) from an xlsx/csv read by the importer:
    (the add_classes edit, []) or (None, the importer's problems)."""
    import importer
    try:
        df = importer.read_file("classes", raw, filename=filename)
    except importer.ImportFailed as exc:
        return None, list(exc.problems)
    return {"op": "add_classes", "rows": store_frames.json_records("classes", df), "source": filename}, []


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


def _session():
    from services.db import session_scope
    return session_scope()


def store_version() -> str:
    """The store's change marker (store.version): keys every page cache."""
    with _session() as s:
        return version.store_version(s)


def published_assignment() -> pd.DataFrame:
    """The published pairs in force (the rounds service's reading of "in force")."""
    from services.rounds import published_assignment as in_force
    return in_force()


def current_frames() -> dict[str, pd.DataFrame]:
    """The store's current inputs, with the published pairs in force as `previous`."""
    from services.rounds import current_inputs
    return empty_frames() | current_inputs(use_previous=True)


def _open(info) -> Opened:
    fr = empty_frames() | dict(info.inputs or {})
    return Opened(info.id, info.name, info.owner, info.base, list(info.edits), default_params() | dict(info.parameters),
                  fr, info.result, info.assignment)


def list_scenarios():
    from store import scenarios as st_sc
    with _session() as s:
        return st_sc.list_scenarios(s)


def get(scenario_id: int) -> Opened:
    from store import scenarios as st_sc
    with _session() as s:
        return _open(st_sc.get_scenario(s, scenario_id))


def create(name: str, actor: str, base_scenario: int | None = None, params: dict | None = None) -> int:
    """A new scenario: a copy of the current inputs, or of another scenario (its edits, inputs and
    parameters; not its result)."""
    from store import scenarios as st_sc
    if base_scenario is None:
        fr, base, edits, p = current_frames(), {"kind": "published"}, [], default_params() | dict(params or {})
    else:
        src = get(base_scenario)
        fr, base, edits, p = src.frames, {"kind": "scenario", "id": src.id, "name": src.name}, src.edits, src.params
    with _session() as s:
        return st_sc.save_scenario(s, name, actor, base, edits, fr, p, actor)


def _save(sc: Opened, actor: str, frames: dict | None = None, edits: list | None = None, params: dict | None = None,
          report: dict | None = None, assignment: pd.DataFrame | None = None, keep_result: bool = False,
          name: str | None = None) -> None:
    from store import scenarios as st_sc
    with _session() as s:
        st_sc.save_scenario(s, name or sc.name, sc.owner, sc.base, sc.edits if edits is None else edits,
                            sc.frames if frames is None else frames, sc.params if params is None else params, actor,
                            result=sc.report if keep_result else report,
                            assignment=sc.assignment if keep_result else assignment, scenario_id=sc.id)


def add_edit(scenario_id: int, edit: dict[str, Any], actor: str) -> Opened:
    """Apply one edit and save (the previous result is dropped: it no longer matches the inputs)."""
    sc = get(scenario_id)
    fr = apply_edit(sc.frames, edit)
    _save(sc, actor, frames=fr, edits=[*sc.edits, store_frames.jsonable(edit)])
    return get(scenario_id)


def set_params(scenario_id: int, params: dict[str, Any], actor: str) -> Opened:
    sc = get(scenario_id)
    p = default_params() | dict(params)
    make_config(p)  # validates
    _save(sc, actor, params=p)
    return get(scenario_id)


def solve_scenario(scenario_id: int, actor: str, progress=None, cancel=None) -> Opened:
    """Solve and store the result in the scenario only (never a round, never the published rows)."""
    sc = get(scenario_id)
    res = solve_frames(sc.frames, sc.params, progress=progress, cancel=cancel)
    if res.status == "cancelled":
        return sc
    report = dict(res.report)
    ok = res.status in ("optimal", "feasible")
    _save(sc, actor, report=report, assignment=res.assignment if ok else None)
    return get(scenario_id)


def save_solution(name: str, actor: str, frames: dict, params: dict, result, base: dict) -> int:
    """A sweep/trade-off point opened as a new scenario, its solution stored with it."""
    from store import scenarios as st_sc
    ok = result.status in ("optimal", "feasible")
    with _session() as s:
        return st_sc.save_scenario(s, name, actor, base, [], frames, default_params() | dict(params), actor,
                                   result=dict(result.report), assignment=result.assignment if ok else None)


def delete(scenario_id: int, actor: str, is_admin: bool = False) -> None:
    """Delete a scenario: its owner, or an admin."""
    from store import scenarios as st_sc
    sc = get(scenario_id)
    if sc.owner != actor and not is_admin:
        raise ScenarioError(f"只有创建人（{sc.owner}）或管理员可以删除此情景",
                            f"only the owner ({sc.owner}) or an admin can delete this scenario")
    with _session() as s:
        st_sc.delete_scenario(s, scenario_id, actor)


def published_metrics(fr: dict[str, pd.DataFrame], params: dict | None = None
                      ) -> tuple[dict, pd.DataFrame, pd.DataFrame | None]:
    """Metrics of the published assignment in force, scored on the given frames' fit model:
    (metrics, the published rows, the same pairs with their scores and ranks or None)."""
    pub = published_assignment()
    res = evaluate_assignment(fr, pub, params)
    rep = dict(res.report)
    ok = res.status in ("optimal", "feasible")
    if ok:
        rep["status"] = "published"
    return metrics(rep, res.assignment if ok else None, fr, pub), pub, res.assignment if ok else None


def promote(scenario_id: int, user, round_name: str | None = None) -> int:
    """Admin only: a DRAFT round (kind "scenario") with the scenario's inputs, parameters and result.
    Publishing stays on the rounds page."""
    from store.rounds import create_round, save_round_result
    if getattr(user, "role", None) != "admin":
        raise ScenarioError("只有组织部管理员可以把情景转为草稿轮次", "only an admin can promote a scenario")
    sc = get(scenario_id)
    if sc.report is None or sc.assignment is None:
        raise ScenarioError("请先求解该情景（且有可行结果）再转为草稿轮次",
                            "solve the scenario (with a feasible result) before promoting it")
    name = (round_name or f"情景：{sc.name}").strip()
    # the round must re-solve to the same result on the rounds page, which knows no fairness
    # bound: its forbid rows go into the round's own rules
    inputs = {k: sc.frames[k] for k in INPUT_KINDS}
    inputs["constraints"] = matching_input(sc.frames, sc.params).constraints.reset_index(drop=True)
    params = {k: v for k, v in sc.params.items() if k != "worst_rank_max"} | {
        "scenario_id": sc.id, "scenario_name": sc.name, "seed": sc.params.get("seed", 0)}
    with _session() as s:
        rid = create_round(s, name, "scenario", inputs, params, user.username)
        save_round_result(s, rid, sc.assignment, dict(sc.report) | {"from_scenario": sc.id}, user.username)
    return rid
