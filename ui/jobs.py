"""Background jobs on a page (services.jobs.BackgroundJob): start one, show its progress panel with
a cancel button, and collect it when it has finished. Rounds and Scenarios run theirs the same way."""
from __future__ import annotations

import streamlit as st

from ui.feedback import error_text, flash, md_escape, show_error
from ui.i18n import lang, tr


def one_language(message: str, lang_: str) -> str:
    """A progress message in one language. Solvers and services report "中文 / English" pairs, joined
    with " · " when one step reports inside another ("意向≤3 / rank ≤ 3 · 线性松弛第2轮 / LP round 2")."""
    parts = []
    for seg in str(message).split(" · "):
        zh, sep, en = seg.partition(" / ")
        parts.append((en if lang_ == "en" else zh) if sep else seg)
    return " · ".join(parts)


def start_job(job_key: str, factory, *args, busy_zh: str = "已有求解在进行，请等待或取消。",
              busy_en: str = "A solve is already running; wait or cancel it.") -> None:
    """Start `factory(*args)` (which returns a started job) unless one is running; refusals shown."""
    job = st.session_state.get(job_key)
    if job is not None and not job.done:
        st.warning(tr(busy_zh, busy_en))
        return
    try:
        st.session_state[job_key] = factory(*args)
    except Exception as exc:  # noqa: BLE001 - shown as one sentence by ui.feedback
        show_error(exc)
        return
    st.rerun()


def finished_job(job_key: str, flash_key: str):
    """The job in session_state[job_key] once it is done (removed from the session), else None.
    A job that failed is reported as a flash message and also gives None."""
    job = st.session_state.get(job_key)
    if job is None or not job.done:
        return None
    st.session_state.pop(job_key)
    if job.error is not None:
        msg = error_text(job.error)
        flash(flash_key, "error", tr(f"{job.label_zh}失败：{msg}", f"{job.label_en} failed: {msg}"))
        return None
    return job


@st.fragment(run_every=0.5)
def job_panel(job_key: str, cancel_key: str, cancel_zh: str = "取消", cancel_en: str = "Cancel",
              partial=None) -> None:
    """Polls the job held in session_state[job_key]; a finished job reruns the whole page once.
    `partial(job.partial)` draws what a streaming job has published so far (services.jobs), under the
    progress bar and the cancel button, every time the panel polls."""
    job = st.session_state.get(job_key)
    if job is None:
        return
    if job.done:
        st.rerun(scope="app")
    with st.container(border=True):
        st.markdown(f"**{md_escape(tr(job.label_zh, job.label_en))}**")
        st.progress(job.fraction, text=f"{md_escape(one_language(job.message, lang()))} · {job.elapsed:.0f} s")
        st.button(tr(cancel_zh, cancel_en), key=cancel_key, icon=":material/cancel:", on_click=job.cancel,
                  disabled=job.cancel_event.is_set())
        if partial is not None and job.partial is not None:
            partial(job.partial)
