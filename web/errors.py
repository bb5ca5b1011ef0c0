"""The one place that maps domain errors to HTTP."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Controller, HttpMethod, MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.utils import join_paths
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from kernel.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from web.accounts.users import BadCredentialsError, TooManyAttemptsError

log = logging.getLogger("otop.web")

STATUS: list[tuple[type[DomainError], int]] = [
    (InvalidInputError, HTTP_422_UNPROCESSABLE_ENTITY),
    (NotFoundError, HTTP_404_NOT_FOUND),
    (ConflictError, HTTP_409_CONFLICT),
    (ForbiddenError, HTTP_403_FORBIDDEN),
    (BadCredentialsError, HTTP_401_UNAUTHORIZED),
    (TooManyAttemptsError, HTTP_429_TOO_MANY_REQUESTS),
]


def status_of(error: DomainError) -> int:
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    return HTTP_422_UNPROCESSABLE_ENTITY


def error_body(status: int, message: str, field: str | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"status_code": status, "detail": message}
    if field:
        body["field"] = field
    body.update(extra)
    return body


def domain_error_handler(_: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    status = status_of(exc)
    params = {  # a cause travels as its code and values, like the error itself
        name: {"code": value.code, **value.params} if isinstance(value, DomainError) else value
        for name, value in exc.params.items()
    }
    return Response(
        error_body(status, exc.message, exc.field, **params),
        status_code=status,
        media_type=MediaType.JSON,
    )


def integrity_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # A constraint the services did not foresee: the change is refused whole, never half-written.
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
    return Response(
        error_body(HTTP_409_CONFLICT, "the change conflicts with stored data and was not saved"),
        status_code=HTTP_409_CONFLICT,
        media_type=MediaType.JSON,
    )


def http_exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, HTTPException)
    if exc.status_code == HTTP_401_UNAUTHORIZED and _is_page(request):
        return Redirect(path=f"/login?next={quote(request.url.path)}", status_code=303)
    extra: dict[str, Any] = {}
    if isinstance(exc, ValidationException) and exc.extra:
        extra["errors"] = exc.extra
        fields = [e.get("key") for e in exc.extra if isinstance(e, dict) and e.get("key")]
        if fields:
            extra["field"] = fields[0]
    return Response(
        error_body(exc.status_code, exc.detail, **extra),
        status_code=exc.status_code,
        media_type=MediaType.JSON,
        headers=exc.headers,
    )


def _is_page(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    return request.method == "GET" and not path.startswith(("/api/", "/static/", "/schema"))


def out_of_range_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A number too large for the database, a date beyond what a datetime holds, or JSON nested
    too deep to read: the request is malformed; nothing was written (the transaction rolled
    back as the error passed)."""
    log.info("refused %s %s: %s", request.method, request.url.path, type(exc).__name__)
    message = (
        "the request is nested too deeply"
        if isinstance(exc, RecursionError)
        else "a number or a date in the request is out of range"
    )
    return Response(
        error_body(HTTP_400_BAD_REQUEST, message),
        status_code=HTTP_400_BAD_REQUEST,
        media_type=MediaType.JSON,
    )


def statement_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A value SQLAlchemy could not bind: a date so early that it has no UTC instant
    (``0001-01-01`` in Bangkok is in year 0 in UTC), found by schemathesis on
    ``/api/v1/payouts/preview?cutoff_date=0001-01-07``. Out of range like a too-large number;
    any other failing statement is unexpected."""
    assert isinstance(exc, StatementError)
    if isinstance(exc.orig, OverflowError):
        return out_of_range_handler(request, exc.orig)
    return unexpected_error_handler(request, exc)


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response(
        error_body(HTTP_500_INTERNAL_SERVER_ERROR, "internal error; nothing was saved"),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


@dataclass
class ErrorBody:
    """Every error the API answers: its status, what is wrong and, when one input is to blame,
    that field. A refused body lists each problem in ``errors``; some errors add what the
    client needs to act on (the short lines of a sale, a webhook's outcome)."""

    status_code: int
    detail: str
    field: str | None = None
    errors: list[dict[str, Any]] | None = None


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(ErrorBody, description=description, generate_examples=False)


ERROR_RESPONSES: dict[int, ResponseSpec] = {
    HTTP_400_BAD_REQUEST: _error("Malformed request: a parameter or the body fails validation"),
    HTTP_401_UNAUTHORIZED: _error("Not signed in, or a wrong password or signature"),
    HTTP_403_FORBIDDEN: _error("Not allowed for this role, or the CSRF token is missing"),
    HTTP_404_NOT_FOUND: _error("Not found (or not this entrepreneur's)"),
    HTTP_409_CONFLICT: _error("Conflicts with the stored state: a duplicate, a stale version"),
    HTTP_422_UNPROCESSABLE_ENTITY: _error("Well-formed, but breaks a rule of the shop"),
}
TOO_LARGE = {HTTP_413_REQUEST_ENTITY_TOO_LARGE: _error("The body is larger than allowed")}
TOO_MANY_ATTEMPTS = {
    HTTP_429_TOO_MANY_REQUESTS: _error("Too many failed sign-ins for this username; wait")
}
WITH_BODY = {HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH}


def document_errors(controllers: Sequence[type[Controller]]) -> list[type[Controller]]:
    """The house errors in every API operation's OpenAPI responses (a handler's own entries
    win), so that a client, and schemathesis, know each status and its body."""
    for controller in controllers:
        for handler in vars(controller).values():
            prefix = vars(controller).get("path", "/")
            if isinstance(handler, HTTPRouteHandler) and any(
                join_paths([prefix, path]).startswith("/api/") for path in handler.paths
            ):
                errors = dict(ERROR_RESPONSES)
                if handler.http_methods & WITH_BODY:
                    errors.update(TOO_LARGE)
                handler.responses = {**errors, **(handler.responses or {})}
    return list(controllers)


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    IntegrityError: integrity_error_handler,
    DataError: out_of_range_handler,
    StatementError: statement_error_handler,  # the closest class wins: not for the two above
    OverflowError: out_of_range_handler,
    RecursionError: out_of_range_handler,
    HTTPException: http_exception_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: unexpected_error_handler,
}
