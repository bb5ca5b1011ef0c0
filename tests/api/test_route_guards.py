"""Every route is guarded by role, except the few that must be public."""

from __future__ import annotations

from typing import Any

from litestar.handlers import HTTPRouteHandler

from web.app import create_app
from web.settings import Settings

PUBLIC = {
    "/",  # redirects to the login page or the user's home
    "/login",
    "/logout",  # does nothing without a session
    "/health",
    "/i18n/en.json",  # the catalogue's English: the words of the pages, no data
    "/api/v1/auth/login",
    "/welcome",  # the first sign-in with a one-time code: a login page
    "/api/v1/auth/first-sign-in",
    "/api/v1/payments/webhook",  # authenticated by signature (PromptPay issue)
}


def _routes() -> list[tuple[str, HTTPRouteHandler]]:
    app = create_app(Settings(demo=True, database_url="sqlite://"))
    found = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                found.append((route.path, handler))
    return found


def _is_framework(path: str, handler: Any) -> bool:
    return path.startswith(("/schema", "/static")) or set(handler.http_methods) == {"OPTIONS"}


def test_every_route_has_a_role_guard_unless_public() -> None:
    unguarded = [
        f"{sorted(handler.http_methods)} {path}"
        for path, handler in _routes()
        if path not in PUBLIC and not _is_framework(path, handler) and not handler.resolve_guards()
    ]
    assert unguarded == []


def test_the_route_sweep_sees_the_guarded_routes() -> None:
    paths = {path for path, _ in _routes()}
    assert {"/api/v1/users", "/api/v1/audit", "/api/v1/auth/me"} <= paths
