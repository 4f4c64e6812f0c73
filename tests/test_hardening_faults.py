"""Faults around the tool: broken caches, unwritable or full disks, no HOME, races, changed data,
closed pipes and Ctrl-C. The tool still answers (from the packaged data), never trusts a bad
cache entry, and never shows a traceback.

Tests run as root in CI containers, where chmod cannot make a directory unwritable, so the
refusals come from the kernel itself (a cache path under a regular file: ENOTDIR; /proc:
no directories may be made there) and, for EACCES/EROFS/ENOSPC, from patching the temp-file seam in
the child process (ENOSPC is real: the temp file descriptor is /dev/full).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from crisisnav import cache, dataset
from test_hardening_support import (
    SMALL,
    assert_no_traceback,
    child_env,
    dataset_text,
    invoke,
    run_cli,
    sigint_default,
)

pytestmark = pytest.mark.slow  # processes and big inputs: skip with -m "not slow"

LOOKUP = ["lookup", "97401", "--format", "json", "--at", "2026-12-01 03:00"]


_REFERENCE: dict[str, bytes] = {}


def _reference(warm: Path) -> bytes:
    """The answer of a healthy run (warm cache, packaged data), computed once per session."""
    if "out" not in _REFERENCE:
        proc = run_cli(LOOKUP, env={"CRISISNAV_CACHE_DIR": str(warm)})
        assert proc.returncode == 0, proc.stderr
        _REFERENCE["out"] = proc.stdout
    return _REFERENCE["out"]


_PATCH_MKSTEMP = """
import errno, os, tempfile
_real = tempfile.mkstemp
def _patched(*a, **k):
    mode = {mode!r}
    if mode == "enospc":
        fd, name = _real(*a, **k)
        os.close(fd)
        return os.open("/dev/full", os.O_WRONLY), name  # every write fails: ENOSPC
    code = {{"eacces": errno.EACCES, "erofs": errno.EROFS}}[mode]
    raise OSError(code, os.strerror(code))
tempfile.mkstemp = _patched
"""

# The cache makes its temp files itself (relative to the directory it checked), through one seam.
_PATCH_CACHE_TEMP = """
import errno, os
from crisisnav import cache
_real = cache._open_temp
def _patched(d, name):
    mode = {mode!r}
    if mode == "enospc":
        os.close(_real(d, name))
        return os.open("/dev/full", os.O_WRONLY)  # every write fails: ENOSPC
    code = {{"eacces": errno.EACCES, "erofs": errno.EROFS}}[mode]
    raise OSError(code, os.strerror(code))
