"""The password policy (NIST SP 800-63B), as an admin creating a user meets it."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from tests.api.conftest import LoginAs
from web.accounts.passwords import common_passwords

pytestmark = pytest.mark.anyio


async def _create(client: AsyncTestClient[Any], password: str, username: str = "nok") -> Any:
    return await client.post(
        "/api/v1/users", json={"username": username, "password": password, "role": "cashier"}
    )


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("7chars!", "user.password_too_short"),
        ("x" * 65, "user.password_too_long"),
        ("password", "user.password_common"),
        ("PassWord1!", "user.password_common"),  # a common word with digits and a capital
        ("qwertyuiop", "user.password_common"),
        ("iloveyou123", "user.password_common"),
        ("Nokthecashier", "user.password_is_username"),
        ("nokthecashier2026!", "user.password_is_username"),
        ("Sankamphaeng", "user.password_context_word"),
        ("OTOP-2026!!", "user.password_context_word"),
    ],
)
async def test_a_weak_password_is_refused_with_its_reason(
    client: AsyncTestClient[Any], login_as: LoginAs, password: str, code: str
) -> None:
    await login_as(Role.ADMIN)
    response = await _create(client, password, username="nokthecashier")
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    assert response.json()["field"] == "password"


async def test_the_refusal_speaks_english_when_asked(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.ADMIN)
    response = await client.post(
        "/api/v1/users",
        json={"username": "nok", "password": "123456789", "role": "cashier"},
        headers={"accept-language": "en"},
    )
    assert response.json()["code"] == "user.password_common"
    assert "common" in response.json()["detail"]


@pytest.mark.parametrize(
    "password",
    [
        "ต้นมะม่วงหลังบ้านออกลูกดก",  # a Thai passphrase: letters only, no digit, no capital
        "rice fields after the rain",  # lower case and spaces only: no composition rules
        "x" * 64,  # the longest allowed
        "2 kilos of longan, 40 baht",
    ],
)
async def test_a_long_passphrase_without_composition_rules_is_accepted(
    client: AsyncTestClient[Any], login_as: LoginAs, password: str
) -> None:
    await login_as(Role.ADMIN)
    response = await _create(client, password)
    assert response.status_code == 201, response.text
    await client.post("/api/v1/auth/logout")
    signed_in = await client.post(
        "/api/v1/auth/login", json={"username": "nok", "password": password}
    )
    assert signed_in.status_code == 200, signed_in.text


def test_the_shipped_list_is_tens_of_thousands_of_lowercased_passwords() -> None:
    common = common_passwords()
    assert 15_000 < len(common) < 100_000
    assert {"123456", "password", "qwerty"} <= common
    assert all(entry == entry.lower() for entry in common)
