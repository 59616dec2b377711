"""HTTP middleware in front of Streamlit (server.py):

- security headers on every response (no framing: X-Frame-Options DENY and CSP frame-ancestors);
- a page load (GET of an app path) without a valid session cookie is redirected to the login
  page with `next` = the path asked for, so a deep link lands on its page after login;
- a page load of a path that is no page of the app is redirected to `/`, so Streamlit's
  "page not found" dialog never shows.
- /media/… (Streamlit's downloads and images) answers only with a valid session cookie.
Assets, Streamlit's own endpoints (/_stcore/…, /static/…) and /auth/… pass through;
the websocket is not HTTP and is guarded by the script itself (ui/auth.py).
"""
from __future__ import annotations

from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from services import auth as sa

SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
PASS_PREFIXES = ("/_stcore/", "/static/", "/media/", "/component/", "/auth/", "/app/static/", "/~/")


def page_paths() -> set[str]:
    """First path segments that are pages of the app ("" is the default page)."""
    from ui.nav import page_url_paths

    return {"", *page_url_paths()}


def is_page_load(request: Request) -> bool:
    path = request.url.path
    if request.method != "GET" or path.startswith(PASS_PREFIXES):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return "." not in last          # favicon.png, manifest.json, robots.txt … are assets


class YixianMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next) -> Response:
        if is_page_load(request):
            response = await self._page_gate(request)
            if response is not None:
                return _secure(response)
        elif request.url.path.startswith("/media/") and await _user(request) is None:
            # downloads and images (e.g. the one-time passwords workbook) only with a session
            return _secure(Response("login required", status_code=401, media_type="text/plain"))
        return _secure(await call_next(request))

    async def _page_gate(self, request: Request) -> Response | None:
        segment = request.url.path.strip("/").split("/", 1)[0]
        if segment not in page_paths():
            return RedirectResponse("/", status_code=303)
        cookie = request.cookies.get(sa.COOKIE_NAME)
        if await _user(request) is not None:
            return None
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = RedirectResponse(f"/auth/login?next={quote(target, safe='/')}", status_code=303)
        if cookie:
            from web.routes import clear_session_cookie

            clear_session_cookie(response)
        return response


async def _user(request: Request):
    token = sa.unsign(request.cookies.get(sa.COOKIE_NAME))
    return await run_in_threadpool(sa.resume, token) if token else None


def _secure(response: Response) -> Response:
    for k, v in SECURITY_HEADERS.items():
        response.headers.setdefault(k, v)
    return response
