"""Real browser: the main pages open in Chinese and, after the sidebar's language switch, in English,
each without an error, its title in the chosen language. Saves docs/screenshots/<page>.png and
<page>-en.png (with YIXIAN_SCREENSHOTS_DIR=docs/screenshots) — the screenshots of the README."""
from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import SHOTS, login, settled, use_language
from ui.nav import PAGES, url_path

pytestmark = pytest.mark.e2e

MAIN = ["pages/home.py", "pages/data.py", "pages/rounds.py", "pages/coverage.py", "pages/scenarios.py",
        "pages/ledger.py", "pages/requirements.py"]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _shot(page, name: str, height: int = 1800) -> None:
    """Streamlit scrolls inside its own container, so a tall viewport is what shows the page."""
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(1500)          # charts redraw at the new size
    page.screenshot(path=str(SHOTS / name))
    page.set_viewport_size(size)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_main_pages_in_each_language(app_server, page, lang):
    base, _ = app_server
    page.set_default_timeout(60_000)
    login(page, base, "admin")
    use_language(page, lang)
    nav = page.get_by_test_id("stSidebarNav")
    for path in MAIN:
        p = next(q for q in PAGES if q.path == path)
        nav.get_by_text(p.title_en if lang == "en" else p.title_zh, exact=True).click()
        heading = page.locator("h1").first
        heading.wait_for()
        settled(page)
        assert page.get_by_test_id("stException").count() == 0, path
        title = heading.inner_text()
        assert (not CJK.search(title)) if lang == "en" else CJK.search(title), (path, title)
        _shot(page, f"{url_path(p)}{'-en' if lang == 'en' else ''}.png")
