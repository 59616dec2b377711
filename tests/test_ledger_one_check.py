"""Issue 12 (5): one validation for ledger rows, form and file alike — a future-dated activity the
ledger form refuses is refused by a ledger import too, naming file, row, column and value."""
from __future__ import annotations

from datetime import date

import pytest

import importer
from services import ledger, uploads
from tests.fixtures_app import demo_user

HEAD = "编号,工号,日期,类型,场所,班级编号,学生人数,时长,内容\n"
ROW = "X-{n},19880147,{d},面对面交流,食堂,2025090202,4,30,交流\n"


def _csv(*dates: str) -> bytes:
    return (HEAD + "".join(ROW.format(n=k, d=d) for k, d in enumerate(dates))).encode("utf-8")


def test_importer_refuses_a_future_row_given_today():
    data = _csv("2025-09-08", "2025-10-02")
    assert len(importer.read_file("ledger", data, filename="台账.csv", today=date(2025, 10, 2))) == 2
    with pytest.raises(importer.ImportFailed) as err:
        importer.read_file("ledger", data, filename="台账.csv", today=date(2025, 10, 1))
    [p] = err.value.problems
    assert (p.file, p.row, p.column, str(p.value)) == ("台账.csv", 3, "日期", "2025-10-02")
    assert "未来" in p.expected_zh and "future" in p.expected_en


def _demo_pair() -> tuple[str, str, str]:
    """A cadre, their class and a past day from the committed demo ledger's first row."""
    from store.bootstrap import DEMO_DIR
    cells = (DEMO_DIR / "ledger.csv").read_text(encoding="utf-8").splitlines()[1].split(",")
    return cells[1], cells[5], cells[2]


def test_form_and_file_refuse_the_same_future_row(demo_db):
    admin = demo_user("admin")
    cadre, klass, day = _demo_pair()
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    form = ledger.check_activity(admin, {"cadre_id": cadre, "date": tomorrow, "type": "face_to_face",
                                         "venue": "canteen", "class_id": klass, "students": 4})
    assert not form.ok and any("不能记录未来的活动" in x for x in form.problems_zh)
    rows = "".join(f"X-{k},{cadre},{d},面对面交流,食堂,{klass},4,30,交流\n"
                   for k, d in enumerate((day, tomorrow.isoformat())))
    parsed = uploads.parse_upload(admin, "ledger", (HEAD + rows).encode("utf-8"), "台账.csv")
    assert parsed.frame is None
    assert [(q.row, q.column) for q in parsed.problems] == [(3, "日期")]


def test_a_big_ledger_file_on_the_fast_path_is_checked_too():
    """The demo's 6,450-row ledger (read column by column) with one row dated after today."""
    from store.bootstrap import DEMO_DIR
    lines = (DEMO_DIR / "ledger.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    import pandas as pd
    last = pd.to_datetime(pd.Series([line.split(",")[2] for line in lines[1:]]), format="mixed").max().date()
    assert len(importer.read_file("ledger", "".join(lines).encode(), filename="台账.csv",
                                  today=last)) == len(lines) - 1
    after = date.fromordinal(last.toordinal() + 1).isoformat()
    cells = lines[100].split(",")
    cells[2] = after
    lines[100] = ",".join(cells)
    with pytest.raises(importer.ImportFailed) as err:
        importer.read_file("ledger", "".join(lines).encode(), filename="台账.csv", today=last)
    assert [(p.row, p.column, str(p.value)) for p in err.value.problems] == [(101, "日期", after)]
