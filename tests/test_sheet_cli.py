"""`crisisnav sheet` through the CLI: one place and batches, exit codes, files written.

In-process tests (CliRunner) replace the place resolver with a small table so that they test
this command, not the gazetteer; the subprocess tests at the end use the real resolver."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.commands import sheet as sheet_mod
from crisisnav.models import Place, Resolution
from crisisnav.render.formats import SHEET
from fixture_data import EUGENE

FIXTURE = str(Path(__file__).parent / "data" / "valid" / "small.yaml")
LANE = Place(
    kind="county",
    name="Lane County",
    state="OR",
    county="Lane County",
    counties=("Lane County",),
    timezone="America/Los_Angeles",
)
SPRINGFIELDS = tuple(
    Place(kind="city", name="Springfield", state=st, city="Springfield", counties=(c,))
    for st, c in (("IL", "Sangamon County"), ("MO", "Greene County"), ("OR", "Lane County"))
)


def fake_resolve(query: str) -> Resolution:
    q = " ".join(query.lower().replace(",", " ").split())
    if q in ("eugene or", "eugene"):
        return Resolution(query=query, status="ok", place=EUGENE)
    if q == "lane county or":
        return Resolution(query=query, status="ok", place=LANE)
    if q == "springfield":
        return Resolution(query=query, status="ambiguous", candidates=SPRINGFIELDS)
    return Resolution(query=query, status="not_found")


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(sheet_mod, "_resolve", fake_resolve)
    return CliRunner()


def _pdf_pages_text(path: Path) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return len(reader.pages), "".join(
        "".join((p.extract_text() or "").split()) for p in reader.pages
    )


def test_pdf_to_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "eugene.pdf"
    res = runner.invoke(app, ["sheet", "Eugene, OR", "--data", FIXTURE, "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    pages, text = _pdf_pages_text(out)
    assert pages == 1
    assert "Crisishelpwithoutpolice—Eugene,OR" in text
    assert "541-555-0102" in text and "FixtureLaneCountyMobileCrisis" in text


def test_format_comes_from_the_output_suffix(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "eugene.html"
    res = runner.invoke(
        app, ["sheet", "Eugene, OR", "--data", FIXTURE, "-o", str(out), "--paper", "a4"]
    )
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "@page{size:A4;" in html


@pytest.mark.parametrize("fmt", [f for f in SHEET.names if f != "pdf"])  # pdf needs -o
def test_text_formats_go_to_stdout(runner: CliRunner, fmt: str) -> None:
    res = runner.invoke(app, ["sheet", "Eugene, OR", "--data", FIXTURE, "--format", fmt])
    assert res.exit_code == 0, res.output
    assert "Fixture Lane County Mobile Crisis" in res.stdout
    assert "Crisis help without police — Eugene, OR" in res.stdout


def test_pdf_without_output_is_a_usage_error(runner: CliRunner) -> None:
    res = runner.invoke(app, ["sheet", "Eugene, OR", "--data", FIXTURE, "--format", "pdf"])
    assert res.exit_code == 2
    assert "-o FILE.pdf" in res.stderr
    assert res.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["sheet", "Eugene, OR", "--paper", "legal"],
        ["sheet", "Eugene, OR", "--format", "docx"],
        ["sheet"],
        ["sheet", "Eugene, OR", "--batch", "x.txt", "--out-dir", "d"],
        ["sheet", "--batch", "x.txt"],
        ["sheet", "Eugene, OR", "--contact", "pigeon"],
        ["sheet", "Eugene, OR", "--at", "yesterday-ish"],
        ["sheet", "Eugene, OR", "--force"],
        ["sheet", "Eugene, OR", "--skip-existing"],
        ["sheet", "Eugene, OR", "-o", "x.html", "--force", "--skip-existing"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    res = runner.invoke(app, [*args, "--data", FIXTURE])
    assert res.exit_code == 2, (res.exit_code, res.output)
    assert res.stdout == ""
    assert "Traceback" not in res.output


def test_ambiguous_place_exits_3_with_candidates(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "s.pdf"
    res = runner.invoke(app, ["sheet", "Springfield", "--data", FIXTURE, "-o", str(out)])
    assert res.exit_code == 3
    for label in (
        "Springfield, Sangamon County, IL",
        "Springfield, Greene County, MO",
        "Springfield, Lane County, OR",
    ):
        assert label in res.stderr
    assert not out.exists()


def test_unknown_place_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    res = runner.invoke(app, ["sheet", "Xyzzy", "--data", FIXTURE, "-o", str(out)])
    assert res.exit_code == 1
    assert "no US place found" in res.stderr
    assert not out.exists()


def test_unwritable_output_exits_1_without_traceback(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        ["sheet", "Eugene, OR", "--data", FIXTURE, "-o", str(tmp_path / "no" / "such" / "x.pdf")],
    )
    assert res.exit_code == 1
    assert "cannot write" in res.stderr and "Traceback" not in res.output


def test_unreadable_dataset_exits_4(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(app, ["sheet", "Eugene, OR", "--data", str(tmp_path / "missing.yaml")])
    assert res.exit_code == 4


def test_filters_reach_the_sheet(runner: CliRunner) -> None:
    res = runner.invoke(
        app, ["sheet", "Eugene, OR", "--data", FIXTURE, "--format", "plain", "--no-911"]
    )
    assert res.exit_code == 0, res.output
    assert "Fixture Eugene Police CIT" not in res.stdout
    assert "Only services not reached only through 911." in res.stdout
    res = runner.invoke(
        app, ["sheet", "Eugene, OR", "--data", FIXTURE, "--format", "plain", "--language", "es"]
    )
    assert res.exit_code == 0, res.output
    assert "Fixture National Crisis Line" in res.stdout
    assert "Fixture Text Line" not in res.stdout


def test_for_audience_gets_its_own_first_section(runner: CliRunner) -> None:
    res = runner.invoke(
        app, ["sheet", "Eugene, OR", "--data", FIXTURE, "--format", "plain", "--for", "trans"]
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    first_heading = next(i for i, line in enumerate(lines) if line.startswith("---")) - 1
    assert lines[first_heading] == "FOR TRANS PEOPLE"
    assert lines[first_heading + 2] == "Fixture Trans Peer Line"
    assert "Listed first: services for trans people." in lines[1]


# --------------------------------------------------------------------------- batch


def _batch(runner: CliRunner, lines: str, out_dir: Path, *extra: str) -> object:
    return runner.invoke(
        app,
        ["sheet", "--batch", "-", "--out-dir", str(out_dir), "--data", FIXTURE, *extra],
        input=lines,
    )


def test_batch_writes_one_pdf_per_place_with_slug_names(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    res = _batch(runner, "# a comment\nEugene, OR\n\nLane County, OR\neugene or\n", out)
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    assert sorted(p.name for p in out.iterdir()) == ["eugene-or.pdf", "lane-county-or.pdf"]
    assert res.stdout.split() == [str(out / "eugene-or.pdf"), str(out / "lane-county-or.pdf")]  # type: ignore[attr-defined]
    assert "same place as eugene-or.pdf" in res.stderr  # type: ignore[attr-defined]
    for p in out.iterdir():
        pages, _ = _pdf_pages_text(p)
        assert pages == 1


def test_batch_summary_and_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    res = _batch(runner, "Eugene, OR\nSpringfield\n", tmp_path / "a", "--format", "html")
    assert res.exit_code == 3  # type: ignore[attr-defined]
    assert (tmp_path / "a" / "eugene-or.html").exists()
    assert "line 2: 'Springfield' could be Springfield, Sangamon County, IL" in res.stderr  # type: ignore[attr-defined]
    res = _batch(runner, "Springfield\nXyzzy\nEugene, OR\n", tmp_path / "b", "--format", "html")
    assert res.exit_code == 1  # type: ignore[attr-defined]
    assert "1 line(s) not found" in res.stderr and "line 2: 'Xyzzy'" in res.stderr  # type: ignore[attr-defined]
    assert (tmp_path / "b" / "eugene-or.html").exists()  # later lines still run


def test_batch_never_overwrites_a_file_it_did_not_write(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "sheets"
    out.mkdir()
    mine = out / "eugene-or.pdf"
    mine.write_text("someone else's file", encoding="utf-8")
    res = _batch(runner, "Eugene, OR\nLane County, OR\n", out)
    assert res.exit_code == 1  # type: ignore[attr-defined]
    assert mine.read_text(encoding="utf-8") == "someone else's file"
    assert "exists (--force replaces it, --skip-existing keeps it)" in res.stderr  # type: ignore[attr-defined]
    assert (out / "lane-county-or.pdf").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left
    res = _batch(runner, "Eugene, OR\n", out, "--force")
    assert res.exit_code == 0  # type: ignore[attr-defined]
    assert mine.read_bytes().startswith(b"%PDF")


def test_batch_file_argument_and_unreadable_file(runner: CliRunner, tmp_path: Path) -> None:
    src = tmp_path / "places.txt"
    src.write_text("Eugene, OR\n", encoding="utf-8")
    res = runner.invoke(
        app,
        [
            "sheet",
            "--batch",
            str(src),
            "--out-dir",
            str(tmp_path / "o"),
            "--data",
            FIXTURE,
            "-f",
            "html",
        ],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o" / "eugene-or.html").exists()
    res = runner.invoke(
        app,
        [
            "sheet",
            "--batch",
            str(tmp_path / "nope.txt"),
            "--out-dir",
            str(tmp_path / "o"),
            "--data",
            FIXTURE,
        ],
    )
    assert res.exit_code == 4


def test_batch_progress_bar_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sheet_mod, "_resolve", fake_resolve)
    src = tmp_path / "p.txt"
    src.write_text("Eugene, OR\n", encoding="utf-8")
    opts = sheet_mod.SheetOptions()
    code = sheet_mod.run_batch(
        str(src), tmp_path / "o", "html", opts, data=Path(FIXTURE), progress=None
    )
    assert code == 0
    err = capsys.readouterr().err
    assert "\x1b[" not in err and "━" not in err  # stderr is not a terminal here: no bar


# --------------------------------------------------------------------------- real subprocess

needs_resolver = pytest.mark.skipif(
    importlib.util.find_spec("crisisnav.resolve") is None, reason="crisisnav.resolve not landed yet"
)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache directory for this module's subprocesses (still never the real one), so the
    gazetteer index is built once, not once per test."""
    return tmp_path_factory.mktemp("sheet-subprocess-cache")


