"""Stalls: what a till's cashier feels while back-office work runs beside the tills.

A real ``otop-pos serve`` on a fresh database, seeded as the checkout bench seeds it (the demo
catalogue, deep stock, cashiers with tills and open shifts) with 35 days of past sales, so
that the month's report and the payout preview have a month of sales to go through (a day
with ``--quick``: a smoke run). Twenty tills each ring a 3-line cash sale a second, 20 a
second in all (the centre's peak is about one a second: this measures how long a sale
waits, not how many go through), each with its own Idempotency-Key, over one raw keep-alive
connection per till. A sale falls due on a fixed schedule; one due while its till still waits
for the previous answer is rung as soon as that answer comes (the customers queue), and its
wait counts from its due time: a 5 s stall counts for every sale due during it, as the queue
at the till feels it, not once per till (the answer's own time is shown beside it). Many
tills at one sale a second rather than a few at five: a till whose answers took 300 ms would
fall ever further behind a sale every 200 ms, which no real till, at a sale in many seconds,
does.

One scenario after another, each a window of seconds (15; 5 with ``--quick``) during which
the tills sell while one job runs beside them, as fast as it can:

- baseline: nothing beside the tills;
- login flood: 32 clients sign in with wrong passwords, half as existing users (locked out
  after a few tries: 429), half as a new unknown name each time (a password check each: 401);
- reports: a manager opens the report page for the last 30 days (every table and chart) and
  the payout preview, again and again;
- backup: ``otop-pos backup FILE`` as a process beside the server, again until the window
  ends (on PostgreSQL ``pg_dump --format=custom``, its documented path);
- CSV import: a manager uploads 50,000 new products (``POST /api/v1/imports/products``);
  the tills sell until the import has answered and the window has passed. It runs last: it
  grows the catalogue sevenfold, which the other scenarios should not see.

Each scenario's row: the sales rung and their wait (p50, p95, max), the side job's own
figure, the 5xx answers and unanswered requests of both, and the CPU the server's processes
and this one used. Targets: a sale's wait p95 <= 100 ms and max <= 500 ms, every sale
completed, no 5xx from anyone. SQLite with one worker, then PostgreSQL with two (skipped
with a note when unreachable), as the checkout bench serves them. Loopback only; every loop
ends with its window or its timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import os
import random
import shutil
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.checkout import (
    NOW,
    WORKERS,
    Answer,
    RawClient,
    _free_port,
    cpu_seconds,
    drop_postgres,
    postgres_database,
    prepare,
    sale_payload,
    signed_in,
    start_server,
)
from bench.report import Report, Row, percentile
from inventory.models import Category, Entrepreneur
from kernel.clock import business_date
from kernel.db.engine import Database
from web.commands.seed import DEMO_LOGINS

TILLS = 20
SALES_PER_SECOND = 20.0  # all tills together: a sale a second each
FLOODERS = 32
KNOWN_USERS = ("cashier1", "manager", "cashier2", "admin")  # locked out after a few failures
IMPORT_ROWS = 50_000
HISTORY_DAYS = 35  # the report's 30 days, and payouts past the 7-day refund window
QUICK_HISTORY_DAYS = 1
WINDOW_S, QUICK_WINDOW_S = 15.0, 5.0
REPORT_DAYS = 30
P95_MS, MAX_MS = 100.0, 500.0
SALE_TIMEOUT_S = 60.0  # a sale unanswered this long counts as no answer (status 0)
SIDE_LIMIT_S = 300.0  # the longest any side job may run
MANAGER_PASSWORD = next(login.password for login in DEMO_LOGINS if login.username == "manager")


@dataclass
class Tally:
    """Requests of one kind: each one's milliseconds and status (0: no answer)."""

    samples_ms: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)

    def add(self, ms: float, status: int) -> None:
        self.samples_ms.append(ms)
        self.statuses[status] += 1

    @property
    def errors(self) -> int:
        """5xx answers and requests that got none."""
        return sum(n for status, n in self.statuses.items() if status >= 500 or status == 0)

    def described(self) -> str:
        return ", ".join(f"{s or 'no answer'} x{n:,}" for s, n in sorted(self.statuses.items()))


