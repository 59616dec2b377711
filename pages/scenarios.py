"""情景推演 / Scenarios: what-if copies of the inputs, solved and compared; never the published result."""
from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from ui.auth import guard
from ui.i18n import lang, tr

user = guard("planner", "admin")

# Imported after the guard: nothing loads before login.
from services import scenarios as svc
from services import sweeps
from services.rounds import SolveJob
from ui.charts import style
from ui.jobs import job_panel
from ui.labels import LEVELS, OBJECTIVES, OWN_UNIT, PRIORITY, WEIGHTS, t2
from ui.tables import display_frame, problems_frame

JOB, PICK, SWEEP, CURVE, FLASH = "scn_job", "scn_pick", "scn_sweep_result", "scn_curve_result", "scn_flash"
STATUS = {"optimal": ("最优", "optimal"), "feasible": ("可行（未证最优）", "feasible"),
          "infeasible": ("无可行解", "infeasible"), "cancelled": ("已取消", "cancelled"),
          "published": ("已发布", "published")}


def err_text(exc: Exception) -> str:
    return exc.message(lang()) if hasattr(exc, "message") else str(exc)


def flash(kind: str, text: str) -> None:
    st.session_state[FLASH] = (kind, text)


def goto(sid: int | None) -> None:
    """Open a scenario on the next run (the picker widget may already exist in this one)."""
    st.session_state["scn_pick_next"] = sid


def show_flash() -> None:
    f = st.session_state.pop(FLASH, None)
    if f:
        getattr(st, f[0])(f[1])


# ---------------------------------------------------------------- background work

def start_job(label_zh: str, label_en: str, work) -> None:
    job = st.session_state.get(JOB)
    if job is not None and not job.done:
        st.warning(tr("已有计算在进行，请等待或取消。", "Work is already running; wait or cancel it."))
        return
    st.session_state[JOB] = SolveJob(label_zh, label_en, work).start()
    st.rerun()


def handle_finished_job() -> None:
    job = st.session_state.get(JOB)
    if job is None or not job.done:
        return
    st.session_state.pop(JOB)
    if job.error is not None:
        flash("error", tr(f"{job.label_zh}失败：{err_text(job.error)}", f"{job.label_en} failed: {err_text(job.error)}"))
        return
    out = job.outcome or {}
    if out.get("kind") == "solve":
        status = out["status"]
        if status == "infeasible":
            flash("error", tr("无可行分配：请查看诊断，修改情景的规则或人员。",
                              "Infeasible: see the diagnosis and edit the scenario's rules or people."))
        elif status == "cancelled":
            flash("warning", tr("已取消，结果未保存。", "Cancelled; nothing was saved."))
        else:
            flash("success", tr(f"求解完成（{t2(STATUS.get(status, (status, status)))}，{job.elapsed:.1f} 秒）。"
                                "已发布的分配和轮次未受影响。",
                                f"Solved ({status}, {job.elapsed:.1f} s). The published assignment and rounds are untouched."))
    elif out.get("kind") == "sweep":
        st.session_state[SWEEP] = out
        res = out["result"]
        flash("warning" if res.cancelled else "success",
              tr(f"容量推演{'已取消（显示已完成的点）' if res.cancelled else '完成'}，{res.seconds:.1f} 秒。",
                 f"Capacity sweep {'cancelled (points done so far)' if res.cancelled else 'done'}, {res.seconds:.1f} s."))
    elif out.get("kind") == "curve":
        st.session_state[CURVE] = out
        flash("warning" if out["cancelled"] else "success",
              tr(f"权衡曲线{'已取消（显示已完成的点）' if out['cancelled'] else '完成'}：{len(out['points'])} 个点。",
                 f"Trade-off curve {'cancelled' if out['cancelled'] else 'done'}: {len(out['points'])} points."))




# ---------------------------------------------------------------- cached reads

@st.cache_data(show_spinner=False, max_entries=16)
def published_metrics(scenario_id: int, version: str):
    """Metrics of the published assignment scored on the scenario's data; `version` (the store's
    last audit id) changes with any write, so a new solve, edit or publication is seen at once."""
    sc = svc.get(scenario_id)
    return svc.published_metrics(sc.frames, sc.params)


def scenario_metrics(sc, published) -> dict:
    return svc.metrics(sc.report, sc.assignment, sc.frames, published)


# ---------------------------------------------------------------- page

st.title(tr("情景推演", "Scenarios"))
st.caption(tr("情景是当前数据（或另一情景）的副本加上修改。求解、对比、推演都只在情景中进行，"
              "绝不改动已发布的分配或任何轮次；只有组织部管理员可把情景转为草稿轮次，再在“分配轮次”页审核发布。",
              "A scenario is a copy of the current data (or of another scenario) plus edits. Solving, comparing "
              "and sweeping happen only inside scenarios and never change the published assignment or any round; "
              "only an admin can turn a scenario into a draft round, reviewed and published on the Rounds page."))
handle_finished_job()
show_flash()
job_panel(JOB, "scn_cancel")

scenarios = svc.list_scenarios()
by_id = {s.id: s for s in scenarios}
version = svc.store_version()

