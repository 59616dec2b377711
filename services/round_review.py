"""Reviewing a round's result: the result table and its filters, the preference distribution,
coverage by college and tag, and the diff against the assignment in force with the reasons.
Pure functions of a loaded round (plus the published assignment for the diff). No Streamlit."""
from __future__ import annotations

import pandas as pd

import importer
from common import vocabulary
from services import access
from services.round_inputs import published_assignment
from services.round_rules import RuleNames, constraints_of, people_labels, rule_label
from services.round_solve import READERS, cached_result
from store.auth import UserInfo

SEARCHED = ["cadre_id", "name", "unit", "class_id", "class_name", "college"]
RANK_FILTERS = ("all", "first", "none")


def review_table(info, lang: str = "zh") -> pd.DataFrame:
    """The result table: cadre, unit, level, class, college, score and parts, rank met, changed, locked,
    and each pair's reason in words in `lang` (when the solve stored one; see `reasons`)."""
    cad = info.inputs["cadres"][["cadre_id", "unit", "level", "position"]]
    cls = info.inputs["classes"][["class_id", "grade", "tags", "priority"]]
    a = info.assignment.assign(reason=reasons(info, lang)) if "reason" in info.assignment.columns else info.assignment
    df = a.merge(cad, on="cadre_id", how="left").merge(cls, on="class_id", how="left")
    df["level"] = df["level"].map(lambda v: vocabulary.label(vocabulary.LEVELS, v, lang))
    cols = ["cadre_id", "name", "unit", "level", "position", "class_id", "class_name", "college", "grade",
            "tags", "priority", "score", *vocabulary.SCORE_PARTS, "preference_rank", "changed", "locked", "reason"]
    return df[[c for c in cols if c in df.columns]].sort_values(["college", "class_id"]).reset_index(drop=True)


# ------------------------------------------------------------------ reasons in the page's language

# English words of the score parts, for a reason made from the stored parts (rounds saved before the
# English reason was stored); the Chinese reason is always stored.
_PART_WORDS_EN = {"part_expertise": "expertise", "part_unit": "unit", "part_discipline": "same discipline",
                  "part_preference": "wish", "part_continuity": "continues from the previous round",
                  "part_own_unit": "class of the cadre's own college"}
PART_TOLERANCE = 1e-9        # a stored part below this (in size) adds nothing


def _signed(v: float) -> str:
    return ("+" if v >= 0 else "−") + f"{abs(v):g}"


def reason_from_parts(row: dict) -> str:
    """An English reason made from one stored pair's score parts, largest first (as matching.reasons
    orders them); what a part matched (which tag, which wish) is not stored, so only the part is named.
    A pair worth nothing says so: the rule that forced it is named in the explanation panel."""
    order = list(_PART_WORDS_EN)
    parts = []
    for k in order:
        v = row.get(k)
        if v is None or pd.isna(v) or abs(float(v)) <= PART_TOLERANCE:
            continue
        word = _PART_WORDS_EN[k]
        rank = row.get("preference_rank")
        if k == "part_preference" and rank is not None and not pd.isna(rank):
            word = f"wish #{int(rank)}"
        parts.append((float(v), order.index(k), word))
    if parts:
        return "; ".join(f"{w} {_signed(v)}" for v, _, w in sorted(parts, key=lambda t: (-t[0], t[1])))
    score = row.get("score")
    if score is not None and not pd.isna(score) and abs(float(score)) > PART_TOLERANCE:
        return f"external score {_signed(float(score))}"
    return "fit 0, forced by a rule (named in the explanation panel)"


def made_from_parts(info, lang: str) -> bool:
    """True when `lang` is English and the round was saved before English reasons were stored, so the
    reasons shown are made from the stored score parts (the page says so)."""
    a = info.assignment
    return lang == "en" and "reason" in a.columns and "reason_en" not in a.columns and bool(a["reason"].ne("").any())


def reasons(info, lang: str = "zh") -> pd.Series:
    """Each stored pair's reason in `lang` (index of info.assignment): the stored text of that language;
    for English on a round stored without it, a reason made from the stored parts (never Chinese), and
    "" where no reason was stored at all."""
    a = info.assignment
    if lang != "en":
        return a["reason"] if "reason" in a.columns else pd.Series("", index=a.index, dtype=object)
    if "reason_en" in a.columns:
        return a["reason_en"]
    # a pair with no stored reason (an imported assignment) has none in English either
    return pd.Series([reason_from_parts(r) if r["reason"] else "" for r in a.to_dict("records")], index=a.index,
                     dtype=object)