@dataclass
class Side:
    """What a side job did: its figure for the table, its requests, and whether it worked
    (None: not run, which fails nothing)."""

    figure: str
    tally: Tally = field(default_factory=Tally)
    ok: bool | None = True


@dataclass
class Context:
    """What the side jobs need: the server, two signed-in managers, the file to import."""

    base: str
    database_url: str
    directory: Path
    reports_manager: RawClient
    import_manager: RawClient
    products_csv: bytes
    period: tuple[date, date]
    side_limit_s: float = SIDE_LIMIT_S  # the longest a side job may run


class Window:
    """A scenario's time: its seconds, or until its side job has finished if that is later."""

    def __init__(self, seconds: float) -> None:
        self.ends = time.perf_counter() + seconds
        self.side_done_at: float | None = None  # None: the side job still runs

    def side_done(self) -> None:
        self.side_done_at = time.perf_counter()

    def holds(self, moment: float) -> bool:
        """Is ``moment`` inside the window (a sale due then is rung)?"""
        if self.side_done_at is None:
            return True
        return moment < max(self.ends, self.side_done_at)

    def left(self) -> bool:
        """For the side jobs that repeat: is there time left for another round?"""
        return time.perf_counter() < self.ends


async def timed(
    client: RawClient,
    tally: Tally,
    path: str,
    body: bytes = b"",
    headers: str = "",
    *,
    content_type: str = "application/json",
    timeout: float = SALE_TIMEOUT_S,
) -> Answer | None:
    """One request, its time and status into ``tally``; None when no answer came in time
    (the connection is then dropped: the client opens a new one for its next request)."""
    method = "POST" if body else "GET"
    started = time.perf_counter()
    try:
        answer = await asyncio.wait_for(
            client.request(method, path, body, headers, content_type), timeout
        )
    except (OSError, EOFError, TimeoutError):  # IncompleteReadError is an EOFError
        tally.add((time.perf_counter() - started) * 1000, 0)
        with contextlib.suppress(OSError):
            await client.aclose()
        client.reader = client.writer = None
        return None
    tally.add((time.perf_counter() - started) * 1000, answer.status_code)
    return answer


@dataclass
class Sales:
    """A scenario's sales: each one's wait from its due time to its answer (what the customer
    at the till waits), and the answer's own time from its request (what the server took)."""

    waits_ms: list[float] = field(default_factory=list)
    answers: Tally = field(default_factory=Tally)


async def till(
    client: RawClient, till_id: int, products: list[int], window: Window, sales: Sales
) -> None:
    """A sale is due every TILLS / SALES_PER_SECOND seconds while the window holds; one that
    falls due while the previous is unanswered is rung as soon as that one is answered (the
    customers queue), and its wait counts from its due time: a stall counts for every sale
    due during it, not once per till."""
    rng = random.Random()
    interval = TILLS / SALES_PER_SECOND
    due = time.perf_counter() + rng.uniform(0, interval)  # the tills out of step
    while window.holds(due):
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        key = f"Idempotency-Key: stalls-{uuid.uuid4().hex}\r\n"
        payload = sale_payload(rng, products, till_id)
        await timed(client, sales.answers, "/api/v1/sales", payload, key)
        sales.waits_ms.append((time.perf_counter() - due) * 1000)
        due += interval


# --- the side jobs ---------------------------------------------------------------------


async def nothing(ctx: Context, window: Window) -> Side:
    """The baseline: the tills alone."""
    await asyncio.sleep(max(0.0, window.ends - time.perf_counter()))
    return Side("—")


async def anonymous_csrf(base: str) -> str:
    """A CSRF token as the login page hands it to a browser that has not signed in."""
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await client.get("/login")
        return client.cookies.get("csrftoken") or ""


