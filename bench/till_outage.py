"""The browser till through a network outage: customers served while it lasts, and how soon
the device's queue reaches the books when the network is back.

A real ``otop-pos serve`` on a fresh SQLite database seeded with the demo catalogue, Debian's
Chromium driven by Playwright at 1366x768, signed in as the demo cashier, who opens the
shift on SKP-01 in the till's own dialog. Then:

1. The outage: ``context.set_offline(True)`` for ``OTOP_OUTAGE_SECONDS`` (120 by default, 30
   with ``--quick``). A customer comes every ``PACE_SECONDS`` with 1-3 items: the cashier
   scans each barcode (digits typed, then Enter, as a keyboard wedge does) and takes exact
   cash (F8, Enter). Counted: customers given a receipt during the outage, and the time from
   the first scan's first keystroke to the receipt on the screen (wall clock, so it includes
   Playwright's keystrokes). The till leases its receipt numbers itself, as it ships. When
   the network is back the queue's sales are sent; the time that takes is reported beside.
2. The sync: a second device of the same till (a new browser context: its own device id and
   IndexedDB) is given ``SYNC_SALES`` (500) receipt numbers: four blocks leased through the
   API with its device id before the till opens, which the till takes as its own (its
   ``ensureNumbers`` is refused a fifth block and adopts the server's list). Offline, the page
   rings ``SYNC_SALES`` cash sales through the queue's own ``ring()``, built as till_pay.js's
   ``ringSale`` builds them (products in stock at the till, 1-3 lines, exact cash). Then the
   network comes back: timed from ``set_offline(False)`` to the queue holding nothing
   waiting. The server must then hold each of those receipt numbers exactly once, the
   shift's report must count every sale, nothing may be refused, and ``otop-pos check`` must
   pass.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.checkout import start_server
from bench.report import Report, Row, percentile
from bench.till_browser import CHROMIUM, CHROMIUM_ARGS, _free_port
from web.commands.seed import seed_demo_database
from web.migrate import upgrade

TILL = "SKP-01"
USERNAME, PASSWORD = "cashier1", "otop-cashier1-2026"
# The cashier's pace: a customer every 4 s, 1-3 items each (a busy market stall: greet, scan,
# take the money, hand over the receipt). The only limit on customers served, if the till
# never waits for the network.
PACE_SECONDS = 4.0
ITEMS_PER_CUSTOMER = (1, 3)
OUTAGE_SECONDS = float(os.environ.get("OTOP_OUTAGE_SECONDS", "120"))
QUICK_OUTAGE_SECONDS = 30.0
SYNC_SALES = 500  # a till offline for a busy morning
SYNC_TARGET_S = 30.0
OPEN_BLOCKS = 4  # pos/tills/leases.py MAX_OPEN_BLOCKS: what one device may hold at once
SYNC_DEVICE = "bench-sync-device-01"


@dataclass
class Figures:
    outage_s: float
    served: int
    expected: int
    receipts: list[str]
    receipt_ms: list[float]
    outage_sync_s: float
    ring_s: float
    sync_s: float
    synced: list[str]
    found_once: int
    refused: int
    shift_sales: int
    posts: int
    post_s: float
    chromium: str


def prepare(url: str, scale: float) -> None:
    upgrade(url)
    from datetime import UTC, datetime

    from kernel.db.engine import Database

    db = Database(url)
    try:
        seed_demo_database(db, datetime.now(UTC), scale=scale)
    finally:
        db.dispose()


def _module(page: Any, module: str, expression: str) -> Any:
    """``expression`` over the exports ``m`` of one of the till's ES modules (the page's own
    instance: importing the URL the page imported)."""
    return page.evaluate(
        f"async () => {{ const m = await import('/static/{module}'); return {expression}; }}"
    )


def _sign_in(context: Any, base: str, till_id: int | None, device: str | None = None) -> Any:
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if device is not None:
        page.evaluate(f"localStorage.setItem('otop.till.device', '{device}')")
    if till_id is not None:
        page.evaluate(f"localStorage.setItem('otop.till.id', '{till_id}')")
    return page


def _open_till(page: Any, base: str) -> None:
    page.goto(f"{base}/till")
    page.wait_for_selector("body[data-ready]", timeout=60_000)


def _till_id(page: Any, base: str) -> int:
    tills = page.request.get(f"{base}/api/v1/tills").json()
    return int(next(t["id"] for t in tills if t["code"] == TILL))


def _stocked(page: Any, base: str, till_id: int) -> list[dict[str, Any]]:
    """The till's catalogue rows (as dicts) of products in stock at the till."""
    body = page.request.get(f"{base}/api/v1/till/catalogue?till_id={till_id}").json()
    names = body["columns"]
    rows = [dict(zip(names, row, strict=True)) for row in body["products"]]
    return [r for r in rows if r["on_hand"] >= 5 and r["barcode"]]


