"""覆盖与合规 / Coverage: live class coverage and every cadre's 六个一 / 九进 compliance."""
from __future__ import annotations

import os
from datetime import date

import streamlit as st

from ui.auth import guard
from ui.i18n import lang, tr

user = guard("admin", "leader", "college")

# Imported after the guard: nothing loads before login.
from services import compliance_view as cv
from ui import charts
from ui.tables import display_frame

REFRESH_SECONDS = float(os.environ.get("YIXIAN_REFRESH_SECONDS", "10"))
ALL = "__all__"


@st.cache_resource(max_entries=2, show_spinner=False)
def load_inputs(version: str) -> cv.Inputs:
    # keyed by the store version: any write (a new ledger row) changes it, so nothing stale is served
    return cv.load_inputs(version)


@st.cache_resource(max_entries=8, show_spinner=False)
def computed(version: str, as_of: date) -> cv.Computed:
    return cv.compute(load_inputs(version), as_of)


if user.role == "college" and not user.college:
    st.error(tr("您的账号未关联学院，请联系组织部。", "Your account has no college; ask the organization department."))
    st.stop()
own_college = user.college if user.role == "college" else None

st.title(tr("覆盖与合规", "Coverage and compliance"))
inputs = load_inputs(cv.store_version())
rng = cv.calendar_range(inputs)
if rng is None:
    st.warning(tr("尚未导入校历，无法计算合规情况。请先在“数据管理”中导入校历。",
                  "No calendar yet: import one on the Data page first."))
    st.stop()

rule_names = {r.id: tr(r.name_zh, r.name_en) for r in inputs.rules}
level_names = {"school": tr("校领导", "School leader"), "head": tr("中层正职", "Middle-level head"),
               "deputy": tr("中层副职", "Middle-level deputy")}

def follow_as_of() -> None:
    # moving the as-of date into another term selects that term (else the charts would show a term
    # that has not started yet, i.e. nothing)
    day = st.session_state.get("cov_as_of")
    t = cv.term_of(inputs, day) if day else None
    if t is not None and st.session_state.get("cov_term") not in (None, ALL):
        st.session_state["cov_term"] = t


# ---------------------------------------------------------------- filters (main script: they rerun everything)
with st.container(border=True, key="cov_filters"):
    c1, c2, c3, c4, c5 = st.columns([1.2, 1, 1.4, 1, 1.6])
    as_of = c2.date_input(tr("截至日期", "As of"), value=cv.default_as_of(inputs), min_value=rng[0],
                          max_value=rng[1], key="cov_as_of", format="YYYY-MM-DD", on_change=follow_as_of)
    term_options = [ALL] + [t.name for t in inputs.terms]
    if "cov_term" not in st.session_state:   # first run: the as-of date's term
        st.session_state["cov_term"] = cv.term_of(inputs, as_of) or ALL
    term = c1.selectbox(tr("学期", "Term"), term_options,
                        format_func=lambda t: tr("全部学期", "All terms") if t == ALL else t, key="cov_term")
    if own_college is not None:
        college = c3.selectbox(tr("学院", "College"), [own_college], disabled=True, key="cov_college_own")
    else:
        colleges = sorted(inputs.classes["college"].unique())
        college = c3.selectbox(tr("学院", "College"), [ALL, *colleges],
                               format_func=lambda c: tr("全部学院", "All colleges") if c == ALL else c,
                               key="cov_college")
    level = c4.selectbox(tr("层级", "Level"), [ALL, *level_names],
                         format_func=lambda v: tr("全部层级", "All levels") if v == ALL else level_names[v],
                         key="cov_level")
    rule = c5.selectbox(tr("规则", "Rule"), [ALL, *rule_names],
                        format_func=lambda r: tr("全部规则", "All rules") if r == ALL else rule_names[r],
                        key="cov_rule")
    st.caption(tr("学期、层级、规则筛选作用于履职统计；班级覆盖按截至日期与学院统计。数据每 "
                  f"{REFRESH_SECONDS:g} 秒自动刷新，台账一经写入即在下次刷新时体现。",
                  "Term, level and rule filter the compliance figures; class coverage follows the as-of date and "
                  f"college. Figures refresh every {REFRESH_SECONDS:g} s and show a new ledger entry at the next refresh."))

filters = cv.Filters(as_of=as_of, term=None if term == ALL else term,
                     college=own_college or (None if college == ALL else college),
                     level=None if level == ALL else level, rule=None if rule == ALL else rule)


