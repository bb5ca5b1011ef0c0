"""The access matrix: every route of the app, as each role, kept as a table.

One row per route (method and path, with named sample ids in braces); one column per role.
The test fails when the app has a route the table lacks or the table a route the app no
longer has, then calls every route as every role on a seeded database and compares.

Outcomes:
  ok     allowed. A GET answers 2xx/3xx with the sample ids (and query) of its row; an unsafe
         request is sent with an empty body, so any answer but 401/403/404 (and never 5xx)
  401    refused: not signed in (the API's answer to a missing session)
  login  refused: a page visited signed out redirects (303) to /login?next=<the page>
  403    refused: signed in, but the role may not
  404    refused by hiding: the id is not one the role may know of

Ids: the entrepreneur role is ent-cm0001, and {entrepreneur} and {product} are its own, so
its "ok" cells prove it reaches its own data. Another entrepreneur's ids (403/404 on every
route) are test_entrepreneur_access_sweep.py; guards on every route, test_route_guards.py.
/schema (Litestar's OpenAPI documents) and /static are public framework routes, left out.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from litestar.handlers import HTTPRouteHandler
from litestar.testing import TestClient
from sqlalchemy import select

from inventory.models import Entrepreneur, Product, StockLot
from kernel.access import SYSTEM, Role
from kernel.clock import FixedClock, business_date
from kernel.db.engine import Database
from payments.webhook import sign
from pos.models import Till
from tests.conftest import BACKENDS, _truncate_postgres
from tests.photo_samples import image_bytes
from web.accounts import users as accounts
from web.accounts.auth import session_csrf_token
from web.accounts.users import NewPassword, User, create_user, get_user, open_session
from web.app import create_app
from web.commands.seed import seed_demo_database
from web.settings import Settings

ROLES = ("anonymous", "cashier", "entrepreneur", "manager", "admin")
USERS = {
    "cashier": "cashier1",
    "entrepreneur": "ent-cm0001",
    "manager": "manager",
    "admin": "admin",
}

ACCESS = """
# route, with sample names in braces                        | anon  | cash  | entr  | mgr   | admin
GET    /                                                    | ok    | ok    | ok    | ok    | ok
GET    /health                                              | ok    | ok    | ok    | ok    | ok
GET    /login                                               | ok    | ok    | ok    | ok    | ok
# The catalogue's English for the scripts: public words, like the login page's.
GET    /i18n/en.json                                        | ok    | ok    | ok    | ok    | ok
# An empty form is a wrong login, whoever sends it: the login page again with 401.
POST   /login                                               | 401   | 401   | 401   | 401   | 401
POST   /logout                                              | ok    | ok    | ok    | ok    | ok
POST   /api/v1/auth/login                                   | ok    | ok    | ok    | ok    | ok
POST   /api/v1/auth/logout                                  | 401   | ok    | ok    | ok    | ok
GET    /api/v1/auth/me                                      | 401   | ok    | ok    | ok    | ok
# The bank's callback authenticates by signature, never by session (test_security.py).
POST   /api/v1/payments/webhook                             | 401   | 401   | 401   | 401   | 401