cache._open_temp = _patched
"""


def test_full_disk_cache_still_answers(tmp_path: Path, warm_cache: Path) -> None:
    """ENOSPC for real: every cache temp file is /dev/full. A cold process (gazetteer and dataset
    both try to write) still answers, says nothing, and leaves no temp file behind."""
    expected = _reference(warm_cache)
    cdir = tmp_path / "cache"
    cdir.mkdir()
    proc = run_cli(
        LOOKUP,
        env={"CRISISNAV_CACHE_DIR": str(cdir)},
        pre=_PATCH_CACHE_TEMP.format(mode="enospc"),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
    assert proc.stderr == b""  # no cache is not worth a word to the user
    assert sorted(p.name for p in cdir.iterdir()) == []  # nothing half-written left behind


@pytest.mark.parametrize("errno_name", ["EACCES", "EROFS", "ENOSPC", "EDQUOT"])
def test_unwritable_cache_in_process(errno_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from crisisnav import cache as cache_mod

    code = getattr(errno, errno_name)

    def refuse(*a: object, **k: object) -> int:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(cache_mod, "_open_temp", refuse)
    assert cache_mod.write("x.bin", "k", b"payload") is False
    code_, out, err = invoke(["lookup", "Eugene, OR", "--format", "json", "--data", str(SMALL)])
    assert code_ == 0 and json.loads(out)["place"]["name"] == "Eugene"
    assert err == ""
    cdir = cache.cache_dir()
    assert cdir is not None and not list(cdir.glob("*.tmp"))


def test_cache_dir_under_a_regular_file(tmp_path: Path, warm_cache: Path) -> None:
    """The kernel refuses (ENOTDIR) even for root: no cache, same answer, no message."""
    expected = _reference(warm_cache)
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    proc = run_cli(LOOKUP, env={"CRISISNAV_CACHE_DIR": str(blocker / "cache")}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
    assert proc.stderr == b""
    assert blocker.read_text() == "not a directory"


def test_home_unset_answers_from_packaged_data(tmp_path: Path, warm_cache: Path) -> None:
    expected = _reference(warm_cache)
    env: dict[str, str | None] = {"CRISISNAV_CACHE_DIR": None, "XDG_CACHE_HOME": None}
    env["HOME"] = None
    env["CRISISNAV_DATA"] = None
    proc = run_cli(LOOKUP, env=env, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == expected
    assert json.loads(proc.stdout)["resources"], "the packaged dataset answered"
    assert_no_traceback(proc.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written anywhere here


# ------------------------------------------------------------------ corrupt cache entries


def _dataset_cache_file() -> Path:
    d = cache.cache_dir()
    assert d is not None
    return d / dataset.CACHE_NAME


def _names(ds: dataset.Dataset) -> list[str]:
    return [r.name for r in ds.resources]


def _forge(payload: bytes, key: str) -> bytes:
    """A cache entry whose header and HMAC are right (this user's own secret signed it, as a
    bug or an old release would) but whose payload is wrong. (Forgeries without the secret:
    tests/test_trust_cache.py.)"""
    assert cache.write("forge.tmp-entry", key, payload)
    d = cache.cache_dir()
    assert d is not None
    blob = (d / "forge.tmp-entry").read_bytes()
    (d / "forge.tmp-entry").unlink()
    return blob


def _payload(blob: bytes) -> bytes:
    return blob[len(cache._MAGIC) + 130 :]


def _reencode(payload: bytes, change: Any) -> bytes:
    """Decode a dataset cache payload (JSON), change it, encode it the same way."""
    return json.dumps(change(json.loads(payload))).encode()


def _bad_date(value: Any) -> Any:
    for r in value["document"]["resources"]:
        r["verified"] = "9999-99-99"
    return value


CORRUPTIONS = {
    "truncated-half": lambda b, k: b[: len(b) // 2],
    "truncated-header": lambda b, k: b[:10],
    "empty": lambda b, k: b"",
    "bit-flip": lambda b, k: b[:-5] + bytes([b[-5] ^ 0x01]) + b[-4:],
    "garbage": lambda b, k: os.urandom(len(b)),
    "wrong-key": lambda b, k: _forge(_payload(b), k + "other"),
    "forged-garbage": lambda b, k: _forge(b"\xff\xfe not a payload", k),
    "forged-wrong-shape": lambda b, k: _forge(
        _reencode(
            _payload(b),
            lambda v: {"document": {"schema_version": 1, "resources": [{"id": 1}]}, "lines": [1]},
        ),
        k,
    ),
    "forged-bad-date": lambda b, k: _forge(_reencode(_payload(b), _bad_date), k),
    "forged-not-a-dict": lambda b, k: _forge(_reencode(_payload(b), lambda v: [1, 2, 3]), k),
}


@pytest.mark.parametrize("how", sorted(CORRUPTIONS))
def test_corrupt_dataset_cache_is_detected_and_rebuilt(how: str, tmp_path: Path) -> None:
    src = tmp_path / "data.yaml"
    shutil.copy(SMALL, src)
    first = dataset.load(src)
    entry = _dataset_cache_file()
    good = entry.read_bytes()
    key = f"dataset:{dataset.CACHE_FORMAT}:{__import__('crisisnav').__version__}:{first.sha256}"
    assert cache.read(dataset.CACHE_NAME, key) is not None
    bad = CORRUPTIONS[how](good, key)
    assert bad != good
    entry.write_bytes(bad)
    again = dataset.load(src)
    assert _names(again) == _names(first)
    assert [r.to_json() for r in again.resources] == [r.to_json() for r in first.resources]
    assert entry.read_bytes() == good, "the bad entry was not replaced by a good one"


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dangling-symlink"])
def test_cache_entry_that_is_not_a_file_is_a_miss_not_a_hang(kind: str, tmp_path: Path) -> None:
    """A FIFO (blocks a plain read), /dev/zero (never ends) or a dangling link where a cache
    entry should be: a miss. Run in a child process with a timeout, so a hang fails the test."""
    cdir = tmp_path / "cache"
    cdir.mkdir()
    entry = cdir / dataset.CACHE_NAME
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind == "dev-zero":
        entry.symlink_to("/dev/zero")
    else:
        entry.symlink_to(tmp_path / "nowhere")
    code = (
        "from crisisnav import dataset; import sys; "
        f"ds = dataset.load({str(SMALL)!r}); print(len(ds.resources))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        timeout=60,
        env=child_env({"CRISISNAV_CACHE_DIR": str(cdir)}),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == b"12"


def test_cache_entry_replaced_by_a_directory(tmp_path: Path) -> None:
    entry = _dataset_cache_file()
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.mkdir()
    (entry / "x").write_text("x")
    ds = dataset.load(SMALL)
    assert len(ds.resources) == 12
    assert entry.is_dir()  # could not be replaced: no cache, still an answer


def test_corrupt_gazetteer_cache_is_rebuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every gazetteer entry damaged at once: lookups still give the right places. (The cache
    holds the places index where the shipped one does not fit the installation: so here.)"""
    from crisisnav import gazetteer, gazetteer_store
    from crisisnav.resolve import resolve

    monkeypatch.setattr(gazetteer_store, "read_shipped_core", lambda: None)
    gazetteer.reset()
    gazetteer.load().zip_place("97401")  # the three entries, written to this test's cache
    gazetteer.reset()
    cdir = cache.cache_dir()
    assert cdir is not None
    entries = sorted(cdir.glob("gazetteer-*.pack"))
    assert len(entries) == 3
    for f in entries:
        blob = f.read_bytes()
        if "core" in f.name:
            blob = blob[: len(blob) // 3]  # truncated
        elif "zips" in f.name:
            blob = blob[:-100] + bytes(b ^ 0xFF for b in blob[-100:])  # flipped
        else:
            blob = cache._MAGIC + b"0" * 200  # garbage after a plausible magic
        (cdir / f.name).write_bytes(blob)
    gazetteer.reset()
    try:
        r = resolve("97401")
        assert r.status == "ok" and r.place is not None and r.place.city == "Eugene"
        r = resolve("Lane County, OR")
        assert r.status == "ok" and r.place is not None and r.place.name == "Lane County"
        key = gazetteer.source_key()
        for name in ("gazetteer-core.pack", "gazetteer-zips.pack"):
            assert cache.read(name, key) is not None, f"{name} was not rebuilt"
    finally:
        gazetteer.reset()


# ------------------------------------------------------------------ races and changes


def test_two_processes_building_the_cache_at_once(tmp_path: Path) -> None:
    cdir = tmp_path / "cache"
    env = child_env({"CRISISNAV_CACHE_DIR": str(cdir)})
    # as an installation the shipped places index does not fit: both build every cache entry
    boot = (
        "import sys\nfrom crisisnav import gazetteer_store as _g\n"
        "_g._read_shipped_part = lambda second: None\n"
        "from crisisnav.cli import main\nsys.argv = ['crisisnav'] + sys.argv[1:]\nmain()\n"
    )
    cmd = [sys.executable, "-c", boot, *LOOKUP, "--data", str(SMALL)]
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    assert len({o for o, _ in outs}) == 1, "racing processes gave different answers"
    names = sorted(p.name for p in cdir.iterdir())
    assert not [n for n in names if n.endswith(".tmp")], names
    # every entry left behind is complete and valid, and a warm run agrees
    from crisisnav import gazetteer

    env_backup = os.environ.get("CRISISNAV_CACHE_DIR")
    os.environ["CRISISNAV_CACHE_DIR"] = str(cdir)
    try:
        key = gazetteer.source_key()
        for name in ("gazetteer-core.pack", "gazetteer-zips.pack", "gazetteer-complete.pack"):
            assert cache.read(name, key) is not None, name
        ds_key = f"dataset:{dataset.CACHE_FORMAT}:{__import__('crisisnav').__version__}:"
        ds_key += dataset.load(SMALL, use_cache=False).sha256
        assert cache.read(dataset.CACHE_NAME, ds_key) is not None
    finally:
        os.environ["CRISISNAV_CACHE_DIR"] = env_backup or ""
    warm = subprocess.run(cmd, capture_output=True, env=env, timeout=120, check=False)
    assert warm.stdout == outs[0][0]


_WRITER = """
import os, sys
from crisisnav import cache
seed = int(sys.argv[1])
for i in range(60):
    payload = bytes([(seed + i) % 256]) * (256 * 1024 + seed)  # ~256 KB, different per writer
    assert cache.write("race.bin", "one-key", payload)
"""
_READER = """
from crisisnav import cache
seen = misses = 0
for i in range(400):
    blob = cache.read("race.bin", "one-key")
    if blob is None:
        misses += 1
    else:
        seen += 1
        assert len(set(blob)) == 1, "a mix of two writers"
print(seen, misses)
"""


def test_atomic_replace_under_concurrent_writers(tmp_path: Path) -> None:
    """Writers racing on one entry: a reader only ever sees a whole entry, never a torn one."""
    cdir = tmp_path / "cache"
    env = child_env({"CRISISNAV_CACHE_DIR": str(cdir)})
    os.environ["CRISISNAV_CACHE_DIR"] = str(cdir)
    assert cache.write("race.bin", "one-key", b"\x00" * 1000)
    writers = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(s)], env=env, stderr=subprocess.PIPE)
        for s in (1, 2, 3)
    ]
    reader = subprocess.run(
        [sys.executable, "-c", _READER], env=env, capture_output=True, timeout=120, check=False
    )
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    assert reader.returncode == 0, reader.stderr
    seen, misses = map(int, reader.stdout.split())
    assert misses == 0, f"{misses} reads found a missing or torn entry"
    assert seen == 400
    assert not list(cdir.glob("*.tmp"))


