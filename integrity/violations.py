"""What ``otop-pos check`` reports: a violation of a rule, and the rules themselves."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

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
    find: Callable[[Connection], Iterable[Violation]] | None = None
    # A rule that depends on the time of the check (``otop-pos check`` gives its clock's).
    timed: Callable[[Connection, datetime], Iterable[Violation]] | None = None

    def violations(self, conn: Connection, now: datetime | None) -> Iterable[Violation]:
        """The rule's violations; a timed rule checks only when given the time."""
        if self.timed is not None:
            return () if now is None else self.timed(conn, now)
        assert self.find is not None
        return self.find(conn)


def baht(satang: int | None) -> str:
    """``12050`` -> ``'120.50 baht'`` (a missing sum reads as zero)."""
    return f"{format_baht(int(satang or 0))} baht"
