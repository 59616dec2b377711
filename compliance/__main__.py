"""`python -m compliance check …` and `python -m compliance report …` (formats.md, Command line).

Exit 0 done; 2 invalid input — every problem listed on stderr and nothing written.
Inputs are read through the importer, exactly as the app reads them.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

STATUS_CSV_COLUMNS = ["cadre_id", "rule", "period", "required", "done", "status"]


def _lang(arg: str | None) -> str:
    if arg:
        return arg
    env = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "en" if env and not env.lower().startswith("zh") and env not in ("C", "C.UTF-8", "POSIX") else "zh"


def _pick(zh: str, en: str, lang: str) -> str:
    return en if lang == "en" else zh


def _split(msg: str, lang: str) -> str:
    """Our own messages are 'Chinese / English'; show the user's language."""
    if " / " in msg:
        zh, _, en = msg.partition(" / ")
        return en if lang == "en" else zh
    return msg


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _table_bytes(df: pd.DataFrame, path: str) -> bytes:
    # the importer's writers: UTF-8-BOM CSV or xlsx by --out's extension; user text never a formula
    from importer.writers import frame_csv, frame_xlsx, out_format

    return frame_xlsx(df, "status") if out_format(path) == "xlsx" else frame_csv(df)


class _Inputs:
    """Every input file of a subcommand read through the importer; `problems` lists what is wrong."""

    def __init__(self, args: argparse.Namespace, lang: str, roster: bool = False):
        from importer import ImportFailed, read_calendar

        from . import Calendar, CalendarError, RulesError, load_requirements

        self.lang, self.problems = lang, []
        self.cal = None
        if not Path(args.calendar).is_file():
            self.problems.append(_pick(f"{args.calendar}: 文件不存在", f"{args.calendar}: file not found", lang))
        else:
            try:
                self.cal = Calendar(read_calendar(args.calendar))
            except ImportFailed as e:
                self.problems.extend(pr.message(lang) for pr in e.problems)
            except CalendarError as e:
                self.problems.extend(f"{args.calendar}: {_split(m, lang)}" for m in e.problems)
        self.cadres = self.read("cadres", args.cadres) if roster else None
        self.assignments = self.read("assignment", args.assignments)
        self.ledger = self.read("ledger", args.ledger)
        self.exemptions = self.read("exemptions", args.exemptions)
        self.rules = None
        try:
            self.rules = load_requirements(args.rules)
        except RulesError as e:
            self.problems.extend(_split(m, lang) for m in e.problems)
        self.as_of = date.today()
        if args.as_of is not None:
            try:
                self.as_of = date.fromisoformat(args.as_of)
            except ValueError:
                self.problems.append(_pick(f"--as-of {args.as_of!r}: 日期格式应为 YYYY-MM-DD",
                                           f"--as-of {args.as_of!r}: expected a date YYYY-MM-DD", lang))

    def read(self, kind: str, path: str | None):
        from importer import ImportFailed, read_file
        if path is None:
            return None
        p = Path(path)
        if not p.is_file():
            self.problems.append(_pick(f"{path}: 文件不存在", f"{path}: file not found", self.lang))
            return None
        try:
            return read_file(kind, str(p), filename=p.name)
        except ImportFailed as e:
            self.problems.extend(pr.message(self.lang) for pr in e.problems)
        return None

    def refuse(self) -> int:
        """Print every problem on stderr; exit status 2 (nothing written)."""
        lang = self.lang
        print(_pick(f"输入有误，未写出任何文件（共 {len(self.problems)} 处问题）：",
                    f"Invalid input, nothing written ({len(self.problems)} problem(s)):", lang), file=sys.stderr)
        for p in self.problems:
            print(f"- {p}", file=sys.stderr)
        return 2


def check(args: argparse.Namespace) -> int:
    from .engine import Evaluation
    from .forecast import forecast, reminders
    from .rollups import compliance_rate, on_track

    lang = _lang(args.lang)
    from importer.writers import out_format

    inp = _Inputs(args, lang)
    if out_format(args.out) is None:
        inp.problems.append(_pick(f"--out {args.out}: 只能写 .csv 或 .xlsx 文件",
                                  f"--out {args.out}: the output must be a .csv or .xlsx file", lang))
    if inp.problems:
        return inp.refuse()
    cal, assignments, ledger, exemptions = inp.cal, inp.assignments, inp.ledger, inp.exemptions
    as_of = inp.as_of

    ev = Evaluation(cal, assignments, ledger, exemptions, inp.rules, as_of=as_of)
    rules = ev.rules
    st = ev.status
    known = set(ev.cadre_ids)
    unknown = int((~ledger["cadre_id"].isin(known)).sum()) if len(ledger) else 0
    if unknown:
        print(_pick(f"提示：台账中有 {unknown} 条活动的工号不在分配结果中，已忽略",
                    f"Note: {unknown} ledger row(s) name a cadre that is not in the assignment; ignored", lang),
              file=sys.stderr)
    out_bytes = _table_bytes(st[STATUS_CSV_COLUMNS], args.out)
    summary_bytes = None
    if args.summary:
        fc = forecast(ev)
        ot = on_track(fc)
        rate = compliance_rate(st)
        by_rule = {}
        for rule in rules:
            g = rate[rate["rule"] == rule.id]
            met, missed = int(g["met"].sum()), int(g["missed"].sum())
            by_rule[rule.id] = {"name_zh": rule.name_zh, "name_en": rule.name_en, "per": rule.per,
                                "at_least": rule.at_least, "met": met, "missed": missed,
                                "pending": int(g["pending"].sum()), "exempt": int(g["exempt"].sum()),
                                "rate": round(met / (met + missed), 6) if met + missed else None}
        counts = st["status"].value_counts()
        summary = {
            "as_of": as_of.isoformat(),
            "calendar": [t.name for t in cal.terms],
            "cadres": len(ev.cadre_ids),
            "rows": len(st),
            "status": {s: int(counts.get(s, 0)) for s in ("met", "missed", "pending", "exempt")},
            "rules": by_rule,
            "on_track": int(ot["on_track"].sum()),
            "off_track": int((~ot["on_track"]).sum()),
            "reminders": len(reminders(ev, fc)),
            "activities_counted": len(ev.act_c),
            "activities_ignored_unknown_cadre": unknown,
        }
        summary_bytes = json.dumps(summary, ensure_ascii=False, indent=2, default=_json_default).encode("utf-8")
    _atomic_write(Path(args.out), out_bytes)
    if summary_bytes is not None:
        _atomic_write(Path(args.summary), summary_bytes)
    counts = st["status"].value_counts()
    print(_pick(f"已写出 {args.out}（截至 {as_of}）：{len(st)} 行（达标 {counts.get('met', 0)}，未达标 {counts.get('missed', 0)}，"
                f"进行中 {counts.get('pending', 0)}，免予考核 {counts.get('exempt', 0)}）",
                f"Wrote {args.out} (as of {as_of}): {len(st)} rows (met {counts.get('met', 0)}, missed {counts.get('missed', 0)}, "
                f"pending {counts.get('pending', 0)}, exempt {counts.get('exempt', 0)})", lang))
    return 0