def _wait(page: Any, predicate: str, seconds: float) -> Any:
    """Poll the device's queue status in the page until ``predicate(s)``; (seconds, status)."""
    return page.evaluate(
        """async ([seconds]) => {
          const q = await import('/static/till_queue.js');
          const started = performance.now();
          for (;;) {
            const s = await q.status();
            if ((PREDICATE)(s)) return [(performance.now() - started) / 1000, s];
            if (performance.now() - started > seconds * 1000) {
              throw new Error('queue: ' + JSON.stringify(s));
            }
            await new Promise((r) => setTimeout(r, 50));
          }
        }""".replace("PREDICATE", predicate),
        [seconds],
    )


def _numbers(page: Any, till_id: int, at_least: int, seconds: float = 30) -> int:
    """Wait until the device holds ``at_least`` receipt numbers of the till (the till leases
    them itself once the shift is known)."""
    held: int = page.evaluate(
        """async ([tillId, atLeast, seconds]) => {
          const q = await import('/static/till_queue.js');
          const until = performance.now() + seconds * 1000;
          for (;;) {
            const n = await q.numbersLeft(tillId);
            if (n >= atLeast || performance.now() > until) return n;
            await new Promise((r) => setTimeout(r, 100));
          }
        }""",
        [till_id, at_least, seconds],
    )
    if held < at_least:
        raise RuntimeError(f"the device holds {held} receipt numbers, not {at_least}")
    return held


def outage(page: Any, seconds: float, stocked: list[dict[str, Any]]) -> tuple[list, list]:
    """Customers at the cashier's pace while offline: (receipt numbers, first scan to receipt
    in ms)."""
    rng = random.Random(2026)
    shelf = {r["barcode"]: r["on_hand"] for r in stocked}
    codes = list(shelf)
    receipts, took = [], []
    page.context.set_offline(True)
    started = time.monotonic()
    customer = 0
    while True:
        due = started + customer * PACE_SECONDS
        if due - started >= seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        basket = [c for c in rng.sample(codes, rng.randint(*ITEMS_PER_CUSTOMER)) if shelf[c] > 1]
        first = time.perf_counter()
        for code in basket:
            page.keyboard.type(code)
            page.keyboard.press("Enter")
            shelf[code] -= 1
        page.wait_for_function(
            f"() => document.querySelectorAll('[data-cart] li.line').length === {len(basket)}"
        )
        page.keyboard.press("F8")
        page.wait_for_selector("#dlg-pay[open]")
        page.keyboard.press("Enter")
        page.locator("[data-done]").wait_for(state="visible", timeout=10_000)
        took.append((time.perf_counter() - first) * 1000)
        if time.monotonic() - started <= seconds:
            receipts.append(page.inner_text("[data-done-number]"))
        customer += 1
    # The rest of the outage passes before the network is back.
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    return receipts, took


