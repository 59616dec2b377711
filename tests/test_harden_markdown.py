"""Markdown injection (issue 18): user text never renders as a link, an image or HTML, on any page.

Every name the app shows (cadres, units, positions, classes, majors, colleges, accounts, rounds),
every reason (rules, exemptions) and every ledger summary in a copy of the demo database gets four
payloads appended — a phishing link with a beacon image, an HTML image with an onerror
handler, a script tag, a `javascript:` link — and so do a wish collection's name, a conflict's
reason, a returned entry's and a withdrawal's reason, a scenario's and a solved round's name.
Then every page (and app.py's sidebar) is drawn for every role that sees it, in both languages —
the Rounds page in each of its sections with a cadre's explanation open, the data browser on every
kind — and every element
whose text Streamlit renders as Markdown — markdown/caption bodies, alerts, toasts, widget and
expander/tab labels, help tooltips, radio and pill options — is read the way Streamlit's Markdown
(CommonMark + GFM) reads it: an inline link or image, an autolink, a bare URL that GFM would link,
or (where HTML is allowed) a tag, built from a payload, is a finding. A backslash-escaped `\\[` is
plain text, and so is a dataframe cell or an `st.text`.
"""
from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.fixtures_app import run_page
from tests.lazy_tabs import tab_states
from ui.nav import PAGES

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = ("[重新登录](http://evil.example/phish)![b](http://evil.example/beacon.png)",
            "<img src=x onerror=alert(1)>",
            "<script>alert(1)</script>",
            "[x](javascript:alert(1))")
MARKERS = ("evil.example", "alert(1)")
CASES = [(p.path, role) for p in PAGES for role in p.roles if (ROOT / p.path).exists()]
CASES += [("app.py", role) for role in ("admin", "leader", "planner", "college", "cadre")]   # the sidebar
# pages that show no stored names at all (their own settings only): drawn, but not required to show a payload
NO_NAMES = {"pages/account.py", "pages/requirements.py"}

# Which stored texts are user text: (table, column). Each distinct value gets a payload appended,
# everywhere the same value is stored (JSON snapshots of rounds included), so the data stays consistent.
USER_TEXT = [("cadres", "name"), ("cadres", "unit"), ("cadres", "position"), ("classes", "name"),
             ("classes", "college"), ("classes", "major"), ("constraints", "reason"), ("exemptions", "reason"),
             ("activities", "summary"), ("users", "display_name"), ("assignment_rounds", "name")]


# --- the payloads into a database -------------------------------------------------------------

def _tainted(mapping: dict[str, str], node):
    if isinstance(node, str):
        return mapping.get(node, node)
    if isinstance(node, list):
        return [_tainted(mapping, x) for x in node]
    if isinstance(node, dict):
        return {_tainted(mapping, k): _tainted(mapping, v) for k, v in node.items()}
    return node


def taint(db_path: Path) -> dict[str, str]:
    """Append a payload to every user text of the database (every copy of it); returns old → new."""
    con = sqlite3.connect(db_path)
    try:
        mapping: dict[str, str] = {}
        for table, col in USER_TEXT:
            for (v,) in con.execute(f'select distinct "{col}" from "{table}" where "{col}" is not null and "{col}" != \'\''):
                if isinstance(v, str) and v not in mapping:
                    i = len(mapping) % len(PAYLOADS)      # every payload, starting with a different one
                    mapping[v] = v + "".join(PAYLOADS[i:] + PAYLOADS[:i])
        tables = [r[0] for r in con.execute("select name from sqlite_master where type='table'")
                  if r[0] not in ("alembic_version", "audit_log")]
        for table in tables:
            info = list(con.execute(f'pragma table_info("{table}")'))
            cols = [(r[1], r[2].upper()) for r in info if r[2].upper() in ("TEXT", "JSON") or r[2].upper().startswith("VARCHAR")]
            for col, kind in cols:
                rows = con.execute(f'select rowid, "{col}" from "{table}" where typeof("{col}") = \'text\'').fetchall()
                for rowid, v in rows:
                    new = v
                    if kind == "JSON" and v[:1] in "[{\"":
                        new = json.dumps(_tainted(mapping, json.loads(v)))
                    elif v in mapping:
                        new = mapping[v]
                    if new != v:
                        con.execute(f'update "{table}" set "{col}" = ? where rowid = ?', (new, rowid))
        con.commit()
        return mapping
    finally:
        con.close()


