"""The cache under attack (issue 15): a shared cache directory must never change an answer.

An attacker knows everything public: the packaged dataset (so its sha256 and the cache key),
the entry layout, a plain checksum. What they lack is this user's HMAC secret, and (on POSIX)
the ability to create files owned by this user. Each forgery below is what the issue's outside
attack wrote; each must leave the answer exactly the clean one, and the entry rebuilt.

The two-user test runs the attacker as a real unprivileged account (created with useradd when
the tests run as root) and the victim as root; it is skipped, saying why, elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from crisisnav import __version__, cache, dataset, gazetteer, gazetteer_store
from test_hardening_support import assert_no_traceback, run_cli

AT = "2026-12-01 03:00"
EUGENE = ["lookup", "Eugene, OR", "--format", "json", "--at", AT]
ZIP = ["lookup", "97401", "--format", "json", "--at", AT]
FAKE_PHONE = "541-555-0199"


def _dataset_key() -> str:
    digest = hashlib.sha256(dataset.packaged_path().read_bytes()).hexdigest()
    return f"dataset:{dataset.CACHE_FORMAT}:{__version__}:{digest}"


def _plain_checksum_entry(key: str, payload: bytes) -> bytes:
    """An entry as an attacker can make it: right magic, right key digest, and a sha256 of the
    payload where the HMAC belongs (the best anyone without the secret can do)."""
    return (
        cache._MAGIC
        + cache._norm_key(key).encode()
        + b"\n"
        + hashlib.sha256(payload).hexdigest().encode()
        + b"\n"
        + payload
    )


def _genuine_document() -> dict[str, Any]:
    """The cached document as crisisnav itself writes it (read back through the cache)."""
    dataset.load()
    value = cache.read_json(dataset.CACHE_NAME, _dataset_key())
    assert isinstance(value, dict) and "document" in value
    return value


def _attack_phone(value: dict[str, Any]) -> dict[str, Any]:
    for r in value["document"]["resources"]:
        for c in r.get("contacts", []):
            if c.get("value") == "541-682-1001":
                c["value"] = FAKE_PHONE
    return value


def _attack_cahoots(value: dict[str, Any]) -> dict[str, Any]:
    for r in value["document"]["resources"]:
        if r["id"] == "or-eugene-cahoots":
            r["status"] = "active"
    return value


def _attack_police_none(value: dict[str, Any]) -> dict[str, Any]:
    for r in value["document"]["resources"]:
        r["police"] = "none"
    return value


def _attack_police_zzz(value: dict[str, Any]) -> dict[str, Any]:
    for r in value["document"]["resources"]:
        r["police"] = "zzz"
    return value


def _attack_wrong_types(value: dict[str, Any]) -> dict[str, Any]:
    for r in value["document"]["resources"]:
        r["name"] = ["not", "a", "string"]
        r["contacts"] = "541-555-0199"
    return value


ATTACKS = {
    "phone-number": _attack_phone,
    "ended-program-listed": _attack_cahoots,
    "every-entry-police-none": _attack_police_none,
    "police-zzz": _attack_police_zzz,
    "wrong-types": _attack_wrong_types,
}


@pytest.fixture(scope="module")
def clean_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The answers of a run with a fresh private cache."""
    d = tmp_path_factory.mktemp("clean-cache")
    out = {}
    for name, args in (("eugene", EUGENE), ("zip", ZIP)):
        proc = run_cli(args, env={"CRISISNAV_CACHE_DIR": str(d)}, timeout=180)
        assert proc.returncode == 0, proc.stderr
        out[name] = proc.stdout
    body = json.loads(out["eugene"])
    numbers = [c["value"] for r in body["resources"] for c in r["contacts"]]
    assert "541-682-1001" in numbers  # the real Lane County Crisis Line is in the answer
    assert not [r for r in body["resources"] if r["id"] == "or-eugene-cahoots"]
    return out


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_forged_dataset_entry_without_the_secret_never_changes_the_answer(
    attack: str, clean_answers: dict[str, bytes], _isolated_cache: Path
) -> None:
    value = ATTACKS[attack](_genuine_document())
    payload = json.dumps(value).encode()
    entry = _isolated_cache / dataset.CACHE_NAME
    entry.write_bytes(_plain_checksum_entry(_dataset_key(), payload))
    os.chmod(entry, 0o600)  # even owned by this user, with the right mode: no HMAC, no trust
    proc = run_cli(EUGENE, env={"CRISISNAV_CACHE_DIR": str(_isolated_cache)}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc.stderr)
    assert proc.stdout == clean_answers["eugene"]
    assert FAKE_PHONE.encode() not in proc.stdout
    assert cache.read_json(dataset.CACHE_NAME, _dataset_key()) is not None, "not rebuilt"


