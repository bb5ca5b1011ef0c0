"""Product photos over HTTP: upload, replace, remove and serve; who may; what is refused."""

from __future__ import annotations

import io
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import func, select

from inventory.catalogue.photos import MAX_PHOTO_BYTES
from inventory.models import Product
from kernel.access import Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from tests import factories as f
from tests.api.conftest import LoginAs
from tests.api.test_till_catalogue_delta import PAST_OVERLAP, _catalogue, _rows
from tests.api.test_till_pages import _shop, _till
from tests.photo_samples import image_bytes, jpeg_with_gps_turned, png_bomb

pytestmark = pytest.mark.anyio


@pytest.fixture
def product(db: Database) -> int:
    with db.write() as conn:
        owner = f.entrepreneur(conn, f.district(conn))
        return f.product(conn, owner, f.category(conn))


def _file(raw: bytes, name: str = "photo.jpg", kind: str = "image/jpeg") -> dict[str, Any]:
    return {"file": (name, raw, kind)}


async def _put(client: AsyncTestClient[Any], product: int, raw: bytes) -> Any:
    return await client.put(f"/api/v1/products/{product}/photo", files=_file(raw))


def _audit(db: Database, action: str) -> list[dict[str, Any]]:
    with db.read() as conn:
        rows = conn.execute(
            select(AuditEntry.detail).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return [dict(r[0]) for r in rows]


async def test_a_manager_uploads_and_everyone_signed_in_gets_the_webp_immutable(
    login_as: LoginAs, product: int, db: Database
) -> None:
    client = await login_as(Role.MANAGER)
    put = await _put(client, product, image_bytes("JPEG", (1200, 900)))
    assert put.status_code == 200, put.text
    body = put.json()
    key = body["key"]
    assert body["thumb_url"] == f"/photos/products/{product}/{key}/thumb.webp"
    assert body["display_url"] == f"/photos/products/{product}/{key}/display.webp"
    assert (await client.get(f"/api/v1/products/{product}/photo")).json() == body

    with db.write() as conn:  # another entrepreneur's user: photos are public pictures
        stranger = f.entrepreneur(conn, f.district(conn, code="9999"), code="E-OTHER")
    for role in (Role.CASHIER, Role.ENTREPRENEUR):
        await login_as(role, entrepreneur_id=stranger if role == Role.ENTREPRENEUR else None)
        thumb = await client.get(body["thumb_url"])
        assert thumb.status_code == 200
        assert thumb.headers["content-type"] == "image/webp"
        assert thumb.headers["x-content-type-options"] == "nosniff"
        assert thumb.headers["cache-control"] == "private, max-age=31536000, immutable"
        assert thumb.headers["etag"] == f'"{key}-thumb"'
        assert "content-security-policy" in thumb.headers
        assert Image.open(io.BytesIO(thumb.content)).size == (96, 72)
    display = await client.get(body["display_url"])
    assert Image.open(io.BytesIO(display.content)).size == (480, 360)

    again = await client.get(body["thumb_url"], headers={"if-none-match": f'"{key}-thumb"'})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == f'"{key}-thumb"'
    for wrong in (
        f"/photos/products/{product}/0000000000000000/thumb.webp",
        f"/photos/products/{product}/{key}/original.jpg",
        f"/photos/products/{product + 1}/{key}/thumb.webp",
    ):
        assert (await client.get(wrong)).status_code == 404, wrong
    [set_] = _audit(db, "product_photo_set")
    assert set_["content_hash"].startswith(key) and set_["replaced"] is None
    assert set_["source_format"] == "JPEG" and set_["thumb"][:2] == [96, 72]


async def test_replacing_gives_a_new_url_and_the_old_one_is_gone(
    login_as: LoginAs, product: int, db: Database
) -> None:
    client = await login_as(Role.MANAGER)
    first = (await _put(client, product, image_bytes("PNG"))).json()
    second = (await _put(client, product, jpeg_with_gps_turned())).json()
    assert first["key"] != second["key"]
    assert (await client.get(first["thumb_url"])).status_code == 404
    shown = await client.get(second["display_url"])
    assert Image.open(io.BytesIO(shown.content)).size == (240, 480)  # turned upright
    assert b"PhoneMaker" not in shown.content
    assert [a["replaced"] is None for a in _audit(db, "product_photo_set")] == [True, False]
    with db.read() as conn:
        count = conn.execute(select(func.count()).select_from(AuditEntry)).scalar()
    assert count and count >= 2


async def test_removing_a_photo_and_removing_it_again(
    login_as: LoginAs, product: int, db: Database
) -> None:
    client = await login_as(Role.MANAGER)
    body = (await _put(client, product, image_bytes("WEBP"))).json()
    gone = await client.delete(f"/api/v1/products/{product}/photo")
    assert gone.status_code == 204
    assert (await client.get(body["thumb_url"])).status_code == 404
    missing = await client.get(f"/api/v1/products/{product}/photo")
    assert (missing.status_code, missing.json()["code"]) == (404, "photo.not_found")
    assert (await client.delete(f"/api/v1/products/{product}/photo")).status_code == 204
    assert len(_audit(db, "product_photo_removed")) == 1  # the second delete changed nothing
    nothing = await client.delete(f"/api/v1/products/{product + 99}/photo")
    assert (nothing.status_code, nothing.json()["code"]) == (404, "product.not_found")


async def test_a_cashier_or_an_entrepreneur_cannot_change_a_photo(
    login_as: LoginAs, product: int, db: Database
) -> None:
    client = await login_as(Role.MANAGER)
    assert (await _put(client, product, image_bytes("PNG"))).status_code == 200
    with db.write() as conn:
        owner = conn.execute(select(Product.entrepreneur_id).where(Product.id == product)).scalar()
    for role in (Role.CASHIER, Role.ENTREPRENEUR):  # the entrepreneur: the product's own
        await login_as(role, entrepreneur_id=owner if role == Role.ENTREPRENEUR else None)
        assert (await _put(client, product, image_bytes("JPEG"))).status_code == 403
        assert (await client.delete(f"/api/v1/products/{product}/photo")).status_code == 403
        page = await client.post(
            f"/admin/products/{product}/photo", files=_file(image_bytes("JPEG"))
        )
        assert page.status_code == 403
    assert (await client.get(f"/api/v1/products/{product}/photo")).status_code == 200


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ("ผ้าไหม not a photo".encode() * 30, 422, "photo.not_an_image"),
        (image_bytes("JPEG", (900, 700))[:2000], 422, "photo.damaged"),
        (png_bomb(20_000), 422, "photo.too_many_pixels"),
        (b"\xff\xd8\xff" + b"\0" * MAX_PHOTO_BYTES, 413, "photo.too_large"),
        (b"", 422, "photo.empty"),
    ],
    ids=["text-named-jpg", "truncated", "bomb-20000", "too-large", "empty"],
)
async def test_a_bad_file_is_refused_with_its_code_in_thai_and_english_and_nothing_changes(
    login_as: LoginAs, product: int, raw: bytes, status: int, code: str
) -> None:
    client = await login_as(Role.MANAGER)
    kept = (await _put(client, product, image_bytes("PNG"))).json()
    refused = await _put(client, product, raw)
    assert refused.status_code == status, refused.text
    assert (refused.json()["code"], refused.json()["field"]) == (code, "file")
    english = await client.put(f"/api/v1/products/{product}/photo?lang=en", files=_file(raw))
    assert english.json()["detail"] != refused.json()["detail"]
    assert all(ord(c) < 0x0E00 or ord(c) > 0x0E7F for c in english.json()["detail"])
    assert (await client.get(f"/api/v1/products/{product}/photo")).json() == kept