RING = """async ([tillId, shiftId, tillCode, baskets]) => {
  const q = await import('/static/till_queue.js');
  const { newKey } = await import('/static/till.js');
  const { priceSale } = await import('/static/pricing.js');
  const skew = q.clockSkewMs();
  const numbers = [];
  const started = performance.now();
  for (const basket of baskets) {
    const now = new Date();
    const at = new Date(now.getTime() + skew).toISOString();
    const priced = priceSale(basket.map((p) =>
      ({ unit_price_satang: p.price_satang, quantity: 1, discount_satang: 0, vat: p.vat })), 0);
    const total = priced.total_satang;
    // As till_pay.js's ringSale: the request as it will be sent, and the sale as the receipt
    // prints it (rungSale), so that each entry is the size a real one is.
    const entry = await q.ring(tillId, (seq) => ({
      key: newKey(), till_id: tillId, created_at: now.getTime(),
      body: {
        till_id: tillId,
        lines: basket.map((p) =>
          ({ product_id: p.id, quantity: 1, unit_price_satang: p.price_satang })),
        payments: [{ method: 'cash', amount_satang: total, tendered_satang: total }],
        rung: {
          receipt_seq: seq, device_id: q.deviceId(), rung_at: now.toISOString(),
          clock_skew_ms: skew, shift_id: shiftId
        }
      },
      sale: {
        id: null, till_id: tillId, till_code: tillCode, shift_id: shiftId, status: 'completed',
        receipt_number: tillCode + '-' + String(seq).padStart(6, '0'),
        subtotal_satang: priced.subtotal_satang, discount_satang: priced.discount_satang,
        cart_discount_satang: 0, total_satang: total,
        vat_included_satang: priced.vat_included_satang, change_satang: 0,
        created_at: at, completed_at: at,
        lines: basket.map((p, i) => ({
          line_no: i + 1, product_id: p.id, sku: p.sku, barcode: p.barcode, name_th: p.name_th,
          name_en: p.name_en, unit_price_satang: p.price_satang, quantity: 1, discount_satang: 0,
          cart_discount_satang: priced.lines[i].cart_discount_satang,
          line_total_satang: priced.lines[i].line_total_satang, vat_applicable: !!p.vat,
          vat_included_satang: priced.lines[i].vat_included_satang, refunded_quantity: 0
        })),
        payments: [{
          payment_id: null, method: 'cash', amount_satang: total, status: 'confirmed',
          reference: null, tendered_satang: total, change_satang: 0, qr_payload: null,
          qr_url: null, expires_at: null, confirmed_at: at
        }],
        queued: true
      }
    }));
    numbers.push(entry.sale.receipt_number);
  }
  return [(performance.now() - started) / 1000, numbers];
}"""


def sync(page: Any, base: str, till_id: int, stocked: list[dict[str, Any]], count: int) -> dict:
    """Ring ``count`` sales offline on this page's device, bring the network back, time the
    queue to empty."""
    rng = random.Random(500)
    shelf = {r["id"]: r["on_hand"] for r in stocked}
    by_id = {r["id"]: r for r in stocked}
    baskets = []
    for _ in range(count):
        ids = [i for i in rng.sample(list(shelf), rng.randint(*ITEMS_PER_CUSTOMER)) if shelf[i]]
        for i in ids:
            shelf[i] -= 1
        baskets.append([by_id[i] for i in ids])
    shift_id = _module(page, "till.js", "m.state.shift.id")
    page.context.set_offline(True)
    ring_s, numbers = page.evaluate(RING, [till_id, shift_id, TILL, baskets])
    _wait(page, f"(s) => s.waiting === {count}", 30)
    page.evaluate(
        "() => { performance.setResourceTimingBufferSize(10000);"
        " performance.clearResourceTimings(); }"
    )
    started = time.perf_counter()
    page.context.set_offline(False)
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    _, status = _wait(page, "(s) => s.waiting === 0", 600)
    sync_s = time.perf_counter() - started
    # Where the time went: the sale POSTs' own durations (request out to answer in), summed.
    posts, waited_ms = page.evaluate(
        """() => {
          const sales = performance.getEntriesByType('resource')
            .filter((e) => new URL(e.name).pathname === '/api/v1/sales');
          return [sales.length, sales.reduce((t, e) => t + e.responseEnd - e.startTime, 0)];
        }"""
    )
    found = [page.request.get(f"{base}/api/v1/sales?receipt_number={n}").json() for n in numbers]
    once = sum(1 for sales in found if len(sales) == 1 and sales[0]["status"] == "completed")
    return {
        "ring_s": ring_s,
        "numbers": numbers,
        "sync_s": sync_s,
        "once": once,
        "refused": len(status["refused"]),
        "shift_id": shift_id,
        "posts": posts,
        "post_s": waited_ms / 1000,
    }


