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
# The gazetteer has no population figures; cities are ranked by gazetteer.top_cities.
CITY_RANKING = "delivery ZIP codes under the primary USPS name, a stand-in for population"


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


def coverage_report(
    resources: Sequence[Resource],
    *,
    state_name: Callable[[str], str],
    cities: Sequence[Place],
    gaps: Sequence[dict[str, Any]] = (),
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
    return {
        "schema_version": SCHEMA_VERSION,
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


def coverage_text(report: dict[str, Any]) -> str:
    s = report["summary"]
    out = [
        f"States with a state-level line: {s['states_with_state_line']} of {s['states']}",
        f"States with a local non-police responder: {s['states_with_local_responder']} of {s['states']}",
        f"Largest {s['cities']} cities with a local option: {s['cities_with_local_option']} "
        f"(with a non-police responder: {s['cities_with_local_responder']})",
        f"  Cities ranked by {CITY_RANKING}.",
        "",
        "Lines: state-level entries still operating (not directories or police).",
        "Local: city or county mobile teams and community responders, police none or possible.",
        "",
        f"{'ST':<3} {'State':<22} {'Lines':>5} {'Local':>5}  Note",
    ]
    for st in report["states"]:
        note = ""
        if st["gap"] is not None:
            note = "coverage gap: " + str(st["gap"].get("note") or st["gap"].get("searched") or "")
        elif not st["state_lines"]:
            note = "no state-level line in the dataset"
        out.append(
            f"{st['state']:<3} {_cell(st['name'], 22):<22} {st['state_lines']:>5} "
            f"{st['local_responders']:>5}  {note}".rstrip()
        )
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

    Per state (50 + DC): the state-level lines and the local non-police responders; for
    the 100 largest cities (ranked by delivery ZIP codes: the gazetteer holds no population
    figures): whether any local option serves them; and the states listed in
    coverage-gaps.yaml beside the dataset, with what was searched. Counts only entries that
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
