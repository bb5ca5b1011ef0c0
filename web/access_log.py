"""The door every HTTP request passes: a path with a control character is refused (400), each
request leaves one access-log line, and a client that left mid-body is marked as gone.

One line a request on the ``otop.access`` logger: method, path, status, milliseconds. No
query string (a token could ride in it), no headers, no cookies. Control characters in any
logged text are escaped (:func:`escaped`, and :class:`EscapeControls` on the handlers), so no
client can forge a line of the server's log with a CR/LF.

A path carrying NUL (``/static/%00x.js``) reached the file system and failed there with a
traceback and a 500; it is refused here before routing. Litestar reads a body that stops
early (the client closed the connection) as an error; :data:`CLIENT_LEFT` in the scope lets
the error handler say so in one line instead.
"""

from __future__ import annotations

import json
import logging
import time
import unicodedata
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from kernel.errors import DomainError
from web.errors import CLIENT_LEFT, BadRequestError, preferred_language

log = logging.getLogger("otop.access")


def escaped(text: str) -> str:
    """``text`` with every control, format or line-separator character as ``\\xNN``/``\\uNNNN``."""
    if text.isprintable():
        return text
    return "".join(
        char if char.isprintable() or char == " " else char.encode("unicode_escape").decode()
        for char in text
    )


def has_control(path: str) -> bool:
    """A control character (C0, DEL, C1) anywhere in the decoded path."""
    return any(unicodedata.category(char) == "Cc" for char in path)


class EscapeControls(logging.Filter):
    """Makes every record's message one line: CR, LF and other controls escaped (a traceback
    the record carries is formatted after and keeps its own lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.isprintable():
            record.msg, record.args = escaped(message), None
        return True


def install_log_escaping() -> None:
    """:class:`EscapeControls` on the root logger's handlers (once each)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, EscapeControls) for f in handler.filters):
            handler.addFilter(EscapeControls())


def path_refusal() -> DomainError:
    return BadRequestError(
        "request.path_invalid", "ที่อยู่ที่ขอมีอักขระควบคุม (เช่น %00) ซึ่งระบบไม่รับ", field="path"
    )


class AccessGate:
    """ASGI wrapper around the whole application (routing and error handling included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        async def receiving() -> Any:
            message = await receive()
            if message["type"] == "http.disconnect":
                scope[CLIENT_LEFT] = True  # type: ignore[literal-required]
            return message

        try:
            if has_control(scope["path"]):
                await _refuse(scope, sending)
            else:
                await self.app(scope, receiving, sending)  # type: ignore[arg-type]
        finally:
            gone = " (client left)" if scope.get(CLIENT_LEFT) else ""  # type: ignore[misc]
            log.info(
                "%s %s %d %.1fms%s",
                escaped(str(scope.get("method", ""))),
                escaped(scope["path"]),
                status,
                (time.perf_counter() - started) * 1000,
                gone,
            )


async def _refuse(scope: Scope, send: Any) -> None:
    headers = dict(scope.get("headers") or [])
    lang = preferred_language(headers.get(b"accept-language", b"").decode("latin-1")) or "th"
    refusal = path_refusal()
    body = json.dumps(
        {
            "status_code": 400,
            "code": refusal.code,
            "detail": refusal.message_in(lang),
            "params": {},
            "field": refusal.field,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 400,
            "headers": [
                (b"content-type", b"application/json"),
                (b"x-content-type-options", b"nosniff"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
