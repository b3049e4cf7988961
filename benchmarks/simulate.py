"""Monte Carlo speed and memory, as ratios against baselines measured in the same run.

    python benchmarks/simulate.py [--paths 1000000] [--months 60] [--company minimax]
                                  [--workers 1 2 4] [--check-paths 1000000]
                                  [--scale-paths 100000 1000000 10000000]

Cases (each in a fresh process, so its peak RSS is its own):
1. Baseline: a plain per-path Python loop of the same model (floats and lists, not arrays,
   constants looked up once per path; written out below and checked against the engine on
   every sampled path to 1e-9), on ``--loop-paths`` paths drawn by the run's own sampler,
   extrapolated. Sampling and summaries are left out of the loop's time (its inputs are
   prepared beforehand), which flatters the baseline.
2. numpy backend, whole run (sampling, projection, streaming summaries), ``--paths`` paths.
   Cases 1 and 2 are compared on CPU seconds, which a shared machine's load does not change.
3. Dask with 1, 2, 4 local worker processes, the same run; results checked identical to
   numpy's. Speed-ups against case 2 in wall time (cluster start-up included).
4. Peak RSS against the number of paths (``--scale-paths``): flat, as memory is
   O(block x months). Runs above the library limit (``MAX_PATHS``) call the numpy backend
   directly.
5. Accuracy: sketched percentiles against exact ``np.percentile`` on ``--check-paths`` paths
   (cash and revenue per month).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np

from llmecon.constants import DAYS_PER_MONTH, MAX_PATHS
from llmecon.simulate.scenario import Scenario


def loop_path(s: Scenario, x: dict[str, float], mults: dict[str, list[float]]
              ) -> list[tuple[float, float]]:
    """One path of the projection as a plain loop over months: (cash, revenue) per month.
    ``mults`` maps driver names to a multiplier per month (absent: 1)."""
    h = s.horizon_months
    ones = [1.0] * h

    def mu(name: str) -> list[float]:
        return mults.get(name, ones)

    financing = [0.0] * h
    for f in s.financing:
        if f.month < h:
            financing[f.month] += f.amount
    lines = [_line_state(s, ln, x, mu) for ln in s.lines]
    cash, osm0 = x["start_cash"], x["other_sm_monthly"]
    decline, idx_m = 1.0 - x["inference_cost_decline_annual"], mu("inference_cost_index")
    osm_m, tc_m = mu("other_sm_monthly"), mu("training_compute_monthly")
    tc, tcg = x["training_compute_monthly"], 1.0 + x["training_compute_growth_annual"]
    oo, oog = x["other_opex_monthly"], 1.0 + x["opex_growth_annual"]
    out = []
    for t in range(h):
        years = t / 12.0
        index = decline ** years * idx_m[t]
        other_sm = osm0 * osm_m[t]
        m = [0.0] * 6  # revenue, cash in, cost of revenue, marketing, receivables, liab.
        for kind, st in lines:
            if kind == "c2c":
                _c2c_month(st, t, index, m)
            elif kind == "b2b":
                _b2b_month(st, t, other_sm / osm0 if osm0 > 0 else 1.0, m)
            else:
                _api_month(st, t, index, m)
        ocf = m[1] - m[2] - tc * tcg ** years * tc_m[t] - oo * oog ** years - other_sm - m[3]
        cash = cash + ocf + financing[t]
        out.append((cash, m[0]))
    return out


def _line_state(s: Scenario, ln: Any, x: dict[str, float], mu: Any) -> tuple[str, list[Any]]:
    """A line's constants and multipliers, looked up once per path."""
    p = ln.name + "."
    if ln.kind == "c2c":
        return "c2c", [x[p + "start_users"], x[p + "paying_rate"], mu(p + "paying_rate"),
                       x[p + "arppu_monthly"], mu(p + "arppu_monthly"),
                       x[p + "tokens_per_user_day"] * DAYS_PER_MONTH * x[p + "cost_per_m_tokens"],
                       x[p + "marketing_monthly"], mu(p + "marketing_monthly"),
                       x[p + "user_churn_monthly"], mu(p + "user_churn_monthly"),
                       x[p + "cac"], mu(p + "cac"), x[p + "other_cor_share"]]
    if ln.kind == "b2b":
        d, lag = ln.delivery_months, ln.collection_delay_months
        return "b2b", [[x[p + "contracts_per_month"]] * (d + lag) + [0.0] * s.horizon_months,
                       d, lag, s.start.month, ln.seasonality, x[p + "contracts_per_month"],
                       1.0 + x[p + "contract_growth_annual"], mu(p + "contracts_per_month"),
                       x[p + "sm_elasticity"], x[p + "contract_value"], mu(p + "contract_value"),
                       x[p + "advance_share"], x[p + "delivery_cost_share"]]
    return "api", [x[p + "tokens_per_month"], x[p + "price_per_m"], mu(p + "price_per_m"),
                   x[p + "cost_per_m_tokens"] / x[p + "utilisation"],
                   x[p + "volume_growth_monthly"], mu(p + "volume_growth_monthly"),
                   1.0 - x[p + "price_decline_monthly"]]


