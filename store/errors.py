"""Errors the store raises on purpose: each carries a Chinese and an English message."""
from __future__ import annotations

from common.errors import YixianError


class StoreError(YixianError):
    """A refused write or a missing object. `str()` is Chinese first, then English."""


class NotFound(StoreError):
    pass


class ReferenceConflict(StoreError):
    """A write would leave a reference to an id that no longer exists (or never did)."""


class InvalidState(StoreError):
    """E.g. publishing a round that is not a draft."""


class InvalidData(StoreError):
    """A DataFrame that cannot be stored as given (duplicate id, missing column...)."""
