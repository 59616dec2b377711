"""Solve parameters of a round or a scenario (objective, priority mode, own-unit rule, change
budget, time limit, seed, weights) and the engine configuration they make. No Streamlit here."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from matching import ConfigError, MatchConfig, load_config

DEFAULT_TIME_LIMIT_S = 30.0


def default_params() -> dict[str, Any]:
    cfg = load_config(None)
    return {"objective": cfg.objective, "priority": cfg.priority, "own_unit": cfg.own_unit,
            "change_budget": cfg.change_budget, "time_limit_s": DEFAULT_TIME_LIMIT_S, "seed": cfg.seed,
            "weights": {k: float(v) for k, v in cfg.weights.items()}, "use_previous": True}


def _weights(given: dict[str, Any], weights: dict[str, Fraction]) -> dict[str, Fraction]:
    problems = []
    out = dict(weights)
    for k, v in given.items():
        if k not in out:
            problems.append(f"weights.{k}：未知权重 / unknown weight")
            continue
        try:
            out[k] = Fraction(str(v))
        except (ValueError, ZeroDivisionError):
            problems.append(f"weights.{k} = {v!r}：应为数字 / must be a number")
    if problems:
        raise ConfigError(problems)
    return out


def make_config(params: dict[str, Any]) -> MatchConfig:
    """The engine configuration of a round's parameters (defaults for what is not given)."""
    cfg = load_config(None)
    cb = params.get("change_budget")
    changes = {"weights": _weights(params.get("weights") or {}, cfg.weights),
               "change_budget": None if cb in (None, "", -1) else int(cb)}
    for k in ("objective", "priority", "own_unit"):
        if params.get(k) is not None:
            changes[k] = params[k]
    if params.get("time_limit_s") is not None:
        changes["time_limit_s"] = float(params["time_limit_s"])
    if params.get("seed") is not None:
        changes["seed"] = int(params["seed"])
    return cfg.replace(**changes)


def is_solvable_round(info) -> bool:
    """Rounds made by a solve carry solver parameters; the imported demo round does not."""
    return "objective" in (info.parameters or {})
