"""Frozen data classes shared by every layer. Pure: no I/O, no heavy imports."""

from __future__ import annotations

import dataclasses
from dataclasses import field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TypeVar

_T = TypeVar("_T")


def _frozen_record(*, frozen: bool) -> Any:
    """`@dataclasses.dataclass(frozen=True)`, made with one small compiled function per class.

    Python 3.11's dataclasses compile six generated methods for each frozen class: 8 ms of
    every start-up for the 13 classes here. This builds the same class (a dataclass: fields(),
    replace() and asdict() work; immutable, raising FrozenInstanceError; equal and hashed by its
    fields in order, hash=False fields left out; the same repr): only __init__ is compiled (it
    takes the fields as keyword arguments with their defaults); the other methods are shared
    closures over operator.attrgetter. A test compares every class with dataclasses' own
    (tests/test_models_records.py).
    """
    assert frozen

    def wrap(cls: type[_T]) -> type[_T]:
        from operator import attrgetter

        cls = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        params, sets = [], []
        for f in fields:
            if f.default is not dataclasses.MISSING:
                params.append(f"{f.name}=_d[{f.name!r}]")
            elif f.default_factory is not dataclasses.MISSING:
                params.append(f"{f.name}=_MISSING")
            else:
                params.append(f.name)
            # straight into the instance dict: what object.__setattr__ does for these classes
            # (no slots, no field shadowed by a descriptor), at a fraction of the cost per field
            if f.default_factory is not dataclasses.MISSING:
                sets.append(
                    f"  _d_[{f.name!r}]=_f[{f.name!r}]() if {f.name} is _MISSING else {f.name}"
                )
            else:
                sets.append(f"  _d_[{f.name!r}]={f.name}")
        src = "\n".join([f"def __init__(self,{','.join(params)}):", "  _d_=self.__dict__", *sets])
        scope: dict[str, Any] = {
            "_d": {f.name: f.default for f in fields},
            "_f": {f.name: f.default_factory for f in fields},
            "_MISSING": dataclasses.MISSING,
        }
        exec(compile(src, f"<record {cls.__qualname__}>", "exec"), scope)  # noqa: S102

        def getter(names: list[str]) -> Any:
            get = attrgetter(*names) if names else (lambda _obj: ())
            return get if len(names) != 1 else (lambda obj: (get(obj),))

        shown = [f.name for f in fields if f.repr]
        show, compared = getter(shown), getter([f.name for f in fields if f.compare])
        hashed = getter([f.name for f in fields if (f.hash is None and f.compare) or f.hash])
        names = frozenset(f.name for f in fields)

        def __repr__(self: Any) -> str:
            pairs = ", ".join(f"{n}={v!r}" for n, v in zip(shown, show(self), strict=True))
            return f"{type(self).__qualname__}({pairs})"

        def __eq__(self: Any, other: object) -> bool:
            if other.__class__ is self.__class__:
                return bool(compared(self) == compared(other))
            return NotImplemented

        def __hash__(self: Any) -> int:
            return hash(hashed(self))

        def __setattr__(self: Any, name: str, value: Any) -> None:
            if type(self) is cls or name in names:
                raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
            super(cls, self).__setattr__(name, value)

        def __delattr__(self: Any, name: str) -> None:
            if type(self) is cls or name in names:
                raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
            super(cls, self).__delattr__(name)

        methods = {"__init__": scope["__init__"], "__repr__": __repr__, "__eq__": __eq__,
                   "__hash__": __hash__, "__setattr__": __setattr__, "__delattr__": __delattr__}  # fmt: skip
        for name, fn in methods.items():
            fn.__qualname__ = f"{cls.__qualname__}.{name}"
            setattr(cls, name, fn)
        params_ = cls.__dataclass_params__  # type: ignore[attr-defined]
        params_.frozen = params_.init = params_.repr = params_.eq = True
        return cls

    return wrap


if TYPE_CHECKING:  # type checkers know the standard one, which this builds the same classes as
    from dataclasses import dataclass
else:
    dataclass = _frozen_record

