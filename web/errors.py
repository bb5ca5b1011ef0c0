"""The one place that maps errors to HTTP, and says them in the asker's language.

Every error answer has the same body (:class:`ErrorBody`): the stable ``code``, its values in
``params``, and ``detail``, the sentence in the request's language. Domain errors bring their
own code; the web layer's refusals (a body that fails validation, not signed in, a page that
does not exist, an unexpected failure) are DomainErrors with codes of their own, so that one
catalogue (kernel/locale) holds every sentence. A browser's page visit gets a page instead.
"""

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
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_409_CONFLICT,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
)
from litestar.utils import join_paths
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from kernel.errors import (
    BadCredentialsError,
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    TooManyAttemptsError,
)
from kernel.i18n import translate
from web.i18n import LANGUAGES, language_of
from web.request_errors import Problem, refused_request

log = logging.getLogger("otop.web")

# Set in the scope (web.access_log) when the client disconnected before the request was read.
CLIENT_LEFT = "otop.client_left"


# --- the web layer's own refusals --------------------------------------------------------


class SignInRequiredError(DomainError):
    """Nobody is signed in (HTTP 401; a page visit goes to the sign-in page instead)."""


class BadRequestError(DomainError):
    """A header, a parameter or the body cannot be read as the operation needs (HTTP 400)."""


class TooLargeError(DomainError):
    """The body or the uploaded file is larger than allowed (HTTP 413)."""


STATUS: list[tuple[type[DomainError], int]] = [
    (InvalidInputError, HTTP_422_UNPROCESSABLE_ENTITY),
    (NotFoundError, HTTP_404_NOT_FOUND),
    (ConflictError, HTTP_409_CONFLICT),
    (ForbiddenError, HTTP_403_FORBIDDEN),
    (BadCredentialsError, HTTP_401_UNAUTHORIZED),
    (SignInRequiredError, HTTP_401_UNAUTHORIZED),
    (TooManyAttemptsError, HTTP_429_TOO_MANY_REQUESTS),
    (BadRequestError, HTTP_400_BAD_REQUEST),
    (TooLargeError, HTTP_413_REQUEST_ENTITY_TOO_LARGE),
]


def status_of(error: DomainError) -> int:
    """The class's status; a plain DomainError raised because of another (its ``cause``: an
    import stopped by a chunk's refusal) answers as its cause would."""
    for cls, status in STATUS:
        if isinstance(error, cls):
            return status
    cause = error.params.get("cause")
    if isinstance(cause, DomainError):
        return status_of(cause)
    return HTTP_422_UNPROCESSABLE_ENTITY


# --- the answer: its language, its body, a page for a browser ----------------------------


def language(request: Request[Any, Any, Any]) -> str:
    """The language of an API answer: the ``lang`` cookie or ``?lang=`` as for pages, else
    English when Accept-Language prefers it to Thai, else the shop's default (Thai)."""
    chosen = language_of(request.cookies, dict(request.query_params), "")
    if chosen:
        return chosen
    preferred = preferred_language(request.headers.get("accept-language", ""))
    return preferred or request.app.state.settings.default_language


def preferred_language(accept_language: str) -> str | None:
    """The first of our languages the header ranks highest (``en-US,en;q=0.9,th;q=0.8``: en)."""
    ranked = []
    for order, part in enumerate(accept_language.split(",")):
        tag, _, weight = part.strip().partition(";q=")
        primary = tag.strip().split("-")[0].lower()
        try:
            quality = float(weight) if weight else 1.0
        except ValueError:
            continue
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, order, primary))
    return min(ranked)[2] if ranked else None


# Keys of the body itself: a parameter of the same name stays in ``params`` only.
RESERVED = frozenset({"status_code", "code", "detail", "params", "field"})


