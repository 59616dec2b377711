"""Year roll-over (学年换届, admin): the next school year's calendar, every class a year further on,
graduated classes retired, and a top-up round (补充轮) for the new year.

`preview(user, calendar)` says what will change and writes nothing: the terms added, the classes
retired (their last year of study is over: four-year programmes, 临床医学 five — vocabulary's
PROGRAMME_YEARS), the classes advanced (一年级→二年级 …, tags 新生班 / 毕业班 moved on), the
adviser pairs that end with a retired class, the wishes and rules that named a retired class, and
the new classes of an optional freshmen roster. `apply(user, plan)` does exactly that in one
transaction (calendar, pairs ended, rosters, a draft top-up round, one audit entry summing it up)
and refuses when the store changed since the preview (the plan's fingerprint): all or nothing.

Grades are years of enrolment (formats.md): a class's year of study in school year y-(y+1) is
y - grade + 1; it is graduated when that exceeds its programme's length. Pairs of a retired class
end on the day before the new year's first term; history (ledger, earlier rows) stays as it is.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from common import vocabulary
from common.errors import YixianError
from services import access
from services.db import session_scope
from store import audit, frames
from store import data as store_data
from store import rounds as store_rounds
from store.auth import UserInfo

FRESHMAN_TAG = "新生班"
GRADUATING_TAG = "毕业班"
YEAR_ZH = {1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级"}
ACTION = "rollover"

__all__ = ["RolloverError", "RolloverPlan", "apply", "plan_rollover", "preview", "year_of_study_label"]


class RolloverError(YixianError):
    """A roll-over that cannot be made (bad calendar, stale preview)."""


def programme_years(major: str) -> int:
    return vocabulary.PROGRAMME_YEARS.get(str(major), vocabulary.DEFAULT_PROGRAMME_YEARS)


def year_of_study_label(n: int, lang: str = "zh") -> str:
    if lang == "zh":
        return YEAR_ZH.get(int(n), f"{int(n)}年级")
    return f"Year {int(n)}"


def school_year_of(day: date) -> int:
    """The autumn's calendar year of the school year containing `day` (from August on: that year)."""
    return day.year if day.month >= 8 else day.year - 1


@dataclass(frozen=True, eq=False)
class RolloverPlan:
    year: int                       # the new school year's autumn: 2027 = 2027-2028学年
    new_terms: tuple                # compliance.calendar.Term added to the calendar
    start: date                     # first day of the new school year (its first term)
    pairs_end: date                 # the day the retired classes' pairs end (start - 1)
    retired: pd.DataFrame           # class_id, name, college, major, grade, year_before
    advanced: pd.DataFrame          # year_before, year_after, classes (counts per step)
    tag_changes: pd.DataFrame       # class_id, name, tags_before, tags_after
    pairs_ended: pd.DataFrame       # cadre_id, name, class_id, class_name, start, end_before, end_after
    preferences_dropped: pd.DataFrame
    constraints_dropped: pd.DataFrame
    freshmen: pd.DataFrame          # new classes (canonical), may be empty
    classes: pd.DataFrame           # the class roster after (canonical)
    preferences: pd.DataFrame       # after
    constraints: pd.DataFrame       # after
    fingerprint: str                # digest of the stored state the plan was made from

    @property
    def label(self) -> str:
        return f"{self.year}-{self.year + 1}"

    @property
    def round_name(self) -> str:
        return f"{self.label}学年 补充轮（学年换届）"

    def summary(self) -> dict:
        return {"year": self.label, "terms": [t.name for t in self.new_terms], "start": self.start.isoformat(),
                "retired": sorted(self.retired["class_id"]), "advanced": int(self.advanced["classes"].sum()),
                "pairs_ended": [f"{a}→{b}" for a, b in zip(self.pairs_ended["cadre_id"], self.pairs_ended["class_id"])],
                "freshmen": sorted(self.freshmen["class_id"]) if len(self.freshmen) else [],
                "preferences_dropped": len(self.preferences_dropped),
                "constraints_dropped": len(self.constraints_dropped)}