# Vocabularies from DESIGN.md, "The dataset".
KINDS = (
    "mobile-team",
    "community-responder",
    "crisis-line",
    "text-line",
    "chat",
    "warmline",
    "peer-line",
    "walk-in",
    "peer-respite",
    "directory",
    "co-responder",
    "police-cit",
)
POLICE_LEVELS = ("none", "possible", "co-responder", "police")  # least police first
DISPATCH_PATHS = ("direct", "via-988", "via-non-emergency", "via-911")  # most direct first
STATUSES = ("active", "limited", "suspended", "ended", "uncertain")
CONTACT_TYPES = ("phone", "text", "chat", "web", "tty", "videophone")
SCOPES = ("city", "county", "state", "national")  # narrowest first
SECTIONS = (
    "respond", "call", "talk", "go", "through-911", "communities", "last-resort", "directories",
)  # fmt: skip

# Known audience words (data may use others; validate warns on unknown ones).
AUDIENCES = (
    "trans",
    "lgbtq",
    "youth",
    "veterans",
    "native",
    "deaf",
    "black",
    "spanish-speaking",
    "older-adults",
    "disaster",
    "substance-use",
)

PlaceKind = Literal["zip", "city", "county", "state", "neighborhood", "borough"]
ResolutionStatus = Literal["ok", "ambiguous", "not_found"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Contact:
    """One way to reach an entry: a phone number, text code, chat or web address, TTY line."""

    type: str  # one of CONTACT_TYPES
    value: str  # phone numbers and short codes are strings: "541-682-1001", "988", "741741"
    label: str | None = None
    keyword: str | None = None  # for text lines: "HOME" to 741741

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "value": self.value,
            "label": self.label,
            "keyword": self.keyword,
        }


@dataclass(frozen=True)
class Address:
    """A street address people go to (walk-in centers, peer respites)."""

    street: str
    city: str
    state: str  # two-letter code
    zip: str | None = None
    note: str | None = None  # entrance, floor

    def one_line(self) -> str:
        tail = f"{self.state} {self.zip}" if self.zip else self.state
        return f"{self.street}, {self.city}, {tail}"

    def to_json(self) -> dict[str, Any]:
        return {"street": self.street, "city": self.city, "state": self.state, "zip": self.zip,
                "note": self.note}  # fmt: skip

    @classmethod
    def from_json(cls, d: dict[str, Any] | None) -> Address | None:
        if not d:
            return None
        return cls(street=d["street"], city=d["city"], state=d["state"], zip=d.get("zip"),
                   note=d.get("note"))  # fmt: skip


# Languages an entry may carry its own text in, besides English (the `es:` block of an entry).
TEXT_LANGS = ("es",)


@dataclass(frozen=True)
class Translation:
    """An entry's text in another language (data/schema.json, `translation`). A field left as
    None (or an empty tuple) is shown in English, marked as English."""

    name: str | None = None
    how_to_ask: str | None = None
    police_note: str | None = None
    caveats: tuple[str, ...] = ()  # one for each English caveat, in order
    labels: tuple[str | None, ...] = ()  # one for each contact, in order

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.name is not None:
            out["name"] = self.name
        if self.how_to_ask is not None:
            out["how_to_ask"] = self.how_to_ask
        if self.police_note is not None:
            out["police_note"] = self.police_note
        if self.caveats:
            out["caveats"] = list(self.caveats)
        if self.labels:
            out["labels"] = list(self.labels)
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Translation:
        return cls(
            name=d.get("name"),
            how_to_ask=d.get("how_to_ask"),
            police_note=d.get("police_note"),
            caveats=tuple(d.get("caveats") or ()),
            labels=tuple(d.get("labels") or ()),
        )


@dataclass(frozen=True)
class Area:
    """One entry of `serves`: national, a state, a county of a state, or a city of a state."""

    state: str | None = None  # two-letter code; None only when national
    county: str | None = None  # gazetteer spelling, e.g. "Lane County", "Orleans Parish"
    city: str | None = None  # USPS city name, e.g. "Eugene"
    national: bool = False

    @property
    def scope(self) -> str:
        if self.national:
            return "national"
        if self.city:
            return "city"
        if self.county:
            return "county"
        return "state"

    def label(self) -> str:
        if self.national:
            return "United States"
        if self.city:
            return f"{self.city}, {self.state}"
        if self.county:
            return f"{self.county}, {self.state}"
        return str(self.state)

    def to_json(self) -> dict[str, Any]:
        if self.national:
            return {"national": True}
        out: dict[str, Any] = {"state": self.state}
        if self.county:
            out["county"] = self.county
        if self.city:
            out["city"] = self.city
        return out