# --- catalogue -----------------------------------------------------------------------------
GET    /api/v1/products                                     | 401   | ok    | ok    | ok    | ok
POST   /api/v1/products                                     | 401   | 403   | 403   | ok    | ok
GET    /api/v1/products/{product}                           | 401   | ok    | ok    | ok    | ok
PATCH  /api/v1/products/{product}                           | 401   | 403   | 403   | ok    | ok
# Photos are public pictures of the goods: every signed-in role sees them; managers change them.
GET    /api/v1/products/{product}/photo                     | 401   | ok    | ok    | ok    | ok
PUT    /api/v1/products/{product}/photo                     | 401   | 403   | 403   | ok    | ok
DELETE /api/v1/products/{product}/photo                     | 401   | 403   | 403   | ok    | ok
GET    /photos/products/{product}/{photo}/thumb.webp        | login | ok    | ok    | ok    | ok
GET    /api/v1/entrepreneurs                                | 401   | ok    | ok    | ok    | ok
POST   /api/v1/entrepreneurs                                | 401   | 403   | 403   | ok    | ok
GET    /api/v1/entrepreneurs/{entrepreneur}                 | 401   | ok    | ok    | ok    | ok
PATCH  /api/v1/entrepreneurs/{entrepreneur}                 | 401   | 403   | 403   | ok    | ok
GET    /api/v1/categories                                   | 401   | ok    | ok    | ok    | ok
POST   /api/v1/categories                                   | 401   | 403   | 403   | ok    | ok
PATCH  /api/v1/categories/{category}                        | 401   | 403   | 403   | ok    | ok
GET    /api/v1/locations                                    | 401   | ok    | ok    | ok    | ok
POST   /api/v1/locations                                    | 401   | 403   | 403   | ok    | ok
PATCH  /api/v1/locations/{location}                         | 401   | 403   | 403   | ok    | ok
GET    /api/v1/districts                                    | 401   | ok    | ok    | ok    | ok
POST   /api/v1/imports/products/preview                     | 401   | 403   | 403   | ok    | ok
POST   /api/v1/imports/products                             | 401   | 403   | 403   | ok    | ok
GET    /api/v1/exports/products.csv                         | 401   | ok    | 403   | ok    | ok
GET    /admin/products                                      | login | ok    | 403   | ok    | ok
GET    /admin/products/new                                  | login | 403   | 403   | ok    | ok
POST   /admin/products/new                                  | 401   | 403   | 403   | ok    | ok
GET    /admin/products/{product}                            | login | ok    | 403   | ok    | ok
POST   /admin/products/{product}                            | 401   | 403   | 403   | ok    | ok
POST   /admin/products/{product}/photo                      | 401   | 403   | 403   | ok    | ok
POST   /admin/products/{product}/photo/delete               | 401   | 403   | 403   | ok    | ok
GET    /admin/entrepreneurs                                 | login | ok    | 403   | ok    | ok
GET    /admin/entrepreneurs/new                             | login | 403   | 403   | ok    | ok
POST   /admin/entrepreneurs/new                             | 401   | 403   | 403   | ok    | ok
GET    /admin/entrepreneurs/{entrepreneur}                  | login | ok    | 403   | ok    | ok
POST   /admin/entrepreneurs/{entrepreneur}                  | 401   | 403   | 403   | ok    | ok
GET    /admin/entrepreneurs/{entrepreneur}/account          | login | 403   | 403   | ok    | ok
GET    /admin/categories                                    | login | ok    | 403   | ok    | ok
POST   /admin/categories                                    | 401   | 403   | 403   | ok    | ok
POST   /admin/categories/{category}                         | 401   | 403   | 403   | ok    | ok
GET    /admin/locations                                     | login | ok    | 403   | ok    | ok
POST   /admin/locations                                     | 401   | 403   | 403   | ok    | ok
POST   /admin/locations/{location}                          | 401   | 403   | 403   | ok    | ok
GET    /admin/import                                        | login | 403   | 403   | ok    | ok
POST   /admin/import/products/preview                       | 401   | 403   | 403   | ok    | ok
POST   /admin/import/products/confirm                       | 401   | 403   | 403   | ok    | ok
GET    /admin/export                                        | login | ok    | 403   | ok    | ok

# --- stock ---------------------------------------------------------------------------------
GET    /api/v1/stock                                        | 401   | ok    | ok    | ok    | ok
GET    /api/v1/stock/low                                    | 401   | ok    | ok    | ok    | ok
GET    /api/v1/stock/movements                              | 401   | ok    | ok    | ok    | ok
GET    /api/v1/stock/lookup?barcode={barcode}               | 401   | ok    | 403   | ok    | ok
GET    /api/v1/stock/intakes                                | 401   | ok    | ok    | ok    | ok
POST   /api/v1/stock/intakes                                | 401   | ok    | 403   | ok    | ok
GET    /api/v1/stock/intakes/{intake}                       | 401   | ok    | ok    | ok    | ok
POST   /api/v1/stock/adjustments                            | 401   | 403   | 403   | ok    | ok
POST   /api/v1/stock/transfers                              | 401   | 403   | 403   | ok    | ok
POST   /api/v1/stock/counts                                 | 401   | 403   | 403   | ok    | ok
POST   /api/v1/stock/returns                                | 401   | 403   | 403   | ok    | ok
GET    /admin/stock                                         | login | ok    | 403   | ok    | ok
GET    /admin/stock/low                                     | login | ok    | 403   | ok    | ok
GET    /admin/stock/movements                               | login | ok    | 403   | ok    | ok
GET    /admin/intakes                                       | login | ok    | 403   | ok    | ok
GET    /admin/intakes/new                                   | login | ok    | 403   | ok    | ok
GET    /admin/intakes/{intake}                              | login | ok    | 403   | ok    | ok
GET    /admin/intakes/{intake}/labels                       | login | ok    | 403   | ok    | ok
GET    /admin/labels                                        | login | ok    | 403   | ok    | ok
GET    /admin/stock/counts/new                              | login | 403   | 403   | ok    | ok
GET    /admin/stock/transfers/new                           | login | 403   | 403   | ok    | ok
GET    /admin/stock/adjustments/new                         | login | 403   | 403   | ok    | ok
GET    /admin/stock/returns/new                             | login | 403   | 403   | ok    | ok
# Goods at the end of their period: managers prepare, collect, cancel and extend; staff read
# what is due; an entrepreneur reads their own notes (another's: test_return_notes_api.py).
GET    /api/v1/stock/due                                    | 401   | ok    | 403   | ok    | ok
POST   /api/v1/stock/return-notes                           | 401   | 403   | 403   | ok    | ok
GET    /api/v1/stock/return-notes                           | 401   | ok    | ok    | ok    | ok
GET    /api/v1/stock/return-notes/{return_note}             | 401   | ok    | ok    | ok    | ok
POST   /api/v1/stock/return-notes/{return_note}/collect     | 401   | 403   | 403   | ok    | ok
POST   /api/v1/stock/return-notes/{return_note}/cancel      | 401   | 403   | 403   | ok    | ok
POST   /api/v1/stock/lot-extensions                         | 401   | 403   | 403   | ok    | ok
GET    /admin/stock/returns                                 | login | 403   | 403   | ok    | ok
GET    /admin/stock/returns/{return_note}                   | login | 403   | 403   | ok    | ok
GET    /admin/stock/returns/{return_note}/print             | login | 403   | 403   | ok    | ok