# ------------------------------------------------------------------ the plan (pure)
def _check_terms(old_terms: list, new_terms: list) -> tuple[int, date]:
    if not new_terms:
        raise RolloverError("新学年校历中没有学期", "the new school year's calendar has no term")
    names = {t.name for t in old_terms}
    again = [t.name for t in new_terms if t.name in names]
    if again:
        raise RolloverError(f"校历中已有学期 {'、'.join(again)}：该学年已导入", f"the calendar already has "
                            f"term(s) {', '.join(again)}: that school year was imported before")
    start = min(t.start for t in new_terms)
    y = school_year_of(start)
    outside = [t.name for t in new_terms if school_year_of(t.start) != y]
    if outside:
        raise RolloverError(f"学期 {'、'.join(outside)} 不属于 {y}-{y + 1} 学年（换届一次只导入一个学年）",
                            f"term(s) {', '.join(outside)} are not in school year {y}-{y + 1} (one year at a time)")
    if old_terms:
        last = max(t.start + timedelta(days=7 * int(t.weeks) - 1) for t in old_terms)
        if start <= last:
            raise RolloverError(f"新学年第一个学期（{start}）须在现有校历结束（{last}）之后",
                                f"the new year's first term ({start}) must start after the calendar ends ({last})")
        if school_year_of(last) != y - 1:
            raise RolloverError(f"新学年 {y}-{y + 1} 不是现有校历（至 {last}）的下一学年",
                                f"school year {y}-{y + 1} does not follow the calendar (ending {last})")
    return y, start


def _tags_after(tags, grade: int, major: str, y: int) -> tuple:
    n = y - int(grade) + 1
    keep = [t for t in (tags or ()) if t not in (FRESHMAN_TAG, GRADUATING_TAG)]
    if n == 1:
        keep.insert(0, FRESHMAN_TAG)
    if n == programme_years(major):
        keep.append(GRADUATING_TAG)
    return tuple(keep)


def plan_rollover(classes: pd.DataFrame, preferences: pd.DataFrame, constraints: pd.DataFrame,
                  published: pd.DataFrame, old_terms: list, new_terms: list,
                  freshmen: pd.DataFrame | None = None, fingerprint: str = "") -> RolloverPlan:
    """What the roll-over to the school year of `new_terms` changes (pure; nothing is written).
    `published`: rows of the published round (cadre_id, name, class_id, class_name, start, end)."""
    y, start = _check_terms(old_terms, new_terms)
    pairs_end = start - timedelta(days=1)
    cls = classes.copy()
    grade = cls["grade"].astype(int)
    years = cls["major"].map(programme_years).astype(int)
    before = y - 1 - grade + 1                           # year of study in the year that ends
    gone = before >= years                               # their last year is over
    retired = cls.loc[gone, ["class_id", "name", "college", "major", "grade"]].assign(
        year_before=before[gone]).reset_index(drop=True)
    stay = cls.loc[~gone].copy()
    steps = pd.DataFrame({"year_before": before[~gone], "year_after": before[~gone] + 1})
    advanced = steps.value_counts().rename("classes").reset_index().sort_values("year_before").reset_index(drop=True)
    new_tags = [_tags_after(t, g, m, y) for t, g, m in zip(stay["tags"], stay["grade"], stay["major"])]
    old_tags = [tuple(t or ()) for t in stay["tags"]]
    changed = [i for i, (a, b) in enumerate(zip(old_tags, new_tags)) if a != b]
    tag_changes = pd.DataFrame({"class_id": stay["class_id"].iloc[changed].to_numpy(dtype=object),
                                "name": stay["name"].iloc[changed].to_numpy(dtype=object),
                                "tags_before": ["、".join(old_tags[i]) for i in changed],
                                "tags_after": ["、".join(new_tags[i]) for i in changed]})
    stay["tags"] = new_tags
    fresh = frames.canonical("classes", freshmen) if freshmen is not None and len(freshmen) else stay.iloc[0:0]
    if len(fresh):
        problems = [f"{c}: 年级 grade {g} ≠ {y}" for c, g in zip(fresh["class_id"], fresh["grade"]) if int(g) != y]
        problems += [f"{c}: 班级编号已存在 class_id exists" for c in fresh["class_id"] if c in set(cls["class_id"])]
        if problems:
            raise RolloverError("新生班级名单有误，未做任何更改", "the freshmen roster is invalid, nothing was changed",
                                problems)
        fresh = fresh.assign(tags=[_tags_after(t, g, m, y) for t, g, m in
                                   zip(fresh["tags"], fresh["grade"], fresh["major"])])
    after = frames.canonical("classes", pd.concat([stay, fresh], ignore_index=True))
    gone_ids = set(retired["class_id"])
    grades = {str(g) for g in after["grade"]}
    p = preferences
    drop_p = ((p["kind"] == "class") & p["value"].isin(gone_ids)) | ((p["kind"] == "grade") & ~p["value"].astype(str).isin(grades))
    c = constraints
    drop_c = c["class_id"].isin(gone_ids)
    pub = published
    open_after = pub["end"].isna() | (pub["end"] > pd.Timestamp(pairs_end))
    ending = pub.loc[pub["class_id"].isin(gone_ids) & open_after]
    pairs_ended = pd.DataFrame({
        "cadre_id": ending["cadre_id"].to_numpy(dtype=object), "name": ending["name"].to_numpy(dtype=object),
        "class_id": ending["class_id"].to_numpy(dtype=object), "class_name": ending["class_name"].to_numpy(dtype=object),
        "start": ending["start"].to_numpy(), "end_before": ending["end"].to_numpy(),
        "end_after": pd.Timestamp(pairs_end)}).sort_values(["cadre_id", "class_id"]).reset_index(drop=True)
    return RolloverPlan(
        year=y, new_terms=tuple(sorted(new_terms, key=lambda t: t.start)), start=start, pairs_end=pairs_end,
        retired=retired, advanced=advanced, tag_changes=tag_changes, pairs_ended=pairs_ended,
        preferences_dropped=p.loc[drop_p].reset_index(drop=True), constraints_dropped=c.loc[drop_c].reset_index(drop=True),
        freshmen=fresh.reset_index(drop=True), classes=after,
        preferences=frames.canonical("preferences", p.loc[~drop_p]),
        constraints=frames.canonical("constraints", c.loc[~drop_c]), fingerprint=fingerprint)


