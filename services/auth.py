"""Login for the app (ui/auth.py calls `login`)."""
from __future__ import annotations

from services.db import session_scope
from store.auth import UserInfo, authenticate


def login(username: str, password: str) -> UserInfo | None:
    """The logged-in user (frozen, safe to keep in st.session_state) or None."""
    with session_scope() as session:
        return authenticate(session, username, password)


def change_password(username: str, old_password: str, new_password: str) -> bool:
    """A user changing their own password: False when the old password is wrong."""
    from store.auth import set_password

    with session_scope() as session:
        if authenticate(session, username, old_password) is None:
            return False
        set_password(session, username, new_password, actor=username)
        return True
