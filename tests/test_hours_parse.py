"""Hours grammar, open-now evaluation in the resource's time zone, and the human text."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crisisnav.hours import evaluate, hours_text, is_open, parse_hours, zone_abbr

LA = "America/Los_Angeles"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    "rules",
    [
        ["24/7"],
        ["mon-fri 08:00-17:00"],
        ["daily 14:00-23:00"],
        ["sat,sun 10:00-18:00"],
        ["fri 22:00-02:00"],
        ["mon-fri 10:00-18:00", "sat,sun 12:00-16:00"],
        ["fri-mon 09:00-12:00"],
        ["mon,wed-fri 00:00-24:00"],
    ],
)
def test_valid_rules_parse(rules: list[str]) -> None:
    s = parse_hours(rules)
    assert s.rules == tuple(rules)
    assert s.always == (rules == ["24/7"])


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        ([], "empty"),
        ("24/7", "list"),
        (["Mon-Fri 08:00-17:00"], "lowercase"),
        (["mon-fri 8:00-17:00"], "cannot read"),
        (["mon-fri  08:00-17:00"], "extra spaces"),
        (["24/7", "mon 10:00-12:00"], "only hours rule"),
        (["mon 10:00-10:00"], "same time"),
        (["xyz 10:00-11:00"], 'unknown day "xyz"'),
        (["mon 24:30-25:00"], 'bad time "24:30"'),
        (["mon 24:00-02:00"], 'bad time "24:00"'),
        (["mon 10:60-11:00"], 'bad time "10:60"'),
        (["mon-fri-sat 10:00-11:00"], "bad day list"),
        (["mon, tue 10:00-11:00"], "cannot read"),
        (["weekdays 10:00-11:00"], 'unknown day "weekdays"'),
        ([830], "not text"),
        (["open daily"], "cannot read"),
    ],
)
def test_invalid_rules_raise_with_message(rules: object, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_hours(rules)  # type: ignore[arg-type]
    assert fragment in str(info.value)


def test_weekday_rule_open_and_closed() -> None:
    s = parse_hours(["mon-fri 08:00-17:00"])
    assert is_open(s, LA, at("2026-11-30 08:00")) is True  # Monday, opening minute
    assert is_open(s, LA, at("2026-11-30 16:59")) is True
    assert is_open(s, LA, at("2026-11-30 17:00")) is False  # end is exclusive
    assert is_open(s, LA, at("2026-11-28 12:00")) is False  # Saturday


def test_overnight_span_belongs_to_the_evening_it_starts() -> None:
    s = parse_hours(["fri 22:00-02:00"])
    assert is_open(s, LA, at("2026-11-27 23:00")) is True  # Friday night
    assert is_open(s, LA, at("2026-11-28 01:30")) is True  # early Saturday
    assert is_open(s, LA, at("2026-11-28 02:00")) is False
    assert is_open(s, LA, at("2026-11-27 01:30")) is False  # early Friday: Thursday has no span
    assert hours_text(s, LA, at("2026-11-28 01:30")) == "Open now until 02:00 PT"


def test_sunday_overnight_wraps_into_monday() -> None:
    s = parse_hours(["sun 22:00-02:00"])
    assert is_open(s, LA, at("2026-11-30 01:00")) is True  # Monday 01:00
    assert is_open(s, LA, at("2026-11-29 23:00")) is True  # Sunday 23:00
    assert hours_text(s, LA, at("2026-11-29 23:00")) == "Open now until 02:00 PT"


def test_aware_time_is_converted_to_the_resource_zone() -> None:
    s = parse_hours(["daily 14:00-23:00"])
    # 2026-12-01 03:00 UTC is 2026-11-30 19:00 in Los Angeles: open.
    assert is_open(s, LA, datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)) is True
    # ...and 22:00 in New York, also open there; 06:00 UTC is 01:00 in New York: closed.
    assert is_open(s, "America/New_York", datetime(2026, 12, 1, 6, 0, tzinfo=timezone.utc)) is False


def test_dst_gap_and_fold_do_not_crash() -> None:
    s = parse_hours(["sun 01:00-04:00"])
    assert is_open(s, LA, at("2026-03-08 02:30")) is True  # a wall time that does not exist
    assert is_open(s, LA, at("2026-11-01 01:30")) is True  # a wall time that happens twice


def test_unknown_or_missing_zone_gives_none() -> None:
    s = parse_hours(["mon-fri 08:00-17:00"])
    assert is_open(s, None, at("2026-11-30 10:00")) is None
    assert is_open(s, "Mars/Olympus_Mons", at("2026-11-30 10:00")) is None
    assert "time zone unknown" in hours_text(s, None, at("2026-11-30 10:00"))
    # 24/7 needs no zone.
    assert is_open(parse_hours(["24/7"]), None, at("2026-11-30 10:00")) is True


@pytest.mark.parametrize(
    ("rules", "when", "text"),
    [
        (["24/7"], "2026-11-30 03:00", "Open 24/7"),
        (["daily 14:00-23:00"], "2026-11-30 15:00", "Open now until 23:00 PT"),
        (["daily 14:00-23:00"], "2026-11-30 10:00", "Closed — opens 14:00 PT"),
        (["daily 14:00-23:00"], "2026-11-30 23:30", "Closed — opens tomorrow 14:00 PT"),
        (["mon-fri 08:00-17:00"], "2026-11-28 09:00", "Closed — opens Mon 08:00 PT"),
        (["mon-fri 08:00-17:00"], "2026-11-27 18:00", "Closed — opens Mon 08:00 PT"),
        (["mon-fri 00:00-24:00"], "2026-11-30 09:00", "Open now until Sat 00:00 PT"),
        (["daily 00:00-24:00"], "2026-11-30 09:00", "Open 24/7"),
    ],
)
def test_human_text(rules: list[str], when: str, text: str) -> None:
    assert hours_text(parse_hours(rules), LA, at(when)) == text


def test_zone_abbreviations() -> None:
    assert zone_abbr("America/Los_Angeles") == "PT"
    assert zone_abbr("America/Denver") == "MT"
    assert zone_abbr("America/Phoenix") == "MT"
    assert zone_abbr("America/Chicago") == "CT"
    assert zone_abbr("America/New_York") == "ET"
    assert zone_abbr("America/Indiana/Indianapolis") == "ET"
    assert zone_abbr("America/Anchorage") == "AKT"
    assert zone_abbr("Pacific/Honolulu") == "HT"


def test_evaluate_never_raises_on_bad_data() -> None:
    assert evaluate(["whenever"], LA, at("2026-11-30 10:00")) == (None, "Hours: whenever")
    assert evaluate(["24/7"], None, at("2026-11-30 10:00")) == (True, "Open 24/7")


_day = st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
_hm = st.tuples(st.integers(0, 23), st.integers(0, 59))


@settings(max_examples=150, deadline=None)
@given(day=_day, start=_hm, end=_hm, minute=st.integers(0, 7 * 24 * 60 - 1))
def test_single_rule_matches_a_brute_force_reading(
    day: str, start: tuple[int, int], end: tuple[int, int], minute: int
) -> None:
    s_min = start[0] * 60 + start[1]
    e_min = end[0] * 60 + end[1]
    rule = f"{day} {start[0]:02d}:{start[1]:02d}-{end[0]:02d}:{end[1]:02d}"
    if s_min == e_min:
        with pytest.raises(ValueError):
            parse_hours([rule])
        return
    sched = parse_hours([rule])
    when = datetime(2026, 11, 30) + timedelta(minutes=minute)  # Monday
    d = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index(day)
    length = e_min - s_min if e_min > s_min else e_min + 1440 - s_min
    start_abs = d * 1440 + s_min
    expected = any(start_abs + k <= minute < start_abs + k + length for k in (0, -7 * 1440))
    # A naive time in a fixed-offset zone with no DST keeps wall clock == minute of week.
    assert is_open(sched, "Etc/GMT+5", when) is expected
    text = hours_text(sched, "Etc/GMT+5", when)
    assert text.startswith("Open now until" if expected else "Closed — opens")


@pytest.mark.parametrize("tz", [LA, "America/New_York", "America/Phoenix", "Pacific/Honolulu",
                                "America/Anchorage", "America/Indiana/Indianapolis"])  # fmt: skip
@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 12, 1, 3, 0),
        datetime(2026, 3, 8, 2, 30),  # a wall time that does not exist in most US zones
        datetime(2026, 7, 4, 23, 59),
        datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc),
        datetime(2026, 3, 8, 10, 30, tzinfo=timezone.utc),
    ],
)
def test_system_tz_path_agrees_with_zoneinfo(
    tz: str, when: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crisisnav import hours

    fast = hours.in_zone(tz, when)
    fast_abbr = hours.zone_abbr(tz, when)
    monkeypatch.setattr(hours, "_system_zone", lambda name: False)
    slow = hours.in_zone(tz, when)
    assert fast is not None and slow is not None
    assert fast_abbr == hours.zone_abbr(tz, when)
    if when.tzinfo is not None or when != datetime(2026, 3, 8, 2, 30):
        assert fast.timestamp() == slow.timestamp() and fast.utcoffset() == slow.utcoffset()
        assert (fast.weekday(), fast.hour, fast.minute) == (slow.weekday(), slow.hour, slow.minute)


def test_tz_environment_is_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from crisisnav import hours

    monkeypatch.setenv("TZ", "Europe/Berlin")
    hours.in_zone(LA, datetime(2026, 12, 1, 3, 0))
    hours.zone_abbr("America/Chicago")
    assert os.environ["TZ"] == "Europe/Berlin"
    monkeypatch.delenv("TZ")
    hours.in_zone(LA, datetime(2026, 12, 1, 3, 0))
    assert "TZ" not in os.environ


def test_hostile_zone_names_are_unknown() -> None:
    s = parse_hours(["mon-fri 08:00-17:00"])
    for bad in ("../../etc/passwd", "/etc/localtime", "America/Nowhere", "", "UTC; rm -rf"):
        assert is_open(s, bad, at("2026-11-30 10:00")) is None


def test_split_rule_is_the_grammar_parse_hours_reads() -> None:
    """The printed sheet reads rules through split_rule: the shapes it splits are parse_hours'."""
    from crisisnav.hours import split_rule

    assert split_rule("mon-fri 08:00-17:00") == ("mon-fri", "08:00", "17:00")
    assert split_rule("sat,sun 22:00-02:00") == ("sat,sun", "22:00", "02:00")
    assert split_rule("24/7") is None
    assert split_rule("daily 8:00-17:00") is None
    assert split_rule("Mon-Fri 08:00-17:00") is None  # parse_hours refuses it too (lowercase)
    with pytest.raises(ValueError):
        parse_hours(["Mon-Fri 08:00-17:00"])