def _c2c_month(st: list[Any], t: int, index: float, m: list[float]) -> None:
    u, pay, pay_m, arppu, arppu_m, token_cost, mkt, mkt_m, churn, churn_m, cac, cac_m, \
        other_cor = st
    rev = u * pay * pay_m[t] * arppu * arppu_m[t]
    marketing = mkt * mkt_m[t]
    st[0] = u * (1.0 - churn * churn_m[t]) + marketing / (cac * cac_m[t])
    m[0] += rev
    m[1] += rev
    m[2] += u * token_cost * index / 1e6 + rev * other_cor
    m[3] += marketing


def _b2b_month(st: list[Any], t: int, spend: float, m: list[float]) -> None:
    buf, d, lag, month0, season, c0, growth, c_m, elasticity, cv, cv_m, adv, dcs = st
    k = d + lag + t
    buf[k] = c0 * growth ** (t / 12.0) * season[((month0 + t) % 12) // 3] * c_m[t] \
        * spend ** elasticity
    value = cv * cv_m[t]
    in_delivery = sum(buf[k - d + 1:k + 1])
    m[0] += buf[k - d] * value
    m[1] += buf[k] * value * adv + buf[k - d - lag] * value * (1.0 - adv)
    m[2] += in_delivery * value * dcs / d
    m[4] += sum(buf[k - d - lag + 1:k - d + 1]) * value * (1.0 - adv)  # receivables
    m[5] += in_delivery * value * adv  # contract liabilities


def _api_month(st: list[Any], t: int, index: float, m: list[float]) -> None:
    tok, price, price_m, cost, growth, growth_m, price_keep = st
    rev = tok * price * price_m[t] / 1e6
    m[0] += rev
    m[1] += rev
    m[2] += tok * cost * index / 1e6
    st[0] = tok * (1.0 + growth * growth_m[t])
    st[1] = price * price_keep


def _scenario(company: str, months: int) -> Scenario:
    from llmecon.api import load_company
    from llmecon.simulate.loaders import load_base_scenario as base_scenario

    return base_scenario(load_company(company), horizon_months=months)


def case_loop(s: Scenario, n: int) -> float:
    """CPU seconds per path of the plain loop, checked against the engine path by path."""
    from llmecon.simulate.run import simulate_paths
    from llmecon.simulate.sampling import sample_paths

    x, mults = sample_paths(s, 1, 0, n)
    ref = simulate_paths(s, 1, 0, n)
    # inputs as plain floats and lists, prepared outside the timing
    xs = [{k: float(v[i]) for k, v in x.items()} for i in range(n)]
    ms = [{k: (v.tolist() if v.ndim == 1 else v[i].tolist()) for k, v in mults.items()}
          for i in range(n)]
    t0 = time.process_time()
    got = [loop_path(s, xs[i], ms[i]) for i in range(n)]
    per_path = (time.process_time() - t0) / n
    cash = np.array([[c for c, _ in g] for g in got])
    rev = np.array([[r for _, r in g] for g in got])
    np.testing.assert_allclose(cash, ref.cash, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(rev, ref.revenue, rtol=1e-9, atol=1e-3)
    return per_path


def case_run(args: argparse.Namespace) -> dict[str, Any]:
    """One run in this process: seconds, peak RSS and a fingerprint of the result."""
    from llmecon.simulate.run import run

    s = _scenario(args.company, args.months)
    run(s, paths=2_000, seed=0)  # warm-up: first imports (scipy.stats) and caches
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0, c0 = time.perf_counter(), time.process_time()
    if args.paths > MAX_PATHS:  # above the library's limit: the same machinery, directly
        from llmecon.simulate.backends import run_numpy
        from llmecon.simulate.sampling import blocks_for

        red = run_numpy(s, 1, blocks_for(args.paths), 0, None)
        fingerprint = [float(v) for v in red.counts.sketches["cash"].percentiles([50])[0]]
    else:
        r = run(s, paths=args.paths, seed=1, backend=args.backend, workers=args.workers[0])
        fingerprint = [float(v) for v in r.percentiles["cash"].ravel()] + \
            [float(v) for v in r.mean["cash"]]
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": sec, "cpu_seconds": cpu, "rss_mib": rss / 1024,
            "rss_before_mib": rss0 / 1024, "fingerprint": fingerprint}  # before: after warm-up


def case_check(args: argparse.Namespace) -> dict[str, Any]:
    """Largest relative error of the sketched percentiles against np.percentile."""
    from llmecon.simulate.run import PERCENTILES, run, simulate_paths
    from llmecon.simulate.sampling import blocks_for

    s = _scenario(args.company, args.months)
    r = run(s, paths=args.paths, seed=3)
    worst = {}
    for metric in ("cash", "revenue"):
        exact = np.empty((len(PERCENTILES), args.months))
        for t0 in range(0, args.months, 12):  # a year of months at a time, to bound memory
            cols = slice(t0, min(t0 + 12, args.months))
            held = np.concatenate([getattr(simulate_paths(s, 3, first, n), metric)[:, cols]
                                   for first, n in blocks_for(args.paths)])
            exact[:, cols] = np.percentile(held, PERCENTILES, axis=0)
            del held
        worst[metric] = float(np.max(np.abs(r.percentiles[metric] - exact) / np.abs(exact)))
    return {"max_relative_error": worst}


def _child(case: str, args: argparse.Namespace, **over: Any) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--case", case, "--company", args.company,
           "--months", str(args.months)]
    for k, v in over.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--company", default="minimax")
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--paths", type=int, default=1_000_000)
    ap.add_argument("--loop-paths", type=int, default=2_000)
    ap.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    ap.add_argument("--scale-paths", type=int, nargs="*", default=[100_000, 1_000_000])
    ap.add_argument("--check-paths", type=int, default=1_000_000)
    ap.add_argument("--case", choices=("run", "check"), help=argparse.SUPPRESS)
    ap.add_argument("--backend", default="numpy", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(case_run(args) if args.case == "run" else case_check(args)))
        return
    report(args)