# --- Streamlit's Markdown, as far as links, images and HTML go --------------------------------

_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")     # CommonMark: a backslash before ASCII punctuation
LIVE = {"link or image": re.compile(r"!?\[[^\]]*\]\([^)]*\)"),
        "autolink": re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>"),
        "bare URL (GFM autolink)": re.compile(r"(?i)(?:https?://|www\.)[^\s<]+"),
        "javascript: link": re.compile(r"\]\(\s*javascript:", re.IGNORECASE)}
HTML_TAG = re.compile(r"<(?:img\b[^>]*>|script\b[^>]*>.*?</script\s*>)", re.IGNORECASE | re.DOTALL)


def live_markup(text: str, allow_html: bool = False) -> list[str]:
    """The links, images, autolinks (and, when HTML is allowed, tags) made of payload text that
    Markdown would render from `text`; escaped characters do not count."""
    masked = _ESCAPED.sub("__", text)        # same length: spans map back onto `text`
    patterns = dict(LIVE)
    if allow_html:
        patterns["HTML"] = HTML_TAG
    found = []
    for what, rx in patterns.items():
        for m in rx.finditer(masked):
            span = text[m.start():m.end()]
            if any(k in span for k in MARKERS) or "javascript" in span.lower():
                found.append(f"{what}: {span!r}")
    return found


def test_the_reader_sees_what_markdown_renders():
    from ui.feedback import md_escape

    for p in PAYLOADS:
        assert live_markup(f"**{p}**", allow_html=True), p      # raw payloads are live (HTML where allowed)
        assert not live_markup(f"**{md_escape(p)}**", allow_html=True), md_escape(p)
    assert not live_markup("<img src=x onerror=alert(1)>")       # HTML is shown as text without unsafe_allow_html
    assert live_markup("see http://evil.example/x") and not live_markup(md_escape("see http://evil.example/x"))
    assert live_markup("[x](javascript:alert(1))") and not live_markup(r"\[x\]\(javascript\:alert\(1\)\)")


MD_FIELDS = {"body", "label", "help"}
PLAIN = {"text", "code", "json", "html"}     # st.text / st.code / st.json bodies are shown as typed (html: below)


def _repeated(field) -> bool:
    rep = getattr(field, "is_repeated", None)
    if rep is not None:
        return rep if isinstance(rep, bool) else rep()
    return field.label == field.LABEL_REPEATED


class Sweep:
    """Walks an AppTest's element tree: Markdown-rendered texts are checked, every text is counted
    when it shows a payload at all (so a page that shows no names is noticed)."""

    def __init__(self):
        self.found: list[str] = []
        self.seen = 0          # payload markers met anywhere (the sweep is not blind)

    def note(self, s) -> None:
        if isinstance(s, str) and any(k in s for k in MARKERS):
            self.seen += 1

    def check(self, where: str, s: str, allow_html: bool = False) -> None:
        self.note(s)
        for f in live_markup(s, allow_html):
            self.found.append(f"{where}: {f} in {s[:160]!r}")

    def proto(self, where: str, kind: str, msg) -> None:
        for field, value in msg.ListFields():
            items = value if _repeated(field) else [value]
            for item in items:
                if isinstance(item, str):
                    if field.name in MD_FIELDS and kind not in PLAIN:
                        self.check(f"{where}.{field.name}", item, getattr(msg, "allow_html", False) is True)
                    elif kind == "radio" and field.name == "options":
                        self.check(f"{where}.options", item)
                    elif kind == "html" and field.name == "body":
                        self.check(f"{where}.body", item, allow_html=True)
                    else:
                        self.note(item)
                elif hasattr(item, "ListFields"):
                    content = getattr(item, "content", None) if field.name == "options" else None
                    if isinstance(content, str):        # pills / segmented control options render Markdown
                        self.check(f"{where}.options.content", content)
                    self.proto(f"{where}.{field.name}", kind, item)

    def walk(self, at: AppTest) -> None:
        from streamlit.testing.v1.element_tree import Block, Element

        for node in at._tree:
            if isinstance(node, Block):
                if getattr(node, "proto", None) is not None:
                    self.proto(f"block:{node.type}", node.type, node.proto)
                continue
            if not isinstance(node, Element):
                continue
            if node.type in {"arrow_data_frame", "dataframe", "table", "arrow_table"}:
                for v in node.value.astype(str).to_numpy().ravel()[:2000]:
                    self.note(v)            # cells are plain text
                continue
            if node.type == "exception":
                self.found.append(f"exception: {node.value}")
                continue
            self.proto(node.type, node.type, node.proto)


