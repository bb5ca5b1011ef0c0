"""Label sheets scan: /admin/labels and an intake's labels are drawn in Chromium under the
site's Content-Security-Policy (no inline style), screenshotted label by label, and every
barcode on them is read back with zxing-cpp as the product's own code, in its symbology
(EAN-13 in-store codes, EAN-8, UPC-A). A barcode whose colours sat in a blocked ``style``
attribute painted as a solid black box, which reads as nothing.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from inventory.catalogue.barcodes import check_digit
from tests.browser.conftest import ARTIFACTS, LiveServer, shot
from tests.browser.test_content_security import Watch
from tests.browser.test_receipt_render import _manager_api

pytestmark = pytest.mark.browser

# Codes no demo product carries: an EAN-8 and a UPC-A, besides the demo's in-store EAN-13s.
EAN8 = "9638507" + check_digit("9638507")
UPCA = "03600029145" + check_digit("03600029145")


def read_barcodes(png: bytes) -> list[tuple[str, str]]:
    """Every barcode zxing-cpp finds in the picture: (text, format name)."""
    image = Image.open(io.BytesIO(png))
    return [(found.text, found.format.name) for found in zxingcpp.read_barcodes(image)]


def _products(browser: Any, server: LiveServer) -> tuple[list[dict[str, Any]], int]:
    """Two new products (EAN-8, UPC-A) and two demo ones; an intake of all four."""
    context, headers = _manager_api(browser, server)
    api = context.request
    category = api.get(f"{server.url}/api/v1/categories").json()[0]
    entrepreneur = api.get(f"{server.url}/api/v1/entrepreneurs").json()[0]
    made = []
    for sku, code in (("LABEL-EAN8", EAN8), ("LABEL-UPCA", UPCA)):
        answer = api.post(
            f"{server.url}/api/v1/products",
            headers=headers,
            data={
                "sku": sku,
                "barcode": code,
                "name_th": f"ผ้าทอ {sku}",
                "name_en": f"Woven {sku}",
                "category_id": category["id"],
                "entrepreneur_id": entrepreneur["id"],
                "price_satang": 25_000,
            },
        )
        assert answer.status == 201, answer.text()
        made.append(answer.json())
    own = api.get(
        f"{server.url}/api/v1/products", params={"entrepreneur_id": entrepreneur["id"]}
    ).json()
    made += [p for p in own if p["barcode"] not in (EAN8, UPCA)][:2]
    assert len(made) == 4
    intake = api.post(
        f"{server.url}/api/v1/stock/intakes",
        headers=headers,
        data={
            "entrepreneur_id": entrepreneur["id"],
            "lines": [{"product_id": p["id"], "quantity": n} for n, p in enumerate(made, start=1)],
        },
    )
    assert intake.status == 201, intake.text()
    intake_id = int(intake.json()["id"])
    context.close()
    return made, intake_id


def _read_every_label(page: Any, name: str) -> list[tuple[str, str]]:
    """Each label's barcode as zxing-cpp reads it from that label's screenshot, in order."""
    page.wait_for_selector(".label svg")
    shot(page, name)
    labels = page.locator(".label")
    read = []
    for index in range(labels.count()):
        label = labels.nth(index)
        png = label.locator(".label-code").screenshot()
        found = read_barcodes(png)
        if len(found) != 1:
            ARTIFACTS.mkdir(exist_ok=True)
            (ARTIFACTS / f"{name}-unread-{index}.png").write_bytes(png)
        assert len(found) == 1, f"label {index} ({label.inner_text()!r}) read as {found}"
        read.append(found[0])
    return read


FORMATS = {13: "EAN13", 8: "EAN8", 12: "UPCA"}


def as_scanned(code: str) -> tuple[str, str]:
    """What zxing-cpp reads from a code's symbol: a UPC-A is an EAN-13 with a leading 0, and
    with both formats enabled it answers so (13 digits, EAN-13)."""
    if len(code) == 12:
        return "0" + code, "EAN13"
    return code, FORMATS[len(code)]


def test_every_label_barcode_reads_as_its_code_under_the_policy(
    browser: Any, live_server: LiveServer
) -> None:
    products, intake_id = _products(browser, live_server)
    watch = Watch()
    # Three device pixels a CSS pixel: a 0.3 mm module is ~3.4 pixels, as a print would be.
    context = watch.context(browser, device_scale_factor=3)
    page = context.new_page()
    page.set_viewport_size({"width": 1366, "height": 768})
    username, password = live_server.logins["manager"]
    page.goto(f"{live_server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")

    ids = ",".join(str(p["id"]) for p in products)
    page.goto(f"{live_server.url}/admin/labels?product_ids={ids}&copies=2")
    read = _read_every_label(page, "labels-sheet")
    expected = [p["barcode"] for p in products for _ in range(2)]
    assert read == [as_scanned(code) for code in expected]
    assert {len(code) for code in expected} == {8, 12, 13}

    page.goto(f"{live_server.url}/admin/intakes/{intake_id}/labels")
    read = _read_every_label(page, "labels-intake")
    expected = [p["barcode"] for n, p in enumerate(products, start=1) for _ in range(n)]
    assert read == [as_scanned(code) for code in expected]

    # The picture is not a black box: the background of a barcode is painted white.
    background = page.locator(".label-code svg rect").first
    assert background.evaluate("el => getComputedStyle(el).fill") == "rgb(255, 255, 255)"
    assert watch.problems == []
    context.close()