def test_changed_data_is_picked_up_even_with_the_same_size_and_mtime(tmp_path: Path) -> None:
    src = tmp_path / "data.yaml"
    src.write_text(dataset_text().replace("Fixture Base Line", "Fixture Name AAAA"))
    st = src.stat()
    assert _names(dataset.load(src)) == ["Fixture Name AAAA"]
    src.write_text(dataset_text().replace("Fixture Base Line", "Fixture Name BBBB"))
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert src.stat().st_size == st.st_size and src.stat().st_mtime_ns == st.st_mtime_ns
    assert _names(dataset.load(src)) == ["Fixture Name BBBB"]


def test_changed_data_between_cli_runs(tmp_path: Path, warm_cache: Path) -> None:
    src = tmp_path / "data.yaml"
    env = {"CRISISNAV_CACHE_DIR": str(warm_cache)}
    args = ["lookup", "Eugene, OR", "--format", "json", "--data", str(src)]
    src.write_text(dataset_text().replace("Fixture Base Line", "Fixture Before Edit"))
    one = run_cli(args, env=env)
    src.write_text(dataset_text().replace("Fixture Base Line", "Fixture After Edit"))
    two = run_cli(args, env=env)
    src.write_text(dataset_text().replace("Fixture Base Line", "Fixture Broken\x01"))
    three = run_cli(args, env=env)
    assert [r["name"] for r in json.loads(one.stdout)["resources"]] == ["Fixture Before Edit"]
    assert [r["name"] for r in json.loads(two.stdout)["resources"]] == ["Fixture After Edit"]
    assert three.returncode == 4 and three.stdout == b""  # a now-broken file is never served stale


