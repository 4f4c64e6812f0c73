"""Interactive volunteer mode: type a place, see the options, pick among candidates by number,
type the next place. Ctrl-D (or "q") leaves with exit 0, Ctrl-C with 130, never a traceback.

Privacy: history lives in this process only. readline (when present) gives line editing and
in-session recall; nothing here ever calls write_history_file, and the history is cleared on
exit, so no query reaches the disk.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from crisisnav import errors

if TYPE_CHECKING:
    from crisisnav.commands.lookup import Options
    from crisisnav.models import Dataset, Place, Resolution

BANNER = (
    "crisisnav: alternatives to calling the police, by place.\n"
    'Type a US city, county, ZIP or state (e.g. "Eugene, OR" or 97401).\n'
    "Ctrl-D or q to quit, ? for help."
)
HELP = (
    'Examples: "Eugene, OR", 97401, "Lane County, OR", Oregon, Denver.\n'
    "When a name fits several places you get a numbered list: type the number,\n"
    "or a state code (TN) or state name to pick the one in that state.\n"
    "Nothing you type is saved anywhere."
)
PROMPT = "place> "


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
    from crisisnav.commands import lookup as cmd
    from crisisnav.resolve import resolve  # type: ignore[import-not-found,unused-ignore]

    clear = _setup_readline() if read is None else (lambda: None)
    reader = read or input

    def say(text: str) -> None:
        if out is not None:
            out(text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()

    fmt = cmd.effective_format(options)
    if fmt not in ("terminal", "plain", "markdown"):
        fmt = "plain" if fmt != "terminal" else fmt
    try:
        ds = dataset or cmd.load_dataset(options)
        say(BANNER + "\n")
        while True:
            try:
                query = reader(PROMPT).strip()
            except EOFError:
                say("\n")
                return errors.EXIT_OK
            if not query:
                continue
            if query.lower() in ("q", "quit", "exit", ":q"):
                return errors.EXIT_OK
            if query in ("?", "help", "h"):
                say(HELP + "\n")
                continue
            if len(query) > cmd.MAX_QUERY:
                say(f"That is too long for a place name (over {cmd.MAX_QUERY} characters).\n")
                continue
            resolution = cmd.with_suggestions(resolve(query))
            if resolution.status == "ambiguous" and resolution.candidates:
                choice = _pick(resolution, reader, say)
                if choice is None:
                    say("No place picked. Type another place.\n")
                    continue
                resolution = cmd.picked(resolution, choice)
            result = cmd.rank_one(ds, resolution, options)
            say(cmd.render(result, options, fmt))
            say("\n")
    except KeyboardInterrupt:
        say("\n")
        return errors.EXIT_INTERRUPTED
    finally:
        clear()


def _pick(
    resolution: Resolution, reader: Callable[[str], str], say: Callable[[str], None]
) -> Place | None:
    from crisisnav.commands.lookup import ask_pick

    return ask_pick(resolution, read=reader, say=lambda line: say(line + "\n"), enter="skip")
