"""The filter bar (main script: a change reruns everything)."""
from __future__ import annotations

import streamlit as st

from common import vocabulary
from services import compliance_view as cv
from services.coverage import Filters
from ui.coverage.state import ALL, Keys
from ui.i18n import lang, tr


def _follow_as_of(inputs: cv.Inputs) -> None:
    # moving the as-of date into another term selects that term (else the charts would show a term
    # that has not started yet, i.e. nothing)
    day = st.session_state.get(Keys.AS_OF)
    t = cv.term_of(inputs, day) if day else None
    if t is not None and st.session_state.get(Keys.TERM) not in (None, ALL):
        st.session_state[Keys.TERM] = t


def _choice(container, label: str, options: dict, all_text: str, key: str):
    """A selectbox with an "all" option first; `options` maps code → label."""
    return container.selectbox(label, [ALL, *options], key=key,
                               format_func=lambda v: all_text if v == ALL else options.get(v, v))


def render_filters(inputs: cv.Inputs, own_college: str | None, refresh_seconds: float) -> Filters:
    rng = cv.calendar_range(inputs)
    with st.container(border=True, key=Keys.FILTERS):
        c1, c2, c3, c4, c5 = st.columns([1.2, 1, 1.4, 1, 1.6])
        as_of = c2.date_input(tr("截至日期", "As of"), value=cv.default_as_of(inputs), min_value=rng[0],
                              max_value=rng[1], key=Keys.AS_OF, format="YYYY-MM-DD",
                              on_change=_follow_as_of, args=(inputs,))
        if Keys.TERM not in st.session_state:   # first run: the as-of date's term
            st.session_state[Keys.TERM] = cv.term_of(inputs, as_of) or ALL
        term = _choice(c1, tr("学期", "Term"), {t.name: t.name for t in inputs.terms}, tr("全部学期", "All terms"),
                       Keys.TERM)
        if own_college is not None:
            college = c3.selectbox(tr("学院", "College"), [own_college], disabled=True, key=Keys.COLLEGE_OWN)
        else:
            colleges = sorted(inputs.classes["college"].unique())
            college = _choice(c3, tr("学院", "College"), {c: c for c in colleges}, tr("全部学院", "All colleges"),
                              Keys.COLLEGE)
        level = _choice(c4, tr("层级", "Level"), vocabulary.labels(vocabulary.LEVELS, lang()),
                        tr("全部层级", "All levels"), Keys.LEVEL)
        rule = _choice(c5, tr("规则", "Rule"), cv.rule_names(inputs, lang()), tr("全部规则", "All rules"), Keys.RULE)
        st.caption(tr("学期、层级、规则筛选作用于履职统计；班级覆盖按截至日期与学院统计。数据每 "
                      f"{refresh_seconds:g} 秒自动刷新，台账一经写入即在下次刷新时体现。",
                      "Term, level and rule filter the compliance figures; class coverage follows the as-of date "
                      f"and college. Figures refresh every {refresh_seconds:g} s and show a new ledger entry at the "
                      "next refresh."))

    def picked(v):
        return None if v == ALL else v
    return Filters(as_of=as_of, term=picked(term), college=own_college or picked(college),
                   level=picked(level), rule=picked(rule))
