"""Browser tests: the real `otop-pos` commands serve a small demo; Playwright drives Chromium.

Chromium is Debian's (/usr/bin/chromium): Playwright's own browser download cannot reach the
internet here. Screenshots land in test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.servers import IN_CI, Server, otop

CHROMIUM = os.environ.get("OTOP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOGIN_LINE = re.compile(r"^\s*(\S+) / (\S+)\s+\((\w+)\)")


@dataclass(frozen=True)
class LiveServer:
    url: str
    logins: dict[str, tuple[str, str]]  # role -> (username, password), first of each role
    database_url: str
    # The running server itself (to kill and start again), when a test made its own.
    process: Server | None = field(default=None, compare=False)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if IN_CI:
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return CHROMIUM


@contextmanager
def demo_server(folder: Path, *seed_args: str) -> Iterator[LiveServer]:
    """The real `otop-pos migrate`, `seed --demo --scale 0.05 [seed_args]` and `serve` on a
    database in ``folder``; stopped on leaving."""
    database_url = f"sqlite:///{folder / 'otop.db'}"
    otop("migrate", database_url=database_url)
    seeded = otop("seed", "--demo", "--scale", "0.05", *seed_args, database_url=database_url)
    logins: dict[str, tuple[str, str]] = {}
    for line in seeded.stdout.splitlines():
        match = LOGIN_LINE.match(line)
        if match:
            logins.setdefault(match[3], (match[1], match[2]))
    with Server(database_url, folder / "server.log") as server:
        yield LiveServer(url=server.url, logins=logins, database_url=database_url, process=server)


@pytest.fixture(scope="session")
def live_server(
    tmp_path_factory: pytest.TempPathFactory, chromium_path: str
) -> Iterator[LiveServer]:
    with demo_server(tmp_path_factory.mktemp("live")) as server:
        yield server


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Any]:
    """Per module: Playwright's sync API keeps an event loop running until it stops, which
    later asyncio tests in the same process must not find."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="th-TH")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    tab.screenshot(path=str(ARTIFACTS / f"{name}-final.png"), full_page=True)
    context.close()


def shot(page: Any, name: str) -> Path:
    """Save a screenshot as a test artifact and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, server: LiveServer, role: str) -> None:
    username, password = server.logins[role]
    page.goto(f"{server.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


__all__ = ["LiveServer", "shot", "sign_in"]
