"""Ranking policy (DESIGN.md "Ranking", and the decisions documented in crisisnav/rank.py),
plus invariants checked over every place the fixture and the shipped datasets mention."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisnav import dataset as dataset_mod
from crisisnav import gazetteer, rank
from crisisnav.models import (
    DISPATCH_PATHS,
    KINDS,
    POLICE_LEVELS,
    SCOPES,
    STATUSES,
    Area,
    Contact,
    Dataset,
    Place,
    Resolution,
    Resource,
)
from crisisnav.render.words import hours_text, notice_text, why_texts
from fixture_data import EUGENE

AT = datetime(2026, 12, 1, 3, 0)  # naive: wall-clock time at the place

LANE = Place(kind="county", name="Lane County", state="OR", county="Lane County",
             counties=("Lane County",), timezone="America/Los_Angeles")  # fmt: skip
OREGON = Place(kind="state", name="Oregon", state="OR", timezone="America/Los_Angeles")


def res(
    id: str,
    *,
    kind: str = "crisis-line",
    police: str = "none",
    dispatch: str = "direct",
    serves: tuple[Area, ...] = (Area(national=True),),
    hours: tuple[str, ...] = ("24/7",),
    tz: str | None = None,
    status: str = "active",
    verified: date = date(2026, 11, 1),
    audiences: tuple[str, ...] = (),
    languages: tuple[str, ...] = ("en",),
    contacts: tuple[Contact, ...] = (Contact("phone", "541-555-0100"),),
    caveats: tuple[str, ...] = (),
    name: str | None = None,
    status_since: date | None = None,
) -> Resource:
    return Resource(
        id=id,
        name=name or id.replace("-", " ").title(),
        kind=kind,
        police=police,
        dispatch=dispatch,
        serves=serves,
        contacts=contacts,
        hours=hours,
        timezone=tz,
        status=status,
        verified=verified,
        sources=(f"https://example.org/{id}",),
        audiences=audiences,
        languages=languages,
        caveats=caveats,
        status_since=status_since,
    )


def ds(*resources: Resource) -> Dataset:
    return Dataset(path="<test>", schema_version=1, resources=resources)


def ok(place: Place) -> Resolution:
    return Resolution(query=place.name, status="ok", place=place)


def ids(result: object) -> list[str]:
    return [item.resource.id for item in result.resources]  # type: ignore[attr-defined]


OR_STATE = Area(state="OR")
LANE_AREA = Area(state="OR", county="Lane County")
EUGENE_AREA = Area(state="OR", city="Eugene")


def test_sections_follow_design_order() -> None:
    data = ds(
        res("dir", kind="directory"),
        res("cit", kind="police-cit", police="police", dispatch="via-911"),
        res("peer", kind="peer-line"),
        res("walk", kind="walk-in"),
        res("line", kind="crisis-line"),
        res("team", kind="mobile-team", serves=(LANE_AREA,)),
        res("comm", kind="warmline", audiences=("youth",)),
    )
    out = rank.lookup(data, ok(EUGENE), at=AT)
    assert [i.section for i in out.resources] == [
        "respond", "call", "talk", "go", "communities", "last-resort", "directories",
    ]  # fmt: skip
    assert [i.rank for i in out.resources] == list(range(1, 8))


def test_order_within_a_section_police_then_dispatch_then_scope_then_open_then_name() -> None:
    data = ds(
        res("b-possible", police="possible"),
        res("a-none-988", police="none", dispatch="via-988"),
        res("z-none-direct-national"),
        res("y-none-direct-state", serves=(OR_STATE,)),
        res(
            "x-none-direct-city-closed",
            serves=(EUGENE_AREA,),
            hours=("mon 10:00-11:00",),
            tz="America/Los_Angeles",
        ),  # fmt: skip
        res("w-none-direct-city-open", serves=(EUGENE_AREA,)),
        res("v-none-direct-city-open", serves=(EUGENE_AREA,)),
    )
    out = rank.lookup(data, ok(EUGENE), at=AT)
    assert ids(out) == [
        "v-none-direct-city-open",
        "w-none-direct-city-open",
        "x-none-direct-city-closed",
        "y-none-direct-state",
        "z-none-direct-national",
        "a-none-988",
        "b-possible",
    ]


def test_entries_reached_only_through_911_get_their_own_section_after_the_direct_ones() -> None:
    """DESIGN, Ranking: `through-911` after respond/call/talk/go and before communities, whatever
    the entry's kind or audiences; police-involved kinds stay in last-resort."""
    data = ds(
        res(
            "team-911", kind="mobile-team", police="none", dispatch="via-911", serves=(EUGENE_AREA,)
        ),
        res("line", kind="crisis-line", police="possible"),
        res("walk", kind="walk-in", police="possible", serves=(OR_STATE,)),
        res("youth-911", kind="mobile-team", dispatch="via-911", audiences=("youth",)),
        res("youth-line", kind="warmline", audiences=("youth",)),
        res("cit", kind="police-cit", police="police", dispatch="via-911"),
    )
    out = rank.lookup(data, ok(EUGENE), at=AT, audiences=("youth",))
    assert [(i.resource.id, i.section) for i in out.resources] == [
        ("youth-line", "youth"),
        ("line", "call"),
        ("walk", "go"),
        ("team-911", "through-911"),
        ("youth-911", "through-911"),
        ("cit", "last-resort"),
    ]
    assert out.resources[0].resource.dispatch != "via-911"
    why = why_texts(out.resources[3].why)
    assert why[0].startswith("section through-911:")


