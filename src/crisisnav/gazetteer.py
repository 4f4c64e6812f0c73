"""The US places index, as queried: ZIP codes, USPS city names and the places people name
(census-designated places, boroughs, neighborhoods), counties, states.

Four modules, one per seam:
- `gazetteer` (this one): the loaded index and its queries, and `load()`;
- `gazetteer_index`: the index's layout (columns, sorted tables) and its input files;
- `gazetteer_store`: where an index comes from: the on-disk cache (`crisisnav.cache`), the
  index shipped in the package (data/gazetteer-index.bin), or a fresh build; their keys;
- `gazetteer_build`: building the index from the `zipcodes` package, data/places.tsv and
  data/aliases.yaml (what it holds and the spellings it uses are described there).

A warm run loads only the names blob from the cache and does sorted-table lookups; it imports
neither zipcodes, yaml nor rapidfuzz, nor the building code.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import defaultdict
from dataclasses import replace
from typing import Any

from crisisnav.gazetteer_index import _SEP, _Table, _u32_view
from crisisnav.gazetteer_index import FORMAT as FORMAT  # re-exported: the layout version
from crisisnav.models import Place
from crisisnav.normalize import ALL_STATES, STATES, normalize, split_county

_KIND = {"c": "city", "k": "county", "s": "state", "n": "neighborhood", "b": "borough"}


class Gazetteer:
    """The loaded index. Places are referred to by integer ids; columns decode on first use."""

    def __init__(self, core: dict[str, Any], complete: tuple[str, str] | None = None) -> None:
        self.source_key: str = core.get("source_key", "")
        self._kinds: str = core["kinds"]
        self._names_joined: str = core["names"]
        self._name_starts_b: bytes = core["name_starts"]
        self._name_starts: array[int] | None = None
        self._states: str = core["states"]
        self._county_names_joined: str = core["county_names"]
        self._county_names: list[str] | None = None
        self._pc_starts_b: bytes = core["place_counties"][0]
        self._pc_ids_b: bytes = core["place_counties"][1]
        self._pc: tuple[array[int], array[int]] | None = None
        self._tz_names: list[str] = core["tz_names"].split(_SEP)
        self._tz: bytes = core["tz"]
        self._zips_b: bytes = core["zips"]
        self._zipcount: array[int] | None = None
        self.city_keys = _Table(core["city_keys"])
        self.county_full = _Table(core["county_full"])
        self.county_base = _Table(core["county_base"])
        self.compact_keys = _Table(core["compact_keys"])
        self.aliases = _Table(core["aliases"])
        self.lookalikes = _Table(core["lookalikes"])
        self.state_ids: dict[str, int] = core["state_ids"]
        self._population_b: bytes = core["population"]
        self._population: array[int] | None = None
        self._parents: dict[int, str] = core["parents"]
        self.usps_names = _Table(core["usps_names"])
        self._largest_b: bytes = core["largest_cities"]
        self._zip_enc: dict[str, Any] | None = None
        self._zip_city_names: list[str] | None = None
        self._zip_cols: tuple[array[int], array[int]] = (array("I"), array("I"))
        self._complete: tuple[list[str], list[str]] | None = None
        self._complete_raw: tuple[str, str] | None = complete  # as built: split on first use
        self._place_cache: dict[int, Place] = {}
        self._by_state_name: dict[tuple[str, str], int] | None = None
        self._fuzzy_choices: dict[str, tuple[list[str], list[tuple[int, ...]]]] = {}

    # ----- columns ----------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._kinds)

    def kind(self, pid: int) -> str:
        return _KIND[self._kinds[pid]]

    def name(self, pid: int) -> str:
        if self._name_starts is None:
            self._name_starts = _u32_view(self._name_starts_b)
        st = self._name_starts
        return self._names_joined[st[pid] : st[pid + 1]]

    def state(self, pid: int) -> str:
        return self._states[2 * pid : 2 * pid + 2]

    def counties(self, pid: int) -> tuple[str, ...]:
        if self._pc is None:
            self._pc = (_u32_view(self._pc_starts_b), _u32_view(self._pc_ids_b))
            self._county_names = self._county_names_joined.split(_SEP)
        starts, ids = self._pc
        names = self._county_names
        assert names is not None
        return tuple(names[i] for i in ids[starts[pid] : starts[pid + 1]])

    def timezone(self, pid: int) -> str:
        return self._tz_names[self._tz[pid]]

    def zips(self, pid: int) -> int:
        """The size prior: number of ZIP codes of the place."""
        if self._zipcount is None:
            self._zipcount = _u32_view(self._zips_b)
        return self._zipcount[pid]

    def population(self, pid: int) -> int:
        """People living in the place by GeoNames (cities, census-designated places, boroughs,
        neighborhoods); 0 when unknown (counties, states, USPS names GeoNames does not list)."""
        if self._population is None:
            self._population = _u32_view(self._population_b)
        return self._population[pid]

    def containers(self) -> frozenset[int]:
        """Cities whose neighborhoods the index holds, and boroughs ("Brooklyn"): the places a
        "Neighborhood, City" query may name as its second part."""
        got: frozenset[int] | None = self.__dict__.get("_containers")
        if got is None:
            wanted = {(self.state(p), normalize(c)) for p, c in self._parents.items()}
            got = frozenset(
                p for p in range(len(self))
                if (self._kinds[p] == "c" and (self.state(p), normalize(self.name(p))) in wanted)
                or self._kinds[p] == "b"
            )  # fmt: skip
            self.__dict__["_containers"] = got
        return got

    def parent(self, pid: int) -> str | None:
        """The city a neighborhood or borough lies in ("New York" for Harlem); else None."""
        return self._parents.get(pid)

    # ----- places -----------------------------------------------------------------------
    def place(self, pid: int, score: float = 100.0) -> Place:
        """The Place for an id (with the given score)."""
        base = self._place_cache.get(pid)
        if base is None:
            kind, name, state = self.kind(pid), self.name(pid), self.state(pid)
            tz, zips = self.timezone(pid) or None, self.zips(pid)
            if kind in ("city", "neighborhood", "borough"):
                counties = self.counties(pid)
                base = Place(
                    kind=kind, name=name, state=state, city=self._parents.get(pid, name),  # type: ignore[arg-type]
                    county=counties[0] if counties else None, counties=counties,
                    timezone=tz, zips=zips, population=self.population(pid),
                )  # fmt: skip
            elif kind == "county":
                base = Place(
                    kind="county", name=name, state=state, county=name, counties=(name,),
                    timezone=tz, zips=zips,
                )  # fmt: skip
            else:
                base = Place(kind="state", name=name, state=state, timezone=tz, zips=zips)
            self._place_cache[pid] = base
        if score == base.score:
            return base
        return replace(base, score=score)

    def zip_place(self, zip_code: str, score: float = 100.0) -> Place | None:
        """The Place of a 5-digit ZIP, or None when no such ZIP exists (or is not a US state's)."""
        enc = self._zip_table()
        codes: str = enc["codes"]
        n = len(codes) // 5
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            if codes[5 * mid : 5 * mid + 5] < zip_code:
                lo = mid + 1
            else:
                hi = mid
        if lo >= n or codes[5 * lo : 5 * lo + 5] != zip_code:
            return None
        if self._zip_city_names is None:
            self._zip_city_names = enc["city_names"].split(_SEP)
            self._zip_cols = (_u32_view(enc["city"]), _u32_view(enc["county"]))
        city = self._zip_city_names[self._zip_cols[0][lo]]
        state = enc["states"][2 * lo : 2 * lo + 2]
        ci = self._zip_cols[1][lo]
        if self._county_names is None:
            self.counties(0)
        assert self._county_names is not None
        county = self._county_names[ci] if ci else ""
        tz = self._tz_names[enc["tz"][lo]]
        return Place(
            kind="zip", name=zip_code, state=state, city=city, county=county or None,
            counties=(county,) if county else (), zip=zip_code, timezone=tz or None,
            score=score, zips=1,
        )  # fmt: skip

    def _zip_table(self) -> dict[str, Any]:
        if self._zip_enc is None:
            from crisisnav import gazetteer_store

            self._zip_enc = gazetteer_store.zip_table(self.source_key)
        return self._zip_enc

    def zip_codes(self) -> list[str]:
        """Every ZIP code in the index, sorted."""
        codes: str = self._zip_table()["codes"]
        return [codes[i : i + 5] for i in range(0, len(codes), 5)]

    # ----- the interface validate, lookup and coverage use ------------------------------
    def state_name(self, code: str) -> str | None:
        """ "Oregon" for "OR" (any case); None for anything else."""
        return ALL_STATES.get(code.upper()) if isinstance(code, str) else None

    def state_codes(self, territories: bool = False) -> list[str]:
        """The 50 states and DC, sorted; with territories=True also PR, VI, GU, AS, MP."""
        codes = list(STATES)
        if territories:
            codes += [c for c in ALL_STATES if c not in STATES]
        return sorted(codes)

    def _by_name(self) -> dict[tuple[str, str], int]:
        if self._by_state_name is None:
            table: dict[tuple[str, str], int] = {}
            for pid in range(len(self)):
                kind = self.kind(pid)
                if kind != "state":
                    kind = (
                        "county" if kind == "county" else "city"
                    )  # neighborhoods are asked as cities
                    table.setdefault((kind + ":" + self.state(pid), self.name(pid)), pid)
            for (
                label,
                ids,
            ) in self.usps_names.items():  # USPS spellings stay accepted (dataset areas)
                state, _, usps = label.partition("|")
                table.setdefault(("city:" + state, usps), ids[0])
            self._by_state_name = table
        return self._by_state_name

    def has_county(self, state: str, county: str) -> bool:
        """True when county is a county (or equivalent) of state, spelt exactly as the index does."""
        return ("county:" + str(state).upper(), county) in self._by_name()

    def has_city(self, state: str, city: str) -> bool:
        """True when city is a city, census-designated place or neighborhood of state, by its
        proper name ("St. Petersburg") or its USPS spelling ("Saint Petersburg")."""
        return ("city:" + str(state).upper(), city) in self._by_name()

    def canonical_county(self, state: str, name: str) -> str | None:
        """The index's spelling of a county written another way ("lane co" -> "Lane County")."""
        return self._canonical("county", state, name)

    def canonical_city(self, state: str, name: str) -> str | None:
        """The index's spelling of a city written another way ("st louis" -> "Saint Louis")."""
        return self._canonical("city", state, name)

    def _canonical(self, kind: str, state: str, name: str) -> str | None:
        key = normalize(name)
        state = str(state).upper()
        tables: list[_Table]
        if kind == "city":
            tables = [self.city_keys]
        else:
            base, suffix = split_county(key)
            if suffix:
                key = f"{base} {suffix}"
                tables = [self.county_full]
            else:
                tables = [self.county_full, self.county_base]
        for table in tables:
            for pid in table.get(key):
                if self.state(pid) == state and self.kind(pid) == kind:
                    return self.name(pid)
        return None

    def suggest_county(self, state: str, name: str) -> str | None:
        """Did-you-mean for a county name of state: its spelling here, or the nearest one."""
        return self._suggest("county", state, name)

    def suggest_city(self, state: str, name: str) -> str | None:
        """Did-you-mean for a city name of state: its spelling here, or the nearest one."""
        return self._suggest("city", state, name)

    def _suggest(self, kind: str, state: str, name: str) -> str | None:
        exact = self._canonical(kind, state, name)
        if exact is not None:
            return exact
        from rapidfuzz import fuzz, process

        state = str(state).upper()
        # proper names only: the USPS spellings are accepted, never suggested
        names = sorted(
            {
                n
                for (k, n), pid in self._by_name().items()
                if k == f"{kind}:{state}" and self.name(pid) == n
            }
        )
        if not names:
            return None
        keys = [normalize(n) for n in names]
        key = normalize(name)
        if kind == "county":
            key = split_county(key)[0]
            keys = [split_county(k)[0] for k in keys]
        best = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=70)
        return names[best[2]] if best else None

    def city_counties(self, state: str, city: str) -> tuple[str, ...]:
        """Every county the city's ZIPs lie in, most ZIPs first; () for an unknown city."""
        state = str(state).upper()
        pid = self._by_name().get(("city:" + state, city))
        if pid is None:
            canon = self.canonical_city(state, city)
            pid = self._by_name().get(("city:" + state, canon or ""))
        return self.counties(pid) if pid is not None else ()

    def county_place(self, state: str, county: str) -> Place | None:
        pid = self._by_name().get(("county:" + str(state).upper(), county))
        return None if pid is None else self.place(pid)

    def city_place(self, state: str, city: str) -> Place | None:
        pid = self._by_name().get(("city:" + str(state).upper(), city))
        return None if pid is None else self.place(pid)

    def state_place(self, code: str) -> Place | None:
        pid = self.state_ids.get(str(code).upper())
        return None if pid is None else self.place(pid)

    def top_cities(self, n: int) -> list[Place]:
        """The n biggest cities and census-designated places of the 50 states and DC (n <= 500)
        by GeoNames population (Place.population), then delivery ZIPs; neighborhoods and
        boroughs are left out (their people are counted in their city)."""
        order = _u32_view(self._largest_b)
        return [self.place(pid) for pid in order[: max(0, n)]]

    def populated_places(self) -> list[Place]:
        """Every city and census-designated place of its own with a known population (> 0),
        largest first: the places to weight by people. Neighborhoods and boroughs are left out,
        since their people are already counted in their city (New York, Los Angeles)."""
        ids = [p for p in range(len(self)) if self._kinds[p] == "c" and self.population(p) > 0]
        ids.sort(key=lambda p: (-self.population(p), self.name(p), self.state(p)))
        return [self.place(p) for p in ids]

    def complete(self, prefix: str, limit: int = 20) -> list[str]:
        """Labels starting with prefix, in order: "Eugene, OR", "Lane County, OR", "Oregon"."""
        keys, labels = self._completion()
        key = normalize(prefix)
        if not key:
            return []
        out: list[str] = []
        i = bisect_left(keys, key)
        while i < len(keys) and keys[i].startswith(key) and len(out) < limit:
            out.append(labels[i])
            i += 1
        return out

    def _completion(self) -> tuple[list[str], list[str]]:
        if self._complete is None:
            loaded = self._complete_raw
            if loaded is None:
                from crisisnav import gazetteer_store

                loaded = gazetteer_store.completion(self.source_key)
            self._complete = (loaded[0].split(_SEP), loaded[1].split(_SEP))
        return self._complete

    # ----- fuzzy-matching support (used by resolve on a miss) ---------------------------
    def fuzzy_choices(self, scope: str) -> tuple[list[str], list[tuple[int, ...]]]:
        """Keys and their place ids for fuzzy matching within a state ("OR") or the nation ("").
        All scopes are prepared in one pass over the tables, on first use."""
        if not self._fuzzy_choices:
            merged: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
            nation: dict[str, list[int]] = defaultdict(list)
            states = self._states
            for table in (self.city_keys, self.county_base):
                for key, ids in table.items():
                    for pid in ids:
                        nation[key].append(pid)
                        merged[states[2 * pid : 2 * pid + 2]][key].append(pid)
            merged[""] = nation
            for sc, table_ in merged.items():
                keys = sorted(table_)
                self._fuzzy_choices[sc] = (keys, [tuple(table_[k]) for k in keys])
        return self._fuzzy_choices.get(scope, ([], []))


