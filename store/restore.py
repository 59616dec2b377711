"""`python -m store.restore FILE`: load a backup made by `python -m store.backup` into the database
of DATABASE_URL / YIXIAN_DB_PATH, which must be empty (a new SQLite path, or a new PostgreSQL
database or schema). Every table is checked against the backup's row counts and sha256, then the
schema is migrated to head. Nothing is written into a database that already holds data."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from store.backup import BackupError, _summary, restore
from store.engine import make_engine


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m store.restore", description=__doc__)
    ap.add_argument("file", help="backup file (SQLite copy or portable .zip)")
    a = ap.parse_args(argv)
    engine = make_engine()
    try:
        manifest = restore(engine, Path(a.file))
    except BackupError as exc:
        print(exc.message("zh") + "\n" + exc.message("en"), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"{engine.url.render_as_string(hide_password=True)}: restored {_summary(manifest)}, verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