def test_what_applies_to_a_city_county_and_state() -> None:
    data = ds(
        res("city", serves=(EUGENE_AREA,)),
        res("county", serves=(LANE_AREA,)),
        res("state", serves=(OR_STATE,)),
        res("nation"),
        res("other-state", serves=(Area(state="WA"),)),
        res("other-county", serves=(Area(state="OR", county="Marion County"),)),
        res("same-city-name-other-state", serves=(Area(state="MO", city="Eugene"),)),
    )
    assert set(ids(rank.lookup(data, ok(EUGENE), at=AT))) == {"city", "county", "state", "nation"}
    county = rank.lookup(data, ok(LANE), at=AT, city_counties=lambda c, s: ("Lane County",))
    assert set(ids(county)) == {"county", "state", "nation"}
    assert any(n.kind == "city-only" and "Eugene" in notice_text(n) for n in county.notices)
    state = rank.lookup(data, ok(OREGON), at=AT)
    assert set(ids(state)) == {"state", "nation"}
    assert any(n.kind == "state-only" and "city" in notice_text(n) for n in state.notices)


def test_scope_is_the_narrowest_matching_area() -> None:
    data = ds(res("both", serves=(OR_STATE, EUGENE_AREA)))
    assert rank.lookup(data, ok(EUGENE), at=AT).resources[0].scope == "city"


def test_city_spanning_several_counties_gets_each_county() -> None:
    kc = Place(kind="city", name="Kansas City", state="MO", city="Kansas City",
               county="Jackson County", counties=("Jackson County", "Clay County"))  # fmt: skip
    data = ds(res("clay", serves=(Area(state="MO", county="Clay County"),)))
    assert ids(rank.lookup(data, ok(kc), at=AT)) == ["clay"]