def show_table(df, **kw) -> None:
    # a keyed container around each table: tests find tables by key (st.dataframe's own key is not addressable)
    with st.container(key=f"{kw['key']}_box"):
        st.dataframe(df, **kw)


def png_button(chart, name: str, key: str) -> None:
    st.download_button(tr("导出 PNG", "Export PNG"), data=lambda: charts.to_png(chart), file_name=f"{name}.png",
                       mime="image/png", icon=":material/image:", key=key, on_click="ignore")


def chart_block(chart, name: str, key: str) -> None:
    st.altair_chart(chart, width="stretch", theme=None, key=f"{key}_chart")
    png_button(chart, name, f"{key}_png")


@st.fragment(run_every=REFRESH_SECONDS)
def dashboard(f: cv.Filters) -> None:
    version = cv.store_version()
    inp = load_inputs(version)
    comp = computed(version, f.as_of)
    prev_day = cv.previous_as_of(inp, f.as_of)
    prev = computed(version, prev_day) if prev_day else None
    v = cv.view(comp, f, prev, restrict_college=own_college)

    cols = st.columns(len(v.kpis))
    for col, k in zip(cols, v.kpis):
        label = tr(k.label_zh, k.label_en)
        delta = k.delta_text if lang() == "zh" else (
            None if k.delta is None else (f"{k.delta:+d}" if k.key == "priority" else f"{k.delta * 100:+.1f} pp"))
        col.metric(label, k.text, delta=delta, border=True, help=tr(k.help_zh, k.help_en),
                   delta_color="off" if not k.delta else "normal")
    st.caption(tr(f"截至 {f.as_of}，视图内 {len(v.cadre_ids)} 位干部 · 数据版本 {version.rsplit('#', 2)[-2]}",
                  f"As of {f.as_of}, {len(v.cadre_ids)} cadres in view · data version {version.rsplit('#', 2)[-2]}"))

    tab_charts, tab_cadres, tab_remind = st.tabs([tr("图表", "Charts"), tr("干部明细", "Cadres"),
                                                  tr("提醒与报表", "Reminders and reports")])
    with tab_charts:
        left, right = st.columns(2)
        with left:
            chart_block(charts.coverage_by_college(v.coverage_college), "各学院班级覆盖", "cov_by_college")
        with right:
            chart_block(charts.preference_satisfaction(v.preferences), "志愿满足情况", "cov_prefs")
        heat_name = rule_names.get(v.heat_rule, v.heat_rule)
        if v.heat_college.empty:
            st.info(tr("所选范围内没有可考核的周期。", "No assessed period in this selection."))
        else:
            order = list(dict.fromkeys(v.heat_college.sort_values("start")["period"]))
            chart_block(charts.heatmap(v.heat_college, "college", "period", "学院", "周期",
                                       f"学院×周期 达标率（{heat_name}）", col_sort=order),
                        "学院周期热力图", "cov_heat_college")
        if not v.heat_cadre.empty:
            rows = list(dict.fromkeys(v.heat_cadre["cadre"]))
            chart_block(charts.heatmap(v.heat_cadre, "cadre", "rule", "干部", "规则",
                                       f"干部×规则 达标率（最低的 {len(rows)} 位 / 共 {v.heat_cadre_total} 位）",
                                       row_sort=rows), "干部规则热力图", "cov_heat_cadre")
        left, right = st.columns(2)
        with left:
            if v.trend.empty:
                st.info(tr("所选范围内没有教学周。", "No teaching week in this selection."))
            else:
                chart_block(charts.weekly_trend(v.trend, v.trend_target, rule_names.get(cv.F2F, cv.F2F)),
                            "每周面对面趋势", "cov_trend")
        with right:
            chart_block(charts.venue_coverage(v.venues, v.venue_cadres), "九进场所覆盖", "cov_venues")

    with tab_cadres:
        table = v.cadres.rename(columns={
            "cadre_id": tr("工号", "Staff no."), "name": tr("姓名", "Name"), "level": tr("层级", "Level"),
            "college": tr("学院", "College"), "classes": tr("所带班级", "Classes"), "met": tr("达标", "Met"),
            "missed": tr("未达标", "Missed"), "pending": tr("进行中", "Pending"), "rate": tr("达标率", "Rate"),
            "on_track": tr("履职正常", "On track"), "act_this_week": tr("本周待办", "To do this week"),
            "venues": tr("九进场所", "Venues")})
        show_table(table, hide_index=True, width="stretch", key="cov_cadre_table",
                     column_config={tr("达标率", "Rate"): st.column_config.ProgressColumn(
                         tr("达标率", "Rate"), format="percent", min_value=0, max_value=1)})
        if v.cadre_ids:
            names = dict(zip(v.cadres["cadre_id"], v.cadres["name"]))
            pick = st.selectbox(tr("查看干部履职详情", "Drill down to a cadre"), v.cadre_ids,
                                format_func=lambda c: f"{names.get(c, '')}（{c}）", key="cov_cadre")
            if pick not in v.cadre_ids:   # never show a cadre outside the view (e.g. a forged session value)
                pick = v.cadre_ids[0]
            card = cv.scorecard(comp, pick, f.term)
            st.markdown(f"**{card['name']}（{pick}）** · " + tr(
                f"九进已到 {len(card['venues'])}/9：{'、'.join(card['venues']) or '—'}；未到：{'、'.join(card['venues_missing']) or '—'}",
                f"venues reached {len(card['venues'])}/9: {', '.join(card['venues']) or '—'}; "
                f"missing: {', '.join(card['venues_missing']) or '—'}"))
            sc = card["status"]
            if f.rule is not None:
                sc = sc.loc[sc["rule"] == f.rule]
            show_table(display_frame(sc[["rule_name", "kind_zh", "period", "required", "done", "status_zh",
                                           "period_start", "period_end"]].rename(columns={
                "rule_name": tr("规则", "Rule"), "kind_zh": tr("周期类型", "Period kind"),
                "period": tr("周期", "Period"), "required": tr("要求", "Required"), "done": tr("完成", "Done"),
                "status_zh": tr("状态", "Status"), "period_start": tr("开始", "Start"),
                "period_end": tr("结束", "End")})), hide_index=True, width="stretch", key="cov_scorecard")
            acts = card["activities"]
            st.caption(tr(f"台账活动 {len(acts)} 条", f"{len(acts)} ledger activities"))
            show_table(display_frame(acts.assign(type=acts["type"].map(cv.TYPE_ZH))[
                ["date", "type", "venue", "class_id", "students", "minutes", "summary"]].rename(columns={
                    "date": tr("日期", "Date"), "type": tr("类型", "Type"), "venue": tr("场所", "Venue"),
                    "class_id": tr("班级编号", "Class"), "students": tr("学生人数", "Students"),
                    "minutes": tr("时长", "Minutes"), "summary": tr("内容", "Summary")})),
                hide_index=True, width="stretch", key="cov_activities", height=240)

    with tab_remind:
        rem = v.reminders
        st.markdown(tr(f"**本周需提醒 {rem['cadre_id'].nunique()} 位干部（{len(rem)} 项）**",
                       f"**{rem['cadre_id'].nunique()} cadres must act this week ({len(rem)} items)**"))
        shown = rem[["cadre_id", "name", "college", "rule_name", "period", "missing",
                     "reason_zh" if lang() == "zh" else "reason_en"]]
        show_table(shown.rename(columns={
            "cadre_id": tr("工号", "Staff no."), "name": tr("姓名", "Name"), "college": tr("学院", "College"),
            "rule_name": tr("规则", "Rule"), "period": tr("周期", "Period"), "missing": tr("还差", "Missing"),
            "reason_zh": "提醒事项", "reason_en": "Reminder"}), hide_index=True, width="stretch",
            key="cov_reminders")
        d1, d2 = st.columns(2)
        d1.download_button(tr("下载本周提醒名单（xlsx）", "Download reminder list (xlsx)"),
                           data=lambda: cv.reminders_xlsx(rem, f.as_of), file_name=f"本周提醒名单_{f.as_of}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", key="cov_dl_reminders", on_click="ignore")
        ids = list(v.cadre_ids)
        d2.download_button(tr("下载年度履职报告（三个纳入，xlsx）", "Download annual report (xlsx)"),
                           data=lambda: cv.annual_report(inp, f.as_of, ids),
                           file_name=f"年度履职报告_{f.as_of}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", key="cov_dl_report", on_click="ignore",
                           disabled=not ids)
        st.caption(tr("年度报告每位干部一页：各规则达标/未达标/免除次数、九进场所、活动与覆盖学生人次、未达标周期，"
                      "供民主生活会、干部考核、干部任用参考。",
                      "One sheet per cadre: each rule's met / missed / exempt counts, venues, activities and "
                      "students reached, missed periods — for the annual review, appraisal and appointment file."))


dashboard(filters)
