"""``otop-pos serve --workers N``: a listening socket per worker on one address, so that the
kernel spreads the tills' connections over the workers, each connection sent without delay
(uvicorn's own socket left Nagle on: every keep-alive answer after the first waited ~43 ms
for a delayed ACK)."""

from __future__ import annotations

import asyncio
import signal
import socket
from types import SimpleNamespace

import uvicorn
from uvicorn.supervisors.multiprocess import SIGNALS

from web.workers import Workers, listeners


def _config(workers: int) -> uvicorn.Config:
    return uvicorn.Config("web.app:create_served_app", host="127.0.0.1", port=0, workers=workers)


def _accepted_nodelay(listener: socket.socket) -> int:
    """TCP_NODELAY of a connection asyncio accepts on the listener (as a worker would)."""

    async def main() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Note(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Note, sock=listener)
        _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
        try:
            return await asyncio.wait_for(accepted, timeout=10)
        finally:
            writer.close()
            server.close()

    return asyncio.run(main())


def test_the_workers_connections_are_sent_without_delay() -> None:
    (listener,) = listeners(_config(1))
    assert listener.proto == socket.IPPROTO_TCP
    assert _accepted_nodelay(listener) != 0


def test_connections_to_the_address_spread_over_the_workers_sockets() -> None:
    socks = listeners(_config(2))
    try:
        assert socks[0].getsockname() == socks[1].getsockname()  # one address
        clients = [socket.create_connection(socks[0].getsockname()[:2]) for _ in range(16)]
        accepted = []
        for sock in socks:
            sock.setblocking(False)
            count = 0
            while True:
                try:
                    conn, _ = sock.accept()
                except BlockingIOError:
                    break
                conn.close()
                count += 1
            accepted.append(count)
        for client in clients:
            client.close()
    finally:
        for sock in socks:
            sock.close()
    # The kernel hashes each connection to one socket: all 16 on one would be 1 in 30,000.
    assert sum(accepted) == 16 and min(accepted) > 0, accepted


def test_a_worker_starts_on_the_socket_of_the_first_slot_without_a_live_worker() -> None:
    socks = listeners(_config(3))
    handlers = {sig: signal.getsignal(sig) for sig in SIGNALS}
    try:
        supervisor = Workers(_config(3), socks)  # (uvicorn's supervisor takes the signals)

        def worker(alive: bool) -> SimpleNamespace:
            return SimpleNamespace(process=SimpleNamespace(is_alive=lambda: alive))

        assert supervisor.sockets == [socks[0]]  # starting: slot by slot
        supervisor.processes = [worker(True)]  # type: ignore[list-item]
        assert supervisor.sockets == [socks[1]]
        supervisor.processes = [worker(True), worker(False), worker(True)]  # type: ignore[list-item]
        assert supervisor.sockets == [socks[1]]  # its replacement takes the dead one's socket
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        for sock in socks:
            sock.close()
