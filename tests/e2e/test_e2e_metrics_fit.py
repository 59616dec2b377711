"""Real browser at 1280 px: no KPI on the Rounds page is cut off ("Publish…", "Import…" in English):
every metric's value and label (and the review filters' checkboxes) fits its column, in both languages. Saves rounds-metrics(-en).png."""
from __future__ import annotations

import pytest

from tests.e2e.conftest import SHOTS, login, settled, use_language

pytestmark = pytest.mark.e2e

# text cut off by its column: an element showing text is wider than the box that clips it
CUT = """els => els.flatMap(el => [el, ...el.querySelectorAll('*')]
    .filter(e => e.innerText && e.innerText.trim() && e.scrollWidth > e.clientWidth + 1
                 && getComputedStyle(e).overflow !== 'visible')
    .map(e => `${el.innerText} (${e.scrollWidth} px in ${e.clientWidth} px)`))"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rounds_metrics_fit_at_1280(app_server, page, lang):
    base, _ = app_server
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1280, "height": 1000})
    login(page, base, "admin")
    use_language(page, lang)
    page.get_by_test_id("stSidebarNav").get_by_text("Rounds" if lang == "en" else "分配轮次", exact=True).click()
    page.get_by_role("heading", name="Assignment rounds" if lang == "en" else "分配轮次").wait_for()
    settled(page)
    page.get_by_test_id("stMetric").first.wait_for()
    page.wait_for_timeout(1000)
    page.screenshot(path=str(SHOTS / f"rounds-metrics{'-en' if lang == 'en' else ''}.png"))
    assert page.get_by_test_id("stMetric").count() >= 3
    cut = _cut(page)
    page.get_by_test_id("stRadio").get_by_text("Diff" if lang == "en" else "对比", exact=True).click()
    settled(page)
    page.get_by_test_id("stMetric").nth(4).wait_for()
    cut += _cut(page)
    assert not cut, f"cut off at 1280 px: {sorted(set(cut))}"


def _cut(page) -> list[str]:
    return page.get_by_test_id("stMetric").evaluate_all(CUT) + page.get_by_test_id("stCheckbox").evaluate_all(CUT)
