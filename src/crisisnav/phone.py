"""Phone numbers in one shape: US numbers shown as 541-682-1001 / 1-800-273-8255 and written
for machines as E.164 (+15416821001); short codes (988, 741741) as their digits. Anything else
is left exactly as the dataset has it. Pure."""

from __future__ import annotations

import re

_PHONE_CHARS = re.compile(r"[\d\s().+\-]+")


def _digits(value: str) -> str | None:
    if not _PHONE_CHARS.fullmatch(value.strip() or "x"):
        return None
    return "".join(ch for ch in value if ch.isdigit())


def display(value: str) -> str:
    """ "(541) 682-1001" -> "541-682-1001", "18002738255" -> "1-800-273-8255"; else unchanged."""
    d = _digits(value)
    if d is None:
        return value
    if len(d) == 10:
        return f"{d[:3]}-{d[3:6]}-{d[6:]}"
    if len(d) == 11 and d.startswith("1"):
        return f"1-{d[1:4]}-{d[4:7]}-{d[7:]}"
    if 3 <= len(d) <= 6:
        return d
    return value


def e164(value: str) -> str | None:
    """ "+15416821001" for a US number, the digits for a short code, None for anything else."""
    d = _digits(value)
    if d is None:
        return None
    if len(d) == 10:
        return "+1" + d
    if len(d) == 11 and d.startswith("1"):
        return "+" + d
    if 3 <= len(d) <= 6:
        return d
    return None
