"""学年换届 / Year roll-over (admin): upload next year's calendar (and, if ready, the freshman
classes), see what will change, confirm. services.rollover does the work in one transaction."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from services import rollover, uploads
from ui.feedback import flash, show_flash, user_errors
from ui.i18n import lang, tr
from ui.rollover.state import Keys
from ui.tables import display_frame, problems_frame, show_table

if TYPE_CHECKING:
    from store.auth import UserInfo


def _parse(user: UserInfo, kind: str, upload) -> uploads.ParseResult | None:
    result = uploads.parse_upload(user, kind, upload.getvalue(), upload.name)
    if result.problems:
        st.error(tr(f"{upload.name}：发现 {len(result.problems)} 个问题，请修改后重新上传。",
                    f"{upload.name}: {len(result.problems)} problem(s); fix them and upload again."))
        st.dataframe(problems_frame(result.problems, lang()), hide_index=True, width="stretch")
        return None
    return result


def _preview(user: UserInfo) -> None:
    cal = st.file_uploader(tr("下一学年校历（TOML）", "Next school year's calendar (TOML)"), type=["toml"],
                           key=Keys.CALENDAR)
    fresh = st.file_uploader(tr("新生班级名单（可选，xlsx / csv）", "Freshman classes (optional, xlsx / csv)"),
                             type=["xlsx", "csv"], key=Keys.FRESHMEN,
                             help=tr("只含新学年入学的班级；也可以换届后在“导入”中更新班级名单。",
                                     "Only the classes enrolled in the new year; the class roster can also be "
                                     "imported after the roll-over."))
    if not st.button(tr("预览换届", "Preview the roll-over"), key=Keys.PREVIEW, disabled=cal is None):
        return
    st.session_state.pop(Keys.PLAN, None)
    parsed = _parse(user, "calendar", cal)
    freshmen = _parse(user, "classes", fresh) if fresh is not None else None
    if parsed is None or (fresh is not None and freshmen is None):
        return
    with user_errors():
        st.session_state[Keys.PLAN] = rollover.preview(user, parsed.terms, freshmen.frame if freshmen else None)


def _steps(plan: rollover.RolloverPlan) -> pd.DataFrame:
    lg = lang()
    return pd.DataFrame({
        tr("年级变化", "Year of study"): [f"{rollover.year_of_study_label(a, lg)} → {rollover.year_of_study_label(b, lg)}"
                                        for a, b in zip(plan.advanced["year_before"], plan.advanced["year_after"])],
        tr("班级数", "Classes"): plan.advanced["classes"].to_numpy()})


def _show(plan: rollover.RolloverPlan) -> None:
    st.subheader(tr(f"预览：{plan.label} 学年（{plan.start:%Y-%m-%d} 开始）",
                    f"Preview: school year {plan.label} (starts {plan.start:%Y-%m-%d})"))
    c = st.columns(5)
    c[0].metric(tr("新增学期", "Terms added"), len(plan.new_terms), border=True)
    c[1].metric(tr("升级班级", "Classes moved up"), int(plan.advanced["classes"].sum()), border=True)
    c[2].metric(tr("毕业退出班级", "Graduated classes retired"), len(plan.retired), border=True)
    c[3].metric(tr("结束的班主任分配", "Adviser pairs ended"), len(plan.pairs_ended), border=True)
    c[4].metric(tr("新生班级", "Freshman classes"), len(plan.freshmen), border=True)
    st.caption(tr(f"新增学期：{'、'.join(t.name for t in plan.new_terms)}。毕业班级的班主任分配于 {plan.pairs_end:%Y-%m-%d} "
                  f"结束；随后新建补充轮“{plan.round_name}”（草稿），在“分配轮次”页求解、发布。",
                  f"Terms added: {', '.join(t.name for t in plan.new_terms)}. Pairs on graduated classes end on "
                  f"{plan.pairs_end:%Y-%m-%d}; then a draft top-up round “{plan.round_name}” is created: solve "
                  "and publish it on the Rounds page."))
    show_table(_steps(plan), Keys.STEPS, hide_index=True)
    st.markdown(tr("**毕业退出的班级**", "**Graduated classes retired**"))
    retired = plan.retired.assign(year_before=[rollover.year_of_study_label(n, lang()) for n in plan.retired["year_before"]])
    show_table(display_frame(retired.rename(columns={
        "class_id": tr("班级编号", "Class"), "name": tr("班级", "Name"), "college": tr("学院", "College"),
        "major": tr("专业", "Major"), "grade": tr("年级", "Grade"), "year_before": tr("本学年", "This year")})),
        Keys.RETIRED, hide_index=True, width="stretch", height=240)
    st.markdown(tr("**结束的班主任分配**", "**Adviser pairs that end**"))
    show_table(display_frame(plan.pairs_ended.rename(columns={
        "cadre_id": tr("工号", "Staff no."), "name": tr("姓名", "Name"), "class_id": tr("班级编号", "Class"),
        "class_name": tr("班级", "Class name"), "start": tr("开始", "Start"), "end_before": tr("原结束", "Ended"),
        "end_after": tr("结束于", "Ends on")})), Keys.PAIRS, hide_index=True, width="stretch", height=240)
    dropped = len(plan.preferences_dropped) + len(plan.constraints_dropped)
    if dropped:
        st.info(tr(f"指向毕业班级的意向 {len(plan.preferences_dropped)} 条、约束 {len(plan.constraints_dropped)} 条将一并删除。",
                   f"{len(plan.preferences_dropped)} wish(es) and {len(plan.constraints_dropped)} rule(s) naming a "
                   "graduated class will be removed."))


def _confirm(user: UserInfo, plan: rollover.RolloverPlan) -> None:
    checked = st.checkbox(tr("我已核对以上变化", "I have checked the changes above"), key=Keys.CHECKED)
    if not st.button(tr("确认换届", "Roll over"), type="primary", key=Keys.APPLY, disabled=not checked):
        return
    with user_errors():
        done = rollover.apply(user, plan)
        st.session_state.pop(Keys.PLAN, None)
        flash(Keys.FLASH, "success", tr(
            f"已完成 {plan.label} 学年换届：{len(plan.retired)} 个毕业班级退出，{done['pairs_closed']} 个分配结束；"
            f"补充轮 #{done['round_id']} 已建立（草稿）。",
            f"School year {plan.label} rolled over: {len(plan.retired)} graduated classes retired, "
            f"{done['pairs_closed']} pairs ended; top-up round #{done['round_id']} created (draft)."))
        st.rerun()


def render_rollover(user: UserInfo) -> None:
    st.caption(tr("导入下一学年校历：各班升一个年级，毕业班级（四年制；临床医学五年制）退出并结束其班主任分配，"
                  "新建新学年的补充轮。先预览，确认后一次完成；任何一步失败都不做更改。",
                  "Import next year's calendar: every class moves up a year, graduated classes (four-year "
                  "programmes; 临床医学 five) are retired with their adviser pairs, and a top-up round for the "
                  "new year is created. Preview first; confirming does it all at once, or nothing."))
    show_flash(Keys.FLASH)
    _preview(user)
    plan = st.session_state.get(Keys.PLAN)
    if plan is not None:
        _show(plan)
        _confirm(user, plan)
