"""Issue 15, the findings outside the cache: closed and full streams, completion, endless and
odd batch inputs, batch memory, empty paths, outputs over inputs, one dataset snapshot, temp
files on SIGTERM/SIGHUP, non-UTF-8 locales, TERM=dumb, direction marks, CSV list cells and
unknown --language words. Each test names the finding it covers."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crisisnav import dataset, fileio
from test_hardening_support import SMALL, assert_no_traceback, child_env, invoke, run_cli

AT = "2026-12-01 03:00"
LOOKUP = ["lookup", "Eugene, OR", "--format", "json", "--at", AT]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "crisisnav", *args]


def _sh(
    script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[bytes]:
    """Run `sh -c script sh ARGS...` (for fd redirections such as <&- and >&-)."""
    return subprocess.run(["/bin/sh", "-c", script, "sh", *args], capture_output=True, timeout=timeout,
                          env=env or child_env(), check=False)  # fmt: skip


# ------------------------------------------------------------------ closed and full streams


def test_closed_stdin_lookup_answers_and_exits_0(warm_cache: Path) -> None:
    """Finding: `<&-` gave "internal error", exit 70."""
    env = child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)})
    proc = _sh('exec "$@" <&-', *_cli(*LOOKUP), env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["place"]["name"] == "Eugene"
    assert proc.stderr == b""


def test_closed_stdin_batch_from_stdin_is_an_empty_batch(warm_cache: Path) -> None:
    env = child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)})
    proc = _sh('exec "$@" <&-', *_cli("lookup", "--batch", "-"), env=env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, b"", b"")


def test_bare_crisisnav_with_closed_stdin_prints_help_no_traceback() -> None:
    """Finding: bare `crisisnav <&-` printed a traceback."""
    proc = _sh('exec "$@" <&-', *_cli())
    assert proc.returncode == 0, proc.stderr
    assert b"Usage:" in proc.stdout
    assert_no_traceback(proc.stderr)
    assert proc.stderr == b""


@pytest.mark.parametrize(
    "args", [LOOKUP, ["places", "Eugene, OR"], ["lookup", "qxzv blorptown", "--format", "json"]]
)
def test_closed_stdout_exits_quietly_with_the_commands_own_code(
    args: list[str], warm_cache: Path
) -> None:
    """Finding: `>&-` gave "internal error", exit 70. Now nothing is printed anywhere and the
    exit code is the answer's own (0 found, 1 not found)."""
    env = child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)})
    proc = _sh('exec "$@" >&-', *_cli(*args), env=env)
    want = 1 if "qxzv" in args[1] else 0
    assert proc.returncode == want, proc.stderr
    assert proc.stderr == b""


