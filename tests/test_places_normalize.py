"""normalize.py: canonical keys and query parsing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisnav.normalize import normalize, parse, state_code


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Española", "espanola"),
        ("St. Louis", "saint louis"),
        ("St.Louis", "saint louis"),
        ("Saint Louis", "saint louis"),
        ("Ste. Genevieve", "sainte genevieve"),
        ("Ft. Lauderdale", "fort lauderdale"),
        ("Mt Vernon", "mount vernon"),
        ("Helena MT", "helena mt"),  # a final MT is Montana, not Mount
        ("O'Fallon", "ofallon"),
        ("Coeur d’Alene", "coeur dalene"),
        ("Winston-Salem", "winston salem"),
        ("D.C.", "dc"),
        ("U.S.A.", "usa"),
        ("  EUGENE ,\tOR  ", "eugene or"),
        ("N Las Vegas", "north las vegas"),
        ("Ｅｕｇｅｎｅ", "eugene"),
        ("Eugene 😀\x00OR", "eugene or"),
        ("Doña Ana", "dona ana"),
        ("", ""),
        ("   ", ""),
        ("😀", ""),
    ],
)
def test_normalize_examples(text: str, key: str) -> None:
    assert normalize(text) == key


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip() and "  " not in once
    assert all(ch.isascii() and (ch.isalnum() or ch == " ") for ch in once)


@pytest.mark.parametrize(
    ("query", "name", "state", "county", "zip_code", "foreign"),
    [
        ("Eugene, OR, USA", "eugene", "OR", False, None, None),
        ("Eugene Oregon", "eugene", "OR", False, None, None),
        ("DULUTH MINNESOTA", "duluth", "MN", False, None, None),
        ("Lane County, Oregon", "lane", "OR", True, None, None),
        ("Lane Co. OR", "lane", "OR", True, None, None),
        ("Orleans Parish", "orleans", None, True, None, None),
        ("Bethel Census Area", "bethel", None, True, None, None),
        ("97401-1234", "", None, False, "97401", None),
        ("Eugene, OR 97401", "eugene", "OR", False, "97401", None),
        ("London, UK", "london", None, False, None, "uk"),
        ("Toronto ON", "toronto", None, False, None, "on"),
        ("Kansas City", "kansas city", None, False, None, None),
        ("New York New York", "new york", "NY", False, None, None),
        ("Young America", "young america", None, False, None, None),
    ],
)
def test_parse(
    query: str,
    name: str,
    state: str | None,
    county: bool,
    zip_code: str | None,
    foreign: str | None,
) -> None:
    p = parse(normalize(query))
    assert (p.name, p.state, p.county, p.zip, p.foreign) == (name, state, county, zip_code, foreign)


def test_state_code() -> None:
    assert state_code("Oregon") == "OR"
    assert state_code("calif.") == "CA"
    assert state_code("W.Va.") == "WV"
    assert state_code("Puerto Rico") == "PR"
    assert state_code("Ontario") is None
