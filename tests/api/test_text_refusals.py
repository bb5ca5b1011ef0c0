"""Names and free text refuse invisible and direction characters and piled marks, over HTTP,
with the code, the field and the character; Thai names with their marks are stored as typed."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from tests.api.conftest import LoginAs
from tests.api.test_catalogue_api import _entrepreneur, _product, ids

pytestmark = pytest.mark.anyio
__all__ = ["ids"]  # the fixture, shared with the catalogue's tests

ZALGO = "Z\u0335\u0321\u0334\u0322\u0327algo"


@pytest.mark.parametrize(
    ("name", "code", "character"),
    [
        ("ผ้าไหม\u202egpj.exe", "text.direction_character", "U+202E"),
        ("ผ้าไหม\u200bมัดหมี่", "text.invisible_character", "U+200B"),
        ("ผ้าไหม\x07", "text.invisible_character", "U+0007"),
        (ZALGO, "text.too_many_marks", "U+0322"),
    ],
)
async def test_a_product_name_with_a_hidden_character_is_refused(
    client: AsyncTestClient[Any],
    login_as: LoginAs,
    ids: dict[str, int],
    name: str,
    code: str,
    character: str,
) -> None:
    await login_as(Role.MANAGER)
    for lang in ("th", "en"):
        refused = await client.post(
            "/api/v1/products", json=_product(ids, name_th=name), headers={"Accept-Language": lang}
        )
        assert refused.status_code == 422, refused.text
        answer = refused.json()
        assert (answer["code"], answer["field"]) == (code, "name_th")
        assert character in answer["detail"] and "name_th" in answer["detail"]
        assert ("position" in answer["detail"]) == (lang == "en")
    assert "ช่อง" in (await client.post("/api/v1/products", json=_product(ids, name_th=name))).text


@pytest.mark.parametrize("name", ["ผ้าไหมมัดหมี่", "น้ำผึ้งป่า", "กระเป๋าผ้าฝ้าย", "ศักดิ์สิทธิ์"])
async def test_thai_names_with_their_marks_are_stored_as_typed(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int], name: str
) -> None:
    await login_as(Role.MANAGER)
    created = await client.post("/api/v1/products", json=_product(ids, name_th=name))
    assert created.status_code == 201, created.text
    assert created.json()["name_th"] == name
    maker = await client.post("/api/v1/entrepreneurs", json=_entrepreneur(ids, name_th=name))
    assert maker.status_code == 201 and maker.json()["name_th"] == name


async def test_an_edit_and_an_entrepreneur_are_held_to_the_same_rule(
    client: AsyncTestClient[Any], login_as: LoginAs, ids: dict[str, int]
) -> None:
    await login_as(Role.MANAGER)
    created = (await client.post("/api/v1/products", json=_product(ids))).json()
    edited = await client.patch(
        f"/api/v1/products/{created['id']}", json={"version": 1, "name_en": "Sarong\u2066"}
    )
    assert edited.status_code == 422 and edited.json()["code"] == "text.direction_character"
    maker = await client.post(
        "/api/v1/entrepreneurs", json=_entrepreneur(ids, tambon="บ่อสร้าง\ufeff")
    )
    assert maker.status_code == 422 and maker.json()["field"] == "tambon"


@pytest.mark.parametrize("path", ["/%00", "/static/%00x.js", "/api/v1/products/%0d%0a"])
async def test_a_path_with_a_control_character_is_refused_in_process_too(
    client: AsyncTestClient[Any], path: str
) -> None:
    refused = await client.get(path)
    assert refused.status_code == 400 and refused.json()["code"] == "request.path_invalid"


def test_a_log_message_with_line_breaks_stays_on_one_line() -> None:
    import logging

    from web.access_log import EscapeControls

    record = logging.LogRecord("t", logging.INFO, "f", 1, "refused %s", ("a\r\nFAKE\x1b[0m",), None)
    assert EscapeControls().filter(record) and record.getMessage() == "refused a\\r\\nFAKE\\x1b[0m"


async def test_a_display_name_is_held_to_the_rule_and_a_thai_one_is_kept(login_as: LoginAs) -> None:
    client = await login_as(Role.ADMIN)
    body = {"username": "nok", "password": "long enough pw", "role": "cashier"}
    hidden = await client.post("/api/v1/users", json={**body, "display_name": "นก\u202e"})
    assert hidden.status_code == 422 and hidden.json()["field"] == "display_name"
    kept = await client.post("/api/v1/users", json={**body, "display_name": "น้ำผึ้ง ใจดี"})
    assert kept.status_code == 201 and kept.json()["display_name"] == "น้ำผึ้ง ใจดี"
