"""Against a real ``otop-pos serve``: a path with a control character is a 400, not a 500; the
access log has one line a request that no client can forge; a client that leaves mid-body
leaves one line, not a traceback."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import Server, otop


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    folder = tmp_path_factory.mktemp("door")
    url = f"sqlite:///{folder / 'door.db'}"
    otop("migrate", database_url=url)
    log = folder / "server.log"
    with Server(url, log) as server:
        yield server, log


def _send(port: int, raw: bytes, *, leave_after: float | None = None) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        if leave_after is not None:
            time.sleep(leave_after)
            return b""
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
        return answer


def _get(port: int, target: bytes, headers: bytes = b"") -> bytes:
    return _send(
        port,
        b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n" + headers + b"Connection: close\r\n\r\n",
    )


def _log_after(log: Path, mark: int, wanted: str) -> str:
    for _ in range(50):
        text = log.read_text(errors="replace")[mark:]
        if wanted in text:
            return text
        time.sleep(0.1)
    return log.read_text(errors="replace")[mark:]


@pytest.mark.parametrize(
    "target",
    [
        b"/%00",
        b"/static/%00x.js",
        b"/api/v1/products/%00",
        b"/login%0d%0a",
        b"/a%1b%5b31m",
        b"/x%7f",
    ],
)
def test_a_path_with_a_control_character_is_a_400_with_a_code(
    served: tuple[Server, Path], target: bytes
) -> None:
    server, log = served
    answer = _get(server.port, target, b"Accept-Language: en\r\n")
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b'"code":"request.path_invalid"' in answer and b"control character" in answer
    assert "Traceback" not in log.read_text(errors="replace")


def test_a_raw_control_character_is_refused_by_the_server_itself(
    served: tuple[Server, Path],
) -> None:
    server, _ = served
    assert _get(server.port, b"/a\x01b").startswith(b"HTTP/1.1 400 ")


def test_one_access_line_a_request_that_a_forged_path_cannot_break(
    served: tuple[Server, Path],
) -> None:
    server, log = served
    mark = len(log.read_text(errors="replace"))
    forged = b"/health%0d%0aINFO - 2026 - otop.access - GET /admin 200 1.0ms"
    _get(
        server.port, forged.replace(b" ", b"%20") + b"?token=SECRET", b"Cookie: session=SECRET\r\n"
    )
    _get(server.port, b"/health?password=SECRET", b"Cookie: session=SECRET\r\n")
    text = _log_after(log, mark, "GET /health 200")
    lines = [line for line in text.splitlines() if "otop.access" in line]
    assert len(lines) == 2, text
    assert re.search(
        r"GET /health\\r\\nINFO - 2026 - otop\.access - GET /admin 200 1\.0ms 400 ", lines[0]
    )
    assert re.search(r"GET /health 200 \d+\.\dms$", lines[1])
    assert "SECRET" not in text and "token" not in text and "password" not in text


def test_a_client_that_leaves_mid_body_is_one_line_not_a_traceback(
    served: tuple[Server, Path],
) -> None:
    server, log = served
    mark = len(log.read_text(errors="replace"))
    _send(
        server.port,
        b"POST /api/v1/imports/products/preview HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n",
        leave_after=0.3,
    )
    text = _log_after(log, mark, "(client left)")
    assert "(client left)" in text and "client left during POST" in text
    assert "Traceback" not in text and "ERROR" not in text
    assert _get(server.port, b"/health").startswith(b"HTTP/1.1 200 ")  # the server carries on
