"""Solve parameters of a round or a scenario (objective, priority mode, own-unit rule, change
budget, time limit, seed, weights) and the engine configuration they make. No Streamlit here."""
from __future__ import annotations

from fractions import Fraction
from typing import Any

from matching import ConfigError, MatchConfig, load_config
from matching.config import config_from_dict, config_to_dict

DEFAULT_TIME_LIMIT_S = 30.0
FIT_TABLES = ("preference", "affinity", "unit_affinity", "aliases")


def default_params() -> dict[str, Any]:
    """Defaults from the school's fit model in force (services.fit_model); its tables are kept in the
    parameters ("fit_model"), so a round solves the same way after the model changes."""
    from services.fit_model import model_in_force
    version, cfg = model_in_force()
    tables = {k: v for k, v in config_to_dict(cfg).items() if k in FIT_TABLES}
    return {"objective": cfg.objective, "priority": cfg.priority, "own_unit": cfg.own_unit,
            "change_budget": cfg.change_budget, "time_limit_s": DEFAULT_TIME_LIMIT_S, "seed": cfg.seed,
            "weights": {k: float(v) for k, v in cfg.weights.items()}, "use_previous": True,
            "fit_model": {"version": version, **tables}}


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
    """The engine configuration of a round's parameters (defaults for what is not given; the fit
    tables from the parameters' "fit_model" snapshot when there is one)."""
    model = params.get("fit_model") or {}
    tables = {k: v for k, v in model.items() if k in FIT_TABLES}
    cfg = config_from_dict(tables, "fit model") if tables else load_config(None)
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
