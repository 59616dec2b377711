"""Matching configuration: documented defaults in default_config.toml, user file merged over it."""
from __future__ import annotations

import dataclasses
import decimal
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Any

from common.errors import YixianError

DEFAULT_PATH = Path(__file__).with_name("default_config.toml")

OBJECTIVES = ("total", "fair", "min_change")
PRIORITY_MODES = ("hard", "weighted", "off")
OWN_UNIT_MODES = ("forbid", "prefer", "neutral")
WEIGHT_KEYS = ("expertise", "unit", "discipline", "preference", "continuity", "own_unit",
               "priority_bonus", "change_penalty")
# Tables a user file replaces as a whole (so that an office can remove a default row).
WHOLE_TABLES = ("affinity", "unit_affinity", "aliases")
PREF_KINDS = ("class", "major", "college", "grade")


class ConfigError(YixianError, ValueError):
    """A configuration value is wrong; each problem names the key (Chinese / English)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("配置错误", "invalid configuration", details=problems)
        self.args = ("配置错误 / invalid configuration:\n" + "\n".join(problems),)


def _frac(value: Any) -> Fraction:
    # repr() of a TOML float is its shortest decimal text, so Fraction(repr) is exact.
    if isinstance(value, bool):
        raise TypeError
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        return Fraction(value.strip())
    raise TypeError


@dataclasses.dataclass(frozen=True)
class MatchConfig:
    objective: str = "total"
    priority: str = "hard"
    own_unit: str = "neutral"
    change_budget: int | None = None
    time_limit_s: float = 60.0
    seed: int = 0
    workers: int = 2
    weights: dict = dataclasses.field(default_factory=dict)        # key -> Fraction
    by_rank: tuple = ()                                             # Fractions
    kind_factor: dict = dataclasses.field(default_factory=dict)     # kind -> Fraction
    affinity: dict = dataclasses.field(default_factory=dict)        # expertise -> {tag: Fraction}
    unit_affinity: dict = dataclasses.field(default_factory=dict)   # unit -> {tag: Fraction}
    aliases: dict = dataclasses.field(default_factory=dict)         # word -> the known word it means

    def replace(self, **changes) -> MatchConfig:
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new

    def validate(self) -> None:
        p: list[str] = []
        if self.objective not in OBJECTIVES:
            p.append(f"objective = {self.objective!r}：应为 {'/'.join(OBJECTIVES)} / must be one of {OBJECTIVES}")
        if self.priority not in PRIORITY_MODES:
            p.append(f"priority = {self.priority!r}：应为 hard/weighted/off / must be hard, weighted or off")
        if self.own_unit not in OWN_UNIT_MODES:
            p.append(f"own_unit = {self.own_unit!r}：应为 forbid/prefer/neutral / must be forbid, prefer or neutral")
        if self.change_budget is not None and (not isinstance(self.change_budget, int)
                                               or isinstance(self.change_budget, bool)
                                               or self.change_budget < 0):
            p.append(f"change_budget = {self.change_budget!r}：应为非负整数 / must be a whole number ≥ 0")
        if not isinstance(self.time_limit_s, (int, float)) or self.time_limit_s <= 0:
            p.append(f"time_limit_s = {self.time_limit_s!r}：应为正数 / must be > 0")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            p.append(f"seed = {self.seed!r}：应为整数 / must be an integer")
        if not isinstance(self.workers, int) or isinstance(self.workers, bool) or self.workers < 1:
            p.append(f"workers = {self.workers!r}：应为正整数 / must be a whole number ≥ 1")
        for k in WEIGHT_KEYS:
            if k not in self.weights:
                p.append(f"weights.{k}：缺失 / missing")
        if not self.by_rank:
            p.append("preference.by_rank：不能为空 / must not be empty")
        for k in PREF_KINDS:
            if k not in self.kind_factor:
                p.append(f"preference.kind.{k}：缺失 / missing")
        if p:
            raise ConfigError(p)


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _table(d: dict, key: str, num, p: list, source: str) -> dict[str, dict[str, Fraction]]:
    """`[key."<word>"]` tables of `"<tag>" = value` (affinity: expertise, unit_affinity: unit)."""
    raw = d.get(key, {})
    if not isinstance(raw, dict):
        p.append(f"{source}: {key} 应为表 / must be a table")
        return {}
    out: dict[str, dict[str, Fraction]] = {}
    for e, row in raw.items():
        if not isinstance(row, dict):
            p.append(f"{source}: {key}.{e} 应为 标签 = 数值 的表 / must be a table of tag = number")
            continue
        out[str(e).strip()] = {str(t).strip(): num(f"{key}.{e}.{t}", v) for t, v in row.items()}
    return out


def _aliases(raw, p: list, source: str) -> dict[str, str]:
    """`[aliases]` `"<word as written>" = "<known word>"`: expertise, unit or tag read as another."""
    if not isinstance(raw, dict):
        p.append(f"{source}: aliases 应为表 / must be a table")
        return {}
    out = {}
    for k, v in raw.items():
        if not isinstance(v, str) or not v.strip():
            p.append(f"{source}: aliases.{k} = {v!r}：应为非空文字 / must be a non-empty text")
            continue
        out[str(k).strip()] = v.strip()
    return out


def _from_dict(d: dict, source: str) -> MatchConfig:
    p: list[str] = []
    known = {"objective", "priority", "own_unit", "change_budget", "time_limit_s", "seed", "workers",
             "weights", "preference", "affinity", "unit_affinity", "aliases"}
    for k in d:
        if k not in known:
            p.append(f"{source}: 未知配置项 {k!r} / unknown key {k!r}")

    def num(path: str, v: Any, nonneg: bool = False) -> Fraction:
        try:
            f = _frac(v)
        except (TypeError, ValueError, ZeroDivisionError):
            p.append(f"{source}: {path} = {v!r}：应为数字 / must be a number")
            return Fraction(0)
        if nonneg and f < 0:
            p.append(f"{source}: {path} = {v!r}：不能为负 / must not be negative")
        return f

    weights = {}
    w = d.get("weights", {})
    if not isinstance(w, dict):
        p.append(f"{source}: weights 应为表 / must be a table")
        w = {}
    for k, v in w.items():
        if k not in WEIGHT_KEYS:
            p.append(f"{source}: 未知权重 weights.{k} / unknown weight weights.{k}")
            continue
        weights[k] = num(f"weights.{k}", v, nonneg=k == "change_penalty")
    pref = d.get("preference", {}) if isinstance(d.get("preference", {}), dict) else {}
    by_rank_raw = pref.get("by_rank", [])
    if not isinstance(by_rank_raw, list):
        p.append(f"{source}: preference.by_rank 应为数字列表 / must be a list of numbers")
        by_rank_raw = []
    by_rank = tuple(num(f"preference.by_rank[{i}]", v) for i, v in enumerate(by_rank_raw))
    kind_raw = pref.get("kind", {})
    kind_factor = {}
    for k, v in (kind_raw.items() if isinstance(kind_raw, dict) else []):
        if k not in PREF_KINDS:
            p.append(f"{source}: 未知意向类型 preference.kind.{k} / unknown preference kind {k}")
            continue
        kind_factor[k] = num(f"preference.kind.{k}", v)
    affinity = _table(d, "affinity", num, p, source)
    unit_affinity = _table(d, "unit_affinity", num, p, source)
    aliases = _aliases(d.get("aliases", {}), p, source)
    cb = d.get("change_budget", -1)
    if isinstance(cb, int) and not isinstance(cb, bool) and cb == -1:
        cb = None
    if p:
        raise ConfigError(p)
    cfg = MatchConfig(
        objective=d.get("objective", "total"), priority=d.get("priority", "hard"),
        own_unit=d.get("own_unit", "neutral"), change_budget=cb,
        time_limit_s=d.get("time_limit_s", 60.0), seed=d.get("seed", 0), workers=d.get("workers", 2),
        weights=weights, by_rank=by_rank, kind_factor=kind_factor, affinity=affinity,
        unit_affinity=unit_affinity, aliases=aliases)
    cfg.validate()
    return cfg


def merge_user(base: dict, user: dict) -> dict:
    """The user's dict over the defaults; a table in WHOLE_TABLES replaces the default one whole."""
    base = {k: v for k, v in base.items() if k not in WHOLE_TABLES or k not in user}
    return _merge(base, user)


