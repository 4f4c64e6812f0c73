"""What every command shares: error mapping to exit codes, and the common options."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from crisisnav import errors
from crisisnav.flow import data_path as data_path
from crisisnav.i18n import _
from crisisnav.render.echo import eprint as eprint
from crisisnav.render.echo import use_color as use_color

F = TypeVar("F", bound=Callable[..., Any])

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Dataset YAML to use instead of the packaged one (also: CRISISNAV_DATA).",
        show_default=False,
    ),
]
ColorOpt = Annotated[
    str,
    typer.Option(
        "--color", help="Colour on a terminal: auto, always or never (NO_COLOR is honoured)."
    ),
]
LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Language of everything shown: en or es (also: CRISISNAV_LANG). Not the same as "
        "--language, which keeps only entries that serve people in a language. JSON keys and "
        "enum values stay English.",
        show_default=False,
    ),
]


def use_lang(option: str | None) -> str:
    """Show everything in the language of --lang, else CRISISNAV_LANG, else English (usage error
    for any other value). Call it first in a command, so its own errors are in that language."""
    from crisisnav import i18n

    lang = i18n.choose(option)
    i18n.use(lang)
    return lang


def guarded(func: F) -> F:
    """Run a command so that no traceback reaches a user.

    CrisisNavError -> its message on stderr and its exit code; Ctrl-C -> 130;
    a closed output pipe -> quiet exit; any other exception -> one line and exit 70.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        encodable_streams()
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except errors.DataError as exc:
            eprint(f"crisisnav: {exc.location()}: {exc.message}")
            if exc.hint:
                eprint(_("  hint: {hint}").format(hint=exc.hint))
            raise typer.Exit(exc.exit_code) from None
        except errors.CrisisNavError as exc:
            eprint(f"crisisnav: {exc.message}")
            if exc.hint:
                eprint(_("  hint: {hint}").format(hint=exc.hint))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            eprint(_("crisisnav: interrupted"))
            raise typer.Exit(errors.EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None
        except OSError as exc:
            if not is_output_error(exc):
                raise _internal(exc) from None
            # A full disk or an I/O error on standard output: the user's problem to fix, not ours.
            _silence_stdout()
            eprint(
                _("crisisnav: cannot write to standard output: {why}").format(
                    why=exc.strerror or exc
                )
            )
            raise typer.Exit(errors.EXIT_NOT_FOUND) from None
        except Exception as exc:  # noqa: BLE001 - last line of defence: never a traceback
            raise _internal(exc) from None

    return wrapper  # type: ignore[return-value]


def _internal(exc: Exception) -> BaseException:
    if os.environ.get("CRISISNAV_DEBUG"):
        return exc
    eprint(
        _(
            "crisisnav: internal error ({error}). "
            "Please report it; set CRISISNAV_DEBUG=1 for details."
        ).format(error=f"{type(exc).__name__}: {exc}")
    )
    return typer.Exit(errors.EXIT_INTERNAL)


def is_output_error(exc: OSError) -> bool:
    """An OSError from writing standard output: no file name (files the user named are reported
    by the command itself) and an errno that a write can give."""
    import errno

    codes = {
        errno.ENOSPC,
        errno.EIO,
        errno.EFBIG,
        errno.EBADF,
        getattr(errno, "EDQUOT", errno.ENOSPC),
    }
    return exc.filename is None and exc.errno in codes


def _u_escape(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a character the stream cannot encode becomes \\uXXXX (a surrogate
    pair above U+FFFF) -- readable in text, and exactly JSON's own escape inside a string."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}")
        else:
            out.append(f"\\u{cp:04x}")
    return "".join(out), exc.end


def encodable_streams() -> None:
    """On a stream that is not UTF-8 (PYTHONIOENCODING=ascii, a legacy Windows code page), write
    what it cannot encode as \\uXXXX instead of failing with UnicodeEncodeError mid-output; read
    typed lines that are not valid text with U+FFFD instead of failing."""
    import codecs

    codecs.register_error("crisisnav-escape", _u_escape)
    reconfigure_in = getattr(sys.stdin, "reconfigure", None)
    if reconfigure_in is not None:  # typed lines (interactive mode): bad bytes become U+FFFD
        try:
            reconfigure_in(errors="replace")
        except (ValueError, OSError):
            pass
    for stream in (sys.stdout, sys.stderr):
        encoding = (
            str(getattr(stream, "encoding", "") or "").lower().replace("-", "").replace("_", "")
        )
        if not encoding or encoding.startswith("utf"):
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            reconfigure(errors="crisisnav-escape")
        except (ValueError, OSError):
            pass


def _silence_stdout() -> None:
    """After EPIPE, point stdout at devnull so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
