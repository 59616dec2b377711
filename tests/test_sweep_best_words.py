"""Issue 15: the capacity sweep's best-n points say on the page, in words and in the page's language,
whether the choice of the n cadres is exact and confirmed by the point's own solve."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures_app import demo_user
from tests.test_i18n_pages import Checker, _data_strings, _usernames, _walk
from ui.i18n import LANG_KEY
from ui.scenarios.state import Keys
from ui.scenarios.sweep import best_words

PAGE = str(Path(__file__).resolve().parent.parent / "pages" / "scenarios.py")
WORDS = {"zh": "精确（已由求解确认）", "en": "exact (confirmed by a solve)"}


def test_words_for_every_case():
    pt = lambda exact, confirmed: SimpleNamespace(best_exact=exact, best_confirmed=confirmed)
    assert best_words(pt(True, True)) == WORDS["zh"]
    assert best_words(pt(True, False)).startswith("精确，但求解未确认")
    assert best_words(pt(False, False)).startswith("未证明最优")
    assert best_words(pt(None, None)) is None and best_words(None) is None


def table_with(at: AppTest, column: str):
    for df in at.dataframe:
        if column in df.value.columns:
            return df
    raise AssertionError(f"no table with column {column!r}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_best_n_sweep_says_exact_and_confirmed_in_the_pages_language(demo_db, as_role, lang):
    from services import scenarios as svc
    sid = svc.create(demo_user("planner"), "最优n")
    total = int((svc.get(demo_user("planner"), sid).frames["cadres"]["capacity"] > 0).sum())
    at = AppTest.from_file(PAGE, default_timeout=90)
    as_role(at, "planner")
    at.session_state[Keys.PICK] = sid
    at.run()
    # widgets are set in Chinese, then the page is drawn in `lang`: AppTest formats a selectbox's value
    # outside the page's session, where tr() answers in Chinese
    at.selectbox(key=Keys.SWEEP_ORDER).select("best")
    at.number_input(key=Keys.sweep_lo(sid, total)).set_value(total // 4)
    at.number_input(key=Keys.sweep_hi(sid, total)).set_value(total // 2)
    at.number_input(key=Keys.SWEEP_POINTS).set_value(2)
    at.checkbox(key=Keys.SWEEP_MIN).uncheck()
    at.button(key=Keys.SWEEP_RUN).click().run()
    job = at.session_state[Keys.JOB] if Keys.JOB in at.session_state else None  # noqa: SIM401 - no .get here
    assert job is None or job.wait(120)
    at.session_state[LANG_KEY] = lang
    at.run()
    assert not at.exception, at.exception
    res = at.session_state[Keys.SWEEP_RESULT]["result"]
    assert res.order == "best" and len(res.points) == 2
    assert all(p.best_exact and p.best_confirmed for p in res.points)   # the service's own verdict
    node = table_with(at, "best")
    assert list(node.value["best"]) == [WORDS[lang]] * 2
    header = json.loads(node.proto.columns)["best"]["label"]
    assert header == {"zh": "n 名干部的选择", "en": "Choice of the n cadres"}[lang]
    chk = Checker(lang, _data_strings(str(demo_db)), _usernames(str(demo_db)))
    _walk(at, chk)
    assert not chk.found, chk.found[:20]
