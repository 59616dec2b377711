"""分配轮次 / Rounds: create (new or top-up), rules and weights, solve with progress and cancel,
review, adjust, diagnose, publish, export. Admin does everything; planner may only view."""
from __future__ import annotations

import json
from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from ui.auth import guard
from ui.i18n import lang, tr

user = guard("admin", "planner")

# Imported after the guard: nothing loads before login.
import importer
from services import exports
from services import rounds as svc
from ui import charts
from ui.jobs import job_panel
from ui.labels import OBJECTIVES, OWN_UNIT, PART_NAMES, PRIORITY, WEIGHTS, t2
from ui.tables import display_frame

CAN_EDIT = user.role == "admin"
JOB = "rounds_job"
FLASH = "rounds_flash"
PICK = "rounds_pick"
SECTION = "rounds_section"
SECTIONS = ["review", "adjust", "rules", "diff", "publish", "history"]
SECTION_NAMES = {"review": ("审核", "Review"), "adjust": ("调整", "Adjust"), "rules": ("规则与参数", "Rules"),
                 "diff": ("与现行分配对比", "Diff"), "publish": ("发布与导出", "Publish & export"),
                 "history": ("记录与重算", "History")}
TYPE_OPTIONS = ["forbid", "lock", "college_quota", "level_cap"]
LEVEL_OPTIONS = ["", "school", "head", "deputy"]


def flash(kind: str, text: str) -> None:
    st.session_state.setdefault(FLASH, []).append((kind, text))


def goto(**state) -> None:
    """Widget values to set on the next run (a widget's key cannot change after it is drawn)."""
    st.session_state.setdefault("rounds_pending", {}).update(state)


def apply_pending() -> None:
    for k, v in st.session_state.pop("rounds_pending", {}).items():
        if v is None:
            st.session_state.pop(k, None)
        else:
            st.session_state[k] = v


@st.cache_data(max_entries=16, show_spinner=False)
def load_round(round_id: int, version: str):
    # keyed by the store version: any write elsewhere is seen at the next rerun
    return svc.get_round(round_id)


@st.cache_data(max_entries=4, show_spinner=False)
def load_rounds(version: str):
    return svc.list_rounds()


@st.cache_data(max_entries=4, show_spinner=False)
def load_current(kind: str, moves: int, use_previous: bool, version: str):
    if kind == "topup":
        return svc.topup_inputs(moves)
    return svc.current_inputs(use_previous), None


@st.cache_data(max_entries=16, show_spinner=False)
def setup_issues(key: str, _inputs, params_json: str):
    return svc.check_setup(_inputs, json.loads(params_json))


@st.cache_data(max_entries=8, show_spinner=False)
def load_diff(round_id: int, version: str):
    return svc.diff_against_published(load_round(round_id, version))


# ---------------------------------------------------------------- background job

def handle_finished_job() -> None:
    job = st.session_state.get(JOB)
    if job is None or not job.done:
        return
    st.session_state.pop(JOB)
    if job.error is not None:
        err = job.error
        msg = err.message(lang()) if hasattr(err, "message") else str(err)
        flash("error", tr(f"{job.label_zh}失败：{msg}", f"{job.label_en} failed: {msg}"))
        return
    out = job.outcome or {}
    status = out.get("status")
    if status == "cancelled":
        flash("warning", tr("已取消，结果未保存。", "Cancelled; nothing was saved."))
    elif status == "refused":
        rules = "；".join(out.get("refused") or []) or tr("（见诊断）", "(see diagnosis)")
        flash("error", tr(f"调整被拒绝（{out.get('note', '')}）：重新求解后无可行分配，冲突规则：{rules}",
                          f"Adjustment refused ({out.get('note', '')}): no feasible assignment; rules: {rules}"))
    elif status == "infeasible":
        flash("error", tr("无可行分配：请查看下方诊断并修改相应规则。",
                          "Infeasible: see the diagnosis below and edit the rules it names."))
    else:
        flash("success", tr(f"求解完成（{svc.RESULT_ZH.get(status, status)}，用时{job.elapsed:.1f}秒）",
                            f"Solved ({status}, {job.elapsed:.1f} s)"))
    if out.get("round_id") is not None:
        st.session_state[PICK] = out["round_id"]




