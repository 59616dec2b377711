"""Rules (六个一, 九进) from a TOML file; defaults in default_rules.toml (compliance-rules.md)."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from common import vocabulary
from common.errors import YixianError

DEFAULT_RULES_PATH = Path(__file__).with_name("default_rules.toml")

ACTIVITY_TYPES = tuple(vocabulary.ACTIVITY_TYPES)
VENUES = tuple(vocabulary.VENUES)
VENUE_EN = {alias: v for v, t in vocabulary.VENUES.items() for alias in t.aliases}
ONLINE = "网络"
PERIODS = ("week", "month", "term", "year")
COUNTS = ("activities", "distinct_venues", "classes")
_FIELDS = {"name_zh", "name_en", "count", "types", "venues", "exclude_venues", "exclude_online",
           "own_class", "at_least", "per", "enabled"}


class RulesError(YixianError, ValueError):
    """Invalid rules file; `problems` lists every problem, each naming the rule and field."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("工作要求有误", "invalid requirements", details=self.problems)
        self.args = ("\n".join(self.problems),)

    def detail_lines(self, lang: str = "zh") -> list[str]:
        """Each problem in one language (they are written 'Chinese / English')."""
        out = []
        for p in self.problems:
            zh, sep, en = p.partition(" / ")
            out.append(en if sep and lang == "en" else zh if sep else p)
        return out


@dataclass(frozen=True)
class Rule:
    id: str
    name_zh: str
    name_en: str
    count: str                       # activities | distinct_venues | classes
    types: tuple[str, ...]           # () = every type
    venues: tuple[str, ...]          # () = every venue
    exclude_venues: tuple[str, ...]
    own_class: bool
    at_least: int
    per: str                         # week | month | term | year


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def ids(self) -> list[str]:
        return [r.id for r in self.rules]

    def replace(self, rule_id: str, **changes) -> RuleSet:
        """A copy with one rule's fields changed (validated like a file)."""
        d = {r.id: _rule_dict(r) for r in self.rules}
        d[rule_id] = {**d[rule_id], **changes}
        return rules_from_dict({"inherit_defaults": False, "rules": d})


def _rule_dict(r: Rule) -> dict:
    return {"name_zh": r.name_zh, "name_en": r.name_en, "count": r.count, "types": list(r.types),
            "venues": list(r.venues), "exclude_venues": list(r.exclude_venues), "own_class": r.own_class,
            "at_least": r.at_least, "per": r.per}


def _p(problems: list[str], rid: str, field: str | None, zh: str, en: str) -> None:
    """One problem as 'Chinese / English', each half naming the rule and the field."""
    if field is None:
        problems.append(f"规则 {rid}：{zh} / rule {rid}: {en}")
    else:
        problems.append(f"规则 {rid} 字段 {field}：{zh} / rule {rid}, field {field}: {en}")


