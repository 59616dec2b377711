"""Rounds and Scenarios in English, section by section, with a solved round and one cadre explained:
cadre levels are vocabulary and follow the language (校领导 → School leader); positions and names are data."""
from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from services import round_lifecycle as lifecycle
from tests.fixtures_app import demo_user, run_page
from tests.test_app_rounds import solved_round
from tests.test_i18n_pages import Checker, _data_strings, _usernames, _walk
from ui.rounds.state import SECTIONS, Keys

ROOT = Path(__file__).resolve().parent.parent


def _run(as_role, lang: str, **state) -> AppTest:
    """One run (AppTest's setters format options in Chinese: what a click picks goes in the state)."""
    return run_page(as_role, "pages/rounds.py", "admin", lang, state, timeout=90)


def test_rounds_sections_in_english(demo_db, as_role):
    rid = solved_round()
    cadre = lifecycle.get_round(demo_user("admin"), rid).assignment["cadre_id"].iloc[0]
    found = []
    for section in SECTIONS:
        at = _run(as_role, "en", **{Keys.PICK: rid, Keys.SECTION: section, Keys.EXPLAIN_CADRE: cadre})
        assert not at.exception, at.exception
        chk = Checker("en", _data_strings(str(demo_db)), _usernames(str(demo_db)))
        _walk(at, chk)
        found += [f"{section}: {f}" for f in chk.found]
    found = list(dict.fromkeys(found))
    assert not found, f"{len(found)} problems:\n" + "\n".join(found[:80])


def test_scenario_edit_log_names_levels_in_the_page_language(demo_db, as_role):
    """The Scenarios page's edit log: 'add 2 hypothetical Middle-level deputy cadres', never the code `deputy`."""
    from services import scenarios
    from ui.scenarios.state import Keys as SKeys

    user = demo_user("admin")
    sid = scenarios.create(user, "levels")
    scenarios.add_edit(user, sid, {"op": "add_hypothetical", "count": 2, "level": "deputy", "expertise": [],
                                   "capacity": 1})
    scenarios.add_edit(user, sid, {"op": "set_capacity", "level": "school", "capacity": 0})
    for lang, want, unwanted in (("en", ("Middle-level deputy", "School leader"), ("中层副职", "校领导")),
                                 ("zh", ("中层副职", "校领导"), ("Middle-level deputy", "School leader"))):
        at = run_page(as_role, "pages/scenarios.py", "admin", lang, {SKeys.PICK: sid}, timeout=90)
        assert not at.exception, at.exception
        log = re.sub(r"\\(.)", r"\1", " ".join(m.value for m in at.markdown))   # md_escape undone
        assert all(w in log for w in want), (lang, log[-400:])
        assert not any(w in log for w in unwanted), (lang, log[-400:])
        if lang == "en":
            assert not re.search(r"\b(deputy|school) cadre|\bof (deputy|school)\b", log), log[-400:]
