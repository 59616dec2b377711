"""The solve-parameter widgets, the same on the Rounds and the Scenarios page: objective, priority
classes, own-unit rule, change budget, (time limit and seed | fairness floor) and the weights."""
from __future__ import annotations

from typing import Any

import streamlit as st

from common import vocabulary
from ui.i18n import tr
from ui.labels import formatter, label


def _choice(col, title: str, table: vocabulary.Vocab, value: str, key: str, disabled: bool) -> str:
    opts = list(table)
    return col.selectbox(title, opts, index=opts.index(value) if value in opts else 0, format_func=formatter(table),
                         key=key, disabled=disabled)


def _optional_int(col, title: str, value, off: int, key: str, disabled: bool) -> int | None:
    """A number input where `off` means "no limit" (stored as None)."""
    n = col.number_input(title, min_value=off, step=1, value=off if value is None else int(value), key=key,
                         disabled=disabled)
    return None if n == off else int(n)


def _weights(prefix: str, weights: dict[str, Any], disabled: bool) -> dict[str, float]:
    st.caption(tr("权重（匹配度 = 各项得分 × 权重之和）", "Weights (fit = sum of parts × weight)"))
    w = dict(weights or {})
    for col, k in zip(st.columns(len(vocabulary.WEIGHTS)), vocabulary.WEIGHTS):
        w[k] = float(col.number_input(label(vocabulary.WEIGHTS, k), value=float(w.get(k, 0.0)), step=0.5,
                                      key=f"{prefix}_w_{k}", disabled=disabled))
    return w


def solve_params_widgets(prefix: str, params: dict[str, Any], disabled: bool = False,
                         fairness: bool = False) -> dict[str, Any]:
    """Draw the parameters (widget keys `{prefix}_<name>`) and return the edited copy.
    Rounds show the time limit and seed; scenarios (`fairness=True`) the fairness floor instead."""
    p = dict(params)
    c1, c2, c3 = st.columns(3)
    p["objective"] = _choice(c1, tr("目标", "Objective"), vocabulary.OBJECTIVES, p.get("objective", "total"),
                             f"{prefix}_objective", disabled)
    p["priority"] = _choice(c2, tr("重点关注班级", "Priority classes"), vocabulary.PRIORITY_MODES,
                            p.get("priority", "hard"), f"{prefix}_priority", disabled)
    p["own_unit"] = _choice(c3, tr("本单位规则", "Own-unit rule"), vocabulary.OWN_UNIT_RULES,
                            p.get("own_unit", "neutral"), f"{prefix}_own_unit", disabled)
    c1, c2, c3 = st.columns(3)
    p["change_budget"] = _optional_int(c1, tr("调整上限（与现行分配相比最多新配对数，-1 = 不限）",
                                              "Change budget (new pairs vs. in force, -1 = none)"),
                                       p.get("change_budget"), -1, f"{prefix}_change_budget", disabled)
    if fairness:
        p["worst_rank_max"] = _optional_int(
            c2, tr("公平底线：每位有意向的干部（锁定除外）至少满足第几意向（0 = 不限）",
                   "Fairness floor: every cadre with wishes (locks excluded) gets a wish ranked ≤ (0 = none)"),
            p.get("worst_rank_max"), 0, f"{prefix}_worst_rank_max", disabled)
    else:
        p["time_limit_s"] = float(c2.number_input(tr("求解时限（秒）", "Time limit (s)"), min_value=1.0,
                                                  max_value=3600.0, value=float(p.get("time_limit_s", 30.0)),
                                                  step=5.0, key=f"{prefix}_time_limit", disabled=disabled))
        p["seed"] = int(c3.number_input(tr("随机种子（复现用）", "Seed (for reproduction)"), min_value=0, step=1,
                                        value=int(p.get("seed", 0)), key=f"{prefix}_seed", disabled=disabled))
    p["weights"] = _weights(prefix, p.get("weights") or {}, disabled)
    return p
