"""Which resources apply to a place, in what order, and why (DESIGN.md, "Ranking").

Decisions this module makes where DESIGN.md is silent (tests lock each one):

- **What applies.** A resource applies to a zip or city place when one of its areas is that
  city (same state), any county the place lies in, its state, or the nation. A **county**
  place gets county, state and national entries; programs that serve only a city inside
  the county are NOT listed as options there (they do not come to the rest of the county)
  but a `city-only` notice names them and says to look the city up. A **state** place
  gets state and national entries only, with a `state-only` notice asking for a city,
  county or ZIP.
- **Sections.** `respond`, `call`, `talk`, `go`, `communities`, `last-resort`,
  `directories`, by kind. An entry with audiences goes to `communities`, unless it is a
  directory or a police-involved kind (co-responder, police-cit), which stay where their
  kind puts them: naming an audience never lifts police above other help. With
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
    Area,
    Dataset,
    LookupResult,
    Notice,
    Place,
    RankedResource,
    Resolution,
    Resource,
)

BASE_SECTIONS = ("respond", "call", "talk", "go", "communities", "last-resort", "directories")

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

SECTION_TITLES = {
    "respond": "Someone comes to you",
    "call": "Call, text or chat now",
    "talk": "Talk it through (warmlines and peers)",
    "go": "Places to go",
    "communities": "For particular communities",
    "last-resort": "Last resort: police are involved",
    "directories": "Directories",
}

SECTION_REASONS = {
    "respond": "section respond: a team that comes to the person",
    "call": "section call: a crisis line, text line or chat",
    "talk": "section talk: a warmline or peer line for talking it through",
    "go": "section go: a place to go in person",
    "communities": "section communities: serves particular communities",
    "last-resort": "section last-resort: police are part of the response",
    "directories": "section directories: a list of other services, last",
}

POLICE_WORDS = {
    "none": "no police: the program says it will not involve police without consent",
    "possible": "police possible: police may be called or sent in some situations",
    "co-responder": "co-responder: an officer is on the team or sent with it",
    "police": "police: this is a police response",
}

DISPATCH_WORDS = {
    "direct": "reached directly",
    "via-988": "reached through 988",
    "via-non-emergency": "reached through the police non-emergency line",
    "via-911": "reached only through 911",
}


def dispatch_text(resource: Resource) -> str:
    """How the entry is reached, in words: "only through 911 — ask for X by name"."""
    base = DISPATCH_WORDS.get(resource.dispatch, resource.dispatch)
    if resource.dispatch in ("via-911", "via-non-emergency"):
        # "Denver STAR (Support Team Assisted Response)" -> ask for "Denver STAR" by name
        short = resource.name.split(" (", 1)[0].strip() or resource.name
        return f"{base} — ask for {short} by name"
    return base


def section_title(section: str) -> str:
    return SECTION_TITLES.get(section, f"For {section} people")


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


def area_scope_for(area: Area, place: Place) -> str | None:
    """The scope through which `area` covers `place`, or None when it does not."""
    if area.national:
        return "national"
    if _fold(area.state) != _fold(place.state):
        return None
    if area.city:
        if place.kind in ("zip", "city") and _fold(area.city) == _fold(place.city or place.name):
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

    __slots__ = ("resource", "section", "scope", "open_now", "hours_text", "stale", "moved_for")

    def __init__(
        self,
        resource: Resource,
        section: str,
        scope: str,
        open_now: bool | None,
        hours_text: str,
        stale: bool,
        moved_for: str | None,
    ) -> None:
        self.resource = resource
        self.section = section
        self.scope = scope
        self.open_now = open_now
        self.hours_text = hours_text
        self.stale = stale
        self.moved_for = moved_for


def _section_for(resource: Resource, audiences: Sequence[str]) -> tuple[str, str | None]:
    base = SECTION_OF_KIND.get(resource.kind, "directories")
    if not resource.audiences or base in _PINNED_SECTIONS:
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


def _why(c: _Candidate, place: Place, at: datetime) -> tuple[str, ...]:
    r = c.resource
    reasons = [SECTION_REASONS.get(c.section, f"section {c.section}")]
    if c.moved_for:
        reasons[0] = f"section {c.section}: serves {c.moved_for} people, asked for with --for"
    elif c.section == "communities":
        reasons.append("serves: " + ", ".join(r.audiences))
    reasons.append(f"police {r.police}: " + POLICE_WORDS.get(r.police, r.police).split(": ", 1)[-1])
    reasons.append(f"dispatch {r.dispatch}: {dispatch_text(r)}")
    areas = [a.label() for a in r.serves if area_scope_for(a, place) == c.scope]
    reasons.append(f"scope {c.scope}: serves {', '.join(areas) or c.scope}")
    if c.open_now is True:
        reasons.append("open now")
    elif c.open_now is False:
        reasons.append(f"closed at {at.strftime('%Y-%m-%d %H:%M')} (after entries open now)")
    else:
        reasons.append("open-now unknown (after entries open now)")
    if c.stale:
        reasons.append(f"stale: last verified {r.verified.isoformat()}, over 12 months ago")
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
    show_where = where and where.casefold() not in resource.name.casefold()
    name = f"{resource.name} ({where})" if show_where else resource.name
    when = f" on {resource.status_since.isoformat()}" if resource.status_since else ""
    if resource.status == "ended":
        text = f"{name} ended service{when} — do not use old flyers or saved numbers for it."
    else:
        since = f" since {resource.status_since.isoformat()}" if resource.status_since else ""
        text = f"{name} is suspended{since} — do not rely on it until it is back."
    if resource.caveats:
        text += " " + " ".join(resource.caveats)
    return Notice(kind=resource.status, text=text, resource_id=resource.id)


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
        open_now, text = hours_mod.evaluate(r.hours, r.timezone, when)
        stale = is_stale(r.verified, when.date())
        candidates.append(_Candidate(r, section, scope, open_now, text, stale, moved_for))

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
            notices.append(
                Notice(
                    kind="no-local-option",
                    text=(
                        f"No local non-police crisis service is listed for {place.label()}. "
                        "The statewide and national options below still apply."
                    ),
                )
            )
    if place.kind == "county":
        notices.extend(_city_only_notices(dataset, place, city_counties))
    if place.kind == "state":
        notices.append(
            Notice(
                kind="state-only",
                text=(
                    f"{place.label()} is a whole state: only statewide and national options are "
                    "listed. Give a city, county or ZIP code for local teams."
                ),
            )
        )
    if not any(c.scope == "state" for c in candidates):
        notices.append(
            Notice(
                kind="coverage-gap",
                text=(
                    f"No statewide entry for {place.state} is in the dataset yet. That is a gap "
                    "in this dataset, not a sign that nothing exists; national options are listed."
                ),
            )
        )

    shown = [c for c in candidates if _passes(c, contact, language, no_911, open_now_only)]
    if candidates and not shown:
        notices.append(
            Notice(
                kind="filtered-out",
                text=(
                    f"The filters you gave hide all {len(candidates)} options for {place.label()}. "
                    "Run again without them to see every option."
                ),
            )
        )
    if candidates:
        notices.extend(_audience_notices(audiences, candidates, shown, place))
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
            hours_text=c.hours_text,
        )
        for i, c in enumerate(shown, start=1)
    )
    stale_names = [item.resource.name for item in ranked if item.stale]
    if stale_names:
        notices.append(
            Notice(
                kind="stale",
                text=(
                    f"{len(stale_names)} listed "
                    + ("entry was" if len(stale_names) == 1 else "entries were")
                    + " last verified over 12 months ago (marked STALE): confirm before relying "
                    "on them."
                ),
            )
        )
    return LookupResult(
        resolution=resolution,
        resources=ranked,
        notices=tuple(notices),
        evaluated_at=when.isoformat(),
        filters=filters,
    )


def _audience_notices(
    audiences: Sequence[str], candidates: list[_Candidate], shown: list[_Candidate], place: Place
) -> list[Notice]:
    """A requested audience section that stays empty is said, never silently dropped."""
    out: list[Notice] = []
    for a in dict.fromkeys(audiences):
        if a in BASE_SECTIONS:
            continue
        listed = sum(1 for c in candidates if c.section == a)
        if any(c.section == a for c in shown):
            continue
        if listed:
            entries = "entry" if listed == 1 else "entries"
            out.append(
                Notice(
                    kind="filtered-out",
                    text=(
                        f"The filters you gave hide the {listed} {entries} for {a} people "
                        f"listed for {place.label()}, so that section is empty. Run again "
                        "without --contact, --language, --no-911 or --open-now to see them."
                    ),
                )
            )
        else:
            out.append(
                Notice(
                    kind="audience-gap",
                    text=(
                        f"No entry for {a} people is listed for {place.label()} in this "
                        "dataset; the general options below still apply."
                    ),
                )
            )
    return out


def _passes(
    c: _Candidate, contact: str | None, language: str | None, no_911: bool, open_now_only: bool
) -> bool:
    r = c.resource
    if contact and not any(x.type == contact for x in r.contacts):
        return False
    if language and _fold(language) not in {_fold(x) for x in r.languages}:
        return False
    if no_911 and r.dispatch == "via-911":
        return False
    return not (open_now_only and c.open_now is False)


def _city_only_notices(
    dataset: Dataset, place: Place, city_counties: Callable[[str, str], Sequence[str]] | None
) -> list[Notice]:
    lookup_counties = city_counties or _default_city_counties
    by_city: dict[tuple[str, str], list[str]] = {}
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
    out = []
    for (city, state), names in sorted(by_city.items()):
        out.append(
            Notice(
                kind="city-only",
                text=(
                    f"Serving only {city}, {state} (inside {place.name}): {'; '.join(names)}. "
                    f'Look up "{city}, {state}" for them.'
                ),
            )
        )
    return out