# --- deliveries announced from the portal, and the new products proposed with them ---------
# The entrepreneur announces and cancels (a manager may cancel for them); staff receive;
# managers approve or reject new products.
POST   /api/v1/deliveries                                   | 401   | 403   | ok    | 403   | 403
GET    /api/v1/deliveries                                   | 401   | ok    | ok    | ok    | ok
GET    /api/v1/deliveries/{delivery}                        | 401   | ok    | ok    | ok    | ok
POST   /api/v1/deliveries/{delivery}/cancel                 | 401   | 403   | ok    | ok    | ok
POST   /api/v1/deliveries/{delivery}/receive                | 401   | ok    | 403   | ok    | ok
GET    /api/v1/product-proposals                            | 401   | ok    | ok    | ok    | ok
POST   /api/v1/product-proposals/{proposal}/approve         | 401   | 403   | 403   | ok    | ok
POST   /api/v1/product-proposals/{proposal}/reject          | 401   | 403   | 403   | ok    | ok
GET    /portal/deliveries                                   | login | 403   | ok    | ok    | ok
GET    /portal/deliveries/new                               | login | 403   | ok    | 403   | 403
POST   /portal/deliveries                                   | 401   | 403   | ok    | 403   | 403
GET    /portal/deliveries/{delivery}                        | login | 403   | ok    | ok    | ok
GET    /admin/deliveries                                    | login | ok    | 403   | ok    | ok
GET    /admin/deliveries/{delivery}                         | login | ok    | 403   | ok    | ok
GET    /admin/product-proposals                             | login | ok    | 403   | ok    | ok
# Agreed markdowns: listed to everyone signed in (an entrepreneur: their own), applied by managers.
GET    /api/v1/markdowns                                    | 401   | ok    | ok    | ok    | ok
POST   /api/v1/markdowns/apply                              | 401   | 403   | 403   | ok    | ok
GET    /admin/stock/aging                                   | login | 403   | 403   | ok    | ok

# --- the till: tills, shifts, sales, refunds, approvals -------------------------------------
GET    /till                                                | login | ok    | 403   | ok    | ok
GET    /till/display?till={till}                            | login | ok    | 403   | ok    | ok
GET    /till/sw.js                                          | login | ok    | 403   | ok    | ok
GET    /api/v1/till/catalogue?till_id={till}                | 401   | ok    | 403   | ok    | ok
GET    /api/v1/tills                                        | 401   | ok    | 403   | ok    | ok
POST   /api/v1/tills                                        | 401   | 403   | 403   | ok    | ok
PATCH  /api/v1/tills/{till}                                 | 401   | 403   | 403   | ok    | ok
GET    /admin/tills                                         | login | 403   | 403   | ok    | ok
POST   /admin/tills/{till}/registration                     | 401   | 403   | 403   | ok    | ok
POST   /api/v1/shifts                                       | 401   | ok    | 403   | ok    | ok
GET    /api/v1/shifts/current?till_id={till}                | 401   | ok    | 403   | ok    | ok
GET    /api/v1/shifts/{shift}                               | 401   | ok    | 403   | ok    | ok
GET    /api/v1/shifts/{shift}/cash-movements                | 401   | ok    | 403   | ok    | ok
POST   /api/v1/shifts/{shift}/cash-movements                | 401   | ok    | 403   | ok    | ok
GET    /api/v1/shifts/{shift}/report                        | 401   | ok    | 403   | ok    | ok
GET    /api/v1/shifts/{shift}/report.html                   | 401   | ok    | 403   | ok    | ok
POST   /api/v1/shifts/{shift}/close                         | 401   | ok    | 403   | ok    | ok
POST   /api/v1/sales                                        | 401   | ok    | 403   | ok    | ok
GET    /api/v1/sales?receipt_number={receipt}               | 401   | ok    | 403   | ok    | ok
GET    /api/v1/sales/{sale}                                 | 401   | ok    | 403   | ok    | ok
POST   /api/v1/sales/{sale}/payments                        | 401   | ok    | 403   | ok    | ok
POST   /api/v1/sales/{sale}/complete                        | 401   | ok    | 403   | ok    | ok
POST   /api/v1/sales/{sale}/void                            | 401   | ok    | 403   | ok    | ok
GET    /api/v1/sales/{sale}/receipt                         | 401   | ok    | 403   | ok    | ok
GET    /api/v1/sales/{sale}/refunds                         | 401   | ok    | 403   | ok    | ok
POST   /api/v1/refunds                                      | 401   | ok    | 403   | ok    | ok
POST   /api/v1/returns                                      | 401   | ok    | 403   | ok    | ok
GET    /api/v1/refunds/{refund}                             | 401   | ok    | 403   | ok    | ok
GET    /api/v1/refunds/{refund}/credit-note                 | 401   | ok    | 403   | ok    | ok
POST   /api/v1/approvals                                    | 401   | ok    | 403   | ok    | ok
POST   /api/v1/tills/{till}/receipt-blocks                  | 401   | ok    | 403   | ok    | ok
GET    /api/v1/tills/{till}/receipt-blocks?device_id=dev-matrix | 401   | ok    | 403   | ok    | ok
GET    /api/v1/sale-exceptions                              | 401   | ok    | 403   | ok    | ok
POST   /api/v1/sale-exceptions/1/resolve                    | 401   | 403   | 403   | ok    | ok
GET    /admin/sale-exceptions                               | login | 403   | 403   | ok    | ok

