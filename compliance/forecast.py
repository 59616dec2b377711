"""Forecast for pending periods and the office's weekly reminder list.

Reading (documented): a cadre can do at most one activity a day, and an activity needs the cadre
on duty (assignment covers the day, no exemption) on a day that is not a calendar holiday.
Weekends count as possible days (dormitory, canteen and society visits happen then).
- days_left: such days from the as-of date (inclusive) to the period's last day.
- reachable: missing = required - done <= days_left. For a distinct-venue rule each missing venue
  needs its own day, so the same test applies.
- must act this week: reachable, and missing > the days left after the Sunday of the as-of week —
  i.e. waiting until next week would make the period unreachable. This covers a weekly rule not yet
  met this week, a month or term rule whose remaining days are in this week, and a year rule that
  needs as many activities as days remain.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import PENDING, Evaluation


def _opportunity_cumsum(ev: Evaluation) -> np.ndarray:
    opp = ev.on_duty & ~ev.cal.holiday[None, :]
    cum = np.zeros((opp.shape[0], opp.shape[1] + 1), dtype=np.int64)
    np.cumsum(opp, axis=1, out=cum[:, 1:])
    return cum


def forecast(ev: Evaluation) -> pd.DataFrame:
    """The status rows with forecast columns: missing, days_left, days_left_after_week, reachable,
    must_act_this_week (the last three only meaningful for pending rows; False otherwise)."""
    r = ev._rows
    out = ev.status.copy()
    n = len(out)
    missing = np.maximum(r["required"] - r["done"], 0)
    pending = r["status"] == PENDING
    days_left = np.zeros(n, dtype=np.int64)
    after = np.zeros(n, dtype=np.int64)
    if pending.any():
        cum = _opportunity_cumsum(ev)
        D = ev.cal.n_days
        a0 = ev.as_of_idx
        sunday = a0 + (6 - (ev.as_of.weekday()))
        c = r["c"][pending]
        b = np.clip(r["end"][pending], -1, D - 1) + 1           # exclusive end
        a = np.clip(np.maximum(r["start"][pending], a0), 0, D)
        a2 = np.clip(np.maximum(r["start"][pending], sunday + 1), 0, D)
        days_left[pending] = np.maximum(cum[c, b] - cum[c, np.minimum(a, b)], 0)
        after[pending] = np.maximum(cum[c, b] - cum[c, np.minimum(a2, b)], 0)
    reachable = pending & (missing <= days_left)
    out["missing"] = np.where(r["status"] == 3, 0, missing)
    out["days_left"] = days_left
    out["days_left_after_week"] = after
    out["reachable"] = reachable
    out["must_act_this_week"] = reachable & (missing > after)
    return out


def reminders(ev: Evaluation, fc: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cadres who must act this week to stay on track, with the reason in Chinese and English."""
    fc = forecast(ev) if fc is None else fc
    rem = fc.loc[fc["must_act_this_week"]].copy()
    rules = {r.id: r for r in ev.rules}
    zh, en = [], []
    for rid, kind, period, miss, left in zip(rem["rule"], rem["period_kind"], rem["period"], rem["missing"],
                                             rem["days_left_after_week"]):
        rule = rules[rid]
        unit_zh, unit_en = ("个场所", "venue(s)") if rule.count == "distinct_venues" else (
            ("个班级", "class(es)") if rule.count == "classes" else ("次", "activity(ies)"))
        if kind == "week":
            zh.append(f"本周（{period}）{rule.name_zh}尚未完成，还差{miss}{unit_zh}")
            en.append(f"This week ({period}): {rule.name_en} not done yet, {miss} more {unit_en} needed")
        elif left == 0:
            zh.append(f"{period}{rule.name_zh}还差{miss}{unit_zh}，本周是最后机会")
            en.append(f"{period} {rule.name_en}: {miss} more {unit_en} needed and this week is the last chance")
        else:
            zh.append(f"{period}{rule.name_zh}还差{miss}{unit_zh}，本周之后仅剩{left}个可用日")
            en.append(f"{period} {rule.name_en}: {miss} more {unit_en} needed, only {left} usable day(s) "
                      f"left after this week")
    rem["name"] = [ev.names.get(c, "") for c in rem["cadre_id"]]
    rem["reason_zh"] = zh
    rem["reason_en"] = en
    cols = ["cadre_id", "name", "rule", "period", "period_kind", "period_end", "required", "done", "missing",
            "days_left", "days_left_after_week", "reason_zh", "reason_en"]
    return rem[cols].reset_index(drop=True)
