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
- Cadres reported = every cadre of the roster (`cadres`, when given, in its order), then every other
  cadre of the assignment (in order of first appearance). A roster cadre owes "advise a class"
  (rules counting `classes`) on every day not exempted, with or without a class: without one it is
  missed (未带班). Other rules are owed only while the cadre advises a class.
- Rules may differ by level and change over time (requirements.py): each period is evaluated under
  the version in force on its first day, each cadre under the rule of its level.
- With `count_confirmed_only`, only ledger rows whose optional `confirmed` column is true count.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from .calendar import Calendar
from .requirements import LEVEL_ALIASES, LEVELS, Requirements, as_requirements
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


def _first_text(ids: np.ndarray, keys: np.ndarray, values: np.ndarray) -> dict[str, str]:
    """For each id: the first non-empty value among rows whose key is that id ("" when none)."""
    s = pd.Series(values, index=keys)
    s = s[(s != "") & ~s.index.duplicated()] if len(s) else s
    s = s[~s.index.duplicated()]
    return {c: str(s.get(c, "")) for c in ids}


_TRUE = {"1", "true", "y", "yes", "是", "已确认", "确认"}


def _truthy(s: pd.Series) -> np.ndarray:
    """Booleans from a bool column or its text forms (是/否, Y/N, true/false, 1/0); empty = False."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.fillna(False).to_numpy(dtype=bool)
    return s.fillna("").astype(str).str.strip().str.lower().isin(_TRUE).to_numpy()


def _as_date(d) -> date:
    return date.today() if d is None else pd.Timestamp(d).date()


class Evaluation:
    """One evaluation run; `status` is the public result, the rest feeds forecast/roll-ups/report."""

    def __init__(self, cal: Calendar, assignments: pd.DataFrame, ledger: pd.DataFrame,
                 exemptions: pd.DataFrame | None, rules: RuleSet | Requirements | None, as_of=None,
                 cadres: pd.DataFrame | None = None):
        self.cal = cal
        self.roster, self._assign_src = cadres, assignments
        self.requirements = as_requirements(rules)
        self.as_of = _as_date(as_of)
        self.as_of_idx = cal.idx(self.as_of)
        self.rules = self.requirements.headline(self.as_of)     # one rule per id, for labels
        D = cal.n_days

        # ---- cadres: the roster (when given) in its order, then cadres known only from the assignment
        a_cad = _text(assignments.get("cadre_id"), len(assignments))
        r_cad = _text(cadres.get("cadre_id"), len(cadres)) if cadres is not None else np.zeros(0, dtype=object)
        ids = pd.unique(np.concatenate([r_cad[r_cad != ""], a_cad[a_cad != ""]]))
        self.cadre_ids = np.asarray(ids, dtype=object)
        self.cadre_index = pd.Index(self.cadre_ids)
        C = len(self.cadre_ids)
        self.on_roster = self.cadre_index.isin(r_cad)
        self.names = _first_text(self.cadre_ids, a_cad, _text(assignments.get("name"), len(assignments)))
        self.levels = np.full(C, None, dtype=object)
        if cadres is not None and len(cadres):
            self.names.update({k: v for k, v in _first_text(
                self.cadre_ids, r_cad, _text(cadres.get("name"), len(cadres))).items() if v})
            lv = _first_text(self.cadre_ids, r_cad, _text(cadres.get("level"), len(cadres)))
            self.levels = np.array([LEVEL_ALIASES.get(lv.get(c, "")) for c in self.cadre_ids], dtype=object)
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
        # a cadre on the roster owes "advise a class" on every day not exempted; others only while assigned
        self.cadre_duty = (self.assigned | self.on_roster[:, None]) & ~exempt

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
        if self.requirements.confirmed_only and "confirmed" in L and n:
            keep &= _truthy(L["confirmed"])
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

        # ---- scope per kind: C x P bool (activities while assigned; "advise a class" while a cadre)
        self.scope = self._scope(self.on_duty)
        self.scope_cadre = self._scope(self.cadre_duty)
        self._done_memo: dict = {}

        self._evaluate()

    def _scope(self, duty: np.ndarray) -> dict[str, np.ndarray]:
        cal = self.cal
        f = duty.astype(np.float32)
        week = (f @ cal.week_workdays) >= (cal.week_n_workdays - 0.5)
        wf = week.astype(np.float32)
        month = (wf @ cal.month_week_inc) >= (cal.month_min_weeks - 0.5)
        term = (wf @ cal.term_week_inc) >= (cal.term_min_weeks - 0.5)
        year = (term.astype(np.float32) @ cal.year_term_inc) >= 0.5
        return {"week": week, "month": month, "term": term, "year": year}

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

    def _variants(self):
        """(rule index, Rule, cadres, periods) for every rule version and level that applies somewhere.

        Each period is evaluated under the version in force on its first day; each cadre under the
        rule of its level (cadres of unknown level: the rule without level overrides)."""
        req = self.requirements
        effs = np.array([self.cal.idx(v.effective) for v in req.versions[1:]], dtype=np.int64)
        level_masks = [(lv, np.array([x == lv for x in self.levels], dtype=bool)) for lv in (None, *LEVELS)]
        for ri, rid in enumerate(self.rules.ids):
            for vi, v in enumerate(req.versions):
                for lv, cm in level_masks:
                    rule = v.rule(rid, lv) if cm.any() else None
                    if rule is None:
                        continue
                    P = self.cal.periods[rule.per]
                    pm = (np.searchsorted(effs, P.start, side="right") == vi) & (P.start <= self.as_of_idx)
                    if pm.any():
                        yield ri, rule, np.nonzero(cm)[0], np.nonzero(pm)[0]

    def _evaluate(self) -> None:
        parts = []
        for ri, rule, cs, rep in self._variants():
            if rule not in self._done_memo:
                self._done_memo[rule] = self._done(rule)
            P = self.cal.periods[rule.per]
            done = self._done_memo[rule][np.ix_(cs, rep)]
            scope = (self.scope_cadre if rule.count == "classes" else self.scope)[rule.per][np.ix_(cs, rep)]
            st = np.where(~scope, EXEMPT, np.where(done >= rule.at_least, MET,
                          np.where(P.end[rep][None, :] >= self.as_of_idx, PENDING, MISSED)))
            n = len(cs) * len(rep)
            parts.append({"c": np.repeat(cs, len(rep)), "rule": np.full(n, ri), "p": np.tile(rep, len(cs)),
                          "done": done.ravel(), "status": st.ravel(), "required": np.full(n, rule.at_least),
                          "kind": np.full(n, KINDS.index(rule.per))})
        keys = ("c", "rule", "p", "done", "status", "required", "kind")
        cat = {k: np.concatenate([p[k] for p in parts]).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
               for k in keys}
        kind = cat["kind"]
        starts = np.zeros(len(kind), dtype=np.int64)
        ends = np.zeros(len(kind), dtype=np.int64)
        labels = np.empty(len(kind), dtype=object)
        for ki, k in enumerate(KINDS):
            m = kind == ki
            P = self.cal.periods[k]
            starts[m], ends[m], labels[m] = P.start[cat["p"][m]], P.end[cat["p"][m]], P.labels[cat["p"][m]]
        order = np.lexsort((starts, cat["rule"], cat["c"]))
        self._rows = {k: v[order] for k, v in cat.items()} | {
            "start": starts[order], "end": ends[order], "label": labels[order]}
        r = self._rows
        origin = np.datetime64(self.cal.origin, "D")
        self.status = pd.DataFrame({
            "cadre_id": self.cadre_ids[r["c"]] if len(r["c"]) else np.zeros(0, dtype=object),
            "rule": np.array(self.rules.ids, dtype=object)[r["rule"]] if len(r["c"]) else np.zeros(0, object),
            "period": r["label"],
            "required": r["required"],
            "done": r["done"],
            "status": STATUS[r["status"]],
            "period_kind": np.array(KINDS, dtype=object)[r["kind"]],
            "period_start": (origin + r["start"]).astype("datetime64[ns]"),
            "period_end": (origin + r["end"]).astype("datetime64[ns]"),
        }, columns=COLUMNS)


def evaluate(cal: Calendar, assignments: pd.DataFrame, ledger: pd.DataFrame, exemptions: pd.DataFrame | None,
             rules: RuleSet | Requirements | None, as_of=None, cadres: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per (cadre, rule, period) that has started by `as_of` (default today); see COLUMNS."""
    return Evaluation(cal, assignments, ledger, exemptions, rules, as_of, cadres).status
