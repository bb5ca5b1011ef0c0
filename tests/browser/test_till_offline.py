"""The till with no network: once loaded it reopens from its service worker's cache, its
catalogue from IndexedDB, and a scanned barcode still lands in the cart; online, a price
changed at the office reaches an open till within its refresh interval.

A server of its own (the demo at 5 %), refreshing the till's catalogue every second, that
the offline test stops: Playwright's ``set_offline`` is set too, but the server being gone
is what proves that nothing came from the network.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from tests.browser.conftest import ARTIFACTS, LOGIN_LINE, LiveServer, sign_in
from tests.browser.test_till import TILL_READY, barcodes, scan, start_till, till_module
from tests.servers import Server, otop

pytestmark = pytest.mark.browser

REFRESH_SECONDS = 1


@dataclass
class Served:
    live: LiveServer
    server: Server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[Served]:
    folder: Path = tmp_path_factory.mktemp("offline")
    database_url = f"sqlite:///{folder / 'otop.db'}"
    env = {"OTOP_CATALOGUE_REFRESH_SECONDS": str(REFRESH_SECONDS)}
    with mock.patch.dict(os.environ, env):
        otop("migrate", database_url=database_url)
        seeded = otop("seed", "--demo", "--scale", "0.05", database_url=database_url)
        logins: dict[str, tuple[str, str]] = {}
        for line in seeded.stdout.splitlines():
            match = LOGIN_LINE.match(line)
            if match:
                logins.setdefault(match[3], (match[1], match[2]))
        with Server(database_url, folder / "server.log") as server:
            yield Served(LiveServer(server.url, logins, database_url), server)


@pytest.fixture
def till_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="th-TH")
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def _kept_on_the_device(page: Any, till_id: int) -> None:
    """Wait until the service worker controls the page and the catalogue is in IndexedDB
    (``page.evaluate`` awaits a promise; ``wait_for_function`` would take it as true)."""
    page.wait_for_function(
        "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
    )
    deadline = time.monotonic() + 10
    while not page.evaluate(
        """async (till) => {
          const db = await new Promise((ok, no) => {
            const r = indexedDB.open("otop-till-catalogue", 1);
            r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
          });
          const saved = await new Promise((ok) => {
            const r = db.transaction("catalogue").objectStore("catalogue").get(till);
            r.onsuccess = () => ok(r.result); r.onerror = () => ok(null);
          });
          db.close();
          return !!saved && saved.products.length > 0;
        }""",
        till_id,
    ):
        assert time.monotonic() < deadline, "the catalogue was not kept in IndexedDB"
        time.sleep(0.1)


def test_a_loaded_till_reopens_and_scans_with_no_network(
    till_page: Any, served: Served, browser: Any
) -> None:
    page = till_page
    till_id = start_till(page, served.live, "SKP-01")
    (barcode, price), *_ = barcodes(page, till_id, 1)
    _kept_on_the_device(page, till_id)

    served.server.stop()
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector(TILL_READY)
        assert page.locator("[data-net]").is_visible()  # the till says it is offline
        assert page.locator(".card-product").count() > 0  # the grid from the device's copy
        page.click("#scan")
        scan(page, barcode)
        line = page.locator("[data-cart] li.line")
        line.first.wait_for()
        assert line.count() == 1
        assert f"{price // 100:,}.{price % 100:02d}" in line.first.inner_text()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "till-offline-reload.png"))
    finally:
        page.context.set_offline(False)
        served.server.start()


def test_a_price_changed_at_the_office_reaches_an_open_till(
    till_page: Any, served: Served, browser: Any
) -> None:
    page = till_page
    till_id = start_till(page, served.live, "SKP-02")
    first = page.locator(".card-product").first
    body = page.request.get(f"{served.live.url}/api/v1/till/catalogue?till_id={till_id}").json()
    product_id, old_price = body["products"][0][0], body["products"][0][5]
    new_price = old_price + 1234

    office = browser.new_context()
    try:
        office_page = office.new_page()
        sign_in(office_page, served.live, "manager")
        token = next(c["value"] for c in office.cookies() if c["name"] == "csrftoken")
        url = f"{served.live.url}/api/v1/products/{product_id}"
        version = office.request.get(url).json()["version"]
        changed = office.request.patch(
            url,
            headers={"x-csrftoken": token},
            data={"version": version, "price_satang": new_price},
        )
        assert changed.ok, changed.text()
    finally:
        office.close()

    shown = f"{new_price // 100:,}.{new_price % 100:02d}"
    changed_at = time.monotonic()
    page.wait_for_function(
        "(shown) => document.querySelector('.card-product .card-price').textContent === shown",
        arg=shown,
        timeout=(REFRESH_SECONDS + 5) * 1000,
    )
    took = time.monotonic() - changed_at
    assert took < REFRESH_SECONDS + 5
    price_held = till_module(page, "till_products.js", f"m.productById({product_id}).price")
    assert price_held == new_price
    assert first.locator(".card-name").inner_text() == body["products"][0][3]
