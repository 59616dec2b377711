"""Streamlit configuration (issue 18): no raw tracebacks to users, no call home."""
from __future__ import annotations

import tomllib
from pathlib import Path

CONFIG = Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml"


def test_error_details_are_not_shown_to_users():
    cfg = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] == "none"


def test_streamlit_reads_the_setting_as_off():
    # Streamlit itself, started from the repository root, sees the option off
    import os
    import subprocess
    import sys

    code = ("from streamlit import config; config.get_config_options(force_reparse=True); "
            "print(config.get_option('client.showErrorDetails'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=CONFIG.parent.parent, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "HOME": str(CONFIG.parent.parent / "var")}, check=True)
    assert out.stdout.strip().splitlines()[-1] == "none"   # false would mean "stacktrace"


def test_the_table_toolbar_offers_no_csv_download():
    """st.dataframe's toolbar CSV writes `=…` cells as live formulas and is not audited: it is off
    (our own xlsx downloads replace it, services.downloads)."""
    import os
    import subprocess
    import sys

    code = ("from streamlit import config; config.get_config_options(force_reparse=True); "
            "print(config.get_option('client.disableDataExport'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=CONFIG.parent.parent, capture_output=True, text=True,
                         timeout=120, env={**os.environ, "HOME": str(CONFIG.parent.parent / "var")}, check=True)
    assert out.stdout.strip().splitlines()[-1] == "True"
