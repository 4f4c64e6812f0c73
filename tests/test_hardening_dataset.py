"""Hostile dataset files: every attack gets its exact problem code, position and exit code.

Three front doors are checked for each file: `crisisnav validate FILE` (exit 1 for errors,
4 when the bytes are not text at all, 0 for warnings only), the loader `dataset.load`
(DataError, exit 4, with the first error's line and column), and a command that loads data
(`crisisnav export --data FILE`: exit 4, one `crisisnav: FILE:LINE:COL: CODE: ...` line on
stderr, nothing on stdout, never a traceback).
"""

from __future__ import annotations

import os
import subprocess
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from crisisnav import dataset, errors, validate
from test_hardening_support import (
    ENTRY,
    SMALL,
    assert_no_traceback,
    dataset_text,
    invoke,
    needs_resolver,
    run_cli,
)

pytestmark = pytest.mark.slow  # processes and big inputs: skip with -m "not slow"


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    code: str  # the first problem validate reports
    line: int
    col: int | None  # None: column not pinned (it comes from libyaml's own mark)
    validate_exit: int
    loads: bool = False  # warnings only: the dataset loads


def _entry_with(old: str, new: str) -> bytes:
    assert old in ENTRY
    return dataset_text(ENTRY.replace(old, new, 1)).encode("utf-8")


def _bytes_in_name(raw: bytes) -> bytes:
    """The base dataset with raw bytes at line 4, column 19 (inside the entry's name)."""
    text = dataset_text(ENTRY.replace("Fixture Base", "Fixture XX Base")).encode()
    return text.replace(b"XX", raw, 1)


