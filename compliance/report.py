"""Annual 履职 report for 三个纳入 (民主生活会对照检查, 干部年度考核, 干部选拔任用): the content.

`annual_report(ev, year)` returns an `AnnualReport` of plain data (no workbook, no PDF): the
summary rows in protocol order and one 履职纪实 per cadre. `report_xlsx.write_xlsx` and
`report_pdf.write_pdf` lay the same content out; `build_report(...)` takes plain frames, so a
service can call it with what it loaded from the store.

Year bases (formats.md, `--year`):
- `2025-2026` (academic year): the periods whose first day lies in the academic year.
- `2025` (calendar year, 干部年度考核 / 民主生活会): the periods whose middle day lies in 2025, so
  each period counts once, in the year that holds most of it: 2025秋 (September to January) counts in
  2025年度, 2024-2025学年's year rules (向党委汇报, 九进) too, 2025-2026学年's in 2026年度.

Each requirement appears as 达标周期数/应考核周期数 (met / met + missed): periods still running
(进行中) and periods without duty (免予考核) are not counted. A cadre's 完成率 is the mean of these
ratios over the requirements that have a finished period, and the 等次 suggestion follows the
thresholds of the requirements document. A cadre with no duty at all is 免予考核.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from common import vocabulary
from common.errors import YixianError

from .engine import Evaluation, _text
from .requirements import EXEMPT_CONCLUSION, GRADES, LEVEL_ZH
from .rules import VENUES

USES = ("民主生活会对照检查", "干部年度考核", "干部选拔任用")
PER_ZH = {"week": "周", "month": "月", "term": "学期", "year": "学年"}     # the unit a ratio counts ("达标周数")
STATUS_ZH = vocabulary.labels(vocabulary.COMPLIANCE_STATUSES)
TYPE_ZH = vocabulary.labels(vocabulary.ACTIVITY_TYPES)
UNASSIGNED = "未带班"
PENDING_CONCLUSION = "待定（尚无已结束周期）"
LEVEL_ORDER = {lv: i for i, lv in enumerate(vocabulary.LEVEL_ORDER)}


class ReportError(YixianError, ValueError):
    """A report that cannot be made (bad year, year outside the calendar, no font for the PDF)."""

    def __init__(self, message_zh: str, message_en: str):
        super().__init__(message_zh, message_en)


@dataclass(frozen=True)
class ReportYear:
    basis: str              # "calendar" | "academic"
    label: str              # 2025年度 | 2025-2026学年
    start: date
    end: date


@dataclass(frozen=True)
class Column:
    rule_id: str
    name_zh: str
    unit: str               # 周 / 月 / 学期 / 学年: what the ratio counts


@dataclass
class Tally:
    met: int = 0
    missed: int = 0
    pending: int = 0
    exempt: int = 0

    @property
    def assessed(self) -> int:
        return self.met + self.missed

    @property
    def rate(self) -> float | None:
        return self.met / self.assessed if self.assessed else None

    def text(self) -> str:
        if self.assessed:
            return f"{self.met}/{self.assessed}"
        return "进行中" if self.pending else "免"


@dataclass
class CadreReport:
    cadre_id: str
    name: str
    unit: str
    position: str
    level: str                          # level code ('' when unknown)
    classes: list[tuple[str, date, date | None]]   # (class name, from, to or None = 至今)
    tallies: dict[str, Tally]
    rate: float | None
    conclusion: str
    activities: pd.DataFrame            # 日期 类型 场所 班级 学生人数 时长 内容
    missed: pd.DataFrame                # 工作要求 周期 开始 结束 要求 完成
    venues: tuple[str, ...]
    students: int
    sheet: str = ""                     # sheet title in the workbook

    @property
    def level_zh(self) -> str:
        return LEVEL_ZH.get(self.level, "")

    @property
    def classes_text(self) -> str:
        if not self.classes:
            return UNASSIGNED
        return "；".join(f"{n}（{a:%Y-%m-%d}至{'今' if b is None else f'{b:%Y-%m-%d}'}）" for n, a, b in self.classes)


@dataclass
class AnnualReport:
    year: ReportYear
    as_of: date
    columns: list[Column]
    cadres: list[CadreReport]
    thresholds: tuple[float, float, float]
    venue_target: int = 9
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return "领导干部担任班主任履职情况汇总表"

    @property
    def subtitle(self) -> str:
        return (f"考核期间：{self.year.label}（{self.year.start:%Y-%m-%d}至{self.year.end:%Y-%m-%d}）"
                f"　统计截至：{self.as_of:%Y-%m-%d}")

    @property
    def uses(self) -> str:
        return "用途（三个纳入）：" + "、".join(USES)

    def totals(self) -> dict[str, Tally]:
        out = {c.rule_id: Tally() for c in self.columns}
        for cr in self.cadres:
            for rid, t in cr.tallies.items():
                o = out[rid]
                o.met, o.missed, o.pending, o.exempt = (o.met + t.met, o.missed + t.missed,
                                                        o.pending + t.pending, o.exempt + t.exempt)
        return out

    def conclusion_counts(self) -> dict[str, int]:
        keys = [*GRADES, PENDING_CONCLUSION, EXEMPT_CONCLUSION]
        return {k: sum(cr.conclusion == k for cr in self.cadres) for k in keys}

    def mean_rate(self) -> float | None:
        rates = [cr.rate for cr in self.cadres if cr.rate is not None]
        return sum(rates) / len(rates) if rates else None

    def explanation(self) -> str:
        g, f, a = self.thresholds
        return ("说明：各项工作要求填“达标周期数/应考核周期数”，进行中的周期和免予考核的周期不计入；“免”表示该期间无此项职责。"
                f"完成率为各项工作要求达标率的平均值。等次建议：好（≥{g:.0%}）、较好（≥{f:.0%}）、一般（≥{a:.0%}）、"
                f"差（<{a:.0%}）；无任何职责的干部为免予考核。所带班级为考核期间内担任班主任的班级及起止日期。")


# ------------------------------------------------------------------ year
def parse_year(text: str, ev_or_cal) -> ReportYear:
    """`2025` = calendar year, `2025-2026` = academic year (must be in the calendar)."""
    cal = getattr(ev_or_cal, "cal", ev_or_cal)
    t = str(text).strip()
    if re.fullmatch(r"\d{4}", t):
        y = int(t)
        start, end = date(y, 1, 1), date(y, 12, 31)
        if cal.idx(end) < 0 or cal.idx(start) >= cal.n_days:
            raise ReportError(f"校历不包含 {y} 年的任何学期", f"the calendar has no term in {y}")
        return ReportYear("calendar", f"{y}年度", start, end)
    m = re.fullmatch(r"(\d{4})\s*[-－—–]\s*(\d{4})", t)
    if m and int(m.group(2)) == int(m.group(1)) + 1:
        P = cal.periods["year"]
        label = f"{m.group(1)}-{m.group(2)}"
        if label not in list(P.labels):
            raise ReportError(f"校历中没有 {label} 学年（有：{'、'.join(P.labels)}）", f"no academic year {label} in "
                              f"the calendar (available: {', '.join(P.labels)})")
        i = list(P.labels).index(label)
        return ReportYear("academic", f"{label}学年", cal.date_of(P.start[i]), cal.date_of(P.end[i]))
    raise ReportError(f"年度 {text!r} 应为 2025（自然年度）或 2025-2026（学年）", f"year {text!r}: expected 2025 "
                      f"(calendar year) or 2025-2026 (academic year)")


def default_year(ev: Evaluation) -> str:
    """The academic year that has started most recently by the as-of date."""
    P = ev.cal.periods["year"]
    started = np.nonzero(P.start <= ev.as_of_idx)[0]
    if not len(started):
        raise ReportError("截至日期之前没有开始的学年", "no academic year has started by the as-of date")
    return str(P.labels[started[-1]])


# ------------------------------------------------------------------ protocol order
_POSITION_RANKS = (
    (r"^(党委)?书记$|^党委书记", 0), (r"^校长$|^院长$|^部长$|^处长$|^馆长$|^主任$", 1), (r"常务副书记", 2),
    (r"副书记", 3), (r"纪委书记", 4), (r"常务副校长", 5), (r"副校长|副院长|副部长|副处长|副馆长|副主任", 6),
)


def position_rank(position: str) -> int:
    """书记, 校长/正职, 常务副书记, 副书记, 纪委书记, 常务副校长, 副校长/副职, then the rest."""
    p = (position or "").strip()
    for pattern, rank in _POSITION_RANKS:
        if re.search(pattern, p):
            return rank
    return 9


def unit_group(unit: str) -> int:
    """学校领导 0, 党群部门 1, 行政部门 2, 直属单位 3, 学院 4."""
    u = (unit or "").strip()
    if u in ("学校领导", "校领导", "校级领导"):
        return 0
    if re.search(r"党委|纪委|团委|工会|学生工作部", u):
        return 1
    if u.endswith("学院") and u != "研究生院":
        return 4
    if re.search(r"(处|办公室|研究生院|部)$", u):
        return 2
    return 3


# ------------------------------------------------------------------ content
def _roster(ev: Evaluation, cadres: pd.DataFrame | None) -> pd.DataFrame:
    n = len(ev.cadre_ids)
    info = pd.DataFrame({"cadre_id": ev.cadre_ids, "unit": [""] * n, "position": [""] * n})
    if cadres is not None and len(cadres):
        r = pd.DataFrame({c: _text(cadres.get(c), len(cadres)) for c in ("cadre_id", "unit", "position")})
        r = r.drop_duplicates("cadre_id").set_index("cadre_id")
        info["unit"] = info["cadre_id"].map(r["unit"]).fillna("")
        info["position"] = info["cadre_id"].map(r["position"]).fillna("")
    info["level"] = [lv or "" for lv in ev.levels]
    info["roster_pos"] = np.arange(n)
    unit_first = {u: i for i, u in reversed(list(enumerate(info["unit"])))}
    info["key"] = [(LEVEL_ORDER.get(lv, 3), unit_group(u) if lv != "school" else 0,
                    unit_first[u] if lv != "school" else 0, position_rank(p), i)
                   for lv, u, p, i in zip(info["level"], info["unit"], info["position"], info["roster_pos"])]
    return info


def _classes(ev: Evaluation, assignments: pd.DataFrame, lo: int, hi: int) -> dict[int, list]:
    a_c, _cls, a_s, a_e = ev._assign
    names = _text(assignments.get("class_name"), len(assignments))
    ids = _text(assignments.get("class_id"), len(assignments))
    out: dict[int, list] = {}
    nat = np.iinfo(np.int64).min
    for i in range(len(a_c)):
        s = lo if a_s[i] == nat else max(int(a_s[i]), lo)
        e = None if a_e[i] == nat or a_e[i] >= min(hi, ev.as_of_idx) else int(a_e[i])
        if a_c[i] < 0 or s > min(hi, ev.as_of_idx) or (e is not None and e < s):
            continue
        if e is None and hi < ev.as_of_idx:
            e = hi
        out.setdefault(int(a_c[i]), []).append((names[i] or ids[i], ev.cal.date_of(s),
                                                None if e is None else ev.cal.date_of(e)))
    return out


def _activities(ev: Evaluation, lo: int, hi: int) -> pd.DataFrame:
    sel = (ev.act_day >= lo) & (ev.act_day <= hi)
    L = ev.ledger

    def col(name):
        v = ev.ledger_column(name)
        return v[sel] if v is not None else np.full(int(sel.sum()), "", dtype=object)
    days = ev.act_day[sel]
    students = pd.to_numeric(pd.Series(col("students")), errors="coerce")
    minutes = pd.to_numeric(pd.Series(col("minutes")), errors="coerce")
    df = pd.DataFrame({
        "c": ev.act_c[sel], "日期": [ev.cal.date_of(d) for d in days],
        "类型": [TYPE_ZH.get(str(t), str(t)) for t in col("type")],
        "场所": ["" if pd.isna(v) else str(v) for v in col("venue")],
        "班级": ["" if pd.isna(v) else str(v) for v in col("class_id")],
        "学生人数": students.astype("Int64"), "时长": minutes.astype("Int64"),
        "内容": ["" if pd.isna(v) else str(v) for v in col("summary")],
    })
    del L
    return df.sort_values(["c", "日期"], kind="stable")


def _in_range(ev: Evaluation, year: ReportYear) -> np.ndarray:
    r = ev._rows
    lo, hi = ev.cal.idx(year.start), ev.cal.idx(year.end)
    key = (r["start"] + r["end"]) // 2 if year.basis == "calendar" else r["start"]
    return (key >= lo) & (key <= hi)


def _missed_frame(sy: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    m = sy[sy["status"] == "missed"]
    return pd.DataFrame({"工作要求": m["rule"].map(names).to_numpy(), "周期": m["period"].to_numpy(),
                         "开始": m["period_start"].dt.date.to_numpy(), "结束": m["period_end"].dt.date.to_numpy(),
                         "要求": m["required"].to_numpy(), "完成": m["done"].to_numpy()})


def annual_report(ev: Evaluation, year: str | None = None, cadres: pd.DataFrame | None = None,
                  assignments: pd.DataFrame | None = None) -> AnnualReport:
    """The report's content. `cadres` (roster) gives unit and position; `assignments` class names."""
    ry = parse_year(year or default_year(ev), ev)
    lo, hi = ev.cal.idx(ry.start), ev.cal.idx(ry.end)
    rules = list(ev.rules)
    names = {r.id: r.name_zh for r in rules}
    columns = [Column(r.id, r.name_zh, PER_ZH[r.per]) for r in rules]
    st = ev.status.loc[_in_range(ev, ry)]
    counts = st.groupby(["cadre_id", "rule", "status"]).size()
    cadres = cadres if cadres is not None else ev.roster
    info = _roster(ev, cadres)
    classes = _classes(ev, assignments if assignments is not None else ev._assign_src, lo, hi)
    acts = _activities(ev, lo, hi)
    acts_by = {c: g.drop(columns="c").reset_index(drop=True) for c, g in acts.groupby("c", sort=False)}
    missed_by = {c: g for c, g in st.groupby("cadre_id", sort=False)}
    venue_rule = next((r for r in rules if r.count == "distinct_venues"), None)
    conclusion = ev.requirements.conclusion
    out = []
    for row in sorted(info.itertuples(index=False), key=lambda r: r.key):
        ci = int(row.roster_pos)
        cid = str(row.cadre_id)
        tallies = {c.rule_id: Tally(*(int(counts.get((cid, c.rule_id, s), 0))
                                      for s in ("met", "missed", "pending", "exempt"))) for c in columns}
        rates = [t.rate for t in tallies.values() if t.rate is not None]
        rate = sum(rates) / len(rates) if rates else None
        if rate is not None:
            concl = conclusion.grade(rate)
        elif any(t.pending for t in tallies.values()):
            concl = PENDING_CONCLUSION
        else:
            concl = EXEMPT_CONCLUSION
        a = acts_by.get(ci, acts.drop(columns="c").iloc[0:0])
        vs = a.loc[a["场所"] != "", "场所"] if venue_rule is None else a.loc[a["场所"].isin(
            [v for v in VENUES if v not in venue_rule.exclude_venues]), "场所"]
        sy = missed_by.get(cid, st.iloc[0:0])
        out.append(CadreReport(
            cadre_id=cid, name=ev.names.get(cid, ""), unit=str(row.unit), position=str(row.position),
            level=str(row.level), classes=classes.get(ci, []), tallies=tallies, rate=rate, conclusion=concl,
            activities=a, missed=_missed_frame(sy, names),
            venues=tuple(v for v in VENUES if v in set(vs)), students=int(a["学生人数"].fillna(0).sum())))
    c = ev.requirements.conclusion
    return AnnualReport(ry, ev.as_of, columns, out, (c.good, c.fairly_good, c.average),
                        venue_rule.at_least if venue_rule else 9)


def build_report(cal, assignments: pd.DataFrame, ledger: pd.DataFrame, exemptions: pd.DataFrame | None,
                 requirements, cadres: pd.DataFrame, year: str, as_of=None) -> AnnualReport:
    """Plain data in (what a service loads from the store), the report's content out."""
    ev = Evaluation(cal, assignments, ledger, exemptions, requirements, as_of=as_of, cadres=cadres)
    return annual_report(ev, year, cadres, assignments)


def annual_report_xlsx(ev: Evaluation, year: str | None = None, cadres: pd.DataFrame | None = None) -> bytes:
    """Compatibility entry (the coverage page's download): the fileable workbook as bytes."""
    from .report_xlsx import write_xlsx
    return write_xlsx(annual_report(ev, year, cadres))