# ------------------------------------------------------------------ closed pipes


def _batch_file(tmp_path: Path, n: int = 3000) -> Path:
    f = tmp_path / "batch.txt"
    f.write_text("Eugene, OR\nSpringfield\n97401\nxyzzy\n" * (n // 4))
    return f


@pytest.mark.parametrize(
    "args",
    [
        ["lookup", "--batch", "{batch}", "--format", "jsonl"],
        ["lookup", "--batch", "{batch}", "--format", "plain"],
        ["lookup", "--batch", "{batch}", "--format", "csv"],
        ["places", "--batch", "{batch}", "--format", "jsonl"],
        ["export", "--format", "json"],
        ["lookup", "Oregon", "--format", "plain"],
    ],
    ids=["batch-jsonl", "batch-plain", "batch-csv", "places-batch", "export", "lookup-one"],
)
def test_closed_pipe_exits_quietly(args: list[str], tmp_path: Path, warm_cache: Path) -> None:
    batch = _batch_file(tmp_path)
    argv = [a.format(batch=batch) for a in args]
    cmd = " ".join(f"'{a}'" for a in [sys.executable, "-m", "crisisnav", *argv])
    script = f"set -o pipefail; {cmd} 2>'{tmp_path}/err' | head -1 >/dev/null; echo $?"
    proc = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        timeout=120,
        env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)}),
        check=False,
    )
    err = (tmp_path / "err").read_bytes()
    assert err == b"", err.decode()[-1500:]
    assert proc.stdout.strip() == b"0", (proc.stdout, err)


