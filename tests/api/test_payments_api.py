"""The payments API over HTTP, on SQLite and PostgreSQL: create, QR, confirm, cancel, the bank
callback (signature, stale timestamp, replay, unknown reference, wrong amount), the live
status (long poll and server-sent events), and exceptions for managers only."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments import promptpay
from payments.webhook import sign
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.openapi import operation, served_schema
from web.payments.api import WEBHOOK_MAX_BODY_BYTES
from web.settings import Settings

pytestmark = pytest.mark.anyio
SECRET = Settings(demo=True).hook_secret


async def _pay(client: AsyncTestClient[Any], amount: int = 15000, **extra: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/payments", json={"amount_satang": amount, **extra})
    assert response.status_code == 201, response.text
    return dict(response.json())


def _signed(
    clock: FixedClock, body: bytes, *, secret: str = SECRET, age: int = 0
) -> dict[str, str]:
    timestamp = str(int(clock.now().timestamp()) - age)
    return {
        "content-type": "application/json",
        "x-timestamp": timestamp,
        "x-signature": sign(secret, timestamp, body),
    }


async def _hook(
    client: AsyncTestClient[Any],
    clock: FixedClock,
    payment: dict[str, Any],
    *,
    transaction_id: str = "BANKTX0001",
    amount: int | None = None,
    reference: str | None = None,
    **signing: Any,
) -> Any:
    body = json.dumps(
        {
            "reference": reference or payment["reference"],
            "amount_satang": payment["amount_satang"] if amount is None else amount,
            "transaction_id": transaction_id,
            "paid_at": "2026-11-21T10:01:00+07:00",
        }
    ).encode()
    return await client.post(
        "/api/v1/payments/webhook", content=body, headers=_signed(clock, body, **signing)
    )


async def _status(client: AsyncTestClient[Any], payment_id: int) -> str:
    return str((await client.get(f"/api/v1/payments/{payment_id}")).json()["status"])


async def test_cashier_creates_a_promptpay_payment_with_a_dynamic_qr(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client, 25050)  # of no sale (a sale_id must name a sale that exists)
    assert (payment["status"], payment["method"], payment["sale_id"]) == (
        "pending",
        "promptpay",
        None,
    )
    decoded = promptpay.parse(payment["payload"])
    assert decoded.amount_satang == 25050
    assert decoded.proxy_value == "0812345678"
    assert decoded.additional["reference_label"] == payment["reference"]
    assert payment["expires_at"].startswith("2026-11-21T03:10:00")


async def test_cash_payment_is_confirmed_at_once(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client, 10000, method="cash")
    assert (payment["status"], payment["confirmation"], payment["payload"]) == (
        "confirmed",
        "cash",
        None,
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount_satang": 1.5}, "amount_satang"),
        ({"amount_satang": "100"}, "amount_satang"),
        ({"amount_satang": 0}, "amount_satang"),
        ({"amount_satang": 100, "method": "cheque"}, "method"),
        ({"amount_satang": 100, "sale_id": "x"}, "sale_id"),
        ({}, "amount_satang"),
    ],
)
async def test_bad_payment_input_is_a_400_naming_the_field(
    login_as: LoginAs, body: dict[str, Any], field: str
) -> None:
    client = await login_as(Role.CASHIER)
    response = await client.post("/api/v1/payments", json=body)
    assert response.status_code == 400, response.text
    assert field in response.text


async def test_payments_are_for_staff_only(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    assert (await client.post("/api/v1/payments", json={"amount_satang": 100})).status_code == 401
    with db.write() as conn:
        entrepreneur_id = f.entrepreneur(conn, f.district(conn))
    maker = await login_as(Role.ENTREPRENEUR, entrepreneur_id=entrepreneur_id, username="maker")
    assert (await maker.post("/api/v1/payments", json={"amount_satang": 100})).status_code == 403


async def test_qr_comes_as_svg_and_png(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    svg = await client.get(f"/api/v1/payments/{payment['id']}/qr.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith("<svg")
    png = await client.get(f"/api/v1/payments/{payment['id']}/qr.png")
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    cash = await _pay(client, method="cash")
    assert (await client.get(f"/api/v1/payments/{cash['id']}/qr.svg")).status_code == 404
    assert (await client.get("/api/v1/payments/999/qr.png")).status_code == 404


async def test_webhook_confirms_and_the_same_event_again_changes_nothing(
    login_as: LoginAs, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    first = await _hook(client, clock, payment)
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "confirmed"
    confirmed = (await client.get(f"/api/v1/payments/{payment['id']}")).json()
    clock.advance(seconds=20)
    again = await _hook(client, clock, payment)
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert (await client.get(f"/api/v1/payments/{payment['id']}")).json() == confirmed
    assert confirmed["transaction_id"] == "BANKTX0001"


async def test_webhook_with_a_bad_signature_is_401_and_changes_nothing(
    login_as: LoginAs, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    response = await _hook(client, clock, payment, secret="not the shared secret")
    assert response.status_code == 401
    assert "X-Signature" in response.json()["detail"]
    unsigned = await client.post("/api/v1/payments/webhook", json={"reference": "x"})
    assert unsigned.status_code == 401
    assert await _status(client, payment["id"]) == "pending"


async def test_webhook_with_a_stale_timestamp_is_refused_with_401(
    login_as: LoginAs, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    response = await _hook(client, clock, payment, age=301)
    assert response.status_code == 401
    assert "X-Timestamp" in response.json()["detail"]
    assert await _status(client, payment["id"]) == "pending"
    assert (await _hook(client, clock, payment, age=299)).status_code == 200


async def test_webhook_with_a_malformed_body_is_400_naming_the_field(
    client: AsyncTestClient[Any], clock: FixedClock
) -> None:
    for body, field in [
        (b"not json", None),
        (
            b'{"reference": "OTPX", "amount_satang": 1.5, "transaction_id": "T", '
            b'"paid_at": "2026-11-21T10:00:00+07:00"}',
            "amount_satang",
        ),
        (
            b'{"reference": "OTPX", "amount_satang": 100, "transaction_id": "T", '
            b'"paid_at": "yesterday"}',
            "paid_at",
        ),
        (
            b'{"amount_satang": 100, "transaction_id": "T", "paid_at": "2026-11-21T10:00:00Z"}',
            "reference",
        ),
    ]:
        response = await client.post(
            "/api/v1/payments/webhook", content=body, headers=_signed(clock, body)
        )
        assert response.status_code == 400, body
        assert response.json().get("field") == field


async def test_a_webhook_body_over_the_limit_is_refused_413_and_changes_nothing(
    login_as: LoginAs, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    body = json.dumps(
        {
            "reference": payment["reference"],
            "amount_satang": 100,
            "transaction_id": "T",
            "paid_at": "2026-11-21T10:00:00Z",
            "padding": "x" * WEBHOOK_MAX_BODY_BYTES,
        }
    ).encode()
    response = await client.post(
        "/api/v1/payments/webhook", content=body, headers=_signed(clock, body)
    )
    assert response.status_code == 413, response.text
    assert await _status(client, payment["id"]) == "pending"


async def test_webhook_for_an_unknown_reference_is_404(
    client: AsyncTestClient[Any], clock: FixedClock
) -> None:
    payment = {"reference": "OTPUNKNOWNREF000", "amount_satang": 100}
    response = await _hook(client, clock, payment)
    assert response.status_code == 404
    assert response.json()["outcome"] == "unknown_reference"


async def test_webhook_with_the_wrong_amount_is_an_exception_only_a_manager_resolves(
    login_as: LoginAs, clock: FixedClock, db: Any
) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client, 15000)
    response = await _hook(client, clock, payment, amount=1500)
    assert response.status_code == 422
    body = response.json()
    assert (body["outcome"], body["payment_status"]) == ("amount_mismatch", "pending")
    assert await _status(client, payment["id"]) == "pending"
    exception_id = body["exception_id"]
    assert (await client.get("/api/v1/payments/exceptions")).status_code == 403
    resolve = f"/api/v1/payments/exceptions/{exception_id}/resolve"
    refused = await client.post(resolve, json={"resolution": "ok"})
    assert refused.status_code == 403
    manager = await login_as(Role.MANAGER)
    (listed,) = (await manager.get("/api/v1/payments/exceptions")).json()
    assert (listed["id"], listed["kind"], listed["amount_satang"]) == (
        exception_id,
        "amount_mismatch",
        1500,
    )
    assert (await manager.post(resolve, json={"resolution": ""})).status_code == 400
    done = await manager.post(resolve, json={"resolution": "refunded by transfer"})
    assert done.status_code == 200
    assert done.json()["resolution"] == "refunded by transfer"
    assert (await manager.post(resolve, json={"resolution": "again"})).status_code == 409
    assert (await manager.get("/api/v1/payments/exceptions")).json() == []


async def test_manual_confirmation_with_a_slip_refuses_the_slip_a_second_time(
    login_as: LoginAs,
) -> None:
    client = await login_as(Role.CASHIER)
    first, second = await _pay(client), await _pay(client)
    slip = promptpay.slip_verify("004", "0151234ABCD")
    done = await client.post(f"/api/v1/payments/{first['id']}/confirm", json={"slip_payload": slip})
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["confirmation"]) == ("confirmed", "slip")
    reused = await client.post(
        f"/api/v1/payments/{second['id']}/confirm", json={"slip_payload": slip}
    )
    assert reused.status_code == 409
    assert reused.json()["field"] == "slip_payload"
    assert await _status(client, second["id"]) == "pending"
    garbage = await client.post(
        f"/api/v1/payments/{second['id']}/confirm", json={"slip_payload": "12345"}
    )
    assert (garbage.status_code, garbage.json()["field"]) == (422, "slip_payload")


async def test_manual_confirmation_without_a_body_and_twice(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    url = f"/api/v1/payments/{payment['id']}/confirm"
    assert (await client.post(url)).json()["confirmation"] == "manual"
    client.headers["Accept-Language"] = "en"  # the English wording is asserted below
    again = await client.post(url, json={})
    assert again.status_code == 409
    assert "already confirmed" in again.json()["detail"]
    # Found by schemathesis: the schema called the body required.
    schema = await served_schema(client)
    confirm = operation(schema, "POST", "/api/v1/payments/{payment_id}/confirm")
    assert confirm["requestBody"]["required"] is False


async def test_the_schema_gives_the_qr_and_event_answers_their_media_types(
    login_as: LoginAs,
) -> None:
    """Found by schemathesis: they were documented as JSON."""
    schema = await served_schema(await login_as(Role.CASHIER))
    for path, media in [
        ("/api/v1/payments/{payment_id}/qr.svg", "image/svg+xml"),
        ("/api/v1/payments/{payment_id}/qr.png", "image/png"),
        ("/api/v1/payments/{payment_id}/events", "text/event-stream"),
    ]:
        assert list(operation(schema, "GET", path)["responses"]["200"]["content"]) == [media]


async def test_cancel_then_the_bank_pays_anyway_is_an_exception(
    login_as: LoginAs, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    cancelled = await client.post(f"/api/v1/payments/{payment['id']}/cancel")
    assert cancelled.json()["status"] == "cancelled"
    assert (await client.post(f"/api/v1/payments/{payment['id']}/cancel")).status_code == 409
    late = await _hook(client, clock, payment)
    assert (late.status_code, late.json()["outcome"]) == (409, "not_pending")
    assert (await client.get(f"/api/v1/payments/{payment['id']}/qr.svg")).status_code == 409


async def test_payment_reads_as_expired_after_the_expiry_setting(
    login_as: LoginAs, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    payment = await _pay(client)
    clock.advance(minutes=9, seconds=59)
    assert await _status(client, payment["id"]) == "pending"
    clock.advance(seconds=1)
    assert await _status(client, payment["id"]) == "expired"
    assert (await client.post(f"/api/v1/payments/{payment['id']}/confirm")).status_code == 409


def _concurrent(app: Any, client: AsyncTestClient[Any]) -> httpx.AsyncClient:
    """A client that runs the app on this event loop, so requests can overlap (the test
    client runs each request to its end before the next starts)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=str(client.base_url),
        cookies=client.cookies,
        headers=client.headers,
    )


