"""The list of rounds, the picker, and the summary of the round picked (metrics, solve, discard)."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from common import vocabulary
from services import round_lifecycle, round_solve
from ui.feedback import flash, md_escape, show_error
from ui.i18n import tr
from ui.jobs import start_job
from ui.labels import label
from ui.page_state import goto
from ui.rounds.state import Keys, RoundView
from ui.tables import table_height


def round_label(r) -> str:
    """#number name · vN: one number for the round's life, its revisions v1, v2… under it."""
    no, v = round_lifecycle.round_number(r.id, r.parameters), round_lifecycle.version_number(r.parameters)
    return f"#{no} {r.name} · v{v}"


def _table(listed: list) -> pd.DataFrame:
    return pd.DataFrame([{
        tr("轮次", "Round"): round_label(r),
        tr("类型", "Kind"): label(vocabulary.ROUND_KINDS, r.kind),
        tr("状态", "Status"): label(vocabulary.ROUND_STATUSES, r.status),
        tr("结果", "Result"): label(vocabulary.ROUND_RESULTS, (r.result or {}).get("status")) or "—",
        tr("配对", "Pairs"): r.n_assignments,
        tr("生效日期", "Effective"): r.effective_date.isoformat() if r.effective_date else "",
        tr("创建", "Created"): f"{r.created_by} {r.created_at:%Y-%m-%d %H:%M}",
    } for r in listed])


def default_pick(listed: list) -> int:
    """What the page opens on: the round in force, else the newest draft with a feasible result,
    else the first listed (never an infeasible draft while a better one exists)."""
    in_force = [r for r in listed if r.status == "published"]
    if in_force:
        return in_force[0].id
    solved = [r for r in listed if r.status == "draft" and vocabulary.is_solved((r.result or {}).get("status"))]
    return max(solved, key=lambda r: r.id).id if solved else listed[0].id


def render_round_picker(rounds: list) -> int | None:
    """The rounds table and the picker; the id picked, or None when there is nothing to show."""
    show_archived = st.toggle(tr("显示已归档的轮次（旧版本、被替换的轮次）", "Show archived rounds"), key=Keys.SHOW_ARCHIVED)
    listed = [r for r in rounds if show_archived or r.status != "archived"]
    if not listed:
        st.info(tr("还没有轮次。", "No rounds yet."))
        return None
    table = _table(listed)
    st.dataframe(table, hide_index=True, width="stretch", key="rounds_table", height=table_height(len(table), 260))
    ids = [r.id for r in listed]
    if st.session_state.get(Keys.PICK) not in ids:
        st.session_state[Keys.PICK] = default_pick(listed)
    # no status in the label: the picker keeps the label it drew while the status changes underneath
    labels = {r.id: round_label(r) for r in listed}
    rid = st.selectbox(tr("查看轮次", "Round"), ids, format_func=lambda i: labels[i], key=Keys.PICK)
    if st.session_state.get(Keys.LAST_PICK) != rid:
        # a diagnosis focus belongs to the round it came from
        st.session_state[Keys.LAST_PICK] = rid
        st.session_state.pop(Keys.RULE_FOCUS, None)
        st.session_state.pop(Keys.PARAM_FOCUS, None)
    return rid


def _short(text: str) -> str:
    """A KPI's value in a word: the label up to its first bracket or comma (the rest goes in a caption)."""
    return re.split(r"[（(，,]", text, maxsplit=1)[0].strip() or text


def _metrics(view: RoundView) -> None:
    """Two rows of three: a column of a six-wide row cannot hold "Published" at 1280 px."""
    info, result = view.info, view.result
    outcome = label(vocabulary.ROUND_RESULTS, view.status) if view.status else tr("未求解", "Not solved")
    m = st.columns(3)
    m[0].metric(tr("状态", "Status"), label(vocabulary.ROUND_STATUSES, info.status))
    m[1].metric(tr("求解结果", "Result"), _short(outcome))
    m[2].metric(tr("配对数", "Pairs"), len(info.assignment))
    if _short(outcome) != outcome:
        st.caption(tr(f"求解结果：{outcome}", f"Result: {outcome}"))
    if not view.solved:
        return
    cov, prefs, ch = result.get("coverage") or {}, result.get("preferences") or {}, result.get("changes") or {}
    m = st.columns(3)
    if cov:
        m[0].metric(tr("重点关注班级覆盖", "Priority covered"), f"{cov.get('priority_covered', 0)}/{cov.get('priority_classes', 0)}")
    if prefs:
        m[1].metric(tr("第一意向满足", "First choice met"), f"{prefs.get('first_choice_pct', 0):.0f}%")
    if ch.get("previous_pairs"):
        m[2].metric(tr("保留/调整", "Kept/changed"), f"{ch.get('kept', 0)}/{ch.get('changed', 0)}")


def _discard(view: RoundView) -> None:
    try:
        round_lifecycle.discard(view.user, view.rid)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    here = round_lifecycle.round_label(view.info)
    flash(Keys.FLASH, "info", tr(f"已归档草稿 {here}", f"Draft {here} archived"), markdown=True)
    goto(Keys.PENDING, **{Keys.PICK: None})
    st.rerun()


def render_summary(view: RoundView) -> None:
    """Metrics of the round picked; for an admin's draft, solve and discard."""
    _metrics(view)
    params = view.info.parameters
    if params.get("revision_note"):
        note = md_escape(params["revision_note"])
        v = round_lifecycle.version_number(params)
        note_en = md_escape(params.get("revision_note_en") or params["revision_note"])
        st.caption(tr(f"本版本 v{v} 由 v{v - 1} 修改而来：{note}", f"Version v{v}, revised from v{v - 1}: {note_en}"))
    if not view.editable:
        return
    b1, b2, _ = st.columns([1, 1, 4])
    if b1.button(tr("重新求解", "Solve again") if view.status else tr("求解", "Solve"), key=Keys.SOLVE,
                 icon=":material/play_arrow:", disabled=not view.solvable):
        start_job(Keys.JOB, round_solve.start_solve, view.user, view.rid)
    if b2.button(tr("放弃此草稿", "Discard draft"), key=Keys.DISCARD, icon=":material/delete:"):
        _discard(view)
