"""Hostile requests: CSRF, the session at login, the login rate limit, forged and replayed bank
callbacks, oversized bodies, and the security headers. Who may use which route is
test_access_matrix.py.

Already proven elsewhere and not repeated here: login without the CSRF header is 403, logout
revokes the API session, each login gets a new token, the rate limit lifts after its window
(test_auth.py); revoked sessions and deactivated users are refused at once (test_sessions.py);
a wrong-secret or unsigned callback is 401, a stale one 401, the same callback twice is
"duplicate" (test_payments_api.py); 6 MB to the login and to an import is 413
(test_users_and_errors.py, test_imports_api.py).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from litestar.middleware.csrf import generate_csrf_token
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from inventory.models import Category
from kernel.access import Role
from kernel.clock import FixedClock
from kernel.db.engine import Database
from payments.models import PaymentEventRow
from payments.status import PaymentEvent
from payments.webhook import sign
from tests.api.conftest import PASSWORD, LoginAs, make_user
from web.accounts import users as accounts
from web.accounts.users import LoginAttempt
from web.app import create_app
from web.headers import CONTENT_SECURITY_POLICY
from web.settings import Settings

pytestmark = pytest.mark.anyio
TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its lowest cost: these tests sign in often, and what they prove (which
    password, how often, which session) does not depend on the hashing cost."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    )


def _use_session(client: AsyncTestClient[Any], token: str) -> None:
    """Send this session token from now on (as a browser that kept an old cookie would)."""
    client.cookies.delete("otop_session")
    client.cookies.set("otop_session", token, domain="testserver.local")


async def _count(db: Database, table: Any) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


# --- CSRF ------------------------------------------------------------------------------------


async def test_an_unsafe_request_without_the_right_csrf_token_is_403_and_writes_nothing(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    await login_as(Role.MANAGER)
    body = {"code": "weave", "name_th": "ผ้าทอ", "name_en": "Weaving"}
    before = await _count(db, Category)
    right = client.headers.pop("x-csrftoken")
    forged = {
        "none": None,
        "garbage": "not-a-token",
        "another browser's": generate_csrf_token(Settings(demo=True).secret),
        "signed with another secret": generate_csrf_token("x" * 32),
    }
    for what, token in forged.items():
        headers = {} if token is None else {"x-csrftoken": token}
        response = await client.post("/api/v1/categories", json=body, headers=headers)
        assert response.status_code == 403, what
        assert "CSRF" in response.json()["detail"]
    form = await client.post("/admin/categories", data={**body, "_csrf_token": "not-a-token"})
    assert form.status_code == 403
    assert await _count(db, Category) == before
    made = await client.post("/api/v1/categories", json=body, headers={"x-csrftoken": right})
    assert made.status_code == 201, made.text  # the same request with the token is fine


async def test_the_login_form_needs_the_csrf_token_too(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock
) -> None:
    """Login is CSRF-protected like any POST: another site cannot sign a browser in as the
    attacker's account (login CSRF). The API login: test_auth.py."""
    make_user(db, clock, "malee", Role.CASHIER)
    del client.headers["x-csrftoken"]
    response = await client.post("/login", data={"username": "malee", "password": PASSWORD})
    assert response.status_code == 403
    assert await _count(db, LoginAttempt) == 0
    assert "otop_session" not in client.cookies


# --- the session at login --------------------------------------------------------------------


async def test_the_session_changes_at_login_and_the_previous_one_ends(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock
) -> None:
    for name in ("malee", "somchai"):
        make_user(db, clock, name, Role.CASHIER)
    _use_session(client, "chosen-by-an-attacker")  # a session fixed in advance is not adopted
    first = await client.post(
        "/api/v1/auth/login", json={"username": "malee", "password": PASSWORD}
    )
    assert first.status_code == 200
    malee = client.cookies["otop_session"]
    assert malee != "chosen-by-an-attacker"
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # malee's pages carry hers

    again = await client.post(
        "/login", data={"username": "somchai", "password": PASSWORD}, follow_redirects=False
    )
    assert again.status_code == 303
    somchai = client.cookies["otop_session"]
    assert somchai != malee
    assert (await client.get("/api/v1/auth/me")).json()["username"] == "somchai"
    _use_session(client, malee)
    assert (await client.get("/api/v1/auth/me")).status_code == 401  # the previous session ended


