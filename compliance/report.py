"""Annual report for 三个纳入 (民主生活会, 干部考核, 干部任用): one sheet per cadre plus 汇总, as xlsx bytes."""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .engine import Evaluation

_BOLD = Font(bold=True)
_STATUS_ZH = {"met": "达标", "missed": "未达标", "pending": "进行中", "exempt": "免除"}
_KIND_ZH = {"week": "教学周", "month": "月", "term": "学期", "year": "学年"}


def _pick_year(ev: Evaluation, year: str | None) -> int:
    P = ev.cal.periods["year"]
    labels = list(P.labels)
    if year is not None:
        if year not in labels:
            raise ValueError(f"校历中没有学年 {year} / no academic year {year} in the calendar "
                             f"(有 / available: {', '.join(labels)})")
        return labels.index(year)
    started = np.nonzero(P.start <= ev.as_of_idx)[0]
    if not len(started):
        raise ValueError("截至日期之前没有开始的学年 / no academic year has started by the as-of date")
    return int(started[-1])


def _sheet_title(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "_", text).strip()[:31] or "sheet"
    title, i = base, 2
    while title in used:
        suffix = f"~{i}"
        title, i = base[:31 - len(suffix)] + suffix, i + 1
    used.add(title)
    return title


def annual_report_data(ev: Evaluation, year: str | None = None) -> dict:
    """The report's numbers as DataFrames (also used by the app's table view)."""
    yi = _pick_year(ev, year)
    P = ev.cal.periods["year"]
    ys, ye = int(P.start[yi]), int(P.end[yi])
    label = str(P.labels[yi])
    st = ev.status
    r = ev._rows
    in_year = (r["start"] >= ys) & (r["start"] <= ye)
    sy = st.loc[in_year]
    counts = (sy.groupby(["cadre_id", "rule"], sort=False)["status"].value_counts().unstack(fill_value=0)
              if len(sy) else pd.DataFrame())
    for s in _STATUS_ZH:
        if s not in counts:
            counts[s] = 0
    counts = counts[list(_STATUS_ZH)].reset_index() if len(sy) else pd.DataFrame(
        columns=["cadre_id", "rule", *_STATUS_ZH])
    missed = sy.loc[sy["status"] == "missed", ["cadre_id", "rule", "period", "period_start", "period_end",
                                               "required", "done"]]
    sel = (ev.act_day >= ys) & (ev.act_day <= ye)
    stu = ev.ledger_column("students")
    students = (pd.to_numeric(pd.Series(stu), errors="coerce").fillna(0).to_numpy(dtype=np.int64)
                if stu is not None else np.zeros(len(ev.act_c), dtype=np.int64))
    C = len(ev.cadre_ids)
    n_act = np.bincount(ev.act_c[sel], minlength=C)
    n_stu = np.bincount(ev.act_c[sel], weights=students[sel], minlength=C).astype(np.int64)
    venue_rule = next((x for x in ev.rules if x.count == "distinct_venues"), None)
    vmask = sel & (ev.rule_mask(venue_rule) if venue_rule else (ev._venue_codes >= 0))
    vdf = pd.DataFrame({"c": ev.act_c[vmask], "v": np.asarray(ev._venue_uniques, dtype=object)[ev._venue_codes[vmask]]})
    vdf = vdf[vdf["v"] != ""].drop_duplicates()
    venues = vdf.groupby("c")["v"].agg(lambda s: tuple(sorted(s))).reindex(np.arange(C))
    per_cadre = pd.DataFrame({
        "cadre_id": ev.cadre_ids, "name": [ev.names.get(c, "") for c in ev.cadre_ids],
        "activities": n_act, "students": n_stu,
        "venues": [v if isinstance(v, tuple) else () for v in venues.to_numpy()],
    })
    return {"year": label, "as_of": ev.as_of, "counts": counts, "missed": missed, "cadres": per_cadre,
            "venue_target": venue_rule.at_least if venue_rule else 9}


