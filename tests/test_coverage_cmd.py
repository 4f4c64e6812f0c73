"""`crisisnav coverage` and `crisisnav stale` on the fixture dataset, with a fake gazetteer
for the city list so the counts do not depend on the places engineer's size prior."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crisisnav import errors
from crisisnav.cli import app
from crisisnav.commands import coverage
from crisisnav.models import Dataset, Place, Resource
from crisisnav.normalize import STATES
from fixture_data import EUGENE, FIXTURE, fixture_dataset

PORTLAND = Place(kind="city", name="Portland", state="OR", city="Portland", county="Multnomah County", counties=("Multnomah County", "Washington County"))  # fmt: skip
SPRINGFIELD_IL = Place(kind="city", name="Springfield", state="IL", city="Springfield", county="Sangamon County", counties=("Sangamon County",))  # fmt: skip


class FakeGazetteer:
    def state_name(self, code: str) -> str | None:
        return {"OR": "Oregon", "IL": "Illinois"}.get(code, f"State {code}")

    def top_cities(self, n: int) -> list[Place]:
        return [PORTLAND, EUGENE, SPRINGFIELD_IL][:n]

    def populated_places(self) -> list[Place]:
        return []


def fixture_resources() -> tuple[Resource, ...]:
    return fixture_dataset().resources


@pytest.fixture()
def fake_gaz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coverage, "_gazetteer", FakeGazetteer)


def report(gaps: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    g = FakeGazetteer()
    return coverage.coverage_report(
        fixture_resources(),
        state_name=lambda c: g.state_name(c) or c,
        cities=g.top_cities(100),
        gaps=gaps or [],
    )


def test_every_state_and_dc_has_a_row() -> None:
    states = report()["states"]
    assert len(states) == 51
    assert {s["state"] for s in states} == set(STATES)
    assert "DC" in {s["state"] for s in states}


def test_oregon_counts_only_entries_that_are_still_options() -> None:
    oregon = next(s for s in report()["states"] if s["state"] == "OR")
    assert oregon["name"] == "Oregon"
    # The warmline is the only state-scope entry in the fixture.
    assert oregon["state_line_ids"] == ["fixture-oregon-warmline"]
    # The Lane mobile team counts; the ended Eugene responder, the co-responder team and
    # the police CIT do not.
    assert oregon["local_responder_ids"] == ["fixture-lane-mobile-team"]
    assert (oregon["state_lines"], oregon["local_responders"]) == (1, 1)


def test_states_without_entries_are_zero_and_flagged_in_text() -> None:
    rep = report()
    texas = next(s for s in rep["states"] if s["state"] == "TX")
    assert (texas["state_lines"], texas["local_responders"]) == (0, 0)
    assert rep["summary"]["states_with_state_line"] == 1
    line = next(ln for ln in coverage.coverage_text(rep).splitlines() if ln.startswith("TX "))
    assert "no state-level line" in line


def test_cities_matched_through_their_counties() -> None:
    cities = {c["city"]: c for c in report()["cities"]}
    eugene = cities["Eugene"]
    assert eugene["has_local_option"] is True
    assert eugene["local_option_ids"] == ["fixture-lane-mobile-team", "fixture-eugene-walk-in"]
    assert eugene["local_responder_ids"] == ["fixture-lane-mobile-team"]
    assert cities["Portland"]["has_local_option"] is False
    assert cities["Springfield"]["has_local_option"] is False
    assert [c["rank"] for c in report()["cities"]] == [1, 2, 3]


def test_largest_cities_leave_out_territories() -> None:
    san_juan = Place(kind="city", name="San Juan", state="PR", city="San Juan")
    got = coverage.largest_cities([EUGENE, san_juan, PORTLAND, SPRINGFIELD_IL], n=2)
    assert got == [EUGENE, PORTLAND]


def test_gaps_are_reported_per_state() -> None:
    rep = report([{"state": "tx", "searched": "state health dept site", "note": "no line found"}])
    texas = next(s for s in rep["states"] if s["state"] == "TX")
    assert texas["gap"] == {"searched": "state health dept site", "note": "no line found"}
    assert rep["summary"]["states_listed_as_gaps"] == ["TX"]
    assert "coverage gap: no line found" in coverage.coverage_text(rep)


def test_load_gaps_reads_the_file_beside_the_dataset(tmp_path: Path) -> None:
    data = tmp_path / "resources.yaml"
    assert coverage.load_gaps(str(data)) == []
    (tmp_path / "coverage-gaps.yaml").write_text(
        "- {state: WY, searched: 'wyoming.gov', note: 'nothing verifiable'}\n", encoding="utf-8"
    )
    assert coverage.load_gaps(str(data)) == [
        {"state": "WY", "searched": "wyoming.gov", "note": "nothing verifiable"}
    ]
    (tmp_path / "coverage-gaps.yaml").write_text("just a string\n", encoding="utf-8")
    with pytest.raises(errors.DataError):
        coverage.load_gaps(str(data))


def test_cli_coverage_json(fake_gaz: None) -> None:
    res = CliRunner().invoke(app, ["coverage", "--format", "json", "--data", str(FIXTURE)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["schema_version"] == 1
    assert len(out["states"]) == 51
    assert out["summary"]["cities_with_local_option"] == 1


def test_cli_coverage_text_with_gaps_file(fake_gaz: None, tmp_path: Path) -> None:
    data = tmp_path / "resources.yaml"
    shutil.copy(FIXTURE, data)
    (tmp_path / "coverage-gaps.yaml").write_text(
        "- state: WY\n  searched: wyoming.gov\n  note: nothing verifiable\n", encoding="utf-8"
    )
    res = CliRunner().invoke(app, ["coverage", "--data", str(data)])
    assert res.exit_code == 0, res.output
    assert "States with a state-level line: 1 of 51" in res.stdout
    wy = next(ln for ln in res.stdout.splitlines() if ln.startswith("WY "))
    assert "coverage gap: nothing verifiable" in wy
    assert "Portland, OR" in res.stdout  # listed among the cities without a local option


# ----------------------------------------------------------------------------- stale


def test_stale_default_is_twelve_months_oldest_first() -> None:
    res = fixture_resources()
    rep = coverage.stale_report(res, today=date(2027, 11, 1), days=None)
    expected = sorted(
        (r for r in res if r.verified < date(2026, 11, 1)), key=lambda r: (r.verified, r.id)
    )
    assert [e["id"] for e in rep["entries"]] == [r.id for r in expected]
    assert (
        rep["entries"][0]["id"] == "fixture-national-directory"
    )  # verified 2026-07-01, the oldest
    verified = [e["verified"] for e in rep["entries"]]
    assert verified == sorted(verified)
    assert rep["count"] == len(expected) > 0


def test_stale_days_option_and_nothing_due() -> None:
    res = fixture_resources()
    rep = coverage.stale_report(res, today=date(2026, 11, 26), days=30)
    assert {e["id"] for e in rep["entries"]} == {
        r.id for r in res if (date(2026, 11, 26) - r.verified).days > 30
    }
    assert all(e["age_days"] > 30 for e in rep["entries"])
    none_due = coverage.stale_report(res, today=date(2026, 11, 26), days=None)
    assert none_due["entries"] == []
    assert "No entry" in coverage.stale_text(none_due)


def test_cli_stale_json_and_text() -> None:
    runner = CliRunner()
    res = runner.invoke(
        app, ["stale", "--as-of", "2027-11-01", "-f", "json", "--data", str(FIXTURE)]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["as_of"] == "2027-11-01" and out["count"] == len(out["entries"]) > 0
    text = runner.invoke(
        app, ["stale", "--as-of", "2027-11-01", "--days", "400", "--data", str(FIXTURE)]
    )
    assert text.exit_code == 0
    assert "more than 400 days" in text.stdout
    assert "fixture-national-directory" in text.stdout


def test_cli_stale_bad_date_is_a_usage_error() -> None:
    res = CliRunner().invoke(app, ["stale", "--as-of", "yesterday", "--data", str(FIXTURE)])
    assert res.exit_code == 2
    assert "--as-of" in res.stderr


def test_subprocess_stale() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "crisisnav", "stale", "--as-of", "2027-11-01", "--format", "json",
         "--data", str(FIXTURE)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["entries"][0]["id"] == "fixture-national-directory"


def test_dataset_type_is_what_the_commands_load() -> None:
    from crisisnav import dataset

    ds = dataset.load(FIXTURE)
    assert isinstance(ds, Dataset)
    assert {r.id for r in ds.resources} == {r.id for r in fixture_resources()}


def test_subprocess_coverage_json_with_the_real_gazetteer() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "crisisnav", "coverage", "--format", "json", "--data", str(FIXTURE)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    oregon = next(s for s in out["states"] if s["state"] == "OR")
    assert (oregon["name"], oregon["state_lines"], oregon["local_responders"]) == ("Oregon", 1, 1)
    assert len(out["cities"]) == 100
    assert all(c["state"] in STATES for c in out["cities"])


# ------------------------------------------------------------------ people (population-weighted)


def _place(name: str, state: str, counties: tuple[str, ...], population: int) -> Place:
    return Place(kind="city", name=name, state=state, city=name, county=counties[0] if counties else None,
                 counties=counties, population=population)  # fmt: skip


def test_people_are_weighted_by_population_and_split_by_size() -> None:
    places = [
        _place("Eugene", "OR", ("Lane County",), 170_000),  # fixture has Lane County entries
        _place("Portland", "OR", ("Multnomah County",), 650_000),  # no local entry in the fixture
        _place("Tinyville", "OR", ("Lane County",), 900),  # covered, but under 15,000
        _place("Springfield", "IL", ("Sangamon County",), 114_000),
    ]
    out = coverage.people_report(fixture_resources(), places)
    assert out["people_in_places"] == 170_000 + 650_000 + 114_000
    assert out["people_covered"] == 170_000
    assert out["share_covered"] == round(170_000 / 934_000, 4)
    assert out["people_in_all_places"] == 934_900 and out["people_covered_all_places"] == 170_900
    assert out["states"]["OR"]["share_covered"] == round(170_000 / 820_000, 4)
    assert out["states"]["TX"]["share_covered"] is None  # no people counted there
    missing = [
        (c["county"], c["people_in_places"]) for c in out["largest_counties_without_local_entry"]
    ]
    assert missing == [("Multnomah County", 650_000), ("Sangamon County", 114_000)]


def test_a_place_in_two_counties_splits_its_people_and_ended_entries_do_not_count() -> None:
    places = [_place("Portland", "OR", ("Multnomah County", "Washington County"), 600_000)]
    out = coverage.people_report(fixture_resources(), places)
    assert {c["county"]: c["people_in_places"] for c in out["largest_counties_without_local_entry"]} == {
        "Multnomah County": 300_000, "Washington County": 300_000}  # fmt: skip
    ended = [r for r in fixture_resources() if not r.is_option]
    assert ended, "the fixture needs an ended or suspended entry for this test"
    eugene = [_place("Eugene", "OR", ("Lane County",), 170_000)]
    assert coverage.people_report(ended, eugene)["people_covered"] == 0


def test_coverage_text_leads_with_the_people_figure(
    fake_gaz: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FakeGazetteer, "populated_places",
                        lambda self: [_place("Eugene", "OR", ("Lane County",), 170_000),
                                      _place("Portland", "OR", ("Multnomah County",), 650_000)])  # fmt: skip
    result = CliRunner().invoke(app, ["coverage", "--data", str(FIXTURE)])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("People in places of 15,000+ served by a city or county entry: 21%")
    assert "Multnomah County, OR  650,000" in result.stdout
    js = json.loads(
        CliRunner().invoke(app, ["coverage", "--format", "json", "--data", str(FIXTURE)]).stdout
    )
    assert js["people"]["people_covered"] == 170_000
    assert next(s for s in js["states"] if s["state"] == "OR")["people"]["share_covered"] == round(
        170 / 820, 4
    )
