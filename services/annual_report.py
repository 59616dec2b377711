"""The fileable annual report (三个纳入) from the app: which years can be chosen (academic or
calendar year), and the workbook or PDF for the cadres in view. A college user gets only their
college: its cadres, evaluated on their time and activities in that college."""
from __future__ import annotations

from datetime import date

import pandas as pd

from compliance import Evaluation
from compliance.report import AnnualReport, ReportError, annual_report
from compliance.report_xlsx import write_xlsx
from services import access
from services.compliance_view import Inputs, activities_in_college, class_college
from store.auth import UserInfo

ROLES = ("admin", "leader", "college")
FORMATS = ("xlsx", "pdf")

__all__ = ["FORMATS", "ROLES", "report_bytes", "report_content", "year_choices"]


def year_choices(inputs: Inputs, as_of: date) -> list[tuple[str, str]]:
    """(value, label) of the years a report can cover: academic years that have started by `as_of`
    (newest first), then the calendar years they touch."""
    cal = inputs.calendar
    if cal is None:
        return []
    P = cal.periods["year"]
    idx = cal.idx(as_of)
    academic = [str(lab) for lab, s in zip(P.labels, P.start) if s <= idx][::-1]
    years = sorted({y for a in academic for y in (int(a[:4]), int(a[5:]))
                    if date(y, 1, 1) <= as_of}, reverse=True)
    return [(a, f"{a}学年") for a in academic] + [(str(y), f"{y}年度") for y in years]


def _evaluation(user: UserInfo, inputs: Inputs, as_of: date, cadre_ids: list[str]) -> tuple[Evaluation, pd.DataFrame]:
    from services.coverage import viewer_college
    scope = viewer_college(user)
    keep = set(cadre_ids)
    a = inputs.assignment.loc[inputs.assignment["cadre_id"].isin(keep)]
    led = inputs.ledger.loc[inputs.ledger["cadre_id"].isin(keep)]
    if scope is not None:
        a = a.loc[a["class_id"].map(class_college(inputs)).fillna(a["college"]) == scope]
        led = activities_in_college(led.loc[led["cadre_id"].isin(set(a["cadre_id"]))], inputs, scope)
    # cadres in view on the roster without any class count too (未带班, or 免予考核 without duty);
    # for a college user only those whose unit is that college
    idle = keep - set(inputs.assignment["cadre_id"])
    if scope is not None and inputs.cadres is not None and "unit" in inputs.cadres:
        idle &= set(inputs.cadres.loc[inputs.cadres["unit"] == scope, "cadre_id"])
    elif scope is not None:
        idle = set()
    ids = set(a["cadre_id"]) | idle
    ex = inputs.exemptions.loc[inputs.exemptions["cadre_id"].isin(ids)]
    roster = inputs.cadres.loc[inputs.cadres["cadre_id"].isin(ids)] if inputs.cadres is not None else None
    return Evaluation(inputs.calendar, a, led, ex, inputs.criteria, as_of=as_of, cadres=roster), a


def report_content(user: UserInfo, inputs: Inputs, as_of: date, cadre_ids: list[str],
                   year: str | None = None) -> AnnualReport:
    """The report's content (compliance.report.AnnualReport) for the cadres in view: what the
    workbook and the PDF lay out, and what the dashboard's counts agree with."""
    access.require(user, *ROLES, action="report.annual")
    ev, a = _evaluation(user, inputs, as_of, cadre_ids)
    return annual_report(ev, year, ev.roster, a)


def report_bytes(user: UserInfo, inputs: Inputs, as_of: date, cadre_ids: list[str], year: str | None = None,
                 fmt: str = "xlsx") -> bytes:
    """The report for `year` ("2026-2027" academic, "2026" calendar; None = the latest academic
    year) as xlsx or PDF bytes."""
    access.require(user, *ROLES, action="report.annual")
    if fmt not in FORMATS:
        raise ReportError(f"格式 {fmt!r} 无效（可用：xlsx、pdf）", f"format {fmt!r}: use xlsx or pdf")
    rep = report_content(user, inputs, as_of, cadre_ids, year)
    if fmt == "pdf":
        from compliance.report_pdf import write_pdf
        return write_pdf(rep)
    return write_xlsx(rep)
