"""One cadre's explanation: score parts of each pair, why not the first choice, and the feasible
alternates (exact re-solves); for an admin's draft, lock / forbid / move from here."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from common import vocabulary
from services import round_adjust, round_solve
from ui.feedback import md_escape
from ui.i18n import tr
from ui.jobs import start_job
from ui.labels import label
from ui.rounds.state import Keys, RoundView


def _pair(view: RoundView, cadre: str, name: str, pair: dict) -> None:
    who, cls, college = md_escape(name), md_escape(pair["class_name"]), md_escape(pair["college"])
    st.markdown(tr(f"**{who}** → **{cls}**（{college}），得分 {pair['score']:g}"
                   + ("，锁定" if pair["locked"] else "") + ("，较现行分配有调整" if pair["changed"] else ""),
                   f"**{who}** → **{cls}** ({college}), score {pair['score']:g}"))
    parts = pd.DataFrame([{tr("得分项", "Part"): label(vocabulary.SCORE_PARTS, k), tr("分值", "Value"): float(pair[k])}
                          for k in vocabulary.SCORE_PARTS])
    st.dataframe(parts, hide_index=True, key=f"explain_parts_{pair['class_id']}")
    if pair.get("reason_zh"):
        st.caption(md_escape(tr("理由：" + pair["reason_zh"], "Why: " + pair.get("reason_en", ""))))
    if not view.editable:
        return
    c1, c2, _ = st.columns([1, 1, 2])
    for col, action, zh, en, icon in ((c1, "lock", "锁定此配对", "Lock this pair", "lock"),
                                      (c2, "forbid", "回避此配对", "Forbid this pair", "block")):
        if col.button(tr(zh, en), key=f"explain_{action}_{pair['class_id']}", icon=f":material/{icon}:",
                      disabled=bool(pair["locked"])):
            start_job(Keys.JOB, round_adjust.start_preview, view.user, view.rid, action, cadre, pair["class_id"])


def _why_not_first(wnf: dict, class_names: dict[str, str]) -> None:
    first = wnf.get("first_choice") or {}
    if wnf.get("met"):
        st.success(tr("已满足第一意向。", "First choice met."))
        return
    if first.get("value") is None:
        return
    kind = first.get("kind") or ""
    what = class_names.get(first["value"], first["value"]) if kind == "class" else first["value"]
    lines = [tr(f"第一意向：{label(vocabulary.PREFERENCE_KINDS, kind)} {what}" if first.get("rank")
                else f"最佳匹配班级：{what}（无意向）",
                f"First choice: {label(vocabulary.PREFERENCE_KINDS, kind).lower()} {what}" if first.get("rank")
                else f"Best-fitting class: {what} (no wishes)")]
    if wnf.get("holders"):
        h, more = wnf["holders"][0], len(wnf["holders"]) - 1
        lines.append(tr(f"目前由 {h['name']}（{h['cadre_id']}）担任{class_names.get(h['class_id'], h['class_id'])}"
                        + (f"等{more + 1}个班均已有人" if more > 0 else ""),
                        f"held by {h['name']} ({h['cadre_id']})" + (f" and {more} more" if more else "")))
    if wnf.get("holders") and wnf["holders"][0].get("reason_zh"):
        h = wnf["holders"][0]
        lines.append(tr(f"其担任理由：{h['reason_zh']}", f"why they hold it: {h.get('reason_en', '')}"))
    if wnf.get("move_cost") is not None:
        lines.append(tr(f"满足它会使总匹配度降低 {wnf['move_cost']:g}", f"meeting it would lower the total fit by {wnf['move_cost']:g}"))
    elif wnf.get("reason_zh"):
        lines.append(tr(wnf["reason_zh"], wnf.get("reason_en", "")))
    st.warning(md_escape(tr("；", "; ").join(lines)))
    _chain(wnf)


def _chain(wnf: dict) -> None:
    """The moves granting the first wish would need (cadre → class for each) and the total cost."""
    if not wnf.get("chain"):
        return
    st.caption(tr(f"满足第一意向需要的调整（共 {len(wnf['chain'])} 项，总匹配度 −{wnf['total_cost']:g}）：",
                  f"Moves granting the first wish needs ({len(wnf['chain'])}, total fit −{wnf['total_cost']:g}):"))
    st.dataframe(pd.DataFrame([{tr("干部", "Cadre"): f"{m['name']}（{m['cadre_id']}）",
                                tr("原班级", "From"): m["from_class_name"] or "—",
                                tr("调至", "To"): m["to_class_name"] or tr("不带班", "no class")}
                               for m in wnf["chain"]]), hide_index=True, key="explain_chain")


def _alternates(view: RoundView, cadre: str, alternates: list[dict], class_names: dict[str, str]) -> None:
    st.caption(tr("可行的备选班级（精确重算确认可行，代价 = 总匹配度的减少）",
                  "Feasible alternates (confirmed by exact re-solve; cost = loss of total fit)"))
    st.dataframe(pd.DataFrame([{tr("班级", "Class"): a["class_name"], tr("学院", "College"): a["college"],
                                tr("得分", "Score"): a["score"], tr("满足意向", "Rank"): a["preference_rank"],
                                tr("现由", "Held by"): (a["held_by"] or {}).get("name", ""),
                                tr("调整代价", "Move cost"): a["move_cost"]} for a in alternates]),
                 hide_index=True, key="explain_alternates")
    if not view.editable:
        return
    c1, c2 = st.columns([3, 1])
    target = c1.selectbox(tr("调到备选班级", "Move to an alternate"), [a["class_id"] for a in alternates],
                          key=Keys.EXPLAIN_TARGET, format_func=lambda c: class_names.get(c, c), label_visibility="collapsed")
    if c2.button(tr("预览调到此班", "Preview this move"), key=Keys.EXPLAIN_MOVE, icon=":material/swap_horiz:"):
        start_job(Keys.JOB, round_adjust.start_preview, view.user, view.rid, "move", cadre, target)


def _explanation(view: RoundView, cadre: str):
    with st.spinner(tr("正在计算解释（精确重算备选）……", "Explaining (exact re-solves)…")):
        res = round_solve.result_for(view.user, view.rid)
        return res.explain(cadre, fewest_moves=True) if res is not None and vocabulary.is_solved(res.status) else None


def render_explanation(view: RoundView, names: dict[str, str]) -> None:
    st.markdown("##### " + tr("单个干部的解释", "Explanation for one cadre"))
    cadre = st.selectbox(tr("选择干部", "Cadre"), sorted(names), key=Keys.EXPLAIN_CADRE, index=None,
                         placeholder=tr("选择一名干部查看得分构成与备选", "Pick a cadre"),
                         format_func=lambda c: f"{names[c]}（{c}）")
    if not cadre:
        return
    exp = _explanation(view, cadre)
    if exp is None:
        st.info(tr("该轮次为手工导入，无法给出求解解释。", "Imported round: no solver explanation.")
                if not view.solvable else tr("重算未能复现保存的结果，无法解释（见“记录与重算”）。",
                                             "A re-solve does not reproduce the stored result (see History)."))
        return
    class_names = view.class_names()
    for pair in exp["pairs"]:
        _pair(view, cadre, exp["name"], pair)
    _why_not_first(exp["why_not_first"], class_names)
    if exp["alternates"]:
        _alternates(view, cadre, exp["alternates"], class_names)
