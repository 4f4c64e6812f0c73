"""`crisisnav places QUERY`: how a query resolves to a US place (status, place, candidates).

Kept light at start-up: rich is imported only when printing to a terminal, and the resolver's
warm path imports neither zipcodes, yaml nor rapidfuzz.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from crisisnav import errors
from crisisnav.commands._common import ColorOpt, eprint, guarded, use_color
from crisisnav.render.formats import PLACES

FORMATS = PLACES.names
BATCH_CHUNK = 2000  # lines resolved together: bounded memory, order kept
EXIT_FOR_STATUS = {"ok": errors.EXIT_OK, "not_found": errors.EXIT_NOT_FOUND, "ambiguous": errors.EXIT_AMBIGUOUS}


@guarded
def places_cmd(
    query: Annotated[
        str | None,
        typer.Argument(help='A US city, county, ZIP code or state, e.g. "Eugene, OR".', show_default=False),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help=PLACES.help()),
    ] = "auto",
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            help="Resolve one query per line of FILE ('-' for standard input); one result per line, in order.",
            show_default=False,
        ),
    ] = None,
    color: ColorOpt = "auto",
) -> None:
    """Show how a query resolves: status, the place (city, counties, state, ZIPs, time zone)
    and the candidates with scores. Example: crisisnav places "eugen or".

    Exit codes: 0 found, 1 not found, 3 ambiguous (candidates printed; on a terminal you are
    asked to pick one, and picking one exits 0), 2 usage error.
    With --batch the exit code is 0 unless the run itself failed; each line's status is in its output.
    """
    fmt = PLACES.check(fmt)
    if color not in ("auto", "always", "never"):
        raise errors.UsageError(f"unknown --color {color!r}; use auto, always or never")
    if batch is not None:
        if query is not None:
            raise errors.UsageError("give either a QUERY or --batch FILE, not both")
        _run_batch(batch, fmt)
        return
    if query is None:
        raise errors.UsageError('missing QUERY: e.g. crisisnav places "Eugene, OR"', hint="or --batch FILE")
    from crisisnav.flow import with_suggestions
    from crisisnav.resolve import resolve

    resolution = with_suggestions(resolve(query))  # not found: the closest names, as lookup gives
    if fmt in ("json", "jsonl"):
        from crisisnav.render.jsonfmt import dumps

        sys.stdout.write(dumps(_to_json(resolution), pretty=fmt == "json") + "\n")
    elif fmt == "auto" and use_color(color):
        _print_rich(resolution, color)
    else:
        sys.stdout.write(render_plain(resolution))
    sys.stdout.flush()
    if resolution.status == "ambiguous" and fmt == "auto" and _interactive():
        chosen = _ask(resolution)
        if chosen is not None:
            from crisisnav.models import Resolution

            resolution = Resolution(query=resolution.query, status="ok", place=chosen)
            sys.stdout.write(render_plain(resolution))
            sys.stdout.flush()
    if resolution.message and resolution.status != "ok" and fmt in ("json", "jsonl"):
        eprint(f"crisisnav: {resolution.message}")
    raise typer.Exit(EXIT_FOR_STATUS[resolution.status])


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _ask(resolution: Any) -> Any:
    """On a terminal, let the person pick one of the candidates already printed (by number, or by
    a state code or name, which re-resolves the query in that state); None when they do not."""
    from crisisnav.interactive import ask_pick

    return ask_pick(resolution, listed=True)


def _to_json(resolution: Any) -> dict[str, Any]:
    from crisisnav.render.jsonfmt import resolution_to_json

    out = resolution_to_json(resolution)
    out["message"] = resolution.message  # beside the contract's keys, never instead of them
    return out


# ----- batch ------------------------------------------------------------------------------


def _run_batch(source: str, fmt: str) -> None:
    """One result per query line, read by fileio.batch_queries (the batch policy every command
    shares), resolved BATCH_CHUNK lines at a time: bounded memory, order kept."""
    from crisisnav.fileio import BatchLine, batch_queries
    from crisisnav.models import Resolution
    from crisisnav.render.jsonfmt import dumps
    from crisisnav.resolve import resolve_many

    out = sys.stdout
    as_array = fmt == "json"
    first = True

    def flush(lines: list[BatchLine]) -> None:
        nonlocal first
        good = iter(resolve_many([ln.text for ln in lines if ln.problem is None]))
        for ln in lines:
            if ln.problem is None:
                res = next(good)
            elif ln.problem == "not-utf8":
                res = Resolution(query=ln.text[:300], status="not_found", message="line is not valid UTF-8")
            else:
                res = Resolution(query=ln.text[:300], status="not_found",
                                 message="this line is not a place name (too long or binary)")  # fmt: skip
            if fmt == "plain":
                place = res.place.label() if res.place else ""
                cands = "; ".join(c.label() for c in res.candidates[:5]) if res.status == "ambiguous" else ""
                out.write(f"{_one_line(res.query)}\t{res.status}\t{place or cands}\n")
            else:
                text = dumps(_to_json(res), pretty=False)
                if as_array:
                    out.write(("\n" if first else ",\n") + text)
                else:
                    out.write(text + "\n")
            first = False
        out.flush()

    if as_array:
        out.write("[")
    chunk: list[BatchLine] = []
    for line in batch_queries(source):
        chunk.append(line)
        if len(chunk) >= BATCH_CHUNK:
            flush(chunk)
            chunk = []
    if chunk:
        flush(chunk)
    if as_array:
        out.write("\n]\n" if not first else "]\n")
    out.flush()


def _one_line(text: str) -> str:
    """Query or place text for one line of output: the same inert form lookup prints."""
    from crisisnav.render.safe import inert

    return inert(text[:200])


def _echo(text: str) -> str:
    """A query for a human-readable message: one line, at most 60 characters."""
    from crisisnav.render.echo import shorten

    return shorten(_one_line(text))


def _choose_hint(resolution: Any) -> str:
    """'Add a state to choose, e.g. "Portland, OR".', naming the first candidate."""
    first = resolution.candidates[0] if resolution.candidates else None
    if first is None:
        return "Add a state to choose."
    if first.kind == "zip" and first.zip:
        example = first.zip
    elif first.kind == "state":
        example = first.state
    else:
        example = f"{_one_line(first.name)}, {first.state}"
    return f'Add a state to choose, e.g. "{example}".'


def _more_line(resolution: Any) -> str | None:
    from crisisnav.interactive import more_line

    line: str | None = more_line(resolution)
    return line


# ----- plain and Rich output ----------------------------------------------------------------


def _describe(place: Any) -> list[tuple[str, str]]:
    from crisisnav.normalize import ALL_STATES

    rows = [("place", f"{place.label()} ({place.kind})")]
    if place.kind == "zip":
        rows.append(("city", f"{place.city}"))
    if place.kind in ("neighborhood", "borough") and place.city:
        rows.append(("city", f"{place.city} (a {place.kind} of it: its programs apply)"))
    if place.counties:
        label = "county" if len(place.counties) == 1 else "counties"
        rows.append((label, ", ".join(place.counties)))
    rows.append(("state", f"{ALL_STATES.get(place.state, place.state)} ({place.state})"))
    if place.kind != "zip":
        rows.append(("ZIP codes", str(place.zips)))
    if getattr(place, "population", 0):
        rows.append(("people", f"{place.population:,} (GeoNames)"))
    rows.append(("time zone", place.timezone or "unknown"))
    rows.append(("score", f"{place.score:.0f}"))
    return rows


def _candidate_line(i: int, place: Any) -> str:
    return f"{i:>2}. {place.label()} ({place.kind}, {place.zips} ZIP{'s' if place.zips != 1 else ''}) score {place.score:.0f}"


def render_plain(resolution: Any) -> str:
    """The plain-text report (also what tests read)."""
    query = _echo(resolution.query)
    lines = [f"query: {query}", f"status: {resolution.status}"]
    if resolution.message:
        lines.append(f"note: {resolution.message}")
    if resolution.place is not None:
        lines += [f"{k}: {v}" for k, v in _describe(resolution.place)]
    if resolution.candidates:
        title = {"ambiguous": "candidates", "not_found": "closest names"}.get(resolution.status, "also")
        lines.append(f"{title}:")
        lines += ["  " + _candidate_line(i, c) for i, c in enumerate(resolution.candidates, 1)]
    if resolution.status == "ambiguous":
        more = _more_line(resolution)
        if more:
            lines.append(f"  {more}")
        lines.append(_choose_hint(resolution))
    return "\n".join(lines) + "\n"


def _print_rich(resolution: Any, color: str) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(force_terminal=color == "always" or None, highlight=False)
    style = {"ok": "bold green", "ambiguous": "bold yellow", "not_found": "bold red"}[resolution.status]
    head = Text()
    head.append(_echo(resolution.query), style="bold")
    head.append("  ")
    head.append(resolution.status, style=style)
    console.print(head)
    if resolution.message:
        console.print(Text(resolution.message, style="italic"))
    if resolution.place is not None:
        for key, value in _describe(resolution.place):
            row = Text()
            row.append(f"{key:>10}  ", style="dim")
            row.append(value, style="bold" if key == "place" else "")
            console.print(row)
    if resolution.candidates:
        title = {"ambiguous": "candidates", "not_found": "closest names"}.get(resolution.status, "also")
        console.print(Text(f"{title}:", style="dim"))
        for i, c in enumerate(resolution.candidates, 1):
            console.print(Text("  " + _candidate_line(i, c)))
    if resolution.status == "ambiguous":
        more = _more_line(resolution)
        if more:
            console.print(Text(f"  {more}", style="dim"))
        console.print(Text(_choose_hint(resolution), style="dim"))
