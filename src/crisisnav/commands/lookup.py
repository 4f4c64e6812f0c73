"""PLACEHOLDER until the lookup work lands (issue 4)."""

from __future__ import annotations

from typing import Annotated

import typer

from crisisnav.commands._common import guarded


@guarded
def lookup_cmd(place: Annotated[str, typer.Argument(help="A US city, county, ZIP or state.")]) -> None:
    """Ranked alternatives to police for a place. Example: crisisnav lookup "Eugene, OR"."""
    raise NotImplementedError


def interactive_entry() -> None:
    raise NotImplementedError
