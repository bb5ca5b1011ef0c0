"""``otop-pos serve --workers N``: uvicorn's supervisor, each worker on a socket of its own.

uvicorn shares one listening socket among its workers; every worker is woken for a new
connection and the first awake accepts all that wait. A till keeps its connection, so the
tills that connect together stayed with one worker while the others idled (measured: 8
connections opened at once landed 8-0 in 4 of 5 tries; the checkout bench on PostgreSQL
then ran on half the server). Here each worker listens on a socket of its own, all bound
to the same address with SO_REUSEPORT, and the kernel spreads new connections over them.

The parent keeps every socket open: while a worker is replaced, its connections wait in
its socket's queue for the next one, none is refused. The number of workers is fixed
(SIGHUP, SIGTTIN and SIGTTOU, which would start or stop workers on uvicorn's shared socket,
are refused: restart the service instead).
"""

from __future__ import annotations

import logging
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

log = logging.getLogger("uvicorn.error")


def listeners(config: uvicorn.Config) -> list[socket.socket]:
    """A listening socket per worker on the configured address (the first one chooses the
    port when it is 0). Each says that it is TCP: asyncio sets TCP_NODELAY only on accepted
    sockets whose ``proto`` is TCP (uvicorn binds with 0: every keep-alive answer after the
    first then waited ~43 ms for the client's delayed ACK; uvicorn issue #3149, open)."""
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    made: list[socket.socket] = []
    port = config.port
    try:
        for _ in range(config.workers):
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            made.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((config.host, port))
            sock.listen(config.backlog)
            sock.set_inheritable(True)
            port = sock.getsockname()[1]
    except OSError:
        for sock in made:
            sock.close()
        raise
    return made


class Workers(Multiprocess):
    """uvicorn's supervisor (start, health checks, replacing a dead or hung worker), the
    worker in slot *i* always on ``listeners[i]``."""

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        self.listeners = sockets
        super().__init__(config, sockets=[])

    @property  # type: ignore[override]
    def sockets(self) -> list[socket.socket]:
        """What uvicorn gives the worker it starts: the socket of the first slot without a
        live worker (uvicorn starts one at a time, and replaces a worker after its end)."""
        for slot, sock in enumerate(self.listeners):
            if slot >= len(self.processes) or not self.processes[slot].process.is_alive():
                return [sock]
        raise RuntimeError("every worker's socket has a live worker")

    @sockets.setter
    def sockets(self, _: list[socket.socket]) -> None:
        """uvicorn's constructor sets the shared sockets; there are none here."""

    def handle_hup(self) -> None:
        log.warning("SIGHUP ignored: the workers keep their sockets; restart the service")

    def handle_ttin(self) -> None:
        log.warning("SIGTTIN ignored: the number of workers is fixed by --workers")

    def handle_ttou(self) -> None:
        log.warning("SIGTTOU ignored: the number of workers is fixed by --workers")
