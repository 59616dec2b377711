"""Small canonical DataFrames for tests (store and others): a tiny university that exercises
every dtype — tags, empty strings, nullable ints, NaT dates, booleans, Chinese text."""
from __future__ import annotations

from datetime import date

import pandas as pd

from store import frames


def sample_frames() -> dict[str, pd.DataFrame]:
    d = date
    return {
        "cadres": frames.from_records("cadres", [
            {"cadre_id": "C001", "name": "王建国", "unit": "计算机学院", "position": "院长", "level": "head",
             "expertise": ("计算机", "就业指导"), "discipline": "工学", "capacity": 1},
            {"cadre_id": "C002", "name": "李　华", "unit": "党委组织部", "position": "", "level": "school",
             "expertise": (), "discipline": "", "capacity": 2},
            {"cadre_id": "C003", "name": "Zhang Wei", "unit": "外国语学院", "position": "副院长",
             "level": "deputy", "expertise": ("思想政治教育;x",), "discipline": "文学", "capacity": 0},
        ]),
        "classes": frames.from_records("classes", [
            {"class_id": "K2025-01", "name": "计科2501", "college": "计算机学院", "major": "计算机科学与技术",
             "discipline": "工学", "grade": 2025, "size": 32, "tags": ("新生班",), "priority": True},
            {"class_id": "K2022-07", "name": "英语2207", "college": "外国语学院", "major": "",
             "discipline": "文学", "grade": 2022, "size": 28, "tags": ("毕业班", "学业预警"), "priority": False},
            {"class_id": "K2024-03", "name": "数学2403", "college": "理学院", "major": "数学",
             "discipline": "理学", "grade": 2024, "size": 40, "tags": (), "priority": False},
        ]),
        "preferences": frames.from_records("preferences", [
            {"cadre_id": "C001", "rank": 1, "kind": "class", "value": "K2025-01"},
            {"cadre_id": "C001", "rank": 2, "kind": "college", "value": "计算机学院"},
            {"cadre_id": "C002", "rank": 1, "kind": "grade", "value": "2022"},
            {"cadre_id": "C003", "rank": 1, "kind": "major", "value": "数学"},
        ]),
        "constraints": frames.from_records("constraints", [
            {"type": "lock", "cadre_id": "C002", "class_id": "K2022-07", "college": "", "level": "",
             "min": None, "max": None, "reason": "组织安排"},
            {"type": "forbid", "cadre_id": "C001", "class_id": "", "college": "外国语学院", "level": "",
             "min": None, "max": None, "reason": "亲属回避"},
            {"type": "college_quota", "cadre_id": "", "class_id": "", "college": "计算机学院", "level": "",
             "min": 1, "max": 2, "reason": ""},
            {"type": "level_cap", "cadre_id": "", "class_id": "", "college": "", "level": "school",
             "min": None, "max": 1, "reason": "校领导不超过1人"},
        ]),
        "exemptions": frames.from_records("exemptions", [
            {"cadre_id": "C003", "start": d(2025, 11, 1), "end": d(2025, 11, 30), "reason": "出国公差"},
            {"cadre_id": "C001", "start": d(2026, 3, 2), "end": d(2026, 3, 2), "reason": ""},
        ]),
        "ledger": frames.from_records("ledger", [
            {"activity_id": "A1", "cadre_id": "C001", "date": d(2025, 9, 10), "type": "party_lecture",
             "venue": "课堂", "class_id": "", "students": 32, "minutes": 45, "summary": "开学第一课"},
            {"activity_id": "A2", "cadre_id": "C002", "date": d(2025, 9, 12), "type": "report", "venue": "",
             "class_id": "K2022-07", "students": None, "minutes": None, "summary": ""},
        ]),
        "scores": frames.from_records("scores", [
            {"cadre_id": "C001", "class_id": "K2025-01", "score": 0.1, "score_text": "0.1"},
            {"cadre_id": "C002", "class_id": "K2022-07", "score": 1e-17, "score_text": "1e-17"},
        ]),
        "previous": frames.from_records("previous", [{"cadre_id": "C001", "class_id": "K2024-03"}]),
        "assignment": sample_assignment(),
    }


def sample_assignment(pairs=(("C001", "K2025-01"), ("C002", "K2022-07"), ("C002", "K2024-03")),
                      start=None, end=None) -> pd.DataFrame:
    names = {"C001": "王建国", "C002": "李　华", "C003": "Zhang Wei"}
    classes = {"K2025-01": ("计科2501", "计算机学院"), "K2022-07": ("英语2207", "外国语学院"),
               "K2024-03": ("数学2403", "理学院")}
    rows = []
    for i, (c, k) in enumerate(pairs):
        rows.append({"cadre_id": c, "name": names[c], "class_id": k, "class_name": classes[k][0],
                     "college": classes[k][1], "score": 0.1 * (i + 1) + 1 / 3,
                     "part_expertise": 0.5, "part_discipline": 1 / 7, "part_preference": 0.0,
                     "part_continuity": 0.0, "part_own_unit": -0.25,
                     "preference_rank": 1 if i == 0 else None, "locked": i == 1, "changed": i != 1,
                     "start": start, "end": end})
    return frames.from_records("assignment", rows)