def _num_text(f: Fraction) -> str:
    """Exact text: an integer, a terminating decimal, or n/d (all read back exactly by _frac)."""
    if f.denominator == 1:
        return str(f.numerator)
    d = f.denominator
    for p in (2, 5):
        while d % p == 0:
            d //= p
    if d != 1:
        return f"{f.numerator}/{f.denominator}"
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        return str(decimal.Decimal(f.numerator) / decimal.Decimal(f.denominator))


def config_to_dict(cfg: MatchConfig) -> dict:
    """A config as plain data (numbers as exact text) that config_from_dict reads back unchanged."""
    def tab(t):
        return {k: {tag: _num_text(v) for tag, v in row.items()} for k, row in t.items()}
    return {"objective": cfg.objective, "priority": cfg.priority, "own_unit": cfg.own_unit,
            "change_budget": -1 if cfg.change_budget is None else cfg.change_budget,
            "time_limit_s": cfg.time_limit_s, "seed": cfg.seed, "workers": cfg.workers,
            "weights": {k: _num_text(v) for k, v in cfg.weights.items()},
            "preference": {"by_rank": [_num_text(v) for v in cfg.by_rank],
                           "kind": {k: _num_text(v) for k, v in cfg.kind_factor.items()}},
            "affinity": tab(cfg.affinity), "unit_affinity": tab(cfg.unit_affinity),
            "aliases": dict(cfg.aliases)}


def default_dict() -> dict:
    with open(DEFAULT_PATH, "rb") as f:
        return tomllib.load(f)


def config_from_dict(user: dict, source: str = "fit model") -> MatchConfig:
    """A stored fit model (a dict shaped like the TOML file) merged over the defaults."""
    return _from_dict(merge_user(default_dict(), user), source)


def load_config(path: str | Path | None = None) -> MatchConfig:
    """Defaults from default_config.toml, with the user's TOML file (if any) merged over them."""
    with open(DEFAULT_PATH, "rb") as f:
        base = tomllib.load(f)
    source = "default_config.toml"
    if path is not None:
        source = str(path)
        try:
            with open(path, "rb") as f:
                user = tomllib.load(f)
        except FileNotFoundError:
            raise ConfigError([f"{path}: 文件不存在 / file not found"]) from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError([f"{path}: TOML 格式错误 / invalid TOML: {e}"]) from None
        base = merge_user(base, user)
    return _from_dict(base, source)
