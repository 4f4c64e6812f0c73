"""Interactive volunteer mode: type a place, see the options, pick among candidates by number,
type the next place. Ctrl-D (or "q") leaves with exit 0, Ctrl-C with 130, never a traceback.

Privacy: history lives in this process only. readline (when present) gives line editing and
in-session recall; nothing here ever calls write_history_file, and the history is cleared on
exit, so no query reaches the disk.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from crisisnav import errors
from crisisnav.i18n import N_, _
from crisisnav.render.echo import eprint, shorten

if TYPE_CHECKING:
    from crisisnav.flow import Options
    from crisisnav.models import Dataset, LookupResult, Place, Resolution

BANNER = N_(
    "crisisnav: alternatives to calling the police, by place.\n"
    'Type a US city, county, ZIP or state (e.g. "Eugene, OR" or 97401).\n'
    "Ctrl-D or q to quit, ? for help."
)
HELP = N_(
    'Examples: "Eugene, OR", 97401, "Lane County, OR", Oregon, Denver.\n'
    "When a name fits several places you get a numbered list: type the number,\n"
    "or a state code (TN) or state name to pick the one in that state, or a fuller place.\n"
    "After a lookup, type an entry's number to see everything about it.\n"
    "Nothing you type is saved anywhere."
)
PROMPT = N_("place> ")
EXPAND_HINT = N_("Type an entry's number for everything about it, or another place.")
HELP_WORDS = ("?", "help", "h", "ayuda")
# What Enter (or q) does at the pick list, as the prompt says it.
ENTER_WORDS = {"cancel": N_("cancel"), "skip": N_("skip")}


def _setup_readline() -> Callable[[], None]:
    """Line editing with in-memory history only; returns a function that clears it."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline, or a minimal build
        return lambda: None
    try:
        readline.clear_history()
        readline.set_history_length(200)
        readline.set_auto_history(True)
    except (AttributeError, OSError):
        pass

    def clear() -> None:
        try:
            readline.clear_history()
        except (AttributeError, OSError):
            pass

    return clear


