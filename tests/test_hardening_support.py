"""Helpers shared by the hardening tests (tests/test_hardening_*.py); no tests here.

Every hostile case runs the real code: the CLI in-process through typer's CliRunner, or as a
real `python -m crisisnav` subprocess with a timeout (so a hang is a failure, not a stuck run).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
SMALL = TESTS / "data" / "valid" / "small.yaml"
HOSTILE = TESTS / "data" / "hostile"
INERT = HOSTILE / "inert-strings.yaml"  # legal but hostile strings (validate passes)
CONTROL = HOSTILE / "control-chars.yaml"  # raw control sequences (validate must refuse)
AT = "2026-12-01 03:00"

# Python's own traceback header, and the lines typer/click print for an uncaught exception.
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "', "Error:\n")


def assert_no_traceback(*streams: str | bytes | None) -> None:
    for s in streams:
        if s is None:
            continue
        text = s.decode("utf-8", "replace") if isinstance(s, bytes) else s
        assert "Traceback (most recent call last)" not in text, text[-2000:]
        assert "internal error" not in text, text[-2000:]


def have_resolver() -> bool:
    import importlib.util

    return importlib.util.find_spec("crisisnav.resolve") is not None


needs_resolver = pytest.mark.skipif(
    not have_resolver(), reason="crisisnav.resolve has not landed yet"
)


def sigint_default() -> None:
    """preexec_fn for a child that must react to Ctrl-C: SIGINT back to its default, so the
    child's Python installs its KeyboardInterrupt handler even when pytest itself was started
    with SIGINT ignored (`nohup`, a background job of a non-interactive shell), which children
    otherwise inherit."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def child_env(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The current environment (with the test's CRISISNAV_CACHE_DIR), plus or minus keys."""
    env = dict(os.environ)
    env.pop("CRISISNAV_DEBUG", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run_cli(
    args: Sequence[str],
    *,
    env: Mapping[str, str | None] | None = None,
    input: bytes | None = None,  # noqa: A002 - mirrors subprocess.run
    timeout: float = 60,
    cwd: Path | None = None,
    pre: str | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """`python -m crisisnav ARGS` as a real process. `pre` is Python run first in the child
    (e.g. to patch socket or os functions) before the CLI starts."""
    if pre is None:
        cmd = [sys.executable, "-m", "crisisnav", *args]
    else:
        boot = (
            pre
            + "\nimport sys\nfrom crisisnav.cli import main\n"
            + "sys.argv = ['crisisnav'] + sys.argv[1:]\nmain()\n"
        )
        cmd = [sys.executable, "-c", boot, *args]
    return subprocess.run(
        cmd,
        input=input,
        capture_output=True,
        timeout=timeout,
        env=child_env(env),
        cwd=str(cwd) if cwd else None,
        check=False,
    )


def invoke(args: Sequence[str], input: str | bytes | None = None) -> tuple[int, str, str]:
    """The CLI in-process: (exit code, stdout, stderr)."""
    from typer.testing import CliRunner

    from crisisnav.cli import app

    runner = CliRunner()
    res = runner.invoke(app, list(args), input=input, catch_exceptions=True)
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        raise AssertionError(f"uncaught {type(res.exception).__name__}: {res.exception}")
    out = res.stdout
    err = res.stderr if res.stderr_bytes is not None else ""
    assert_no_traceback(out, err)
    return res.exit_code, out, err


def dataset_text(entry: str | None = None) -> str:
    """A valid one-entry dataset (fake data); `entry` replaces the entry when given."""
    body = entry if entry is not None else ENTRY
    return "schema_version: 1\nresources:\n" + body


ENTRY = """\
  - id: hostile-base-line
    name: Fixture Base Line
    kind: crisis-line
    police: possible
    dispatch: direct
    serves:
      - {national: true}
    contacts:
      - {type: phone, value: "541-555-0100"}
    hours: ["24/7"]
    languages: [en]
    status: active
    verified: 2026-11-01
    sources: ["https://example.org/fixture-base"]
"""


def make_resource(**overrides: object) -> object:
    """A Resource (fake data) with any field overridden; bypasses the loader on purpose, so a
    renderer can be fed strings the loader would refuse (defence in depth)."""
    from datetime import date

    from crisisnav.models import Area, Contact, Resource

    fields: dict[str, object] = {
        "id": "hostile-entry",
        "name": "Fixture Hostile Entry",
        "kind": "crisis-line",
        "police": "possible",
        "dispatch": "direct",
        "serves": (Area(national=True),),
        "contacts": (Contact(type="phone", value="541-555-0100"),),
        "hours": ("24/7",),
        "status": "active",
        "verified": date(2026, 11, 1),
        "sources": ("https://example.org/fixture-hostile",),
        "languages": ("en",),
    }
    fields.update(overrides)
    return Resource(**fields)  # type: ignore[arg-type]
