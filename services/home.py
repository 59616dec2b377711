"""What the Home page shows, for the acting user's own scope only:

- admin, leader, planner: the university (counts of what is loaded);
- college: their college (its classes, how many are covered, advisers, activities for its classes);
- cadre: themselves (classes advised, activities recorded, on track or not, what is due this week).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd

from common import vocabulary
from services import access
from services.compliance_view import (
    Inputs,
    activities_in_college,
    adviser_states_on,
    class_college,
    default_as_of,
    load_inputs,
)
from services.db import session_scope
from services.ledger import progress_of
from store import data as store_data
from store.auth import UserInfo


@dataclass(frozen=True)
class Metric:
    key: str
    label_zh: str
    label_en: str
    value: int | str
    value_en: int | str | None = None     # when the value is words: its English

    def shown(self, lang: str = "zh") -> int | str:
        return self.value if lang == "zh" or self.value_en is None else self.value_en


SCOPE_CAPTIONS = {"university": ("全校", "University-wide"), "college": ("本学院：", "Your college: "),
                  "cadre": ("本人：", "You: ")}


@dataclass(frozen=True)
class HomeSummary:
    scope: str                      # "university" | "college" | "cadre"
    scope_name: str                 # the college, or the cadre's name ("" for the university)
    metrics: list[Metric]
    classes: pd.DataFrame = field(default_factory=pd.DataFrame)   # a cadre's classes in force

    def caption(self, lang: str = "zh") -> str:
        zh, en = SCOPE_CAPTIONS[self.scope]
        return (zh if lang == "zh" else en) + self.scope_name


def summary(user: UserInfo) -> HomeSummary:
    access.require(user, action="home")
    if user.role in access.SEES_ALL_COLLEGES:
        return _university()
    if user.role == "college":
        return _college(load_inputs(), access.college_scope(user))
    access.require_own_cadre(user, user.cadre_id or "", action="home", admin_ok=False)
    return _cadre(load_inputs(), user.cadre_id)


def _unassigned(inputs: Inputs, cadre_ids=None) -> int:
    """未带班 cadres on the as-of date (of `cadre_ids`, default the roster): the Coverage page's count."""
    if inputs.calendar is None:
        return 0
    st = adviser_states_on(inputs, default_as_of(inputs))["state"]
    if cadre_ids is not None:
        st = st.loc[st.index.isin(set(cadre_ids))]
    return int((st == "unassigned").sum())


def _university() -> HomeSummary:
    with session_scope() as s:
        n = store_data.counts(s)
    metrics = [
        Metric("cadres", "干部", "Cadres", n.get("cadres", 0)),
        Metric("classes", "班级", "Classes", n.get("classes", 0)),
        Metric("preferences", "意向", "Preferences", n.get("preferences", 0)),
        Metric("ledger", "台账活动", "Ledger activities", n.get("ledger", 0))]
    if n.get("cadres", 0):
        metrics.append(Metric("unassigned", "未带班干部", "Cadres without a class", _unassigned(load_inputs())))
    return HomeSummary("university", "", metrics)


def _in_force(inputs: Inputs) -> pd.DataFrame:
    a = inputs.assignment
    day = pd.Timestamp(default_as_of(inputs))
    return a.loc[(a["start"].isna() | (a["start"] <= day)) & (a["end"].isna() | (a["end"] >= day))]


def _college(inputs: Inputs, college: str) -> HomeSummary:
    classes = inputs.classes.loc[inputs.classes["college"] == college]
    active = _in_force(inputs)
    active = active.loc[active["class_id"].map(class_college(inputs)).fillna(active["college"]) == college]
    covered = classes["class_id"].isin(set(active["class_id"]))
    led = activities_in_college(inputs.ledger, inputs, college)
    # the college's own cadres (unit) who advise nowhere today: 未带班, as the Coverage page counts them
    own = inputs.cadres.loc[inputs.cadres["unit"] == college, "cadre_id"] if "unit" in inputs.cadres else []
    return HomeSummary("college", college, [
        Metric("classes", "本院班级", "Classes", len(classes)),
        Metric("covered", "已有班主任的班级", "Classes with an adviser", int(covered.sum())),
        Metric("cadres", "在岗班主任（干部）", "Advising cadres", int(active["cadre_id"].nunique())),
        Metric("unassigned", "本院未带班干部", "Own cadres without a class", _unassigned(inputs, own)),
        Metric("ledger", "本院台账活动", "Activities for these classes", len(led))])


