"""Coverage heatmap: the week still under way is shown as in progress (its own colour and legend entry,
in both languages), not as missed — its pending cadres have until the week ends (issue 17)."""
from __future__ import annotations

import json

import pytest

from common import vocabulary
from tests.demo_facts import AUTUMN, autumn_day
from tests.fixtures_app import demo_user

AS_OF = autumn_day(11, 3)            # Thursday of teaching week 11: the week is not over
WEEK = f"{AUTUMN}-W11"


@pytest.fixture
def heat(demo_db):
    from services import compliance_view as cv
    from services import coverage

    comp = cv.compute(cv.load_inputs(), AS_OF)
    return coverage.view(demo_user("leader"), comp, coverage.Filters(AS_OF)).heat_college


def test_the_current_week_is_in_progress_and_past_weeks_are_not(heat):
    now, past = heat.loc[heat["period"] == WEEK], heat.loc[heat["period"] != WEEK]
    assert len(now) and len(past)
    assert set(now["state"]) == {"pending"}
    assert set(past["state"]) == {"assessed"}
    assert (now["rate"] < 1).any()                   # without the state it would be drawn red-ish


def _cells(spec: dict) -> list[tuple[dict, list[dict], list]]:
    """(layer, its data rows) for every rect layer of a heatmap spec."""
    data = spec.get("datasets", {})
    out = []
    for layer in spec.get("layer", [spec]):
        if (layer.get("mark") or {}).get("type", layer.get("mark")) != "rect":
            continue
        rows = data[spec["data"]["name"]] if "data" in spec else []
        flt = [t["filter"] for t in layer.get("transform", []) if "filter" in t]
        out.append((layer, rows, flt))
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_heatmap_draws_the_week_in_progress_in_its_own_colour(heat, lang):
    from ui import charts

    spec = charts.heatmap(heat, "college", "period", "c", "p", "t", lang=lang).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    word = vocabulary.label(vocabulary.COMPLIANCE_STATUSES, "pending", lang)
    assert word in text                             # the legend names it in the page's language
    rects = _cells(spec)
    assert len(rects) == 2, "one layer for assessed cells (rate colours), one for the week in progress"
    rated = [lay for lay, _, _ in rects if lay["encoding"]["color"].get("field") == "rate"]
    assert len(rated) == 1
    other = next(lay for lay, _, _ in rects if lay is not rated[0])
    assert other["encoding"]["color"]["scale"]["domain"] == [word]
    assert other["encoding"]["color"]["scale"]["range"][0] not in charts.RATE_SCALE.range
