"""Yixian matching engine: exact, explainable, diagnosable cadre → class assignment (人岗相宜)."""
from .api import ASSIGNMENT_COLS, BrokenRules, MatchResult, broken_rules, given, solve
from .config import ConfigError, MatchConfig, load_config
from .diagnosis import Conflict
from .model import InputError, MatchingInput

__all__ = [
           "ASSIGNMENT_COLS",
           "BrokenRules",
           "ConfigError",
           "Conflict",
           "InputError",
           "MatchConfig",
           "MatchResult",
           "MatchingInput",
           "broken_rules",
           "given",
           "load_config",
           "solve",
]
