"""Echoing what a person typed back in a human-readable message (and diagnostics on standard
error), kept short: a 5,000-character
query must not fill the screen. Machine formats (JSON, CSV) keep the full query."""

from __future__ import annotations

import os
import sys
from typing import Any

ECHO_LIMIT = 60  # characters of a query shown in a message


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """text unchanged when it has at most `limit` characters, else its first limit-1 and "…"."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def eprint(message: str) -> None:
    """A diagnostic line on standard error (never standard output), control characters shown
    as visible escapes (render.safe.inert, keeping the message's own newlines)."""
    from crisisnav.render.safe import inert

    try:
        sys.stderr.write(inert(message, keep_newlines=True) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def use_color(color: str, stream: Any = None) -> bool:
    """Whether to emit colour: --color always/never, else NO_COLOR, else TERM=dumb (none), else
    a terminal check."""
    if color == "always":
        return True
    if color == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):  # a terminal without colour
        return False
    stream = stream or sys.stdout
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
