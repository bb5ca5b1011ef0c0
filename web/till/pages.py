"""The browser till (``/till``), its customer-facing display (``/till/display``), the
service worker that keeps them on the device (``/till/sw.js``, see web/till/offline.py) and
the compact catalogue the till keeps to scan and search from memory, refreshed by deltas.

The till page is one screen driven by ``/static/till*.js`` against the JSON API (sales,
payments, shifts, refunds); the server renders only its frame and the settings it needs.
"""

from __future__ import annotations

import gzip
from dataclasses import asdict
from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery
from litestar.response import Template
from litestar.serialization import encode_json

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from kernel.i18n import N_
from pos.checkout.sale_exceptions import list_sale_exceptions
from pos.tills.catalogue import TillCatalogue, till_catalogue
from pos.tills.shift_rules import DENOMINATIONS
from web.accounts.auth import current_user, managers_only, staff_only
from web.i18n import language_of
from web.pages import page
from web.payments.api import receiving_account
from web.settings import Settings
from web.till.offline import SCOPE, worker_script


def till_config(request: Request[Any, Any, Any], settings: Settings) -> dict[str, Any]:
    """What the till's script needs from the server, as one JSON object in the page."""
    user = current_user(request)
    assert user is not None  # the guard let only staff in
    return {
        "user": {
            "id": user.id,
            "username": user.username,
            "display_name": user.display_name,
            "role": user.role.value,
        },
        "discount_approval_percent": settings.discount_approval_percent,
        "payment_expiry_minutes": settings.payment_expiry_minutes,
        "demo": settings.demo,
        "vat_registered": settings.vat_registered,
        # The seller as the receipt prints it (web/till/receipts.py reads the same settings):
        # the till renders a sale's receipt itself, without the server (receipt_render.js).
        "shop": {
            "name_th": settings.centre_name_th,
            "name_en": settings.centre_name_en,
            "tax_id": settings.receipt_tax_id,
            "vat_registered": settings.vat_registered,
        },
        # How often an open till asks for the catalogue's changes (price, stock, products).
        "catalogue_refresh_seconds": settings.catalogue_refresh_seconds,
        # Notes and coins to count the drawer by: [key the API takes, satang].
        "denominations": list(DENOMINATIONS.items()),
        "lang": language_of(request.cookies, dict(request.query_params), settings.default_language),
        # Where customers pay: the till makes its own PromptPay QR with it when offline.
        "account": asdict(receiving_account(settings)),
    }


SALE_EXCEPTION_KINDS = {
    "price_differs": N_("ราคาเปลี่ยนไปแล้ว"),
    "stock_below_zero": N_("สต็อกไม่พอ: นับสินค้าจริง"),
    "shift_closed": N_("มาถึงหลังปิดกะ"),
    "not_for_sale": N_("สินค้างดจำหน่ายแล้ว"),
    "slip_reused": N_("สลิปเคยใช้แล้ว"),
    "discount_unapproved": N_("ส่วนลดเกินเพดานโดยไม่มีการอนุมัติ"),
    "change_too_large": N_("เงินทอนตั้งแต่ 1,000 บาท"),
}


# The body is encoded (and maybe gzipped) here, so the schema names what it carries.
CATALOGUE = {200: ResponseSpec(TillCatalogue, description="The catalogue", generate_examples=False)}


class TillPages(Controller):
    """The till, its customer display and its catalogue."""

    guards = [staff_only]

    @get("/till", sync_to_thread=False, include_in_schema=False)
    def till_page(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]
    ) -> Template:
        """The cashier's screen: scan, cart, payment, receipt, and the day menu."""
        return page(request, "till/till.html", config=till_config(request, settings))

    @get("/till/display", sync_to_thread=False, include_in_schema=False)
    def display_page(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        till: FromQuery[int | None] = None,
    ) -> Template:
        """The customer's screen (a second monitor in the same browser): cart, totals, QR."""
        return page(
            request, "till/display.html", till_id=till, config=till_config(request, settings)
        )

    @get(
        "/admin/sale-exceptions",
        sync_to_thread=False,
        guards=[managers_only],
        include_in_schema=False,
    )
    def sale_exceptions_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
    ) -> Template:
        """What sales rung at a till found different on arrival, for a manager to resolve."""
        with db.read() as conn:
            exceptions = list_sale_exceptions(conn, actor, open_only=False)
        return page(
            request, "till/sale_exceptions.html", exceptions=exceptions, kinds=SALE_EXCEPTION_KINDS
        )

    @get("/till/sw.js", sync_to_thread=False, include_in_schema=False)
    def service_worker(self) -> Response[bytes]:
        """The till's service worker, its version written in (a deploy changes it). Scope
        ``/till``: the default scope of this URL (``/till/``) would leave out the till itself.
        ``no-cache``: the browser checks for a new one each time the till loads."""
        body, _ = worker_script()
        headers = {"Cache-Control": "no-cache", "Service-Worker-Allowed": SCOPE}
        return Response(body, media_type="text/javascript; charset=utf-8", headers=headers)

    @get("/api/v1/till/catalogue", sync_to_thread=True, responses=CATALOGUE)
    def catalogue(
        self,
        request: Request[Any, Any, Any],
        till_id: FromQuery[int],
        db: NamedDependency[Database],
        clock: NamedDependency[Clock],
        actor: NamedDependency[Actor],
        since: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """Every active product in compact rows (``columns`` names the values), with on-hand at
        the till's location, plus the categories and entrepreneurs the rows refer to: a
        ``TillCatalogue`` as JSON, whose ``version`` given back as ``since`` asks only for
        what changed after it (``full`` false: changed rows, ``removed`` ids, ``on_hand`` at
        the till's location; see pos/tills/catalogue.py for why nothing is missed). In a
        thread: at full scale it is tens of milliseconds of query and encoding that must not
        hold up the checkouts on the event loop. Gzipped when the browser takes it (the full
        catalogue is 1.7 MB of JSON, a fifth of that gzipped: it matters to a tablet on
        Wi-Fi)."""
        now = clock.now()  # before the read: see the module notes of pos/tills/catalogue.py
        with db.read() as conn:
            body = encode_json(till_catalogue(conn, actor, till_id, now, since))
        headers = {"Cache-Control": "no-store", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        return Response(body, media_type=MediaType.JSON, headers=headers)
