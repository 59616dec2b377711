"""Roll-ups the charts show (compliance-rules.md, Roll-ups)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import Evaluation, _text


def compliance_rate(status: pd.DataFrame) -> pd.DataFrame:
    """Per cadre and rule: counts by status and rate = met / (met + missed) (NaN when both are 0)."""
    # keep the cadre and rule order of the status table
    counts = (status.groupby(["cadre_id", "rule"], sort=False)["status"].value_counts()
              .unstack(fill_value=0))
    for s in ("met", "missed", "pending", "exempt"):
        if s not in counts:
            counts[s] = 0
    out = counts[["met", "missed", "pending", "exempt"]].reset_index()
    out.columns.name = None
    den = out["met"] + out["missed"]
    out["rate"] = np.where(den > 0, out["met"] / den.where(den > 0, 1), np.nan)
    return out


def on_track(fc: pd.DataFrame) -> pd.DataFrame:
    """Per cadre: on_track = assessed, nothing missed and every pending period still reachable (takes
    forecast()). A cadre whose every period is exempt (no duty) is not assessed: state `exempt`
    (免予考核), never counted as on track. `state` is on_track / off_track / exempt; `period` names the
    days the verdict covers (first day of its first period to last day of its last, `2025-09-08至2026-03-29`)."""
    g = fc.assign(_missed=fc["status"] == "missed", _pending=fc["status"] == "pending",
                  _unreach=(fc["status"] == "pending") & ~fc["reachable"],
                  _act=fc["must_act_this_week"], _assessed=fc["status"] != "exempt")
    out = g.groupby("cadre_id", sort=False).agg(missed=("_missed", "sum"), pending=("_pending", "sum"),
                                                unreachable=("_unreach", "sum"), act_this_week=("_act", "sum"),
                                                assessed=("_assessed", "any"))
    out["on_track"] = out["assessed"] & (out["missed"] == 0) & (out["unreachable"] == 0)
    out["state"] = np.where(~out["assessed"], "exempt", np.where(out["on_track"], "on_track", "off_track"))
    if len(fc):
        g = fc.groupby("cadre_id", sort=False)
        first, last = g["period_start"].min().dt.strftime("%Y-%m-%d"), g["period_end"].max().dt.strftime("%Y-%m-%d")
        out["period"] = (first + "至" + last).reindex(out.index)
    else:
        out["period"] = pd.Series(dtype=object)
    return out.reset_index()


def adviser_state(ev: Evaluation, rule_id: str = "class_assigned") -> pd.DataFrame:
    """Per cadre on the as-of date: classes advised that day (in force only), and state
    `advising` (带班), `unassigned` (未带班: owes a class and has none) or `exempt` (免予考核: no duty
    that day). `period` names the term of the as-of date (or the date itself between terms)."""
    d = ev.as_of_idx
    D = ev.cal.n_days
    inside = 0 <= d < D
    a_c, cls, a_s, a_e = ev._assign
    s = np.where(a_s == np.iinfo(np.int64).min, -(1 << 40), a_s)
    e = np.where(a_e == np.iinfo(np.int64).min, 1 << 40, a_e)
    live = (a_c >= 0) & (s <= d) & (e >= d)
    classes = [[] for _ in ev.cadre_ids]
    for c, k in zip(a_c[live], cls[live]):
        name = str(ev.class_index[k])
        if name and name not in classes[c]:
            classes[c].append(name)
    duty = ev.cadre_duty[:, d] if inside else np.zeros(len(ev.cadre_ids), dtype=bool)
    n = np.array([len(x) for x in classes], dtype=np.int64)
    state = np.where(n > 0, "advising", np.where(duty & ev.on_roster, "unassigned", "exempt"))
    tmap = ev.cal.periods["term"].day_map
    period = str(ev.cal.periods["term"].labels[tmap[d]]) if inside and tmap[d] >= 0 else ev.as_of.isoformat()
    return pd.DataFrame({"cadre_id": ev.cadre_ids, "name": [ev.names.get(c, "") for c in ev.cadre_ids],
                         "level": ev.levels, "classes": [tuple(x) for x in classes], "n_classes": n,
                         "state": state, "period": period})


def class_coverage(classes: pd.DataFrame, assignments: pd.DataFrame, as_of) -> pd.DataFrame:
    """Classes with an adviser on `as_of` / all classes, overall and by college, grade, tag and priority;
    also weighted by students (class size). Columns: dimension, value, classes, covered, rate,
    students, students_covered, students_rate."""
    day = pd.Timestamp(as_of).normalize()
    a = assignments
    start = pd.to_datetime(a["start"]) if "start" in a else pd.Series(pd.NaT, index=a.index)
    end = pd.to_datetime(a["end"]) if "end" in a else pd.Series(pd.NaT, index=a.index)
    active = (start.isna() | (start <= day)) & (end.isna() | (end >= day))
    advised = set(_text(a.loc[active, "class_id"], int(active.sum())))
    cls = classes.copy()
    cls["_cov"] = [c in advised for c in _text(cls["class_id"], len(cls))]
    cls["_size"] = pd.to_numeric(cls["size"], errors="coerce").fillna(0).astype(np.int64)
    cls["_size_cov"] = cls["_size"] * cls["_cov"]
    cls["_all"] = "全部"
    tags = cls[["_cov", "_size", "_size_cov", "tags"]].explode("tags")
    tags = tags[tags["tags"].notna() & (tags["tags"] != "")]
    frames = []
    for dim, df, col in (("overall", cls, "_all"), ("college", cls, "college"), ("grade", cls, "grade"),
                         ("tag", tags, "tags"), ("priority", cls, "priority")):
        if col not in df or not len(df):
            continue
        g = df.groupby(col, sort=True).agg(classes=("_cov", "size"), covered=("_cov", "sum"),
                                           students=("_size", "sum"),
                                           students_covered=("_size_cov", "sum"))
        g = g.reset_index().rename(columns={col: "value"})
        g.insert(0, "dimension", dim)
        g["value"] = g["value"].astype(str)
        frames.append(g)
    out = pd.concat(frames, ignore_index=True)
    out["covered"] = out["covered"].astype(np.int64)
    out["rate"] = out["covered"] / out["classes"]
    out["students_rate"] = np.where(out["students"] > 0, out["students_covered"] / out["students"].clip(lower=1),
                                    np.nan)
    return out[["dimension", "value", "classes", "covered", "rate", "students", "students_covered",
                "students_rate"]]


def nine_venues_coverage(ev: Evaluation, rule_id: str = "nine_venues") -> pd.DataFrame:
    """Per cadre and academic year so far: distinct venues reached (which ones) / the rule's threshold."""
    rule = ev.rules[rule_id]
    mask = ev.rule_mask(rule)
    yi = ev.cal.periods["year"].day_map[ev.act_day] if len(ev.act_day) else np.zeros(0, dtype=np.int32)
    sel = mask & (yi >= 0)
    df = pd.DataFrame({"c": ev.act_c[sel], "y": yi[sel], "v": np.asarray(ev._venue_uniques)[ev._venue_codes[sel]]})
    labels = ev.cal.periods["year"].labels
    years = np.nonzero(ev.cal.periods["year"].start <= ev.as_of_idx)[0]
    grid = pd.MultiIndex.from_product([np.arange(len(ev.cadre_ids)), years], names=["c", "y"])
    ven = df.drop_duplicates().groupby(["c", "y"])["v"].agg(lambda s: tuple(sorted(s)))
    ven = ven.reindex(grid)
    out = pd.DataFrame({
        "cadre_id": ev.cadre_ids[grid.get_level_values("c")],
        "period": labels[grid.get_level_values("y")],
        "venues": [v if isinstance(v, tuple) else () for v in ven.to_numpy()],
    })
    out["reached"] = out["venues"].map(len).astype(np.int64)
    out["required"] = rule.at_least
    out["coverage"] = out["reached"] / rule.at_least if rule.at_least else 1.0
    return out
