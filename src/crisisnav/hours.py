"""Opening hours (DESIGN.md, "The dataset": `hours`) and "open now" in the resource's time zone.

Grammar of one rule (the `hours` list holds one or more rules; a time is open when ANY rule
says so):

    rule   := "24/7" | days " " HH:MM "-" HH:MM
    days   := "daily" | span ("," span)*
    span   := day | day "-" day            (ranges may wrap: "fri-mon")
    day    := mon | tue | wed | thu | fri | sat | sun

- Times are 24-hour "HH:MM"; "24:00" is allowed as an end time.
- An end earlier than the start runs past midnight: "fri 22:00-02:00" is Friday 22:00 to
  Saturday 02:00 (the day names the evening the span starts on).
- An end equal to the start is an error (write "24/7" or "00:00-24:00").
- "24/7" must stand alone. Words are lowercase, as in the dataset examples.

Pure apart from the standard library's zoneinfo (imported lazily).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEK = 7 * 24 * 60
_RULE_RE = re.compile(r"^(?P<days>[a-z,\-]+) (?P<start>\d\d:\d\d)-(?P<end>\d\d:\d\d)$")

# Short names shown after times, by standard (non-DST) UTC offset in hours.
_ZONE_ABBR_BY_STD_OFFSET = {-4: "AT", -5: "ET", -6: "CT", -7: "MT", -8: "PT", -9: "AKT", -10: "HT"}


class Schedule:
    """Parsed hours: `always` for 24/7, else weekly intervals in minutes from Monday 00:00.

    Intervals are merged and sorted; an overnight span that runs past Sunday midnight is
    split so every interval lies within [0, one week). Immutable by convention. (A plain
    class, not a dataclass: building dataclasses at import time costs start-up time.)"""

    __slots__ = ("always", "intervals", "rules")

    def __init__(
        self,
        always: bool,
        intervals: tuple[tuple[int, int], ...] = (),
        rules: tuple[str, ...] = (),
    ) -> None:
        self.always = always
        self.intervals = intervals
        self.rules = rules

    def _key(self) -> tuple[bool, tuple[tuple[int, int], ...], tuple[str, ...]]:
        return (self.always, self.intervals, self.rules)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schedule) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Schedule(always={self.always!r}, intervals={self.intervals!r}, rules={self.rules!r})"
        )


def _parse_time(text: str, rule: str, *, end: bool) -> int:
    hh, mm = int(text[:2]), int(text[3:])
    if mm > 59 or hh > 24 or (hh == 24 and (mm != 0 or not end)):
        raise ValueError(
            f'bad time "{text}" in hours rule "{rule}": use 24-hour HH:MM from 00:00 to 23:59'
            + (" (24:00 is allowed as an end time)" if end else "")
        )
    return hh * 60 + mm


def _parse_days(text: str, rule: str) -> list[int]:
    if text == "daily":
        return list(range(7))
    out: list[int] = []
    for span in text.split(","):
        parts = span.split("-")
        if len(parts) > 2 or not all(parts):
            raise ValueError(
                f'bad day list "{text}" in hours rule "{rule}": write days like "mon-fri", '
                '"sat,sun" or "daily"'
            )
        for p in parts:
            if p not in DAYS:
                raise ValueError(
                    f'unknown day "{p}" in hours rule "{rule}": use {", ".join(DAYS)} or "daily"'
                )
        first = DAYS.index(parts[0])
        last = DAYS.index(parts[-1])
        d = first
        while True:
            if d not in out:
                out.append(d)
            if d == last:
                break
            d = (d + 1) % 7
    return out


def split_rule(rule: str) -> tuple[str, str, str] | None:
    """One rule of the grammar above as its (days, start, end) text, e.g. ("mon-fri", "08:00",
    "17:00"); None for "24/7" or anything that is not such a rule. No checking beyond the shape:
    parse_hours says what is wrong with a rule."""
    m = _RULE_RE.match(rule)
    return None if m is None else (m.group("days"), m.group("start"), m.group("end"))


def parse_hours(rules: Sequence[str]) -> Schedule:
    """Parse the `hours` list of an entry. Raises ValueError with a message saying how to fix it."""
    if isinstance(rules, str):
        raise ValueError('hours must be a list of rules, e.g. ["24/7"] or ["mon-fri 08:00-17:00"]')
    rules = tuple(rules)
    if not rules:
        raise ValueError('hours is empty: give "24/7" or rules like "mon-fri 08:00-17:00"')
    for rule in rules:
        if not isinstance(rule, str):
            raise ValueError(
                f'hours rule {rule!r} is not text: quote it, e.g. "mon-fri 08:00-17:00"'
            )
    if "24/7" in rules:
        if len(rules) > 1:
            raise ValueError('"24/7" must be the only hours rule: remove the other rules')
        return Schedule(always=True, rules=rules)
    raw: list[tuple[int, int]] = []
    for rule in rules:
        m = _RULE_RE.match(rule)
        if m is None:
            hint = ""
            if rule != rule.lower():
                hint = " (write it in lowercase)"
            elif rule.strip() != rule or "  " in rule:
                hint = " (remove extra spaces)"
            raise ValueError(
                f'cannot read hours rule "{rule}"{hint}: expected "24/7" or DAYS HH:MM-HH:MM, '
                'e.g. "mon-fri 08:00-17:00", "daily 14:00-23:00", "fri 22:00-02:00"'
            )
        days = _parse_days(m.group("days"), rule)
        start = _parse_time(m.group("start"), rule, end=False)
        end = _parse_time(m.group("end"), rule, end=True)
        if end == start:
            raise ValueError(
                f'hours rule "{rule}" opens and closes at the same time: '
                'for round-the-clock write "24/7" or "00:00-24:00"'
            )
        length = end - start if end > start else end + 24 * 60 - start
        for d in days:
            s = d * 24 * 60 + start
            raw.append((s, s + length))
    intervals = _merge(raw)
    if intervals == ((0, _WEEK),):
        return Schedule(always=True, intervals=intervals, rules=rules)
    return Schedule(always=False, intervals=intervals, rules=rules)


def _merge(raw: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    pieces: list[tuple[int, int]] = []
    for s, e in raw:
        if e <= _WEEK:
            pieces.append((s, e))
        else:  # runs past Sunday midnight into Monday
            pieces.append((s, _WEEK))
            pieces.append((0, e - _WEEK))
    pieces.sort()
    merged: list[list[int]] = []
    for s, e in pieces:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return tuple((s, e) for s, e in merged)


def zone(tz: str | None) -> tzinfo | None:
    """The IANA zone as a zoneinfo object, or None when missing or unknown."""
    if not tz:
        return None
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(tz)
    except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        return None


# Start-up matters (DESIGN.md, Targets): importing zoneinfo costs more than the whole ranking,
# so on POSIX systems with a system time-zone database the C library does the conversion
# (TZ + time.tzset, restored afterwards). Elsewhere, or for a zone the system lacks, zoneinfo.
_TZDIRS = ("/usr/share/zoneinfo", "/usr/lib/zoneinfo", "/usr/share/lib/zoneinfo", "/etc/zoneinfo")
_SYSTEM_ZONES: dict[str, bool] = {}


def _system_zone(tz: str) -> bool:
    known = _SYSTEM_ZONES.get(tz)
    if known is None:
        known = (
            hasattr(time, "tzset")
            and not tz.startswith(("/", "."))
            and ".." not in tz
            and all(ch.isalnum() or ch in "/_-+" for ch in tz)
            and any(os.path.isfile(os.path.join(d, tz)) for d in _TZDIRS)
        )
        _SYSTEM_ZONES[tz] = known
    return known


@contextmanager
def _tz_env(tz: str) -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = tz
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def in_zone(tz: str | None, at: datetime) -> datetime | None:
    """`at` as an aware datetime carrying zone tz's UTC offset at that instant; a naive `at` is
    wall-clock time in tz. None when tz is missing or unknown."""
    if not tz:
        return None
    if _system_zone(tz):
        key = (tz, at)
        hit = _IN_ZONE_CACHE.get(key)
        if hit is None:
            if len(_IN_ZONE_CACHE) > 4096:
                _IN_ZONE_CACHE.clear()
            hit = _IN_ZONE_CACHE[key] = _system_in_zone(tz, at)
        return hit
    z = zone(tz)
    if z is None:
        return None
    return at.replace(tzinfo=z) if at.tzinfo is None else at.astimezone(z)


_IN_ZONE_CACHE: dict[tuple[str, datetime], datetime] = {}
_ABBR_CACHE: dict[str, tuple[float, str]] = {}


def _system_in_zone(tz: str, at: datetime) -> datetime:
    with _tz_env(tz):
        if at.tzinfo is None:
            ts = time.mktime((at.year, at.month, at.day, at.hour, at.minute, at.second, 0, 0, -1))
            ts += at.microsecond / 1e6
        else:
            ts = at.timestamp()
        offset = time.localtime(ts).tm_gmtoff
    return datetime.fromtimestamp(ts, timezone(timedelta(seconds=offset)))


def _local(tz: str | None, at: datetime) -> datetime | None:
    return in_zone(tz, at)


def _minute_of_week(local: datetime) -> int:
    return local.weekday() * 24 * 60 + local.hour * 60 + local.minute


def is_open(schedule: Schedule, tz: str | None, at: datetime) -> bool | None:
    """True/False when it can be told; None when the time zone is missing or unknown.

    A naive `at` is read as wall-clock time in `tz`."""
    if schedule.always:
        return True
    local = _local(tz, at)
    if local is None:
        return None
    t = _minute_of_week(local)
    return any(s <= t < e for s, e in schedule.intervals)


def zone_abbr(tz: str | None, at: datetime | None = None) -> str:
    """Short US zone names (PT, MT, CT, ET, AKT, HT, AT); else the zone's own abbreviation."""
    if not tz:
        return ""
    if _system_zone(tz):
        cached = _ABBR_CACHE.get(tz)
        if cached is None:
            with _tz_env(tz):
                cached = _ABBR_CACHE[tz] = (-time.timezone / 3600, time.tzname[0])
        std_hours, name = cached
    else:
        z = zone(tz)
        if z is None:
            return tz
        when = at or datetime(2026, 1, 15, 12, 0)
        local = when.replace(tzinfo=z) if when.tzinfo is None else when.astimezone(z)
        offset = local.utcoffset() or timedelta(0)
        dst = local.dst() or timedelta(0)
        std_hours = (offset - dst).total_seconds() / 3600
        name = local.tzname() or tz
    if std_hours.is_integer() and int(std_hours) in _ZONE_ABBR_BY_STD_OFFSET:
        return _ZONE_ABBR_BY_STD_OFFSET[int(std_hours)]
    return name


