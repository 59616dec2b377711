"""HTTP side of the app (login page, SSO callbacks, middleware), mounted by server.py."""
