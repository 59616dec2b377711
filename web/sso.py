"""Campus single sign-on (optional): CAS 2.0/3.0 (python-cas) and OpenID Connect (Authlib + joserfc).

Configured by environment variables (README, "Campus single sign-on"):
- CAS:  YIXIAN_CAS_URL (server, e.g. https://cas.example.edu.cn/cas/), YIXIAN_CAS_VERSION (2 or 3,
  default 3), YIXIAN_CAS_ATTRIBUTE (an attribute holding the campus id; default: the CAS user);
- OIDC: YIXIAN_OIDC_ISSUER, YIXIAN_OIDC_CLIENT_ID, YIXIAN_OIDC_CLIENT_SECRET, YIXIAN_OIDC_CLAIM
  (default `preferred_username`, falling back to `sub`), YIXIAN_OIDC_SCOPE (default "openid profile");
- YIXIAN_PUBLIC_URL: the app's public base URL for the callback (default: from the request).
The campus id maps to an existing active account (services.auth.sso_session): no account, no entry.
The OIDC state, nonce and `next` travel in a short-lived signed HttpOnly cookie, so the callback
may reach any app process.
"""
from __future__ import annotations

import json
import os
import secrets
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from services import auth as sa
from web.routes import client_of, safe_next, set_session_cookie

FLOW_COOKIE = "yixian_sso"
FLOW_MAX_AGE = 600
TIMEOUT = 10


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def public_url(request: Request) -> str:
    return (_env("YIXIAN_PUBLIC_URL") or f"{request.url.scheme}://{request.headers.get('host', '')}").rstrip("/")


def _failed(next_path: str = "/") -> Response:
    return RedirectResponse(f"/auth/login?sso=failed&next={quote(next_path, safe='/')}", status_code=303)


def _finish(started, next_path: str) -> Response:
    if started is None:
        return _failed(next_path)
    response = RedirectResponse(next_path, status_code=303)
    set_session_cookie(response, started.token)
    response.delete_cookie(FLOW_COOKIE, path="/auth/")
    return response


# ---------------------------------------------------------------- CAS

def _cas_client(request: Request, next_path: str):
    from cas import CASClient

    service = f"{public_url(request)}/auth/cas/callback?next={quote(next_path, safe='/')}"
    return CASClient(version=int(_env("YIXIAN_CAS_VERSION", "3") or 3), service_url=service,
                     server_url=_env("YIXIAN_CAS_URL"))


async def cas_login(request: Request) -> Response:
    if not _env("YIXIAN_CAS_URL"):
        return _failed()
    next_path = safe_next(request.query_params.get("next"))
    return RedirectResponse(_cas_client(request, next_path).get_login_url(), status_code=303)


def _cas_campus_id(request: Request, next_path: str, ticket: str) -> str | None:
    user, attributes, _ = _cas_client(request, next_path).verify_ticket(ticket)
    attribute = _env("YIXIAN_CAS_ATTRIBUTE")
    if attribute:
        value = (attributes or {}).get(attribute)
        return (value[0] if isinstance(value, list) and value else value) or None
    return user


async def cas_callback(request: Request) -> Response:
    next_path = safe_next(request.query_params.get("next"))
    ticket = request.query_params.get("ticket", "")
    if not _env("YIXIAN_CAS_URL") or not ticket:
        return _failed(next_path)
    try:
        campus_id = await run_in_threadpool(_cas_campus_id, request, next_path, ticket)
        reason = "ticket refused"
    except Exception as exc:  # noqa: BLE001 - an unreachable or malformed CAS answer is a refused login
        campus_id, reason = None, f"{type(exc).__name__}: {exc}"
    if not campus_id:
        await run_in_threadpool(sa.security_event, "sso_failed", "cas", reason, client_of(request))
        return _failed(next_path)
    return _finish(await run_in_threadpool(sa.sso_session, str(campus_id), "cas", client_of(request)), next_path)


# ---------------------------------------------------------------- OIDC

