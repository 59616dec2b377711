"""What the page says when a background job (solve, sweep, curve) has finished."""
from __future__ import annotations

import streamlit as st

from common import vocabulary
from ui.feedback import flash
from ui.i18n import tr
from ui.jobs import finished_job
from ui.labels import label
from ui.scenarios.state import Keys


def _solved(status: str, elapsed: float) -> None:
    if status == "infeasible":
        flash(Keys.FLASH, "error", tr("无可行分配：请查看诊断，修改情景的规则或人员。",
                                      "Infeasible: see the diagnosis and edit the scenario's rules or people."))
    elif status == "cancelled":
        flash(Keys.FLASH, "warning", tr("已取消，结果未保存。", "Cancelled; nothing was saved."))
    else:
        flash(Keys.FLASH, "success", tr(f"求解完成（{label(vocabulary.SOLVER_STATUSES, status)}，{elapsed:.1f} 秒）。"
                                        "已发布的分配和轮次未受影响。",
                                        f"Solved ({status}, {elapsed:.1f} s). The published assignment and rounds "
                                        "are untouched."))


def handle_finished_job() -> None:
    job = finished_job(Keys.JOB, Keys.FLASH)
    if job is None:
        return
    out = job.outcome or {}
    if out.get("kind") == "solve":
        _solved(out["status"], job.elapsed)
    elif out.get("kind") == "sweep":
        st.session_state[Keys.SWEEP_RESULT] = out
        res = out["result"]
        flash(Keys.FLASH, "warning" if res.cancelled else "success",
              tr(f"容量推演{'已取消（显示已完成的点）' if res.cancelled else '完成'}，{res.seconds:.1f} 秒。",
                 f"Capacity sweep {'cancelled (points done so far)' if res.cancelled else 'done'}, {res.seconds:.1f} s."))
    elif out.get("kind") == "curve":
        st.session_state[Keys.CURVE_RESULT] = out
        n, planned = len(out["points"]), out.get("planned")
        of_zh, of_en = (f"（共 {planned} 个）", f" of {planned}") if planned else ("", "")
        if out["cancelled"]:
            flash(Keys.FLASH, "warning", tr(f"权衡曲线已取消：保留已完成的 {n} 个点{of_zh}。",
                                            f"Trade-off curve cancelled: the {n}{of_en} points done are kept."))
        else:
            flash(Keys.FLASH, "success", tr(f"权衡曲线完成：{n} 个点，{job.elapsed:.1f} 秒。",
                                            f"Trade-off curve done: {n} points, {job.elapsed:.1f} s."))
