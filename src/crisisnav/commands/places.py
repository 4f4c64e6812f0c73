"""`crisisnav places QUERY`: how a query resolves to a US place (status, place, candidates).

Kept light at start-up: rich is imported only when printing to a terminal, and the resolver's
warm path imports neither zipcodes, yaml nor rapidfuzz.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from crisisnav import errors
from crisisnav.commands._common import ColorOpt, LangOpt, eprint, guarded, use_color, use_lang
from crisisnav.i18n import N_, _, ngettext
from crisisnav.render.formats import PLACES
from crisisnav.render.words import resolution_message

FORMATS = PLACES.names
BATCH_CHUNK = 2000  # lines resolved together: bounded memory, order kept
EXIT_FOR_STATUS = {
    "ok": errors.EXIT_OK,
    "not_found": errors.EXIT_NOT_FOUND,
    "ambiguous": errors.EXIT_AMBIGUOUS,
}


@guarded
def places_cmd(
    query: Annotated[
        str | None,
        typer.Argument(
            help='A US city, county, ZIP code or state, e.g. "Eugene, OR".', show_default=False
        ),
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
    lang: LangOpt = None,
) -> None:
    """Show how a query resolves: status, the place (city, counties, state, ZIPs, time zone)
    and the candidates with scores. Example: crisisnav places "eugen or".

    Exit codes: 0 found, 1 not found, 3 ambiguous (candidates printed; on a terminal you are
    asked to pick one, and picking one exits 0), 2 usage error.
    With --batch the exit code is 0 unless the run itself failed; each line's status is in its output.
    """
    use_lang(lang)
    fmt = PLACES.check(fmt)
    if color not in ("auto", "always", "never"):
        raise errors.UsageError(
            _("--color: {value} is not one of auto, always, never").format(value=repr(color))
        )
    if batch is not None:
        if query is not None:
            raise errors.UsageError(_("give either a QUERY or --batch FILE, not both"))
        _run_batch(batch, fmt)
        return
    if query is None:
        raise errors.UsageError(
            _('missing QUERY: e.g. crisisnav places "Eugene, OR"'), hint=_("or --batch FILE")
        )
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
        eprint(f"crisisnav: {resolution_message(resolution.message)}")
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
    # beside the contract's keys, never instead of them; in the language chosen with --lang
    out["message"] = resolution_message(resolution.message) if resolution.message else None
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
                res = Resolution(
                    query=ln.text[:300], status="not_found", message="line is not valid UTF-8"
                )
            else:
                res = Resolution(query=ln.text[:300], status="not_found",
                                 message="this line is not a place name (too long or binary)")  # fmt: skip
            if fmt == "plain":
                place = res.place.label() if res.place else ""
                cands = (
                    "; ".join(c.label() for c in res.candidates[:5])
                    if res.status == "ambiguous"
                    else ""
                )
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
        return _("Add a state to choose.")
    if first.kind == "zip" and first.zip:
        example = first.zip
    elif first.kind == "state":
        example = first.state
    else:
        example = f"{_one_line(first.name)}, {first.state}"
    return _('Add a state to choose, e.g. "{example}".').format(example=example)


def _more_line(resolution: Any) -> str | None:
    from crisisnav.interactive import more_line

    line: str | None = more_line(resolution)
    return line


# ----- plain and Rich output ----------------------------------------------------------------

STATUS_WORDS = {"ok": N_("ok"), "ambiguous": N_("ambiguous"), "not_found": N_("not_found")}
PLACE_KINDS = {
    "zip": N_("zip"),
    "city": N_("city"),
    "county": N_("county"),
    "state": N_("state"),
    "neighborhood": N_("neighborhood"),
    "borough": N_("borough"),
}
CANDIDATE_TITLES = {"ambiguous": N_("candidates"), "not_found": N_("closest names")}


def _status(status: str) -> str:
    """The status in words (English keeps the contract's value: ok, ambiguous, not_found)."""
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def _kind(kind: str) -> str:
    return _(PLACE_KINDS[kind]) if kind in PLACE_KINDS else kind


def _describe(place: Any) -> list[tuple[str, str]]:
    from crisisnav.normalize import ALL_STATES

    rows = [(_("place"), f"{place.label()} ({_kind(place.kind)})")]
    if place.kind == "zip":
        rows.append((_("city"), f"{place.city}"))
    if place.kind in ("neighborhood", "borough") and place.city:
        rows.append(
            (
                _("city"),
                _("{city} (a {kind} of it: its programs apply)").format(
                    city=place.city, kind=_kind(place.kind)
                ),
            )
        )
    if place.counties:
        label = ngettext("county", "counties", len(place.counties))
        rows.append((label, ", ".join(place.counties)))
    rows.append((_("state"), f"{ALL_STATES.get(place.state, place.state)} ({place.state})"))
    if place.kind != "zip":
        rows.append((_("ZIP codes"), str(place.zips)))
    if getattr(place, "population", 0):
        rows.append((_("people"), _("{n} (GeoNames)").format(n=f"{place.population:,}")))
    rows.append((_("time zone"), place.timezone or _("unknown")))
    rows.append((_("score"), f"{place.score:.0f}"))
    return rows


def _candidate_line(i: int, place: Any) -> str:
    zips = ngettext("{n} ZIP", "{n} ZIPs", place.zips).format(n=place.zips)
    return _("{i}. {place} ({kind}, {zips}) score {score}").format(
        i=f"{i:>2}",
        place=place.label(),
        kind=_kind(place.kind),
        zips=zips,
        score=f"{place.score:.0f}",
    )


def render_plain(resolution: Any) -> str:
    """The plain-text report (also what tests read)."""
    query = _echo(resolution.query)
    lines = [
        _("query: {query}").format(query=query),
        _("status: {status}").format(status=_status(resolution.status)),
    ]
    if resolution.message:
        lines.append(_("note: {note}").format(note=resolution_message(resolution.message)))
    if resolution.place is not None:
        lines += [f"{k}: {v}" for k, v in _describe(resolution.place)]
    if resolution.candidates:
        title = _(CANDIDATE_TITLES.get(resolution.status, N_("also")))
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
    style = {"ok": "bold green", "ambiguous": "bold yellow", "not_found": "bold red"}[
        resolution.status
    ]
    head = Text()
    head.append(_echo(resolution.query), style="bold")
    head.append("  ")
    head.append(_status(resolution.status), style=style)
    console.print(head)
    if resolution.message:
        console.print(Text(resolution_message(resolution.message), style="italic"))
    if resolution.place is not None:
        for i, (key, value) in enumerate(_describe(resolution.place)):
            row = Text()
            row.append(f"{key:>10}  ", style="dim")
            row.append(value, style="bold" if i == 0 else "")  # the place itself
            console.print(row)
    if resolution.candidates:
        title = _(CANDIDATE_TITLES.get(resolution.status, N_("also")))
        console.print(Text(f"{title}:", style="dim"))
        for i, c in enumerate(resolution.candidates, 1):
            console.print(Text("  " + _candidate_line(i, c)))
    if resolution.status == "ambiguous":
        more = _more_line(resolution)
        if more:
            console.print(Text(f"  {more}", style="dim"))
        console.print(Text(_choose_hint(resolution), style="dim"))
