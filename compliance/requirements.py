"""履职要求 (requirements) as versioned data: rules per level, effective dates, 等次 thresholds.

A requirements document is the rules TOML of `default_rules.toml`, extended compatibly (a plain
rules file is a valid requirements document with one version and no level overrides):

    count_confirmed_only = false         # true: only ledger rows confirmed (`confirmed` column) count

    [conclusion]                         # 等次建议 from the completion rate (0..1)
    good = 0.95                          # 好    rate >= good
    fairly_good = 0.85                   # 较好  rate >= fairly_good
    average = 0.70                       # 一般  rate >= average; below: 差

    [rules.lecture_visit]                # the first version, in force from the beginning
    at_least = 1
    [rules.lecture_visit.levels.school]  # 校领导 may differ (school / head / deputy, or 校领导 …)
    per = "term"

    [[versions]]                         # later versions: each edits the one before it
    effective = 2026-03-01               # in force from this day
    note = "党委常委会2026年第5次会议修订"
    [versions.rules.lecture_visit]
    at_least = 2

Each period is evaluated under the version in force on its first day. Parsing never changes
anything: it returns a new `Requirements` or raises `RulesError` listing every problem (zh / en).
"""
from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from common import vocabulary

from .rules import DEFAULT_RULES_PATH, Rule, RulesError, RuleSet, _build, _rule_dict

LEVELS = tuple(vocabulary.LEVELS)                       # protocol order: school, head, deputy
LEVEL_ZH = vocabulary.labels(vocabulary.LEVELS)
LEVEL_ALIASES = {**{c: c for c in LEVELS}, **{t.zh: c for c, t in vocabulary.LEVELS.items()}}
LEVEL_FIELDS = {"count", "types", "venues", "exclude_venues", "exclude_online", "own_class", "at_least", "per",
                "enabled"}
GRADES = ("好", "较好", "一般", "差")
EXEMPT_CONCLUSION = vocabulary.label(vocabulary.COMPLIANCE_STATUSES, "exempt")      # 免予考核
_TOP = {"inherit_defaults", "rules", "versions", "conclusion", "count_confirmed_only"}
_VERSION_KEYS = {"effective", "note", "rules"}


@dataclass(frozen=True)
class Conclusion:
    """等次 suggestion from a completion rate: 好 ≥ good, 较好 ≥ fairly_good, 一般 ≥ average, else 差."""
    good: float = 0.95
    fairly_good: float = 0.85
    average: float = 0.70

    def grade(self, rate: float | None) -> str:
        if rate is None:
            return EXEMPT_CONCLUSION
        for label, bound in zip(GRADES, (self.good, self.fairly_good, self.average)):
            if rate >= bound - 1e-12:      # rates are ratios of small integers: compare with a hair's slack
                return label
        return GRADES[-1]


@dataclass(frozen=True)
class Version:
    """One version: its rules for a cadre of unknown level (`base`) and per level."""
    effective: date | None          # None = in force from the beginning
    note: str
    base: RuleSet
    by_level: tuple[tuple[str, RuleSet], ...]

    def ruleset(self, level: str | None) -> RuleSet:
        for lv, rs in self.by_level:
            if lv == level:
                return rs
        return self.base

    def rule(self, rule_id: str, level: str | None) -> Rule | None:
        for r in self.ruleset(level):
            if r.id == rule_id:
                return r
        return None


@dataclass(frozen=True)
class Requirements:
    versions: tuple[Version, ...]
    conclusion: Conclusion = field(default_factory=Conclusion)
    confirmed_only: bool = False
    document: dict = field(default_factory=dict, compare=False, repr=False)   # normalised source

    @property
    def rule_ids(self) -> list[str]:
        """Every rule id of any version and level, in first-seen order."""
        out: list[str] = []
        for v in self.versions:
            for rs in (v.base, *(rs for _, rs in v.by_level)):
                out.extend(r.id for r in rs if r.id not in out)
        return out

    def version_on(self, day: date) -> Version:
        cur = self.versions[0]
        for v in self.versions[1:]:
            if v.effective is not None and v.effective <= day:
                cur = v
        return cur

    def ruleset_on(self, day: date, level: str | None = None) -> RuleSet:
        return self.version_on(day).ruleset(level)

    def headline(self, day: date) -> RuleSet:
        """One rule per id for labels: the version in force on `day`, else the latest one that has it."""
        cur = self.version_on(day)
        out = []
        for rid in self.rule_ids:
            for v in (cur, *reversed(self.versions)):
                r = v.rule(rid, None) or next((x for _, rs in v.by_level for x in rs if x.id == rid), None)
                if r is not None:
                    out.append(r)
                    break
        return RuleSet(tuple(out))


