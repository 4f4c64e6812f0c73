"""validate: one bad file per rule at its exact line:col and code; YAML safety; never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.models import Problem
from crisisnav.rules import FATAL_CODES
from crisisnav.validate import validate_bytes, validate_file, validate_text

DATA = Path(__file__).parent / "data"
INVALID = DATA / "invalid"
VALID = DATA / "valid"
SHIPPED = Path(__file__).parent.parent / "src" / "crisisnav" / "data" / "resources.yaml"


def _manifest() -> list[tuple[str, int, int, str, int]]:
    rows = []
    for raw in (INVALID / "manifest.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        name, pos, code, rc = raw.split()
        line, col = pos.split(":")
        rows.append((name, int(line), int(col), code, int(rc)))
    return rows


MANIFEST = _manifest()
TODAY = date(2026, 11, 26)


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One cache dir for this module's subprocesses, so the places index is built only once."""
    return str(tmp_path_factory.mktemp("shared-cache"))


def _run(args: list[str], cache_dir: str, **kw: Any) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CRISISNAV_CACHE_DIR=cache_dir)
    return subprocess.run(
        [sys.executable, "-m", "crisisnav", *args], capture_output=True, text=True, timeout=120,
        env=env, **kw,
    )  # fmt: skip


def test_manifest_covers_every_file_and_every_rule() -> None:
    files = {p.name for p in INVALID.iterdir() if p.name != "manifest.txt"}
    assert files == {row[0] for row in MANIFEST}
    codes = {row[3] for row in MANIFEST}
    for code in (
        "yaml-syntax", "bom", "tab", "crlf", "not-utf8", "nul-byte", "duplicate-key", "tag",
        "anchor", "alias", "unquoted-phone", "yaml-time", "yaml-bool", "octal-string",
        "unknown-field", "missing-field", "wrong-type", "enum", "duplicate-id", "id-format",
        "phone-invalid", "url-invalid", "url-not-https", "date-invalid", "date-future",
        "timezone-invalid", "hours-invalid", "status-since-missing", "timezone-missing", "stale",
        "control-char", "area-unknown", "area-shape", "empty-value", "audience-unknown",
    ):  # fmt: skip
        assert code in codes, code


@pytest.mark.parametrize(
    ("name", "line", "col", "code", "rc"), MANIFEST, ids=[r[0] for r in MANIFEST]
)
def test_bad_file_reports_exact_position(
    name: str, line: int, col: int, code: str, rc: int
) -> None:
    problems = validate_file(INVALID / name, today=TODAY)  # fixed: no stale warnings appear later
    assert all(isinstance(p, Problem) for p in problems)
    hits = [p for p in problems if (p.line, p.col, p.code) == (line, col, code)]
    assert hits, [(p.line, p.col, p.code) for p in problems]
    expected_severity = "warning" if rc == 0 else "error"
    assert hits[0].severity == expected_severity
    if rc == 0:  # files meant to pass with a warning have nothing else wrong
        assert [p.severity for p in problems] == ["warning"]
    assert [(p.line, p.col) for p in problems] == sorted((p.line, p.col) for p in problems)
    assert (rc == 4) == any(p.code in FATAL_CODES for p in problems)


@pytest.mark.parametrize(
    ("name", "line", "col", "code", "rc"), MANIFEST, ids=[r[0] for r in MANIFEST]
)
def test_bad_file_through_cli(name: str, line: int, col: int, code: str, rc: int) -> None:
    path = str(INVALID / name)
    result = CliRunner().invoke(app, ["validate", "--warnings", path])
    out = result.stdout + result.stderr
    assert result.exit_code == rc, out
    assert "Traceback" not in out
    severity = "warning" if rc == 0 else "error"
    assert f"{path}:{line}:{col}: {severity} {code} " in result.stdout