def test_ended_and_suspended_are_notices_never_options() -> None:
    data = ds(
        res(
            "gone",
            kind="community-responder",
            serves=(EUGENE_AREA,),
            status="ended",
            status_since=date(2025, 4, 7),
            name="CAHOOTS",
            caveats=("Call the county crisis line instead.",),
        ),  # fmt: skip
        res("paused", serves=(LANE_AREA,), status="suspended"),
        res("live"),
    )
    out = rank.lookup(data, ok(EUGENE), at=AT)
    assert ids(out) == ["live"]
    ended = [n for n in out.notices if n.kind == "ended"]
    assert len(ended) == 1
    assert ended[0].resource_id == "gone"
    assert ended[0].fields["since"] == "2025-04-07" and ended[0].fields["where"] == "Eugene"
    assert notice_text(ended[0]).startswith("CAHOOTS (Eugene) ended service on 2025-04-07")
    renamed = dataclasses.replace(data.resources[0], name="CAHOOTS in Eugene")
    assert notice_text(rank._status_notice(renamed, EUGENE)).startswith("CAHOOTS in Eugene ended")
    assert "old flyers" in notice_text(ended[0]) and "county crisis line instead" in notice_text(
        ended[0]
    )
    assert [n.resource_id for n in out.notices if n.kind == "suspended"] == ["paused"]


def test_ended_elsewhere_is_not_mentioned() -> None:
    data = ds(res("gone", serves=(Area(state="CO", city="Denver"),), status="ended"), res("live"))
    assert not [n for n in rank.lookup(data, ok(EUGENE), at=AT).notices if n.kind == "ended"]


def test_stale_is_shown_and_marked() -> None:
    data = ds(res("old", verified=date(2025, 11, 30)), res("fresh", verified=date(2025, 12, 1)))
    out = rank.lookup(data, ok(EUGENE), at=AT)
    stale = {i.resource.id: i.stale for i in out.resources}
    assert stale == {"old": True, "fresh": False}
    assert any(n.kind == "stale" and "1 listed entry" in notice_text(n) for n in out.notices)
    assert any("stale" in w for w in why_texts(next(i for i in out.resources if i.stale).why))


def test_is_stale_boundaries() -> None:
    assert rank.is_stale(date(2025, 11, 30), date(2026, 12, 1))
    assert not rank.is_stale(date(2025, 12, 1), date(2026, 12, 1))
    assert not rank.is_stale(date(2023, 2, 28), date(2024, 2, 29))
    assert rank.is_stale(date(2023, 2, 27), date(2024, 2, 29))


def test_no_local_non_police_option_notice() -> None:
    data = ds(
        res("cit", kind="police-cit", police="police", serves=(EUGENE_AREA,)),
        res("coresp", kind="co-responder", police="co-responder", serves=(LANE_AREA,)),
        res("state", serves=(OR_STATE,)),
    )
    out = rank.lookup(data, ok(EUGENE), at=AT)
    gap = [n for n in out.notices if n.kind == "no-local-option"]
    assert len(gap) == 1 and "Eugene" in notice_text(gap[0])
    assert out.resources  # never an empty screen: state options still listed
    with_local = ds(*data.resources, res("team", kind="mobile-team", police="possible",
                                         serves=(LANE_AREA,)))  # fmt: skip
    assert not [n for n in rank.lookup(with_local, ok(EUGENE), at=AT).notices
                if n.kind == "no-local-option"]  # fmt: skip


def test_coverage_gap_when_state_has_no_statewide_entry() -> None:
    data = ds(res("nation"), res("wa", serves=(Area(state="WA"),)))
    out = rank.lookup(data, ok(EUGENE), at=AT)
    assert [n.kind for n in out.notices if n.kind == "coverage-gap"] == ["coverage-gap"]
    assert "OR" in next(notice_text(n) for n in out.notices if n.kind == "coverage-gap")
    covered = ds(res("nation"), res("or", serves=(OR_STATE,)))
    assert not [
        n for n in rank.lookup(covered, ok(EUGENE), at=AT).notices if n.kind == "coverage-gap"
    ]


