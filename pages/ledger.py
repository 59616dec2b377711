"""工作台账 / My ledger: a cadre records activities with students and sees their own progress.

A cadre sees and edits only their own ledger (their id comes from the login, never from a widget);
an admin may pick any cadre.
"""
from __future__ import annotations

import streamlit as st

from ui.auth import guard
from ui.i18n import lang, tr

user = guard("cadre", "admin")

# Imported after the guard: nothing loads before login.
from compliance.rules import VENUES
from services import compliance_view as cv
from store.errors import StoreError
from ui.tables import display_frame


@st.cache_resource(max_entries=2, show_spinner=False)
def load_inputs(version: str) -> cv.Inputs:
    # keyed by the store version, so a write (here or elsewhere) is seen on the next run
    return cv.load_inputs(version)


def show_table(df, **kw) -> None:
    # a keyed container around each table: tests find tables by key (st.dataframe's own key is not addressable)
    with st.container(key=f"{kw['key']}_box"):
        st.dataframe(df, **kw)


st.title(tr("工作台账", "My ledger"))
inputs = load_inputs(cv.store_version())

if user.role == "cadre":
    cadre_id = user.cadre_id
    if not cadre_id:
        st.error(tr("您的账号未关联干部工号，请联系组织部。", "Your account is not linked to a cadre; ask the organization department."))
        st.stop()
else:
    cad = inputs.cadres
    names = dict(zip(cad["cadre_id"], cad["name"]))
    cadre_id = st.selectbox(tr("选择干部", "Cadre"), list(cad["cadre_id"]),
                            format_func=lambda c: f"{names.get(c, '')}（{c}）", key="ledger_cadre")
    if cadre_id is None:
        st.info(tr("尚无干部名单。", "No cadres loaded yet."))
        st.stop()

cadre_row = inputs.cadres.loc[inputs.cadres["cadre_id"] == cadre_id]
cadre_name = str(cadre_row["name"].iloc[0]) if len(cadre_row) else ""
st.caption(f"{cadre_name}（{cadre_id}）")
classes = cv.cadre_classes(inputs, cadre_id)
as_of = cv.default_as_of(inputs)
type_label = cv.TYPE_ZH if lang() == "zh" else cv.TYPE_EN

# ---------------------------------------------------------------- record an activity
with st.form("ledger_form", clear_on_submit=False, border=True):
    st.subheader(tr("记录活动", "Record an activity"))
    c1, c2, c3 = st.columns(3)
    day = c1.date_input(tr("日期", "Date"), value=as_of, key="ledger_date", format="YYYY-MM-DD")
    # the weekly face-to-face contact is what a cadre records most often: list it first
    types = ["face_to_face", *[t for t in cv.TYPE_ZH if t != "face_to_face"]]
    typ = c2.selectbox(tr("类型", "Type"), types, format_func=lambda t: type_label[t], key="ledger_type")
    venue = c3.selectbox(tr("场所（九进）", "Venue (nine venues)"), ["", *VENUES],
                         format_func=lambda v: v or tr("（不填，仅“向党委汇报”可不填）", "(none — only for a report)"),
                         key="ledger_venue")
    class_names = dict(zip(classes["class_id"], classes["class_name"]))
    c4, c5, c6 = st.columns(3)
    class_id = c4.selectbox(tr("班级", "Class"), ["", *dict.fromkeys(classes["class_id"])],
                            format_func=lambda k: f"{class_names.get(k, '')}（{k}）" if k else
                            tr("当日所带班级", "my class on that day"), key="ledger_class")
    students = c5.number_input(tr("学生人数", "Students"), min_value=0, value=0, step=1, key="ledger_students")
    minutes = c6.number_input(tr("时长（分钟）", "Minutes"), min_value=0, value=30, step=5, key="ledger_minutes")
    summary = st.text_area(tr("内容", "Summary"), key="ledger_summary", height=80)
    submitted = st.form_submit_button(tr("保存活动", "Save activity"), type="primary", icon=":material/save:")

if submitted:
    check = cv.check_activity({"cadre_id": cadre_id, "date": day, "type": typ, "venue": venue, "class_id": class_id,
                               "students": int(students), "minutes": int(minutes), "summary": summary.strip()})
    if not check.ok:
        problems = check.problems_zh if lang() == "zh" else check.problems_en
        st.error(tr("未保存，请修改：", "Not saved; please fix:") + "\n" + "\n".join(f"- {p}" for p in problems))
    else:
        try:
            aid = cv.record_activity(check, actor=user.username)
        except StoreError as exc:
            st.error(tr("未保存：", "Not saved: ") + exc.message(lang()))
        else:
            st.success(tr(f"已保存（编号 {aid}）。", f"Saved (id {aid})."))
            rng = cv.calendar_range(inputs)
            if rng and not (rng[0] <= day <= rng[1]):
                st.warning(tr("该日期不在校历范围内，不计入任何考核周期。",
                              "This date is outside the calendar: it counts for no period."))

# Re-read after a possible write: the list and progress below show it at once.
inputs = load_inputs(cv.store_version())

