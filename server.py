"""Entry point for `streamlit run server.py`: the Streamlit app (app.py) behind a thin ASGI layer.

The layer adds what a Streamlit script cannot do: HTTP routes that set an HttpOnly session
cookie (/auth/login, /auth/logout, single sign-on callbacks) and a middleware that sends a
page load without a session to the login page and adds the security headers.
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware

from web.middleware import YixianMiddleware
from web.routes import routes

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=routes(),
             middleware=[Middleware(YixianMiddleware)])
