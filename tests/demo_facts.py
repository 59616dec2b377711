"""Facts of the committed demo (data/demo/) that tests use, taken from its files, never pinned.

The demo is regenerated for the school year that contains the day it runs, so its dates move:
`DEMO` is the year data/demo/ was made for (its terms, holidays, mid-year change dates), `AS_OF`
the day its ledger stops (data/demo/generated.toml), and the people a test needs (a cadre who
moved into another college mid-year) are found in the data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from data.demo_year import demo_on_disk, generated_on_disk

DEMO = demo_on_disk()
LAST_DAY: date = DEMO.end                       # the demo calendar's last day (Sunday of the spring's week 18)
AUTUMN: str = DEMO.autumn[0]                    # e.g. "2026秋"
SPRING: str = DEMO.spring[0]
GENERATED = generated_on_disk()
SEED: int = GENERATED["seed"]
AS_OF: date = GENERATED["as_of"]               # the committed ledger's last possible day (no entry after it)
# Test databases are bootstrapped for this day (store.bootstrap's `today`): the demo regenerated with
# the whole committed school year's ledger, so the mid-year changes have activities on both sides.
TEST_DAY: date = LAST_DAY


def autumn_day(week: int, weekday: int = 0) -> date:
    """A day of the autumn term: teaching week `week` (1-based), weekday 0 = Monday."""
    return DEMO.start + timedelta(weeks=week - 1, days=weekday)


def spring_day(week: int, weekday: int = 0) -> date:
    return DEMO.spring[1] + timedelta(weeks=week - 1, days=weekday)


@dataclass(frozen=True)
class Mover:
    cadre_id: str
    old_college: str
    new_college: str
    start: date                                 # first day in the new college


def mover_with_a_report(assignment: pd.DataFrame, ledger: pd.DataFrame, classes: pd.DataFrame) -> Mover:
    """A cadre who changed to a class of another college mid-year and reported to the Party
    committee (向党委汇报) for the old college's class before the move."""
    college_of = classes.set_index("class_id")["college"]
    for cadre, rows in assignment.sort_values(["cadre_id", "start"]).groupby("cadre_id"):
        if len(rows) < 2 or rows["college"].nunique() < 2:
            continue
        old, new = rows.iloc[0], rows.iloc[-1]
        start = pd.Timestamp(new["start"])
        led = ledger.loc[(ledger["cadre_id"] == cadre) & (ledger["type"] == "report")]
        before = led.loc[(pd.to_datetime(led["date"]) < start)
                         & (led["class_id"].map(college_of) == old["college"])]
        if len(before):
            return Mover(str(cadre), str(old["college"]), str(new["college"]), start.date())
    raise AssertionError("the demo has no cadre who moved college after reporting to the Party committee")


def publish_day(days: int = 7) -> date:
    """A day a new round may take effect: `days` after today or after the last start of a demo
    assignment row (the demo's mid-year changes may start after today), whichever is later."""
    from pathlib import Path
    folder = Path(__file__).resolve().parent.parent / "data" / "demo"
    last = pd.to_datetime(pd.read_csv(folder / "assignment.csv", dtype=str)["start"]).max().date()
    return max(date.today(), last) + timedelta(days=days)