# --- full tax invoices and their credit notes -------------------------------------------------
POST   /api/v1/sales/{sale}/tax-invoice                     | 401   | ok    | 403   | ok    | ok
GET    /api/v1/tax-buyers?q=0105                            | 401   | ok    | 403   | ok    | ok
GET    /api/v1/tax-invoices                                 | 401   | 403   | 403   | ok    | ok
GET    /tax-invoices/new?receipt={receipt}                  | login | ok    | 403   | ok    | ok
POST   /tax-invoices/new                                    | 401   | ok    | 403   | ok    | ok
GET    /tax-invoices/{invoice}                              | login | ok    | 403   | ok    | ok
GET    /tax-credit-notes/{credit_note}                      | login | ok    | 403   | ok    | ok
GET    /admin/tax-invoices                                  | login | 403   | 403   | ok    | ok

# --- payments --------------------------------------------------------------------------------
POST   /api/v1/payments                                     | 401   | ok    | 403   | ok    | ok
GET    /api/v1/payments/{payment}                           | 401   | ok    | 403   | ok    | ok
# A paid payment: its event stream says so and ends.
GET    /api/v1/payments/{paid_payment}/events               | 401   | ok    | 403   | ok    | ok
GET    /api/v1/payments/{payment}/qr.svg                    | 401   | ok    | 403   | ok    | ok
GET    /api/v1/payments/{payment}/qr.png                    | 401   | ok    | 403   | ok    | ok
POST   /api/v1/payments/{payment}/confirm                   | 401   | ok    | 403   | ok    | ok
POST   /api/v1/payments/{payment}/cancel                    | 401   | ok    | 403   | ok    | ok
GET    /api/v1/payments/exceptions                          | 401   | 403   | 403   | ok    | ok
POST   /api/v1/payments/exceptions/{exception}/resolve      | 401   | 403   | 403   | ok    | ok
GET    /admin/payments/new                                  | login | ok    | 403   | ok    | ok
POST   /admin/payments/new                                  | 401   | ok    | 403   | ok    | ok
GET    /admin/payments/{payment}                            | login | ok    | 403   | ok    | ok
GET    /admin/payments/exceptions                           | login | 403   | 403   | ok    | ok
# The customer's phone of the demo (demo mode only).
GET    /demo/pay/{reference}                                | login | ok    | ok    | ok    | ok
POST   /demo/pay/{reference}                                | 401   | ok    | ok    | ok    | ok