async def test_the_logout_form_revokes_the_session(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.MANAGER)
    token = client.cookies["otop_session"]
    out = await client.post("/logout", follow_redirects=False)
    assert (out.status_code, out.headers["location"]) == (303, "/login")
    _use_session(client, token)
    assert (await client.get("/api/v1/auth/me")).status_code == 401


# --- the login rate limit --------------------------------------------------------------------


async def test_five_failures_lock_that_username_only(
    client: AsyncTestClient[Any], db: Database, clock: FixedClock
) -> None:
    for name in ("malee", "somchai"):
        make_user(db, clock, name, Role.CASHIER)

    async def login(username: str, password: str) -> int:
        body = {"username": username, "password": password}
        return (await client.post("/api/v1/auth/login", json=body)).status_code

    assert [await login("malee", "guess") for _ in range(5)] == [401] * 5
    assert await login("malee", PASSWORD) == 429  # the right password too, while locked
    assert await login("MALEE ", PASSWORD) == 429  # the same username however typed
    form = await client.post("/login", data={"username": "malee", "password": PASSWORD})
    assert form.status_code == 429 and "otop_session" not in client.cookies
    assert await login("somchai", PASSWORD) == 200  # other usernames are not affected
    client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # somchai's session's token
    clock.advance(minutes=14)
    assert await login("malee", PASSWORD) == 429  # still inside the 15 minutes


# --- the bank's callback ---------------------------------------------------------------------


async def test_a_captured_callback_confirms_once_and_cannot_be_replayed_or_altered(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    client = await login_as(Role.CASHIER)
    made = await client.post("/api/v1/payments", json={"amount_satang": 15000})
    payment = made.json()
    body = json.dumps(
        {
            "reference": payment["reference"],
            "amount_satang": 15000,
            "transaction_id": "BANKTX-REPLAY",
            "paid_at": "2026-11-21T10:01:00+07:00",
        }
    )
    stamp = str(int(clock.now().timestamp()))
    secret = Settings(demo=True).hook_secret
    captured = {
        "x-timestamp": stamp,
        "x-signature": sign(secret, stamp, body.encode()),
        "content-type": "application/json",
    }

    async def deliver(content: str, headers: dict[str, str] = captured) -> Any:
        return await client.post("/api/v1/payments/webhook", content=content, headers=headers)

    async def confirmations() -> int:
        with db.read() as conn:
            return int(
                conn.execute(
                    select(func.count())
                    .select_from(PaymentEventRow)
                    .where(PaymentEventRow.event == PaymentEvent.PAYMENT_CONFIRMED)
                ).scalar_one()
            )

    altered = await deliver(body.replace("15000", "1"))  # the amount changed, the signature kept
    assert altered.status_code == 401 and await confirmations() == 0
    forged = await deliver(body, {**captured, "x-signature": "sha256=" + "0" * 64})
    assert forged.status_code == 401 and await confirmations() == 0

    first = await deliver(body)
    assert (first.status_code, first.json()["outcome"]) == (200, "confirmed")
    clock.advance(seconds=60)
    second = await deliver(body)  # within the tolerance: the bank retried
    assert (second.status_code, second.json()["outcome"]) == (200, "duplicate")
    assert second.json()["payment_id"] == first.json()["payment_id"]
    assert second.json()["payment_status"] == first.json()["payment_status"] == "confirmed"
    assert await confirmations() == 1

    clock.advance(seconds=241)  # 301 s after it was signed: a replay, refused
    replayed = await deliver(body)
    assert replayed.status_code == 401 and "X-Timestamp" in replayed.json()["detail"]
    assert await confirmations() == 1


# --- oversized bodies ------------------------------------------------------------------------

LIMIT = 64 * 1024
CHUNK = 16 * 1024


@pytest.fixture
def small_limit_app(db: Database, clock: FixedClock) -> Any:
    return create_app(Settings(demo=True, database_url=db.url, max_upload_bytes=LIMIT), db, clock)


async def _raw_post(
    app: Any, path: str, headers: dict[str, str], chunks: Iterator[bytes]
) -> tuple[int, int]:
    """POST straight to the ASGI app, the body in chunks as a server hands them over; the
    answer's status and how many body bytes the app pulled."""
    pulled = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        chunk = next(chunks, None)
        pulled += len(chunk or b"")
        return {"type": "http.request", "body": chunk or b"", "more_body": chunk is not None}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
    }
    await app(scope, receive, send)
    return status, pulled


