"""`crisisnav coverage` (what the dataset covers, state by state and in the largest cities) and
`crisisnav stale` (entries due for re-verification, oldest first).

The counting is pure (`coverage_report`, `stale_report`); the commands load, count and print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from crisisnav import errors
from crisisnav.commands._common import DataOpt, data_path, guarded
from crisisnav.models import Place, Resource
from crisisnav.render.formats import REPORT

if TYPE_CHECKING:
    from crisisnav.gazetteer import Gazetteer

SCHEMA_VERSION = 1


# Kinds that are not counted as a state's lines or a place's local options.
NOT_OPTIONS = ("directory", "co-responder", "police-cit")
RESPONDER_KINDS = ("mobile-team", "community-responder")
NON_POLICE = ("none", "possible")
TOP_CITIES = 100
GAPS_FILE = "coverage-gaps.yaml"
CITY_RANKING = "population (GeoNames, via the gazetteer)"
# People are counted in places of at least this size (issue 12's measure), and overall.
PEOPLE_MIN_PLACE = 15_000
LARGEST_COUNTIES_SHOWN = 25


FormatOpt = Annotated[str, typer.Option("--format", "-f", help=REPORT.help())]


# --------------------------------------------------------------------------- pure counting


def _counts_in_state(r: Resource, state: str, scopes: Sequence[str]) -> bool:
    return any(a.state == state and a.scope in scopes for a in r.serves)


def is_local_responder(r: Resource) -> bool:
    """A mobile team or community responder, still operating, with no police on the team."""
    return r.is_option and r.kind in RESPONDER_KINDS and r.police in NON_POLICE


def is_local_option(r: Resource) -> bool:
    """Anything still operating that a person could use, except police and directories."""
    return r.is_option and r.kind not in NOT_OPTIONS and r.police in NON_POLICE


def _local_place_scope(r: Resource, place: Place) -> bool:
    from crisisnav.rank import scope_for

    return scope_for(r, place) in ("city", "county")


def people_report(
    resources: Sequence[Resource], places: Sequence[Place], *, min_size: int = PEOPLE_MIN_PLACE
) -> dict[str, Any]:
    """Population-weighted coverage: the people living in places (cities and census-designated
    places, GeoNames populations) that a city or county entry serves, per state and nationwide;
    and the counties, largest first, where no place has a city or county entry.

    A county's size is the sum of its places' populations (a place in several counties is
    split evenly between them), so unincorporated people outside any place are not counted."""
    from crisisnav.normalize import STATES

    local = [r for r in resources if is_local_option(r)]
    by_state: dict[str, list[Resource]] = {}
    for r in local:
        for st in {a.state for a in r.serves if a.state and (a.county or a.city)}:
            by_state.setdefault(st, []).append(r)
    # The District of Columbia is one city with no counties: its own lines are its local ones.
    dc_lines = any(
        is_local_option(r) and any(a.state == "DC" and a.scope == "state" for a in r.serves)
        for r in resources
    )
    per_state: dict[str, dict[str, int]] = {
        code: {"people": 0, "covered": 0, "people_all": 0, "covered_all": 0} for code in STATES
    }
    county_people: dict[tuple[str, str], float] = {}
    county_covered: set[tuple[str, str]] = set()
    for place in places:
        if place.state not in per_state or place.population <= 0:
            continue
        covered = (place.state == "DC" and dc_lines) or any(
            _local_place_scope(r, place) for r in by_state.get(place.state, ())
        )
        row = per_state[place.state]
        row["people_all"] += place.population
        row["covered_all"] += place.population if covered else 0
        if place.population >= min_size:
            row["people"] += place.population
            row["covered"] += place.population if covered else 0
        share = place.population / max(1, len(place.counties))
        for c in place.counties:
            key = (place.state, c)
            county_people[key] = county_people.get(key, 0.0) + share
            if covered:
                county_covered.add(key)
    people = sum(r["people"] for r in per_state.values())
    covered_people = sum(r["covered"] for r in per_state.values())
    people_all = sum(r["people_all"] for r in per_state.values())
    covered_all = sum(r["covered_all"] for r in per_state.values())
    missing = sorted(
        ((k, v) for k, v in county_people.items() if k not in county_covered),
        key=lambda kv: (-kv[1], kv[0]),
    )
    return {
        "min_place_size": min_size,
        "people_in_places": people,
        "people_covered": covered_people,
        "share_covered": round(covered_people / people, 4) if people else 0.0,
        "people_in_all_places": people_all,
        "people_covered_all_places": covered_all,
        "share_covered_all_places": round(covered_all / people_all, 4) if people_all else 0.0,
        "states": {
            code: {
                "people_in_places": row["people"],
                "people_covered": row["covered"],
                "share_covered": round(row["covered"] / row["people"], 4)
                if row["people"]
                else None,
            }
            for code, row in per_state.items()
        },
        "largest_counties_without_local_entry": [
            {"state": st, "county": county, "people_in_places": int(round(n))}
            for (st, county), n in missing[:LARGEST_COUNTIES_SHOWN]
        ],
        "counties_with_local_entry": len(county_covered),
        "counties_with_people": len(county_people),
    }


def coverage_report(
    resources: Sequence[Resource],
    *,
    state_name: Callable[[str], str],
    cities: Sequence[Place],
    gaps: Sequence[dict[str, Any]] = (),
    places: Sequence[Place] | None = None,
) -> dict[str, Any]:
    """Per state: its state-level lines and local non-police responders; per large city: its
    local options. Only entries that are still options (not ended or suspended) count."""
    gap_by_state: dict[str, dict[str, Any]] = {}
    for g in gaps:
        gap_by_state.setdefault(str(g.get("state", "")).upper(), g)
    states = []
    from crisisnav.normalize import STATES

    for code in STATES:
        lines = [
            r.id
            for r in resources
            if r.is_option and r.kind not in NOT_OPTIONS and _counts_in_state(r, code, ("state",))
        ]
        local = [
            r.id
            for r in resources
            if is_local_responder(r) and _counts_in_state(r, code, ("city", "county"))
        ]
        gap = gap_by_state.get(code)
        states.append(
            {
                "state": code,
                "name": state_name(code),
                "state_lines": len(lines),
                "local_responders": len(local),
                "state_line_ids": lines,
                "local_responder_ids": local,
                "gap": None
                if gap is None
                else {"searched": gap.get("searched"), "note": gap.get("note")},
            }
        )
    city_rows = []
    for rank, place in enumerate(cities, start=1):
        options = [r for r in resources if is_local_option(r) and _local_place_scope(r, place)]
        city_rows.append(
            {
                "rank": rank,
                "city": place.name,
                "state": place.state,
                "counties": list(place.counties),
                "has_local_option": bool(options),
                "local_option_ids": [r.id for r in options],
                "local_responder_ids": [r.id for r in options if is_local_responder(r)],
            }
        )
    people = people_report(resources, places) if places is not None else None
    if people is not None:
        for st in states:
            st["people"] = people["states"].get(st["state"])
    return {
        "schema_version": SCHEMA_VERSION,
        "people": people,
        "summary": {
            "states": len(states),
            "states_with_state_line": sum(1 for s in states if s["state_lines"]),
            "states_with_local_responder": sum(1 for s in states if s["local_responders"]),
            "states_listed_as_gaps": sorted(gap_by_state),
            "cities": len(city_rows),
            "city_ranking": CITY_RANKING,
            "cities_with_local_option": sum(1 for c in city_rows if c["has_local_option"]),
            "cities_with_local_responder": sum(1 for c in city_rows if c["local_responder_ids"]),
        },
        "states": states,
        "cities": city_rows,
    }


def stale_report(resources: Sequence[Resource], *, today: date, days: int | None) -> dict[str, Any]:
    """Entries verified longer ago than `days` (default: the dataset's 12-month rule), oldest first."""
    from crisisnav.rank import is_stale

    if days is None:
        due = [r for r in resources if is_stale(r.verified, today)]
    else:
        cutoff = today - timedelta(days=days)
        due = [r for r in resources if r.verified < cutoff]
    due.sort(key=lambda r: (r.verified, r.id))
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": today.isoformat(),
        "days": days,
        "count": len(due),
        "entries": [
            {
                "id": r.id,
                "name": r.name,
                "verified": r.verified.isoformat(),
                "age_days": (today - r.verified).days,
                "status": r.status,
                "line": r.line,
                "sources": list(r.sources),
            }
            for r in due
        ],
    }