# ------------------------------------------------------------------ the store
def _state(session) -> dict:
    state = {k: store_data.load_kind(session, k) for k in ("cadres", "classes", "preferences", "constraints")}
    state["terms"] = list(store_data.load_calendar(session))
    pub = store_rounds.published_round(session)
    state["round"] = pub
    state["published"] = store_rounds.round_assignment(session, pub.id) if pub is not None else \
        frames.canonical("assignment", pd.DataFrame(columns=["cadre_id", "class_id"]))
    state["fingerprint"] = audit.digest({
        "classes": state["classes"].astype(str).to_dict("records"),
        "preferences": state["preferences"].astype(str).to_dict("records"),
        "constraints": state["constraints"].astype(str).to_dict("records"),
        "cadres": state["cadres"].astype(str).to_dict("records"),
        "terms": [(t.name, str(t.start), t.weeks) for t in state["terms"]],
        "round": None if pub is None else pub.id,
        "published": state["published"][["cadre_id", "class_id", "start", "end"]].astype(str).to_dict("records")})
    return state


def _plan(state: dict, new_terms: list, freshmen: pd.DataFrame | None) -> RolloverPlan:
    return plan_rollover(state["classes"], state["preferences"], state["constraints"], state["published"],
                         state["terms"], list(new_terms), freshmen, state["fingerprint"])


def preview(user: UserInfo, new_terms: list, freshmen: pd.DataFrame | None = None) -> RolloverPlan:
    """What the roll-over to the school year of `new_terms` (compliance.calendar.Term, e.g. from
    importer.read_calendar) would change; nothing is written."""
    access.require(user, "admin", action="rollover.preview")
    with session_scope() as s:
        return _plan(_state(s), new_terms, freshmen)


def apply(user: UserInfo, plan: RolloverPlan, moves_allowed: int = 0) -> dict:
    """Make the previewed roll-over, all or nothing; refused when the data changed since the
    preview. Returns the summary with the new top-up round's id."""
    from services.round_inputs import _previous, snapshot_inputs, topup_from
    from services.solve_params import default_params

    access.require(user, "admin", action="rollover.apply")
    params = default_params()
    with session_scope() as s:
        state = _state(s)
        if state["fingerprint"] != plan.fingerprint:
            raise RolloverError("预览之后数据已有变化，请重新预览后再确认", "the data changed since the preview: "
                                "preview again, then confirm")
        again = _plan(state, plan.new_terms, plan.freshmen if len(plan.freshmen) else None)
        store_data.save_calendar(s, [*state["terms"], *plan.new_terms], user.username)
        closed = store_rounds.end_pairs(s, list(again.retired["class_id"]), again.pairs_end, user.username,
                                        reason=f"{again.label}学年换届：毕业班级退出")
        store_data.replace_kinds(s, {"classes": again.classes, "preferences": again.preferences,
                                     "constraints": again.constraints}, user.username, open_on=again.start)
        pub = store_rounds.round_assignment(s, state["round"].id) if state["round"] is not None else state["published"]
        live = pub.loc[pub["end"].isna() | (pub["end"] >= pd.Timestamp(again.start))]
        inp = {"cadres": state["cadres"], "classes": again.classes, "preferences": again.preferences,
               "constraints": again.constraints, "previous": _previous(live)}
        known = set(again.classes["class_id"]) - set(again.freshmen["class_id"] if len(again.freshmen) else [])
        inp, facts = topup_from(inp, live, known, moves_allowed)
        params |= {"change_budget": facts["change_budget"], "topup": facts, "rollover": again.label}
        rid = store_rounds.create_round(s, again.round_name, "topup", snapshot_inputs(inp), params, user.username,
                                        parent_id=state["round"].id if state["round"] is not None else None)
        summary = again.summary() | {"round_id": rid, "pairs_closed": len(closed)}
        audit.record(s, user.username, ACTION, "calendar", again.label,
                     before={"terms": [t.name for t in state["terms"]]}, after=summary)
    return summary
