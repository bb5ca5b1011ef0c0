"""The pages work under the Content-Security-Policy: the till (a shift, a scan, cash, the
receipt in its frame), the customer display, the login page, an admin page with charts, the
portal with its chart and QR card, and the receipt on its own. Chromium reports every refused
script, style, frame or image as a ``securitypolicyviolation`` event and a console error;
none may happen. A planted inline handler at the end proves the watch sees one.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.browser.conftest import LiveServer, shot, sign_in
from tests.browser.test_till import api_get, scan, start_till

pytestmark = pytest.mark.browser

REPORT = """document.addEventListener("securitypolicyviolation", (e) => window.__csp(
  `${e.effectiveDirective} refused ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
));"""


class Watch:
    """CSP violations, CSP console errors and uncaught page errors, in every page and frame."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def context(self, browser: Any, **options: Any) -> Any:
        context = browser.new_context(
            viewport={"width": 1366, "height": 800}, locale="th-TH", **options
        )
        context.expose_binding(
            "__csp", lambda source, text: self.problems.append(f"{source['frame'].url}: {text}")
        )
        context.add_init_script(REPORT)
        context.on("page", self.page)
        return context

    def page(self, page: Any) -> None:
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda m: (
                self.problems.append(f"{page.url}: console: {m.text}")
                if "Content Security Policy" in m.text
                else None
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"{page.url}: error: {e}"))


def test_the_till_portal_and_admin_pages_run_under_the_policy(
    browser: Any, live_server: LiveServer
) -> None:
    server, watch = live_server, Watch()

    anonymous = watch.context(browser)
    login = anonymous.new_page()
    login.goto(f"{server.url}/login")
    login.wait_for_selector("input[name=username]")
    shot(login, "csp-login")
    anonymous.close()

    staff = watch.context(browser)
    till = staff.new_page()
    till_id = start_till(till, server, "SKP-02")
    display = staff.new_page()
    display.goto(f"{server.url}/till/display?till={till_id}")
    till.bring_to_front()
    scan(till, _barcode_of("CM-0001", till, till_id))  # a bar in ent-cm0001's portal chart
    display.wait_for_selector("[data-lines] li")
    till.keyboard.press("F8")
    till.wait_for_selector("#dlg-pay[open]")
    till.keyboard.press("Enter")
    till.locator("[data-done]").wait_for(state="visible")
    till.frame_locator("[data-receipt]").locator("text=ใบกำกับภาษีอย่างย่อ").wait_for()
    display.wait_for_selector("[data-state=paid]:not([hidden])")
    shot(till, "csp-till-paid")
    shot(display, "csp-display-paid")
    receipt = staff.new_page()
    number = till.inner_text("[data-done-number]")  # the till's own receipt; the server's:
    deadline = time.monotonic() + 20
    while not (
        found := staff.request.get(f"{server.url}/api/v1/sales?receipt_number={number}").json()
    ):
        assert time.monotonic() < deadline, f"sale {number} never reached the server"
        till.wait_for_timeout(200)
    receipt.goto(f"{server.url}/api/v1/sales/{found[0]['id']}/receipt")
    assert receipt.locator("main.receipt").evaluate("m => getComputedStyle(m).maxWidth") != "none"
    receipt.evaluate("window.print = () => { document.body.dataset.printed = 'yes'; }")
    receipt.click("[data-print]")  # page.js, where the inline onclick was
    receipt.wait_for_selector("body[data-printed=yes]")
    shot(receipt, "csp-receipt")
    staff.close()

    managers = watch.context(browser)
    admin = managers.new_page()
    sign_in(admin, server, "manager")
    admin.goto(f"{server.url}/admin/reports")
    admin.wait_for_selector("svg.chart")
    shot(admin, "csp-admin-reports")
    managers.close()

    entrepreneur = watch.context(browser)
    portal = entrepreneur.new_page()
    sign_in(portal, server, "entrepreneur")
    assert portal.url.endswith("/portal")
    portal.wait_for_selector(".chart-box svg")
    shot(portal, "csp-portal")
    portal.goto(f"{server.url}/portal/qr-card")
    portal.wait_for_selector(".qr-card, .qr-missing")
    shot(portal, "csp-portal-qr-card")
    # The control: an inline handler planted in the page is refused and seen.
    portal.evaluate("""document.body.insertAdjacentHTML("beforeend",
        '<img src="/static/none.png" onerror="document.title = 1">')""")
    portal.wait_for_timeout(300)
    entrepreneur.close()

    # Seen twice: as the event and as Chromium's console error.
    planted = [p for p in watch.problems if "script-src-attr" in p or "inline event handler" in p]
    assert len(planted) == 2, watch.problems
    assert [p for p in watch.problems if p not in planted] == []


def _barcode_of(entrepreneur_code: str, till: Any, till_id: int) -> str:
    """A barcode of the entrepreneur's product in stock where the till is."""
    place = next(t["location_id"] for t in api_get(till, "/api/v1/tills") if t["id"] == till_id)
    found = api_get(till, f"/api/v1/products?q={entrepreneur_code}&location_id={place}")
    mine = [p for p in found if p["entrepreneur_code"] == entrepreneur_code and p["on_hand"] > 0]
    return str(mine[0]["barcode"])
