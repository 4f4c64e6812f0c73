"""Shell-completion callbacks (Typer's own completion: `crisisnav --install-completion`).

Attach them in the command signatures:

    place: Annotated[str, typer.Argument(help=..., autocompletion=complete_place)]
    audience: Annotated[list[str] | None, typer.Option("--for", help=..., autocompletion=complete_audience)]

Typer calls a callback with the word being completed (the parameter typed `str`) and prints
the returned values for the shell. Nothing here runs unless the shell asks for completions,
and nothing is logged: completion never records what was typed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

PLACE_LIMIT = 40  # bash lists every candidate; more than a screenful helps nobody

# Characters bash would split or interpret in an inserted completion.
_BASH_SPECIAL = re.compile(r"([^\w@%+=:,./-])")


def _shell() -> str:
    """The shell asking, from Typer's completion variable: "bash", "zsh", "fish", ... or ""."""
    mode = os.environ.get("_CRISISNAV_COMPLETE", "")
    return mode.removeprefix("complete_").removeprefix("source_")


class Matched(str):
    """A completion value that has already been matched against the word being completed.

    Typer keeps only the values for which ``value.startswith(incomplete)`` is true. That test
    cannot pass for a value escaped for bash ("San\\ Francisco,\\ CA" against the typed
    "San Fr") or for a match that differs in case ("Eugene, OR" for "eug"), although both are
    right. The values here were matched by the gazetteer (case, accents and punctuation folded),
    so they report that they start with whatever was typed.
    """

    __slots__ = ()

    def startswith(self, prefix: object, *args: object) -> bool:
        return True


def _for_shell(values: list[str]) -> list[str]:
    """Bash inserts completions literally, so "Eugene, OR" must arrive as "Eugene,\\ OR" or it
    becomes two words; zsh and fish quote the values themselves."""
    if _shell() == "bash":
        values = [_BASH_SPECIAL.sub(r"\\\1", v) for v in values]
    return [Matched(v) for v in values]


def _unescape(incomplete: str) -> str:
    """Typer hands bash's current word over with its backslashes ("San\\ Fr"); drop them."""
    return re.sub(r"\\(.)", r"\1", incomplete)


def place_candidates(incomplete: str, limit: int = PLACE_LIMIT) -> list[str]:
    """Place names from the gazetteer that start like `incomplete` ("Eug" -> "Eugene, OR", ...)."""
    prefix = _unescape(incomplete or "").strip()
    if not prefix:
        return []
    try:
        from crisisnav import gazetteer

        names: list[str] = gazetteer.load().complete(prefix, limit)
    except Exception:  # noqa: BLE001 - a completion must never print a traceback into a prompt
        return []
    return names[:limit]


def complete_place(incomplete: str) -> list[str]:
    """Autocompletion callback for the PLACE argument of lookup, places and sheet."""
    return _for_shell(place_candidates(incomplete))


def audience_candidates(incomplete: str) -> list[str]:
    from crisisnav.models import AUDIENCES

    word = (incomplete or "").strip().lower()
    return [a for a in AUDIENCES if a.startswith(word)]


def complete_audience(incomplete: str) -> list[str]:
    """Autocompletion callback for `--for` (the audience words of models.AUDIENCES)."""
    return _for_shell(audience_candidates(incomplete))


# Commands whose first positional argument is a place.
PLACE_COMMANDS = ("lookup", "places", "sheet")


def fast_path(environ: Mapping[str, str]) -> str | None:
    """Completions for `crisisnav lookup WORD<TAB>` (bash, zsh) without building the Typer app.

    Typer answers a completion request by importing every command and parsing every option of
    the command line (hundreds of milliseconds); the place name is the one completion that
    needs speed, and it needs only the gazetteer. This answers exactly that case, in the
    format Typer's own bash or zsh script reads, and returns None for everything else so
    that Typer's completion handles it.

    For zsh it also fixes one case Typer gets wrong: right after an escaped space
    ("Eugene,\\ ") Typer thinks a new word has begun and offers nothing.
    """
    mode = environ.get("_CRISISNAV_COMPLETE")
    if mode == "complete_bash":
        incomplete = _bash_place_word(environ)
    elif mode == "complete_zsh":
        incomplete = _zsh_place_word(environ.get("_TYPER_COMPLETE_ARGS", ""))
    else:
        return None
    if not incomplete or incomplete.startswith("-"):
        return None
    names = place_candidates(incomplete)
    if mode == "complete_bash":  # no match: nothing to offer, as Typer would print
        return "\n".join(_BASH_SPECIAL.sub(r"\\\1", n) for n in names)
    if not names:
        return None  # Typer's zsh answer is then "_files"; let it say so
    # Typer's zsh format (typer/_completion_classes.py, ZshComplete), values without help.
    body = "\n".join(f'"{_zsh_escape(n)}"' for n in names)
    return f"_arguments '*: :(({body}))'"


def _bash_place_word(environ: Mapping[str, str]) -> str | None:
    from shlex import split

    try:
        words = split(environ.get("COMP_WORDS", ""))
        cword = int(environ.get("COMP_CWORD", ""))
    except ValueError:  # an open quote, or no COMP_CWORD: Typer's parser copes
        return None
    if cword != 2 or len(words) < 2 or words[1] not in PLACE_COMMANDS:
        return None
    return words[2] if len(words) > 2 else None


def _zsh_place_word(line: str) -> str | None:
    from shlex import split

    try:
        words = split(line)
    except ValueError:
        return None
    # A plain space at the end means a new, empty word; an escaped one is part of the place.
    if line.endswith(" ") and not line.endswith("\\ "):
        return None
    if len(words) != 3 or words[1] not in PLACE_COMMANDS:
        return None
    return words[2]


def _zsh_escape(s: str) -> str:
    return (
        s.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )
