"""用户管理 / Users (admin): list and search accounts, create, edit role and scope, deactivate,
reset password, unlock; provision accounts from the rosters and download the one-time passwords."""
from __future__ import annotations

import streamlit as st

from common.vocabulary import ROLES
from ui.auth import guard, role_label
from ui.i18n import tr

user = guard("admin")

from common.errors import YixianError
from services import users as users_service
from ui.downloads import XLSX, audited_download, file_name
from ui.feedback import show_error

ROLE_CODES = tuple(ROLES)
CREDS_KEY = "users_credentials"


NOTICE_KEY = "users_notice"


def _do(action, done_zh: str, done_en: str, keep=None) -> None:
    """Run a service call: on error show its bilingual message; on success keep what `keep` wants
    of the result (one-time passwords), note the success and redraw everything from the store."""
    try:
        result = action()
    except YixianError as exc:
        show_error(exc)
        return
    if keep is not None:
        st.session_state[CREDS_KEY] = keep(result)
    st.session_state[NOTICE_KEY] = tr(done_zh, done_en)
    st.rerun()


def _table(search: str):
    df = users_service.users(user, search)
    shown = df.assign(role=df.role.map(role_label))
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "username": tr("用户名", "Username"), "display_name": tr("姓名", "Name"), "role": tr("角色", "Role"),
        "college": tr("学院", "College"), "cadre_id": tr("关联工号", "Cadre id"),
        "sso_id": tr("统一身份号", "Campus id"), "active": tr("启用", "Active"),
        "must_change_password": tr("须改密码", "Must change"), "locked_until": tr("锁定至", "Locked until"),
        "failed_logins": tr("失败次数", "Failures"), "last_login_at": tr("最近登录", "Last login"),
        "sessions": tr("在线会话", "Sessions")})
    return df


def _edit(df, colleges, cadres):
    names = list(df.username)
    if not names:
        return
    name = st.selectbox(tr("选择账号", "Account"), names, key="users_pick")
    row = df[df.username == name].iloc[0]
    cadre_labels = {c: f"{c} {n}" for c, n in cadres}
    with st.form("users_edit"):
        role = st.selectbox(tr("角色", "Role"), ROLE_CODES, index=ROLE_CODES.index(row.role), key="users_role",
                            format_func=role_label)
        college = st.selectbox(tr("学院范围（院系账号）", "College scope (college accounts)"), ["", *colleges],
                               index=([""] + colleges).index(row.college) if row.college in colleges else 0,
                               key="users_college")
        ids = ["", *cadre_labels]
        cadre = st.selectbox(tr("关联干部（干部账号）", "Linked cadre (cadre accounts)"), ids,
                             index=ids.index(row.cadre_id) if row.cadre_id in ids else 0, key="users_cadre",
                             format_func=lambda c: cadre_labels.get(c, "—"))
        sso = st.text_input(tr("统一身份认证号（可空）", "Campus id for single sign-on (optional)"),
                            value=row.sso_id, key="users_sso")
        if st.form_submit_button(tr("保存", "Save"), type="primary"):
            _do(lambda: users_service.update(user, name, role=role, college=college, cadre_id=cadre, sso_id=sso),
                f"账号 {name} 已更新。", f"Account {name} updated.")
    c1, c2, c3 = st.columns(3)
    if c1.button(tr("停用", "Deactivate") if row.active else tr("启用", "Activate"), key="users_active"):
        _do(lambda: users_service.set_account_active(user, name, not row.active),
            f"账号 {name} 已{'停用' if row.active else '启用'}。",
            f"Account {name} {'deactivated' if row.active else 'activated'}.")
    if c2.button(tr("重置密码", "Reset password"), key="users_reset"):
        _do(lambda: users_service.reset_password(user, name), f"账号 {name} 的密码已重置。",
            f"Password of {name} reset.", keep=lambda pw: [{"username": name, "display_name": row.display_name,
                                                            "role": row.role, "unit": row.college, "password": pw}])
    if c3.button(tr("解锁", "Unlock"), key="users_unlock"):
        _do(lambda: users_service.unlock(user, name), f"账号 {name} 已解锁。", f"Account {name} unlocked.")
    with st.expander(tr("该账号的审计记录", "Audit log of this account")):
        log = users_service.history(user, name)
        st.dataframe(log[["at", "actor", "action", "after"]].astype({"after": str}), hide_index=True,
                     width="stretch", column_config={"at": tr("时间", "Time"), "actor": tr("操作人", "By"),
                                                     "action": tr("操作", "Action"), "after": tr("内容", "Details")})