@pytest.fixture(autouse=True)
def _subprocess_cache(shared_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(shared_cache))


def _run(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("CRISISNAV_DATA", None)
    return subprocess.run(
        [sys.executable, "-m", "crisisnav", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
        check=False,
    )


@needs_resolver
def test_subprocess_eugene_pdf(tmp_path: Path) -> None:
    out = tmp_path / "eugene.pdf"
    proc = _run("sheet", "Eugene, OR", "--data", FIXTURE, "--format", "pdf", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    pages, text = _pdf_pages_text(out)
    assert pages == 1 and "FixtureLaneCountyMobileCrisis" in text


@needs_resolver
def test_subprocess_pdf_needs_output_and_ambiguity_exits_3() -> None:
    proc = _run("sheet", "Eugene, OR", "--data", FIXTURE, "--format", "pdf")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = _run("sheet", "Springfield", "--data", FIXTURE, "--format", "plain")
    assert proc.returncode == 3
    assert proc.stdout == ""
    assert "Springfield" in proc.stderr and ", IL" in proc.stderr and ", MO" in proc.stderr
    proc = _run("sheet", "Qwxzzy Nowhereville", "--data", FIXTURE, "--format", "plain")
    assert proc.returncode == 1


@needs_resolver
def test_subprocess_batch(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = _run(
        "sheet",
        "--batch",
        "-",
        "--out-dir",
        str(out),
        "--data",
        FIXTURE,
        stdin="Eugene, OR\nLane County, OR\n",
    )
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["eugene-or.pdf", "lane-county-or.pdf"]


@needs_resolver
def test_batch_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    src = tmp_path / "p.txt"
    src.write_text("Eugene, OR\nLane County, OR\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CRISISNAV_DATA", "NO_COLOR")}
    env.update({"TERM": "xterm-256color", "COLUMNS": "100"})
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "crisisnav",
            "sheet",
            "--batch",
            str(src),
            "--out-dir",
            str(tmp_path / "o"),
            "--data",
            FIXTURE,
        ],
        env=env,
        encoding="utf-8",
        timeout=120,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    out = child.before or ""
    assert "sheets" in out and "2/2" in out  # the bar's label and count drawn on the terminal
    assert "2 sheet(s) written" in out


def test_no_clobber_write_works_without_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FAT/exFAT USB sticks refuse os.link: the exclusive-create fallback still writes, and
    still never replaces an existing file."""
    import errno

    from crisisnav.commands import sheet as sheet_mod

    def no_links(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(sheet_mod.os, "link", no_links)
    target = tmp_path / "eugene-or.html"
    sheet_mod._write_atomic(target, b"<p>sheet</p>", overwrite=False)
    assert target.read_bytes() == b"<p>sheet</p>"
    with pytest.raises(FileExistsError):
        sheet_mod._write_atomic(target, b"<p>other</p>", overwrite=False)
    assert target.read_bytes() == b"<p>sheet</p>"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["eugene-or.html"]


def test_sheet_for_rejects_an_unknown_audience_like_lookup(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crisisnav.cli import app

    result = CliRunner().invoke(
        app, ["sheet", "Eugene, OR", "--for", "qwertyuiop", "--format", "plain"]
    )
    assert result.exit_code == 2
    assert "not a known audience" in result.output
    ok = CliRunner().invoke(app, ["sheet", "Eugene, OR", "--for", "veteran", "--format", "plain"])
    assert ok.exit_code == 0, ok.output


def test_one_rule_for_existing_files_with_o_and_out_dir(runner: CliRunner, tmp_path: Path) -> None:
    """-o and --out-dir: an existing file is never replaced without --force; --skip-existing
    keeps it and counts it as done, so a batch can be re-run."""
    one = tmp_path / "eugene.html"
    one.write_text("mine", encoding="utf-8")
    res = runner.invoke(app, ["sheet", "Eugene, OR", "--data", FIXTURE, "-o", str(one)])
    assert res.exit_code == 1 and one.read_text(encoding="utf-8") == "mine"
    assert "--force" in res.stderr  # type: ignore[attr-defined]
    res = runner.invoke(
        app, ["sheet", "Eugene, OR", "--data", FIXTURE, "-o", str(one), "--skip-existing"]
    )
    assert res.exit_code == 0 and one.read_text(encoding="utf-8") == "mine"
    res = runner.invoke(app, ["sheet", "Eugene, OR", "--data", FIXTURE, "-o", str(one), "--force"])
    assert res.exit_code == 0 and "<!DOCTYPE html>" in one.read_text(encoding="utf-8")

    out = tmp_path / "sheets"
    first = _batch(runner, "Eugene, OR\n", out)
    assert first.exit_code == 0
    before = (out / "eugene-or.pdf").read_bytes()
    again = _batch(runner, "Eugene, OR\nLane County, OR\n", out, "--skip-existing")
    assert again.exit_code == 0, again.stderr  # type: ignore[attr-defined]
    assert (out / "eugene-or.pdf").read_bytes() == before  # kept
    assert (out / "lane-county-or.pdf").exists()  # the new line written
    assert "left as they are" in again.stderr  # type: ignore[attr-defined]
    assert again.stdout.strip().splitlines() == [str(out / "lane-county-or.pdf")]
