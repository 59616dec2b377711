"""Issue 12: reference problems in the same problem table as row problems (file, row, column, value,
expected) — found when the file is read, before any import button, and nothing is written."""
from __future__ import annotations

import importer
from services import data as data_service
from services import uploads
from services.round_inputs import published_assignment
from tests.fixtures_app import demo_user


def _problems_by_value(parsed) -> dict[str, list]:
    out: dict[str, list] = {}
    for p in parsed.problems:
        out.setdefault(str(p.value), []).append(p)
    return out


def test_dropping_cadres_others_still_use_lists_each_in_the_problem_table(demo_db):
    admin = demo_user("admin")
    cadres = data_service.load_kind(admin, "cadres")
    prefs = data_service.load_kind(admin, "preferences")
    pub = published_assignment()
    keep = cadres.head(1)
    parsed = uploads.parse_upload(admin, "cadres", importer.write_xlsx("cadres", keep), "干部.xlsx")
    assert parsed.problems, "a file that orphans wishes and current assignments must not read as valid"
    by_value = _problems_by_value(parsed)
    gone = set(cadres["cadre_id"]) - set(keep["cadre_id"])
    # one row per wish of a dropped cadre, named in the file's own column, with where it is still used
    wished = prefs[prefs["cadre_id"].isin(gone)]
    cid = wished["cadre_id"].iloc[0]
    [p] = [p for p in by_value[cid] if "意向" in p.expected_zh]      # one problem per id, its wish rows listed
    assert (p.file, p.row, p.column) == ("干部.xlsx", None, "工号(cadre_id)")
    rows = [str(k + 1) for k in wished.index[wished["cadre_id"] == cid]]
    assert f"意向第{'、'.join(rows[:10])}行" in p.expected_zh and "of the imported Preferences" in p.expected_en
    # a cadre advising a class in force
    adviser = next(c for c in pub["cadre_id"] if c in gone)
    assert any("已发布轮次" in q.expected_zh for q in by_value[adviser])
    # nothing written, and the import refuses a file with problems
    assert len(data_service.load_kind(admin, "cadres")) == len(cadres)
    assert all(q.message("en").startswith("干部.xlsx, column") for q in parsed.problems)


def test_dropping_a_class_in_force_is_named_in_the_class_column(demo_db):
    admin = demo_user("admin")
    classes = data_service.load_kind(admin, "classes")
    held = published_assignment()["class_id"].iloc[0]
    parsed = uploads.parse_upload(admin, "classes", importer.write_xlsx("classes", classes[classes["class_id"] != held]),
                                  "班级.xlsx")
    mine = _problems_by_value(parsed)[held]
    assert mine and all(p.column == "班级编号(class_id)" for p in mine)


def test_a_file_that_keeps_every_reference_has_no_problem(demo_db):
    admin = demo_user("admin")
    cadres = data_service.load_kind(admin, "cadres")
    parsed = uploads.parse_upload(admin, "cadres", importer.write_xlsx("cadres", cadres), "干部.xlsx")
    assert parsed.problems == [] and parsed.frame is not None