def _create(colleges, cadres):
    with st.form("users_create", clear_on_submit=True):
        c1, c2 = st.columns(2)
        username = c1.text_input(tr("用户名", "Username"), key="new_username")
        display = c2.text_input(tr("姓名", "Name"), key="new_display")
        role = c1.selectbox(tr("角色", "Role"), ROLE_CODES, key="new_role", format_func=role_label)
        password = c2.text_input(tr("初始密码（首次登录须修改）", "Initial password (changed at first login)"),
                                 type="password", key="new_password")
        college = c1.selectbox(tr("学院", "College"), ["", *colleges], key="new_college")
        cadre = c2.selectbox(tr("关联工号", "Cadre id"), ["", *[c for c, _ in cadres]], key="new_cadre")
        if st.form_submit_button(tr("创建账号", "Create account"), type="primary"):
            _do(lambda: users_service.create(user, username, password, role, display, college or None,
                                             cadre or None),
                f"账号 {username.strip()} 已创建。", f"Account {username.strip()} created.")


def _provision():
    st.caption(tr("为名册中尚无账号的干部（用户名 = 工号）或学院开通账号；初始密码只在此显示一次，首次登录须修改。",
                  "Accounts for roster cadres (username = staff id) or colleges that have none; the one-time "
                  "passwords are shown only here, once, and must be changed at the first login."))
    c1, c2 = st.columns(2)
    if c1.button(tr("为全部干部开通", "Provision every cadre"), key="prov_cadres"):
        with st.spinner(tr("正在开通…", "Provisioning…")):
            _do(lambda: users_service.provision_cadres(user), "已开通干部账号。", "Cadre accounts provisioned.",
                keep=list)
    prefix = c2.text_input(tr("学院账号用户名前缀", "College username prefix"), value="college", key="prov_prefix")
    if c2.button(tr("为每个学院开通", "Provision every college"), key="prov_colleges"):
        _do(lambda: users_service.provision_colleges(user, prefix), "已开通学院账号。",
            "College accounts provisioned.", keep=list)


def _credentials():
    made = st.session_state.get(CREDS_KEY)
    if made is None:
        return
    st.info(tr(f"{len(made)} 个账号的初始密码（仅此一次，请下载后妥善分发）。",
               f"One-time passwords of {len(made)} account(s) (shown once: download and hand out safely)."))
    if len(made) == 1:
        st.text(f"{made[0]['username']}: {made[0]['password']}")
    if made:
        audited_download(tr("下载初始密码（Excel）", "Download one-time passwords (Excel)"),
                         users_service.credentials_xlsx(made), user=user, kind="initial_passwords", rows=len(made),
                         file_name=file_name("初始密码", "initial-passwords"), mime=XLSX, key="creds_download",
                         icon=":material/download:")
    if st.button(tr("清除显示", "Forget them"), key="creds_clear"):
        st.session_state.pop(CREDS_KEY, None)
        st.rerun()


st.title(tr("用户管理", "Users"))
if NOTICE_KEY in st.session_state:
    st.success(st.session_state.pop(NOTICE_KEY))
search = st.text_input(tr("搜索（用户名、姓名、学院、工号）", "Search (username, name, college, staff id)"),
                       key="users_search")
frame = _table(search)
colleges, cadres = users_service.options(user)
_credentials()
tab_edit, tab_new, tab_bulk = st.tabs([tr("修改账号", "Edit account"), tr("新建账号", "New account"),
                                       tr("批量开通", "Provision")])
with tab_edit:
    _edit(frame, colleges, cadres)
with tab_new:
    _create(colleges, cadres)
with tab_bulk:
    _provision()
