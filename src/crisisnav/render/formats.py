"""The output formats of each command family, in one registry.

Each family lists its formats once; from that list come the `--format` help text, the check of
the value (one wording of the error for every command), the file extensions, and the lists the
tests run over (tests import these families instead of copying the names, so a format added
here is automatically in the golden and injection tests).

`render_lookup` is the one place a lookup result meets its renderer (lookup, batch and the
interactive mode all call it). Renderers are imported inside, so a plain lookup never imports
Rich.

Adding a lookup format: add a `Format` to LOOKUP and a branch in `render_lookup` (and, for a
batch, the separator in commands/lookup.run_batch if it is not one result per line).
"""

from __future__ import annotations

import sys
from typing import IO, TYPE_CHECKING

from crisisnav import errors
from crisisnav.i18n import _

if TYPE_CHECKING:
    from crisisnav.flow import Options
    from crisisnav.models import LookupResult


class Format:
    """One value of --format: its name, a short description for the help, a file extension."""

    __slots__ = ("name", "description", "extension")

    def __init__(self, name: str, description: str = "", extension: str = "") -> None:
        self.name = name
        self.description = description
        self.extension = extension or name


class Family:
    """The formats of one command (or of commands that print the same thing)."""

    def __init__(
        self, command: str, formats: tuple[Format, ...], aliases: dict[str, str] | None = None
    ) -> None:
        self.command = command
        self.formats = formats
        self.aliases = aliases or {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.formats)

    def concrete(self) -> tuple[str, ...]:
        """The names that produce output themselves (not `auto`, which picks one of them)."""
        return tuple(n for n in self.names if n != "auto")

    def extension(self, name: str) -> str:
        return next(f.extension for f in self.formats if f.name == name)

    def help(self) -> str:
        """The --format help text: every name, with its description when it has one."""
        parts = [f"{f.name} ({f.description})" if f.description else f.name for f in self.formats]
        return ", ".join(parts) + "."

    def check(self, value: str) -> str:
        """The format named by `value` (any case, spaces trimmed, aliases accepted), or a usage
        error (exit 2) naming every accepted value."""
        name = value.strip().lower()
        name = self.aliases.get(name, name)
        if name in self.names:
            return name
        raise errors.UsageError(unknown_format(value, self.names))


def unknown_format(value: str, names: tuple[str, ...]) -> str:
    """The one wording of an unknown --format, for every command."""
    return _("--format: {value} is not one of {choices}").format(
        value=repr(value), choices=", ".join(names)
    )


LOOKUP = Family(
    "lookup",
    (
        Format("auto", "Rich on a terminal, plain when piped"),
        Format("plain", extension="txt"),
        Format("json"),
        Format("jsonl"),
        Format("csv"),
        Format("markdown", extension="md"),
    ),
    aliases={"md": "markdown", "text": "plain", "txt": "plain"},
)
PLACES = Family(
    "places",
    (
        Format("auto", "Rich on a terminal, plain when piped"),
        Format("plain", extension="txt"),
        Format("json"),
        Format("jsonl"),
    ),
    aliases={"text": "plain", "txt": "plain"},
)
SHEET = Family(
    "sheet",
    (
        Format("html"),
        Format("pdf"),
        Format("markdown", extension="md"),
        Format("plain", extension="txt"),
    ),
    aliases={"md": "markdown", "text": "plain", "txt": "plain", "htm": "html"},
)
VALIDATE = Family(
    "validate",
    (
        Format("text", "FILE:LINE:COL: SEVERITY CODE message"),
        Format("json"),
        Format("github", "Actions annotations"),
    ),
)
EXPORT = Family(
    "export",
    (
        Format("hsds-json", "a JSON list of HSDS 3.0 services"),
        Format("hsds-csv", "HSDS tables as CSV files plus datapackage.json in the -o directory"),
        Format("json", "the dataset flat, one record per entry"),
        Format("csv", "the dataset flat, one row per entry"),
    ),
)
REPORT = Family(  # coverage and stale
    "coverage",
    (Format("text", "for people"), Format("json", "for scripts")),
    aliases={"plain": "text", "txt": "text"},
)
FAMILIES = (LOOKUP, PLACES, SHEET, VALIDATE, EXPORT, REPORT)


# --------------------------------------------------------------------------- lookup results


def effective_format(fmt: str, color: str = "auto", stream: IO[str] | None = None) -> str:
    """auto -> terminal (Rich) on a terminal or with --color always, else plain."""
    if fmt != "auto":
        return fmt
    stream = stream or sys.stdout
    if color == "always":
        return "terminal"
    try:
        return "terminal" if stream.isatty() else "plain"
    except (AttributeError, ValueError):
        return "plain"


def _terminal_width() -> int:
    import shutil

    return max(40, min(120, shutil.get_terminal_size((80, 24)).columns))


def render_lookup(
    result: LookupResult, options: Options, fmt: str, stream: IO[str] | None = None
) -> str:
    """The text of one result in a concrete format (`terminal` or one of LOOKUP.concrete())."""
    stream = stream or sys.stdout
    if fmt == "terminal":
        from crisisnav.render import terminal
        from crisisnav.render.echo import use_color

        return terminal.render(
            result,
            color=use_color(options.color, stream),
            width=_terminal_width(),
            explain=options.explain,
            details=options.details,
        )
    if fmt == "plain":
        from crisisnav.render import plain

        return plain.render(result, explain=options.explain, details=options.details)
    if fmt in ("json", "jsonl"):
        from crisisnav.render import jsonfmt

        return jsonfmt.dumps(jsonfmt.result_to_json(result), pretty=fmt == "json") + "\n"
    if fmt == "csv":
        from crisisnav.render import csvfmt

        return csvfmt.render(result)
    if fmt == "markdown":
        from crisisnav.render import markdown

        return markdown.render(result, explain=options.explain)
    raise errors.UsageError(unknown_format(fmt, LOOKUP.names))