def _flood_username(n: int, attempt: int) -> str:
    """Odd clients try a new unknown name each time (never locked out: a password check
    every time), even ones an existing user's (locked out after a few failures: 429)."""
    if n % 2:
        return f"nobody-{n}-{attempt}"
    return KNOWN_USERS[(n // 2) % len(KNOWN_USERS)]


async def _flooder(client: RawClient, n: int, window: Window, tally: Tally) -> None:
    attempt = 0
    while window.left():
        attempt += 1
        username = _flood_username(n, attempt)
        body = json.dumps({"username": username, "password": f"wrong-{attempt}"}).encode()
        await timed(client, tally, "/api/v1/auth/login", body)


async def login_flood(ctx: Context, window: Window) -> Side:
    """FLOODERS clients sign in with wrong passwords as fast as the server answers."""
    csrf = await anonymous_csrf(ctx.base)
    url = httpx.URL(ctx.base)
    clients = [
        RawClient(url.host, url.port or 80, f"csrftoken={csrf}", csrf) for _ in range(FLOODERS)
    ]
    tally, started = Tally(), time.perf_counter()
    try:
        await asyncio.gather(*(_flooder(c, n, window, tally) for n, c in enumerate(clients)))
    finally:
        for client in clients:
            with contextlib.suppress(OSError):
                await client.aclose()
    rate = len(tally.samples_ms) / (time.perf_counter() - started)
    return Side(f"{rate:,.0f} logins/s ({tally.described()})", tally)


def _ms(tally: Tally) -> str:
    ordered = sorted(tally.samples_ms)
    if not ordered:
        return "none"
    return f"p50 {percentile(ordered, 0.5):,.0f} / max {ordered[-1]:,.0f} ms"


async def reports(ctx: Context, window: Window) -> Side:
    """The report page of the last REPORT_DAYS days and the payout preview, one after the
    other, until the window ends."""
    start, end = ctx.period
    page_path = f"/admin/reports?from={start}&to={end}"
    preview_path = f"/api/v1/payouts/preview?cutoff_date={end}"
    page, preview = Tally(), Tally()
    while window.left():
        await timed(ctx.reports_manager, page, page_path)
        await timed(ctx.reports_manager, preview, preview_path)
    both = Tally(page.samples_ms + preview.samples_ms, page.statuses + preview.statuses)
    figure = (
        f"{len(page.samples_ms)} report pages ({_ms(page)}), "
        f"{len(preview.samples_ms)} payout previews ({_ms(preview)}); {both.described()}"
    )
    return Side(figure, both, ok=set(both.statuses) == {200})


def _backup_command(ctx: Context, target: Path) -> list[str] | None:
    """``otop-pos backup`` on SQLite; ``pg_dump`` on PostgreSQL (None: not installed)."""
    url = make_url(ctx.database_url)
    if url.get_backend_name() == "sqlite":
        return [str(Path(sys.executable).parent / "otop-pos"), "backup", str(target)]
    if shutil.which("pg_dump") is None:
        return None
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return ["pg_dump", "--format=custom", f"--file={target}", f"--dbname={libpq}"]


async def _run_backup(
    command: list[str], env: dict[str, str], limit_s: float
) -> tuple[float, int, str]:
    """One backup process: its seconds, exit status and last line of output."""
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *command, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), limit_s)
    finally:
        if process.returncode is None:  # timed out or cancelled: it stops with us
            process.kill()
            await process.wait()
    lines = output.decode("utf-8", "replace").strip().splitlines() or [""]
    return time.perf_counter() - started, process.returncode or 0, lines[-1]


