"""The column-by-column fast path (importer/columnar.py, tables._split_plain) gives exactly what the
row-by-row path gives: the same DataFrames, or the same problems in the same order."""
from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from importer import ImportFailed, Refs, columnar, read_bundle, read_file, tables

CADRES = "工号,姓名,单位,层级,带班数\nT1,张伟,计算机学院,中层副职,1\nT2,李娜,学生工作部,中层正职,2\nT3,王芳,机关,校领导,0\n"
CLASSES = ("班级编号,班级名称,学院,专业,年级,人数,标签,重点班\n"
           "C1,软件2501,计算机学院,软件工程,2025,30,新生班,否\nC2,软件2401,计算机学院,软件工程,2024,31,,是\n"
           "C3,数学2301,理学院,数学,2023,29,学业预警;心理关注,否\n")
SCORES = "cadre_id,class_id,score\nT1,C1,1.5\nT1,C2,2\nT2,C1,0.25\nT2,C3,-3e2\nT3,C3,.5\n"

# (kind, text): each differs from a clean file in one way the fast path must hand to the row path
VARIANTS = [
    ("scores", SCORES),
    ("scores", SCORES.replace("\n", "\r\n")),
    ("scores", SCORES.replace("\n", "\r")),
    ("scores", SCORES.replace(",", "\t")),
    ("scores", SCORES.replace("1.5", "１.５")),
    ("scores", SCORES.replace("1.5", " 1.5 ")),
    ("scores", SCORES.replace("1.5", "1.5\u3000")),
    ("scores", SCORES.replace("1.5", "")),
    ("scores", SCORES.replace("T1,C1", " T1,C1\u3000")),
    ("scores", SCORES.replace("T1,C1", "T1 1,C1")),
    ("scores", SCORES.replace("1.5", "1e999")),
    ("scores", SCORES.replace("1.5", "nan")),
    ("scores", SCORES.replace("1.5", "inf")),
    ("scores", SCORES.replace("1.5", "1_5")),
    ("scores", SCORES.replace("1.5", "abc")),
    ("scores", SCORES.replace("1.5", "1.")),
    ("scores", SCORES.replace("1.5", "1e")),
    ("scores", SCORES.replace("1.5", ".")),
    ("scores", SCORES.replace("1.5", "+-1")),
    ("scores", SCORES.replace("1.5", "1E+05")),
    ("scores", SCORES.replace("1.5", "1.5e-3.2")),
    ("scores", SCORES.replace("1.5", '"1.5"')),
    ("scores", SCORES.replace("T1,C1", '"T1","C1"')),
    ("scores", SCORES.replace("T1,C1", "'=T1,C1")),
    ("scores", SCORES.replace("T1,C1", "T1\x07,C1")),
    ("scores", SCORES.replace("T1,C1", "T1\x00,C1")),
    ("scores", SCORES.replace("T1,C1", "T\u200b1,C1")),
    ("scores", SCORES.replace("T2,C3", "T2,C1")),                 # duplicate pair
    ("scores", SCORES.replace("T2,C3", "T9,C3")),                 # unknown cadre
    ("scores", SCORES.replace("T2,C3", "T2,C9")),                 # unknown class
    ("scores", SCORES.replace("T2,C3,-3e2\n", "\n,,\n")),         # blank rows
    ("scores", SCORES.replace("T2,C3,-3e2", "T2,C3")),            # short row
    ("scores", SCORES.replace("T2,C3,-3e2", "T2,C3,1,extra")),    # long row
    ("scores", SCORES + "\n\n"),
    ("scores", SCORES.rstrip("\n")),
    ("scores", "评分表\n\n" + SCORES),                            # title rows above the header
    ("scores", SCORES.replace("score\n", "score,note\n")),        # unknown column
    ("scores", "cadre_id,class_id\nT1,C1\n"),                     # missing required column
    ("scores", "cadre_id,class_id,score\n"),                      # header only
    ("scores", ""),
    ("previous", "cadre_id,class_id\nT1,C1\nT2,C2\n"),
    ("previous", "cadre_id,class_id\nT1,C1\nT1,C1\n"),
    ("cadres", CADRES),
    ("cadres", CADRES.replace(",1\n", ",1.0\n")),
    ("cadres", CADRES.replace(",1\n", ",-1\n")),
    ("cadres", CADRES.replace(",1\n", ",+1\n")),
    ("cadres", CADRES.replace(",1\n", ",１\n")),
    ("cadres", CADRES.replace(",1\n", ",\n")),
    ("cadres", CADRES.replace("T3", "T1")),
    ("cadres", CADRES.replace("中层副职", "副处")),
    ("classes", CLASSES),
    ("classes", CLASSES.replace("2025", "2025级")),
    ("classes", CLASSES.replace(",30,", ",30.5,")),
    ("classes", CLASSES.replace("C3", "C1")),
    ("classes", CLASSES.replace(",否\n", ",maybe\n")),
    ("constraints", "type,cadre_id,class_id,college,max\nforbid,T1,C1,,\nlock,T2,C2,,\ncollege_quota,,,理学院,1\n"),
    ("constraints", "type,cadre_id,class_id\nforbid,T1,C1\nlock,T1,C1\n"),
    ("preferences", "cadre_id,rank,kind,value\nT1,1,class,C1\nT1,2,grade,2024级\nT2,1,college,理学院\n"),
    ("preferences", "cadre_id,rank,kind,value\nT1,1,class,C1\nT1,1,class,C9\n"),
]


