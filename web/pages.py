"""Helpers shared by the server-rendered pages."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Redirect, Template

from kernel.errors import InvalidInputError
from kernel.text import ascii_digits
from web.auth import current_user
from web.i18n import language_of


def page(request: Request[Any, Any, Any], template: str, **context: Any) -> Template:
    """Render a page with the signed-in user and language; remember a ``?lang=`` choice."""
    settings = request.app.state.settings
    lang = language_of(request.cookies, dict(request.query_params), settings.default_language)
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


def form_number(text: str, field: str, message: str) -> int:
    """A whole number a form must carry; ``message`` tells the person what to do."""
    if not ascii_digits(text.strip()):
        raise InvalidInputError(message, field=field)
    return int(text)


def form_id(value: str | None, field: str) -> int | None:
    """An id from a plain form's filter, where an unset select sends an empty string."""
    if value is None or value.strip() == "":
        return None
    return form_number(value, field, f"{field} must be a number")
