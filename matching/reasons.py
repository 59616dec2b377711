"""Reasons in words for one pair: every part of its fit, largest first, and — for a pair whose fit is
0 — the rule that forced it.

    items(prob, i, j)          -> [Item]   one line per contributing term, sorted by size (largest first)
    text(prob, i, j, lang)     -> "专长「心理健康」对应标签「心理关注」+3；学科相同 +2；…"
    binding_rule(prob, pairs, i, j) -> Rule | None   what made a zero-fit pair part of the answer
    verified(res)              -> {(i, j): {"zh", "en"}}  zero-fit pairs: the rule, checked by re-solving
                                  without it, and what that answer does instead

The items of one part sum exactly to that part (Problem.parts), so no contributing part is left out.
"""
from __future__ import annotations

import dataclasses
from fractions import Fraction

from . import families
from .highs import SolverFailed
from .model import Problem, _tags

KIND_ZH = {"class": "班级", "major": "专业", "college": "学院", "grade": "年级"}


@dataclasses.dataclass(frozen=True)
class Item:
    part: str           # the Problem.parts key it belongs to
    value: Fraction
    zh: str
    en: str

    def text(self, lang: str = "zh") -> str:
        head = self.zh if lang == "zh" else self.en
        gap = "" if lang == "zh" and head.endswith(("」", "）")) else " "
        return f"{head}{gap}{fmt(self.value)}"


def fmt(v: Fraction) -> str:
    """+3, +2.5, −1 (exact decimal when it has one, else the fraction)."""
    sign = "+" if v >= 0 else "−"
    a = abs(v)
    if a.denominator == 1:
        body = str(a.numerator)
    else:
        d = a.denominator
        while d % 2 == 0:
            d //= 2
        while d % 5 == 0:
            d //= 5
        body = (f"{float(a):.10f}".rstrip("0").rstrip(".")) if d == 1 else f"{a.numerator}/{a.denominator}"
    return sign + body


def _table_items(prob: Problem, part, table, weight, words, tags, zh_word, en_word):
    out, seen = [], set()
    canon = prob.canon
    for w in words:
        row = table.get(canon(w))
        if not row:
            continue
        for t in tags:
            key = (canon(w), canon(t))
            if key in seen or canon(t) not in row:
                continue
            seen.add(key)
            v = weight * row[canon(t)]
            if v:
                out.append(Item(part, v, f"{zh_word}「{w}」对应标签「{t}」", f"{en_word} '{w}' matches tag '{t}'"))
    return out


def _pref_item(prob: Problem, i: int, j: int, value: Fraction) -> Item | None:
    r = int(prob.pref_r[i, j]) if prob.pref_r is not None else 0
    for rank, kind, v, js in prob.pref_lists.get(i, []):
        if rank == r and j in set(js.tolist()):
            shown = prob.class_names[j] if kind == "class" else v
            return Item("part_preference", value, f"第{r}意向（{KIND_ZH.get(kind, kind)}：{shown}）",
                        f"wish #{r} ({kind}: {shown})")
    return None


def items(prob: Problem, i: int, j: int) -> list[Item]:
    """Every term that adds to the fit of (i, j), largest first (ties: in part order)."""
    if prob.has_scores:
        s = prob.score_of(i, j)
        return [Item("score", s, "外部评分", "external score")] if s else []
    cfg, parts = prob.cfg, prob.parts(i, j)
    expertise = _tags(prob.cadres["expertise"][i]) if "expertise" in prob.cadres else ()
    tags = prob.class_tags[j]
    out = _table_items(prob, "part_expertise", cfg.affinity, cfg.weights["expertise"], expertise, tags,
                       "专长", "expertise")
    out += _table_items(prob, "part_unit", cfg.unit_affinity, cfg.weights["unit"],
                        [prob.unit[i]] if prob.unit[i] else [], tags, "单位", "unit")
    if parts["part_discipline"]:
        d = str(prob.classes["discipline"][j]) if "discipline" in prob.classes else ""
        out.append(Item("part_discipline", parts["part_discipline"], f"学科相同（{d}）", f"same discipline ({d})"))
    if parts["part_preference"]:
        it = _pref_item(prob, i, j, parts["part_preference"])
        out.append(it or Item("part_preference", parts["part_preference"], "意向", "wish"))
    if parts["part_continuity"]:
        out.append(Item("part_continuity", parts["part_continuity"], "连任", "continues from the previous round"))
    if parts["part_own_unit"]:
        out.append(Item("part_own_unit", parts["part_own_unit"], "本单位班级", "class of the cadre's own college"))
    order = {k: n for n, k in enumerate(parts)}
    return sorted(out, key=lambda it: (-it.value, order.get(it.part, 99)))


