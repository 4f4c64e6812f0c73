"""docs/cli.md is generated from the help text and must never drift from it; every command
and option has help text, and every command's help shows an example."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "gen_cli_docs.py"


def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def all_commands() -> list[tuple[str, Any]]:
    g = gen()
    return [("crisisnav", g.root_command())] + [(f"crisisnav {n}", c) for n, c in g.commands()]


def test_docs_cli_md_matches_the_help_text() -> None:
    expected = gen().render()
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is out of date: run python scripts/gen_cli_docs.py"


def test_drift_is_detected_when_a_help_string_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: change one option's help and the rendered page differs."""
    g = gen()
    before = g.render()
    name, cmd = g.commands()[0]
    option = next(p for p in cmd.params if getattr(p, "help", None) and p.name != "help")
    real_get_command = g.root_command

    def patched() -> Any:
        root = real_get_command()
        sub = root.commands[name]
        for p in sub.params:
            if p.name == option.name:
                p.help = (p.help or "") + " CHANGED"
        return root

    monkeypatch.setattr(g, "root_command", patched)
    after = g.render()
    assert after != before
    assert "CHANGED" in after


def test_every_command_is_documented_in_docs_cli_md() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for title, _cmd in all_commands():
        assert f"## {title}\n" in text


@pytest.mark.parametrize("title,cmd", all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_and_an_example(title: str, cmd: Any) -> None:
    help_text = cmd.help or ""
    assert help_text.strip(), f"{title} has no help text"
    assert "Example" in help_text, f"{title}'s help has no example (write 'Example: {title} ...')"
    assert "Placeholder" not in help_text, f"{title} is still a placeholder"


@pytest.mark.parametrize("title,cmd", all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_option_and_argument_has_help(title: str, cmd: Any) -> None:
    missing = [
        "/".join(getattr(p, "opts", [p.name]))
        for p in cmd.params
        if not (getattr(p, "help", None) or "").strip()
    ]
    assert not missing, f"{title}: no help text for {', '.join(missing)}"


def test_check_mode_of_the_generator() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
