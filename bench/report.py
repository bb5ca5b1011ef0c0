"""What a benchmark reports: rows of measure / target / result / ok, printed as Markdown."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Row:
    measure: str
    target: str
    result: str
    ok: bool | None  # None: not measured (a missing module), which fails nothing


@dataclass(slots=True)
class Report:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    body: str | None = None  # a benchmark with its own table prints it as it is

    @property
    def failed(self) -> bool:
        return any(row.ok is False for row in self.rows)


@dataclass(frozen=True, slots=True)
class Latency:
    """Milliseconds of a batch of calls: median, 99th percentile (nearest rank), worst."""

    count: int
    p50: float
    p99: float
    max: float

    def describe(self) -> str:
        return f"p50 {self.p50:.2f} / p99 {self.p99:.2f} / max {self.max:.2f} ms (n={self.count})"


def percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[max(0, math.ceil(q * len(sorted_ms)) - 1)]


def latency(samples_ms: Iterable[float]) -> Latency:
    ordered = sorted(samples_ms)
    if not ordered:
        raise ValueError("no samples")
    return Latency(len(ordered), percentile(ordered, 0.5), percentile(ordered, 0.99), ordered[-1])


def time_each(call: Callable[[T], object], inputs: Iterable[T]) -> list[float]:
    """Milliseconds each call took (with the garbage collector paused, as timeit does)."""
    samples = []
    gc.collect()
    gc.disable()
    try:
        for value in inputs:
            started = time.perf_counter()
            call(value)
            samples.append((time.perf_counter() - started) * 1000)
    finally:
        gc.enable()
    return samples


def markdown(report: Report) -> str:
    lines = [f"### {report.title}", ""]
    if report.body is not None:
        lines.append(report.body)
    elif report.rows:
        lines += ["| measure | target | result | ok |", "|---|---|---|---|"]
        for row in report.rows:
            ok = "—" if row.ok is None else "yes" if row.ok else "**NO**"
            lines.append(f"| {row.measure} | {row.target} | {row.result} | {ok} |")
    if report.notes:
        lines.append("")
        lines.extend(f"- {note}" for note in report.notes)
    return "\n".join(lines)
