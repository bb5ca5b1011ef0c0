"""Every controller of the service; each module exports the handlers it owns."""

from web.controllers import auth, health, pages

ROUTE_HANDLERS = [
    *auth.HANDLERS,
    *health.HANDLERS,
    *pages.HANDLERS,
]
