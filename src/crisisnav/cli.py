"""The Typer app: parse options, call the core, pick a renderer, map errors to exit codes.

Each command lives in crisisnav.commands.<name>; this module only wires them together.
Heavy libraries (rich, yaml, rapidfuzz, fpdf) are imported inside the commands that need them.

Start-up time is a feature, so commands are registered lazily: `crisisnav lookup ...` imports and
builds only the lookup command (Typer builds every registered command's parameters before it
parses anything). `crisisnav --help`, completion and `from crisisnav.cli import app` get them all.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crisisnav import __version__

if TYPE_CHECKING:
    from collections.abc import Callable

# Command name -> (module, function), in the order `crisisnav --help` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "lookup": ("crisisnav.commands.lookup", "lookup_cmd"),
    "places": ("crisisnav.commands.places", "places_cmd"),
    "validate": ("crisisnav.commands.validate", "validate_cmd"),
    "sheet": ("crisisnav.commands.sheet", "sheet_cmd"),
    "export": ("crisisnav.commands.export", "export_cmd"),
    "coverage": ("crisisnav.commands.coverage", "coverage_cmd"),
    "stale": ("crisisnav.commands.coverage", "stale_cmd"),
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crisisnav {__version__}")
        raise typer.Exit(0)


def _root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print the version and exit.",
            callback=_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Alternatives to calling the police in a mental-health crisis, for any US place.

    Example: crisisnav lookup "Eugene, OR"

    With no command on a terminal, crisisnav opens an interactive prompt.
    """
    if ctx.invoked_subcommand is not None:
        return
    if sys.stdin.isatty() and sys.stdout.isatty():
        from crisisnav.commands.lookup import interactive_entry

        interactive_entry()
        raise typer.Exit(0)
    typer.echo(ctx.get_help())
    raise typer.Exit(0)


def build_app(only: str | None = None) -> typer.Typer:
    """The app with every command, or with just `only` (what `crisisnav ONLY ...` needs)."""
    new = typer.Typer(
        name="crisisnav",
        no_args_is_help=False,
        invoke_without_command=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    new.callback()(_root)
    for name, (module_name, func_name) in COMMANDS.items():
        if only is None or name == only:
            func: Callable[..., Any] = getattr(importlib.import_module(module_name), func_name)
            new.command(name)(func)
    return new


_full_app: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    """`crisisnav.cli.app`: the full app, built on first use (tests, docs generation)."""
    global _full_app
    if name == "app":
        if _full_app is None:
            _full_app = build_app()
        return _full_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point."""
    if os.environ.get("_CRISISNAV_COMPLETE"):
        # Shell completion of place names without building the whole Typer app (< 200 ms).
        from crisisnav.completion import fast_path

        try:
            fast = fast_path(os.environ)
            if fast is not None:
                sys.stdout.write(fast + "\n")
                return
            build_app()(prog_name="crisisnav")
        except Exception:  # noqa: BLE001 - a completion never prints a traceback into a prompt
            # e.g. Click reading a missing or non-numeric COMP_CWORD: offer nothing
            if os.environ.get("CRISISNAV_DEBUG"):
                raise
        return
    first = sys.argv[1] if len(sys.argv) > 1 else None
    build_app(first if first in COMMANDS else None)(prog_name="crisisnav")