def as_requirements(rules: RuleSet | Requirements | None) -> Requirements:
    """A plain RuleSet (old callers) is one version without level overrides."""
    if rules is None:
        return requirements_from_dict({})
    if isinstance(rules, Requirements):
        return rules
    return Requirements((Version(None, "", rules, ()),))


# ------------------------------------------------------------------ parsing
def _prefix(problems: list[str], zh: str, en: str) -> list[str]:
    out = []
    for p in problems:
        a, sep, b = p.partition(" / ")
        out.append(f"{zh}{a} / {en}{b}" if sep else f"{zh}{p}")
    return out


def _merge(state: dict, given, where_zh: str, where_en: str, problems: list[str]) -> dict:
    """state (rid -> fields, with optional 'levels') edited by a [rules.*] block; levels merged per level."""
    state = copy.deepcopy(state)
    if not isinstance(given, dict):
        problems.append(f"{where_zh}rules 应为表 [rules.<编号>] / {where_en}rules must be tables [rules.<id>]")
        return state
    for rid, d in given.items():
        if not isinstance(d, dict):
            problems.append(f"{where_zh}规则 {rid}：应为表 [rules.{rid}] / {where_en}rule {rid}: expected a table")
            continue
        cur = state.setdefault(rid, {})
        for k, v in d.items():
            if k != "levels":
                cur[k] = v
                continue
            if not isinstance(v, dict):
                problems.append(f"{where_zh}规则 {rid} 字段 levels：应为表 [rules.{rid}.levels.<层级>] / "
                                f"{where_en}rule {rid}, field levels: expected tables [rules.{rid}.levels.<level>]")
                continue
            levels = cur.setdefault("levels", {})
            for lk, ld in v.items():
                lv = LEVEL_ALIASES.get(str(lk).strip())
                if lv is None:
                    problems.append(f"{where_zh}规则 {rid}：未知层级 {lk!r}，可选：校领导(school)、中层正职(head)、"
                                    f"中层副职(deputy) / {where_en}rule {rid}: unknown level {lk!r}, expected "
                                    f"school, head or deputy")
                    continue
                if not isinstance(ld, dict):
                    problems.append(f"{where_zh}规则 {rid} 层级 {lk}：应为表 / {where_en}rule {rid}, level {lk}: "
                                    f"expected a table")
                    continue
                for f in ld:
                    if f not in LEVEL_FIELDS:
                        problems.append(f"{where_zh}规则 {rid} 层级 {lk} 字段 {f}：不能按层级设置（可用："
                                        f"{'、'.join(sorted(LEVEL_FIELDS))}） / {where_en}rule {rid}, level {lk}, "
                                        f"field {f}: cannot differ by level (allowed: {', '.join(sorted(LEVEL_FIELDS))})")
                levels[lv] = {**levels.get(lv, {}), **ld}
    return state


def _rulesets(state: dict, problems: list[str]) -> tuple[RuleSet, tuple[tuple[str, RuleSet], ...]]:
    """Build the base RuleSet and one per level from a merged state; problems appended (deduplicated)."""
    base_rules, per_level = [], {lv: [] for lv in LEVELS}
    for rid, d in state.items():
        fields = {k: v for k, v in d.items() if k != "levels"}
        levels = d.get("levels", {})
        r = None
        if fields.get("enabled", True) is not False:
            r = _build(rid, fields, problems)
            if r is not None:
                base_rules.append(r)
        for lv in LEVELS:
            if lv not in levels:
                if r is not None:
                    per_level[lv].append(r)
                continue
            ld = {**fields, **levels[lv]}
            if ld.get("enabled", True) is False:
                continue
            lp: list[str] = []
            lr = _build(rid, ld, lp)
            problems += _prefix([p for p in lp if p not in problems], f"{LEVEL_ZH[lv]}：", f"level {lv}: ")
            if lr is not None:
                per_level[lv].append(replace(lr, id=rid))
    if not base_rules and not any(per_level.values()):
        problems.append("没有任何规则 / no rule left")
    return RuleSet(tuple(base_rules)), tuple((lv, RuleSet(tuple(rs))) for lv, rs in per_level.items())