def run(
    options: Options,
    *,
    read: Callable[[str], str] | None = None,
    out: Callable[[str], None] | None = None,
    dataset: Dataset | None = None,
) -> int:
    """The loop. Returns the exit code: 0 on Ctrl-D / q, 130 on Ctrl-C."""
    from crisisnav import flow
    from crisisnav.render import formats
    from crisisnav.resolve import resolve  # type: ignore[import-not-found,unused-ignore]

    clear = _setup_readline() if read is None else (lambda: None)
    reader = read or input

    def say(text: str) -> None:
        if out is not None:
            out(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()

    fmt = formats.effective_format(options.fmt, options.color)
    if fmt not in ("terminal", "plain", "markdown"):
        fmt = "plain" if fmt != "terminal" else fmt
    try:
        ds = dataset or flow.load_dataset(options)
        last: LookupResult | None = None  # the result shown last, for "type a number"
        say(_(BANNER) + "\n")
        while True:
            try:
                query = reader(_(PROMPT)).strip()
            except EOFError:
                say("\n")
                return errors.EXIT_OK
            if not query:
                continue
            if query.lower() in QUIT_WORDS:
                return errors.EXIT_OK
            if query.lower() in HELP_WORDS:
                say(_(HELP) + "\n")
                continue
            if len(query) > flow.MAX_QUERY:
                say(
                    _("That is too long for a place name (over {n} characters).").format(
                        n=flow.MAX_QUERY
                    )
                    + "\n"
                )
                continue
            if last is not None and query.isascii() and query.isdigit() and len(query) <= 3:
                # An entry's number after a lookup: everything about that one entry.
                say(_expand(last, int(query), options, fmt))
                continue
            resolution = flow.with_suggestions(resolve(query))
            if resolution.status == "ambiguous" and resolution.candidates:
                try:
                    choice = _pick(resolution, reader, say)
                except EOFError:  # one Ctrl-D at the pick list leaves, as at the prompt
                    say("\n")
                    return errors.EXIT_OK
                if choice is None:
                    say(_("No place picked. Type another place.") + "\n")
                    continue
                resolution = flow.picked(resolution, choice)
            result = flow.rank_one(ds, resolution, options)
            say(formats.render_lookup(result, options, fmt))
            if result.resources and not options.details and fmt != "markdown":
                say(_(EXPAND_HINT) + "\n")
                last = result
            say("\n")
    except KeyboardInterrupt:
        say("\n")
        return errors.EXIT_INTERRUPTED
    finally:
        clear()


def _expand(result: LookupResult, n: int, options: Options, fmt: str) -> str:
    """Everything about entry n of the last result (the --details view of that one entry)."""
    from dataclasses import replace

    from crisisnav.render import formats

    item = next((i for i in result.resources if i.rank == n), None)
    if item is None:
        return (
            _("No entry {n} above: type a number from 1 to {last}, or a place.").format(
                n=n, last=len(result.resources)
            )
            + "\n"
        )
    one = replace(result, resources=(item,), notices=())
    detailed = copy.copy(options)
    detailed.details = True
    return formats.render_lookup(one, detailed, fmt)


def _pick(
    resolution: Resolution, reader: Callable[[str], str], say: Callable[[str], None]
) -> Place | None:
    return ask_pick(
        resolution, read=reader, say=lambda line: say(line + "\n"), enter="skip", eof="raise"
    )


# ----- the pick list (lookup, places and this loop ask through it) --------------------------


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
    return _("{n} more not shown — type a state code like {example}, or add a state").format(
        n=resolution.omitted, example=example
    )


def pick_answer(resolution: Resolution, answer: str) -> Place | Resolution | str:
    """What an answer to the pick list means: a candidate's number -> that Place; a state code
    or name -> the query re-resolved in that state (a Place when it is one place, a new
    ambiguous Resolution to ask again); anything else -> the message to show."""
    n = len(resolution.candidates)
    answer = answer.strip()
    if answer.isascii() and answer.isdigit():  # not "²" or "①": int() refuses those
        if 1 <= int(answer) <= n:
            return resolution.candidates[int(answer) - 1]
        return _("Please type a number from 1 to {n}, or a state code, or press Enter.").format(n=n)
    from crisisnav.normalize import ALL_STATES, state_code

    code = state_code(answer) if len(answer) <= 40 else None
    if code is None:
        return _fuller_place(answer, n)
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
    return _('No place called "{name}" in {where}. Pick a number or another state.').format(
        name=echo_query(name), where=where
    )


def _fuller_place(answer: str, n: int) -> Place | Resolution | str:
    """An answer that is not a number or a state: a fuller place ("springfield, oregon"), looked
    up as a new query. One place -> it; several -> a new list to pick from; else the question."""
    again_msg = _(
        "Please type a number from 1 to {n}, a state code like TN, or press Enter."
    ).format(n=n)
    from crisisnav.flow import MAX_QUERY

    if len(answer) > MAX_QUERY or not any(ch.isalpha() for ch in answer):
        return again_msg
    from crisisnav.resolve import resolve  # type: ignore[import-not-found,unused-ignore]

    got: Resolution = resolve(answer)
    if got.status == "ok" and got.place is not None:
        return got.place
    if got.status == "ambiguous" and got.candidates:
        return got
    return _('No US place found for "{query}".').format(query=echo_query(answer)) + " " + again_msg


QUIT_WORDS = ("q", "quit", "exit", ":q", "salir")


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
    eof: str = "cancel",
) -> Place | None:
    """Numbered pick list (say: one line at a time, default stderr); the chosen place, or None
    when cancelled (Enter/EOF, or eight answers that were not a pick). A state code or name
    re-resolves the query in that state. listed=True: the caller has already printed these
    candidates. enter: what Enter (or q) does, for the prompt ("cancel", "skip"). eof="raise":
    Ctrl-D is passed on (the interactive loop leaves on one Ctrl-D)."""
    from crisisnav.models import Resolution as ResolutionType

    reader = read if callable(read) else input
    tell = say or eprint
    shown_for: Resolution | None = resolution if listed else None
    for _attempt in range(8):  # a bounded number of tries: a stuck input never loops forever
        n = len(resolution.candidates)
        if shown_for is not resolution:
            tell(_('"{query}" fits several places:').format(query=echo_query(resolution.query)))
            for line in candidate_lines(resolution):
                tell(line)
            shown_for = resolution
        try:
            enter_word = _(ENTER_WORDS[enter]) if enter in ENTER_WORDS else enter
            question = _("Pick 1-{n}, a state or a fuller place (Enter or q to {enter}): ")
            answer = str(reader(question.format(n=n, enter=enter_word))).strip()
        except EOFError:
            if eof == "raise":
                raise
            return None
        if not answer or answer.lower() in QUIT_WORDS:
            return None
        got = pick_answer(resolution, answer)
        if isinstance(got, str):
            tell(f"  {got}")
        elif isinstance(got, ResolutionType):
            resolution = got
        else:
            return got
    return None
