"""Privacy: no network, nothing written outside the cache and the files the user names, no query
ever on disk.

The network guard runs every command in a child process whose socket layer is replaced before
crisisnav starts: creating an internet socket, connecting, sending, or resolving a name records
the attempt (to a file the test reads) and raises. test_guard_catches_a_planted_socket_call
proves the guard can fail: it plants a real socket call inside crisisnav and expects the guard
to report it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from test_hardening_support import (
    ROOT,
    SMALL,
    assert_no_traceback,
    child_env,
    run_cli,
)

pytestmark = pytest.mark.slow  # processes and big inputs: skip with -m "not slow"

_GUARD = """
import socket as _s, sys as _sys
_LOG = {log!r}
def _record(what, *args):
    with open(_LOG, "a", encoding="utf-8") as fh:
        fh.write(what + " " + repr(args)[:200] + "\\n")
def _deny(what):
    def _f(*args, **kwargs):
        _record(what, *args)
        raise OSError("network access attempted: " + what)
    return _f
_real_socket_init = _s.socket.__init__
def _socket_init(self, family=-1, type=-1, proto=-1, fileno=None):
    fam = _s.AF_INET if family == -1 else family
    if fam in (_s.AF_INET, _s.AF_INET6) or (fileno is None and fam != _s.AF_UNIX):
        _record("socket", family, type)
        raise OSError("network access attempted: socket")
    _real_socket_init(self, family, type, proto, fileno)
_s.socket.__init__ = _socket_init
for _name in ("connect", "connect_ex", "sendto", "bind"):
    setattr(_s.socket, _name, _deny("socket." + _name))
for _name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
              "gethostbyaddr", "getnameinfo", "socketpair", "fromfd"):
    setattr(_s, _name, _deny(_name))
{extra}
"""

# A planted call: makes crisisnav's dataset loader open a connection, as a bug or a
# telemetry library would. Used only by the control test.
_PLANT = """
import crisisnav.dataset as _d
_real_load = _d.load
def _load_with_phone_home(*a, **k):
    import socket
    try:
        socket.create_connection(("telemetry.example", 443), timeout=1)
    except OSError:
        pass  # a careless library swallows the failure: the guard must still see it
    return _real_load(*a, **k)
_d.load = _load_with_phone_home
"""


def _commands(tmp: Path) -> dict[str, list[str]]:
    batch = tmp / "batch.txt"
    batch.write_text("Eugene, OR\nSpringfield\n97401\nnowhere-at-all\n")
    return {
        "lookup": ["lookup", "Eugene, OR", "--format", "json"],
        "lookup-plain": ["lookup", "Denver", "--format", "plain"],
        "lookup-batch": ["lookup", "--batch", str(batch), "--format", "jsonl"],
        "places": ["places", "Springfield", "--format", "json"],
        "validate": ["validate", str(SMALL)],
        "validate-packaged": ["validate"],
        "sheet-html": ["sheet", "Eugene, OR", "--format", "html", "-o", str(tmp / "s.html")],
        "sheet-pdf": ["sheet", "97401", "--format", "pdf", "-o", str(tmp / "s.pdf")],
        "export-hsds": ["export", "--format", "hsds-json", "-o", str(tmp / "h.json")],
        "export-csv": ["export", "--format", "csv"],
        "coverage": ["coverage"],
    }


_MANY = """
import json, sys
from crisisnav.cli import app
_codes = {}
for _name, _args in json.loads(sys.argv[1]).items():
    _CURRENT[0] = _name
    try:
        app(args=_args, prog_name="crisisnav")
    except SystemExit as _e:
        _codes[_name] = _e.code
with open(sys.argv[2], "w") as _fh:
    json.dump(_codes, _fh)
