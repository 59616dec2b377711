"""HTTP routes beside the Streamlit app (mounted by server.py through st.App).

- GET  /auth/login   the login page (plain HTML, see web/login_page.py)
- POST /auth/login   checks the password, opens a server-side session, sets the session cookie
                     (HttpOnly, SameSite=Lax, Secure in production) and redirects (303) to `next`
- GET  /auth/logout  ends the session on the server, deletes the cookie, shows the login page
- GET  /auth/favicon.png

Cookies can only be set on an HTTP response, never from a Streamlit script run; that is why
login happens here and the Streamlit script only *reads* the cookie (st.context.cookies).
A POST is accepted only when its Origin (or Referer) is this host (login CSRF).
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from pathlib import Path
from urllib.parse import urlparse

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from services import auth as sa
from web import login_page

STATIC = Path(__file__).resolve().parent.parent / "static"


class AddressThrottle:
    """Failed logins per client address in this process (a browser stays on one process behind
    nginx's ip_hash): past `YIXIAN_LOGIN_IP_FAILURES` (default 50) failures within the lockout
    window the address gets 429 without a password check. Guards against trying one password on
    many accounts, which the per-account lockout does not see."""

    def __init__(self):
        self._fails: dict[str, deque] = {}
        self._lock = threading.Lock()

    @staticmethod
    def limits() -> tuple[int, float]:
        from store.auth import LoginPolicy

        limit = int(os.environ.get("YIXIAN_LOGIN_IP_FAILURES", "50") or 50)
        return limit, LoginPolicy.from_env().lock_minutes * 60

    def blocked(self, address: str, now: float | None = None) -> bool:
        limit, window = self.limits()
        now = time.monotonic() if now is None else now
        with self._lock:
            q = self._fails.get(address)
            while q and q[0] <= now - window:
                q.popleft()
            return bool(q) and len(q) >= limit

    def failed(self, address: str, now: float | None = None) -> bool:
        """Count one failure; True when this one reached the limit."""
        limit, _ = self.limits()
        with self._lock:
            q = self._fails.setdefault(address, deque())
            q.append(time.monotonic() if now is None else now)
            if len(self._fails) > 10_000:          # bounded memory under a spread-out attack
                self._fails.pop(next(iter(self._fails)))
            return len(q) == limit


THROTTLE = AddressThrottle()


def safe_next(value: str | None) -> str:
    """Only a path on this site (no scheme, no host, no `//`, not back into /auth/)."""
    v = (value or "").strip()
    if not v.startswith("/") or v.startswith("//") or "\\" in v or any(ord(c) < 32 for c in v):
        return "/"
    if v.startswith(("/auth/", "/_stcore")):
        return "/"
    return v[:500]


def _lang(request: Request, form: dict | None = None) -> str:
    v = (form or {}).get("lang") or request.query_params.get("lang") or ""
    return "en" if v == "en" else "zh"


def sso_kinds() -> tuple[str, ...]:
    kinds = []
    if os.environ.get("YIXIAN_CAS_URL", "").strip():
        kinds.append("cas")
    if os.environ.get("YIXIAN_OIDC_ISSUER", "").strip():
        kinds.append("oidc")
    return tuple(kinds)


def page(lang: str, next_path: str, status: int = 200, **kw) -> HTMLResponse:
    return HTMLResponse(login_page.render(lang, next_path, sso=sso_kinds(), **kw), status_code=status,
                        headers={"Cache-Control": "no-store"})


def client_of(request: Request) -> str:
    return request.client.host if request.client else ""


def same_origin(request: Request) -> bool:
    source = request.headers.get("origin") or request.headers.get("referer") or ""
    host = request.headers.get("host", "")
    return bool(source) and urlparse(source).netloc == host


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(sa.COOKIE_NAME, sa.sign(token), max_age=sa.cookie_max_age(), path="/",
                        httponly=True, samesite="lax", secure=sa.cookie_secure())


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(sa.COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=sa.cookie_secure())


async def login_get(request: Request) -> Response:
    note = login_page.t("ended", _lang(request)) if request.query_params.get("ended") else ""
    sso_failed = login_page.t("sso_failed", _lang(request)) if request.query_params.get("sso") == "failed" else ""
    return page(_lang(request), safe_next(request.query_params.get("next")), note=note, message=sso_failed)


async def login_post(request: Request) -> Response:
    form = dict(await request.form())
    lang, next_path = _lang(request, form), safe_next(form.get("next"))
    username = str(form.get("username", ""))[:64]
    if not same_origin(request):
        return page(lang, next_path, 403, username=username, message=login_page.t("forbidden", lang))
    from store.auth import Busy, LoginPolicy

    address = client_of(request)
    if THROTTLE.blocked(address):
        return page(lang, next_path, 429, username=username, message=login_page.t("throttled", lang))
    try:
        started = await run_in_threadpool(sa.start_session, username, str(form.get("password", "")),
                                          client_of(request))
    except Busy:
        return page(lang, next_path, 503, username=username, message=login_page.t("busy", lang))
    if started is None:
        if THROTTLE.failed(address):
            await run_in_threadpool(sa.security_event, "login_throttled", address,
                                    f"{THROTTLE.limits()[0]} failed logins from one address", address)
        p = LoginPolicy.from_env()
        msg = login_page.t("failed", lang, n=p.max_failures, m=f"{p.lock_minutes:g}")
        return page(lang, next_path, 401, username=username, message=msg)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, started.token)
    return response


async def logout_get(request: Request) -> Response:
    token = sa.unsign(request.cookies.get(sa.COOKIE_NAME))
    if token:
        await run_in_threadpool(sa.logout, token)
    response = RedirectResponse(f"/auth/login?ended=1&lang={_lang(request)}", status_code=303)
    clear_session_cookie(response)
    return response


async def favicon(request: Request) -> Response:
    return FileResponse(STATIC / "favicon.png", media_type="image/png",
                        headers={"Cache-Control": "public, max-age=86400"})


def routes() -> list[Route]:
    from web import sso

    return [
        Route("/auth/login", login_get, methods=["GET"]),
        Route("/auth/login", login_post, methods=["POST"]),
        Route("/auth/logout", logout_get, methods=["GET"]),
        Route("/auth/favicon.png", favicon, methods=["GET"]),
        *sso.routes(),
    ]
