"""Domain errors. The web layer maps each class to one HTTP status in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refusal the caller can act on; ``field`` names the offending input when known."""

    def __init__(self, message: str, *, field: str | None = None, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.data = data


class InvalidInputError(DomainError):
    """The input breaks a rule (HTTP 422)."""


class NotFoundError(DomainError):
    """The thing named does not exist, or the caller may not know it exists (HTTP 404)."""


class ConflictError(DomainError):
    """The input clashes with what is stored: a duplicate, a stale version (HTTP 409)."""


class ForbiddenError(DomainError):
    """The caller's role may not do this (HTTP 403)."""
