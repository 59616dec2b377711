"""Password rules: at least 10 characters, not the username, not a common password.

The common-password list ships with the code (store/common_passwords.txt, lower case, one a
line); it includes the demo passwords, so no real account can be given one of them.
"""
from __future__ import annotations

import functools
import secrets
from pathlib import Path

from store.errors import InvalidData

MIN_LENGTH = 10
MAX_LENGTH = 256            # argon2 takes any length; a bound keeps a pasted novel out
COMMON_FILE = Path(__file__).resolve().parent / "common_passwords.txt"
# No 0/O, 1/l/I: initial passwords are read off a spreadsheet and typed by hand.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@functools.cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def password_problems(password: str, username: str = "") -> list[str]:
    """Every rule the password breaks, each as "中文 English" (empty list: acceptable)."""
    if not isinstance(password, str):
        return ["密码必须是文本 the password must be text"]
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码至少 {MIN_LENGTH} 个字符 a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"密码最多 {MAX_LENGTH} 个字符 a password has at most {MAX_LENGTH} characters")
    name = (username or "").strip().lower()
    if name and password.strip().lower() in (name, name[::-1]):
        problems.append("密码不能与用户名相同 the password may not be the username")
    if password.strip().lower() in common_passwords():
        problems.append("这是常见密码，容易被猜中 this is a common password, easily guessed")
    elif password and len(set(password)) <= 2:
        problems.append("密码字符过于单一 the password repeats one or two characters")
    return problems


def check_password(password: str, username: str = "") -> None:
    problems = password_problems(password, username)
    if problems:
        raise InvalidData("密码不符合要求", "the password does not meet the rules", problems)


def generate_password(length: int = 14) -> str:
    """A random initial password that passes the rules (letters and digits, no look-alikes)."""
    while True:
        pw = "".join(secrets.choice(_ALPHABET) for _ in range(length))
        if any(c.isdigit() for c in pw) and any(c.isupper() for c in pw) and not password_problems(pw):
            return pw