# --- entrepreneurs' money: balances, statements, payouts, the portal -------------------------
GET    /api/v1/entrepreneurs/{entrepreneur}/balance         | 401   | 403   | ok    | ok    | ok
GET    /api/v1/entrepreneurs/{entrepreneur}/statement       | 401   | 403   | ok    | ok    | ok
GET    /api/v1/entrepreneurs/{entrepreneur}/statement.csv   | 401   | 403   | ok    | ok    | ok
GET    /api/v1/payouts/preview?cutoff_date={cutoff}         | 401   | 403   | 403   | ok    | ok
GET    /api/v1/payout-runs                                  | 401   | 403   | 403   | ok    | ok
POST   /api/v1/payout-runs                                  | 401   | 403   | 403   | ok    | ok
GET    /api/v1/payout-runs/{run}                            | 401   | 403   | 403   | ok    | ok
GET    /api/v1/payout-runs/{run}/bank.csv                   | 401   | 403   | 403   | ok    | ok
GET    /api/v1/payout-runs/{run}/bank-transfer.csv          | 401   | 403   | 403   | ok    | ok
GET    /api/v1/payouts/{payout}/qr.svg                      | 401   | 403   | 403   | ok    | ok
POST   /api/v1/payouts/{payout}/paid                        | 401   | 403   | 403   | ok    | ok
POST   /api/v1/payouts/{payout}/cancel                      | 401   | 403   | 403   | ok    | ok
GET    /admin/payouts                                       | login | 403   | 403   | ok    | ok
POST   /admin/payouts                                       | 401   | 403   | 403   | ok    | ok
GET    /admin/payouts/new?cutoff_date={cutoff}              | login | 403   | 403   | ok    | ok
GET    /admin/payouts/{run}                                 | login | 403   | 403   | ok    | ok
POST   /admin/payouts/{run}/payouts/{payout}/paid           | 401   | 403   | 403   | ok    | ok
POST   /admin/payouts/{run}/payouts/{payout}/cancel         | 401   | 403   | 403   | ok    | ok
GET    /admin/payouts/{run}/bank-result                     | login | 403   | 403   | ok    | ok
POST   /admin/payouts/{run}/bank-result                     | 401   | 403   | 403   | ok    | ok
POST   /admin/payouts/{run}/bank-result/confirm             | 401   | 403   | 403   | ok    | ok
GET    /admin/entrepreneurs/{entrepreneur}/bank-account     | login | 403   | 403   | ok    | ok
POST   /admin/entrepreneurs/{entrepreneur}/bank-account     | 401   | 403   | 403   | ok    | ok
POST   /admin/entrepreneurs/{entrepreneur}/bank-account/remove | 401   | 403   | 403   | ok    | ok
GET    /portal                                              | login | 403   | ok    | ok    | ok
GET    /portal/statement                                    | login | 403   | ok    | ok    | ok
GET    /portal/qr-card                                      | login | 403   | ok    | ok    | ok
GET    /portal/goods                                        | login | 403   | ok    | ok    | ok
GET    /portal/week                                         | login | 403   | ok    | ok    | ok
GET    /portal/notices                                      | login | 403   | ok    | ok    | ok

# --- consignment terms: managers set them, an entrepreneur reads their own ----------------------
GET    /api/v1/consignment-terms                            | 401   | 403   | ok    | ok    | ok
POST   /api/v1/consignment-terms                            | 401   | 403   | 403   | ok    | ok
GET    /api/v1/entrepreneurs/{entrepreneur}/consignment-terms | 401   | 403   | ok    | ok    | ok
POST   /api/v1/entrepreneurs/{entrepreneur}/consignment-terms | 401   | 403   | 403   | ok    | ok
GET    /admin/terms                                         | login | 403   | 403   | ok    | ok
POST   /admin/terms                                         | 401   | 403   | 403   | ok    | ok
GET    /admin/entrepreneurs/{entrepreneur}/terms            | login | 403   | 403   | ok    | ok
POST   /admin/entrepreneurs/{entrepreneur}/terms            | 401   | 403   | 403   | ok    | ok
GET    /portal/terms                                        | login | 403   | ok    | ok    | ok