def _clock(minute_of_week: int) -> str:
    m = minute_of_week % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def _day_ahead(target: int, now: int) -> str | None:
    """None when target is later the same day, "tomorrow" for the next day, else "mon".."sun"."""
    now_day = now // (24 * 60)
    target_abs = target if target >= now else target + _WEEK
    days_ahead = target_abs // (24 * 60) - now_day
    if days_ahead == 0:
        return None
    if days_ahead == 1:
        return "tomorrow"
    return DAYS[(target // (24 * 60)) % 7]


HoursState = tuple[str, dict[str, Any]]


def hours_state(
    schedule: Schedule,
    tz: str | None,
    at: datetime,
    *,
    team: bool = False,
    local_tz: str | None = None,
) -> HoursState:
    """What the hours mean at `at`, as data (render.words.hours_words puts it into words):
    ("always", {}), ("unknown-zone", {rules}), ("open-until", {day, clock, abbr, other_zone,
    team}) or ("closed-opens", {day, clock, abbr, other_zone, team}). day: None (today),
    "tomorrow" or "mon".."sun"; clock "HH:MM"; other_zone: the entry keeps another zone's
    hours than the place's (local_tz). team: a team that comes to you (its line may answer
    around the clock while the team is out only some hours)."""
    if schedule.always:
        return "always", {}
    local = _local(tz, at)
    if local is None:
        return "unknown-zone", {"rules": tuple(schedule.rules)}
    abbr = zone_abbr(tz, local)
    other = bool(local_tz and tz and local_tz != tz and zone_abbr(local_tz, at) != abbr)
    base = {"abbr": abbr, "other_zone": other, "team": team}
    t = _minute_of_week(local)
    for s, e in schedule.intervals:
        if s <= t < e:
            end = e
            # An interval ending at Sunday midnight may continue with one starting Monday 00:00.
            if end == _WEEK and schedule.intervals[0][0] == 0:
                end = _WEEK + schedule.intervals[0][1]
            day = DAYS[(end // (24 * 60)) % 7] if end - t > 24 * 60 else None
            return "open-until", {**base, "day": day, "clock": _clock(end)}
    starts = [s for s, _ in schedule.intervals]
    later = [s for s in starts if s > t]
    nxt = min(later) if later else min(starts)
    return "closed-opens", {**base, "day": _day_ahead(nxt, t), "clock": _clock(nxt)}


def hours_text(
    schedule: Schedule,
    tz: str | None,
    at: datetime,
    *,
    team: bool = False,
    local_tz: str | None = None,
) -> str:
    """One line for people: "Open 24/7", "Open now until 23:00 PT", "Closed — opens 14:00 PT"
    (hours_state put into words by render.words.hours_words)."""
    from crisisnav.render.words import hours_words

    return hours_words(*hours_state(schedule, tz, at, team=team, local_tz=local_tz))


def evaluate_state(
    rules: Sequence[str],
    tz: str | None,
    at: datetime,
    *,
    team: bool = False,
    local_tz: str | None = None,
) -> tuple[bool | None, HoursState]:
    """(open_now, hours_state) for an entry's raw hours; unreadable hours give
    (None, ("unparsed", {rules}))."""
    try:
        schedule = parse_hours(rules)
    except ValueError:
        return None, ("unparsed", {"rules": tuple(str(r) for r in rules)})
    state = hours_state(schedule, tz, at, team=team, local_tz=local_tz)
    return is_open(schedule, tz, at), state


def evaluate(
    rules: Sequence[str],
    tz: str | None,
    at: datetime,
    *,
    team: bool = False,
    local_tz: str | None = None,
) -> tuple[bool | None, str]:
    """(open_now, text) for an entry's raw hours; unreadable hours give (None, the raw rules)."""
    from crisisnav.render.words import hours_words

    open_now, state = evaluate_state(rules, tz, at, team=team, local_tz=local_tz)
    return open_now, hours_words(*state)
