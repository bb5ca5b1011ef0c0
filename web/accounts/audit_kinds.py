"""Kinds of audit actions: the audit log's filter groups its actions as a manager thinks of
them (sign-in, sales, refunds, stock, payouts, users, settings…).

An action belongs to its domain's documented vocabulary (kernel.audit names them); a kind is
one or more of those vocabularies, with a few actions moved to where a person looks for them
(a failed sign-in is "sign-in", not "users"). A member added to a vocabulary later falls into
its vocabulary's kind by itself; an action in no vocabulary is "other".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from demo.catalogue import DemoEvent
from inventory.catalogue.events import CatalogueEvent
from inventory.stock.events import StockEvent
from inventory.terms.events import TermsEvent
from kernel.i18n import N_
from payments.status import PaymentEvent
from pos.checkout.events import SaleEvent
from pos.consignment.events import PayoutEvent
from pos.models import CashMovementKind
from pos.tills.events import TillEvent
from web.accounts.users import UserEvent


class AuditKind(StrEnum):
    SIGN_IN = "sign_in"
    SALES = "sales"
    REFUNDS = "refunds"
    PAYMENTS = "payments"
    TILLS = "tills"
    STOCK = "stock"
    PAYOUTS = "payouts"
    USERS = "users"
    SETTINGS = "settings"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class KindInfo:
    kind: AuditKind
    thai: str  # its name on the page (English from the catalogue)


KINDS = (
    KindInfo(AuditKind.SIGN_IN, N_("เข้า/ออกจากระบบ")),
    KindInfo(AuditKind.SALES, N_("การขาย")),
    KindInfo(AuditKind.REFUNDS, N_("การคืนสินค้า")),
    KindInfo(AuditKind.PAYMENTS, N_("การชำระเงิน")),
    KindInfo(AuditKind.TILLS, N_("เครื่องขาย กะ และลิ้นชัก")),
    KindInfo(AuditKind.STOCK, N_("สต็อกสินค้า")),
    KindInfo(AuditKind.PAYOUTS, N_("การโอนเงินให้ผู้ประกอบการ")),
    KindInfo(AuditKind.USERS, N_("ผู้ใช้")),
    KindInfo(AuditKind.SETTINGS, N_("ข้อมูลหลักและการตั้งค่า")),
    KindInfo(AuditKind.OTHER, N_("อื่น ๆ")),
)

# Each vocabulary's kind; then single actions a person looks for elsewhere.
_BY_VOCABULARY: tuple[tuple[type[StrEnum], AuditKind], ...] = (
    (UserEvent, AuditKind.USERS),
    (SaleEvent, AuditKind.SALES),
    (PaymentEvent, AuditKind.PAYMENTS),
    (TillEvent, AuditKind.TILLS),
    (CashMovementKind, AuditKind.TILLS),
    (StockEvent, AuditKind.STOCK),
    (PayoutEvent, AuditKind.PAYOUTS),
    (CatalogueEvent, AuditKind.SETTINGS),
    (TermsEvent, AuditKind.SETTINGS),
    (DemoEvent, AuditKind.SETTINGS),
)
_MOVED = {
    UserEvent.LOGIN.value: AuditKind.SIGN_IN,
    UserEvent.LOGIN_FAILED.value: AuditKind.SIGN_IN,
    UserEvent.LOGOUT.value: AuditKind.SIGN_IN,
    SaleEvent.SALE_REFUNDED.value: AuditKind.REFUNDS,
    PaymentEvent.REFUND_OWED.value: AuditKind.REFUNDS,
}


@cache
def kind_of_action() -> dict[str, AuditKind]:
    """Every known action and its kind."""
    found: dict[str, AuditKind] = {}
    for vocabulary, kind in _BY_VOCABULARY:
        for member in vocabulary:
            found.setdefault(member.value, kind)
    found.update(_MOVED)
    return found


def kind_of(action: str) -> AuditKind:
    return kind_of_action().get(action, AuditKind.OTHER)


def actions_of(kind: AuditKind) -> list[str]:
    """The actions of a kind (for OTHER: none; the query asks for what is not known)."""
    return sorted(action for action, k in kind_of_action().items() if k is kind)


def kind_name(kind: AuditKind) -> str:
    return next(info.thai for info in KINDS if info.kind is kind)
