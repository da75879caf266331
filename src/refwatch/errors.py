"""One exception tree for the whole package.

Every error that a user can cause or needs to act on derives from
:class:`RefwatchError`. Messages are written to be shown as they are: they name
the file, field or setting at fault and say what to do, and they never contain
victim data (names, narratives, file contents)::

    RefwatchError
    ├── ConfigError        a setting is missing or invalid
    ├── InvalidInput       bad user input (arguments, metadata, tables)
    │   └── IngestError    one file could not be ingested (carries the path)
    ├── NotFound           an id that does not exist
    ├── Conflict           the change clashes with stored state
    ├── NotAuthenticated   no valid credentials (web and API)
    ├── PermissionDenied   the caller may not do this
    └── EstimationError    a statistical model cannot give an answer

The CLI maps ``InvalidInput``, ``NotFound``, ``Conflict``, ``PermissionDenied``,
``NotAuthenticated``, ``ConfigError`` and ``EstimationError`` to exit code 1; anything else is an
internal failure (exit code 3). The web application maps them to HTTP codes.
"""

from __future__ import annotations

from pathlib import Path


class RefwatchError(Exception):
    """Base of every error raised on purpose by refwatch."""

    code = "error"


class ConfigError(RefwatchError):
    """A setting is missing, malformed or unsafe."""

    code = "config_error"


class InvalidInput(RefwatchError):
    """The caller's input cannot be used; the message says which part and why."""

    code = "invalid_input"


class IngestError(InvalidInput):
    """One file could not be ingested; the batch goes on without it."""

    code = "ingest_error"

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NotFound(RefwatchError):
    """A requested record does not exist."""

    code = "not_found"


class Conflict(RefwatchError):
    """The requested change clashes with what is stored."""

    code = "conflict"


class NotAuthenticated(RefwatchError):
    """No valid credentials were given (a missing, unknown or revoked token, a wrong password)."""

    code = "not_authenticated"


class PermissionDenied(RefwatchError):
    """The caller's role does not allow this action."""

    code = "permission_denied"


class EstimationError(RefwatchError):
    """A population estimate cannot be computed from this table or model."""

    code = "estimation_error"
