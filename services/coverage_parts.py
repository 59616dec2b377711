"""The frames the coverage dashboard draws, each built from one evaluation (`Computed`) for a set of
filters. Pure pandas over the evaluation's rows; services.coverage assembles them into a `View` for
the acting user. With a college in the filters, rows are that college's (compliance_view's
`scoped_rows`): a cadre who moved in shows only what belongs to their time there.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd

from common import vocabulary
from compliance.rollups import class_coverage
from compliance.rules import VENUES
from services.compliance_view import (
    F2F,
    Computed,
    Inputs,
    adviser_states,
    class_college,
    inputs_memo,
    rule_names,
    scoped_rows,
    term_span,
    venues_this_year,
)

LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)


@dataclass(frozen=True)
class Filters:
    as_of: date
    term: str | None = None       # None = every term
    college: str | None = None    # None = every college
    level: str | None = None      # school / head / deputy
    rule: str | None = None       # a rule id


@dataclass(frozen=True)
class Kpi:
    key: str
    label_zh: str
    label_en: str
    value: float | None
    text: str
    delta: float | None = None
    delta_text: str | None = None
    help_zh: str = "与一周前相比"
    help_en: str = "change since one week earlier"


def _pct(x: float | None) -> str:
    return "—" if x is None or (isinstance(x, float) and np.isnan(x)) else f"{x:.1%}"


def _delta_pp(now: float | None, before: float | None) -> tuple[float | None, str | None]:
    if now is None or before is None or np.isnan(now) or np.isnan(before):
        return None, None
    d = now - before
    return d, f"{d * 100:+.1f} 个百分点"


def _classes_in_view(inputs: Inputs, college: str | None) -> pd.DataFrame:
    c = inputs.classes
    return c if college is None else c.loc[c["college"] == college]


def cadres_in_view(comp: Computed, f: Filters) -> list[str]:
    """Every cadre of the evaluation (the whole roster: 未带班 and 免予考核 cadres too), or with a
    college those who answer to it (compliance_view's cadre_college)."""
    if f.college is not None:
        cc = comp.cadre_college
        ids = pd.unique(cc.loc[cc["college"] == f.college, "cadre_id"])
    else:
        ids = comp.ev.cadre_ids
    if f.level is not None:
        lv = comp.inputs.cadres.set_index("cadre_id")["level"]
        ids = [c for c in ids if lv.get(c) == f.level]
    # the engine's order (assignment order) keeps tables stable
    keep = set(ids)
    return [c for c in comp.ev.cadre_ids if c in keep]


def filter_rows(comp: Computed, which: str, f: Filters, cadre_ids: list[str]) -> pd.DataFrame:
    """Status (`which="status"`) or forecast (`"fc"`) rows of `cadre_ids` for the filters' rule and
    term; with a college, the college's rows (`scoped_rows`: a mover's rows are those of their time there)."""
    df = scoped_rows(comp, f.college, which)
    m = df["cadre_id"].isin(cadre_ids)
    if f.rule is not None:
        m &= df["rule"] == f.rule
    if f.term is not None:
        s, e = term_span(comp.inputs, f.term)
        m &= (df["period_start"] <= e) & (df["period_end"] >= s)   # periods overlapping the term
    return df.loc[m]


def coverage_rows(comp: Computed, college: str | None) -> pd.DataFrame:
    """class_coverage() rows for the classes in view on the as-of date. Coverage depends only on which
    classes have an adviser that day, so it is memoised on that set: the week-earlier figure is
    usually the same set and costs nothing."""
    def run():
        classes = _classes_in_view(comp.inputs, college)
        return class_coverage(classes, comp.active, comp.as_of) if len(classes) else pd.DataFrame()
    return inputs_memo(comp.inputs, ("coverage", college, frozenset(comp.active["class_id"])), run)


def _coverage_kpis(inputs: Inputs, comp: Computed, college: str | None) -> dict[str, float | None]:
    """The KPIs' class coverage on the as-of date: the `overall` and `priority` rows of coverage_rows
    (class_coverage), counted directly (the other dimensions are not shown). Memoised like them."""
    def run():
        classes = _classes_in_view(inputs, college)
        if not len(classes):
            return {"classes": None, "students": None, "prio_cov": None, "prio_all": 0}
        advised = set(comp.active["class_id"].fillna("").astype(str).str.strip())
        covered = classes["class_id"].fillna("").astype(str).str.strip().isin(advised).to_numpy()
        size = pd.to_numeric(classes["size"], errors="coerce").fillna(0).astype(np.int64).to_numpy()
        students = int(size.sum())
        prio = (classes["priority"].astype(str) == "True").to_numpy() if "priority" in classes else covered & False
        return {"classes": float(covered.sum() / len(covered)),
                "students": float(size[covered].sum() / students) if students > 0 else float("nan"),
                "prio_cov": int((covered & prio).sum()), "prio_all": int(prio.sum())}
    return inputs_memo(comp.inputs, ("coverage_kpis", college, frozenset(comp.active["class_id"])), run)


STATES = ("on_track", "off_track", "unassigned", "exempt")


def standing(fc: pd.DataFrame) -> pd.DataFrame:
    """compliance.rollups.on_track without its `period` text, counted with bincount (the dashboard
    needs it for every filter change, twice): per cadre with a row in `fc`, in order of first row,
    missed, pending, unreachable, act_this_week, assessed, on_track, state; indexed by cadre_id."""
    codes, ids = pd.factorize(fc["cadre_id"])
    n = len(ids)
    status = fc["status"].to_numpy()
    pending = status == "pending"

    def count(mask) -> np.ndarray:
        return np.bincount(codes, weights=mask, minlength=n).astype(np.int64)
    out = pd.DataFrame({"missed": count(status == "missed"), "pending": count(pending),
                        "unreachable": count(pending & ~fc["reachable"].to_numpy(dtype=bool)),
                        "act_this_week": count(fc["must_act_this_week"].to_numpy(dtype=bool)),
                        "assessed": count(status != "exempt") > 0},
                       index=pd.Index(np.asarray(ids, dtype=object), name="cadre_id"))
    out["on_track"] = out["assessed"] & (out["missed"] == 0) & (out["unreachable"] == 0)
    out["state"] = np.where(~out["assessed"], "exempt", np.where(out["on_track"], "on_track", "off_track"))
    return out


def cadre_states(comp: Computed, fc: pd.DataFrame, cadre_ids: list[str]) -> pd.DataFrame:
    """One row per cadre in view, as the annual report counts them: `exempt` (免予考核) when the
    cadre owes nothing in the periods in view (or has none), else `unassigned` (未带班) when the cadre
    owes a class and has none in force on the as-of date, else on_track / off_track (rollups.on_track).
    Columns: cadre_id, missed, pending, unreachable, act_this_week, on_track, state."""
    ot = standing(fc) if len(fc) else pd.DataFrame(
        columns=["missed", "pending", "unreachable", "act_this_week", "on_track", "state"])
    ids = pd.Index(cadre_ids, dtype=object, name="cadre_id")
    out = pd.DataFrame(index=ids)
    for col in ("missed", "pending", "unreachable", "act_this_week"):
        out[col] = ids.map(ot[col]).fillna(0).astype(int) if len(ot) else 0
    state = pd.Series(ids.map(ot["state"]) if len(ot) else [None] * len(ids), index=ids, dtype=object).fillna("exempt")
    adviser = ids.map(adviser_states(comp)["state"])
    state = state.where((state == "exempt") | (adviser != "unassigned"), "unassigned")
    out["state"] = state.to_numpy(dtype=object)
    out["on_track"] = out["state"] == "on_track"
    return out.reset_index()


def on_track_rate(comp: Computed, f: Filters, cadre_ids: list[str]) -> tuple[float | None, pd.DataFrame]:
    """Share of the assessed cadres in view (not 免予考核) who are on track; 未带班 cadres count as
    not on track. With the per-cadre states (cadre_states)."""
    def run():
        st = cadre_states(comp, filter_rows(comp, "fc", f, cadre_ids), cadre_ids)
        assessed = st.loc[st["state"] != "exempt", "on_track"]
        return (float(assessed.mean()) if len(assessed) else None), st
    return comp.cached(("on_track", f.term, f.college, f.level, f.rule), run)


def f2f_weeks(comp: Computed, f: Filters, cadre_ids: list[str]) -> pd.DataFrame:
    """Face-to-face rows by teaching week: period, start, counted, met, mean_done, rate. Memoised on the
    filters that choose the rows (the cadres in view follow from college and level; the trend and the
    KPI ask for the same weeks when no term is chosen): treat as read-only."""
    if F2F not in comp.inputs.rules.ids:
        return pd.DataFrame(columns=["period", "start", "end", "counted", "met", "mean_done", "rate"])

    def run():
        rows = filter_rows(comp, "status", replace(f, rule=F2F), cadre_ids)
        rows = rows.loc[rows["status"] != "exempt"]
        g = rows.assign(_met=rows["status"] == "met").groupby("period", sort=False).agg(
            start=("period_start", "first"), end=("period_end", "first"), counted=("_met", "size"), met=("_met", "sum"),
            mean_done=("done", "mean"))
        g = g.reset_index().sort_values("start")
        g["rate"] = g["met"] / g["counted"]
        return g.reset_index(drop=True)
    return comp.cached(("f2f_weeks", f.term, f.college, f.level, tuple(cadre_ids)), run)


def kpis(comp: Computed, prev: Computed | None, f: Filters, cadre_ids: list[str]) -> list[Kpi]:
    inputs = comp.inputs
    now = _coverage_kpis(inputs, comp, f.college)
    before = _coverage_kpis(inputs, prev, f.college) if prev is not None else None
    ot_now, ot_all = on_track_rate(comp, f, cadre_ids)
    ot_before = None
    if prev is not None:
        ot_before, _ = on_track_rate(prev, replace(f, as_of=prev.as_of), cadres_in_view(prev, f))
    weeks = f2f_weeks(comp, replace(f, term=None), cadre_ids)
    weeks = weeks.loc[weeks["start"] <= pd.Timestamp(comp.as_of)]
    f2f_now = float(weeks["rate"].iloc[-1]) if len(weeks) else None
    f2f_before = float(weeks["rate"].iloc[-2]) if len(weeks) > 1 else None
    week_label = str(weeks["period"].iloc[-1]) if len(weeks) else "—"
    out = []
    d, dt = _delta_pp(now["classes"], before and before["classes"])
    out.append(Kpi("classes", "班级覆盖率", "Classes covered", now["classes"], _pct(now["classes"]), d, dt))
    d, dt = _delta_pp(now["students"], before and before["students"])
    out.append(Kpi("students", "学生覆盖率", "Students covered", now["students"], _pct(now["students"]), d, dt))
    pc, pa = now["prio_cov"], now["prio_all"]
    pd_ = None if before is None or before["prio_cov"] is None or pc is None else pc - before["prio_cov"]
    out.append(Kpi("priority", "重点关注班级已覆盖", "Priority classes covered",
                   None if not pa else pc / pa, f"{pc or 0} / {pa}", pd_,
                   None if pd_ is None else f"{pd_:+d} 个班"))
    d, dt = _delta_pp(ot_now, ot_before)
    n = _state_counts(ot_all)
    out.append(Kpi("on_track", "干部履职正常率", "Cadres on track", ot_now, _pct(ot_now), d, dt,
                   f"{n['assessed']} 位应考核干部中履职正常的比例（未带班计为不正常；免予考核 {n['exempt']} 人不计入），"
                   "与一周前相比",
                   f"share on track of the {n['assessed']} cadres assessed (unassigned ones count as not on track; "
                   f"{n['exempt']} exempt not counted), change since one week earlier"))
    # a week still under way is not compared with a finished one (a Monday would always show a fall)
    going = bool(len(weeks)) and pd.Timestamp(weeks["end"].iloc[-1]) > pd.Timestamp(comp.as_of)
    if going:
        d, dt = None, None
        last = "—" if f2f_before is None else _pct(f2f_before)
        help_zh = (f"教学周 {week_label} 进行中（截至 {comp.as_of:%Y-%m-%d} 已完成的比例）；"
                   f"上一教学周为 {last}，本周结束后再比较")
        help_en = (f"teaching week {week_label} is under way (share done by {comp.as_of:%Y-%m-%d}); "
                   f"the week before: {last}; compared once this week is over")
    else:
        d, dt = _delta_pp(f2f_now, f2f_before)
        help_zh, help_en = f"教学周 {week_label}，与上一教学周相比", f"teaching week {week_label}, against the week before"
    out.append(Kpi("f2f", "本周面对面达标率", "Face-to-face this week", f2f_now, _pct(f2f_now), d, dt,
                   help_zh, help_en))
    out.append(Kpi("unassigned", "未带班干部", "Cadres without a class", n["unassigned"], f"{n['unassigned']}",
                   help_zh=f"截至 {comp.as_of:%Y-%m-%d} 没有在任班级、又未免予考核的干部，计为“确定1个班级”未达标",
                   help_en=f"cadres with no class in force on {comp.as_of:%Y-%m-%d} and not exempt: "
                           "they miss “advise a class”"))
    return out


def _state_counts(states: pd.DataFrame) -> dict[str, int]:
    counts = states["state"].value_counts()
    out = {s: int(counts.get(s, 0)) for s in STATES}
    out["assessed"] = len(states) - out["exempt"]
    return out


def coverage_by_college(inputs: Inputs, comp: Computed, college: str | None) -> pd.DataFrame:
    classes = _classes_in_view(inputs, college)
    covered = classes["class_id"].isin(set(comp.active["class_id"]))
    bucket = np.where(covered, np.where(classes["priority"], "已覆盖·重点关注班级", "已覆盖"),
                      np.where(classes["priority"], "未覆盖·重点关注班级", "未覆盖"))
    order = {"已覆盖·重点关注班级": 0, "已覆盖": 1, "未覆盖·重点关注班级": 2, "未覆盖": 3}
    df = pd.DataFrame({"college": classes["college"].to_numpy(dtype=object), "bucket": bucket})
    g = df.groupby(["college", "bucket"]).size().rename("classes").reset_index()
    g["bucket_order"] = g["bucket"].map(order)
    return g.sort_values(["college", "bucket_order"]).reset_index(drop=True)


def heat_by_college(status: pd.DataFrame, comp: Computed, f: Filters, cadre_ids: list[str]) -> tuple[pd.DataFrame, str]:
    rule = f.rule or (F2F if F2F in comp.inputs.rules.ids else comp.inputs.rules.ids[0])
    rows = filter_rows(comp, "status", replace(f, rule=rule), cadre_ids)
    cc = comp.cadre_college if f.college is None else comp.cadre_college.loc[comp.cadre_college["college"] == f.college]
    rows = rows.merge(cc, on="cadre_id", how="inner")
    rows = rows.loc[rows["status"] != "exempt"]
    g = rows.assign(_met=rows["status"] == "met").groupby(["college", "period"], sort=False).agg(
        start=("period_start", "first"), end=("period_end", "first"), met=("_met", "sum"),
        counted=("_met", "size")).reset_index()
    g["rate"] = g["met"] / g["counted"]
    # a period not over on the as-of day is under way (the engine's "pending"), whatever its rate so far
    g["state"] = np.where(pd.to_datetime(g["end"]) >= pd.Timestamp(comp.as_of), "pending", "assessed")
    return g.drop(columns="end").sort_values(["start", "college"]).reset_index(drop=True), rule


def heat_by_cadre(status: pd.DataFrame, comp: Computed, limit: int) -> tuple[pd.DataFrame, int]:
    s = status.loc[status["status"].isin(["met", "missed"])]
    if s.empty:
        return pd.DataFrame(columns=["cadre", "cadre_id", "rule", "rate", "met", "counted"]), 0
    g = s.assign(_met=s["status"] == "met").groupby(["cadre_id", "rule"], sort=False).agg(
        met=("_met", "sum"), counted=("_met", "size")).reset_index()
    g["rate"] = g["met"] / g["counted"]
    overall = g.groupby("cadre_id")[["met", "counted"]].sum()
    overall = (overall["met"] / overall["counted"]).sort_values(kind="stable")
    worst = list(overall.index[:limit])
    g = g.loc[g["cadre_id"].isin(worst)].copy()
    names = comp.ev.names
    g["cadre"] = [f"{names.get(c, '') or c}（{c}）" for c in g["cadre_id"]]
    g["rule"] = g["rule"].map(rule_names(comp.inputs))
    g["_o"] = g["cadre_id"].map({c: i for i, c in enumerate(worst)})
    return g.sort_values("_o").drop(columns="_o").reset_index(drop=True), len(overall)


def venue_reach(comp: Computed, cadre_ids: list[str], college: str | None) -> tuple[pd.DataFrame, int]:
    """How many of the cadres in view reached each venue this academic year."""
    reached = venues_this_year(comp, college)
    v = reached.loc[reached.index.isin(cadre_ids)]
    n = len(v)
    counts = pd.Series([x for t in v for x in t], dtype=object).value_counts()
    out = pd.DataFrame({"venue": list(VENUES)})
    out["cadres"] = out["venue"].map(counts).fillna(0).astype(int)
    out["share"] = out["cadres"] / n if n else 0.0
    return out, n


def preference_counts(comp: Computed, f: Filters) -> pd.DataFrame:
    a = comp.active
    if f.college is not None:
        col = a["class_id"].map(class_college(comp.inputs)).fillna(a["college"])
        a = a.loc[col == f.college]
    if f.level is not None:
        lv = comp.inputs.cadres.set_index("cadre_id")["level"]
        a = a.loc[a["cadre_id"].map(lv) == f.level]
    rank = a["preference_rank"]
    labels = [("第1意向", 1), ("第2意向", 2), ("第3意向", 3)]
    rows = [(lab, i, int((rank == k).sum())) for i, (lab, k) in enumerate(labels)]
    rows.append(("第4意向及以后", 3, int((rank > 3).sum())))
    rows.append(("未对应意向", 4, int(rank.isna().sum())))
    df = pd.DataFrame(rows, columns=["label", "order", "pairs"])
    total = int(df["pairs"].sum())
    df["share"] = df["pairs"] / total if total else 0.0
    return df


def cadre_table(comp: Computed, status: pd.DataFrame, ot: pd.DataFrame, cadre_ids: list[str],
                 f: Filters) -> pd.DataFrame:
    inputs = comp.inputs
    cad = inputs.cadres.set_index("cadre_id")
    cc = comp.cadre_college
    if f.college is not None:
        cc = cc.loc[cc["college"] == f.college]
    colleges = cc.sort_values("college").groupby("cadre_id")["college"].agg("、".join)
    cls_names = inputs.classes.set_index("class_id")["name"]
    act = comp.active
    if f.college is not None:
        act = act.loc[act["class_id"].map(class_college(inputs)).fillna(act["college"]) == f.college]
    act = act.assign(_n=act["class_id"].map(cls_names).fillna(act["class_name"]))
    classes = act.sort_values("_n").groupby("cadre_id")["_n"].agg("、".join)
    counts = (status.groupby(["cadre_id", "status"]).size().unstack(fill_value=0) if len(status)
              else pd.DataFrame())
    out = pd.DataFrame({"cadre_id": pd.Series(cadre_ids, dtype=object)})
    ids = out["cadre_id"]
    names = pd.Series(comp.ev.names, dtype=object)
    out["name"] = ids.map(names).fillna("").where(lambda x: x != "", ids.map(cad["name"])).fillna("")
    out["level"] = ids.map(cad["level"]).map(LEVEL_ZH).fillna("")
    out["college"] = ids.map(colleges).fillna("")
    out["classes"] = ids.map(classes).fillna("")
    for s_ in ("met", "missed", "pending"):
        out[s_] = ids.map(counts[s_]).fillna(0).astype(int) if s_ in counts else 0
    den = out["met"] + out["missed"]
    out["rate"] = np.where(den > 0, out["met"] / den.where(den > 0, 1), np.nan)
    o = ot.set_index("cadre_id")
    out["state"] = ids.map(o["state"]).fillna("exempt")
    out["on_track"] = out["state"] == "on_track"
    out["act_this_week"] = ids.map(o["act_this_week"]).fillna(0).astype(int)
    out["venues"] = ids.map(venues_this_year(comp, f.college).map(len)).fillna(0).astype(int)
    return out


