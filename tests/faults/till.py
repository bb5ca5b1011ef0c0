"""A till over HTTP that behaves like the browser till when the server goes away.

Signed in once as its cashier (the session lives in the database, so it survives a restart);
every unsafe request carries the CSRF header. A request that gets no answer (connection
refused or reset, timeout) or a 5xx is sent again, unchanged (same Idempotency-Key, same
body), until the server answers: what the till's localStorage queue does.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from payments.webhook import sign
from tests.faults.shop import PASSWORD, Shop
from web.settings import Settings

RETRY_PAUSE = 0.1  # seconds between sends of an unanswered request
GIVE_UP = 120.0  # seconds without an answer before the run is declared broken


@dataclass
class Sent:
    """A request as finally answered: the answer, and how many times it was sent."""

    response: httpx.Response
    tries: int

    @property
    def status(self) -> int:
        return self.response.status_code

    def json(self) -> Any:
        return self.response.json()


@dataclass
class Till:
    """A signed-in user's HTTP client (a cashier at a till; the soak's manager too)."""

    base_url: str
    username: str
    client: httpx.AsyncClient = field(init=False)
    unanswered: Counter[str] = field(default_factory=Counter)  # sends without an answer, by error
    server_errors: int = 0  # answers of 500 and above

    def __post_init__(self) -> None:
        self.client = httpx.AsyncClient(base_url=self.base_url, timeout=10)

    async def send(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Sent:
        """Send until answered below 500 (RuntimeError after GIVE_UP seconds without)."""
        payload = content if body is None else json.dumps(body).encode()
        headers = {**(headers or {}), **({"Content-Type": "application/json"} if payload else {})}
        deadline = time.monotonic() + GIVE_UP
        tries = 0
        while True:
            tries += 1
            try:
                response = await self.client.request(method, path, content=payload, headers=headers)
                if response.status_code < 500:
                    return Sent(response, tries)
                self.server_errors += 1
            except httpx.TransportError as error:
                self.unanswered[type(error).__name__] += 1
            if time.monotonic() > deadline:
                raise RuntimeError(f"{method} {path}: no answer for {GIVE_UP:g} s")
            await asyncio.sleep(RETRY_PAUSE)

    async def sign_in(self) -> None:
        await self.send("GET", "/login")  # hands out the CSRF cookie
        self.client.headers["x-csrftoken"] = self.client.cookies.get("csrftoken") or ""
        answer = await self.send(
            "POST",
            "/api/v1/auth/login",
            body={"username": self.username, "password": PASSWORD},
        )
        answer.response.raise_for_status()
        # Signed in, the session's own CSRF token replaces the anonymous page's.
        self.client.headers["x-csrftoken"] = self.client.cookies.get("csrftoken") or ""

    async def checkout(self, body: dict[str, Any], key: str) -> Sent:
        return await self.send("POST", "/api/v1/sales", body=body, headers={"Idempotency-Key": key})

    async def complete(self, sale_id: int) -> Sent:
        return await self.send("POST", f"/api/v1/sales/{sale_id}/complete")

    async def confirm(self, payment_id: int) -> Sent:
        """The cashier confirms having seen the money."""
        return await self.send("POST", f"/api/v1/payments/{payment_id}/confirm")

    async def bank_callback(self, payment: dict[str, Any]) -> Sent:
        """The bank's signed callback: this payment's reference was paid, in full."""
        content, headers = signed_callback(
            payment["reference"], payment["amount_satang"], f"TX-{payment['reference']}"
        )
        return await self.send("POST", "/api/v1/payments/webhook", content=content, headers=headers)

    async def aclose(self) -> None:
        await self.client.aclose()


def sale_body(shop: Shop, till_id: int, rng: random.Random, method: str = "cash") -> dict[str, Any]:
    """One to three products, one to three of each, paid in full by ``method``."""
    chosen = rng.sample(sorted(shop.prices), rng.randint(1, 3))
    lines = [{"product_id": p, "quantity": rng.randint(1, 3)} for p in chosen]
    total = sum(shop.prices[line["product_id"]] * line["quantity"] for line in lines)
    return {
        "till_id": till_id,
        "lines": lines,
        "payments": [{"method": method, "amount_satang": total}],
    }


def signed_callback(
    reference: str, amount: int, transaction_id: str
) -> tuple[bytes, dict[str, str]]:
    """The webhook's body and headers, signed with the demo secret the server uses."""
    content = json.dumps(
        {
            "reference": reference,
            "amount_satang": amount,
            "transaction_id": transaction_id,
            "paid_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
    ).encode()
    stamp = str(int(time.time()))
    secret = Settings(demo=True).hook_secret
    return content, {"X-Timestamp": stamp, "X-Signature": sign(secret, stamp, content)}
