"""Plain text: no ANSI codes, no box drawing, one logical line per field (used when piped)."""

from __future__ import annotations

from crisisnav.models import LookupResult
from crisisnav.render.common import layout


def render(result: LookupResult, *, explain: bool = False, details: bool = False) -> str:
    out: list[str] = []
    for line in layout(result, explain=explain, details=details):
        if line.kind == "blank":
            if out and out[-1] != "":
                out.append("")
            continue
        text = "".join(t for t, _ in line.spans)
        if line.kind == "section":
            text = f"== {text} =="
        out.append(" " * line.indent + text)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
