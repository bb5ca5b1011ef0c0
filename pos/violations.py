"""What ``otop-pos check`` reports: a violation of a rule, and the rules themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from kernel.money import format_baht


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``rule`` a stable slug, ``where`` what a person looks up, ``detail``
    a sentence with the numbers."""

    rule: str
    where: str
    detail: str


@dataclass(frozen=True)
class Rule:
    slug: str
    summary: str  # what holds while the rule does, in one line
    find: Callable[[Connection], Iterable[Violation]]


def baht(satang: int | None) -> str:
    """``12050`` -> ``'120.50 baht'`` (a missing sum reads as zero)."""
    return f"{format_baht(int(satang or 0))} baht"
