"""Flat export (export --format json|csv): one row per entry, every field present, for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.export import flat
from crisisnav.models import Area, Contact, Resource

FIXTURE = Path(__file__).parent / "data" / "valid" / "small.yaml"


def entry() -> Resource:
    return Resource(
        id="x-line",
        name="X Line",
        kind="text-line",
        police="possible",
        police_note="May call 911.",
        dispatch="direct",
        serves=(Area(state="OR", county="Lane County"), Area(state="WA")),
        contacts=(
            Contact(type="phone", value="541-555-0199", label="Main"),
            Contact(type="text", value="741741", keyword="HOME"),
            Contact(type="web", value="https://example.org/x"),
        ),
        hours=("mon-fri 08:00-17:00", "sat 10:00-12:00"),
        timezone="America/Los_Angeles",
        audiences=("youth",),
        languages=("en", "es"),
        caveats=("Adults only.", "Call first."),
        status="limited",
        status_since=date(2025, 1, 1),
        verified=date(2026, 3, 4),
        sources=("https://example.org/a", "https://example.org/b"),
    )


def test_record_has_every_column_and_splits_contacts_by_type() -> None:
    rec = flat.record(entry())
    assert tuple(rec) == flat.COLUMNS
    assert rec["phone"] == ["541-555-0199"]
    assert rec["text"] == ["741741"]
    assert rec["web"] == ["https://example.org/x"]
    assert rec["contact_notes"] == ["541-555-0199: Main", "741741: text HOME"]
    assert rec["chat"] == [] and rec["tty"] == []
    assert rec["scope"] == "county"
    assert rec["serves"] == ["Lane County, OR", "WA"]
    assert rec["states"] == ["OR", "WA"]
    assert rec["status_since"] == "2025-01-01" and rec["verified"] == "2026-03-04"


def test_csv_row_joins_lists_and_blanks_missing_values() -> None:
    rec = flat.record(entry())
    row = dict(zip(flat.COLUMNS, flat.csv_row(rec), strict=True))
    assert row["hours"] == "mon-fri 08:00-17:00 | sat 10:00-12:00"
    assert row["caveats"] == "Adults only. | Call first."
    assert row["how_to_ask"] == ""
    assert row["tty"] == ""


def test_national_entries_are_listed_as_us() -> None:
    r = Resource(
        id="n", name="N", kind="crisis-line", police="possible", dispatch="direct",
        serves=(Area(national=True),), contacts=(Contact(type="phone", value="988"),),
        hours=("24/7",), status="active", verified=date(2026, 1, 1), sources=("https://e.org",),
    )  # fmt: skip
    rec = flat.record(r)
    assert (
        rec["states"] == ["US"]
        and rec["scope"] == "national"
        and rec["serves"] == ["United States"]
    )


def test_cli_json_and_csv_hold_the_same_entries() -> None:
    runner = CliRunner()
    js = runner.invoke(app, ["export", "-f", "json", "--data", str(FIXTURE)])
    assert js.exit_code == 0, js.output
    records = json.loads(js.stdout)
    cs = runner.invoke(app, ["export", "-f", "csv", "--data", str(FIXTURE)])
    assert cs.exit_code == 0, cs.output
    rows = list(csv.DictReader(io.StringIO(cs.stdout)))
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    assert len(rows) == 12
    by_id = {r["id"]: r for r in rows}
    lane = by_id["fixture-lane-mobile-team"]
    assert lane["phone"] == "541-555-0102 | 988"
    assert lane["contact_notes"] == "541-555-0102: Fixture County Crisis Line"
    assert by_id["fixture-lane-mobile-team"]["police"] == "possible"
    assert by_id["fixture-eugene-community-responder"]["status"] == "ended"
    assert list(rows[0]) == list(flat.COLUMNS)


def test_cli_csv_to_file(tmp_path: Path) -> None:
    target = tmp_path / "entries.csv"
    res = CliRunner().invoke(
        app, ["export", "-f", "csv", "-o", str(target), "--data", str(FIXTURE)]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout == ""
    assert target.read_text(encoding="utf-8").splitlines()[0] == ",".join(flat.COLUMNS)


def test_cli_output_into_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["export", "-f", "json", "-o", str(tmp_path), "--data", str(FIXTURE)]
    )
    assert res.exit_code == 2
    assert "directory" in res.stderr


def test_spreadsheet_formulas_are_neutralised_but_phone_numbers_kept() -> None:
    for payload in ("=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "+1 (=1+1)"):
        assert flat.spreadsheet_safe(payload) == "'" + payload
    for phones in ("+1 541 555 0100", "+1-541-555-0101 | +1 (541) 555.0102", "541-555-0100"):
        assert flat.spreadsheet_safe(phones) == phones
    assert flat.spreadsheet_safe("Call 988") == "Call 988"


def test_csv_row_neutralises_every_text_cell() -> None:
    r = Resource(
        id="f", name="=HYPERLINK(\"x\")", kind="crisis-line", police="possible", dispatch="direct",
        police_note="+cmd|' /C calc'!A0", serves=(Area(national=True),),
        contacts=(Contact(type="phone", value="+1 541 555 0100", label="=1+1"),),
        hours=("24/7",), caveats=("@SUM(1+1)", "ok"), status="active",
        verified=date(2026, 1, 1), sources=("https://e.org",),
    )  # fmt: skip
    rec = flat.record(r)
    row = dict(zip(flat.COLUMNS, flat.csv_row(rec), strict=True))
    assert row["name"].startswith("'=")
    assert row["police_note"].startswith("'+")
    assert row["caveats"].startswith("'@")
    assert row["phone"] == "+1 541 555 0100"
    # A note starts with its number but carries text, so it is neutralised like any text.
    assert row["contact_notes"] == "'+1 541 555 0100: =1+1"
    # JSON keeps the dataset's text exactly.
    assert rec["name"] == '=HYPERLINK("x")'