"""


def _guarded_run(
    commands: dict[str, list[str]], tmp: Path, cache_dir: Path, extra: str = ""
) -> tuple[dict[str, int], list[str]]:
    """Every command in ONE guarded child process (one start-up, not eleven); returns the exit
    code of each and the network attempts, each tagged with the command that made it."""
    import json

    log = tmp / "network.log"
    codes = tmp / "codes.json"
    pre = "_CURRENT = ['start-up']\n" + _GUARD.format(log=str(log), extra=extra)
    boot = pre.replace('fh.write(what + " "', 'fh.write(_CURRENT[0] + ": " + what + " "') + _MANY
    proc = subprocess.run(
        [sys.executable, "-c", boot, json.dumps(commands), str(codes)],
        capture_output=True,
        timeout=300,
        env=child_env({"CRISISNAV_CACHE_DIR": str(cache_dir)}),
        check=False,
    )
    assert_no_traceback(proc.stderr)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    attempts = log.read_text().splitlines() if log.exists() else []
    return json.loads(codes.read_text()), attempts


def test_no_network_access(tmp_path: Path, warm_cache: Path) -> None:
    commands = _commands(tmp_path)
    codes, attempts = _guarded_run(commands, tmp_path, warm_cache)
    assert attempts == [], f"network access attempted: {attempts}"
    assert set(codes) == set(commands)
    bad = {k: v for k, v in codes.items() if v not in (0, 1, 3, None)}
    assert bad == {}, f"commands did not run to a real answer under the guard: {bad}"
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")


def test_no_network_access_on_a_cold_cache(tmp_path: Path) -> None:
    """Building the gazetteer index from the packaged data is offline too."""
    codes, attempts = _guarded_run(
        {"lookup": ["lookup", "97401", "--format", "json"]}, tmp_path, tmp_path / "cold"
    )
    assert attempts == [], attempts
    assert codes == {"lookup": 0}


def test_guard_catches_a_planted_socket_call(tmp_path: Path, warm_cache: Path) -> None:
    """Control: the guard is not vacuous. A socket call planted in the loader is recorded."""
    codes, attempts = _guarded_run(
        {"lookup": ["lookup", "Eugene, OR", "--format", "json"]}, tmp_path, warm_cache, _PLANT
    )
    assert codes == {"lookup": 0}  # the careless code swallowed the error...
    assert any(a.startswith("lookup: create_connection") for a in attempts), (
        attempts
    )  # ...not the guard


# ------------------------------------------------------------------ writes and queries on disk


def _snapshot(*roots: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for d in dirnames:
                out[os.path.join(dirpath, d) + "/"] = "dir"
            for f in filenames:
                p = os.path.join(dirpath, f)
                try:
                    with open(p, "rb") as fh:
                        out[p] = hashlib.sha256(fh.read()).hexdigest()
                except OSError:
                    out[p] = "unreadable"
    return out


def test_writes_only_cache_and_named_files_and_never_a_query(tmp_path: Path) -> None:
    home = tmp_path / "home"
    xdg = {k: tmp_path / k.lower() for k in
           ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")}  # fmt: skip
    tmpdir = tmp_path / "tmp"
    work = tmp_path / "work"
    out = tmp_path / "out"
    for d in (home, tmpdir, work, out, *xdg.values()):
        d.mkdir()
    secret = f"qzxv{uuid.uuid4().hex}"  # a query no file could hold by chance
    secret_place = f"Eugene {secret}"
    env: dict[str, str | None] = {
        "HOME": str(home),
        "TMPDIR": str(tmpdir),
        "CRISISNAV_CACHE_DIR": None,
        "CRISISNAV_DATA": None,
        **{k: str(v) for k, v in xdg.items()},
    }
    batch = out / "queries.txt"  # a user-named input file
    batch.write_text(f"{secret}\nEugene, OR\n{secret_place}\n")
    package = ROOT / "src" / "crisisnav"
    before_pkg = _snapshot(package)
    before = _snapshot(tmp_path)
    runs = [
        ["lookup", secret, "--format", "json"],
        ["lookup", secret_place, "--format", "plain"],
        ["lookup", "--batch", str(batch), "--format", "jsonl"],
        ["places", secret, "--format", "json"],
        ["lookup", "-i", "--format", "plain"],
        ["sheet", secret, "--format", "html", "-o", str(out / "nope.html")],
        ["sheet", "Eugene, OR", "--format", "html", "-o", str(out / "eugene.html")],
        ["export", "--format", "json", "-o", str(out / "export.json")],
        ["validate", str(SMALL)],
    ]
    for args in runs:
        stdin = f"{secret}\nSpringfield\n1\n{secret_place}\nq\n".encode() if "-i" in args else None
        proc = run_cli(args, env=env, cwd=work, input=stdin, timeout=120)
        assert_no_traceback(proc.stderr)
        assert proc.returncode in (0, 1, 3), (args, proc.stderr)
    after = _snapshot(tmp_path)
    new = sorted(set(after) - set(before))
    changed = sorted(k for k in before if k in after and before[k] != after[k])
    cache_root = str(xdg["XDG_CACHE_HOME"] / "crisisnav")
    named = {str(out / "eugene.html"), str(out / "export.json")}
    stray = [p for p in new if not p.startswith(cache_root) and p not in named]
    assert stray == [], f"written outside the cache and the named files: {stray}"
    assert changed == [], f"existing files modified: {changed}"
    assert any(p.startswith(cache_root) for p in new), "expected the cache in XDG_CACHE_HOME"
    assert str(out / "nope.html") not in after  # not found: no file at all
    # (source and data files other people add while this runs are not the tool's writes)
    pkg_new = [p for p in set(_snapshot(package)) - set(before_pkg)
               if "__pycache__" not in p and not p.endswith((".py", ".yaml", ".ttf", ".md", "/"))]  # fmt: skip
    assert pkg_new == [], f"written into the installed package: {pkg_new}"
    # no query on disk: not in the cache, not anywhere under HOME, XDG, TMPDIR or cwd
    hits = []
    for path in after:
        if path.endswith("/") or path == str(batch):
            continue
        data = Path(path).read_bytes()
        for needle in (secret.encode(), secret.encode("utf-16-le")):
            if needle in data:
                hits.append(path)
    assert hits == [], f"a query was written to disk: {hits}"


def test_interactive_history_is_never_saved(tmp_path: Path, warm_cache: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    home = tmp_path / "home"
    home.mkdir()
    secret = f"qzxv{uuid.uuid4().hex}"
    env = child_env({"HOME": str(home), "CRISISNAV_CACHE_DIR": str(warm_cache), "TERM": "dumb",
                     "PYTHONSTARTUP": None, "NO_COLOR": "1"})  # fmt: skip
    child = pexpect.spawn(sys.executable, ["-m", "crisisnav"], env=env, timeout=60, cwd=str(home))
    try:
        child.expect("place> ")
        child.sendline(secret)
        child.expect("place> ")
        child.sendline("q")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    for p in [*home.rglob("*"), *warm_cache.rglob("*")]:
        if p.is_file():
            assert secret.encode() not in p.read_bytes(), f"query saved in {p}"
    assert not list(home.rglob("*history*"))
