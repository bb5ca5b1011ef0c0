"""The till's own QR, in Chromium under the site's Content-Security-Policy: web/static/qr.js
draws payloads from tests/promptpay_vectors.json (and one payment web/static/promptpay.js
builds in the page), the screenshots are read back with zxing-cpp, and each reads as its
payload. The page is the app's login page, so the policy is the one the till runs under;
any refusal it reports fails the test.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from payments.qr import payload_matrix
from payments.references import ReceivingAccount, payment_payload
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.browser.test_content_security import Watch
from tests.promptpay_vectors import VECTORS_PATH

pytestmark = pytest.mark.browser

VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text("utf-8"))


def _payloads() -> list[str]:
    """Short and long ones: static and dynamic transfers to every kind of ID, bill payments,
    and payment payloads with every optional field (the largest symbols the till draws)."""
    picked = [c["payload"] for c in VECTORS["credit_transfer"] if c["amount_satang"] is None]
    picked += [c["payload"] for c in VECTORS["bill_payment"][::5]]
    picked += [c["payload"] for c in VECTORS["payment_payload"]]
    longest = max(
        (c["payload"] for kind in ("credit_transfer", "bill_payment") for c in VECTORS[kind]),
        key=len,
    )
    return sorted(set(picked) | {longest}, key=lambda p: (len(p), p))


DRAW = """async ({payloads, account, amount}) => {
  const { qrSvg } = await import("/static/qr.js");
  const { newReference, paymentPayload } = await import("/static/promptpay.js");
  const reference = newReference();
  const built = paymentPayload(account, reference, amount);
  const box = document.createElement("div");
  box.id = "offline-qr";
  document.body.prepend(box);
  for (const payload of [...payloads, built]) {
    const svg = qrSvg(payload);
    svg.dataset.payload = payload;
    box.append(svg);
  }
  return { reference, built };
}"""


def decode(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_tills_qr_reads_as_its_payload_under_the_policy(
    browser: Any, live_server: LiveServer
) -> None:
    watch = Watch()
    context = watch.context(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/login")
    payloads = _payloads()
    account = ReceivingAccount(None, "010555512345601", "OTOP SAN KAMPHAENG", "CHIANG MAI")
    made = page.evaluate(
        DRAW,
        {
            "payloads": payloads,
            "account": {
                "promptpay_id": account.promptpay_id,
                "biller_id": account.biller_id,
                "merchant_name": account.merchant_name,
                "merchant_city": account.merchant_city,
            },
            "amount": 123456,
        },
    )
    # The payment the page built is the one the server would build for its reference.
    assert made["built"] == payment_payload(account, made["reference"], 123456)
    payloads.append(made["built"])

    symbols = page.locator("#offline-qr svg")
    assert symbols.count() == len(payloads) > 10
    assert page.locator("#offline-qr [style]").count() == 0  # the policy refuses style attributes
    ARTIFACTS.mkdir(exist_ok=True)
    for index, payload in enumerate(payloads):
        symbol = symbols.nth(index)
        assert symbol.get_attribute("data-payload") == payload
        # The same version (size) as the server's QR of the payload, quiet zone included.
        modules = len(payload_matrix(payload))
        assert symbol.get_attribute("viewBox") == f"0 0 {modules} {modules}"
        assert symbol.locator("path").count() == 1
        png = symbol.screenshot()
        if index in (0, len(payloads) - 1):
            (ARTIFACTS / f"offline-qr-{index}.png").write_bytes(png)
        assert decode(png) == [payload], f"symbol {index} of {len(payloads)}: {payload}"
    context.close()
    assert watch.problems == []
