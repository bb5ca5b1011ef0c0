"""The request and response bodies of accounts's controllers, as the API documents them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, model_validator

from kernel.access import Role
from web.accounts.approvals import (
    ApprovalAction,
    discount_subject,
    refund_subject,
    return_subject,
    sale_subject,
)
from web.accounts.users import (
    UserView,
)
from web.schemas import WholeNumber


class DiscountLineIn(BaseModel):
    product_id: WholeNumber
    quantity: WholeNumber
    discount_satang: WholeNumber = 0


class DiscountSubjectIn(BaseModel):
    """The cart a discount approval is for: its lines as the sale will send them."""

    lines: Annotated[list[DiscountLineIn], Field(min_length=1, max_length=500)]
    cart_discount_satang: WholeNumber = 0


class SaleLineSubjectIn(BaseModel):
    product_id: WholeNumber
    quantity: WholeNumber
    discount_satang: WholeNumber = 0
    unit_price_satang: WholeNumber | None = None
    price_reason: Annotated[str, Field(max_length=200)] | None = None


class SaleSubjectIn(BaseModel):
    """The cart a sale approval is for, as the sale will send it: its lines (with any changed
    price and its reason), its cart discount, and whether its short lines may be sold."""

    lines: Annotated[list[SaleLineSubjectIn], Field(min_length=1, max_length=500)]
    cart_discount_satang: WholeNumber = 0
    allow_short_stock: bool = False


class RefundLineSubjectIn(BaseModel):
    line_no: WholeNumber
    quantity: WholeNumber


class RefundSubjectIn(BaseModel):
    """The sale and lines a refund approval is for, as the refund will send them."""

    sale_id: WholeNumber
    lines: Annotated[list[RefundLineSubjectIn], Field(min_length=1, max_length=500)]
    # The way the money goes back, when it is not the tender that paid (a card sale in cash).
    method: Literal["cash", "transfer", "card", "other"] | None = None


class ReturnLineSubjectIn(BaseModel):
    product_id: WholeNumber
    quantity: WholeNumber
    unit_price_satang: WholeNumber | None = None


class ReturnSubjectIn(BaseModel):
    """The till and lines a return without a receipt is for, as the return will send them."""

    till_id: WholeNumber
    lines: Annotated[list[ReturnLineSubjectIn], Field(min_length=1, max_length=500)]


class ApprovalIn(BaseModel):
    """A manager's password and what they approve: ``discount`` for action discount,
    ``sale`` for action sale, ``refund`` for action refund (the token is for that subject
    only, and one use)."""

    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]
    action: ApprovalAction
    discount: DiscountSubjectIn | None = None
    refund: RefundSubjectIn | None = None
    sale: SaleSubjectIn | None = None
    goods_return: ReturnSubjectIn | None = None  # for action ``return``

    @model_validator(mode="after")
    def _subject_of_action(self) -> ApprovalIn:
        wanted: BaseModel | None = {
            ApprovalAction.DISCOUNT: self.discount,
            ApprovalAction.SALE: self.sale,
            ApprovalAction.REFUND: self.refund,
            ApprovalAction.RETURN: self.goods_return,
        }[self.action]
        if wanted is None:
            name = "goods_return" if self.action == ApprovalAction.RETURN else self.action.value
            raise ValueError(f"{self.action.value} approval needs its subject: {name}")
        return self

    def subject(self) -> str:
        """The digest the token names (see :mod:`web.accounts.approvals`)."""
        if self.action == ApprovalAction.DISCOUNT:
            assert self.discount is not None
            lines = ((ln.product_id, ln.quantity, ln.discount_satang) for ln in self.discount.lines)
            return discount_subject(lines, self.discount.cart_discount_satang)
        if self.action == ApprovalAction.SALE:
            assert self.sale is not None
            return sale_subject(
                (
                    (
                        ln.product_id,
                        ln.quantity,
                        ln.discount_satang,
                        ln.unit_price_satang,
                        ln.price_reason,
                    )
                    for ln in self.sale.lines
                ),
                self.sale.cart_discount_satang,
                self.sale.allow_short_stock,
            )
        if self.action == ApprovalAction.RETURN:
            assert self.goods_return is not None
            goods = self.goods_return
            wanted = ((ln.product_id, ln.quantity, ln.unit_price_satang) for ln in goods.lines)
            return return_subject(goods.till_id, wanted)
        assert self.refund is not None
        lines_ = ((ln.line_no, ln.quantity) for ln in self.refund.lines)
        return refund_subject(self.refund.sale_id, lines_, self.refund.method)


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class MeOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    entrepreneur_id: int | None

    @classmethod
    def of(cls, user: UserView) -> MeOut:
        return cls(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role.value,
            entrepreneur_id=user.entrepreneur_id,
        )


class LoginForm(BaseModel):
    username: str = ""
    password: str = ""
    next: str = "/"


class UserIn(BaseModel):
    """A new user. Without ``password`` the answer carries a one-time sign-in code instead
    (shown once): the user sets their own password with it at first sign-in. An entrepreneur
    user names its entrepreneur by ``entrepreneur_id`` or ``entrepreneur_code``."""

    username: str = Field(min_length=1, max_length=64)
    password: str | None = Field(default=None, min_length=1, max_length=256)
    role: Role
    display_name: str = Field(default="", max_length=200)
    entrepreneur_id: WholeNumber | None = None
    entrepreneur_code: str | None = Field(default=None, min_length=1, max_length=16)


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    entrepreneur_id: int | None
    active: bool
    # ``active``, ``awaiting`` (holds a one-time code, no password yet) or ``disabled``
    status: str = "active"
    entrepreneur_code: str | None = None
    code_expires_at: str | None = None  # when the outstanding one-time code expires
    # Only in the answer that issues it (a new user without password, a reset): shown once.
    sign_in_code: str | None = None


class RoleIn(BaseModel):
    """A user's new role; the entrepreneur role names its entrepreneur (by id or code)."""

    role: Role
    entrepreneur_id: WholeNumber | None = None
    entrepreneur_code: str | None = Field(default=None, min_length=1, max_length=16)


class EntrepreneurAccountsIn(BaseModel):
    """Whose accounts to create: ``codes`` (each must exist, be active, have no account), or
    the active entrepreneurs without an account of ``district_id``, or of all districts
    (``all_without_account``)."""

    codes: Annotated[list[Annotated[str, Field(max_length=16)]], Field(max_length=2000)] = []
    district_id: WholeNumber | None = None
    all_without_account: bool = False


class SlipOut(BaseModel):
    user_id: int
    entrepreneur_code: str
    name_th: str
    username: str
    sign_in_code: str
    expires_at: str


class EntrepreneurAccountsOut(BaseModel):
    """The accounts created, each with its one-time code: shown once, stored only hashed."""

    count: int
    expires_at: str
    sign_in_url: str
    slips: list[SlipOut]


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]
