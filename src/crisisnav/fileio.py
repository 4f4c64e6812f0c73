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
        what = (
            "a directory"
            if stat.S_ISDIR(st.st_mode)
            else "not a regular file (FIFO, device or socket)"
        )
        raise errors.DataError(f"{what}, not a dataset file", path=p, code="not-a-file")
    if st.st_size > MAX_BYTES:
        raise errors.DataError(
            f"the file is {st.st_size / 1e6:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB",
            path=p, code="too-large",
        )  # fmt: skip
    # One snapshot: a file being rewritten in place while it is read (size or modification
    # time changing under us, or fewer bytes than fstat said) is read again, never used torn.
    for _attempt in range(SNAPSHOT_TRIES):
        data, torn = _read_once(p)
        if not torn:
            break
        import time

        time.sleep(0.05)
    else:
        raise errors.DataError(
            "the file kept changing while it was being read", path=p, code="unreadable",
            hint="wait until whatever is writing it has finished (or replace it atomically) and run again",
        )  # fmt: skip
    return data


SNAPSHOT_TRIES = 5


def _read_once(p: str) -> tuple[bytes, bool]:
    """(bytes, torn): torn when the file changed while it was read."""
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            before = os.fstat(fh.fileno())
            if not stat.S_ISREG(before.st_mode):
                raise errors.DataError("not a regular file", path=p, code="not-a-file")
            data = fh.read(MAX_BYTES + 1)
            after = os.fstat(fh.fileno())
    except OSError as exc:
        raise errors.DataError(f"cannot read the file ({exc.strerror or exc})", path=p,
                               code="unreadable") from None  # fmt: skip
    if len(data) > MAX_BYTES:
        raise errors.DataError("the file is over the 20 MB limit", path=p, code="too-large")
    torn = len(data) != after.st_size or (before.st_size, before.st_mtime_ns) != (
        after.st_size,
        after.st_mtime_ns,
    )
    return data, torn


_UMASK: int | None = None


def _umask() -> int:
    global _UMASK
    if _UMASK is None:
        _UMASK = os.umask(0o022)
        os.umask(_UMASK)
    return _UMASK


def write_atomic(
    target: str | Path, payload: bytes, *, overwrite: bool = True, private: bool = False
) -> None:
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
    if (
        existing is not None
        and not stat.S_ISREG(existing.st_mode)
        and not stat.S_ISDIR(existing.st_mode)
    ):
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
LINE_SKIP_LIMIT = 256 * 1024 * 1024  # a "line" longer than this is an endless input: refused
READ_CHUNK = 64 * 1024