def _metadata() -> dict:
    import requests

    issuer = _env("YIXIAN_OIDC_ISSUER").rstrip("/")
    r = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT)
    r.raise_for_status()
    return r.json()


def _oidc_client(request: Request):
    from authlib.integrations.requests_client import OAuth2Session

    return OAuth2Session(_env("YIXIAN_OIDC_CLIENT_ID"), _env("YIXIAN_OIDC_CLIENT_SECRET"),
                         scope=_env("YIXIAN_OIDC_SCOPE", "openid profile") or "openid profile",
                         redirect_uri=f"{public_url(request)}/auth/oidc/callback")


async def oidc_login(request: Request) -> Response:
    if not _env("YIXIAN_OIDC_ISSUER"):
        return _failed()
    next_path = safe_next(request.query_params.get("next"))
    try:
        meta = await run_in_threadpool(_metadata)
    except Exception:  # noqa: BLE001 - identity provider unreachable
        return _failed(next_path)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    url, _ = _oidc_client(request).create_authorization_url(meta["authorization_endpoint"], state=state,
                                                            nonce=nonce)
    response = RedirectResponse(url, status_code=303)
    flow = sa.sign(json.dumps({"state": state, "nonce": nonce, "next": next_path}, separators=(",", ":"))
                   .encode().hex())
    response.set_cookie(FLOW_COOKIE, flow, max_age=FLOW_MAX_AGE, path="/auth/", httponly=True, samesite="lax",
                        secure=sa.cookie_secure())
    return response


def _oidc_campus_id(request: Request, code: str, nonce: str) -> str | None:
    import requests
    from joserfc import jwt
    from joserfc.jwk import KeySet

    meta = _metadata()
    token = _oidc_client(request).fetch_token(meta["token_endpoint"], code=code, timeout=TIMEOUT)
    keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=TIMEOUT).json())
    decoded = jwt.decode(token["id_token"], keys)
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": meta.get("issuer") or _env("YIXIAN_OIDC_ISSUER")},
                          aud={"essential": True, "value": _env("YIXIAN_OIDC_CLIENT_ID")},
                          nonce={"essential": True, "value": nonce}, exp={"essential": True},
                          leeway=60).validate(decoded.claims)
    claim = _env("YIXIAN_OIDC_CLAIM", "preferred_username") or "preferred_username"
    return decoded.claims.get(claim) or decoded.claims.get("sub")


def _flow(request: Request) -> dict | None:
    raw = sa.unsign(request.cookies.get(FLOW_COOKIE))
    try:
        return json.loads(bytes.fromhex(raw).decode()) if raw else None
    except ValueError:
        return None


async def oidc_callback(request: Request) -> Response:
    flow = _flow(request)
    if flow is None or not secrets.compare_digest(str(flow.get("state", "")), request.query_params.get("state", "")):
        await run_in_threadpool(sa.security_event, "sso_failed", "oidc", "state missing or wrong", client_of(request))
        return _failed()
    next_path = safe_next(flow.get("next"))
    code = request.query_params.get("code", "")
    if not code or not _env("YIXIAN_OIDC_ISSUER"):
        return _failed(next_path)
    try:
        campus_id = await run_in_threadpool(_oidc_campus_id, request, code, flow["nonce"])
        reason = "no campus id in the token"
    except Exception as exc:  # noqa: BLE001 - a bad token, signature or answer is a refused login
        campus_id, reason = None, f"{type(exc).__name__}: {exc}"
    if not campus_id:
        await run_in_threadpool(sa.security_event, "sso_failed", "oidc", reason, client_of(request))
        return _failed(next_path)
    return _finish(await run_in_threadpool(sa.sso_session, str(campus_id), "oidc", client_of(request)), next_path)


def routes() -> list[Route]:
    return [
        Route("/auth/cas/login", cas_login, methods=["GET"]),
        Route("/auth/cas/callback", cas_callback, methods=["GET"]),
        Route("/auth/oidc/login", oidc_login, methods=["GET"]),
        Route("/auth/oidc/callback", oidc_callback, methods=["GET"]),
    ]
