"""PLACEHOLDER until its issue lands."""

from __future__ import annotations

from crisisnav.commands._common import guarded


@guarded
def sheet_cmd() -> None:
    """Placeholder."""
    raise NotImplementedError
