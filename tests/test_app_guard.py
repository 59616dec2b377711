"""Every page refuses to render without login, even when run directly (deep link on a fresh server)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from ui.nav import PAGES

ROOT = Path(__file__).resolve().parent.parent
PAGE_FILES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py"))


def test_every_page_file_is_registered():
    registered = {p.path for p in PAGES}
    assert PAGE_FILES, "no page files found"
    assert set(PAGE_FILES) <= registered


@pytest.mark.parametrize("page", PAGE_FILES)
def test_page_refuses_without_login(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=30).run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["请先登录。"]
    # Nothing else of the page was drawn: no tables, metrics, charts, inputs or buttons.
    assert len(at.dataframe) == 0 and len(at.metric) == 0 and len(at.button) == 0
    assert len(at.text_input) == 0 and len(at.selectbox) == 0 and len(at.get("arrow_vega_lite_chart")) == 0


ALL_ROLES = ("admin", "leader", "planner", "college", "cadre")
RESTRICTED = [p.path for p in PAGES if (ROOT / p.path).exists() and set(ALL_ROLES) - set(p.roles)]


@pytest.mark.parametrize("page", RESTRICTED)
def test_page_refuses_wrong_role(page):
    allowed = next(p.roles for p in PAGES if p.path == page)
    others = [r for r in ALL_ROLES if r not in allowed]
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    at.session_state["user"] = SimpleNamespace(id=0, username="x", display_name="X", role=others[0],
                                               college=None, cadre_id=None)
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["您的角色无权访问此页面。"]
    assert len(at.dataframe) == 0 and len(at.button) == 0
