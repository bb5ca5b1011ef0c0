"""Receipt numbers: per till, sequential without gaps or duplicates, and how a receipt
prints its time.

A sale the server completes takes the next number of the sequence ``receipt:<till id>`` in
the sale's own transaction: the row update holds the sequence's lock until commit, and a
rolled back sale gives its number back. A till's device takes blocks of the same sequence in
advance (:mod:`pos.tills.leases`) and numbers its own sales from them, offline too. So the
numbers a till prints run 1, 2, 3... with no hole that a block does not explain.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence as Seq
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from inventory.stock.markdown_rules import percent_text
from kernel.clock import BANGKOK, buddhist_year
from kernel.db.engine import Sequence, next_in_sequence

SEQ_DIGITS = 6
# kernel.db.engine.next_in_sequence's bump by one, built once for the hot path (a statement built
# per call is re-keyed per call); the first number of a till still goes through it.
_BUMP = (
    update(Sequence)
    .where(Sequence.name == bindparam("seq_name"))
    .values(last_value=Sequence.last_value + 1)
    .returning(Sequence.last_value)
)
# Several tills' sequences at once (a batch of sales): bump each by its count, then read back.
_BUMP_BY = (
    update(Sequence)
    .where(Sequence.name == bindparam("seq_name"))
    .values(last_value=Sequence.last_value + bindparam("count"))
)
_LAST_VALUES = select(Sequence.name, Sequence.last_value).where(
    Sequence.name.in_(bindparam("names", expanding=True))
)
# PostgreSQL: the same in one statement, one array per column (see kernel.db.bulk), the rows
# locked first in name order.
_BUMP_ALL = (
    "WITH wanted AS MATERIALIZED"
    " (SELECT * FROM unnest(%s::varchar[], %s::integer[]) AS w(name, n)),"
    " locked AS MATERIALIZED (SELECT s.name FROM sequences AS s JOIN wanted AS w ON w.name = s.name"
    " ORDER BY s.name FOR UPDATE OF s)"
    " UPDATE sequences AS s SET last_value = s.last_value + w.n FROM wanted AS w, locked AS l"
    " WHERE s.name = w.name AND l.name = w.name RETURNING s.name, s.last_value"
)


def receipt_sequence(till_id: int) -> str:
    return f"receipt:{till_id}"


def receipt_number(till_code: str, seq: int) -> str:
    """``SKP-01``, 123 -> ``SKP-01-000123`` (the till's code makes it unique across tills)."""
    return f"{till_code}-{seq:0{SEQ_DIGITS}d}"


def take_receipt_number(conn: Connection, till_id: int, till_code: str) -> tuple[int, str]:
    """The till's next receipt number, in the caller's transaction."""
    name = receipt_sequence(till_id)
    bumped = conn.execute(_BUMP, {"seq_name": name}).all()
    seq = next_in_sequence(conn, name) if not bumped else int(bumped[0][0])
    return seq, receipt_number(till_code, seq)


def take_receipt_numbers(conn: Connection, tills: Seq[tuple[int, str]]) -> list[tuple[int, str]]:
    """Receipt numbers for several completing sales (their tills' ids and codes, in order), in
    the caller's transaction: a till's numbers run on in the order its sales are given.

    The sequences are bumped in name order, so that two workers' batches on PostgreSQL take
    the rows' locks in one order; the values read back after the update are this
    transaction's own (it holds the rows' locks until it ends).
    """
    if not tills:
        return []
    if len(tills) == 1:
        return [take_receipt_number(conn, *tills[0])]
    counts = Counter(till_id for till_id, _ in tills)
    names = {till_id: receipt_sequence(till_id) for till_id in counts}
    ordered = sorted(counts, key=names.__getitem__)
    if conn.dialect.name == "postgresql":
        bumped = conn.exec_driver_sql(
            _BUMP_ALL, ([names[t] for t in ordered], [counts[t] for t in ordered])
        )
        last = {n: v for n, v in bumped}
    else:
        conn.execute(_BUMP_BY, [{"seq_name": names[t], "count": counts[t]} for t in ordered])
        last = dict(conn.execute(_LAST_VALUES, {"names": [names[t] for t in ordered]}).all())
    following: dict[int, int] = {}
    for till_id in ordered:
        name, count = names[till_id], counts[till_id]
        following[till_id] = (
            int(last[name]) - count + 1 if name in last else next_in_sequence(conn, name, count)
        )
    numbers = []
    for till_id, till_code in tills:
        seq = following[till_id]
        following[till_id] = seq + 1
        numbers.append((seq, receipt_number(till_code, seq)))
    return numbers


def receipt_datetime(at: datetime) -> str:
    """Bangkok time with the Buddhist-era year: ``21/11/2569 10:00``."""
    local = at.astimezone(BANGKOK)
    return f"{local.day:02d}/{local.month:02d}/{buddhist_year(local.year)} {local:%H:%M}"


def tender_label(payment: object) -> str:
    """How a receipt names a payment (web/static/receipt_render.js's tenderLabel writes the
    same; tests/receipt_vectors.json holds the cases): a card as ``****1234`` with its
    approval code, another tender by its name and reference. ``payment`` has the sale view's
    payment fields (an object or a mapping)."""

    def get(name: str) -> object:
        if isinstance(payment, dict):
            return payment.get(name)
        return getattr(payment, name, None)

    method = get("method")
    if method == "cash":
        return "เงินสด / Cash"
    if method == "card":
        return f"บัตร / Card ****{get('card_last4')} อนุมัติ / Appr. {get('approval_code')}"
    if method == "other":
        return f"{get('tender_name')} / Other อ้างอิง / Ref. {get('tender_ref')}"
    return "พร้อมเพย์ / PromptPay"


def markdown_label(markdown_bp: int) -> str:
    """How a receipt line says its price carries the markdown agreed in the entrepreneur's
    terms (web/static/receipt_render.js's markdownLabel writes the same;
    tests/receipt_vectors.json holds the cases): ``ลดราคาตามข้อตกลง 10% / Agreed markdown 10%``."""
    percent = percent_text(markdown_bp)
    return f"ลดราคาตามข้อตกลง {percent}% / Agreed markdown {percent}%"
