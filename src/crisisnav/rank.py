"""Which resources apply to a place, in what order, and why (DESIGN.md, "Ranking").

Decisions this module makes where DESIGN.md is silent (tests lock each one):

- **What applies.** A resource applies to a zip or city place when one of its areas is that
  city (same state), any county the place lies in, its state, or the nation. A **county**
  place gets county, state and national entries; programs that serve only a city inside
  the county are NOT listed as options there (they do not come to the rest of the county)
  but a `city-only` notice names them and says to look the city up. A **state** place
  gets state and national entries only, with a `state-only` notice asking for a city,
  county or ZIP.
- **Sections.** `respond`, `call`, `talk`, `go`, `through-911`, `communities`, `last-resort`,
  `directories`, by kind. An entry reached only through 911 (dispatch `via-911`) goes to
  `through-911`, after every direct section, whatever its kind or audiences (a co-responder or
  police-cit entry stays in `last-resort`, a directory in `directories`). An entry with
  audiences goes to `communities`, unless it is a directory or a police-involved kind
  (co-responder, police-cit), which stay where their kind puts them: naming an audience never
  lifts police above other help. With
  `audiences` (``--for``) set, an entry whose audiences include one of them moves into a
  section named after that audience (the first named one it matches); those sections
  come FIRST, in the order the audiences were given, because the person asked for them.
- **Order within a section**: police, dispatch, scope, open now (open < unknown < closed),
  then name (case-insensitive), then id.
- **Filters** hide, never reorder: `contact` keeps entries with a contact of that type;
  `language` keeps entries that list the language (an entry with no languages listed is
  hidden: we cannot say it speaks it); `no_911` hides entries dispatched via 911;
  `open_now_only` hides entries known to be closed (unknown hours stay, marked); `limit`
  cuts the list after ranking. When filters hide every option, a `filtered-out` notice
  says so.
- **Time.** `at` defaults to now. A naive `at` is wall-clock time at the place (its time
  zone; UTC when the place has none). Stale = verified more than 12 months before `at`.
- **Notices** (never options): `ended` / `suspended` for non-options that serve the
  place (the entry's caveats carry the replacement advice); `no-local-option` when no
  city or county entry with police none/possible serves the place; `coverage-gap` when
  the state has no active statewide entry; `stale` when shown entries are stale.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timezone

from crisisnav import hours as hours_mod
from crisisnav.models import (
    DISPATCH_PATHS,
    POLICE_LEVELS,
    SCOPES,
    SECTIONS,
    Area,
    Dataset,
    LookupResult,
    Notice,
    Place,
    RankedResource,
    Reason,
    Resolution,
    Resource,
)

BASE_SECTIONS = SECTIONS

SECTION_OF_KIND = {
    "mobile-team": "respond",
    "community-responder": "respond",
    "crisis-line": "call",
    "text-line": "call",
    "chat": "call",
    "warmline": "talk",
    "peer-line": "talk",
    "walk-in": "go",
    "peer-respite": "go",
    "co-responder": "last-resort",
    "police-cit": "last-resort",
    "directory": "directories",
}
# Kinds that keep their own section even when the entry has audiences.
_PINNED_SECTIONS = ("last-resort", "directories")
# An audience asked for with --for also brings in entries for the groups it includes:
# trans people are part of LGBTQ+, so --for lgbtq lists entries for trans people too.
AUDIENCE_INCLUDES = {"lgbtq": ("lgbtq", "trans")}


def serves_audience(resource_audiences: Sequence[str], audience: str) -> bool:
    """True when an entry with these audiences belongs in the section asked for as `audience`."""
    return any(a in resource_audiences for a in AUDIENCE_INCLUDES.get(audience, (audience,)))


def section_order(audiences: Sequence[str] = ()) -> tuple[str, ...]:
    """Every section in display order: requested audience sections first, then the base ones."""
    seen: list[str] = []
    for a in audiences:
        if a not in seen and a not in BASE_SECTIONS:
            seen.append(a)
    return (*seen, *BASE_SECTIONS)


_FOLDED: dict[str, str] = {}


def _fold(text: str | None) -> str:
    if not text:
        return ""
    hit = _FOLDED.get(text)
    if hit is None:
        if len(_FOLDED) > 8192:
            _FOLDED.clear()
        hit = _FOLDED[text] = " ".join(text.split()).casefold()
    return hit


def _city_key(text: str | None) -> str:
    from crisisnav.normalize import compact, normalize

    return compact(normalize(text or ""))


def area_scope_for(area: Area, place: Place) -> str | None:
    """The scope through which `area` covers `place`, or None when it does not."""
    if area.national:
        return "national"
    if _fold(area.state) != _fold(place.state):
        return None
    if area.city:
        # a neighborhood or borough takes its city's programs; "Saint Louis" (USPS) = "St. Louis"
        if place.kind in ("zip", "city", "neighborhood", "borough") and _city_key(
            area.city
        ) == _city_key(place.city or place.name):
            return "city"
        return None
    if area.county:
        if place.kind == "state":
            return None
        counties = place.counties or ((place.county,) if place.county else ())
        if place.kind == "county":
            counties = (*counties, place.name)
        if any(_fold(area.county) == _fold(c) for c in counties):
            return "county"
        return None
    return "state"


def scope_for(resource: Resource, place: Place) -> str | None:
    """The narrowest scope through which the resource serves the place, or None."""
    best: str | None = None
    for area in resource.serves:
        s = area_scope_for(area, place)
        if s is not None and (best is None or SCOPES.index(s) < SCOPES.index(best)):
            best = s
    return best


def is_stale(verified: date, on: date) -> bool:
    """Verified more than 12 months before `on`."""
    try:
        cutoff = on.replace(year=on.year - 1)
    except ValueError:  # 29 February
        cutoff = on.replace(year=on.year - 1, day=28)
    return verified < cutoff


def _aware(at: datetime | None, place: Place | None) -> datetime:
    """The evaluation time, aware, shown at the place's UTC offset when the place has a zone."""
    tz = place.timezone if place else None
    if at is None:
        at = datetime.now(timezone.utc)
    local = hours_mod.in_zone(tz, at)
    if local is not None:
        return local
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


