"""How fast could one core go? A lower bound on the cost of a path-month, compiled and fused.

    pip install numba   # not a dependency of llmecon; this script only measures
    python benchmarks/fused_bound.py [--paths 1000000] [--months 60]

Issue 13 asks for 10M path-months per CPU second (100 ns a path-month). The engine is numpy,
block by block; this script asks whether any implementation of the same noise could reach
that on the machine it runs on. It compiles with numba (one pass per path, nothing written
to memory between steps) and times:

1. the scenario's monthly noise alone: six standard normals per path-month from the SFC64
   generator the engine uses (numba draws numpy's stream, identical numbers);
2. the same normals with their AR(1) recursion and ``exp`` (what a multiplier costs);
3. a cut-down MiniMax month on top: a consumer line (users, churn, marketing, paying rate,
   ARPPU, inference) and an API line (tokens, price, cost over utilisation), a one-month
   collection delay, company costs, interest and cash; no summaries, no B2B, no payables,
   no financing, no FX on cash. It is less than the engine does, so its time is a bound
   from below, not a port.

The ratios are against the 100 ns budget. Exits 0 without numba (nothing measured).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Any

import numpy as np

SDS = np.array([0.03, 0.02, 0.01, 0.01, 0.02, 0.015])  # MiniMax's noise (scenario show)
PHIS = np.array([0.9, 0.9, 0.9, 0.95, 0.95, 1.0])
BUDGET_NS = 100.0  # 10M path-months per second


def kernels() -> tuple[Any, Any, Any]:
    import numba

    @numba.njit(cache=False)
    def normals(g: Any, n: int) -> float:
        acc = 0.0
        for _ in range(n):
            acc += g.standard_normal()
        return acc

    @numba.njit(cache=False)
    def multipliers(g: Any, n: int, sd: float, phi: float) -> float:
        acc, z = 0.0, 0.0
        for _ in range(n):
            z = phi * z + sd * g.standard_normal()
            acc += math.exp(z - 0.5 * sd * sd)
        return acc

    @numba.njit(cache=False)
    def month(g: Any, paths: int, months: int, sds: Any, phis: Any, cash_out: Any) -> None:
        z, m = np.zeros(6), np.empty(6)
        for i in range(paths):
            users, tokens, price, cash, billed = 27.6e6, 1.3e12, 0.384, 1006.8, 8.06
            z[:] = 0.0
            for _t in range(months):
                for k in range(6):
                    z[k] = phis[k] * z[k] + sds[k] * g.standard_normal()
                    m[k] = math.exp(z[k] - 0.5 * sds[k] * sds[k])
                consumer = users * 0.05 * m[1] * 4.0 * m[2] * 1e-6
                inference = users * 58_100 * 30.4 * 0.1e-12 * m[4]
                api = tokens * m[0] * price * m[3] * 1e-12
                api_cost = tokens * m[0] * 0.1e-12 * m[4] / 0.65
                users = users * (1.0 - 0.1) + 2.5e6
                tokens *= 1.05
                price *= 0.99
                revenue = (consumer + api) * m[5]
                collected, billed = billed, revenue
                ocf = collected - inference - api_cost - 0.079 * consumer - 20.0
                cash = cash + ocf + max(cash, 0.0) * 0.003
            cash_out[i] = cash

    return normals, multipliers, month


def best_of(f: Any, repeats: int = 3) -> float:
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--months", type=int, default=60)
    a = ap.parse_args()
    try:
        normals, multipliers, month = kernels()
    except ImportError:
        print("numba is not installed: nothing measured (pip install numba)")
        return 0
    g = np.random.Generator(np.random.SFC64(1))
    pm = a.paths * a.months
    cash = np.empty(a.paths)
    normals(g, 10), multipliers(g, 10, 0.02, 0.9), month(g, 10, 2, SDS, PHIS, cash)  # compile
    rows = [("6 normals", 6 * best_of(lambda: normals(g, pm // 6)) / (pm // 6)),
            ("6 normals + AR(1) + exp",
             6 * best_of(lambda: multipliers(g, pm // 6, 0.02, 0.9)) / (pm // 6)),
            ("cut-down MiniMax month", best_of(lambda: month(g, a.paths, a.months, SDS, PHIS,
                                                             cash), 1) / pm)]
    print(f"{'per path-month':28} {'ns':>7} {'of the 100 ns budget':>21} {'M/s at most':>12}")
    for name, s in rows:
        ns = s * 1e9
        print(f"{name:28} {ns:7.1f} {ns / BUDGET_NS:20.0%} {1e3 / ns:12.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
