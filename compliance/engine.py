"""Status per (cadre, rule, period) — compliance-rules.md, vectorised with numpy.

Everything is computed on a day axis (calendar day index from `Calendar.origin`):
`on_duty[c, d]` from assignment validity minus exemptions, scope by matrix products with the
calendar's week/month/term/year incidence matrices, and `done` by `np.bincount` over the ledger.
No Python loop runs per activity or per cadre.

Readings beyond the spec's words (documented for the office):
- Only activities dated on or before the as-of date count ("status as known on that day").
- `class_assigned` counts classes advised on any day of the term up to the as-of date.
- Month periods are the calendar month's days that fall inside a term; vacation days count for
  year rules only. A month exists when it holds the Monday of at least one teaching week.
- Cadres reported = every cadre in the assignment (in order of first appearance).
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .calendar import Calendar
from .rules import RuleSet

STATUS = np.array(["met", "missed", "pending", "exempt"], dtype=object)
MET, MISSED, PENDING, EXEMPT = 0, 1, 2, 3
KINDS = ("week", "month", "term", "year")
COLUMNS = ["cadre_id", "rule", "period", "required", "done", "status", "period_kind", "period_start", "period_end"]
_NAT = np.iinfo(np.int64).min


def _text(s: pd.Series | None, n: int) -> np.ndarray:
    if s is None:
        return np.full(n, "", dtype=object)
    return s.fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _factor(s: pd.Series | None, n: int, strip: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and their stripped text values (NaN/None -> ""), equal texts sharing one code.

    strip=False (for ids with ~one value a row): raw values, no second pass; NaN -> "".
    """
    if s is None:
        return np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    codes, uniq = pd.factorize(s, use_na_sentinel=True)
    if not strip:
        u = np.empty(len(uniq) + 1, dtype=object)
        u[:-1] = np.asarray(uniq, dtype=object)
        u[-1] = ""
        return np.where(codes < 0, len(uniq), codes).astype(np.int64), u
    us = pd.Series(uniq)
    us = us.astype(str).str.strip() if len(us) else us.astype(object)
    codes = np.where(codes < 0, len(us), codes)
    u_codes, u2 = pd.factorize(pd.concat([us, pd.Series([""], dtype=us.dtype)], ignore_index=True))
    return u_codes[codes].astype(np.int64), np.asarray(u2, dtype=object)