def bounded_lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Lines of a binary stream split at LF only, each at most LINE_LIMIT bytes (with its
    newline, if it fits); the rest of an over-long line is skipped. (Batch input goes through
    batch_queries, which also splits at CR and CRLF and decodes.)"""
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


class BatchLine:
    """One query line of a batch input: its 1-based physical line number, its text (stripped;
    undecodable bytes as U+FFFD) and what is wrong with it, if anything:
    "not-utf8", "binary" (NUL characters) or "too-long" (over LINE_LIMIT bytes; cut)."""

    __slots__ = ("number", "text", "problem")

    def __init__(self, number: int, text: str, problem: str | None = None) -> None:
        self.number = number
        self.text = text
        self.problem = problem

    def __repr__(self) -> str:
        return f"BatchLine({self.number}, {self.text[:40]!r}, {self.problem!r})"


def batch_queries(source: str) -> Iterator[BatchLine]:
    """The one batch-input policy of every command (lookup, places, sheet):

    - `-` is standard input; anything else a file (a pipe such as `<(cmd)` is fine). A device
      other than a terminal or /dev/null (`/dev/zero`, `/dev/urandom`), a directory or a path that cannot be opened is refused
      (DataError, exit 4) before anything is read.
    - Encoding: UTF-8; a UTF-8 byte-order mark is dropped; a UTF-16 byte-order mark (Excel's
      "Unicode Text") means UTF-16 LE or BE. Undecodable bytes become U+FFFD and the line is
      flagged "not-utf8".
    - Line breaks: LF, CRLF and a lone CR (old Mac) all end a line.
    - Blank lines and lines starting with `#` (after spaces) are not queries: skipped by
      every command. Line numbers count every physical line.
    - A line with a NUL character is flagged "binary"; a line over LINE_LIMIT bytes is cut and
      flagged "too-long", its rest read and dropped; a single line over LINE_SKIP_LIMIT bytes
      (an endless input with no line break, such as `cat /dev/zero |`) refuses the input.
    - Streaming: memory is bounded by LINE_LIMIT plus one read chunk, whatever the input's size.
    """
    import sys

    if source == "":
        raise errors.DataError("the path is empty; give a file name or - for standard input",
                               path="--batch", code="file-missing")  # fmt: skip
    if source == "-":
        shown = "<stdin>"
        stream = sys.stdin.buffer if sys.stdin is not None else None
        if stream is None:
            return
        yield from _checked_queries(stream, shown, "batch input")
        return
    try:
        fh = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise errors.DataError(
            f"cannot read the batch file: {exc.strerror or exc}", path=source, code="unreadable"
        ) from None
    with fh:
        yield from _checked_queries(fh, source, "batch file")


def _checked_queries(stream: IO[bytes], shown: str, what: str) -> Iterator[BatchLine]:
    """The queries of an opened batch source, refusing devices first; a read error is a DataError."""
    _refuse_device(stream, shown)
    try:
        yield from _queries(stream, shown)
    except OSError as exc:
        raise errors.DataError(
            f"cannot read the {what}: {exc.strerror or exc}", path=shown
        ) from None


def _refuse_device(stream: IO[bytes], shown: str) -> None:
    try:
        fd = stream.fileno()
        st = os.fstat(fd)
    except (OSError, ValueError, AttributeError):
        return  # not a real file (an in-memory stream in tests): nothing to check
    if stat.S_ISDIR(st.st_mode):
        raise errors.DataError("a directory, not a file of places", path=shown, code="not-a-file")
    if (
        (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode))
        and not os.isatty(fd)
        and not _is_devnull(st)
    ):
        raise errors.DataError(
            "a device, not a file of places (one place per line expected)",
            path=shown,
            code="not-a-file",
        )


def _is_devnull(st: os.stat_result) -> bool:
    """/dev/null (an empty input, e.g. a closed standard input reopened there) is fine."""
    try:
        null = os.stat(os.devnull)
    except OSError:
        return False
    return stat.S_ISCHR(st.st_mode) and st.st_rdev == null.st_rdev


_BOMS = (
    (b"\xef\xbb\xbf", None),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    read = (
        getattr(stream, "read1", None) or stream.read
    )  # read1: what is there, no waiting for more
    while True:
        chunk = read(READ_CHUNK)
        if not chunk:
            return
        yield chunk


def _utf8_chunks(stream: IO[bytes]) -> Iterator[bytes]:
    """The stream as UTF-8 bytes: a UTF-8 BOM dropped, UTF-16 (by its BOM) converted."""
    chunks = _chunks(stream)
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= 3:
            break
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            if encoding is None:
                break
            import codecs

            decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            yield decoder.decode(head).encode("utf-8", "surrogatepass")
            for chunk in chunks:
                yield decoder.decode(chunk).encode("utf-8", "surrogatepass")
            yield decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")
            return
    if head:
        yield head
    yield from chunks


def _physical_lines(stream: IO[bytes], shown: str) -> Iterator[tuple[bytes, bool]]:
    """(line without its break, cut?) for each physical line; LF, CRLF and CR all end one."""
    import re

    eol = re.compile(b"\r\n|\r|\n")
    buf = b""
    skipping = 0  # bytes dropped so far of an over-long line (0: not inside one)
    swallow_lf = False  # the last chunk ended in CR: an LF starting the next one is its pair
    for chunk in _utf8_chunks(stream):
        if swallow_lf and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        swallow_lf = False
        buf += chunk
        start = 0
        for m in eol.finditer(buf):
            if skipping:
                skipping = 0  # the end of the over-long line: its first part was handed out
            elif m.start() - start > LINE_LIMIT:
                yield buf[start : start + LINE_LIMIT], True
            else:
                yield buf[start : m.start()], False
            start = m.end()
            if m.end() == len(buf) and m.group() == b"\r":
                swallow_lf = True
        buf = buf[start:]
        if skipping:
            skipping += len(buf)
            buf = b""
            if skipping > LINE_SKIP_LIMIT:
                raise errors.DataError(
                    f"a line longer than {LINE_SKIP_LIMIT // (1024 * 1024)} MB with no line break: "
                    "not a list of places (one place per line expected)",
                    path=shown, code="too-large",
                )  # fmt: skip
        elif len(buf) > LINE_LIMIT:
            yield buf[:LINE_LIMIT], True
            skipping = len(buf)
            buf = b""
    if buf and not skipping:
        yield buf, False


def _queries(stream: IO[bytes], shown: str) -> Iterator[BatchLine]:
    number = 0
    for raw, cut in _physical_lines(stream, shown):
        number += 1
        problem = "too-long" if cut else None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
            problem = problem or "not-utf8"
        text = text.strip()
        if not text or text.startswith("#"):
            continue
        if "\x00" in text:
            problem = problem or "binary"
        yield BatchLine(number, text, problem)


def batch_lines(source: str) -> Iterator[bytes]:
    """The query lines of a batch input as UTF-8 bytes (batch_queries, without the flags)."""
    for line in batch_queries(source):
        yield line.text.encode("utf-8", "surrogatepass")


# ----------------------------------------------------------------------- outputs vs inputs


def input_identities(paths: list[str | Path | None]) -> set[tuple[int, int]]:
    """(device, inode) of each input file that exists (None entries are skipped)."""
    out = set()
    for p in paths:
        if p is None:
            continue
        try:
            st = os.stat(p)
        except (OSError, ValueError):
            continue
        out.add((st.st_dev, st.st_ino))
    return out


def is_input(target: str | Path, identities: set[tuple[int, int]]) -> bool:
    """Whether target (followed through links) is one of the input files."""
    try:
        st = os.stat(target)
    except (OSError, ValueError):
        return False
    return (st.st_dev, st.st_ino) in identities


def refuse_overwriting_inputs(target: str | Path, option: str, *inputs: str | Path | None) -> None:
    """Usage error (exit 2) when an output file is an input of the same run (`export -o F
    --data F`): the output would silently replace the dataset being read. Callers pass the
    dataset path as resolved (dataset.resolve_path: --data, CRISISNAV_DATA, the packaged file)."""
    if is_input(target, input_identities(list(inputs))):
        raise errors.UsageError(
            f"{option} {target}: that is the dataset this run reads; it would be replaced",
            hint="write the output to another file",
        )
