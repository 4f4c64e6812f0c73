"""The places index's layout and its input files (shared by gazetteer, gazetteer_store and
gazetteer_build, which import this module and never each other in a circle).

The index is a dict of columns: joined strings and uint32 arrays, with sorted key tables
(`_Table`), cheap to load and decoded on first use.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path

_DATA = Path(__file__).parent / "data"
ALIASES_PATH = _DATA / "aliases.yaml"  # NYC, Philly, DC (read by gazetteer_build)
PLACES_PATH = _DATA / "places.tsv"  # the places people name (scripts/build_places.py writes it)
FORMAT = 7  # bump when the index layout changes (the building code is hashed into the key too)
_SEP = "\x1f"


def _u32(values: list[int]) -> bytes:
    return array("I", values).tobytes()


def _u32_view(blob: bytes) -> array[int]:
    out = array("I")
    out.frombytes(blob)
    return out


class _Table:
    """A sorted key -> place ids table, stored as joined strings and uint32 arrays (fast to load)."""

    # A one-off lookup finds its key in the joined text (two C scans, no list of 40,000 keys to
    # make); from this many lookups on, the keys are split once and bisected (batch, fuzzy).
    SCANS = 16

    def __init__(self, enc: tuple[str, bytes, bytes]) -> None:
        self._joined, self._starts_b, self._ids_b = enc
        self._keys: list[str] | None = None
        self._starts: array[int] | None = None
        self._ids: array[int] | None = None
        self._scans = 0

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
            self._arrays()
        return self._keys

    def _arrays(self) -> tuple[array[int], array[int]]:
        if self._starts is None or self._ids is None:
            self._starts = _u32_view(self._starts_b)
            self._ids = _u32_view(self._ids_b)
        return self._starts, self._ids

    def ids_at(self, i: int) -> tuple[int, ...]:
        starts, ids = self._arrays()
        a, b = starts[i], starts[i + 1]
        return (ids[a],) if b - a == 1 else tuple(ids[a:b])

    def _scan(self, key: str) -> int:
        """The position of key among the keys, found in the joined text; -1 when absent."""
        joined = self._joined
        if not joined or not key or _SEP in key:
            return -1
        if joined.startswith(key + _SEP) or joined == key:
            return 0
        at = joined.find(_SEP + key + _SEP)
        if at < 0:
            if not joined.endswith(_SEP + key):
                return -1
            at = len(joined) - len(key) - 1
        return joined.count(_SEP, 0, at + 1)

    def get(self, key: str) -> tuple[int, ...]:
        if self._keys is None and self._scans < self.SCANS:
            self._scans += 1
            i = self._scan(key)
            return self.ids_at(i) if i >= 0 else ()
        keys = self.keys()
        i = bisect_left(keys, key)
        if i < len(keys) and keys[i] == key:
            return self.ids_at(i)
        return ()

    def __contains__(self, key: str) -> bool:
        return bool(self.get(key))

    def items(self) -> Iterator[tuple[str, tuple[int, ...]]]:
        keys = self.keys()
        starts, ids = self._arrays()
        for i, k in enumerate(keys):
            yield k, tuple(ids[starts[i] : starts[i + 1]])


_CORE_KEYS = frozenset(
    {
        "kinds", "names", "name_starts", "states", "county_names", "place_counties", "tz_names",
        "tz", "zips", "city_keys", "county_full", "county_base", "compact_keys", "aliases",
        "lookalikes", "state_ids", "largest_cities", "population", "parents", "usps_names",
    }
)  # fmt: skip
_ZIP_KEYS = frozenset({"codes", "states", "city_names", "city", "county", "tz", "active"})
