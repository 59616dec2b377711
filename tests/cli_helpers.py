"""Shared helpers for tests that run a CLI through subprocess (`python -m compliance check|report`, ...)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The demo calendar used by the compliance CLI tests: an autumn term with the National Day week, a short spring.
CAL = """
[[term]]
name = "2025秋"
start = 2025-09-08
weeks = 9
holidays = [["2025-10-01", "2025-10-08"]]

[[term]]
name = "2026春"
start = 2026-03-02
weeks = 4
"""


def run_cli(module: str, command: str, *args: str, lang: str = "zh_CN.UTF-8", timeout: int = 300):
    """`python -m MODULE COMMAND ARGS…` from the repository root, in a minimal environment with LANG set."""
    return subprocess.run([sys.executable, "-m", module, command, *args], check=False, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, env={"LANG": lang, "PATH": "/usr/bin:/bin"})


def write_files(tmp: Path, content: dict[str, str]) -> dict[str, Path]:
    """Write each name → text into tmp (UTF-8) and return name → path."""
    out = {}
    for name, text in content.items():
        out[name] = tmp / name
        out[name].write_text(text, encoding="utf-8")
    return out