@pytest.mark.parametrize("attack", ["police-zzz", "wrong-types"])
def test_authenticated_entry_with_bad_values_is_rebuilt_not_fatal(
    attack: str, clean_answers: dict[str, bytes], _isolated_cache: Path
) -> None:
    """Even an entry this user's own secret signed (a bug, an old release) is checked like a
    freshly parsed file: a value outside the schema's vocabulary or of the wrong type is a
    miss (before: `police: zzz` was displayed; wrong types gave exit 70 on every run)."""
    value = ATTACKS[attack](_genuine_document())
    assert cache.write_json(dataset.CACHE_NAME, _dataset_key(), value)
    for _ in range(2):  # and the next run is healthy too: the entry was rebuilt
        proc = run_cli(EUGENE, env={"CRISISNAV_CACHE_DIR": str(_isolated_cache)}, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout == clean_answers["eugene"]
        assert b"zzz" not in proc.stdout
    rebuilt = cache.read_json(dataset.CACHE_NAME, _dataset_key())
    assert rebuilt == _genuine_document()


def test_marshal_crash_bytes_are_never_unmarshalled(
    clean_answers: dict[str, bytes], _isolated_cache: Path
) -> None:
    """Bytes that crash `marshal.loads` (a code object with a bogus co_code size) in every entry
    slot, with plain checksums: nothing reads them as marshal any more."""
    crash = b"\xe3" + b"\xff" * 420
    env = {"CRISISNAV_CACHE_DIR": str(_isolated_cache)}
    run_cli(ZIP, env=env, timeout=180, pre=NO_SHIPPED)
    names = [dataset.CACHE_NAME, *gazetteer_store.CACHE_NAMES]
    for name in names:
        (_isolated_cache / name).write_bytes(_plain_checksum_entry("whatever", crash))
    proc = run_cli(ZIP, env=env, timeout=180, pre=NO_SHIPPED)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == clean_answers["zip"]


# The places index shipped in the package is read in place whenever it fits what is installed,
# and then the gazetteer's cache entries are never read at all. These runs take the path of an
# installation it does not fit (another zipcodes release), where the cache entries are used.
NO_SHIPPED = (
    "from crisisnav import gazetteer_store as _g\n_g._read_shipped_part = lambda second: None\n"
)


def _forged_gazetteer_zip_table(key: str) -> bytes:
    """The ZIP table with 97401 moved to Springfield, as a plain-checksum entry."""
    gazetteer.reset()
    shipped = gazetteer_store._read_shipped_part
    gazetteer_store._read_shipped_part = lambda second: None  # type: ignore[assignment]
    try:
        gazetteer.load().zip_place("97401")  # the entries exist in this test's cache
    finally:
        gazetteer_store._read_shipped_part = shipped  # type: ignore[assignment]
        gazetteer.reset()
    table = cache.read_packed(gazetteer_store._ZIPS, key)
    assert isinstance(table, dict)
    names = table["city_names"].split(gazetteer_store._SEP)
    springfield = names.index("Springfield")
    codes = table["codes"]
    i = next(j for j in range(0, len(codes), 5) if codes[j : j + 5] == "97401") // 5
    col = bytearray(table["city"])
    col[4 * i : 4 * i + 4] = springfield.to_bytes(4, sys.byteorder)
    table["city"] = bytes(col)
    return _plain_checksum_entry(key, cache.pack(table))


def test_forged_gazetteer_entry_never_moves_a_zip(
    clean_answers: dict[str, bytes], _isolated_cache: Path
) -> None:
    env = {"CRISISNAV_CACHE_DIR": str(_isolated_cache)}
    run_cli(ZIP, env=env, timeout=180, pre=NO_SHIPPED)
    key = gazetteer.source_key()
    forged = _forged_gazetteer_zip_table(key)
    (_isolated_cache / gazetteer_store._ZIPS).write_bytes(forged)
    proc = run_cli(ZIP, env=env, timeout=180, pre=NO_SHIPPED)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["place"]["city"] == "Eugene"
    assert proc.stdout == clean_answers["zip"]


# ----------------------------------------------------------------- ownership and links


def _other_uid() -> int:
    try:
        return pwd.getpwnam("nobody").pw_uid
    except KeyError:
        return 65534


needs_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0,
    reason="making a file owned by another user needs root",
)


