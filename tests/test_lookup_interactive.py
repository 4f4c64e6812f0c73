"""Interactive volunteer mode driven end to end on a pseudo-terminal with pexpect:
a lookup, an ambiguous pick by number, a second lookup, then Ctrl-D / Ctrl-C / q.
Also checks that nothing (no readline history file) is written to HOME."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from test_hardening_support import sigint_default
from test_lookup_support import AT, SMALL

pexpect = pytest.importorskip("pexpect")

TIMEOUT = 120


@pytest.fixture(scope="module")
def warm_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    cache = str(tmp_path_factory.mktemp("interactive-cache"))
    env = dict(os.environ, CRISISNAV_CACHE_DIR=cache)
    subprocess.run([sys.executable, "-m", "crisisnav", "lookup", "Eugene, OR", "--data", str(SMALL)],
                   env=env, capture_output=True, timeout=300, check=False)  # fmt: skip
    return cache


def spawn(args: list[str], home: Path, cache: str, **extra_env: str):  # type: ignore[no-untyped-def]
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "CRISISNAV_CACHE_DIR": cache,
        "NO_COLOR": "1",
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        **extra_env,
    }
    return pexpect.spawn(
        sys.executable,
        ["-m", "crisisnav", *args],
        env=env,
        encoding="utf-8",
        preexec_fn=sigint_default,  # Ctrl-C works even when pytest runs with SIGINT ignored
        timeout=TIMEOUT,
        dimensions=(40, 80),
    )


def test_lookup_pick_second_lookup_and_ctrl_d(tmp_path: Path, warm_cache: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    child = spawn(["lookup", "-i", "--data", str(SMALL), "--at", AT], home, warm_cache)
    child.expect_exact("place> ")
    child.sendline("Eugene, OR")
    child.expect_exact("Eugene, Lane County, OR")
    child.expect_exact("Fixture Lane County Mobile Crisis")
    child.expect_exact("place> ")

    child.sendline("Springfield")
    child.expect(r"Pick 1-(\d+)")
    listing = child.before
    m = re.search(r"(\d+)\. Springfield, Lane County, OR", listing)
    assert m, listing
    child.sendline(m.group(1))
    child.expect_exact("Springfield, Lane County, OR")
    child.expect_exact("Fixture Lane County Mobile Crisis")
    child.expect_exact("place> ")

    child.sendline("97401")
    child.expect_exact("97401 (Eugene, OR)")
    child.expect_exact("place> ")

    child.sendline("qxzv blorptown")
    child.expect_exact('No US place found for "qxzv blorptown"')
    child.expect_exact("place> ")

    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    assert list(home.iterdir()) == []  # no history file, nothing else written to HOME


def test_skipping_a_pick_and_quitting_with_q(tmp_path: Path, warm_cache: str) -> None:
    child = spawn(["lookup", "-i", "--data", str(SMALL), "--at", AT], tmp_path, warm_cache)
    child.expect_exact("place> ")
    child.sendline("Springfield")
    child.expect(r"Pick 1-\d+")
    child.sendline("999")
    child.expect_exact("Please type a number")
    child.sendline("")
    child.expect_exact("No place picked")
    child.expect_exact("place> ")
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_ctrl_c_exits_130_without_traceback(tmp_path: Path, warm_cache: str) -> None:
    child = spawn(["lookup", "-i", "--data", str(SMALL)], tmp_path, warm_cache)
    child.expect_exact("place> ")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Traceback" not in (child.before or "")


def test_no_arguments_on_a_terminal_opens_the_prompt(tmp_path: Path, warm_cache: str) -> None:
    child = spawn([], tmp_path, warm_cache, CRISISNAV_DATA=str(SMALL))
    child.expect_exact("Type a US city, county, ZIP or state")
    child.expect_exact("place> ")
    child.sendline("?")
    child.expect_exact("Nothing you type is saved anywhere.")
    child.sendline("Eugene, OR")
    child.expect_exact("Fixture Lane County Mobile Crisis")
    child.expect_exact("place> ")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_single_ambiguous_lookup_on_a_terminal_asks(tmp_path: Path, warm_cache: str) -> None:
    child = spawn(["lookup", "Springfield", "--data", str(SMALL), "--at", AT], tmp_path, warm_cache)
    child.expect(r"Pick 1-\d+")
    m = re.search(r"(\d+)\. Springfield, Lane County, OR", child.before)
    assert m, child.before
    child.sendline(m.group(1))
    child.expect_exact("Fixture Lane County Mobile Crisis")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_cancelled_pick_exits_3_without_repeating_the_list(tmp_path: Path, warm_cache: str) -> None:
    child = spawn(["lookup", "Springfield", "--data", str(SMALL), "--at", AT], tmp_path, warm_cache)
    child.expect(r"Pick 1-\d+")
    child.sendline("")
    child.expect_exact("No place picked.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 3
    assert "Which one did you mean" not in (child.before or "")


def test_terminal_colour_follows_no_color(tmp_path: Path, warm_cache: str) -> None:
    """On a terminal, auto means Rich with colour; NO_COLOR keeps the words, drops the colour."""
    outs = {}
    for label, extra in (("colour", {"NO_COLOR": ""}), ("no-colour", {"NO_COLOR": "1"})):
        child = spawn(["lookup", "Eugene, OR", "--data", str(SMALL), "--at", AT], tmp_path,
                      warm_cache, **extra)  # fmt: skip
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
        outs[label] = child.before
    assert re.search(r"\x1b\[[0-9;]*m", outs["colour"])
    assert "\x1b" not in outs["no-colour"]
    for out in outs.values():
        bare = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert "Police possible in an emergency" in bare
        assert "Team not out now — goes out 14:00 PT" in bare


def test_picking_a_place_that_was_not_shown_by_its_state_code(
    tmp_path: Path, warm_cache: str
) -> None:
    child = spawn(["lookup", "Springfield", "--data", str(SMALL), "--at", AT], tmp_path, warm_cache)
    child.expect_exact("more not shown — type a state code")
    child.expect(r"Pick 1-\d+, a state")
    child.sendline("TN")
    child.expect_exact("Springfield, Robertson County, TN")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
