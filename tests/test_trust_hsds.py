"""HSDS export loses nothing (issue 15): contact labels and order, every field, round-tripped.

Finding: `export --format hsds-json` dropped the labels of chat and web contacts (for walk-in
centers the label was the street address) and reordered contacts, although the module said
nothing is lost. Now every field of every entry comes back from the export, through hsds-json
(as JSON text) and through the hsds-csv tables; the street address is an HSDS location.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from crisisnav import dataset
from crisisnav.export import hsds
from crisisnav.models import Address, Area, Contact, Dataset, Resource
from test_hardening_support import SMALL, invoke

HSDS_SCHEMAS = Path("/work/shared/hsds/compiled")  # reference copy beside the project, if present


def _fields(ds: Dataset) -> list[dict[str, Any]]:
    out = []
    for r in ds.resources:
        rec = r.to_json()
        del rec["line"]  # where the entry sat in its YAML file: not a fact about the program
        out.append(rec)
    return out


def _walk_in() -> Resource:
    return Resource(
        id="x-walk-in",
        name="X Walk-In",
        kind="walk-in",
        police="none",
        dispatch="direct",
        serves=(
            Area(state="OR", city="Eugene"),
            Area(state="OR", county="Lane County"),
            Area(national=True),
        ),
        contacts=(
            Contact(
                type="web", value="https://example.org/a", label="100 Main St, Eugene, OR 97401"
            ),
            Contact(type="phone", value="541-555-0100", label="Front desk"),
            Contact(type="chat", value="https://example.org/chat", label="Chat | weekdays"),
            Contact(type="text", value="741741", keyword="HOME"),
            Contact(type="phone", value="988"),
            Contact(type="web", value="https://example.org/b"),
        ),
        hours=("mon-fri 08:00-17:00", "sat 10:00-14:00"),
        timezone="America/Los_Angeles",
        audiences=("youth", "a-new-audience"),
        languages=("en", "asl", "es"),
        how_to_ask="Walk in.",
        caveats=("Second | caveat", "Third"),
        status="limited",
        status_since=date(2025, 1, 2),
        verified=date(2026, 11, 1),
        sources=("https://example.org/s1", "https://example.org/s2"),
        police_note="Staff do not call police without consent.",
        address=Address(
            street="100 Main St", city="Eugene", state="OR", zip="97401", note="Side door"
        ),
    )


def _dataset(*resources: Resource) -> Dataset:
    return Dataset(path="<test>", schema_version=1, resources=resources)


def test_contact_labels_and_order_survive_the_export() -> None:
    r = _walk_in()
    [svc] = json.loads(json.dumps(hsds.services(_dataset(r), lambda c: c)))
    [back] = hsds.recover_dataset([svc])
    assert back["contacts"] == [c.to_json() for c in r.contacts]  # labels, keywords, order
    # the labels are in the export itself, next to their contact, not only recoverable
    values = [a["value"] for a in svc["attributes"]]
    i = values.index("https://example.org/a")
    assert values[i + 1] == "100 Main St, Eugene, OR 97401"
    assert values.index("https://example.org/chat") + 1 == values.index("Chat | weekdays")
    assert [p["number"] for p in svc["phones"]] == ["741741", "541-555-0100", "988"] or [
        p["number"] for p in svc["phones"]
    ] == ["541-555-0100", "741741", "988"]
    assert any(p.get("description", "").startswith("Front desk") for p in svc["phones"])


def test_street_address_is_an_hsds_location() -> None:
    [svc] = hsds.services(_dataset(_walk_in()), lambda c: c)
    [sal] = svc["service_at_locations"]
    loc = sal["location"]
    assert sal["service_id"] == svc["id"] and sal["location_id"] == loc["id"]
    assert loc["location_type"] == "physical"
    [addr] = loc["addresses"]
    assert (addr["address_1"], addr["address_2"], addr["city"], addr["state_province"], addr["postal_code"],
            addr["country"], addr["address_type"]) == (
        "100 Main St", "Side door", "Eugene", "OR", "97401", "US", "physical")  # fmt: skip
    no_address = hsds.services(
        _dataset(Resource(**{**_walk_in().__dict__, "address": None})), lambda c: c
    )
    assert no_address[0]["service_at_locations"] == []


def test_round_trip_of_a_full_entry_compares_every_field() -> None:
    ds = _dataset(_walk_in())
    back = hsds.recover_dataset(json.loads(json.dumps(hsds.services(ds, lambda c: c))))
    assert back == _fields(ds)
    tables = hsds.tables(ds, lambda c: c)
    assert hsds.recover_dataset(hsds.services_from_tables(tables)) == _fields(ds)


@pytest.mark.parametrize("path", ["packaged", "small"])
def test_round_trip_of_the_datasets_compares_every_field(path: str) -> None:
    """dataset -> hsds-json text -> back, and dataset -> hsds-csv tables -> back: every field of
    every entry equal (names, contacts with labels and keywords in order, areas, hours, time
    zone, languages, audiences, caveats, sources, dates, status, police, address)."""
    ds = dataset.load(None if path == "packaged" else SMALL)
    want = _fields(ds)
    code, out, err = invoke(
        ["export", "-f", "hsds-json", *([] if path == "packaged" else ["--data", str(SMALL)])]
    )
    assert code == 0, err
    got = hsds.recover_dataset(json.loads(out))
    assert len(got) == len(want)
    for w, g in zip(want, got, strict=True):
        assert g == w, w["id"]
    assert hsds.recover_dataset(hsds.services_from_tables(hsds.tables(ds, lambda c: c))) == want
    if path == "packaged":  # the data really exercises it
        assert sum(1 for r in ds.resources if r.address) >= 1
        assert any(c.label and c.type in ("chat", "web") for r in ds.resources for c in r.contacts)


@pytest.mark.parametrize(
    "drop", ["contact-label", "contact-keyword", "serves", "hours", "language"]
)
def test_round_trip_fails_when_an_attribute_is_lost(drop: str) -> None:
    """The control: without one kind of attribute the recovered entry differs."""
    ds = _dataset(_walk_in())
    svcs = hsds.services(ds, lambda c: c)
    for svc in svcs:
        svc["attributes"] = [a for a in svc["attributes"] if a["taxonomy_term"]["code"] != drop]
    with pytest.raises((AssertionError, KeyError, IndexError, TypeError)):
        assert hsds.recover_dataset(svcs) == _fields(ds)


def test_tables_have_locations_with_resolving_keys() -> None:
    tables = hsds.tables(_dataset(_walk_in()), lambda c: c)
    assert (
        len(tables["location"]) == len(tables["address"]) == len(tables["service_at_location"]) == 1
    )
    ids = {t: {row["id"] for row in rows} for t, rows in tables.items()}
    for (table, col), (ref, ref_col) in hsds.FOREIGN_KEYS.items():
        assert ref_col == "id"
        for row in tables[table]:
            if row.get(col):
                assert row[col] in ids[ref], (table, col)
    for table, cols in hsds.REQUIRED.items():
        for row in tables[table]:
            assert all(row.get(c) not in (None, "") for c in cols), (table, row)
    described = {res["name"] for res in hsds.datapackage()["resources"]}
    assert {"location", "address", "service_at_location"} <= described


@pytest.mark.skipif(
    not (HSDS_SCHEMAS / "service.json").is_file(),
    reason="no HSDS 3.0 schema copy beside the project",
)
def test_export_with_locations_validates_against_hsds_3() -> None:
    import jsonschema

    schema = json.loads((HSDS_SCHEMAS / "service.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)  # once: checking the schema itself is slow
    ds = dataset.load()
    services = [*hsds.services(ds), *hsds.services(_dataset(_walk_in()), lambda c: c)]
    assert any(svc["service_at_locations"] for svc in services)
    for svc in json.loads(json.dumps(services)):
        errors = [e.message for e in validator.iter_errors(svc)]
        assert errors == [], (svc["name"], errors[:3])
