"""Contributor docs stay true: the shipped GitHub workflow is the one docs/editors.md shows, and the
example entry in CONTRIBUTING.md validates."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml

from crisisnav.validate import validate_text

ROOT = Path(__file__).resolve().parent.parent


def test_workflow_in_docs_is_the_shipped_one() -> None:
    doc = (ROOT / "docs" / "editors.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(name: validate dataset\n.*?)```", doc, re.S)
    assert block is not None, "docs/editors.md lost its workflow example"
    shipped = (ROOT / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8")
    assert yaml.safe_load(block.group(1)) == yaml.safe_load(shipped)
    assert "crisisnav validate --format github" in shipped


def test_contributing_example_entry_validates() -> None:
    doc = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(  - id: or-lane-county-crisis-line\b.*?)```", doc, re.S)
    assert block is not None, "CONTRIBUTING.md lost its example entry"
    entry = block.group(1).replace(
        '"https://www.lanecounty.org/..."', '"https://www.lanecounty.org/crisis"'
    )
    text = "schema_version: 1\nresources:\n" + entry
    problems = validate_text(text, "example.yaml", today=date(2026, 11, 29))
    assert [p for p in problems if p.severity == "error"] == [], problems
    assert "address-missing" not in {p.code for p in problems}


def test_contributing_colon_trap_is_what_validate_explains() -> None:
    doc = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    wrong = next(ln for ln in doc.splitlines() if "# error: a colon inside the text" in ln)
    line = wrong.split("#")[0].rstrip() + "\n"
    text = "schema_version: 1\nresources:\n  - id: a\n" + line
    found = [p for p in validate_text(text, "t.yaml") if p.code == "yaml-syntax"]
    assert found and "colon" in found[0].message
    assert (
        found[0].fix
        == 'put the whole text in double quotes: how_to_ask: "Call 911: ask for STAR by name"'
    )