def filter_table(df: pd.DataFrame, query: str = "", colleges=(), only_changed: bool = False,
                 only_locked: bool = False, rank: str = "all") -> pd.DataFrame:
    out = df
    if query:
        q = query.strip().lower()
        mask = out[SEARCHED].astype(str).apply(lambda c: c.str.lower().str.contains(q, regex=False)).any(axis=1)
        out = out[mask]
    if colleges:
        out = out[out["college"].isin(list(colleges))]
    if only_changed:
        out = out[out["changed"]]
    if only_locked:
        out = out[out["locked"]]
    if rank == "first":
        out = out[out["preference_rank"] == 1]
    elif rank == "none":
        out = out[out["preference_rank"].isna()]
    return out.reset_index(drop=True)


def assignment_file(info) -> bytes:
    """The round's assignment as the re-importable data file (formats.md "assignment")."""
    return importer.write_xlsx("assignment", info.assignment)


def preference_distribution(info) -> pd.DataFrame:
    """Cadres with wishes by the best rank met: 第1意向 … / 未满足; cadres without wishes apart."""
    prefs = info.inputs.get("preferences")
    with_wish = set(prefs["cadre_id"]) if prefs is not None else set()
    a = info.assignment
    best = a.groupby("cadre_id")["preference_rank"].min() if len(a) else pd.Series(dtype="Int64")
    rows = []
    cad = info.inputs["cadres"]
    for cid, cap in zip(cad["cadre_id"], cad["capacity"]):
        if cap == 0:
            continue
        if cid not in with_wish:
            rows.append(("无意向", 99))
            continue
        r = best.get(cid, pd.NA)
        rows.append(("意向未满足", 98) if r is pd.NA or pd.isna(r) else (f"第{int(r)}意向", int(r)))
    df = pd.DataFrame(rows, columns=["bucket", "order"])
    return df.groupby(["bucket", "order"]).size().rename("cadres").reset_index().sort_values("order")