def lease_for(page: Any, till_id: int, count: int) -> None:
    """Lease the device ``count`` numbers in the blocks it may hold at once (the API's limits:
    at most 4 open blocks of at most 500), before the till opens and adopts them."""
    size = math.ceil(count / OPEN_BLOCKS)
    answers = page.evaluate(
        """async ([tillId, device, size, blocks]) => {
          const { api } = await import('/static/shared.js');
          const out = [];
          for (let i = 0; i < blocks; i++) {
            const a = await api('POST', '/api/v1/tills/' + tillId + '/receipt-blocks',
                                { device_id: device, size: size });
            out.push(a.status);
          }
          return out;
        }""",
        [till_id, SYNC_DEVICE, size, OPEN_BLOCKS],
    )
    if answers != [201] * OPEN_BLOCKS:
        raise RuntimeError(f"leasing blocks for the sync device: {answers}")


def measure(base: str, outage_s: float, count: int) -> Figures:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        viewport: Any = {"width": 1366, "height": 768}
        # The cashier's device: opens the shift, sells through the outage.
        context = browser.new_context(viewport=viewport, locale="th-TH")
        page = _sign_in(context, base, None)
        till_id = _till_id(page, base)
        page.evaluate(f"localStorage.setItem('otop.till.id', '{till_id}')")
        _open_till(page, base)
        page.fill("#dlg-open [name=amount]", "1000")
        page.click("#dlg-open [data-open-submit]")
        page.wait_for_function("() => !document.querySelector('#dlg-open').open")
        _numbers(page, till_id, 1)
        stocked = _stocked(page, base, till_id)
        receipts, took = outage(page, outage_s, stocked)
        served = len(receipts)
        started = time.perf_counter()
        page.context.set_offline(False)
        page.evaluate("() => window.dispatchEvent(new Event('online'))")
        _wait(page, "(s) => s.waiting === 0", 120)
        outage_sync_s = time.perf_counter() - started
        context.close()

        # A second device of the same till, holding the numbers for the sync.
        context = browser.new_context(viewport=viewport, locale="th-TH")
        page = _sign_in(context, base, till_id, SYNC_DEVICE)
        lease_for(page, till_id, count)
        _open_till(page, base)
        _numbers(page, till_id, count)
        stocked = _stocked(page, base, till_id)  # what the outage's sales left
        synced = sync(page, base, till_id, stocked, count)
        report = page.request.get(f"{base}/api/v1/shifts/{synced['shift_id']}/report").json()
        version = browser.version
        browser.close()
    return Figures(
        outage_s=outage_s,
        served=served,
        expected=math.ceil(outage_s / PACE_SECONDS),
        receipts=receipts,
        receipt_ms=took,
        outage_sync_s=outage_sync_s,
        ring_s=synced["ring_s"],
        sync_s=synced["sync_s"],
        synced=synced["numbers"],
        found_once=synced["once"],
        refused=synced["refused"],
        shift_sales=int(report["sales_count"]),
        posts=synced["posts"],
        post_s=synced["post_s"],
        chromium=version,
    )


def otop_check(url: str) -> tuple[bool, str]:
    exe = Path(sys.executable).parent / "otop-pos"
    env = {**os.environ, "OTOP_DATABASE_URL": url, "OTOP_DEMO": "true"}
    done = subprocess.run([str(exe), "check"], env=env, capture_output=True, text=True)
    said = (done.stdout + done.stderr).strip()
    return done.returncode == 0, said if done.returncode else said.splitlines()[-1]