def _conclusion(data, problems: list[str]) -> Conclusion:
    if data is None:
        return Conclusion()
    if not isinstance(data, dict):
        problems.append("conclusion 应为表 [conclusion] / conclusion must be a table [conclusion]")
        return Conclusion()
    vals = {}
    for k, v in data.items():
        if k not in ("good", "fairly_good", "average"):
            problems.append(f"conclusion 未知字段 {k!r}（可用：good、fairly_good、average） / "
                            f"conclusion: unknown field {k!r} (allowed: good, fairly_good, average)")
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            problems.append(f"conclusion 字段 {k}：应为 0 到 1 之间的数（如 0.95 表示 95%），实际为 {v!r} / "
                            f"conclusion, field {k}: expected a number between 0 and 1 (0.95 = 95%), got {v!r}")
        else:
            vals[k] = float(v)
    c = Conclusion(**{**Conclusion().__dict__, **vals})
    if not c.good >= c.fairly_good >= c.average:
        problems.append(f"conclusion：应满足 good ≥ fairly_good ≥ average，实际为 {c.good}、{c.fairly_good}、"
                        f"{c.average} / conclusion: expected good >= fairly_good >= average, got "
                        f"{c.good}, {c.fairly_good}, {c.average}")
    return c


def _effective(v, i: int, problems: list[str]) -> date | None:
    if isinstance(v, date) and not hasattr(v, "hour"):
        return v
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip())
        except ValueError:
            pass
    problems.append(f"第 {i} 个版本（[[versions]]）字段 effective：应为日期，如 2026-03-01，实际为 {v!r} / "
                    f"version {i} ([[versions]]), field effective: expected a date such as 2026-03-01, got {v!r}")
    return None


def _flag(data: dict, key: str, default: bool, source: str, problems: list[str]) -> bool:
    v = data.get(key, default)
    if isinstance(v, bool):
        return v
    problems.append(f"{source}：{key} 应为 true 或 false / {source}: {key} must be true or false")
    return default


def _later_versions(state: dict, raw, source: str, seen: set[str], problems: list[str]) -> list[Version]:
    """The [[versions]] in order, each editing the state left by the one before."""
    if not isinstance(raw, list):
        problems.append(f"{source}：versions 应写成 [[versions]] 表 / {source}: versions must be [[versions]] tables")
        return []
    out: list[Version] = []
    last: date | None = None
    for i, rv in enumerate(raw, start=1):
        if not isinstance(rv, dict):
            problems.append(f"第 {i} 个版本应为表 / version {i} must be a table")
            continue
        for k in rv:
            if k not in _VERSION_KEYS:
                problems.append(f"第 {i} 个版本：未知字段 {k!r}（可用：effective、note、rules） / "
                                f"version {i}: unknown field {k!r} (allowed: effective, note, rules)")
        eff = _effective(rv.get("effective"), i, problems)
        if eff is not None and last is not None and eff <= last:
            problems.append(f"第 {i} 个版本：生效日期 {eff} 应晚于上一版本的 {last} / "
                            f"version {i}: effective date {eff} must be after the previous version's {last}")
        last = eff if eff is not None else last
        wz, we = (f"{eff} 起生效的版本：", f"version effective {eff}: ") if eff else (f"第 {i} 个版本：", f"version {i}: ")
        state = _merge(state, rv.get("rules", {}), wz, we, problems)
        v_problems: list[str] = []
        vb, vl = _rulesets(state, v_problems)
        problems += _prefix([p for p in v_problems if p not in seen], wz, we)   # each defect named once
        seen |= set(v_problems)
        note = rv.get("note", "")
        if not isinstance(note, str):
            problems.append(f"第 {i} 个版本字段 note：应为文本 / version {i}, field note: expected text")
            note = ""
        out.append(Version(eff, note, vb, vl))
    return out


def requirements_from_dict(data: dict, source: str = "requirements") -> Requirements:
    """A validated Requirements from a parsed document; RulesError lists every problem."""
    problems: list[str] = []
    for k in data:
        if k not in _TOP:
            problems.append(f"{source}：未知顶层字段 {k!r}（可用：{'、'.join(sorted(_TOP))}） / "
                            f"{source}: unknown top-level key {k!r} (allowed: {', '.join(sorted(_TOP))})")
    inherit = _flag(data, "inherit_defaults", True, source, problems)
    confirmed = _flag(data, "count_confirmed_only", False, source, problems)
    conclusion = _conclusion(data.get("conclusion"), problems)
    state = tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))["rules"] if inherit else {}
    state = _merge(state, data.get("rules", {}), "", "", problems)
    seen = set(problems)
    v_problems: list[str] = []
    base, by_level = _rulesets(state, v_problems)
    problems += [p for p in v_problems if p not in seen]
    seen |= set(v_problems)
    versions = [Version(None, "", base, by_level)]
    versions += _later_versions(state, data.get("versions", []), source, seen, problems)
    if problems:
        raise RulesError(problems)
    return Requirements(tuple(versions), conclusion, confirmed, copy.deepcopy(data))


