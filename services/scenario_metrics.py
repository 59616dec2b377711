"""Comparing solutions of scenarios: the metrics row of one solution, the side-by-side table, and
who would move where. Pure (pandas only)."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

from common import vocabulary


def locked_cadres(fr: dict[str, pd.DataFrame]) -> set[str]:
    c = fr["constraints"]
    return set(c.loc[c["type"] == "lock", "cadre_id"])


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


METRIC_ROWS = [  # key, zh, en, kind
    ("status", "求解状态", "Status", "text"),
    ("total_fit", "总匹配度", "Total fit", "num"),
    ("pairs", "配对数", "Pairs", "int"),
    ("coverage", "班级覆盖率", "Classes covered", "pct"),
    ("students_coverage", "学生覆盖率", "Students covered", "pct"),
    ("priority", "重点关注班级覆盖", "Priority classes covered", "text"),
    ("first_choice_pct", "第一意向满足（%）", "First choice met (%)", "num"),
    ("top3_pct", "前三意向满足（%）", "Top-3 met (%)", "num"),
    ("none_pct", "意向均未满足（%）", "No wish met (%)", "num"),
    ("worst_rank", "最差意向位次（不含锁定）", "Worst-off cadre's rank (locks excluded)", "rank"),
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
                v = vocabulary.label(vocabulary.SOLVER_STATUSES, m.get("status"), lang)
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
            return "有干部意向均未满足" if lang == "zh" else "someone gets no wish"
        return f"第{int(v)}意向" if lang == "zh" else f"rank {int(v)}"
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


