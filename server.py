"""Entry point for `streamlit run server.py`: the Streamlit app (app.py) behind a thin ASGI layer.

The layer adds what a Streamlit script cannot do: HTTP routes that set an HttpOnly session
cookie (/auth/login, /auth/logout, single sign-on callbacks) and a middleware that sends a
page load without a session to the login page and adds the security headers.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from streamlit.runtime.pages_manager import PagesManager

from web.middleware import YixianMiddleware
from web.routes import routes

# Our page files live in pages/, which Streamlit would otherwise take for the old (v1) automatic
# multipage layout whenever a process's first request is a deep link (/coverage): it would then run
# that page file alone, without app.py's navigation, for the life of the process. app.py always
# builds its navigation with st.navigation, so the old layout is switched off from the start.
PagesManager.uses_pages_directory = False

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=routes(),
             middleware=[Middleware(YixianMiddleware)])
