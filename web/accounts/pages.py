"""Sign-in pages and the home redirect."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.errors import DomainError
from web.accounts.auth import current_user
from web.accounts.auth_api import sign_in, sign_out, with_session_cookie, without_session_cookie
from web.accounts.schemas import LoginForm
from web.errors import status_of
from web.pages import home_of, page, redirect, safe_next, said
from web.settings import Settings


class SignInPages(Controller):
    """The home page and the sign-in form."""

    @get("/", sync_to_thread=False, include_in_schema=False)
    def home(self, request: Request[Any, Any, Any]) -> Redirect:
        user = current_user(request)
        return redirect("/login" if user is None else home_of(user.role.value))

    @get("/login", sync_to_thread=False, include_in_schema=False)
    def login_page(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        next: FromQuery[str | None] = None,
    ) -> Template:
        """The sign-in form; in demo mode it says the logins and keys are public."""
        return page(
            request, "login.html", next=safe_next(next, "/"), error=None, demo=settings.demo
        )

    @post("/login", include_in_schema=False)
    async def login_form(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[LoginForm],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        try:
            me, token = await sign_in(request, db, clock, settings, data.username, data.password)
        except DomainError as error:
            response = page(
                request,
                "login.html",
                next=data.next,
                error=said(request, error),
                username=data.username,
                demo=settings.demo,
            )
            response.status_code = status_of(error)
            return response
        target = safe_next(data.next if data.next != "/" else None, home_of(me.role))
        return with_session_cookie(redirect(target), token, settings, request, me.username)

    @post("/logout", include_in_schema=False)
    async def logout_form(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        await sign_out(request, db, clock, settings)
        return without_session_cookie(redirect("/login"), settings)
