"""Canonical DataFrames for matching tests (built directly, no importer)."""
from __future__ import annotations

import pandas as pd

CONS_COLS = ["type", "cadre_id", "class_id", "college", "level", "min", "max", "reason"]


def tup(values):
    s = pd.Series([None] * len(values), dtype=object)
    for k, v in enumerate(values):
        s.iat[k] = tuple(v)
    return s


def cadres(rows):
    """rows: (cadre_id, level, capacity[, unit, expertise, discipline])"""
    out = []
    for r in rows:
        cid, level, cap = r[:3]
        unit = r[3] if len(r) > 3 else "机关"
        exp = r[4] if len(r) > 4 else ()
        disc = r[5] if len(r) > 5 else ""
        out.append({"cadre_id": cid, "name": f"名{cid}", "unit": unit, "position": "", "level": level,
                    "expertise": tuple(exp), "discipline": disc, "capacity": cap})
    df = pd.DataFrame(out, columns=["cadre_id", "name", "unit", "position", "level", "expertise", "discipline",
                                    "capacity"])
    df["expertise"] = tup([r["expertise"] for r in out])
    df["capacity"] = df["capacity"].astype("int64")
    return df


def classes(rows):
    """rows: (class_id, college[, priority, tags, discipline, size, grade, major])"""
    out = []
    for r in rows:
        cid, col = r[:2]
        out.append({"class_id": cid, "name": f"班{cid}", "college": col, "major": r[7] if len(r) > 7 else "",
                    "discipline": r[4] if len(r) > 4 else "", "grade": r[6] if len(r) > 6 else 2025,
                    "size": r[5] if len(r) > 5 else 30, "tags": tuple(r[3]) if len(r) > 3 else (),
                    "priority": bool(r[2]) if len(r) > 2 else False})
    df = pd.DataFrame(out, columns=["class_id", "name", "college", "major", "discipline", "grade", "size", "tags",
                                    "priority"])
    df["tags"] = tup([r["tags"] for r in out])
    df["grade"] = df["grade"].astype("int64")
    df["size"] = df["size"].astype("int64")
    df["priority"] = df["priority"].astype(bool)
    return df


def constraints(rows):
    """rows: dicts with any of CONS_COLS"""
    df = pd.DataFrame([{c: r.get(c, None if c in ("min", "max") else "") for c in CONS_COLS} for r in rows],
                      columns=CONS_COLS)
    for c in ("min", "max"):
        df[c] = df[c].astype("Int64")
    return df


def scores(rows):
    """rows: (cadre_id, class_id, text)"""
    df = pd.DataFrame([(a, b, float(t), str(t)) for a, b, t in rows],
                      columns=["cadre_id", "class_id", "score", "score_text"])
    return df


def prefs(rows):
    df = pd.DataFrame(rows, columns=["cadre_id", "rank", "kind", "value"])
    df["rank"] = df["rank"].astype("int64")
    return df


def previous(rows):
    return pd.DataFrame(rows, columns=["cadre_id", "class_id"])