def _str_list(rid: str, field: str, value, allowed: tuple[str, ...], problems: list[str],
              mapping: dict[str, str] | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        _p(problems, rid, field, f"应为字符串列表，实际为 {value!r}", f"expected a list of strings, got {value!r}")
        return ()
    out = []
    for v in value:
        v2 = (mapping or {}).get(v.strip(), v.strip())
        if v2 not in allowed:
            _p(problems, rid, field, f"未知取值 {v!r}，可选：{'、'.join(allowed)}",
               f"unknown value {v!r}, expected one of: {', '.join(allowed)}")
        elif v2 not in out:
            out.append(v2)
    return tuple(out)


def _build(rid: str, d: dict, problems: list[str]) -> Rule | None:
    n0 = len(problems)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", rid):
        _p(problems, rid, None, "编号只能用小写字母、数字和下划线，且以字母开头",
           "the id must be lowercase letters, digits and _, starting with a letter")
    for k in d:
        if k not in _FIELDS:
            _p(problems, rid, k, f"未知字段（可用：{'、'.join(sorted(_FIELDS))}）",
               f"unknown field (allowed: {', '.join(sorted(_FIELDS))})")
    for req in ("at_least", "per"):
        if req not in d:
            _p(problems, rid, req, "缺少必填字段", "required field missing")
    count = d.get("count", "activities")
    if count not in COUNTS:
        _p(problems, rid, "count", f"未知取值 {count!r}，可选：{'、'.join(COUNTS)}",
           f"unknown value {count!r}, expected one of: {', '.join(COUNTS)}")
    per = d.get("per")
    if per is not None and per not in PERIODS:
        _p(problems, rid, "per", f"未知周期 {per!r}，可选：{'、'.join(PERIODS)}",
           f"unknown period {per!r}, expected one of: {', '.join(PERIODS)}")
    at_least = d.get("at_least")
    if "at_least" in d and (isinstance(at_least, bool) or not isinstance(at_least, int) or at_least < 0):
        _p(problems, rid, "at_least", f"应为不小于0的整数，实际为 {at_least!r}",
           f"expected a whole number >= 0, got {at_least!r}")
    types = _str_list(rid, "types", d.get("types", []), ACTIVITY_TYPES, problems)
    venues = _str_list(rid, "venues", d.get("venues", []), VENUES, problems, VENUE_EN)
    excl = _str_list(rid, "exclude_venues", d.get("exclude_venues", []), VENUES, problems, VENUE_EN)
    for b in ("own_class", "exclude_online", "enabled"):
        if b in d and not isinstance(d[b], bool):
            _p(problems, rid, b, f"应为 true 或 false，实际为 {d[b]!r}", f"expected true or false, got {d[b]!r}")
    if d.get("exclude_online") is True and ONLINE not in excl:
        excl = excl + (ONLINE,)
    for f in ("name_zh", "name_en"):
        if f in d and not isinstance(d[f], str):
            _p(problems, rid, f, "应为文本", "expected text")
    if len(problems) > n0:
        return None
    return Rule(id=rid, name_zh=d.get("name_zh") or rid, name_en=d.get("name_en") or rid, count=count,
                types=types, venues=venues, exclude_venues=excl, own_class=bool(d.get("own_class", False)),
                at_least=int(at_least), per=per)


def rules_from_dict(data: dict, source: str = "rules") -> RuleSet:
    problems: list[str] = []
    for k in data:
        if k not in ("inherit_defaults", "rules"):
            problems.append(f"{source}：未知顶层字段 {k!r}（规则应写成 [rules.<编号>] 表） / "
                            f"{source}: unknown top-level key {k!r} (expected [rules.<id>] tables)")
    inherit = data.get("inherit_defaults", True)
    if not isinstance(inherit, bool):
        problems.append(f"{source}：inherit_defaults 应为 true 或 false / {source}: inherit_defaults must be true or false")
        inherit = True
    merged: dict[str, dict] = {}
    if inherit:
        base = tomllib.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))
        merged = {k: dict(v) for k, v in base["rules"].items()}
    given = data.get("rules", {})
    if not isinstance(given, dict):
        problems.append(f"{source}：rules 应为表 [rules.<编号>] / {source}: rules must be tables [rules.<id>]")
        given = {}
    for rid, d in given.items():
        if not isinstance(d, dict):
            _p(problems, rid, None, f"应为表 [rules.{rid}]", f"expected a table [rules.{rid}]")
            continue
        merged[rid] = {**merged.get(rid, {}), **d}
    rules = []
    for rid, d in merged.items():
        if d.get("enabled", True) is False:
            continue
        r = _build(rid, d, problems)
        if r is not None:
            rules.append(r)
    if problems:
        raise RulesError(problems)
    if not rules:
        raise RulesError([f"{source}：没有任何规则 / {source}: no rule left"])
    return RuleSet(tuple(rules))


def load_rules(path: str | Path | None = None) -> RuleSet:
    """Rules from a TOML file (None = the defaults). Raises RulesError listing every problem."""
    if path is None:
        return rules_from_dict({})
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RulesError([f"{p}：文件不存在 / {p}: file not found"]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise RulesError([f"{p}：不是有效的 TOML（{e}） / {p}: not valid TOML ({e})"]) from None
    return rules_from_dict(data, source=str(p))


def dump_rules(rules: RuleSet) -> str:
    """TOML text of a complete rule set (inherit_defaults = false), for saving an edited set."""
    import tomli_w
    return tomli_w.dumps({"inherit_defaults": False, "rules": {r.id: _rule_dict(r) for r in rules}})


__all__ = [
    "ACTIVITY_TYPES",
    "COUNTS",
    "PERIODS",
    "VENUES",
    "Rule",
    "RuleSet",
    "RulesError",
    "dump_rules",
    "load_rules",
    "rules_from_dict",
]