# --------------------------------------------------------------------------- I/O


def largest_cities(ranked: Sequence[Place], n: int = TOP_CITIES) -> list[Place]:
    """The first n cities of the 50 states and DC (the gazetteer also ranks territories')."""
    from crisisnav.normalize import STATES

    return [p for p in ranked if p.state in STATES][:n]


def load_gaps(dataset_path: str) -> list[dict[str, Any]]:
    """data/coverage-gaps.yaml beside the dataset: a list of {state, searched, note}; [] if absent."""
    path = Path(dataset_path).parent / GAPS_FILE
    if not path.is_file():
        return []
    import yaml

    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise errors.DataError(f"cannot read coverage gaps: {exc}", path=str(path)) from None
    if isinstance(doc, dict):
        doc = doc.get("gaps", doc.get("states"))
    if doc is None:
        return []
    if not isinstance(doc, list) or not all(isinstance(g, dict) and "state" in g for g in doc):
        raise errors.DataError(
            "coverage gaps must be a list of {state, searched, note}", path=str(path)
        )
    return [dict(g) for g in doc]


def _gazetteer() -> Gazetteer:
    from crisisnav import gazetteer

    return gazetteer.load()


def _parse_date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise errors.UsageError(f"--as-of wants a date like 2026-11-26, not {text!r}") from None


