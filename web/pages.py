"""Helpers shared by the server-rendered pages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from kernel.errors import DomainError, InvalidInputError
from kernel.money import parse_baht
from kernel.text import ascii_digits
from web.accounts.auth import current_user
from web.i18n import language_of


def page_language(request: Request[Any, Any, Any]) -> str:
    """The page's language: ``?lang=``, the ``lang`` cookie, else the shop's default (Thai)."""
    settings = request.app.state.settings
    return language_of(request.cookies, dict(request.query_params), settings.default_language)


def said(request: Request[Any, Any, Any], error: DomainError) -> str:
    """A refusal as a page shows it: in the page's language."""
    return error.message_in(page_language(request))


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refusal as a template shows it: its code, the field and the page's-language sentence."""

    code: str
    field: str | None
    message: str


def refusal(request: Request[Any, Any, Any], error: DomainError) -> Refusal:
    return Refusal(error.code, error.field, said(request, error))


def stale_form() -> InvalidInputError:
    """A form's ``version`` that is not a number: the page is not ours, or very old."""
    return InvalidInputError("form.stale", "โหลดหน้าใหม่แล้วลองอีกครั้ง", field="version")


def page(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    """Render a page with the signed-in user and language; remember a ``?lang=`` choice."""
    lang = page_language(request)
    response = Template(template_name=template, context={"user": current_user(request), **context})
    if request.query_params.get("lang") in ("th", "en"):
        response.set_cookie("lang", lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def home_of(role: str) -> str:
    """Where signing in lands: a cashier's day is the till."""
    return {"entrepreneur": "/portal", "cashier": "/till"}.get(role, "/admin/products")


def safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: a login link must not bounce people to another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def redirect(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def form_number(text: str, refused: InvalidInputError) -> int:
    """A whole number a form must carry; ``refused`` tells the person what to do."""
    if not ascii_digits(text.strip()):
        raise refused
    return int(text)


def form_baht(text: str, field: str) -> int:
    """An amount typed in baht (``150`` or ``150.25``), in satang."""
    try:
        return parse_baht(text)
    except ValueError:
        raise InvalidInputError(
            "form.baht_invalid",
            "'{text}' ไม่ใช่จำนวนเงินบาท (เขียนเช่น 150 หรือ 150.25)",
            field=field,
            text=text[:20],
        ) from None


def form_id(value: str | None, field: str) -> int | None:
    """An id from a plain form's filter, where an unset select sends an empty string."""
    if value is None or value.strip() == "":
        return None
    return form_number(
        value,
        InvalidInputError(
            "request.not_whole_number",
            "{key} ต้องเป็นจำนวนเต็ม ไม่ใช่ข้อความหรือทศนิยม",
            field=field,
            key=field,
        ),
    )
