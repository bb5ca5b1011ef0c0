"""Consignment terms over JSON: the centre's default and each entrepreneur's.

Reading: managers any, an entrepreneur their own (another's is 404) and the default, a cashier
none (403). Setting: managers and admins only. A new version is in force from now, for goods
received from now on; goods already at the centre keep the terms they came in under.
"""

from __future__ import annotations

from collections.abc import Iterable

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy import select
from sqlalchemy.engine import Connection

from inventory.terms.service import TermsVersion, add_version, versions_by_id
from kernel.access import Actor
from kernel.clock import Clock
from kernel.db.engine import Database
from pos.consignment.terms import TermsBook, centre_terms, entrepreneur_terms
from web.accounts.auth import managers_only, signed_in
from web.accounts.users import User
from web.consignment.terms_schemas import TermsBookOut, TermsIn, TermsOut


def usernames(conn: Connection, versions: Iterable[TermsVersion]) -> dict[int, str]:
    """Who set each version, by user id."""
    ids = sorted({v.created_by for v in versions if v.created_by is not None})
    if not ids:
        return {}
    return dict(conn.execute(select(User.id, User.username).where(User.id.in_(ids))).all())


def book_out(conn: Connection, book: TermsBook) -> TermsBookOut:
    names = usernames(conn, [book.in_force, *book.versions])
    return TermsBookOut(
        entrepreneur_id=book.entrepreneur_id,
        in_force=TermsOut.of(book.in_force, names),
        versions=[TermsOut.of(v, names) for v in book.versions],
    )


async def _add(
    db: Database, actor: Actor, clock: Clock, entrepreneur_id: int | None, data: TermsIn
) -> TermsOut:
    terms = data.terms()
    now = clock.now()

    def write(conn: Connection) -> TermsOut:
        terms_id = add_version(
            conn, actor, now, entrepreneur_id=entrepreneur_id, terms=terms, note=data.note
        )
        version = versions_by_id(conn, [terms_id])[terms_id]
        return TermsOut.of(version, usernames(conn, [version]))

    return await db.writer.run(write)


class ConsignmentTermsApi(Controller):
    """The centre's default terms and each entrepreneur's: read, and add a version."""

    path = "/api/v1"

    @get("/consignment-terms", sync_to_thread=True, guards=[signed_in])
    def default_terms_show(
        self,
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> TermsBookOut:
        """The centre's default terms: the version in force and every version set."""
        with db.read() as conn:
            return book_out(conn, centre_terms(conn, actor, clock.now()))

    @post("/consignment-terms", guards=[managers_only], status_code=201)
    async def default_terms_create(
        self,
        data: JSONBody[TermsIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> TermsOut:
        """A new version of the centre's default, for goods received from now on by
        entrepreneurs without terms of their own."""
        return await _add(db, actor, clock, None, data)

    @get(
        "/entrepreneurs/{entrepreneur_id:int}/consignment-terms",
        sync_to_thread=True,
        guards=[signed_in],
    )
    def entrepreneur_terms_show(
        self,
        entrepreneur_id: FromPath[int],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> TermsBookOut:
        """An entrepreneur's terms in force (their own, else the centre's default) and the
        versions set for them."""
        with db.read() as conn:
            return book_out(conn, entrepreneur_terms(conn, actor, entrepreneur_id, clock.now()))

    @post(
        "/entrepreneurs/{entrepreneur_id:int}/consignment-terms",
        guards=[managers_only],
        status_code=201,
    )
    async def entrepreneur_terms_create(
        self,
        entrepreneur_id: FromPath[int],
        data: JSONBody[TermsIn],
        db: NamedDependency[Database],
        actor: NamedDependency[Actor],
        clock: NamedDependency[Clock],
    ) -> TermsOut:
        """A new version of an entrepreneur's terms, for their goods received from now on."""
        return await _add(db, actor, clock, entrepreneur_id, data)
