from __future__ import annotations

from litestar import get


@get("/health", sync_to_thread=False, exclude_from_csrf=True, include_in_schema=False)
def health() -> dict[str, str]:
    """Bare liveness: no database, so its rate is the server's ceiling."""
    return {"status": "ok"}


HANDLERS = [health]