def _emit_json(obj: Any) -> None:
    from crisisnav.render.jsonfmt import dumps

    typer.echo(dumps(obj))


def _cell(text: object, width: int) -> str:
    s = str(text)
    return s if len(s) <= width else s[: width - 1] + "…"


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def coverage_text(report: dict[str, Any]) -> str:
    s = report["summary"]
    people = report.get("people")
    out: list[str] = []
    if people is not None:
        out += [
            f"People in places of {people['min_place_size']:,}+ served by a city or county entry: "
            f"{_pct(people['share_covered'])} ({people['people_covered']:,} of {people['people_in_places']:,})",
            f"People in all places: {_pct(people['share_covered_all_places'])} "
            f"({people['people_covered_all_places']:,} of {people['people_in_all_places']:,})",
            f"Counties with a city or county entry: {people['counties_with_local_entry']} "
            f"of {people['counties_with_people']}",
            "  Populations: GeoNames (via the gazetteer), cities and census-designated places;",
            "  people outside any place are not counted.",
            "",
        ]
    out += [
        f"States with a state-level line: {s['states_with_state_line']} of {s['states']}",
        f"States with a local non-police responder: {s['states_with_local_responder']} of {s['states']}",
        f"Largest {s['cities']} cities with a local option: {s['cities_with_local_option']} "
        f"(with a non-police responder: {s['cities_with_local_responder']})",
        f"  Cities ranked by {CITY_RANKING}.",
        "",
        "Lines: state-level entries still operating (not directories or police).",
        "Local: city or county mobile teams and community responders, police none or possible.",
        "",
        f"{'ST':<3} {'State':<22} {'Lines':>5} {'Local':>5} {'People':>6}  Note",
    ]
    for st in report["states"]:
        note = ""
        if st["gap"] is not None:
            note = "coverage gap: " + str(st["gap"].get("note") or st["gap"].get("searched") or "")
        elif not st["state_lines"]:
            note = "no state-level line in the dataset"
        ppl = st.get("people") or {}
        out.append(
            f"{st['state']:<3} {_cell(st['name'], 22):<22} {st['state_lines']:>5} "
            f"{st['local_responders']:>5} {_pct(ppl.get('share_covered')):>6}  {note}".rstrip()
        )
    if people is not None:
        out += ["", "Largest counties without a city or county entry (people in their places):"]
        for i, c in enumerate(people["largest_counties_without_local_entry"], start=1):
            out.append(f"  {i:>3}. {c['county']}, {c['state']}  {c['people_in_places']:,}")
        if not people["largest_counties_without_local_entry"]:
            out.append("  (none)")
    if report["cities"]:
        out += ["", "Largest cities without a local option:"]
        missing = [c for c in report["cities"] if not c["has_local_option"]]
        for c in missing:
            out.append(f"  {c['rank']:>3}. {c['city']}, {c['state']}")
        if not missing:
            out.append("  (none)")
    return "\n".join(out)


