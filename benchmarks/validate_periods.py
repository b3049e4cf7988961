"""Validation time against the number of periods, as ratios against a baseline measured in the
same run (issue 14: validation was quadratic in periods, 132 s for 32k periods; the goal is
100k periods in under 5 s, linear scaling).

    python benchmarks/validate_periods.py [--periods 100000] [--baseline 10000]
                                          [--figures-per-period 1] [--budget 5] [--strict]

A company CSV with N periods (labels P000000..., one day apart, one month long, each with
``--figures-per-period`` figures: revenue, then cost of revenue) is written to a temporary
folder and checked with ``llmecon validate`` (load, every per-figure check, duplicate and
period-end checks, the company-level reconciliation) in a fresh process per case, after
warming the process's lazy imports on a 10-period file, so interpreter start and imports are
not counted. Reported: wall and CPU seconds, the ratio to the baseline case, and that ratio
divided by the ratio of periods (1.0 = linear; quadratic would be ~10 for 10x the periods).

The machine's speed is shown by a reference loop (10 million Python additions, about 0.4 s
of CPU on an idle 2020s desktop core), so a time measured on a loaded or slow machine can be
read against it. ``--strict`` exits with status 1 when the large case exceeds the budget.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ("company,period,period_end,period_months,metric,value,currency,unit,source_url,"
          "source_count,confidence,note,segment,role,tolerance\n")
ITEMS = ("revenue", "cost_of_revenue")

TIMER = """
import json, sys, time
from llmecon.cli import main
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    assert main(["validate", sys.argv[2]]) == 0  # warm the lazy imports
    w, c = time.perf_counter(), time.process_time()
    code = main(["validate", sys.argv[1]])
    w, c = time.perf_counter() - w, time.process_time() - c
print(json.dumps({"code": code, "wall_s": w, "cpu_s": c}))
"""


def write_company(path: Path, periods: int, per_period: int) -> int:
    """A valid company file with ``periods`` periods; returns the number of figures."""
    start = dt.date(1900, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        out.write("bench,META,,,name,Benchmark Co,,,,,,,,,\nbench,META,,,currency,USD,,,,,,,,,\n"
                  "bench,META,,,business_model,mixed,,,,,,,,,\n")
        for i in range(periods):
            end = start + dt.timedelta(days=i)
            for k, item in enumerate(ITEMS[:per_period]):
                value = (100 + i % 7) if k == 0 else (60 + i % 5)
                out.write(f"bench,P{i:06d},{end},1,{item},{value},USD,million,"
                          "benchmark (generated),1,high,,,,\n")
    return periods * per_period


def measure(path: Path, warm: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", TIMER, str(path), str(warm)],
                          capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"validate failed on {path}: {done.stderr}")
    return result


def reference_loop_s() -> float:
    c = time.process_time()
    s = 0
    for i in range(10_000_000):
        s += i
    return time.process_time() - c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--periods", type=int, default=100_000)
    ap.add_argument("--baseline", type=int, default=10_000)
    ap.add_argument("--figures-per-period", type=int, choices=(1, 2), default=1)
    ap.add_argument("--budget", type=float, default=5.0, help="seconds for --periods")
    ap.add_argument("--strict", action="store_true", help="exit 1 above the budget")
    args = ap.parse_args()
    ref = reference_loop_s()
    print(f"reference loop (10M Python additions): {ref:.2f} s CPU "
          "(about 0.4 s on an idle desktop core)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.csv"
        write_company(warm, 10, args.figures_per_period)
        for n in (args.baseline, args.periods):
            p = Path(tmp) / f"periods_{n}.csv"
            figures = write_company(p, n, args.figures_per_period)
            rows.append((n, figures, measure(p, warm)))
    (n0, _, base), (n1, _, big) = rows
    print(f"{'periods':>9} {'figures':>9} {'wall s':>8} {'CPU s':>8} {'x baseline':>11} "
          f"{'/ x periods':>12}")
    for n, figures, r in rows:
        ratio = r["cpu_s"] / base["cpu_s"]
        print(f"{n:>9,} {figures:>9,} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} {ratio:>11.2f} "
              f"{ratio / (n / n0):>12.2f}")
    ok = big["cpu_s"] < args.budget
    print(f"{n1:,} periods: {big['cpu_s']:.2f} s CPU ({big['wall_s']:.2f} s wall); budget "
          f"{args.budget:g} s: {'within' if ok else 'OVER'}; scaling "
          f"{big['cpu_s'] / base['cpu_s'] / (n1 / n0):.2f} x linear")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
