"""What the page says when a background solve of a round has finished."""
from __future__ import annotations

import streamlit as st

from common import vocabulary
from ui.feedback import flash, md_escape
from ui.i18n import lang, tr
from ui.jobs import finished_job
from ui.rounds.state import Keys


def _refused(out: dict) -> None:
    labels = (out.get("refused_en") or out.get("refused") or []) if lang() == "en" else (out.get("refused") or [])
    rules = tr("；", "; ").join(md_escape(r) for r in labels) or tr("（见诊断）", "(see diagnosis)")
    note = md_escape(tr(out.get("note", ""), out.get("note_en") or out.get("note", "")))
    flash(Keys.FLASH, "error", tr(f"调整被拒绝（{note}）：重新求解后无可行分配，冲突规则：{rules}",
                                  f"Adjustment refused ({note}): no feasible assignment; rules: {rules}"), markdown=True)


def handle_finished_job() -> None:
    """Collect a finished job: flash its outcome and open the round it made."""
    job = finished_job(Keys.JOB, Keys.FLASH)
    if job is None:
        return
    out = job.outcome or {}
    status = out.get("status")
    if status == "cancelled":
        flash(Keys.FLASH, "warning", tr("已取消，结果未保存。", "Cancelled; nothing was saved."))
    elif status == "refused":
        _refused(out)
    elif status == "preview":
        # an adjustment computed, not saved: the Adjust section shows it for confirmation
        st.session_state[Keys.ADJUST_PLAN] = out["plan"]
        st.session_state[Keys.SECTION] = "adjust"
    elif out.get("label"):
        note = md_escape(tr(out.get("note", ""), out.get("note_en", "")))
        flash(Keys.FLASH, "success", tr(f"已保存为 {out['label']}：{note}", f"Saved as {out['label']}: {note}"),
              markdown=True)
    elif status == "infeasible":
        flash(Keys.FLASH, "error", tr("无可行分配：请查看下方诊断并修改相应规则。",
                                      "Infeasible: see the diagnosis below and edit the rules it names."))
    else:
        which = out.get("round_label", "")
        flash(Keys.FLASH, "success", tr(
            f"{which} 求解完成（{vocabulary.label(vocabulary.ROUND_RESULTS, status)}，用时{job.elapsed:.1f}秒）",
            f"{which} solved ({vocabulary.label(vocabulary.ROUND_RESULTS, status, 'en')}, {job.elapsed:.1f} s)"
        ).strip(), markdown=True)
    if out.get("round_id") is not None:
        st.session_state[Keys.PICK] = out["round_id"]