def test_for_audience_gets_its_own_section_first_and_police_kinds_stay_put() -> None:
    data = ds(
        res("team", kind="mobile-team", serves=(LANE_AREA,)),
        res("trans-line", kind="peer-line", audiences=("trans", "lgbtq")),
        res("youth-line", kind="warmline", audiences=("youth",)),
        res("trans-cit", kind="police-cit", police="police", audiences=("trans",)),
        res("trans-dir", kind="directory", audiences=("trans",)),
    )
    plain = rank.lookup(data, ok(EUGENE), at=AT)
    assert {i.resource.id: i.section for i in plain.resources} == {
        "team": "respond", "trans-line": "communities", "youth-line": "communities",
        "trans-cit": "last-resort", "trans-dir": "directories",
    }  # fmt: skip
    out = rank.lookup(data, ok(EUGENE), at=AT, audiences=("trans",))
    assert [(i.resource.id, i.section) for i in out.resources] == [
        ("trans-line", "trans"),
        ("team", "respond"),
        ("youth-line", "communities"),
        ("trans-cit", "last-resort"),
        ("trans-dir", "directories"),
    ]
    assert any("--for" in w for w in why_texts(out.resources[0].why))
    both = rank.lookup(data, ok(EUGENE), at=AT, audiences=("youth", "trans"))
    assert [i.section for i in both.resources][:2] == ["youth", "trans"]


def test_filters_hide_without_reordering() -> None:
    data = ds(
        res("phone-only", contacts=(Contact("phone", "541-555-0100"),)),
        res(
            "texter", contacts=(Contact("text", "741741", keyword="HOME"),), languages=("en", "es")
        ),
        res("nine11", kind="co-responder", police="co-responder", dispatch="via-911"),
        res("closed", hours=("mon 10:00-11:00",), tz="America/Los_Angeles"),
        res("unknown-hours", hours=("mon 10:00-11:00",), tz=None),
    )
    assert ids(rank.lookup(data, ok(EUGENE), at=AT, contact="text")) == ["texter"]
    assert ids(rank.lookup(data, ok(EUGENE), at=AT, language="ES")) == ["texter"]
    assert "nine11" not in ids(rank.lookup(data, ok(EUGENE), at=AT, no_911=True))
    open_ids = ids(rank.lookup(data, ok(EUGENE), at=AT, open_now_only=True))
    assert "closed" not in open_ids and "unknown-hours" in open_ids
    full = ids(rank.lookup(data, ok(EUGENE), at=AT))
    limited = rank.lookup(data, ok(EUGENE), at=AT, limit=2)
    assert ids(limited) == full[:2] and [i.rank for i in limited.resources] == [1, 2]
    none = rank.lookup(data, ok(EUGENE), at=AT, contact="videophone")
    assert not none.resources
    assert any(n.kind == "filtered-out" for n in none.notices)


def test_naive_at_is_local_time_at_the_place_and_aware_is_respected() -> None:
    data = ds(res("evening", hours=("daily 14:00-23:00",), tz="America/Los_Angeles"))
    # 22:00 in Eugene: open.  22:00 UTC is 14:00 in Eugene: open.  06:00 UTC is 22:00: open.
    assert rank.lookup(data, ok(EUGENE), at=datetime(2026, 12, 1, 22, 0)).resources[0].open_now
    at_utc = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)  # 04:00 in Eugene
    out = rank.lookup(data, ok(EUGENE), at=at_utc)
    assert out.resources[0].open_now is False
    assert out.resources[0].hours_state[0] == "closed-opens"
    assert hours_text(out.resources[0]) == "Closed — opens 14:00 PT"
    assert out.evaluated_at == "2026-12-01T04:00:00-08:00"  # the same instant, at the place
    assert datetime.fromisoformat(out.evaluated_at) == at_utc
    naive = rank.lookup(data, ok(EUGENE), at=datetime(2026, 12, 1, 3, 0))
    assert naive.evaluated_at == "2026-12-01T03:00:00-08:00"


def test_non_ok_resolutions_have_no_resources() -> None:
    data = ds(res("nation"))
    for r in (
        Resolution(query="zzz", status="not_found"),
        Resolution(query="Springfield", status="ambiguous", candidates=(EUGENE,)),
    ):
        out = rank.lookup(data, r, at=AT)
        assert out.resources == () and out.notices == () and out.resolution is r


