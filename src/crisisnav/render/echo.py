"""Echoing what a person typed back in a human-readable message, kept short: a 5,000-character
query must not fill the screen. Machine formats (JSON, CSV) keep the full query."""

from __future__ import annotations

ECHO_LIMIT = 60  # characters of a query shown in a message


def shorten(text: str, limit: int = ECHO_LIMIT) -> str:
    """text unchanged when it has at most `limit` characters, else its first limit-1 and "…"."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"
