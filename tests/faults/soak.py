"""A bounded soak: minutes of steady mixed traffic against one server; memory must stay flat.

    python -m tests.faults.soak      # make test-faults; OTOP_SOAK_SECONDS (default 180)

``otop-pos serve --workers 2`` on a fresh PostgreSQL database (OTOP_SOAK_DATABASE=sqlite:
one worker on SQLite). Four tills ring cash sales, search products, load the till catalogue
and read their sales back; a manager reads entrepreneurs' balances. The resident memory
(VmRSS) of every server process (supervisor and workers) is sampled every few seconds.
After the warm-up (the first fifth of the run, at least 20 s) the memory at the end must not
exceed the memory at the start by more than 10 % or more than 30 MB; every request must be
answered as expected; ``otop-pos check`` must pass on what the soak wrote.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.faults.crash import integrity_check
from tests.faults.shop import MANAGER, Shop, TillLogin, prepare_shop
from tests.faults.till import Till, sale_body
from tests.servers import IN_CI, Server, fresh_postgres, postgres_reason, rss_bytes

SAMPLE_EVERY = 5.0  # seconds
GROWTH_SHARE = 0.10  # of the memory after warm-up
GROWTH_BYTES = 30 * 2**20
MB = 2**20


@dataclass
class Load:
    answers: Counter[str] = field(default_factory=Counter)  # "kind status" -> count
    unexpected: list[str] = field(default_factory=list)

    def note(self, kind: str, status: int, expected: int, text: str) -> None:
        self.answers[f"{kind} {status}"] += 1
        if status != expected and len(self.unexpected) < 20:
            self.unexpected.append(f"{kind}: {status} {text[:200]}")


@dataclass
class Sample:
    at: float  # seconds since the load began
    rss: dict[int, int]  # pid -> bytes

    @property
    def total(self) -> int:
        return sum(self.rss.values())


async def till_load(
    till: Till, login: TillLogin, shop: Shop, rng: random.Random, stop_at: float, load: Load
) -> None:
    await till.sign_in()
    sale_ids: list[int] = []
    while time.monotonic() < stop_at:
        pick = rng.random()
        if pick < 0.5 or not sale_ids:
            body = sale_body(shop, login.till_id, rng)
            sent = await till.checkout(body, f"soak-{uuid.uuid4().hex}")
            load.note("checkout", sent.status, 201, sent.response.text)
            if sent.status == 201:
                sale_ids.append(sent.json()["id"])
                del sale_ids[:-50]
        elif pick < 0.75:
            query = f"/api/v1/products?q=Item+{rng.randrange(len(shop.prices))}&limit=20"
            sent = await till.send("GET", query)
            load.note("product search", sent.status, 200, sent.response.text)
        elif pick < 0.85:
            sent = await till.send("GET", f"/api/v1/till/catalogue?till_id={login.till_id}")
            load.note("till catalogue", sent.status, 200, sent.response.text)
        else:
            sent = await till.send("GET", f"/api/v1/sales/{rng.choice(sale_ids)}")
            load.note("sale read", sent.status, 200, sent.response.text)


async def manager_load(
    manager: Till, shop: Shop, rng: random.Random, stop_at: float, load: Load
) -> None:
    await manager.sign_in()
    while time.monotonic() < stop_at:
        maker = rng.choice(shop.entrepreneurs)
        sent = await manager.send("GET", f"/api/v1/entrepreneurs/{maker}/balance")
        load.note("balance", sent.status, 200, sent.response.text)
        await asyncio.sleep(0.05)  # a person at a screen, not a loop


async def sampler(server: Server, started: float, stop_at: float, samples: list[Sample]) -> None:
    while time.monotonic() < stop_at:
        pids = server.pids()
        samples.append(Sample(time.monotonic() - started, {pid: rss_bytes(pid) for pid in pids}))
        await asyncio.sleep(SAMPLE_EVERY)


async def soak(server: Server, shop: Shop, seconds: float) -> tuple[Load, list[Sample]]:
    rng = random.Random(2026)
    load = Load()
    samples: list[Sample] = []
    tills = [Till(server.url, login.username) for login in shop.tills]
    manager = Till(server.url, MANAGER)
    started = time.monotonic()
    stop_at = started + seconds
    try:
        await asyncio.gather(
            sampler(server, started, stop_at, samples),
            manager_load(manager, shop, random.Random(rng.random()), stop_at, load),
            *(
                till_load(till, login, shop, random.Random(rng.random()), stop_at, load)
                for till, login in zip(tills, shop.tills, strict=True)
            ),
        )
    finally:
        for client in [*tills, manager]:
            load.answers.update({f"unanswered {k}": n for k, n in client.unanswered.items()})
            load.answers["5xx"] += client.server_errors
            await client.aclose()
    return load, samples


def slope_mb_per_minute(samples: list[Sample]) -> float:
    """Least-squares slope of the total memory over time."""
    if len(samples) < 2:
        return 0.0
    xs = [s.at for s in samples]
    ys = [s.total / MB for s in samples]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread


def run_soak(database: str, url: str, folder: Path, *, workers: int, seconds: float) -> bool:
    shop = prepare_shop(url, tills=4, products=300, units=1_000_000)
    with Server(url, folder / "server-soak.log", workers=workers) as server:
        load, samples = asyncio.run(soak(server, shop, seconds))
    passed, said = integrity_check(url)
    warm_up = max(20.0, seconds / 5)
    after = [s for s in samples if s.at >= warm_up]
    start, end = after[0], after[-1]
    growth = end.total - start.total
    bound = min(GROWTH_SHARE * start.total, GROWTH_BYTES)
    requests = sum(n for kind, n in load.answers.items() if kind[-3:].isdigit())
    flat = growth <= bound
    ok = flat and not load.unexpected and passed and not load.answers["5xx"]
    print(f"\n## soak: {database}, {workers} worker(s), {seconds:.0f} s\n")
    print("| requests | per second | RSS after warm-up | RSS at the end | growth | slope | bound |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {requests:,} | {requests / seconds:,.0f} | {start.total / MB:.1f} MB "
        f"(at {start.at:.0f} s) | {end.total / MB:.1f} MB (at {end.at:.0f} s) | "
        f"{growth / MB:+.1f} MB | {slope_mb_per_minute(after):+.2f} MB/min | "
        f"{bound / MB:.1f} MB: {'flat' if flat else 'GREW'} |"
    )
    print(f"\nfirst sample {samples[0].total / MB:.1f} MB at {samples[0].at:.0f} s; per process:")
    for pid in sorted(start.rss):
        print(f"  pid {pid}: {start.rss[pid] / MB:.1f} MB -> {end.rss.get(pid, 0) / MB:.1f} MB")
    print("answers: " + ", ".join(f"{n:,} {kind}" for kind, n in sorted(load.answers.items())))
    for line in load.unexpected:
        print(f"  unexpected: {line}")
    print(said)
    print("soak passed" if ok else "soak FAILED")
    return ok


def main() -> int:
    seconds = float(os.environ.get("OTOP_SOAK_SECONDS", "180"))
    database = os.environ.get("OTOP_SOAK_DATABASE", "postgresql")
    with tempfile.TemporaryDirectory(prefix="otop-soak-") as tmp:
        folder = Path(tmp)
        if database == "sqlite":
            url = f"sqlite:///{folder / 'soak.db'}"
            return 0 if run_soak(database, url, folder, workers=1, seconds=seconds) else 1
        reason = postgres_reason()
        if reason:
            print(f"{reason}: soak not run", file=sys.stderr)
            return 1 if IN_CI else 0
        with fresh_postgres("otop_soak") as url:
            ok = run_soak(database, url, folder, workers=2, seconds=seconds)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