def test_why_names_each_ordering_key() -> None:
    data = ds(
        res("x", kind="mobile-team", police="possible", dispatch="via-988", serves=(LANE_AREA,))
    )
    why = rank.lookup(data, ok(EUGENE), at=AT).resources[0].why
    joined = " | ".join(why_texts(why))
    assert [r.kind for r in why] == ["section", "police", "dispatch", "scope", "open"]
    for word in (
        "section respond",
        "police possible",
        "dispatch via-988",
        "scope county",
        "Lane County",
    ):
        assert word in joined


# ---- invariants over every place a dataset mentions ---------------------------------------


def places_mentioned(data: Dataset) -> list[Place]:
    g = gazetteer.load()
    seen: dict[tuple[str, str, str], Place] = {}
    for r in data.resources:
        for a in r.serves:
            if a.national or not a.state:
                continue
            found: list[Place | None] = [g.state_place(a.state)]
            if a.county:
                found.append(g.county_place(a.state, a.county))
            if a.city:
                found.append(g.city_place(a.state, a.city))
            for p in found:
                if p is not None:
                    seen[(p.kind, p.state, p.name)] = p
    return list(seen.values())


def check_invariants(data: Dataset, place: Place, audiences: tuple[str, ...] = ()) -> None:
    out = rank.lookup(data, ok(place), at=AT, audiences=audiences)
    order = rank.section_order(audiences)
    sections = [order.index(i.section) for i in out.resources]
    assert sections == sorted(sections), place
    assert [i.rank for i in out.resources] == list(range(1, len(out.resources) + 1))
    for a, b in zip(out.resources, out.resources[1:], strict=False):
        if a.section != b.section:
            continue
        ka = (POLICE_LEVELS.index(a.resource.police), DISPATCH_PATHS.index(a.resource.dispatch),
              SCOPES.index(a.scope), {True: 0, None: 1, False: 2}[a.open_now])  # fmt: skip
        kb = (POLICE_LEVELS.index(b.resource.police), DISPATCH_PATHS.index(b.resource.dispatch),
              SCOPES.index(b.scope), {True: 0, None: 1, False: 2}[b.open_now])  # fmt: skip
        assert ka[0] <= kb[0], (place, a.resource.id, b.resource.id)  # police never decreases
        assert ka <= kb, (place, a.resource.id, b.resource.id)
    for item in out.resources:
        r = item.resource
        assert r.status not in ("ended", "suspended"), (place, r.id)
        assert r.verified and r.sources and all(s.strip() for s in r.sources), (place, r.id)
        assert rank.scope_for(r, place) == item.scope
        assert item.why
    serving_gone = {r.id for r in data.resources if not r.is_option and rank.scope_for(r, place)}
    assert serving_gone == {n.resource_id for n in out.notices if n.kind in ("ended", "suspended")}
    assert out.resources or out.notices  # never an empty screen


def _audiences(data: Dataset) -> list[tuple[str, ...]]:
    found = sorted({a for r in data.resources for a in r.audiences})
    return [(), *((a,) for a in found)]


def test_invariants_over_every_place_in_the_fixture_dataset() -> None:
    from test_lookup_support import SMALL

    data = dataset_mod.load(SMALL)
    places = places_mentioned(data)
    assert {p.kind for p in places} >= {"city", "county", "state"}
    for place in places:
        for auds in _audiences(data):
            check_invariants(data, place, auds)


def test_invariants_over_every_place_in_the_shipped_dataset() -> None:
    if not dataset_mod.packaged_path().exists():
        pytest.skip("no packaged data/resources.yaml in this checkout yet")
    data = dataset_mod.load(None)
    places = places_mentioned(data)
    assert places, "the shipped dataset mentions no place"
    for place in places:
        check_invariants(data, place)
        for auds in _audiences(data)[1:]:
            check_invariants(data, place, auds)


# ---- invariants over generated datasets ----------------------------------------------------

