"""Helpers for the sheet tests: a LookupResult built straight from the fixture YAML, so the
renderers are tested without depending on the ranking code (which has its own tests).

The order follows DESIGN.md's sections; within a section the fixture order is kept. Ended and
suspended entries become notices, as the ranking contract says."""

from __future__ import annotations

import datetime as dt

from crisisnav.models import (
    Contact,
    LookupResult,
    Notice,
    Place,
    RankedResource,
    Resolution,
    Resource,
)
from crisisnav.rank import BASE_SECTIONS, SECTION_OF_KIND
from fixture_data import EUGENE, fixture_dataset

_SECTION_OF_KIND = SECTION_OF_KIND  # the real mapping: the fake result only skips ordering rules
_SECTIONS = BASE_SECTIONS


def fixture_resources() -> list[Resource]:
    return list(fixture_dataset().resources)


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
        Notice(
            kind=r.status,
            fields={"name": r.name, "where": None, "since": str(r.status_since), "caveats": ()},
            resource_id=r.id,
        )
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