def test_closed_pipe_mid_stream_with_popen(tmp_path: Path, warm_cache: Path) -> None:
    batch = _batch_file(tmp_path, 8000)
    p = subprocess.Popen(
        [sys.executable, "-m", "crisisnav", "lookup", "--batch", str(batch), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)}),
    )
    assert p.stdout is not None and p.stderr is not None
    first = p.stdout.readline()
    assert json.loads(first)["query"] == "Eugene, OR"
    p.stdout.close()
    err = p.stderr.read()
    p.wait(timeout=120)
    assert p.returncode == 0
    assert err == b"", err.decode()[-1500:]


# ------------------------------------------------------------------ Ctrl-C
# Each child gets SIGINT back to its default (sigint_default), so these pass when pytest itself
# runs with SIGINT ignored (nohup, a background job): the child would otherwise inherit the
# ignore, never see the Ctrl-C and, in the long batch, run to the end.


def test_sigint_during_a_long_batch_exits_130(tmp_path: Path, warm_cache: Path) -> None:
    batch = _batch_file(tmp_path, 400_000)  # minutes of work: still running when signalled
    p = subprocess.Popen(
        [sys.executable, "-m", "crisisnav", "lookup", "--batch", str(batch), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)}),
        preexec_fn=sigint_default,
    )
    assert p.stdout is not None
    p.stdout.readline()  # it is running
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert_no_traceback(err)
    assert b"KeyboardInterrupt" not in err
    assert err.strip() in (b"", b"crisisnav: interrupted"), err


def test_sigint_while_waiting_on_stdin_exits_130(warm_cache: Path) -> None:
    p = subprocess.Popen(
        [sys.executable, "-m", "crisisnav", "lookup", "--batch", "-", "--format", "jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)}),
        preexec_fn=sigint_default,
    )
    assert p.stdin is not None
    p.stdin.write(b"97401\n" * 5)
    p.stdin.flush()
    time.sleep(1.5)  # started, blocked reading more lines
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130, err
    assert_no_traceback(err)
    assert b"KeyboardInterrupt" not in err


def test_sigint_at_the_interactive_prompt_exits_130(warm_cache: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        sys.executable,
        ["-m", "crisisnav"],
        env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache), "TERM": "dumb", "NO_COLOR": "1"}),
        timeout=60,
        preexec_fn=sigint_default,
    )
    try:
        child.expect("place> ")
        child.sendline("97401")
        child.expect("place> ")
        child.sendintr()
        child.expect(pexpect.EOF)
        text = child.before.decode("utf-8", "replace")
    finally:
        child.close()
    assert child.exitstatus == 130, (child.exitstatus, child.signalstatus)
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text[-800:]


