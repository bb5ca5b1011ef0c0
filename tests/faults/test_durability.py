"""Acknowledged means synced: every answered write is on disk before its answer goes out.

A SIGKILL (the crash test) cannot show this: what a killed process wrote stays in the
kernel's page cache and reaches the disk anyway; an unsynced commit is lost only when the
power goes. So here the server runs under ``strace``, which logs every ``fsync`` and
``fdatasync`` with its file and time, while a till signs in, rings sales one at a time and
closes its shift. Each acknowledged request must have a sync of SQLite's write-ahead log
between its sending and its answer. (With ``synchronous=NORMAL`` SQLite syncs the log only
at checkpoints, every thousand pages or so: most of these requests would have none.)
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

from tests.faults.shop import prepare_shop
from tests.faults.till import Till, sale_body
from tests.servers import Server, require_program

SALES = 12
# strace -f -ttt -y: "PID TIME fdatasync(FD<PATH>) = 0", or split in two lines when another
# thread's call came between: "... fdatasync(FD<PATH> <unfinished ...>", then
# "PID TIME <... fdatasync resumed>) = 0".
SYNC = re.compile(
    r"^(?P<pid>\d+)\s+(?P<at>\d+\.\d+) f(?:data)?sync\(\d+<(?P<path>[^>]*)>(?P<rest>.*)$"
)
RESUMED = re.compile(r"^(?P<pid>\d+)\s+(?P<at>\d+\.\d+) <\.\.\. f(?:data)?sync resumed>\) = 0")


@dataclass(frozen=True)
class Answered:
    what: str
    sent: float  # Unix time
    answered: float


async def _a_till_day(server: Server, shop_till: str, shop: object) -> list[Answered]:
    till = Till(server.url, shop_till)
    answered: list[Answered] = []

    async def timed(what: str, send: object) -> object:
        sent = time.time()
        result = await send  # type: ignore[misc]
        answered.append(Answered(what, sent, time.time()))
        return result

    try:
        await timed("sign-in", till.sign_in())
        till_id = shop.tills[0].till_id  # type: ignore[attr-defined]
        rng = random.Random(15)
        for n in range(SALES):
            body = sale_body(shop, till_id, rng)  # type: ignore[arg-type]
            sale = await timed(f"sale {n + 1}", till.checkout(body, f"durable-{n}"))
            assert sale.status == 201, sale.json()  # type: ignore[attr-defined]
        shift = (await till.send("GET", f"/api/v1/shifts/current?till_id={till_id}")).json()
        report = (await till.send("GET", f"/api/v1/shifts/{shift['id']}/report")).json()
        counted = {"counted_satang": report["expected_cash_satang"]}
        close = till.send("POST", f"/api/v1/shifts/{shift['id']}/close", body=counted)
        closed = await timed("shift close", close)
        assert closed.status == 200, closed.json()  # type: ignore[attr-defined]
    finally:
        await till.aclose()
    return answered


def _log_syncs(trace: Path) -> list[float]:
    """When the server's syncs of SQLite's write-ahead log returned (Unix times)."""
    times, waiting = [], set()
    for line in trace.read_text(errors="replace").splitlines():
        if (found := SYNC.match(line)) and found["path"].endswith("-wal"):
            if found["rest"].endswith(") = 0"):
                times.append(float(found["at"]))
            elif "unfinished" in found["rest"]:
                waiting.add(found["pid"])
        elif (resumed := RESUMED.match(line)) and resumed["pid"] in waiting:
            waiting.discard(resumed["pid"])
            times.append(float(resumed["at"]))
    return times


def test_every_acknowledged_write_is_synced_to_disk_before_its_answer(tmp_path: Path) -> None:
    strace = require_program("strace")
    url = f"sqlite:///{tmp_path / 'durable.db'}"
    shop = prepare_shop(url, tills=1)
    trace = tmp_path / "syncs.trace"
    wrapper = [
        strace,
        "-f",
        "-ttt",
        "-y",
        "--seccomp-bpf",
        "-e",
        "trace=fsync,fdatasync",
        "-o",
        str(trace),
    ]
    with Server(url, tmp_path / "server.log", wrapper=wrapper) as server:
        answered = asyncio.run(_a_till_day(server, shop.tills[0].username, shop))
    syncs = _log_syncs(trace)
    unsynced = [a.what for a in answered if not any(a.sent <= t <= a.answered for t in syncs)]
    assert len(answered) == SALES + 2
    assert unsynced == [], f"answered without a sync of the log: {unsynced}"
