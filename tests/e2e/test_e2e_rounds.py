"""Real browser: the organization department's round, end to end — create from the demo data,
solve, lock one pair, re-solve, publish, download both lists and re-open them; plus screenshots
of the review page and of the diagnosis of an infeasible round (docs/screenshots/rounds-*.png)."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.conftest import ROOT, confirm_publish, login

pytestmark = pytest.mark.e2e
from tests.e2e.conftest import SHOTS


def _wait_solved(page, timeout=90_000) -> None:
    try:
        page.get_by_text("求解完成").first.wait_for(timeout=timeout)
    except Exception:
        page.screenshot(path="/tmp/rounds-e2e-failure.png", full_page=True)
        raise


def _open_rounds(page) -> None:
    # through the navigation: a page load would start a new (logged-out) session
    page.get_by_test_id("stSidebarNav").get_by_text("分配轮次", exact=True).click()
    page.get_by_role("heading", name="分配轮次").wait_for()


def _shoot(page, name: str, height: int = 3100) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport instead."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": height})
    page.wait_for_timeout(2000)            # let the charts draw
    page.evaluate("document.querySelectorAll('*').forEach(e => { if (e.scrollTop) e.scrollTop = 0; })")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / name))    # exactly the (tall) viewport
    page.set_viewport_size({"width": 1440, "height": 1000})


def _section(page, name: str) -> None:
    page.get_by_test_id("stRadio").get_by_text(name, exact=True).click()


def _store(env: dict, code: str) -> str:
    """Run store/services code against the app's database (as another office user would)."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=120)
    return out.stdout.strip()


def _header(path: Path) -> list[str]:
    ws = load_workbook(path, read_only=True).active
    return [c for c in next(ws.iter_rows(min_row=3, max_row=3, values_only=True)) if c is not None]



def _a_cadre_with_wishes() -> str:
    """A demo cadre who stated 意向 and holds no locked class (their explanation lists alternates)."""
    import pandas as pd
    demo = ROOT / "data" / "demo"
    wishes = pd.read_csv(demo / "preferences.csv", dtype=str, encoding="utf-8-sig")
    a = pd.read_csv(demo / "assignment.csv", dtype=str)
    locked = set(a.loc[a["locked"] == "是", "cadre_id"])
    return min(c for c in wishes["工号"] if c not in locked)