def report(args: argparse.Namespace) -> None:
    """Single-process cases are compared on CPU seconds (a shared machine's load changes
    their wall time, not their CPU time); Dask cases on wall time against numpy's."""
    pm = args.paths * args.months
    loop = case_loop(_scenario(args.company, args.months), args.loop_paths) * args.paths
    print(f"{args.company}, {args.paths:,} paths x {args.months} months "
          f"({pm:,} path-months)")
    print(f"{'case':42} {'wall s':>8} {'CPU s':>8} {'path-months/CPU s':>18} {'x loop':>7} "
          f"{'x numpy':>8} {'peak RSS':>10}")
    print(f"{'plain per-path Python loop (extrapolated)':42} {'':>8} {loop:8.1f} "
          f"{pm / loop:18,.0f} {1.0:7.1f}")
    base = _child("run", args, paths=args.paths)
    cpu = base["cpu_seconds"]
    print(f"{'numpy backend, one process':42} {base['seconds']:8.1f} {cpu:8.1f} "
          f"{pm / cpu:18,.0f} {loop / cpu:7.1f} {1.0:8.2f} {base['rss_mib']:6.0f} MiB")
    for w in args.workers:
        d = _child("run", args, paths=args.paths, backend="dask", workers=w)
        same = "identical" if d["fingerprint"] == base["fingerprint"] else "DIFFERENT"
        print(f"{f'dask, {w} worker process(es) ({same})':42} {d['seconds']:8.1f} {'':>8} "
              f"{'':>18} {'':>7} {base['seconds'] / d['seconds']:8.2f} "
              f"{d['rss_mib']:6.0f} MiB (client)")
    for n in args.scale_paths:
        r = _child("run", args, paths=n)
        print(f"peak RSS at {n:>13,} paths: {r['rss_mib']:6.0f} MiB "
              f"(after imports {r['rss_before_mib']:.0f} MiB), {r['seconds']:.1f} s wall, "
              f"{r['cpu_seconds']:.1f} s CPU")
    if args.check_paths:
        c = _child("check", args, paths=args.check_paths)
        errs = ", ".join(f"{k} {v:.4%}" for k, v in c["max_relative_error"].items())
        print(f"sketched percentiles vs np.percentile on {args.check_paths:,} paths: "
              f"largest relative error {errs} (bound 0.049%)")


if __name__ == "__main__":
    main()
