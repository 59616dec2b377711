"""Real browser: the users page provisions accounts and exports one-time passwords; a provisioned
user must change the password first; a deactivation ends the user's open tab on the next click."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e


def test_provision_colleges_download_passwords_and_first_login(app_server, page, browser):
    from openpyxl import load_workbook

    base, _ = app_server
    login(page, base, "admin")
    page.goto(f"{base}/users")
    page.get_by_role("tab", name="批量开通").click()
    page.get_by_role("button", name="为每个学院开通").click()
    page.get_by_text("已开通学院账号。").wait_for(timeout=120_000)
    with page.expect_download() as dl:
        page.get_by_role("button", name="下载初始密码（Excel）").click()
    ws = load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes())).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert rows and all(r[2] == "college" and len(r[4]) == 14 for r in rows)
    username, college, password = rows[0][0], rows[0][1], rows[0][4]

    ctx = browser.new_context(locale="zh-CN")
    user_page = ctx.new_page()
    user_page.goto(f"{base}/coverage")
    user_page.get_by_label("用户名").fill(username)
    user_page.get_by_label("密码").fill(password)
    user_page.get_by_role("button", name="登录").click()
    user_page.get_by_text("这是初始密码或已被重置的密码").wait_for(timeout=60_000)   # forced to My account
    user_page.get_by_label("当前密码").fill(password)
    user_page.get_by_label("新密码", exact=True).fill("college-own-secret-1")
    user_page.get_by_label("再次输入新密码").fill("college-own-secret-1")
    user_page.get_by_role("button", name="修改密码").click()
    user_page.get_by_text("密码已修改。").wait_for(timeout=60_000)
    user_page.get_by_test_id("stSidebarNav").get_by_text("覆盖与合规").click()
    user_page.get_by_text("班级覆盖率").first.wait_for(timeout=60_000)
    assert user_page.get_by_text(college).count() >= 1

    # the admin deactivates the account; the user's next click lands on the login page
    page.get_by_role("tab", name="修改账号").click()
    page.get_by_label("搜索（用户名、姓名、学院、工号）").fill(username)
    page.get_by_label("搜索（用户名、姓名、学院、工号）").press("Enter")
    page.get_by_role("button", name="停用").wait_for()
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="停用").click()
    page.get_by_text(f"账号 {username} 已停用。").wait_for(timeout=60_000)
    user_page.get_by_text("English", exact=True).click()
    user_page.get_by_label("用户名").wait_for(timeout=60_000)
    ctx.close()
