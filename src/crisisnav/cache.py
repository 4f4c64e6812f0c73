"""A small content-keyed cache on disk, used to skip re-parsing the dataset and the gazetteer.

The cache directory may be shared or hostile (a kiosk with `CRISISNAV_CACHE_DIR=/tmp/x` or
`XDG_CACHE_HOME=/tmp`, where another local user can write), so nothing read from it is trusted
until it has passed every check below; whatever fails is a miss and gets rebuilt, never an error.

- The directory: opened once, checked with fstat, and every entry is opened relative to that
  descriptor (no path is looked up twice). On POSIX it must be owned by this user; if it is
  writable by group or others it is made private (chmod 0700) unless it is a sticky directory.
  A directory owned by someone else is neither read nor written: no cache, same answers.
- An entry: opened with O_NOFOLLOW and O_NONBLOCK, checked with fstat: a regular file, owned by
  this user, not writable by group or others, at most `max_bytes` bytes. A link, FIFO, device,
  directory or someone else's file is a miss.
- Authentication: each entry carries an HMAC-SHA256 of its key and payload, keyed by a per-user
  32-byte secret in the directory (`secret`, mode 0600, same ownership checks). Another user
  can compute the key and a plain checksum from public files, but not the HMAC. This also
  protects the cache where ownership cannot be checked (Windows: the per-user directory's ACLs
  protect the secret).
- Formats: payloads are JSON (`read_json`/`write_json`) or the `pack` container below; never
  `marshal` or `pickle`, whose readers can crash or run code on crafted bytes. Both readers
  bound the size before decoding and the number of values while decoding; callers validate
  the decoded values as strictly as freshly parsed ones.
- Writes are atomic (temp file + rename in the same directory); a full disk, a read-only or
  missing directory, or no HOME only means no cache. Nothing but derived data is ever
  written: never a query. A temp file is removed on error and on SIGTERM/SIGHUP
  (crisisnav.__main__ turns those signals into an exception that unwinds through the writer).

The directory: `$CRISISNAV_CACHE_DIR` (empty: no cache), else on Linux and the BSDs
`$XDG_CACHE_HOME/crisisnav` or `~/.cache/crisisnav` (a relative path is ignored, as the XDG
spec says), else the platform's user cache directory from `platformdirs` (macOS
`~/Library/Caches/crisisnav`, Windows `%LOCALAPPDATA%\\crisisnav\\Cache`).
"""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

_MAGIC = b"CNAV2\n"
_HEADER = len(_MAGIC) + 64 + 1 + 64 + 1
MAX_ENTRY = 64 * 1024 * 1024  # bytes; the largest real entry (the gazetteer core) is ~2 MB
SECRET_NAME = "secret"
_SECRET_BYTES = 32

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
# Ownership can be checked where there is a user id; descriptors relative to a directory
# exist where the platform has openat() (Linux, macOS, the BSDs; not Windows).
_POSIX = hasattr(os, "geteuid")
_AT = _POSIX and _O_DIRECTORY != 0 and os.open in os.supports_dir_fd