class _Candidate:
    """An applicable option before ordering (a plain class: dataclasses cost start-up time)."""

    __slots__ = ("resource", "section", "scope", "open_now", "hours", "stale", "moved_for")

    def __init__(
        self,
        resource: Resource,
        section: str,
        scope: str,
        open_now: bool | None,
        hours: hours_mod.HoursState,
        stale: bool,
        moved_for: str | None,
    ) -> None:
        self.resource = resource
        self.section = section
        self.scope = scope
        self.open_now = open_now
        self.hours = hours
        self.stale = stale
        self.moved_for = moved_for


def _section_for(resource: Resource, audiences: Sequence[str]) -> tuple[str, str | None]:
    base = SECTION_OF_KIND.get(resource.kind, "directories")
    if base in _PINNED_SECTIONS:
        return base, None
    if resource.dispatch == "via-911":
        # Reached only through 911: after every direct option, whatever its kind or audience,
        # so a 911-only number is never the first thing a person reads.
        return "through-911", None
    if not resource.audiences:
        return base, None
    for a in audiences:
        if a not in BASE_SECTIONS and serves_audience(resource.audiences, a):
            return a, a
    return "communities", None


def _sort_key(c: _Candidate, order: Sequence[str]) -> tuple[object, ...]:
    r = c.resource
    open_rank = {True: 0, None: 1, False: 2}[c.open_now]
    return (
        order.index(c.section),
        POLICE_LEVELS.index(r.police) if r.police in POLICE_LEVELS else len(POLICE_LEVELS),
        DISPATCH_PATHS.index(r.dispatch) if r.dispatch in DISPATCH_PATHS else len(DISPATCH_PATHS),
        SCOPES.index(c.scope),
        open_rank,
        r.name.casefold(),
        r.id,
    )


def _why(c: _Candidate, place: Place, at: datetime) -> tuple[Reason, ...]:
    """The reasons behind an entry's position, as data (render.words.why_text words them)."""
    r = c.resource
    reasons = [Reason("section", {"section": c.section, "moved_for": c.moved_for})]
    if not c.moved_for and c.section == "communities":
        reasons.append(Reason("audiences", {"audiences": tuple(r.audiences)}))
    reasons.append(Reason("police", {"police": r.police}))
    reasons.append(
        Reason(
            "dispatch",
            {
                "dispatch": r.dispatch,
                "name": r.name,
                "how_to_ask": r.how_to_ask,
                "translations": r.translations,
            },
        )  # fmt: skip
    )
    areas = tuple(a.label() for a in r.serves if area_scope_for(a, place) == c.scope)
    reasons.append(Reason("scope", {"scope": c.scope, "areas": areas}))
    reasons.append(Reason("open", {"open": c.open_now, "at": at.strftime("%Y-%m-%d %H:%M")}))
    if c.stale:
        reasons.append(Reason("stale", {"verified": r.verified.isoformat()}))
    return tuple(reasons)


