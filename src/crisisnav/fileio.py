"""Reading a named input file safely: size limit, regular files only, never blocking on a FIFO.

Kept apart from yamlsafe so a warm `lookup` (which only needs the file's bytes for the cache key)
does not import the YAML machinery.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from crisisnav import errors

MAX_BYTES = 20 * 1024 * 1024  # larger files are refused, not parsed


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, or DataError (code file-missing/not-a-file/too-large/unreadable).

    Never blocks on a FIFO: the type is checked before opening, and the open is non-blocking.
    """
    p = os.fspath(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise errors.DataError("no such file", path=p, code="file-missing") from None
    except OSError as exc:
        raise errors.DataError(f"cannot read the file ({exc.strerror})", path=p,
                               code="unreadable") from None  # fmt: skip
    if not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file (FIFO, device or socket)"
        raise errors.DataError(f"{what}, not a dataset file", path=p, code="not-a-file")
    if st.st_size > MAX_BYTES:
        raise errors.DataError(
            f"the file is {st.st_size / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB",
            path=p, code="too-large",
        )  # fmt: skip
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise errors.DataError("not a regular file", path=p, code="not-a-file")
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise errors.DataError(f"cannot read the file ({exc.strerror or exc})", path=p,
                               code="unreadable") from None  # fmt: skip
    if len(data) > MAX_BYTES:
        raise errors.DataError("the file is over the 20 MB limit", path=p, code="too-large")
    return data