def cache_dir() -> Path | None:
    """Where the cache lives (see the module docstring); None when there is none."""
    explicit = os.environ.get("CRISISNAV_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None  # empty string disables the cache
    if sys.platform not in ("win32", "darwin", "cygwin"):
        xdg = os.environ.get("XDG_CACHE_HOME")
        if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is invalid and ignored
            return Path(xdg) / "crisisnav"
        home = os.environ.get("HOME")
        if not home or not os.path.isabs(home):  # never a cache relative to the working directory
            return None
        return Path(home) / ".cache" / "crisisnav"
    return _platform_dir()


def _platform_dir() -> Path | None:
    try:
        from platformdirs import user_cache_dir

        found = user_cache_dir("crisisnav", appauthor=False)
    except Exception:  # noqa: BLE001 - no cache rather than no answer
        return None
    return Path(found) if found and os.path.isabs(found) else None


# ----------------------------------------------------------------------- the directory


class _Dir:
    """The cache directory, opened and checked once: a descriptor where the platform has
    openat(), else its path (then only the HMAC protects the entries)."""

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path = path
        self.fd = fd

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def open(self, name: str, flags: int, mode: int = 0o600) -> int:
        if self.fd is not None:
            return os.open(name, flags | _O_CLOEXEC, mode, dir_fd=self.fd)
        return os.open(self.path / name, flags | _O_BINARY, mode)

    def replace(self, src: str, dst: str) -> None:
        if self.fd is not None:
            os.replace(src, dst, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        else:
            os.replace(self.path / src, self.path / dst)

    def link(self, src: str, dst: str) -> None:
        if self.fd is not None:
            os.link(src, dst, src_dir_fd=self.fd, dst_dir_fd=self.fd, follow_symlinks=False)
        else:
            os.link(self.path / src, self.path / dst)

    def unlink(self, name: str) -> None:
        try:
            if self.fd is not None:
                os.unlink(name, dir_fd=self.fd)
            else:
                os.unlink(self.path / name)
        except OSError:
            pass


def _open_dir(create: bool) -> _Dir | None:
    base = cache_dir()
    if base is None:
        return None
    if create:
        try:
            base.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return None
    if not _AT:
        return _Dir(base, None) if base.is_dir() else None
    try:
        fd = os.open(base, os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC)
    except OSError:
        return None
    try:
        if not dir_is_safe(fd):
            os.close(fd)
            return None
    except OSError:
        os.close(fd)
        return None
    return _Dir(base, fd)


def dir_is_safe(fd: int) -> bool:
    """Whether the open directory may hold this user's cache: owned by this user and not
    writable by anyone else (made private when it is not: we own it), or sticky."""
    st = os.fstat(fd)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        return False
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        os.fchmod(fd, stat.S_IMODE(st.st_mode) & ~0o077)
    return True


def _owned_regular(fd: int, max_bytes: int) -> os.stat_result | None:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_size > max_bytes:
        return None
    if _POSIX and (st.st_uid != os.geteuid() or st.st_mode & 0o022):
        return None
    return st


def _read_fd(fd: int, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)


def _read_entry(d: _Dir, name: str, max_bytes: int) -> bytes | None:
    """The bytes of an entry that passes the ownership checks; None for anything else."""
    try:
        fd = d.open(name, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK)
    except OSError:
        return None
    try:
        if _owned_regular(fd, max_bytes) is None:
            return None
        return _read_fd(fd, max_bytes)
    except OSError:
        return None
    finally:
        os.close(fd)


def _open_temp(d: _Dir, tmp: str) -> int:
    """A new private temp file in the directory (a seam for the full-disk tests)."""
    return d.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_BINARY, 0o600)


def _write_entry(d: _Dir, name: str, blob: bytes, *, exclusive: bool = False) -> bool:
    """Write blob to a new 0600 temp file beside name, then rename (or, exclusive, link) it
    into place. False on any OSError; the temp file never stays behind."""
    tmp = f".{name}.{os.urandom(6).hex()}.tmp"
    try:  # SIGTERM/SIGHUP unwind through here too (crisisnav.__main__), removing the temp file
        try:
            fd = _open_temp(d, tmp)
        except OSError:
            return False
        try:
            view = memoryview(blob)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        if exclusive:
            d.link(tmp, name)
        else:
            d.replace(tmp, name)
        return True
    except OSError:
        return False
    finally:
        d.unlink(tmp)


# ----------------------------------------------------------------------- the secret


def _secret(d: _Dir) -> bytes | None:
    """This user's HMAC key in the directory; created when missing, replaced when it is not a
    private regular file of this user (entries made with the old one then fail and are rebuilt)."""
    found = _read_secret(d)
    if found is None:
        fresh = os.urandom(_SECRET_BYTES)
        if _write_entry(d, SECRET_NAME, fresh, exclusive=True):
            found = fresh
        else:  # another process made one first (read it), or a bad one is in the way (replace it)
            found = _read_secret(d)
            if found is None and _write_entry(d, SECRET_NAME, fresh):
                found = _read_secret(d)
    return found


def _read_secret(d: _Dir) -> bytes | None:
    try:
        fd = d.open(SECRET_NAME, os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK)
    except OSError:
        return None
    try:
        st = _owned_regular(fd, _SECRET_BYTES)
        if st is None or st.st_size != _SECRET_BYTES or (_POSIX and st.st_mode & 0o077):
            return None
        blob = _read_fd(fd, _SECRET_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    return blob if blob is not None and len(blob) == _SECRET_BYTES else None


def _tag(secret: bytes, key_hex: bytes, payload: bytes) -> bytes:
    import hmac

    return hmac.new(secret, key_hex + b"\n" + payload, hashlib.sha256).hexdigest().encode("ascii")


# ----------------------------------------------------------------------- entries


def read(name: str, key: str, *, max_bytes: int = MAX_ENTRY) -> bytes | None:
    """The payload stored under name for this key, or None (missing, stale, someone else's,
    unauthenticated or corrupt)."""
    d = _open_dir(create=False)
    if d is None:
        return None
    try:
        blob = _read_entry(d, name, max_bytes + _HEADER)
        if blob is None or len(blob) < _HEADER or not blob.startswith(_MAGIC):
            return None
        key_hex = blob[len(_MAGIC) : len(_MAGIC) + 64]
        tag = blob[len(_MAGIC) + 65 : _HEADER - 1]
        payload = blob[_HEADER:]
        if key_hex != _norm_key(key).encode("ascii"):
            return None
        secret = _secret(d)
        if secret is None:
            return None
        import hmac

        if not hmac.compare_digest(tag, _tag(secret, key_hex, payload)):
            return None
        return payload
    finally:
        d.close()


def write(name: str, key: str, payload: bytes) -> bool:
    """Store payload atomically; False (and no exception) when the cache cannot be written."""
    if len(payload) > MAX_ENTRY:
        return False
    d = _open_dir(create=True)
    if d is None:
        return False
    try:
        secret = _secret(d)
        if secret is None:
            return False
        key_hex = _norm_key(key).encode("ascii")
        blob = _MAGIC + key_hex + b"\n" + _tag(secret, key_hex, payload) + b"\n" + payload
        return _write_entry(d, name, blob)
    finally:
        d.close()


def _norm_key(key: str) -> str:
    """Keys of any length become a fixed 64-character hex digest."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


# ----------------------------------------------------------------------- JSON payloads


def read_json(name: str, key: str, *, max_bytes: int = MAX_ENTRY) -> Any:
    """The JSON value stored under name (None for a miss or anything that is not JSON). JSON
    has no references, so the decoded value is linear in the entry's (bounded) size."""
    raw = read(name, key, max_bytes=max_bytes)
    if raw is None:
        return None
    import json

    try:
        return json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def write_json(name: str, key: str, value: Any) -> bool:
    import json

    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return False
    return write(name, key, text.encode("utf-8", "surrogatepass"))


# ----------------------------------------------------------------------- packed trees
#
# For large indexes of bytes and str columns (the gazetteer), where JSON would be slow:
#   b"CNPK1\n" + u32 header length + header (JSON) + segments
# The header is a tree of nodes: ["s", start, end] (UTF-8 text in the segments),
# ["b", start, end] (bytes), ["i", n], ["n"], ["T", true|false], ["t", [nodes]] (tuple),
# ["l", [nodes]] (list), ["d", [[key, node], ...]] (dict with string or integer keys).
# unpack() checks the header size, the number of nodes, the depth and every segment bound
# before building anything; any violation is ValueError.

_PACK_MAGIC = b"CNPK1\n"
PACK_MAX_HEADER = 1024 * 1024
PACK_MAX_NODES = 100_000
PACK_MAX_DEPTH = 16


def pack(value: Any) -> bytes:
    """value (dict/list/tuple/str/bytes/int/bool/None) -> bytes for unpack()."""
    import json

    segments: list[bytes] = []
    size = 0

    def seg(blob: bytes) -> list[int]:
        nonlocal size
        start = size
        segments.append(blob)
        size += len(blob)
        return [start, size]

    def node(v: Any) -> list[Any]:
        if v is None:
            return ["n"]
        if isinstance(v, bool):
            return ["T", v]
        if isinstance(v, int):
            return ["i", v]
        if isinstance(v, str):
            return ["s", *seg(v.encode("utf-8", "surrogatepass"))]
        if isinstance(v, (bytes, bytearray)):
            return ["b", *seg(bytes(v))]
        if isinstance(v, tuple):
            return ["t", [node(x) for x in v]]
        if isinstance(v, list):
            return ["l", [node(x) for x in v]]
        if isinstance(v, dict):
            if not all(type(k) in (str, int) for k in v):
                raise TypeError("pack: dict keys must be strings or integers")
            return ["d", [[k, node(x)] for k, x in v.items()]]
        raise TypeError(f"pack: cannot store {type(v).__name__}")

    header = json.dumps(node(value), separators=(",", ":")).encode("ascii")
    return _PACK_MAGIC + len(header).to_bytes(4, "little") + header + b"".join(segments)


def unpack(blob: bytes) -> Any:
    """The value pack() stored; ValueError for anything else (never a crash, never a blow-up)."""
    import json

    start = len(_PACK_MAGIC) + 4
    if len(blob) < start or not blob.startswith(_PACK_MAGIC):
        raise ValueError("not a packed value")
    hlen = int.from_bytes(blob[len(_PACK_MAGIC) : start], "little")
    if hlen > PACK_MAX_HEADER or start + hlen > len(blob):
        raise ValueError("bad header length")
    try:
        tree = json.loads(blob[start : start + hlen].decode("ascii"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError("bad header") from None
    body = memoryview(blob)[start + hlen :]
    count = 0

    def span(n: list[Any]) -> memoryview:
        if (
            len(n) != 3
            or not all(type(x) is int for x in n[1:])
            or not 0 <= n[1] <= n[2] <= len(body)
        ):
            raise ValueError("bad segment")
        return body[n[1] : n[2]]

    def build(n: Any, depth: int) -> Any:
        nonlocal count
        count += 1
        if count > PACK_MAX_NODES or depth > PACK_MAX_DEPTH:
            raise ValueError("too many values or too deep")
        if not isinstance(n, list) or not n or not isinstance(n[0], str):
            raise ValueError("bad node")
        tag = n[0]
        if tag == "s":
            try:
                return str(span(n), "utf-8", "surrogatepass")
            except UnicodeDecodeError:
                raise ValueError("bad text") from None
        if tag == "b":
            return bytes(span(n))
        if tag == "n" and len(n) == 1:
            return None
        if tag == "T" and len(n) == 2 and isinstance(n[1], bool):
            return n[1]
        if tag == "i" and len(n) == 2 and type(n[1]) is int:
            return n[1]
        if tag in ("t", "l", "d") and len(n) == 2 and isinstance(n[1], list):
            if tag == "d":
                out: dict[Any, Any] = {}
                for pair in n[1]:
                    if not (
                        isinstance(pair, list) and len(pair) == 2 and type(pair[0]) in (str, int)
                    ):
                        raise ValueError("bad dict item")
                    out[pair[0]] = build(pair[1], depth + 1)
                return out
            items = [build(x, depth + 1) for x in n[1]]
            return tuple(items) if tag == "t" else items
        raise ValueError("bad node")

    return build(tree, 0)


def read_packed(name: str, key: str, *, max_bytes: int = MAX_ENTRY) -> Any:
    """The value stored with write_packed (None for a miss or a bad entry)."""
    raw = read(name, key, max_bytes=max_bytes)
    if raw is None:
        return None
    try:
        return unpack(raw)
    except ValueError:
        return None


def write_packed(name: str, key: str, value: Any) -> bool:
    try:
        blob = pack(value)
    except (TypeError, ValueError):
        return False
    return write(name, key, blob)