async def test_long_poll_returns_when_the_webhook_confirms(
    login_as: LoginAs, clock: FixedClock, app: Any
) -> None:
    payment = await _pay(await login_as(Role.CASHIER))
    client = _concurrent(app, await login_as(Role.MANAGER))
    poll = asyncio.create_task(
        client.get(f"/api/v1/payments/{payment['id']}", params={"wait": 10, "status": "pending"})
    )
    await asyncio.sleep(0.5)
    assert not poll.done()
    assert (await _hook(client, clock, payment)).status_code == 200
    answered = await asyncio.wait_for(poll, timeout=3)
    assert answered.json()["status"] == "confirmed"


async def test_event_stream_sends_the_confirmation_and_ends(
    login_as: LoginAs, clock: FixedClock, app: Any
) -> None:
    payment = await _pay(await login_as(Role.CASHIER))
    client = _concurrent(app, await login_as(Role.MANAGER))
    stream = asyncio.create_task(client.get(f"/api/v1/payments/{payment['id']}/events"))
    await asyncio.sleep(0.5)
    assert (await _hook(client, clock, payment)).status_code == 200
    response = await asyncio.wait_for(stream, timeout=3)
    assert response.headers["content-type"].startswith("text/event-stream")
    statuses = [
        json.loads(line.removeprefix("data:").strip())["status"]
        for line in response.text.splitlines()
        if line.startswith("data:")
    ]
    assert statuses == ["pending", "confirmed"]


async def test_unknown_payment_is_404(login_as: LoginAs) -> None:
    client = await login_as(Role.CASHIER)
    assert (await client.get("/api/v1/payments/12345")).status_code == 404
    assert (await client.get("/api/v1/payments/12345/events")).status_code == 404
    assert (await client.post("/api/v1/payments/12345/cancel")).status_code == 404
