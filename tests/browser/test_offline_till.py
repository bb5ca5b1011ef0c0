"""The till through outages, in Chromium: sales rung with the network cut reach the books
exactly once when it comes back, receipt numbers per till run on without a gap or a repeat,
and the next customer never waits for the server."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from payments.references import ReceivingAccount, payment_payload
from payments.webhook import sign
from tests.browser.conftest import LiveServer, demo_server, shot, sign_in
from tests.browser.test_offline_qr import decode
from tests.browser.test_till import (
    TILL_READY,
    api_get,
    baht,
    barcodes,
    scan,
    shift_report,
    start_till,
    till_module,
)
from tests.servers import otop
from web.settings import Settings

pytestmark = pytest.mark.browser

QUEUE = "[data-queue]"


def pay_cash(page: Any) -> str:
    """F8, Enter (exact money): the receipt number the till printed. The scan's line is in the
    cart first (under load the till may still be adding it when the test presses F8)."""
    page.wait_for_selector("[data-cart] li.line")
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


# --- faults: what each test proves at its end --------------------------------------------------


def until(what: str, check: Callable[[], Any], page: Any, seconds: float = 20) -> Any:
    """Poll ``check()`` until it gives something truthy (``what`` names it when it never does)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, f"{what}: still {found!r} after {seconds} s"
        page.wait_for_timeout(200)


def on_hand(page: Any, till_id: int) -> dict[str, int]:
    """On-hand per barcode at the till's location, from the catalogue API."""
    body = api_get(page, f"/api/v1/till/catalogue?till_id={till_id}")
    col = {name: i for i, name in enumerate(body["columns"])}
    return {r[col["barcode"]]: r[col["on_hand"]] for r in body["products"]}


def numbers_ready(page: Any, till_id: int) -> None:
    """The device holds leased receipt numbers (it leases them while online)."""
    until(
        "numbers leased to the device",
        lambda: till_module(page, "till_queue.js", f"m.numbersLeft({till_id})"),
        page,
    )


def seq(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def assert_in_the_books(
    page: Any,
    server: LiveServer,
    till_id: int,
    numbers: list[str],
    stock_before: dict[str, int],
    sold: Counter[str],
) -> dict[str, Any]:
    """Every sale rung is in the books exactly once, the numbers run on with no gap and no
    repeat, stock moved once per line, and ``otop-pos check`` passes; the sales by number."""
    assert len(set(numbers)) == len(numbers), f"a number was issued twice: {numbers}"
    ordered = sorted(seq(n) for n in numbers)
    assert ordered == list(range(ordered[0], ordered[0] + len(numbers))), numbers
    found = sales_by_number(page, numbers)
    assert {n: len(sales) for n, sales in found.items()} == {n: 1 for n in numbers}
    assert len({sales[0]["id"] for sales in found.values()}) == len(numbers)
    after = on_hand(page, till_id)
    assert {code: stock_before[code] - after[code] for code in sold} == dict(sold)
    checked = otop("check", database_url=server.database_url)
    assert "check passed" in checked.stdout, checked.stdout
    return {n: sales[0] for n, sales in found.items()}


def sales_posted(tab: Any, name: str, into: list[tuple[str, str, str]]) -> None:
    """Record (tab, Idempotency-Key, replayed?) of every POST /api/v1/sales the server answered."""

    def seen(response: Any) -> None:
        request = response.request
        if request.method == "POST" and request.url.endswith("/api/v1/sales"):
            key = request.headers.get("idempotency-key", "")
            into.append((name, key, response.headers.get("idempotency-replayed", "")))

    tab.on("response", seen)


def test_two_tabs_offline_never_share_a_number_and_one_sender_delivers_them(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "SKP-01")
    items = barcodes(page, till_id, 3)
    stock = on_hand(page, till_id)
    numbers_ready(page, till_id)
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    other = page.context.new_page()  # a second tab of the same till, on the same device
    other.set_default_timeout(10_000)
    other.set_viewport_size({"width": 1366, "height": 768})
    other.goto(f"{live_server.url}/till")
    other.wait_for_selector(TILL_READY)
    assert till_module(other, "till.js", "m.state.till.id") == till_id
    posted: list[tuple[str, str, str]] = []
    sales_posted(page, "first", posted)
    sales_posted(other, "second", posted)

    page.context.set_offline(True)
    numbers: list[str] = []
    sold: Counter[str] = Counter()
    for i in range(6):
        tab = (page, other)[i % 2]
        tab.bring_to_front()
        code = items[i % len(items)][0]
        scan(tab, code)
        numbers.append(pay_cash(tab))
        sold[code] += 1
    for tab in (page, other):  # each tab shows the device's whole queue
        chip = tab.locator(QUEUE, has_text="รอส่ง 6 บิล")
        chip.wait_for(state="visible")
    shot(other, "till-two-tabs-offline-queue")
    assert posted == []

    page.context.set_offline(False)  # both tabs hear `online` at once
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    until("the other tab's chip empties", lambda: other.locator(QUEUE).is_hidden(), other)
    keys = Counter(key for _, key, _ in posted)
    assert len(keys) == 6 and set(keys.values()) == {1}, posted  # each sale sent once
    assert len({tab for tab, _, _ in posted}) == 1, posted  # by one sender
    assert all(replayed != "true" for _, _, replayed in posted)
    found = assert_in_the_books(page, live_server, till_id, numbers, stock, sold)
    assert all(sale["status"] == "completed" for sale in found.values())


@contextmanager
def till_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="th-TH")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        yield tab
    finally:
        context.close()


