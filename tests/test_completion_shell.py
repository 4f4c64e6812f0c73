"""Shell completion through Typer's own mechanism (the _CRISISNAV_COMPLETE variable that the
installed bash/zsh/fish scripts set), for place names and `--for` audiences."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Annotated

import pytest
import typer
from typer.testing import CliRunner

from crisisnav import completion
from crisisnav.models import AUDIENCES


class FakeGazetteer:
    LABELS = [
        "Eugene, OR",
        "Eugenia, XX",
        "Lane County, OR",
        "San Francisco, CA",
        "San Francisco County, CA",
    ]

    def complete(self, prefix: str, limit: int = 20) -> list[str]:
        p = prefix.casefold()
        return [x for x in self.LABELS if x.casefold().startswith(p)][:limit]


@pytest.fixture()
def fake_gaz(monkeypatch: pytest.MonkeyPatch) -> None:
    from crisisnav import gazetteer

    monkeypatch.setattr(gazetteer, "load", FakeGazetteer)


def mini_app() -> typer.Typer:
    """An app wired the way commands/lookup.py is asked to wire the callbacks."""
    app = typer.Typer()

    @app.command()
    def lookup(
        place: Annotated[
            str, typer.Argument(help="Place.", autocompletion=completion.complete_place)
        ],
        audiences: Annotated[
            list[str] | None,
            typer.Option("--for", help="Audience.", autocompletion=completion.complete_audience),
        ] = None,
    ) -> None:
        """Look up."""

    @app.command()
    def other() -> None:
        """Another command, so `lookup` stays a subcommand."""

    return app


def bash_complete(app: typer.Typer, words: str, cword: int) -> list[str]:
    env = {"_CRISISNAV_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    res = CliRunner().invoke(app, [], env=env, prog_name="crisisnav")
    assert res.exit_code == 0, res.output
    return [line for line in res.stdout.splitlines() if line]


def test_place_candidates_use_the_gazetteer(fake_gaz: None) -> None:
    assert completion.place_candidates("Eug") == ["Eugene, OR", "Eugenia, XX"]
    assert completion.place_candidates("") == []
    assert completion.place_candidates("zzz") == []


def test_bash_gets_spaces_escaped_so_a_name_stays_one_word(
    fake_gaz: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("_CRISISNAV_COMPLETE", "complete_bash")
    assert completion.complete_place("San F") == [
        "San\\ Francisco,\\ CA",
        "San\\ Francisco\\ County,\\ CA",
    ]
    # bash hands the word back with its backslashes while the user keeps typing
    assert completion.complete_place("San\\ Francisco\\ C") == ["San\\ Francisco\\ County,\\ CA"]
    monkeypatch.setenv("_CRISISNAV_COMPLETE", "complete_zsh")
    assert completion.complete_place("San F") == ["San Francisco, CA", "San Francisco County, CA"]


def test_place_completion_through_typer_bash_protocol(fake_gaz: None) -> None:
    assert bash_complete(mini_app(), "crisisnav lookup Eug", 2) == ["Eugene,\\ OR", "Eugenia,\\ XX"]


def test_typer_keeps_escaped_and_case_folded_matches(fake_gaz: None) -> None:
    """Typer drops values that do not start with the typed word; ours must survive that after
    a space (bash inserted "San\\ Francisco\\ ") and when the case differs ("eug")."""
    app = mini_app()
    assert bash_complete(app, "crisisnav lookup eug", 2) == ["Eugene,\\ OR", "Eugenia,\\ XX"]
    assert bash_complete(app, "crisisnav lookup San\\ Francisco\\ ", 2) == [
        "San\\ Francisco,\\ CA",
        "San\\ Francisco\\ County,\\ CA",
    ]
    assert bash_complete(app, "crisisnav lookup Eugene --for TR", 4) == ["trans"]


def test_zsh_gets_plain_values(fake_gaz: None) -> None:
    env = {
        "_CRISISNAV_COMPLETE": "complete_zsh",
        "_TYPER_COMPLETE_ARGS": "crisisnav lookup San\\ F",
    }
    res = CliRunner().invoke(mini_app(), [], env=env, prog_name="crisisnav")
    assert res.exit_code == 0, res.output
    assert '"San Francisco, CA"' in res.stdout and "\\ " not in res.stdout


def test_audience_completion_through_typer_bash_protocol() -> None:
    got = bash_complete(mini_app(), "crisisnav lookup Eugene --for ", 4)
    assert got == list(AUDIENCES)
    assert bash_complete(mini_app(), "crisisnav lookup Eugene --for tr", 4) == ["trans"]


def test_a_broken_gazetteer_gives_no_completions_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from crisisnav import gazetteer

    def boom() -> None:
        raise RuntimeError("index unreadable")

    monkeypatch.setattr(gazetteer, "load", boom)
    assert completion.complete_place("Eug") == []


# ----------------------------------------------------------------------------- the real CLI

_SHARED_CACHE: list[str] = []


@pytest.fixture(scope="module", autouse=True)
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """One cache for this module's subprocesses, so the gazetteer index is built once."""
    _SHARED_CACHE[:] = [str(tmp_path_factory.mktemp("completion-cache"))]