def _cover(n_rows: int, n_days: int, row: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """bool [n_rows, n_days]: day d covered by some interval [start, end] of that row (NaT = open)."""
    s = np.where(start == _NAT, 0, start)
    e = np.where(end == _NAT, n_days - 1, end)
    s = np.clip(s, 0, n_days)
    e = np.clip(e, -1, n_days - 1)
    ok = (row >= 0) & (s <= e)
    diff = np.zeros((n_rows, n_days + 1), dtype=np.int32)
    np.add.at(diff, (row[ok], s[ok]), 1)
    np.add.at(diff, (row[ok], e[ok] + 1), -1)
    return np.cumsum(diff[:, :n_days], axis=1) > 0


def _as_date(d) -> date:
    return date.today() if d is None else pd.Timestamp(d).date()


class Evaluation:
    """One evaluation run; `status` is the public result, the rest feeds forecast/roll-ups/report."""

    def __init__(self, cal: Calendar, assignments: pd.DataFrame, ledger: pd.DataFrame,
                 exemptions: pd.DataFrame | None, rules: RuleSet, as_of=None):
        self.cal, self.rules = cal, rules
        self.as_of = _as_date(as_of)
        self.as_of_idx = cal.idx(self.as_of)
        D = cal.n_days

        # ---- cadres and assignment intervals
        a_cad = _text(assignments.get("cadre_id"), len(assignments))
        self.cadre_ids = np.asarray(pd.unique(a_cad[a_cad != ""]), dtype=object)
        self.cadre_index = pd.Index(self.cadre_ids)
        C = len(self.cadre_ids)
        names = _text(assignments.get("name"), len(assignments))
        nm = pd.Series(names, index=a_cad)
        nm = nm[(nm != "") & ~nm.index.duplicated()]
        self.names = {c: str(nm.get(c, "")) for c in self.cadre_ids}
        a_c = self.cadre_index.get_indexer(a_cad)
        a_s = cal.day_index(assignments["start"]) if "start" in assignments else np.full(len(a_c), _NAT)
        a_e = cal.day_index(assignments["end"]) if "end" in assignments else np.full(len(a_c), _NAT)
        self.assigned = _cover(C, D, a_c, a_s, a_e)
        if exemptions is not None and len(exemptions):
            x_c = self.cadre_index.get_indexer(_text(exemptions["cadre_id"], len(exemptions)))
            exempt = _cover(C, D, x_c, cal.day_index(exemptions["start"]), cal.day_index(exemptions["end"]))
        else:
            exempt = np.zeros((C, D), dtype=bool)
        self.on_duty = self.assigned & ~exempt

        a_cls = _text(assignments.get("class_id"), len(assignments))
        cls_codes, cls_uniques = pd.factorize(a_cls)
        self.class_index = pd.Index(cls_uniques)
        K = max(len(cls_uniques), 1)
        pair_key = a_c.astype(np.int64) * K + cls_codes
        self._pair_keys = np.unique(pair_key)
        pair_row = np.searchsorted(self._pair_keys, pair_key)
        self._pair_cov = _cover(len(self._pair_keys), D, pair_row, a_s, a_e)
        self._K = K
        self._assign = (a_c, cls_codes, a_s, a_e)

        # ---- ledger: re-imported ids count once (last wins), only known cadres, days on the axis, <= as-of.
        # Columns are factorised once; per-row work is numpy on integer codes (pyarrow strings are slow
        # to materialise as Python objects).
        L = ledger
        n = len(L)
        self._ledger_src = L
        keep = np.ones(n, dtype=bool)
        if "activity_id" in L and n:
            id_codes, id_u = _factor(L["activity_id"], n, strip=False)
            keep &= ~(pd.Series(id_codes).duplicated(keep="last").to_numpy() & (id_u[id_codes] != ""))
        c_codes, c_u = _factor(L.get("cadre_id"), n)
        lc = self.cadre_index.get_indexer(c_u)[c_codes] if n else np.zeros(0, dtype=np.int64)
        ld = cal.day_index(L["date"]) if n else np.zeros(0, dtype=np.int64)
        keep &= (lc >= 0) & (ld >= 0) & (ld < D) & (ld <= self.as_of_idx)
        idx = np.nonzero(keep)[0]
        self._idx = idx
        self.act_c, self.act_day = lc[idx].astype(np.int64), ld[idx]
        t_codes, self._type_uniques = _factor(L.get("type"), n)
        v_codes, self._venue_uniques = _factor(L.get("venue"), n)
        k_codes, k_u = _factor(L.get("class_id"), n)
        self._type_codes, self._venue_codes = t_codes[idx], v_codes[idx]
        self._act_class = self.class_index.get_indexer(k_u)[k_codes[idx]] if n else np.zeros(0, dtype=np.int64)
        self._act_class_empty = (k_u == "")[k_codes[idx]] if n else np.zeros(0, dtype=bool)
        self._own = None
        self._ledger = None

        # ---- scope per kind: C x P bool
        f = self.on_duty.astype(np.float32)
        week = (f @ cal.week_workdays) >= (cal.week_n_workdays - 0.5)
        wf = week.astype(np.float32)
        month = (wf @ cal.month_week_inc) >= (cal.month_min_weeks - 0.5)
        term = (wf @ cal.term_week_inc) >= (cal.term_min_weeks - 0.5)
        year = (term.astype(np.float32) @ cal.year_term_inc) >= 0.5
        self.scope = {"week": week, "month": month, "term": term, "year": year}

        self._evaluate()

    # ---------------------------------------------------------------- activity masks
    def _lookup(self, uniques, allowed: tuple[str, ...]) -> np.ndarray:
        return np.array([u in allowed for u in uniques], dtype=bool)

    @property
    def ledger(self) -> pd.DataFrame:
        """The ledger rows that were evaluated (deduplicated, known cadres, on the calendar, <= as-of)."""
        if self._ledger is None:
            self._ledger = self._ledger_src.iloc[self._idx]
        return self._ledger

    def ledger_column(self, name: str) -> np.ndarray | None:
        """One column of the evaluated ledger rows as a numpy array (None when absent)."""
        if name not in self._ledger_src:
            return None
        return self._ledger_src[name].to_numpy()[self._idx]

    def own_class(self) -> np.ndarray:
        """Per kept activity: its class (or, when empty, the cadre's class that day) is the cadre's that day."""
        if self._own is None:
            code = self._act_class
            key = self.act_c * self._K + code
            if len(self._pair_keys):
                pos = np.clip(np.searchsorted(self._pair_keys, key), 0, len(self._pair_keys) - 1)
                found = (code >= 0) & (self._pair_keys[pos] == key)
                by_pair = found & self._pair_cov[pos, self.act_day]
            else:
                by_pair = np.zeros(len(key), dtype=bool)
            self._own = np.where(self._act_class_empty, self.assigned[self.act_c, self.act_day], by_pair)
        return self._own

    def rule_mask(self, rule) -> np.ndarray:
        """Activities that qualify for a rule (period membership aside)."""
        m = np.ones(len(self.act_c), dtype=bool)
        if rule.types:
            m &= self._lookup(self._type_uniques, rule.types)[self._type_codes] if len(m) else m
        if rule.venues:
            m &= self._lookup(self._venue_uniques, rule.venues)[self._venue_codes] if len(m) else m
        if rule.exclude_venues and len(m):
            m &= ~self._lookup(self._venue_uniques, rule.exclude_venues)[self._venue_codes]
        if rule.count == "distinct_venues" and len(m):
            m &= self._lookup(self._venue_uniques, ("",))[self._venue_codes] == 0
        if rule.own_class and len(m):
            m &= self.own_class()
        return m

    # ---------------------------------------------------------------- done per rule
    def _done(self, rule) -> np.ndarray:
        P = self.cal.periods[rule.per]
        C, nP = len(self.cadre_ids), len(P)
        if rule.count == "classes":
            a_c, cls, a_s, a_e = self._assign
            s = np.where(a_s == _NAT, np.iinfo(np.int64).min // 2, a_s)
            e = np.where(a_e == _NAT, np.iinfo(np.int64).max // 2, a_e)
            p_end = np.minimum(P.end, self.as_of_idx)
            ov = (s[:, None] <= p_end[None, :]) & (e[:, None] >= P.start[None, :]) & (a_c[:, None] >= 0)
            r, p = np.nonzero(ov)
            key = np.unique((a_c[r].astype(np.int64) * nP + p) * self._K + cls[r])
            return np.bincount(key // self._K, minlength=C * nP).reshape(C, nP)
        pidx = P.day_map[self.act_day] if len(self.act_day) else np.zeros(0, dtype=np.int32)
        sel = self.rule_mask(rule) & (pidx >= 0)
        cp = self.act_c[sel] * nP + pidx[sel]
        if rule.count == "distinct_venues":
            nv = max(len(self._venue_uniques), 1)
            cp = np.unique(cp * nv + self._venue_codes[sel]) // nv
        return np.bincount(cp, minlength=C * nP).reshape(C, nP)

    def _evaluate(self) -> None:
        C = len(self.cadre_ids)
        parts = []
        for ri, rule in enumerate(self.rules):
            P = self.cal.periods[rule.per]
            rep = np.nonzero(P.start <= self.as_of_idx)[0]      # periods starting after as-of: not reported
            done = self._done(rule)[:, rep]
            scope = self.scope[rule.per][:, rep]
            req = rule.at_least
            st = np.where(~scope, EXEMPT, np.where(done >= req, MET,
                          np.where(P.end[rep][None, :] >= self.as_of_idx, PENDING, MISSED)))
            nr = len(rep)
            parts.append({
                "c": np.repeat(np.arange(C), nr), "rule": np.full(C * nr, ri), "p": np.tile(rep, C),
                "done": done.ravel(), "status": st.ravel(),
            })
        cat = {k: np.concatenate([p[k] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
               for k in ("c", "rule", "p", "done", "status")}
        kinds = np.array([KINDS.index(r.per) for r in self.rules], dtype=np.int64)
        kind = kinds[cat["rule"]]
        starts = np.zeros(len(kind), dtype=np.int64)
        ends = np.zeros(len(kind), dtype=np.int64)
        labels = np.empty(len(kind), dtype=object)
        for ki, k in enumerate(KINDS):
            m = kind == ki
            P = self.cal.periods[k]
            starts[m], ends[m], labels[m] = P.start[cat["p"][m]], P.end[cat["p"][m]], P.labels[cat["p"][m]]
        order = np.lexsort((starts, cat["rule"], cat["c"]))
        self._rows = {k: v[order] for k, v in cat.items()} | {
            "kind": kind[order], "start": starts[order], "end": ends[order], "label": labels[order]}
        r = self._rows
        req = np.array([x.at_least for x in self.rules], dtype=np.int64)[r["rule"]]
        r["required"] = req
        origin = np.datetime64(self.cal.origin, "D")
        self.status = pd.DataFrame({
            "cadre_id": self.cadre_ids[r["c"]] if len(r["c"]) else np.zeros(0, dtype=object),
            "rule": np.array(self.rules.ids, dtype=object)[r["rule"]] if len(r["c"]) else np.zeros(0, object),
            "period": r["label"],
            "required": req,
            "done": r["done"].astype(np.int64),
            "status": STATUS[r["status"]],
            "period_kind": np.array(KINDS, dtype=object)[r["kind"]],
            "period_start": (origin + r["start"]).astype("datetime64[ns]"),
            "period_end": (origin + r["end"]).astype("datetime64[ns]"),
        }, columns=COLUMNS)


def evaluate(cal: Calendar, assignments: pd.DataFrame, ledger: pd.DataFrame, exemptions: pd.DataFrame | None,
             rules: RuleSet, as_of=None) -> pd.DataFrame:
    """One row per (cadre, rule, period) that has started by `as_of` (default today); see COLUMNS."""
    return Evaluation(cal, assignments, ledger, exemptions, rules, as_of).status
