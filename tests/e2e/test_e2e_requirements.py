"""The 工作要求 page in a real browser: the admin opens it from the navigation, sees the rules in
force per level and the forms (its screenshots, in both languages: test_e2e_screenshots.py)."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_admin_opens_the_requirements_page(app_server, page):
    base, _ = app_server
    login(page, base, "admin")
    page.get_by_test_id("stSidebarNav").get_by_text("工作要求", exact=True).click()
    page.get_by_role("heading", name="工作要求").first.wait_for()
    page.get_by_text("新增版本（自生效日期起适用，之前的周期不变）").wait_for()
    page.get_by_text("等次与计数").wait_for()
    page.get_by_test_id("stDataFrame").first.wait_for()
    assert page.get_by_text("保存新版本").count() >= 1