def annual_report_xlsx(ev: Evaluation, year: str | None = None) -> bytes:
    """xlsx bytes: sheet 汇总 (one row a cadre) then one sheet per cadre. Chinese headers."""
    d = annual_report_data(ev, year)
    rules = list(ev.rules)
    counts = d["counts"].set_index(["cadre_id", "rule"])
    missed_by = {c: g for c, g in d["missed"].groupby("cadre_id", sort=False)}
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append([f"领导干部担任班主任履职情况汇总（{d['year']}学年，截至 {d['as_of']}）"])
    ws["A1"].font = Font(bold=True, size=14)
    head = ["工号", "姓名"]
    for rule in rules:
        head += [f"{rule.name_zh}·达标", f"{rule.name_zh}·未达标", f"{rule.name_zh}·免除"]
    head += ["未达标合计", "达标率", "九进场所数", "活动次数", "覆盖学生人次"]
    ws.append(head)
    for cell in ws[2]:
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True)
    used = {"汇总"}
    for row in d["cadres"].itertuples(index=False):
        vals: list = [row.cadre_id, row.name]
        met_all = missed_all = 0
        for rule in rules:
            k = (row.cadre_id, rule.id)
            m, x, e = (int(counts.at[k, s]) if k in counts.index else 0 for s in ("met", "missed", "exempt"))
            vals += [m, x, e]
            met_all, missed_all = met_all + m, missed_all + x
        rate = met_all / (met_all + missed_all) if met_all + missed_all else None
        vals += [missed_all, None if rate is None else round(rate, 4), len(row.venues), int(row.activities),
                 int(row.students)]
        ws.append(vals)

        cs = wb.create_sheet(_sheet_title(f"{row.cadre_id} {row.name}".strip(), used))
        cs.append([f"{row.name or row.cadre_id} 担任班主任履职报告（{d['year']}学年，截至 {d['as_of']}）"])
        cs["A1"].font = Font(bold=True, size=13)
        cs.append(["工号", row.cadre_id, "姓名", row.name])
        cs.append([])
        cs.append(["规则", "规则编号", "周期", "要求", "达标", "未达标", "进行中", "免除", "达标率"])
        for cell in cs[cs.max_row]:
            cell.font = _BOLD
        for rule in rules:
            k = (row.cadre_id, rule.id)
            m, x, p, e = (int(counts.at[k, s]) if k in counts.index else 0
                          for s in ("met", "missed", "pending", "exempt"))
            cs.append([rule.name_zh, rule.id, _KIND_ZH[rule.per], rule.at_least, m, x, p, e,
                       round(m / (m + x), 4) if m + x else None])
        cs.append([])
        cs.append(["九进场所", f"{len(row.venues)}/{d['venue_target']}", "、".join(row.venues)])
        cs.append(["活动次数", int(row.activities)])
        cs.append(["覆盖学生人次", int(row.students)])
        cs.append([])
        cs.append(["未达标周期"])
        cs[cs.max_row][0].font = _BOLD
        cs.append(["规则", "周期", "开始", "结束", "要求", "完成"])
        for cell in cs[cs.max_row]:
            cell.font = _BOLD
        g = missed_by.get(row.cadre_id)
        names = {r.id: r.name_zh for r in rules}
        if g is None or not len(g):
            cs.append(["（无）"])
        else:
            for m in g.itertuples(index=False):
                cs.append([names.get(m.rule, m.rule), m.period, m.period_start.date(), m.period_end.date(),
                           int(m.required), int(m.done)])
                for cell in cs[cs.max_row][2:4]:
                    cell.number_format = "yyyy-mm-dd"
        cs.column_dimensions["A"].width = 28
        for col in "BCD":
            cs.column_dimensions[col].width = 14
    ws.column_dimensions["A"].width = 12
    from importer.writers import neutralise_formulas  # names stay text, never formulas

    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)
    return buf.getvalue()
