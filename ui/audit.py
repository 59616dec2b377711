"""The audit-log viewer's one section: filters, the table in words, and the export."""
from __future__ import annotations

from datetime import date

import streamlit as st

from common import vocabulary
from services import audit_view
from ui.downloads import file_name
from ui.feedback import user_errors
from ui.i18n import lang, tr


class Keys:
    ACTOR = "audit_actor"
    ACTION = "audit_action"
    ENTITY = "audit_entity"
    SPAN = "audit_span"


def _filters(user) -> audit_view.AuditFilter:
    actors, actions, entities = audit_view.choices(user)
    c1, c2, c3, c4 = st.columns(4)
    actor = c1.selectbox(tr("操作人", "Who"), ["", *actors], key=Keys.ACTOR,
                         format_func=lambda v: v or tr("（全部）", "(all)"))
    action = c2.selectbox(tr("操作", "What"), ["", *actions], key=Keys.ACTION,
                          format_func=lambda v: vocabulary.label(vocabulary.AUDIT_ACTIONS, v, lang())
                          if v else tr("（全部）", "(all)"))
    entity = c3.selectbox(tr("对象", "Object"), ["", *entities], key=Keys.ENTITY,
                          format_func=lambda v: vocabulary.label(vocabulary.AUDIT_ENTITIES, v, lang())
                          if v else tr("（全部）", "(all)"))
    span = c4.date_input(tr("日期范围（北京时间）", "Dates (Beijing time)"), value=(), key=Keys.SPAN,
                         format="YYYY-MM-DD")
    since = span[0] if len(span) >= 1 and isinstance(span[0], date) else None
    until = span[1] if len(span) == 2 else since
    return audit_view.AuditFilter(actor=actor or None, action=action or None, entity=entity or None,
                                  since=since, until=until)


def render_audit(user) -> None:
    with user_errors():
        f = _filters(user)
        table = audit_view.entries(user, f, lang())
        st.caption(tr(f"显示最新的 {len(table)} 条（至多 {f.limit} 条）。",
                      f"Showing the newest {len(table)} entries (at most {f.limit})."))
        st.dataframe(table, hide_index=True, width="stretch")
        if st.button(tr("准备导出（Excel 表格）", "Prepare export (Excel)"), key="audit_prepare"):
            st.download_button(tr("下载审计日志", "Download the audit log"),
                               audit_view.export_xlsx(user, f, lang()),
                               file_name=file_name("审计日志", "audit-log", f"{date.today():%Y-%m-%d}"),
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                               key="audit_download")