_INTERRUPT_DURING_IMPORT = """
import os, signal, sys
class _CtrlCWhileImporting:
    def find_spec(self, name, path=None, target=None):
        if name == {module!r}:
            os.kill(os.getpid(), signal.SIGINT)  # a real Ctrl-C, delivered mid-import
        return None
sys.meta_path.insert(0, _CtrlCWhileImporting())
sys.argv = ["crisisnav", "lookup", "97401"]
import runpy
runpy.run_module("crisisnav", run_name="__main__", alter_sys=True)
"""


@pytest.mark.parametrize("module", ["typer", "crisisnav.commands.lookup"])
def test_sigint_during_startup_has_no_traceback(module: str, warm_cache: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_DURING_IMPORT.format(module=module)],
        capture_output=True,
        timeout=60,
        env=child_env({"CRISISNAV_CACHE_DIR": str(warm_cache)}),
        check=False,
        preexec_fn=sigint_default,
    )
    assert b"Traceback" not in proc.stderr, proc.stderr.decode()[-600:]
    assert proc.returncode == 130


@pytest.mark.parametrize(
    "args",
    [
        ["export", "--format", "json", "-o", "{out}/e.json"],
        ["export", "--format", "hsds-csv", "-o", "{out}/hsds"],
        ["sheet", "97401", "--format", "pdf", "-o", "{out}/s.pdf"],
    ],
    ids=["export-json", "export-hsds-csv", "sheet-pdf"],
)
def test_full_disk_for_named_output_files(
    args: list[str], tmp_path: Path, warm_cache: Path
) -> None:
    """ENOSPC while writing a file the user named: exit 1 with the reason, no partial file."""
    out = tmp_path / "out"
    out.mkdir()
    argv = [a.format(out=out) for a in args]
    proc = run_cli(
        argv,
        env={"CRISISNAV_CACHE_DIR": str(warm_cache)},
        pre=_PATCH_MKSTEMP.format(mode="enospc"),
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert b"No space left on device" in proc.stderr
    assert_no_traceback(proc.stderr)
    leftovers = [p for p in out.rglob("*") if p.is_file()]
    assert leftovers == [], leftovers


@pytest.mark.parametrize(
    "args",
    [
        ["sheet", "97401", "--format", "html", "-o", "{out}"],
        ["export", "--format", "json", "-o", "{out}"],
    ],
    ids=["sheet", "export"],
)
def test_output_to_a_device_writes_to_the_device(args: list[str], tmp_path: Path) -> None:
    """Safe stand-in for `-o /dev/null`: a link to /dev/null in tmp_path (the test never touches
    /dev itself). After the run the link must still be there, pointing at the device."""
    out = tmp_path / "out.file"
    out.symlink_to("/dev/null")
    code, stdout, err = invoke([a.format(out=out) for a in args])
    assert code == 0, err
    assert out.is_symlink() and os.readlink(out) == "/dev/null", "the device link was replaced"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/someone"},
            "/home/someone/.cache/crisisnav",
        ),
        ({"XDG_CACHE_HOME": "", "HOME": "/home/someone"}, "/home/someone/.cache/crisisnav"),
        ({"XDG_CACHE_HOME": "/xdg", "HOME": "/home/someone"}, "/xdg/crisisnav"),
        ({"XDG_CACHE_HOME": None, "HOME": "relative-home"}, None),
        ({"XDG_CACHE_HOME": None, "HOME": ""}, None),
    ],
    ids=["xdg-relative", "xdg-empty", "xdg-absolute", "home-relative", "home-empty"],
)
def test_cache_location_never_relative_to_the_working_directory(
    env: dict[str, str | None], expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative XDG_CACHE_HOME is invalid (XDG spec) and a relative HOME is no home: neither
    may put a cache in whatever directory the user happens to be in."""
    monkeypatch.delenv("CRISISNAV_CACHE_DIR", raising=False)
    for k, v in env.items():
        if v is None:
            monkeypatch.delenv(k, raising=False)
        else:
            monkeypatch.setenv(k, v)
    got = cache.cache_dir()
    assert (str(got) if got is not None else None) == expected
