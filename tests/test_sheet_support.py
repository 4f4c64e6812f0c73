"""Helpers for the sheet tests: a LookupResult built straight from the fixture YAML, so the
renderers are tested without depending on the ranking code (which has its own tests).

The order follows DESIGN.md's sections; within a section the fixture order is kept. Ended and
suspended entries become notices, as the ranking contract says."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from crisisnav.models import (
    Area,
    Contact,
    LookupResult,
    Notice,
    Place,
    RankedResource,
    Resolution,
    Resource,
)

FIXTURE = Path(__file__).parent / "data" / "valid" / "small.yaml"

EUGENE = Place(
    kind="city",
    name="Eugene",
    state="OR",
    city="Eugene",
    county="Lane County",
    counties=("Lane County",),
    timezone="America/Los_Angeles",
)

_SECTION_OF_KIND = {
    "mobile-team": "respond",
    "community-responder": "respond",
    "crisis-line": "call",
    "text-line": "call",
    "chat": "call",
    "warmline": "talk",
    "peer-line": "talk",
    "walk-in": "go",
    "peer-respite": "go",
    "co-responder": "last-resort",
    "police-cit": "last-resort",
    "directory": "directories",
}
_SECTIONS = ("respond", "call", "talk", "go", "communities", "last-resort", "directories")


def _resource(d: dict[str, Any]) -> Resource:
    return Resource(
        id=d["id"],
        name=d["name"],
        kind=d["kind"],
        police=d["police"],
        police_note=d.get("police_note"),
        dispatch=d["dispatch"],
        serves=tuple(Area(**a) for a in d["serves"]),
        contacts=tuple(Contact(**c) for c in d["contacts"]),
        hours=tuple(d["hours"]),
        timezone=d.get("timezone"),
        audiences=tuple(d.get("audiences") or ()),
        languages=tuple(d.get("languages") or ()),
        how_to_ask=d.get("how_to_ask"),
        caveats=tuple(d.get("caveats") or ()),
        status=d["status"],
        status_since=d.get("status_since"),
        verified=d["verified"],
        sources=tuple(d["sources"]),
    )


def fixture_resources() -> list[Resource]:
    import yaml

    data = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return [_resource(d) for d in data["resources"]]


def fake_result(
    resources: list[Resource] | None = None,
    place: Place = EUGENE,
    *,
    today: dt.date = dt.date(2026, 11, 26),
) -> LookupResult:
    resources = fixture_resources() if resources is None else resources
    options = [r for r in resources if r.is_option]
    keyed = []
    for r in options:
        section = "communities" if r.audiences else _SECTION_OF_KIND.get(r.kind, "call")
        keyed.append((_SECTIONS.index(section), section, r))
    keyed.sort(key=lambda t: t[0])
    ranked = tuple(
        RankedResource(
            rank=i + 1,
            resource=r,
            section=section,
            scope=r.serves[0].scope,
            open_now=None,
            stale=(today - r.verified).days > 365,
            why=(),
        )
        for i, (_, section, r) in enumerate(keyed)
    )
    notices = tuple(
        Notice(kind=r.status, text=f"{r.name} has {r.status} (since {r.status_since}).", resource_id=r.id)
        for r in resources
        if not r.is_option
    )
    return LookupResult(
        resolution=Resolution(query="Eugene, OR", status="ok", place=place),
        resources=ranked,
        notices=notices,
        evaluated_at="2026-11-26T12:00:00-08:00",
    )


def many_resources(n: int, base: Resource | None = None) -> list[Resource]:
    """n distinct made-up entries (for overflow tests), each with its own 555-01xx-style number."""
    base = base or fixture_resources()[0]
    out = []
    for i in range(n):
        out.append(
            Resource(
                id=f"fixture-many-{i:03d}",
                name=f"Fixture Many Entry {i:03d}",
                kind="crisis-line",
                police="possible",
                dispatch="direct",
                serves=base.serves,
                contacts=(Contact("phone", f"541-555-{i:04d}", label=f"Fixture line {i:03d}"),),
                hours=("24/7",),
                languages=("en",),
                caveats=("Fixture caveat that takes a little room on the line.",),
                status="active",
                verified=dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
                sources=("https://example.org/fixture-many",),
            )
        )
    return out
