"""Real browser: the coverage page refreshes itself — a ledger entry stored through the services (as
the ledger page or an import would) shows in the KPIs without a reload. Also saves the screenshots
docs/screenshots/coverage-*.png."""
from __future__ import annotations

import pandas as pd
import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

from tests.e2e.conftest import SHOTS


def _use_app_db(app_server, monkeypatch):
    """Point this test process's services at the running app's database."""
    from services.db import reset_engines

    _, env = app_server
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("YIXIAN_DB_PATH", env["YIXIAN_DB_PATH"])
    reset_engines()


def _open_coverage(page, base: str, username: str):
    login(page, base, username)
    page.get_by_test_id("stSidebarNav").get_by_text("覆盖与合规", exact=True).click()
    page.get_by_test_id("stMetric").filter(has_text="本周面对面达标率").wait_for()
    page.locator(".vega-embed").first.wait_for()


def _shot(page, name: str, height: int = 2600) -> None:
    """Streamlit scrolls inside its own container, so a tall viewport is what shows the whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(2000)          # let every chart finish drawing at the new size
    page.screenshot(path=str(SHOTS / name))
    page.set_viewport_size(size)


def _kpi(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_ledger_write_shows_in_kpis_without_reload(app_server, page, monkeypatch):
    from playwright.sync_api import expect

    from services import compliance_view as cv
    from services import ledger
    from store.auth import UserInfo

    base, _ = app_server
    _use_app_db(app_server, monkeypatch)
    inputs = cv.load_inputs()
    AS_OF = DAY = cv.default_as_of(inputs)        # the app's default: today clamped into the demo calendar
    comp = cv.compute(inputs, AS_OF)
    st = comp.ev.status
    day = pd.Timestamp(AS_OF)
    this_week = (st["rule"] == "face_to_face") & (st["period_start"] <= day) & (st["period_end"] >= day)
    week = st.loc[this_week & (st["status"] == "pending")]
    cc = comp.cadre_college.set_index("cadre_id")["college"]
    cadre = next(c for c in week["cadre_id"] if (cc.index == c).sum() == 1)
    college = cc[cadre]

    _open_coverage(page, base, "leader")
    _shot(page, "coverage-leader.png")

    _choose(page, "学院", college)        # a filter change (reruns the page)
    expect(page.get_by_text(f"截至 {AS_OF}，视图内")).to_be_visible()
    kpi = _kpi(page, "本周面对面达标率")
    expect(page.get_by_role("combobox", name="学院", exact=True)).to_have_value(college)
    # the KPI of the filtered view, as the services compute it: wait until the page shows exactly that
    from services import coverage
    leader = UserInfo(id=0, username="leader", display_name="leader", role="leader", college=None, cadre_id=None)
    want = next(k for k in coverage.view(leader, comp, coverage.Filters(AS_OF, college=college)).kpis
                if k.key == "f2f")
    expect(kpi).to_have_text(want.text, timeout=45_000)
    before = kpi.inner_text()
    url = page.url

    admin = UserInfo(id=0, username="e2e", display_name="e2e", role="admin", college=None, cadre_id=None)
    chk = ledger.check_activity(admin, {"cadre_id": cadre, "date": DAY, "type": "face_to_face", "venue": "食堂",
                                        "students": 6, "summary": "e2e：食堂与学生交流"})
    assert chk.ok, chk.problems_zh
    ledger.record_activity(admin, chk)

    # no reload, no click: the page's timed refresh picks the new store version up
    expect(kpi).not_to_have_text(before, timeout=45_000)
    after = kpi.inner_text()
    assert float(after.rstrip("%")) > float(before.rstrip("%"))
    assert page.url == url
    _shot(page, "coverage-college-filter.png")


def test_college_user_page_screenshot(app_server, page):
    base, _ = app_server
    _open_coverage(page, base, "college")
    assert page.get_by_role("combobox", name="学院", exact=True).is_disabled()
    page.get_by_role("tab", name="干部明细").click()
    page.get_by_test_id("stDataFrame").first.wait_for()
    _shot(page, "coverage-college-user.png", height=1400)
