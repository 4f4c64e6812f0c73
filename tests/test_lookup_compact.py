"""What a person sees first (issue 13): direct numbers before any 911-only team, and one place in
one screen."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from typer.testing import CliRunner

from crisisnav import dataset, gazetteer, rank
from crisisnav.cli import app
from crisisnav.models import Place, Resolution
from crisisnav.render import plain, terminal

AT = datetime(2026, 12, 1, 15, 0)  # mid-afternoon: the compact lines are their usual length
BIG_CITIES = (
    "Eugene, OR",
    "Brooklyn, NY",
    "Denver, CO",
    "Los Angeles, CA",
    "Miami-Dade County, FL",
)


def places_the_dataset_mentions() -> list[Place]:
    """Every city, county and state any shipped entry serves, as the gazetteer knows it."""
    g = gazetteer.load()
    seen: dict[str, Place] = {}
    for r in dataset.load(None).resources:
        for a in r.serves:
            if a.national or not a.state:
                continue
            found = [g.state_place(a.state)]
            if a.city:
                found.append(g.city_place(a.state, a.city))
            if a.county:
                found.append(g.county_place(a.state, a.county))
            for p in found:
                if p is not None:
                    seen.setdefault(p.label(), p)
    return list(seen.values())


def ok(place: Place) -> Resolution:
    return Resolution(query=place.label(), status="ok", place=place)


def test_the_first_number_is_never_one_reached_only_through_911() -> None:
    ds = dataset.load(None)
    places = places_the_dataset_mentions()
    assert len(places) > 50  # the shipped data mentions many places: the check is not empty
    checked_911 = 0
    for place in places:
        for audiences in ((), ("youth",)):
            out = rank.lookup(ds, ok(place), at=AT, audiences=audiences)
            assert out.resources, place.label()
            first = out.resources[0]
            assert first.resource.dispatch != "via-911", (place.label(), first.resource.id)
            assert first.section != "through-911"
            way = first.contacts[0].value if first.contacts else ""
            assert "".join(ch for ch in way if ch.isdigit()) != "911", (
                place.label(),
                first.resource.id,
            )
            checked_911 += any(i.resource.dispatch == "via-911" for i in out.resources)
    assert checked_911  # some of these places do have a 911-only team (Brooklyn, Denver, ...)


def test_a_911_only_team_sits_in_its_section_after_the_direct_ones() -> None:
    ds = dataset.load(None)
    for query in ("Brooklyn, NY", "Denver, CO"):
        g = gazetteer.load()
        name, state = query.split(", ")
        out = rank.lookup(ds, ok(g.city_place(state, name)), at=AT)  # type: ignore[arg-type]
        sections = [i.section for i in out.resources]
        assert "through-911" in sections
        k = sections.index("through-911")
        assert set(sections[:k]) <= {"respond", "call", "talk", "go"}
        assert set(sections[k:]) <= {"through-911", "communities", "last-resort", "directories"}


@pytest.mark.parametrize("query", BIG_CITIES)
def test_one_place_fits_one_screen_of_60_lines_at_80_columns(query: str) -> None:
    from crisisnav.resolve import resolve

    result = rank.lookup(dataset.load(None), resolve(query), at=AT)
    text = plain.render(result)
    assert len(text.splitlines()) <= 60, query
    screen = terminal.render(result, color=False, width=80)
    assert len(screen.splitlines()) <= 60, query
    assert max(len(line) for line in screen.splitlines()) <= 80
    # each option: its name, how to reach it, hours and police in words, in about three lines
    entries = re.findall(r"(?m)^\d+\. ", text)
    assert len(entries) == len(result.resources)
    assert "--details" in text


def test_details_shows_everything_and_json_keeps_every_field() -> None:
    args = ["lookup", "Eugene, OR", "--at", "2026-12-01 15:00"]
    compact = CliRunner().invoke(app, [*args, "--format", "plain"]).stdout
    details = CliRunner().invoke(app, [*args, "--format", "plain", "--details"]).stdout
    assert "how to ask:" not in compact and "source:" not in compact
    assert "how to ask:" in details and "source:" in details and "verified " in details
    assert len(details.splitlines()) > 2 * len(compact.splitlines())


def test_988_appears_once_with_the_national_options_in_the_state_center() -> None:
    from crisisnav.resolve import resolve

    result = rank.lookup(dataset.load(None), resolve("Eugene, OR"), at=AT)
    ids = [i.resource.id for i in result.resources]
    hosts = [i for i in result.resources if i.includes]
    assert len(hosts) == 1 and hosts[0].scope == "state"
    (national,) = hosts[0].includes
    assert national.id not in ids  # not a second entry
    text = plain.render(result)
    assert text.count("988 Suicide & Crisis Lifeline") == 1
    merged = {(c.type, c.value, c.keyword) for c in hosts[0].contacts}
    assert {(c.type, c.value, c.keyword) for c in national.contacts} <= merged


def test_contact_text_hides_phone_only_numbers() -> None:
    out = (
        CliRunner()
        .invoke(
            app, ["lookup", "Eugene, OR", "--contact", "text", "--format", "plain", "--details"]
        )
        .stdout
    )
    body = [line for line in out.splitlines() if line.startswith("   ")]
    assert any("text " in line for line in body)
    assert not any(line.strip().startswith("call ") for line in body)
