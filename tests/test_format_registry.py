"""One registry of --format values per command family: the help, the check and its one wording."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.render import formats

# A command line for each family, with the format value last.
COMMANDS = {
    "lookup": ["lookup", "Eugene, OR", "--format"],
    "places": ["places", "Eugene, OR", "--format"],
    "sheet": ["sheet", "Eugene, OR", "--format"],
    "validate": ["validate", "--format"],
    "export": ["export", "--format"],
    "coverage": ["coverage", "--format"],
}


def test_every_family_has_a_command_line_here() -> None:
    assert {f.command for f in formats.FAMILIES} == set(COMMANDS)


@pytest.mark.parametrize("family", formats.FAMILIES, ids=lambda f: f.command)
def test_unknown_format_is_one_usage_error_naming_every_format(family: formats.Family) -> None:
    result = CliRunner().invoke(app, [*COMMANDS[family.command], "yaml"], prog_name="crisisnav")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "crisisnav: " + formats.unknown_format("yaml", family.names)
    assert result.stdout == ""


@pytest.mark.parametrize("family", formats.FAMILIES, ids=lambda f: f.command)
def test_help_lists_every_format(family: formats.Family) -> None:
    result = CliRunner().invoke(app, [COMMANDS[family.command][0], "--help"], prog_name="crisisnav")
    flat = " ".join(result.stdout.split())
    assert " ".join(family.help().split()) in flat


def test_check_accepts_case_spaces_and_aliases() -> None:
    assert formats.SHEET.check(" MD ") == "markdown"
    assert formats.LOOKUP.check("JSON") == "json"
    with pytest.raises(Exception, match="is not one of auto, plain"):
        formats.LOOKUP.check("html")


def test_places_suggests_the_nearest_names_like_lookup() -> None:
    """`places "Eugxxx, OR"` offers Eugene, as lookup does (one suggestion function)."""
    lookup = CliRunner().invoke(app, ["lookup", "Eugxxx, OR", "--format", "plain"])
    places = CliRunner().invoke(app, ["places", "Eugxxx, OR", "--format", "plain"])
    assert lookup.exit_code == places.exit_code == 1
    assert "Closest names: Eugene, Lane County, OR" in lookup.stdout
    assert "closest names:\n   1. Eugene, Lane County, OR (city" in places.stdout
