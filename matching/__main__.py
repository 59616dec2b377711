"""python -m matching solve --cadres F --classes F [--preferences F] [--constraints F] [--scores F]
        [--previous F] [--config F.toml] --out assignment.csv|.xlsx [--report report.json] [--lang zh|en]

Exit status: 0 done; 2 invalid input (every problem on stderr, nothing written);
3 infeasible (diagnosis on stderr and in the report). Files are read through the importer.
Vocabulary warnings (an expertise, unit or tag no fit-table row mentions) go to stderr; the solve
still runs. The assignment file's `reason` column says why each pair (in --lang).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

KIND_ARGS = ("cadres", "classes", "preferences", "constraints", "scores", "previous")


def _atomic_write(path: str, data: bytes) -> None:
    # never leave a half-written file behind
    d = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".yixian-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m matching")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("solve", help="solve one assignment round / 求解一轮分配")
    s.add_argument("--cadres", required=True)
    s.add_argument("--classes", required=True)
    for k in ("preferences", "constraints", "scores", "previous"):
        s.add_argument(f"--{k}")
    s.add_argument("--config")
    s.add_argument("--out", required=True)
    s.add_argument("--report")
    s.add_argument("--lang", choices=("zh", "en"), default="zh")
    a = ap.parse_args(argv)
    lang = a.lang
    err = sys.stderr

    from importer import ImportFailed, read_bundle, write_csv, write_xlsx
    from importer.writers import out_format

    from .config import ConfigError, load_config
    from .model import InputError, MatchingInput

    sources = {k: getattr(a, k) for k in KIND_ARGS if getattr(a, k)}
    problems: list[str] = []
    fmt = out_format(a.out)
    if fmt is None:
        problems.append(f"--out {a.out}: 只能写 .csv 或 .xlsx 文件" if lang == "zh"
                        else f"--out {a.out}: the output must be a .csv or .xlsx file")
    for k, p in sources.items():
        if not Path(p).is_file():
            problems.append(f"{p}: 文件不存在 ({k})" if lang == "zh" else f"{p}: file not found ({k})")
    cfg = None
    try:
        cfg = load_config(a.config)
    except ConfigError as e:
        problems += e.problems
    if problems:
        print("\n".join(problems), file=err)
        return 2
    try:
        bundle = read_bundle(sources)
    except ImportFailed as e:
        print(e.message(lang), file=err)
        return 2
    from .api import solve
    from .vocab_check import check
    if bundle.get("scores") is None:
        for w in check(bundle["cadres"], bundle["classes"], cfg):
            print(w.message(lang), file=err)
    inp = MatchingInput(bundle["cadres"], bundle["classes"], bundle.get("preferences"), bundle.get("constraints"),
                        bundle.get("scores"), bundle.get("previous"))

    def progress(frac, msg):
        pass

    try:
        res = solve(inp, cfg, progress=progress)
    except InputError as e:
        print(e.message(lang), file=err)
        return 2
    report = json.dumps(res.report, ensure_ascii=False, indent=2).encode("utf-8")
    if res.status == "infeasible":
        head = "无可行分配：以下规则不能同时满足" if lang == "zh" else "No feasible assignment: these rules clash"
        print(head, file=err)
        for c in res.diagnosis:
            print("  - " + c.message(lang), file=err)
        if a.report:
            _atomic_write(a.report, report)
        return 3
    if res.status not in ("optimal", "feasible"):
        print(f"求解未完成：{res.status}" if lang == "zh" else f"solve did not finish: {res.status}", file=err)
        return 1
    out = res.assignment.assign(reason=res.verified_reasons(lang))
    _atomic_write(a.out, (write_xlsx if fmt == "xlsx" else write_csv)("assignment", out))
    if a.report:
        _atomic_write(a.report, report)
    r = res.report
    msg = (f"{r['status']}：{len(res.assignment)} 对，目标值 {r['objective']}，用时 {r['seconds']} 秒"
           if lang == "zh" else
           f"{r['status']}: {len(res.assignment)} pairs, objective {r['objective']}, {r['seconds']} s")
    print(msg, file=err)
    return 0


if __name__ == "__main__":
    sys.exit(main())