def coverage_bars(frame, field: str, field_zh: str, title: str, key: str, row_px: int, min_px: int) -> None:
    """Covered / uncovered classes per group as one stacked bar a row."""
    melted = frame.melt(id_vars=field, value_vars=["covered", "uncovered"], var_name="state", value_name="n")
    melted["state"] = melted["state"].map({"covered": "已覆盖", "uncovered": "未覆盖"})
    chart = alt.Chart(melted).mark_bar().encode(
        y=alt.Y(f"{field}:N", title=None, sort="-x", axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        x=alt.X("n:Q", title="班级数", stack="zero"),
        color=alt.Color("state:N", title="覆盖", scale=alt.Scale(domain=["已覆盖", "未覆盖"],
                                                                 range=["#2e7d32", "#ef9a9a"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip(f"{field}:N", title=field_zh), alt.Tooltip("state:N", title="覆盖"),
                 alt.Tooltip("n:Q", title="班级数")])
    st.altair_chart(charts.style(chart.properties(height=max(min_px, row_px * len(frame))), title),
                    key=key, width="stretch", theme=None)


def start_job(factory, *args) -> None:
    if st.session_state.get(JOB) is not None and not st.session_state[JOB].done:
        st.warning(tr("已有求解在进行，请等待或取消。", "A solve is already running; wait or cancel it."))
        return
    try:
        st.session_state[JOB] = factory(*args)
    except svc.RoundsError as exc:
        st.error(exc.message(lang()))
        return
    except Exception as exc:  # noqa: BLE001 - store/config errors carry bilingual messages
        st.error(exc.message(lang()) if hasattr(exc, "message") else str(exc))
        return
    st.rerun()


# ---------------------------------------------------------------- shared widgets

def params_widgets(prefix: str, params: dict, disabled: bool) -> dict:
    """Rules and weights of a round; returns the edited parameters."""
    p = dict(params)
    c1, c2, c3 = st.columns(3)
    opts = list(OBJECTIVES)
    p["objective"] = c1.selectbox(tr("目标", "Objective"), opts, index=opts.index(p.get("objective", "total")),
                                  format_func=lambda k: t2(OBJECTIVES[k]), key=f"{prefix}_objective",
                                  disabled=disabled)
    opts = list(PRIORITY)
    p["priority"] = c2.selectbox(tr("重点班级", "Priority classes"), opts, index=opts.index(p.get("priority", "hard")),
                                 format_func=lambda k: t2(PRIORITY[k]), key=f"{prefix}_priority", disabled=disabled)
    opts = list(OWN_UNIT)
    p["own_unit"] = c3.selectbox(tr("本单位规则", "Own-unit rule"), opts,
                                 index=opts.index(p.get("own_unit", "neutral")),
                                 format_func=lambda k: t2(OWN_UNIT[k]), key=f"{prefix}_own_unit", disabled=disabled)
    c1, c2, c3 = st.columns(3)
    cb = p.get("change_budget")
    budget = c1.number_input(tr("调整上限（与现行分配相比最多新配对数，-1 = 不限）",
                                "Change budget (new pairs vs. in force, -1 = none)"),
                             min_value=-1, step=1, value=-1 if cb is None else int(cb), key=f"{prefix}_change_budget",
                             disabled=disabled)
    p["change_budget"] = None if budget < 0 else int(budget)
    p["time_limit_s"] = float(c2.number_input(tr("求解时限（秒）", "Time limit (s)"), min_value=1.0, max_value=3600.0,
                                              value=float(p.get("time_limit_s", 30.0)), step=5.0,
                                              key=f"{prefix}_time_limit", disabled=disabled))
    p["seed"] = int(c3.number_input(tr("随机种子（复现用）", "Seed (for reproduction)"), min_value=0, step=1,
                                    value=int(p.get("seed", 0)), key=f"{prefix}_seed", disabled=disabled))
    st.caption(tr("权重（匹配度 = 各项得分 × 权重之和）", "Weights (fit = sum of parts × weight)"))
    cols = st.columns(len(WEIGHTS))
    w = dict(p.get("weights") or {})
    for col, (k, names) in zip(cols, WEIGHTS.items()):
        w[k] = float(col.number_input(t2(names), value=float(w.get(k, 0.0)), step=0.5, key=f"{prefix}_w_{k}",
                                      disabled=disabled))
    p["weights"] = w
    return p


def constraints_editor(key: str, con: pd.DataFrame, disabled: bool, focus: int | None = None) -> pd.DataFrame:
    view = con.copy()
    view.insert(0, "rule_no", range(1, len(view) + 1))
    if focus is not None and 0 <= focus < len(view):
        st.info(tr(f"诊断指向规则第{focus + 1}条（已在表中置顶）", f"The diagnosis points at rule #{focus + 1} (shown first)"))
    cfg = {
        "rule_no": st.column_config.NumberColumn(tr("序号", "No."), disabled=True, width="small"),
        "type": st.column_config.SelectboxColumn(tr("类型", "Type"), options=TYPE_OPTIONS, required=True,
                                                 format_func=lambda v: tr(svc.TYPE_ZH.get(v, v), v)),
        "cadre_id": st.column_config.TextColumn(tr("工号", "Cadre id")),
        "class_id": st.column_config.TextColumn(tr("班级编号", "Class id")),
        "college": st.column_config.TextColumn(tr("学院", "College")),
        "level": st.column_config.SelectboxColumn(tr("层级", "Level"), options=LEVEL_OPTIONS,
                                                  format_func=lambda v: tr(svc.LEVEL_ZH.get(v, "—"), v or "—")),
        "min": st.column_config.NumberColumn(tr("下限", "Min"), min_value=0, step=1),
        "max": st.column_config.NumberColumn(tr("上限", "Max"), min_value=0, step=1),
        "reason": st.column_config.TextColumn(tr("原因", "Reason"), width="large"),
    }
    if focus is not None and 0 <= focus < len(view):
        view = pd.concat([view.iloc[[focus]], view.drop(index=view.index[focus])])
    edited = st.data_editor(view, key=key, num_rows="fixed" if disabled else "dynamic", disabled=disabled,
                            hide_index=True, column_config=cfg, width="stretch", height=320)
    out = edited.sort_values("rule_no", na_position="last", kind="stable").drop(columns=["rule_no"])
    return out.reset_index(drop=True)


def show_issues(issues) -> bool:
    """Draw the validation; True when solving is blocked by an error."""
    errors = [i for i in issues if i.severity == "error"]
    conflicts = [i for i in issues if i.severity == "conflict"]
    if errors:
        st.error(tr("规则或参数有误，无法求解：", "Rules or parameters are invalid:") + "\n\n" +
                 "\n".join(f"- {i.message(lang())}" for i in errors))
    if conflicts:
        st.warning(tr("按当前规则将无可行分配（求解后可看到完整诊断）：",
                      "With these rules there will be no feasible assignment (solve to see the diagnosis):")
                   + "\n\n" + "\n".join(f"- {i.message(lang())}" for i in conflicts))
    if not issues:
        st.success(tr("规则与参数校验通过，未发现明显冲突（是否有可行分配以求解为准）。",
                      "Rules and parameters check out; no obvious conflict (the solve decides feasibility)."),
                   icon=":material/check_circle:")
    return bool(errors)


def edit_target(target: str) -> None:
    """Callback of a diagnosis link: open the round's rule editor at that rule or parameter."""
    st.session_state[SECTION] = "rules"
    if target.startswith("constraint:"):
        st.session_state["rounds_rule_focus"] = int(target.split(":", 1)[1])
    else:
        st.session_state["rounds_rule_focus"] = None
        st.session_state["rounds_param_focus"] = target.split(":", 1)[1] if ":" in target else None


# ---------------------------------------------------------------- page

st.title(tr("分配轮次", "Assignment rounds"))
if not CAN_EDIT:
    st.info(tr("您是规划人员：可查看轮次与结果，不能创建、调整或发布。",
               "Planner: you can view rounds and results, not create, adjust or publish."), icon=":material/visibility:")

apply_pending()
handle_finished_job()
for kind, text in st.session_state.pop(FLASH, []):
    getattr(st, kind)(text)
if st.session_state.get(JOB) is not None:
    job_panel(JOB, "rounds_cancel", "取消求解")

version = svc.store_version()
views = ["rounds", "new"] if CAN_EDIT else ["rounds"]
view = st.radio(tr("视图", "View"), views, horizontal=True, key="rounds_view", label_visibility="collapsed",
                format_func=lambda v: tr("轮次与结果", "Rounds and results") if v == "rounds" else tr("新建轮次", "New round"))

# ================================================================ new round
if view == "new":
    st.subheader(tr("新建轮次", "New round"))
    kind = st.radio(tr("轮次类型", "Round kind"), ["initial", "topup"], horizontal=True, key="new_kind",
                    format_func=lambda k: tr("新一轮（按当前名单全部重新分配）", "New round (all from current rosters)")
                    if k == "initial" else tr("补充轮（保留现行分配，只补缺口）", "Top-up (keep what is in force, fill gaps)"))
    default_name = (f"{date.today():%Y年%m月}" + ("补充轮" if kind == "topup" else "分配轮次"))
    name = st.text_input(tr("轮次名称", "Round name"), value=default_name, key="new_name")
    moves, use_previous = 0, True
    if kind == "topup":
        moves = int(st.number_input(tr("允许调整的现行配对数（0 = 现行配对全部保留）",
                                       "Pairs in force that may move (0 = keep all)"),
                                    min_value=0, step=1, value=0, key="new_moves"))
    else:
        use_previous = st.checkbox(tr("参考现行分配（连续性加分、标记调整）", "Use the assignment in force (continuity)"),
                                   value=True, key="new_use_previous")
    inputs, facts = load_current(kind, moves, use_previous, version)
    if facts:
        st.info(tr(f"现行分配{facts['published_pairs']}对，保留{facts['kept']}对；已离开（或带班数为0）的干部"
                   f"{len(facts['cadres_left'])}名，已撤销的班级{len(facts['classes_gone'])}个，"
                   f"新班级{len(facts['new_classes'])}个，需新配{max(facts['pairs_needed'], 0)}对。",
                   f"In force: {facts['published_pairs']} pairs, {facts['kept']} kept; "
                   f"{len(facts['cadres_left'])} cadres left, {len(facts['classes_gone'])} classes gone, "
                   f"{len(facts['new_classes'])} new classes, {max(facts['pairs_needed'], 0)} pairs to make."))
    c = inputs["cadres"]
    st.caption(tr(f"当前数据：干部{len(c)}名（可带班{int((c['capacity'] > 0).sum())}名，带班数合计{int(c['capacity'].sum())}），"
                  f"班级{len(inputs['classes'])}个（重点{int(inputs['classes']['priority'].sum())}个），"
                  f"意向{len(inputs['preferences'])}条，规则{len(inputs['constraints'])}条。",
                  f"Data: {len(c)} cadres, {len(inputs['classes'])} classes, {len(inputs['preferences'])} wishes, "
                  f"{len(inputs['constraints'])} rules."))
    st.markdown("##### " + tr("参数与权重", "Parameters and weights"))
    params = params_widgets("new", svc.default_params(), disabled=False)
    params["use_previous"] = use_previous
    st.markdown("##### " + tr("规则（仅保存在本轮，不修改主数据；主数据请在“数据管理”页修改）",
                              "Rules (saved with this round only; edit the master rules on the Data page)"))
    edited = constraints_editor(f"new_rules_{kind}_{moves}", inputs["constraints"], disabled=False)
    try:
        con = svc.canonical_constraints(edited)
        issues = setup_issues(f"{kind}:{moves}:{use_previous}:{version}:{pd.util.hash_pandas_object(con.astype(str)).sum()}",
                              inputs | {"constraints": con}, json.dumps(params | {"change_budget": facts["change_budget"]}
                                                                        if facts else params))
    except svc.RoundsError as exc:
        issues = [svc.Issue("error", m, m) for m in exc.rules]
    blocked = show_issues(issues)
    if inputs["cadres"].empty or inputs["classes"].empty:
        st.warning(tr("还没有干部或班级名单：请先在“数据管理”页导入。",
                      "No cadres or classes yet: import them on the Data page first."))
        blocked = True
    if st.button(tr("创建并求解", "Create and solve"), type="primary", key="new_create", disabled=blocked,
                 icon=":material/play_arrow:"):
        try:
            rid = svc.create_round(name, kind, user.username, params, constraints=edited, moves_allowed=moves)
        except Exception as exc:  # noqa: BLE001 - bilingual store/config errors
            st.error(exc.message(lang()) if hasattr(exc, "message") else str(exc))
        else:
            goto(**{PICK: rid, "rounds_view": "rounds", SECTION: "review"})
            start_job(svc.start_solve, rid, user.username)
    st.stop()

# ================================================================ rounds list
rounds = load_rounds(version)
show_archived = st.toggle(tr("显示已归档的轮次（旧版本、被替换的轮次）", "Show archived rounds"), key="rounds_show_archived")
listed = [r for r in rounds if show_archived or r.status != "archived"]
if not listed:
    st.info(tr("还没有轮次。", "No rounds yet."))
    st.stop()
table = pd.DataFrame([{
    "id": r.id, tr("名称", "Name"): r.name + (f" · v{r.parameters.get('revision')}" if r.parameters.get("revision") else ""),
    tr("类型", "Kind"): tr(svc.KIND_ZH.get(r.kind, r.kind), r.kind),
    tr("状态", "Status"): tr(svc.STATUS_ZH.get(r.status, r.status), r.status),
    tr("结果", "Result"): tr(svc.RESULT_ZH.get((r.result or {}).get("status", ""), "—"), (r.result or {}).get("status", "—")),
    tr("配对", "Pairs"): r.n_assignments,
    tr("生效日期", "Effective"): r.effective_date.isoformat() if r.effective_date else "",
    tr("创建", "Created"): f"{r.created_by} {r.created_at:%Y-%m-%d %H:%M}",
} for r in listed])
st.dataframe(table, hide_index=True, width="stretch", key="rounds_table", height=min(35 * (len(table) + 1) + 3, 260))
ids = [r.id for r in listed]
if st.session_state.get(PICK) not in ids:
    st.session_state[PICK] = ids[0]
# no status in the label: the picker keeps the label it drew while the status changes underneath
labels = {r.id: f"#{r.id} {r.name}" + (f" · v{r.parameters['revision']}" if r.parameters.get("revision") else "")
          for r in listed}
rid = st.selectbox(tr("查看轮次", "Round"), ids, format_func=lambda i: labels[i], key=PICK)
if st.session_state.get("rounds_last_pick") != rid:
    # a diagnosis focus belongs to the round it came from
    st.session_state["rounds_last_pick"] = rid
    st.session_state.pop("rounds_rule_focus", None)
    st.session_state.pop("rounds_param_focus", None)
info = load_round(rid, version)
result = info.result or {}
rstatus = result.get("status")
is_draft = info.status == "draft"
solvable = svc.is_solvable_round(info)

# ---------------------------------------------------------------- summary
m = st.columns(6)
m[0].metric(tr("状态", "Status"), tr(svc.STATUS_ZH.get(info.status, info.status), info.status))
m[1].metric(tr("求解结果", "Result"), tr(svc.RESULT_ZH.get(rstatus, "未求解"), rstatus or "not solved"))
m[2].metric(tr("配对数", "Pairs"), len(info.assignment))
solved = rstatus in ("optimal", "feasible")
cov = result.get("coverage") or {}
if cov and solved:
    m[3].metric(tr("重点班覆盖", "Priority covered"), f"{cov.get('priority_covered', 0)}/{cov.get('priority_classes', 0)}")
prefs = result.get("preferences") or {}
if prefs and solved:
    m[4].metric(tr("第一志愿满足", "First choice met"), f"{prefs.get('first_choice_pct', 0):.0f}%")
ch = result.get("changes") or {}
if ch.get("previous_pairs") and solved:
    m[5].metric(tr("保留/调整", "Kept/changed"), f"{ch.get('kept', 0)}/{ch.get('changed', 0)}")
if info.parameters.get("revision_note"):
    st.caption(tr(f"本版本由 #{info.parameters.get('revision_of')} 修改而来：{info.parameters['revision_note']}",
                  f"Revision of #{info.parameters.get('revision_of')}: {info.parameters['revision_note']}"))
if is_draft and CAN_EDIT:
    b1, b2, _ = st.columns([1, 1, 4])
    if b1.button(tr("重新求解", "Solve again") if rstatus else tr("求解", "Solve"), key="rounds_solve",
                 icon=":material/play_arrow:", disabled=not solvable):
        start_job(svc.start_solve, rid, user.username)
    if b2.button(tr("放弃此草稿", "Discard draft"), key="rounds_discard", icon=":material/delete:"):
        try:
            svc.discard(rid, user.username)
        except svc.RoundsError as exc:
            st.error(exc.message(lang()))
        else:
            flash("info", tr(f"已归档草稿 #{rid}", f"Draft #{rid} archived"))
            goto(**{PICK: None})
            st.rerun()

# ---------------------------------------------------------------- infeasible: diagnosis as the user's rules
if rstatus == "infeasible":
    st.error(tr("按本轮的规则没有可行分配。以下是相互冲突的规则——点击“修改”直接打开该规则：",
                "No assignment satisfies this round's rules. The conflicting rules — click Edit to open each:"),
             icon=":material/report:")
    for k, conflict in enumerate(result.get("diagnosis") or []):
        with st.container(border=True, key=f"diag_{k}"):
            st.markdown(f"**{tr('冲突', 'Conflict')} {k + 1}**：" + (conflict["message_zh"] if lang() == "zh"
                                                                     else conflict["message_en"]))
            for n, rule in enumerate(svc.resolve_rules(info, conflict.get("rules") or [])):
                c1, c2 = st.columns([5, 1])
                c1.markdown("- " + tr(rule["label_zh"], rule["label_en"]))
                if rule["target"] == "data":
                    c2.markdown(f"[{tr('在数据管理页修改', 'Edit on the Data page')}](/data)")
                elif CAN_EDIT and is_draft:
                    c2.button(tr("修改", "Edit"), key=f"diag_edit_{k}_{n}", on_click=edit_target,
                              args=(rule["target"],), icon=":material/edit:")

sections = [s for s in SECTIONS if CAN_EDIT or s not in ("adjust",)]
if st.session_state.get(SECTION) not in sections:
    st.session_state[SECTION] = "rules" if rstatus == "infeasible" else "review"
section = st.radio(tr("内容", "Section"), sections, horizontal=True, key=SECTION, label_visibility="collapsed",
                   format_func=lambda s: t2(SECTION_NAMES[s]))
has_result = len(info.assignment) > 0

# ---------------------------------------------------------------- review
if section == "review":
    if not has_result:
        st.info(tr("本轮还没有分配结果。", "This round has no assignment yet."))
    else:
        full = svc.review_table(info)
        f1, f2, f3, f4, f5 = st.columns([3, 3, 1.2, 1.2, 2])
        query = f1.text_input(tr("搜索（姓名、工号、单位、班级、学院）", "Search (name, id, unit, class, college)"),
                              key="review_search")
        cols = f2.multiselect(tr("学院", "College"), sorted(full["college"].unique()), key="review_colleges",
                              placeholder=tr("全部学院", "All colleges"))
        only_changed = f3.checkbox(tr("仅调整的", "Changed only"), key="review_changed")
        only_locked = f4.checkbox(tr("仅锁定的", "Locked only"), key="review_locked")
        rank = f5.selectbox(tr("志愿", "Preference"), ["all", "first", "none"], key="review_rank",
                            format_func=lambda v: {"all": tr("全部", "All"), "first": tr("第一志愿", "First choice"),
                                                   "none": tr("未满足志愿", "No wish met")}[v])
        shown = svc.filter_table(full, query, cols, only_changed, only_locked, rank)
        st.caption(tr(f"显示 {len(shown)} / {len(full)} 对", f"{len(shown)} of {len(full)} pairs"))
        colcfg = {"cadre_id": tr("工号", "Cadre id"), "name": tr("姓名", "Name"), "unit": tr("单位", "Unit"),
                  "level": tr("层级", "Level"), "position": tr("职务", "Position"), "class_id": tr("班级编号", "Class id"),
                  "class_name": tr("班级", "Class"), "college": tr("学院", "College"), "grade": tr("年级", "Grade"),
                  "tags": tr("标签", "Tags"), "priority": tr("重点", "Priority"),
                  "score": st.column_config.NumberColumn(tr("匹配得分", "Score"), format="%.1f"),
                  "preference_rank": tr("满足志愿", "Rank met"), "changed": tr("调整", "Changed"),
                  "locked": tr("锁定", "Locked")}
        colcfg |= {k: st.column_config.NumberColumn(t2(v), format="%.1f") for k, v in PART_NAMES.items()}
        event = st.dataframe(display_frame(shown), hide_index=True, width="stretch", key="review_table",
                             column_config=colcfg, height=360, on_select="rerun", selection_mode="single-row")
        st.caption(tr("点选表中一行即可在下方查看该干部的解释并调整。", "Select a row to explain and adjust it below."))
        rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
        if rows and rows[0] < len(shown):
            picked = shown.iloc[rows[0]]["cadre_id"]
            # only a new selection moves the explanation (the picker below stays usable)
            if st.session_state.get("review_last_row") != picked:
                st.session_state["review_last_row"] = picked
                st.session_state["explain_cadre"] = picked

        st.markdown("##### " + tr("单个干部的解释", "Explanation for one cadre"))
        names = dict(zip(full["cadre_id"], full["name"]))
        class_names = dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["name"]))
        cadre = st.selectbox(tr("选择干部", "Cadre"), sorted(names), key="explain_cadre", index=None,
                             placeholder=tr("选择一名干部查看得分构成与备选", "Pick a cadre"),
                             format_func=lambda c: f"{names[c]}（{c}）")
        if cadre:
            with st.spinner(tr("正在计算解释（精确重算备选）……", "Explaining (exact re-solves)…")):
                res = svc.result_for(rid)
                exp = res.explain(cadre) if res is not None and res.status in ("optimal", "feasible") else None
            if exp is None:
                st.info(tr("该轮次为手工导入，无法给出求解解释。", "Imported round: no solver explanation.")
                        if not solvable else tr("重算未能复现保存的结果，无法解释（见“记录与重算”）。",
                                                "A re-solve does not reproduce the stored result (see History)."))
            else:
                for pair in exp["pairs"]:
                    st.markdown(tr(f"**{exp['name']}** → **{pair['class_name']}**（{pair['college']}），得分 {pair['score']:g}"
                                   + ("，锁定" if pair["locked"] else "") + ("，较现行分配有调整" if pair["changed"] else ""),
                                   f"**{exp['name']}** → **{pair['class_name']}** ({pair['college']}), score {pair['score']:g}"))
                    parts = pd.DataFrame([{tr("得分项", "Part"): t2(PART_NAMES[k]), tr("分值", "Value"): float(pair[k])}
                                          for k in PART_NAMES])
                    st.dataframe(parts, hide_index=True, key=f"explain_parts_{pair['class_id']}")
                    if CAN_EDIT and is_draft:
                        c1, c2, _ = st.columns([1, 1, 2])
                        if c1.button(tr("锁定此配对", "Lock this pair"), key=f"explain_lock_{pair['class_id']}",
                                     icon=":material/lock:", disabled=bool(pair["locked"])):
                            start_job(svc.start_adjust, rid, "lock", cadre, pair["class_id"], user.username)
                        if c2.button(tr("回避此配对", "Forbid this pair"), key=f"explain_forbid_{pair['class_id']}",
                                     icon=":material/block:", disabled=bool(pair["locked"])):
                            start_job(svc.start_adjust, rid, "forbid", cadre, pair["class_id"], user.username)
                wnf = exp["why_not_first"]
                first = wnf.get("first_choice") or {}
                if wnf.get("met"):
                    st.success(tr("已满足第一志愿。", "First choice met."))
                elif first.get("value") is not None:
                    kind_zh = {"class": "班级", "college": "学院", "major": "专业", "grade": "年级"}.get(first.get("kind"), "")
                    lines = [tr(f"第一志愿：{kind_zh} {first['value']}" if first.get("rank") else
                                f"最佳匹配班级：{first['value']}（无意向）",
                                f"First choice: {first.get('kind')} {first['value']}")]
                    if wnf.get("holders"):
                        h = wnf["holders"][0]
                        more = len(wnf["holders"]) - 1
                        lines.append(tr(f"目前由 {h['name']}（{h['cadre_id']}）担任{class_names.get(h['class_id'], h['class_id'])}"
                                        + (f"等{more + 1}个班均已有人" if more > 0 else ""),
                                        f"held by {h['name']} ({h['cadre_id']})" + (f" and {more} more" if more else "")))
                    if wnf.get("move_cost") is not None:
                        lines.append(tr(f"满足它会使总匹配度降低 {wnf['move_cost']:g}",
                                        f"meeting it would lower the total fit by {wnf['move_cost']:g}"))
                    elif wnf.get("reason_zh"):
                        lines.append(tr(wnf["reason_zh"], wnf.get("reason_en", "")))
                    st.warning("；".join(lines))
                if exp["alternates"]:
                    st.caption(tr("可行的备选班级（精确重算确认可行，代价 = 总匹配度的减少）",
                                  "Feasible alternates (confirmed by exact re-solve; cost = loss of total fit)"))
                    alts = pd.DataFrame([{tr("班级", "Class"): a["class_name"], tr("学院", "College"): a["college"],
                                          tr("得分", "Score"): a["score"],
                                          tr("满足志愿", "Rank"): a["preference_rank"],
                                          tr("现由", "Held by"): (a["held_by"] or {}).get("name", ""),
                                          tr("调整代价", "Move cost"): a["move_cost"]} for a in exp["alternates"]])
                    st.dataframe(alts, hide_index=True, key="explain_alternates")
                    if CAN_EDIT and is_draft:
                        opts = [a["class_id"] for a in exp["alternates"]]
                        c1, c2 = st.columns([3, 1])
                        target = c1.selectbox(tr("调到备选班级", "Move to an alternate"), opts, key="explain_target",
                                              format_func=lambda c: class_names.get(c, c),
                                              label_visibility="collapsed")
                        if c2.button(tr("调到此班并重新求解", "Move and re-solve"), key="explain_move",
                                     icon=":material/swap_horiz:"):
                            start_job(svc.start_adjust, rid, "move", cadre, target, user.username)

        st.markdown("##### " + tr("指标与图表", "Metrics and charts"))
        dist = svc.preference_distribution(info)
        by_col, by_tag, left = svc.coverage_frames(info)
        k1, k2, k3, k4 = st.columns(4)
        k1.metric(tr("覆盖班级", "Classes covered"), f"{int(by_col['covered'].sum())}/{int(by_col['classes'].sum())}")
        k2.metric(tr("总匹配度", "Total fit"), f"{result.get('total_fit', 0):g}" if result.get("total_fit") is not None else "—")
        k3.metric(tr("前三志愿满足", "Top-3 met"), f"{prefs.get('top3_pct', 0):.0f}%" if prefs else "—")
        k4.metric(tr("未覆盖的重点班", "Priority uncovered"), len(left))
        g1, g2 = st.columns(2)
        with g1:
            ch1 = alt.Chart(dist).mark_bar(color="#00838f").encode(
                x=alt.X("bucket:N", title="满足的志愿", sort=list(dist["bucket"]), axis=alt.Axis(labelAngle=0)),
                y=alt.Y("cadres:Q", title="干部数"),
                tooltip=[alt.Tooltip("bucket:N", title="志愿"), alt.Tooltip("cadres:Q", title="干部数")])
            st.altair_chart(charts.style(ch1.properties(height=260), "志愿满足分布"), key="chart_prefs",
                            width="stretch", theme=None)
        with g2:
            coverage_bars(by_tag, "tag", "标签", "按标签的班级覆盖", "chart_tags", 30, 230)
        coverage_bars(by_col, "college", "学院", "按学院的班级覆盖", "chart_colleges", 24, 200)
        st.markdown("**" + tr(f"未覆盖的重点班级（{len(left)}个）", f"Priority classes left uncovered ({len(left)})") + "**")
        if len(left):
            st.dataframe(display_frame(left), hide_index=True, width="stretch", key="review_uncovered")
        else:
            st.caption(tr("所有重点班级都有班主任。", "Every priority class has an adviser."))

# ---------------------------------------------------------------- adjust
elif section == "adjust":
    if not is_draft:
        st.info(tr("只能调整草稿轮次。已发布或已归档的轮次保持不变。", "Only a draft round can be adjusted."))
    elif not has_result:
        st.info(tr("请先求解本轮。", "Solve the round first."))
    else:
        st.caption(tr("锁定、回避或调动后会在后台重新求解；调动若违反规则将被拒绝并说明违反了哪条规则。每次调整生成本轮的新版本。",
                      "Lock, forbid or move, then the round is re-solved in the background; a move that breaks a "
                      "rule is refused, naming the rule. Each adjustment makes a new revision."))
        a = info.assignment
        names = dict(zip(a["cadre_id"], a["name"]))
        current = a.groupby("cadre_id")["class_id"].first().to_dict()
        class_names = dict(zip(info.inputs["classes"]["class_id"], info.inputs["classes"]["name"]))
        locked = set(a.loc[a["locked"], "cadre_id"])
        # unlocked cadres first: they are the ones an adjustment is usually about
        order = sorted(names, key=lambda c: (c in locked, c))
        cadre = st.selectbox(tr("干部", "Cadre"), order, key="adjust_cadre",
                             format_func=lambda c: f"{names[c]}（{c}）→ {class_names.get(current[c], current[c])}"
                             + (tr("（已锁定）", " (locked)") if c in locked else ""))
        cls_now = current[cadre]
        c1, c2 = st.columns(2)
        if c1.button(tr("锁定当前配对", "Lock this pair"), key="adjust_lock", icon=":material/lock:"):
            start_job(svc.start_adjust, rid, "lock", cadre, cls_now, user.username)
        if c2.button(tr("回避当前配对（禁止并重新分配）", "Forbid this pair"), key="adjust_forbid", icon=":material/block:"):
            start_job(svc.start_adjust, rid, "forbid", cadre, cls_now, user.username)
        classes = info.inputs["classes"]
        options = [c for c in classes["class_id"] if c != cls_now]
        target = st.selectbox(tr("调到班级", "Move to class"), options, key="adjust_target", index=None,
                              placeholder=tr("选择目标班级", "Pick a class"),
                              format_func=lambda c: f"{class_names[c]}（{c}）")
        if st.button(tr("调到此班级并重新求解", "Move and re-solve"), key="adjust_move", icon=":material/swap_horiz:",
                     disabled=target is None):
            start_job(svc.start_adjust, rid, "move", cadre, target, user.username)

# ---------------------------------------------------------------- rules and parameters of this round
elif section == "rules":
    editable = CAN_EDIT and is_draft and solvable
    if not solvable:
        st.info(tr("该轮次为手工导入，没有求解参数。", "Imported round: no solver parameters."))
    else:
        if not editable:
            st.caption(tr("只读：只有草稿可以修改（管理员）。", "Read-only: only a draft can be edited (admin)."))
        focus_param = st.session_state.get("rounds_param_focus")
        if focus_param:
            st.info(tr(f"诊断指向参数：{svc.ROUND_RULE_ZH.get(focus_param, (focus_param,))[0]}",
                       f"The diagnosis points at the parameter {focus_param}"))
        params = params_widgets(f"edit_{rid}", info.parameters, disabled=not editable)
        st.markdown("##### " + tr("本轮规则（修改只保存在本轮的新版本中，不改动主数据）",
                                  "This round's rules (saved in a new revision of the round; master data unchanged)"))
        focus = st.session_state.get("rounds_rule_focus")
        con_in = info.inputs.get("constraints")
        if con_in is None:
            con_in = svc.empty_constraints()
        # the focus is part of the key: pending edits are by row position, and focusing reorders rows
        edited = constraints_editor(f"edit_rules_{rid}" + (f"_{focus}" if focus is not None else ""), con_in,
                                    disabled=not editable, focus=focus)
        if editable:
            try:
                con = svc.canonical_constraints(edited)
                issues = setup_issues(f"round:{rid}:{pd.util.hash_pandas_object(con.astype(str)).sum()}",
                                      info.inputs | {"constraints": con}, json.dumps(params))
            except svc.RoundsError as exc:
                issues = [svc.Issue("error", msg, msg) for msg in exc.rules]
            blocked = show_issues(issues)
            if st.button(tr("保存为新版本并重新求解", "Save as a new revision and solve"), type="primary",
                         key="rules_save", disabled=blocked, icon=":material/save:"):
                goto(rounds_rule_focus=None, rounds_param_focus=None, **{SECTION: "review"})
                start_job(svc.start_revision_solve, rid, user.username, edited, params)

# ---------------------------------------------------------------- diff
elif section == "diff":
    if not has_result:
        st.info(tr("本轮还没有分配结果。", "This round has no assignment yet."))
    else:
        d = load_diff(rid, version)
        counts = d["change"].value_counts()
        c1, c2, c3 = st.columns(3)
        c1.metric(tr("调动", "Moved"), int(counts.get("moved", 0)))
        c2.metric(tr("新分配", "New"), int(counts.get("new", 0)))
        c3.metric(tr("不再带班", "Ended"), int(counts.get("ended", 0)))
        labels_change = {"moved": tr("调动", "moved"), "new": tr("新分配", "new"), "ended": tr("不再带班", "ended")}
        d = d.assign(change=d["change"].map(labels_change))
        st.dataframe(d.rename(columns={"cadre_id": tr("工号", "Cadre id"), "name": tr("姓名", "Name"),
                                       "before": tr("现行班级", "In force"), "after": tr("本轮班级", "This round"),
                                       "change": tr("变化", "Change"), "why": tr("原因", "Why")}),
                     hide_index=True, width="stretch", key="diff_table", height=min(35 * (len(d) + 1) + 3, 640),
                     column_config={tr("原因", "Why"): st.column_config.TextColumn(width="large"),
                                    tr("工号", "Cadre id"): st.column_config.TextColumn(width="small"),
                                    tr("变化", "Change"): st.column_config.TextColumn(width="small")})

# ---------------------------------------------------------------- publish and exports
elif section == "publish":
    if is_draft and CAN_EDIT:
        if rstatus not in ("optimal", "feasible"):
            st.info(tr("只有求解成功的轮次才能发布。", "Only a solved round can be published."))
        else:
            st.markdown("##### " + tr("发布", "Publish"))
            st.caption(tr("发布后本轮成为现行分配；现行分配在生效日期前一天结束并归档。操作记入审计日志。",
                          "Publishing makes this round the assignment in force; the one in force ends the day "
                          "before and is archived. Audit-logged."))
            eff = st.date_input(tr("生效日期", "Effective date"), value=date.today() + timedelta(days=1),
                                key="publish_date")
            current = next((r for r in rounds if r.status == "published"), None)
            if current is not None:
                st.caption(tr(f"现行分配 #{current.id}“{current.name}”将于 {eff - timedelta(days=1):%Y-%m-%d} 结束并归档。",
                              f"Round #{current.id} in force ends on {eff - timedelta(days=1)} and is archived."))
            ok = st.checkbox(tr(f"我确认发布“{info.name}”（{len(info.assignment)}对），自{eff:%Y-%m-%d}起生效",
                                f"I confirm publishing “{info.name}” ({len(info.assignment)} pairs) from {eff}"),
                             key="publish_confirm")
            if st.button(tr("发布", "Publish"), type="primary", key="publish_go", disabled=not ok,
                         icon=":material/campaign:"):
                try:
                    svc.publish(rid, eff, user.username)
                except svc.RoundsError as exc:
                    st.error(exc.message(lang()))
                else:
                    flash("success", tr(f"已发布 #{rid}，自{eff:%Y-%m-%d}起生效。", f"Published #{rid} from {eff}."))
                    goto(publish_confirm=None)
                    st.rerun()
    published_ever = info.published_at is not None
    st.markdown("##### " + tr("导出", "Exports"))
    if not has_result:
        st.info(tr("本轮没有分配结果可导出。", "Nothing to export."))
    else:
        if not published_ever:
            st.caption(tr("本轮尚未发布：名单仅供审核（草稿）。", "Not published: lists are drafts for review."))
        eff = info.effective_date
        inp = info.inputs
        stem = f"{info.name}".replace("/", "-")
        e1, e2, e3 = st.columns(3)
        e1.download_button(tr("领导干部担任班主任名单（xlsx）", "Official list (xlsx)"),
                           data=exports.official_list_xlsx(info.assignment, inp["cadres"], inp["classes"], info.name, eff),
                           file_name=f"{stem}_领导干部担任班主任名单.xlsx", key="export_official",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", width="stretch")
        e2.download_button(tr("公示名单（xlsx）", "Publicity list (xlsx)"),
                           data=exports.publicity_list_xlsx(info.assignment, inp["cadres"], inp["classes"], info.name, eff),
                           file_name=f"{stem}_公示名单.xlsx", key="export_publicity",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", width="stretch")
        e3.download_button(tr("分配结果数据文件（可再导入）", "Assignment data file (re-importable)"),
                           data=importer.write_xlsx("assignment", info.assignment),
                           file_name=f"{stem}_分配结果.xlsx", key="export_assignment",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", width="stretch")

# ---------------------------------------------------------------- history
elif section == "history":
    st.markdown("##### " + tr("参数与种子", "Parameters and seed"))
    st.json(info.parameters, expanded=False)
    if solvable and st.button(tr("用保存的输入、参数和种子重算并核对", "Re-run from stored inputs and check"),
                              key="history_reproduce", icon=":material/replay:"):
        with st.spinner(tr("正在重算……", "Re-running…")):
            rep = svc.reproduce(rid)
        if rep.same:
            st.success(tr(f"重算结果与保存结果完全一致（{len(info.assignment)}对，{rep.status}）。",
                          f"The re-run reproduces the stored result exactly ({rep.status})."))
        else:
            st.error(tr(f"重算结果与保存结果不一致：{len(rep.differences)}处差异（保存：{rep.stored_status}，重算：{rep.status}）",
                        f"The re-run differs: {len(rep.differences)} differences"))
            st.dataframe(rep.differences, hide_index=True, key="history_diff")
    st.markdown("##### " + tr("审计记录", "Audit trail"))
    trail = svc.audit_trail(rid)
    st.dataframe(trail[["at", "actor", "action"]], hide_index=True, width="stretch", key="history_audit")