tab_list, tab_compare, tab_sweep, tab_curve = st.tabs(
    [tr("情景", "Scenarios"), tr("对比", "Compare"), tr("容量推演", "Capacity sweep"), tr("权衡曲线", "Trade-offs")],
    key="scn_tabs", on_change="rerun")  # tracked, so a rerun (a job finishing) keeps the open tab


def scenario_label(sid: int) -> str:
    s = by_id[sid]
    return f"#{s.id} {s.name}（{s.owner}）"


def table_height(n_rows: int) -> int:
    """Tall enough to show every row of a short table without an inner scrollbar."""
    return 38 + 35 * n_rows


# ================================================================ tab: scenarios
with tab_list:
    with st.expander(tr("新建情景", "New scenario"), expanded=not scenarios):
        c1, c2 = st.columns([2, 2])
        new_name = c1.text_input(tr("名称", "Name"), key="scn_new_name",
                                 placeholder=tr("例如：中层副职全部带班", "e.g. every deputy takes a class"))
        base_opts = [0, *by_id]
        base = c2.selectbox(tr("复制自", "Copy of"), base_opts, key="scn_new_base",
                            format_func=lambda k: tr("当前数据（含已发布分配作为延续基础）", "Current data (published "
                                                     "assignment as continuity base)") if k == 0 else scenario_label(k))
        if st.button(tr("新建", "Create"), key="scn_create", type="primary"):
            if not new_name.strip():
                st.error(tr("请填写情景名称。", "Give the scenario a name."))
            else:
                try:
                    sid = svc.create(new_name.strip(), user.username, base_scenario=base or None)
                except Exception as exc:  # noqa: BLE001 - bilingual store/scenario errors
                    st.error(err_text(exc))
                else:
                    goto(sid)
                    flash("success", tr(f"已新建情景 #{sid}。", f"Scenario #{sid} created."))
                    st.rerun()

    if scenarios:
        listing = pd.DataFrame([{
            tr("编号", "Id"): s.id, tr("名称", "Name"): s.name, tr("创建人", "Owner"): s.owner,
            tr("更新时间", "Updated"): pd.Timestamp(s.updated_at).strftime("%Y-%m-%d %H:%M"),
            tr("修改数", "Edits"): len(s.edits),
            tr("状态", "Status"): t2(STATUS[(s.result or {}).get("status")]) if (s.result or {}).get("status") in STATUS
            else tr("未求解", "not solved"),
            tr("总匹配度", "Total fit"): (s.result or {}).get("total_fit")} for s in scenarios])
        st.dataframe(listing, hide_index=True, width="stretch", key="scn_listing")

    if not scenarios:
        st.info(tr("还没有情景。新建一个开始推演。", "No scenarios yet. Create one to begin."))
    else:
        if "scn_pick_next" in st.session_state:
            st.session_state[PICK] = st.session_state.pop("scn_pick_next")
        if st.session_state.get(PICK) not in by_id:
            st.session_state[PICK] = scenarios[0].id
        sid = st.selectbox(tr("打开情景", "Open scenario"), list(by_id), key=PICK, format_func=scenario_label)
        sc = svc.get(sid)
        cad, cls = sc.frames["cadres"], sc.frames["classes"]
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(tr("干部（可带班）", "Cadres (capacity > 0)"), int((cad["capacity"] > 0).sum()))
        m2.metric(tr("带班名额", "Slots"), int(cad["capacity"].sum()))
        m3.metric(tr("班级", "Classes"), len(cls))
        m4.metric(tr("重点班", "Priority classes"), int(cls["priority"].sum()))
        base_txt = tr("当前数据", "current data") if sc.base.get("kind") == "published" else \
            tr(f"情景 #{sc.base.get('id')}", f"scenario #{sc.base.get('id')}")
        st.caption(tr(f"创建人 {sc.owner} · 基于{base_txt} · 修改 {len(sc.edits)} 项",
                      f"Owner {sc.owner} · based on {base_txt} · {len(sc.edits)} edit(s)"))
        if sc.edits:
            st.markdown("\n".join(f"{k + 1}. {t2(svc.describe_edit(e))}" for k, e in enumerate(sc.edits)))

        def apply(edit: dict, done_zh: str, done_en: str) -> None:
            try:
                svc.add_edit(sc.id, edit, user.username)
            except Exception as exc:  # noqa: BLE001
                st.error(err_text(exc))
            else:
                flash("success", tr(done_zh, done_en))
                st.rerun()

        with st.expander(tr("修改人员与班级", "Edit people and classes")):
            st.markdown(tr("**新增假设干部**（如：再增加若干名中层副职）", "**Add hypothetical cadres**"))
            c1, c2, c3, c4 = st.columns([1, 1.3, 2.5, 1])
            n_h = c1.number_input(tr("人数", "Count"), min_value=1, max_value=500, value=5, key="scn_h_count")
            lv_h = c2.selectbox(tr("层级", "Level"), list(LEVELS), index=2, format_func=lambda k: t2(LEVELS[k]),
                                key="scn_h_level")
            known = sorted({t for ts in cad["expertise"] for t in ts} | set(svc.make_config(None).affinity))
            ex_h = c3.multiselect(tr("专长", "Expertise"), known, key="scn_h_expertise")
            cap_h = c4.number_input(tr("带班数", "Capacity"), min_value=0, max_value=10, value=1, key="scn_h_cap")
            if st.button(tr("添加假设干部", "Add hypothetical cadres"), key="scn_add_hypo"):
                apply({"op": "add_hypothetical", "count": int(n_h), "level": lv_h, "expertise": ex_h,
                       "capacity": int(cap_h)}, f"已添加 {n_h} 名假设干部。", f"{n_h} hypothetical cadre(s) added.")
            st.divider()
            st.markdown(tr("**按层级设置带班数**（如：中层副职全部带 1 个班）", "**Capacity by level**"))
            c1, c2, c3 = st.columns([1.3, 1, 2])
            lv_c = c1.selectbox(tr("层级", "Level"), list(LEVELS), index=2, format_func=lambda k: t2(LEVELS[k]),
                                key="scn_cap_level")
            cap_c = c2.number_input(tr("带班数", "Capacity"), min_value=0, max_value=10, value=1, key="scn_cap_value")
            if c3.button(tr("设置带班数", "Set capacity"), key="scn_set_cap"):
                apply({"op": "set_capacity", "level": lv_c, "capacity": int(cap_c)}, "带班数已更新。", "Capacity updated.")
            st.divider()
            names = dict(zip(cad["cadre_id"], cad["name"], strict=True))
            rm_c = st.multiselect(tr("移除干部", "Remove cadres"), list(cad["cadre_id"]), key="scn_rm_cadres",
                                  format_func=lambda c: f"{names.get(c, '')}（{c}）")
            if st.button(tr("移除所选干部", "Remove selected cadres"), key="scn_rm_cadres_btn", disabled=not rm_c):
                apply({"op": "remove_cadres", "cadre_ids": rm_c}, f"已移除 {len(rm_c)} 名干部（及其意向与规则）。",
                      f"{len(rm_c)} cadre(s) removed (with their wishes and rules).")
            st.divider()
            st.markdown(tr("**新增班级**（如：下一年的新生班，按“班级名单”模板）",
                           "**Add classes** (e.g. next year's freshman classes, classes template)"))
            up = st.file_uploader(tr("班级文件（xlsx / csv）", "Classes file (xlsx / csv)"), type=["xlsx", "csv"],
                                  key="scn_classes_file")
            if up is not None:
                edit, problems = svc.read_classes_file(up.getvalue(), up.name)
                if problems:
                    st.error(tr(f"文件有 {len(problems)} 个问题，未添加任何班级。",
                                f"{len(problems)} problem(s) in the file; nothing was added."))
                    st.dataframe(problems_frame(problems, lang()), hide_index=True, width="stretch")
                elif st.button(tr(f"添加文件中的 {len(edit['rows'])} 个班级", f"Add {len(edit['rows'])} classes"),
                               key="scn_add_classes"):
                    apply(edit, f"已添加 {len(edit['rows'])} 个班级。", f"{len(edit['rows'])} class(es) added.")
            cnames = dict(zip(cls["class_id"], cls["name"], strict=True))
            rm_k = st.multiselect(tr("移除班级", "Remove classes"), list(cls["class_id"]), key="scn_rm_classes",
                                  format_func=lambda k: f"{cnames.get(k, '')}（{k}）")
            if st.button(tr("移除所选班级", "Remove selected classes"), key="scn_rm_classes_btn", disabled=not rm_k):
                apply({"op": "remove_classes", "class_ids": rm_k}, f"已移除 {len(rm_k)} 个班级（及相关意向与规则）。",
                      f"{len(rm_k)} class(es) removed (with the wishes and rules naming them).")
            c1, c2 = st.columns([1, 2])
            grades = sorted({int(g) for g in cls["grade"]})
            g_rm = c1.selectbox(tr("移除整个年级", "Remove a whole grade"), [None, *grades], key="scn_rm_grade",
                                format_func=lambda g: tr("（不移除）", "(none)") if g is None else f"{g}级")
            if c2.button(tr("移除该年级全部班级", "Remove the grade's classes"), key="scn_rm_grade_btn",
                         disabled=g_rm is None):
                apply({"op": "remove_classes", "grade": int(g_rm)}, f"已移除 {g_rm} 级班级。",
                      f"Grade {g_rm} removed.")

        with st.expander(tr("规则（约束）", "Rules (constraints)")):
            con = sc.frames["constraints"]
            edited = st.data_editor(display_frame(con), num_rows="dynamic", hide_index=True, width="stretch",
                                    key=f"scn_rules_{sc.id}_{len(sc.edits)}")
            if st.button(tr("保存规则", "Save rules"), key="scn_save_rules"):
                rows = edited.copy()
                for c in ("cadre_id", "class_id", "college", "level", "reason", "type"):
                    rows[c] = rows[c].fillna("").astype(str)
                recs = [{k: (None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v)
                         for k, v in r.items()} for r in rows.to_dict("records")]
                apply({"op": "set_constraints", "rows": recs}, "规则已保存。", "Rules saved.")

        with st.expander(tr("求解参数与权重", "Solve parameters and weights")):
            p = dict(sc.params)
            c1, c2, c3 = st.columns(3)
            p["objective"] = c1.selectbox(tr("目标", "Objective"), list(OBJECTIVES),
                                          index=list(OBJECTIVES).index(p.get("objective", "total")),
                                          format_func=lambda k: t2(OBJECTIVES[k]), key="scn_p_objective")
            p["priority"] = c2.selectbox(tr("重点班级", "Priority classes"), list(PRIORITY),
                                         index=list(PRIORITY).index(p.get("priority", "hard")),
                                         format_func=lambda k: t2(PRIORITY[k]), key="scn_p_priority")
            p["own_unit"] = c3.selectbox(tr("本单位规则", "Own-unit rule"), list(OWN_UNIT),
                                         index=list(OWN_UNIT).index(p.get("own_unit", "neutral")),
                                         format_func=lambda k: t2(OWN_UNIT[k]), key="scn_p_own")
            c1, c2 = st.columns(2)
            cb = p.get("change_budget")
            b = c1.number_input(tr("调整上限（相对已发布最多新配对数，-1 = 不限）", "Change budget (-1 = none)"),
                                min_value=-1, step=1, value=-1 if cb is None else int(cb), key="scn_p_budget")
            p["change_budget"] = None if b < 0 else int(b)
            wr = p.get("worst_rank_max")
            r = c2.number_input(tr("公平底线：每位有志愿的干部（锁定除外）至少满足第几志愿（0 = 不限）",
                                   "Fairness floor: every cadre with wishes (locks excluded) gets a wish ranked ≤ (0 = none)"),
                                min_value=0, step=1, value=0 if wr is None else int(wr), key="scn_p_rank")
            p["worst_rank_max"] = None if r == 0 else int(r)
            cols = st.columns(len(WEIGHTS))
            w = dict(p.get("weights") or {})
            for col, (k, nm) in zip(cols, WEIGHTS.items(), strict=True):
                w[k] = float(col.number_input(t2(nm), value=float(w.get(k, 0.0)), step=0.5, key=f"scn_w_{k}"))
            p["weights"] = w
            if st.button(tr("保存参数", "Save parameters"), key="scn_save_params"):
                try:
                    svc.set_params(sc.id, p, user.username)
                except Exception as exc:  # noqa: BLE001
                    st.error(err_text(exc))
                else:
                    flash("success", tr("参数已保存。", "Parameters saved."))
                    st.rerun()

        c1, c2, c3 = st.columns([1, 1, 2])
        if c1.button(tr("求解此情景", "Solve this scenario"), key="scn_solve", type="primary", icon=":material/play_arrow:"):
            sid_, actor = sc.id, user.username

            def work(progress, cancel):
                res = svc.solve_scenario(sid_, actor, progress, cancel)
                return {"kind": "solve", "status": (res.report or {}).get("status", "cancelled")
                        if not cancel.is_set() else "cancelled"}
            start_job(f"求解情景 #{sc.id}", f"Solving scenario #{sc.id}", work)
        may_delete = sc.owner == user.username or user.role == "admin"
        if c2.button(tr("删除此情景", "Delete this scenario"), key="scn_delete", icon=":material/delete:",
                     disabled=not may_delete, help=None if may_delete else tr("只有创建人或管理员可以删除。",
                                                                              "Only the owner or an admin can delete.")):
            try:
                svc.delete(sc.id, user.username, is_admin=user.role == "admin")
            except svc.ScenarioError as exc:
                st.error(exc.message(lang()))
            else:
                goto(None)
                flash("success", tr(f"已删除情景 #{sc.id}。", f"Scenario #{sc.id} deleted."))
                st.rerun()

        if sc.report is not None:
            st.subheader(tr("结果", "Result"))
            diag = sc.report.get("diagnosis") or []
            if sc.report.get("status") == "infeasible":
                st.error(tr("无可行分配。冲突的规则：", "Infeasible. Conflicting rules:"))
                for d in diag:
                    st.markdown(f"- {d.get('message_zh') if lang() == 'zh' else d.get('message_en')}")
            pm, pub, _ = published_metrics(sc.id, version)
            mine = scenario_metrics(sc, pub)
            mt = svc.metrics_table([(tr("已发布", "Published"), pm), (sc.name, mine)], lang())
            st.dataframe(mt, hide_index=True, width="stretch", height=table_height(len(mt)), key="scn_result_table")
            if sc.assignment is not None:
                mv = svc.moves(pub, sc.assignment)
                st.markdown(tr(f"**相对已发布的调整**：{len(mv)} 名干部", f"**Moves from published**: {len(mv)} cadres"))
                st.dataframe(mv.rename(columns={"cadre_id": tr("工号", "Id"), "name": tr("姓名", "Name"),
                                                "from": tr("已发布班级", "Published"), "to": tr("情景中班级", "Scenario")})
                             .drop(columns=["from_ids", "to_ids"]), hide_index=True, width="stretch",
                             key="scn_result_moves")
            if user.role == "admin" and sc.assignment is not None:
                with st.container(border=True):
                    st.markdown(tr("**转为草稿轮次**（在“分配轮次”页审核、发布）",
                                   "**Promote to a draft round** (review and publish on the Rounds page)"))
                    rn = st.text_input(tr("轮次名称", "Round name"), value=f"情景：{sc.name}", key="scn_round_name")
                    if st.button(tr("转为草稿轮次", "Promote to draft round"), key="scn_promote"):
                        try:
                            rid = svc.promote(sc.id, user, rn)
                        except Exception as exc:  # noqa: BLE001
                            st.error(err_text(exc))
                        else:
                            flash("success", tr(f"已创建草稿轮次 #{rid}（未发布）。", f"Draft round #{rid} created (not published)."))
                            st.rerun()
            elif sc.assignment is not None:
                st.caption(tr("转为草稿轮次需组织部管理员操作。", "Only an admin can promote a scenario to a draft round."))


