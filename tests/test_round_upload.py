"""Excel round trip (issue 12) on the demo university: the review table with every explanation column as
xlsx, and an edited assignment uploaded as a new revision — checked against every rule, named per row,
nothing written on any problem, the saved revision reproducible without claiming a solver made it."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from importer import Problem
from services import round_lifecycle as lifecycle
from services import round_solve as solving
from services import round_upload as upload
from services.access import AccessDenied
from tests.fixtures_app import demo_user, run_page
from tests.test_app_rounds import solved_round

FIRST_DATA_ROW = 3          # title row, header row, then the pairs


def admin():
    return demo_user("admin")


@pytest.fixture
def solved(demo_db) -> int:
    return solved_round()


def _sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _edited(data: bytes, changes: dict[str, str]) -> bytes:
    """The exported file with the class column of some cadres changed (as an office does in Excel)."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb.active
    head = [c.value for c in ws[2]]
    ci, ki = head.index("工号(cadre_id)") + 1, head.index("班级编号(class_id)") + 1
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        cid = ws.cell(r, ci).value
        if cid in changes:
            ws.cell(r, ki).value = changes[cid]
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rows_of(data: bytes) -> dict[str, int]:
    ws = _sheet(data)
    head = [c.value for c in ws[2]]
    ci = head.index("工号(cadre_id)") + 1
    return {ws.cell(r, ci).value: r for r in range(FIRST_DATA_ROW, ws.max_row + 1)}


def _swappable(info) -> tuple[str, str, str, str]:
    """Two unlocked cadres of one level advising classes of one college, named by no rule: swapping
    them keeps every count (quotas, level caps) and breaks nothing."""
    a = info.assignment.merge(info.inputs["cadres"][["cadre_id", "level", "unit", "capacity"]], on="cadre_id")
    named = set(info.inputs["constraints"]["cadre_id"]) | set(info.inputs["constraints"]["class_id"])
    a = a[(a["capacity"] == 1) & ~a["locked"] & ~a["cadre_id"].isin(named) & ~a["class_id"].isin(named)
          & (a["unit"] != a["college"])]
    for _, g in a.groupby(["college", "level"]):
        if len(g) >= 2:
            x, y = g.iloc[0], g.iloc[1]
            return x["cadre_id"], x["class_id"], y["cadre_id"], y["class_id"]
    raise AssertionError("the demo has no two cadres to swap")


def test_review_export_has_every_explanation_column_and_is_marked_draft(solved):
    data = upload.review_xlsx(admin(), solved)
    ws = _sheet(data)
    assert "草稿" in ws["A1"].value
    head = [c.value for c in ws[2]]
    for h in ("工号(cadre_id)", "班级编号(class_id)", "总分(score)", "专长分(part_expertise)", "意向分(part_preference)",
              "满足意向(preference_rank)", "理由(reason)", "第一意向未满足的原因", "单位", "层级"):
        assert h in head, h
    info = lifecycle.get_round(admin(), solved)
    assert ws.max_row - 2 == len(info.assignment)
    ids = head.index("工号(cadre_id)") + 1
    assert all(ws.cell(r, ids).data_type == "s" for r in range(FIRST_DATA_ROW, ws.max_row + 1))
    why = head.index("第一意向未满足的原因") + 1
    rank = head.index("满足意向(preference_rank)") + 1
    unmet = [r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, why).value]
    assert unmet and all(ws.cell(r, rank).value != 1 for r in unmet)


def test_user_text_stays_text_in_the_export(solved):
    info = lifecycle.get_round(admin(), solved)
    a = info.assignment.copy()
    a.loc[0, "name"] = "=HYPERLINK(\"http://x\")"
    import dataclasses
    df = upload.review_table(dataclasses.replace(info, assignment=a))
    assert df.loc[df["cadre_id"] == a.loc[0, "cadre_id"], "name"].iloc[0].startswith("=")
    # the workbook writer turns any would-be formula into text
    data = upload.review_xlsx(admin(), solved)
    assert not any(c.data_type == "f" for row in _sheet(data).iter_rows() for c in row)


def test_unchanged_file_becomes_a_hand_made_revision_that_reproduces(solved):
    data = upload.review_xlsx(admin(), solved)
    check = upload.check_upload(admin(), solved, data, "审核表.xlsx")
    assert check.ok and check.changed == 0
    new = upload.upload_revision(admin(), solved, data, "审核表.xlsx")
    old_info, info = lifecycle.get_round(admin(), solved), lifecycle.get_round(admin(), new)
    assert old_info.status == "archived" and info.status == "draft" and info.parent_id == solved
    assert info.result["hand_made"]["file"] == "审核表.xlsx" and info.result["status"] == "feasible"
    assert info.parameters["revision_of"] == solved
    solving.forget_results()
    rep = solving.reproduce(admin(), new)
    assert rep.same and rep.hand_made and rep.status == "hand_made"
    assert solving.result_for(admin(), new) is not None      # explanations work without a solve