def _bomb(levels: int = 9, width: int = 9) -> bytes:
    """'Billion laughs' inside one entry's caveats: 9 anchors, each list 9 aliases of the one
    before; expanding it would make 9**9 (387 million) strings."""
    lines = ["      - &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"      - &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    caveats = "    caveats:\n" + "\n".join(lines) + "\n"
    return dataset_text(
        ENTRY.replace("    status: active\n", caveats + "    status: active\n")
    ).encode()


def _nested_flow(depth: int) -> bytes:
    return b"schema_version: 1\nresources: " + b"[" * depth + b"]" * depth + b"\n"


def _nested_block(depth: int) -> bytes:
    out = ["schema_version: 1", "resources:"]
    out += [" " * (2 + 2 * i) + "-" for i in range(depth)]
    return ("\n".join(out) + "\n").encode()


# fmt: off
CASES = [
    # YAML tags: reported at the tag, never constructed (side effects: test_tags_have_no_side_effect)
    Case("tag-python-apply", lambda: _entry_with("name: Fixture Base Line",
         'name: !!python/object/apply:os.system ["echo pwned"]'), "tag", 4, 11, 1),
    Case("tag-python-name", lambda: _entry_with("name: Fixture Base Line",
         "name: !!python/name:os.system"), "tag", 4, 11, 1),
    Case("tag-local", lambda: _entry_with("name: Fixture Base Line",
         "name: !shell rm -rf /"), "tag", 4, 11, 1),
    Case("tag-binary", lambda: _entry_with("name: Fixture Base Line",
         "name: !!binary aGVsbG8="), "tag", 4, 11, 1),
    Case("tag-on-mapping", lambda: _entry_with("  - id: hostile-base-line\n",
         "  - !!python/object:__main__.Evil\n    id: hostile-base-line\n"), "tag", 3, 5, 1),
    # anchors and aliases, including the billion-laughs bomb
    Case("alias-bomb", _bomb, "anchor", 15, 9, 1),
    Case("anchor-alias", lambda: _entry_with("    languages: [en]\n",
         "    languages: &l [en]\n    audiences: *l\n"), "anchor", 13, 16, 1),
    Case("merge-key", lambda: _entry_with("    languages: [en]\n",
         "    languages: [en]\n    <<: {police: none}\n"), "unknown-field", 14, 5, 1),
    # structure
    # nesting: refused at the 101st level (the root mapping is level 1), wherever it is
    Case("deep-flow-100k", lambda: _nested_flow(100_000), "yaml-syntax", 2, 1011, 1),  # libyaml: 1000
    Case("deep-flow-900", lambda: _nested_flow(900), "yaml-syntax", 2, 111, 1),
    Case("deep-block-3000", lambda: _nested_block(3000), "yaml-syntax", 102, 201, 1),
    Case("deep-mapping-5000", lambda: dataset_text(ENTRY.replace(
         "name: Fixture Base Line", "name: " + "{a: " * 5000 + "1" + "}" * 5000)).encode(),
         "yaml-syntax", 4, 399, 1),
    Case("duplicate-key-police", lambda: _entry_with("    police: possible\n",
         "    police: none\n    police: police\n"), "duplicate-key", 7, 5, 1),
    Case("duplicate-key-top", lambda: (dataset_text() + "resources: []\n").encode(),
         "duplicate-key", 17, 1, 1),
    Case("two-documents", lambda: (dataset_text() + "---\nschema_version: 1\n").encode(),
         "yaml-syntax", 17, 1, 1),
    # odd keys: a list as a key, a quoted duplicate, a key YAML reads as a boolean
    Case("complex-key", lambda: _entry_with("    languages: [en]\n", "    languages: [en]\n    ? [a, b]: x\n"),
         "wrong-type", 14, 7, 1),
    Case("quoted-duplicate-key", lambda: _entry_with("    languages: [en]\n", '    languages: [en]\n    "id": other\n'),
         "duplicate-key", 14, 5, 1),
    Case("bool-key", lambda: _entry_with("    languages: [en]\n", "    languages: [en]\n    true: x\n"),
         "unknown-field", 14, 5, 1),
    # encodings and bytes
    Case("bom", lambda: b"\xef\xbb\xbf" + dataset_text().encode(), "bom", 1, 1, 0, loads=True),
    Case("crlf", lambda: dataset_text().replace("\n", "\r\n").encode(), "crlf", 1, 18, 0,
         loads=True),
    Case("bom-crlf", lambda: b"\xef\xbb\xbf" + dataset_text().replace("\n", "\r\n").encode(),
         "bom", 1, 1, 0, loads=True),
    Case("lone-cr", lambda: _entry_with("name: Fixture Base Line", 'name: "Call\r911"'),
         "control-char", 4, 16, 1),
    Case("tab-indent", lambda: _entry_with("    kind: crisis-line", "\tkind: crisis-line"),
         "tab", 5, 1, 1),
    Case("invalid-utf8", lambda: _bytes_in_name(b"\xff\xfe"), "not-utf8", 4, 19, 4),
    Case("overlong-utf8", lambda: _bytes_in_name(b"\xc0\xaf"), "not-utf8", 4, 19, 4),
    Case("surrogate-utf8", lambda: _bytes_in_name(b"\xed\xa0\x80"), "not-utf8", 4, 19, 4),
    Case("utf16", lambda: dataset_text().encode("utf-16"), "not-utf8", 1, 1, 4),
    Case("nul-byte", lambda: _bytes_in_name(b"\x00"), "nul-byte", 4, 19, 4),
    # the wrong kind of document
    Case("empty", lambda: b"", "missing-field", 1, 1, 1),
    Case("whitespace-only", lambda: b"   \n\n  \n", "missing-field", 1, 1, 1),
    Case("comment-only", lambda: b"# nothing here\n", "missing-field", 1, 1, 1),
    Case("top-list", lambda: b"- schema_version: 1\n- resources: []\n", "wrong-type", 1, 1, 1),
    Case("top-string", lambda: b"just a string\n", "wrong-type", 1, 1, 1),
    Case("top-number", lambda: b"42\n", "wrong-type", 1, 1, 1),
    Case("top-null", lambda: b"~\n", "wrong-type", 1, 1, 1),
]
# fmt: on


def _write(tmp_path: Path, case: Case) -> Path:
    p = tmp_path / f"{case.name}.yaml"
    p.write_bytes(case.build())
    return p


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_validate_reports_exact_problem(case: Case, tmp_path: Path) -> None:
    path = _write(tmp_path, case)
    problems = validate.validate_file(path)
    assert problems, "a hostile file must never validate clean"
    first = problems[0]
    assert (first.code, first.line) == (case.code, case.line), problems[:3]
    if case.col is not None:
        assert first.col == case.col, problems[:3]
    code, out, err = invoke(["validate", str(path)])
    assert code == case.validate_exit, (out, err)
    col = f":{case.col}" if case.col is not None else ":"
    assert f"{path}:{case.line}{col}" in out and f" {case.code} " in out, out[:500]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_loader_refuses_with_position(case: Case, tmp_path: Path) -> None:
    path = _write(tmp_path, case)
    if case.loads:
        ds = dataset.load(path, use_cache=False)
        clean = dataset.load(_clean(tmp_path), use_cache=False)
        assert [r.to_json() | {"line": 0} for r in ds.resources] == [
            r.to_json() | {"line": 0} for r in clean.resources
        ]
        return
    with pytest.raises(errors.DataError) as info:
        dataset.load(path, use_cache=False)
    exc = info.value
    assert exc.exit_code == errors.EXIT_DATA == 4
    assert (exc.line, exc.path) == (case.line, str(path))
    if case.col is not None:
        assert exc.col == case.col
    assert exc.message.startswith(f"{case.code}:"), exc.message


def _clean(tmp_path: Path) -> Path:
    p = tmp_path / "clean.yaml"
    p.write_text(dataset_text(), encoding="utf-8")
    return p


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_data_command_exits_4_with_one_line(case: Case, tmp_path: Path) -> None:
    path = _write(tmp_path, case)
    code, out, err = invoke(["export", "--format", "json", "--data", str(path)])
    if case.loads:
        assert code == 0 and out.startswith("["), err
        return
    assert code == 4, (out, err)
    assert out == ""
    col = f":{case.col}" if case.col is not None else ""
    assert err.startswith(f"crisisnav: {path}:{case.line}{col}"), err
    assert f"{case.code}:" in err.splitlines()[0]
    assert "hint: run: crisisnav validate" in err


# ------------------------------------------------------------------ code execution

_TAG_ATTACKS = [
    'name: !!python/object/apply:os.system ["touch {sentinel}"]',
    'name: !!python/object/apply:builtins.open ["{sentinel}", "w"]',
    "name: !!python/object/apply:subprocess.Popen [[touch, {sentinel}]]",
    "name: !!python/object/apply:builtins.exec [\"open('{sentinel}', 'w').close()\"]",
    'name: !!python/object/apply:subprocess.check_call [[touch, "{sentinel}"]]',
]


@pytest.mark.parametrize(
    "attack", _TAG_ATTACKS, ids=["os.system", "open", "Popen", "exec", "check_call"]
)
def test_tags_have_no_side_effect(attack: str, tmp_path: Path) -> None:
    sentinel = tmp_path / "pwned"
    text = dataset_text(ENTRY.replace("name: Fixture Base Line", attack.format(sentinel=sentinel)))
    path = tmp_path / "evil.yaml"
    path.write_text(text, encoding="utf-8")

    # The attack is real: PyYAML's unsafe loader runs it and creates the sentinel file.
    import yaml

    try:
        yaml.unsafe_load(text)
    except Exception:  # noqa: BLE001, S110 - Popen/open objects are not serialisable; the call already ran
        pass
    time.sleep(0.05)  # Popen/os.system: let the child finish
    deadline = time.monotonic() + 5
    while not sentinel.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sentinel.exists(), "control: the payload must work under an unsafe loader"
    sentinel.unlink()

    # crisisnav: every entry point refuses it, and nothing ran.
    assert [p.code for p in validate.validate_file(path)][:1] == ["tag"]
    with pytest.raises(errors.DataError):
        dataset.load(path, use_cache=False)
    code, out, err = invoke(["export", "--format", "json", "--data", str(path)])
    assert (code, out) == (4, "") and f"{path}:4:11: tag:" in err
    assert invoke(["validate", str(path)])[0] == 1
    if "os.system" in attack:  # once as a real process too
        proc = run_cli(["export", "--format", "json", "--data", str(path)], timeout=60)
        assert proc.returncode == 4, proc.stderr
        assert f"{path}:4:11: tag:" in proc.stderr.decode()
    time.sleep(0.2)
    assert not sentinel.exists(), "a YAML tag was executed"
    assert not any(tmp_path.glob("pwned*"))


# ------------------------------------------------------------------ bombs and big files


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_bytes(_bomb(levels=9, width=9))
    tracemalloc.start()
    t0 = time.perf_counter()
    problems = validate.validate_file(path)
    with pytest.raises(errors.DataError):
        dataset.load(path, use_cache=False)
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    codes = [p.code for p in problems]
    assert codes.count("anchor") == 9 and codes.count("alias") == 8 * 9
    assert len(problems) < 200  # one problem per alias event, never per expanded node
    assert elapsed < 5, f"alias bomb took {elapsed:.2f}s"
    assert peak < 50_000_000, f"alias bomb used {peak / 1e6:.1f} MB"


def test_big_fifty_megabyte_file_is_refused_unparsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    head = SMALL.read_bytes()
    filler = b"# " + b"x" * 1021 + b"\n"  # 1 KiB comment lines: valid YAML, just big
    with path.open("wb") as fh:
        fh.write(head)
        fh.write(filler * (50 * 1024))
    assert path.stat().st_size > 50 * 1024 * 1024
    t0 = time.perf_counter()
    problems = validate.validate_file(path)
    with pytest.raises(errors.DataError) as info:
        dataset.load(path, use_cache=False)
    elapsed = time.perf_counter() - t0
    assert [p.code for p in problems] == ["too-large"]
    assert info.value.code == "too-large" and info.value.exit_code == 4
    assert elapsed < 2, f"a 50 MB file took {elapsed:.2f}s to refuse (was it read?)"
    proc = run_cli(["validate", str(path)], timeout=60)
    assert proc.returncode == 4 and b"too-large" in proc.stdout, proc
    assert_no_traceback(proc.stdout, proc.stderr)
    proc = run_cli(["export", "--format", "json", "--data", str(path)], timeout=60)
    assert proc.returncode == 4 and proc.stdout == b""
    assert proc.stderr.decode().startswith(f"crisisnav: {path}: the file is 5"), proc.stderr


# ------------------------------------------------------------------ not a file


def _special(kind: str, tmp_path: Path) -> str:
    if kind == "directory":
        return str(tmp_path)
    if kind == "fifo":
        fifo = tmp_path / "data.fifo"
        os.mkfifo(fifo)
        return str(fifo)
    if kind == "missing":
        return str(tmp_path / "no-such.yaml")
    if kind == "symlink-loop":
        loop = tmp_path / "loop.yaml"
        loop.symlink_to(loop)
        return str(loop)
    if kind == "dev-zero":
        return "/dev/zero"
    if kind == "dev-null":
        return "/dev/null"
    raise AssertionError(kind)


SPECIAL = {
    "directory": "not-a-file",
    "fifo": "not-a-file",
    "missing": "file-missing",
    "symlink-loop": "unreadable",
    "dev-zero": "not-a-file",
    "dev-null": "not-a-file",
}


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_not_a_regular_file_never_hangs(kind: str, tmp_path: Path) -> None:
    target = _special(kind, tmp_path)
    code = SPECIAL[kind]
    with pytest.raises(errors.DataError) as info:
        dataset.load(target, use_cache=False)
    assert info.value.code == code and info.value.exit_code == 4
    status, out, err = invoke(["validate", target])
    assert status == 4 and f"{target}: error {code} " in out, out
    status, out, err = invoke(["export", "--format", "json", "--data", target])
    assert status == 4 and out == "" and err.startswith(f"crisisnav: {target}: "), err


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_fifo_and_endless_device_as_real_processes(kind: str, tmp_path: Path) -> None:
    """A FIFO with no writer blocks a naive open(); /dev/zero never ends. Real processes with a
    timeout, so a hang fails the test instead of stalling the suite."""
    target = _special(kind, tmp_path)
    proc = run_cli(["validate", target], timeout=30)
    assert proc.returncode == 4, proc
    assert f"{target}: error not-a-file ".encode() in proc.stdout, proc.stdout
    assert_no_traceback(proc.stdout, proc.stderr)
    proc = run_cli(["export", "--format", "json", "--data", target], timeout=30)
    assert proc.returncode == 4 and proc.stdout == b"", proc
    assert proc.stderr.decode().startswith(f"crisisnav: {target}: "), proc.stderr


@needs_resolver
@pytest.mark.parametrize("command", ["lookup", "sheet", "places-free"])
def test_fifo_data_for_lookup_and_sheet(command: str, tmp_path: Path) -> None:
    fifo = _special("fifo", tmp_path)
    if command == "lookup":
        args = ["lookup", "97401", "--format", "json", "--data", fifo]
    elif command == "sheet":
        args = [
            "sheet",
            "97401",
            "--format",
            "html",
            "-o",
            str(tmp_path / "s.html"),
            "--data",
            fifo,
        ]
    else:
        args = ["lookup", "--batch", "-", "--data", fifo]
    proc = run_cli(args, timeout=20, input=b"97401\n")
    assert proc.returncode == 4, proc
    assert proc.stdout == b""
    assert proc.stderr.decode().startswith(f"crisisnav: {fifo}: not a regular file"), proc.stderr


def test_env_var_data_is_checked_the_same_way(tmp_path: Path) -> None:
    proc = run_cli(
        ["export", "--format", "json"], env={"CRISISNAV_DATA": str(tmp_path)}, timeout=20
    )
    assert proc.returncode == 4
    assert proc.stderr.decode().startswith(f"crisisnav: {tmp_path}: a directory"), proc.stderr


# ------------------------------------------------------------------ many small values

_RSS = """
import json, resource, subprocess, sys
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(json.dumps({"rc": rc, "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def test_big_millions_of_tiny_values_are_refused_in_bounded_memory(tmp_path: Path) -> None:
    import json
    import sys

    path = tmp_path / "wide.yaml"
    n = 9_900_000  # "a," each: a 19.8 MB file, just under the 20 MB size limit
    path.write_text(
        dataset_text(ENTRY.replace("    languages: [en]", "    languages: [" + "a," * n + "a]"))
    )
    assert path.stat().st_size < 20 * 1024 * 1024
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _RSS, sys.executable, "-m", "crisisnav", "validate", str(path)],
        capture_output=True,
        timeout=300,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    report = json.loads(proc.stdout)
    peak_mb = report["maxrss_kb"] / 1024
    print(
        f"\n19.8 MB of tiny values: validate exit {report['rc']}, {elapsed:.1f} s, peak {peak_mb:.0f} MB"
    )
    assert peak_mb < 300, f"peak {peak_mb:.0f} MB, {elapsed:.1f} s"  # unbounded: 1.5 GB
    assert report["rc"] == 4  # too-large: refused like a file over the size limit
    code, out, err = invoke(["validate", str(path)])
    assert (
        code == 4
        and f"{path}:13:" in out
        and " error too-large more than 1,000,000 YAML values" in out
    )