# ================================================================ tab: compare
def compare_charts(named: list[tuple[str, dict, pd.DataFrame | None]]) -> alt.TopLevelMixin:
    """Aligned charts: coverage by tag and preference ranks, one colour per solution, same order."""
    order = [n for n, _, _ in named]
    color = alt.Color("solution:N", title=tr("方案", "Solution"), sort=order,
                      scale=alt.Scale(domain=order, range=["#546e7a", "#1565c0", "#ef6c00", "#2e7d32"][:len(order)]),
                      legend=alt.Legend(orient="top", labelLimit=400))
    tag_rows = [{"solution": n, "tag": t, "coverage": v} for n, m, _ in named
                for t, v in (m.get("by_tag") or {}).items() if v is not None]
    tag_rows += [{"solution": n, "tag": tr("全部班级", "All classes"), "coverage": m.get("coverage")} for n, m, _ in named
                 if m.get("coverage") is not None]
    tag_rows += [{"solution": n, "tag": tr("重点班", "Priority"),
                  "coverage": (m["priority_covered"] / m["priority_classes"]) if m.get("priority_classes") else None}
                 for n, m, _ in named if m.get("priority_covered") is not None]
    tags = pd.DataFrame(tag_rows, columns=["solution", "tag", "coverage"])
    c1 = alt.Chart(tags).mark_bar().encode(
        x=alt.X("tag:N", title=tr("班级类别", "Class group"), axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("solution:N", sort=order), y=alt.Y("coverage:Q", title=tr("覆盖率", "Coverage"),
                                                                axis=alt.Axis(format="%")),
        color=color, tooltip=["solution:N", "tag:N", alt.Tooltip("coverage:Q", format=".1%")],
    ).properties(width=620, height=240, title=tr("覆盖率（按类别）", "Coverage by group"))
    rank_rows = []
    for n, _, a in named:
        if a is None:
            continue
        r = a["preference_rank"].astype("Float64")
        for label, cnt in r.fillna(0).astype(int).value_counts().sort_index().items():
            rank_rows.append({"solution": n, "rank": tr("未满足", "none") if label == 0 else f"{label}",
                              "order": 99 if label == 0 else label, "pairs": int(cnt)})
    ranks = pd.DataFrame(rank_rows, columns=["solution", "rank", "order", "pairs"])
    rank_order = list(ranks.sort_values("order")["rank"].drop_duplicates())
    c2 = alt.Chart(ranks).mark_bar().encode(
        x=alt.X("rank:N", title=tr("满足的志愿（位次）", "Wish met (rank)"), sort=rank_order, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("solution:N", sort=order), y=alt.Y("pairs:Q", title=tr("配对数", "Pairs")),
        color=color, tooltip=["solution:N", "rank:N", "pairs:Q"],
    ).properties(width=620, height=220, title=tr("志愿满足分布", "Preference ranks met"))
    return style(alt.vconcat(c1, c2).resolve_scale(color="shared"))


with tab_compare:
    solved = [s.id for s in scenarios if (s.result or {}).get("status") in ("optimal", "feasible")]
    if not solved:
        st.info(tr("先求解至少一个情景，再来对比。", "Solve at least one scenario to compare."))
    else:
        pick = st.multiselect(tr("选择 2–3 个情景", "Pick 2–3 scenarios"), solved, default=solved[:2],
                              max_selections=3, key="scn_compare_pick", format_func=scenario_label)
        with_pub = st.checkbox(tr("同时对比已发布的分配", "Include the published assignment"), value=True,
                               key="scn_compare_pub")
        if pick:
            opened = [svc.get(i) for i in pick]
            pm, pub, pub_scored = published_metrics(opened[0].id, version)
            named = ([(tr("已发布", "Published"), pm, pub_scored)] if with_pub else []) + \
                [(f"#{o.id} {o.name}", scenario_metrics(o, pub), o.assignment) for o in opened]
            mt = svc.metrics_table([(n, m) for n, m, _ in named], lang())
            st.dataframe(mt, hide_index=True, width="stretch", height=table_height(len(mt)), key="scn_compare_table")
            st.caption(tr("已发布分配按第一个所选情景的数据与权重计分；“相对已发布的变动对数”=情景中不在已发布分配里的配对数。",
                          "The published assignment is scored with the first scenario's data and weights; "
                          "“changed” = pairs not in the published assignment."))
            st.altair_chart(compare_charts(named), key="scn_compare_chart")
            st.markdown(tr("**谁会调到哪里**", "**Who would move where**"))
            sources = [(tr("已发布", "Published"), pub)] + [(f"#{o.id} {o.name}", o.assignment) for o in opened]
            labels = [s[0] for s in sources]
            c1, c2 = st.columns(2)
            a_i = c1.selectbox(tr("从", "From"), range(len(labels)), format_func=lambda i: labels[i], key="scn_mv_from")
            b_i = c2.selectbox(tr("到", "To"), range(len(labels)), index=min(1, len(labels) - 1),
                               format_func=lambda i: labels[i], key="scn_mv_to")
            mv = svc.moves(sources[a_i][1], sources[b_i][1])
            st.caption(tr(f"{len(mv)} 名干部的班级不同", f"{len(mv)} cadres differ"))
            st.dataframe(mv.drop(columns=["from_ids", "to_ids"]).rename(columns={
                "cadre_id": tr("工号", "Id"), "name": tr("姓名", "Name"), "from": labels[a_i], "to": labels[b_i]}),
                hide_index=True, width="stretch", key="scn_compare_moves")


# ================================================================ tab: capacity sweep
def opened_or_none():
    sid = st.session_state.get(PICK)
    return svc.get(sid) if sid in by_id else None


with tab_sweep:
    sc = opened_or_none()
    if sc is None:
        st.info(tr("先在“情景”中新建或打开一个情景。", "Create or open a scenario first."))
    else:
        st.markdown(tr(f"在情景 **#{sc.id} {sc.name}** 上推演：需要多少名干部才能覆盖全部重点班？",
                       f"On scenario **#{sc.id} {sc.name}**: how many cadres cover every priority class?"))
        order = st.selectbox(tr("“n 名干部”指", "“n cadres” means"), list(sweeps.ORDERS), key="scn_sweep_order",
                             format_func=lambda k: tr(f"按此顺序的前 n 名：{sweeps.ORDERS[k][0]}",
                                                      f"the first n in this order: {sweeps.ORDERS[k][1]}"))
        st.caption(tr("每个点都是一次精确求解：在情景的全部规则下，先使覆盖的重点班最多，再使总匹配度最高；其他干部该次不带班。"
                      "最少人数从“名额数刚好够重点班数”的人数起逐一求解得到，并以 n−1 的求解无法覆盖全部重点班来验证。",
                      "Each point is one exact solve: under all the scenario's rules, first the most priority classes "
                      "covered, then the highest total fit; the other cadres take no class in that solve. The minimum is "
                      "found by solving upward from the first n whose slots equal the number of priority classes, and "
                      "verified by a solve at n−1 that cannot cover them all."))
        total = int((sc.frames["cadres"]["capacity"] > 0).sum())
        c1, c2, c3 = st.columns(3)
        lo = c1.number_input(tr("最少人数", "From n"), min_value=0, max_value=max(total, 1), value=min(10, total),
                             key=f"scn_sweep_lo_{sc.id}_{total}")
        hi = c2.number_input(tr("最多人数", "To n"), min_value=0, max_value=max(total, 1), value=total,
                             key=f"scn_sweep_hi_{sc.id}_{total}")
        npts = c3.number_input(tr("点数", "Points"), min_value=2, max_value=40, value=10, key="scn_sweep_points")
        find_min = st.checkbox(tr("同时求最少人数并验证", "Also find and verify the minimum"), value=True,
                               key="scn_sweep_min")
        if st.button(tr("开始推演", "Run the sweep"), key="scn_sweep_run", type="primary"):
            frames_, params_, sizes = sc.frames, sc.params, sweeps.sweep_sizes(total, int(npts), int(lo), int(hi))
            sid_ = sc.id

            def work(progress, cancel):
                res = sweeps.capacity_sweep(frames_, params_, order, sizes=sizes, find_minimum=find_min,
                                            progress=progress, cancel=cancel)
                return {"kind": "sweep", "scenario_id": sid_, "result": res}
            start_job(f"容量推演（情景 #{sc.id}）", f"Capacity sweep (scenario #{sc.id})", work)
        out = st.session_state.get(SWEEP)
        if out and out["scenario_id"] == sc.id:
            res = out["result"]
            df = res.frame()
            if res.minimum is not None:
                v = res.verification
                vtxt = t2(STATUS.get(v.status, (v.status, v.status))) if v else "—"
                vcov = "—" if v is None or v.priority_covered is None else f"{v.priority_covered}/{v.priority_total}"
                st.success(tr(f"最少需要 **{res.minimum}** 名干部（按所述顺序）覆盖全部 {res.priority_total} 个重点班。"
                              f"验证：n = {res.minimum - 1} 时求解结果为“{vtxt}”，覆盖重点班 {vcov}。",
                              f"At least **{res.minimum}** cadres (in the stated order) cover all {res.priority_total} "
                              f"priority classes. Check: n = {res.minimum - 1} solves as “{vtxt}”, covering {vcov}."))
            elif find_min and not res.cancelled:
                st.warning(tr("按此顺序，即使用上全部干部也无法在现有规则下覆盖全部重点班。",
                              "Even all cadres in this order cannot cover every priority class under the rules."))
            long = df.melt(id_vars=["n", "status"], value_vars=["priority_coverage", "coverage"], var_name="series",
                           value_name="rate").dropna(subset=["rate"])
            long["series"] = long["series"].map({"priority_coverage": tr("重点班覆盖率", "Priority classes"),
                                                 "coverage": tr("全部班级覆盖率", "All classes")})
            line = alt.Chart(long).mark_line(point=True).encode(
                x=alt.X("n:Q", title=tr("干部人数 n", "Cadres n")),
                y=alt.Y("rate:Q", title=tr("覆盖率", "Coverage"), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                color=alt.Color("series:N", title=None, legend=alt.Legend(orient="top", labelLimit=300),
                                scale=alt.Scale(range=["#1565c0", "#ef6c00"])),
                tooltip=["n:Q", "series:N", alt.Tooltip("rate:Q", format=".1%"), "status:N"])
            layers = [line]
            infeas = df.loc[df["status"] == "infeasible"]
            if len(infeas):
                layers.append(alt.Chart(infeas.assign(y=0.0)).mark_point(shape="cross", color="#c62828", size=80).encode(
                    x="n:Q", y="y:Q", tooltip=[alt.Tooltip("n:Q"), alt.Tooltip("status:N")]))
            if res.minimum is not None:
                layers.append(alt.Chart(pd.DataFrame({"n": [res.minimum], "label": [tr(f"最少 {res.minimum} 人",
                                                                                       f"minimum {res.minimum}")]}))
                              .mark_rule(color="#2e7d32", strokeDash=[6, 4]).encode(x="n:Q", tooltip=["label:N"]))
            st.altair_chart(style(alt.layer(*layers).properties(height=300),
                                  tr("覆盖率与干部人数", "Coverage against the number of cadres")), key="scn_sweep_chart")
            st.caption(tr("红色叉号：该人数下在规则内无可行分配（如学院名额下限无法满足）。",
                          "Red crosses: no feasible assignment under the rules at that n (e.g. a quota minimum)."))
            st.dataframe(df.assign(status=df["status"].map(lambda v: t2(STATUS.get(v, (v, v))))),
                         hide_index=True, width="stretch", key="scn_sweep_table", column_config={
                "n": st.column_config.NumberColumn(tr("干部人数 n", "Cadres n")),
                "status": tr("求解状态", "Status"),
                "priority_covered": tr("覆盖重点班", "Priority covered"),
                "priority_total": tr("重点班总数", "Priority classes"),
                "classes_covered": tr("覆盖班级", "Classes covered"), "classes_total": tr("班级总数", "Classes"),
                "total_fit": st.column_config.NumberColumn(tr("总匹配度", "Total fit"), format="%.1f"),
                "seconds": st.column_config.NumberColumn(tr("用时（秒）", "Seconds"), format="%.2f"),
                "priority_coverage": st.column_config.NumberColumn(tr("重点班覆盖率", "Priority coverage"),
                                                                   format="percent"),
                "coverage": st.column_config.NumberColumn(tr("班级覆盖率", "Coverage"), format="percent")})


# ================================================================ tab: trade-off curves
with tab_curve:
    sc = opened_or_none()
    if sc is None:
        st.info(tr("先在“情景”中新建或打开一个情景。", "Create or open a scenario first."))
    else:
        curve = st.radio(tr("曲线", "Curve"), ["fairness", "changes"], horizontal=True, key="scn_curve_kind",
                         format_func=lambda k: tr("总匹配度 ↔ 最差者的志愿位次（公平）", "Total fit vs worst-off rank")
                         if k == "fairness" else tr("总匹配度 ↔ 相对已发布的变动对数", "Total fit vs changes from published"))
        st.caption(tr("每个点都是一次精确求解。公平：要求每位有志愿的干部（锁定者除外）至少满足第 r 志愿，r = 1…最大位次，另加不限。"
                      "变动：最多 k 个不在已发布分配中的配对，k 从可能的最少变动到不限时的变动数。点击一个点可把该解保存为情景。",
                      "Each point is one exact solve. Fairness: every cadre with wishes (locks excluded) gets a wish "
                      "ranked ≤ r, r = 1…max, plus unbounded. Changes: at most k pairs outside the published assignment, "
                      "from the fewest possible to the unconstrained number. Click a point to open it as a scenario."))
        npts = st.number_input(tr("点数（变动曲线）", "Points (changes curve)"), min_value=2, max_value=30, value=10,
                               key="scn_curve_points", disabled=curve == "fairness")
        if st.button(tr("计算曲线", "Compute the curve"), key="scn_curve_run", type="primary"):
            frames_, params_, sid_ = sc.frames, sc.params, sc.id

            def work(progress, cancel):
                if curve == "fairness":
                    pts, cancelled = sweeps.fairness_curve(frames_, params_, progress, cancel)
                else:
                    pts, cancelled = sweeps.change_curve(frames_, params_, int(npts), progress, cancel)
                return {"kind": "curve", "curve": curve, "scenario_id": sid_, "points": pts, "cancelled": cancelled}
            start_job(f"权衡曲线（情景 #{sc.id}）", f"Trade-off curve (scenario #{sc.id})", work)
        out = st.session_state.get(CURVE)
        if out and out["scenario_id"] == sc.id and out["points"]:
            pts = out["points"]
            df = sweeps.points_frame(pts)
            if out["curve"] == "fairness":
                top = max([p.bound for p in pts if p.bound is not None], default=0) + 1
                df["x"] = [(b if b is not None and not pd.isna(b) else top) for b in df["bound"]]
                df["x_label"] = [tr(f"≤第{int(b)}志愿", f"≤ rank {int(b)}") if b is not None and not pd.isna(b)
                                 else tr("不限", "unbounded") for b in df["bound"]]
                x_title = tr("最差者志愿位次上限（右端为不限）", "Worst-off rank bound (right: unbounded)")
            else:
                df["x"] = df["changes"]
                df["x_label"] = [f"k ≤ {b}" if b is not None and not pd.isna(b) else tr("最少变动", "fewest")
                                 for b in df["bound"]]
                x_title = tr("相对已发布的变动对数", "Pairs changed from published")
            ok = df.loc[df["total_fit"].notna()]
            sel = alt.selection_point(name="pt", fields=["idx"], on="click")
            ch = alt.Chart(ok).mark_line(point=alt.OverlayMarkDef(size=120, filled=True)).encode(
                x=alt.X("x:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
                y=alt.Y("total_fit:Q", title=tr("总匹配度", "Total fit"), scale=alt.Scale(zero=False)),
                tooltip=[alt.Tooltip("x_label:N", title=tr("约束", "Bound")),
                         alt.Tooltip("total_fit:Q", title=tr("总匹配度", "Total fit"), format=".2f"),
                         alt.Tooltip("worst_rank:Q", title=tr("最差志愿位次", "Worst rank")),
                         alt.Tooltip("changes:Q", title=tr("变动对数", "Changes")), alt.Tooltip("status:N")],
            ).add_params(sel)
            event = st.altair_chart(style(ch.properties(height=320), tr("权衡曲线（点击一个点）", "Trade-off (click a point)")),
                                    on_select="rerun", key="scn_curve_chart")
            bad = df.loc[df["total_fit"].isna()]
            if len(bad):
                st.caption(tr("无可行解的点：" + "、".join(bad["x_label"].astype(str)) if "x_label" in bad else "",
                              "Infeasible points: " + ", ".join(bad["x_label"].astype(str))))
            st.dataframe(df.assign(status=df["status"].map(lambda v: t2(STATUS.get(v, (v, v))))),
                         hide_index=True, width="stretch", key="scn_curve_table",
                         column_order=["x_label", "status", "total_fit", "worst_rank", "worst_unmet", "changes",
                                       "seconds"],
                         column_config={
                             "x_label": tr("约束", "Bound"), "status": tr("求解状态", "Status"),
                             "total_fit": st.column_config.NumberColumn(tr("总匹配度", "Total fit"), format="%.1f"),
                             "worst_rank": tr("最差志愿位次", "Worst-off rank"),
                             "worst_unmet": tr("有干部志愿未满足", "Someone's wishes unmet"),
                             "changes": tr("相对已发布的变动对数", "Changes from published"),
                             "seconds": st.column_config.NumberColumn(tr("用时（秒）", "Seconds"), format="%.2f")})
            chosen = None
            sel_pts = (event.selection.get("pt") if event and getattr(event, "selection", None) else None) or []
            if sel_pts:
                chosen = int(sel_pts[0]["idx"])
            opts = [int(i) for i in ok["idx"]]
            if opts:
                # a new click on the chart picks the point; the picker below still works on its own
                if chosen in opts and chosen != st.session_state.get("scn_curve_clicked"):
                    st.session_state["scn_curve_point"] = chosen
                st.session_state["scn_curve_clicked"] = chosen
                pick = st.selectbox(tr("选中的点", "Selected point"), opts, key="scn_curve_point",
                                    format_func=lambda i: f"{df.at[i, 'x_label']} · {tr('总匹配度', 'fit')} "
                                                          f"{df.at[i, 'total_fit']:.2f}")
                name = st.text_input(tr("保存为情景的名称", "Name of the new scenario"),
                                     value=f"{sc.name} · {df.at[pick, 'x_label']}", key=f"scn_curve_name_{pick}")
                if st.button(tr("将此解保存为情景并打开", "Open this solution as a scenario"), key="scn_open_point"):
                    p = pts[pick]
                    try:
                        nid = svc.save_solution(name, user.username, sc.frames, p.params, p.result,
                                                {"kind": "scenario", "id": sc.id, "name": sc.name})
                    except Exception as exc:  # noqa: BLE001
                        st.error(err_text(exc))
                    else:
                        goto(nid)
                        flash("success", tr(f"已保存为情景 #{nid}，可在“情景”与“对比”中查看。",
                                            f"Saved as scenario #{nid}; see it under Scenarios and Compare."))
                        st.rerun()