def coverage_frames(info) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(by college, by tag, priority classes left uncovered)."""
    cls = info.inputs["classes"]
    c = cls.assign(covered=cls["class_id"].isin(set(info.assignment["class_id"])))
    by_col = c.groupby("college").agg(classes=("class_id", "size"), covered=("covered", "sum")).reset_index()
    by_col["uncovered"] = by_col["classes"] - by_col["covered"]
    tags = c.explode("tags").dropna(subset=["tags"])
    tags = tags[tags["tags"] != ""]
    by_tag = tags.groupby("tags").agg(classes=("class_id", "size"), covered=("covered", "sum")).reset_index()
    by_tag = by_tag.rename(columns={"tags": "tag"})
    by_tag["uncovered"] = by_tag["classes"] - by_tag["covered"]
    left = c[c["priority"] & ~c["covered"]][["class_id", "name", "college", "grade", "size", "tags"]]
    return by_col, by_tag, left.reset_index(drop=True)


# ------------------------------------------------------------------ diff against the assignment in force

class _DiffContext:
    """What the reasons of a diff row are read from: the round's snapshot and result, the pairs in force;
    the reasons are said in `lang` (names, class names and rule reasons are data)."""

    def __init__(self, info, pub: pd.DataFrame, lang: str = "zh"):
        a, inp = info.assignment, info.inputs
        con = constraints_of(inp).to_dict("records")
        self.lang = lang
        self.cad = inp["cadres"].set_index("cadre_id")
        self.cls_ids = set(inp["classes"]["class_id"])
        self.names, self.class_names = people_labels(info)
        self.rule_names = RuleNames.of(inp)
        self.locks = {(r["cadre_id"], r["class_id"]): r for r in con if r["type"] == "lock"}
        self.forbids = [r for r in con if r["type"] == "forbid"]
        self.col_of = dict(zip(inp["classes"]["class_id"], inp["classes"]["college"]))
        self.priority = dict(zip(inp["classes"]["class_id"], inp["classes"]["priority"]))
        self.before = pub.groupby("cadre_id")["class_id"].apply(lambda s: sorted(s)).to_dict()
        self.before_name = dict(zip(pub["class_id"], pub["class_name"]))
        self.pub_name = dict(zip(pub["cadre_id"], pub["name"]))
        self.after = a.groupby("cadre_id")["class_id"].apply(lambda s: sorted(s)).to_dict()
        self.score = {(x, y): (s, r) for x, y, s, r in zip(a["cadre_id"], a["class_id"], a["score"],
                                                           a["preference_rank"])}
        self.holder_now = dict(zip(a["class_id"], a["cadre_id"]))
        res = cached_result(info.id)
        self.prob = res.problem if res is not None else None

    def tr(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh

    def old_score(self, cid: str, old: str) -> float | None:
        # the old pair's fit under this round's model (only when the engine result is at hand)
        if self.prob is None or cid not in self.prob.ci or old not in self.prob.cj:
            return None
        return float(self.prob.score_of(self.prob.ci[cid], self.prob.cj[old]))

    def why_ended(self, cid: str) -> str:
        if cid not in self.cad.index:
            return self.tr("干部已不在名单中", "the cadre is no longer on the list")
        if int(self.cad.loc[cid, "capacity"]) == 0:
            return self.tr("带班数为0（不再带班）", "capacity 0 (advises no class now)")
        return self.tr("未分配到班级", "not assigned to a class")

    def why_left(self, cid: str, old: str) -> list[str]:
        why = []
        if old not in self.cls_ids:
            name = self.before_name.get(old, old)
            why.append(self.tr(f"原班级{name}已不在班级名单中", f"former class {name} is no longer on the class list"))
        elif old in self.holder_now and self.holder_now[old] != cid:
            who = self.names.get(self.holder_now[old], self.holder_now[old])
            why.append(self.tr(f"原班级由{who}接任", f"former class taken over by {who}"))
        os_ = self.old_score(cid, old)
        if os_ is not None:
            why.append(self.tr(f"原配对得分{os_:g}", f"former pair's fit {os_:g}"))
        for f in self.forbids:
            if f["cadre_id"] == cid and (f["class_id"] == old or (not f["class_id"]
                                                                 and f["college"] == self.col_of.get(old))):
                why.append(self.tr("原配对被回避：", "former pair forbidden: ")
                           + rule_label(f, self.rule_names, self.lang))
        return why

    def why_joined(self, cid: str, new: str) -> list[str]:
        why = []
        if (cid, new) in self.locks:
            why.append(self.tr("锁定：", "locked: ") + (self.locks[(cid, new)]["reason"] or self.tr("锁定", "locked")))
        if self.priority.get(new):
            why.append(self.tr("新班级为重点关注班级", "the new class is a priority class"))
        s, r = self.score.get((cid, new), (None, None))
        if r is not None and not pd.isna(r):
            why.append(self.tr(f"新配对满足第{int(r)}意向，得分{s:g}", f"the new pair meets wish #{int(r)}, fit {s:g}"))
        elif s is not None and not pd.isna(s):
            why.append(self.tr(f"新配对得分{s:g}", f"the new pair's fit {s:g}"))
        return why

    def row(self, cid: str) -> dict | None:
        b, n = self.before.get(cid, []), self.after.get(cid, [])
        if b == n:
            return None
        change = "ended" if not n else "new" if not b else "moved"
        why = ([self.why_ended(cid)] if change == "ended" else [self.tr("新分配", "newly assigned")]
               if change == "new" else [])
        for old in (x for x in b if x not in n):
            why += self.why_left(cid, old)
        for new in (x for x in n if x not in b):
            why += self.why_joined(cid, new)
        join = self.tr("、", ", ")
        return {"cadre_id": cid, "name": self.names.get(cid) or self.pub_name.get(cid, ""),
                "before": join.join(self.before_name.get(x, x) for x in b),
                "after": join.join(self.class_names.get(x, x) for x in n), "change": change,
                "why": self.tr("；", "; ").join(dict.fromkeys(why))}


def diff_against_published(user: UserInfo, info, lang: str = "zh") -> pd.DataFrame:
    """Who moved where and why (in `lang`), against the assignment in force.
    Columns: cadre_id, name, before (class), after (class), change (moved/new/ended), why."""
    access.require(user, *READERS, action="diff_round")
    ctx = _DiffContext(info, published_assignment(), lang)
    rows = [ctx.row(cid) for cid in sorted(set(ctx.before) | set(ctx.after))]
    return pd.DataFrame([r for r in rows if r], columns=["cadre_id", "name", "before", "after", "change", "why"])