@needs_root
def test_entry_owned_by_another_user_is_a_miss(_isolated_cache: Path) -> None:
    dataset.load()
    entry = _isolated_cache / dataset.CACHE_NAME
    assert cache.read(dataset.CACHE_NAME, _dataset_key()) is not None
    os.chown(entry, _other_uid(), -1)
    assert cache.read(dataset.CACHE_NAME, _dataset_key()) is None
    os.chown(entry, os.geteuid(), -1)
    assert cache.read(dataset.CACHE_NAME, _dataset_key()) is not None  # the control


def test_entry_writable_by_others_is_a_miss(_isolated_cache: Path) -> None:
    dataset.load()
    entry = _isolated_cache / dataset.CACHE_NAME
    os.chmod(entry, 0o666)
    assert cache.read(dataset.CACHE_NAME, _dataset_key()) is None
    os.chmod(entry, 0o600)
    assert cache.read(dataset.CACHE_NAME, _dataset_key()) is not None


def test_entry_that_is_a_symlink_is_a_miss_even_to_a_genuine_entry(
    _isolated_cache: Path, tmp_path: Path
) -> None:
    dataset.load()
    entry = _isolated_cache / dataset.CACHE_NAME
    real = tmp_path / "elsewhere"
    shutil.move(entry, real)
    entry.symlink_to(real)
    assert cache.read(dataset.CACHE_NAME, _dataset_key()) is None  # O_NOFOLLOW


@needs_root
def test_directory_owned_by_another_user_is_neither_read_nor_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    os.chown(shared, _other_uid(), -1)
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(shared))
    assert len(dataset.load().resources) > 0
    assert list(shared.iterdir()) == []  # nothing written into someone else's directory
    assert cache.write("x.json", "k", b"{}") is False


def test_own_directory_writable_by_others_is_made_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "mine"
    d.mkdir()
    os.chmod(d, 0o777)
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(d))
    assert cache.write("x.json", "k", b"{}")
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert cache.read("x.json", "k") == b"{}"


def test_own_sticky_directory_is_kept_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "kiosk"
    d.mkdir()
    os.chmod(d, 0o1777)
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(d))
    assert cache.write("x.json", "k", b"{}")
    assert stat.S_IMODE(d.stat().st_mode) == 0o1777
    assert cache.read("x.json", "k") == b"{}"


def test_new_cache_directory_and_files_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = tmp_path / "a" / "crisisnav"
    monkeypatch.setenv("CRISISNAV_CACHE_DIR", str(d))
    dataset.load()
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    for f in d.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_secret_with_wrong_mode_or_size_is_replaced(_isolated_cache: Path) -> None:
    assert cache.write("x.json", "k", b"{}")
    secret = _isolated_cache / cache.SECRET_NAME
    old = secret.read_bytes()
    os.chmod(secret, 0o644)  # readable by others: no longer a secret
    assert cache.read("x.json", "k") is None
    assert secret.read_bytes() != old and stat.S_IMODE(secret.stat().st_mode) == 0o600
    secret.write_bytes(b"short")
    assert cache.read("x.json", "k") is None
    assert len(secret.read_bytes()) == 32


# ----------------------------------------------------------------- the formats


