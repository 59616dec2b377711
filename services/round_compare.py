"""Two assignments of a round compared pair by pair: who leaves which class for which, and the fit
of each pair before and after. Used by an adjustment's preview and by the side-by-side diff of a
revision against the previous one and against the round in force. No Streamlit here."""
from __future__ import annotations

from itertools import zip_longest

import pandas as pd

CHANGE_COLUMNS = ("cadre_id", "name", "from_id", "from_class", "to_id", "to_class", "fit_before", "fit_after",
                  "cost")


def _by_cadre(a: pd.DataFrame) -> dict[str, list[tuple[str, str, float | None]]]:
    out: dict[str, list] = {}
    names = a["class_name"] if "class_name" in a else a["class_id"]
    scores = a["score"] if "score" in a else pd.Series([None] * len(a), index=a.index)
    for c, k, nm, s in zip(a["cadre_id"], a["class_id"], names, scores):
        out.setdefault(str(c), []).append((str(k), str(nm), None if s is None or pd.isna(s) else float(s)))
    return {c: sorted(v) for c, v in out.items()}


def pair_changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Every pair that differs, one row per class a cadre leaves and the class they take instead
    (either may be empty): CHANGE_COLUMNS, `cost` = fit before − fit after (a missing side counts 0).
    Frames: cadre_id, class_id (+ name, class_name, score when known)."""
    b, a = _by_cadre(before), _by_cadre(after)
    names = {**dict(zip(before["cadre_id"], before.get("name", before["cadre_id"]))),
             **dict(zip(after["cadre_id"], after.get("name", after["cadre_id"])))}
    rows = []
    for cid in sorted(set(b) | set(a)):
        now = {k for k, _, _ in a.get(cid, [])}
        was = {k for k, _, _ in b.get(cid, [])}
        left = [p for p in b.get(cid, []) if p[0] not in now]
        joined = [p for p in a.get(cid, []) if p[0] not in was]
        for old, new in zip_longest(left, joined):
            fb = old[2] if old else None
            fa = new[2] if new else None
            rows.append({"cadre_id": cid, "name": str(names.get(cid, cid)),
                         "from_id": old[0] if old else "", "from_class": old[1] if old else "",
                         "to_id": new[0] if new else "", "to_class": new[1] if new else "",
                         "fit_before": fb, "fit_after": fa, "cost": (fb or 0.0) - (fa or 0.0)})
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    for c in ("fit_before", "fit_after", "cost"):
        out[c] = out[c].astype("float64")
    return out
