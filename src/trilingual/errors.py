"""The one error root of the package.

Only the CLI turns these into messages and exit codes; the core raises them.
"""

from __future__ import annotations

from pathlib import Path


class TrilingualError(Exception):
    """Base of every error the tool reports to its user."""

    exit_code = 2


class InputError(TrilingualError):
    """Bad input: a file the user wrote that the tool cannot accept.

    Carries the file and line so that the message reads `path:line: what`.
    """

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(self.location() + ": " + message)

    def __reduce__(self) -> tuple[type[InputError], tuple[Path, int | None, str]]:
        # Errors raised in a worker process travel back pickled.
        return (InputError, (self.path, self.line, self.message))

    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


class UsageError(TrilingualError):
    """A command was asked for something that cannot be done (unknown slug, language...)."""


class LockTimeout(TrilingualError):
    """Another trilingual process held the repository lock for too long."""
