"""CSV import over HTTP (API and pages) and the CSV downloads."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from kernel.db.engine import Database
from tests import factories
from tests.api.conftest import LoginAs
from tests.api.openapi import operation, served_schema

pytestmark = pytest.mark.anyio

BOM = b"\xef\xbb\xbf"
PEOPLE = (
    "code,name_th,name_en,district_code,tambon,phone,promptpay_id,commission_percent,star_rating,active\n"
    "E100,กลุ่มร่มบ่อสร้าง,Bo Sang Umbrellas,5013,ต้นเปา,,0812345678,15,5,1\n"
).encode()
BAD_PEOPLE = PEOPLE + "E101,ร่ม,Umbrella,5013,,,0212345678,15,9,1\n".encode()


@pytest.fixture
def ready(db: Database) -> None:
    with db.write() as conn:
        factories.reference_places(conn)
        factories.category(conn)


def _file(raw: bytes) -> dict[str, Any]:
    return {"file": ("people.csv", raw, "text/csv")}


async def test_preview_then_import_entrepreneurs(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.MANAGER)
    preview = await client.post("/api/v1/imports/entrepreneurs/preview", files=_file(BOM + PEOPLE))
    assert preview.status_code == 200, preview.text
    assert preview.json() | {"errors": []} == {
        "kind": "entrepreneurs",
        "rows_total": 1,
        "new": 1,
        "updates": 0,
        "errors": [],
    }
    done = await client.post("/api/v1/imports/entrepreneurs", files=_file(BOM + PEOPLE))
    assert done.status_code == 201, done.text
    assert done.json()["created"] == 1
    again = await client.post("/api/v1/imports/entrepreneurs/preview", files=_file(PEOPLE))
    assert (again.json()["new"], again.json()["updates"]) == (0, 1)


async def test_the_schema_says_what_imports_and_exports_answer(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    """Found by schemathesis: the preview was documented as 201 (it answers 200) and the CSV
    downloads as JSON; the kinds are listed so that generated requests can reach them."""
    await login_as(Role.MANAGER)
    schema = await served_schema(client)
    preview = operation(schema, "POST", "/api/v1/imports/{kind}/preview")
    assert "200" in preview["responses"] and "201" not in preview["responses"]
    export = operation(schema, "GET", "/api/v1/exports/{kind}")
    assert list(export["responses"]["200"]["content"]) == ["text/csv"]
    (kind,) = export["parameters"]
    assert kind["schema"]["enum"] == ["entrepreneurs.csv", "products.csv", "stock.csv"]


async def test_bad_rows_are_listed_and_nothing_is_imported(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.ADMIN)
    preview = await client.post("/api/v1/imports/entrepreneurs/preview", files=_file(BAD_PEOPLE))
    errors = preview.json()["errors"]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "promptpay_id"), (3, "star_rating")]
    refused = await client.post("/api/v1/imports/entrepreneurs", files=_file(BAD_PEOPLE))
    assert refused.status_code == 422
    assert refused.json()["field"] == "file" and len(refused.json()["errors"]) == 2
    assert (await client.get("/api/v1/entrepreneurs")).json() == []


async def test_a_file_that_is_not_utf8_is_a_clear_422(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.MANAGER)
    client.headers["Accept-Language"] = "en"  # the English wording is asserted below
    response = await client.post(
        "/api/v1/imports/entrepreneurs", files=_file(PEOPLE.decode().encode("cp874"))
    )
    assert response.status_code == 422
    assert "not UTF-8" in response.json()["detail"] and "CSV UTF-8" in response.json()["detail"]


async def test_an_oversized_upload_is_refused(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.MANAGER)
    response = await client.post(
        "/api/v1/imports/products/preview", files=_file(b"x" * (6 * 1024 * 1024))
    )
    assert response.status_code == 413


async def test_only_managers_import_and_an_unknown_kind_is_404(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.CASHIER)
    assert (await client.post("/api/v1/imports/products", files=_file(PEOPLE))).status_code == 403
    assert (await client.get("/admin/import")).status_code == 403
    await login_as(Role.MANAGER, username="boss")
    assert (await client.post("/api/v1/imports/users", files=_file(PEOPLE))).status_code == 404


async def test_exports_are_utf8_with_bom(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.MANAGER)
    await client.post("/api/v1/imports/entrepreneurs", files=_file(PEOPLE))
    response = await client.get("/api/v1/exports/entrepreneurs.csv")
    assert response.status_code == 200
    # Found by schemathesis: the charset was said twice ("...; charset=utf-8; charset=utf-8").
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(BOM)
    assert "กลุ่มร่มบ่อสร้าง" in response.content.decode("utf-8")
    for name in ("products", "stock"):
        assert (await client.get(f"/api/v1/exports/{name}.csv")).status_code == 200
    assert (await client.get("/api/v1/exports/passwords.csv")).status_code == 404


async def test_the_import_page_previews_then_confirms_from_the_hidden_field(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.MANAGER)
    page = await client.get("/admin/import")
    assert page.status_code == 200 and "นำเข้า CSV" in page.text
    preview = await client.post("/admin/import/entrepreneurs/preview", files=_file(BOM + PEOPLE))
    assert preview.status_code == 200 and "ยืนยันนำเข้า" in preview.text
    hidden = re.search(r'name="content_b64" value="([^"]*)"', preview.text)
    assert hidden is not None
    confirmed = await client.post(
        "/admin/import/entrepreneurs/confirm",
        files={"content_b64": (None, unescape(hidden.group(1)))},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert "นำเข้าเรียบร้อย" in confirmed.text
    assert len((await client.get("/api/v1/entrepreneurs")).json()) == 1


async def test_the_import_page_shows_bad_rows_with_line_field_and_reason(
    client: AsyncTestClient[Any], login_as: LoginAs, ready: None
) -> None:
    await login_as(Role.MANAGER)
    preview = await client.post(
        "/admin/import/entrepreneurs/preview?lang=en", files=_file(BAD_PEOPLE)
    )
    assert preview.status_code == 422
    assert "promptpay_id" in preview.text and "06, 08 or 09" in preview.text
    assert "content_b64" not in preview.text
