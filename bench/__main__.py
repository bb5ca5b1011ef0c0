"""``make bench``: every benchmark, each printing a Markdown table.

    python -m bench               # full scale (the figures the README reports)
    python -m bench --quick       # a tenth of the scale: a smoke run
    python -m bench --only catalogue

Exits 1 when a measured figure misses its target.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    accounts,
    catalogue,
    checkout,
    payout_page,
    reports,
    scale,
    stalls,
    till_browser,
    till_outage,
)
from bench.report import Report, markdown


def promptpay(directory: Path, *, quick: bool) -> Report:
    """Ours against the PyPI peer; fails when ours is slower."""
    from bench import promptpay as module

    report: Report = module.report(quick=quick)
    return report


# Later issues add theirs here (checkout...): name -> run(directory, quick=...) -> Report.
BENCHMARKS: dict[str, Callable[..., Report]] = {
    "catalogue": catalogue.run,
    "promptpay": promptpay,
    "checkout": checkout.run,
    "till_browser": till_browser.run,
    "till_outage": till_outage.run,
    "reports": reports.run,
    "accounts": accounts.run,
    "payout_page": payout_page.run,
    "stalls": stalls.run,
    "scale": scale.run,  # issue 22's table at ten times (not in a plain run: it builds 10x)
}
# Run only when asked for by name: the 10x build takes a while the first time.
ON_REQUEST = {"scale"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the scale")
    parser.add_argument("--only", choices=sorted(BENCHMARKS), help="run one benchmark")
    args = parser.parse_args(argv)
    names = [args.only] if args.only else [n for n in BENCHMARKS if n not in ON_REQUEST]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{os.cpu_count()} CPUs, load average {load} at the start\n")
    failed = []
    for name in names:
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix=f"otop-bench-{name}-") as directory:
            report = BENCHMARKS[name](Path(directory), quick=args.quick)
        print(markdown(report))
        print(f"\n({name}: {time.perf_counter() - started:.1f} s in all)\n", flush=True)
        if report.failed:
            failed.append(name)
    if failed:
        print(f"missed targets in: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
