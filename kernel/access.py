"""Who is acting, and the rules of who may see what."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kernel.errors import ForbiddenError


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    CASHIER = "cashier"
    ENTREPRENEUR = "entrepreneur"


STAFF = frozenset({Role.ADMIN, Role.MANAGER, Role.CASHIER})
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user on whose behalf a service acts; every change is attributed to one."""

    user_id: int | None
    username: str
    role: Role
    entrepreneur_id: int | None = None

    def require(self, roles: frozenset[Role], action: str) -> None:
        if self.role not in roles:
            raise ForbiddenError(
                "access.role_forbidden",
                "บัญชีของคุณไม่มีสิทธิ์ทำรายการนี้",
                role=self.role.value,
                action=action,
            )

    def may_see_entrepreneur(self, entrepreneur_id: int) -> bool:
        return self.role != Role.ENTREPRENEUR or self.entrepreneur_id == entrepreneur_id


SYSTEM = Actor(user_id=None, username="system", role=Role.ADMIN)