def test_pack_round_trip_and_bounds() -> None:
    value = {"a": ("x" * 10, b"\x00\xff"), "b": [1, None, True, "é\udc80"], "c": {"d": b""}}
    assert cache.unpack(cache.pack(value)) == value
    # 300,000 references to one 1.5 MB segment (the marshal blow-up: 74 s and 5.4 GB before)
    seg = b"x" * 1_500_000
    header = json.dumps(["l", [["b", 0, len(seg)]] * 300_000]).encode()
    blob = cache._PACK_MAGIC + len(header).to_bytes(4, "little") + header + seg
    started = time.perf_counter()
    with pytest.raises(ValueError):
        cache.unpack(blob)
    assert time.perf_counter() - started < 5
    deep = json.dumps(["l", [["l", [["l", []]]]]] * 1).encode()
    nested: Any = ["n"]
    for _ in range(cache.PACK_MAX_DEPTH + 2):
        nested = ["l", [nested]]
    for bad in (
        b"",
        b"CNPK1\n\xff\xff\xff\xff",
        cache._PACK_MAGIC + len(deep).to_bytes(4, "little") + deep[:-1],
        cache.pack(b"abc")[:-1],  # a segment past the end
        cache._PACK_MAGIC + (7).to_bytes(4, "little") + b'["x",1]',
    ):
        with pytest.raises(ValueError):
            cache.unpack(bad)
    text = json.dumps(nested).encode()
    with pytest.raises(ValueError):
        cache.unpack(cache._PACK_MAGIC + len(text).to_bytes(4, "little") + text)


def test_no_marshal_or_pickle_reads_the_cache() -> None:
    src = Path(cache.__file__).parent
    for module in ("cache.py", "dataset.py"):
        text = (src / module).read_text(encoding="utf-8")
        assert "import marshal" not in text and "import pickle" not in text, module
    for module in ("gazetteer.py", "gazetteer_index.py"):
        assert "marshal" not in (src / module).read_text(encoding="utf-8"), module
    # marshal is used only for the index shipped inside the package (trusted package data)
    store = (src / "gazetteer_store.py").read_text(encoding="utf-8")
    reader = store[store.index("def _read_shipped_part(") :]
    reader = reader[: reader.index("\ndef ")]
    assert store.count("marshal.loads") == reader.count("marshal.loads") == 2
    assert "open(SHIPPED_INDEX" in reader
    from crisisnav.gazetteer import _KIND

    assert set(_KIND) == gazetteer_store.KIND_LETTERS


def test_oversized_entry_is_a_miss(_isolated_cache: Path) -> None:
    assert cache.write("big.json", "k", b"[" + b"1," * 100 + b"1]")
    assert cache.read_json("big.json", "k", max_bytes=50) is None
    assert cache.read_json("big.json", "k") is not None


