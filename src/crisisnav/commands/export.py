"""`crisisnav export`: the dataset as HSDS 3.0 (JSON or tabular CSV package), or flat JSON/CSV."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from crisisnav import errors
from crisisnav.commands._common import DataOpt, data_path, eprint, guarded
from crisisnav.render.formats import EXPORT

FORMATS = EXPORT.names


@guarded
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help=EXPORT.help())],
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            metavar="PATH",
            help="File to write (a directory for hsds-csv); '-' writes to standard output.",
        ),
    ] = "-",
    data: DataOpt = None,
) -> None:
    """Export the dataset (HSDS 3.0, JSON, CSV).

    HSDS exports carry police involvement and dispatch path as attributes under a
    `crisisnav` taxonomy; ids are stable UUIDs derived from entry ids, so re-exports diff
    cleanly. Files are written atomically.

    Example: crisisnav export --format hsds-json -o services.json
    """
    from crisisnav import dataset as dataset_mod

    fmt = EXPORT.check(fmt)
    if output != "-":
        from crisisnav.fileio import refuse_overwriting_inputs

        refuse_overwriting_inputs(output, "-o", dataset_mod.resolve_path(data_path(data)))
    ds = dataset_mod.load(data_path(data))
    if fmt == "hsds-csv":
        if output == "-":
            raise errors.UsageError(
                "hsds-csv writes several files: give a directory with -o, e.g. -o hsds/"
            )
        written = write_hsds_csv(ds, Path(output))
        eprint(f"crisisnav: wrote {len(written)} files to {output}")
        return
    text = render(ds, fmt)
    if output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(output)
    if target.is_dir():
        raise errors.UsageError(f"{output} is a directory: give a file name for --format {fmt}")
    write_atomic(target, text.encode("utf-8"))


def render(ds: Any, fmt: str) -> str:
    """The whole export as text, for the single-file formats."""
    from crisisnav.export import flat, hsds
    from crisisnav.render.jsonfmt import dumps

    if fmt == "hsds-json":
        return dumps(hsds.services(ds)) + "\n"
    if fmt == "json":
        return dumps(flat.records(ds)) + "\n"
    if fmt == "csv":
        return _csv_text([list(flat.COLUMNS)] + [flat.csv_row(r) for r in flat.records(ds)])
    raise errors.UsageError(f"--format {fmt} writes a directory: use -o DIR")


def _csv_text(rows: list[list[str]]) -> str:
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()


def write_hsds_csv(ds: Any, directory: Path) -> list[Path]:
    """One CSV per HSDS table plus datapackage.json in directory (created if missing).

    Every file is written to a temporary name first and renamed into place."""
    from crisisnav.export import hsds
    from crisisnav.render.jsonfmt import dumps

    if directory.exists() and not directory.is_dir():
        raise errors.UsageError(f"{directory} is a file: hsds-csv needs a directory for -o")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.CrisisNavError(f"cannot create {directory}: {exc.strerror or exc}") from None
    rows = hsds.tables(ds)
    files: dict[str, bytes] = {}
    for table, (path, columns) in hsds.TABLES.items():
        body = [list(columns)] + [[hsds.cell(rec.get(c)) for c in columns] for rec in rows[table]]
        files[path] = _csv_text(body).encode("utf-8")
    files["datapackage.json"] = (dumps(hsds.datapackage()) + "\n").encode("utf-8")
    written = []
    for name, payload in files.items():
        target = directory / name
        write_atomic(target, payload)
        written.append(target)
    return written


def write_atomic(target: Path, payload: bytes) -> None:
    """Write payload to target via a temporary file in the same directory and a rename."""
    from crisisnav import fileio

    try:
        fileio.write_atomic(target, payload)
    except OSError as exc:
        raise errors.CrisisNavError(f"cannot write {target}: {exc.strerror or exc}") from None