# --- reports, users, audit ---------------------------------------------------------------------
GET    /api/v1/reports/sales?from={cutoff}&to={cutoff}      | 401   | 403   | 403   | ok    | ok
GET    /admin/reports                                       | login | 403   | 403   | ok    | ok
GET    /admin/reports/csv/day.csv?from={cutoff}&to={cutoff} | login | 403   | 403   | ok    | ok
GET    /api/v1/users                                        | 401   | 403   | 403   | 403   | ok
POST   /api/v1/users                                        | 401   | 403   | 403   | 403   | ok
POST   /api/v1/users/{member}/disable                       | 401   | 403   | 403   | 403   | ok
POST   /api/v1/users/{member}/enable                        | 401   | 403   | 403   | 403   | ok
POST   /api/v1/users/{member}/reset-password                | 401   | 403   | 403   | 403   | ok
POST   /api/v1/users/{member}/role                          | 401   | 403   | 403   | 403   | ok
POST   /api/v1/users/entrepreneur-accounts                  | 401   | 403   | 403   | 403   | ok
GET    /admin/users                                         | login | 403   | 403   | 403   | ok
POST   /admin/users                                         | 401   | 403   | 403   | 403   | ok
POST   /admin/users/{member}/disable                        | 401   | 403   | 403   | 403   | ok
POST   /admin/users/{member}/enable                         | 401   | 403   | 403   | 403   | ok
POST   /admin/users/{member}/reset-password                 | 401   | 403   | 403   | 403   | ok
POST   /admin/users/{member}/role                           | 401   | 403   | 403   | 403   | ok
GET    /admin/users/entrepreneurs                           | login | 403   | 403   | 403   | ok
POST   /admin/users/entrepreneurs                           | 401   | 403   | 403   | 403   | ok
# The first sign-in with a one-time code: public, as the login page (an empty form is refused).
GET    /welcome                                             | ok    | ok    | ok    | ok    | ok
POST   /welcome                                             | ok    | ok    | ok    | ok    | ok
POST   /api/v1/auth/first-sign-in                           | ok    | ok    | ok    | ok    | ok
GET    /api/v1/audit                                        | 401   | 403   | 403   | ok    | ok
GET    /admin/audit                                         | login | 403   | 403   | ok    | ok
"""
SIGN_OUT = {"/logout", "/api/v1/auth/logout"}  # each run with a session of its own
PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # with the sample names in braces, and the query if any
    expected: dict[str, str]

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


def _rows() -> list[Row]:
    rows = []
    for line in ACCESS.strip().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        route, *cells = (cell.strip() for cell in line.split("|"))
        method, path = route.split()
        assert len(cells) == len(ROLES), line
        rows.append(Row(method, path, dict(zip(ROLES, cells, strict=True))))
    return rows


def _app_routes(app: Any) -> list[tuple[str, str]]:
    """(method, path template) of every route handler, as test_route_guards walks them."""
    found = []
    for route in app.routes:
        if route.path.startswith(("/schema", "/static")):
            continue
        for handler in getattr(route, "route_handlers", []):
            if isinstance(handler, HTTPRouteHandler):
                found += [
                    (m, route.path) for m in handler.http_methods if m not in ("OPTIONS", "HEAD")
                ]
    return found


def _template_pattern(template: str) -> re.Pattern[str]:
    """A route template as a pattern a table path matches: a typed parameter takes a sample
    name in braces or a literal value of its type."""
    kinds = {"int": r"(?:\d+|\{\w+\})", "str": r"[^/]+", "path": r".+"}
    parts, at = [], 0
    for match in PARAM.finditer(template):
        parts += [re.escape(template[at : match.start()]), kinds[match[2] or "str"]]
        at = match.end()
    return re.compile("".join([*parts, re.escape(template[at:])]))


def test_the_table_names_every_route_of_the_app_once() -> None:
    app = create_app(Settings(demo=True, database_url="sqlite://"))
    routes = _app_routes(app)
    patterns = {route: _template_pattern(route[1]) for route in routes}
    rows = _rows()
    matched: dict[tuple[str, str], list[str]] = {route: [] for route in routes}
    stray = []
    for row in rows:
        path = row.path.split("?")[0]
        hits = [r for r in routes if r[0] == row.method and patterns[r].fullmatch(path)]
        if len(hits) != 1:
            stray.append(f"{row.key} matches {hits or 'no route'}")
        for hit in hits:
            matched[hit].append(row.key)
    missing = [f"{m} {p}" for (m, p), keys in matched.items() if not keys]
    twice = [f"{m} {p}: {keys}" for (m, p), keys in matched.items() if len(keys) > 1]
    assert (missing, twice, stray) == ([], [], [])
    assert len(rows) == len(routes) > 130


# --- the sweep -----------------------------------------------------------------------------------


@dataclass
class Seeded:
    app: Any
    db: Database
    clock: FixedClock
    csrf: str
    samples: dict[str, str]


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """One app and one seeded database per backend for the whole sweep."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("matrix") / "otop.db"
        path.write_bytes(template.read_bytes())
        db = Database(f"sqlite:///{path}")
    else:
        db = Database(request.getfixturevalue("postgres_url"))
        _truncate_postgres(db)
    clock = FixedClock(NOW)
    app = create_app(Settings(demo=True, database_url=db.url), db=db, clock=clock)
    with pytest.MonkeyPatch.context() as patch:
        # The demo's seven passwords hashed at the lowest Argon2 cost: the full cost is most of
        # the seed's time, and the sweep signs no one in by password.
        patch.setattr(
            accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
        )
        seed_demo_database(db, clock.now(), scale=0.01)
    with TestClient(app) as client:
        seeded = Seeded(app, db, clock, *_samples(client, db, clock))
    yield seeded
    db.dispose()


def _session(db: Database, clock: FixedClock, username: str) -> str:
    """A session token of the user, as signing in makes one (without hashing a password)."""
    with db.write() as conn:
        user_id = conn.execute(select(User.id).where(User.username == username)).scalar_one()
        return open_session(conn, get_user(conn, user_id), now=clock.now(), hours=12)