def _default_city_counties(city: str, state: str) -> tuple[str, ...]:
    """Counties a city lies in, from the gazetteer; () when that cannot be told."""
    from crisisnav import gazetteer

    return tuple(gazetteer.load().city_counties(state, city))


def _area_label_short(resource: Resource, place: Place) -> str:
    for a in resource.serves:
        if area_scope_for(a, place) is not None:
            if a.national:
                return "nationwide"
            return a.city or a.county or str(a.state)
    return resource.serves[0].label() if resource.serves else ""


def _status_notice(resource: Resource, place: Place) -> Notice:
    where = _area_label_short(resource, place)
    show_where = bool(where) and where.casefold() not in resource.name.casefold()
    return Notice(
        kind=resource.status,
        fields={
            "name": resource.name,
            "where": where if show_where else None,
            "since": resource.status_since.isoformat() if resource.status_since else None,
            "caveats": tuple(resource.caveats),
            "scope": scope_for(resource, place),
            "translations": resource.translations,  # its own text in other languages
        },
        resource_id=resource.id,
    )


def lookup(
    dataset: Dataset,
    resolution: Resolution,
    *,
    at: datetime | None = None,
    audiences: tuple[str, ...] = (),
    contact: str | None = None,
    language: str | None = None,
    no_911: bool = False,
    open_now_only: bool = False,
    limit: int | None = None,
    city_counties: Callable[[str, str], Sequence[str]] | None = None,
) -> LookupResult:
    """Rank the dataset's resources for a resolved place. Pure apart from reading the clock
    when `at` is None (and, for county places, asking the gazetteer which county a
    city-only program's city lies in; pass `city_counties(city, state)` to answer that)."""
    place = resolution.place
    when = _aware(at, place)
    filters: dict[str, object] = {
        "for": list(audiences),
        "contact": contact,
        "language": language,
        "no_911": no_911,
        "open_now": open_now_only,
        "limit": limit,
    }
    if resolution.status != "ok" or place is None:
        return LookupResult(resolution=resolution, evaluated_at=when.isoformat(), filters=filters)

    order = section_order(audiences)
    notices: list[Notice] = []
    candidates: list[_Candidate] = []
    for r in dataset.resources:
        scope = scope_for(r, place)
        if scope is None:
            continue
        if not r.is_option:
            notices.append(_status_notice(r, place))
            continue
        section, moved_for = _section_for(r, audiences)
        open_now, text = hours_mod.evaluate_state(
            r.hours,
            r.timezone,
            when,
            team=r.kind in ("mobile-team", "community-responder"),
            local_tz=place.timezone,
        )
        stale = is_stale(r.verified, when.date())
        candidates.append(_Candidate(r, section, scope, open_now, text, stale, moved_for))

    includes = _fold_988(candidates)
    if includes:
        folded = {r.id for rs in includes.values() for r in rs}
        candidates = [c for c in candidates if c.resource.id not in folded]

    # Facts about the place, before any filter hides entries.
    if place.kind in ("zip", "city", "county"):
        local = [
            c
            for c in candidates
            if c.scope in ("city", "county")
            and c.resource.police in ("none", "possible")
            and c.section not in ("directories", "last-resort")
        ]
        if not local:
            notices.append(Notice(kind="no-local-option", fields={"place": place.label()}))
    if place.kind == "county":
        notices.extend(_city_only_notices(dataset, place, city_counties))
    if place.kind == "state":
        notices.append(Notice(kind="state-only", fields={"place": place.label()}))
    if not any(c.scope == "state" for c in candidates):
        notices.append(Notice(kind="coverage-gap", fields={"state": place.state}))

    shown = [
        c
        for c in candidates
        if _passes(c, contact, language, no_911, open_now_only, includes.get(c.resource.id, ()))
    ]
    if candidates and not shown:
        notices.append(
            Notice(kind="filtered-out", fields={"count": len(candidates), "place": place.label()})
        )
    if candidates:
        used = tuple(
            flag
            for flag, on in (
                ("--contact", contact),
                ("--language", language),
                ("--no-911", no_911),
                ("--open-now", open_now_only),
            )
            if on
        )
        notices.extend(_audience_notices(audiences, candidates, shown, place, used))
    shown.sort(key=lambda c: _sort_key(c, order))
    if limit is not None and limit >= 0:
        shown = shown[:limit]
    ranked = tuple(
        RankedResource(
            rank=i,
            resource=c.resource,
            section=c.section,
            scope=c.scope,
            open_now=c.open_now,
            stale=c.stale,
            why=_why(c, place, when),
            hours_state=c.hours,
            includes=includes.get(c.resource.id, ()),
        )
        for i, c in enumerate(shown, start=1)
    )
    stale_count = sum(1 for item in ranked if item.stale)
    if stale_count:
        notices.append(Notice(kind="stale", fields={"count": stale_count}))
    return LookupResult(
        resolution=resolution,
        resources=ranked,
        notices=tuple(notices),
        evaluated_at=when.isoformat(),
        filters=filters,
    )


