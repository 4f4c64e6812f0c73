"""`crisisnav sheet`: printable one-page sheets (HTML, PDF, Markdown, plain text), one or a batch.

One place:  crisisnav sheet "Eugene, OR" --format pdf -o eugene.pdf
A batch:    crisisnav sheet --batch cities.txt --out-dir sheets/ --format pdf

Files that exist already, one rule for -o and --out-dir: never replaced without --force; with
--skip-existing left as they are and counted as done (a batch can be re-run after adding lines).
A device or FIFO named with -o (/dev/null) is written into, never replaced.

Exit codes (one place): 0 written (or kept with --skip-existing); 1 place not found, the file
exists (no --force) or could not be written; 2 usage error (e.g. PDF without -o); 3 ambiguous
place (candidates on stderr); 4 dataset unreadable.

Exit codes (batch): 0 every line gave a sheet (or repeated a place already written, or found
its file kept with --skip-existing); 1 at least one line was not found, or a file could not be
written (an existing file is never overwritten without --force); 3 at least one line was ambiguous and
none of the above happened; 2 usage error; 4 dataset or batch file unreadable. Every line is
tried whatever happens to the others; the summary on stderr names each line that failed.
Standard output lists the files written, one per line.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crisisnav import errors
from crisisnav.commands._common import DataOpt, LangOpt, data_path, eprint, guarded, use_lang
from crisisnav.completion import complete_audience, complete_place
from crisisnav.fileio import input_identities, is_input, refuse_overwriting_inputs
from crisisnav.i18n import _
from crisisnav.render.formats import SHEET
from crisisnav.render.words import resolution_message

if TYPE_CHECKING:
    from crisisnav.models import Dataset, Resolution
    from crisisnav.render.sheet_model import Sheet

FORMATS = SHEET.names
EXTENSIONS = {name: SHEET.extension(name) for name in FORMATS}
_SUFFIX_FORMATS = {
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".md": "markdown",
    ".txt": "plain",
}
PAPERS = ("letter", "a4")


@dataclass(frozen=True)
class SheetOptions:
    audiences: tuple[str, ...] = ()
    contact: str | None = None
    language: str | None = None
    no_911: bool = False
    at: datetime | None = None
    paper: str = "letter"


def make_sheet(
    dataset: Dataset, resolution: Resolution, opts: SheetOptions, *, printed: date
) -> Sheet:
    """Rank the dataset for a resolved place and turn the result into a sheet."""
    from crisisnav import rank
    from crisisnav.render.sheet_model import build_sheet
    from crisisnav.render.sheet_words import dataset_source

    result = rank.lookup(
        dataset,
        resolution,
        at=opts.at,
        audiences=opts.audiences,
        contact=opts.contact,
        language=opts.language,
        no_911=opts.no_911,
    )
    source = dataset_source(dataset.path)
    return build_sheet(result, printed=printed, source=source)


def render(sheet: Sheet, fmt: str, paper: str) -> bytes:
    """The sheet in one of FORMATS, as the bytes of a file."""
    if fmt == "pdf":
        from crisisnav.render.sheet_pdf import render_pdf

        return render_pdf(sheet, paper)
    if fmt == "html":
        from crisisnav.render.sheet_html import render_html

        return render_html(sheet, paper).encode("utf-8")
    from crisisnav.render.sheet_text import render_markdown, render_plain

    text = render_markdown(sheet) if fmt == "markdown" else render_plain(sheet)
    return text.encode("utf-8")


def _write_atomic(path: Path, payload: bytes, *, overwrite: bool) -> None:
    """overwrite=False never replaces an existing file (see fileio.write_atomic)."""
    from crisisnav.fileio import write_atomic

    write_atomic(path, payload, overwrite=overwrite)


def _is_regular_file(path: Path) -> bool:
    """An existing regular file (a device or FIFO the user names, -o /dev/null, is written into)."""
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _candidates_text(resolution: Resolution, limit: int = 10) -> list[str]:
    from crisisnav.render.sheet_model import clean_text

    lines = [f"  {clean_text(c.label())}" for c in resolution.candidates[:limit]]
    more = len(resolution.candidates) - limit + resolution.omitted  # omitted: cut by the resolver
    if more > 0:
        lines.append(
            _("  ... and {n} more (crisisnav places {query})").format(
                n=more, query=repr(_short(clean_text(resolution.query)))
            )
        )
    return lines


def _short(text: str) -> str:
    """A query echoed in a message: at most 60 characters (a 5,000-character line stays short)."""
    from crisisnav.render.echo import shorten

    return shorten(text)


def _resolve(query: str) -> Resolution:
    from crisisnav.resolve import resolve  # type: ignore[import-not-found,unused-ignore]

    resolution: Resolution = resolve(query)
    return resolution


def _load_dataset(path: Path | None) -> Dataset:
    from crisisnav import dataset

    return dataset.load(data_path(path))


@guarded
def sheet_cmd(
    place: Annotated[
        str | None,
        typer.Argument(
            help="A US city, county, ZIP or state (leave out with --batch).",
            show_default=False,
            autocompletion=complete_place,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=SHEET.help() + " Default: from the -o suffix, else plain (pdf with --batch).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (PDF needs one). Default: standard output.",
            show_default=False,
        ),
    ] = None,
    paper: Annotated[str, typer.Option("--paper", help="Page size: letter or a4.")] = "letter",
    for_: Annotated[
        list[str] | None,
        typer.Option(
            "--for",
            help="Audience(s) to give their own section, e.g. --for trans (repeat or comma-separate).",
            show_default=False,
            autocompletion=complete_audience,
        ),
    ] = None,
    contact: Annotated[
        str | None,
        typer.Option(
            "--contact",
            help="Only entries reachable this way: phone, text, chat, web, tty, videophone.",
            show_default=False,
        ),
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            help="Only entries offering this language code, e.g. es (who answers in it); --lang sets the language the sheet is written in.",
            show_default=False,
        ),
    ] = None,
    no_911: Annotated[
        bool, typer.Option("--no-911", help="Leave out entries reached only through 911.")
    ] = False,
    data: DataOpt = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="Evaluate the data as of this ISO date-time (staleness); the sheet still shows today's print date.",
            show_default=False,
        ),
    ] = None,
    batch: Annotated[
        str | None,
        typer.Option(
            "--batch",
            help="File with one place per line ('-' for standard input): one sheet each.",
            show_default=False,
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="With --batch: directory for the sheets (created if missing).",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace files that exist already (-o or --batch).")
    ] = False,
    skip_existing: Annotated[
        bool,
        typer.Option(
            "--skip-existing",
            help="Leave files that exist already as they are and count them as done (re-run a batch).",
        ),
    ] = False,
    lang: LangOpt = None,
) -> None:
    """Printable one-page sheet of alternatives to police for a place (HTML, PDF, Markdown, text).

    Example: crisisnav sheet "Eugene, OR" --format pdf -o eugene.pdf

    Batch: crisisnav sheet --batch cities.txt --out-dir sheets/ --format pdf writes one file per
    line named after the place (eugene-or.pdf) and lists them on stdout.

    Files that exist already (one rule for -o and --out-dir): never replaced unless --force;
    with --skip-existing they are left as they are and count as done, so a batch can be re-run.
    Exit 1 if any line was not found or not written, else 3 if any was ambiguous, else 0.
    """
    use_lang(lang)
    paper = paper.strip().lower()
    if paper not in PAPERS:
        raise errors.UsageError(_("--paper {value}: choose letter or a4").format(value=repr(paper)))
    if fmt is not None:
        fmt = SHEET.check(fmt)
    from crisisnav.audience import check_audiences, check_language, parse_audiences  # as lookup
    from crisisnav.flow import check_contact, parse_at

    contact = contact.strip().lower() if contact else None
    check_contact(contact)
    opts = SheetOptions(
        audiences=parse_audiences(for_),
        contact=contact,
        language=language.strip().lower() if language else None,
        no_911=no_911,
        at=parse_at(at),
        paper=paper,
    )
    if force and skip_existing:
        raise errors.UsageError(_("give --force (replace) or --skip-existing (keep), not both"))
    if batch is not None:
        if place is not None:
            raise errors.UsageError(_("give either a PLACE or --batch FILE, not both"))
        if output is not None:
            raise errors.UsageError(_("--batch writes into --out-dir; -o is for one place"))
        if out_dir is None:
            raise errors.UsageError(_("--batch needs --out-dir DIR"))
        code = run_batch(
            batch, out_dir, fmt or "pdf", opts, data=data, force=force, skip_existing=skip_existing
        )
        raise typer.Exit(code)
    if out_dir is not None:
        raise errors.UsageError(_("--out-dir goes with --batch"))
    if (force or skip_existing) and (output is None or str(output) == "-"):
        raise errors.UsageError(_("--force and --skip-existing go with -o FILE or --batch"))
    if place is None or not place.strip():
        raise errors.UsageError(_('name a place, e.g. crisisnav sheet "Eugene, OR" -o eugene.pdf'))
    to_stdout = output is None or str(output) == "-"
    if fmt is None:
        fmt = (
            "plain"
            if to_stdout or output is None
            else _SUFFIX_FORMATS.get(output.suffix.lower(), "plain")
        )
    if fmt == "pdf" and to_stdout:
        raise errors.UsageError(_("a PDF needs a file: add -o FILE.pdf"))

    if not to_stdout and output is not None:
        from crisisnav.dataset import resolve_path

        refuse_overwriting_inputs(output, "-o", resolve_path(data_path(data)))
    if output is not None and not to_stdout and _is_regular_file(output) and not force:
        if skip_existing:
            eprint(
                _("crisisnav: {path} exists; left as it is (--skip-existing)").format(path=output)
            )
            return
        raise errors.CrisisNavError(
            _("{path} exists: give --force to replace it (or --skip-existing to keep it)").format(
                path=output
            )
        )
    ds = _load_dataset(data)
    check_audiences(opts.audiences, ds)
    opts = replace(opts, language=check_language(opts.language, ds))
    resolution = _resolve(place)
    _check_resolution(resolution)
    sheet = make_sheet(ds, resolution, opts, printed=date.today())
    payload = render(sheet, fmt, paper)
    if to_stdout:
        if hasattr(sys.stdout, "buffer"):
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        else:  # a text-only stream (some test runners)
            sys.stdout.write(payload.decode("utf-8"))
            sys.stdout.flush()
        return
    assert output is not None
    try:
        _write_atomic(output, payload, overwrite=True)
    except OSError as exc:
        raise errors.CrisisNavError(
            _("cannot write {path}: {why}").format(path=output, why=exc.strerror or exc)
        ) from None


def _check_resolution(resolution: Resolution) -> None:
    from crisisnav.render.sheet_model import clean_text

    query = _short(clean_text(resolution.query))
    if resolution.status == "ambiguous":
        eprint(
            _("crisisnav: {query} could be several places; name one of them:").format(
                query=repr(query)
            )
        )
        for line in _candidates_text(resolution):
            eprint(line)
        raise typer.Exit(errors.EXIT_AMBIGUOUS)
    if resolution.status != "ok" or resolution.place is None:
        msg = _("no US place found for {query}").format(query=repr(query))
        if resolution.message and resolution.message != "no US place matches this name":
            msg += f" ({clean_text(resolution_message(resolution.message))})"
        raise errors.NotFoundError(msg, hint=_("try a city with its state, a ZIP code or a county"))
    if resolution.candidates:
        others = ", ".join(clean_text(c.label()) for c in resolution.candidates[:5])
        eprint(
            _("crisisnav: {query} taken as {place} (also: {others})").format(
                query=repr(query), place=clean_text(resolution.place.label()), others=others
            )
        )


# --------------------------------------------------------------------------- batch


@dataclass
class BatchReport:
    written: list[Path] = field(default_factory=list)
    duplicates: list[tuple[int, str, Path]] = field(default_factory=list)
    ambiguous: list[tuple[int, str, list[str]]] = field(default_factory=list)
    not_found: list[tuple[int, str]] = field(default_factory=list)
    failed: list[tuple[int, str, str]] = field(default_factory=list)  # (line, query, why)
    skipped: list[Path] = field(default_factory=list)  # existing files left (--skip-existing)

    def exit_code(self) -> int:
        if self.not_found or self.failed:
            return errors.EXIT_NOT_FOUND
        if self.ambiguous:
            return errors.EXIT_AMBIGUOUS
        return errors.EXIT_OK


MAX_BATCH_SHEETS = 10_000  # places in one sheet batch; more is refused (memory stays bounded)


def read_batch_lines(source: str) -> list[tuple[int, str]]:
    """(line number, query) for each query line, read by fileio.batch_queries (the batch policy
    every command shares: BOM, UTF-16, CR/CRLF/LF, blank and # lines skipped, devices and
    endless lines refused). A junk line (binary, undecodable, over-long) is kept: it is
    reported as not found by its line number, like any other place that does not resolve."""
    from crisisnav.fileio import batch_queries

    shown = "<stdin>" if source == "-" else source
    out = []
    for line in batch_queries(source):
        out.append((line.number, line.text[:1000]))
        if len(out) > MAX_BATCH_SHEETS:
            raise errors.DataError(
                _("more than {n} places in one batch").format(n=f"{MAX_BATCH_SHEETS:,}"),
                path=shown, code="too-large", hint=_("split the file into smaller batches"),
            )  # fmt: skip
    return out


def _place_key(resolution: Resolution) -> tuple[Any, ...]:
    p = resolution.place
    assert p is not None
    return (p.kind, p.name, p.state, p.zip, p.county)


def run_batch(
    source: str,
    out_dir: Path,
    fmt: str,
    opts: SheetOptions,
    *,
    data: Path | None = None,
    force: bool = False,
    progress: bool | None = None,
    skip_existing: bool = False,
) -> int:
    """Write one sheet per line into out_dir; report on stderr; return the exit code."""
    from crisisnav.render.sheet_model import clean_text, slug

    lines = read_batch_lines(source)
    ds = _load_dataset(data)
    from crisisnav.audience import check_audiences, check_language

    check_audiences(opts.audiences, ds)
    opts = replace(opts, language=check_language(opts.language, ds))
    from crisisnav.dataset import resolve_path

    inputs = input_identities(
        [resolve_path(data_path(data)), None if source == "-" else Path(source)]
    )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise errors.CrisisNavError(
            _("cannot create {path}: {why}").format(path=out_dir, why=exc.strerror or exc)
        ) from None
    ext = EXTENSIONS[fmt]
    report = BatchReport()
    by_place: dict[tuple[Any, ...], Path] = {}
    used_names: set[str] = set()
    today = date.today()
    show_progress = progress if progress is not None else _stderr_is_terminal()

    def one(lineno: int, query: str) -> None:
        resolution = _resolve(query)
        if resolution.status == "ambiguous":
            report.ambiguous.append(
                (lineno, query, [clean_text(c.label()) for c in resolution.candidates[:5]])
            )
            return
        if resolution.status != "ok" or resolution.place is None:
            report.not_found.append((lineno, query))
            return
        key = _place_key(resolution)
        if key in by_place:
            report.duplicates.append((lineno, query, by_place[key]))
            return
        stem = slug(resolution.place)
        name = f"{stem}.{ext}"
        n = 2
        while name in used_names:
            name = f"{stem}-{n}.{ext}"
            n += 1
        target = out_dir / name
        if is_input(target, inputs):
            report.failed.append(
                (
                    lineno,
                    query,
                    _("{path} is an input of this run; not overwritten").format(path=target),
                )
            )
            used_names.add(name)
            return
        if skip_existing and _is_regular_file(target):
            used_names.add(name)
            by_place[key] = target
            report.skipped.append(target)
            return
        payload = render(make_sheet(ds, resolution, opts, printed=today), fmt, opts.paper)
        try:
            _write_atomic(target, payload, overwrite=force)
        except FileExistsError:
            report.failed.append(
                (
                    lineno,
                    query,
                    _("{path} exists (--force replaces it, --skip-existing keeps it)").format(
                        path=target
                    ),
                )
            )
            used_names.add(name)
            return
        except OSError as exc:
            report.failed.append(
                (
                    lineno,
                    query,
                    _("cannot write {path}: {why}").format(path=target, why=exc.strerror or exc),
                )
            )
            return
        used_names.add(name)
        by_place[key] = target
        report.written.append(target)
        try:
            sys.stdout.write(f"{target}\n")
            sys.stdout.flush()
        except (OSError, ValueError):
            pass

    def guarded_one(lineno: int, query: str) -> None:
        try:
            one(lineno, query)
        except (KeyboardInterrupt, BrokenPipeError):
            raise
        except Exception as exc:  # noqa: BLE001 - one bad line never stops the batch
            if os.environ.get("CRISISNAV_DEBUG"):
                raise
            report.failed.append(
                (
                    lineno,
                    query,
                    _("internal error: {error}").format(error=f"{type(exc).__name__}: {exc}"),
                )
            )

    if show_progress:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(stderr=True)
        with Progress(
            TextColumn("sheets"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("sheets", total=len(lines))
            for lineno, query in lines:
                guarded_one(lineno, query)
                bar.advance(task)
    else:
        for lineno, query in lines:
            guarded_one(lineno, query)

    _summary(report, out_dir, len(lines))
    return report.exit_code()


def _stderr_is_terminal() -> bool:
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False


def _summary(report: BatchReport, out_dir: Path, total: int) -> None:
    from crisisnav.render.sheet_model import clean_text

    def q(text: str) -> str:
        return repr(_short(clean_text(text)))

    eprint(
        _("crisisnav: {n} sheet(s) written to {path} from {total} line(s).").format(
            n=len(report.written), path=out_dir, total=total
        )
    )
    if report.skipped:
        eprint(
            _("crisisnav: {n} existing sheet(s) left as they are (--skip-existing).").format(
                n=len(report.skipped)
            )
        )
    for lineno, query, path in report.duplicates:
        eprint(
            _("  line {line}: {query} is the same place as {name}; not written again").format(
                line=lineno, query=q(query), name=path.name
            )
        )
    if report.ambiguous:
        eprint(
            _("crisisnav: {n} ambiguous line(s) (add the state):").format(n=len(report.ambiguous))
        )
        for lineno, query, cands in report.ambiguous:
            eprint(
                _("  line {line}: {query} could be {places}").format(
                    line=lineno, query=q(query), places="; ".join(cands)
                )
            )
    if report.not_found:
        eprint(_("crisisnav: {n} line(s) not found:").format(n=len(report.not_found)))
        for lineno, query in report.not_found:
            eprint(_("  line {line}: {query}").format(line=lineno, query=q(query)))
    if report.failed:
        eprint(_("crisisnav: {n} line(s) failed:").format(n=len(report.failed)))
        for lineno, query, why in report.failed:
            eprint(_("  line {line}: {query}: {why}").format(line=lineno, query=q(query), why=why))
