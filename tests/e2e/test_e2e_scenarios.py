"""Real browser: an admin creates a scenario (with hypothetical cadres), solves it, compares it with the
published assignment, is refused promotion while hypothetical cadres hold classes, runs a capacity
sweep and a trade-off curve, promotes a saved solution to a draft round — the published rows stay
byte-identical — and publishes it from the Rounds page. Saves docs/screenshots/scenarios-*.png."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import text

from tests.e2e.conftest import confirm_publish, login

pytestmark = pytest.mark.e2e

from tests.e2e.conftest import SHOTS


def _use_app_db(app_server, monkeypatch):
    from services.db import reset_engines

    _, env = app_server
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("YIXIAN_DB_PATH", env["YIXIAN_DB_PATH"])
    reset_engines()


def _rows(table: str):
    from services.db import get_engine
    with get_engine().connect() as c:
        return [tuple(r) for r in c.execute(text(f"SELECT * FROM {table} ORDER BY id"))]


def _shot(page, name: str, height: int = 2200) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(SHOTS / name))
    page.set_viewport_size(size)


def _wait_done(page, text_: str, timeout: int = 120_000) -> None:
    page.get_by_text(text_).first.wait_for(timeout=timeout)


def test_create_compare_sweep_and_promote(app_server, page, monkeypatch):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    base, _ = app_server
    _use_app_db(app_server, monkeypatch)
    published_before = [r for r in _rows("assignments")]
    rounds_before = _rows("assignment_rounds")

    login(page, base, "admin")
    page.get_by_test_id("stSidebarNav").get_by_text("情景推演", exact=True).click()
    page.get_by_role("heading", name="情景推演").wait_for()
    page.get_by_text("还没有情景").wait_for()          # the page's own run has finished
    page.wait_for_timeout(1000)
    name_box = page.get_by_label("名称", exact=True)
    try:   # the expander opens by itself when there is no scenario; a loaded machine may take a while
        name_box.wait_for(state="visible", timeout=10_000)
    except PlaywrightTimeout:
        page.get_by_text("新建情景", exact=True).click()
        name_box.wait_for(state="visible", timeout=30_000)
    name_box.fill("副职全部带班＋5名假设干部")
    page.get_by_role("button", name="新建", exact=True).click()
    _wait_done(page, "已新建情景")

    page.get_by_text("修改人员与班级", exact=True).click()
    page.get_by_role("button", name="添加假设干部").click()
    _wait_done(page, "已添加 5 名假设干部")
    page.get_by_role("button", name="求解此情景").click()
    _wait_done(page, "求解完成")
    expect(page.get_by_text("相对已发布的调整")).to_be_visible()
    _shot(page, "scenarios-result.png")
    # invented people never reach a round: promotion is refused, naming them (details folded)
    page.get_by_role("button", name="转为草稿轮次").click()
    _wait_done(page, "假设或名单外的干部")
    page.get_by_text("详情（").first.click()
    _wait_done(page, "假设干部1")

    page.get_by_role("tab", name="对比").click()
    page.locator(".vega-embed").first.wait_for()
    expect(page.get_by_text("谁会调到哪里")).to_be_visible()
    _shot(page, "scenarios-compare.png", 2600)

    page.get_by_role("tab", name="容量推演").click()
    page.get_by_label("最少人数", exact=True).fill("100")
    page.get_by_label("最少人数", exact=True).press("Enter")
    page.wait_for_timeout(800)
    page.get_by_label("点数", exact=True).fill("4")
    page.get_by_label("点数", exact=True).press("Enter")
    page.get_by_role("button", name="开始推演").click()
    _wait_done(page, "最少需要")
    page.get_by_role("tab", name="容量推演").click()
    _shot(page, "scenarios-sweep.png")

    page.get_by_role("tab", name="权衡曲线").click()
    page.get_by_text("总匹配度 ↔ 相对已发布的变动对数").click()
    page.get_by_role("button", name="计算曲线").click()
    _wait_done(page, "权衡曲线完成")
    page.get_by_role("tab", name="权衡曲线").click()
    page.get_by_role("button", name="将此解保存为情景并打开").wait_for()
    # click the right-most point of the curve (the most changes): it becomes the selected point
    # (the number of distinct budgets depends on what is published when this test runs)
    points = page.locator(".vega-embed g.mark-symbol path")
    expect(points.nth(1)).to_be_attached()
    picker = page.get_by_role("combobox", name="选中的点", exact=True)
    first = picker.input_value()
    assert re.match(r"^k ≤ \d+", first)
    points.last.click()
    expect(picker).not_to_have_value(first)
    expect(picker).to_have_value(re.compile(r"^k ≤ \d+"))
    _shot(page, "scenarios-tradeoff.png")
    page.get_by_role("button", name="将此解保存为情景并打开").click()
    _wait_done(page, "已保存为情景")

    # the saved solution keeps the hypothetical cadres: its promotion is refused too
    page.get_by_role("tab", name="情景").click()
    page.get_by_role("button", name="转为草稿轮次").click()
    _wait_done(page, "假设或名单外的干部")

    # a scenario of real people only is promoted
    name_box = page.get_by_label("名称", exact=True)
    if not name_box.is_visible():
        page.get_by_text("新建情景", exact=True).click()
    name_box.fill("只用现有干部")
    page.get_by_role("button", name="新建", exact=True).click()
    _wait_done(page, "已新建情景")
    page.get_by_role("button", name="求解此情景").click()
    _wait_done(page, "求解完成")
    page.get_by_role("button", name="转为草稿轮次").click()
    _wait_done(page, "已创建草稿轮次")

    # the published rows are untouched; exactly one new round, a draft
    after = _rows("assignments")
    assert after[:len(published_before)] == published_before
    rounds_after = _rows("assignment_rounds")
    assert rounds_after[:len(rounds_before)] == rounds_before
    new = rounds_after[len(rounds_before):]
    assert len(new) == 1 and "draft" in new[0]

    # the promoted round (real cadres only) is published from the Rounds page
    rid = new[0][0]
    page.get_by_test_id("stSidebarNav").get_by_text("分配轮次", exact=True).click()
    page.get_by_role("heading", name="分配轮次").wait_for()
    page.get_by_test_id("stSelectbox").filter(has_text="查看轮次").click()
    page.get_by_role("option", name=re.compile(f"^#{rid} ")).click()
    page.get_by_test_id("stRadio").get_by_text("发布与导出", exact=True).click()
    confirm_publish(page)
    _wait_done(page, f"已发布 #{rid}")
    assert [r for r in _rows("assignment_rounds") if r[0] == rid and "published" in r]
