"""Query -> Resolution(status, place, candidates). DESIGN.md, "Places".

Order of work, cheapest first, so that a warm exact query pays only dictionary lookups:
1. bound the input (over MAX_QUERY_CHARS is `not_found` before any other work), normalise;
2. a ZIP or ZIP+4 (a ZIP that does not exist is `not_found`);
3. the alias table (data/aliases.yaml: NYC, Philly, DC; an alias with several targets is
   `ambiguous`);
4. a trailing country or province outside the US is `not_found` ("Paris, France");
5. exact names: the trailing state (if any) restricts the search; cities first, then counties;
   "X County"/"X Co."/"X Parish" asks for a county;
6. only on a miss, fuzzy matching (rapidfuzz), restricted to the named state when one is
   given: candidates within a few edits (optimal string alignment distance, allowance growing
   with the length of the name), the nearest band kept.

Deciding between several fits ("Springfield", or "Portland" with no state): the answer is
`ok` only when one place clearly dominates by size (people by GeoNames where every fit has a
known or bounded count, see _people; else the number of ZIP codes): at least
DOMINANCE_RATIO times the next one and DOMINANCE_SHARE times all the others together
(Phoenix, AZ: 81 ZIPs against 1 each for OR, NY, MD -> ok; Portland, OR 65 against Portland,
ME 9 -> ambiguous; Kansas City MO 78 / KS 15 -> ambiguous). The places set aside are listed
as candidates either way. Ties are broken by size, then name, then state: deterministic.

"st louis" resolves to the USPS city Saint Louis, MO, whose ZIPs lie in both St. Louis city
and St. Louis County; the place carries both counties (county = the one with most ZIPs), so
a lookup shows what serves either, and the two county-equivalents are listed as candidates.

A real name that looks like a typo resolves to itself (Milwaukie, OR; Pittsburg, KS), because
exact hits come before fuzzy ones. Without a state, a tiny exact place one edit away from a
much bigger one (Pittsburg -> Pittsburgh, PA; Phenix -> Phoenix, AZ) is `ambiguous`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from crisisnav.gazetteer import Gazetteer, load
from crisisnav.models import Place, Resolution
from crisisnav.normalize import (
    MAX_QUERY_CHARS,
    STATE_KEYS,
    STATES,
    TERRITORIES,
    Parsed,
    compact,
    normalize,
    osa_within_one,
    parse,
)

DOMINANCE_RATIO = 10  # the top place has at least this many times the ZIPs of the next
DOMINANCE_SHARE = 3  # ... and at least this many times the ZIPs of all the others together
BIG_CITY_ZIPS = 20  # a bare state name that is also a city this big is ambiguous (New York)
MAX_CANDIDATES = 12
FUZZY_MIN_ZIPS = 5  # without a state, a misspelling is resolved only to a place this big
# Two edits from a small place is as likely another real place we do not hold (Aldine, Alpine):
# such a match is a question. A place this big (ZIPs or people) may still take two edits.
FUZZY_FAR_MIN_ZIPS = 10
FUZZY_FAR_MIN_POPULATION = 50_000
# The name typed is a place elsewhere, one letter from a city this big in the state typed:
# a typo of that city ("Pittsburg PA"), not a question.
FUZZY_BIG_ZIPS = 20
FUZZY_BIG_POPULATION = 100_000
# Words before a place that are not part of it: "I'm in Harlem", "near Tacoma".
_LEADING = ("i am in ", "im in ", "i m in ", "we are in ", "were in ", "in ", "near ", "around ",
            "close to ", "outside of ", "outside ", "at ", "by ")  # fmt: skip
_STATE_NAME_KEYS = {normalize(n): c for c, n in {**STATES, **TERRITORIES}.items()}


@dataclass
class _Pending:
    """A query that missed every exact table and waits for fuzzy matching."""

    query: str
    name: str  # normalised name part to match
    scope: str  # state code, or "" for the whole country
    county_only: bool
    edits: int  # allowed OSA distance
    fallback: list[int] = field(default_factory=list)  # exact hits elsewhere (wrong state)


def _edit_allowance(n: int, scoped: bool) -> int:
    """How many typos a name of n characters may carry: more within a named state."""
    if scoped:
        return 0 if n <= 3 else 1 if n <= 6 else 2 if n <= 10 else 3
    return 0 if n <= 4 else 1 if n <= 7 else 2 if n <= 12 else 3


def _not_found(query: str, message: str) -> Resolution:
    return Resolution(query=query, status="not_found", message=message)


def _order(gaz: Gazetteer, ids: Iterable[int]) -> list[int]:
    """Distinct ids, biggest first, then by name and state (deterministic)."""
    return sorted(set(ids), key=lambda p: (-gaz.zips(p), gaz.name(p), gaz.state(p), p))


UNLISTED_PEOPLE = (
    499  # GeoNames' cities500 lists every place of 500+ people: one it lacks is smaller
)
UNLISTED_MAX_ZIPS = 5  # ... when it is a small USPS town; a bigger mailing area is no such town
# The Census's twelve "strong MCD" states, where towns and townships are general-purpose
# governments: USPS names many of them (Jackson, NJ; Whitehall, PA; Concord, NY) while GeoNames'
# list of populated places leaves them out, so a USPS town missing from GeoNames may be large.
STRONG_MCD_STATES = frozenset(
    ("CT", "ME", "MA", "MI", "MN", "NH", "NJ", "NY", "PA", "RI", "VT", "WI")
)


def _people(gaz: Gazetteer, pid: int) -> int | None:
    """People in a city or place (GeoNames), an upper bound for a small USPS town GeoNames does
    not list (outside the strong-MCD states), or None when unknown (counties, states, big
    mailing areas, a GeoNames place whose count was set aside as a copy: it has no ZIP)."""
    n = gaz.population(pid)
    if n > 0:
        return n
    if (
        gaz.kind(pid) == "city"
        and 1 <= gaz.zips(pid) < UNLISTED_MAX_ZIPS
        and gaz.state(pid) not in STRONG_MCD_STATES
    ):
        return UNLISTED_PEOPLE
    return None


def _sizes(gaz: Gazetteer, ordered: Sequence[int]) -> list[int]:
    """The sizes _dominant weighs: people when every place has a known or bounded count
    (_people), else ZIP codes, where a place with no ZIP of its own (a census-designated place,
    a neighborhood) counts as one: never outweighed by nothing."""
    people = [_people(gaz, p) for p in ordered]
    if all(n is not None for n in people):
        return [n or 0 for n in people]
    return [max(1, gaz.zips(p)) for p in ordered]


def _dominant(gaz: Gazetteer, ordered: Sequence[int]) -> bool:
    """The first place is clearly bigger than the others, by _sizes."""
    if len(ordered) == 1:
        return True
    if gaz.kind(ordered[0]) == "neighborhood" and any(
        gaz.kind(p) == "neighborhood" for p in ordered[1:]
    ):
        # Many cities have a Chinatown or a Downtown and the index holds the neighborhoods of
        # some cities only: one we hold outweighing another we hold says nothing of the rest.
        return False
    sizes = _sizes(gaz, ordered)
    top, rest = sizes[0], sizes[1:]
    return top >= DOMINANCE_RATIO * max(rest) and top >= DOMINANCE_SHARE * sum(rest)


def _decide(
    gaz: Gazetteer,
    query: str,
    primary: Sequence[int],
    extra: Sequence[int],
    score: dict[int, float] | float = 100.0,
    message: str | None = None,
) -> Resolution:
    """ok when primary has one place or a dominant one; else ambiguous. extra: alternatives."""

    def sc(p: int) -> float:
        return score if isinstance(score, float) else score.get(p, 100.0)

    ordered = _order(gaz, primary)
    # biggest first by the sizes _dominant weighs: people where known (a CDP or neighborhood has
    # no ZIP: Strawberry, Marin County before the USPS hamlet Strawberry, Tuolumne County)
    size = dict(zip(ordered, _sizes(gaz, ordered), strict=True))
    ordered.sort(key=lambda p: -size[p])
    # best first: a closer spelling before a bigger place, then size (the sort is stable)
    ordered.sort(key=lambda p: -sc(p))
    alts = [p for p in _order(gaz, extra) if p not in ordered]
    alts.sort(key=lambda p: -sc(p))
    if _dominant(gaz, ordered):
        top = ordered[0]
        cands = tuple(gaz.place(p, sc(p)) for p in (ordered[1:] + alts)[:MAX_CANDIDATES])
        return Resolution(
            query=query,
            status="ok",
            place=gaz.place(top, sc(top)),
            candidates=cands,
            message=message,
        )
    every = ordered + alts
    cands = tuple(gaz.place(p, sc(p)) for p in every[:MAX_CANDIDATES])
    more = len(every) - MAX_CANDIDATES
    states = {gaz.state(p) for p in every}
    if len(states) == 1 and more <= 0:  # the state is known: the county tells them apart
        note = f"{len(every)} places fit in {states.pop()}; add the county"
    elif more <= 0:
        note = f"{len(every)} places fit; add a state"
    else:
        note = f"{len(every)} places fit ({more} not shown); add a state"
    return Resolution(
        query=query,
        status="ambiguous",
        candidates=cands,
        message=message or note,
        omitted=max(0, more),
    )


def _in_state(
    gaz: Gazetteer, ids: Iterable[int], state: str | None, kind: str | None = None
) -> list[int]:
    return [
        p
        for p in ids
        if (state is None or gaz.state(p) == state) and (kind is None or gaz.kind(p) == kind)
    ]


def _exact_hits(
    gaz: Gazetteer, name: str, state: str | None, county: bool, suffix: str
) -> tuple[list[int], list[int]]:
    """(cities, others) named exactly name, in state if given. others: the counties of that
    name and, when a city is spelled exactly as typed, the cities that match only with the
    spaces squeezed out ("Miramonte" for "Mira Monte"): alternatives, never rivals."""
    if not name:
        return [], []
    if county:
        counties = _in_state(gaz, gaz.county_full.get(f"{name} {suffix}"), state, "county")
        if not counties:
            counties = _in_state(gaz, gaz.county_base.get(name), state, "county")
        if not counties:
            counties = _in_state(
                gaz, gaz.compact_keys.get(compact(f"{name} {suffix}")), state, "county"
            )
        return [], counties
    cities = _in_state(gaz, gaz.city_keys.get(name), state)
    counties = _in_state(gaz, gaz.county_full.get(name), state) + _in_state(
        gaz, gaz.county_base.get(name), state
    )
    if " " in name or not cities:
        squeezed = compact(name)
        more = gaz.compact_keys.get(squeezed)
        spaced = _in_state(gaz, more, state, "city")
        counties += _in_state(gaz, more, state, "county")
        if squeezed != name:  # "De Kalb" -> "Dekalb", "Mc Allen" -> "Mcallen"
            spaced += _in_state(gaz, gaz.city_keys.get(squeezed), state)
            counties += _in_state(gaz, gaz.county_full.get(squeezed), state)
        if cities:  # spelled as typed first: "Mira Monte" is not also a fit for "Miramonte"
            counties = [p for p in spaced if p not in cities] + counties
        else:
            cities = spaced
    return list(dict.fromkeys(cities)), list(dict.fromkeys(counties))


def _fuzzy_state(key: str) -> tuple[str, str] | None:
    """A misspelt trailing state name ("eugene oregn" -> ("eugene", "OR")), one edit allowed."""
    words = key.split()
    for n in (2, 1):
        if len(words) <= n:
            continue
        tail = " ".join(words[-n:])
        if len(tail) < 5:
            continue
        for state_key, code in _STATE_NAME_KEYS.items():
            if abs(len(state_key) - len(tail)) <= 1 and osa_within_one(tail, state_key):
                return " ".join(words[:-n]), code
    return None


def _zip_resolution(gaz: Gazetteer, query: str, p: Parsed) -> Resolution:
    assert p.zip is not None
    place = gaz.zip_place(p.zip)
    if place is None:
        return _not_found(query, f"{p.zip} is not a US ZIP code")
    if p.state and p.state != place.state:
        return Resolution(
            query=query,
            status="ambiguous",
            candidates=(place,),
            message=f"ZIP {p.zip} is in {place.state}, not {p.state}",
        )
    return Resolution(query=query, status="ok", place=place)


_COUNTY_WORDS = (" county", " parish", " borough", " census area", " municipality")


def _with_county(gaz: Gazetteer, query: str) -> Resolution | None:
    """ "Live Oak, Sutter County, CA": a place named with its county, as the candidates of a
    question are labelled (two places of one name in one state differ by county). The place
    named "Live Oak, CA" that lies in that county; None when the query has no such middle part."""
    parts = [x.strip() for x in query.split(",")]
    if len(parts) != 3 or not all(parts):
        return None
    middle = normalize(parts[1])
    if not middle.endswith(_COUNTY_WORDS):
        return None
    first = _resolved(gaz, f"{parts[0]}, {parts[2]}")
    fits = [p for p in (first.place, *first.candidates) if p is not None]
    here = [p for p in fits if any(normalize(c) == middle for c in p.counties)]
    if len(here) == 1 and fits:
        return Resolution(query=query, status="ok", place=here[0], candidates=(),
                          message=first.message if first.status == "ok" else None)  # fmt: skip
    if not here:
        where = "; ".join(p.label() for p in fits[:3])
        return Resolution(query=query, status="not_found", candidates=tuple(fits[:MAX_CANDIDATES]),
                          message=f"no place of this name in {parts[1]}" + (f"; it exists in: {where}" if where else ""))  # fmt: skip
    return replace(first, query=query, candidates=tuple(here[:MAX_CANDIDATES]), place=None,
                   status="ambiguous")  # fmt: skip


def _first_pass(gaz: Gazetteer, query: str) -> Resolution | _Pending:
    """Everything but fuzzy matching: a final Resolution, or what fuzzy matching must do."""
    if not isinstance(query, str):
        query = str(query)
    if query.count(",") == 2 and len(query) <= MAX_QUERY_CHARS:
        named = _with_county(gaz, query)
        if named is not None:
            return named
    first = _first_pass_text(gaz, query)
    if isinstance(first, _Pending) or first.status == "not_found":
        key = normalize(query[: 4 * MAX_QUERY_CHARS]) if len(query) <= MAX_QUERY_CHARS else ""
        for lead in _LEADING:
            if key.startswith(lead) and len(key) > len(lead):
                again = _first_pass_text(gaz, key[len(lead) :])
                if isinstance(again, Resolution) and again.status != "not_found":
                    return replace(again, query=query)
                break
    return first


def _within_city(gaz: Gazetteer, query: str, name: str, state: str | None) -> Resolution | None:
    """ "Bedford, Brooklyn", "Hegewisch, Chicago": a neighborhood we do not hold, in a city or
    borough whose neighborhoods we do. The answer is that city (its county is right), saying so."""
    words = name.split()
    for n in (1, 2, 3):
        if len(words) <= n:
            break
        head, tail = " ".join(words[:-n]), " ".join(words[-n:])
        ids = [
            p for p in (*gaz.city_keys.get(tail), *gaz.aliases.get(tail)) if p in gaz.containers()
        ]
        ids = list(dict.fromkeys(_in_state(gaz, ids, state)))
        if len(ids) > 1:  # "Manhattan": the borough, not also New York through the alias
            ids = [p for p in ids if gaz.kind(p) == "borough"] or ids
        if len(ids) == 1:
            place = gaz.place(ids[0], 80.0)
            return Resolution(
                query=query, status="ok", place=place,
                message=f"no place named {head!r} is known in {place.name}; showing {place.name}",
            )  # fmt: skip
    return None


def _first_pass_text(gaz: Gazetteer, query: str) -> Resolution | _Pending:
    if len(query) > 4 * MAX_QUERY_CHARS or len(query.strip()) > MAX_QUERY_CHARS:
        return _not_found(
            query[:MAX_QUERY_CHARS], f"query too long (over {MAX_QUERY_CHARS} characters)"
        )
    key = normalize(query)
    if not key:
        if not query.strip():
            return _not_found(query, "empty query: type a US city, county, ZIP code or state")
        return _not_found(query, "no letters or digits in the query")
    # aliases (whole query, then the name part within a named state)
    ids = gaz.aliases.get(key)
    if ids:
        return _decide(gaz, query, ids, ())
    p = parse(key)
    if p.zip is not None:
        return _zip_resolution(gaz, query, p)
    if key.isdigit():
        if len(key) == 4 and gaz.zip_place("0" + key) is not None:
            place = gaz.zip_place("0" + key, 90.0)
            return Resolution(
                query=query,
                status="ok",
                place=place,
                message=f"read as ZIP 0{key} (leading zero added)",
            )
        return _not_found(query, "not a US ZIP code (a ZIP has 5 digits)")
    if p.foreign is not None:
        return _not_found(
            query,
            f"looks like a place outside the US ({p.foreign}); this tool covers US places only",
        )
    if p.state and p.name:
        in_state = _in_state(gaz, gaz.aliases.get(p.name), p.state)
        if in_state:
            return _decide(gaz, query, in_state, ())
    if not p.name and p.state:
        state_pid = gaz.state_ids.get(p.state)
        if state_pid is None:
            return _not_found(query, f"no places for {p.state} in the gazetteer")
        big = [c for c in _order(gaz, gaz.city_keys.get(key)) if gaz.zips(c) >= BIG_CITY_ZIPS]
        if big and not p.county:
            return Resolution(
                query=query,
                status="ambiguous",
                candidates=(gaz.place(big[0]), gaz.place(state_pid)),
                message=f"the city or the state of {STATES.get(p.state, p.state)}?",
            )
        return Resolution(query=query, status="ok", place=gaz.place(state_pid))

    name, state, county, suffix = p.name, p.state, p.county, p.suffix
    if state is None and not county:
        guessed = _fuzzy_state(key)
        if guessed and not gaz.city_keys.get(key):
            name, state = guessed
            base, suffix = _split(name)
            if suffix:
                name, county = base, True
    interpretations: list[tuple[str, str | None, bool, str]] = [(name, state, county, suffix)]
    if p.state_words == "co" and not p.county:
        interpretations.append((name, None, True, "county"))  # "Lane Co": county, not Colorado
    if p.state:
        interpretations.append(
            (f"{name} {p.state_words}".strip(), None, False, "")
        )  # "Fort Washington"
        head, _, last = p.state_words.rpartition(" ")
        if head and last in STATE_KEYS:  # "Kings Park West, VA": the state is VA, not "West Va"
            interpretations.append((f"{name} {head}".strip(), STATE_KEYS[last], False, ""))
    if not county:  # "City of Eugene", "Eugene city"
        for prefix in ("city of ", "town of ", "village of "):
            if name.startswith(prefix):
                interpretations.append((name[len(prefix) :], state, False, ""))
        if name.endswith(" city") and state:  # only with a state: "Gotham City" is no Gotham, WI
            interpretations.append((name[: -len(" city")], state, False, ""))
    for iname, istate, icounty, isuffix in interpretations:
        cities, counties = _exact_hits(gaz, iname, istate, icounty, isuffix)
        if cities:
            extra = list(counties)
            if istate is None:
                looks = gaz.lookalikes.get(iname)
                biggest = max(gaz.zips(c) for c in cities)
                looks = tuple(x for x in looks if gaz.zips(x) >= 10 * biggest)
                if looks:  # never silently "correct" a real name: ask
                    every = _order(gaz, list(looks) + cities) + [x for x in _order(gaz, extra)]
                    return Resolution(
                        query=query,
                        status="ambiguous",
                        candidates=tuple(gaz.place(x) for x in every[:MAX_CANDIDATES]),
                        message="a real place, but one letter from a much bigger one",
                        omitted=max(0, len(every) - MAX_CANDIDATES),
                    )
            return _decide(gaz, query, cities, extra)
        if counties:
            return _decide(gaz, query, counties, ())
    if not county:
        inside = _within_city(gaz, query, name, state)
        if inside is not None:
            return inside
    scope = state or ""
    fallback: list[int] = []
    if state:
        c2, k2 = _exact_hits(gaz, name, None, county, suffix)
        fallback = c2 or k2
    return _Pending(
        query=query,
        name=name,
        scope=scope,
        county_only=county,
        edits=_edit_allowance(len(name), bool(scope)),
        fallback=fallback,
    )


def _split(name: str) -> tuple[str, str]:
    from crisisnav.normalize import split_county

    return split_county(name)


def _prefilter_cutoff(n: int, k: int) -> float:
    """A fuzz.ratio floor every name within k OSA edits of an n-character name reaches."""
    if k == 0:
        return 100.0
    return max(0.0, 100.0 * (1.0 - 2.0 * k / max(1, 2 * n - k)) - 0.5)


def _fuzzy_matches(
    gaz: Gazetteer, scope: str, items: Sequence[_Pending]
) -> list[list[tuple[int, int]]]:
    """For each pending query of one scope: [(choice index, OSA distance)] within its allowance."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    keys, _ids = gaz.fuzzy_choices(scope)
    buckets = _length_buckets(gaz, scope, keys)
    out: list[list[tuple[int, int]]] = []
    for item in items:
        found: list[tuple[int, int]] = []
        n, k = len(item.name), item.edits
        if k > 0 and n > 0:
            cutoff = _prefilter_cutoff(n, k)
            # Nationwide a different first letter costs one more edit, so with one edit allowed
            # only names starting with the same letter can match: search just those.
            first = item.name[0] if (not scope and k == 1) else ""
            for length in range(max(1, n - k), n + k + 1):
                bucket = buckets.get((first, length))
                if not bucket:
                    continue
                bkeys, bidx = bucket
                for _choice, _score, j in process.extract(
                    item.name, bkeys, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
                ):
                    d = OSA.distance(item.name, bkeys[j], score_cutoff=k)
                    if not scope and item.name[0] != bkeys[j][0]:
                        d += 1  # nationwide, a different first letter is a weaker fit
                    if d <= k:
                        found.append((bidx[j], d))
        found.sort()
        out.append(found)
    return out


