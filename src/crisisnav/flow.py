"""The lookup flow, shared by `lookup`, `places`, `sheet` and the interactive mode: the options
that shape one lookup and their checks (--at, --contact), the dataset and ranking calls,
not-found suggestions, and the batch decoder (input lines -> resolutions, bad lines included).

Core, not a command: no Typer, no printing. Heavy modules are imported inside functions, so a
warm plain lookup imports neither rich, yaml, rapidfuzz nor zipcodes.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crisisnav import errors
from crisisnav.audience import check_audiences
from crisisnav.i18n import _
from crisisnav.render.echo import shorten

if TYPE_CHECKING:
    from crisisnav.fileio import BatchLine
    from crisisnav.models import Dataset, LookupResult, Place, Resolution

MAX_QUERY = 300  # characters; longer batch lines are not places
BATCH_CHUNK = 512


class Options:
    """Everything that shapes one lookup, shared by the command, batch and interactive mode.
    (A plain class: building a dataclass at import time costs start-up time.)"""

    def __init__(
        self,
        fmt: str = "auto",
        explain: bool = False,
        audiences: tuple[str, ...] = (),
        contact: str | None = None,
        language: str | None = None,
        no_911: bool = False,
        open_now: bool = False,
        at: datetime | None = None,
        limit: int | None = None,
        color: str = "auto",
        data: Path | None = None,
        details: bool = False,
    ) -> None:
        self.fmt = fmt
        self.explain = explain
        self.audiences = audiences
        self.contact = contact
        self.language = language
        self.no_911 = no_911
        self.open_now = open_now
        self.at = at
        self.limit = limit
        self.color = color
        self.data = data
        self.details = details

    def with_at(self, at: datetime | None) -> Options:
        import copy

        out = copy.copy(self)
        out.at = at
        return out


def parse_at(text: str | None) -> datetime | None:
    """--at "2026-12-01 03:00" (wall-clock time at the place) or any ISO 8601 date-time."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise errors.UsageError(
            _('--at: cannot read "{text}" as a date and time').format(text=shorten(text)),
            hint=_('write it like --at "2026-12-01 03:00" (local time at the place)'),
        ) from None
    if not AT_YEARS[0] <= when.year <= AT_YEARS[1]:
        # hours, time zones and "stale" arithmetic need a year with room on both sides
        raise errors.UsageError(
            _("--at: give a year from {first} to {last}").format(
                first=AT_YEARS[0], last=AT_YEARS[1]
            )
        )
    return when


AT_YEARS = (1971, 2100)


def check_contact(contact: str | None) -> None:
    """Usage error (exit 2) for a --contact that is not a contact type of the dataset format."""
    from crisisnav.models import CONTACT_TYPES

    if contact is not None and contact not in CONTACT_TYPES:
        raise errors.UsageError(
            _("--contact: {value} is not one of {choices}").format(
                value=repr(contact), choices=", ".join(CONTACT_TYPES)
            )
        )


def data_path(option: Path | None) -> Path | None:
    """--data wins, then CRISISNAV_DATA, then None (the packaged dataset)."""
    if option is not None:
        return option
    env = os.environ.get("CRISISNAV_DATA")
    return Path(env) if env else None


def load_dataset(options: Options, place: Place | None = None) -> Dataset:
    """The dataset, with the --for and --language words checked against it (usage error when
    unknown; --language names such as "spanish" become the dataset's code). place: the one
    place a lookup will rank; then only the entries that can serve it need loading (unless
    --for or --language words must be checked against every entry)."""
    from crisisnav import dataset

    states = None
    if place is not None and not options.audiences and not options.language:
        states = frozenset({place.state})
    ds = dataset.load(data_path(options.data), states=states)
    if options.audiences:
        check_audiences(options.audiences, ds)
    if options.language:
        from crisisnav.audience import check_language

        options.language = check_language(options.language, ds)
    return ds


