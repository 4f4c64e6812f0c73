"""Errors that reach the user, each carrying the exit code the command-line contract gives it."""

from __future__ import annotations

# Exit codes (README, "Exit codes"; DESIGN.md, "Command-line contract").
EXIT_OK = 0
EXIT_NOT_FOUND = 1  # no place found, or validate found errors
EXIT_USAGE = 2
EXIT_AMBIGUOUS = 3
EXIT_DATA = 4  # the dataset (or a named input file) could not be loaded
EXIT_INTERNAL = 70  # a bug: reported in one line, never as a traceback
EXIT_INTERRUPTED = 130


class CrisisNavError(Exception):
    """Base class: a message for standard error and an exit code."""

    exit_code = EXIT_NOT_FOUND

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CrisisNavError):
    exit_code = EXIT_USAGE


class DataError(CrisisNavError):
    """The dataset or another named input could not be read or parsed at all."""

    exit_code = EXIT_DATA

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        col: int | None = None,
        code: str = "unreadable",
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path
        self.line = line
        self.col = col
        self.code = code

    def location(self) -> str:
        parts = [self.path or "<data>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


class NotFoundError(CrisisNavError):
    exit_code = EXIT_NOT_FOUND


class AmbiguousError(CrisisNavError):
    exit_code = EXIT_AMBIGUOUS
