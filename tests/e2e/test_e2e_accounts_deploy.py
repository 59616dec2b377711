"""Deployment: Debian's nginx in front of two app processes on one PostgreSQL (all on 127.0.0.1).

A login through nginx opens the app on both processes (the session lives in PostgreSQL), and a
write made through one process is seen through the other.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.demo_facts import TEST_DAY
from tests.e2e.apps import ROOT, free_port, start_app, stop, which
from tests.e2e.conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.pg, pytest.mark.slow]

NGINX_CONF = """
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {tmp}/access.log;
    client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fcgi;
    uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
{body}
}}
"""


def nginx_site(listen: int, ports: list[int]) -> str:
    """The production site (deploy/nginx/yixian.conf) without TLS, on 127.0.0.1:listen."""
    conf = (ROOT / "deploy" / "nginx" / "yixian.conf").read_text()
    upstream = conf[conf.index("upstream yixian_app"):conf.index("map $http_upgrade")]
    servers = "".join(f"    server 127.0.0.1:{p};\n" for p in ports)
    upstream = upstream.split("    server 127.0.0.1")[0] + servers + "    keepalive 16;\n}\n\n"
    mapping = conf[conf.index("map $http_upgrade"):conf.index("server {")]
    tls_site = conf[conf.rindex("server {"):]
    site = tls_site.split("client_max_body_size")[1]
    head = f"server {{\n    listen 127.0.0.1:{listen};\n    server_name localhost;\n\n    client_max_body_size"
    site = head + site.replace('    add_header Strict-Transport-Security "max-age=31536000" always;\n', "")
    return upstream + mapping + site


@pytest.fixture
def pg_app_env(tmp_path):
    from tests.conftest import REQUIRE_PG, _create_schema, _drop_schema, pg_schema_url, pg_unreachable_reason

    reason = pg_unreachable_reason()
    if reason:
        (pytest.fail if REQUIRE_PG else pytest.skip)(reason)
    schema = f"yixian_deploy_{uuid.uuid4().hex[:10]}"
    _create_schema(schema)
    env = {k: v for k, v in os.environ.items() if k != "YIXIAN_DB_PATH"}
    env["DATABASE_URL"] = pg_schema_url(schema)
    env["YIXIAN_DEMO_TODAY"] = TEST_DAY.isoformat()
    subprocess.run([sys.executable, "-m", "store.bootstrap"], cwd=ROOT, env=env, check=True, capture_output=True,
                   timeout=600)
    try:
        yield env
    finally:
        _drop_schema(schema)


def test_two_processes_behind_nginx_share_sessions_and_writes(pg_app_env, browser, tmp_path):
    nginx = which("nginx")
    if nginx is None:
        pytest.fail("nginx missing: run `make test` (scripts/system-deps.sh installs nginx-light)")
    ports = [free_port(), free_port()]
    procs = [start_app(pg_app_env, p, tmp_path / f"app{p}.log") for p in ports]
    listen = free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp_path, body=nginx_site(listen, ports)))
    proxy = subprocess.Popen([nginx, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log"),
                              "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    ctx = browser.new_context(locale="zh-CN")
    try:
        front = f"http://127.0.0.1:{listen}"
        _wait(front + "/_stcore/health")
        headers = urllib.request.urlopen(front + "/auth/login").headers
        assert headers.get_all("X-Frame-Options") == ["DENY"]
        assert headers.get_all("Content-Security-Policy") == ["frame-ancestors 'none'"]
        page = ctx.new_page()
        login(page, front, "admin")                        # login page and websocket through nginx
        a, b = (f"http://127.0.0.1:{p}" for p in ports)   # cookies are per host, not per port
        page.goto(f"{a}/users")
        page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
        page.get_by_label("搜索（用户名、姓名、学院、工号）").fill("leader")
        page.get_by_label("搜索（用户名、姓名、学院、工号）").press("Enter")
        page.wait_for_timeout(1500)
        page.get_by_label("统一身份认证号（可空）").fill("written-through-A")
        page.get_by_role("button", name="保存").click()
        page.get_by_text("账号 leader 已更新。").wait_for(timeout=60_000)
        page.goto(f"{b}/users")                             # the other process: same session, same data
        page.get_by_role("button", name="退出登录").wait_for(timeout=60_000)
        page.get_by_text("written-through-A").first.wait_for(state="attached", timeout=60_000)  # grid cell
    finally:
        ctx.close()
        proxy.terminate()
        proxy.wait(10)
        for p in procs:
            stop(p)


def _wait(url: str) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def test_the_shipped_site_config_passes_nginx_syntax_check(tmp_path):
    nginx = which("nginx")
    if nginx is None:
        pytest.fail("nginx missing: run `make test`")
    conf = tmp_path / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp_path, body=nginx_site(free_port(), [8501, 8502])))
    out = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert Path(ROOT / "deploy" / "README.md").is_file()
