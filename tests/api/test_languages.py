"""Pages speak Thai unless English is asked for; the scripts read the same catalogue."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from kernel.access import Role
from tests.api.conftest import LoginAs

pytestmark = pytest.mark.anyio
THAI = re.compile("[\u0e00-\u0e7f]")


def _parts(html: str, tag: str) -> str:
    return " ".join(re.findall(rf"<{tag}\b.*?</{tag}>", html, re.S))


async def test_a_page_is_thai_by_default_and_english_on_request(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.MANAGER)
    thai = (await client.get("/admin/products")).text
    nav = _parts(thai, "nav")
    assert "สินค้า" in nav and "ผู้ประกอบการ" in nav and "จ่ายเงินผู้ประกอบการ" in nav
    assert '<html lang="th"' in thai
    assert re.search(r'href="\?lang=en"[^>]*>English</a>', thai)

    english = (await client.get("/admin/products?lang=en")).text
    nav, head = _parts(english, "nav"), _parts(english, "thead")
    assert "Products" in nav and "Entrepreneurs" in nav and "Payouts" in nav
    assert "Barcode" in head and "On hand" in head
    assert not THAI.search(nav + head + _parts(english, "h1") + _parts(english, "title"))
    assert "_(" not in english and "pgettext(" not in english
    # The switch names Thai in Thai, marked as such.
    assert re.search(r'href="\?lang=th"[^>]*lang="th">ภาษาไทย</a>', english)
    # The choice is remembered.
    assert "Products" in _parts((await client.get("/admin/products")).text, "nav")


async def test_the_scripts_fetch_the_english_of_the_catalogue(
    client: AsyncTestClient[Any],
) -> None:
    page = (await client.get("/login")).text
    found = re.search(r'data-words="([^"]+)"', page)
    assert found is not None
    url = found.group(1).replace("&amp;", "&")
    words = await client.get(url)  # no one signed in
    assert words.status_code == 200
    assert words.headers["cache-control"] == "public, max-age=31536000, immutable"
    body = words.json()
    assert body["words"]["ออกจากระบบ"] == "Sign out"
    assert body["words"]["สินค้า"] == "Product"
    assert body["contexts"]["plural"]["สินค้า"] == "Products"
    stale = await client.get("/i18n/en.json?v=old")
    assert stale.headers["cache-control"] == "no-cache" and stale.json() == body
