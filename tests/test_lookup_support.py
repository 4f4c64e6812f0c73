"""Helpers shared by the lookup tests (no tests here).

`fake_resolve` stands in for crisisnav.resolve only where the real resolver is absent; it
answers from the real gazetteer for the handful of queries the tests use."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

from crisisnav.models import Resolution

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "data" / "valid" / "small.yaml"
GOLDEN = ROOT / "tests" / "golden"
AT = "2026-12-01 03:00"  # a Tuesday night, Pacific time at Eugene

HAVE_REAL_RESOLVER = importlib.util.find_spec("crisisnav.resolve") is not None


def fake_resolve(query: str) -> Resolution:
    from crisisnav import gazetteer

    g = gazetteer.load()
    q = " ".join(query.split())
    key = q.lower().replace(",", "").replace(".", "")
    if key.isdigit() and len(key) == 5:
        p = g.zip_place(key)
        return (
            Resolution(query=query, status="ok", place=p) if p else Resolution(query, "not_found")
        )
    if key in ("eugene or", "eugene oregon"):
        return Resolution(query, "ok", place=g.city_place("OR", "Eugene"))
    if key in ("denver", "denver co"):
        return Resolution(query, "ok", place=g.city_place("CO", "Denver"))
    if key in ("lane county or", "lane county"):
        return Resolution(query, "ok", place=g.county_place("OR", "Lane County"))
    if key in ("oregon", "or"):
        return Resolution(query, "ok", place=g.state_place("OR"))
    if key == "springfield":
        cands = tuple(
            p for p in (g.city_place(s, "Springfield") for s in ("IL", "MA", "MO", "OR")) if p
        )
        return Resolution(query, "ambiguous", candidates=cands)
    return Resolution(query, "not_found", message="no US place matches that")


def fake_resolve_many(queries: list[str]) -> list[Resolution]:
    return [fake_resolve(q) for q in queries]


def install_fake_resolver() -> None:
    """Put a fake crisisnav.resolve in sys.modules (only when the real one is missing)."""
    if HAVE_REAL_RESOLVER:
        return
    mod = types.ModuleType("crisisnav.resolve")
    mod.resolve = fake_resolve  # type: ignore[attr-defined]
    mod.resolve_many = fake_resolve_many  # type: ignore[attr-defined]
    sys.modules["crisisnav.resolve"] = mod


# For subprocess runs: python -c BOOT -- args...
BOOT = (
    "import sys; sys.path.insert(0, {tests!r}); import test_lookup_support as s; "
    "s.install_fake_resolver(); from crisisnav.cli import main; sys.argv = ['crisisnav'] + sys.argv[1:]; main()"
).format(tests=str(ROOT / "tests"))
