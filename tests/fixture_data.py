"""Fixture data shared by several test modules (not a test module itself)."""

from __future__ import annotations

from pathlib import Path

from crisisnav import dataset
from crisisnav.models import Dataset, Place

FIXTURE = Path(__file__).parent / "data" / "valid" / "small.yaml"  # fake entries, every kind

EUGENE = Place(
    kind="city",
    name="Eugene",
    state="OR",
    city="Eugene",
    county="Lane County",
    counties=("Lane County",),
    timezone="America/Los_Angeles",
)


def fixture_dataset() -> Dataset:
    """The fixture file through the real loader (no cache, so no test sees another's)."""
    return dataset.load(FIXTURE, use_cache=False)
