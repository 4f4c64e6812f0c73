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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated

import typer

from crisisnav import errors
from crisisnav.commands._common import ColorOpt, DataOpt, data_path, eprint, guarded, use_color
from crisisnav.completion import complete_audience, complete_place
from crisisnav.fileio import batch_lines
from crisisnav.render.echo import shorten

if TYPE_CHECKING:
    from crisisnav.models import Dataset, LookupResult, Place, Resolution

FORMATS = ("auto", "plain", "json", "jsonl", "csv", "markdown")
MAX_QUERY = 300  # characters; longer batch lines are not places
BATCH_CHUNK = 512


class Options:
    """Everything that shapes one lookup, shared by the command, batch and interactive mode.
    (A plain class: building a dataclass at import time costs start-up time.)"""

    def __init__(
        self,
        fmt: str = "auto",
        explain: bool = False,
        audiences: tuple[str, ...] = (),
        contact: str | None = None,
        language: str | None = None,
        no_911: bool = False,
        open_now: bool = False,
        at: datetime | None = None,
        limit: int | None = None,
        color: str = "auto",
        data: Path | None = None,
    ) -> None:
        self.fmt = fmt
        self.explain = explain
        self.audiences = audiences
        self.contact = contact
        self.language = language
        self.no_911 = no_911
        self.open_now = open_now
        self.at = at
        self.limit = limit
        self.color = color
        self.data = data

    def with_at(self, at: datetime | None) -> Options:
        import copy

        out = copy.copy(self)
        out.at = at
        return out


