"""The admin's users: create with a one-time code, disable and enable, reset a password, change
a role, the accounts of many entrepreneurs at once, and the first sign-in with a code; every
refusal (not an admin, oneself, the last admin, a disabled user, an expired or used code, a
weak password) and the audit entry of every action."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from inventory.models import District, Entrepreneur
from kernel.access import Actor, Role
from kernel.audit import AuditEntry
from kernel.clock import FixedClock
from kernel.db.engine import Database
from kernel.errors import ConflictError
from tests import factories
from tests.api.conftest import PASSWORD, LoginAs, csrf_cookie_of, make_user
from web.accounts import administration, codes, welcome
from web.accounts.users import LoginLimits, NewPassword, User, UserEvent, UserSession

pytestmark = pytest.mark.anyio

NEW_PASSWORD = "ช้างสามตัวกินกล้วย"  # a Thai passphrase: long, not common


def audited(db: Database, action: UserEvent) -> list[Any]:
    """The audit entries of the action, as rows."""
    with db.read() as conn:
        return list(conn.execute(select(AuditEntry).where(AuditEntry.action == action.value)).all())


def entrepreneurs(db: Database, count: int, district: str = "SKP") -> list[str]:
    """``count`` active entrepreneurs of the district (made when missing); their codes."""
    with db.write() as conn:
        found = conn.execute(select(District.id).where(District.code == district)).scalar()
        district_id = found or factories.district(conn, code=district, name_th=f"อำเภอ {district}")
        codes = [f"{district}{i:04d}" for i in range(count)]
        for i, code in enumerate(codes):
            factories.entrepreneur(conn, district_id, code=code, name_th=f"กลุ่ม {district} {i}")
    return codes


async def sign_in(client: AsyncTestClient[Any], username: str, password: str) -> int:
    response = await client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}
    )
    if response.status_code == 200:
        client.headers["x-csrftoken"] = csrf_cookie_of(client)
    return response.status_code


async def first_sign_in(
    client: AsyncTestClient[Any], username: str, code: str, password: str = NEW_PASSWORD
) -> Any:
    response = await client.post(
        "/api/v1/auth/first-sign-in",
        json={"username": username, "code": code, "password": password},
    )
    if response.status_code == 200:
        client.headers["x-csrftoken"] = csrf_cookie_of(client)
    return response


async def test_a_user_created_without_password_sets_their_own_with_the_code(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    await login_as(Role.ADMIN)
    created = await client.post(
        "/api/v1/users", json={"username": "Noi", "display_name": "น้อย", "role": "cashier"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    code = body["sign_in_code"]
    assert len(code.replace("-", "")) == 12 and body["status"] == "awaiting"
    assert body["code_expires_at"].startswith("2026-12-21")  # 30 days from the clock's day
    with db.read() as conn:
        stored = conn.execute(select(User).where(User.username == "noi")).one()
    assert code.replace("-", "") not in (stored.sign_in_code_hash or "")
    assert stored.sign_in_code_hash.startswith("$argon2")
    listed = (await client.get("/api/v1/users", params={"status": "awaiting"})).json()
    assert [u["username"] for u in listed] == ["noi"] and "sign_in_code" not in str(
        [u["sign_in_code"] for u in listed if u["sign_in_code"]]
    )
    await client.post("/api/v1/auth/logout")

    assert await sign_in(client, "noi", code) == 401  # a code is not a password
    signed = await first_sign_in(client, "noi", code.replace("-", " "))
    assert signed.status_code == 200, signed.text
    assert signed.json()["username"] == "noi"
    assert (await client.get("/api/v1/auth/me")).json()["role"] == "cashier"
    await client.post("/api/v1/auth/logout")
    assert await sign_in(client, "noi", NEW_PASSWORD) == 200
    assert len(audited(db, UserEvent.FIRST_SIGN_IN)) == 1


async def test_a_used_code_does_not_sign_in_again(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.ADMIN)
    code = (await client.post("/api/v1/users", json={"username": "noi", "role": "cashier"})).json()[
        "sign_in_code"
    ]
    await client.post("/api/v1/auth/logout")
    assert (await first_sign_in(client, "noi", code)).status_code == 200
    await client.post("/api/v1/auth/logout")
    again = await first_sign_in(client, "noi", code, "another long passphrase")
    assert again.status_code == 401 and again.json()["code"] == "welcome.code_wrong"
    assert await sign_in(client, "noi", NEW_PASSWORD) == 200  # the password set stays


async def test_an_expired_code_is_refused_saying_so(
    client: AsyncTestClient[Any], login_as: LoginAs, clock: FixedClock, db: Database
) -> None:
    await login_as(Role.ADMIN)
    code = (await client.post("/api/v1/users", json={"username": "noi", "role": "cashier"})).json()[
        "sign_in_code"
    ]
    await client.post("/api/v1/auth/logout")
    clock.advance(days=30, seconds=1)
    refused = await first_sign_in(client, "noi", code)
    assert refused.status_code == 401 and refused.json()["code"] == "welcome.code_expired"
    with db.read() as conn:
        assert (
            conn.execute(select(User.password_hash).where(User.username == "noi")).scalar() == "!"
        )


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short", "user.password_too_short"),
        ("password123", "user.password_common"),
        ("noi-2026!", "user.password_is_username"),
        ("otop-pos-2026", "user.password_context_word"),
    ],
)
async def test_a_weak_password_is_refused_and_the_code_still_works(
    client: AsyncTestClient[Any], login_as: LoginAs, password: str, code: str
) -> None:
    await login_as(Role.ADMIN)
    one_time = (
        await client.post("/api/v1/users", json={"username": "noi", "role": "cashier"})
    ).json()["sign_in_code"]
    await client.post("/api/v1/auth/logout")
    weak = await first_sign_in(client, "noi", one_time, password)
    assert weak.status_code == 422 and weak.json()["code"] == code
    assert (await first_sign_in(client, "noi", one_time)).status_code == 200


async def test_a_wrong_code_counts_towards_the_sign_in_limit(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    await login_as(Role.ADMIN)
    await client.post("/api/v1/users", json={"username": "noi", "role": "cashier"})
    await client.post("/api/v1/auth/logout")
    answers = [(await first_sign_in(client, "noi", "0000-0000-0000")).status_code for _ in range(6)]
    assert answers[0] == 401 and 429 in answers
    assert audited(db, UserEvent.FIRST_SIGN_IN_FAILED)


async def test_disabling_ends_the_sessions_and_refuses_sign_in_until_enabled(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "somchai", Role.CASHIER)
    async with AsyncTestClient(client.app) as other:
        await other.get("/login")
        other.headers["x-csrftoken"] = str(other.cookies.get("csrftoken") or "")
        assert await sign_in(other, "somchai", PASSWORD) == 200
        assert (await other.get("/api/v1/auth/me")).status_code == 200
        await login_as(Role.ADMIN)
        somchai = next(
            u for u in (await client.get("/api/v1/users")).json() if u["username"] == "somchai"
        )
        disabled = await client.post(f"/api/v1/users/{somchai['id']}/disable")
        assert disabled.status_code == 200 and disabled.json()["status"] == "disabled"
        assert (await other.get("/api/v1/auth/me")).status_code == 401  # at once
        with db.read() as conn:
            open_ = conn.execute(
                select(func.count()).where(
                    UserSession.user_id == somchai["id"], UserSession.revoked.is_(False)
                )
            ).scalar()
        assert open_ == 0
        assert await sign_in(other, "somchai", PASSWORD) == 401
        enabled = await client.post(f"/api/v1/users/{somchai['id']}/enable")
        assert enabled.json()["status"] == "active"
        assert await sign_in(other, "somchai", PASSWORD) == 200
    (entry,) = audited(db, UserEvent.USER_DISABLED)
    assert entry.actor_name == "admin1" and entry.detail["sessions_ended"] == 1
    assert len(audited(db, UserEvent.USER_ENABLED)) == 1


async def test_a_disabled_user_cannot_use_a_code_either(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.ADMIN)
    made = (await client.post("/api/v1/users", json={"username": "noi", "role": "cashier"})).json()
    await client.post(f"/api/v1/users/{made['id']}/disable")
    await client.post("/api/v1/auth/logout")
    refused = await first_sign_in(client, "noi", made["sign_in_code"])
    assert refused.status_code == 401 and refused.json()["code"] == "welcome.code_wrong"


async def test_an_admin_cannot_act_on_themselves(
    client: AsyncTestClient[Any], login_as: LoginAs
) -> None:
    await login_as(Role.ADMIN)
    me = (await client.get("/api/v1/auth/me")).json()
    for action, body in (
        ("disable", None),
        ("reset-password", None),
        ("role", {"role": "manager"}),
    ):
        refused = await client.post(f"/api/v1/users/{me['id']}/{action}", json=body)
        assert refused.status_code == 403, refused.text
        assert refused.json()["code"] == "user.not_yourself"
    assert (await client.get("/api/v1/auth/me")).json()["role"] == "admin"


async def test_the_last_admin_is_never_demoted(db: Database, clock: FixedClock) -> None:
    """Two admins disabling each other at once: the second request, already past its guard
    when the first committed, acts as an admin no longer active; it cannot take away the last
    admin (the admins' rows are locked and counted in its transaction)."""
    make_user(db, clock, "boss1", Role.ADMIN)
    make_user(db, clock, "boss2", Role.MANAGER)
    with db.read() as conn:
        ids = dict(conn.execute(select(User.username, User.id)).all())
    stale = Actor(ids["boss2"], "boss2", Role.ADMIN)  # was an admin when their request began
    for change in (
        lambda conn: administration.set_active(
            conn, stale, ids["boss1"], active=False, now=clock.now()
        ),
        lambda conn: administration.change_role(
            conn, stale, ids["boss1"], role=Role.MANAGER, now=clock.now()
        ),
    ):
        with pytest.raises(ConflictError) as refused, db.write() as conn:
            change(conn)
        assert refused.value.code == "user.last_admin"


async def test_role_changes_are_checked_and_audited(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    (code,) = entrepreneurs(db, 1)
    make_user(db, clock, "somchai", Role.CASHIER)
    await login_as(Role.ADMIN)
    ids = {u["username"]: u["id"] for u in (await client.get("/api/v1/users")).json()}
    unlinked = await client.post(
        f"/api/v1/users/{ids['somchai']}/role", json={"role": "entrepreneur"}
    )
    assert unlinked.status_code == 422 and unlinked.json()["field"] == "entrepreneur_id"
    unknown = await client.post(
        f"/api/v1/users/{ids['somchai']}/role",
        json={"role": "entrepreneur", "entrepreneur_code": "NOPE"},
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "user.entrepreneur_code_unknown"
    bad = await client.post(f"/api/v1/users/{ids['somchai']}/role", json={"role": "owner"})
    assert bad.status_code == 400
    linked = await client.post(
        f"/api/v1/users/{ids['somchai']}/role",
        json={"role": "entrepreneur", "entrepreneur_code": code.lower()},
    )
    assert linked.status_code == 200, linked.text
    assert linked.json()["role"] == "entrepreneur" and linked.json()["entrepreneur_code"] == code
    (entry,) = audited(db, UserEvent.ROLE_CHANGED)
    assert entry.detail["role_before"] == "cashier" and entry.detail["role"] == "entrepreneur"
    missing = await client.post("/api/v1/users/99999/role", json={"role": "manager"})
    assert missing.status_code == 404


async def test_reset_password_ends_sessions_and_the_old_password(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    make_user(db, clock, "somchai", Role.MANAGER)
    async with AsyncTestClient(client.app) as other:
        await other.get("/login")
        other.headers["x-csrftoken"] = str(other.cookies.get("csrftoken") or "")
        assert await sign_in(other, "somchai", PASSWORD) == 200
        await login_as(Role.ADMIN)
        ids = {u["username"]: u["id"] for u in (await client.get("/api/v1/users")).json()}
        reset = await client.post(f"/api/v1/users/{ids['somchai']}/reset-password")
        assert reset.status_code == 200, reset.text
        code = reset.json()["sign_in_code"]
        assert reset.json()["status"] == "awaiting"
        assert reset.json()["code_expires_at"].startswith("2026-11-28")  # 7 days
        assert (await other.get("/api/v1/auth/me")).status_code == 401
        assert await sign_in(other, "somchai", PASSWORD) == 401
        assert (await first_sign_in(other, "somchai", code)).status_code == 200
        assert (await other.get("/api/v1/auth/me")).json()["role"] == "manager"
    (entry,) = audited(db, UserEvent.PASSWORD_RESET)
    assert entry.detail["sessions_ended"] == 1 and code not in str(entry.detail)


@pytest.mark.parametrize("role", [Role.CASHIER, Role.MANAGER, Role.ENTREPRENEUR])
async def test_only_an_admin_administers_users(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock, role: Role
) -> None:
    make_user(db, clock, "somchai", Role.CASHIER)
    with db.read() as conn:
        target = conn.execute(select(User.id).where(User.username == "somchai")).scalar_one()
    entrepreneur_id = None
    if role == Role.ENTREPRENEUR:
        (code,) = entrepreneurs(db, 1)
        with db.read() as conn:
            entrepreneur_id = conn.execute(
                select(Entrepreneur.id).where(Entrepreneur.code == code)
            ).scalar_one()
    await login_as(role, entrepreneur_id=entrepreneur_id)
    calls = [
        ("get", "/api/v1/users", None),
        ("post", "/api/v1/users", {"username": "newbie", "role": "cashier"}),
        ("post", f"/api/v1/users/{target}/disable", None),
        ("post", f"/api/v1/users/{target}/enable", None),
        ("post", f"/api/v1/users/{target}/reset-password", None),
        ("post", f"/api/v1/users/{target}/role", {"role": "admin"}),
        ("post", "/api/v1/users/entrepreneur-accounts", {"all_without_account": True}),
        ("get", "/admin/users", None),
    ]
    for method, path, body in calls:
        kwargs = {"json": body} if method == "post" else {}
        answer = await getattr(client, method)(path, **kwargs)
        assert answer.status_code == 403, (path, answer.status_code)
    with db.read() as conn:
        assert conn.execute(select(User.role).where(User.id == target)).scalar() == "cashier"
        assert conn.execute(select(func.count()).select_from(User)).scalar() == 2


async def test_many_entrepreneurs_get_accounts_and_a_slip_each(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    skp = entrepreneurs(db, 3, "SKP")
    doi = entrepreneurs(db, 2, "DOI")
    await login_as(Role.ADMIN)
    by_district = await client.post(
        "/api/v1/users/entrepreneur-accounts",
        json={"district_id": district_id(db, "DOI")},
    )
    assert by_district.status_code == 201, by_district.text
    body = by_district.json()
    assert body["count"] == 2 and body["sign_in_url"].endswith("/welcome")
    assert [s["username"] for s in body["slips"]] == [f"ent-{c.lower()}" for c in doi]
    # The codes given: one has an account already, one is unknown: nothing is created.
    refused = await client.post(
        "/api/v1/users/entrepreneur-accounts", json={"codes": [skp[0], doi[0], "NOPE1"]}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "user.bulk_codes_refused"
    assert refused.json()["params"]["taken"] == doi[0]
    assert refused.json()["params"]["unknown"] == "NOPE1"
    rest = await client.post(
        "/api/v1/users/entrepreneur-accounts", json={"all_without_account": True}
    )
    assert rest.json()["count"] == 3
    none_left = await client.post(
        "/api/v1/users/entrepreneur-accounts", json={"all_without_account": True}
    )
    assert none_left.status_code == 422 and none_left.json()["code"] == "user.bulk_none"
    assert len(audited(db, UserEvent.USER_CREATED)) == 1 + 5  # admin1 made by the fixture

    slip = rest.json()["slips"][0]
    await client.post("/api/v1/auth/logout")
    signed = await first_sign_in(client, slip["username"], slip["sign_in_code"])
    assert signed.status_code == 200, signed.text
    me = signed.json()
    assert me["role"] == "entrepreneur" and me["entrepreneur_id"] is not None
    assert (await client.get("/portal")).status_code == 200


def district_id(db: Database, code: str) -> int:
    with db.read() as conn:
        return int(conn.execute(select(District.id).where(District.code == code)).scalar_one())


async def test_the_sheet_page_takes_pasted_and_uploaded_codes(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database
) -> None:
    skp = entrepreneurs(db, 3, "SKP")
    await login_as(Role.ADMIN)
    refused = await client.post(
        "/admin/users/entrepreneurs",
        data={"codes": f"{skp[0]}, NOPE9"},
        files={"file": ("codes.csv", b"", "text/csv")},
    )
    assert refused.status_code == 422 and "NOPE9" in refused.text, refused.text[-3000:]
    assert f"{skp[0]}, NOPE9" in refused.text  # the pasted codes kept
    upload = f"code,name\n{skp[1]},x\n{skp[2].lower()},y\n".encode()
    sheet = await client.post(
        "/admin/users/entrepreneurs",
        data={"codes": skp[0]},
        files={"file": ("codes.csv", upload, "text/csv")},
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.text.count('class="slip"') == 3
    assert sheet.text.count("/welcome") >= 3 and "ent-skp0002" in sheet.text
    with db.read() as conn:
        made = conn.execute(
            select(func.count()).where(User.role == "entrepreneur", User.password_hash == "!")
        ).scalar()
    assert made == 3
    again = await client.get("/admin/users?role=entrepreneur&status=awaiting")
    assert again.status_code == 200 and again.text.count("รอตั้งรหัสผ่าน") >= 3
    assert "slip-code" not in again.text  # the codes are never shown again


async def test_one_code_used_in_two_tabs_at_once_signs_in_once(
    client: AsyncTestClient[Any], login_as: LoginAs, db: Database, clock: FixedClock
) -> None:
    """Both tabs checked the code before either wrote: the write uses the code only if it is
    still the one checked, so the second is refused and its password not set."""
    await login_as(Role.ADMIN)
    code = (await client.post("/api/v1/users", json={"username": "noi", "role": "cashier"})).json()[
        "sign_in_code"
    ]
    limits = LoginLimits(5, 50, timedelta(minutes=15))
    with db.read() as conn:
        tabs = [
            welcome.code_candidate(
                conn, "noi", now=clock.now(), limits=limits, client="t", device=None
            )
            for _ in range(2)
        ]
    assert all(codes.code_matches(tab.stored_hash, code) for tab in tabs)
    outcomes = []
    for tab, password in zip(tabs, ("first passphrase", "second passphrase"), strict=True):
        with db.write() as conn:
            outcomes.append(
                welcome.finish(
                    conn,
                    tab,
                    True,
                    NewPassword.of(password),
                    client="t",
                    now=clock.now(),
                    session_hours=1,
                )[0]
            )
    assert outcomes == [welcome.Outcome.SIGNED_IN, welcome.Outcome.WRONG]
    await client.post("/api/v1/auth/logout")
    assert await sign_in(client, "noi", "first passphrase") == 200
