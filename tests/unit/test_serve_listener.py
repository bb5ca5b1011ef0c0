"""``otop-pos serve --workers N`` listens on a socket whose connections get TCP_NODELAY (uvicorn's
own left Nagle on: every keep-alive answer after the first waited ~43 ms for a delayed ACK)."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from web.cli import tcp_listener


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
    config = uvicorn.Config("web.app:create_app", host="127.0.0.1", port=0, workers=2)
    listener = tcp_listener(config)
    assert listener.proto == socket.IPPROTO_TCP
    assert _accepted_nodelay(listener) != 0