def rank_one(ds: Dataset, resolution: Resolution, options: Options) -> LookupResult:
    from crisisnav import rank

    return rank.lookup(
        ds,
        resolution,
        at=options.at,
        audiences=options.audiences,
        contact=options.contact,
        language=options.language,
        no_911=options.no_911,
        open_now_only=options.open_now,
        limit=options.limit,
    )


def exit_code_for(result: LookupResult) -> int:
    status = result.resolution.status
    if status == "ok":
        return errors.EXIT_OK
    if status == "ambiguous":
        return errors.EXIT_AMBIGUOUS
    return errors.EXIT_NOT_FOUND


def closest_places(query: str, limit: int = 5) -> tuple[Place, ...]:
    """Gazetteer names that start like the query's place name (same state when one is given),
    offered after a not_found. () when there is nothing close or the index is unavailable."""
    name, _, rest = query.partition(",")
    name = " ".join(name.split())
    state = rest.strip().upper()
    from crisisnav.normalize import normalize, parse

    parsed = parse(normalize(query))
    if parsed.state:  # "Eugene WA" too: the state typed holds (issue 11)
        name, state = parsed.name, parsed.state
    if len(name) < 3 or not name[:3].isalpha():
        return ()
    try:
        from difflib import SequenceMatcher

        from crisisnav import gazetteer

        g = gazetteer.load()
        scored: list[tuple[float, str, str]] = []
        for label in g.complete(name[:3], 500):
            lname, _, lstate = label.rpartition(", ")
            if not lname or (len(state) == 2 and lstate != state):
                continue
            ratio = SequenceMatcher(None, name.casefold(), lname.casefold()).ratio()
            if ratio >= 0.5:
                scored.append((ratio, lname, lstate))
        scored.sort(key=lambda x: -x[0])
        out: list[Place] = []
        for ratio, lname, lstate in scored:
            p = g.city_place(lstate, lname) or g.county_place(lstate, lname)
            if p is not None and all(p.label() != q.label() for q in out):
                out.append(replace(p, score=round(ratio * 100, 1)))
            if len(out) >= limit:
                break
        return tuple(out)
    except Exception:  # noqa: BLE001 - a suggestion must never break the answer itself
        return ()


def with_suggestions(resolution: Resolution) -> Resolution:
    """A not_found resolution with no candidates gets the closest names as candidates."""
    if resolution.status != "not_found" or resolution.candidates:
        return resolution
    if resolution.message and "outside the US" in resolution.message:
        return resolution
    near = closest_places(resolution.query)
    return replace(resolution, candidates=near) if near else resolution


def picked(resolution: Resolution, place: Place) -> Resolution:
    return replace(resolution, status="ok", place=place, candidates=(), message=None)


def batch_resolutions(lines: Iterable[BatchLine]) -> Iterator[Resolution]:
    """One Resolution per query line (fileio.batch_queries: the batch policy), in order; bad
    lines become not_found results."""
    from crisisnav.models import Resolution
    from crisisnav.resolve import resolve_many  # type: ignore[import-not-found,unused-ignore]

    pending: list[tuple[int, str]] = []
    slots: list[Resolution | None] = []

    def flush() -> Iterator[Resolution]:
        done = resolve_many([q for _slot, q in pending]) if pending else []
        for (slot, _query), got in zip(pending, done, strict=True):
            slots[slot] = got
        for item in slots:
            assert item is not None
            yield item
        pending.clear()
        slots.clear()

    for line in lines:
        text = line.text
        if line.problem == "not-utf8":
            slots.append(
                Resolution(
                    query=text[:MAX_QUERY],
                    status="not_found",
                    message="this line is not valid UTF-8 text",
                )
            )
        elif line.problem is not None or len(text) > MAX_QUERY:
            slots.append(
                Resolution(
                    query=text[:MAX_QUERY],
                    status="not_found",
                    message=f"this line is not a place name (over {MAX_QUERY} characters or binary)",
                )
            )
        else:
            pending.append((len(slots), text))
            slots.append(None)
        if len(slots) >= BATCH_CHUNK:
            yield from flush()
    yield from flush()
