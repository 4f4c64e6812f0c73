"""A small content-keyed cache on disk, used to skip re-parsing the dataset and the gazetteer.

Rules: writes are atomic (temp file + os.replace); a missing, unreadable, truncated or
corrupt entry is a miss, never trusted; an unwritable directory (read-only, full disk,
no HOME) only means no cache. Nothing but derived data is ever written: never a query.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

_MAGIC = b"CNAV1\n"
MAX_ENTRY = 256 * 1024 * 1024  # bytes; the largest real entry (the gazetteer index) is ~2 MB


def cache_dir() -> Path | None:
    """$CRISISNAV_CACHE_DIR, else $XDG_CACHE_HOME/crisisnav, else ~/.cache/crisisnav; None if none."""
    explicit = os.environ.get("CRISISNAV_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None  # empty string disables the cache
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is invalid and ignored
        return Path(xdg) / "crisisnav"
    home = os.environ.get("HOME")
    if not home or not os.path.isabs(home):  # never a cache relative to the working directory
        return None
    return Path(home) / ".cache" / "crisisnav"


def _entry_path(name: str) -> Path | None:
    base = cache_dir()
    return None if base is None else base / name


def read(name: str, key: str) -> bytes | None:
    """The payload stored under name for this key, or None (missing, stale or corrupt)."""
    path = _entry_path(name)
    if path is None:
        return None
    blob = _read_regular(path)
    if blob is None:
        return None
    header_end = len(_MAGIC) + 64 + 1 + 64 + 1
    if len(blob) < header_end or not blob.startswith(_MAGIC):
        return None
    stored_key = blob[len(_MAGIC) : len(_MAGIC) + 64].decode("ascii", "replace")
    digest = blob[len(_MAGIC) + 65 : len(_MAGIC) + 129].decode("ascii", "replace")
    payload = blob[header_end:]
    if stored_key != _norm_key(key) or hashlib.sha256(payload).hexdigest() != digest:
        return None
    return payload


def _read_regular(path: Path) -> bytes | None:
    """The bytes of a regular file of at most MAX_ENTRY bytes; None for anything else. Opened
    non-blocking and checked with fstat, so a FIFO, a device (/dev/zero) or a huge file put in
    the cache directory is a miss, never a hang or an unbounded read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ENTRY:
            return None
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > MAX_ENTRY:
                return None
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def write(name: str, key: str, payload: bytes) -> bool:
    """Store payload atomically; False (and no exception) when the cache cannot be written."""
    path = _entry_path(name)
    if path is None:
        return False
    blob = (
        _MAGIC
        + _norm_key(key).encode("ascii")
        + b"\n"
        + hashlib.sha256(payload).hexdigest().encode("ascii")
        + b"\n"
        + payload
    )
    from crisisnav.fileio import write_atomic

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, blob, private=True)
        return True
    except OSError:
        return False


def _norm_key(key: str) -> str:
    """Keys of any length become a fixed 64-character hex digest."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