def test_valid_fixtures_and_shipped_data_are_clean() -> None:
    # the real date (never earlier than the newest `verified` in the data), so a check made today
    # is not "in the future"; stale entries are warnings, not errors
    today = max(date.today(), date(2026, 11, 29))
    for path in [*VALID.glob("*.yaml"), SHIPPED]:
        problems = validate_file(path, today=today)
        assert not [p for p in problems if p.severity == "error"], (path, problems)
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 0, result.stdout + result.stderr


def test_text_output_has_fix_and_summary() -> None:
    path = str(INVALID / "unknown-field.yaml")
    result = CliRunner().invoke(app, ["validate", path])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"{path}:13:5: error unknown-field unknown field 'tiemzone'")
    assert "did you mean 'timezone'" in lines[0]
    assert lines[1] == "  fix: rename it to 'timezone'"
    assert re.search(r"1 error, [0-9]+ warnings?", result.stderr)
    assert "error" not in result.stderr.replace("1 error", "")


def test_json_and_github_formats() -> None:
    path = str(INVALID / "enum.yaml")
    result = CliRunner().invoke(app, ["validate", path, "--format", "json"])
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert items and set(items[0]) == {
        "path",
        "line",
        "col",
        "severity",
        "code",
        "message",
        "fix",
        "resource_id",
    }
    assert (items[0]["line"], items[0]["col"], items[0]["code"]) == (5, 11, "enum")
    assert items[0]["resource_id"] == "test-entry"
    result = CliRunner().invoke(app, ["validate", path, "--format", "github"])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"::error file={path},line=5,col=11,title=enum::'kind' is")
    result = CliRunner().invoke(app, ["validate", path, "--format", "xml"])
    assert result.exit_code == 2
    assert "Traceback" not in result.stdout + result.stderr


def test_data_option_and_env_pick_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = str(INVALID / "enum.yaml")
    result = CliRunner().invoke(app, ["validate", "--data", bad])
    assert result.exit_code == 1 and f"{bad}:5:11:" in result.stdout
    monkeypatch.setenv("CRISISNAV_DATA", bad)
    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 1 and f"{bad}:5:11:" in result.stdout
    good = str(VALID / "small.yaml")
    result = CliRunner().invoke(app, ["validate", good])  # PATH wins over the variable
    assert result.exit_code == 0, result.stdout


def test_unreadable_inputs_exit_4(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    binary = tmp_path / "image.yaml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    for target, code in (
        (tmp_path / "missing.yaml", "file-missing"),
        (tmp_path, "not-a-file"),
        (fifo, "not-a-file"),
        (binary, "nul-byte"),
    ):
        result = CliRunner().invoke(app, ["validate", str(target)])
        out = result.stdout + result.stderr
        assert result.exit_code == 4, out
        assert code in result.stdout and "Traceback" not in out


def test_too_large_is_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(21 * 1024 * 1024)  # sparse: costs no disk
    problems = validate_file(big)
    assert [p.code for p in problems] == ["too-large"]
    assert "20 MB" in problems[0].message


@pytest.mark.parametrize(
    "args, rc, needle",
    [
        (["validate", str(INVALID / "duplicate-key.yaml")], 1, "duplicate-key"),
        (["validate", str(INVALID / "not-utf8.yaml")], 4, "not-utf8"),
        (["validate", str(VALID / "small.yaml"), "--format", "json"], 0, "[]"),
        (["validate", "/nonexistent/crisisnav/data.yaml"], 4, "file-missing"),
    ],
)
def test_real_subprocess(
    args: list[str], rc: int, needle: str, tmp_path: Path, shared_cache: str
) -> None:
    proc = _run(args, shared_cache, cwd=tmp_path)
    assert proc.returncode == rc, proc.stdout + proc.stderr
    assert needle in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_fifo_does_not_block_a_real_process(tmp_path: Path, shared_cache: str) -> None:
    fifo = tmp_path / "data.yaml"
    os.mkfifo(fifo)
    proc = _run(["validate", str(fifo)], shared_cache)
    assert proc.returncode == 4
    assert "not-a-file" in proc.stdout