def _as(client: TestClient[Any], db: Database, clock: FixedClock, csrf: str, role: str) -> None:
    cookies = {"csrftoken": csrf}
    if role != "anonymous":
        token = cookies["otop_session"] = _session(db, clock, USERS[role])
        # A signed-in session's pages carry its own CSRF token (web.accounts.auth).
        csrf = cookies["csrftoken"] = session_csrf_token(Settings(demo=True).secret, token)
    client.cookies = httpx.Cookies(cookies)
    client.headers["x-csrftoken"] = csrf


def _ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, f"{response.request.url}: {response.text}"
    return response.json()


def _samples(
    client: TestClient[Any], db: Database, clock: FixedClock
) -> tuple[str, dict[str, str]]:
    """Real ids for every sample name: made through the API by the roles that make them."""
    client.get("/login")
    csrf = client.cookies["csrftoken"]
    with db.read() as conn:
        entrepreneur = conn.execute(
            select(Entrepreneur.id).where(Entrepreneur.code == "CM-0001")
        ).scalar_one()
        till, location = conn.execute(
            select(Till.id, Till.location_id).where(Till.code == "SKP-01")
        ).one()
        product, barcode, price = conn.execute(
            select(Product.id, Product.barcode, Product.price_satang)
            .where(Product.entrepreneur_id == entrepreneur)
            .order_by(Product.id)
        ).first()
        category = conn.execute(select(Product.category_id).where(Product.id == product)).scalar()
    s: dict[str, Any] = {
        "entrepreneur": entrepreneur,
        "till": till,
        "location": location,
        "product": product,
        "barcode": barcode,
        "category": category,
    }
    with db.write() as conn:  # a user for the admin's actions on users
        s["member"] = create_user(
            conn,
            SYSTEM,
            username="matrix-member",
            password=NewPassword("!"),
            role=Role.CASHIER,
            now=clock.now(),
        ).id

    _as(client, db, clock, csrf, "manager")
    version = _ok(client.get(f"/api/v1/entrepreneurs/{entrepreneur}"))["version"]
    _ok(
        client.patch(
            f"/api/v1/entrepreneurs/{entrepreneur}",
            json={"promptpay_id": "0812345678", "version": version},
        )
    )
    intake = _ok(
        client.post(
            "/api/v1/stock/intakes",
            json={
                "entrepreneur_id": entrepreneur,
                "location_id": location,
                "lines": [{"product_id": product, "quantity": 5}],
            },
        )
    )
    s["intake"] = intake["id"]
    with db.read() as conn:  # the intake's lot, chosen for a note (it is not due yet)
        lot = conn.execute(
            select(StockLot.id).where(
                StockLot.intake_id == intake["id"], StockLot.product_id == product
            )
        ).scalar_one()
    s["return_note"] = _ok(
        client.post(
            "/api/v1/stock/return-notes",
            json={
                "entrepreneur_id": entrepreneur,
                "location_id": location,
                "lots": [{"lot_id": lot, "quantity": 1}],
            },
        )
    )["id"]
    photo = client.put(
        f"/api/v1/products/{product}/photo",
        files={"file": ("photo.png", image_bytes("PNG"), "image/png")},
    )
    s["photo"] = _ok(photo)["key"]

    _as(client, db, clock, csrf, "entrepreneur")
    delivery = _ok(
        client.post(
            "/api/v1/deliveries",
            json={
                "expected_on": "2026-11-22",
                "lines": [{"product_id": product, "quantity": 2}],
                "new_products": [
                    {
                        "name_th": "สินค้าใหม่",
                        "category_id": category,
                        "price_satang": 100,
                        "quantity": 1,
                    }
                ],
            },
        )
    )
    s["delivery"], s["proposal"] = delivery["id"], delivery["lines"][1]["product_id"]

    _as(client, db, clock, csrf, "cashier")
    s["shift"] = _ok(
        client.post("/api/v1/shifts", json={"till_id": till, "opening_float_satang": 0})
    )["id"]
    sale = _ok(
        client.post(
            "/api/v1/sales",
            headers={"Idempotency-Key": "matrix-sale-1"},
            json={
                "till_id": till,
                "lines": [{"product_id": product, "quantity": 3}],
                "payments": [{"method": "cash", "amount_satang": 3 * price}],
            },
        )
    )
    s["sale"], s["receipt"] = sale["id"], sale["receipt_number"]
    _as(client, db, clock, csrf, "manager")
    refund = _ok(
        client.post(
            "/api/v1/refunds",
            headers={"Idempotency-Key": "matrix-refund-1"},
            json={
                "sale_id": sale["id"],
                "till_id": till,
                "lines": [{"line_no": 1, "quantity": 1}],
                "reason": "matrix",
            },
        )
    )
    s["refund"] = refund["id"]
    _as(client, db, clock, csrf, "cashier")
    invoiced = _ok(
        client.post(
            "/api/v1/sales",
            headers={"Idempotency-Key": "matrix-sale-2"},
            json={
                "till_id": till,
                "lines": [{"product_id": product, "quantity": 1}],
                "payments": [{"method": "cash", "amount_satang": price}],
            },
        )
    )
    buyer = {"name": "บริษัท เมทริกซ์ จำกัด", "address": "เชียงใหม่", "tax_id": "0105558000014"}
    s["invoice"] = _ok(
        client.post(f"/api/v1/sales/{invoiced['id']}/tax-invoice", json={"buyer": buyer})
    )["id"]
    _as(client, db, clock, csrf, "manager")
    _ok(
        client.post(
            "/api/v1/refunds",
            headers={"Idempotency-Key": "matrix-refund-2"},
            json={
                "sale_id": invoiced["id"],
                "till_id": till,
                "lines": [{"line_no": 1, "quantity": 1}],
                "reason": "matrix",
            },
        )
    )
    s["credit_note"] = 1  # the first credit note of a full tax invoice

    clock.advance(days=8)  # the sale is past the refund window: a payout run pays for it
    _as(client, db, clock, csrf, "manager")
    s["cutoff"] = (business_date(clock.now()) - timedelta(days=1)).isoformat()
    run = _ok(
        client.post("/api/v1/payout-runs", json={"cutoff_date": s["cutoff"], "minimum_satang": 1})
    )
    s["run"] = run["id"]
    s["payout"] = next(p["id"] for p in run["payouts"] if p["entrepreneur_id"] == entrepreneur)

    _as(client, db, clock, csrf, "cashier")
    pending = _ok(client.post("/api/v1/payments", json={"amount_satang": 15000}))
    s["payment"], s["reference"] = pending["id"], pending["reference"]
    paid = _ok(client.post("/api/v1/payments", json={"amount_satang": 15000}))
    _ok(client.post(f"/api/v1/payments/{paid['id']}/confirm"))
    s["paid_payment"] = paid["id"]
    mismatched = _ok(client.post("/api/v1/payments", json={"amount_satang": 15000}))
    s["exception"] = _webhook(client, clock, mismatched["reference"], 14000)["exception_id"]
    return csrf, {name: str(value) for name, value in s.items()}