_AREAS = st.sampled_from(
    [Area(national=True), OR_STATE, LANE_AREA, EUGENE_AREA, Area(state="WA"),
     Area(state="OR", county="Marion County"), Area(state="OR", city="Salem")]
)  # fmt: skip
_HOURS = st.sampled_from(
    [("24/7",), ("mon-fri 08:00-17:00",), ("daily 14:00-23:00",), ("fri 22:00-02:00",), ("bad",)]
)


@st.composite
def _resource(draw: st.DrawFn) -> Resource:
    return res(
        f"r{draw(st.integers(0, 10**6))}",
        name=draw(st.sampled_from(["Alpha", "beta", "Gamma", "alpha", "Zed"])),
        kind=draw(st.sampled_from(KINDS)),
        police=draw(st.sampled_from(POLICE_LEVELS)),
        dispatch=draw(st.sampled_from(DISPATCH_PATHS)),
        serves=tuple(draw(st.lists(_AREAS, min_size=1, max_size=3))),
        hours=draw(_HOURS),
        tz=draw(st.sampled_from([None, "America/Los_Angeles", "America/New_York"])),
        status=draw(st.sampled_from(STATUSES)),
        verified=draw(st.sampled_from([date(2024, 1, 1), date(2026, 11, 1)])),
        audiences=tuple(draw(st.lists(st.sampled_from(["trans", "youth", "deaf"]), max_size=2))),
    )


@settings(max_examples=60, deadline=None)
@given(
    resources=st.lists(_resource(), max_size=14, unique_by=lambda r: r.id),
    place=st.sampled_from([EUGENE, LANE, OREGON]),
    audiences=st.sampled_from([(), ("trans",), ("youth", "trans")]),
)
def test_invariants_over_generated_datasets(
    resources: list[Resource], place: Place, audiences: tuple[str, ...]
) -> None:
    check_invariants(ds(*resources), place, audiences)


# ---------------------------------------------------------------- --for lgbtq and empty sections


def test_for_lgbtq_also_brings_in_entries_for_trans_people() -> None:
    data = ds(
        res("trans-line", kind="peer-line", audiences=("trans",)),
        res("queer-line", kind="warmline", audiences=("lgbtq",)),
        res("youth-line", kind="warmline", audiences=("youth",)),
    )
    out = rank.lookup(data, ok(EUGENE), at=AT, audiences=("lgbtq",))
    sections = {i.resource.id: i.section for i in out.resources}
    assert sections == {"trans-line": "lgbtq", "queer-line": "lgbtq", "youth-line": "communities"}
    # --for trans does not pull in lgbtq-only entries
    trans = rank.lookup(data, ok(EUGENE), at=AT, audiences=("trans",))
    assert {i.resource.id: i.section for i in trans.resources}["queer-line"] == "communities"


def test_filters_that_empty_a_requested_section_say_so() -> None:
    data = ds(
        res("team", kind="mobile-team", serves=(LANE_AREA,), languages=("en", "es")),
        res("queer-line", kind="warmline", audiences=("lgbtq",), languages=("en",)),
    )
    out = rank.lookup(data, ok(EUGENE), at=AT, audiences=("lgbtq",), language="es")
    assert [i.resource.id for i in out.resources] == ["team"]
    hidden = [n for n in out.notices if n.kind == "filtered-out"]
    assert (
        len(hidden) == 1
        and "LGBTQ+ people" in notice_text(hidden[0])
        and "1 entry" in notice_text(hidden[0])
    )
    assert hidden[0].fields["filters"] == ("--language",)  # only the filter that was used
    unfiltered = rank.lookup(data, ok(EUGENE), at=AT, audiences=("lgbtq",))
    assert not [n for n in unfiltered.notices if n.kind in ("filtered-out", "audience-gap")]


def test_a_requested_audience_with_no_entry_here_gets_a_notice() -> None:
    data = ds(res("team", kind="mobile-team", serves=(LANE_AREA,)))
    out = rank.lookup(data, ok(EUGENE), at=AT, audiences=("veterans",))
    gaps = [n for n in out.notices if n.kind == "audience-gap"]
    assert len(gaps) == 1 and "veterans" in notice_text(gaps[0])
