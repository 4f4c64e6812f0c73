"""data/schema.json and validate agree: the interpreter validate runs gives the same verdict as the
reference jsonschema implementation, on fixtures and on random mutations of them."""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisnav.dataset import packaged_schema_path
from crisisnav.models import CONTACT_TYPES, DISPATCH_PATHS, KINDS, POLICE_LEVELS, STATUSES
from crisisnav.validate import (
    SUPPORTED_KEYWORDS,
    load_schema,
    schema_errors,
    schema_keywords,
    validate_file,
)
from crisisnav.yamlsafe import compose, decode, to_plain

DATA = Path(__file__).parent / "data"
SHIPPED = Path(__file__).parent.parent / "src" / "crisisnav" / "data" / "resources.yaml"
SCHEMA_CODES = {
    "unknown-field",
    "missing-field",
    "wrong-type",
    "enum",
    "id-format",
    "empty-value",
    "area-shape",
}


@functools.lru_cache(maxsize=1)
def _reference() -> jsonschema.Draft202012Validator:
    schema = json.loads(packaged_schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _plain(path: Path) -> Any:
    text, _ = decode(path.read_bytes(), str(path))
    assert text is not None
    root, _ = compose(text, str(path))
    return to_plain(root)


def test_schema_is_valid_2020_12_and_names_the_vocabularies() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    _reference()
    props = schema["$defs"]["resource"]["properties"]
    assert props["kind"]["enum"] == list(KINDS)
    assert props["police"]["enum"] == list(POLICE_LEVELS)
    assert props["dispatch"]["enum"] == list(DISPATCH_PATHS)
    assert props["status"]["enum"] == list(STATUSES)
    assert schema["$defs"]["contact"]["properties"]["type"]["enum"] == list(CONTACT_TYPES)
    assert len(schema["$defs"]["area"]["properties"]["state"]["enum"]) == 51


def test_interpreter_supports_every_keyword_the_schema_uses() -> None:
    used = schema_keywords(load_schema())
    assert used <= SUPPORTED_KEYWORDS, used - SUPPORTED_KEYWORDS
    assert {"additionalProperties", "required", "enum", "pattern", "if", "not"} <= used


def test_yaml_first_line_names_the_schema() -> None:
    first = SHIPPED.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=schema.json"


@pytest.mark.parametrize(
    "path", [*sorted((DATA / "valid").glob("*.yaml")), SHIPPED], ids=lambda p: p.name
)
def test_valid_files_pass_both(path: Path) -> None:
    plain = _plain(path)
    assert list(_reference().iter_errors(plain)) == []
    assert schema_errors(plain) == []


def test_tree_matches_pyyaml_safe_load() -> None:
    """The event-built tree holds exactly what yaml.safe_load gives (dates as ISO text)."""
    for path in [*sorted((DATA / "valid").glob("*.yaml")), SHIPPED]:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert _plain(path) == json.loads(json.dumps(loaded, default=lambda d: d.isoformat()))


def _schema_invalid_files() -> list[tuple[str, str]]:
    rows = []
    for raw in (DATA / "invalid" / "manifest.txt").read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        name, _pos, code, _rc = raw.split()
        if code in SCHEMA_CODES:
            rows.append((name, code))
    return rows


@pytest.mark.parametrize(("name", "code"), _schema_invalid_files())
def test_schema_level_bad_files_fail_both(name: str, code: str) -> None:
    plain = _plain(DATA / "invalid" / name)
    assert list(_reference().iter_errors(plain)), name
    assert schema_errors(plain), name
    assert code in {p.code for p in validate_file(DATA / "invalid" / name)}


_BASE = _plain(DATA / "valid" / "small.yaml")
_FIELDS = sorted(load_schema()["$defs"]["resource"]["properties"]) + ["tiemzone", "extra"]
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 99999), st.sampled_from(
        ["", "x", "24/7", "OR", "Lane County", "mobile-team", "none", "via-911", "ended", "2026-01-01",
         "Bad_Id", "phone", "https://example.org"]),
    st.lists(st.sampled_from(["en", "24/7", ""]), max_size=2),
    st.just({"state": "OR"}), st.just({"national": True, "state": "OR"}), st.just({"county": "X"}),
    st.just([{"state": "OR", "city": "Eugene", "county": "Lane County"}]),
    st.just([{"type": "phone"}]), st.just([{"type": "fax", "value": "1"}]), st.just([]),
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.integers(0, len(_BASE["resources"]) - 1),
    st.lists(st.tuples(st.sampled_from(_FIELDS), st.booleans(), _VALUES), min_size=1, max_size=3),
)
def test_random_mutations_get_the_same_verdict(
    index: int, edits: list[tuple[str, bool, Any]]
) -> None:
    doc = copy.deepcopy(_BASE)
    entry = doc["resources"][index]
    for field, delete, value in edits:
        if delete:
            entry.pop(field, None)
        else:
            entry[field] = value
    reference_ok = not list(_reference().iter_errors(doc))
    ours_ok = not schema_errors(doc)
    assert reference_ok == ours_ok, (
        edits,
        list(_reference().iter_errors(doc))[:2],
        schema_errors(doc)[:2],
    )
