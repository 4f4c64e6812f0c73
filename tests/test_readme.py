"""Every command the README shows is run as a user would type it, and must do what it says.

Lines in ```sh blocks that start with `crisisnav` or `printf` are run with bash (the installed
`crisisnav` first on PATH) in a scratch directory whose `data/` points at the packaged dataset.
A trailing `# exit N` comment states the expected exit code; otherwise it must be 0.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crisisnav import dataset

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _readme_commands() -> list[tuple[str, int]]:
    text = README.read_text(encoding="utf-8")
    commands: list[tuple[str, int]] = []
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            line = line.strip()
            if not line.startswith(("crisisnav", "printf")):
                continue
            expected = 0
            m = re.search(r"#\s*exit (\d+)", line)
            if m:
                expected = int(m.group(1))
            commands.append((line, expected))
    return commands


COMMANDS = _readme_commands()


def test_readme_opens_with_the_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    assert "pip install . && crisisnav lookup" in blocks[0]
    assert "pip install '.[test]' && python -m pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q '.[test]'" in ci and "python -m pytest" in ci


def test_readme_shows_enough_commands() -> None:
    assert len(COMMANDS) >= 12


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for all README commands, as a user's machine would have (the first run builds it)."""
    return tmp_path_factory.mktemp("readme-cache")


@pytest.mark.parametrize(("command", "expected"), COMMANDS, ids=[c for c, _ in COMMANDS])
def test_readme_command(command: str, expected: int, tmp_path: Path, shared_cache: Path) -> None:
    (tmp_path / "data").symlink_to(dataset.packaged_path().parent, target_is_directory=True)
    bindir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}")
    env.pop("CRISISNAV_DATA", None)
    env["CRISISNAV_CACHE_DIR"] = str(shared_cache)
    proc = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == expected, (proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr
    if expected == 0:
        assert proc.stdout.strip() or list(tmp_path.iterdir()) != [tmp_path / "data"]
