"""Settings outside demo mode refuse what would make the till print a wrong tax invoice."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from web.settings import DEMO_TAX_ID, Settings

REAL = {
    "demo": False,
    "secret_key": "s" * 40,
    "promptpay_id": "0812345678",
    "webhook_secret": "w" * 40,
}


def test_a_vat_registered_centre_needs_its_tax_id_outside_demo_mode() -> None:
    with pytest.raises(ValidationError, match="OTOP_SELLER_TAX_ID must be set"):
        Settings(**REAL)  # type: ignore[arg-type]
    assert Settings(**REAL, vat_registered=False).receipt_tax_id == ""  # type: ignore[arg-type]
    settings = Settings(**REAL, seller_tax_id="0-1055-59000-72-7")  # type: ignore[arg-type]
    assert settings.receipt_tax_id == "0105559000727"


@pytest.mark.parametrize("wrong", ["0105559000728", "010555900072", "abcdefghijklm"])
def test_a_tax_id_with_wrong_digits_is_refused(wrong: str) -> None:
    with pytest.raises(ValidationError, match="not a 13-digit Thai tax ID"):
        Settings(**REAL, seller_tax_id=wrong)  # type: ignore[arg-type]


def test_the_demo_centre_prints_a_made_up_tax_id() -> None:
    assert Settings(demo=True).receipt_tax_id == DEMO_TAX_ID
