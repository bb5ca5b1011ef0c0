"""PromptPay figures: payloads per second from ours and from the PyPI ``promptpay`` package
(the fastest Python peer, a dev-only dependency) in the same run, and QR render times.

Run alone with ``python -m bench.promptpay [--quick]``; for the harness, ``markdown(run())``
is the table and ``report(quick=...)`` a :class:`bench.report.Report` that fails when ours
is not faster than the peer at building payloads.
"""

from __future__ import annotations

import io
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from payments import promptpay, qr

HEADER = ("measure", "ours", "peer", "ratio")
TITLE = "PromptPay payloads and QR (peer: PyPI package `promptpay`)"
MOBILE = "0812345678"
NATIONAL_ID = "3100600445635"


@dataclass(frozen=True, slots=True)
class Figure:
    measure: str
    ours: float
    peer: float | None
    unit: str  # "/s" (higher is better) or "ms" (lower is better)
    must_beat_peer: bool = False

    @property
    def ratio(self) -> float | None:
        """How many times better ours is (> 1: ours is better)."""
        if self.peer is None:
            return None
        return self.ours / self.peer if self.unit == "/s" else self.peer / self.ours

    def cells(self) -> tuple[str, str, str, str]:
        def show(value: float | None) -> str:
            if value is None:
                return "—"
            return f"{value:,.0f} {self.unit}" if value >= 100 else f"{value:.2f} {self.unit}"

        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}x"
        return (self.measure, show(self.ours), show(self.peer), ratio)


def _per_second(fn: Callable[[], object], number: int) -> float:
    """Best of 5 runs of ``number`` calls, as calls per second."""
    return number / min(timeit.repeat(fn, number=number, repeat=5))


def _ms(fn: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(fn, number=number, repeat=3)) / number * 1000


def _peer() -> Any:
    try:
        from promptpay import qrcode as peer  # the PyPI package, not ours
    except ImportError:
        return None
    return peer


def run(*, quick: bool = False) -> list[Figure]:
    """Every figure; ``quick`` runs a tenth of the calls."""
    peer = _peer()
    n = 5_000 if quick else 50_000
    if peer is not None and promptpay.credit_transfer(MOBILE, 15025) != peer.generate_payload(
        MOBILE, 150.25
    ):
        raise RuntimeError("ours and the peer build different payloads: nothing to compare")
    payload = promptpay.credit_transfer(MOBILE, 15025)

    def peer_png() -> bytes:
        out = io.BytesIO()
        peer.to_image(payload).save(out, "PNG")
        return out.getvalue()

    def rate(ours: Callable[[], object], theirs: Callable[[], object]) -> tuple[float, Any]:
        return _per_second(ours, n), _per_second(theirs, n) if peer else None

    figures = [
        Figure(
            "static payload, mobile",
            *rate(lambda: promptpay.credit_transfer(MOBILE), lambda: peer.generate_payload(MOBILE)),
            "/s",
            True,
        ),
        Figure(
            "dynamic payload, mobile + 150.25",
            *rate(
                lambda: promptpay.credit_transfer(MOBILE, 15025),
                lambda: peer.generate_payload(MOBILE, 150.25),
            ),
            "/s",
            True,
        ),
        Figure(
            "dynamic payload, national ID + 150.25, the till's one ID",
            *rate(
                lambda: promptpay.credit_transfer(NATIONAL_ID, 15025),
                lambda: peer.generate_payload(NATIONAL_ID, 150.25),
            ),
            "/s",
            True,
        ),
        _fresh_ids_figure(peer, n),
        Figure(
            "parse with CRC check", _per_second(lambda: promptpay.parse(payload), n), None, "/s"
        ),
        Figure("SVG render", _ms(lambda: qr.payload_svg(payload), n // 250), None, "ms"),
        Figure(
            "PNG render",
            _ms(lambda: qr.payload_png(payload), n // 250),
            _ms(peer_png, n // 250) if peer else None,
            "ms",
        ),
    ]
    return figures


def _fresh_ids_figure(peer: Any, n: int) -> Figure:
    """A new national ID every call: the check-digit cache never helps."""
    ids = [_national_id(i) for i in range(n * 5 * 2)]
    ours_ids, peer_ids = iter(ids), iter(ids)

    def ours() -> object:
        return promptpay.credit_transfer(next(ours_ids), 15025)

    def theirs() -> object:
        return peer.generate_payload(next(peer_ids), 150.25)

    return Figure(
        "dynamic payload, national ID + 150.25, a new ID each time",
        _per_second(ours, n),
        _per_second(theirs, n) if peer else None,
        "/s",
    )


def _national_id(i: int) -> str:
    from stdnum.th import pin

    body = f"1{i:011d}"
    return body + pin.calc_check_digit(body)


def markdown(figures: list[Figure]) -> str:
    """The figures as a Markdown table | measure | ours | peer | ratio |."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(figure.cells()) + " |" for figure in figures]
    return "\n".join(lines)


def report(*, quick: bool = False) -> Any:
    """A ``bench.report.Report``: the table, and a failing row where the peer is faster."""
    from bench.report import Report, Row

    figures = run(quick=quick)
    rows = [
        Row(
            figure.measure,
            "faster than the peer",
            "peer not installed" if figure.ratio is None else f"{figure.ratio:.2f}x the peer",
            None if figure.ratio is None else figure.ratio > 1,
        )
        for figure in figures
        if figure.must_beat_peer
    ]
    notes = [] if _peer() else ["peer not measured: pip install promptpay (a dev dependency)"]
    return Report(TITLE, rows=rows, notes=notes, body=markdown(figures))


def main(argv: list[str] | None = None) -> int:
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    figures = run(quick=quick)
    print(f"### {TITLE}\n")
    print(markdown(figures))
    slower = [f.measure for f in figures if f.must_beat_peer and (f.ratio or 2) <= 1]
    if slower:
        print(f"\nslower than the peer: {', '.join(slower)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
