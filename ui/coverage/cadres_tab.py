"""The Cadres tab: one row per cadre in view, and the drill-down into one cadre."""
from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from common import vocabulary
from services import coverage
from services.compliance_view import Computed
from services.coverage import View
from ui.coverage.state import Keys
from ui.downloads import file_name, table_download
from ui.feedback import md_escape
from ui.i18n import lang, tr
from ui.tables import display_frame, show_table

PERIOD_COLUMNS = ["rule_name", "kind_zh", "period", "required", "done", "status_zh", "period_start", "period_end"]

if TYPE_CHECKING:
    from store.auth import UserInfo


def _period_headers() -> dict[str, str]:
    return {"rule_name": tr("规则", "Rule"), "kind_zh": tr("周期类型", "Period kind"), "period": tr("周期", "Period"),
            "required": tr("要求", "Required"), "done": tr("完成", "Done"), "status_zh": tr("状态", "Status"),
            "period_start": tr("开始", "Start"), "period_end": tr("结束", "End")}


def _activity_table(acts):
    types = vocabulary.labels(vocabulary.ACTIVITY_TYPES, lang())
    return display_frame(acts.assign(type=acts["type"].map(types))[
        ["date", "type", "venue", "class_id", "students", "minutes", "summary"]].rename(columns={
            "date": tr("日期", "Date"), "type": tr("类型", "Type"), "venue": tr("场所", "Venue"),
            "class_id": tr("班级编号", "Class"), "students": tr("学生人数", "Students"),
            "minutes": tr("时长", "Minutes"), "summary": tr("内容", "Summary")}))


def render_cadre_table(v: View, user: UserInfo | None = None) -> None:
    table = v.cadres.assign(state=v.cadres["state"].map(vocabulary.labels(vocabulary.CADRE_STATES, lang())))
    table = table.rename(columns={
        "cadre_id": tr("工号", "Staff no."), "name": tr("姓名", "Name"), "level": tr("层级", "Level"),
        "college": tr("学院", "College"), "classes": tr("所带班级", "Classes"), "met": tr("达标", "Met"),
        "missed": tr("未达标", "Missed"), "pending": tr("进行中", "Pending"), "rate": tr("达标率", "Rate"),
        "on_track": tr("履职正常", "On track"), "state": tr("履职状态", "Standing"), "act_this_week": tr("本周待办", "To do this week"),
        "venues": tr("九进场所", "Venues")})
    show_table(table, Keys.CADRE_TABLE, hide_index=True, width="stretch",
               column_config={tr("达标率", "Rate"): st.column_config.ProgressColumn(
                   tr("达标率", "Rate"), format="percent", min_value=0, max_value=1)})
    if user is not None and len(table):
        table_download(user, table, kind="coverage_cadres", key=Keys.DL_CADRES, about=v.filters.as_of,
                       file_name=file_name("干部履职明细", "cadre-coverage", v.filters.as_of), sheet=tr("干部明细", "Cadres"))


def _venues(codes) -> str:
    return ", ".join(vocabulary.label(vocabulary.VENUES, c, "en") for c in codes) or "—"


def render_drilldown(user: UserInfo, comp: Computed, v: View) -> None:
    names = dict(zip(v.cadres["cadre_id"], v.cadres["name"]))
    pick = st.selectbox(tr("查看干部履职详情", "Drill down to a cadre"), v.cadre_ids,
                        format_func=lambda c: f"{names.get(c, '')}（{c}）", key=Keys.CADRE)
    if pick not in v.cadre_ids:   # never show a cadre outside the view (e.g. a forged session value)
        pick = v.cadre_ids[0]
    card = coverage.scorecard(user, comp, pick, v.filters.term)
    reached, missing = card["venues"], card["venues_missing"]
    state = vocabulary.label(vocabulary.CADRE_STATES, dict(zip(v.cadres["cadre_id"], v.cadres["state"])).get(pick),
                             lang())
    st.markdown(f"**{md_escape(card['name'])}（{md_escape(pick)}）** · {state} · " + tr(
        f"九进已到 {len(reached)}/9：{'、'.join(reached) or '—'}；未到：{'、'.join(missing) or '—'}",
        f"venues reached {len(reached)}/9: {_venues(reached)}; missing: {_venues(missing)}"))
    sc = card["status"]
    if v.filters.rule is not None:
        sc = sc.loc[sc["rule"] == v.filters.rule]
    show_table(display_frame(sc[PERIOD_COLUMNS].rename(columns=_period_headers())), Keys.SCORECARD,
               hide_index=True, width="stretch")
    acts = card["activities"]
    st.caption(tr(f"台账活动 {len(acts)} 条", f"{len(acts)} ledger activities"))
    shown = _activity_table(acts)
    show_table(shown, Keys.ACTIVITIES, hide_index=True, width="stretch", height=240)
    if len(shown):
        table_download(user, shown, kind="cadre_activities", key=Keys.DL_ACTIVITIES, about=pick,
                       file_name=file_name("台账活动", "ledger-activities", pick), sheet=tr("台账活动", "Activities"))


def render_cadres(user: UserInfo, comp: Computed, v: View) -> None:
    render_cadre_table(v, user)
    if v.cadre_ids:
        render_drilldown(user, comp, v)
