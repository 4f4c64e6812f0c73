"""`python -m crisisnav` and the `crisisnav` console script.

Process-level guards live here, before any command runs:
- The CLI is imported inside run(), so a Ctrl-C that lands while Python is still importing Typer
  exits 130 with one line, like a Ctrl-C anywhere else, never with a traceback.
- A closed standard stream (`<&-`, `>&-`, `2>&-`) is reopened on the null device, so reading
  gives end of input, output is dropped, and the exit code is the command's own.
- SIGTERM and SIGHUP unwind the stack (removing any temp file being written: the cache and
  fileio.write_atomic clean up in `finally`), then end the process with that signal.
- Arguments: on a system whose locale is not UTF-8 (LC_ALL=C without UTF-8 mode) Python decodes
  them as ASCII with surrogate escapes; text arguments are decoded as UTF-8 instead, so
  "Española" stays "Española". Path arguments keep the system's own decoding (that is how the
  file is named on disk). An empty path (`--data ''`, `-o ''`) is a usage error naming the option.
- An output that fails after the command finished (full disk, closed pipe on the final flush)
  is reported in one line, never as "internal error".
"""

from __future__ import annotations

import os
import sys

# Options whose value is a path (kept in the system's decoding; an empty value is refused).
PATH_OPTIONS = ("--data", "--batch", "--output", "-o", "--out-dir")
EXIT_USAGE = 2  # errors.EXIT_USAGE, without importing it before it is needed
EXIT_WRITE = 1  # as for a file the user named that could not be written


class Terminated(BaseException):
    """SIGTERM or SIGHUP: unwinds like SystemExit, then the process ends with that signal."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def run() -> None:
    _reopen_closed_streams()
    _install_signal_handlers()
    code: object = 0
    try:
        bad = _check_arguments(sys.argv)
        if bad is not None:
            _say(bad)
            code = EXIT_USAGE
        else:
            from crisisnav.cli import main

            main()
    except SystemExit as exc:
        code = exc.code
        if code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            code = 0  # Click's answer to a closed pipe (`crisisnav --help | true`) is exit 1
    except KeyboardInterrupt:
        _say("crisisnav: interrupted")
        code = 130
    except Terminated as exc:
        _die_of(exc.signum)
    except OSError as exc:  # an output error outside a command (Typer's --help, --version)
        code = _output_failed(exc)
    code = _final_flush(code)
    raise SystemExit(code)


def _say(message: str) -> None:
    try:
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def _reopen_closed_streams() -> None:
    """Point a closed fd 0, 1 or 2 at the null device and give Python a stream for it."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
            if getattr(sys, name) is not None:
                continue
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
            except OSError:
                continue
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
        try:
            stream = open(  # noqa: SIM115 - the process's standard stream, never closed here
                fd,
                "r" if fd == 0 else "w",
                encoding="utf-8",
                errors="replace" if fd == 0 else "backslashreplace",
                closefd=False,
            )
        except OSError:
            continue
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def _install_signal_handlers() -> None:
    import signal

    def handler(signum: int, frame: object) -> None:
        raise Terminated(signum)

    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is None:
            continue
        try:
            if signal.getsignal(sig) == signal.SIG_DFL:
                signal.signal(sig, handler)
        except (ValueError, OSError):  # not the main thread, or not allowed here
            pass


def _die_of(signum: int) -> None:
    """Temp files are gone (the stack has unwound): end the way the signal would have."""
    import signal

    try:
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError):
        pass
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
    raise SystemExit(128 + signum)  # not reached where the signal is deliverable


def _check_arguments(argv: list[str]) -> str | None:
    """Decode text arguments as UTF-8 where the locale is not (in place); the message for an
    empty path argument, else None."""
    redecode = sys.getfilesystemencoding().lower().replace("-", "") != "utf8"
    command = next((a for a in argv[1:] if not a.startswith("-")), "")
    path_next = False
    for i in range(1, len(argv)):
        arg = argv[i]
        if path_next:
            path_next = False
            if arg == "":
                return f"crisisnav: {argv[i - 1]}: the path is empty; give a file name"
            continue
        if arg in PATH_OPTIONS:
            path_next = True
            continue
        opt, eq, value = arg.partition("=")
        if eq and opt in PATH_OPTIONS:
            if value == "":
                return f"crisisnav: {opt}: the path is empty; give a file name"
            continue
        if command == "validate" and arg == "":
            return "crisisnav: validate: the path is empty; give a file name"
        if redecode and command != "validate":
            argv[i] = _as_utf8(arg)
    return None


def _as_utf8(arg: str) -> str:
    try:
        return os.fsencode(arg).decode("utf-8")
    except (UnicodeError, ValueError):
        return arg


def _final_flush(code: object) -> object:
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError):
            return _output_failed(exc)
    return code


def _output_failed(exc: OSError) -> int:
    """A closed pipe is a quiet exit 0 (`crisisnav --help | head -1`); any other output error
    (a full disk, an I/O error) is one line and exit 1."""
    import errno

    _silence_stdout()
    if exc.errno == errno.EPIPE or isinstance(exc, BrokenPipeError):
        return 0
    reason = exc.strerror or str(exc)
    _say(f"crisisnav: cannot write to standard output: {reason}")
    return EXIT_WRITE


def _silence_stdout() -> None:
    """After a failed write, point stdout at the null device so the interpreter's own final
    flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    run()