def parse_requirements(text: str, source: str = "requirements") -> Requirements:
    """Requirements from TOML text (what the store keeps); RulesError lists every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise RulesError([f"{source}：不是有效的 TOML（{e}） / {source}: not valid TOML ({e})"]) from None
    return requirements_from_dict(data, source)


def load_requirements(path: str | Path | None = None) -> Requirements:
    """Requirements from a TOML file (None = the defaults)."""
    if path is None:
        return requirements_from_dict({})
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError([f"{p}：文件不存在 / {p}: file not found"]) from None
    except UnicodeDecodeError as e:
        raise RulesError([f"{p}：不是 UTF-8 文本（{e}） / {p}: not UTF-8 text ({e})"]) from None
    return parse_requirements(text, str(p))


def dump_requirements(req: Requirements) -> str:
    """TOML text of a requirements document; parse_requirements(dump_requirements(r)) == r."""
    import tomli_w
    if req.document:
        return tomli_w.dumps(req.document)
    v0 = req.versions[0]
    return tomli_w.dumps({"inherit_defaults": False, "count_confirmed_only": req.confirmed_only,
                          "conclusion": dict(req.conclusion.__dict__),
                          "rules": {r.id: _rule_dict(r) for r in v0.base}})


def add_version(req: Requirements, effective: date, rules: dict, note: str = "") -> Requirements:
    """A new Requirements with one more version (what the requirements screen saves): `rules` is
    {rule_id: {field: value, "levels": {level: {field: value}}}}, editing the latest version. The
    result is validated like a file; RulesError names every problem and `req` is unchanged."""
    doc = copy.deepcopy(req.document) if req.document else tomllib.loads(dump_requirements(req))
    doc.setdefault("versions", [])
    doc["versions"].append({"effective": effective, "note": note, "rules": copy.deepcopy(rules)})
    return requirements_from_dict(doc)


def with_settings(req: Requirements, *, good: float | None = None, fairly_good: float | None = None,
                  average: float | None = None, count_confirmed_only: bool | None = None) -> Requirements:
    """A new Requirements with other 等次 thresholds or the confirmed-only setting (validated)."""
    doc = copy.deepcopy(req.document) if req.document else tomllib.loads(dump_requirements(req))
    given = {"good": good, "fairly_good": fairly_good, "average": average}
    doc["conclusion"] = {**doc.get("conclusion", {}), **{k: v for k, v in given.items() if v is not None}}
    if count_confirmed_only is not None:
        doc["count_confirmed_only"] = count_confirmed_only
    return requirements_from_dict(doc)


def requirements_frame(req: Requirements):
    """One row per version, rule and level (校领导/中层正职/中层副职): what the requirements screen
    lists. Columns: effective (None = from the start), note, rule, name_zh, name_en, level, count, types,
    venues, exclude_venues, own_class, at_least, per."""
    import pandas as pd
    rows = []
    for v in req.versions:
        for lv, rs in v.by_level:
            for r in rs:
                rows.append({"effective": v.effective, "note": v.note, "rule": r.id, "name_zh": r.name_zh,
                             "name_en": r.name_en, "level": lv, "count": r.count, "types": r.types, "venues": r.venues,
                             "exclude_venues": r.exclude_venues, "own_class": r.own_class,
                             "at_least": r.at_least, "per": r.per})
    return pd.DataFrame(rows, columns=["effective", "note", "rule", "name_zh", "name_en", "level", "count", "types", "venues",
                                       "exclude_venues", "own_class", "at_least", "per"])


def default_requirements_text() -> str:
    """The defaults as a complete document (what a new store starts from)."""
    return dump_requirements(Requirements(requirements_from_dict({}).versions))


__all__ = ["GRADES", "LEVELS", "Conclusion", "Requirements", "Version", "add_version", "as_requirements",
           "default_requirements_text", "dump_requirements", "load_requirements", "parse_requirements",
           "requirements_frame", "requirements_from_dict", "with_settings"]
