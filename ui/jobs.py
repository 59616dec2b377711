"""The progress panel of a background solve (rounds and scenarios run theirs the same way)."""
from __future__ import annotations

import streamlit as st

from ui.i18n import tr


@st.fragment(run_every=0.5)
def job_panel(job_key: str, cancel_key: str, cancel_zh: str = "取消", cancel_en: str = "Cancel") -> None:
    """Polls the job held in session_state[job_key]; a finished job reruns the whole page once."""
    job = st.session_state.get(job_key)
    if job is None:
        return
    if job.done:
        st.rerun(scope="app")
    with st.container(border=True):
        st.markdown(f"**{tr(job.label_zh, job.label_en)}**")
        st.progress(job.fraction, text=f"{job.message} · {job.elapsed:.0f} s")
        st.button(tr(cancel_zh, cancel_en), key=cancel_key, icon=":material/cancel:", on_click=job.cancel,
                  disabled=job.cancel_event.is_set())