# ------------------------------------------------------------------ zero-fit pairs
def binding_rule(prob: Problem, pairs, i: int, j: int):
    """The rule that put (i, j), worth nothing, into the answer: a lock on the pair, the rule that every
    priority class is covered, a college quota's minimum for the class's college, else the cadre's
    capacity (the cadre must take `capacity` classes). Tests confirm it by re-solving without it."""
    for r in prob.rules:
        if r.family == "lock" and r.i == i and r.j == j:
            return r
    if prob.cfg.priority == "hard" and prob.priority[j]:
        return next((r for r in prob.rules if r.family == "priority"), None)
    for r in prob.rules:
        if r.family == "college_quota" and r.c == int(prob.col[j]) and r.lo is not None:
            return r
    return next((r for r in prob.rules if r.family == "capacity"), None)


_WITHOUT = {
    "lock": ("若无此锁定，此干部会改派匹配度更高的班级", "without the lock the cadre would go to a better-fitting class"),
    "priority": ("若不要求每个重点关注班级都有班主任，此班可不由其担任", "without the rule this class need not get this cadre"),
    "college_quota": ("若无此名额下限，可不必派干部到该学院", "without the minimum no cadre need go to that college"),
    "capacity": ("若不要求带满班数，此干部可少带一个班", "without it the cadre could take one class fewer"),
}


def forced_text(rule, lang: str = "zh", without: str | None = None) -> str:
    """'匹配度为0，由规则「…」决定；若无此规则…' for a zero-fit pair."""
    label = rule.label_zh if lang == "zh" else rule.label_en
    w = without or _WITHOUT.get(rule.family, ("", ""))[0 if lang == "zh" else 1]
    if lang == "zh":
        return f"匹配度为0，由规则「{label}」决定" + (f"；{w}" if w else "")
    return f"fit 0, forced by the rule '{label}'" + (f"; {w}" if w else "")


def text(prob: Problem, i: int, j: int, lang: str = "zh", pairs=None, without: str | None = None) -> str:
    """The pair's reason in words: its items joined, or (fit 0) the binding rule and what would happen
    without it (`without`: a verified counterfactual, see MatchResult.verified_reasons)."""
    its = items(prob, i, j)
    sep = "；" if lang == "zh" else "; "
    if its and prob.score_of(i, j) != 0:
        return sep.join(it.text(lang) for it in its)
    rule = binding_rule(prob, pairs or [], i, j)
    head = sep.join(it.text(lang) for it in its)
    forced = forced_text(rule, lang, without) if rule is not None else ("匹配度为0" if lang == "zh" else "fit 0")
    return (head + sep if head else "") + forced


def without_rule(inp, cfg, rule):
    """(input, config) of the same round with `rule` dropped: priority → "off", a constraints row →
    removed. None for rules that cannot be dropped on their own (capacity)."""
    if rule.family == "priority":
        return inp, cfg.replace(priority="off")
    if rule.ref.get("kind") == "constraint" and inp.constraints is not None:
        cons = inp.constraints.drop(inp.constraints.index[rule.ref["rule_index"]]).reset_index(drop=True)
        return dataclasses.replace(inp, constraints=cons), cfg
    return None


def counterfactual_text(prob: Problem, i: int, j: int, other, base: Fraction, lang: str = "zh") -> str | None:
    """What the best answer without the rule does with (i, j) — None if it keeps the pair (the rule
    was not what forced it). `other` is that re-solve's MatchResult."""
    if other.status not in ("optimal", "feasible"):
        return None
    op = other.problem
    oi, oj = op.ci.get(prob.cadre_ids[i]), op.cj.get(prob.class_ids[j])
    now = set(other.pairs)
    if (oi, oj) in now:
        return None
    holder = next((op.names[a] for a, b in other.pairs if b == oj), None)
    mine = [op.class_names[b] for a, b in other.pairs if a == oi]
    gain = fmt(other.objective_plain - base) if other.objective_exact is not None else None
    if lang == "zh":
        who = f"该班改由{holder}担任" if holder else "该班无人担任"
        goes = f"，此干部改任{'、'.join(mine)}" if mine else ""
        return f"若无此规则：{who}{goes}（整轮总目标值 {gain}）" if gain is not None else f"若无此规则：{who}{goes}"
    who = f"the class would go to {holder}" if holder else "the class would have no adviser"
    goes = f", this cadre would take {', '.join(mine)}" if mine else ""
    return f"without it: {who}{goes} (objective {gain})" if gain is not None else f"without it: {who}{goes}"