def test_a_swap_in_a_minimal_csv_is_saved_with_its_scores(solved):
    info = lifecycle.get_round(admin(), solved)
    x, kx, y, ky = _swappable(info)
    a = info.assignment[["cadre_id", "class_id"]].copy()
    a.loc[a["cadre_id"] == x, "class_id"] = ky
    a.loc[a["cadre_id"] == y, "class_id"] = kx
    raw = a.to_csv(index=False).encode("utf-8")
    check = upload.check_upload(admin(), solved, raw, "pairs.csv")
    assert check.ok, [p.message() for p in check.problems]
    assert check.changed == 2
    new = upload.upload_revision(admin(), solved, raw, "pairs.csv")
    got = lifecycle.get_round(admin(), new).assignment
    assert got.loc[got["cadre_id"] == x, "class_id"].iloc[0] == ky
    assert got["reason"].notna().all()
    assert solving.reproduce(admin(), new).same


def test_every_violation_is_named_per_row_and_nothing_is_written(solved):
    info = lifecycle.get_round(admin(), solved)
    data = upload.review_xlsx(admin(), solved)
    rows = _rows_of(data)
    x, _kx, y, ky = _swappable(info)
    bad = _edited(data, {x: ky, y: "NO-SUCH-CLASS"})       # x joins y's class; y names no class
    n_rounds = len(lifecycle.list_rounds(admin()))
    check = upload.check_upload(admin(), solved, bad, "改过的.xlsx")
    assert not check.ok
    where = {(p.row, p.column, p.value) for p in check.problems}
    assert (rows[y], "班级编号(class_id)", "NO-SUCH-CLASS") in where
    assert all(p.file == "改过的.xlsx" for p in check.problems)
    # and in the same pass, the rules: y is left with no class although its capacity is 1
    assert (None, "工号(cadre_id)", y) in where
    with pytest.raises(upload.UploadRefused) as err:
        upload.upload_revision(admin(), solved, bad, "改过的.xlsx")
    assert len(err.value.detail_lines("zh")) == len(check.problems)
    assert len(lifecycle.list_rounds(admin())) == n_rounds
    assert lifecycle.get_round(admin(), solved).status == "draft"


def test_two_advisers_for_one_class_named_at_both_rows(solved):
    info = lifecycle.get_round(admin(), solved)
    data = upload.review_xlsx(admin(), solved)
    rows = _rows_of(data)
    x, _kx, y, ky = _swappable(info)
    check = upload.check_upload(admin(), solved, _edited(data, {x: ky}), "f.xlsx")
    two = [p for p in check.problems if p.expected_zh == "每个班级只能有一名班主任"]
    assert {p.row for p in two} == {rows[x], rows[y]} and {p.value for p in two} == {ky}


def test_planner_may_export_but_not_upload(solved):
    planner = demo_user("planner")
    assert upload.review_xlsx(planner, solved)
    with pytest.raises(AccessDenied):
        upload.check_upload(planner, solved, b"cadre_id,class_id\n", "x.csv")


# ------------------------------------------------------------------ the page (AppTest)

def _page(as_role, role, rid, lang="zh"):
    from ui.rounds.state import Keys
    return run_page(as_role, "pages/rounds.py", role, lang, {Keys.PICK: rid, Keys.SECTION: "roundtrip"},
                    timeout=60)


def _frame_with(at, column):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_page_round_trip_problems_then_save(solved, as_role):
    from ui.rounds.state import Keys
    info = lifecycle.get_round(admin(), solved)
    x, _kx, _y, ky = _swappable(info)
    data = upload.review_xlsx(admin(), solved)
    at = _page(as_role, "admin", solved)
    assert not at.exception
    at.file_uploader(key=Keys.roundtrip_upload(solved)).upload("审核表.xlsx", _edited(data, {x: ky})).run()
    assert not at.exception
    assert any("未保存" in e.value for e in at.error)
    table = _frame_with(at, "应为")
    assert list(table.columns) == ["文件", "行号", "列", "值", "应为"]
    assert (table["应为"] == "每个班级只能有一名班主任").sum() == 2
    n_before = len(lifecycle.list_rounds(admin()))
    assert not [b for b in at.button if b.key == Keys.ROUNDTRIP_SAVE]
    at.file_uploader(key=Keys.roundtrip_upload(solved)).upload("审核表.xlsx", data).run()
    assert any("校验通过" in s.value for s in at.success)
    at.button(key=Keys.ROUNDTRIP_SAVE).click().run()
    assert not at.exception
    assert len(lifecycle.list_rounds(admin())) == n_before + 1
    new = at.session_state[Keys.PICK]
    assert new != solved and lifecycle.get_round(admin(), new).result["hand_made"]


def test_page_round_trip_in_english_and_for_a_planner(solved, as_role):
    at = _page(as_role, "planner", solved)
    assert not at.exception
    assert not [u for u in at.get("file_uploader")]          # planner: download only
    at = _page(as_role, "admin", solved, lang="en")
    assert not at.exception
    # (AppTest's widget setters format options in the test process, in Chinese: no upload in English mode)
    assert next(d.proto.label for d in at.get("download_button")).startswith("Download the review table")
    assert at.get("file_uploader")[0].proto.label == "Choose a file (xlsx / csv)"
    refused = upload.UploadRefused("有问题", "problems", problems=[
        Problem("f.xlsx", 3, "班级编号(class_id)", "K1", "每个班级只能有一名班主任",
                                       "a class has one adviser only")])
    assert refused.detail_lines("en") == ["f.xlsx, row 3, column '班级编号(class_id)', value 'K1': a class has one adviser only"]