_Buckets = dict[tuple[str, int], tuple[list[str], list[int]]]


def _length_buckets(gaz: Gazetteer, scope: str, keys: list[str]) -> _Buckets:
    """Choices grouped by length ("", n), and nationwide also by first letter and length (c, n).
    Kept on the Gazetteer object, so they live and die with the index they index."""
    store: dict[str, _Buckets] = gaz.__dict__.setdefault("_fuzzy_buckets", {})
    got = store.get(scope)
    if got is None:
        got = {}
        for i, k in enumerate(keys):
            groups = [("", len(k))] if scope else [("", len(k)), (k[:1], len(k))]
            for g in groups:
                bucket = got.setdefault(g, ([], []))
                bucket[0].append(k)
                bucket[1].append(i)
        store[scope] = got
    return got


def _finish(gaz: Gazetteer, item: _Pending, matches: list[tuple[int, int]]) -> Resolution:
    keys, ids = gaz.fuzzy_choices(item.scope)
    by_dist: dict[int, list[tuple[int, float]]] = {}
    for j, d in matches:
        sim = round(100.0 * (1.0 - d / max(len(item.name), len(keys[j]))), 1)
        for p in ids[j]:
            if item.county_only and gaz.kind(p) != "county":
                continue
            by_dist.setdefault(d, []).append((p, sim))
    big_typo = False
    if (
        item.fallback and by_dist and min(by_dist) == 1
    ):  # "Pittsburg PA": one letter from a big city
        big_typo = any(
            gaz.zips(p) >= FUZZY_BIG_ZIPS or gaz.population(p) >= FUZZY_BIG_POPULATION
            for p, _ in by_dist[1]
        )
    if item.fallback and not big_typo:
        # The name is a place elsewhere but not in the state typed (Aldine, OK; Koreatown, TX).
        # The state holds: not found, with the nearest names in that state, and where the name
        # does exist. A near spelling here is another real place (Aline, OK), never an answer.
        near = sorted(by_dist.items())
        here = list(dict.fromkeys(_order(gaz, [p for _, ps in near for p, _ in ps])))
        where = STATES.get(item.scope, TERRITORIES.get(item.scope, item.scope))
        elsewhere = [gaz.place(p).label() for p in _order(gaz, item.fallback)[:3]]
        more = len(item.fallback) - len(elsewhere)
        return Resolution(
            query=item.query,
            status="not_found",
            candidates=tuple(gaz.place(p) for p in here[:MAX_CANDIDATES]),
            message=f"no place of this name in {where}; it exists elsewhere: "
            + "; ".join(elsewhere)
            + (f" and {more} more" if more > 0 else ""),
            omitted=max(0, len(here) - MAX_CANDIDATES),
        )
    if not by_dist:
        return _not_found(item.query, "no US place matches this name")
    dists = sorted(by_dist)
    band = by_dist[dists[0]]
    scores: dict[int, float] = {}
    for d in dists:
        for p, s in by_dist[d]:
            scores.setdefault(p, s)
    cities = [p for p, _ in band if gaz.kind(p) == "city"]
    counties = [p for p, _ in band if gaz.kind(p) != "city"]
    rest = [p for d in dists[1:] for p, _ in by_dist[d]] + list(item.fallback)
    primary = cities or counties
    extra = (counties if cities else []) + rest
    res = _decide(gaz, item.query, primary, extra, scores, message="nearest spelling")
    if res.place is not None and item.scope and dists[0] >= 2:
        top = _order(gaz, primary)[0]
        if gaz.zips(top) < FUZZY_FAR_MIN_ZIPS and gaz.population(top) < FUZZY_FAR_MIN_POPULATION:
            # two edits from a small place: maybe a typo, maybe a place we do not hold (a question)
            return Resolution(
                query=item.query,
                status="ambiguous",
                candidates=(res.place,) + res.candidates,
                message="did you mean this place? it is two letters from what you typed",
            )
    if (
        res.place is not None
        and not item.scope
        and gaz.zips(_order(gaz, primary)[0]) < FUZZY_MIN_ZIPS
    ):
        # a misspelling matched, with no state, to a small place: a question, not an answer
        return Resolution(
            query=item.query,
            status="ambiguous",
            candidates=(res.place,) + res.candidates,
            message="did you mean this place? add a state to be sure",
        )
    return res