@dataclass(frozen=True)
class Resource:
    """One entry of data/resources.yaml, after loading. Field meanings: DESIGN.md."""

    id: str
    name: str
    kind: str
    police: str
    dispatch: str
    serves: tuple[Area, ...]
    contacts: tuple[Contact, ...]
    hours: tuple[str, ...]  # ("24/7",) or rules like "mon-fri 08:00-17:00"
    status: str
    verified: date
    sources: tuple[str, ...]
    police_note: str | None = None
    timezone: str | None = None
    audiences: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    how_to_ask: str | None = None
    caveats: tuple[str, ...] = ()
    status_since: date | None = None
    address: Address | None = None  # walk-in centers and peer respites
    # The entry's own text in other languages: ((lang, Translation), ...), lang in TEXT_LANGS.
    translations: tuple[tuple[str, Translation], ...] = ()
    line: int = 0  # 1-based line of the entry in its YAML file (0 when unknown)

    def translation(self, lang: str) -> Translation | None:
        """The entry's text in lang, or None when it has none (English is the entry itself)."""
        for code, t in self.translations:
            if code == lang:
                return t
        return None

    @property
    def is_option(self) -> bool:
        """Ended and suspended entries are never listed as options, only as notices."""
        return self.status not in ("ended", "suspended")

    def to_json(self) -> dict[str, Any]:
        """The entry as the dataset holds it (export json, cache)."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "police": self.police,
            "police_note": self.police_note,
            "dispatch": self.dispatch,
            "serves": [a.to_json() for a in self.serves],
            "contacts": [c.to_json() for c in self.contacts],
            "hours": list(self.hours),
            "timezone": self.timezone,
            "audiences": list(self.audiences),
            "languages": list(self.languages),
            "how_to_ask": self.how_to_ask,
            "caveats": list(self.caveats),
            "address": self.address.to_json() if self.address else None,
            "status": self.status,
            "status_since": self.status_since.isoformat() if self.status_since else None,
            "verified": self.verified.isoformat(),
            "sources": list(self.sources),
            **{lang: t.to_json() for lang, t in self.translations},
            "line": self.line,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Resource:
        """Inverse of to_json (used by the dataset cache)."""
        return cls(
            id=d["id"],
            name=d["name"],
            kind=d["kind"],
            police=d["police"],
            police_note=d.get("police_note"),
            dispatch=d["dispatch"],
            serves=tuple(Area(**a) for a in d["serves"]),
            contacts=tuple(Contact(**c) for c in d["contacts"]),
            hours=tuple(d["hours"]),
            timezone=d.get("timezone"),
            audiences=tuple(d.get("audiences") or ()),
            languages=tuple(d.get("languages") or ()),
            how_to_ask=d.get("how_to_ask"),
            caveats=tuple(d.get("caveats") or ()),
            address=Address.from_json(d.get("address")),
            status=d["status"],
            status_since=date.fromisoformat(d["status_since"]) if d.get("status_since") else None,
            verified=date.fromisoformat(d["verified"]),
            sources=tuple(d["sources"]),
            translations=tuple(
                (lang, Translation.from_json(d[lang])) for lang in TEXT_LANGS if d.get(lang)
            ),
            line=int(d.get("line") or 0),
        )


@dataclass(frozen=True)
class Dataset:
    """The loaded data file: its entries in file order, its path and the sha256 of its bytes."""

    path: str  # where it was loaded from ("<packaged>" paths are real paths too)
    schema_version: int
    resources: tuple[Resource, ...]
    sha256: str = ""  # of the file's bytes; the cache key


@dataclass(frozen=True)
class Place:
    """A real US place from the gazetteer. JSON shape: DESIGN.md, "Command-line contract"."""

    kind: PlaceKind
    name: str  # "97401", "Eugene", "Lane County", "Oregon"
    state: str  # two-letter code
    city: str | None = None  # for zip and city places
    county: str | None = None  # the main county (for a county place, itself)
    counties: tuple[str, ...] = ()  # every county the place lies in
    zip: str | None = None  # for zip places
    timezone: str | None = None  # IANA zone
    score: float = 100.0  # 0..100, how well the query fit
    zips: int = 0  # number of ZIP codes in the place (size prior; shown by `places`)
    population: int = 0  # people, by GeoNames; 0 when unknown (not in the JSON contract)

    def label(self) -> str:
        """Human label: "Eugene, Lane County, OR", "Lane County, OR", "Oregon", "97401 (Eugene, OR)"."""
        if self.kind == "state":
            return self.name
        if self.kind == "county":
            return f"{self.name}, {self.state}"
        if self.kind == "zip":
            return f"{self.zip} ({self.city}, {self.state})" if self.city else f"{self.zip}"
        if self.kind in ("neighborhood", "borough") and self.city:
            where = f"{self.name} ({self.kind} of {self.city})"
            return (
                f"{where}, {' / '.join(self.counties)}, {self.state}"
                if self.counties
                else f"{where}, {self.state}"
            )
        if self.counties:
            return f"{self.name}, {' / '.join(self.counties)}, {self.state}"
        return f"{self.name}, {self.state}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "city": self.city,
            "county": self.county,
            "counties": list(self.counties),
            "state": self.state,
            "zip": self.zip,
            "timezone": self.timezone,
            "score": round(self.score, 1),
        }


@dataclass(frozen=True)
class Resolution:
    """What a query resolved to (DESIGN.md, "Places"): ok with a place, ambiguous with
    candidates best first, or not_found with a message and the nearest names."""

    query: str
    status: ResolutionStatus
    place: Place | None = None
    candidates: tuple[
        Place, ...
    ] = ()  # ambiguous: all fits, best first; ok: close alternatives set aside
    message: str | None = None  # e.g. why not_found ("looks like a place outside the US")
    omitted: int = 0  # ambiguous: how many further fits were left out of candidates


@dataclass(frozen=True)
class Problem:
    """One finding of validate. Rendered as FILE:LINE:COL: SEVERITY CODE message."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str  # stable, e.g. "duplicate-key", "unquoted-phone"
    message: str
    fix: str | None = None
    resource_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
            "resource_id": self.resource_id,
        }