def stale_text(report: dict[str, Any]) -> str:
    rule = (
        f"more than {report['days']} days" if report["days"] is not None else "more than 12 months"
    )
    if not report["entries"]:
        return f"No entry was last verified {rule} before {report['as_of']}."
    out = [
        f"{report['count']} entries last verified {rule} before {report['as_of']} (oldest first):"
    ]
    for e in report["entries"]:
        out.append(
            f"  {e['verified']}  {e['age_days']:>5} days  {e['id']}  ({e['status']})  {e['name']}"
        )
    return "\n".join(out)


@guarded
def coverage_cmd(
    fmt: FormatOpt = "text",
    data: DataOpt = None,
) -> None:
    """Show what the dataset covers, by state.

    First the share of people (in cities and census-designated places of 15,000+, and in all
    places; GeoNames populations) served by a city or county entry, nationwide and per state,
    and the largest counties without one. Then per state (50 + DC): the state-level lines and
    the local non-police responders; for the 100 largest cities: whether any local option
    serves them; and the states listed in coverage-gaps.yaml beside the dataset. Counts only entries that
    are still options (not ended or suspended). A local non-police responder is a mobile
    team or community responder whose police involvement is none or possible.

    Example: crisisnav coverage --format json
    """
    from crisisnav import dataset as dataset_mod

    fmt = REPORT.check(fmt)
    ds = dataset_mod.load(data_path(data))
    gaps = load_gaps(ds.path)
    gaz = _gazetteer()
    report = coverage_report(
        ds.resources,
        state_name=lambda code: gaz.state_name(code) or code,
        cities=largest_cities(gaz.top_cities(TOP_CITIES * 2)),
        gaps=gaps,
        places=gaz.populated_places(),
    )
    if fmt == "json":
        _emit_json(report)
    else:
        typer.echo(coverage_text(report))


@guarded
def stale_cmd(
    fmt: FormatOpt = "text",
    days: Annotated[
        int | None,
        typer.Option(
            "--days",
            min=0,
            metavar="DAYS",
            help="Due when verified more than this many days ago (default: 12 months).",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            help="Count ages from this date (YYYY-MM-DD) instead of today.",
            show_default=False,
        ),
    ] = None,
    data: DataOpt = None,
) -> None:
    """List entries due for re-verification, oldest verified first.

    An entry is stale when its `verified` date is more than 12 months old; stale entries
    are still shown by lookup, marked as such.

    Example: crisisnav stale --days 180
    """
    from crisisnav import dataset as dataset_mod

    fmt = REPORT.check(fmt)
    today = _parse_date(as_of)
    ds = dataset_mod.load(data_path(data))
    report = stale_report(ds.resources, today=today, days=days)
    if fmt == "json":
        _emit_json(report)
    else:
        typer.echo(stale_text(report))
