"""Domain errors, mapped to HTTP answers in one place (zhiben/api.py) and to form errors on pages."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every refusal a service can give."""

    status = 400

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message


class FieldErrors(DomainError):
    """Bad input: one Chinese message per offending field. Nothing was written."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class Conflict(DomainError):
    """The request clashes with the current state (duplicate key, wrong lifecycle state)."""

    status = 409

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TooManyRequests(DomainError):
    """Refused for the rate (429): ``retry_after`` seconds until the client may try again (sent as the
    ``Retry-After`` header, RFC 9110 §10.2.3)."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = max(1, int(retry_after))


class NotFound(DomainError):
    """Missing, or outside the caller's scope: the two look the same."""

    status = 404


class PermissionDenied(DomainError):
    """The caller's role may not do this at all (not a matter of scope)."""

    status = 403


class UnsupportedMediaType(DomainError):
    """The body is of a kind the endpoint does not read (a form sent to a JSON endpoint, JSON to an upload)."""

    status = 415


class ErrorCollector:
    """Gathers field errors while validating, so one answer names every bad field."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)