async def backup(ctx: Context, window: Window) -> Side:
    """Back the database up, again and again until the window ends (at least once)."""
    target = ctx.directory / "stalls-backup.db"
    command = _backup_command(ctx, target)
    if command is None:
        return Side("skipped: pg_dump is not installed", ok=None)
    env = {**os.environ, "OTOP_DATABASE_URL": ctx.database_url, "OTOP_DEMO": "true"}
    runs: list[tuple[float, int, str]] = []
    while not runs or window.left():
        runs.append(await _run_backup(command, env, ctx.side_limit_s))
    # In a thread: deleting a copy of gigabytes takes the file system a second, which on the
    # event loop would stall the tills' own clients (not the server) for as long.
    await asyncio.to_thread(target.unlink, missing_ok=True)
    seconds = ", ".join(f"{s:.1f}" for s, _, _ in runs)
    failed = [line for _, status, line in runs if status != 0]
    figure = f"{len(runs)} backup{'s' * (len(runs) > 1)} of {seconds} s"
    if failed:
        figure += f"; {len(failed)} failed: {failed[0][:160]}"
    return Side(figure, ok=not failed)


def products_csv(categories: list[str], entrepreneurs: list[str], rows: int) -> bytes:
    """``rows`` new products in the import's columns: new SKUs, blank barcodes (the import
    gives each an in-store code), the existing categories and entrepreneurs in turn."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "sku",
            "barcode",
            "name_th",
            "name_en",
            "category_code",
            "entrepreneur_code",
            "price_baht",
            "vat_applicable",
            "active",
        ]
    )
    for n in range(1, rows + 1):
        writer.writerow(
            [
                f"ST-{n:06d}",
                "",
                f"ผ้าทอ {n}",
                f"Woven cloth {n}",
                categories[n % len(categories)],
                entrepreneurs[n % len(entrepreneurs)],
                f"{50 + n % 950}.00",
                n % 2,
                1,
            ]
        )
    return out.getvalue().encode()


def multipart(name: str, raw: bytes) -> tuple[bytes, str]:
    """A form with one file field ``file``, as a browser uploads it; and its content type."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    )
    body = head.encode() + raw + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


async def csv_import(ctx: Context, window: Window) -> Side:
    """One upload of IMPORT_ROWS new products, timed to its answer."""
    body, content_type = multipart("products.csv", ctx.products_csv)
    tally = Tally()
    answer = await timed(
        ctx.import_manager,
        tally,
        "/api/v1/imports/products",
        body,
        content_type=content_type,
        timeout=ctx.side_limit_s,
    )
    seconds = tally.samples_ms[0] / 1000
    if answer is None:
        return Side(f"no answer in {seconds:.0f} s", tally, ok=False)
    figure = f"{IMPORT_ROWS:,} rows ({len(body) / 1e6:.1f} MB) in {seconds:.1f} s: "
    if answer.status_code != 201:
        return Side(f"{figure}{answer.status_code} {answer.text[:160]}", tally, ok=False)
    result = answer.json()
    created = result.get("created") if isinstance(result, dict) else None
    return Side(f"{figure}201, {created:,} created", tally)


# --- the scenarios ---------------------------------------------------------------------

Job = Callable[[Context, Window], Awaitable[Side]]
SCENARIOS: tuple[tuple[str, Job], ...] = (
    ("baseline: the tills alone", nothing),
    (f"(a) login flood: {FLOODERS} clients, wrong passwords", login_flood),
    (f"(c) reports: the {REPORT_DAYS}-day report page, the payout preview", reports),
    ("(d) backup beside the server", backup),
    (f"(b) CSV import of {IMPORT_ROWS:,} new products", csv_import),
)


@dataclass
class Stage:
    """What the tills sell, each scenario's seconds, the server's process, and the tills
    (connections and till ids: signed in on the event loop, by ``served``)."""

    products: list[int]
    seconds: float
    server_pid: int
    tills: list[tuple[RawClient, int]] = field(default_factory=list)