def test_python_tag_is_never_executed(tmp_path: Path, shared_cache: str) -> None:
    marker = tmp_path / "pwned-marker"
    evil = tmp_path / "evil.yaml"
    evil.write_text(
        f'schema_version: 1\nresources: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'x: !!python/object/new:os.system ["touch {marker}"]\n',
        encoding="utf-8",
    )
    problems = validate_file(evil)
    assert [(p.line, p.code) for p in problems if p.code == "tag"] == [(2, "tag"), (3, "tag")]
    result = CliRunner().invoke(app, ["validate", str(evil)])
    assert result.exit_code == 1
    proc = _run(["validate", str(evil)], shared_cache)
    assert proc.returncode == 1 and "tag" in proc.stdout
    assert not marker.exists()


def test_alias_bomb_is_rejected_without_expansion() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for n in "bcdefghijklmnop":  # 10**16 strings if anything expanded it
        lines.append(f"{n}: &{n} [" + ",".join(["*" + prev] * 10) + "]")
        prev = n
    problems = validate_text("\n".join(lines) + "\n", "bomb.yaml")
    aliases = [p for p in problems if p.code == "alias"]
    assert len(aliases) == 150
    assert (aliases[0].line, aliases[0].col) == (2, 8)


def test_values_yaml_would_change_say_quote_it() -> None:
    text = (INVALID / "yaml-bool.yaml").read_text(encoding="utf-8")
    [p] = validate_text(text, "x.yaml", today=TODAY)
    assert p.code == "yaml-bool" and "no" in p.message and p.fix and 'quote it: "no"' in p.fix
    [p] = validate_file(INVALID / "yaml-time.yaml", today=TODAY)
    assert "840" in p.message and p.fix == 'quote it: "14:00"'
    [p] = validate_file(INVALID / "unquoted-phone.yaml", today=TODAY)
    assert p.fix == 'quote it: value: "5415550123"'
    [p] = validate_file(INVALID / "octal-string.yaml", today=TODAY)
    assert "83" in p.message


def test_did_you_mean_for_areas_and_enums() -> None:
    [p] = validate_file(INVALID / "area-unknown.yaml", today=TODAY)
    assert "did you mean 'Lane County'" in p.message
    [p] = validate_file(INVALID / "enum.yaml", today=TODAY)
    assert "did you mean 'mobile-team'" in p.message


def test_police_enum_never_suggests_a_level() -> None:
    text = (INVALID / "enum.yaml").read_text(encoding="utf-8").replace(
        "kind: mobile", "kind: crisis-line").replace("police: possible", "police: nope")  # fmt: skip
    [p] = validate_text(text, "x.yaml", today=TODAY)
    assert p.code == "enum" and "did you mean" not in p.message and p.fix is None


def test_stale_and_future_depend_on_today() -> None:
    text = (VALID / "small.yaml").read_text(encoding="utf-8")
    later = validate_text(text, "x.yaml", today=date(2028, 1, 1))
    assert {p.code for p in later} == {"stale"} and len(later) == 12
    earlier = validate_text(text, "x.yaml", today=date(2026, 1, 1))
    assert {p.code for p in earlier} == {"date-future"}


def test_duplicate_key_keeps_positions_of_both() -> None:
    [p] = validate_file(INVALID / "duplicate-key.yaml", today=TODAY)
    assert "first on line 4" in p.message


def test_escaped_control_char_in_quoted_string() -> None:
    text = (VALID / "small.yaml").read_text(encoding="utf-8").replace(
        "name: Fixture Text Line", 'name: "Fixture \\u202E Text Line"')  # fmt: skip
    problems = validate_text(text, "x.yaml", today=date(2026, 11, 26))
    assert [p.code for p in problems] == ["control-char"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text_gives_problems_not_exceptions(text: str) -> None:
    problems = validate_text(text, "fuzz.yaml")
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) and p.line >= 0 and p.col >= 0 for p in problems)


