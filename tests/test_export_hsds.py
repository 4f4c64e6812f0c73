"""HSDS 3.0 export: structure checked on the project's own terms (required fields, ids, foreign
keys, enums), determinism, and a round trip back to entry ids, phones and police levels.

The HSDS schema files are not needed here (they are not shipped with the project)."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from crisisnav.cli import app
from crisisnav.export import hsds
from crisisnav.models import Area, Contact, Dataset, Resource
from fixture_data import FIXTURE, fixture_dataset

STATE_NAMES = {"OR": "Oregon", "WA": "Washington"}


def names(code: str) -> str:
    return STATE_NAMES.get(code, code)


def entry(**kw: Any) -> Resource:
    base: dict[str, Any] = dict(
        id="x-entry",
        name="X Entry",
        kind="crisis-line",
        police="none",
        dispatch="direct",
        serves=(Area(state="OR", county="Lane County"),),
        contacts=(Contact(type="phone", value="541-555-0199"),),
        hours=("24/7",),
        status="active",
        verified=date(2026, 1, 2),
        sources=("https://example.org/x",),
    )
    base.update(kw)
    return Resource(**base)


def is_uuid(value: Any) -> bool:
    try:
        return str(uuid.UUID(str(value))) == value
    except ValueError:
        return False


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return fixture_dataset()


@pytest.fixture(scope="module")
def services(ds: Dataset) -> list[dict[str, Any]]:
    return hsds.services(ds, names)


# ----------------------------------------------------------------------------- structure


def test_one_service_per_entry_with_required_fields(
    ds: Dataset, services: list[dict[str, Any]]
) -> None:
    assert len(services) == len(ds.resources)
    for svc, r in zip(services, ds.resources, strict=True):
        assert svc["name"] == r.name
        assert svc["status"] in hsds.HSDS_STATUSES
        assert svc["assured_date"] == r.verified.isoformat()
        org = svc["organization"]
        assert {"id", "name", "description"} <= set(org)
        assert svc["organization_id"] == org["id"]
        for phone in svc["phones"]:
            assert {"id", "number"} <= set(phone)
        for rec in svc["schedules"] + svc["service_areas"] + svc["languages"] + svc["attributes"]:
            assert "id" in rec
        for a in svc["attributes"]:
            assert a["link_entity"] == "service" and a["link_id"] == svc["id"]
            term = a["taxonomy_term"]
            assert {"id", "name", "description"} <= set(term)
            assert term["id"] == a["taxonomy_term_id"]
            assert term["taxonomy_detail"]["id"] == term["taxonomy_id"] == hsds.taxonomy_id()


def test_every_id_is_a_unique_uuid(services: list[dict[str, Any]]) -> None:
    ids: list[str] = []
    for svc in services:
        ids.append(svc["id"])
        for key in ("phones", "schedules", "service_areas", "languages", "attributes"):
            ids.extend(rec["id"] for rec in svc[key])
    assert all(is_uuid(i) for i in ids)
    assert len(ids) == len(set(ids))
    # Organizations are per entry, so they are unique too, and never collide with services.
    orgs = [svc["organization"]["id"] for svc in services]
    assert len(set(orgs)) == len(orgs) and not set(orgs) & set(ids)


def test_child_records_point_at_their_service(services: list[dict[str, Any]]) -> None:
    for svc in services:
        for key in ("phones", "schedules", "service_areas", "languages"):
            for rec in svc[key]:
                assert rec["service_id"] == svc["id"], (key, rec)


def test_ids_are_deterministic_uuid5_of_the_entry_id(ds: Dataset) -> None:
    first = json.dumps(hsds.services(ds, names), sort_keys=True)
    again = json.dumps(hsds.services(fixture_dataset(), names), sort_keys=True)
    assert first == again
    sid = hsds.service_id("fixture-text-line")
    assert uuid.UUID(sid).version == 5
    assert sid == str(uuid.uuid5(hsds.NAMESPACE, "service/fixture-text-line"))
    assert hsds.service_id("fixture-text-line") != hsds.service_id("fixture-text-line2")


def test_status_mapping_covers_every_crisisnav_status() -> None:
    got = {s: hsds.service(entry(status=s), names)["status"] for s in hsds.STATUS_MAP}
    assert got == {
        "active": "active",
        "limited": "active",
        "uncertain": "active",
        "suspended": "temporarily closed",
        "ended": "defunct",
    }
    ended = hsds.service(entry(status="ended", status_since=date(2025, 4, 7)), names)
    assert "ended since 2025-04-07" in ended["alert"]
    uncertain = hsds.service(entry(status="uncertain"), names)
    assert "could not be confirmed" in uncertain["alert"]


def test_24_7_is_one_schedule_00_00_to_23_59_every_day() -> None:
    (sched,) = hsds.service(entry(hours=("24/7",)), names)["schedules"]
    assert sched["freq"] == "WEEKLY"
    assert sched["byday"] == "MO,TU,WE,TH,FR,SA,SU"
    assert (sched["opens_at"], sched["closes_at"]) == ("00:00", "23:59")


def test_weekday_and_weekend_hours_become_separate_schedules() -> None:
    r = entry(hours=("mon-fri 10:00-18:00", "sat,sun 12:00-16:00"), timezone="America/Los_Angeles")
    scheds = hsds.service(r, names)["schedules"]
    got = {(s["byday"], s["opens_at"], s["closes_at"]) for s in scheds}
    assert got == {("MO,TU,WE,TH,FR", "10:00", "18:00"), ("SA,SU", "12:00", "16:00")}
    assert all("America/Los_Angeles" in s["notes"] for s in scheds)


def test_overnight_hours_are_split_at_midnight() -> None:
    r = entry(hours=("fri 22:00-02:00",), timezone="America/Los_Angeles")
    scheds = hsds.service(r, names)["schedules"]
    got = {(s["byday"], s["opens_at"], s["closes_at"]) for s in scheds}
    assert got == {("FR", "22:00", "23:59"), ("SA", "00:00", "02:00")}


def test_unreadable_hours_travel_as_text_not_dropped() -> None:
    (sched,) = hsds.service(entry(hours=("by appointment",)), names)["schedules"]
    assert "by appointment" in sched["description"]
    assert "opens_at" not in sched


def test_service_areas_have_census_style_names() -> None:
    r = entry(
        serves=(
            Area(national=True),
            Area(state="OR"),
            Area(state="OR", county="Lane County"),
            Area(state="WA", city="Olympia"),
        )
    )
    got = [a["name"] for a in hsds.service(r, names)["service_areas"]]
    assert got == ["United States", "Oregon", "Lane County, Oregon", "Olympia, Washington"]


def test_phone_types_and_text_keyword() -> None:
    r = entry(
        contacts=(
            Contact(type="phone", value="988", label="Call"),
            Contact(type="text", value="741741", keyword="HOME"),
            Contact(type="tty", value="541-555-0106"),
            Contact(type="videophone", value="541-555-0107"),
            Contact(type="chat", value="https://example.org/chat"),
            Contact(type="web", value="https://example.org/"),
        )
    )
    svc = hsds.service(r, names)
    assert [(p["number"], p["type"]) for p in svc["phones"]] == [
        ("988", "voice"),
        ("741741", "text"),
        ("541-555-0106", "textphone"),
        ("541-555-0107", "video"),
    ]
    assert "Text HOME to 741741" in svc["phones"][1]["description"]
    assert svc["url"] == "https://example.org/"
    values = {a["taxonomy_term"]["code"]: a["value"] for a in svc["attributes"]}
    assert values["contact:chat"] == "https://example.org/chat"


def test_police_and_dispatch_are_attributes_under_the_crisisnav_taxonomy() -> None:
    svc = hsds.service(
        entry(police="co-responder", dispatch="via-911", police_note="Rides with a deputy."), names
    )
    by_code = {a["taxonomy_term"]["code"]: a for a in svc["attributes"]}
    police = by_code["police:co-responder"]
    assert police["value"] == "co-responder"
    assert police["link_type"] == "police_involvement"
    assert police["taxonomy_term"]["parent_id"] == hsds.term_id("police")
    assert police["taxonomy_term"]["taxonomy"] == "crisisnav"
    assert by_code["dispatch:via-911"]["value"] == "via-911"
    assert by_code["police-note"]["value"] == "Rides with a deputy."


def test_languages_use_iso_codes() -> None:
    langs = hsds.service(entry(languages=("en", "asl", "xx")), names)["languages"]
    assert [(lang["code"], lang["name"]) for lang in langs] == [
        ("en", "English"),
        ("ase", "American Sign Language"),
        ("xx", "xx"),
    ]
    assert langs[1]["note"] == "crisisnav language code: asl"


# ----------------------------------------------------------------------------- round trip


def test_round_trip_recovers_every_id_phone_and_police_level(
    ds: Dataset, services: list[dict[str, Any]]
) -> None:
    # Through JSON text, as a consumer would read it.
    back = hsds.recover_entries(json.loads(json.dumps(services)))
    assert set(back) == {r.id for r in ds.resources}
    for r in ds.resources:
        rec = back[r.id]
        assert rec["police"] == r.police
        assert rec["dispatch"] == r.dispatch
        assert rec["status"] == r.status
        assert rec["kind"] == r.kind
        phones = [c.value for c in r.contacts if c.type in hsds.PHONE_TYPES]
        assert rec["phones"] == phones


def test_round_trip_fails_when_an_attribute_is_lost(services: list[dict[str, Any]]) -> None:
    """The round-trip check is real: strip the police attributes and the level is gone."""
    stripped = json.loads(json.dumps(services))
    for svc in stripped:
        svc["attributes"] = [a for a in svc["attributes"] if a["link_type"] != "police_involvement"]
    back = hsds.recover_entries(stripped)
    assert all("police" not in rec for rec in back.values())


# ----------------------------------------------------------------------------- tabular package


def test_tables_foreign_keys_resolve_and_required_columns_are_filled(ds: Dataset) -> None:
    t = hsds.tables(ds, names)
    ids = {table: {row["id"] for row in rows} for table, rows in t.items()}
    for (table, col), (ref_table, ref_col) in hsds.FOREIGN_KEYS.items():
        assert ref_col == "id"
        for row in t[table]:
            if row.get(col) is not None:
                assert row[col] in ids[ref_table], (table, col, row)
    for table, rows in t.items():
        assert len({r["id"] for r in rows}) == len(rows), table
        columns = hsds.TABLES[table][1]
        for row in rows:
            assert set(row) <= set(columns), (table, set(row) - set(columns))
            for col in hsds.REQUIRED[table]:
                assert row.get(col) not in (None, ""), (table, col)
    assert {r["status"] for r in t["service"]} <= set(hsds.HSDS_STATUSES)
    used_terms = {a["taxonomy_term_id"] for a in t["attribute"]}
    assert used_terms <= ids["taxonomy_term"]


def test_datapackage_describes_every_table() -> None:
    pkg = hsds.datapackage()
    assert pkg["profile"] == "tabular-data-package"
    assert [r["path"] for r in pkg["resources"]] == [p for p, _ in hsds.TABLES.values()]
    for res in pkg["resources"]:
        fields = [f["name"] for f in res["schema"]["fields"]]
        assert fields == list(hsds.TABLES[res["name"]][1])
        assert res["schema"]["primaryKey"] == "id"
        for fk in res["schema"].get("foreignKeys", []):
            assert fk["fields"] in fields
            assert fk["reference"]["resource"] in hsds.TABLES


# ----------------------------------------------------------------------------- the command


def _run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_hsds_json_to_stdout_matches_the_library(ds: Dataset) -> None:
    res = _run("export", "--format", "hsds-json", "--data", str(FIXTURE))
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert [s["id"] for s in out] == [hsds.service_id(r.id) for r in ds.resources]
    back = hsds.recover_entries(out)
    assert {k: v["police"] for k, v in back.items()} == {r.id: r.police for r in ds.resources}


def test_cli_hsds_csv_writes_tables_and_datapackage(tmp_path: Path, ds: Dataset) -> None:
    out = tmp_path / "hsds"
    res = _run("export", "--format", "hsds-csv", "-o", str(out), "--data", str(FIXTURE))
    assert res.exit_code == 0, res.output
    files = sorted(p.name for p in out.iterdir())
    assert files == sorted([p for p, _ in hsds.TABLES.values()] + ["datapackage.json"])
    pkg = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    for res_desc in pkg["resources"]:
        with open(out / res_desc["path"], newline="", encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == [f["name"] for f in res_desc["schema"]["fields"]]
    with open(out / "attributes.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    entry_ids = {r["value"] for r in rows if r["taxonomy_term_id"] == hsds.term_id("entry-id")}
    assert entry_ids == {r.id for r in ds.resources}
    # Police levels back from the CSV alone: attribute -> term -> parent term "police".
    with open(out / "taxonomy_terms.csv", newline="", encoding="utf-8") as fh:
        terms = {t["id"]: t for t in csv.DictReader(fh)}
    police_parent = next(t["id"] for t in terms.values() if t["code"] == "police")
    entry_of = {
        r["link_id"]: r["value"] for r in rows if terms[r["taxonomy_term_id"]]["code"] == "entry-id"
    }
    police = {
        entry_of[r["link_id"]]: r["value"]
        for r in rows
        if terms[r["taxonomy_term_id"]]["parent_id"] == police_parent
    }
    assert police == {r.id: r.police for r in ds.resources}
    with open(out / "phones.csv", newline="", encoding="utf-8") as fh:
        phones: dict[str, list[str]] = {}
        for row in csv.DictReader(fh):
            phones.setdefault(entry_of[row["service_id"]], []).append(row["number"])
    expected = {
        r.id: [c.value for c in r.contacts if c.type in hsds.PHONE_TYPES]
        for r in ds.resources
        if any(c.type in hsds.PHONE_TYPES for c in r.contacts)
    }
    assert phones == expected
    assert not list(out.glob(".*.tmp"))  # no temporary file left behind


def test_cli_writes_a_file_atomically_and_reproducibly(tmp_path: Path) -> None:
    target = tmp_path / "services.json"
    target.write_text("old", encoding="utf-8")
    assert (
        _run("export", "-f", "hsds-json", "-o", str(target), "--data", str(FIXTURE)).exit_code == 0
    )
    first = target.read_bytes()
    assert first.startswith(b"[")
    assert (
        _run("export", "-f", "hsds-json", "-o", str(target), "--data", str(FIXTURE)).exit_code == 0
    )
    assert target.read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["services.json"]


def test_cli_hsds_csv_to_stdout_is_a_usage_error() -> None:
    res = _run("export", "--format", "hsds-csv", "--data", str(FIXTURE))
    assert res.exit_code == 2
    assert "directory" in res.stderr


def test_cli_unknown_format_is_a_usage_error() -> None:
    res = _run("export", "--format", "xml", "--data", str(FIXTURE))
    assert res.exit_code == 2


def test_cli_missing_dataset_exits_4(tmp_path: Path) -> None:
    res = _run("export", "--format", "json", "--data", str(tmp_path / "nope.yaml"))
    assert res.exit_code == 4
    assert "Traceback" not in res.output


def test_subprocess_export_hsds_json(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, "-m", "crisisnav", "export", "--format", "hsds-json", "-o", str(target),
         "--data", str(FIXTURE)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    services = json.loads(target.read_text(encoding="utf-8"))
    assert all(re.fullmatch(r"[0-9a-f-]{36}", s["id"]) for s in services)


def test_packaged_dataset_exports_and_round_trips() -> None:
    """The shipped data, whatever it holds today: every id, phone and police level comes back."""
    from crisisnav import dataset

    shipped = dataset.load(None)
    out = json.loads(json.dumps(hsds.services(shipped, names)))
    back = hsds.recover_entries(out)
    assert set(back) == {r.id for r in shipped.resources}
    for r in shipped.resources:
        assert back[r.id]["police"] == r.police
        assert back[r.id]["phones"] == [c.value for c in r.contacts if c.type in hsds.PHONE_TYPES]
    assert {s["status"] for s in out} <= set(hsds.HSDS_STATUSES)
    ids = [s["id"] for s in out]
    assert len(set(ids)) == len(ids) and all(is_uuid(i) for i in ids)