def _audience_notices(
    audiences: Sequence[str],
    candidates: list[_Candidate],
    shown: list[_Candidate],
    place: Place,
    used: tuple[str, ...] = (),
) -> list[Notice]:
    """A requested audience section that stays empty is said, never silently dropped."""
    out: list[Notice] = []
    for a in dict.fromkeys(audiences):
        if a in BASE_SECTIONS:
            continue
        listed = sum(1 for c in candidates if c.section == a)
        if any(c.section == a for c in shown):
            continue
        fields = {"audience": a, "place": place.label()}
        if listed:
            out.append(
                Notice(kind="filtered-out", fields={**fields, "count": listed, "filters": used})
            )
        else:
            out.append(Notice(kind="audience-gap", fields=fields))
    return out


def _passes(
    c: _Candidate,
    contact: str | None,
    language: str | None,
    no_911: bool,
    open_now_only: bool,
    includes: Sequence[Resource] = (),
) -> bool:
    r = c.resource
    contacts = [*r.contacts, *(x for inner in includes for x in inner.contacts)]
    if contact and not any(x.type == contact for x in contacts):
        return False
    if language and _fold(language) not in {_fold(x) for x in r.languages}:
        return False
    if no_911 and r.dispatch == "via-911":
        return False
    return not (open_now_only and c.open_now is False)


def _is_988(resource: Resource) -> bool:
    """A general 988 line (not one for a community, such as the Veterans Crisis Line)."""
    return (
        resource.kind == "crisis-line"
        and not resource.audiences
        and any(
            c.type == "phone" and "".join(ch for ch in c.value if ch.isdigit()) == "988"
            for c in resource.contacts
        )
    )


def _fold_988(candidates: Sequence[_Candidate]) -> dict[str, tuple[Resource, ...]]:
    """988 once per place: the narrowest active 988 center listed (a city's, else the state's) is its
    local face, and the broader 988 entries (the state's, the national Lifeline with its press 1 /
    press 2 / text / chat options) are shown inside it instead of as more entries.
    Returns host id -> the entries folded into it ({} when there is no single local 988 center)."""
    lines = [c for c in candidates if _is_988(c.resource) and c.resource.status == "active"]
    if len(lines) < 2:
        return {}
    narrowest = min(SCOPES.index(c.scope) for c in lines)
    hosts = [c for c in lines if SCOPES.index(c.scope) == narrowest]
    if len(hosts) != 1 or hosts[0].scope == "national":
        return {}  # no single local face: leave every entry as it is
    return {hosts[0].resource.id: tuple(c.resource for c in lines if c is not hosts[0])}


def _city_only_notices(
    dataset: Dataset, place: Place, city_counties: Callable[[str, str], Sequence[str]] | None
) -> list[Notice]:
    lookup_counties = city_counties or _default_city_counties
    by_city: dict[tuple[str, str], list[str]] = {}
    own: dict[str, object] = {}  # name -> the entry's translations (its name in other languages)
    cache: dict[tuple[str, str], Sequence[str]] = {}
    for r in dataset.resources:
        if not r.is_option or scope_for(r, place) is not None:
            continue
        for a in r.serves:
            if not a.city or _fold(a.state) != _fold(place.state):
                continue
            key = (a.city, str(a.state))
            if key not in cache:
                cache[key] = lookup_counties(a.city, str(a.state))
            if any(_fold(c) == _fold(place.name) for c in cache[key]):
                names = by_city.setdefault(key, [])
                if r.name not in names:
                    names.append(r.name)
                    own[r.name] = r.translations
    out = []
    for (city, state), names in sorted(by_city.items()):
        out.append(
            Notice(
                kind="city-only",
                fields={
                    "city": city,
                    "state": state,
                    "county": place.name,
                    "names": tuple(names),
                    "translations": tuple(own[n] for n in names),
                },
            )
        )
    return out