_YAMLISH = st.text(
    alphabet=list(" \n\t:-[]{},&*!#|>'\"?%@`0123456789abcNOyes~.\r\x00\ufeff\u202e"), max_size=200
)


@settings(max_examples=300, deadline=None)
@given(_YAMLISH)
def test_yaml_like_text_gives_problems_not_exceptions(text: str) -> None:
    problems = validate_text(text, "fuzz.yaml")
    assert all(isinstance(p, Problem) for p in problems)
    assert [(p.line, p.col) for p in problems] == sorted((p.line, p.col) for p in problems)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_problems_not_exceptions(data: bytes) -> None:
    assert all(isinstance(p, Problem) for p in validate_bytes(data, "fuzz.yaml"))


def test_every_fixture_entry_text_mutation_is_caught() -> None:
    """Deleting any one required line of a valid entry is always an error, never silent."""
    base = (
        (INVALID / "enum.yaml")
        .read_text(encoding="utf-8")
        .replace("kind: mobile", "kind: crisis-line")
    )
    assert not [p for p in validate_text(base, "x.yaml", today=TODAY) if p.severity == "error"]
    lines = base.splitlines()
    required = (
        "id:",
        "name:",
        "kind:",
        "police:",
        "dispatch:",
        "serves:",
        "hours:",
        "status:",
        "verified:",
        "sources:",
    )
    for i, line in enumerate(lines):
        if line.strip().lstrip("- ").startswith(required):
            mutated = "\n".join(lines[:i] + lines[i + 1 :]) + "\n"
            if line.strip().startswith("serves:"):
                mutated = mutated.replace("      - {state: OR, county: Lane County}\n", "")
            errs = [p for p in validate_text(mutated, "x.yaml") if p.severity == "error"]
            assert errs, line


_SMALL_TEXT = (VALID / "small.yaml").read_text(encoding="utf-8")


@settings(max_examples=150, deadline=None)
@given(st.integers(0, len(_SMALL_TEXT)), st.integers(0, 20), _YAMLISH)
def test_edits_of_a_real_file_give_problems_not_exceptions(at: int, cut: int, insert: str) -> None:
    text = _SMALL_TEXT[:at] + insert[:12] + _SMALL_TEXT[at + cut :]
    problems = validate_text(text, "fuzz.yaml")
    assert all(isinstance(p, Problem) for p in problems)


@pytest.mark.parametrize("depth", [150, 900, 100_000])
def test_deep_nesting_is_a_syntax_error_at_its_position(depth: int) -> None:
    text = "schema_version: 1\nresources: " + "[" * depth + "]" * depth + "\n"
    problems = validate_text(text, "deep.yaml")
    assert [p.code for p in problems] == ["yaml-syntax"]
    assert problems[0].line == 2 and problems[0].col > 13  # where the nesting got too deep
    shallow = "schema_version: 1\nresources: " + "[" * 20 + "]" * 20 + "\n"
    assert [p.code for p in validate_text(shallow, "ok.yaml")] == ["wrong-type"]


def test_pure_python_parser_gives_the_same_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without libyaml (yaml.CSafeLoader missing) the safe pure-Python parser is used: same results."""
    import yaml

    with_c = {name: validate_file(INVALID / name, today=TODAY) for name, *_ in MANIFEST}
    with_c["small.yaml"] = validate_file(VALID / "small.yaml", today=TODAY)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    for name, *_ in MANIFEST:
        pure = validate_file(INVALID / name, today=TODAY)
        if name == "yaml-syntax.yaml":  # both say yaml-syntax at the same place; wording differs
            assert [(p.line, p.col, p.code) for p in pure] == [
                (p.line, p.col, p.code) for p in with_c[name]
            ]
        else:
            assert pure == with_c[name], name
    assert validate_file(VALID / "small.yaml", today=TODAY) == with_c["small.yaml"] == []
