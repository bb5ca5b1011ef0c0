"""Rules of ``otop-pos check`` over the ledger and stock: entries balance, each
entrepreneur's balance is the fold of their payable account, paid payouts are posted, and
on-hand stock is the sum of its movements and never below zero."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, literal, or_, select, union_all
from sqlalchemy.engine import Connection

from integrity.violations import Rule, Violation, baht
from inventory.models import Entrepreneur, Location, Product, StockLevel, StockMovement
from payments.ledger.models import AccountTotal, JournalEntryRow, LedgerAccount, PostingRow
from payments.ledger.payout_models import Payout, PayoutStatus
from payments.ledger.rules import EntryKind, PostingRole, payable_account
from pos.models import Sale, SaleException, SaleExceptionKind

PAYABLE_PREFIX = payable_account(0).removesuffix("0")  # "entrepreneur_payable:"
KNOWN_ROLES = [role.value for role in PostingRole]


def _entry_label(entry_id: int, document: str | None) -> str:
    return f"journal entry {entry_id} ({document})"


def journal_balanced(conn: Connection) -> Iterator[Violation]:
    sums = (
        select(
            PostingRow.entry_id,
            func.count().label("n"),
            func.sum(PostingRow.amount_satang).label("total"),
        )
        .group_by(PostingRow.entry_id)
        .subquery()
    )
    rows = conn.execute(
        select(JournalEntryRow.id, JournalEntryRow.document, sums.c.n, sums.c.total)
        .outerjoin(sums, sums.c.entry_id == JournalEntryRow.id)
        .where(or_(sums.c.n.is_(None), sums.c.n < 2, sums.c.total != 0))
        .order_by(JournalEntryRow.id)
    )
    for entry_id, document, n, total in rows:
        if n is None:
            detail = "it has no postings"
        elif n < 2:
            detail = f"it has a single posting ({baht(total)}): an entry needs two or more"
        else:
            detail = f"its {n} postings sum to {baht(total)}, not 0"
        yield Violation("journal-balanced", _entry_label(entry_id, document), detail)


def payable_accounts(conn: Connection) -> Iterator[Violation]:
    code_of_its_entrepreneur = literal(PAYABLE_PREFIX) + cast(LedgerAccount.entrepreneur_id, String)
    rows = conn.execute(
        select(LedgerAccount.id, LedgerAccount.code, LedgerAccount.entrepreneur_id)
        .where(
            or_(
                and_(
                    LedgerAccount.entrepreneur_id.is_(None),
                    LedgerAccount.code.startswith(PAYABLE_PREFIX),
                ),
                and_(
                    LedgerAccount.entrepreneur_id.is_not(None),
                    LedgerAccount.code != code_of_its_entrepreneur,
                ),
            )
        )
        .order_by(LedgerAccount.id)
    )
    for account_id, code, entrepreneur_id in rows:
        owner = "no entrepreneur" if entrepreneur_id is None else f"entrepreneur {entrepreneur_id}"
        yield Violation(
            "payable-account", f"ledger account {account_id} ({code})", f"it belongs to {owner}"
        )


def posting_entrepreneurs(conn: Connection) -> Iterator[Violation]:
    rows = conn.execute(
        select(
            PostingRow.id,
            PostingRow.entry_id,
            JournalEntryRow.document,
            PostingRow.entrepreneur_id,
            LedgerAccount.code,
            LedgerAccount.entrepreneur_id,
        )
        .join(LedgerAccount, LedgerAccount.id == PostingRow.account_id)
        .join(JournalEntryRow, JournalEntryRow.id == PostingRow.entry_id)
        .where(PostingRow.entrepreneur_id.is_distinct_from(LedgerAccount.entrepreneur_id))
        .order_by(PostingRow.id)
    )
    for posting_id, entry_id, document, named, code, owner in rows:
        yield Violation(
            "posting-entrepreneur",
            f"posting {posting_id} of {_entry_label(entry_id, document)}",
            f"it names entrepreneur {named} but its account {code} belongs to "
            f"{'no entrepreneur' if owner is None else f'entrepreneur {owner}'}",
        )


def balance_folds(conn: Connection) -> Iterator[Violation]:
    """What the payout run owes an entrepreneur (pos.consignment.payouts sums the postings naming
    the
    entrepreneur, a column denormalised from the account) against the fold of the postings on
    their accounts (the balance payments.ledger.balances.read_balance shows, summed by role).

    The two differ by exactly the postings whose entrepreneur is not their account's (a row
    naming and owned by the same entrepreneur counts on both sides), so one pass finds those
    few rows (and any role read_balance would refuse) and only their entrepreneurs' sums are
    read: grouping a year's postings took seconds on SQLite. (The named side has no index of
    its own: a scan of the postings per entrepreneur found, only when some are.)"""
    unknown_role = PostingRow.role.not_in(KNOWN_ROLES)
    astray = (
        select(
            PostingRow.entrepreneur_id.label("named"),
            LedgerAccount.entrepreneur_id.label("owner"),
            PostingRow.amount_satang.label("amount"),
            case((unknown_role, 1), else_=0).label("unknown"),
        )
        .join(LedgerAccount, LedgerAccount.id == PostingRow.account_id)
        .where(
            or_(
                PostingRow.entrepreneur_id.is_distinct_from(LedgerAccount.entrepreneur_id),
                and_(PostingRow.entrepreneur_id.is_not(None), unknown_role),
            )
        )
        .cte("astray")
    )
    sides = union_all(
        select(
            astray.c.named.label("entrepreneur_id"),
            astray.c.amount.label("difference"),
            astray.c.unknown,
        ).where(astray.c.named.is_not(None)),
        select(astray.c.owner, -astray.c.amount, literal(0)).where(astray.c.owner.is_not(None)),
    ).subquery()
    differing = (
        select(sides.c.entrepreneur_id, func.sum(sides.c.unknown).label("unknown"))
        .group_by(sides.c.entrepreneur_id)
        .having(or_(func.sum(sides.c.difference) != 0, func.sum(sides.c.unknown) > 0))
        .subquery()
    )
    read = (
        select(func.sum(PostingRow.amount_satang))
        .where(PostingRow.entrepreneur_id == differing.c.entrepreneur_id)
        .scalar_subquery()
    )
    folded = (
        select(func.sum(PostingRow.amount_satang))
        .join(LedgerAccount, LedgerAccount.id == PostingRow.account_id)
        .where(LedgerAccount.entrepreneur_id == differing.c.entrepreneur_id)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(differing.c.entrepreneur_id, Entrepreneur.code, read, folded, differing.c.unknown)
        .outerjoin(Entrepreneur, Entrepreneur.id == differing.c.entrepreneur_id)
        .order_by(differing.c.entrepreneur_id)
    )
    for entrepreneur_id, code, read_sum, fold_sum, unknown in rows:
        where = f"entrepreneur {code or '?'} (id {entrepreneur_id})"
        if read_sum != fold_sum:
            yield Violation(
                "balance-fold",
                where,
                f"the payout run reads {baht(-int(read_sum or 0))} owed, but the "
                f"postings on {payable_account(entrepreneur_id)} fold to "
                f"{baht(-int(fold_sum or 0))} owed",
            )
        if unknown:
            yield Violation(
                "balance-fold",
                where,
                f"{unknown} of their postings have a role the balance does not know, so it "
                f"cannot be read (known: {', '.join(KNOWN_ROLES)})",
            )


def account_totals(conn: Connection) -> Iterator[Violation]:
    """The running totals balances are read from (payments.ledger.models.AccountTotal) equal
    the sums of the postings they stand for, per entrepreneur account and role, both ways.

    The postings are grouped once (the sums and the totals are a few rows per account, read
    whole and compared here): grouped twice, once per side of the comparison, the rule took
    a third of the check at a year of bulk history (bench/scale.py)."""
    summed = {
        (account, role): (int(total), int(count))
        for account, role, total, count in conn.execute(
            select(
                PostingRow.account_id,
                PostingRow.role,
                func.sum(PostingRow.amount_satang),
                func.count(),
            )
            .where(PostingRow.entrepreneur_id.is_not(None))
            .group_by(PostingRow.account_id, PostingRow.role)
        )
    }
    kept = {
        (account, role): (int(total), int(count))
        for account, role, total, count in conn.execute(
            select(
                AccountTotal.account_id,
                AccountTotal.role,
                AccountTotal.total_satang,
                AccountTotal.postings,
            )
        )
    }
    for (account, role), (total, count) in sorted(kept.items()):
        summed_total, summed_count = summed.get((account, role), (0, 0))
        if (total, count) != (summed_total, summed_count) or (account, role) not in summed:
            yield Violation(
                "account-totals",
                f"account {account}, role {role}",
                f"the running total is {baht(total)} over {count} postings, but its postings"
                f" sum to {baht(summed_total)} over {summed_count}",
            )
    for (account, role), (summed_total, summed_count) in sorted(summed.items()):
        if (account, role) not in kept:
            yield Violation(
                "account-totals",
                f"account {account}, role {role}",
                f"{summed_count} postings ({baht(summed_total)}) have no running total",
            )


def paid_payouts(conn: Connection) -> Iterator[Violation]:
    paid_out = (
        select(
            PostingRow.entry_id,
            PostingRow.entrepreneur_id,
            func.sum(PostingRow.amount_satang).label("amount"),
        )
        .where(PostingRow.role == PostingRole.PAYOUT.value)
        .group_by(PostingRow.entry_id, PostingRow.entrepreneur_id)
        .subquery()
    )
    is_paid = Payout.status == PayoutStatus.PAID.value
    rows = conn.execute(
        select(
            Payout.id,
            Payout.status,
            Payout.amount_satang,
            Payout.journal_entry_id,
            JournalEntryRow.kind,
            paid_out.c.amount,
        )
        .outerjoin(JournalEntryRow, JournalEntryRow.id == Payout.journal_entry_id)
        .outerjoin(
            paid_out,
            and_(
                paid_out.c.entry_id == Payout.journal_entry_id,
                paid_out.c.entrepreneur_id == Payout.entrepreneur_id,
            ),
        )
        .where(
            or_(
                and_(~is_paid, Payout.journal_entry_id.is_not(None)),
                and_(
                    is_paid,
                    or_(
                        JournalEntryRow.kind.is_distinct_from(EntryKind.PAYOUT.value),
                        paid_out.c.amount.is_distinct_from(Payout.amount_satang),
                    ),
                ),
            )
        )
        .order_by(Payout.id)
    )
    for payout_id, status, amount, entry_id, kind, posted in rows:
        if status != PayoutStatus.PAID:
            detail = f"it is {status} but has journal entry {entry_id}"
        elif entry_id is None or kind is None:
            detail = f"it is paid ({baht(amount)}) but has no journal entry"
        else:
            detail = (
                f"it paid {baht(amount)} but its journal entry {entry_id} ({kind}) debits the "
                f"entrepreneur's payable with {baht(posted)}"
            )
        yield Violation("payout-ledger", f"payout {payout_id}", detail)


def stock_matches_movements(conn: Connection) -> Iterator[Violation]:
    levels = select(
        StockLevel.product_id,
        StockLevel.location_id,
        StockLevel.on_hand.label("level"),
        literal(1).label("rows"),
        literal(0).label("moved"),
        literal(0).label("movements"),
    )
    moved = select(
        StockMovement.product_id,
        StockMovement.location_id,
        literal(0),
        literal(0),
        func.sum(StockMovement.quantity),
        func.count(),
    ).group_by(StockMovement.product_id, StockMovement.location_id)
    both = union_all(levels, moved).subquery()
    sums = [func.sum(both.c[name]).label(name) for name in ("level", "rows", "moved", "movements")]
    differing = (
        select(both.c.product_id, both.c.location_id, *sums)
        .group_by(both.c.product_id, both.c.location_id)
        .having(or_(sums[0] != sums[2], sums[1] != 1))
        .subquery()
    )
    rows = conn.execute(
        select(differing, Product.sku, Location.code)
        .join(Product, Product.id == differing.c.product_id)
        .join(Location, Location.id == differing.c.location_id)
        .order_by(differing.c.product_id, differing.c.location_id)
    )
    for _, _, level, level_rows, quantity, movements, sku, location in rows:
        if not level_rows:
            detail = (
                f"there is no stock level, but its {movements} movement(s) add up to {quantity}"
            )
        else:
            detail = f"on hand is {level}, but its {movements} movement(s) add up to {quantity}"
        yield Violation("stock-movements", f"product {sku} at {location}", detail)


def stock_not_negative(conn: Connection) -> Iterator[Violation]:
    """Below zero only where a sale rung offline took goods the books did not have (its
    stock exception asks for a count: a warning, see :func:`stock_to_count`)."""
    rows = conn.execute(
        select(Product.sku, Location.code, StockLevel.on_hand)
        .join(Product, Product.id == StockLevel.product_id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.on_hand < 0, ~_counted_for(StockLevel.product_id))
        .order_by(StockLevel.product_id, StockLevel.location_id)
    )
    for sku, location, level in rows:
        yield Violation(
            "stock-not-negative", f"product {sku} at {location}", f"on hand is {level}, below zero"
        )


def _counted_for(product_id: Any) -> Any:
    """A stock exception names the product (a rung sale took it below zero)."""
    return exists().where(
        SaleException.kind == SaleExceptionKind.STOCK_BELOW_ZERO.value,
        SaleException.detail["product_id"].as_integer() == product_id,
    )


def stock_to_count(conn: Connection) -> Iterator[Violation]:
    """Warnings: stock below zero that a sale rung offline, or a short sale a manager allowed,
    explains; count the shelf."""
    rows = conn.execute(
        select(Product.sku, Location.code, StockLevel.on_hand)
        .join(Product, Product.id == StockLevel.product_id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.on_hand < 0, _counted_for(StockLevel.product_id))
        .order_by(StockLevel.product_id, StockLevel.location_id)
    )
    for sku, location, level in rows:
        yield Violation(
            "stock-to-count",
            f"product {sku} at {location}",
            f"on hand is {level}: a sale rung offline, or a short sale a manager allowed, "
            "took more than the books had",
        )


def open_sale_exceptions(conn: Connection) -> Iterator[Violation]:
    """Warnings: what sales rung at the till found different, not yet resolved."""
    rows = conn.execute(
        select(SaleException.id, SaleException.kind, Sale.receipt_number, SaleException.detail)
        .join(Sale, Sale.id == SaleException.sale_id)
        .where(SaleException.resolved_at.is_(None))
        .order_by(SaleException.id)
    )
    for exception_id, kind, number, detail in rows:
        yield Violation(
            "sale-exceptions-open",
            f"receipt {number} (exception {exception_id})",
            f"{kind}: {detail}",
        )


WARNING_RULES = (
    Rule(
        "stock-to-count",
        "stock below zero only where a sale rung offline or a short sale a manager allowed "
        "took it (count the shelf)",
        stock_to_count,
    ),
    Rule(
        "sale-exceptions-open",
        "differences sales rung at the till found on arrival, for a manager to resolve",
        open_sale_exceptions,
    ),
)


BOOK_RULES = (
    Rule(
        "journal-balanced",
        "every journal entry has postings and they sum to zero",
        journal_balanced,
    ),
    Rule(
        "payable-account",
        "a payable account's code names the entrepreneur it belongs to",
        payable_accounts,
    ),
    Rule(
        "posting-entrepreneur",
        "a posting names the entrepreneur its account belongs to",
        posting_entrepreneurs,
    ),
    Rule(
        "balance-fold",
        "each entrepreneur's balance as read equals the fold of their payable account",
        balance_folds,
    ),
    Rule(
        "account-totals",
        "each running total an entrepreneur's balance is read from equals its postings' sum",
        account_totals,
    ),
    Rule(
        "payout-ledger",
        "a paid payout, and only a paid one, is posted for its amount",
        paid_payouts,
    ),
    Rule(
        "stock-movements",
        "on-hand stock is the sum of the movements, for every product and location",
        stock_matches_movements,
    ),
    Rule("stock-not-negative", "no stock level is below zero", stock_not_negative),
)
