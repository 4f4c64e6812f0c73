"""PLACEHOLDER until its issue lands."""

from __future__ import annotations

from crisisnav.commands._common import guarded


@guarded
def coverage_cmd() -> None:
    """Placeholder."""
    raise NotImplementedError


@guarded
def stale_cmd() -> None:
    """Placeholder."""
    raise NotImplementedError