@dataclass(frozen=True)
class RankedResource:
    """A resource placed in a lookup result, with the reasons for its position."""

    rank: int  # 1-based over the whole list
    resource: Resource
    section: str  # one of SECTIONS
    scope: str  # the narrowest matching scope: city | county | state | national
    open_now: bool | None  # None when hours cannot be evaluated
    stale: bool  # verified more than 12 months before the evaluation date
    why: tuple[Reason, ...]
    # What the hours mean at the evaluation time, as data: (kind, fields) from
    # crisisnav.hours.hours_state; render.words.hours_words gives "Open now until 23:00 PT".
    hours_state: tuple[str, dict[str, Any]] = field(default=("unparsed", {"rules": ()}), hash=False)
    # Entries shown inside this one: the national 988 line folded into the state's 988 center,
    # so 988 appears once per place with the national options (press 1, press 2, text, chat) in it.
    includes: tuple[Resource, ...] = ()

    @property
    def contacts(self) -> tuple[Contact, ...]:
        """This entry's contacts, then those of the entries it includes that add something."""
        out = list(self.resource.contacts)
        for inner in self.includes:
            for c in inner.contacts:
                same = [
                    i
                    for i, x in enumerate(out)
                    if (x.type, x.value, x.keyword) == (c.type, c.value, c.keyword)
                ]
                if not same:
                    out.append(c)
                elif c.label and not out[same[0]].label:
                    out[same[0]] = c
        return tuple(out)


@dataclass(frozen=True)
class Notice:
    """Something a person must know that is not an option: an ended program, a coverage gap.

    Data, not words: `kind` plus the `fields` that kind needs (render.words.notice_text puts
    them into a sentence). Kinds and their fields:
    ended / suspended: name, where (or None), since (ISO date or None), caveats, translations
    (the entry's own ((lang, Translation), ...), for its name and caveats in another language);
    no-local-option / state-only: place; coverage-gap: state;
    filtered-out: count, place (and audience when one --for section was emptied);
    audience-gap: audience, place; stale: count; city-only: city, state, county, names,
    translations (each named entry's, in order)."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict, hash=False)
    resource_id: str | None = None


@dataclass(frozen=True)
class Reason:
    """One reason behind an entry's position (--explain, JSON `why`): a kind plus fields, put
    into words by render.words.why_text. Kinds: section (section, moved_for), audiences
    (audiences), police (police), dispatch (dispatch, name, translations), scope (scope, areas), open
    (open: True/False/None, at), stale (verified)."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class LookupResult:
    """A lookup's answer: the resolution, the ranked options, the notices, and when it was
    evaluated (the open-now marks depend on it)."""

    resolution: Resolution
    resources: tuple[RankedResource, ...] = ()
    notices: tuple[Notice, ...] = ()
    evaluated_at: str = ""  # ISO timestamp the hours were evaluated at
    filters: dict[str, Any] = field(default_factory=dict)