def _cadre(inputs: Inputs, cadre_id: str) -> HomeSummary:
    cad = inputs.cadres.loc[inputs.cadres["cadre_id"] == cadre_id, "name"]
    mine = _in_force(inputs)
    mine = mine.loc[mine["cadre_id"] == cadre_id, ["class_id", "class_name", "college", "start", "end"]]
    n_led = int((inputs.ledger["cadre_id"] == cadre_id).sum())
    prog = progress_of(inputs, cadre_id, default_as_of(inputs))
    metrics = [Metric("classes", "我带的班级", "My classes", len(mine)),
               Metric("ledger", "我的台账活动", "My activities", n_led)]
    state = prog.get("state", "exempt")
    metrics.append(Metric("on_track", "履职状态", "Status", vocabulary.label(vocabulary.CADRE_STATES, state),
                          vocabulary.label(vocabulary.CADRE_STATES, state, "en")))
    if prog["assigned"]:
        metrics += [Metric("must_act", "本周待办", "To do this week", len(prog["must_act"])),
                    Metric("venues", "九进场所", "Venues reached", f"{len(prog['venues'])} / 9")]
    return HomeSummary("cadre", str(cad.iloc[0]) if len(cad) else "", metrics, mine.reset_index(drop=True))


@dataclass(frozen=True)
class MyClass:
    """The cadre's home: the class in force, the term, what is due, the acknowledgement."""
    classes: pd.DataFrame          # class_id, name, college, size, tags, counselor ("" when the roster has none)
    term: tuple | None             # (name, first day, last day) of the term of `as_of`
    as_of: object
    due: dict                      # period kind (week, month, term, year) -> frame rule_zh, rule_en, done, required, period_end
    acknowledge: dict              # services.acknowledge.my_status


def _term_of(inputs: Inputs, day) -> tuple | None:
    for t in inputs.terms or ():
        last = t.start + timedelta(days=7 * t.weeks - 1)
        if t.start <= day <= last:
            return (t.name, t.start, last)
    return None


def my_class(user: UserInfo) -> MyClass:
    """The cadre's own class in force (name, college, size, tags, the counselor's contact when the
    roster has that column), the term's dates and what is still due this week / month / term / year."""
    from services import acknowledge

    access.require(user, "cadre", action="home.my_class")
    access.require_own_cadre(user, user.cadre_id or "", action="home.my_class", admin_ok=False)
    inputs = load_inputs()
    day = default_as_of(inputs)
    mine = _in_force(inputs)
    ids = mine.loc[mine["cadre_id"] == user.cadre_id, "class_id"]
    cls = inputs.classes.loc[inputs.classes["class_id"].isin(set(ids))]
    counselor = cls["counselor"] if "counselor" in cls else pd.Series("", index=cls.index)
    classes = cls[["class_id", "name", "college", "size", "tags"]].assign(counselor=counselor).reset_index(drop=True)
    prog = progress_of(inputs, user.cadre_id, day)
    due: dict = {}
    if prog["assigned"]:
        cur = prog["current"]
        open_ = cur.loc[cur["status"] == "pending"]
        for kind, part in open_.groupby("period_kind", sort=False):
            due[kind] = part[["rule_zh", "rule_en", "done", "required", "period_end"]].reset_index(drop=True)
    return MyClass(classes, _term_of(inputs, day), day, due, acknowledge.my_status(user))