def test_round_end_to_end(app_server, page, tmp_path):
    base, env = app_server
    login(page, base, "admin")
    _open_rounds(page)

    # create a round from the demo data and solve it
    page.get_by_text("新建轮次", exact=True).click()
    page.get_by_text("默认是补充轮").wait_for()          # continuity by default while a round is in force
    page.get_by_text("新一轮（按当前名单全部重新分配）").click()
    page.get_by_text("规则与参数校验通过").wait_for()
    page.get_by_role("textbox", name="轮次名称").fill("E2E 分配轮次")
    page.get_by_role("button", name="创建并求解").click()
    _wait_solved(page)
    page.get_by_text("显示 121 / 121 对").wait_for()
    page.get_by_text("意向满足分布").first.wait_for(state="attached")
    # open one cadre's explanation (parts, why not the first choice, feasible alternates)
    try:
        box = page.get_by_test_id("stSelectbox").filter(has_text="选择干部").locator("input")
        box.click()
        box.fill(_a_cadre_with_wishes())  # type to filter, as a user would, then pick
        page.keyboard.press("Enter")
    except Exception:
        page.screenshot(path="/tmp/rounds-e2e-failure.png", full_page=True)
        raise
    page.get_by_text("可行的备选班级").wait_for(timeout=60_000)
    _shoot(page, "rounds-review.png")

    # lock one pair (the first cadre in the list) and re-solve
    _section(page, "调整")
    page.get_by_role("button", name="锁定当前配对").click()
    confirm = page.get_by_role("button", name="确认并保存为新版本")     # a preview of the pairs first
    confirm.wait_for(timeout=90_000)
    _shoot(page, "rounds-adjust-preview.png")
    confirm.click()
    page.get_by_text("已保存为").first.wait_for()
    page.get_by_text("本版本 v2 由 v1 修改而来").first.wait_for()
    locked = _store(env, """
        from services import round_lifecycle as svc
        from tests.fixtures_app import demo_user
        admin = demo_user("admin")
        r = [x for x in svc.list_rounds(admin) if x.status == "draft"][0]
        i = svc.get_round(admin, r.id)
        print(r.id, svc.round_label(i).replace(" ", "_"), int(i.assignment["locked"].sum()), i.parameters["revision_note"])
    """)
    rid, label, n_locked, note = locked.split(" ", 3)
    assert label == "#2_v2"              # the round keeps its number; the lock made its second revision
    assert int(n_locked) == 4 and note.startswith("锁定")

    # who moved where and why, against the previous revision and the assignment in force
    _section(page, "对比")
    page.get_by_text("调动", exact=True).first.wait_for()
    _shoot(page, "rounds-diff.png", 1400)

    # publish with confirmation and an effective date
    _section(page, "发布与导出")
    confirm_publish(page)
    page.get_by_text("已发布 #2 v2").wait_for()          # named by number and version, never an internal id
    _shoot(page, "rounds-publish.png", 1200)
    status = _store(env, f"""
        from services import round_lifecycle as svc
        from tests.fixtures_app import demo_user
        admin = demo_user("admin")
        print(svc.get_round(admin, {rid}).status, svc.list_rounds(admin)[-1].status)
    """)
    assert status == "published archived"

    # download both lists and re-open them
    with page.expect_download() as dl:
        page.get_by_role("button", name="领导干部担任班主任名单（xlsx）").click()
    official = tmp_path / "official.xlsx"
    dl.value.save_as(official)
    with page.expect_download() as dl:
        page.get_by_role("button", name="公示名单（xlsx）").click()
    publicity = tmp_path / "publicity.xlsx"
    dl.value.save_as(publicity)
    assert _header(official)[:4] == ["序号", "姓名", "工号", "单位"] and "班级" in _header(official)
    assert _header(publicity) == ["姓名", "单位", "班级", "学院"]
    ws = load_workbook(publicity, read_only=True).active
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if any(r)]
    table, notice = rows[:121], rows[121:]      # the names, then the 公示 notice (period, office, date)
    assert all(len([v for v in r if v is not None]) == 4 for r in table)
    assert notice and str(notice[0][0]).startswith("公示期") and all(len([v for v in r if v]) == 1 for r in notice)


def test_diagnosis_screenshot(app_server, page):
    base, env = app_server
    rid = _store(env, """
        from services import round_inputs, round_lifecycle, round_solve
        from services.solve_params import default_params
        from tests.fixtures_app import demo_user
        admin = demo_user("admin")
        con = round_inputs.current_inputs()["constraints"].copy()
        row = con.index[con["type"] == "college_quota"][0]
        con.loc[row, "min"] = 25      # with every priority class covered, this cannot hold
        rid = round_lifecycle.create_round(admin, "演示：名额无法满足", "initial", default_params(), constraints=con)
        print(rid, round_solve.solve_round(admin, rid).status)
    """)
    rid, status = rid.split()
    assert status == "infeasible"
    login(page, base, "admin")
    _open_rounds(page)
    page.get_by_test_id("stSelectbox").filter(has_text="查看轮次").click()
    page.get_by_role("option", name=f"#{rid} 演示：名额无法满足").click()
    page.get_by_text("按本轮的规则没有可行分配").wait_for()
    page.get_by_text("学院名额：体育教育学院至少25名干部").first.wait_for()
    page.get_by_text("重点关注班级必须有班主任（参数“重点关注班级”）").first.wait_for()
    _shoot(page, "rounds-diagnosis.png", 1900)
    # each link opens that rule: the constraint row in the round's rule editor, or the parameter
    page.get_by_role("button", name="修改").first.click()
    page.get_by_text("诊断指向规则第").wait_for()
    page.get_by_role("button", name="修改").nth(1).click()
    page.get_by_text("诊断指向参数").wait_for()
