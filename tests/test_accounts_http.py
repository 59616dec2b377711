"""HTTP side: login page, session cookie, deep links, lockout through the form, headers, logout.

The routes and middleware of server.py are mounted on a bare Starlette app whose catch-all stands
in for Streamlit's index page, and driven with Starlette's TestClient.
"""
from __future__ import annotations

import warnings

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from services import auth as sa
from web.middleware import YixianMiddleware
from web.routes import routes, safe_next

ORIGIN = {"origin": "http://testserver"}


def _client():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    async def index(request):
        return PlainTextResponse("APP " + request.url.path)

    app = Starlette(routes=[*routes(), Route("/{path:path}", index)], middleware=[Middleware(YixianMiddleware)])
    return TestClient(app, follow_redirects=False)


def _login(c, username, password, next_path="/", headers=ORIGIN):
    return c.post("/auth/login", data={"username": username, "password": password, "next": next_path},
                  headers=headers)


def test_deep_link_goes_to_login_and_lands_on_the_page_asked_for(demo_db):
    c = _client()
    r = c.get("/coverage?college=x")
    assert r.status_code == 303 and r.headers["location"] == "/auth/login?next=/coverage%3Fcollege%3Dx"
    page = c.get(r.headers["location"])
    assert page.status_code == 200 and 'name="next" value="/coverage?college=x"' in page.text
    assert "用户名" in page.text and "密码" in page.text and "https://" not in page.text
    r = _login(c, "leader", "yixian-leader", "/coverage?college=x")
    assert r.status_code == 303 and r.headers["location"] == "/coverage?college=x"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{sa.COOKIE_NAME}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie and "Max-Age=43200" in cookie
    assert c.get("/coverage").text == "APP /coverage"     # the cookie now opens the app


