"""PLACEHOLDER until its issue lands."""

from __future__ import annotations

from crisisnav.commands._common import guarded


@guarded
def places_cmd() -> None:
    """Placeholder."""
    raise NotImplementedError