def real_bash_complete(words: str, cword: int) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        COMP_WORDS=words,
        COMP_CWORD=str(cword),
        _CRISISNAV_COMPLETE="complete_bash",
        CRISISNAV_CACHE_DIR=_SHARED_CACHE[0],
    )
    return subprocess.run(
        [sys.executable, "-m", "crisisnav"], env=env, capture_output=True, text=True, timeout=120
    )


def test_real_cli_completes_place_names_for_lookup() -> None:
    proc = real_bash_complete("crisisnav lookup Eug", 2)
    assert proc.returncode == 0, proc.stderr
    assert "Eugene,\\ OR" in proc.stdout.splitlines()


def test_real_cli_completes_audiences_for_lookup_for() -> None:
    proc = real_bash_complete("crisisnav lookup Eugene --for ve", 4)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["veterans"]


def test_real_cli_completes_after_an_escaped_space() -> None:
    proc = real_bash_complete("crisisnav lookup Eugene,\\ O", 2)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["Eugene,\\ OR"]


def test_real_cli_completes_subcommands() -> None:
    proc = real_bash_complete("crisisnav cov", 1)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["coverage"]


# ----------------------------------------------------------------------------- bash fast path


def _env(words: str, cword: int) -> dict[str, str]:
    return {"_CRISISNAV_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(cword)}


@pytest.mark.parametrize(
    "words",
    [
        "crisisnav lookup Eug",
        "crisisnav lookup eug",
        "crisisnav lookup San\\ Fr",
        "crisisnav lookup Lane\\ Co",
    ],
)
def test_fast_path_answers_exactly_what_typer_answers(
    fake_gaz: None, monkeypatch: pytest.MonkeyPatch, words: str
) -> None:
    from crisisnav.cli import app

    monkeypatch.setenv("_CRISISNAV_COMPLETE", "complete_bash")  # complete_place reads it
    fast = completion.fast_path(_env(words, 2))
    assert fast is not None and fast
    res = CliRunner().invoke(app, [], env=_env(words, 2), prog_name="crisisnav")
    assert res.exit_code == 0, res.output
    assert fast.splitlines() == res.stdout.splitlines()


@pytest.mark.parametrize("line", ["crisisnav lookup Eug", "crisisnav lookup San\\ F"])
def test_zsh_fast_path_answers_exactly_what_typer_answers(fake_gaz: None, line: str) -> None:
    from crisisnav.cli import app

    env = {"_CRISISNAV_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": line}
    fast = completion.fast_path(env)
    assert fast is not None
    res = CliRunner().invoke(app, [], env=env, prog_name="crisisnav")
    assert res.exit_code == 0, res.output
    assert fast.strip() == res.stdout.strip()


def test_zsh_fast_path_completes_right_after_an_escaped_space(fake_gaz: None) -> None:
    env = {"_CRISISNAV_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "crisisnav lookup San\\ "}
    assert completion.fast_path(env) == (
        '_arguments \'*: :(("San Francisco, CA"\n"San Francisco County, CA"))\''
    )
    # A plain space means the place is finished: Typer decides what comes next.
    env["_TYPER_COMPLETE_ARGS"] = "crisisnav lookup Eugene "
    assert completion.fast_path(env) is None


def test_bash_fast_path_with_no_match_prints_nothing(fake_gaz: None) -> None:
    assert completion.fast_path(_env("crisisnav lookup Zzz", 2)) == ""


@pytest.mark.parametrize(
    "words,cword",
    [
        ("crisisnav lookup --explain Eug", 3),  # an option before the place: Typer decides
        ("crisisnav lookup -", 2),  # an option name
        ("crisisnav cov", 1),  # a command name
        ("crisisnav lookup ", 2),  # nothing typed yet
        ("crisisnav export Eug", 2),  # not a place command
        ('crisisnav lookup "San Fr', 2),  # an open quote: Typer's parser copes with it
    ],
)
def test_fast_path_leaves_everything_else_to_typer(words: str, cword: int) -> None:
    assert completion.fast_path(_env(words, cword)) is None
    assert completion.fast_path({"COMP_WORDS": "crisisnav lookup Eug", "COMP_CWORD": "2"}) is None
