"""Quick-add of an activity (phone first: date today, own class and the last venue pre-selected;
type, students and a line of text are all that is left), then the check and the write."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from common import vocabulary
from services import compliance_view as cv
from services import ledger
from ui.feedback import error_text, md_escape
from ui.i18n import lang, tr
from ui.ledger.state import Keys

if TYPE_CHECKING:
    from store.auth import UserInfo


def _defaults(classes: pd.DataFrame, led: pd.DataFrame, as_of: date) -> tuple[str, str]:
    """(own class in force on `as_of`, last venue used) — what a quick-add pre-selects."""
    day = pd.Timestamp(as_of)
    now = classes.loc[(classes["start"].isna() | (classes["start"] <= day)) & (classes["end"].isna() | (classes["end"] >= day))]
    own = str(now["class_id"].iloc[0]) if len(now) else ""
    venues = led.loc[led["venue"] != ""].sort_values("date")["venue"]
    return own, (str(venues.iloc[-1]) if len(venues) else "")


def _form(classes: pd.DataFrame, led: pd.DataFrame, as_of: date) -> dict | None:
    """The form's values when submitted, else None."""
    type_label = vocabulary.labels(vocabulary.ACTIVITY_TYPES, lang())
    own, last_venue = _defaults(classes, led, as_of)
    class_ids = ["", *dict.fromkeys(classes["class_id"])]
    venues = ["", *vocabulary.VENUES]
    with st.form(Keys.FORM, clear_on_submit=False, border=True):
        st.subheader(tr("记录活动", "Record an activity"))
        c1, c2, c3 = st.columns(3)
        day = c1.date_input(tr("日期", "Date"), value=as_of, key=Keys.DATE, format="YYYY-MM-DD")
        # the weekly face-to-face contact is what a cadre records most often: list it first
        types = ["face_to_face", *[t for t in type_label if t != "face_to_face"]]
        typ = c2.selectbox(tr("类型", "Type"), types, format_func=lambda t: type_label[t], key=Keys.TYPE)
        venue = c3.selectbox(tr("场所（九进）", "Venue (nine venues)"), venues, index=venues.index(last_venue),
                             format_func=lambda v: v or tr("（不填，仅“向党委汇报”可不填）", "(none — only for a report)"),
                             key=Keys.VENUE)
        class_names = dict(zip(classes["class_id"], classes["class_name"]))
        c4, c5, c6 = st.columns(3)
        class_id = c4.selectbox(tr("班级", "Class"), class_ids, index=class_ids.index(own),
                                format_func=lambda k: f"{class_names.get(k, '')}（{k}）" if k else
                                tr("当日所带班级", "my class on that day"), key=Keys.CLASS)
        students = c5.number_input(tr("学生人数", "Students"), min_value=0, value=0, step=1, key=Keys.STUDENTS)
        minutes = c6.number_input(tr("时长（分钟）", "Minutes"), min_value=0, value=30, step=5, key=Keys.MINUTES)
        summary = st.text_area(tr("内容", "Summary"), key=Keys.SUMMARY, height=80)
        if not st.form_submit_button(tr("保存活动", "Save activity"), type="primary", icon=":material/save:",
                                     width="stretch"):
            return None
    return {"date": day, "type": typ, "venue": venue, "class_id": class_id, "students": int(students),
            "minutes": int(minutes), "summary": summary.strip()}


def render_form(user: UserInfo, inputs: cv.Inputs, cadre_id: str, as_of: date) -> str | None:
    """The form; returns the id of the activity just saved (None when nothing was saved)."""
    values = _form(ledger.cadre_classes(user, inputs, cadre_id), ledger.cadre_ledger(user, inputs, cadre_id), as_of)
    if values is None:
        return None
    check = ledger.check_activity(user, {"cadre_id": cadre_id, **values})
    if not check.ok:
        problems = check.problems_zh if lang() == "zh" else check.problems_en
        st.error(tr("未保存，请修改：", "Not saved; please fix:") + "\n"
                 + "\n".join(f"- {md_escape(p)}" for p in problems))
        return None
    try:
        aid = ledger.record_activity(user, check)
    except Exception as exc:  # noqa: BLE001 - one sentence: a refusal, or an apology with an incident id
        st.error(tr("未保存：", "Not saved: ") + md_escape(error_text(exc)))
        return None
    st.success(tr(f"已保存（编号 {aid}），可在下方“我的台账”中为它添加照片或PDF。",
                  f"Saved (id {aid}); add photos or a PDF to it under My activities below."))
    rng = cv.calendar_range(inputs)
    if rng and not (rng[0] <= values["date"] <= rng[1]):
        st.warning(tr("该日期不在校历范围内，不计入任何考核周期。", "This date is outside the calendar: it counts for no period."))
    return aid
