"""Import speed: `python -m importer.bench [--rows N]` prints rows/s for CSV and xlsx.

Generates a synthetic ledger (the largest kind in practice) deterministically, writes it with
our own writers and reads it back through `read_file`, checking the frames match.
"""
from __future__ import annotations

import argparse
import time

import pandas as pd

from . import read_file, write_csv, write_xlsx

_TYPES = ["听课", "面对面交流", "党课/思政课", "向党委汇报", "集体活动/社会实践"]
_VENUES = ["课堂", "宿舍", "食堂", "", "活动现场"]


def _ledger_csv(n: int) -> bytes:
    lines = ["工号,日期,类型,场所,班级编号,学生人数,时长,内容"]
    for i in range(n):
        t = i % len(_TYPES)
        lines.append(f"T{i % 800:04d},2025年{9 + i % 4}月{1 + i % 28}日,{_TYPES[t]},{_VENUES[t]},"
                     f"C{i % 500:04d},{i % 40},{30 + i % 90},第{i}次活动")
    return "\n".join(lines).encode("gb18030")     # what Excel on a Chinese Windows writes


def _time(fn, repeat: int = 1) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=20000)
    args = ap.parse_args(argv)
    n = args.rows
    raw = _ledger_csv(n)
    df = read_file("ledger", raw, filename="ledger.csv")
    csv_bytes, xlsx_bytes = write_csv("ledger", df), write_xlsx("ledger", df)

    t_gbk = _time(lambda: read_file("ledger", raw, filename="ledger.csv"))
    t_csv = _time(lambda: read_file("ledger", csv_bytes, filename="ledger.csv"))
    t_xlsx = _time(lambda: read_file("ledger", xlsx_bytes, filename="ledger.xlsx"))
    pd.testing.assert_frame_equal(read_file("ledger", xlsx_bytes, filename="ledger.xlsx"), df)

    print(f"ledger rows: {n}")
    print(f"  GB18030 CSV (Chinese dates/types): {t_gbk:6.2f} s  {n / t_gbk:9.0f} rows/s")
    print(f"  UTF-8-BOM CSV (written by Yixian): {t_csv:6.2f} s  {n / t_csv:9.0f} rows/s")
    print(f"  xlsx (written by Yixian):          {t_xlsx:6.2f} s  {n / t_xlsx:9.0f} rows/s"
          f"  (xlsx/csv ratio {t_xlsx / t_csv:.1f}x; most of it is openpyxl parsing XML)")


if __name__ == "__main__":
    main()