def test_sales_wait_on_the_device_while_the_server_is_killed_and_restarted(
    browser: Any, tmp_path: Path
) -> None:
    with demo_server(tmp_path) as server, till_page(browser) as page:
        assert server.process is not None
        till_id = start_till(page, server, "SKP-01")
        items = barcodes(page, till_id, 3)
        stock = on_hand(page, till_id)
        numbers_ready(page, till_id)
        scan(page, items[0][0])
        numbers = [pay_cash(page)]
        wait_for_queue(page, lambda s: s["waiting"] == 0)

        server.process.kill()  # a power cut at the server: every worker at once
        for code, _ in items:
            scan(page, code)
            numbers.append(pay_cash(page))
        wait_for_queue(page, lambda s: s["waiting"] == 3 and s["lastError"] == "offline")
        assert "รอส่ง 3 บิล" in page.inner_text(QUEUE)

        server.process.start()  # the same database, the same port; the page is not told
        wait_for_queue(page, lambda s: s["waiting"] == 0, seconds=30)
        page.locator(QUEUE).wait_for(state="hidden")
        sold = Counter({items[0][0]: 1}) + Counter(code for code, _ in items)
        found = assert_in_the_books(page, server, till_id, numbers, stock, sold)
        assert all(sale["status"] == "completed" for sale in found.values())


def test_slow_answers_never_keep_the_next_customer_waiting(
    page: Any, live_server: LiveServer
) -> None:
    delay_ms = 4000
    till_id = start_till(page, live_server, "SKP-02")
    items = barcodes(page, till_id, 3)
    stock = on_hand(page, till_id)
    numbers_ready(page, till_id)
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    answered: list[str] = []

    def slowly(route: Any) -> None:
        response = route.fetch()  # the server makes the sale at once...
        page.wait_for_timeout(delay_ms)  # ...and its answer takes seconds to come back
        answered.append(route.request.headers["idempotency-key"])
        route.fulfill(response=response)

    page.route("**/api/v1/sales", slowly)
    numbers: list[str] = []
    for code, _ in items:
        started = time.monotonic()
        scan(page, code)
        numbers.append(pay_cash(page))
        took = time.monotonic() - started
        assert took < delay_ms / 2000, f"the receipt took {took:.1f} s"
        receipt = page.frame_locator("[data-receipt]")
        assert numbers[-1] in receipt.locator("body").inner_text()
    assert answered == []  # every receipt printed before the first answer came back
    page.locator(QUEUE).wait_for(state="visible")
    shot(page, "till-slow-answers-queue")
    wait_for_queue(page, lambda s: s["waiting"] == 0, seconds=60)
    page.unroute("**/api/v1/sales")
    assert len(answered) == len(set(answered)) == 3
    found = assert_in_the_books(
        page, live_server, till_id, numbers, stock, Counter(c for c, _ in items)
    )
    assert all(sale["status"] == "completed" for sale in found.values())