_LOADED: Gazetteer | None = None


def load() -> Gazetteer:
    """The index, from memory, else from the on-disk cache, else shipped or built (store)."""
    global _LOADED
    if _LOADED is None:
        from crisisnav import gazetteer_store

        core, complete = gazetteer_store.load_core()
        try:
            gaz = Gazetteer(core, complete)
        except (KeyError, TypeError, ValueError, IndexError):  # a cached index of another shape
            core, complete = gazetteer_store.rebuild()
            gaz = Gazetteer(core, complete)
        if complete is not None:  # just built or shipped: the ZIP table is at hand too
            gaz._zip_enc = core["zip_table"]
        _LOADED = gaz
    return _LOADED


def reset() -> None:
    """Forget the in-process copy (tests; after the cache directory changed)."""
    global _LOADED
    _LOADED = None


_MOVED = {
    "source_key": "gazetteer_store", "shipped_key": "gazetteer_store",
    "write_shipped_index": "gazetteer_store", "read_shipped_index": "gazetteer_store",
    "SHIPPED_INDEX": "gazetteer_store", "build": "gazetteer_build",
    "ALIASES_PATH": "gazetteer_index", "PLACES_PATH": "gazetteer_index", "_load_aliases": "gazetteer_build",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    """Names that moved to gazetteer_store / gazetteer_build, still reachable from here."""
    module = _MOVED.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"crisisnav.{module}"), name)
