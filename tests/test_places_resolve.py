"""resolve.py against the committed query set (tests/data/places_queries.yaml), plus properties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisnav.models import Place, Resolution
from crisisnav.resolve import resolve, resolve_many

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "places_queries.yaml").read_text(encoding="utf-8")
)


def place_id(p: Place) -> str:
    if p.kind == "zip":
        return f"zip:{p.zip}"
    if p.kind == "state":
        return f"state:{p.state}"
    return f"{p.kind}:{p.name}, {p.state}"


def check(case: dict[str, Any], r: Resolution) -> str | None:
    """None when r is what the case expects, else why not."""
    want = case["status"] if isinstance(case["status"], list) else [case["status"]]
    if r.status not in want:
        return f"status {r.status}, want {want}"
    if r.status == "ok":
        assert r.place is not None
        if place_id(r.place) != case["place"]:
            return f"place {place_id(r.place)}, want {case['place']}"
    if r.status == "ambiguous":
        got = {place_id(c) for c in r.candidates}
        missing = set(case.get("includes") or ()) - got
        if missing:
            return f"candidates lack {sorted(missing)}"
    return None


def test_query_set_is_big_and_covers_every_form() -> None:
    assert len(CASES) >= 300
    forms = {c["form"] for c in CASES}
    for form in ("zip", "bad-zip", "city-state", "county", "state", "alias", "typo-with-state", "typo-no-state",
                 "real-typo-looking", "non-us", "gibberish", "empty", "whitespace", "long", "city-ambiguous"):  # fmt: skip
        assert form in forms
    for c in CASES:
        assert c["status"] in ("ok", "ambiguous", "not_found") or isinstance(c["status"], list)
        if c["status"] == "ok":
            assert c["place"].split(":")[0] in (
                "city",
                "county",
                "zip",
                "state",
                "neighborhood",
                "borough",
            )


@pytest.mark.parametrize(
    "case", [c for c in CASES if c.get("must")], ids=lambda c: repr(c["q"][:30])
)
def test_issue_quality_bar(case: dict[str, Any]) -> None:
    assert check(case, resolve(case["q"])) is None


def test_whole_query_set_and_no_confident_wrong_answer() -> None:
    results = resolve_many([c["q"] for c in CASES])
    assert len(results) == len(CASES)
    problems = [
        (c["q"][:40], why) for c, r in zip(CASES, results, strict=True) if (why := check(c, r))
    ]
    confident_wrong = [
        c["q"]
        for c, r in zip(CASES, results, strict=True)
        if r.status == "ok" and check(c, r) is not None
    ]
    assert confident_wrong == []
    assert problems == []


def test_batch_equals_one_by_one() -> None:
    queries = [c["q"] for c in CASES[::3]] + ["eugen or", "eugen or", "pheonix", "Sprngfield IL"]
    assert resolve_many(queries) == [resolve(q) for q in queries]
    assert resolve_many(iter(queries)) == resolve_many(queries)  # any iterable, order kept
    assert resolve_many([]) == []


def test_ok_places_are_complete() -> None:
    r = resolve("Kansas City, MO")
    assert r.status == "ok" and r.place is not None
    assert {"Jackson County", "Clay County", "Platte County"} <= set(r.place.counties)
    assert r.place.county == r.place.counties[0] == "Jackson County"  # most ZIPs first
    assert r.place.timezone == "America/Chicago"
    assert r.place.zips > 50
    z = resolve("97401").place
    assert z is not None and (z.kind, z.city, z.county, z.state, z.timezone) == (
        "zip", "Eugene", "Lane County", "OR", "America/Los_Angeles",
    )  # fmt: skip


def test_st_louis_decision_is_documented_behaviour() -> None:
    r = resolve("st louis")
    assert r.status == "ok" and r.place is not None
    assert set(r.place.counties) == {"St. Louis city", "St. Louis County"}
    assert r.place.county == r.place.counties[0]
    alternatives = {place_id(c) for c in r.candidates}
    assert {"county:St. Louis city, MO", "county:St. Louis County, MO"} <= alternatives


def test_dominant_answer_lists_the_others() -> None:
    r = resolve("Phoenix")
    assert r.status == "ok" and r.place is not None and r.place.state == "AZ"
    assert {c.state for c in r.candidates} >= {"OR", "NY", "MD"}


def test_ambiguous_candidates_best_first_and_deterministic() -> None:
    a, b = resolve("Springfield"), resolve("Springfield")
    assert a == b
    sizes = [c.zips for c in a.candidates]
    assert sizes == sorted(sizes, reverse=True)
    assert a.candidates[0].state == "IL"


@pytest.mark.parametrize("size", [10_000, 1_000_000])
def test_huge_input_is_rejected_early(size: int) -> None:
    r = resolve("eugene or " * (size // 10))
    assert r.status == "not_found" and r.message and "too long" in r.message
    assert len(r.query) <= 200  # the echo is bounded too


def test_empty_and_blank_have_a_message() -> None:
    for q in ("", " ", "\t\n", "\u3000"):
        r = resolve(q)
        assert r.status == "not_found" and r.message


def _valid(r: Resolution, query: str) -> None:
    assert isinstance(r, Resolution)
    assert r.status in ("ok", "ambiguous", "not_found")
    assert (r.place is not None) == (r.status == "ok")
    if r.status == "ambiguous":
        assert r.candidates
    if r.status == "not_found":
        assert r.message
    for p in ((r.place,) if r.place else ()) + r.candidates:
        assert (
            p.kind in ("zip", "city", "county", "state", "neighborhood", "borough")
            and len(p.state) == 2
        )
        assert 0 <= p.score <= 100


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_any_string_gives_a_valid_resolution(text: str) -> None:
    _valid(resolve(text), text)


@given(
    st.lists(
        st.one_of(
            st.text(max_size=40),
            st.sampled_from(
                ["Eugene", "Springfield", "Lane", "97401", "Saint Louis", "Portland", "Kansas City"]
            ),
        ),
        max_size=5,
    ).map(" ".join),
    st.sampled_from(["", ", OR", " MO", " Oregon", " County", " Co", ", USA", " 😀"]),
)
@settings(max_examples=200, deadline=None)
def test_place_like_strings_give_valid_resolutions(body: str, tail: str) -> None:
    q = body + tail
    r = resolve(q)
    _valid(r, q)
    assert resolve_many([q]) == [r]