# ---------------------------------------------------------------- progress
st.subheader(tr(f"我的进度（截至 {as_of}）", f"My progress (as of {as_of})"))
prog = cv.cadre_progress(inputs, cadre_id, as_of)
if not prog["assigned"]:
    st.info(tr("现行分配中没有您的班级，暂无考核。", "You advise no class in the published assignment: nothing to assess."))
else:
    m1, m2, m3 = st.columns(3)
    m1.metric(tr("履职状态", "Status"), tr("正常", "On track") if prog["on_track"] else tr("需关注", "Needs attention"),
              border=True, help=tr(f"已有 {prog['missed']} 个周期未达标；正常 = 没有未达标周期，且进行中的周期都还来得及完成。",
                                   f"{prog['missed']} period(s) missed so far; on track = nothing missed and every "
                                   "pending period still reachable."))
    m2.metric(tr("九进场所", "Venues reached"), f"{len(prog['venues'])} / 9", border=True,
              help=tr("未到：", "Missing: ") + ("、".join(prog["venues_missing"]) or "—"))
    m3.metric(tr("本周待办", "To do this week"), len(prog["must_act"]), border=True)
    cur = prog["current"]
    table = cur.assign(progress=(cur["done"] / cur["required"].clip(lower=1)).clip(upper=1.0))
    show_table(table[["rule_zh" if lang() == "zh" else "rule_en", "period", "done", "required", "progress",
                        "status_zh", "met_periods", "closed_periods"]].rename(columns={
        "rule_zh": "规则", "rule_en": "Rule", "period": tr("当前周期", "Current period"), "done": tr("已完成", "Done"),
        "required": tr("要求", "Required"), "progress": tr("进度", "Progress"), "status_zh": tr("状态", "Status"),
        "met_periods": tr("已达标周期", "Periods met"), "closed_periods": tr("已考核周期", "Periods assessed")}),
        hide_index=True, width="stretch", key="ledger_progress",
        column_config={tr("进度", "Progress"): st.column_config.ProgressColumn(
            tr("进度", "Progress"), format="percent", min_value=0, max_value=1)})
    with st.expander(tr("全部考核周期", "Every assessed period")):
        allp = prog["status"]
        show_table(display_frame(allp[["rule_name", "kind_zh", "period", "required", "done", "status_zh",
                                       "period_start", "period_end"]].rename(columns={
            "rule_name": tr("规则", "Rule"), "kind_zh": tr("周期类型", "Period kind"), "period": tr("周期", "Period"),
            "required": tr("要求", "Required"), "done": tr("完成", "Done"), "status_zh": tr("状态", "Status"),
            "period_start": tr("开始", "Start"), "period_end": tr("结束", "End")})),
            hide_index=True, width="stretch", key="ledger_periods", height=300)
    if len(prog["must_act"]):
        st.warning(tr("本周需完成：", "To do this week:") + "\n" + "\n".join(
            f"- {r}" for r in prog["must_act"]["period"].astype(str) + " " + prog["must_act"]["rule"].map(
                {r.id: tr(r.name_zh, r.name_en) for r in inputs.rules})))

# ---------------------------------------------------------------- the list, and deleting an entry
def delete_entry(activity_id: str) -> None:
    # a callback: runs before the rerun, so it may also reset the confirmation box
    try:
        cv.delete_own_activity(activity_id, None if user.role == "admin" else user.cadre_id, actor=user.username)
    except StoreError as exc:
        st.session_state["ledger_flash"] = ("error", exc.message(lang()))
    else:
        st.session_state["ledger_flash"] = ("success", tr(f"已删除 {activity_id}。", f"Deleted {activity_id}."))
    st.session_state["ledger_delete_confirm"] = False


st.subheader(tr("我的台账", "My activities"))
flash = st.session_state.pop("ledger_flash", None)
if flash:
    (st.error if flash[0] == "error" else st.success)(flash[1])
led = cv.cadre_ledger(inputs, cadre_id)
st.caption(tr(f"共 {len(led)} 条", f"{len(led)} activities"))
show_table(display_frame(led.assign(type=led["type"].map(type_label))[
    ["activity_id", "date", "type", "venue", "class_id", "students", "minutes", "summary"]].rename(columns={
        "activity_id": tr("编号", "Id"), "date": tr("日期", "Date"), "type": tr("类型", "Type"),
        "venue": tr("场所", "Venue"), "class_id": tr("班级编号", "Class"), "students": tr("学生人数", "Students"),
        "minutes": tr("时长", "Minutes"), "summary": tr("内容", "Summary")})),
    hide_index=True, width="stretch", key="ledger_table", height=320)

if len(led):
    with st.expander(tr("删除一条记录", "Delete an entry")):
        labels = {r.activity_id: f"{r.date:%Y-%m-%d} · {type_label.get(r.type, r.type)} · {r.venue or '—'} · "
                                 f"{r.summary[:20]}" for r in led.itertuples()}
        pick = st.selectbox(tr("选择记录", "Entry"), list(labels), format_func=lambda a: labels[a],
                            key="ledger_delete_pick")
        sure = st.checkbox(tr("确认删除（将记入操作日志）", "Yes, delete it (recorded in the audit log)"),
                           key="ledger_delete_confirm")
        st.button(tr("删除", "Delete"), key="ledger_delete", disabled=not sure, icon=":material/delete:",
                  on_click=delete_entry, args=(pick,))