def parse_at(text: str | None) -> datetime | None:
    """--at "2026-12-01 03:00" (wall-clock time at the place) or any ISO 8601 date-time."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise errors.UsageError(
            f'--at: cannot read "{shorten(text)}" as a date and time',
            hint='write it like --at "2026-12-01 03:00" (local time at the place)',
        ) from None
    if not AT_YEARS[0] <= when.year <= AT_YEARS[1]:
        # hours, time zones and "stale" arithmetic need a year with room on both sides
        raise errors.UsageError(f"--at: give a year from {AT_YEARS[0]} to {AT_YEARS[1]}")
    return when


AT_YEARS = (1971, 2100)


def check_contact(contact: str | None) -> None:
    """Usage error (exit 2) for a --contact that is not a contact type of the dataset format."""
    from crisisnav.models import CONTACT_TYPES

    if contact is not None and contact not in CONTACT_TYPES:
        raise errors.UsageError(f"--contact: {contact!r} is not one of {', '.join(CONTACT_TYPES)}")


# Words people type for an audience -> the dataset's audience word.
AUDIENCE_SYNONYMS = {
    "veteran": "veterans",
    "vets": "veterans",
    "vet": "veterans",
    "lgbt": "lgbtq",
    "lgbtq+": "lgbtq",
    "lgbtqia": "lgbtq",
    "lgbtqia+": "lgbtq",
    "lgbtqi": "lgbtq",
    "queer": "lgbtq",
    "gay": "lgbtq",
    "transgender": "trans",
    "trans+": "trans",
    "indigenous": "native",
    "native-american": "native",
    "hard-of-hearing": "deaf",
    "hoh": "deaf",
    "spanish": "spanish-speaking",
    "youths": "youth",
    "young": "youth",
}


def parse_audiences(values: Iterable[str] | None) -> tuple[str, ...]:
    """--for words, comma-separated or repeated, lower-cased and mapped through the synonyms.
    Which words are known depends on the dataset: see check_audiences."""
    from crisisnav.rank import BASE_SECTIONS

    out: list[str] = []
    for raw in values or ():
        for part in raw.split(","):
            a = "-".join(part.strip().lower().split())
            if not a:
                continue
            a = AUDIENCE_SYNONYMS.get(a, a)
            if (
                not all(ch.isascii() and (ch.isalnum() or ch == "-") for ch in a)
                or a in BASE_SECTIONS
            ):
                raise errors.UsageError(
                    f'--for: "{shorten(part.strip())}" is not an audience word',
                    hint="use words like trans, lgbtq, youth, veterans, native, deaf",
                )
            if a not in out:
                out.append(a)
    return tuple(out)


def known_audiences(ds: Dataset) -> tuple[str, ...]:
    from crisisnav.models import AUDIENCES

    extra = sorted({a for r in ds.resources for a in r.audiences} - set(AUDIENCES))
    return (*AUDIENCES, *extra)


def check_audiences(audiences: Iterable[str], ds: Dataset) -> None:
    """Usage error (exit 2), with a did-you-mean, for a --for word that no entry could match."""
    known = known_audiences(ds)
    for a in audiences:
        if a in known:
            continue
        from difflib import get_close_matches

        close = get_close_matches(a, [*known, *AUDIENCE_SYNONYMS], n=1, cutoff=0.6)
        guess = AUDIENCE_SYNONYMS.get(close[0], close[0]) if close else None
        raise errors.UsageError(
            f'--for: "{shorten(a)}" is not a known audience'
            + (f'; did you mean "{guess}"?' if guess else ""),
            hint="known: " + ", ".join(known),
        )


def load_dataset(options: Options) -> Dataset:
    """The dataset, with the --for words checked against it (usage error when unknown)."""
    from crisisnav import dataset

    ds = dataset.load(data_path(options.data))
    if options.audiences:
        check_audiences(options.audiences, ds)
    return ds


def rank_one(ds: Dataset, resolution: Resolution, options: Options) -> LookupResult:
    from crisisnav import rank

    return rank.lookup(
        ds,
        resolution,
        at=options.at,
        audiences=options.audiences,
        contact=options.contact,
        language=options.language,
        no_911=options.no_911,
        open_now_only=options.open_now,
        limit=options.limit,
    )


def _terminal_width(stream: IO[str]) -> int:
    import shutil

    return max(40, min(120, shutil.get_terminal_size((80, 24)).columns))


def effective_format(options: Options, stream: IO[str] | None = None) -> str:
    """auto -> terminal (Rich) on a terminal or with --color always, else plain."""
    if options.fmt != "auto":
        return options.fmt
    stream = stream or sys.stdout
    if options.color == "always":
        return "terminal"
    try:
        return "terminal" if stream.isatty() else "plain"
    except (AttributeError, ValueError):
        return "plain"


def render(result: LookupResult, options: Options, fmt: str, stream: IO[str] | None = None) -> str:
    """The text of one result in a concrete format (not auto)."""
    stream = stream or sys.stdout
    if fmt == "terminal":
        from crisisnav.render import terminal

        return terminal.render(
            result,
            color=use_color(options.color, stream),
            width=_terminal_width(stream),
            explain=options.explain,
        )
    if fmt == "plain":
        from crisisnav.render import plain

        return plain.render(result, explain=options.explain)
    if fmt in ("json", "jsonl"):
        from crisisnav.render import jsonfmt

        return jsonfmt.dumps(jsonfmt.result_to_json(result), pretty=fmt == "json") + "\n"
    if fmt == "csv":
        from crisisnav.render import csvfmt

        return csvfmt.render(result)
    if fmt == "markdown":
        from crisisnav.render import markdown

        return markdown.render(result, explain=options.explain)
    raise errors.UsageError(f"unknown format {fmt!r}")


def exit_code_for(result: LookupResult) -> int:
    status = result.resolution.status
    if status == "ok":
        return errors.EXIT_OK
    if status == "ambiguous":
        return errors.EXIT_AMBIGUOUS
    return errors.EXIT_NOT_FOUND


def can_ask() -> bool:
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def candidate_lines(resolution: Resolution) -> list[str]:
    """The numbered candidates, then how many were not shown and how to reach them."""
    from crisisnav.render.safe import inert

    lines = [f"  {i}. {inert(p.label())}" for i, p in enumerate(resolution.candidates, start=1)]
    note = more_line(resolution)
    if note:
        lines.append(f"  {note}")
    return lines


def more_line(resolution: Resolution) -> str | None:
    """'13 more not shown — type a state code like TN, or add a state', when some were cut."""
    if resolution.omitted <= 0:
        return None
    shown = {p.state for p in resolution.candidates}
    example = next((s for s in ("TN", "NJ", "PA", "TX", "NY", "CA") if s not in shown), "TN")
    return f"{resolution.omitted} more not shown — type a state code like {example}, or add a state"


def pick_answer(resolution: Resolution, answer: str) -> Place | Resolution | str:
    """What an answer to the pick list means: a candidate's number -> that Place; a state code
    or name -> the query re-resolved in that state (a Place when it is one place, a new
    ambiguous Resolution to ask again); anything else -> the message to show."""
    n = len(resolution.candidates)
    answer = answer.strip()
    if answer.isascii() and answer.isdigit():  # not "²" or "①": int() refuses those
        if 1 <= int(answer) <= n:
            return resolution.candidates[int(answer) - 1]
        return f"Please type a number from 1 to {n}, or a state code, or press Enter."
    from crisisnav.normalize import ALL_STATES, state_code

    code = state_code(answer) if len(answer) <= 40 else None
    if code is None:
        return f"Please type a number from 1 to {n}, a state code like TN, or press Enter."
    for p in resolution.candidates:
        if p.state == code:
            return p
    from crisisnav.resolve import resolve  # type: ignore[import-not-found,unused-ignore]

    name = resolution.query.split(",", 1)[0].strip()
    again: Resolution = resolve(f"{name}, {code}")
    if again.status == "ok" and again.place is not None:
        return again.place
    if again.status == "ambiguous" and any(p.state == code for p in again.candidates):
        return again
    where = ALL_STATES.get(code, code)
    return f'No place called "{echo_query(name)}" in {where}. Pick a number or another state.'


def echo_query(query: str) -> str:
    from crisisnav.render.safe import inert

    return inert(shorten(query))


def ask_pick(
    resolution: Resolution,
    *,
    read: object = None,
    say: Callable[[str], None] | None = None,
    listed: bool = False,
    enter: str = "cancel",
) -> Place | None:
    """Numbered pick list (say: one line at a time, default stderr); the chosen place, or None
    when cancelled (Enter/EOF, or eight answers that were not a pick). A state code or name
    re-resolves the query in that state. listed=True: the caller has already printed these
    candidates. enter: what Enter does, for the prompt ("cancel", "skip")."""
    from crisisnav.models import Resolution as ResolutionType

    reader = read if callable(read) else input
    tell = say or eprint
    shown_for: Resolution | None = resolution if listed else None
    for _ in range(8):  # a bounded number of tries: a stuck input never loops forever
        n = len(resolution.candidates)
        if shown_for is not resolution:
            tell(f'"{echo_query(resolution.query)}" fits several places:')
            for line in candidate_lines(resolution):
                tell(line)
            shown_for = resolution
        try:
            answer = str(reader(f"Pick 1-{n} or a state (Enter to {enter}): ")).strip()
        except EOFError:
            return None
        if not answer:
            return None
        got = pick_answer(resolution, answer)
        if isinstance(got, str):
            tell(f"  {got}")
        elif isinstance(got, ResolutionType):
            resolution = got
        else:
            return got
    return None


def closest_places(query: str, limit: int = 5) -> tuple[Place, ...]:
    """Gazetteer names that start like the query's place name (same state when one is given),
    offered after a not_found. () when there is nothing close or the index is unavailable."""
    name, _, rest = query.partition(",")
    name = " ".join(name.split())
    state = rest.strip().upper()
    if len(name) < 3 or not name[:3].isalpha():
        return ()
    try:
        from difflib import SequenceMatcher

        from crisisnav import gazetteer

        g = gazetteer.load()
        scored: list[tuple[float, str, str]] = []
        for label in g.complete(name[:3], 500):
            lname, _, lstate = label.rpartition(", ")
            if not lname or (len(state) == 2 and lstate != state):
                continue
            ratio = SequenceMatcher(None, name.casefold(), lname.casefold()).ratio()
            if ratio >= 0.5:
                scored.append((ratio, lname, lstate))
        scored.sort(key=lambda x: -x[0])
        out: list[Place] = []
        for ratio, lname, lstate in scored:
            p = g.city_place(lstate, lname) or g.county_place(lstate, lname)
            if p is not None and all(p.label() != q.label() for q in out):
                out.append(replace(p, score=round(ratio * 100, 1)))
            if len(out) >= limit:
                break
        return tuple(out)
    except Exception:  # noqa: BLE001 - a suggestion must never break the answer itself
        return ()


def with_suggestions(resolution: Resolution) -> Resolution:
    """A not_found resolution with no candidates gets the closest names as candidates."""
    if resolution.status != "not_found" or resolution.candidates:
        return resolution
    if resolution.message and "outside the US" in resolution.message:
        return resolution
    near = closest_places(resolution.query)
    return replace(resolution, candidates=near) if near else resolution


def picked(resolution: Resolution, place: Place) -> Resolution:
    return replace(resolution, status="ok", place=place, candidates=(), message=None)


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
            help="auto (Rich on a terminal, plain when piped), plain, json, jsonl, csv, markdown.",
        ),
    ] = "auto",
    explain: Annotated[
        bool, typer.Option("--explain", help="Show why each entry sits where it does.")
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
            help="Only entries listing this language code (es, asl, ...).",
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
) -> None:
    """Ranked alternatives to police for a place. Example: crisisnav lookup "Eugene, OR"."""
    if fmt not in FORMATS:
        raise errors.UsageError(f"--format: {fmt!r} is not one of {', '.join(FORMATS)}")
    check_contact(contact)
    if color not in ("auto", "always", "never"):
        raise errors.UsageError(f"--color: {color!r} is not one of auto, always, never")
    options = Options(
        fmt=fmt,
        explain=explain,
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
        raise errors.UsageError("give a PLACE, --batch FILE or --interactive, not more than one")
    if interactive:
        from crisisnav import interactive as interactive_mod

        raise typer.Exit(interactive_mod.run(options))
    if batch is not None:
        run_batch(batch, options)
        raise typer.Exit(errors.EXIT_OK)
    if place is None:
        raise errors.UsageError(
            "give a place to look up", hint='e.g. crisisnav lookup "Eugene, OR" (or -i to be asked)'
        )
    raise typer.Exit(lookup_one(place, options))


def lookup_one(query: str, options: Options) -> int:
    from crisisnav.resolve import resolve  # type: ignore[import-not-found,unused-ignore]

    ds = load_dataset(options)
    resolution: Resolution = with_suggestions(resolve(query))
    fmt = effective_format(options)
    if resolution.status == "ambiguous" and resolution.candidates and can_ask():
        choice = ask_pick(resolution)
        if choice is not None:
            resolution = picked(resolution, choice)
        elif fmt in ("terminal", "plain", "markdown"):
            # The numbered list is already on the screen: do not print it twice.
            from crisisnav.render.common import place_query

            eprint(
                "No place picked. Add a state, e.g.: "
                f'crisisnav lookup "{place_query(resolution.candidates[0])}"'
            )
            return errors.EXIT_AMBIGUOUS
    result = rank_one(ds, resolution, options)
    write(render(result, options, fmt))
    return exit_code_for(result)


def batch_resolutions(lines: Iterable[bytes]) -> Iterator[Resolution]:
    """One Resolution per input line, in order; bad lines become not_found results."""
    from crisisnav.models import Resolution
    from crisisnav.resolve import resolve_many  # type: ignore[import-not-found,unused-ignore]

    pending: list[tuple[int, str]] = []
    slots: list[Resolution | None] = []

    def flush() -> Iterator[Resolution]:
        done = resolve_many([q for _, q in pending]) if pending else []
        for (slot, _), got in zip(pending, done, strict=True):
            slots[slot] = got
        for item in slots:
            assert item is not None
            yield item
        pending.clear()
        slots.clear()

    first = True
    for raw in lines:
        line = raw.rstrip(b"\r\n")
        if first and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        first = False
        if len(line.strip()) > MAX_QUERY * 4:  # longer than any 300-character UTF-8 text
            slots.append(
                Resolution(
                    query=line.strip()[: MAX_QUERY * 4].decode("utf-8", "replace")[:MAX_QUERY],
                    status="not_found",
                    message=f"this line is not a place name (over {MAX_QUERY} characters)",
                )
            )
            if len(slots) >= BATCH_CHUNK:
                yield from flush()
            continue
        try:
            text = line.decode("utf-8").strip()
        except UnicodeDecodeError:
            bad = line.decode("utf-8", "replace").strip()[:MAX_QUERY]
            slots.append(
                Resolution(
                    query=bad, status="not_found", message="this line is not valid UTF-8 text"
                )
            )
        else:
            if not text:
                slots.append(Resolution(query="", status="not_found", message="empty line"))
            elif len(text) > MAX_QUERY or "\x00" in text:
                slots.append(
                    Resolution(
                        query=text[:MAX_QUERY],
                        status="not_found",
                        message=f"this line is not a place name (over {MAX_QUERY} characters or binary)",
                    )
                )
            else:
                pending.append((len(slots), text))
                slots.append(None)
        if len(slots) >= BATCH_CHUNK:
            yield from flush()
    yield from flush()


def run_batch(source: str, options: Options) -> None:
    from datetime import timezone

    ds = load_dataset(options)
    fmt = "jsonl" if options.fmt == "auto" else options.fmt
    # One evaluation time for the whole run, so lines naming the same place share one ranking.
    opts = options.with_at(options.at or datetime.now(timezone.utc))
    memo: dict[Place, LookupResult] = {}
    tails: dict[Place, str] = {}  # the serialised "resources"/"notices" part, per place

    def one(res: Resolution) -> LookupResult:
        res = with_suggestions(res)
        if res.status != "ok" or res.place is None:
            return rank_one(ds, res, opts)
        hit = memo.get(res.place)
        if hit is None:
            if len(memo) > 10_000:
                memo.clear()
                tails.clear()
            hit = memo[res.place] = rank_one(ds, res, opts)
        return replace(hit, resolution=res)

    def json_line(result: LookupResult) -> str:
        """Exactly jsonfmt.dumps(result_to_json(result), pretty=False), reusing the resources
        and notices text of an earlier line for the same place (most of the bytes)."""
        from crisisnav.render import jsonfmt

        place = result.resolution.place
        if result.resolution.status != "ok" or place is None or place not in memo:
            return jsonfmt.dumps(jsonfmt.result_to_json(result), pretty=False)
        tail = tails.get(place)
        if tail is None:
            full = jsonfmt.result_to_json(result)
            tail = tails[place] = jsonfmt.dumps(
                {"resources": full["resources"], "notices": full["notices"]}, pretty=False
            )[1:-1]
        head = jsonfmt.resolution_to_json(result.resolution)
        del head["resources"], head["notices"]
        return jsonfmt.dumps(head, pretty=False)[:-1] + ", " + tail + "}"

    results = (one(res) for res in batch_resolutions(batch_lines(source)))
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
            out.write((sep if i else "") + render(result, options, fmt))
    out.flush()


@guarded
def interactive_entry() -> None:
    """`crisisnav` with no arguments on a terminal: the interactive loop with default options."""
    from crisisnav import interactive as interactive_mod

    raise typer.Exit(interactive_mod.run(Options()))