def json_safe(value: Any) -> Any:
    """A value as the body carries it: an error given as a value (a cause) is its code and
    values, like the error itself."""
    if isinstance(value, DomainError):
        return {"code": value.code, **json_safe(value.params)}
    if isinstance(value, dict):
        return {str(name): json_safe(item) for name, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def error_body(
    status: int, error: DomainError, lang: str, problems: Sequence[Problem] = (), **extra: Any
) -> dict[str, Any]:
    """``{status_code, code, detail, params, field}``, ``errors`` for a refused request, and
    each value of ``params`` but a cause beside them too (clients read ``shortages``,
    ``pending_sale_ids`` and an import's ``errors`` there)."""
    params = json_safe(error.params)
    code = error.code
    if code == "uncoded" and isinstance(params.get("code"), str):  # TRANSITIONAL: a code
        code = params["code"]  # given as a keyword by a raise that has no code of its own yet
    body: dict[str, Any] = {
        "status_code": status,
        "code": code,
        "detail": error.message_in(lang),
        "params": params,
        "field": error.field,
    }
    body.update(
        (name, params[name])
        for name, value in error.params.items()
        if name not in RESERVED and not isinstance(value, DomainError)
    )
    if problems:
        body["errors"] = [
            {
                "code": problem.error.code,
                "message": problem.error.message_in(lang),
                "params": json_safe(problem.error.params),
                **({"key": problem.key} if problem.key else {}),
                **({"source": problem.source} if problem.source else {}),
            }
            for problem in problems
        ]
    body.update(extra)
    return body


def answer(
    request: Request[Any, Any, Any],
    status: int,
    error: DomainError,
    *,
    problems: Sequence[Problem] = (),
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    """The error as the asker reads it: a page visit signed out goes to sign in; a page that
    is forbidden, missing or failed is a page; anything else is the JSON body."""
    if _is_page(request):
        if status == HTTP_401_UNAUTHORIZED:
            return Redirect(path=f"/login?next={quote(request.url.path)}", status_code=303)
        if status in PAGE_STATUSES and (shown := error_page(request, status, error)):
            return shown
    return Response(
        error_body(status, error, language(request), problems),
        status_code=status,
        media_type=MediaType.JSON,
        headers=headers,
    )


PAGE_STATUSES = (HTTP_403_FORBIDDEN, HTTP_404_NOT_FOUND, HTTP_500_INTERNAL_SERVER_ERROR)


def _is_page(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    return request.method == "GET" and not path.startswith(("/api/", "/static/", "/schema"))


def error_page(
    request: Request[Any, Any, Any], status: int, error: DomainError
) -> Response[Any] | None:
    """``errors/page.html`` in the page's language (as every page: ``?lang=``, the cookie,
    else Thai), rendered here so that a page that cannot be rendered is answered with the
    JSON body (None) rather than a second failure."""
    lang = language_of(
        request.cookies, dict(request.query_params), request.app.state.settings.default_language
    )
    heading = {
        HTTP_403_FORBIDDEN: ("page.forbidden", "ไม่มีสิทธิ์เปิดหน้านี้"),
        HTTP_404_NOT_FOUND: ("page.not_found", "ไม่พบหน้าที่ต้องการ"),
    }.get(status, ("page.failed", "ระบบขัดข้อง เปิดหน้านี้ไม่ได้"))
    page = Template(
        template_name="errors/page.html",
        context={
            "user": request.scope.get("user"),
            "status": status,
            "code": error.code,
            "heading": translate(heading[1], lang, context=heading[0]),
            "detail": error.message_in(lang),
            "home": translate("กลับหน้าหลัก", lang, context="page.home"),
        },
    )
    try:
        engine = request.app.template_engine
        assert engine is not None
        html = engine.get_template(page.template_name or "").render(
            **page.create_template_context(request)
        )
    except Exception:  # the page of an error must not fail the answer
        log.exception("the error page for %s could not be rendered", request.url.path)
        return None
    return Response(html, status_code=status, media_type=MediaType.HTML)


# --- the handlers --------------------------------------------------------------------------


def domain_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    assert isinstance(exc, DomainError)
    return answer(request, status_of(exc), exc)


def integrity_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    # A constraint the services did not foresee: the change is refused whole, never half-written.
    log.warning("integrity error on %s %s: %s", request.method, request.url.path, exc)
    conflict = ConflictError("data.conflict", "การเปลี่ยนแปลงนี้ขัดกับข้อมูลที่บันทึกไว้ จึงไม่ได้บันทึก")
    return answer(request, HTTP_409_CONFLICT, conflict)


def http_exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's own refusals (a body that fails validation, no route, a wrong method, the
    CSRF check, a body too large) with codes, in the asker's language."""
    assert isinstance(exc, HTTPException)
    if isinstance(exc, ValidationException):
        refused, problems = refused_request(exc)
        return answer(request, exc.status_code, refused, problems=problems, headers=exc.headers)
    return answer(request, exc.status_code, _said(request, exc), headers=exc.headers)


def _said(request: Request[Any, Any, Any], exc: HTTPException) -> DomainError:
    status, path = exc.status_code, request.url.path
    if status == HTTP_401_UNAUTHORIZED:
        return SignInRequiredError("auth.required", "กรุณาเข้าสู่ระบบก่อน")
    if status == HTTP_403_FORBIDDEN and "CSRF" in str(exc.detail):
        return ForbiddenError("csrf.invalid", "โทเค็น CSRF ไม่ถูกต้องหรือหมดอายุ: โหลดหน้าใหม่แล้วลองอีกครั้ง")
    if status == HTTP_403_FORBIDDEN:
        user = request.scope.get("user")
        role = user.role.value if user is not None else "guest"
        return ForbiddenError(
            "auth.forbidden", "ผู้ใช้บทบาท {role} ไม่มีสิทธิ์ใช้ {path}", role=role, path=path
        )
    if status == HTTP_404_NOT_FOUND:
        return NotFoundError("not_found", "ไม่พบ {path}", path=path)
    if status == HTTP_405_METHOD_NOT_ALLOWED:
        return BadRequestError(
            "request.method_not_allowed",
            "ใช้คำสั่ง {method} กับ {path} ไม่ได้",
            method=request.method,
            path=path,
        )
    if status == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        return TooLargeError("request.too_large", "ข้อมูลที่ส่งมามีขนาดใหญ่เกินกำหนด")
    if status == HTTP_429_TOO_MANY_REQUESTS:
        return DomainError("request.rate_limited", "ส่งคำขอถี่เกินไป กรุณารอสักครู่แล้วลองใหม่")
    if status >= HTTP_500_INTERNAL_SERVER_ERROR:
        return _internal()
    return BadRequestError("request.malformed", "อ่านคำขอไม่ได้: ข้อมูลไม่อยู่ในรูปแบบที่ถูกต้อง")


def _client_left() -> DomainError:
    return BadRequestError("request.client_left", "การเชื่อมต่อถูกปิดก่อนส่งข้อมูลครบ")


def _internal() -> DomainError:
    return DomainError("internal", "ระบบขัดข้อง ไม่มีการบันทึกข้อมูลใดๆ ลองอีกครั้ง")


def out_of_range_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A number too large for the database, a date beyond what a datetime holds, or JSON nested
    too deep to read: the request is malformed; nothing was written (the transaction rolled
    back as the error passed)."""
    log.info("refused %s %s: %s", request.method, request.url.path, type(exc).__name__)
    refused = (
        BadRequestError("request.too_deep", "ข้อมูลในคำขอซ้อนกันลึกเกินไป")
        if isinstance(exc, RecursionError)
        else BadRequestError("request.out_of_range", "ตัวเลขหรือวันที่ในคำขออยู่นอกช่วงที่ระบบรับได้")
    )
    return answer(request, HTTP_400_BAD_REQUEST, refused)


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
    if request.scope.get(CLIENT_LEFT):  # type: ignore[misc]
        # Litestar reads a body cut short as a 500; nobody is left to answer, nothing failed.
        log.info("client left during %s %s", request.method, request.url.path)
        return answer(request, HTTP_400_BAD_REQUEST, _client_left())
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return answer(request, HTTP_500_INTERNAL_SERVER_ERROR, _internal())


@dataclass
class ErrorBody:
    """Every error the API answers.

    - ``code``: what went wrong, for programs; stable (``stock.short``, ``request.invalid``,
      ``auth.required``); a client that shows its own words keys them on it.
    - ``detail``: the sentence for people, in the request's language (``?lang=``, the
      ``lang`` cookie, else Accept-Language if it prefers English, else Thai).
    - ``params``: the values in the sentence; an error given as a value (the cause of another)
      is its own ``{code, ...params}``. Each other value is also given beside these keys,
      where clients read them today (``shortages``, ``pending_sale_ids``).
    - ``field``: the input to blame, when there is one.
    - ``errors``: a refused request's problems, each ``{code, message, params, key, source}``
      (``key`` the field's path, ``source`` body, query, path or header); a refused import's
      bad rows.
    """

    status_code: int
    code: str
    detail: str
    params: dict[str, Any]
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