async def test_a_body_over_the_limit_is_413_without_being_read(
    small_limit_app: Any, login_as: LoginAs, client: AsyncTestClient[Any]
) -> None:
    await login_as(Role.MANAGER)
    csrf = client.cookies["csrftoken"]
    signed_in = {
        "cookie": f"csrftoken={csrf}; otop_session={client.cookies['otop_session']}",
        "x-csrftoken": csrf,
    }
    endless = itertools.repeat(b"x" * CHUNK)
    json_api = {**signed_in, "content-type": "application/json"}
    boundary = "otopboundary"
    upload = {**signed_in, "content-type": f"multipart/form-data; boundary={boundary}"}
    upload_start = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="p.csv"\r\nContent-Type: text/csv\r\n\r\n'
    ).encode()

    # Announced too large: refused on the header, nothing read.
    for path, headers in [
        ("/api/v1/products", json_api),
        ("/api/v1/imports/products/preview", upload),
    ]:
        announced = {**headers, "content-length": str(1024 * 1024 * 1024)}
        assert await _raw_post(small_limit_app, path, announced, endless) == (413, 0), path
    # Chunked, no Content-Length: refused as the count passes the limit, the rest never read.
    status, pulled = await _raw_post(small_limit_app, "/api/v1/products", json_api, endless)
    assert status == 413 and pulled <= LIMIT + CHUNK
    status, pulled = await _raw_post(
        small_limit_app,
        "/api/v1/imports/products/preview",
        upload,
        itertools.chain([upload_start], endless),
    )
    assert status == 413 and pulled <= LIMIT + CHUNK + len(upload_start)
    # Under the limit the same routes read the body (a 4xx about its content, not its size).
    small = iter([b'{"sku": 5}'])
    status, _ = await _raw_post(small_limit_app, "/api/v1/products", json_api, small)
    assert status == 400


# --- security headers ------------------------------------------------------------------------


async def test_every_response_carries_the_security_headers(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    anonymous = [
        await client.get("/login"),
        await client.get("/api/v1/auth/me"),
        await client.get("/no-such-page"),
        await client.get("/health"),
    ]
    await login_as(Role.MANAGER)
    signed_in = [
        await client.get("/admin/products"),
        await client.get("/api/v1/products"),
        await client.get("/till"),
        await client.post("/api/v1/products", json={}),
    ]
    for response in anonymous + signed_in:
        where = f"{response.request.method} {response.request.url.path}"
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, where
        assert response.headers["x-content-type-options"] == "nosniff", where
        assert response.headers["referrer-policy"] == "same-origin", where
        assert response.headers["x-frame-options"] == "SAMEORIGIN", where
        assert "camera=()" in response.headers["permissions-policy"], where
        assert response.headers["cache-control"] == "no-store", where
    static = await client.get("/static/till.js")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"
    # Kept but revalidated on every use: after a deploy no page mixes old and new modules.
    assert static.headers["cache-control"] == "no-cache" and static.headers["etag"]
    assert static.headers["content-type"].startswith("text/javascript")  # module scripts need it
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    assert "unsafe" not in CONTENT_SECURITY_POLICY


async def test_a_static_file_the_browser_holds_is_answered_not_modified(
    client: AsyncTestClient[Any],
) -> None:
    first = await client.get("/static/till_cart.js")
    again = await client.get(
        "/static/till_cart.js", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "no-cache"
    changed = await client.get("/static/till_cart.js", headers={"if-none-match": '"older"'})
    assert changed.status_code == 200 and changed.content == first.content


INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")|<style|\sstyle=|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def test_no_template_carries_inline_script_style_or_handlers() -> None:
    """What the policy would refuse: the pages keep behaviour and looks in web/static."""
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:80]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if INLINE.search(line)
    ]
    assert found == []
    assert len(list(TEMPLATES.rglob("*.html"))) > 40