def test_full_disk_on_stdout_is_one_line_not_an_internal_error(warm_cache: Path) -> None:
    """Finding: a full disk on standard output was "an internal error ... please report it"."""
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(_cli(*LOOKUP), stdout=full, stderr=subprocess.PIPE, timeout=120,
                              env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)}), check=False)  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr == b"crisisnav: cannot write to standard output: No space left on device\n"


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["lookup", "--help"]])
def test_help_and_version_into_a_closed_pipe_exit_0(args: list[str]) -> None:
    """Finding: `--help` and `--version` exited 1 when the output pipe was closed."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: every write is EPIPE
    try:
        proc = subprocess.run(_cli(*args), stdout=write_end, stderr=subprocess.PIPE, timeout=60,
                              env=child_env(), check=False)  # fmt: skip
    finally:
        os.close(write_end)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == b""


# ------------------------------------------------------------------ completion


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"COMP_CWORD": "x"},
        {"COMP_CWORD": "99"},
        {"COMP_WORDS": "crisisnav 'unclosed", "COMP_CWORD": "1"},
    ],
    ids=["no-cword", "cword-not-a-number", "cword-out-of-range", "open-quote"],
)
def test_completion_without_a_valid_comp_cword_never_shows_a_traceback(
    extra: dict[str, str],
) -> None:
    """Finding: shell completion without a valid COMP_CWORD printed a traceback."""
    env: dict[str, str | None] = {"_CRISISNAV_COMPLETE": "complete_bash", "COMP_WORDS": "crisisnav lookup Eu",
                                  "COMP_CWORD": None}  # fmt: skip
    env.update(extra)
    proc = run_cli([], env=env)
    assert proc.returncode == 0
    assert_no_traceback(proc.stderr)
    assert proc.stderr == b""


# ------------------------------------------------------------------ batch input policy


def _batch(cmd: str, data: bytes, tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    f = tmp_path / "batch.txt"
    f.write_bytes(data)
    if cmd == "sheet":
        return invoke(["sheet", "--batch", str(f), "--out-dir", str(tmp_path / "out"), "--format", "markdown",
                       "--data", str(SMALL), *extra])  # fmt: skip
    return invoke([cmd, "--batch", str(f), "--format", "jsonl", *(["--data", str(SMALL)] if cmd == "lookup" else []),
                   *extra])  # fmt: skip


ENCODINGS = {
    "utf-16-le-bom": "\ufeffEugene, OR\r\n97401\r\n".encode("utf-16-le"),
    "utf-16-be-bom": "\ufeffEugene, OR\r\n97401\r\n".encode("utf-16-be"),
    "utf-8-bom": "\ufeffEugene, OR\n97401\n".encode(),
    "cr-only": b"Eugene, OR\r97401\r",
    "crlf": b"Eugene, OR\r\n97401\r\n",
    "lf-no-final-newline": b"Eugene, OR\n97401",
    "blank-and-comment-lines": b"\n# a comment\nEugene, OR\n   \n  # indented comment\n97401\n\n",
}


@pytest.mark.parametrize("enc", sorted(ENCODINGS))
@pytest.mark.parametrize("cmd", ["lookup", "places"])
def test_every_batch_encoding_and_line_ending_gives_the_same_two_answers(
    cmd: str, enc: str, tmp_path: Path
) -> None:
    """Finding: a UTF-16 batch file gave not_found for every line with exit 0; old-Mac CR line
    endings merged all lines into one query. One policy now for every command."""
    code, out, err = _batch(cmd, ENCODINGS[enc], tmp_path)
    assert code == 0, err
    got = [json.loads(x) for x in out.splitlines()]
    assert [(r["query"], r["status"]) for r in got] == [("Eugene, OR", "ok"), ("97401", "ok")]


@pytest.mark.parametrize("enc", sorted(ENCODINGS))
def test_sheet_batch_reads_the_same_lines(enc: str, tmp_path: Path) -> None:
    code, out, err = _batch("sheet", ENCODINGS[enc], tmp_path)
    assert code == 0, err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["97401.md", "eugene-or.md"]


def test_batch_queries_numbers_physical_lines_and_flags_problems(tmp_path: Path) -> None:
    f = tmp_path / "b.txt"
    f.write_bytes(
        b"Eugene\r\n\r\n# c\rbad \xff\nnul\x00x\n" + b"y" * (fileio.LINE_LIMIT + 10) + b"\nlast"
    )
    got = [(ln.number, ln.text[:8], ln.problem) for ln in fileio.batch_queries(str(f))]
    assert got == [(1, "Eugene", None), (4, "bad \ufffd", "not-utf8"), (5, "nul\x00x", "binary"),
                   (6, "yyyyyyyy", "too-long"), (7, "last", None)]  # fmt: skip


@pytest.mark.parametrize("cmd", ["lookup", "places", "sheet"])
def test_dev_zero_is_refused_at_once_by_every_command(cmd: str, tmp_path: Path) -> None:
    """Finding: `lookup --batch /dev/zero` and `places --batch /dev/zero` never finished."""
    args = ["--out-dir", str(tmp_path / "o")] if cmd == "sheet" else []
    started = time.monotonic()
    proc = run_cli([cmd, "--batch", "/dev/zero", *args], timeout=60)
    assert time.monotonic() - started < 30
    assert proc.returncode == 4
    assert b"a device, not a file of places" in proc.stderr
    assert_no_traceback(proc.stderr)


@pytest.mark.parametrize("cmd", ["lookup", "places"])
def test_endless_input_on_a_pipe_is_refused(cmd: str) -> None:
    """`cat /dev/zero | crisisnav lookup --batch -`: one endless line, refused after 256 MB."""
    proc = _sh('head -c 400000000 /dev/zero | "$@"', *_cli(cmd, "--batch", "-"), timeout=300)
    assert proc.returncode == 4, proc.stderr
    assert b"with no line break" in proc.stderr
    assert proc.stdout == b""


_RSS = """
import json, resource, subprocess, sys
with open(sys.argv[1], "rb") as fin:
    rc = subprocess.call(sys.argv[2:], stdin=fin, stdout=subprocess.DEVNULL)
