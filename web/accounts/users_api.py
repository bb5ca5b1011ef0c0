"""Users (admin); the audit log is web.accounts.audit_pages."""

from __future__ import annotations

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody

from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from web.accounts.auth import admin_only
from web.accounts.schemas import UserIn, UserOut
from web.accounts.users import create_user, list_users, new_password


class UsersController(Controller):
    """Users, for admins."""

    @get("/api/v1/users", sync_to_thread=False, guards=[admin_only])
    def users_index(self, db: NamedDependency[Database]) -> list[UserOut]:
        with db.read() as conn:
            return [
                UserOut(
                    id=u.id,
                    username=u.username,
                    display_name=u.display_name,
                    role=u.role.value,
                    entrepreneur_id=u.entrepreneur_id,
                    active=u.active,
                )
                for u in list_users(conn)
            ]

    @post("/api/v1/users", guards=[admin_only], status_code=201)
    async def users_create(
        self,
        data: JSONBody[UserIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> UserOut:
        """Create a user; an entrepreneur user names the entrepreneur whose data it may see."""
        password = await new_password(data.password, username=data.username)  # hashed first
        now = clock.now()
        user = await db.writer.run(
            lambda conn: create_user(
                conn,
                actor,
                username=data.username,
                password=password,
                role=data.role,
                now=now,
                display_name=data.display_name,
                entrepreneur_id=data.entrepreneur_id,
            )
        )
        return UserOut(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=user.role.value,
            entrepreneur_id=user.entrepreneur_id,
            active=user.active,
        )
