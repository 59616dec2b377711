"""AppTest: the fit model page — warning box, one-click mapping, preview then save, grid and bulk rules."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from services import data as data_service
from services import fit_model
from tests.fixtures_app import demo_user
from ui.fit_model.state import Keys

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "fit_model.py")


@pytest.fixture
def at(demo_db, as_role):
    app = AppTest.from_file(PAGE, default_timeout=90)
    as_role(app, "admin")
    return app.run()


def test_warning_box_and_one_click_mapping(at):
    assert not at.exception
    box = [w.value for w in at.warning]
    assert box and "不在匹配表中" in box[0] and "党建" in box[0]
    at.selectbox(key=Keys.map_target("expertise", "党建")).select("思想政治教育").run()
    at.button(key=Keys.map_button("expertise", "党建")).click().run()
    assert not at.exception
    assert fit_model.current(demo_user("admin"))[1]["aliases"]["党建"] == "思想政治教育"
    assert "党建" not in at.warning[0].value and "科研指导" in at.warning[0].value
    assert any("思想政治教育" in s.value for s in at.success)


def test_preview_before_save_then_a_new_version(at):
    admin = demo_user("admin")
    assert not [i for i in at.info if "此修改将改变" in i.value]
    at.number_input(key=Keys.WEIGHT_PREFIX + "unit").set_value(3.0).run()
    info = [i.value for i in at.info if "此修改将改变" in i.value]
    assert info and fit_model.current(admin)[0] is None           # previewed, not saved
    changed = fit_model.preview(admin, {**fit_model.current(admin)[1],
                                        "weights": {**fit_model.current(admin)[1]["weights"], "unit": "3"}})
    assert f"{changed['pairs_changed']} / {changed['pairs']}" in info[0]
    at.text_input(key=Keys.NOTE).input("单位权重 3").run()
    at.button(key=Keys.SAVE).click().run()
    assert not at.exception
    assert str(fit_model.current_config(admin).weights["unit"]) == "3"
    assert fit_model.history(admin).note.tolist() == ["单位权重 3"]


def test_bad_wish_values_show_an_error_and_save_nothing(at):
    at.text_input(key=Keys.BY_RANK).input("10, 很多").run()
    assert not at.exception
    assert at.error and "配置错误" in at.error[0].value
    assert fit_model.current(demo_user("admin"))[0] is None


def test_grid_filters_and_bulk_forbid(at):
    admin = demo_user("admin")
    before = len(data_service.load_kind(admin, "constraints"))
    at.multiselect(key=Keys.GRID_COLLEGES).select("心理学院").run()
    assert not at.exception
    cadres = at.multiselect(key=Keys.GRID_CADRES).options
    classes = at.multiselect(key=Keys.GRID_CLASSES).options
    at.multiselect(key=Keys.GRID_CADRES).select(cadres[0]).run()
    at.multiselect(key=Keys.GRID_CLASSES).select(classes[0]).select(classes[1]).run()
    at.button(key=Keys.GRID_FORBID).click().run()
    assert not at.exception
    cons = data_service.load_kind(admin, "constraints")
    assert len(cons) == before + 2 and set(cons.type.iloc[-2:]) == {"forbid"}


def test_only_admin_sees_the_page(demo_db, as_role):
    app = AppTest.from_file(PAGE, default_timeout=60)
    as_role(app, "planner")
    app.run()
    assert not [t for t in app.title if "匹配模型" in t.value]


def test_import_of_classes_warns_about_an_unknown_tag(demo_db, as_role):
    from importer import write_csv
    from ui.data.state import Keys as DataKeys
    admin = demo_user("admin")
    cls = data_service.load_kind(admin, "classes")
    cls.at[cls.index[0], "tags"] = (*tuple(cls.at[cls.index[0], "tags"]), "航模队")
    app = AppTest.from_file(str(Path(PAGE).with_name("data.py")), default_timeout=90)
    as_role(app, "admin")
    app.run()
    app.selectbox(key=DataKeys.IMPORT_KIND).select("classes").run()
    app.file_uploader(key=DataKeys.upload("classes")).upload("classes.csv", write_csv("classes", cls)).run()
    app.button(key=DataKeys.CONFIRM).click().run()
    assert not app.exception
    assert any(s.value.startswith("已导入") for s in app.success)
    assert any("不在匹配表中" in w.value and "航模队" in w.value for w in app.warning)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_grid_reasons_speak_the_page_language(demo_db, as_role, lang):
    """The cadre × class view's reasons (hover) follow the language: no 专长/对应标签/无加分项 in English."""
    from tests.test_i18n_pages import Checker, _data_strings, _usernames, _walk
    from ui.i18n import LANG_KEY

    app = AppTest.from_file(PAGE, default_timeout=90)
    as_role(app, "admin")
    app.session_state[LANG_KEY] = lang
    app.session_state[Keys.GRID_COLLEGES] = ["心理学院"]
    app.run()
    assert not app.exception
    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
    charts = [c for c in app.get("arrow_vega_lite_chart") + app.get("vega_lite_chart")]
    reasons = [r for c in charts for ds in c.proto.datasets
               for r in convert_arrow_bytes_to_pandas_df(ds.data.data).get("reason", [])]
    assert reasons, "the grid shows reasons"
    if lang == "en":
        assert any("; " in r for r in reasons) and not any("；" in r or "无加分项" in r for r in reasons)
        chk = Checker("en", _data_strings(str(demo_db)), _usernames(str(demo_db)))
        _walk(app, chk)
        assert not chk.found, chk.found[:10]
    else:
        assert any("；" in r for r in reasons) and any("专长" in r for r in reasons)
