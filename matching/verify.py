"""Post-solve check of an answer against every hard rule, in plain terms (no LP, no tolerance).

`solve_core` calls `verify` on every answer it returns (always on: it is a few set operations per
rule). A failure is a bug in the engine, never a property of the input, so it raises.
"""
from __future__ import annotations

import numpy as np

from . import families


class VerificationError(AssertionError):
    """The engine produced an answer that breaks a hard rule (a bug: please report it)."""


def verify(prob, pairs, value: int, weight, *, disabled=frozenset(), requires=(), rank_max=None,
           min_fit=None) -> None:
    """Raise VerificationError unless `pairs` [(i, j)] meets every rule in force and is worth `value`.

    weight(I, J) gives the solve's integer weights (−inf for a pair the data do not allow)."""
    problems = []
    I = np.array([i for i, _ in pairs], dtype=np.int64)
    J = np.array([j for _, j in pairs], dtype=np.int64)
    if len(set(pairs)) != len(pairs):
        problems.append("a pair appears twice")
    if len(np.unique(J)) != len(J):
        problems.append("a class has more than one adviser")
    w = weight(I, J) if len(I) else np.zeros(0)
    if not np.isfinite(w).all():
        problems.append("a pair the data do not allow (not listed, capacity 0, or filtered out)")
    elif round(float(w.sum())) != value:
        problems.append(f"objective {value} is not the sum of the pairs' weights {round(float(w.sum()))}")
    active = [r for r in prob.rules if r.key not in disabled]
    for r in families.broken(active, prob, pairs):
        problems.append(f"breaks {r.label_en}")
    have = set(pairs)
    for i, js in requires:
        if not any((int(i), int(j)) in have for j in np.asarray(js).tolist()):
            problems.append(f"cadre {prob.cadre_ids[i]} was required to get one of {len(js)} classes")
    if rank_max is not None and prob.pref_r is not None:
        r = prob.pref_r[I, J]
        bad = prob.has_pref_cadre[I] & ((r < 1) | (r > rank_max))
        if bad.any():
            problems.append(f"a wish of rank above {rank_max} (fair objective)")
    if min_fit is not None and len(I):
        fit = prob.fit[I, J] if prob.dense else prob.fitw[[prob._sparse_index(i, j) for i, j in pairs]]
        if (fit < min_fit).any():
            problems.append("a pair below the fair objective's worst-score threshold")
    if problems:
        raise VerificationError("engine answer fails its own check / 求解结果未通过校验: " + "; ".join(problems))
