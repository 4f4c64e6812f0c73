"""Reading a named input file safely: size limit, regular files only, never blocking on a FIFO.

Kept apart from yamlsafe so a warm `lookup` (which only needs the file's bytes for the cache key)
does not import the YAML machinery.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

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


_UMASK: int | None = None


def _umask() -> int:
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


def write_atomic(target: str | Path, payload: bytes, *, overwrite: bool = True, private: bool = False) -> None:
    """Write payload to target through a temporary file in the same directory, so no reader ever
    sees half a file. Raises OSError.

    overwrite=False never replaces an existing file (FileExistsError): the temp file is hard-linked
    into place, or — on FAT/exFAT and shares without hard links — the name is created exclusively.
    private=True keeps the temp file's 0600 mode (the cache); otherwise 0666 less the umask, and
    a target that is a device, FIFO or socket (-o /dev/null) is written into, never replaced.
    """
    import tempfile

    target = Path(target)
    existing = None
    if not private:  # the cache replaces whatever sits at its own entry's name
        try:
            existing = os.stat(target)  # follows links: `-o /dev/stdout` is the device behind it
        except OSError:
            existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode) and not stat.S_ISDIR(existing.st_mode):
        # A device, FIFO or socket the user named (-o /dev/null, -o /dev/stdout, a pipe): write
        # into it. Renaming over it would replace /dev/null itself with a regular file.
        if not overwrite:
            raise FileExistsError(errno.EEXIST, "exists and is not a regular file", str(target))
        with open(target, "wb") as fh:
            fh.write(payload)
        return
    parent = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        if not private:
            os.chmod(tmp, 0o666 & ~_umask())
        if overwrite:
            os.replace(tmp, target)
            return
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise
        except OSError:
            _write_exclusive(target, payload, 0o600 if private else 0o666)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _write_exclusive(target: Path, payload: bytes, mode: int) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
    except BaseException:
        try:
            os.unlink(target)
        except OSError:
            pass
        raise


LINE_LIMIT = 64 * 1024  # bytes kept of one batch line; the rest of a longer line is skipped


def bounded_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines of a binary stream, each at most LINE_LIMIT bytes (with its newline, if it fits).
    The rest of an over-long line is read and dropped in chunks after its first part is handed
    out, so memory never grows with a line and a caller can stop at a binary first line."""
    while True:
        chunk = stream.readline(LINE_LIMIT)
        if not chunk:
            return
        yield chunk
        if len(chunk) == LINE_LIMIT and not chunk.endswith(b"\n"):
            while True:  # skip to the end of this line
                rest = stream.readline(LINE_LIMIT)
                if not rest or rest.endswith(b"\n"):
                    break


def batch_lines(source: str) -> Iterator[bytes]:
    """The lines of a batch input (`-` is standard input), each bounded by bounded_lines.
    DataError (exit 4) when the file cannot be opened or read."""
    import sys

    if source == "-":
        yield from bounded_lines(sys.stdin.buffer)
        return
    try:
        fh = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise errors.DataError(
            f"cannot read the batch file: {exc.strerror or exc}", path=source, code="unreadable"
        ) from None
    with fh:
        try:
            yield from bounded_lines(fh)
        except OSError as exc:
            raise errors.DataError(f"cannot read the batch file: {exc.strerror or exc}", path=source) from None