def verified(res, max_resolves: int = 4) -> dict:
    """(i, j) -> {"zh": …, "en": …} for every zero-fit pair whose binding rule is checked by re-solving
    without it (`res.without(rule)`, at most `max_resolves` distinct rules per result): the rule and
    what that answer does instead. Pairs with a fit, or whose rule cannot be dropped (capacity) or does
    not change the pair, are left out (their plain `text` stands)."""
    p, out = res.problem, {}
    if res.objective_exact is None:
        return out
    for i, j in res.pairs:
        if p.score_of(i, j) != 0:
            continue
        rule = binding_rule(p, res.pairs, i, j)
        if rule is None or (rule.key not in res._without and len(res._without) >= max_resolves):
            continue
        try:
            other = res.without(rule)
        except SolverFailed:            # the check could not be made: the plain text stands
            continue
        if other is None:
            continue
        texts = {}
        for lang in ("zh", "en"):
            what = counterfactual_text(p, i, j, other, res.objective_plain, lang)
            if what is None:
                break
            texts[lang] = text(p, i, j, lang, res.pairs, without=what)
        if len(texts) == 2:
            out[(i, j)] = texts
    return out


# ------------------------------------------------------------------ why not my first wish
def _name(prob: Problem, i: int) -> str:
    return prob.names[i] or prob.cadre_ids[i]


def chain(prob: Problem, before, after) -> list[dict]:
    """The moves from one answer to another: for each cadre whose classes differ, cadre → class."""
    old, new = {}, {}
    for a, b in before:
        old.setdefault(a, set()).add(b)
    for a, b in after:
        new.setdefault(a, set()).add(b)
    out = []
    for i in sorted(set(old) | set(new)):
        gone, got = sorted(old.get(i, set()) - new.get(i, set())), sorted(new.get(i, set()) - old.get(i, set()))
        for k in range(max(len(gone), len(got))):
            f = gone[k] if k < len(gone) else None
            t = got[k] if k < len(got) else None
            out.append({"cadre_id": prob.cadre_ids[i], "name": _name(prob, i),
                        "from_class_id": None if f is None else prob.class_ids[f],
                        "from_class_name": None if f is None else prob.class_names[f],
                        "to_class_id": None if t is None else prob.class_ids[t],
                        "to_class_name": None if t is None else prob.class_names[t]})
    return out


def needed_moves(prob: Problem, before, after, i: int) -> list:
    """`after` with only the moves linked to cadre i (the connected part of the change that holds i):
    other parts of a re-solve are ties (an optimal answer gains nothing from them). Used only when that
    smaller answer keeps every rule and the same objective (checked); else `after` as it is."""
    b, a = set(before), set(after)
    diff = (b - a) | (a - b)
    seen, todo = {("c", i)}, [("c", i)]
    while todo:
        kind, x = todo.pop()
        for c, k in diff:
            if (kind == "c" and c == x) or (kind == "k" and k == x):
                for node in (("c", c), ("k", k)):
                    if node not in seen:
                        seen.add(node)
                        todo.append(node)
    part = {(c, k) for c, k in diff if ("c", c) in seen}
    smaller = sorted((b - part) | (a & part))
    if not prob.dense or prob.cfg.objective == "fair" or smaller == sorted(a):
        return sorted(a)
    def worth(pairs):
        return float(sum(prob.W[c, k] for c, k in pairs))
    if families.broken(prob.rules, prob, smaller) or worth(smaller) != worth(a):
        return sorted(a)
    return smaller


def _move_words(m: dict, lang: str) -> str:
    to = m["to_class_name"] or ("不带班" if lang == "zh" else "no class")
    return f"{m['name']} → {to}"


def wish_detail(res, i: int, js, okjs, holders: list, cost, fewest_moves: bool = False) -> dict:
    """Readable keys for explain()['why_not_first']: the wished classes by name, who holds them and
    why (that pair's reason), the chain of moves granting the wish needs, and the total cost."""
    p = res.problem
    names = [p.class_names[j] for j in list(js)[:10]]
    by_id = {p.class_ids[j]: j for j in js}
    for h in holders:
        hi, hj = p.ci[h["cadre_id"]], by_id[h["class_id"]]
        h["class_name"] = p.class_names[hj]
        h["reason_zh"] = res.reason(hi, hj, "zh")
        h["reason_en"] = res.reason(hi, hj, "en")
    moves = res._moves.get((i, tuple(int(x) for x in okjs))) if cost is not None else None
    fewest = res.fewest_moves(i, okjs, cost) if moves is not None and fewest_moves else None
    if fewest is not None:
        moves = fewest
    steps = chain(p, res.pairs, needed_moves(p, res.pairs, moves, i)) if moves is not None else []
    out = {"first_choice_names": names, "chain": steps, "chain_fewest": fewest is not None,
           "total_cost": None if cost is None else float(cost),
           "total_cost_exact": None if cost is None else str(cost)}
    if cost is not None:
        zh = "；".join(_move_words(m, "zh") for m in steps)
        en = "; ".join(_move_words(m, "en") for m in steps)
        out["summary_zh"] = f"满足「{'、'.join(names[:3])}」需调整：{zh}；总目标值 {fmt(-cost)}"
        out["summary_en"] = f"granting '{', '.join(names[:3])}' needs: {en}; objective {fmt(-cost)}"
    return out