def spread(samples_ms: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max (infinite when there is no sample: no sale is a miss)."""
    ordered = sorted(samples_ms) or [float("inf")]
    return percentile(ordered, 0.5), percentile(ordered, 0.95), ordered[-1]


@dataclass
class Outcome:
    scenario: str
    sales: Sales
    side: Side
    seconds: float
    server_cores: float | None  # the server's CPU seconds a second (its workers too)
    bench_cores: float  # this process's: tills and side jobs

    def misses(self) -> list[str]:
        """The targets this scenario missed, in words (empty: none)."""
        _, p95, worst = spread(self.sales.waits_ms)
        misses = []
        if p95 > P95_MS:
            misses.append(f"wait p95 {p95:,.0f} ms > {P95_MS:g} ms")
        if worst > MAX_MS:
            misses.append(f"wait max {worst:,.0f} ms > {MAX_MS:g} ms")
        if errors := self.sales.answers.errors + self.side.tally.errors:
            misses.append(f"{errors} 5xx or unanswered")
        if set(self.sales.answers.statuses) - {201}:
            misses.append(f"sales not completed: {self.sales.answers.described()}")
        if self.side.ok is False:
            misses.append("the side job failed")
        return misses


async def scenario(stage: Stage, ctx: Context, name: str, job: Job) -> Outcome:
    """The tills sell while ``job`` runs; they stop when its window has passed and it is done."""
    window, sales = Window(stage.seconds), Sales()
    cpu_before, own_before = cpu_seconds(stage.server_pid), time.process_time()
    started = time.perf_counter()
    selling = [
        asyncio.create_task(till(c, t, stage.products, window, sales)) for c, t in stage.tills
    ]
    try:  # the job bounds its own waits; this is the backstop
        side = await asyncio.wait_for(job(ctx, window), ctx.side_limit_s + 30)
    except TimeoutError:
        side = Side(f"did not finish in {ctx.side_limit_s + 30:g} s", ok=False)
    finally:
        window.side_done()
        await asyncio.gather(*selling)
    seconds = time.perf_counter() - started
    cpu_after = cpu_seconds(stage.server_pid)
    server = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Outcome(
        name,
        sales,
        side,
        seconds,
        None if server is None else server / seconds,
        (time.process_time() - own_before) / seconds,
    )


async def measure(stage: Stage, ctx: Context) -> list[Outcome]:
    """A second of sales to warm up (not counted), then each scenario in turn."""
    warm = Window(1.0)
    warm.side_done()
    await asyncio.gather(*(till(c, t, stage.products, warm, Sales()) for c, t in stage.tills))
    return [await scenario(stage, ctx, name, job) for name, job in SCENARIOS]


# --- a database, its server, the table -------------------------------------------------

HEADER = (
    "scenario",
    "sales",
    "sale's wait p50 / p95 / max ms",
    "its answer p95 / max ms",
    "beside the tills",
    "5xx or no answer (tills / side)",
    "CPU cores (otop-pos / bench)",
    "ok",
)


def row_cells(backend: str, outcome: Outcome) -> list[str]:
    p50, p95, worst = spread(outcome.sales.waits_ms)
    _, answer_p95, answer_max = spread(outcome.sales.answers.samples_ms)
    server = "—" if outcome.server_cores is None else f"{outcome.server_cores:.2f}"
    return [
        f"{backend}: {outcome.scenario} ({outcome.seconds:.0f} s)",
        f"{outcome.sales.answers.statuses[201]:,}",
        f"{p50:,.1f} / {p95:,.1f} / {worst:,.0f}",
        f"{answer_p95:,.1f} / {answer_max:,.0f}",
        outcome.side.figure,
        f"{outcome.sales.answers.errors} / {outcome.side.tally.errors}",
        f"{server} / {outcome.bench_cores:.2f}",
        "yes" if not outcome.misses() else "**NO**",
    ]


def side_inputs(url: str) -> tuple[bytes, tuple[date, date]]:
    """The product file to import (the database's category and entrepreneur codes) and the
    report's period: the last REPORT_DAYS business days, yesterday the last."""
    db = Database(url)
    try:
        with db.read() as conn:
            categories = list(conn.execute(select(Category.code)).scalars())
            owners = list(conn.execute(select(Entrepreneur.code)).scalars())
    finally:
        db.dispose()
    end = business_date(NOW) - timedelta(days=1)
    return products_csv(categories, owners, IMPORT_ROWS), (end - timedelta(REPORT_DAYS - 1), end)


async def served(
    base: str, url: str, directory: Path, tills: list[tuple[str, int]], stage: Stage
) -> list[Outcome]:
    """Sign the tills and two managers in (before the flood locks ``manager`` out), then
    run every scenario; the connections are closed whatever happens."""
    clients = [await signed_in(base, name) for name, _ in tills]
    managers = [await signed_in(base, "manager", MANAGER_PASSWORD) for _ in range(2)]
    stage.tills = [(c, till_id) for c, (_, till_id) in zip(clients, tills, strict=True)]
    csv_bytes, period = side_inputs(url)
    ctx = Context(base, url, directory, managers[0], managers[1], csv_bytes, period)
    try:
        return await measure(stage, ctx)
    finally:
        for client in [*clients, *managers]:
            with contextlib.suppress(OSError):
                await client.aclose()


def bench_backend(report: Report, name: str, url: str, directory: Path, *, quick: bool) -> None:
    days = QUICK_HISTORY_DAYS if quick else HISTORY_DAYS
    products, tills, seed_s = prepare(url, 1.0, days, TILLS)
    port, workers = _free_port(), WORKERS[name]
    log = directory / f"server-{name}.log"
    server = start_server(url, port, log, workers)
    stage = Stage(products, QUICK_WINDOW_S if quick else WINDOW_S, server.pid)
    try:
        outcomes = asyncio.run(served(f"http://127.0.0.1:{port}", url, directory, tills, stage))
    finally:
        server.terminate()
        server.wait(timeout=30)
    for outcome in outcomes:
        cells = row_cells(name, outcome)
        misses = outcome.misses()
        report.rows.append(Row(cells[0], TARGET, "; ".join(misses) or "met", not misses))
        report.body = (report.body or "") + "\n| " + " | ".join(cells) + " |"
    report.notes.append(
        f"{name}: {workers} worker{'s' * (workers > 1)}, {len(products):,} products, "
        f"{days} days of history (seeded in {seed_s:.0f} s), {TILLS} tills at "
        f"{SALES_PER_SECOND:g} sales/s in all; load average {os.getloadavg()[0]:.2f} after "
        f"the run (this machine is shared: compare each scenario with its baseline)"
    )
    for outcome in outcomes:
        if misses := outcome.misses():
            report.notes.append(f"{name}: {outcome.scenario}: {'; '.join(misses)}")


TARGET = f"a sale's wait p95 <= {P95_MS:g} ms, max <= {MAX_MS:g} ms; every sale completed; no 5xx"


def run(directory: Path, *, quick: bool) -> Report:
    report = Report("stalls: a till's sale wait beside back-office work (`otop-pos serve`)")
    report.body = "| " + " | ".join(HEADER) + " |\n|" + "---|" * len(HEADER)
    bench_backend(report, "sqlite", f"sqlite:///{directory / 'stalls.db'}", directory, quick=quick)
    made = postgres_database()
    if made is None:
        report.notes.append("PostgreSQL unreachable at 127.0.0.1:5432: not measured")
    else:
        database, url = made
        try:
            bench_backend(report, "postgresql", url, directory, quick=quick)
        finally:
            drop_postgres(database)
    report.notes.insert(0, f"targets for every scenario: {TARGET}")
    return report


if __name__ == "__main__":
    import tempfile

    from bench.report import markdown

    with tempfile.TemporaryDirectory(prefix="otop-bench-stalls-") as tmp:
        print(markdown(run(Path(tmp), quick="--quick" in sys.argv)))