# --- the pages ---------------------------------------------------------------------------------

def _wishes_with_payloads() -> None:
    """An open wish collection named with a payload; the demo cadre wished and declared a conflict
    whose reason is a payload."""
    from datetime import UTC, datetime, timedelta

    from services import wishes
    from tests.fixtures_app import demo_user

    admin, me = demo_user("admin"), demo_user("cadre")
    col = wishes.open_collection(admin, "2026 意向征集" + PAYLOADS[0], datetime.now(UTC) + timedelta(days=7), 3)
    opts = wishes.choices(admin)
    colleges = list(opts["college"])
    wishes.save_answer(me, col.id, [{"kind": "class", "value": next(iter(opts["class"]))},
                                    {"kind": "college", "value": colleges[0]}],
                       [{"kind": "college", "value": colleges[1], "reason": "配偶任教" + PAYLOADS[3]}])


def _reviews_with_payloads() -> None:
    """One of the demo cadre's entries returned with a payload reason, another withdrawn with one."""
    from services import compliance_view as cv
    from services import ledger, review
    from tests.fixtures_app import demo_user

    me, admin = demo_user("cadre"), demo_user("admin")
    inputs = cv.load_inputs()
    mine = inputs.ledger.loc[inputs.ledger["cadre_id"] == me.cadre_id, "activity_id"].tolist()
    review.return_entry(admin, inputs, mine[0], "请补充照片" + PAYLOADS[0])
    ledger.withdraw_activity(me, mine[1], "重复录入" + PAYLOADS[3])


@pytest.fixture
def tainted_db(demo_db):
    taint(demo_db)
    from services.db import reset_engines

    reset_engines()
    _wishes_with_payloads()
    _reviews_with_payloads()
    st.cache_data.clear()
    st.cache_resource.clear()
    yield demo_db
    st.cache_data.clear()
    st.cache_resource.clear()


def _scenario_with_payloads() -> int:
    """A solved scenario (of the tainted data) whose name is a payload."""
    from services import scenarios
    from tests.fixtures_app import demo_user

    admin = demo_user("admin")
    sid = scenarios.create(admin, "情景" + PAYLOADS[0])
    scenarios.solve_scenario(admin, sid)
    return sid


def _solved_round_with_payloads() -> int:
    """A solved draft round (of the tainted data) named with a payload: the explanation panel has
    score parts, reasons, holders and alternates to show."""
    from services import round_lifecycle, round_solve
    from services.solve_params import default_params
    from tests.fixtures_app import demo_user

    admin = demo_user("admin")
    rid = round_lifecycle.create_round(admin, "测试轮" + PAYLOADS[3], "initial", default_params())
    assert round_solve.solve_round(admin, rid).status == "optimal"
    return rid


def _run(page: str, role: str, lang: str, as_role, state: dict | None = None) -> AppTest:
    return run_page(as_role, page, role, lang, state)