def _outcome(kind: str, text: str, fast: bool, monkeypatch):
    monkeypatch.setattr(columnar, "ENABLED", fast)
    if not fast:
        monkeypatch.setattr(tables, "_split_plain", lambda *a: None)
    refs = Refs(cadre_ids={"T1", "T2", "T3"}, class_ids={"C1", "C2", "C3"}, colleges={"计算机学院", "理学院"},
                majors={"软件工程", "数学"}, grades={"2023", "2024", "2025"})
    try:
        return read_file(kind, text.encode("utf-8"), filename=f"{kind}.csv", refs=refs)
    except ImportFailed as e:
        return [dataclasses.astuple(p) for p in e.problems]


@pytest.mark.parametrize(("kind", "text"), VARIANTS)
def test_fast_path_gives_what_the_row_path_gives(kind, text, monkeypatch):
    fast = _outcome(kind, text, True, monkeypatch)
    slow = _outcome(kind, text, False, monkeypatch)
    if isinstance(slow, pd.DataFrame):
        assert isinstance(fast, pd.DataFrame), fast
        pd.testing.assert_frame_equal(fast, slow)
        assert [type(v) for v in fast.iloc[0]] == [type(v) for v in slow.iloc[0]]
    else:
        assert fast == slow


def _bundle(fast: bool, monkeypatch, scores: str):
    monkeypatch.setattr(columnar, "ENABLED", fast)
    try:
        return read_bundle({"cadres": ("c.csv", CADRES.encode()), "classes": ("k.csv", CLASSES.encode()),
                            "scores": ("s.csv", scores.encode())})
    except ImportFailed as e:
        return [dataclasses.astuple(p) for p in e.problems]


@pytest.mark.parametrize("scores", [SCORES, SCORES.replace("T2,C3", "T9,C3"), SCORES.replace("T2,C3", "T2,C1")])
def test_bundle_fast_path_gives_what_the_row_path_gives(scores, monkeypatch):
    fast, slow = _bundle(True, monkeypatch, scores), _bundle(False, monkeypatch, scores)
    if isinstance(slow, dict):
        assert list(fast) == list(slow)
        for k in slow:
            pd.testing.assert_frame_equal(fast[k], slow[k])
    else:
        assert fast == slow and fast


def test_the_fast_path_is_taken_for_a_clean_file(monkeypatch):
    calls = []
    real = columnar.parse_columns
    monkeypatch.setattr(columnar, "parse_columns", lambda *a: calls.append(1) or real(*a))
    read_file("scores", SCORES.encode(), filename="s.csv")
    assert calls and tables._split_plain(SCORES, ",", 100) is not None