async def test_a_body_far_over_the_limit_is_refused_413_before_it_is_read(
    login_as: LoginAs, product: int
) -> None:
    client = await login_as(Role.MANAGER)
    refused = await _put(client, product, b"\xff\xd8\xff" + b"\0" * (3 * MAX_PHOTO_BYTES))
    assert refused.status_code == 413, refused.text
    assert refused.json()["code"] == "request.too_large"
    assert (await client.get(f"/api/v1/products/{product}/photo")).status_code == 404


async def test_the_product_page_uploads_shows_and_removes_the_photo(
    login_as: LoginAs, product: int
) -> None:
    client = await login_as(Role.MANAGER)
    empty = await client.get(f"/admin/products/{product}")
    assert "ยังไม่มีรูป" in empty.text and 'enctype="multipart/form-data"' in empty.text
    sent = await client.post(
        f"/admin/products/{product}/photo",
        files=_file(image_bytes("PNG"), "p.png", "image/png"),
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/admin/products/{product}?photo=saved#photo"
    key = (await client.get(f"/api/v1/products/{product}/photo")).json()["key"]
    shown = await client.get(f"/admin/products/{product}?photo=saved")
    assert f"/photos/products/{product}/{key}/display.webp" in shown.text
    assert "บันทึกรูปแล้ว" in shown.text and "เปลี่ยนรูป" in shown.text

    refused = await client.post(
        f"/admin/products/{product}/photo", files=_file(b"not an image at all", "x.jpg")
    )
    assert refused.status_code == 422
    assert "ไม่ใช่รูปภาพที่รับได้" in refused.text
    assert f"/photos/products/{product}/{key}/display.webp" in refused.text  # still the old one

    removed = await client.post(f"/admin/products/{product}/photo/delete", follow_redirects=False)
    assert removed.status_code == 303
    assert (await client.get(f"/api/v1/products/{product}/photo")).status_code == 404
    assert "ยังไม่มีรูป" in (await client.get(f"/admin/products/{product}")).text


async def test_the_tills_catalogue_carries_the_photo_key_in_full_and_in_deltas(
    login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    shop = _shop(db)
    client = await login_as(Role.MANAGER)
    till = await _till(client, shop["here"])
    clock.advance(**PAST_OVERLAP)
    first = await _catalogue(client, till)
    assert _rows(first)[shop["stocked"]]["photo"] is None
    clock.advance(**PAST_OVERLAP)
    key = (await _put(client, shop["stocked"], image_bytes("PNG"))).json()["key"]
    delta = await _catalogue(client, till, first["version"])
    assert _rows(delta)[shop["stocked"]]["photo"] == key
    assert _rows(await _catalogue(client, till))[shop["stocked"]]["photo"] == key
    clock.advance(**PAST_OVERLAP)
    await client.delete(f"/api/v1/products/{shop['stocked']}/photo")
    after = await _catalogue(client, till, delta["version"])
    assert _rows(after)[shop["stocked"]]["photo"] is None


async def test_the_portal_lists_the_entrepreneurs_stock_with_its_thumbnail(
    login_as: LoginAs, db: Database
) -> None:
    with db.write() as conn:
        owner = f.entrepreneur(conn, f.district(conn))
        mine = f.product(conn, owner, f.category(conn), name_th="ผ้าทอมือ")
        f.stock(conn, mine, f.location(conn), 4)
    client = await login_as(Role.MANAGER)
    key = (await _put(client, mine, image_bytes("PNG"))).json()["key"]
    await login_as(Role.ENTREPRENEUR, entrepreneur_id=owner)
    portal = await client.get("/portal")
    assert portal.status_code == 200
    assert f'src="/photos/products/{mine}/{key}/thumb.webp"' in portal.text
    assert (await client.get(f"/photos/products/{mine}/{key}/thumb.webp")).status_code == 200
