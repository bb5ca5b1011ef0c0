"""Every error answer: a stable code, its values, and the sentence in the asker's language;
a browser's page visit that is forbidden, missing or failed gets a page, not JSON."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import get
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.errors import ConflictError, InvalidInputError
from tests.api.conftest import LoginAs
from tests.api.openapi import body_errors, operation, served_schema
from web.errors import json_safe, preferred_language

pytestmark = pytest.mark.anyio
THAI = re.compile("[\u0e00-\u0e7f]")
ENGLISH = {"Accept-Language": "en-US,en;q=0.9,th;q=0.5"}
SALE = "/api/v1/sales"
KEY = {"Idempotency-Key": "errors-sale-1"}


async def test_a_refused_body_says_each_field_with_its_code_in_thai_by_default(
    login_as: LoginAs,
) -> None:
    client = await login_as(Role.CASHIER)
    body = {"till_id": "one", "lines": [], "payments": [{"method": "cash"}]}
    response = await client.post(SALE, json=body, headers=KEY)
    assert response.status_code == 400, response.text
    answer = response.json()
    assert answer["code"] == "request.invalid" and answer["status_code"] == 400
    assert THAI.search(answer["detail"]) and "Validation failed" not in answer["detail"]
    by_key = {e["key"]: e for e in answer["errors"]}
    assert by_key["till_id"]["code"] == "request.not_whole_number"
    assert by_key["lines"]["code"] == "request.too_few"
    assert by_key["lines"]["params"] == {"key": "lines", "limit": 1}
    assert all(THAI.search(e["message"]) for e in answer["errors"])
    assert answer["field"] == answer["errors"][0]["key"]
    assert answer["params"]["problem"]["code"] == answer["errors"][0]["code"]
    schema = await served_schema(client)
    documented = operation(schema, "POST", SALE)["responses"]["400"]
    assert body_errors(schema, documented, answer) == []


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ({"params": {"lang": "en"}}, "en"),
        ({"cookies": {"lang": "en"}}, "en"),
        ({"headers": ENGLISH}, "en"),
        ({"headers": {"Accept-Language": "th-TH,th;q=0.9,en;q=0.8"}}, "th"),
        ({"headers": {**ENGLISH}, "params": {"lang": "th"}}, "th"),  # a choice beats the browser
        ({}, "th"),
    ],
)
async def test_the_detail_is_in_the_language_asked_for(
    client: AsyncTestClient[Any], how: dict[str, Any], expected: str
) -> None:
    how = dict(how)  # the same parameters serve each database
    cookies = how.pop("cookies", {})
    for name, value in cookies.items():
        client.cookies.set(name, value, domain="testserver.local")
    response = await client.post("/api/v1/auth/login", json={"username": "nobody"}, **how)
    assert response.status_code == 400
    answer = response.json()
    assert answer["errors"] == [
        {
            "code": "request.missing",
            "message": answer["errors"][0]["message"],
            "params": {"key": "password"},
            "key": "password",
        }
    ]
    if expected == "en":
        assert answer["detail"] == "the request is invalid: password is required"
    else:
        assert answer["detail"] == "ข้อมูลในคำขอไม่ถูกต้อง: ต้องระบุ password"


async def test_a_domain_refusal_carries_its_code_values_and_the_old_top_level_extras(
    login_as: LoginAs,
) -> None:
    client = await login_as(Role.ADMIN)
    body = {"username": "nok", "password": "long enough pw", "role": "cashier"}
    assert (await client.post("/api/v1/users", json=body)).status_code == 201
    again = await client.post("/api/v1/users", json=body)
    assert again.status_code == 409
    answer = again.json()
    assert answer["code"] == "user.username_taken" and answer["field"] == "username"
    assert answer["params"] == {"username": "nok"} and answer["username"] == "nok"
    assert answer["detail"] == "ชื่อผู้ใช้ 'nok' มีผู้ใช้แล้ว"
    english = await client.post("/api/v1/users", json=body, headers=ENGLISH)
    assert english.json()["detail"] == "username 'nok' is taken"
    schema = await served_schema(client)
    documented = operation(schema, "POST", "/api/v1/users")["responses"]["409"]
    assert body_errors(schema, documented, answer) == []


async def test_the_web_layers_own_refusals_have_codes(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    signed_out = await client.get("/api/v1/auth/me")
    assert (signed_out.status_code, signed_out.json()["code"]) == (401, "auth.required")
    assert signed_out.json()["detail"] == "กรุณาเข้าสู่ระบบก่อน"
    nowhere = await client.get("/api/v1/no-such-thing", headers=ENGLISH)
    assert (nowhere.status_code, nowhere.json()["code"]) == (404, "not_found")
    assert nowhere.json()["detail"] == "/api/v1/no-such-thing was not found"
    wrong_method = await client.delete("/api/v1/auth/login")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (
        405,
        "request.method_not_allowed",
    )
    malformed = await client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert (malformed.status_code, malformed.json()["code"]) == (400, "request.malformed")
    too_large = await client.post("/api/v1/auth/login", content=b"x" * (6 * 1024 * 1024))
    assert (too_large.status_code, too_large.json()["code"]) == (413, "request.too_large")
    token = client.headers.pop("x-csrftoken")
    forged = await client.post("/api/v1/auth/logout")
    assert (forged.status_code, forged.json()["code"]) == (403, "csrf.invalid")
    assert "CSRF" in forged.json()["detail"]  # in Thai too: the till's retry looks for it
    client.headers["x-csrftoken"] = token
    await login_as(Role.CASHIER)
    forbidden = await client.get("/api/v1/users")
    assert (forbidden.status_code, forbidden.json()["code"]) == (403, "auth.forbidden")
    assert forbidden.json()["params"] == {"role": "cashier", "path": "/api/v1/users"}


async def test_an_unexpected_failure_is_internal_and_a_page_of_its_own(
    app: Any, client: AsyncTestClient[Any]
) -> None:
    @get(["/api/v1/boom", "/boom"], sync_to_thread=False)
    def boom() -> None:
        raise RuntimeError("a bug")

    app.register(boom)
    api = await client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json()["code"] == "internal"
    assert api.json()["detail"] == "ระบบขัดข้อง ไม่มีการบันทึกข้อมูลใดๆ ลองอีกครั้ง"
    page = await client.get("/boom")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "ระบบขัดข้อง" in page.text and 'href="/"' in page.text
    english = await client.get("/boom?lang=en")
    assert "Something went wrong" in english.text and "internal error" in english.text


async def test_a_missing_page_is_a_page_in_thai_then_in_english(
    client: AsyncTestClient[Any],
) -> None:
    response = await client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "ไม่พบหน้าที่ต้องการ" in response.text and "กลับหน้าหลัก" in response.text
    assert '<html lang="th"' in response.text and 'href="/"' in response.text
    english = await client.get("/no-such-page?lang=en", headers={"Accept": "text/html"})
    assert english.status_code == 404 and english.headers["content-type"].startswith("text/html")
    assert "Page not found" in english.text and "Back to the home page" in english.text
    assert "/no-such-page was not found" in english.text


async def test_a_forbidden_page_is_a_page_and_a_missing_record_too(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.CASHIER)
    forbidden = await client.get("/admin/reports")
    assert forbidden.status_code == 403
    assert forbidden.headers["content-type"].startswith("text/html")
    assert "ไม่มีสิทธิ์เปิดหน้านี้" in forbidden.text and "cashier" in forbidden.text
    english = await client.get("/admin/reports?lang=en")
    assert english.status_code == 403 and "You may not open this page" in english.text
    missing = await client.get("/admin/products/999999?lang=th")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "ไม่พบหน้าที่ต้องการ" in missing.text


async def test_api_errors_stay_json_and_a_signed_out_page_still_goes_to_sign_in(
    client: AsyncTestClient[Any],
) -> None:
    api = await client.get("/api/v1/no-such-thing", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
    page = await client.get("/admin/reports", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/admin/reports"


def test_accept_language_decides_by_rank() -> None:
    assert preferred_language("en-US,en;q=0.9,th;q=0.8") == "en"
    assert preferred_language("th-TH,th;q=0.9,en-US;q=0.8") == "th"
    assert preferred_language("fr-FR, en;q=0.5, th;q=0.7") == "th"
    assert preferred_language("de, *;q=0.1") is None
    assert preferred_language("en;q=0, th;q=x") is None
    assert preferred_language("") is None


def test_a_cause_given_as_a_value_is_its_code_and_values() -> None:
    cause = ConflictError("stock.stale", "ข้อมูลเปลี่ยน {n}", n=2)
    stopped = InvalidInputError("import.stopped", "หยุด {cause}", cause=cause, rows=[cause])
    assert json_safe(stopped.params) == {
        "cause": {"code": "stock.stale", "n": 2},
        "rows": [{"code": "stock.stale", "n": 2}],
    }
