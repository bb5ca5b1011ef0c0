"""Settings come from the environment (prefix OTOP_), read once through ``get_settings()``."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from stdnum.th import tin

DEFAULT_DB = Path("var") / "otop.db"
DEMO_TAX_ID = "0105559000727"  # made up, with a valid check digit
# Demo mode's secrets are public (anyone can read them here): what they sign is trusted in demo
# mode only. Outside it the configured secrets sign and check everything, and a configured
# secret equal to one of these is refused at start, so nothing signed with them is accepted.
DEMO_SECRET = hashlib.sha256(b"otop-pos demo secret").hexdigest()
DEMO_WEBHOOK_SECRET = hashlib.sha256(b"otop-pos demo webhook").hexdigest()
DEMO_ADDRESS = "99 หมู่ 1 ถนนเชียงใหม่-สันกำแพง ตำบลสันกำแพง อำเภอสันกำแพง จังหวัดเชียงใหม่ 50130"
PUBLIC_SECRETS = frozenset({DEMO_SECRET, DEMO_WEBHOOK_SECRET})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OTOP_", extra="ignore")

    database_url: str = Field(default=f"sqlite:///{DEFAULT_DB}")
    # Demo mode: a built-in secret, demo logins printed, the demo payer page (never in production).
    demo: bool = False
    secret_key: str | None = None
    session_hours: int = 12
    # Wrong passwords in the window that lock a username for untrusted clients (or one trusted
    # device), and that lock one untrusted client address over all usernames.
    login_max_failures: int = 5
    login_client_max_failures: int = 20
    login_window_minutes: int = 15
    max_upload_bytes: int = 5 * 1024 * 1024
    low_stock_threshold: int = 3
    default_language: str = "th"
    centre_name_th: str = "ศูนย์จำหน่ายสินค้า OTOP สันกำแพง"
    centre_name_en: str = "OTOP Distribution Centre, San Kamphaeng"
    # A VAT-registered centre prints Thai abbreviated tax invoices (ใบกำกับภาษีอย่างย่อ), which
    # must carry its 13-digit tax ID.
    vat_registered: bool = True
    seller_tax_id: str = ""
    # A full tax invoice names the seller's address and head office or branch (5 digits).
    seller_address: str = ""
    seller_branch: str = "00000"
    # The centre's PromptPay receiving account: a PromptPay ID (mobile, national/tax ID,
    # e-wallet) or, when the bank gave one, a biller ID (tax ID + 2-digit suffix) for bill
    # payment, whose ref1 carries each payment's reference.
    promptpay_id: str | None = None
    promptpay_biller_id: str | None = None
    merchant_name: str = "OTOP SAN KAMPHAENG"
    merchant_city: str = "CHIANG MAI"
    # The commission of an entrepreneur registered without a rate (basis points: 2000 = 20%).
    default_commission_bp: int = Field(default=2000, ge=0, le=10_000)
    # Sales newer than this are held back from payouts (a refund may still come).
    refund_window_days: int = Field(default=7, ge=0, le=90)
    # A payout run lists entrepreneurs owed at least this much.
    payout_minimum_satang: int = Field(default=10_000, ge=1, le=100_000_000)
    # A discount above this percentage of a sale's subtotal needs a manager's approval.
    discount_approval_percent: int = Field(default=10, ge=0, le=100)
    # Closing a shift, a count this far from the expected cash needs a reason (100 baht; see
    # pos.tills.shifts.DIFFERENCE_REASON_SATANG for why).
    close_difference_reason_satang: int = Field(default=10_000, ge=0, le=100_000_000)
    payment_expiry_minutes: int = Field(default=10, ge=1, le=24 * 60)
    # An open till asks for the catalogue's changes (prices, stock, products) this often.
    catalogue_refresh_seconds: int = Field(default=30, ge=1, le=3600)
    # Shared secret of the bank/gateway callback (HMAC-SHA256); demo mode derives one.
    webhook_secret: str | None = None

    @model_validator(mode="after")
    def _secret_outside_demo(self) -> Settings:
        if not self.demo and not self.secret_key:
            raise ValueError(
                "OTOP_SECRET_KEY must be set (at least 32 characters) unless OTOP_DEMO=true"
            )
        if self.secret_key is not None and len(self.secret_key) < 32:
            raise ValueError("OTOP_SECRET_KEY must be at least 32 characters long")
        if not self.demo and not (self.promptpay_id or self.promptpay_biller_id):
            raise ValueError(
                "set OTOP_PROMPTPAY_ID or OTOP_PROMPTPAY_BILLER_ID (the centre's account)"
            )
        if not self.demo and not self.webhook_secret:
            raise ValueError("OTOP_WEBHOOK_SECRET must be set unless OTOP_DEMO=true")
        if not self.demo and {self.secret_key, self.webhook_secret} & PUBLIC_SECRETS:
            raise ValueError(
                "OTOP_SECRET_KEY and OTOP_WEBHOOK_SECRET must not be demo mode's built-in "
                "secrets: they are public. Make new ones, e.g. with "
                "python -c 'import secrets; print(secrets.token_hex(32))'"
            )
        if self.seller_tax_id and not tin.is_valid(self.seller_tax_id):
            raise ValueError(
                f"OTOP_SELLER_TAX_ID {self.seller_tax_id!r} is not a 13-digit Thai tax ID "
                "(digits or check digit wrong)"
            )
        if not self.demo and self.vat_registered and not self.seller_tax_id:
            raise ValueError(
                "OTOP_SELLER_TAX_ID must be set (the centre's 13-digit tax ID: it is printed on "
                "every tax invoice) unless OTOP_VAT_REGISTERED=false"
            )
        if not (
            len(self.seller_branch) == 5
            and self.seller_branch.isascii()
            and self.seller_branch.isdigit()
        ):
            raise ValueError("OTOP_SELLER_BRANCH must be 5 digits (00000 for the head office)")
        if self.default_language not in ("th", "en"):
            raise ValueError("OTOP_DEFAULT_LANGUAGE must be th or en")
        return self

    @property
    def secret(self) -> str:
        """The secret key; in demo mode a fixed, public one so that sessions survive a restart
        (never outside demo mode: the validator insists on a key of one's own there)."""
        return self.secret_key or DEMO_SECRET

    @property
    def receiving_promptpay_id(self) -> str:
        """The demo centre receives on a made-up mobile number unless one is configured."""
        return self.promptpay_id or ("0812345678" if self.demo else "")

    @property
    def receipt_tax_id(self) -> str:
        """The tax ID receipts print: the demo centre's is made up (a valid check digit)."""
        if self.seller_tax_id:
            return str(tin.compact(self.seller_tax_id))
        return DEMO_TAX_ID if self.demo else ""

    @property
    def invoice_address(self) -> str:
        """The seller's address on full tax invoices; the demo centre's is made up."""
        if self.seller_address:
            return self.seller_address
        return DEMO_ADDRESS if self.demo else ""

    @property
    def hook_secret(self) -> str:
        """The callback's shared secret; demo mode's is built in and public."""
        return self.webhook_secret or DEMO_WEBHOOK_SECRET

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
