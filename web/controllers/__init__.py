"""Every controller of the service: each module here exports ``HANDLERS``."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any


def _collect() -> list[Any]:
    handlers: list[Any] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        handlers.extend(getattr(module, "HANDLERS", []))
    return handlers


ROUTE_HANDLERS = _collect()
