"""The login page: plain HTML served by web/routes.py (no script, no outside asset).

Every value that comes from a request (the `next` path, the username typed) is escaped. While the
user types, the browser fetches the app's own start-up files (those Streamlit's index.html loads,
content-hashed and cached for a year): after the login they come from the cache (issue 17).
"""
from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

TEXT = {
    "title": ("一线 · 领导干部担任班主任管理", "Yixian · Cadres as class advisers"),
    "lead": ("请使用组织部分配的账号登录。", "Log in with the account issued by the organization department."),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "submit": ("登录", "Log in"),
    "failed": ("用户名或密码错误。连续 {n} 次错误后账号将被锁定 {m} 分钟。",
               "Wrong username or password. After {n} failures in a row an account is locked for {m} minutes."),
    "busy": ("登录人数过多，请稍后再试。", "Too many logins at once; please try again in a moment."),
    "throttled": ("此地址登录失败次数过多，请稍后再试。", "Too many failed logins from this address; please try again later."),
    "forbidden": ("请求来源无效，请重新打开登录页。", "Invalid request origin; please reopen the login page."),
    "sso_failed": ("统一身份认证未能登录：没有与该校园身份对应的有效账号。",
                   "Campus sign-on did not log you in: no active account matches that campus identity."),
    "ended": ("您已退出登录。", "You are logged out."),
    "cas": ("统一身份认证（CAS）登录", "Campus sign-on (CAS)"),
    "oidc": ("统一身份认证（OIDC）登录", "Campus sign-on (OIDC)"),
    "switch": ("English", "中文"),
}

STYLE = """
body{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;background:#f6f7f9;
margin:0;color:#262730}
main{max-width:420px;margin:8vh auto;background:#fff;padding:2rem 2.2rem;border-radius:12px;
box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 .4rem}p.lead{color:#555;margin:0 0 1.4rem}
label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem .7rem;font-size:1rem;
border:1px solid #ccc;border-radius:6px}
button{margin-top:1.2rem;width:100%;padding:.6rem;font-size:1rem;background:#b71c1c;color:#fff;border:0;
border-radius:6px;cursor:pointer}
.error{background:#fdecea;color:#8a1c1c;padding:.6rem .8rem;border-radius:6px;margin:0 0 1rem}
.note{background:#e8f4fd;color:#0b4a6f;padding:.6rem .8rem;border-radius:6px;margin:0 0 1rem}
.sso a{display:block;margin-top:.8rem;text-align:center}.lang{text-align:right;font-size:.9rem}
"""


@lru_cache(maxsize=1)
def app_preloads() -> str:
    """<link> tags that preload the app's start-up files: Streamlit's entry module, the modules it
    preloads itself and its style sheet, with the same attributes (a module is fetched in CORS mode,
    so the cache entry matches). Empty when Streamlit's index.html cannot be read."""
    import streamlit

    try:
        index = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    except OSError:
        return ""
    modules = re.findall(r'<script type="module" crossorigin src="\./(static/js/[\w.-]+\.js)"', index)
    modules += re.findall(r'<link rel="modulepreload" crossorigin href="\./(static/js/[\w.-]+\.js)"', index)
    styles = re.findall(r'<link rel="stylesheet" crossorigin href="\./(static/css/[\w.-]+\.css)"', index)
    tags = [f'<link rel="modulepreload" crossorigin href="/{m}">' for m in dict.fromkeys(modules)]
    tags += [f'<link rel="preload" as="style" crossorigin href="/{c}">' for c in dict.fromkeys(styles)]
    return "".join(tags)


def t(key: str, lang: str, **fmt) -> str:
    zh, en = TEXT[key]
    return (en if lang == "en" else zh).format(**fmt)


def render(lang: str, next_path: str, username: str = "", message: str = "", note: str = "",
           sso: tuple[str, ...] = ()) -> str:
    """The whole page. `message` is an error line, `note` an information line (both our own text)."""
    e = html.escape
    other = "zh" if lang == "en" else "en"
    q_next = quote(next_path, safe="/")
    sso_links = "".join(
        f'<a href="/auth/{kind}/login?next={q_next}">{e(t(kind, lang))}</a>' for kind in sso)
    return f"""<!doctype html>
<html lang="{'en' if lang == 'en' else 'zh-CN'}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(t('submit', lang))} · 一线 Yixian</title>
<link rel="icon" type="image/png" href="/auth/favicon.png"><style>{STYLE}</style>{app_preloads()}</head>
<body><main>
<p class="lang"><a href="/auth/login?lang={other}&amp;next={q_next}">{e(t('switch', lang))}</a></p>
<h1>{e(t('title', lang))}</h1><p class="lead">{e(t('lead', lang))}</p>
{f'<p class="error" role="alert">{e(message)}</p>' if message else ''}
{f'<p class="note">{e(note)}</p>' if note else ''}
<form method="post" action="/auth/login">
<input type="hidden" name="next" value="{e(next_path)}"><input type="hidden" name="lang" value="{e(lang)}">
<label for="username">{e(t('username', lang))}</label>
<input type="text" id="username" name="username" value="{e(username)}" autocomplete="username" required autofocus>
<label for="password">{e(t('password', lang))}</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">{e(t('submit', lang))}</button>
</form>
{f'<div class="sso">{sso_links}</div>' if sso_links else ''}
</main></body></html>"""
