"""The application factory."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import Any

from litestar import Litestar, Request
from litestar.config.csrf import CSRFConfig
from litestar.di import NamedDependency, Provide
from litestar.openapi import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from kernel.access import Actor
from kernel.clock import Clock, SystemClock
from kernel.db.engine import Database
from web.access_log import AccessGate, install_log_escaping
from web.accounts.admin_api import UsersApi
from web.accounts.admin_pages import UsersPages
from web.accounts.approvals_api import ApprovalsApi
from web.accounts.audit_pages import AuditController
from web.accounts.auth import (
    SessionMiddleware,
    csrf_cookie_name,
    provide_actor,
    session_cookie_name,
)
from web.accounts.auth_api import AuthApi
from web.accounts.pages import SignInPages
from web.accounts.welcome import WelcomeController
from web.catalogue.api import CatalogueApi
from web.catalogue.bank_account_pages import BankAccountPages
from web.catalogue.entrepreneur_account import EntrepreneurAccountPages
from web.catalogue.entrepreneur_pages import EntrepreneurPages
from web.catalogue.photos import PhotoController
from web.catalogue.place_pages import PlacePages
from web.catalogue.product_pages import ProductPages
from web.catalogue.spreadsheets import SpreadsheetsController
from web.consignment.api import ConsignmentApi
from web.consignment.bank_result_pages import BankResultPages
from web.consignment.payout_pages import PayoutPages
from web.consignment.portal import PortalPages
from web.consignment.portal_goods import PortalGoodsPages
from web.consignment.terms_api import ConsignmentTermsApi
from web.consignment.terms_pages import TermsPages
from web.deliveries.api import DeliveriesApi
from web.deliveries.portal_pages import DeliveryPortalPages
from web.deliveries.staff_pages import DeliveryStaffPages
from web.errors import EXCEPTION_HANDLERS, document_errors
from web.headers import security_headers, static_revalidation
from web.health import HealthController
from web.i18n import WordsController, template_helpers
from web.payments.api import PaymentsApi, receiving_account
from web.payments.demo_payer import DemoPayer
from web.payments.pages import PaymentPages
from web.reports.pages import ReportPages
from web.settings import Settings, get_settings
from web.stock.aging_pages import AgingPages
from web.stock.api import StockApi
from web.stock.markdown_api import MarkdownsApi, MarkdownSweeps, apply_at_start
from web.stock.pages import StockPages
from web.stock.returns_api import ReturnNotesApi
from web.stock.returns_pages import ReturnNotePages
from web.tax.api import TaxInvoicesApi
from web.tax.pages import TaxInvoicePages
from web.till.machines import TillMachinePages
from web.till.pages import TillPages
from web.till.receipts import ReceiptPages
from web.till.refunds import RefundsApi
from web.till.sales import SalesApi
from web.till.shifts import ShiftsApi

HERE = Path(__file__).parent
# Bank and gateway callbacks authenticate by signature, not by a browser's CSRF token.
CSRF_EXEMPT = ["/api/v1/payments/webhook"]

# Every controller, by domain (see the packages of web/).
CONTROLLERS = [
    ApprovalsApi,
    AuthApi,
    SignInPages,
    AuditController,
    UsersApi,
    UsersPages,
    WelcomeController,
    CatalogueApi,
    EntrepreneurPages,
    BankAccountPages,
    EntrepreneurAccountPages,
    PlacePages,
    ProductPages,
    PhotoController,
    SpreadsheetsController,
    ConsignmentApi,
    ConsignmentTermsApi,
    TermsPages,
    PayoutPages,
    BankResultPages,
    PortalPages,
    DeliveriesApi,
    DeliveryPortalPages,
    DeliveryStaffPages,
    PortalGoodsPages,
    HealthController,
    PaymentsApi,
    DemoPayer,
    PaymentPages,
    ReportPages,
    StockApi,
    StockPages,
    ReturnNotesApi,
    ReturnNotePages,
    MarkdownsApi,
    AgingPages,
    TaxInvoicesApi,
    TaxInvoicePages,
    TillPages,
    TillMachinePages,
    ReceiptPages,
    RefundsApi,
    SalesApi,
    ShiftsApi,
    WordsController,
]


def _dependencies(settings: Settings, db: Database, clock: Clock) -> dict[str, Provide]:
    """The app-wide dependencies, chained: settings <- clock <- db <- actor.

    Litestar resolves a handler's independent dependencies concurrently, in an anyio task
    group per request, which cost more than the checkout handler's own work (measured: four
    independent dependencies ~160 µs a request, the same four chained ~45 µs). Chained, every
    level holds one dependency and is simply awaited. The parameters are typed Any so that
    nothing is converted on the way.
    """

    def provide_settings() -> Settings:
        return settings

    def provide_clock(settings: NamedDependency[Any]) -> Clock:
        return clock

    def provide_db(clock: NamedDependency[Any]) -> Database:
        return db

    def provide_actor_after_db(request: Request[Any, Any, Any], db: NamedDependency[Any]) -> Actor:
        return provide_actor(request)

    return {
        "settings": Provide(provide_settings, sync_to_thread=False, use_cache=True),
        "clock": Provide(provide_clock, sync_to_thread=False, use_cache=True),
        "db": Provide(provide_db, sync_to_thread=False, use_cache=True),
        "actor": Provide(provide_actor_after_db, sync_to_thread=False),
    }


def create_app(
    settings: Settings | None = None,
    db: Database | None = None,
    clock: Clock | None = None,
) -> Litestar:
    settings = settings or get_settings()
    receiving_account(settings)  # refuse to start with an unusable PromptPay account
    db = db or Database(settings.database_url)
    clock = clock or SystemClock()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    install_log_escaping()

    templates = TemplateConfig(
        directory=HERE / "templates",
        engine=JinjaTemplateEngine,
        engine_callback=template_helpers(settings),
    )
    app = Litestar(
        route_handlers=[
            *document_errors(CONTROLLERS),
            create_static_files_router(path="/static", directories=[HERE / "static"]),
        ],
        dependencies=_dependencies(settings, db, clock),
        middleware=[SessionMiddleware()],
        before_send=[security_headers, static_revalidation],
        csrf_config=CSRFConfig(
            secret=settings.secret,
            cookie_name=csrf_cookie_name(settings),
            cookie_secure=not settings.demo,
            header_name="x-csrftoken",
            cookie_samesite="strict",
            exclude=CSRF_EXEMPT,
        ),
        template_config=templates,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        openapi_config=OpenAPIConfig(title="OTOP POS", version="1", path="/schema"),
        request_max_body_size=settings.max_upload_bytes,
        on_shutdown=[db.dispose],
        debug=False,
    )
    app.asgi_handler = AccessGate(app.asgi_handler)
    app.state.db = db
    app.state.clock = clock
    app.state.settings = settings
    app.state.session_cookie = session_cookie_name(settings)
    app.state.csrf_exempt = frozenset(CSRF_EXEMPT)
    app.state.markdown_sweeps = MarkdownSweeps()
    return app


SWITCH_INTERVAL_SECONDS = 0.001


def create_served_app(
    settings: Settings | None = None,
    db: Database | None = None,
    clock: Clock | None = None,
) -> Litestar:
    """The app as ``otop-pos serve`` runs it: once started, what start-up made (modules, the
    app, SQLAlchemy's tables and compiled statements: ~165,000 objects that live
    as long as the process) is kept out of the garbage collector's full collections, which
    walked all of it. Measured with 8 tills: those collections were the slowest checkouts
    (110-125 ms, against 22-27 ms without them), and a checkout cost ~6% less CPU. (A frozen
    object that becomes garbage later, such as a statement evicted from SQLAlchemy's cache, is
    not freed: a bounded, one-time cost.)"""
    app = create_app(settings, db, clock)
    app.on_startup.append(_freeze_long_lived)
    app.on_startup.append(_markdowns_due_at_start)
    return app


async def _markdowns_due_at_start(app: Litestar) -> None:
    """The agreed markdowns due today go on the tills when the server starts (there is no
    scheduler; see inventory.stock.markdowns for the other times they are applied)."""
    await apply_at_start(app.state.db, app.state.clock, app.state.markdown_sweeps)


def _freeze_long_lived() -> None:
    gc.collect()
    gc.freeze()
    # A thread doing Python work (a report, an import's checks) hands the GIL back to the
    # event loop after at most this long, instead of 5 ms: the loop takes the GIL back after
    # each of its system calls, dozens for one sale.
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
