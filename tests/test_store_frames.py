"""store.frames: canonical DataFrames <-> JSON, exactly (no database needed)."""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import frames
from store.testing import sample_frames


@pytest.mark.parametrize("kind", frames.KINDS)
def test_json_round_trip_every_kind(kind):
    df = sample_frames()[kind]
    snap = json.loads(json.dumps(frames.to_json(kind, df), ensure_ascii=False))  # really JSON
    back = frames.from_json(kind, snap)
    pd.testing.assert_frame_equal(back, df, check_exact=True)
    assert list(back.columns) == [c for c, _ in frames.column_types(kind, df)]


@pytest.mark.parametrize("kind", frames.KINDS)
def test_empty_frame_round_trip_keeps_dtypes(kind):
    df = frames.empty(kind)
    back = frames.from_json(kind, json.loads(json.dumps(frames.to_json(kind, df))))
    pd.testing.assert_frame_equal(back, df)
    assert len(back) == 0


def test_dtypes_are_canonical_not_pandas_defaults():
    df = frames.from_json("ledger", frames.to_json("ledger", sample_frames()["ledger"]))
    assert df["date"].dtype == "datetime64[ns]"      # pandas 3 would infer datetime64[us]
    assert df["cadre_id"].dtype == object             # pandas 3 would infer str
    assert df["students"].dtype == "Int64"
    assert df["students"].isna().tolist() == [False, True]
    cl = frames.from_json("classes", frames.to_json("classes", sample_frames()["classes"]))
    assert cl["tags"].map(type).eq(tuple).all() and cl.loc[2, "tags"] == ()
    assert cl["priority"].dtype == bool


def test_extra_score_parts_are_kept_after_the_canonical_ones():
    df = sample_frames()["assignment"].copy()
    df.insert(3, "part_workload", [0.5, 0.25, 0.125])
    back = frames.from_json("assignment", frames.to_json("assignment", df))
    cols = list(back.columns)
    assert cols.index("part_workload") == cols.index("part_own_unit") + 1
    assert back["part_workload"].tolist() == [0.5, 0.25, 0.125]


def test_canonical_coerces_inferred_dtypes():
    raw = pd.DataFrame({"cadre_id": ["C1"], "start": pd.to_datetime(["2025-09-01"]),
                        "end": [pd.NaT], "reason": [None]})
    df = frames.canonical("exemptions", raw)
    assert df["start"].dtype == "datetime64[ns]" and df.loc[0, "reason"] == ""
    assert pd.isna(df.loc[0, "end"])


def test_missing_column_and_bad_tags_are_named():
    df = sample_frames()["cadres"].drop(columns=["unit"])
    with pytest.raises(frames.FrameError, match="unit"):
        frames.to_json("cadres", df)
    bad = sample_frames()["cadres"].copy()
    bad.loc[0, "expertise"] = "a;b"
    with pytest.raises(frames.FrameError, match="expertise"):
        frames.to_json("cadres", bad)
    with pytest.raises(frames.FrameError, match="unknown kind"):
        frames.to_json("nope", bad)
    with pytest.raises(frames.FrameError, match="expected 'cadres'"):
        frames.from_json("cadres", frames.to_json("classes", sample_frames()["classes"]))


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(text, st.dates(date(1990, 1, 1), date(2100, 1, 1)) | st.none(),
                          st.integers(-2**40, 2**40) | st.none(), st.lists(text, max_size=3),
                          st.floats(allow_nan=False, allow_infinity=False)), max_size=6))
def test_round_trip_property(rows):
    ledger = frames.from_records("ledger", [
        {"activity_id": a, "cadre_id": a, "date": d, "type": "other", "venue": "", "class_id": "",
         "students": n, "minutes": None, "summary": a} for a, d, n, _, _ in rows])
    pd.testing.assert_frame_equal(frames.from_json("ledger", json.loads(json.dumps(
        frames.to_json("ledger", ledger)))), ledger, check_exact=True)
    classes = frames.from_records("classes", [
        {"class_id": a, "name": a, "college": "", "major": "", "discipline": "", "grade": 2025, "size": 1,
         "tags": tuple(t), "priority": bool(n)} for a, _, n, t, _ in rows])
    pd.testing.assert_frame_equal(frames.from_json("classes", json.loads(json.dumps(
        frames.to_json("classes", classes)))), classes, check_exact=True)
    scores = frames.from_records("scores", [
        {"cadre_id": a, "class_id": a, "score": f, "score_text": repr(f)} for a, _, _, _, f in rows])
    pd.testing.assert_frame_equal(frames.from_json("scores", json.loads(json.dumps(
        frames.to_json("scores", scores)))), scores, check_exact=True)
