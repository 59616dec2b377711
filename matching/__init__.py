"""Yixian matching engine: exact, explainable, diagnosable cadre → class assignment (人岗相宜)."""
from .api import ASSIGNMENT_COLS, MatchResult, solve
from .config import ConfigError, MatchConfig, load_config
from .diagnosis import Conflict
from .model import InputError, MatchingInput

__all__ = [
           "ASSIGNMENT_COLS",
           "ConfigError",
           "Conflict",
           "InputError",
           "MatchConfig",
           "MatchResult",
           "MatchingInput",
           "load_config",
           "solve",
]