def report(args: argparse.Namespace) -> int:
    """`python -m compliance report …`: the annual 履职 report (xlsx, optionally PDF)."""
    from .report import ReportError, build_report, parse_year
    from .report_xlsx import write_xlsx

    lang = _lang(args.lang)
    inp = _Inputs(args, lang, roster=True)
    if inp.cal is not None:
        try:
            parse_year(args.year, inp.cal)
        except ReportError as e:
            inp.problems.append(f"--year: {e.message(lang)}")
    for flag, path, ext in (("--out", args.out, ".xlsx"), ("--pdf", args.pdf, ".pdf")):
        if path is not None and not path.lower().endswith(ext):
            inp.problems.append(_pick(f"{flag} {path}: 文件名应以 {ext} 结尾", f"{flag} {path}: expected a {ext} file", lang))
    if args.pdf:
        from .report_pdf import font_path
        try:
            font_path()
        except ReportError as e:
            inp.problems.append(f"--pdf: {e.message(lang)}")
    if inp.problems:
        return inp.refuse()
    rep = build_report(inp.cal, inp.assignments, inp.ledger, inp.exemptions, inp.rules, inp.cadres, args.year,
                       as_of=inp.as_of)
    xlsx = write_xlsx(rep)
    pdf = None
    if args.pdf:
        from .report_pdf import write_pdf
        pdf = write_pdf(rep)
    _atomic_write(Path(args.out), xlsx)
    if pdf is not None:
        _atomic_write(Path(args.pdf), pdf)
    counts = "，".join(f"{k}{v}人" for k, v in rep.conclusion_counts().items() if v)
    print(_pick(f"已写出 {args.out}{'、' + args.pdf if args.pdf else ''}：{rep.year.label}，{len(rep.cadres)} 名干部"
                f"（{counts}），统计截至 {rep.as_of}",
                f"Wrote {args.out}{' and ' + args.pdf if args.pdf else ''}: {rep.year.label}, {len(rep.cadres)} cadres, "
                f"as of {rep.as_of}", lang))
    return 0


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    return str(o)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m compliance", description="六个一/九进 履职核查 (compliance check)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check", help="status per cadre, rule and period -> status.csv")
    c.add_argument("--calendar", required=True, help="校历 calendar TOML")
    c.add_argument("--assignments", required=True, help="分配结果 assignment (.xlsx/.csv), optional start/end")
    c.add_argument("--ledger", required=True, help="工作台账 ledger (.xlsx/.csv)")
    c.add_argument("--exemptions", help="请假/公差 exemptions (.xlsx/.csv)")
    c.add_argument("--rules", help="rules TOML (default: compliance/default_rules.toml)")
    c.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
    c.add_argument("--out", required=True, help="status.csv (or .xlsx) to write")
    c.add_argument("--summary", help="summary JSON to write")
    c.add_argument("--lang", choices=("zh", "en"), help="message language (default from LANG)")
    r = sub.add_parser("report", help="annual report for 三个纳入 -> report.xlsx [report.pdf]")
    r.add_argument("--calendar", required=True, help="校历 calendar TOML")
    r.add_argument("--assignments", required=True, help="分配结果 assignment (.xlsx/.csv), optional start/end")
    r.add_argument("--ledger", required=True, help="工作台账 ledger (.xlsx/.csv)")
    r.add_argument("--cadres", required=True, help="干部名单 roster (.xlsx/.csv): every cadre appears")
    r.add_argument("--exemptions", help="请假/公差 exemptions (.xlsx/.csv)")
    r.add_argument("--rules", help="requirements TOML (default: compliance/default_rules.toml)")
    r.add_argument("--year", required=True, help="2025 = calendar year (年度考核), 2025-2026 = academic year")
    r.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today)")
    r.add_argument("--out", required=True, help="report.xlsx to write")
    r.add_argument("--pdf", help="report.pdf to write (same content)")
    r.add_argument("--lang", choices=("zh", "en"), help="message language (default from LANG)")
    args = ap.parse_args(argv)
    return report(args) if args.cmd == "report" else check(args)


if __name__ == "__main__":
    raise SystemExit(main())
