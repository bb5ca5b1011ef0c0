"""The one place that maps domain errors to HTTP."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_409_CONFLICT,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from sqlalchemy.exc import DataError, IntegrityError

from kernel.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from web.accounts import BadCredentialsError, TooManyAttemptsError

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
    return Response(
        error_body(status, exc.message, exc.field, **exc.data),
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
    """A number too large for the database, or JSON nested too deep to read: the request is
    malformed; nothing was written (the transaction rolled back as the error passed)."""
    log.info("refused %s %s: %s", request.method, request.url.path, type(exc).__name__)
    message = (
        "the request is nested too deeply"
        if isinstance(exc, RecursionError)
        else "a number in the request is out of range"
    )
    return Response(
        error_body(HTTP_400_BAD_REQUEST, message),
        status_code=HTTP_400_BAD_REQUEST,
        media_type=MediaType.JSON,
    )


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response(
        error_body(HTTP_500_INTERNAL_SERVER_ERROR, "internal error; nothing was saved"),
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
        media_type=MediaType.JSON,
    )


EXCEPTION_HANDLERS = {
    DomainError: domain_error_handler,
    IntegrityError: integrity_error_handler,
    DataError: out_of_range_handler,
    OverflowError: out_of_range_handler,
    RecursionError: out_of_range_handler,
    HTTPException: http_exception_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: unexpected_error_handler,
}