def _webhook(client: TestClient[Any], clock: FixedClock, reference: str, amount: int) -> Any:
    event = {
        "reference": reference,
        "amount_satang": amount,
        "transaction_id": f"MATRIX{amount}",
        "paid_at": "2026-11-21T10:00:00+07:00",
    }
    body = json.dumps(event).encode()
    stamp = str(int(clock.now().timestamp()))
    signature = sign(Settings(demo=True).hook_secret, stamp, body)
    response = client.post(
        "/api/v1/payments/webhook",
        content=body,
        headers={"x-timestamp": stamp, "x-signature": signature},
    )
    assert response.status_code == 422, response.text
    return response.json()


def _outcome(method: str, response: httpx.Response) -> str:
    status = response.status_code
    if status >= 500 or status in (401, 403, 404):
        return str(status)
    if status == 303 and response.headers["location"].startswith("/login?next="):
        return "login"
    if method == "GET" and status >= 400:
        return str(status)
    return "ok"


def test_every_role_on_every_route_gets_what_the_table_says(seeded: Seeded) -> None:
    rows = _rows()
    # Reads first, on the data as seeded; then the writes (which may change it); sign-outs last.
    reads = [r for r in rows if r.method == "GET"]
    writes = [r for r in rows if r.method != "GET" and r.path not in SIGN_OUT]
    sign_outs = [r for r in rows if r.path in SIGN_OUT]
    wrong = []
    with TestClient(seeded.app) as client:
        for phase, role in itertools.product((reads, writes, sign_outs), ROLES):
            _as(client, seeded.db, seeded.clock, seeded.csrf, role)
            for row in phase:
                if row.path.split("?")[0] in SIGN_OUT:
                    _as(client, seeded.db, seeded.clock, seeded.csrf, role)
                response = _request(client, row, seeded.samples)
                got = _outcome(row.method, response)
                if got != row.expected[role]:
                    wrong.append(
                        f"{row.key} as {role}: expected {row.expected[role]}, got "
                        f"{response.status_code} {response.text[:120]!r}"
                    )
    assert wrong == []


def _request(client: TestClient[Any], row: Row, samples: dict[str, str]) -> httpx.Response:
    url = PARAM.sub(lambda m: samples[m[1]], row.path)
    if row.method == "GET":
        return client.get(url, follow_redirects=False)
    if url.startswith("/api/"):
        return client.request(row.method, url, json={}, follow_redirects=False)
    return client.request(row.method, url, data={}, follow_redirects=False)
