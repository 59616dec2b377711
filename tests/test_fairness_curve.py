"""Issue 17, the fairness curve: fairness forbids built fast (same rows as the plain loop), the curve
streamed point by point (a job shows the points so far before it ends, cancel keeps them) and equal
to the non-streamed computation."""
from __future__ import annotations

import pandas as pd
import pytest

from services import scenarios as sc
from services.scenario_metrics import locked_cadres
from store import frames as store_frames


@pytest.fixture(scope="module")
def demo_frames():
    import importer
    from services import scenario_edits as edits
    from store.bootstrap import DEMO_DIR
    files = {k: DEMO_DIR / f for k, f in {"cadres": "cadres.xlsx", "classes": "classes.xlsx",
                                           "preferences": "preferences.csv", "constraints": "constraints.xlsx",
                                           "previous": "previous.csv"}.items()}
    b = importer.read_bundle(files)
    return {k: b[k] for k in edits.INPUT_KINDS}


def reference_forbids(fr, rank_max: int) -> pd.DataFrame:
    """The plain loop (one cadre, one college at a time) the fast version must agree with row for row."""
    cad = fr["cadres"].set_index("cadre_id")
    cls = fr["classes"]
    pref = fr["preferences"]
    pref = pref.loc[(pref["rank"] <= rank_max) & pref["cadre_id"].isin(cad.index[cad["capacity"] > 0])
                    & ~pref["cadre_id"].isin(locked_cadres(fr))]
    cols = {"class": cls["class_id"], "college": cls["college"], "major": cls["major"],
            "grade": cls["grade"].astype(str)}
    rows = []
    for cid, g in pref.groupby("cadre_id", sort=True):
        ok = pd.Series(False, index=cls.index)
        for kind, value in zip(g["kind"], g["value"], strict=True):
            ok |= cols[kind] == value
        why = f"{sc.FAIR_REASON}：意向不低于第{rank_max}位"
        for college, sub in cls.groupby("college", sort=True):
            okc = ok.loc[sub.index]
            if not okc.any():
                rows.append({"type": "forbid", "cadre_id": cid, "college": college, "reason": why})
            else:
                rows += [{"type": "forbid", "cadre_id": cid, "class_id": cls.at[k, "class_id"], "reason": why}
                         for k in sub.index[~okc.to_numpy()]]
    return store_frames.from_records("constraints", rows)


def test_fairness_forbids_equal_the_plain_loop(demo_frames):
    fr = dict(demo_frames)
    # a locked cadre (left out), a cadre without capacity (left out), a wish for a class that is gone
    # (its cadre then gets no class of its wishes: every college forbidden), wishes by grade and major
    pref = fr["preferences"]
    who = sorted(set(pref["cadre_id"]))
    cad = fr["cadres"].copy()
    cad.loc[cad["cadre_id"] == who[1], "capacity"] = 0
    con = pd.concat([fr["constraints"], store_frames.from_records("constraints", [
        {"type": "lock", "cadre_id": who[0], "class_id": fr["classes"]["class_id"].iloc[0], "reason": "t"}])],
        ignore_index=True)
    extra = store_frames.from_records("preferences", [
        {"cadre_id": who[2], "rank": 1, "kind": "class", "value": "no-such-class"},
        {"cadre_id": who[3], "rank": 1, "kind": "grade", "value": str(fr["classes"]["grade"].iloc[0])},
        {"cadre_id": who[4], "rank": 2, "kind": "major", "value": fr["classes"]["major"].iloc[0]}])
    fr |= {"cadres": cad, "constraints": con, "preferences": pd.concat([pref, extra], ignore_index=True)}
    for r in (1, 2, 3, 5):
        got, want = sc.fairness_forbids(fr, r), reference_forbids(fr, r)
        assert len(want) > 1000
        pd.testing.assert_frame_equal(got, want)
    assert sc.fairness_forbids(demo_frames, 0).empty
