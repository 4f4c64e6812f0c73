"""Terminal output with Rich: the same layout as plain text, with colour as emphasis only
(every meaning is also in words). Dataset text only ever enters Rich as rich.text.Text,
never as markup; Rich is imported here, inside the function, so other formats never pay it."""

from __future__ import annotations

from crisisnav.models import LookupResult
from crisisnav.render.common import layout

STYLES = {
    "place": "bold",
    "section": "bold cyan",
    "rank": "bold",
    "name": "bold",
    "dim": "dim",
    "label": "italic",
    "warn": "bold yellow",
    "note": "yellow",
    "stale": "bold yellow",
    "open": "green",
    "closed": "yellow",
    "contact": "",
    "police-none": "green",
    "police-possible": "yellow",
    "police-co-responder": "bold magenta",
    "police-police": "bold red",
    "dispatch-911": "bold red",
}


def render(
    result: LookupResult,
    *,
    color: bool = True,
    width: int = 80,
    explain: bool = False,
    details: bool = False,
) -> str:
    import io

    from rich.console import Console
    from rich.padding import Padding
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    buf = io.StringIO()
    console = Console(
        file=buf,
        width=max(40, width),
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
        legacy_windows=False,
    )
    for line in layout(result, explain=explain, details=details):
        if line.kind == "blank":
            console.print()
            continue
        text = Text(no_wrap=False, overflow="fold")
        for chunk, role in line.spans:
            style = STYLES.get(role or "", "") if color else ""
            text.append(chunk, style=style or None)
        if line.kind == "notice" and len(line.spans) == 2:
            # "! ENDED:" in its own column, so the notice text wraps with a hanging indent.
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
            (label, label_role), (body, body_role) = line.spans
            grid.add_row(
                Text(
                    label.rstrip(), style=(STYLES.get(label_role or "", "") if color else "") or ""
                ),
                Text(body, style=(STYLES.get(body_role or "", "") if color else "") or ""),
            )
            console.print(grid)
        elif line.kind == "entry" and len(line.spans) > 1:
            # "1." in its own column, so a long name wraps with a hanging indent under itself.
            grid = Table.grid(padding=(0, 0))
            grid.add_column(no_wrap=True)
            grid.add_column(ratio=1, overflow="fold")
            rank_text, rank_role = line.spans[0]
            rest = Text(overflow="fold")
            for chunk, role in line.spans[1:]:
                style = STYLES.get(role or "", "") if color else ""
                rest.append(chunk, style=style or None)
            grid.add_row(
                Text(rank_text, style=(STYLES.get(rank_role or "", "") if color else "") or ""),
                rest,
            )
            console.print(grid)
        elif line.kind == "section":
            console.print(Rule(text, align="left", style="cyan" if color else ""))
        elif line.indent:
            console.print(Padding(text, (0, 0, 0, line.indent), expand=False))
        else:
            console.print(text)
    return "\n".join(x.rstrip(" ") for x in buf.getvalue().split("\n"))
