"""`crisisnav lookup`: ranked alternatives to police for a place.

Thin: parse options, resolve, rank (crisisnav.rank), pick a renderer, map the status to an
exit code. Everything heavy is imported inside functions, so a warm plain lookup imports
neither rich, yaml, rapidfuzz nor zipcodes.

Decisions:
- `--format auto` is Rich on a terminal (or with --color always), plain text when piped.
- A single ambiguous place: when standard input and output are both terminals, the
  candidates are listed on standard error with numbers and the user picks one; otherwise
  the candidates are printed (in the chosen format) and the exit code is 3.
- `--batch FILE|-`: one result per input line, in order, `jsonl` by default (`auto` means
  jsonl in batch mode; json gives one array; csv one header; plain/markdown blocks). Blank,
  over-long and undecodable lines get their own not_found result. Ambiguous lines are never
  asked about. The exit code is 0 unless the run itself failed (unreadable file: 4).
"""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from crisisnav import errors
from crisisnav.audience import parse_audiences
from crisisnav.commands._common import ColorOpt, DataOpt, LangOpt, eprint, guarded, use_lang
from crisisnav.completion import complete_audience, complete_place
from crisisnav.fileio import batch_queries
from crisisnav.flow import (
    Options,
    batch_resolutions,
    check_contact,
    exit_code_for,
    load_dataset,
    parse_at,
    picked,
    rank_one,
    with_suggestions,
)
from crisisnav.i18n import _
from crisisnav.render.formats import LOOKUP, effective_format, render_lookup

if TYPE_CHECKING:
    from crisisnav.models import LookupResult, Place, Resolution

MEMO_PLACES = 256  # rankings a batch keeps for places it has seen (bounded memory)


def write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@guarded
def lookup_cmd(
    place: Annotated[
        str | None,
        typer.Argument(
            help='A US city, county, ZIP or state, e.g. "Eugene, OR".',
            show_default=False,
            autocompletion=complete_place,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=LOOKUP.help(),
        ),
    ] = "auto",
    explain: Annotated[
        bool, typer.Option("--explain", help="Show why each entry sits where it does.")
    ] = False,
    details: Annotated[
        bool,
        typer.Option(
            "--details",
            help="Show everything about each entry (how to ask, notes, sources, dates); "
            "by default a compact answer that fits one screen.",
        ),
    ] = False,
    audiences: Annotated[
        list[str] | None,
        typer.Option(
            "--for",
            autocompletion=complete_audience,
            help="Give entries for this community their own section first "
            "(trans, lgbtq, youth, veterans, native, deaf, black, spanish-speaking, or another "
            "audience the dataset uses; veteran, lgbt, queer, transgender, indigenous, "
            "hard-of-hearing and spanish are understood too). lgbtq also lists entries for "
            "trans people. Repeatable.",
            show_default=False,
        ),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact",
            help="Only entries reachable this way (text, chat, phone, ...).",
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="Only entries listing this language code (es, asl, ...): who answers in it. "
            "--lang sets the language crisisnav itself writes in.",
            show_default=False,
        ),
    ] = None,
    no_911: Annotated[
        bool, typer.Option("--no-911", help="Hide entries reached only through 911.")
    ] = False,
    open_now: Annotated[
        bool, typer.Option("--open-now", help="Hide entries known to be closed now.")
    ] = False,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help='Evaluate hours at this local time, e.g. "2026-12-01 03:00".',
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", min=0, help="Show at most N entries.", show_default=False),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            help="One query per line from FILE (- for standard input).",
            show_default=False,
        ),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", help="Prompt for one place after another.")
    ] = False,
    data: DataOpt = None,
    color: ColorOpt = "auto",
    lang: LangOpt = None,
) -> None:
    """Ranked alternatives to police for a place. Example: crisisnav lookup "Eugene, OR"."""
    use_lang(lang)
    fmt = LOOKUP.check(fmt)
    check_contact(contact)
    if color not in ("auto", "always", "never"):
        raise errors.UsageError(
            _("--color: {value} is not one of auto, always, never").format(value=repr(color))
        )
    options = Options(
        fmt=fmt,
        explain=explain,
        details=details,
        audiences=parse_audiences(audiences),
        contact=contact,
        language=language.strip().lower() if language else None,
        no_911=no_911,
        open_now=open_now,
        at=parse_at(at),
        limit=limit,
        color=color,
        data=data,
    )
    given = sum(x for x in (place is not None, batch is not None, interactive))
    if given > 1:
        raise errors.UsageError(_("give a PLACE, --batch FILE or --interactive, not more than one"))
    if interactive:
        from crisisnav import interactive as interactive_mod

        raise typer.Exit(interactive_mod.run(options))
    if batch is not None:
        run_batch(batch, options)
        raise typer.Exit(errors.EXIT_OK)
    if place is None:
        raise errors.UsageError(
            _("give a place to look up"),
            hint=_('e.g. crisisnav lookup "Eugene, OR" (or -i to be asked)'),
        )
    raise typer.Exit(lookup_one(place, options))