def run(directory: Path, *, quick: bool) -> Report:
    scale = 0.1 if quick else 1.0
    outage_s = OUTAGE_SECONDS
    if quick and "OTOP_OUTAGE_SECONDS" not in os.environ:
        outage_s = QUICK_OUTAGE_SECONDS
    report = Report(
        title=f"Till through a {outage_s:.0f} s outage ({'quick, ' if quick else ''}Chromium, "
        "1366x768, SQLite)"
    )
    if not Path(CHROMIUM).exists():
        report.notes.append(f"{CHROMIUM} not found (apt-get install chromium): not measured")
        report.rows.append(Row("customers served offline", "the pace's", "—", None))
        return report
    url = f"sqlite:///{directory / 'outage.db'}"
    prepare(url, scale)
    port = _free_port()
    server = start_server(url, port, directory / "server.log")
    try:
        started = time.perf_counter()
        f = measure(f"http://127.0.0.1:{port}", outage_s, SYNC_SALES)
    finally:
        server.terminate()
        server.wait(timeout=30)
    checked, said = otop_check(url)
    ordered = sorted(f.receipt_ms)
    p50, p95 = percentile(ordered, 0.5), percentile(ordered, 0.95)
    rate = len(f.synced) / f.sync_s
    seqs = [int(n.rsplit("-", 1)[1]) for n in f.receipts]
    report.rows += [
        Row(
            f"customers served in the {outage_s:.0f} s outage (one every {PACE_SECONDS:.0f} s, "
            f"{ITEMS_PER_CUSTOMER[0]}-{ITEMS_PER_CUSTOMER[1]} items)",
            f"{f.expected} (the pace's)",
            str(f.served),
            f.served == f.expected,
        ),
        Row(
            "first scan to receipt, offline",
            f"p95 < {PACE_SECONDS * 1000:.0f} ms (the pace)",
            f"p50 {p50:.0f} / p95 {p95:.0f} / max {ordered[-1]:.0f} ms (n={len(ordered)})",
            p95 < PACE_SECONDS * 1000,
        ),
        Row(
            f"the outage's {f.served} sales reach the server (network back to queue empty)",
            "—",
            f"{f.outage_sync_s:.2f} s",
            None,
        ),
        Row(
            f"sync of {len(f.synced)} queued sales (network back to queue empty)",
            f"< {SYNC_TARGET_S:.0f} s",
            f"{f.sync_s:.1f} s",
            f.sync_s < SYNC_TARGET_S,
        ),
        Row(
            "sales per second of the sync",
            f">= {SYNC_SALES / SYNC_TARGET_S:.1f}/s",
            f"{rate:.1f}/s",
            rate >= SYNC_SALES / SYNC_TARGET_S,
        ),
        Row(
            f"the {len(f.synced)} on the server once each, completed; refused; check",
            f"{len(f.synced)}, 0, `otop-pos check` passes",
            f"{f.found_once}, {f.refused}, {'passed' if checked else 'FAILED'}",
            f.found_once == len(f.synced) and f.refused == 0 and checked,
        ),
    ]
    consecutive = seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else True
    report.notes += [
        f"outage receipts {f.receipts[0] if f.receipts else '—'}..."
        f"{f.receipts[-1] if f.receipts else '—'}, consecutive: {'yes' if consecutive else 'NO'}; "
        f"the shift's report counts {f.shift_sales} sales ({f.served} + {len(f.synced)} expected)",
        f"{len(f.synced)} sales rung into the device's queue offline in {f.ring_s:.1f} s "
        f"(IndexedDB, strict durability, through till_queue.js ring())",
        f"the sync's {f.posts} sale POSTs took {f.post_s:.1f} s of its {f.sync_s:.1f} s (request "
        f"out to answer in, summed; one at a time); the rest is the device's own work",
        f"otop-pos check: {said}",
        f"Chromium {f.chromium}; measured in {time.perf_counter() - started:.0f} s",
    ]
    if f.shift_sales != f.served + len(f.synced) or not consecutive:
        report.rows.append(Row("the books agree with the device", "yes", "NO", False))
    return report