def test_unknown_user_and_wrong_password_get_the_same_answer(demo_db):
    c = _client()
    wrong, unknown = _login(c, "admin", "not-the-password"), _login(c, "nobody", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda t: t.replace('value="admin"', "").replace('value="nobody"', "")
    assert strip(wrong.text) == strip(unknown.text)
    assert "连续 5 次错误后账号将被锁定 15 分钟" in wrong.text


def test_five_failures_through_the_form_lock_the_account(demo_db):
    from services.db import session_scope
    from store import accounts, audit

    c = _client()
    for i in range(5):
        assert _login(c, "planner", f"guess-{i}").status_code == 401
    assert _login(c, "planner", "yixian-planner").status_code == 401       # locked: right password refused
    with session_scope() as s:
        assert "lockout" in set(audit.audit_rows(s, entity_id="planner").action)
        accounts.unlock(s, "planner", "admin")
    assert _login(c, "planner", "yixian-planner").status_code == 303


def test_post_from_another_origin_is_refused(demo_db):
    c = _client()
    r = _login(c, "admin", "yixian-admin", headers={"origin": "http://evil.example"})
    assert r.status_code == 403 and "set-cookie" not in r.headers
    assert _login(c, "admin", "yixian-admin", headers={}).status_code == 403


@pytest.mark.parametrize("bad", ["https://evil.example/", "//evil.example", "/\\evil", "/auth/logout", "coverage", ""])
def test_next_is_only_a_path_on_this_site(bad):
    assert safe_next(bad) == "/"
    assert safe_next("/rounds?x=1") == "/rounds?x=1"


def test_forged_cookie_expired_session_and_logout(demo_db):
    c = _client()
    c.cookies.set(sa.COOKIE_NAME, "forged.token")
    r = c.get("/")
    assert r.status_code == 303 and r.headers["location"] == "/auth/login?next=/"
    assert f'{sa.COOKIE_NAME}=""' in r.headers["set-cookie"]        # the bad cookie is deleted
    c.cookies.clear()
    r = _login(c, "cadre", "yixian-cadre")
    token = sa.unsign(r.cookies[sa.COOKIE_NAME])
    c.cookies.set(sa.COOKIE_NAME, r.cookies[sa.COOKIE_NAME])
    assert sa.resume(token).username == "cadre" and c.get("/ledger").status_code == 200
    out = c.get("/auth/logout")
    assert out.status_code == 303 and out.headers["location"].startswith("/auth/login?ended=1")
    assert sa.resume(token) is None                                  # ended on the server
    assert "您已退出登录" in c.get(out.headers["location"]).text


def test_unknown_paths_go_home_assets_pass_and_headers_are_set(demo_db):
    c = _client()
    r = c.get("/no-such-page")
    assert r.status_code == 303 and r.headers["location"] == "/"
    for path in ("/home", "/pages/data"):
        assert c.get(path).headers["location"] == "/"
    asset = c.get("/static/js/index.js")
    assert asset.text == "APP /static/js/index.js"
    for resp in (r, asset, c.get("/auth/login")):
        assert resp.headers["x-frame-options"] == "DENY"
        assert resp.headers["content-security-policy"] == "frame-ancestors 'none'"
    assert c.get("/auth/favicon.png").headers["content-type"] == "image/png"
    assert c.get("/media/abc123.xlsx").status_code == 401                 # downloads need a session
    r = _login(c, "admin", "yixian-admin")
    c.cookies.set(sa.COOKIE_NAME, r.cookies[sa.COOKIE_NAME])
    assert c.get("/media/abc123.xlsx").text == "APP /media/abc123.xlsx"


def test_production_cookie_is_secure_and_demo_passwords_are_refused(demo_db, monkeypatch):
    monkeypatch.setenv("YIXIAN_ENV", "production")
    c = _client()
    assert _login(c, "admin", "yixian-admin").status_code == 401
    from services.db import session_scope
    from store.auth import set_password
    with session_scope() as s:
        set_password(s, "admin", "a-real-admin-secret", "test")
    r = _login(c, "admin", "a-real-admin-secret")
    assert r.status_code == 303 and "Secure" in r.headers["set-cookie"]


def test_session_settings_from_environment(demo_db, monkeypatch):
    monkeypatch.setenv("YIXIAN_SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("YIXIAN_SESSION_MAX_HOURS", "1")
    from store.sessions import SessionPolicy
    p = SessionPolicy.from_env()
    assert (p.idle.total_seconds(), p.absolute.total_seconds()) == (300, 3600)
    r = _login(_client(), "leader", "yixian-leader")
    assert "Max-Age=3600" in r.headers["set-cookie"]


def test_many_failures_from_one_address_are_throttled(demo_db, monkeypatch):
    """One password tried on many accounts: no account locks, the address does."""
    from services.db import session_scope
    from store import audit
    from web import routes

    monkeypatch.setenv("YIXIAN_LOGIN_IP_FAILURES", "4")
    monkeypatch.setattr(routes, "THROTTLE", routes.AddressThrottle())
    c = _client()
    for name in ("admin", "leader", "planner", "college"):
        assert _login(c, name, "Spring-2026!").status_code == 401
    blocked = _login(c, "cadre", "yixian-cadre")
    assert blocked.status_code == 429 and "set-cookie" not in blocked.headers
    assert "此地址登录失败次数过多" in blocked.text
    with session_scope() as s:
        rows = audit.audit_rows(s, entity="security")
    assert list(rows.action) == ["login_throttled"] and rows.iloc[0].entity_id == "testclient"
    assert routes.THROTTLE.blocked("testclient", now=10**9) is False       # the window passes


def test_login_page_preloads_the_apps_start_up_files(demo_db):
    """Issue 17 (login → home): while the user types, the browser fetches the files Streamlit's own
    index.html loads first (same URLs and CORS mode, so the app finds them in the cache), and they exist."""
    import re
    from pathlib import Path

    import streamlit

    page = _client().get("/auth/login").text
    static = Path(streamlit.__file__).parent / "static"
    index = (static / "index.html").read_text(encoding="utf-8")
    entry = re.search(r'<script type="module" crossorigin src="\./(static/js/[^"]+)"', index).group(1)
    assert f'<link rel="modulepreload" crossorigin href="/{entry}">' in page
    preloaded = re.findall(r'<link rel="(?:modulepreload|preload)"[^>]* href="/([^"]+)"', page)
    assert len(preloaded) > 10 and all((static / p).is_file() for p in preloaded), preloaded
    assert "<script" not in page                     # still no script on the login page
