"""The annual report from the app: academic or calendar year, xlsx or PDF; a college user's report
holds only their college's cadres; other roles are refused."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from tests.demo_facts import DEMO, LAST_DAY
from tests.fixtures_app import demo_user


def _ids(data: bytes) -> set[str]:
    ws = load_workbook(io.BytesIO(data))["汇总"]
    head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "工号")
    return {str(ws.cell(r, 2).value) for r in range(head + 1, ws.max_row + 1) if ws.cell(r, 2).value}


def _title(data: bytes) -> str:
    ws = load_workbook(io.BytesIO(data))["汇总"]
    return " ".join(str(ws.cell(r, c).value) for r in range(1, 4) for c in range(1, 4) if ws.cell(r, c).value)


@pytest.fixture
def world(demo_db):
    from services import compliance_view as cv
    from services import coverage
    inputs = cv.load_inputs()
    comp = cv.compute(inputs, LAST_DAY)
    return inputs, comp, coverage


def test_year_choices_offer_the_academic_year_and_its_calendar_years(world):
    from services.annual_report import year_choices
    inputs, _, _ = world
    values = [v for v, _ in year_choices(inputs, LAST_DAY)]
    assert values == [DEMO.label, str(DEMO.y + 1), str(DEMO.y)]
    # before the new calendar year starts only its first calendar year can be chosen
    assert [v for v, _ in year_choices(inputs, DEMO.start)] == [DEMO.label, str(DEMO.y)]


@pytest.mark.parametrize("year, label", [(DEMO.label, f"{DEMO.label}学年"), (str(DEMO.y + 1), f"{DEMO.y + 1}年度")])
def test_both_year_bases_from_the_app(world, year, label):
    inputs, comp, coverage = world
    leader = demo_user("leader")
    v = coverage.view(leader, comp, coverage.Filters(LAST_DAY))
    data = coverage.annual_report(leader, inputs, LAST_DAY, v.cadre_ids, year=year)
    assert label in _title(data)
    assert _ids(data) == set(v.cadre_ids)


def test_pdf_and_college_scope(world):
    inputs, comp, coverage = world
    college = demo_user("college")
    everyone = list(comp.ev.cadre_ids)
    data = coverage.annual_report(college, inputs, LAST_DAY, everyone)
    own = set(comp.cadre_college.loc[comp.cadre_college["college"] == college.college, "cadre_id"])
    assert _ids(data) <= own and _ids(data)
    pdf = coverage.annual_report(college, inputs, LAST_DAY, everyone, fmt="pdf")
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize("role", ["planner", "cadre"])
def test_other_roles_get_no_report(world, role):
    from services.access import AccessDenied
    inputs, comp, coverage = world
    with pytest.raises(AccessDenied):
        coverage.annual_report(demo_user(role), inputs, LAST_DAY, list(comp.ev.cadre_ids))


def test_a_bad_year_or_format_is_refused_clearly(world):
    from compliance.report import ReportError
    inputs, comp, coverage = world
    with pytest.raises(ReportError, match="1999"):
        coverage.annual_report(demo_user("admin"), inputs, LAST_DAY, list(comp.ev.cadre_ids), year="1999")
    with pytest.raises(ReportError, match="docx"):
        coverage.annual_report(demo_user("admin"), inputs, LAST_DAY, list(comp.ev.cadre_ids), fmt="docx")
