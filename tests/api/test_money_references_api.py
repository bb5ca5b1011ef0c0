"""Money references hold against abuse, over HTTP on SQLite and PostgreSQL: a slip counts once
however it is spelled (the refusal names the sale it was used for), a payout's bank reference
too, a payment names a sale that takes payments, another user's idempotency key reveals
nothing, and cash tendered is bounded (no change on PromptPay)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import select

from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments import promptpay
from payments.ledger.payout_models import Payout
from payments.models import Payment
from payments.promptpay import fields as pf
from payments.promptpay.emv import tlv, with_crc
from tests.api.conftest import PASSWORD, LoginAs, csrf_cookie_of
from tests.api.test_payout_pages import _two_owed
from tests.api.test_rung_sales_api import DEVICE, _rung_body, _shift_id
from tests.api.test_sales_api import _body, _catalogue, _till_with_shift

pytestmark = pytest.mark.anyio


def _slip(bank_code: str, transaction_ref: str) -> str:
    """A slip mini-QR spelled as given (slip_verify insists on the canonical spelling)."""
    inner = tlv("00", pf.SLIP_API_ID) + tlv("01", bank_code) + tlv("02", transaction_ref)
    return with_crc(tlv("00", inner) + "5102TH", "91")


def test_a_slip_key_is_the_transfer_as_the_banks_write_it() -> None:
    same = {"004:0151234ABCD", "4:0151234abcd", "04:0151 234-abcd", "KBank:0151234ABCD"}
    assert {promptpay.slip_key(spelling) for spelling in same} == {"004:0151234ABCD"}
    assert promptpay.slip_key("truemoney:ab12") == "truemoney:AB12"
    assert promptpay.slip_key("014:0151234ABCD") != promptpay.slip_key("004:0151234ABCD")


async def test_a_slip_spelled_otherwise_is_refused_with_the_sale_it_was_used_for(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    qr = [{"method": "promptpay", "amount_satang": 10000}]
    sales = []
    for key in ("slip-sale-1", "slip-sale-2"):
        created = await client.post(
            "/api/v1/sales",
            json=_body(
                till, products, payments=qr, lines=[{"product_id": products[0], "quantity": 1}]
            ),
            headers={"Idempotency-Key": key},
        )
        assert created.status_code == 201, created.text
        sales.append(created.json())
    first, second = (s["payments"][0]["payment_id"] for s in sales)
    done = await client.post(
        f"/api/v1/payments/{first}/confirm", json={"slip_payload": _slip("004", "0151234ABCD")}
    )
    assert done.status_code == 200, done.text
    with db.engine.connect() as conn:
        stored = conn.execute(select(Payment).where(Payment.id == first)).mappings().one()
    me = (await client.get("/api/v1/auth/me")).json()
    assert stored["slip_ref"] == "004:0151234ABCD" and stored["slip_key"] == "004:0151234ABCD"
    assert stored["confirmed_by"] == me["id"] and stored["confirmation"] == "slip"
    for spelling in (_slip("4", "0151234abcd"), _slip("04", "0151234AbCd")):
        reused = await client.post(
            f"/api/v1/payments/{second}/confirm", json={"slip_payload": spelling}
        )
        assert reused.status_code == 409, reused.text
        answer = reused.json()
        assert answer["code"] == "slip.reused"
        assert answer["params"]["used_for_sale_id"] == sales[0]["id"]
        assert answer["params"]["used_by_payment_id"] == first
        assert answer["params"]["used_confirmed_by"] == me["id"]
    shown = (await client.get(f"/api/v1/payments/{second}")).json()
    assert shown["status"] == "pending"


async def test_a_payout_bank_reference_respelled_is_refused(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client, maker, second, cutoff = await _two_owed(login_as, db, clock)
    made = await client.post(
        "/admin/payouts",
        data={"cutoff_date": cutoff, "minimum": "100", "pay": [str(maker), str(second)]},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    run_url = made.headers["location"].split("?")[0]
    run = await client.get(run_url)
    first, last = (int(i) for i in re.findall(r'data-payout="(\d+)"', run.text))
    ok = await client.post(
        f"{run_url}/payouts/{first}/paid",
        data={"bank_reference": "KBANK-0077"},
        follow_redirects=False,
    )
    assert ok.status_code == 303, ok.text
    again = await client.post(
        f"{run_url}/payouts/{first}/paid",
        data={"bank_reference": "kbank 0077"},
        follow_redirects=False,
    )
    assert again.status_code == 303  # the same transfer respelled: already done, nothing twice
    for spelling in ("kbank-0077", " KBANK 0077 ", "Kbank0077"):
        reused = await client.post(
            f"{run_url}/payouts/{last}/paid", data={"bank_reference": spelling}
        )
        assert reused.status_code == 409 and "ถูกใช้กับรายการโอนเงินอื่นแล้ว" in reused.text
    dashes = await client.post(f"{run_url}/payouts/{last}/paid", data={"bank_reference": "--"})
    assert dashes.status_code == 422
    with db.read() as conn:
        paid = conn.execute(
            select(Payout.id, Payout.bank_reference, Payout.bank_reference_key).where(
                Payout.status == "paid"
            )
        ).all()
    assert [tuple(row) for row in paid] == [(first, "KBANK-0077", "KBANK0077")]


async def test_a_payment_names_only_a_sale_that_awaits_its_payment(
    login_as: LoginAs, db: Database
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    one_line = [{"product_id": products[0], "quantity": 1}]
    cash = [{"method": "cash", "amount_satang": 10000}]
    qr = [{"method": "promptpay", "amount_satang": 10000}]
    completed = await client.post(
        "/api/v1/sales",
        json=_body(till, products, lines=one_line, payments=cash),
        headers={"Idempotency-Key": "paid-sale-1"},
    )
    pending = await client.post(
        "/api/v1/sales",
        json=_body(till, products, lines=one_line, payments=qr),
        headers={"Idempotency-Key": "pending-1"},
    )
    voided = await client.post(
        "/api/v1/sales",
        json=_body(till, products, lines=one_line, payments=qr),
        headers={"Idempotency-Key": "voided-1"},
    )
    assert (await client.post(f"/api/v1/sales/{voided.json()['id']}/void")).status_code == 200
    missing = await client.post(
        "/api/v1/payments", json={"amount_satang": 10000, "sale_id": 999_999}
    )
    assert (missing.status_code, missing.json()["code"]) == (422, "payment.sale_not_found")
    for sale, status in ((completed.json(), "completed"), (voided.json(), "voided")):
        refused = await client.post(
            "/api/v1/payments", json={"amount_satang": 10000, "sale_id": sale["id"]}
        )
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "payment.sale_not_payable"
        assert refused.json()["params"]["status"] == status
    taken = await client.post(
        "/api/v1/payments", json={"amount_satang": 10000, "sale_id": pending.json()["id"]}
    )
    assert taken.status_code == 201, taken.text


async def test_another_users_key_is_refused_without_its_sale_but_the_tills_queue_is_answered(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    body = _body(till, products)
    headers = {"Idempotency-Key": "online-sale-0001"}
    first = await client.post("/api/v1/sales", json=body, headers=headers)
    assert first.status_code == 201, first.text
    sale = first.json()
    shift = await _shift_id(client, till)
    block = await client.post(
        f"/api/v1/tills/{till}/receipt-blocks", json={"device_id": DEVICE, "size": 5}
    )
    rung_body = _rung_body(till, shift, block.json()["first_seq"], products[1], 12550, clock)
    rung_headers = {"Idempotency-Key": "rung-queue-0001"}
    rung = await client.post("/api/v1/sales", json=rung_body, headers=rung_headers)
    assert rung.status_code == 201, rung.text

    other = await login_as(Role.CASHIER, username="cashier-other")
    for attempt in (body, _body(till, products, cart_discount_satang=100)):
        refused = await other.post("/api/v1/sales", json=attempt, headers=headers)
        assert refused.status_code == 409, refused.text
        answer = refused.json()
        assert answer["code"] == "idempotency.key_taken"
        assert "sale_id" not in answer["params"] and "id" not in answer
        assert sale["receipt_number"] not in refused.text
    # The device's queue, sent by whoever is signed in on it now: the very same rung sale.
    again = await other.post("/api/v1/sales", json=rung_body, headers=rung_headers)
    assert again.status_code == 200, again.text
    assert again.json()["id"] == rung.json()["id"]
    # The first user still gets their own answer.
    back = await client.post(
        "/api/v1/auth/login", json={"username": "cashier1", "password": PASSWORD}
    )
    assert back.status_code == 200, back.text
    client.headers["x-csrftoken"] = csrf_cookie_of(client)  # the new session's own token
    mine = await client.post("/api/v1/sales", json=body, headers=headers)
    assert mine.status_code == 200 and mine.json()["id"] == sale["id"]


async def test_an_absurd_tender_is_refused_and_promptpay_gives_no_change(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    location, products, _ = _catalogue(db)
    client, till = await _till_with_shift(login_as, location)
    one_line = [{"product_id": products[0], "quantity": 1}]

    def cash(tendered: int) -> list[dict[str, Any]]:
        return [{"method": "cash", "amount_satang": 10000, "tendered_satang": tendered}]

    absurd = await client.post(
        "/api/v1/sales",
        json=_body(till, products, lines=one_line, payments=cash(10000 + 100_000)),
        headers={"Idempotency-Key": "tender-absurd-1"},
    )
    assert absurd.status_code == 422, absurd.text
    assert absurd.json()["code"] == "sale.tendered_too_much"
    assert absurd.json()["field"] == "payments[0].tendered_satang"
    most = await client.post(  # a 1,000-baht note for 100 baht: 900 baht change
        "/api/v1/sales",
        json=_body(till, products, lines=one_line, payments=cash(100_000)),
        headers={"Idempotency-Key": "tender-note-1"},
    )
    assert most.status_code == 201 and most.json()["change_satang"] == 90_000
    qr_change = await client.post(
        "/api/v1/sales",
        json=_body(
            till,
            products,
            lines=one_line,
            payments=[{"method": "promptpay", "amount_satang": 10000, "tendered_satang": 20000}],
        ),
        headers={"Idempotency-Key": "tender-qr-1"},
    )
    assert qr_change.status_code == 400 and "tendered_satang" in qr_change.text  # the schema

    pending = await client.post(
        "/api/v1/sales",
        json=_body(
            till,
            products,
            lines=one_line,
            payments=[{"method": "promptpay", "amount_satang": 10000}],
        ),
        headers={"Idempotency-Key": "tender-rest-1"},
    )
    rest = f"/api/v1/sales/{pending.json()['id']}/payments"
    no_change = await client.post(rest, json={"method": "promptpay", "tendered_satang": 20000})
    assert (no_change.status_code, no_change.json()["code"]) == (422, "sale.tendered_cash_only")
    too_much = await client.post(rest, json={"method": "cash", "tendered_satang": 5_000_000})
    assert (too_much.status_code, too_much.json()["code"]) == (422, "sale.tendered_too_much")
    shown = (await client.get(f"/api/v1/sales/{pending.json()['id']}")).json()
    assert shown["status"] == "pending_payment"
    paid = await client.post(rest, json={"method": "cash", "tendered_satang": 50000})
    assert paid.status_code == 200 and paid.json()["status"] == "completed"

    # Rung at the till (offline): the change was given; a manager is told, nothing refused.
    shift = await _shift_id(client, till)
    block = await client.post(
        f"/api/v1/tills/{till}/receipt-blocks", json={"device_id": DEVICE, "size": 5}
    )
    rung_body = _rung_body(till, shift, block.json()["first_seq"], products[1], 12550, clock)
    rung_body["payments"][0]["tendered_satang"] = 12550 + 500_000
    rung = await client.post(
        "/api/v1/sales", json=rung_body, headers={"Idempotency-Key": "tender-rung-1"}
    )
    assert rung.status_code == 201, rung.text
    kinds = [e["kind"] for e in (await client.get("/api/v1/sale-exceptions")).json()]
    assert "change_too_large" in kinds
