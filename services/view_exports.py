"""Downloads the Coverage page offers besides the annual report: the reminder list as xlsx.

User text (names, rule names, reasons) is written as text cells (`data_type = "s"`), so a name such
as `=1+1` stays text in Excel and never becomes a formula.
"""
from __future__ import annotations

import io
from datetime import date

import numpy as np
import pandas as pd

REMINDER_HEADERS = {"cadre_id": "工号", "name": "姓名", "college": "学院", "rule_name": "规则", "period": "周期",
                    "period_end": "截止日期", "required": "要求", "done": "已完成", "missing": "还差",
                    "days_left": "剩余可用天数", "reason_zh": "提醒事项"}
WIDTHS = (12, 10, 16, 26, 14, 12, 6, 8, 6, 12, 60)


def _cell_value(column: str, value):
    if column == "period_end":
        return pd.Timestamp(value).date()
    if isinstance(value, np.integer):
        return int(value)
    return value


def reminders_xlsx(rem: pd.DataFrame, as_of: date) -> bytes:
    """The reminder list (who must act this week, as services.coverage.view gave it) with Chinese headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "本周提醒"
    ws.append([f"本周需提醒的领导干部（截至 {as_of}）"])
    ws["A1"].font = Font(bold=True, size=13)
    cols = list(REMINDER_HEADERS)
    ws.append([REMINDER_HEADERS[c] for c in cols])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for values in rem[cols].itertuples(index=False):
        r = ws.max_row + 1
        for j, (c, v) in enumerate(zip(cols, values), start=1):
            cell = ws.cell(r, j)
            v = _cell_value(c, v)
            if isinstance(v, str):
                cell.value = v
                cell.data_type = "s"      # text, even when it starts with "="
            else:
                cell.value = v
        ws.cell(r, cols.index("period_end") + 1).number_format = "yyyy-mm-dd"
    for letter, width in zip("ABCDEFGHIJK", WIDTHS):
        ws.column_dimensions[letter].width = width
    from importer.writers import neutralise_formulas  # the one text-safety pass every export makes

    buf = io.BytesIO()
    neutralise_formulas(wb).save(buf)
    return buf.getvalue()
