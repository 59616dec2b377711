"""From canonical DataFrames + config to integer data the exact solver works on.

Every score is scaled exactly (Fraction arithmetic, LCM of denominators) to integers, so no two
solutions change order. Cadres and classes are sorted by id so the model does not depend on row order.
"""
from __future__ import annotations

import dataclasses
import math
from fractions import Fraction

import numpy as np
import pandas as pd

from common.errors import YixianError

from . import families, memory
from .config import MatchConfig
from .families import LEVEL_ZH, LEVELS, Rule  # noqa: F401  (re-exported: services and diagnosis)
from .scaling import scale_scores

# Sums must stay exact in float64 (LP) and int64: keep |weights| × pairs below 2**52.
_EXACT_LIMIT = 2 ** 52
DENSE_LIMIT = 60_000_000


class InputError(YixianError, ValueError):
    """The input cannot be solved as given; lists every problem found (zh / en)."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("输入无法求解", "the input cannot be solved as given")
        self.args = ("\n".join(f"{zh} / {en}" for zh, en in problems),)

    def detail_lines(self, lang: str = "zh") -> list[str]:
        return [zh if lang == "zh" else en for zh, en in self.problems]

    def message(self, lang: str = "zh") -> str:
        return "\n".join(self.detail_lines(lang))


@dataclasses.dataclass
class MatchingInput:
    cadres: pd.DataFrame
    classes: pd.DataFrame
    preferences: pd.DataFrame | None = None
    constraints: pd.DataFrame | None = None
    scores: pd.DataFrame | None = None
    previous: pd.DataFrame | None = None
    # pairs to keep where the rules allow (a manual adjustment of a solved answer): the objective
    # first keeps as many of them as possible, then maximises the configured objective
    anchor: pd.DataFrame | None = None


def _lcm(a: int, b: int) -> int:
    return a * b // math.gcd(a, b)


def _tags(v) -> tuple:
    if isinstance(v, (tuple, list)):
        return tuple(str(t) for t in v)
    if v is None or (isinstance(v, float) and math.isnan(v)) or v == "":
        return ()
    return tuple(t for t in str(v).replace("；", ";").replace("、", ";").replace(",", ";").split(";") if t)


def _s(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return str(v).strip()


def _texts(col) -> list[str]:
    """A column as stripped text ("" for missing), like `_s` on each cell but vectorised."""
    col = pd.Series(col) if not isinstance(col, pd.Series) else col
    if pd.api.types.is_string_dtype(col.dtype) and not pd.api.types.is_object_dtype(col.dtype):
        return col.fillna("").str.strip().tolist()
    return [_s(x) for x in col.tolist()]


def _groups(labels) -> dict[str, np.ndarray]:
    """Label -> the (ascending, read-only) indices carrying it."""
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    out = {}
    for k, u in enumerate(uniques):
        a = order[bounds[k]:bounds[k + 1]].astype(np.int64)
        a.flags.writeable = False
        out[u] = a
    return out


def _tag_column(col, m: int):
    """Tags of each class as tuples, parsed once per distinct cell: (per class, distinct tag sets,
    index of each class's set)."""
    if col is None:
        return [()] * m, [()], np.zeros(m, dtype=np.int64)
    vals = col.tolist()
    try:
        codes, uniq = pd.factorize(pd.Series(vals, dtype=object), use_na_sentinel=False)
    except TypeError:                                   # unhashable cells (lists): one by one
        codes, uniq = np.arange(len(vals)), vals
    sets = [_tags(x) for x in uniq]
    return [sets[c] for c in codes.tolist()], sets, np.asarray(codes, dtype=np.int64)


def _unique_rows(a: np.ndarray):
    """np.unique(a, axis=0, return_inverse=True) for small non-negative-or-(-1) integer rows, by packing
    each row into one integer when the bits allow (same groups; the order of the groups may differ,
    which nothing relies on)."""
    if not len(a):
        return a, np.zeros(0, np.int64)
    lo = a.min(axis=0)
    span = a.max(axis=0) - lo + 1
    bits = np.ceil(np.log2(np.maximum(span, 1) + 1)).astype(np.int64)
    if int(bits.sum()) > 62:
        u, inv = np.unique(a, axis=0, return_inverse=True)
        return u, np.asarray(inv).ravel()
    shift = np.concatenate([[0], np.cumsum(bits)[:-1]])
    packed = ((a - lo) << shift).sum(axis=1)
    _, first, inv = np.unique(packed, return_index=True, return_inverse=True)
    return a[first], np.asarray(inv).ravel()


def _first_of_each(labels: np.ndarray, k: int) -> np.ndarray:
    """Index of the first element with each label 0..k-1."""
    first = np.full(k, -1, dtype=np.int64)
    first[labels[::-1]] = np.arange(len(labels) - 1, -1, -1)
    return first


def _ids(col: pd.Series) -> list[str]:
    """Id column as stripped text ("" for empty)."""
    if not pd.api.types.is_string_dtype(col):
        col = col.astype(object).where(col.notna(), "").astype(str)
    return col.str.strip().fillna("").tolist()


def _opt_int(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    return int(v)


class Problem:
    """Integer model of one round. W: objective weights (dense n×m float64 holding exact integers,
    -inf = not allowed) or sparse (I, J, w). Parts are kept to explain each pair."""

    all_finite = False                    # dense W with a weight for every pair (the fit model)

    def __init__(self, inp: MatchingInput, cfg: MatchConfig):
        self.cfg = cfg
        probs: list[tuple[str, str]] = []
        cad = inp.cadres.sort_values("cadre_id", kind="stable").reset_index(drop=True)
        cls = inp.classes.sort_values("class_id", kind="stable").reset_index(drop=True)
        self.cadres, self.classes = cad, cls
        self.cadre_ids = _texts(cad["cadre_id"])
        self.class_ids = _texts(cls["class_id"])
        for what, ids in (("干部工号 cadre_id", self.cadre_ids), ("班级编号 class_id", self.class_ids)):
            seen = set()
            for x in ids:
                if x in seen:
                    probs.append((f"{what.split()[0]}重复：{x}", f"duplicate {what.split()[1]}: {x}"))
                seen.add(x)
        self.n, self.m = n, m = len(cad), len(cls)
        self.ci = {x: k for k, x in enumerate(self.cadre_ids)}
        self.cj = {x: k for k, x in enumerate(self.class_ids)}
        self.names = _texts(cad["name"])
        self.class_names = _texts(cls["name"])
        self.cap = np.array([int(x) for x in cad["capacity"]], dtype=np.int64) if "capacity" in cad \
            else np.ones(n, dtype=np.int64)
        if (self.cap < 0).any():
            probs.append(("带班数不能为负", "capacity must not be negative"))
        self.level = _texts(cad["level"])
        self.unit = _texts(cad["unit"])
        college = _texts(cls["college"])
        self.college_names = sorted(set(college))
        self.colx = {c: k for k, c in enumerate(self.college_names)}
        self.C = len(self.college_names)
        self.col = np.array([self.colx[x] for x in college], dtype=np.int64)
        self.size = np.array([int(x) for x in cls["size"]], dtype=np.int64)
        self.grade = [str(int(x)) for x in cls["grade"]]
        self.major = _texts(cls["major"]) if "major" in cls else [""] * m
        self.class_tags, self._tag_sets, self._tag_code = _tag_column(cls.get("tags"), m)
        self.priority = np.array([bool(x) for x in cls["priority"]], dtype=bool) if "priority" in cls \
            else np.zeros(m, dtype=bool)
        self.unit_col = np.array([self.colx.get(u, -1) for u in self.unit], dtype=np.int64)

        # previous pairs
        self.prev_pairs: list[tuple[int, int]] = []
        if inp.previous is not None and len(inp.previous):
            for r, (a, b) in enumerate(zip(inp.previous["cadre_id"], inp.previous["class_id"])):
                a, b = _s(a), _s(b)
                if a in self.ci and b in self.cj:
                    self.prev_pairs.append((self.ci[a], self.cj[b]))
                # pairs of cadres/classes no longer present simply count as ended
        self.prev_keys = np.array(sorted({i * m + j for i, j in self.prev_pairs}), dtype=np.int64)
        self.prev_by_cadre: dict[int, set] = {}
        for i, j in self.prev_pairs:
            self.prev_by_cadre.setdefault(i, set()).add(j)

        self.rules: list[Rule] = []
        self._read_constraints(inp.constraints, probs)
        self.has_scores = inp.scores is not None
        self.has_prefs = inp.preferences is not None and len(inp.preferences) > 0
        if probs:
            raise InputError(probs)
        if self.has_scores:
            self._scores(inp.scores, probs)
        else:
            self._fit(inp.preferences, probs)
        if not probs:
            self._anchor(inp.anchor, probs)
        if probs:
            raise InputError(probs)
        # round rules that can be named in a diagnosis
        self.rules.append(Rule({"kind": "round", "name": "capacity"}, "capacity",
                               "每名干部带班数（带班数列）", "each cadre takes exactly `capacity` classes"))
        if cfg.priority == "hard" and self.priority.any():
            self.rules.append(Rule({"kind": "round", "name": "priority"}, "priority",
                                   "重点关注班级必须有班主任", "every priority class must get an adviser"))
        if cfg.change_budget is not None:
            self.rules.append(Rule({"kind": "round", "name": "change_budget"}, "change_budget",
                                   f"与上轮相比最多调整{cfg.change_budget}对",
                                   f"at most {cfg.change_budget} pairs changed from the previous round"))
        if cfg.own_unit == "forbid" and (self.unit_col >= 0).any():
            self.rules.append(Rule({"kind": "round", "name": "own_unit"}, "own_unit",
                                   "干部不担任本单位（学院）班级的班主任",
                                   "no cadre advises a class of their own college"))

    # ------------------------------------------------------------------ constraints
    def _read_constraints(self, df, probs):
        """Each constraints row through its family's parser (families.FAMILIES)."""
        if df is None or len(df) == 0:
            return
        cols = {c: (df[c].tolist() if c in df else [None] * len(df))
                for c in ("type", "cadre_id", "class_id", "college", "level", "min", "max", "reason")}
        for idx in range(len(df)):
            row = families.Row(idx, _s(cols["type"][idx]), _s(cols["cadre_id"][idx]), _s(cols["class_id"][idx]),
                               _s(cols["college"][idx]), _s(cols["level"][idx]), _opt_int(cols["min"][idx]),
                               _opt_int(cols["max"][idx]), _s(cols["reason"][idx]))

            def bad(zh, en, idx=idx):
                probs.append((f"约束第{idx + 1}条：{zh}", f"constraint #{idx + 1}: {en}"))

            rule = families.parse(row, self, bad)
            if rule is not None:
                self.rules.append(rule)

    # ------------------------------------------------------------------ weights
    def _finish_scale(self, fracs: list[Fraction]) -> int:
        d = 1
        for f in fracs:
            d = _lcm(d, f.denominator)
        return d

    def canon(self, word: str) -> str:
        """The word the fit tables know `word` as (config `aliases`)."""
        return self.cfg.aliases.get(word, word)

    def _side(self, table: dict, words: list[list[str]], cl_ix: dict, D: int):
        """Per cadre, the value each class tag adds (n × Tc) for one table (word, tag) -> value."""
        keys = sorted({e for e, _ in table})
        if not keys or not cl_ix:
            return None
        ix = {e: k for k, e in enumerate(keys)}
        E = np.zeros((len(words), len(keys)))
        for i, ws in enumerate(words):
            for t in ws:
                if t in ix:
                    E[i, ix[t]] = 1
        A = np.zeros((len(keys), len(cl_ix)))
        for (e, t), v in table.items():
            A[ix[e], cl_ix[t]] = int(v * D)
        return E @ A

    def _fit(self, prefs, probs):
        cfg, n, m = self.cfg, self.n, self.m
        w = cfg.weights
        terms = [w["discipline"], w["continuity"], w["own_unit"], w["priority_bonus"], w["change_penalty"]]
        aff = {(e, t): w["expertise"] * v for e, row in cfg.affinity.items() for t, v in row.items()}
        uaff = {(u, t): w["unit"] * v for u, row in cfg.unit_affinity.items() for t, v in row.items()}
        pref_val = {(r, k): w["preference"] * cfg.by_rank[min(r, len(cfg.by_rank)) - 1] * cfg.kind_factor[k]
                    for r in range(1, len(cfg.by_rank) + 2) for k in cfg.kind_factor}
        self.scale = D = self._finish_scale(terms + list(aff.values()) + list(uaff.values())
                                            + list(pref_val.values()))
        self.wi = {k: int(v * D) for k, v in w.items()}
        # expertise part E (n×Te) @ A (Te×Tc) @ T (Tc×m); unit part U (n×Tu) @ B (Tu×Tc) @ T
        canon = self.canon
        cl_tags = sorted({t for _, t in aff} | {t for _, t in uaff})
        cl_ix = {t: k for k, t in enumerate(cl_tags)}
        Tu = np.zeros((len(cl_tags), len(self._tag_sets)))      # per distinct tag set, then per class
        for u, tags in enumerate(self._tag_sets):
            for t in tags:
                if canon(t) in cl_ix:
                    Tu[cl_ix[canon(t)], u] = 1
        T = Tu[:, self._tag_code]
        expertise = self.cadres["expertise"] if "expertise" in self.cadres else [()] * n
        self.EX = self._side(aff, [[canon(t) for t in _tags(x)] for x in expertise], cl_ix, D)
        self.UN = self._side(uaff, [[canon(u)] if u else [] for u in self.unit], cl_ix, D)
        self.T = T
        sides = [x for x in (self.EX, self.UN) if x is not None]
        self.EA = sides[0] + sides[1] if len(sides) == 2 else (sides[0] if sides else None)
        cd = _texts(self.cadres["discipline"]) if "discipline" in self.cadres else [""] * n
        kd = _texts(self.classes["discipline"]) if "discipline" in self.classes else [""] * m
        dv = {d: k + 1 for k, d in enumerate(sorted({x for x in cd + kd if x}))}
        self.disc_a = np.array([dv.get(x, 0) for x in cd], dtype=np.int64)
        self.disc_b = np.array([dv.get(x, -1) for x in kd], dtype=np.int64)
        # The parts that depend on the class only through its tags, discipline and college are equal for
        # classes of one "type": computed per type (n × types) and spread to the classes in one gather.
        own_prefer = cfg.own_unit == "prefer" and self.wi["own_unit"]
        ckey = np.column_stack([T.T.astype(np.int64), self.disc_b, self.col if own_prefer else np.zeros(m, np.int64)])
        ukey, ctype = _unique_rows(ckey)
        F = self.EA @ T[:, _first_of_each(np.asarray(ctype).ravel(), len(ukey))] if self.EA is not None \
            else np.zeros((n, len(ukey)))
        if self.wi["discipline"]:
            F += self.wi["discipline"] * (self.disc_a[:, None] == ukey[None, :, -2])
        if own_prefer:
            F += self.wi["own_unit"] * (self.unit_col[:, None] == ukey[None, :, -1])
        fit = memory.take_columns(F, np.asarray(ctype).ravel(), cfg.workers)
        # preferences: best wish per pair (value, rank); rank kept dense (small ints) for `fair`
        self.pref_r = memory.zeros((n, m), dtype=np.int16)  # 0 = no wish met
        self._pref_val: dict[tuple, int] = {}               # (rank, kind) -> scaled value of such a wish
        self.pref_first: dict[int, tuple] = {}              # cadre -> (kind, value, class index array, rank)
        self.pref_lists: dict[int, list] = {}
        self.has_pref_cadre = np.zeros(n, dtype=bool)
        if prefs is not None and len(prefs):
            by_college = _groups([self.college_names[c] for c in self.col.tolist()])
            by_major = _groups(self.major)
            by_grade = _groups(self.grade)
            rows = sorted(zip(_texts(prefs["cadre_id"]), [int(r) for r in prefs["rank"]], _texts(prefs["kind"]),
                              _texts(prefs["value"])), key=lambda x: (x[0], x[1]))
            per: dict[int, list] = {}
            for a, r, k, v in rows:
                where = (f"意向（工号{a}，第{r}意向）", f"preference (cadre {a}, rank {r})")
                if a not in self.ci:
                    probs.append((f"{where[0]}：工号不在干部名单中", f"{where[1]}: cadre_id not in the cadre list"))
                    continue
                if r < 1:
                    probs.append((f"{where[0]}：意向顺序应从1开始", f"{where[1]}: rank must be ≥ 1"))
                    continue
                if k not in cfg.kind_factor:
                    probs.append((f"{where[0]}：类型 {k!r} 无效",
                                  f"{where[1]}: kind {k!r} is not class/major/college/grade"))
                    continue
                if k == "class":
                    js = np.array([self.cj[v]], dtype=np.int64) if v in self.cj else None
                elif k == "college":
                    js = by_college.get(v)
                elif k == "major":
                    js = by_major.get(v) if v else None
                else:
                    js = by_grade.get(v.split(".")[0])
                if js is None or not len(js):
                    probs.append((f"{where[0]}：意向 {v!r} 不存在", f"{where[1]}: value {v!r} does not exist"))
                    continue
                per.setdefault(self.ci[a], []).append((r, k, v, js))
            self.pref_lists = per                          # cadre -> [(rank, kind, value, classes)]
            val_of = {key: int(v * D) for key, v in pref_val.items()}     # exact: D clears every denominator
            self._pref_val = {key: val_of[(min(key[0], len(cfg.by_rank) + 1), key[1])]
                              for lst in per.values() for key in ((r, k) for r, k, _, _ in lst)}
            groups: dict[tuple, list] = {}
            for i, lst in per.items():
                self.has_pref_cadre[i] = True
                for r, k, v, js in lst:
                    groups.setdefault((-self._pref_val[(r, k)], r), []).append(i * m + js)
                    if i not in self.pref_first or r < self.pref_first[i][3]:
                        self.pref_first[i] = (k, v, js, r)
            # Each pair takes its best wish: the largest value, then the smallest rank. The wishes go in
            # that order, grouped by (value, rank); a pair a better wish already gave a rank keeps it.
            # Keys repeated in a group (two alike wishes of one cadre) are set and added once: numpy's
            # a[idx] += v adds once per distinct index.
            pr, ft = self.pref_r.reshape(-1), fit.reshape(-1)
            for (neg_val, r), keys in sorted(groups.items()):
                K = np.concatenate(keys)
                K = K[pr[K] == 0]
                pr[K] = r
                ft[K] += -neg_val
        if len(self.prev_keys):
            fit.reshape(-1)[self.prev_keys] += self.wi["continuity"]      # keys are unique
        self.fit = fit
        if cfg.priority == "weighted" or cfg.objective == "min_change":
            W = memory.copy(fit)
            if cfg.priority == "weighted":
                W[:, self.priority] += self.wi["priority_bonus"]
            if cfg.objective == "min_change" and len(self.prev_keys):
                W.reshape(-1)[self.prev_keys] += self.wi["change_penalty"]
        else:
            W = fit                       # shared, never modified (solves work on their own copy)
        self.dense = True
        self.all_finite = True            # every pair has a weight (space.PairSpace.count)
        self.W = W
        self.maxabs = max(abs(float(W.max())), abs(float(W.min()))) if W.size else 0.0
        self._check_range(self.maxabs, probs)

    def _scores(self, sc, probs):
        """Scores file: each listed pair's text scaled exactly to an integer (scaling.scale_scores)."""
        cfg, n, m = self.cfg, self.n, self.m
        texts = (sc["score_text"] if "score_text" in sc else sc["score"].map(repr)).to_numpy(dtype=object)
        a, b = _ids(sc["cadre_id"]), _ids(sc["class_id"])
        ci, cj = self.ci, self.cj
        I = np.array([ci.get(x, -1) for x in a], dtype=np.int64)
        J = np.array([cj.get(x, -1) for x in b], dtype=np.int64)
        okI, okJ = I >= 0, J >= 0
        for r in np.flatnonzero(~okI).tolist():
            probs.append((f"评分第{r + 1}行：工号 {a[r]!r} 不在干部名单中",
                          f"scores row {r + 1}: cadre_id {a[r]!r} not in the cadre list"))
        for r in np.flatnonzero(okI & ~okJ).tolist():
            probs.append((f"评分第{r + 1}行：班级编号 {b[r]!r} 不在班级名单中",
                          f"scores row {r + 1}: class_id {b[r]!r} not in the class list"))
        extra = [cfg.weights["priority_bonus"], cfg.weights["change_penalty"]]
        try:
            ints, D, bad = scale_scores(texts, extra)
        except OverflowError:
            ints, D, bad = None, 0, []
            probs.append(("评分精确换算为整数后过大，总和会溢出；请减少小数位数",
                          "scores scaled exactly to integers are too large; sums would overflow — use fewer decimal places"))
        for r, t in bad:
            if okI[r] and okJ[r]:
                probs.append((f"评分第{r + 1}行：评分 {t!r} 不是数字", f"scores row {r + 1}: score {t!r} is not a number"))
        ok = np.flatnonzero(okI & okJ)
        keys = I[ok] * m + J[ok]
        o = ok[np.argsort(keys, kind="stable")]
        ks = np.sort(keys, kind="stable")
        for k in np.flatnonzero(ks[1:] == ks[:-1]).tolist():
            probs.append((f"评分第{o[k + 1] + 1}行：与第{o[k] + 1}行重复", f"scores row {o[k + 1] + 1}: duplicates row {o[k] + 1}"))
        if probs:
            probs.sort(key=lambda p: int("".join(ch for ch in p[1].split(":")[0] if ch.isdigit()) or 0))
            return
        I, J = I.astype(np.int64), J.astype(np.int64)
        order = np.lexsort((J, I))
        self.scale = D
        self.wi = {k: int(v * D) for k, v in cfg.weights.items()}
        I, J, ints = I[order], J[order], ints[order]
        mx = int(np.abs(ints).max(initial=0))
        self._check_range(mx + abs(self.wi["priority_bonus"]) + abs(self.wi["change_penalty"]), probs)
        if probs:
            return
        w = ints.astype(np.float64)
        self.pref_r = None
        self.has_pref_cadre = np.zeros(n, dtype=bool)
        self.pref_first = {}
        self.dense = n * m <= 4_000_000 or (n * m <= DENSE_LIMIT and len(I) > 0.3 * n * m)
        fitw = w.copy()
        if cfg.priority == "weighted":
            w[self.priority[J]] += self.wi["priority_bonus"]
        if cfg.objective == "min_change" and len(self.prev_keys):
            w[np.isin(I * m + J, self.prev_keys)] += self.wi["change_penalty"]
        self.maxabs = float(np.abs(w).max(initial=0.0))
        if self.dense:
            self.W = np.full((n, m), -np.inf)
            self.W[I, J] = w
            self.fit = np.full((n, m), -np.inf)
            self.fit[I, J] = fitw
        else:
            self.I, self.J, self.w, self.fitw = I, J, w, fitw

    def _anchor(self, anchor, probs):
        """Lexicographic objective of an adjustment: every anchor pair kept weighs P more, with
        P = 1 + Σ_i cap_i · (max_j W_ij − min_j W_ij) over allowed pairs. Two assignments' other
        weights differ by at most that sum (cadre i holds cap_i pairs, each within its row's range),
        so one more anchor pair kept always outweighs any gain elsewhere: the optimum keeps the most
        anchor pairs, and among those is the best under the configured objective. Exact: integers."""
        self.anchor_pairs: list[tuple[int, int]] = []
        self.anchor_keys = np.zeros(0, dtype=np.int64)
        self.anchor_weight = 0
        if anchor is None or not len(anchor):
            return
        m = self.m
        for a, b in zip(anchor["cadre_id"], anchor["class_id"]):
            a, b = _s(a), _s(b)
            if a in self.ci and b in self.cj:
                self.anchor_pairs.append((self.ci[a], self.cj[b]))
        self.anchor_pairs = sorted(set(self.anchor_pairs))
        if not self.anchor_pairs:
            return
        self.anchor_keys = np.array([i * m + j for i, j in self.anchor_pairs], dtype=np.int64)
        I, J = self.anchor_keys // m, self.anchor_keys % m
        if self.dense:
            W = self.W
            fin = np.isfinite(W)
            hi = np.where(fin, W, -np.inf).max(axis=1, initial=-np.inf)
            lo = np.where(fin, W, np.inf).min(axis=1, initial=np.inf)
        else:
            W, fin = None, None
            hi = np.full(self.n, -np.inf)
            lo = np.full(self.n, np.inf)
            np.maximum.at(hi, self.I, self.w)
            np.minimum.at(lo, self.I, self.w)
        spread = np.where(np.isfinite(hi), hi - lo, 0.0)
        P = 1 + sum(int(c) * round(float(s)) for c, s in zip(self.cap, spread))
        self.anchor_weight = P
        if self.dense:
            if W is self.fit:
                W = self.W = memory.copy(W)       # fit stays the pairs' scores
            W[I, J] += P                            # -inf (not allowed) stays -inf
            self.maxabs = float(np.abs(W[fin]).max(initial=0.0))
        else:
            self.w = self.w.copy()
            self.w[np.isin(self.I * m + self.J, self.anchor_keys)] += P
            self.maxabs = float(np.abs(self.w).max(initial=0.0))
        self._check_range(self.maxabs, probs)

    def _check_range(self, mx, probs):
        total = int(self.cap.sum()) + 1
        if mx * total >= _EXACT_LIMIT:
            probs.append((f"评分精确换算为整数后过大（最大{mx}，比例因子{self.scale}），总和会溢出；请减少小数位数",
                          (f"scores scaled exactly to integers are too large (max {mx}, scale {self.scale}); "
                          "sums would overflow — use fewer decimal places")))

    # ------------------------------------------------------------------ helpers
    def parts(self, i: int, j: int) -> dict:
        """Named fit parts of one pair, as exact Fractions (fit model only)."""
        D = self.scale
        pe = round(float(self.EX[i] @ self.T[:, j])) if self.EX is not None else 0
        pu = round(float(self.UN[i] @ self.T[:, j])) if self.UN is not None else 0
        pd_ = self.wi["discipline"] if self.disc_a[i] == self.disc_b[j] else 0
        pp = self._pref_value(i, j)
        pc = self.wi["continuity"] if j in self.prev_by_cadre.get(i, ()) else 0
        po = self.wi["own_unit"] if self.cfg.own_unit == "prefer" and self.unit_col[i] == self.col[j] else 0
        return {"part_expertise": Fraction(pe, D), "part_unit": Fraction(pu, D), "part_discipline": Fraction(pd_, D),
                "part_preference": Fraction(pp, D), "part_continuity": Fraction(pc, D),
                "part_own_unit": Fraction(po, D)}

    def _pref_value(self, i: int, j: int) -> int:
        """Scaled value of cadre i's best wish that class j meets (largest value, then smallest rank;
        the rule `_fit` applies to every pair), 0 when none does."""
        best = None
        for r, k, _, js in self.pref_lists.get(i, ()):
            x = np.searchsorted(js, j)
            if x < len(js) and js[x] == j:
                key = (self._pref_val[(r, k)], -r)
                best = key if best is None or key > best else best
        return best[0] if best else 0

    def score_of(self, i: int, j: int) -> Fraction:
        if self.dense:
            return Fraction(int(self.fit[i, j]), self.scale)
        k = self._sparse_index(i, j)
        return Fraction(int(self.fitw[k]), self.scale) if k >= 0 else Fraction(0)

    def _sparse_index(self, i, j) -> int:
        lo = np.searchsorted(self.I, i, "left")
        hi = np.searchsorted(self.I, i, "right")
        k = lo + np.searchsorted(self.J[lo:hi], j)
        return int(k) if k < hi and self.J[k] == j else -1

    def allowed_classes(self, i: int) -> np.ndarray:
        """Classes cadre i may take under the data alone (scores listed, own-unit rule)."""
        if self.dense:
            ok = np.isfinite(self.W[i])
        else:
            ok = np.zeros(self.m, dtype=bool)
            lo, hi = np.searchsorted(self.I, i, "left"), np.searchsorted(self.I, i, "right")
            ok[self.J[lo:hi]] = True
        if self.cfg.own_unit == "forbid" and self.unit_col[i] >= 0:
            ok &= self.col != self.unit_col[i]
        return ok
