"""`crisisnav validate [PATH]`: every problem in a dataset file, as FILE:LINE:COL: SEVERITY CODE message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crisisnav.commands._common import DataOpt, data_path, eprint, guarded
from crisisnav.render.formats import VALIDATE

if TYPE_CHECKING:
    from crisisnav.models import Problem

FORMATS = VALIDATE.names


def _github_escape(text: str, *, prop: bool = False) -> str:
    out = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        out = out.replace(":", "%3A").replace(",", "%2C")
    return out


def _warning_summary(problems: list[Problem]) -> str | None:
    from collections import Counter

    counts = Counter(p.code for p in problems if p.severity != "error")
    if not counts:
        return None
    n = sum(counts.values())
    parts = ", ".join(
        f"{c} {code}" for code, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    return (f"{n} warning{'s' * (n != 1)} on other entries not listed ({parts}): "
            "run with --warnings to list them")  # fmt: skip


@guarded
def validate_cmd(
    path: Annotated[
        Path | None,
        typer.Argument(
            help="Dataset YAML to check (default: --data, then CRISISNAV_DATA, then the packaged one).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=VALIDATE.help(),
        ),
    ] = "text",
    warnings: Annotated[
        bool,
        typer.Option(
            "--warnings",
            "-W",
            help="List every warning (text format); by default they are summarised by code after the errors.",
        ),
    ] = False,
    data: DataOpt = None,
) -> None:
    """Check a dataset file: YAML pitfalls, the schema, phones, URLs, dates, hours and places.

    Exit 0 when there are no errors (warnings allowed), 1 when there are errors, 4 when the file
    cannot be read as text at all. Example: crisisnav validate data/resources.yaml
    """
    from crisisnav import errors
    from crisisnav.dataset import packaged_path
    from crisisnav.validate import has_errors, is_fatal, validate_file

    fmt = VALIDATE.check(fmt)
    target = path if path is not None else data_path(data)
    if target is None:
        target = packaged_path()
    from crisisnav.render.safe import inert

    shown = inert(str(target))
    problems = validate_file(target)

    lines: list[str] = []
    problems_left: list[Problem] = []
    if fmt == "json":
        lines.append(json.dumps([p.to_json() for p in problems], indent=2, ensure_ascii=False))
    else:
        shown_problems = problems
        if fmt == "text":
            # the contributor's own errors first; the warnings after them, listed or summarised
            # (and the warnings of the entries that have errors, and of the file as a whole);
            # the other entries' warnings are summarised unless --warnings asks for them.
            errs = [p for p in problems if p.severity == "error"]
            broken = {p.resource_id for p in errs}
            warns = [p for p in problems if p.severity != "error"]
            near = [
                p for p in warns if warnings or p.resource_id is None or p.resource_id in broken
            ]
            shown_problems = errs + near
            problems_left = [p for p in warns if p not in near]
        for p in shown_problems:
            path_text = inert(p.path)  # a hostile file name must not reach the terminal raw
            loc = f"{path_text}:{p.line}:{p.col}" if p.line else path_text
            if fmt == "github":
                props = f"file={_github_escape(p.path, prop=True)}"
                if p.line:
                    props += f",line={p.line},col={p.col}"
                props += f",title={_github_escape(p.code, prop=True)}"
                msg = p.message + (f" (fix: {p.fix})" if p.fix else "")
                lines.append(f"::{p.severity} {props}::{_github_escape(msg)}")
            else:
                lines.append(f"{loc}: {p.severity} {p.code} {inert(p.message)}")
                if p.fix:
                    lines.append(f"  fix: {inert(p.fix)}")
    if fmt == "text":
        summary = _warning_summary(problems_left)
        if summary:
            lines.append(summary)
    if lines:
        typer.echo("\n".join(lines).encode("utf-8", "backslashreplace").decode("utf-8"))
    n_err = sum(1 for p in problems if p.severity == "error")
    n_warn = len(problems) - n_err
    if is_fatal(problems):
        eprint(f"crisisnav: {shown}: cannot be read as a dataset ({problems[0].message})")
        raise typer.Exit(errors.EXIT_DATA)
    if n_err or n_warn:
        eprint(f"{shown}: {n_err} error{'s' * (n_err != 1)}, {n_warn} warning{'s' * (n_warn != 1)}")
    else:
        eprint(f"{shown}: no problems")
    if has_errors(problems):
        raise typer.Exit(errors.EXIT_NOT_FOUND)