def test_platform_cache_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """macOS and Windows get their platform's cache directory from platformdirs (whose choice
    of implementation is made at import: the macOS one is put in place here)."""
    import platformdirs
    from platformdirs.macos import MacOS

    monkeypatch.delenv("CRISISNAV_CACHE_DIR")
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(
        platformdirs, "user_cache_dir", lambda *a, **k: MacOS(*a, **k).user_cache_dir
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    got = cache.cache_dir()
    assert got == tmp_path / "Library" / "Caches" / "crisisnav"
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/dir")  # invalid per the XDG spec: ignored
    assert cache.cache_dir() == tmp_path / ".cache" / "crisisnav"


# ----------------------------------------------------------------- two real users

ATTACKER = "cnav-attacker"


@pytest.fixture(scope="module")
def attacker() -> Any:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip(
            "needs root to run the attacker as another user (run the suite as root in a container)"
        )
    useradd = shutil.which("useradd")
    created = False
    try:
        pwd.getpwnam(ATTACKER)
    except KeyError:
        if useradd is None:
            pytest.skip(
                "no useradd on this machine: cannot create an unprivileged attacker account"
            )
        proc = subprocess.run(
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ATTACKER],
            capture_output=True, check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            pytest.skip(f"useradd failed: {proc.stderr.decode(errors='replace').strip()}")
        created = True
    yield pwd.getpwnam(ATTACKER)
    if created and shutil.which("userdel"):
        subprocess.run(["userdel", ATTACKER], capture_output=True, check=False)


def _as_attacker(user: Any, script: str) -> None:
    proc = subprocess.run(
        ["/bin/sh", "-c", script], user=user.pw_uid, group=user.pw_gid, extra_groups=[],
        capture_output=True, check=False, cwd="/",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def _forgeries(dest: Path) -> None:
    """Write the attacker's files (computed from public data only) into dest."""
    dest.mkdir()
    value = _attack_police_none(_attack_cahoots(_attack_phone(_genuine_document())))
    (dest / dataset.CACHE_NAME).write_bytes(
        _plain_checksum_entry(_dataset_key(), json.dumps(value).encode())
    )
    (dest / gazetteer_store._ZIPS).write_bytes(_forged_gazetteer_zip_table(gazetteer.source_key()))
    (dest / cache.SECRET_NAME).write_bytes(b"k" * 32)  # a secret the attacker knows
    os.chmod(dest, 0o755)
    for f in dest.iterdir():
        os.chmod(f, 0o644)


def _victim(shared: Path, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return run_cli(
        args,
        env={"CRISISNAV_CACHE_DIR": str(shared), "XDG_CACHE_HOME": None},
        timeout=180,
        pre=NO_SHIPPED,
    )


@pytest.mark.parametrize("setup", ["attacker-made-the-directory", "kiosk-sticky-directory"])
def test_two_user_attack_on_a_shared_cache(
    setup: str, attacker: Any, clean_answers: dict[str, bytes], _isolated_cache: Path
) -> None:
    """The attacker (an unprivileged account) plants forged entries — and a secret of their
    own — in the shared cache directory; the victim (root) then looks up Eugene and 97401."""
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="cnav-kiosk-", dir="/tmp"))  # pytest's tmp is 0700
    try:
        os.chmod(base, 0o1777)  # like /tmp
        _two_user_attack(setup, attacker, clean_answers, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _two_user_attack(
    setup: str, attacker: Any, clean_answers: dict[str, bytes], base: Path
) -> None:
    forged = base / "forged"
    _forgeries(forged)
    shared = base / "crisisnav"
    if setup == "attacker-made-the-directory":
        # XDG_CACHE_HOME=/tmp on a kiosk: whoever runs first creates /tmp/crisisnav.
        _as_attacker(attacker, f"mkdir -m 777 '{shared}' && cp '{forged}'/* '{shared}'/")
    else:
        # The kiosk's administrator made one shared sticky directory for everyone.
        shared.mkdir()
        os.chmod(shared, 0o1777)
        _as_attacker(attacker, f"cp '{forged}'/* '{shared}'/ && chmod 666 '{shared}'/*")
    planted = {p.name: p.read_bytes() for p in shared.iterdir()}
    assert {dataset.CACHE_NAME, gazetteer_store._ZIPS, cache.SECRET_NAME} <= planted.keys()
    assert all(p.stat().st_uid == attacker.pw_uid for p in shared.iterdir())
    for name, args in (("eugene", EUGENE), ("zip", ZIP)):
        proc = _victim(shared, args)
        assert proc.returncode == 0, proc.stderr
        assert_no_traceback(proc.stderr)
        assert proc.stdout == clean_answers[name], f"{name}: the forged cache changed the answer"
        assert FAKE_PHONE.encode() not in proc.stdout
    # The victim never writes into a directory it does not own. In the sticky directory it
    # may store its own entries: each is then owned by it and private (root may even replace
    # the attacker's files there; an ordinary victim cannot, and simply has no cache).
    for p in shared.iterdir():
        st = p.stat()
        if setup == "attacker-made-the-directory" or st.st_uid != os.geteuid():
            assert p.name in planted and p.read_bytes() == planted[p.name], p.name
        else:
            assert stat.S_IMODE(st.st_mode) == 0o600, p.name
    if (
        setup == "kiosk-sticky-directory"
    ):  # a second run reads the victim's own entries: same answer
        assert _victim(shared, EUGENE).stdout == clean_answers["eugene"]


# ----------------------------------------------------------------- the cached-document check


def test_cached_document_check_uses_the_schemas_vocabularies() -> None:
    """cached_document_ok checks with models' and normalize's vocabularies: the same values
    as data/schema.json's enums (so "the same vocabulary checks as the loader")."""
    from crisisnav.models import CONTACT_TYPES, DISPATCH_PATHS, KINDS, POLICE_LEVELS, STATUSES
    from crisisnav.normalize import STATES
    from crisisnav.schema import load_schema

    defs = load_schema()["$defs"]
    props = defs["resource"]["properties"]
    assert set(props["kind"]["enum"]) == set(KINDS)
    assert set(props["police"]["enum"]) == set(POLICE_LEVELS)
    assert set(props["dispatch"]["enum"]) == set(DISPATCH_PATHS)
    assert set(props["status"]["enum"]) == set(STATUSES)
    assert set(defs["contact"]["properties"]["type"]["enum"]) == set(CONTACT_TYPES)
    assert set(defs["area"]["properties"]["state"]["enum"]) == set(STATES)
    assert set(props) == dataset._RESOURCE_KEYS
    assert set(defs["resource"]["required"]) == set(dataset._REQUIRED)
    assert set(defs["contact"]["properties"]) == dataset._CONTACT_KEYS
    assert set(defs["address"]["properties"]) == dataset._ADDRESS_KEYS
    assert set(defs["translation"]["properties"]) == dataset._TRANSLATION_KEYS


def _mutations() -> dict[str, Any]:
    def first(doc: dict[str, Any]) -> dict[str, Any]:
        r: dict[str, Any] = doc["resources"][0]
        return r

    def with_address(doc: dict[str, Any]) -> dict[str, Any]:
        return next(r for r in doc["resources"] if "address" in r)

    return {
        "police-zzz": lambda d: first(d).__setitem__("police", "zzz"),
        "kind-unknown": lambda d: first(d).__setitem__("kind", "helicopter"),
        "dispatch-unknown": lambda d: first(d).__setitem__("dispatch", "via-carrier-pigeon"),
        "status-unknown": lambda d: first(d).__setitem__("status", "fine"),
        "name-list": lambda d: first(d).__setitem__("name", ["x"]),
        "name-empty": lambda d: first(d).__setitem__("name", ""),
        "contacts-string": lambda d: first(d).__setitem__("contacts", "541-555-0199"),
        "contact-type": lambda d: first(d)["contacts"][0].__setitem__("type", "fax"),
        "contact-extra-key": lambda d: first(d)["contacts"][0].__setitem__("evil", "x"),
        "state-unknown": lambda d: first(d)["serves"][0].__setitem__("state", "ZZ"),
        "serves-empty": lambda d: first(d).__setitem__("serves", []),
        "area-national-false": lambda d: first(d)["serves"].__setitem__(0, {"national": False}),
        "verified-not-a-date": lambda d: first(d).__setitem__("verified", "yesterday"),
        "status-since-number": lambda d: first(d).__setitem__("status_since", 20250101),
        "id-pattern": lambda d: first(d).__setitem__("id", "Not An Id"),
        "extra-field": lambda d: first(d).__setitem__("injected", True),
        "missing-required": lambda d: first(d).pop("sources"),
        "sources-empty": lambda d: first(d).__setitem__("sources", []),
        "hours-number": lambda d: first(d).__setitem__("hours", [24]),
        "address-state": lambda d: with_address(d)["address"].__setitem__("state", "XX"),
        "address-zip": lambda d: with_address(d)["address"].__setitem__("zip", "ABCDE"),
        "translation-extra": lambda d: first(d).__setitem__("es", {"evil": "x"}),
        "translation-labels-int": lambda d: first(d).__setitem__("es", {"labels": [1]}),
        "resources-not-a-list": lambda d: d.__setitem__("resources", {"a": 1}),
    }


@pytest.mark.parametrize("how", sorted(_mutations()))
def test_cached_document_check_refuses_what_the_schema_refuses(how: str) -> None:
    import copy

    from crisisnav.schema import schema_errors

    doc = _genuine_document()["document"]
    assert dataset.cached_document_ok(doc) and schema_errors(doc) == []  # the control
    bad = copy.deepcopy(doc)
    _mutations()[how](bad)
    assert schema_errors(bad), "the mutation must be one the schema refuses"
    assert not dataset.cached_document_ok(bad)