def resolve(query: str) -> Resolution:
    """Resolve one query. Never raises on a str; the status says how it went."""
    return _resolved(load(), query)


def _resolved(gaz: Gazetteer, query: str) -> Resolution:
    first = _first_pass(gaz, query)
    if isinstance(first, Resolution):
        return first
    return _finish(gaz, first, _fuzzy_matches(gaz, first.scope, [first])[0])


def resolve_many(queries: Iterable[str]) -> list[Resolution]:
    """Resolve many queries: exact hits one by one (dictionary lookups), fuzzy misses grouped by
    state so each group's choices are prepared once. Same result as resolve() per query."""
    gaz = load()
    results: list[Resolution | None] = []
    pending: dict[str, list[tuple[int, _Pending]]] = {}
    for i, q in enumerate(queries):
        first = _first_pass(gaz, q)
        if isinstance(first, Resolution):
            results.append(first)
        else:
            results.append(None)
            pending.setdefault(first.scope, []).append((i, first))
    for scope in sorted(pending):
        group = pending[scope]
        matches = _fuzzy_matches(gaz, scope, [item for _, item in group])
        for (i, item), m in zip(group, matches, strict=True):
            results[i] = _finish(gaz, item, m)
    return [r for r in results if r is not None]


__all__ = ["resolve", "resolve_many", "Resolution", "Place", "STATE_KEYS"]
