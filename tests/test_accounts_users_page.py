"""Users page (AppTest) and services.users: only an active admin, every change audit-logged."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures_app import demo_user

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "users.py")


def _page(as_role, role="admin") -> AppTest:
    return as_role(AppTest.from_file(PAGE, default_timeout=120), role).run()


def _audit(username):
    from services.db import session_scope
    from store import audit

    with session_scope() as s:
        return list(audit.audit_rows(s, entity="user", entity_id=username).action)


def test_admin_sees_searches_and_edits_accounts(demo_db, as_role):
    at = _page(as_role)
    assert not at.exception
    assert sorted(at.dataframe[0].value.username) == ["admin", "cadre", "college", "leader", "planner"]
    at.text_input(key="users_search").input("lead").run()
    assert list(at.dataframe[0].value.username) == ["leader"]
    at.selectbox(key="users_role").set_value("planner")
    at.text_input(key="users_sso").input("T2001")
    at.button(key="FormSubmitter:users_edit-保存").click().run()
    assert not at.exception and [s.value for s in at.success] == ["账号 leader 已更新。"]
    row = at.dataframe[0].value.iloc[0]
    assert (row.role, row.sso_id) == ("规划人员", "T2001")
    assert _audit("leader")[0] == "update"


def test_admin_resets_deactivates_and_unlocks(demo_db, as_role):
    at = _page(as_role)
    at.text_input(key="users_search").input("planner").run()
    at.button(key="users_reset").click().run()
    assert [s.value for s in at.success] == ["账号 planner 的密码已重置。"]
    one_time = at.text[-1].value.split(": ")[1]
    assert len(at.get("download_button")) == 1
    from services.auth import login
    assert login("planner", one_time).must_change_password is True
    at.button(key="users_active").click().run()
    assert [s.value for s in at.success] == ["账号 planner 已停用。"]
    assert login("planner", one_time) is None
    at.button(key="users_unlock").click().run()
    assert {"reset_password", "set_active", "unlock"} <= set(_audit("planner"))
    shown = at.dataframe[1].value                                   # the account's audit log on the page
    assert {"reset_password", "set_active", "unlock", "login_failed"} <= set(shown.action)


def test_create_account_with_rules_and_bulk_provisioning(demo_db, as_role):
    at = _page(as_role)
    at.text_input(key="new_username").input("newleader")
    at.text_input(key="new_display").input("新领导")
    at.selectbox(key="new_role").set_value("leader")
    at.text_input(key="new_password").input("newleader")
    at.button(key="FormSubmitter:users_create-创建账号").click().run()
    assert any("密码不符合要求" in e.value for e in at.error)
    at.text_input(key="new_username").input("newleader")
    at.text_input(key="new_display").input("新领导")
    at.selectbox(key="new_role").set_value("leader")
    at.text_input(key="new_password").input("a-fine-initial-pw")
    at.button(key="FormSubmitter:users_create-创建账号").click().run()
    assert [s.value for s in at.success] == ["账号 newleader 已创建。"]
    at.button(key="prov_colleges").click().run()
    assert not at.exception
    assert any("个账号的初始密码" in i.value for i in at.info)
    from openpyxl import load_workbook

    from services.users import credentials_xlsx
    made = at.session_state["users_credentials"]
    ws = load_workbook(io.BytesIO(credentials_xlsx(made))).active
    assert ws.max_row == len(made) + 1 and all(m["role"] == "college" for m in made)


@pytest.mark.parametrize("role", ["leader", "planner", "college", "cadre"])
def test_other_roles_are_refused_by_page_and_service(demo_db, as_role, role):
    at = _page(as_role, role)
    assert [e.value for e in at.error] == ["您的角色无权访问此页面。"] and len(at.dataframe) == 0
    from services import users as us
    from services.access import AccessDenied
    actor = demo_user(role)
    calls = [lambda: us.users(actor), lambda: us.reset_password(actor, "admin"),
             lambda: us.set_account_active(actor, "admin", False), lambda: us.unlock(actor, "admin"),
             lambda: us.update(actor, role, role="admin"), lambda: us.provision_cadres(actor),
             lambda: us.provision_colleges(actor), lambda: us.options(actor),
             lambda: us.create(actor, "x-user", "a-fine-initial-pw", "admin", "X")]
    for call in calls:
        with pytest.raises(AccessDenied):
            call()
    from services.auth import login
    assert login("admin", "yixian-admin") is not None


def test_a_stale_admin_object_is_refused_once_the_account_changed(demo_db):
    from services import users as us
    from services.access import AccessDenied
    from services.db import session_scope
    from store import accounts

    admin = demo_user("admin")
    with session_scope() as s:
        accounts.update_user(s, "admin", "test", role="leader")
    with pytest.raises(AccessDenied):
        us.users(admin)
