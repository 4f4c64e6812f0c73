"""The Typer app: parse options, call the core, pick a renderer, map errors to exit codes.

Each command lives in crisisnav.commands.<name>; this module only wires them together.
Heavy libraries (rich, yaml, rapidfuzz, fpdf) are imported inside the commands that need them.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from crisisnav import __version__
from crisisnav.commands import coverage, export, lookup, places, sheet, validate

app = typer.Typer(
    name="crisisnav",
    help=(
        "Alternatives to calling the police in a mental-health crisis, for any US place.\n\n"
        "Example: crisisnav lookup \"Eugene, OR\"\n\n"
        "With no command on a terminal, crisisnav opens an interactive prompt."
    ),
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"crisisnav {__version__}")
        raise typer.Exit(0)


@app.callback()
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
        lookup.interactive_entry()
        raise typer.Exit(0)
    typer.echo(ctx.get_help())
    raise typer.Exit(0)


app.command("lookup")(lookup.lookup_cmd)
app.command("places")(places.places_cmd)
app.command("validate")(validate.validate_cmd)
app.command("sheet")(sheet.sheet_cmd)
app.command("export")(export.export_cmd)
app.command("coverage")(coverage.coverage_cmd)
app.command("stale")(coverage.stale_cmd)


def main() -> None:
    """Console-script entry point."""
    if os.environ.get("_CRISISNAV_COMPLETE"):
        # Shell completion of place names without building the whole Typer app (< 200 ms).
        from crisisnav.completion import fast_path

        fast = fast_path(os.environ)
        if fast is not None:
            sys.stdout.write(fast + "\n")
            return
    app(prog_name="crisisnav")
