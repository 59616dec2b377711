"""The official lists look official: protocol order for school leaders, print setup, real date cells."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
from openpyxl import load_workbook

from common.vocabulary import protocol_rank
from services import exports

POSITIONS = ["副校长", "党委副书记", "校长", "纪委书记", "党委书记", "总会计师"]


def _frames():
    ids = [f"S{i}" for i in range(len(POSITIONS))] + ["H1"]
    cadres = pd.DataFrame({"cadre_id": ids, "unit": ["校领导"] * len(POSITIONS) + ["体育学院"],
                           "position": [*POSITIONS, "院长"], "level": ["school"] * len(POSITIONS) + ["head"]})
    classes = pd.DataFrame({"class_id": [f"C{i}" for i in range(len(ids))], "major": "体育教育", "grade": 2025,
                            "size": 30})
    assignment = pd.DataFrame({"cadre_id": ids, "name": [f"人{i}" for i in range(len(ids))],
                               "class_id": list(classes["class_id"]), "class_name": "班",
                               "college": [f"学院{9 - i}" for i in range(len(ids))],
                               "start": [pd.Timestamp("2025-09-08")] * len(ids)})
    return assignment, cadres, classes


def test_protocol_rank_reads_the_position():
    order = sorted(["副校长", "党委副书记", "校长", "党委书记", "党委常务副书记", "处长"], key=protocol_rank)
    assert order == ["党委书记", "校长", "党委常务副书记", "党委副书记", "副校长", "处长"]


def test_official_list_is_in_protocol_order_with_print_setup_and_date_cells():
    xlsx = exports.official_list_xlsx(*_frames(), "2025轮", date(2025, 9, 8))
    ws = load_workbook(io.BytesIO(xlsx)).active
    header = [c.value for c in ws[3]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=4)]
    positions = [r[header.index("职务")] for r in rows]
    assert positions == ["党委书记", "校长", "党委副书记", "纪委书记", "副校长", "总会计师", "院长"]
    start = ws.cell(4, header.index("起始日期") + 1)
    assert start.is_date and start.value.date() == date(2025, 9, 8) and start.number_format == "yyyy-mm-dd"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$3:$3"


def test_publicity_list_is_portrait_a4():
    ws = load_workbook(io.BytesIO(exports.publicity_list_xlsx(*_frames(), "2025轮", None))).active
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "portrait"


def test_chart_png_carries_its_stamp():
    from ui import charts

    df = pd.DataFrame({"label": ["第1意向", "无意向"], "order": [0, 1], "pairs": [3, 4], "share": [0.4, 0.6]})
    chart = charts.preference_satisfaction(df, "en")
    assert charts.to_png(chart, scale=1, stamp="As of 2025-11-20 · College: all") != charts.to_png(chart, scale=1)


def test_publicity_list_carries_period_channel_and_office():
    notice = exports.publicity_notice(5, "电话 010-12345678", "中共演示大学委员会组织部", date(2026, 7, 6))
    ws = load_workbook(io.BytesIO(exports.publicity_list_xlsx(*_frames(), "2025轮", None, notice=notice))).active
    text = [r[0] for r in ws.iter_rows(values_only=True) if r and r[0]]
    assert any(t.startswith("公示期：2026年07月06日起5个工作日") for t in text)
    assert "反映渠道：电话 010-12345678" in text and "中共演示大学委员会组织部" in text
    assert text[-1] == "2026年07月06日"


def test_publicity_settings_are_set_once_by_the_admin(demo_db):
    import pytest

    from services import settings
    from services.access import AccessDenied
    from tests.fixtures_app import demo_user

    admin, planner = demo_user("admin"), demo_user("planner")
    assert settings.publicity(admin) == settings.Publicity()
    settings.set_publicity(admin, 7, "邮箱 zzb@demo.edu.cn", "组织部")
    assert settings.publicity(planner) == settings.Publicity(7, "邮箱 zzb@demo.edu.cn", "组织部")
    with pytest.raises(AccessDenied):
        settings.set_publicity(planner, 5, "", "")
    with pytest.raises(AccessDenied):
        settings.publicity(demo_user("cadre"))
    with pytest.raises(settings.SettingsError):
        settings.set_publicity(admin, 0, "", "")
    from services.db import session_scope
    from store.audit import audit_rows

    with session_scope() as s:
        assert "set_settings" in set(audit_rows(s, limit=5)["action"])
