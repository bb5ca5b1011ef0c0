from __future__ import annotations

from litestar import Controller, get


class HealthController(Controller):
    """Liveness for the load balancer and the till."""

    @get("/health", sync_to_thread=False, exclude_from_csrf=True, include_in_schema=False)
    def health(self) -> dict[str, str]:
        """Bare liveness: no database, so its rate is the server's ceiling."""
        return {"status": "ok"}
