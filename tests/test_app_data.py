"""AppTest: the Data page — upload with preview and error table, templates, browse and search."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services import data as data_service
from tests.fixtures_app import demo_user
from ui.data.state import Keys

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "data.py")


@pytest.fixture
def admin(demo_db):
    return demo_user("admin")


@pytest.fixture
def at(demo_db, as_role):
    app = AppTest.from_file(PAGE, default_timeout=60)
    as_role(app, "admin")
    return app.run()


def _upload(at: AppTest, kind: str, name: str, content: bytes) -> AppTest:
    at.selectbox(key=Keys.IMPORT_KIND).select(kind).run()
    at.file_uploader(key=Keys.upload(kind)).upload(name, content).run()
    return at


def test_bad_file_lists_every_problem_and_writes_nothing(at, admin):
    before = data_service.counts(admin)
    # A cadre roster with a bad level on row 3 and an empty name on row 4 (header = row 1).
    csv = "工号,姓名,单位,层级\nT1,甲,教务处,中层正职\nT2,乙,教务处,局长\nT3,,教务处,中层副职\n".encode()
    _upload(at, "cadres", "cadres.csv", csv)
    assert not at.exception
    assert at.error[0].value.startswith("发现 2 个问题")
    table = at.dataframe[0].value
    assert list(table["行号"]) == [3, 4]
    assert list(table["列"]) == ["层级", "姓名"]
    assert "局长" in list(table["值"])
    assert len(at.dataframe) == 2  # the error table and the browse tab's table; no preview
    assert [b.key for b in at.button if b.key == Keys.CONFIRM] == []  # no import button for a bad file
    assert data_service.counts(admin) == before


def test_good_file_previews_then_imports(at, admin):
    cadre = data_service.load_kind(admin, "cadres").cadre_id.iloc[0]
    csv = f"cadre_id,start,end,reason\n{cadre},2026-03-09,2026-03-13,公差\n".encode()
    _upload(at, "exemptions", "exemptions.csv", csv)
    assert not at.exception
    assert at.success[0].value.startswith("校验通过：1 行")
    assert len(at.dataframe[0].value) == 1
    before = data_service.load_kind(admin, "exemptions")
    assert len(before) != 1  # the demo has several; the import replaces them
    at.button(key=Keys.CONFIRM).click().run()
    assert not at.exception
    after = data_service.load_kind(admin, "exemptions")
    assert list(after.cadre_id) == [cadre] and list(after.reason) == ["公差"]
    assert any(s.value.startswith("已导入") for s in at.success)
    audit = data_service.audit_rows(admin, limit=5)
    assert "admin" in set(audit.iloc[:, :].astype(str).values.ravel())


def test_preference_referring_to_unknown_class_is_refused(at, admin):
    cadre = data_service.load_kind(admin, "cadres").cadre_id.iloc[0]
    csv = f"工号,志愿,类型,意向\n{cadre},1,班级,NO-SUCH-CLASS\n".encode()
    _upload(at, "preferences", "prefs.csv", csv)
    table = at.dataframe[0].value
    assert list(table["值"]) == ["NO-SUCH-CLASS"] and list(table["行号"]) == [2]


def test_templates_offered_for_every_kind(at):
    labels = [b.label for b in at.get("download_button")]
    assert len(labels) == 7
    assert any("干部名单" in label for label in labels) and any("校历" in label for label in labels)


def test_browse_and_search(at, admin):
    at.selectbox(key=Keys.BROWSE_KIND).select("classes").run()
    full = at.dataframe[-1].value
    assert len(full) == data_service.counts(admin)["classes"]
    college = full["学院"].iloc[0]          # headers in the page's language (services.kind_display)
    at.text_input(key=Keys.SEARCH).input(college).run()
    hit = at.dataframe[-1].value
    assert 0 < len(hit) < len(full)
    assert (hit.astype(str).apply(lambda r: college in " ".join(r), axis=1)).all()


def test_the_change_summary_comes_before_the_import_button(at, admin):
    """Issue 12 (4): the unchanged one-row template says it would remove every other cadre and what
    they leave behind — before anything is written."""
    import importer
    cadres = data_service.load_kind(admin, "cadres")
    _upload(at, "cadres", "干部.xlsx", importer.write_xlsx("cadres", cadres.head(1)))
    assert not at.exception
    warning = next(w.value for w in at.warning if "导入将" in w.value)
    assert f"删除 {len(cadres) - 1}" in warning and "意向" in warning and "分配结果（现行）" in warning
    assert len(data_service.load_kind(admin, "cadres")) == len(cadres)
    # the references the store would refuse are rows of the one problem table, before any button
    # (issue 12: "reference problems in the same problem table as row problems")
    [err] = [e.value for e in at.error]
    assert len(err) < 120 and "仍在已发布轮次" not in err, err
    table = next(d.value for d in at.dataframe if "应为" in d.value.columns)
    assert list(table.columns) == ["文件", "行号", "列", "值", "应为"]
    assert (table["文件"] == "干部.xlsx").all() and table["应为"].str.contains("仍在已发布轮次").any()
    assert not [b for b in at.button if b.key == Keys.CONFIRM]
    assert len(data_service.load_kind(admin, "cadres")) == len(cadres)


def test_edit_one_class_in_the_app(at, admin):
    """Issue 12 (7): one class edited without re-uploading the class list; a bad value is refused."""
    at.selectbox(key=Keys.BROWSE_KIND).select("classes").run()
    first = data_service.load_kind(admin, "classes").iloc[0]
    at.selectbox(key=Keys.ONE_PICK + "classes").select(first.class_id).run()
    field = f"{Keys.ONE_FIELD}classes_{first.class_id}_size"
    at.text_input(key=field).input("abc").run()
    at.button(key=Keys.ONE_SAVE + "classes").click().run()
    assert not at.exception and any("未保存" in e.value for e in at.error)
    at.text_input(key=field).input(str(int(first["size"]) + 1)).run()
    at.button(key=Keys.ONE_SAVE + "classes").click().run()
    assert any(s.value.startswith("已保存") and "更新 1" in s.value for s in at.success)
    after = data_service.load_kind(admin, "classes").set_index("class_id")
    assert int(after.loc[first.class_id, "size"]) == int(first["size"]) + 1