def _assert_clean(sweep: Sweep, what: str) -> None:
    found = list(dict.fromkeys(sweep.found))
    assert not found, f"{what}: {len(found)} live payloads:\n" + "\n".join(found[:40])


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{Path(p).stem}-{r}" for p, r in CASES])
def test_payload_names_render_as_text(tainted_db, as_role, page, role):
    state = {}
    if page == "pages/scenarios.py":
        from ui.scenarios.state import Keys

        state[Keys.PICK] = _scenario_with_payloads()
    for lang in ("zh", "en"):
        sweep = Sweep()
        for tab in tab_states(page, lang):          # a page drawing only its open tab: every tab
            at = _run(page, role, lang, as_role, state | tab)
            assert not at.exception, at.exception
            sweep.walk(at)
        _assert_clean(sweep, f"{page} as {role} ({lang})")
        if page not in NO_NAMES:
            assert sweep.seen, f"{page} as {role}: no payload on screen (the sweep is blind)"


@pytest.mark.parametrize("role", ["admin", "planner"])
def test_payload_names_in_every_rounds_section_and_the_explanation(tainted_db, as_role, role):
    from ui.rounds.state import ADMIN_ONLY_SECTIONS, SECTIONS, Keys

    rid = _solved_round_with_payloads()
    cadre = _assigned_cadre(tainted_db, "evil.example", rid)
    for section in SECTIONS:
        if role != "admin" and section in ADMIN_ONLY_SECTIONS:
            continue
        for lang in ("zh", "en"):
            at = _run("pages/rounds.py", role, lang, as_role,
                      {Keys.PICK: rid, Keys.SECTION: section, Keys.EXPLAIN_CADRE: cadre, Keys.ADJUST_CADRE: cadre})
            assert not at.exception, at.exception
            sweep = Sweep()
            sweep.walk(at)
            _assert_clean(sweep, f"rounds/{section} as {role} ({lang})")
            assert sweep.seen, f"rounds/{section}: no payload on screen"


def test_payload_names_in_the_data_browser(tainted_db, as_role):
    from services import uploads
    from ui.data.state import Keys

    for kind in uploads.BROWSABLE_KINDS:
        at = _run("pages/data.py", "admin", "zh", as_role, {Keys.BROWSE_KIND: kind})
        assert not at.exception, at.exception
        sweep = Sweep()
        sweep.walk(at)
        _assert_clean(sweep, f"data/{kind}")


def _assigned_cadre(db: Path, marker: str, rid: int | None = None) -> str:
    """A cadre assigned in round `rid` (any round: None) whose name carries the payload holding `marker`."""
    con = sqlite3.connect(db)
    try:
        return con.execute("select a.cadre_id from assignments a join cadres c on c.cadre_id = a.cadre_id "
                           "where c.name like ? and (? is null or a.round_id = ?) order by a.id limit 1",
                           (f"%{marker}%", rid, rid)).fetchone()[0]
    finally:
        con.close()


@pytest.mark.parametrize("page,role", [("pages/rounds.py", "admin"), ("pages/coverage.py", "leader")])
def test_the_sweep_catches_a_page_that_forgets_to_escape(tainted_db, as_role, monkeypatch, page, role):
    """The same sweep with md_escape switched off finds the payloads: it is not blind."""
    import sys

    from ui.coverage.state import Keys as CoverageKeys
    from ui.coverage.state import Tabs
    from ui.rounds.state import Keys

    rid = _solved_round_with_payloads() if page == "pages/rounds.py" else None
    _run(page, role, "zh", as_role)        # imports every ui module the page uses
    for name, mod in list(sys.modules.items()):
        if name.startswith("ui.") and hasattr(mod, "md_escape"):
            monkeypatch.setattr(mod, "md_escape", lambda t: "" if t is None else str(t))
    cadre = _assigned_cadre(tainted_db, "evil.example", rid)
    state = ({Keys.PICK: rid, Keys.EXPLAIN_CADRE: cadre} if rid
             else {CoverageKeys.CADRE: cadre, CoverageKeys.TAB: Tabs.CADRES[0]})
    at = _run(page, role, "zh", as_role, state)
    sweep = Sweep()
    sweep.walk(at)
    assert any("evil.example" in f for f in sweep.found), sweep.found