def lookup_one(query: str, options: Options) -> int:
    from crisisnav.interactive import ask_pick, can_ask
    from crisisnav.resolve import resolve  # type: ignore[import-not-found,unused-ignore]

    resolution: Resolution = with_suggestions(resolve(query))
    fmt = effective_format(options.fmt, options.color)
    if resolution.status == "ambiguous" and resolution.candidates and can_ask():
        choice = ask_pick(resolution)
        if choice is not None:
            resolution = picked(resolution, choice)
        elif fmt in ("terminal", "plain", "markdown"):
            # The numbered list is already on the screen: do not print it twice.
            from crisisnav.render.common import place_query

            eprint(
                _('No place picked. Add a state, e.g.: crisisnav lookup "{query}"').format(
                    query=place_query(resolution.candidates[0])
                )
            )
            return errors.EXIT_AMBIGUOUS
    ds = load_dataset(options, resolution.place if resolution.status == "ok" else None)
    result = rank_one(ds, resolution, options)
    write(render_lookup(result, options, fmt))
    return exit_code_for(result)


def run_batch(source: str, options: Options) -> None:
    from datetime import timezone

    ds = load_dataset(options)
    fmt = "jsonl" if options.fmt == "auto" else options.fmt
    # One evaluation time for the whole run, so lines naming the same place share one ranking.
    opts = options.with_at(options.at or datetime.now(timezone.utc))
    # The last MEMO_PLACES places ranked (least recently used dropped first): a batch that
    # repeats places reuses their ranking and JSON; one of 20,000 distinct ZIPs stays small.
    from collections import OrderedDict

    memo: OrderedDict[Place, LookupResult] = OrderedDict()
    tails: dict[Place, str] = {}  # the serialised "resources"/"notices" part, per memo place

    def one(res: Resolution) -> LookupResult:
        res = with_suggestions(res)
        if res.status != "ok" or res.place is None:
            return rank_one(ds, res, opts)
        hit = memo.get(res.place)
        if hit is None:
            while len(memo) >= MEMO_PLACES:
                old, _result = memo.popitem(last=False)
                tails.pop(old, None)
            hit = memo[res.place] = rank_one(ds, res, opts)
        else:
            memo.move_to_end(res.place)
        return replace(hit, resolution=res)

    def json_line(result: LookupResult) -> str:
        """Exactly jsonfmt.dumps(result_to_json(result), pretty=False), reusing the resources,
        notices and evaluated_at text of an earlier line for the same place (most of the bytes)."""
        from crisisnav.render import jsonfmt

        place = result.resolution.place
        if result.resolution.status != "ok" or place is None or place not in memo:
            return jsonfmt.dumps(jsonfmt.result_to_json(result), pretty=False)
        tail = tails.get(place)
        if tail is None:
            full = jsonfmt.result_to_json(result)
            tail = tails[place] = jsonfmt.dumps(
                {k: full[k] for k in ("resources", "notices", "evaluated_at")}, pretty=False
            )[1:-1]
        head = jsonfmt.resolution_to_json(result.resolution)
        del head["resources"], head["notices"]
        return jsonfmt.dumps(head, pretty=False)[:-1] + ", " + tail + "}"

    results = (one(res) for res in batch_resolutions(batch_queries(source)))
    out = sys.stdout
    if fmt == "json":
        out.write("[")
        for i, result in enumerate(results):
            out.write(("," if i else "") + "\n" + json_line(result))
        out.write("\n]\n")
    elif fmt == "jsonl":
        for result in results:
            out.write(json_line(result) + "\n")
    elif fmt == "csv":
        from crisisnav.render import csvfmt

        out.write(csvfmt.render_many([], header=True))
        for result in results:
            out.write(csvfmt.render(result, header=False))
    else:
        sep = {"plain": "\n", "markdown": "\n---\n\n"}.get(fmt, "")
        for i, result in enumerate(results):
            out.write((sep if i else "") + render_lookup(result, options, fmt))
    out.flush()


@guarded
def interactive_entry() -> None:
    """`crisisnav` with no arguments on a terminal: the interactive loop with default options."""
    from crisisnav import interactive as interactive_mod

    use_lang(None)  # CRISISNAV_LANG, else English
    raise typer.Exit(interactive_mod.run(Options()))
