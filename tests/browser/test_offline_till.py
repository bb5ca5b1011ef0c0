"""The till through outages, in Chromium: sales rung with the network cut reach the books
exactly once when it comes back, receipt numbers per till run on without a gap or a repeat,
and the next customer never waits for the server."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot
from tests.browser.test_till import api_get, barcodes, scan, shift_report, start_till, till_module

pytestmark = pytest.mark.browser

QUEUE = "[data-queue]"


def pay_cash(page: Any) -> str:
    """F8, Enter (exact money): the receipt number the till printed."""
    page.keyboard.press("F8")
    page.wait_for_selector("#dlg-pay[open]")
    page.keyboard.press("Enter")
    page.locator("[data-done]").wait_for(state="visible")
    number: str = page.inner_text("[data-done-number]")
    return number


def queue_status(page: Any) -> dict[str, Any]:
    status: dict[str, Any] = till_module(page, "till_queue.js", "m.status()")
    return status


def wait_for_queue(page: Any, done: Any, seconds: float = 20) -> dict[str, Any]:
    """Poll the device's queue until ``done(status)`` (page.wait_for_function would take the
    promise an async predicate returns for a truthy answer)."""
    deadline = time.monotonic() + seconds
    while True:
        status = queue_status(page)
        if done(status):
            return status
        assert time.monotonic() < deadline, f"the queue stayed {status}"
        page.wait_for_timeout(200)


def sales_by_number(page: Any, numbers: list[str]) -> dict[str, list[Any]]:
    return {n: api_get(page, f"/api/v1/sales?receipt_number={n}") for n in numbers}


def test_sales_rung_offline_reach_the_books_once_when_the_network_returns(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "TPR-01")
    items = barcodes(page, till_id, 3)
    before = shift_report(page)["sales_count"]
    # Online: the queue sends at once.
    scan(page, items[0][0])
    first = pay_cash(page)
    wait_for_queue(page, lambda s: s["waiting"] == 0)

    page.context.set_offline(True)
    numbers = []
    for code, _ in items:
        scan(page, code)
        numbers.append(pay_cash(page))  # the receipt at once, the next customer at once
    page.locator(QUEUE).wait_for(state="visible")
    assert "รอส่ง 3 บิล" in page.inner_text(QUEUE)
    shot(page, "till-offline-queue")
    prefix, seq = first.rsplit("-", 1)
    assert numbers == [f"{prefix}-{int(seq) + i:06d}" for i in (1, 2, 3)]
    receipt = page.frame_locator("[data-receipt]")
    assert numbers[-1] in receipt.locator("body").inner_text()

    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    page.locator(QUEUE).wait_for(state="hidden")
    assert shift_report(page)["sales_count"] == before + 4
    found = sales_by_number(page, numbers)
    assert all(len(sales) == 1 and sales[0]["status"] == "completed" for sales in found.values())


def test_a_lost_answer_is_sent_again_with_the_same_key_and_makes_one_sale(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "TPR-01")
    items = barcodes(page, till_id, 2)
    before = shift_report(page)["sales_count"]
    sent: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        sent.append(route.request.headers["idempotency-key"])
        if len(sent) == 1:
            route.fetch()  # the server makes the sale...
            route.abort("connectionreset")  # ...and its answer never arrives
        else:
            route.continue_()

    page.route("**/api/v1/sales", lose_the_first_answer)
    for code, _ in items:
        scan(page, code)
    number = pay_cash(page)  # printed at once: the cashier does not wait
    assert re.fullmatch(r"TPR-01-\d{6}", number)
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    page.unroute("**/api/v1/sales")
    assert len(sent) == 2 and sent[0] == sent[1]  # the same Idempotency-Key
    assert shift_report(page)["sales_count"] == before + 1
    assert len(api_get(page, f"/api/v1/sales?receipt_number={number}")) == 1


def test_a_reload_while_offline_keeps_the_queue_and_sends_it_later(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "TPR-01")
    (code, _), *_ = barcodes(page, till_id, 1)
    before = shift_report(page)["sales_count"]
    page.route("**/api/v1/sales", lambda route: route.abort("internetdisconnected"))
    scan(page, code)
    number = pay_cash(page)
    wait_for_queue(page, lambda s: s["waiting"] == 1 and s["lastError"] == "offline")
    page.reload()  # the till is closed and opened again, the sales endpoint still cut off
    page.wait_for_selector("body[data-ready]")
    page.locator(QUEUE).wait_for(state="visible")
    assert queue_status(page)["waiting"] == 1
    page.unroute("**/api/v1/sales")  # the network is back
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    assert shift_report(page)["sales_count"] == before + 1
    assert len(api_get(page, f"/api/v1/sales?receipt_number={number}")) == 1
