"""Words the portal's pages put days and percentages in: ``21 พ.ย. 2569`` in Thai (Buddhist
era), ``21 Nov 2026`` in English; ``10`` or ``12.5`` per cent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pos.reports.periods import day_text, range_text


def percent_text(bp: int) -> str:
    """Basis points as a person says them: ``1000`` -> ``10``, ``1250`` -> ``12.5``."""
    whole, part = divmod(bp, 100)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}".rstrip("0")


def date_words(lang: str) -> dict[str, Callable[..., Any]]:
    """The template helpers ``day(d)``, ``days(start, end)`` and ``percent(bp)``."""
    return {
        "day": lambda day: day_text(day, lang),
        "days": lambda start, end: range_text(start, end, lang),
        "percent": percent_text,
    }
