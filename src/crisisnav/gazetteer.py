"""The US places index: ZIP codes, USPS city names, counties and county-equivalents, states.

Source: the `zipcodes` package (shipped data, never the network). Reading it costs about a
second, so the first use builds a compact index and stores it with `crisisnav.cache` as
marshal blobs (three entries: the names index, the ZIP table, the completion list), keyed by
the zipcodes version and files, the bytes of data/aliases.yaml, FORMAT and a hash of the
source of this module and normalize.py (new building rules mean a new index). A warm run
loads only the names blob and does sorted-table lookups; it imports neither zipcodes, yaml
nor rapidfuzz. A missing, stale or corrupt entry is rebuilt.

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

import hashlib
import marshal
import os
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import replace
from itertools import accumulate
from pathlib import Path
from typing import Any

from crisisnav import cache
from crisisnav.models import Place
from crisisnav.normalize import ALL_STATES, STATES, compact, normalize, split_county

FORMAT = 6  # bump when the index layout changes (the building code is hashed into the key too)
_CORE = "gazetteer-core.marshal"
_ZIPS = "gazetteer-zips.marshal"
_COMPLETE = "gazetteer-complete.marshal"
ALIASES_PATH = Path(__file__).parent / "data" / "aliases.yaml"
# The index prebuilt for the installed zipcodes release (scripts/build_gazetteer_index.py), so
# the first run after install pays milliseconds, not a build; used only when its key matches.
SHIPPED_INDEX = Path(__file__).parent / "data" / "gazetteer-index.bin"
LOOKALIKE_MIN_ZIPS = 10  # a name this big is offered beside an exact tiny namesake one edit away
LOOKALIKE_RATIO = 10

# A place record while building: (kind, name, state, counties, timezone, zips)
PlaceRec = tuple[str, str, str, tuple[str, ...], str, int]
_SEP = "\x1f"
_KIND = {"c": "city", "k": "county", "s": "state"}


def _u32(values: list[int]) -> bytes:
    return array("I", values).tobytes()


def _u32_view(blob: bytes) -> array[int]:
    out = array("I")
    out.frombytes(blob)
    return out


class _Table:
    """A sorted key -> place ids table, stored as joined strings and uint32 arrays (fast to load)."""

    def __init__(self, enc: tuple[str, bytes, bytes]) -> None:
        self._joined, self._starts_b, self._ids_b = enc
        self._keys: list[str] | None = None
        self._starts: array[int] | None = None
        self._ids: array[int] | None = None

    @staticmethod
    def encode(table: dict[str, list[int]]) -> tuple[str, bytes, bytes]:
        keys = sorted(table)
        starts, ids = [0], []
        for k in keys:
            ids.extend(table[k])
            starts.append(len(ids))
        return _SEP.join(keys), _u32(starts), _u32(ids)

    def keys(self) -> list[str]:
        if self._keys is None:
            self._keys = self._joined.split(_SEP) if self._joined else []
            self._starts = _u32_view(self._starts_b)
            self._ids = _u32_view(self._ids_b)
        return self._keys

    def ids_at(self, i: int) -> tuple[int, ...]:
        self.keys()
        starts, ids = self._starts, self._ids
        assert starts is not None and ids is not None
        a, b = starts[i], starts[i + 1]
        return (ids[a],) if b - a == 1 else tuple(ids[a:b])

    def get(self, key: str) -> tuple[int, ...]:
        keys = self.keys()
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            return self.ids_at(i)
        return ()

    def __contains__(self, key: str) -> bool:
        return bool(self.get(key))

    def items(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        keys = self.keys()
        starts, ids = self._starts, self._ids
        assert starts is not None and ids is not None
        for i, k in enumerate(keys):
            yield k, tuple(ids[starts[i] : starts[i + 1]])


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

    # ----- places -----------------------------------------------------------------------
    def place(self, pid: int, score: float = 100.0) -> Place:
        """The Place for an id (with the given score)."""
        base = self._place_cache.get(pid)
        if base is None:
            kind, name, state = self.kind(pid), self.name(pid), self.state(pid)
            tz, zips = self.timezone(pid) or None, self.zips(pid)
            if kind == "city":
                counties = self.counties(pid)
                base = Place(
                    kind="city", name=name, state=state, city=name,
                    county=counties[0] if counties else None, counties=counties,
                    timezone=tz, zips=zips,
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
            blob = cache.read(_ZIPS, self.source_key) if self.source_key else None
            loaded = _unmarshal(blob)
            if not (isinstance(loaded, dict) and _ZIP_KEYS <= loaded.keys()):
                loaded = _obtain_and_store(self.source_key)[0]["zip_table"]
            self._zip_enc = loaded
        return self._zip_enc

    def zip_codes(self) -> list[str]:
        """Every ZIP code in the index, sorted."""
        codes: str = self._zip_table()["codes"]
        return [codes[i : i + 5] for i in range(0, len(codes), 5)]

    # ----- the interface validate, lookup and coverage use ------------------------------
    def state_name(self, code: str) -> str | None:
        """"Oregon" for "OR" (any case); None for anything else."""
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
                    table.setdefault((kind + ":" + self.state(pid), self.name(pid)), pid)
            self._by_state_name = table
        return self._by_state_name

    def has_county(self, state: str, county: str) -> bool:
        """True when county is a county (or equivalent) of state, spelt exactly as the index does."""
        return ("county:" + str(state).upper(), county) in self._by_name()

    def has_city(self, state: str, city: str) -> bool:
        """True when city is a USPS city name (primary or acceptable) of state, spelt as here."""
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
        names = sorted({n for (k, n) in self._by_name() if k == f"{kind}:{state}"})
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
        """The n biggest cities of the 50 states and DC (n <= 500). The zipcodes package has no
        population, so "biggest" means most delivery ZIP codes under the city's primary USPS
        name (a proxy: Houston, New York, Washington lead; abbreviations and PO-box-only names
        such as "Slc" or "Parcel Return Service" are left out)."""
        order = _u32_view(self._largest_b)
        return [self.place(pid) for pid in order[: max(0, n)]]

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
            blob = None if self._complete_raw else cache.read(_COMPLETE, self.source_key) if self.source_key else None
            loaded = self._complete_raw or _unmarshal(blob)
            if not (isinstance(loaded, tuple) and len(loaded) == 2):
                _, loaded = _obtain_and_store(self.source_key)
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


def _unmarshal(blob: bytes | None) -> Any:
    if blob is None:
        return None
    try:
        return marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return None


_LOADED: Gazetteer | None = None


def source_key() -> str:
    """The cache key: FORMAT, the zipcodes version and data file, and the aliases file bytes."""
    import importlib.util

    parts = [f"format={FORMAT}"]
    try:
        spec = importlib.util.find_spec("zipcodes")
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin:
        pkg = Path(spec.origin).parent
        parts.append(str(pkg))
        try:
            for entry in sorted(os.listdir(pkg)):
                if entry.endswith((".so", ".pyd", ".py", ".json", ".bz2")):
                    st = os.stat(pkg / entry)
                    parts.append(f"{entry}:{st.st_size}:{st.st_mtime_ns}")
            for entry in sorted(os.listdir(pkg.parent)):
                if entry.startswith("zipcodes-") and entry.endswith((".dist-info", ".egg-info")):
                    parts.append(entry)
        except OSError:
            pass
    parts.extend(_build_inputs())
    return "|".join(parts)


def _build_inputs() -> list[str]:
    """Key parts for what the index is built from besides zipcodes: the aliases file's bytes and
    the building code (a change to the building rules is a new index)."""
    parts = []
    try:
        parts.append("aliases=" + hashlib.sha256(ALIASES_PATH.read_bytes()).hexdigest())
    except OSError:
        parts.append("aliases=missing")
    code = hashlib.sha256()
    for module in (__file__, _normalize_file()):
        try:
            code.update(Path(module).read_bytes())
        except OSError:
            code.update(b"missing")
    parts.append("code=" + code.hexdigest())
    return parts


def _normalize_file() -> str:
    from crisisnav import normalize

    return normalize.__file__ or ""


def _valid_core(core: Any) -> bool:
    return isinstance(core, dict) and core.get("format") == FORMAT and _CORE_KEYS <= core.keys()


def load() -> Gazetteer:
    """The index, from memory, else from the on-disk cache, else built from `zipcodes`."""
    global _LOADED
    if _LOADED is not None:
        return _LOADED
    key = source_key()
    core = _unmarshal(cache.read(_CORE, key))
    gaz: Gazetteer | None = None
    if _valid_core(core):
        try:
            gaz = Gazetteer(core)
        except (KeyError, TypeError, ValueError, IndexError):
            gaz = None
    if gaz is None:
        core, complete = _obtain_and_store(key)
        gaz = Gazetteer(core, complete)
        gaz._zip_enc = core["zip_table"]
    _LOADED = gaz
    return gaz


def reset() -> None:
    """Forget the in-process copy (tests; after the cache directory changed)."""
    global _LOADED
    _LOADED = None


def shipped_key() -> str:
    """What the index shipped in the package was built from: FORMAT, the zipcodes release,
    the aliases file and the building code. Unlike source_key(), nothing machine-specific."""
    from importlib import metadata

    parts = [f"format={FORMAT}"]
    try:
        parts.append("zipcodes=" + metadata.version("zipcodes"))
    except metadata.PackageNotFoundError:
        parts.append("zipcodes=missing")
    parts.extend(_build_inputs())
    return "|".join(parts)


def write_shipped_index(path: Path = SHIPPED_INDEX) -> int:
    """Build the index and write it for shipping (scripts/build_gazetteer_index.py). Bytes written."""
    import zlib

    core, complete = build("")
    core.pop("source_key", None)
    blob = zlib.compress(marshal.dumps({"key": shipped_key(), "core": core, "complete": complete}), 9)
    from crisisnav.fileio import write_atomic

    write_atomic(path, blob)
    return len(blob)


def read_shipped_index() -> tuple[dict[str, Any], tuple[str, str]] | None:
    """The shipped index when it was built from exactly what is installed here, else None."""
    import zlib

    try:
        data = marshal.loads(zlib.decompress(SHIPPED_INDEX.read_bytes()))
    except (OSError, ValueError, EOFError, TypeError, zlib.error):
        return None
    if not isinstance(data, dict) or data.get("key") != shipped_key():
        return None
    core, complete = data.get("core"), data.get("complete")
    if not (isinstance(core, dict) and _valid_core(core) and isinstance(core.get("zip_table"), dict)):
        return None
    if not (isinstance(complete, tuple) and len(complete) == 2):
        return None
    return core, complete


def _obtain_and_store(key: str) -> tuple[dict[str, Any], tuple[str, str]]:
    """The shipped index if it fits this installation, else a fresh build; stored in the cache."""
    shipped = read_shipped_index()
    if shipped is not None:
        core, complete = shipped
        core["source_key"] = key
        _store(key, core, complete)
        return core, complete
    return _build_and_store(key)


def _build_and_store(key: str) -> tuple[dict[str, Any], tuple[str, str]]:
    """Build everything; store the index without its ZIP table, which has its own entry."""
    core, complete = build(key)
    _store(key, core, complete)
    return core, complete


def _store(key: str, core: dict[str, Any], complete: tuple[str, str]) -> None:
    """Write the index to the cache: names, ZIP table and completion list as separate entries."""
    cache.write(_CORE, key, marshal.dumps({k: v for k, v in core.items() if k != "zip_table"}))
    cache.write(_ZIPS, key, marshal.dumps(core["zip_table"]))
    cache.write(_COMPLETE, key, marshal.dumps(complete))


# ----- building the index from the zipcodes package -------------------------------------

_LOWER_CITY_STATES = {"VA", "MD", "MO"}  # independent cities: "<Name> city"
_COUNTIES_NAMED_CITY = {"James City", "Charles City", "Carson City"}  # real names ending in City


def _county_key(name: str, state: str) -> str:
    key = normalize(name)
    for prefix, suffix in (("municipality of ", " municipality"), ("city and borough of ", " city and borough")):
        if key.startswith(prefix):
            key = key[len(prefix) :] + suffix
    if state == "PR" and not key.endswith(" municipio"):
        key += " municipio"
    return key


def _county_spelling(variants: Counter[str], key: str, state: str) -> str:
    best = sorted(variants, key=lambda v: (normalize(v) != key, -variants[v], v))[0]
    if state == "PR" and not best.endswith("Municipio"):
        best += " Municipio"
    if (
        state in _LOWER_CITY_STATES
        and best.endswith(" City")
        and best not in _COUNTIES_NAMED_CITY
    ):
        best = best[: -len(" City")] + " city"
    return best


def _osa_within_one(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True
        return i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
    if la > lb:
        return a[i + 1 :] == b[i:]
    return b[i + 1 :] == a[i:]


def _deletes(key: str) -> set[str]:
    return {key[:i] + key[i + 1 :] for i in range(len(key))} | {key}


def _load_aliases() -> dict[str, list[str]]:
    """data/aliases.yaml: {aliases: {alias: "City, ST" | [targets...]}}; several targets = ambiguous."""
    import yaml

    try:
        text = ALIASES_PATH.read_text(encoding="utf-8")
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

    rows = zipcodes.list_all()  # type: ignore[no-untyped-call]
    memo: dict[str, str] = {}

    def norm(text: str) -> str:
        got = memo.get(text)
        if got is None:
            got = memo[text] = normalize(text)
        return got

    county_keys: dict[tuple[str, str], str] = {}

    def county_key(raw: str, state: str) -> str:
        got = county_keys.get((raw, state))
        if got is None:
            got = county_keys[(raw, state)] = _county_key(raw, state)
        return got
    # --- counties: merge the package's variant spellings -------------------------------
    county_variants: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for r in rows:
        state = r["state"]
        if state not in ALL_STATES:
            continue
        county = r["county"] or ("District of Columbia" if state == "DC" else "")
        if county:
            county_variants[(state, county_key(county, state))][county] += 1
    county_name = {sk: _county_spelling(v, sk[1], sk[0]) for sk, v in county_variants.items()}

    def canon_county(state: str, raw: str) -> str:
        raw = raw or ("District of Columbia" if state == "DC" else "")
        return county_name[(state, county_key(raw, state))] if raw else ""

    zips: dict[str, tuple[str, str, str, str, int]] = {}
    city_zips: dict[tuple[str, str], list[str]] = defaultdict(list)  # (state, key) -> zips (primary)
    primary_spell: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    spaced: dict[tuple[str, str], set[str]] = defaultdict(set)  # (state, compact key) -> keys seen
    city_spell: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    alt_zips: dict[tuple[str, str], list[str]] = defaultdict(list)
    county_zips: dict[tuple[str, str], list[str]] = defaultdict(list)
    state_zips: dict[str, list[str]] = defaultdict(list)
    keyed: dict[str, tuple[str, str]] = {}  # raw city name -> (normalised key, compact key)

    def keys_of(raw: str) -> tuple[str, str]:
        got = keyed.get(raw)
        if got is None:
            n = norm(raw)
            got = keyed[raw] = (n, compact(n))
        return got

    canon: dict[tuple[str, str], str] = {}
    standard: set[str] = set()  # delivery ZIPs; PO-box and single-firm ZIPs can sit far away
    for r in rows:
        state = r["state"]
        if state not in ALL_STATES:
            continue
        z = r["zip_code"]
        city = r["city"]
        raw_county = r["county"]
        county = canon.get((state, raw_county))
        if county is None:
            county = canon[(state, raw_county)] = canon_county(state, raw_county)
        zips[z] = (city, state, county, r["timezone"] or "", 1 if r["active"] else 0)
        if r["zip_code_type"] == "STANDARD":
            standard.add(z)
        n, c = keyed.get(city) or keys_of(city)
        ck = (state, c)
        spaced[ck].add(n)
        city_zips[ck].append(z)
        spell = primary_spell[ck]
        spell[city] = spell.get(city, 0) + 1
        for alt in r["acceptable_cities"]:
            n, c = keyed.get(alt) or keys_of(alt)
            ak = (state, c)
            spaced[ak].add(n)
            alt_zips[ak].append(z)
            spell = city_spell[ak]
            spell[alt] = spell.get(alt, 0) + 1
        if county:
            county_zips[(state, county)].append(z)
        state_zips[state].append(z)

    def summarise(zs: list[str]) -> tuple[tuple[str, ...], str]:
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

    places: list[PlaceRec] = []
    city_keys: dict[str, list[int]] = defaultdict(list)
    county_full: dict[str, list[int]] = defaultdict(list)
    county_base: dict[str, list[int]] = defaultdict(list)
    compact_keys: dict[str, list[int]] = defaultdict(list)
    state_ids: dict[str, int] = {}
    place_keys: list[str] = []
    places_append, keys_append = places.append, place_keys.append
    delivery: dict[int, int] = {}
    for ck in sorted(city_zips.keys() | alt_zips.keys()):
        state, ckey_compact = ck
        zs = city_zips.get(ck) or alt_zips[ck]
        if not ckey_compact:
            continue
        spell = primary_spell.get(ck) or city_spell[ck]
        spelling = next(iter(spell)) if len(spell) == 1 else min(spell, key=lambda s: (-spell[s], s))
        ckey = keyed[spelling][0]
        counties: tuple[str, ...]
        if len(zs) == 1:
            one = zips[zs[0]]
            counties, tz = ((one[2],) if one[2] else ()), one[3]
        else:  # where the city is: its delivery ZIPs when it has any
            counties, tz = summarise([z for z in zs if z in standard] or zs)
        pid = len(places)
        places_append(("city", spelling, state, counties, tz, len(zs)))
        keys_append(ckey)
        # for top_cities: delivery ZIPs that carry this name as their primary city name
        delivery[pid] = sum(1 for z in city_zips.get(ck, ()) if z in standard)
        variants = spaced[ck]
        if len(variants) == 1:
            city_keys[ckey].append(pid)
        else:
            for variant in sorted(variants):
                city_keys[variant].append(pid)
        if " " in ckey:
            compact_keys[ckey_compact].append(pid)
    for (state, county), zs in sorted(county_zips.items()):
        _, tz = summarise(zs)
        pid = len(places)
        places.append(("county", county, state, (county,), tz, len(zs)))
        full = norm(county)
        place_keys.append(full)
        base, suffix = split_county(full)
        county_full[full].append(pid)
        if full.endswith(" city") and county not in _COUNTIES_NAMED_CITY:
            base = full[: -len(" city")]
        county_base[base].append(pid)
        if " " in full:
            compact_keys[compact(full)].append(pid)
    for state in sorted(state_zips):
        _, tz = summarise(state_zips[state])
        state_ids[state] = len(places)
        places.append(("state", ALL_STATES[state], state, (), tz, len(state_zips[state])))
        place_keys.append(norm(ALL_STATES[state]))

    primary = {
        pid
        for pid, k in enumerate(place_keys)
        if places[pid][0] == "city" and (places[pid][2], compact(k)) in city_zips
    }
    # --- lookalikes: a big city one edit from an exact tiny namesake (Phenix -> Phoenix) --
    big_deletes: dict[str, set[int]] = defaultdict(set)
    for key_, ids in city_keys.items():
        for pid in ids:
            if places[pid][5] >= LOOKALIKE_MIN_ZIPS and len(key_) >= 4 and pid in primary:
                for d in _deletes(key_):
                    big_deletes[d].add(pid)
    key_of = {pid: k for k, ids in city_keys.items() for pid in ids}
    lookalikes: dict[str, list[int]] = {}
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
            and _osa_within_one(key_, key_of[pid])
        )
        if near:
            lookalikes[key_] = near

    # --- aliases (data/aliases.yaml) ---------------------------------------------------
    aliases: dict[str, list[int]] = {}
    assert len(tz_names_check := {rec[4] for rec in places}) < 256, tz_names_check
    by_label: dict[str, int] = {}
    labels: list[tuple[str, str]] = []  # (normalised label, label) per place
    for pid, (kind, name, state, _c, _tz, _z) in enumerate(places):
        if kind == "state":
            labels.append((norm(name), name))
        else:
            labels.append((f"{place_keys[pid]} {state.lower()}", f"{name}, {state}"))
        by_label.setdefault(labels[-1][0], pid)
    for alias, targets in sorted(_load_aliases().items()):
        ids = []
        for target in targets:
            pid_ = by_label.get(normalize(target))
            if pid_ is None:
                raise ValueError(f"aliases.yaml: {alias!r} -> {target!r} is not a place in the gazetteer")
            ids.append(pid_)
        aliases[alias] = ids

    # --- completion: sorted keys of "City, ST", "County, ST" and state names ------------
    ordered = sorted(set(labels))
    complete = (_SEP.join(k for k, _ in ordered), _SEP.join(lab for _, lab in ordered))

    # --- encode: columns and sorted tables load in milliseconds --------------------------
    county_list = [""] + sorted({c for rec in places for c in rec[3]})
    county_ix = {c: i for i, c in enumerate(county_list)}
    tz_list = sorted({rec[4] for rec in places} | {v[3] for v in zips.values()} | {""})
    tz_ix = {t: i for i, t in enumerate(tz_list)}
    pc_starts, pc_ids = [0], list[int]()
    for rec in places:
        pc_ids.extend(county_ix[c] for c in rec[3])
        pc_starts.append(len(pc_ids))
    zip_codes = sorted(zips)
    zip_city_list = sorted({v[0] for v in zips.values()})
    zip_city_ix = {c: i for i, c in enumerate(zip_city_list)}
    core: dict[str, Any] = {
        "format": FORMAT,
        "source_key": key,
        "kinds": "".join({"city": "c", "county": "k", "state": "s"}[rec[0]] for rec in places),
        "names": "".join(rec[1] for rec in places),
        "name_starts": _u32(list(accumulate((len(rec[1]) for rec in places), initial=0))),
        "states": "".join(rec[2] for rec in places),
        "county_names": _SEP.join(county_list),
        "place_counties": (_u32(pc_starts), _u32(pc_ids)),
        "tz_names": _SEP.join(tz_list),
        "tz": bytes(tz_ix[rec[4]] for rec in places),
        "zips": _u32([rec[5] for rec in places]),
        "city_keys": _Table.encode(city_keys),
        "county_full": _Table.encode(county_full),
        "county_base": _Table.encode(county_base),
        "compact_keys": _Table.encode(compact_keys),
        "aliases": _Table.encode(aliases),
        "lookalikes": _Table.encode(lookalikes),
        "state_ids": state_ids,
        # The 500 biggest cities of the 50 states and DC by delivery ZIPs under their primary
        # name: no USPS abbreviations ("Phila", "Slc"), PO-box-only or single-firm names.
        "largest_cities": _u32(
            sorted(
                (pid for pid in delivery if places[pid][2] in STATES and delivery[pid] > 0),
                key=lambda pid: (-delivery[pid], places[pid][1], places[pid][2]),
            )[:500]
        ),
        "zip_table": {
            "codes": "".join(zip_codes),
            "states": "".join(zips[z][1] for z in zip_codes),
            "city_names": _SEP.join(zip_city_list),
            "city": _u32([zip_city_ix[zips[z][0]] for z in zip_codes]),
            "county": _u32([county_ix[zips[z][2]] for z in zip_codes]),
            "tz": bytes(tz_ix[zips[z][3]] for z in zip_codes),
            "active": bytes(zips[z][4] for z in zip_codes),
        },
    }
    return core, complete


_CORE_KEYS = frozenset(
    {
        "kinds", "names", "name_starts", "states", "county_names", "place_counties", "tz_names",
        "tz", "zips", "city_keys", "county_full", "county_base", "compact_keys", "aliases",
        "lookalikes", "state_ids", "largest_cities",
    }
)  # fmt: skip
_ZIP_KEYS = frozenset({"codes", "states", "city_names", "city", "county", "tz", "active"})
