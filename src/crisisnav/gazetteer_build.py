"""Building the places index (used by gazetteer_store on a cache miss, and by
scripts/build_gazetteer_index.py for the shipped copy). Takes a second or two.

Sources: the `zipcodes` package (every ZIP, its USPS city names, county and time zone) and
data/aliases.yaml (NYC, Philly, DC).

What the index holds, and the spellings it uses:
- Cities: every USPS primary city name of a ZIP, plus every "acceptable" alternate name a ZIP
  accepts (Milwaukie, OR is mailed as Portland). A city keeps every county its delivery
  (STANDARD) ZIPs lie in, most ZIPs first (Kansas City, MO: Jackson, Clay, Platte); PO-box and
  single-firm ZIPs count only for a city that has no delivery ZIP, since the package places
  some of them far from the city (an Anchorage PO-box ZIP in the North Slope Borough).
- Counties use the zipcodes package's spelling, cleaned where the package disagrees with
  itself: "Lane County", "Orleans Parish", "Kenai Peninsula Borough", "Bethel Census Area",
  "Anchorage Municipality", "Juneau City and Borough", "Adjuntas Municipio" (Puerto Rico),
  "District of Columbia", "Carson City", "James City" (a Virginia county), and independent
  cities as "<Name> city" with a lower-case "city" (Census style): "Baltimore city" (MD,
  not Baltimore County), "St. Louis city" (MO), "Richmond city", "Fairfax city" (VA). The
  package also writes some of those as "Baltimore City", "Municipality of Anchorage",
  "City and Borough of Juneau" or "San Juan"; those variants are merged into the spelling
  above. The dataset's `serves` areas must use exactly these spellings (`has_county`).
- The size prior is the number of ZIP codes (the package has no population): a city's
  primary ZIPs, or for a name that is only an alternate, the ZIPs that accept it.
- States: the 50 states and DC, plus PR, VI, GU, AS and MP (`state_codes(territories=True)`).
  Military (AA, AE, AP) and freely associated states (FM, MH, PW) are left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import accumulate
from typing import Any

from crisisnav import gazetteer_index
from crisisnav.gazetteer_index import _SEP, FORMAT, _Table, _u32
from crisisnav.normalize import ALL_STATES, STATES, compact, normalize, osa_within_one, split_county

LOOKALIKE_MIN_ZIPS = 10  # a name this big is offered beside an exact tiny namesake one edit away
LOOKALIKE_RATIO = 10

# A place record while building: (kind, name, state, counties, timezone, zips)
PlaceRec = tuple[str, str, str, tuple[str, ...], str, int]
_KIND_CODE = {"city": "c", "county": "k", "state": "s", "neighborhood": "n", "borough": "b"}
# New York's boroughs by county, for "Williamsburg, Brooklyn"
_BOROUGH_WORDS = {"New York County": ("manhattan",), "Kings County": ("brooklyn",), "Queens County": ("queens",),
                  "Bronx County": ("bronx", "the bronx"), "Richmond County": ("staten island",)}  # fmt: skip


class PlaceRow:
    """One line of data/places.tsv (scripts/build_places.py)."""

    __slots__ = ("state", "name", "kind", "city", "counties", "mode", "population", "merge")

    def __init__(self, cols: list[str]) -> None:
        self.state, self.name, self.kind, self.city = cols[0], cols[1], cols[2], cols[3]
        self.counties = tuple(c for c in cols[4].split(";") if c)
        self.mode, self.population, self.merge = cols[5], int(cols[6] or 0), cols[8]


def load_place_rows() -> list[PlaceRow]:
    """data/places.tsv, or [] when it is missing (the index is then USPS names only)."""
    try:
        text = gazetteer_index.PLACES_PATH.read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("state\t"):
            continue
        cols = line.split("\t")
        if len(cols) >= 10 and cols[0] in ALL_STATES:
            out.append(PlaceRow(cols))
    return out


_LOWER_CITY_STATES = {"VA", "MD", "MO"}  # independent cities: "<Name> city"
_COUNTIES_NAMED_CITY = {"James City", "Charles City", "Carson City"}  # real names ending in City


def _county_key(name: str, state: str) -> str:
    key = normalize(name)
    for prefix, suffix in (
        ("municipality of ", " municipality"),
        ("city and borough of ", " city and borough"),
    ):
        if key.startswith(prefix):
            key = key[len(prefix) :] + suffix
    if state == "PR" and not key.endswith(" municipio"):
        key += " municipio"
    return key


def _county_spelling(variants: Counter[str], key: str, state: str) -> str:
    best = sorted(variants, key=lambda v: (normalize(v) != key, -variants[v], v))[0]
    if state == "PR" and not best.endswith("Municipio"):
        best += " Municipio"
    if state in _LOWER_CITY_STATES and best.endswith(" City") and best not in _COUNTIES_NAMED_CITY:
        best = best[: -len(" City")] + " city"
    return best


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))} | {key}


def _load_aliases() -> dict[str, list[str]]:
    """data/aliases.yaml: {aliases: {alias: "City, ST" | [targets...]}}; several targets = ambiguous."""
    import yaml

    try:
        text = gazetteer_index.ALIASES_PATH.read_text(encoding="utf-8")
    except OSError:
        return {}
    doc = yaml.safe_load(text) or {}
    raw = doc.get("aliases", {}) if isinstance(doc, dict) else {}
    out: dict[str, list[str]] = {}
    if isinstance(raw, dict):
        for alias, target in raw.items():
            targets = target if isinstance(target, list) else [target]
            out[normalize(str(alias))] = [str(t) for t in targets]
    return out


def build(key: str = "") -> tuple[dict[str, Any], tuple[str, str]]:
    """Build (index, completion list) from the zipcodes package. Takes a second or two."""
    import gc

    enabled = gc.isenabled()
    gc.disable()  # only acyclic containers are made here; collections would rescan ~1M objects
    try:
        return _build(key)
    finally:
        if enabled:
            gc.enable()


def _build(key: str) -> tuple[dict[str, Any], tuple[str, str]]:
    import zipcodes

    b = _Builder(zipcodes.list_all())  # type: ignore[no-untyped-call]
    b.add_cities()
    b.add_own_places()
    b.add_neighborhood_keys()
    b.add_counties_and_states()
    return b.encode(key, b.lookalikes(), *b.aliases_and_completion())


class _Builder:
    """The building steps, in order, over shared tables (each step a method of modest size)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self._memo: dict[str, str] = {}
        self._county_keys: dict[tuple[str, str], str] = {}
        self.zips: dict[str, tuple[str, str, str, str, int]] = {}
        self.city_zips: dict[tuple[str, str], list[str]] = defaultdict(
            list
        )  # (state, key) -> primary ZIPs
        self.primary_spell: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        self.spaced: dict[tuple[str, str], set[str]] = defaultdict(
            set
        )  # (state, compact key) -> keys
        self.city_spell: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        self.alt_zips: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.county_zips: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.state_zips: dict[str, list[str]] = defaultdict(list)
        self.keyed: dict[
            str, tuple[str, str]
        ] = {}  # raw city name -> (normalised key, compact key)
        self.standard: set[str] = (
            set()
        )  # delivery ZIPs; PO-box and single-firm ZIPs can sit far away
        # the index being built
        self.places: list[PlaceRec] = []
        self.place_keys: list[str] = []
        self.city_keys: dict[str, list[int]] = defaultdict(list)
        self.county_full: dict[str, list[int]] = defaultdict(list)
        self.county_base: dict[str, list[int]] = defaultdict(list)
        self.compact_keys: dict[str, list[int]] = defaultdict(list)
        self.state_ids: dict[str, int] = {}
        self.delivery: dict[int, int] = {}
        self.population: dict[int, int] = {}
        self.parents: dict[int, str] = {}
        self.usps_names: dict[str, list[int]] = {}
        self.proper: dict[tuple[str, str], str] = {}  # (state, compact USPS key) -> proper name
        self._read_zips(rows)

    # ----- helpers ----------------------------------------------------------------------
    def norm(self, text: str) -> str:
        got = self._memo.get(text)
        if got is None:
            got = self._memo[text] = normalize(text)
        return got

    def county_key(self, raw: str, state: str) -> str:
        got = self._county_keys.get((raw, state))
        if got is None:
            got = self._county_keys[(raw, state)] = _county_key(raw, state)
        return got

    def keys_of(self, raw: str) -> tuple[str, str]:
        got = self.keyed.get(raw)
        if got is None:
            n = self.norm(raw)
            got = self.keyed[raw] = (n, compact(n))
        return got

    def summarise(self, zs: list[str]) -> tuple[tuple[str, ...], str]:
        """(counties, most ZIPs first; the commonest time zone) of some ZIPs."""
        zips = self.zips
        if len(zs) == 1:
            _city, _state, county, tz, _active = zips[zs[0]]
            return ((county,) if county else ()), tz
        cc: dict[str, int] = {}
        tc: dict[str, int] = {}
        for z in zs:
            rec = zips[z]
            if rec[2]:
                cc[rec[2]] = cc.get(rec[2], 0) + 1
            if rec[3]:
                tc[rec[3]] = tc.get(rec[3], 0) + 1
        counties = tuple(sorted(cc, key=lambda c: (-cc[c], c))) if len(cc) > 1 else tuple(cc)
        tz = (min(tc, key=lambda t: (-tc[t], t)) if len(tc) > 1 else next(iter(tc))) if tc else ""
        return counties, tz

    # ----- 1. the zipcodes rows ---------------------------------------------------------
    def _county_names(self, rows: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
        """(state, county key) -> one spelling, merging the package's variants."""
        variants: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
        for r in rows:
            state = r["state"]
            if state not in ALL_STATES:
                continue
            county = r["county"] or ("District of Columbia" if state == "DC" else "")
            if county:
                variants[(state, self.county_key(county, state))][county] += 1
        return {sk: _county_spelling(v, sk[1], sk[0]) for sk, v in variants.items()}

    def _read_zips(self, rows: list[dict[str, Any]]) -> None:
        county_name = self._county_names(rows)
        canon: dict[tuple[str, str], str] = {}
        keyed, keys_of = self.keyed, self.keys_of
        for r in rows:
            state = r["state"]
            if state not in ALL_STATES:
                continue
            z, city, raw_county = r["zip_code"], r["city"], r["county"]
            county = canon.get((state, raw_county))
            if county is None:
                raw = raw_county or ("District of Columbia" if state == "DC" else "")
                county = county_name[(state, self.county_key(raw, state))] if raw else ""
                canon[(state, raw_county)] = county
            self.zips[z] = (city, state, county, r["timezone"] or "", 1 if r["active"] else 0)
            if r["zip_code_type"] == "STANDARD":
                self.standard.add(z)
            n, c = keyed.get(city) or keys_of(city)
            ck = (state, c)
            self.spaced[ck].add(n)
            self.city_zips[ck].append(z)
            spell = self.primary_spell[ck]
            spell[city] = spell.get(city, 0) + 1
            for alt in r["acceptable_cities"]:
                n, c = keyed.get(alt) or keys_of(alt)
                ak = (state, c)
                self.spaced[ak].add(n)
                self.alt_zips[ak].append(z)
                spell = self.city_spell[ak]
                spell[alt] = spell.get(alt, 0) + 1
            if county:
                self.county_zips[(state, county)].append(z)
            self.state_zips[state].append(z)

    def _add(self, rec: PlaceRec, key: str) -> int:
        pid = len(self.places)
        self.places.append(rec)
        self.place_keys.append(key)
        return pid

    # ----- 2. USPS cities, with their GeoNames names, people and counties ------------------
    def add_cities(self) -> None:
        merged: dict[tuple[str, str], list[PlaceRow]] = defaultdict(list)
        self.own_rows: list[PlaceRow] = []
        for row in load_place_rows():
            if row.merge:
                merged[(row.state, compact(self.norm(row.merge)))].append(row)
            else:
                self.own_rows.append(row)
        for ck in sorted(self.city_zips.keys() | self.alt_zips.keys()):
            if ck[1]:
                self._add_city(ck, merged.get(ck))

    def _add_city(self, ck: tuple[str, str], rows_here: list[PlaceRow] | None) -> None:
        state, ckey_compact = ck
        zs = self.city_zips.get(ck) or self.alt_zips[ck]
        spell = self.primary_spell.get(ck) or self.city_spell[ck]
        spelling = (
            next(iter(spell)) if len(spell) == 1 else min(spell, key=lambda s: (-spell[s], s))
        )
        ckey = self.keyed[spelling][0]
        counties: tuple[str, ...]
        if len(zs) == 1:
            one = self.zips[zs[0]]
            counties, tz = ((one[2],) if one[2] else ()), one[3]
        else:  # where the city is: its delivery ZIPs when it has any
            counties, tz = self.summarise([z for z in zs if z in self.standard] or zs)
        pid = len(self.places)
        kind, name = "city", spelling
        if rows_here:
            top = max(rows_here, key=lambda r: r.population)
            named = [r for r in rows_here if compact(self.norm(r.name)) == ckey_compact]
            if named:  # its proper name: "Sandy Springs", "McLean", "Coeur d'Alene"
                name = max(named, key=lambda r: r.population).name
            self.population[pid] = top.population
            if top.mode == "set":  # an independent city is its own county (Manassas Park)
                counties = top.counties
            elif top.counties:
                counties = tuple(dict.fromkeys(top.counties + counties))
            if top.kind in ("neighborhood", "borough"):
                kind = top.kind
                self.parents[pid] = top.city
        if name != spelling:
            self.proper[ck] = name
            self.usps_names[f"{state}|{spelling}"] = [pid]
        self._add((kind, name, state, counties, tz, len(zs)), ckey)
        # for top_cities: delivery ZIPs that carry this name as their primary city name
        self.delivery[pid] = sum(1 for z in self.city_zips.get(ck, ()) if z in self.standard)
        variants = self.spaced[ck]
        for variant in sorted(variants) if len(variants) > 1 else (ckey,):
            self.city_keys[variant].append(pid)
        if " " in ckey:
            self.compact_keys[ckey_compact].append(pid)

    # ----- 3. places of their own (census-designated places, neighborhoods) --------------
    def add_own_places(self) -> None:
        self.county_tz = {sc: self.summarise(zs)[1] for sc, zs in self.county_zips.items()}
        self.state_tz = {st: self.summarise(zs)[1] for st, zs in self.state_zips.items()}
        for row in self.own_rows:
            if not row.counties:
                continue
            rkey = self.norm(row.name)
            tz = self.county_tz.get((row.state, row.counties[0])) or self.state_tz.get(
                row.state, ""
            )
            kind = row.kind if row.kind in ("neighborhood", "borough") else "city"
            pid = self._add((kind, row.name, row.state, row.counties, tz, 0), rkey)
            self.population[pid] = row.population
            self.city_keys[rkey].append(pid)
            if " " in rkey:
                self.compact_keys[compact(rkey)].append(pid)
            if kind != "city" and row.city:
                self.parents[pid] = row.city

    def add_neighborhood_keys(self) -> None:
        """A neighborhood within its city: "Rogers Park Chicago", "Williamsburg Brooklyn", "Koreatown LA"."""
        alias_words: dict[tuple[str, str], list[str]] = defaultdict(list)
        for alias, targets in _load_aliases().items():
            for target in targets:
                t = normalize(target).rsplit(" ", 1)
                if len(t) == 2 and t[1].upper() in ALL_STATES:
                    alias_words[(t[1].upper(), t[0])].append(alias)
        for pid, parent in self.parents.items():
            state, counties = self.places[pid][2], self.places[pid][3]
            words = [self.norm(parent), *alias_words.get((state, self.norm(parent)), ())]
            for county in counties:
                words += _BOROUGH_WORDS.get(county, ()) if state == "NY" else ()
            for word in dict.fromkeys(words):
                if word and word != self.place_keys[pid]:
                    self.city_keys[f"{self.place_keys[pid]} {word}"].append(pid)

    # ----- 4. counties (with those only places.tsv names) and states ---------------------
    def add_counties_and_states(self) -> None:
        county_zips = self.county_zips
        extra = sorted({(rec[2], c) for rec in self.places for c in rec[3]} - set(county_zips))
        for (state, county), zs in sorted(county_zips.items()) + [(sc, []) for sc in extra]:
            tz = self.county_tz.get((state, county)) or self.state_tz.get(state, "")
            full = self.norm(county)
            pid = self._add(("county", county, state, (county,), tz, len(zs)), full)
            base, _suffix = split_county(full)
            self.county_full[full].append(pid)
            if full.endswith(" city") and county not in _COUNTIES_NAMED_CITY:
                base = full[: -len(" city")]
            self.county_base[base].append(pid)
            if " " in full:
                self.compact_keys[compact(full)].append(pid)
        for state in sorted(self.state_zips):
            self.state_ids[state] = len(self.places)
            rec = (
                "state",
                ALL_STATES[state],
                state,
                (),
                self.state_tz[state],
                len(self.state_zips[state]),
            )
            self._add(rec, self.norm(ALL_STATES[state]))

    # ----- 5. lookalikes: a big city one edit from an exact tiny namesake (Phenix -> Phoenix)
    def lookalikes(self) -> dict[str, list[int]]:
        places, city_keys = self.places, self.city_keys
        primary = {
            pid
            for pid, k in enumerate(self.place_keys)
            if places[pid][0] not in ("county", "state")
            and (places[pid][2], compact(k)) in self.city_zips
        }
        big_deletes: dict[str, set[int]] = defaultdict(set)
        for key_, ids in city_keys.items():
            for pid in ids:
                if places[pid][5] >= LOOKALIKE_MIN_ZIPS and len(key_) >= 4 and pid in primary:
                    for d in _deletes(key_):
                        big_deletes[d].add(pid)
        key_of = {pid: k for k, ids in city_keys.items() for pid in ids}
        out: dict[str, list[int]] = {}
        empty: set[int] = set()
        for key_, ids in city_keys.items():
            if len(key_) < 5:
                continue
            found: set[int] = set()
            for i in range(len(key_) + 1):
                hit = big_deletes.get(key_[:i] + key_[i + 1 :] if i < len(key_) else key_, empty)
                if hit:
                    found |= hit
            if not found:
                continue
            own = max(places[pid][5] for pid in ids)
            near = sorted(
                pid
                for pid in found
                if key_of[pid] != key_
                and places[pid][5] >= LOOKALIKE_RATIO * own
                and osa_within_one(key_, key_of[pid])
            )
            if near:
                out[key_] = near
        return out

    # ----- 6. aliases (data/aliases.yaml) and the completion list ------------------------
    def aliases_and_completion(self) -> tuple[dict[str, list[int]], tuple[str, str]]:
        assert len(tz_names_check := {rec[4] for rec in self.places}) < 256, tz_names_check
        by_label: dict[str, int] = {}
        labels: list[tuple[str, str]] = []  # (normalised label, label) per place
        for pid, (kind, name, state, _c, _tz, _z) in enumerate(self.places):
            if kind == "state":
                labels.append((self.norm(name), name))
            else:
                labels.append((f"{self.place_keys[pid]} {state.lower()}", f"{name}, {state}"))
            by_label.setdefault(labels[-1][0], pid)
        aliases: dict[str, list[int]] = {}
        for alias, targets in sorted(_load_aliases().items()):
            ids = []
            for target in targets:
                pid_ = by_label.get(normalize(target))
                if pid_ is None:
                    raise ValueError(
                        f"aliases.yaml: {alias!r} -> {target!r} is not a place in the gazetteer"
                    )
                ids.append(pid_)
            aliases[alias] = ids
        # completion: sorted keys of "City, ST", "County, ST" and state names
        ordered = sorted(set(labels))
        return aliases, (_SEP.join(k for k, _ in ordered), _SEP.join(lab for _, lab in ordered))

    # ----- 7. encode: columns and sorted tables load in milliseconds ---------------------
    def _largest_cities(self) -> list[int]:
        """The 500 biggest cities and census-designated places of the 50 states and DC by GeoNames
        population (then delivery ZIPs): no neighborhoods, boroughs or PO-box-only names."""
        population, delivery, places = self.population, self.delivery, self.places
        ids = (
            pid
            for pid, rec in enumerate(places)
            if rec[0] == "city" and rec[2] in STATES and (population.get(pid) or delivery.get(pid))
        )

        def size(pid: int) -> tuple[int, int, str, str]:
            return (-population.get(pid, 0), -delivery.get(pid, 0), places[pid][1], places[pid][2])

        return sorted(ids, key=size)[:500]

    def _zip_table(self, county_ix: dict[str, int], tz_ix: dict[str, int]) -> dict[str, Any]:
        zips, keyed, proper = self.zips, self.keyed, self.proper
        zip_codes = sorted(zips)
        # ZIPs show the proper name of their city ("McLean" for 22101, not "Mc Lean")
        zip_city = {
            z: proper.get((v[1], compact(keyed[v[0]][0])), v[0]) if v[0] in keyed else v[0]
            for z, v in zips.items()
        }
        zip_city_list = sorted(set(zip_city.values()))
        zip_city_ix = {c: i for i, c in enumerate(zip_city_list)}
        return {
            "codes": "".join(zip_codes),
            "states": "".join(zips[z][1] for z in zip_codes),
            "city_names": _SEP.join(zip_city_list),
            "city": _u32([zip_city_ix[zip_city[z]] for z in zip_codes]),
            "county": _u32([county_ix[zips[z][2]] for z in zip_codes]),
            "tz": bytes(tz_ix[zips[z][3]] for z in zip_codes),
            "active": bytes(zips[z][4] for z in zip_codes),
        }

    def encode(
        self,
        key: str,
        lookalikes: dict[str, list[int]],
        aliases: dict[str, list[int]],
        complete: tuple[str, str],
    ) -> tuple[dict[str, Any], tuple[str, str]]:
        places = self.places
        county_list = [""] + sorted({c for rec in places for c in rec[3]})
        county_ix = {c: i for i, c in enumerate(county_list)}
        tz_list = sorted({rec[4] for rec in places} | {v[3] for v in self.zips.values()} | {""})
        tz_ix = {t: i for i, t in enumerate(tz_list)}
        pc_starts, pc_ids = [0], list[int]()
        for rec in places:
            pc_ids.extend(county_ix[c] for c in rec[3])
            pc_starts.append(len(pc_ids))
        core: dict[str, Any] = {
            "format": FORMAT,
            "source_key": key,
            "kinds": "".join(_KIND_CODE[rec[0]] for rec in places),
            "names": "".join(rec[1] for rec in places),
            "name_starts": _u32(list(accumulate((len(rec[1]) for rec in places), initial=0))),
            "states": "".join(rec[2] for rec in places),
            "county_names": _SEP.join(county_list),
            "place_counties": (_u32(pc_starts), _u32(pc_ids)),
            "tz_names": _SEP.join(tz_list),
            "tz": bytes(tz_ix[rec[4]] for rec in places),
            "zips": _u32([rec[5] for rec in places]),
            "city_keys": _Table.encode(self.city_keys),
            "county_full": _Table.encode(self.county_full),
            "county_base": _Table.encode(self.county_base),
            "compact_keys": _Table.encode(self.compact_keys),
            "aliases": _Table.encode(aliases),
            "lookalikes": _Table.encode(lookalikes),
            "state_ids": self.state_ids,
            "population": _u32([self.population.get(pid, 0) for pid in range(len(places))]),
            "parents": self.parents,
            "usps_names": _Table.encode(self.usps_names),
            "largest_cities": _u32(self._largest_cities()),
            "zip_table": self._zip_table(county_ix, tz_ix),
        }
        return core, complete
