"""The crash test: tills keep selling while the server is killed with SIGKILL, again and again.

N tills (asyncio + httpx), each signed in as its own cashier on its own till with its shift
open, ring sales one after another with a fresh Idempotency-Key each: mostly cash, a quarter
PromptPay (confirmed by the bank's signed callback, then completed by the till). A request
that gets no answer is sent again unchanged until the server answers (see tests.faults.till).
Meanwhile a killer sends SIGKILL to the whole server (every worker) K times, each at a
random moment while sales flow, and starts it again on the same database after a short pause.

Then, with the server stopped, the database must show: every sale the tills saw acknowledged
exactly once, under its key, with the receipt number the till was given, completed; no key
with two sales; no sale under a key no till sent; receipt numbers per till gapless; stock
down by exactly the acknowledged quantities; and ``otop-pos check`` passes.

    python -m tests.faults.crash    # the long form (make test-faults): 8 tills, 8 kills
                                    # each on SQLite, PostgreSQL, PostgreSQL with 2 workers
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.shop import Shop, TillLogin, prepare_shop, sales_of, stock_of
from tests.faults.till import Till, sale_body
from tests.servers import IN_CI, Server, fresh_postgres, otop, postgres_reason

PROMPTPAY_SHARE = 0.25
# Between kills the tills answer this many more sales (a count, not seconds: on a busy
# machine a restart can take ten seconds, and a kill must come while sales flow), then the
# killer waits a random fraction of a second more: the moment falls anywhere in the traffic.
BETWEEN = (5, 40)  # the long form's; the short one in test_crash
JITTER = 0.3  # seconds
DOWNTIME = (0.1, 0.6)  # seconds dead before it is started again
PROGRESS_TIMEOUT = 120.0  # seconds without a sale answered: the run is broken


@dataclass(frozen=True)
class Acknowledged:
    sale_id: int
    receipt_number: str
    quantities: dict[int, int]
    tries: int  # times the checkout was sent
    replayed: bool  # acknowledged by a replay (200): an earlier send had committed it


@dataclass
class Tally:
    sent: set[str] = field(default_factory=set)
    acknowledged: dict[str, Acknowledged] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # unexpected answers
    unanswered: Counter[str] = field(default_factory=Counter)
    server_errors: int = 0
    restarts: list[float] = field(default_factory=list)  # seconds from SIGKILL to /health


@dataclass
class CrashResult:
    database: str
    workers: int
    tills: int
    seconds: float
    driven: int
    acknowledged: int
    retried: int
    replayed: int
    crashes: int
    lost: int
    duplicates: int
    check: str  # what `otop-pos check` said
    check_passed: bool
    unanswered: Counter[str]
    server_errors: int
    restarts: list[float]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and self.check_passed
            and self.lost == 0
            and self.duplicates == 0
            and self.driven == self.acknowledged > 0
        )


async def ring(
    till: Till,
    login: TillLogin,
    shop: Shop,
    rng: random.Random,
    stop: asyncio.Event,
    tally: Tally,
) -> None:
    """Ring sales until told to stop; the sale under way is always seen through."""
    await till.sign_in()
    while not stop.is_set():
        method = "promptpay" if rng.random() < PROMPTPAY_SHARE else "cash"
        body = sale_body(shop, login.till_id, rng, method)
        key = f"crash-{login.code}-{uuid.uuid4().hex}"
        tally.sent.add(key)
        answer = await till.checkout(body, key)
        if answer.status not in (200, 201):
            tally.refused.append(f"{key}: {answer.status} {answer.response.text[:200]}")
            continue
        sale = answer.json()
        if sale["status"] == "pending_payment":
            sale = await _pay(till, sale, tally)
        if sale is None:
            continue
        tally.acknowledged[key] = Acknowledged(
            sale_id=sale["id"],
            receipt_number=sale["receipt_number"],
            quantities={line["product_id"]: line["quantity"] for line in body["lines"]},
            tries=answer.tries,
            replayed=answer.status == 200
            and answer.response.headers.get("idempotency-replayed") == "true",
        )


async def _pay(till: Till, sale: dict[str, Any], tally: Tally) -> dict[str, Any] | None:
    """The bank confirms the PromptPay payment; the till completes the sale (both retried)."""
    callback = await till.bank_callback(sale["payments"][0])
    outcome = callback.json().get("outcome")
    if callback.status != 200 or outcome not in ("confirmed", "duplicate"):
        tally.refused.append(f"callback for sale {sale['id']}: {callback.response.text[:200]}")
        return None
    done = await till.complete(sale["id"])
    if done.status != 200 or done.json()["status"] != "completed":
        tally.refused.append(f"complete sale {sale['id']}: {done.response.text[:200]}")
        return None
    result: dict[str, Any] = done.json()
    return result


async def killer(
    server: Server,
    kills: int,
    between: tuple[int, int],
    rng: random.Random,
    stop: asyncio.Event,
    tally: Tally,
) -> int:
    """SIGKILL the server ``kills`` times, each after a random number of sales answered and
    a random fraction of a second; start it again after a short pause. After the last
    restart, let some sales through, then tell the tills to stop. Returns the kills made."""
    crashes = 0
    try:
        for _ in range(kills):
            await _sales_answered(tally, rng.randint(*between))
            await asyncio.sleep(rng.uniform(0, JITTER))
            await asyncio.to_thread(server.kill)
            killed = time.monotonic()
            crashes += 1
            await asyncio.sleep(rng.uniform(*DOWNTIME))
            await asyncio.to_thread(server.start)
            tally.restarts.append(time.monotonic() - killed)
        await _sales_answered(tally, between[0])
    finally:
        stop.set()
    return crashes


async def _sales_answered(tally: Tally, more: int) -> None:
    """Wait until the tills have had ``more`` sales answered (acknowledged or refused)."""
    target = len(tally.acknowledged) + len(tally.refused) + more
    deadline = time.monotonic() + PROGRESS_TIMEOUT
    while len(tally.acknowledged) + len(tally.refused) < target:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no sale answered for {PROGRESS_TIMEOUT:g} s")
        await asyncio.sleep(0.01)


async def drive(
    server: Server, shop: Shop, kills: int, between: tuple[int, int], seed: int
) -> tuple[Tally, int]:
    rng = random.Random(seed)
    tally = Tally()
    stop = asyncio.Event()
    tills = [Till(server.url, login.username) for login in shop.tills]
    killing = asyncio.ensure_future(
        killer(server, kills, between, random.Random(rng.random()), stop, tally)
    )
    try:
        await asyncio.gather(
            killing,
            *(
                ring(till, login, shop, random.Random(rng.random()), stop, tally)
                for till, login in zip(tills, shop.tills, strict=True)
            ),
        )
    finally:
        for till in tills:
            tally.unanswered.update(till.unanswered)
            tally.server_errors += till.server_errors
            await till.aclose()
    return tally, killing.result()


def verify(
    url: str, shop: Shop, before: dict[int, int], tally: Tally
) -> tuple[int, int, list[str]]:
    """Lost sales, duplicate sales and any other problem, read from the database."""
    problems = list(tally.refused)
    by_key: dict[str, list[Any]] = defaultdict(list)
    rows = sales_of(url)
    for row in rows:
        by_key[row.key].append(row)
    lost = 0
    for key, ack in tally.acknowledged.items():
        found = by_key.get(key, [])
        if not any(
            r.id == ack.sale_id
            and r.receipt_number == ack.receipt_number
            and r.status == "completed"
            for r in found
        ):
            lost += 1
            problems.append(f"lost: {key} (acknowledged as {ack.receipt_number}; found {found})")
    twice = sum(len(found) - 1 for found in by_key.values())
    strangers = [key for key in by_key if key not in tally.sent]
    unacknowledged = [key for key in by_key if key in tally.sent and key not in tally.acknowledged]
    problems += [f"a sale under a key never sent: {key}" for key in strangers]
    problems += [f"a sale the till never saw acknowledged: {key}" for key in unacknowledged]
    for login in shop.tills:
        seqs = sorted(r.receipt_seq or 0 for r in rows if r.till_id == login.till_id)
        if seqs != list(range(1, len(seqs) + 1)):
            problems.append(f"{login.code}: receipt numbers not gapless: {seqs}")
    sold: Counter[int] = Counter()
    for ack in tally.acknowledged.values():
        sold.update(ack.quantities)
    after = stock_of(url, shop)
    for product, units in before.items():
        if units - after[product] != sold[product]:
            problems.append(
                f"product {product}: stock fell by {units - after[product]}, "
                f"acknowledged sales took {sold[product]}"
            )
    return lost, twice + len(strangers), problems


def integrity_check(url: str) -> tuple[bool, str]:
    """``otop-pos check`` on the database: passed, and what it printed."""
    try:
        done = otop("check", database_url=url)
    except subprocess.CalledProcessError as error:
        return False, f"failed (exit {error.returncode}): {(error.stdout + error.stderr)[-2000:]}"
    return True, done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "passed"


def run_crash(
    database: str,
    url: str,
    folder: Path,
    *,
    workers: int,
    tills: int,
    kills: int,
    between: tuple[int, int] = BETWEEN,
    seed: int = 2026,
) -> CrashResult:
    """Prepare the shop on ``url`` (an empty database), drive the tills through ``kills``
    crashes of ``otop-pos serve --workers N``, then check what the database holds."""
    shop = prepare_shop(url, tills)
    before = stock_of(url, shop)
    started = time.monotonic()
    server = Server(url, folder / f"server-{database}-{workers}.log", workers=workers)
    server.start()
    try:
        tally, crashes = asyncio.run(drive(server, shop, kills, between, seed))
    finally:
        server.stop()
    seconds = time.monotonic() - started
    lost, duplicates, problems = verify(url, shop, before, tally)
    passed, said = integrity_check(url)
    retried = [a for a in tally.acknowledged.values() if a.tries > 1]
    return CrashResult(
        database=database,
        workers=workers,
        tills=tills,
        seconds=seconds,
        driven=len(tally.sent),
        acknowledged=len(tally.acknowledged),
        retried=len(retried),
        replayed=sum(a.replayed for a in retried),
        crashes=crashes,
        lost=lost,
        duplicates=duplicates,
        check=said,
        check_passed=passed,
        unanswered=tally.unanswered,
        server_errors=tally.server_errors,
        restarts=tally.restarts,
        problems=problems,
    )


def table(results: list[CrashResult]) -> str:
    lines = [
        "| database | workers | tills | seconds | sales driven | acknowledged | retried "
        "(replayed 200 / new 201) | crashes survived | lost | duplicates | otop-pos check |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        check = "passed" if r.check_passed else "FAILED"
        lines.append(
            f"| {r.database} | {r.workers} | {r.tills} | {r.seconds:.0f} | {r.driven:,} | "
            f"{r.acknowledged:,} | {r.retried} ({r.replayed} / {r.retried - r.replayed}) | "
            f"{r.crashes if r.ok else f'FAILED ({r.crashes} crashes)'} | {r.lost} | "
            f"{r.duplicates} | {check} |"
        )
    for r in results:
        unanswered = ", ".join(f"{n} {kind}" for kind, n in r.unanswered.most_common())
        lines.append(
            f"\n{r.database}, {r.workers} worker(s): "
            f"{sum(r.unanswered.values())} sends went unanswered ({unanswered}), "
            f"{r.server_errors} answers were 5xx; down {_seconds(r.restarts)} per crash; "
            f"{r.check}"
        )
        lines += [f"  problem: {p}" for p in r.problems[:20]]
    return "\n".join(lines)


def _seconds(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{sum(values) / len(values):.1f} s on average (at most {max(values):.1f} s)"


CONFIGURATIONS = [("sqlite", 1), ("postgresql", 1), ("postgresql", 2)]


def main() -> int:
    tills, kills = 8, 8
    results = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="otop-crash-") as tmp:
        folder = Path(tmp)
        for database, workers in CONFIGURATIONS:
            if database == "sqlite":
                url = f"sqlite:///{folder / 'crash.db'}"
                results.append(
                    run_crash(database, url, folder, workers=workers, tills=tills, kills=kills)
                )
                continue
            reason = postgres_reason()
            if reason:
                print(f"{reason}: PostgreSQL not run", file=sys.stderr)
                if IN_CI:
                    return 1
                continue
            with fresh_postgres("otop_crash") as url:
                results.append(
                    run_crash(database, url, folder, workers=workers, tills=tills, kills=kills)
                )
    print(f"\n## crash test ({time.monotonic() - started:.0f} s in all)\n")
    print(table(results))
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
