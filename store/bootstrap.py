"""`python -m store.bootstrap`: migrate the database to head and, when it holds no cadres yet,
load the demo university from data/demo/ through the importer, publish its assignment and create
one demo user per role. Idempotent: a database that already has cadres is only migrated.

From the command line (`make run`) the demo is regenerated for the day it runs (data/generate_demo,
same seed): the school year containing today, its ledger up to today, so a new user never sees
an activity dated in the future. `bootstrap()` without `today` (the tests) loads data/demo/ as
committed: its ledger stops at the as-of date in data/demo/generated.toml.

Demo users (demo data only — change or remove before real use):
admin/yixian-admin, leader/yixian-leader, planner/yixian-planner, college/yixian-college,
cadre/yixian-cadre.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from store.engine import ROOT, database_url, make_engine, migrate
from store.errors import InvalidData

DEMO_DIR = ROOT / "data" / "demo"
DEMO_ROUND_NAME = "2025-2026学年 领导干部担任班主任（初始）"
ACTOR = "bootstrap"
DEMO_FILES = {"cadres": "cadres.xlsx", "classes": "classes.xlsx", "preferences": "preferences.csv",
              "constraints": "constraints.xlsx", "exemptions": "exemptions.csv", "ledger": "ledger.csv",
              "assignment": "assignment.csv"}
DEMO_USERS = [  # username, password, role, display name
    ("admin", "yixian-admin", "admin", "组织部（演示）"),
    ("leader", "yixian-leader", "leader", "校领导（演示）"),
    ("planner", "yixian-planner", "planner", "规划人员（演示）"),
    ("college", "yixian-college", "college", None),
    ("cadre", "yixian-cadre", "cadre", None),
]


def _safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def load_demo(session: Session, demo_dir: Path = DEMO_DIR, say: Callable[[str], None] = print) -> dict:
    """Read data/demo through the importer and store it (caller's transaction)."""
    import importer
    from store import data as sd
    from store import rounds
    from store.auth import create_user

    missing = [f for f in [*DEMO_FILES.values(), "calendar.toml"] if not (demo_dir / f).is_file()]
    if missing:
        raise FileNotFoundError(f"演示数据缺少文件 demo files missing in {demo_dir}: {', '.join(missing)} "
                                f"(run `python -m data.generate_demo`)")
    bundle = importer.read_bundle({k: demo_dir / f for k, f in DEMO_FILES.items()})
    terms = importer.read_calendar(demo_dir / "calendar.toml")
    sd.replace_kinds(session, {k: bundle[k] for k in sd.REPLACEABLE}, ACTOR)
    sd.save_calendar(session, terms, ACTOR)
    inserted, _ = sd.upsert_ledger(session, bundle["ledger"], ACTOR)
    assignment = bundle["assignment"]
    rid = rounds.create_round(session, DEMO_ROUND_NAME, "initial",
                              {k: bundle[k] for k in ("cadres", "classes", "preferences", "constraints")},
                              {"source": "data/demo/assignment.csv", "note": "演示：系统上线前手工分配"}, ACTOR)
    rounds.save_round_result(session, rid, assignment,
                             {"status": "imported", "source": "data/demo/assignment.csv",
                              "pairs": len(assignment)}, ACTOR)
    starts = assignment["start"].dropna()
    effective = starts.min().date() if len(starts) else terms[0].start
    rounds.publish_round(session, rid, effective, ACTOR)
    for k in ("cadres", "classes", "preferences", "constraints", "exemptions"):
        say(f"  {k}: {len(bundle[k])}")
    say(f"  calendar: {len(terms)} terms; ledger: {inserted} activities")
    say(f"  round {rid} “{DEMO_ROUND_NAME}” published from {effective}: {len(assignment)} rows")

    classes = bundle["classes"].sort_values("class_id")
    college = str(classes["college"].iloc[0])
    cadre_id = str(min(assignment["cadre_id"]))
    cadre_name = str(bundle["cadres"].set_index("cadre_id").loc[cadre_id, "name"])
    users = []
    for username, password, role, display in DEMO_USERS:
        extra = {}
        if role == "college":
            display, extra = f"{college}（演示）", {"college": college}
        elif role == "cadre":
            display, extra = f"{cadre_name}（演示）", {"cadre_id": cadre_id}
        # the demo's published passwords break the rules on purpose: only the demo may have them
        create_user(session, username, password, role, display, ACTOR, check_rules=False, **extra)
        users.append(username)
        say(f"  user {username} / {password}  ({role}{' · ' + college if role == 'college' else ''}"
            f"{' · ' + cadre_id + ' ' + cadre_name if role == 'cadre' else ''})")
    return {"round_id": rid, "users": users, "college": college, "cadre_id": cadre_id}


def demo_for_today(today: date, out: Path, say: Callable[[str], None] = print) -> Path:
    """data/demo regenerated into `out` for `today` (its school year, ledger up to today), with the
    committed demo's seed; the committed folder itself when it was made for that very day."""
    from data import generate_demo
    from data.demo_year import demo_year, generated_on_disk

    made = generated_on_disk(DEMO_DIR)
    if made["as_of"] == today and made["year"] == demo_year(today):
        return DEMO_DIR
    generate_demo.write(out, seed=made["seed"], year=demo_year(today), as_of=today)
    say(f"demo data: regenerated for {today} (seed {made['seed']}; ledger up to that day)")
    return out


def bootstrap(engine: Engine | None = None, demo: bool = True, demo_dir: Path = DEMO_DIR,
              say: Callable[[str], None] = print, today: date | None = None) -> dict:
    """Migrate; load the demo when the database holds no cadres. With `today` (and the committed
    demo folder), the demo is regenerated for that day first (`demo_for_today`)."""
    from store.models import Cadre

    engine = engine or make_engine()
    say(f"database: {_safe_url(engine)}")
    migrate(engine)
    say("schema: migrated to head")
    with Session(engine) as session:
        n = session.scalar(select(func.count()).select_from(Cadre)) or 0
    if n:
        say(f"demo data: skipped (the database already holds {n} cadres)")
        return {"loaded": False, "cadres": n}
    if not demo or is_production():
        say("demo data: skipped (" + ("YIXIAN_ENV=production" if demo else "--no-demo") + ")")
        return {"loaded": False, "cadres": 0}
    with tempfile.TemporaryDirectory(prefix="yixian-demo-") as tmp:
        if today is not None and Path(demo_dir) == DEMO_DIR:
            demo_dir = demo_for_today(today, Path(tmp), say)
        say(f"demo data: loading {demo_dir} through the importer …")
        with Session(engine) as session, session.begin():
            info = load_demo(session, demo_dir, say)
    say("demo data: done (demo users are for the demo only — change or remove them before real use)")
    return {"loaded": True, **info}


def is_production() -> bool:
    return os.environ.get("YIXIAN_ENV", "").strip().lower() == "production"


def create_first_admin(engine: Engine, username: str, password: str | None = None,
                       say: Callable[[str], None] = print) -> str | None:
    """The first admin account. Without a password one is generated, printed once and must be
    changed at the first login. Returns the generated password (None when one was given)."""
    from store.auth import create_user
    from store.passwords import generate_password

    generated = None if password else generate_password()
    with Session(engine) as session, session.begin():
        create_user(session, username, password or generated, "admin", username, ACTOR,
                    must_change_password=generated is not None)
    say(f"user {username} (admin) created")
    if generated:
        say(f"one-time password (shown only now; it must be changed at the first login): {generated}")
    return generated


def _admin_password(username: str) -> str | None:
    """YIXIAN_ADMIN_PASSWORD, else a prompt (typed twice) on a terminal, else None (generate)."""
    from store.passwords import check_password

    password = os.environ.get("YIXIAN_ADMIN_PASSWORD")
    if password or not sys.stdin.isatty():
        return password or None
    while True:
        password = getpass.getpass(f"password for {username} (empty: generate one): ")
        if not password:
            return None
        try:
            check_password(password, username)
        except InvalidData as exc:
            print(exc.message("en"), file=sys.stderr)
            continue
        if getpass.getpass("again: ") == password:
            return password
        print("the two entries differ", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m store.bootstrap",
                                 description="Migrate the database; load the demo university when it is empty.")
    ap.add_argument("--no-demo", action="store_true", help="only migrate; never load demo data or demo users")
    ap.add_argument("--demo-dir", type=Path, default=DEMO_DIR)
    ap.add_argument("--as-committed", action="store_true",
                    help="load data/demo as committed instead of regenerating it for today")
    ap.add_argument("--admin", "--create-admin", dest="admin", metavar="USERNAME",
                    help="also create an admin account (password from YIXIAN_ADMIN_PASSWORD, a prompt, "
                         "or generated and printed once)")
    args = ap.parse_args(argv)
    from importer import ImportFailed
    from store.errors import StoreError

    if is_production() and not args.no_demo:
        print("YIXIAN_ENV=production: 生产模式不加载演示数据和演示账号 demo data and demo accounts are refused; "
              "use --no-demo --admin NAME", file=sys.stderr)
        return 2
    engine = make_engine(database_url())
    try:
        from data.demo_year import demo_today
        bootstrap(engine, demo=not args.no_demo, demo_dir=args.demo_dir,
                  today=None if args.as_committed else demo_today())
        if args.admin:
            create_first_admin(engine, args.admin.strip(), _admin_password(args.admin.strip()))
    except ImportFailed as exc:
        print("演示数据导入失败 demo import failed:", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        return 2
    except (StoreError, FileNotFoundError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
