"""Issue 12 (4): before the commit button, what an import would change — added / updated / removed
and what the removals would orphan (wishes, rules, ledger rows, current assignments)."""
from __future__ import annotations

import importer
from services import data as data_service
from services import uploads
from tests.fixtures_app import demo_user


def test_a_one_row_cadre_file_says_it_removes_the_rest_and_what_they_leave_behind(demo_db):
    admin = demo_user("admin")
    cadres = data_service.load_kind(admin, "cadres")
    keep = cadres.head(1).copy()
    keep.loc[keep.index[0], "position"] = "新职务"
    parsed = uploads.parse_upload(admin, "cadres", importer.write_xlsx("cadres", keep), "干部.xlsx")
    assert parsed.frame is not None, parsed.problems
    s = uploads.change_summary(admin, "cadres", parsed)
    assert (s.added, s.updated, s.removed) == (0, 1, len(cadres) - 1)
    gone = set(cadres["cadre_id"]) - set(keep["cadre_id"])
    prefs = data_service.load_kind(admin, "preferences")
    assert s.orphans["preferences"] == int(prefs["cadre_id"].isin(gone).sum()) > 0
    assert s.orphans["assignment"] > 0 and s.orphans["ledger"] > 0
    text = s.text("zh")
    assert "删除 " in text and str(len(cadres) - 1) in text and "意向" in text


def test_an_unchanged_file_changes_nothing(demo_db):
    admin = demo_user("admin")
    classes = data_service.load_kind(admin, "classes")
    parsed = uploads.parse_upload(admin, "classes", importer.write_xlsx("classes", classes), "班级.xlsx")
    s = uploads.change_summary(admin, "classes", parsed)
    assert (s.added, s.updated, s.removed) == (0, 0, 0) and not any(s.orphans.values())


def test_add_and_edit_one_cadre_without_a_roster(demo_db):
    """Issue 12 (7): one cadre added, one edited, checked as a file row would be; a bad row is refused
    naming the column, and nothing is written."""
    import pytest
    admin = demo_user("admin")
    before = data_service.load_kind(admin, "cadres")
    first = before.iloc[0].to_dict()
    new = first | {"cadre_id": "T-NEW-1", "name": "新干部", "capacity": 1}
    assert "新增 1" in uploads.save_one(admin, "cadres", new)
    edited = first | {"position": "新职务"}
    assert "更新 1" in uploads.save_one(admin, "cadres", edited)
    after = data_service.load_kind(admin, "cadres").set_index("cadre_id")
    assert len(after) == len(before) + 1 and after.loc[first["cadre_id"], "position"] == "新职务"
    with pytest.raises(uploads.DataError) as err:
        uploads.save_one(admin, "cadres", first | {"level": "局长"})
    assert "局长" in " ".join(err.value.detail_lines("zh")) and "层级" in " ".join(err.value.detail_lines("zh"))
    assert len(data_service.load_kind(admin, "cadres")) == len(before) + 1
