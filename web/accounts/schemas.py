"""The request and response bodies of accounts's controllers, as the API documents them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from kernel.access import Role
from web.accounts.approvals import ApprovalAction
from web.accounts.users import (
    UserView,
)
from web.schemas import WholeNumber


class ApprovalIn(BaseModel):
    username: Annotated[str, Field(min_length=1, max_length=64)]
    password: Annotated[str, Field(min_length=1, max_length=256)]
    action: ApprovalAction


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
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: Role
    display_name: str = Field(default="", max_length=200)
    entrepreneur_id: WholeNumber | None = None


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: str
    entrepreneur_id: int | None
    active: bool


class AuditOut(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    entity: str
    entity_id: str | None
    detail: dict[str, Any]
