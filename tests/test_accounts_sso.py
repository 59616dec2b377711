"""Campus single sign-on against a small fake CAS server and a fake OIDC provider on 127.0.0.1.

The campus id maps to an existing active account (its sso_id, else its username); no account,
no entry; a bad ticket, state, nonce, audience or signature is a refused login.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests

from services import auth as sa
from tests.test_accounts_http import _client


class FakeIdP:
    """CAS 2/3 and OIDC in one tiny server. `user` is who logs in next; `tamper` spoils the token."""

    def __init__(self):
        from joserfc.jwk import RSAKey

        self.user, self.tamper, self.tickets, self.codes = "T1001", None, {}, {}
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self):
        idp = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code, body=b"", ctype="text/plain", location=None):
                self.send_response(code)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                u = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(u.query).items()}
                idp.route(self, u.path, q)

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                idp.token(self, {k: v[0] for k, v in parse_qs(body).items()})

        return H

    def route(self, h, path, q):
        if path == "/cas/login":
            ticket = f"ST-{uuid.uuid4().hex}"
            self.tickets[ticket] = (q["service"], self.user)
            sep = "&" if "?" in q["service"] else "?"
            return h._send(302, location=f"{q['service']}{sep}ticket={ticket}")
        if path in ("/cas/serviceValidate", "/cas/p3/serviceValidate"):
            service, user = self.tickets.pop(q.get("ticket", ""), (None, None))
            if service is None or service != q.get("service"):
                xml = '<cas:authenticationFailure code="INVALID_TICKET">no</cas:authenticationFailure>'
            else:
                xml = (f"<cas:authenticationSuccess><cas:user>{user}</cas:user><cas:attributes>"
                       f"<cas:employeeNumber>E-{user}</cas:employeeNumber></cas:attributes>"
                       f"</cas:authenticationSuccess>")
            body = f'<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">{xml}</cas:serviceResponse>'
            return h._send(200, body.encode(), "text/xml")
        if path == "/oidc/.well-known/openid-configuration":
            meta = {"issuer": f"{self.base}/oidc", "authorization_endpoint": f"{self.base}/oidc/authorize",
                    "token_endpoint": f"{self.base}/oidc/token", "jwks_uri": f"{self.base}/oidc/jwks"}
            return h._send(200, json.dumps(meta).encode(), "application/json")
        if path == "/oidc/jwks":
            return h._send(200, json.dumps({"keys": [self.key.as_dict(private=False)]}).encode(), "application/json")
        if path == "/oidc/authorize":
            code = uuid.uuid4().hex
            self.codes[code] = (q["nonce"], self.user, q["client_id"])
            return h._send(302, location=f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}")
        return h._send(404)

    def token(self, h, form):
        from joserfc import jwt

        nonce, user, client_id = self.codes.pop(form.get("code", ""), (None, None, None))
        if nonce is None:
            return h._send(400, b'{"error": "invalid_grant"}', "application/json")
        now = int(time.time())
        claims = {"iss": f"{self.base}/oidc", "aud": client_id, "sub": f"sub-{user}", "preferred_username": user,
                  "nonce": nonce, "iat": now, "exp": now + 300}
        if self.tamper == "aud":
            claims["aud"] = "someone-else"
        if self.tamper == "nonce":
            claims["nonce"] = "replayed"
        if self.tamper == "expired":
            claims["exp"] = now - 3600
        key = self.key
        if self.tamper == "signature":
            from joserfc.jwk import RSAKey
            key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        body = {"access_token": "at", "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        return h._send(200, json.dumps(body).encode(), "application/json")


@pytest.fixture(scope="module")
def idp():
    fake = FakeIdP()
    yield fake
    fake.server.shutdown()


@pytest.fixture
def sso_env(idp, monkeypatch):
    monkeypatch.setenv("YIXIAN_CAS_URL", f"{idp.base}/cas/")
    monkeypatch.setenv("YIXIAN_OIDC_ISSUER", f"{idp.base}/oidc")
    monkeypatch.setenv("YIXIAN_OIDC_CLIENT_ID", "yixian")
    monkeypatch.setenv("YIXIAN_OIDC_CLIENT_SECRET", "s3cret")
    idp.tamper = None
    return idp


def _link(username: str, campus_id: str):
    from services.db import session_scope
    from store import accounts
    with session_scope() as s:
        accounts.update_user(s, username, "test", sso_id=campus_id)


def _cas(c, idp, campus_user, next_path="/coverage"):
    idp.user = campus_user
    r = c.get(f"/auth/cas/login?next={next_path}")
    assert r.status_code == 303 and r.headers["location"].startswith(f"{idp.base}/cas/login?service=")
    back = requests.get(r.headers["location"], allow_redirects=False, timeout=5).headers["location"]
    assert back.startswith("http://testserver/auth/cas/callback")
    return c.get(back.replace("http://testserver", ""))


def _oidc(c, idp, campus_user, next_path="/"):
    idp.user = campus_user
    r = c.get(f"/auth/oidc/login?next={next_path}")
    assert r.status_code == 303 and r.headers["location"].startswith(f"{idp.base}/oidc/authorize?")
    back = requests.get(r.headers["location"], allow_redirects=False, timeout=5).headers["location"]
    return c.get(back.replace("http://testserver", ""))


def _user(response):
    return sa.resume(sa.unsign(response.cookies.get(sa.COOKIE_NAME)))


@pytest.mark.parametrize("version", ["2", "3"])
def test_cas_maps_the_campus_id_to_an_account(demo_db, sso_env, monkeypatch, version):
    monkeypatch.setenv("YIXIAN_CAS_VERSION", version)
    _link("leader", "T1001")
    c = _client()
    assert "统一身份认证（CAS）登录" in c.get("/auth/login").text
    r = _cas(c, sso_env, "T1001")
    assert r.status_code == 303 and r.headers["location"] == "/coverage"
    assert "HttpOnly" in r.headers["set-cookie"] and _user(r).username == "leader"
    r = _cas(_client(), sso_env, "planner")              # no sso_id set: the username is the campus id
    assert _user(r).username == "planner"


def test_cas_refuses_unknown_inactive_and_bad_tickets(demo_db, sso_env):
    from services.db import session_scope
    from store import audit
    from store.auth import set_active

    c = _client()
    r = _cas(c, sso_env, "NOBODY")
    assert r.headers["location"].startswith("/auth/login?sso=failed") and "set-cookie" not in r.headers
    with session_scope() as s:
        set_active(s, "cadre", False, "test")
    assert _cas(c, sso_env, "cadre").headers["location"].startswith("/auth/login?sso=failed")
    bad = c.get("/auth/cas/callback?ticket=ST-forged&next=/")
    assert bad.headers["location"].startswith("/auth/login?sso=failed")
    assert "没有与该校园身份对应的有效账号" in c.get(bad.headers["location"]).text
    with session_scope() as s:
        refused = audit.audit_rows(s, entity="user")
        assert set(refused[refused.action == "sso_refused"].entity_id) == {"NOBODY", "cadre"}


def test_a_provisioned_account_signing_on_through_the_campus_is_not_stopped_by_the_password_change(
        demo_db, sso_env):
    from services.db import session_scope
    from store import accounts

    with session_scope() as s:
        one_time = accounts.reset_password(s, "leader", "admin")
    r = _cas(_client(), sso_env, "leader")
    assert _user(r).must_change_password is False
    assert sa.login("leader", one_time).must_change_password is True    # still due for a password login


def test_cas_attribute_can_carry_the_campus_id(demo_db, sso_env, monkeypatch):
    monkeypatch.setenv("YIXIAN_CAS_ATTRIBUTE", "employeeNumber")
    _link("college", "E-T2002")
    assert _user(_cas(_client(), sso_env, "T2002")).username == "college"


def test_oidc_maps_the_campus_id_and_checks_the_token(demo_db, sso_env):
    _link("admin", "T3003")
    c = _client()
    r = _oidc(c, sso_env, "T3003", "/users")
    assert r.status_code == 303 and r.headers["location"] == "/users" and _user(r).username == "admin"
    for tamper in ("aud", "nonce", "expired", "signature"):
        sso_env.tamper = tamper
        r = _oidc(_client(), sso_env, "T3003")
        assert r.headers["location"].startswith("/auth/login?sso=failed"), tamper
    sso_env.tamper = None
    assert _oidc(_client(), sso_env, "NOBODY").headers["location"].startswith("/auth/login?sso=failed")
    from services.db import session_scope
    from store import audit
    with session_scope() as s:
        rows = audit.audit_rows(s, entity="security")
        reasons = [r.after["reason"] for r in rows.itertuples() if r.action == "sso_failed"]
    assert len(reasons) == 4 and any("aud" in r for r in reasons) and any("nonce" in r for r in reasons)


def test_oidc_callback_without_its_state_is_refused(demo_db, sso_env):
    c = _client()
    r = c.get("/auth/oidc/login?next=/")
    back = requests.get(r.headers["location"], allow_redirects=False, timeout=5).headers["location"]
    other = _client()                                  # another browser: no flow cookie
    assert other.get(back.replace("http://testserver", "")).headers["location"].startswith("/auth/login?sso=failed")
    forged = back.replace("state=", "state=x")
    assert c.get(forged.replace("http://testserver", "")).headers["location"].startswith("/auth/login?sso=failed")


def test_sso_is_off_unless_configured(demo_db, monkeypatch):
    for v in ("YIXIAN_CAS_URL", "YIXIAN_OIDC_ISSUER"):
        monkeypatch.delenv(v, raising=False)
    c = _client()
    assert "统一身份认证" not in c.get("/auth/login").text
    assert c.get("/auth/cas/login").headers["location"].startswith("/auth/login?sso=failed")
    assert c.get("/auth/oidc/login").headers["location"].startswith("/auth/login?sso=failed")
