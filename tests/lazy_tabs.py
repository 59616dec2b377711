"""Pages that draw only their open tab (st.tabs with on_change="rerun"): tests that sweep a whole page
run it once per tab. `tab_states(page, lang)` gives the session state of each run ({} for a page
without lazy tabs)."""
from __future__ import annotations

from ui.coverage.state import Keys as CoverageKeys
from ui.coverage.state import Tabs as CoverageTabs

LAZY_TABS = {"pages/coverage.py": (CoverageKeys.TAB, CoverageTabs.ALL)}


def tab_states(page: str, lang: str = "zh") -> list[dict]:
    key, tabs = LAZY_TABS.get(page if page.startswith("pages/") else f"pages/{page}", (None, ()))
    return [{key: zh if lang == "zh" else en} for zh, en in tabs] or [{}]