print(json.dumps({"rc": rc, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


@pytest.mark.slow
def test_batch_of_20000_distinct_zips_stays_under_150_mb(tmp_path: Path, warm_cache: Path) -> None:
    """Finding: 20,000 distinct ZIPs peaked at 546 MB (a per-place memo of up to 10,000 ranked
    places). The memo now keeps the last 256 places; measured with RUSAGE_CHILDREN."""
    from crisisnav import gazetteer

    zips = gazetteer.load().zip_codes()
    assert len(zips) >= 20_000
    src = tmp_path / "zips.txt"
    src.write_text("\n".join(zips[:: max(1, len(zips) // 20_000)][:20_000]) + "\n")
    assert len(set(src.read_text().split())) == 20_000
    proc = subprocess.run(
        [sys.executable, "-c", _RSS, str(src), *_cli("lookup", "--batch", "-", "--at", AT)],
        capture_output=True, timeout=900, env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)}), check=False,
    )  # fmt: skip
    report = json.loads(proc.stdout)
    assert report["rc"] == 0, proc.stderr
    peak_mb = report["maxrss_kb"] / 1024
    print(f"\n20,000 distinct ZIPs: peak RSS {peak_mb:.1f} MB")
    assert peak_mb < 150


# ------------------------------------------------------------------ paths


@pytest.mark.parametrize(
    "args, option",
    [
        (["lookup", "Eugene", "--data", ""], "--data"),
        (["lookup", "--batch", ""], "--batch"),
        (["export", "-f", "json", "-o", ""], "-o"),
        (["sheet", "Eugene, OR", "--output="], "--output"),
        (["sheet", "--batch", "x", "--out-dir", ""], "--out-dir"),
        (["validate", ""], "validate"),
    ],
)
def test_empty_paths_are_named_clearly(args: list[str], option: str) -> None:
    """Finding: `-o ''` said "Device or resource busy", `--data ''` "`.`: a directory",
    `--batch ''` named the file `<data>`."""
    proc = run_cli(args)
    assert proc.returncode == 2
    assert proc.stderr.decode() == f"crisisnav: {option}: the path is empty; give a file name\n"


@pytest.mark.parametrize(
    "cmd",
    [["export", "-f", "json"], ["export", "-f", "csv"], ["sheet", "Eugene, OR", "-f", "html"]],
)
def test_an_output_never_replaces_the_dataset_being_read(cmd: list[str], tmp_path: Path) -> None:
    """Finding: `export -o FILE --data FILE` and `sheet -o FILE --data FILE` silently replaced
    the dataset being read."""
    data = tmp_path / "data.yaml"
    data.write_bytes(SMALL.read_bytes())
    link = tmp_path / "link.yaml"
    link.symlink_to(data)
    for target in (data, link):
        code, out, err = invoke([*cmd, "-o", str(target), "--data", str(data)])
        assert code == 2, err
        assert "that is the dataset this run reads" in err
        assert data.read_bytes() == SMALL.read_bytes()


def test_output_never_replaces_the_dataset_from_crisisnav_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.yaml"
    data.write_bytes(SMALL.read_bytes())
    monkeypatch.setenv("CRISISNAV_DATA", str(data))
    code, out, err = invoke(["export", "-f", "json", "-o", str(data)])
    assert code == 2 and data.read_bytes() == SMALL.read_bytes()


def test_sheet_batch_never_overwrites_its_batch_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    batch = out / "eugene-or.md"  # the name the Eugene sheet would get
    batch.write_text("Eugene, OR\n")
    code, stdout, err = invoke(["sheet", "--batch", str(batch), "--out-dir", str(out), "--format", "markdown",
                                "--data", str(SMALL), "--force"])  # fmt: skip
    assert code == 1 and "is an input of this run" in err
    assert batch.read_text() == "Eugene, OR\n"


# ------------------------------------------------------------------ one snapshot


def test_a_dataset_changing_while_read_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding: a batch running while another program rewrote the dataset in place sometimes used
    a truncated but valid file. The read is checked (size and mtime before and after, bytes
    read against fstat); a torn read is read again, from the file as it is then."""
    data = tmp_path / "data.yaml"
    full = SMALL.read_bytes()
    data.write_bytes(full)
    real_fstat = os.fstat
    calls = {"n": 0}

    def fstat(fd: int) -> os.stat_result:
        calls["n"] += 1
        if calls["n"] == 2:  # after the first read: the writer truncates and rewrites in place
            with open(data, "r+b") as fh:
                fh.truncate(len(full) // 2)
                fh.write(b"")
            os.utime(data, ns=(1, 1))
        if calls["n"] == 3:  # ... and finishes before the second read
            data.write_bytes(full)
        return real_fstat(fd)

    monkeypatch.setattr(fileio.os, "fstat", fstat)
    assert fileio.read_bytes(data) == full
    assert calls["n"] >= 4  # two reads, each checked before and after


def test_a_dataset_that_never_settles_is_refused_not_used_torn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.yaml"
    data.write_bytes(SMALL.read_bytes())
    monkeypatch.setattr(fileio, "_read_once", lambda p: (b"schema_version: 1\n", True))
    monkeypatch.setattr(time, "sleep", lambda s: None)
    with pytest.raises(Exception, match="kept changing"):
        dataset.load(data, use_cache=False)


# ------------------------------------------------------------------ signals


_SLOW_WRITE = """
import os, sys, time
from crisisnav import cache
_fdopen = os.fdopen
def slow_fdopen(fd, *a, **k):  # fileio.write_atomic: the temp file exists, the write is next
    name = os.readlink(f"/proc/self/fd/{fd}")
    if name.endswith(".tmp"):
        sys.stderr.write("TEMP " + name + "\\n"); sys.stderr.flush()
        time.sleep(60)
    return _fdopen(fd, *a, **k)
os.fdopen = slow_fdopen
_open = cache._open_temp
def slow_open(d, name):  # the cache: the temp file exists, the write is next
    fd = _open(d, name)
    sys.stderr.write("TEMP " + str(d.path / name) + "\\n"); sys.stderr.flush()
    time.sleep(60)
    return fd
cache._open_temp = slow_open
sys.argv = ["crisisnav"] + sys.argv[1:]
from crisisnav.__main__ import run
run()
"""


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("what", ["sheet", "cache"])
def test_sigterm_and_sighup_remove_the_temp_file_being_written(
    sig: str, what: str, tmp_path: Path
) -> None:
    """Finding: SIGTERM or SIGHUP while writing a sheet or a cache entry left hidden temp files."""
    cdir = tmp_path / "cache"
    out = tmp_path / "e.html"
    args = (
        ["sheet", "Eugene, OR", "-o", str(out), "--data", str(SMALL)]
        if what == "sheet"
        else ["lookup", "97401", "--data", str(SMALL)]  # writes the dataset's cache entry
    )
    env = child_env({"CRISISNAV_CACHE_DIR": str(cdir) if what == "cache" else ""})
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)  # fmt: skip
    assert proc.stderr is not None
    line = proc.stderr.readline().decode()
    assert line.startswith("TEMP "), line + proc.stderr.read().decode()
    temp = Path(line[5:].strip())
    assert temp.exists()
    proc.send_signal(getattr(signal, sig))
    proc.communicate(timeout=60)
    assert proc.returncode == -getattr(signal, sig)  # ends the way the signal would have
    assert not temp.exists()
    leftovers = [p.name for p in temp.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


# ------------------------------------------------------------------ locale, colour, text


def test_non_utf8_locale_keeps_the_query_text(warm_cache: Path) -> None:
    """Finding: under LC_ALL=C without UTF-8 mode, "Española" became lone surrogates in the JSON."""
    env = child_env({"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0",
                     "PYTHONIOENCODING": None, "CRISISNAV_CACHE_DIR": str(warm_cache)})  # fmt: skip
    proc = subprocess.run(_cli("lookup", "Española, NM", "--format", "json"), capture_output=True, env=env,
                          timeout=120, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    body = json.loads(proc.stdout)
    assert body["query"] == "Española, NM"
    assert body["place"]["state"] == "NM"


def test_term_dumb_gets_no_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding: TERM=dumb still got colour."""
    from crisisnav.render.echo import use_color

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert use_color("auto", Tty()) is True  # the control
    monkeypatch.setenv("TERM", "dumb")
    assert use_color("auto", Tty()) is False
    assert use_color("always", Tty()) is True  # asked for explicitly


def _marked_dataset(tmp_path: Path, caveats: list[str]) -> Path:
    text = SMALL.read_text(encoding="utf-8")
    marker = "    caveats: [Adults only.]\n"
    assert marker in text
    items = ", ".join(json.dumps(c, ensure_ascii=False) for c in caveats)
    p = tmp_path / "marked.yaml"
    p.write_text(text.replace(marker, f"    caveats: [{items}]\n", 1), encoding="utf-8")
    return p


@pytest.mark.parametrize("fmt", ["plain", "csv", "markdown"])
def test_direction_marks_stay_characters(fmt: str, tmp_path: Path) -> None:
    """Finding: U+200E/U+200F were printed as the text "\\u200f" in plain, CSV and Markdown,
    though validate accepts them. Overrides (U+202E) are still escaped."""
    from crisisnav.render.safe import inert, printable

    data = _marked_dataset(tmp_path, ["Llame al \u200f+1 541\u200e y pida ayuda \u061c."])
    text = data.read_text(encoding="utf-8")
    old_name = "name: Fixture Lane County Mobile Crisis\n"
    data.write_text(
        text.replace(
            old_name,
            '"name": "Llame al \u200f+1 541\u200e y pida ayuda \u061c."\n'.replace(
                '"name"', "name"
            ),
            1,
        ),
        encoding="utf-8",
    )
    code, out, err = invoke(
        ["lookup", "Eugene, OR", "--format", fmt, "--data", str(data), "--at", AT]
    )
    assert code == 0, err
    assert "\u200f+1 541\u200e" in out and "\u061c." in out
    assert "\\u200f" not in out and "\\u200e" not in out and "\\u061c" not in out
    # an override (which validate refuses in data) is still escaped wherever text is printed
    assert inert("a\u202eb\u200fc") == "a\\u202eb\u200fc"
    assert printable("a\u202eb\u200fc") == "ab\u200fc"


def test_csv_list_cells_escape_the_separator(tmp_path: Path) -> None:
    """Finding: the lookup CSV joined caveats with " | " (one caveat contains " | ") and folded
    newlines and tabs. Now a "|" inside an item is escaped, so render.safe.split_list gives
    back exactly the caveats. Newlines and tabs still fold to a space, on purpose: no value may
    start a physical line of the file (the hardening suite's rule for every text output)."""
    from crisisnav.render.safe import split_list

    caveats = ["Call A | or B", "back\\slash", "plain"]
    data = _marked_dataset(tmp_path, caveats)
    code, out, err = invoke(
        ["lookup", "Eugene, OR", "--format", "csv", "--data", str(data), "--at", AT]
    )
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    cells = [r["caveats"] for r in rows if "Call A" in r["caveats"]]
    assert cells, out[:500]
    assert split_list(cells[0]) == caveats
    folded = _marked_dataset(tmp_path, ["two\nlines\tand a tab"])
    code, out, err = invoke(
        ["lookup", "Eugene, OR", "--format", "csv", "--data", str(folded), "--at", AT]
    )
    assert code == 0 and "two lines and a tab" in out


def test_export_csv_list_cells_escape_the_separator(tmp_path: Path) -> None:
    from crisisnav.render.safe import split_list

    caveats = ["Call A | or B", "plain"]
    data = _marked_dataset(tmp_path, caveats)
    code, out, err = invoke(["export", "-f", "csv", "--data", str(data)])
    assert code == 0, err
    rows = [r for r in csv.DictReader(io.StringIO(out)) if "Call A" in r["caveats"]]
    assert split_list(rows[0]["caveats"]) == caveats


# ------------------------------------------------------------------ --language


@pytest.mark.parametrize(
    "word, code", [("spanish", "es"), ("Español", "es"), ("ES", "es"), ("english", "en")]
)
def test_language_names_map_to_codes(word: str, code: str) -> None:
    """Finding: `--language spanish` hid every option with no hint that the word is unknown."""
    got, out, err = invoke(
        ["lookup", "Eugene, OR", "--format", "json", "--language", word, "--at", AT]
    )
    assert got == 0, err
    body = json.loads(out)
    assert body["resources"], "the mapped language finds entries"
    assert all(code in r["languages"] or not r["languages"] for r in body["resources"])


@pytest.mark.parametrize("cmd", [["lookup", "Eugene, OR"], ["sheet", "Eugene, OR"]])
def test_unknown_language_word_is_a_usage_error_with_the_known_codes(cmd: list[str]) -> None:
    code, out, err = invoke([*cmd, "--language", "klingon"])
    assert code == 2
    assert '--language: "klingon" is not a language code' in err
    assert "es" in err and "spanish" in err
    code, out, err = invoke([*cmd, "--language", "spansh"])
    assert code == 2 and 'did you mean "es"' in err