def bank_callback(page: Any, server: LiveServer, reference: str, amount: int, tx: str) -> Any:
    """The bank's signed callback (the demo's webhook secret), as the bank would send it."""
    body = json.dumps(
        {
            "reference": reference,
            "amount_satang": amount,
            "transaction_id": tx,
            "paid_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        }
    ).encode()
    timestamp = str(int(time.time()))
    secret = Settings(demo=True).hook_secret
    headers = {
        "content-type": "application/json",
        "x-timestamp": timestamp,
        "x-signature": sign(secret, timestamp, body),
    }
    return page.request.post(f"{server.url}/api/v1/payments/webhook", data=body, headers=headers)


def test_promptpay_offline_shows_the_tills_own_qr_and_the_bank_confirms_it_later(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "SKP-01")
    (code, price), *_ = barcodes(page, till_id, 1)
    stock = on_hand(page, till_id)
    numbers_ready(page, till_id)
    wait_for_queue(page, lambda s: s["waiting"] == 0)

    page.context.set_offline(True)
    scan(page, code)
    page.keyboard.press("F9")
    page.wait_for_selector("#dlg-pay[open]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#dlg-offline-qr[open]")
    symbol = page.locator("#dlg-offline-qr [data-offline-qr] svg")
    assert symbol.count() == 1
    assert page.inner_text("[data-offline-amount]") == f"฿{baht(price)}"
    reference = page.inner_text("[data-offline-ref]").strip()
    shot(page, "till-offline-qr-dialog")
    payload = decode(symbol.screenshot())
    account = ReceivingAccount(**till_module(page, "till.js", "m.config.account"))
    assert payload == [payment_payload(account, reference, price)]
    amount = f"{price // 100}.{price % 100:02d}"
    assert payload[0].startswith("000201") and f"54{len(amount):02d}{amount}" in payload[0]

    started = time.monotonic()
    page.click("#dlg-offline-qr [data-offline-paid]")
    page.locator("[data-done]").wait_for(state="visible")
    assert time.monotonic() - started < 2
    number = page.inner_text("[data-done-number]")
    wait_for_queue(page, lambda s: s["waiting"] == 1)

    page.context.set_offline(False)
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    sale = assert_in_the_books(page, live_server, till_id, [number], stock, Counter([code]))[number]
    assert sale["status"] == "completed"
    (paid,) = sale["payments"]
    assert (paid["method"], paid["reference"], paid["amount_satang"]) == (
        "promptpay",
        reference,
        price,
    )
    payment_url = f"/api/v1/payments/{paid['payment_id']}"
    payment = api_get(page, payment_url)
    assert (payment["status"], payment["confirmation"], payment["transaction_id"]) == (
        "confirmed",
        "manual",
        None,
    )

    tx = f"BANK{reference}"[:32]
    answer = bank_callback(page, live_server, reference, price, tx)
    assert answer.status == 200, answer.text()
    payment = api_get(page, payment_url)
    assert (payment["status"], payment["confirmation"], payment["transaction_id"]) == (
        "confirmed",
        "manual",
        tx,
    )
    manager = page.context.browser.new_context()
    try:
        office = manager.new_page()
        sign_in(office, live_server, "manager")
        exceptions = api_get(office, "/api/v1/payments/exceptions?open_only=false")
        assert [e for e in exceptions if e["payment_id"] == paid["payment_id"]] == []
        assert [e for e in exceptions if e["transaction_id"] == tx] == []
        opened = api_get(office, "/api/v1/sale-exceptions")
        assert [e for e in opened if e["receipt_number"] == number] == []
    finally:
        manager.close()
    assert "check passed" in otop("check", database_url=live_server.database_url).stdout


def test_a_shift_closed_while_sales_are_cut_off_lists_them_and_they_arrive_later(
    page: Any, live_server: LiveServer
) -> None:
    till_id = start_till(page, live_server, "SKP-02")
    items = barcodes(page, till_id, 2)
    stock = on_hand(page, till_id)
    numbers_ready(page, till_id)
    wait_for_queue(page, lambda s: s["waiting"] == 0)
    page.route("**/api/v1/sales", lambda route: route.abort("internetdisconnected"))
    numbers = []
    for code, _ in items:
        scan(page, code)
        numbers.append(pay_cash(page))
    wait_for_queue(page, lambda s: s["waiting"] == 2 and s["lastError"] == "offline")
    page.wait_for_selector("[data-receipt][data-printed]", state="attached")

    page.keyboard.press("F3")
    page.click("[data-menu=close]")
    page.wait_for_function(
        "() => document.querySelector('[data-close-expected]').textContent !== '…'"
    )
    expected = shift_report(page)["expected_cash_satang"]  # the server has not seen the two
    in_drawer = expected + sum(price for _, price in items)
    page.fill("#dlg-close [name=counted]", str(in_drawer // 100) + f".{in_drawer % 100:02d}")
    shot(page, "till-close-with-sales-waiting")
    page.click("#dlg-close button[type=submit]")
    page.wait_for_selector("#dlg-report[open]", timeout=30_000)  # after the queue's few seconds
    report = page.inner_text("#dlg-report [data-report]")
    assert all(number in report for number in numbers), report
    shot(page, "till-z-report-outstanding")
    page.keyboard.press("Escape")
    page.wait_for_selector("#dlg-open[open]")

    page.unroute("**/api/v1/sales")  # the sales get through at last
    wait_for_queue(page, lambda s: s["waiting"] == 0, seconds=30)
    found = assert_in_the_books(
        page, live_server, till_id, numbers, stock, Counter(code for code, _ in items)
    )
    assert all(sale["status"] == "completed" for sale in found.values())
    manager = page.context.browser.new_context()
    try:
        office = manager.new_page()
        sign_in(office, live_server, "manager")
        exceptions = api_get(office, "/api/v1/sale-exceptions")
        kinds = {n: {e["kind"] for e in exceptions if e["receipt_number"] == n} for n in numbers}
        assert kinds == {n: {"shift_closed"} for n in numbers}, exceptions
    finally:
        manager.close()
    checked = otop("check", database_url=live_server.database_url).stdout
    assert "check passed" in checked and "warning" in checked, checked
