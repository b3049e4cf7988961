"""Monte Carlo speed and memory, as ratios against baselines measured in the same run.

    python benchmarks/simulate.py [--paths 1000000] [--months 60] [--company minimax]
                                  [--workers 1 2 4] [--check-paths 1000000]
                                  [--scale-paths 100000 1000000 10000000]

Cases (each in a fresh process, so its peak RSS is its own):
1. Baseline: a plain per-path Python loop of the same model (floats and lists, not arrays,
   constants looked up once per path; ``benchmarks/loop_model.py``, checked against the
   engine on every sampled path to 1e-9 relative), on ``--loop-paths`` paths drawn by the
   run's own sampler, extrapolated. Sampling and summaries are left out of the loop's time
   (its inputs are prepared beforehand), which flatters the baseline.
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
from loop_model import loop_path

from llmecon.constants import MAX_PATHS
from llmecon.simulate.scenario import Scenario


def _scenario(company: str, months: int) -> Scenario:
    from llmecon.api import load_company
    from llmecon.simulate.loaders import load_base_scenario as base_scenario

    return base_scenario(load_company(company), horizon_months=months)


def case_loop(s: Scenario, n: int) -> float:
    """CPU seconds per path of the plain loop, checked against the engine path by path."""
    from llmecon.simulate.engine import financing_by_month
    from llmecon.simulate.run import simulate_paths
    from llmecon.simulate.sampling import sample_paths

    x, mults = sample_paths(s, 1, 0, n)
    ref = simulate_paths(s, 1, 0, n)
    # inputs as plain floats and lists, prepared outside the timing
    xs = [{k: float(v[i]) for k, v in x.items()} for i in range(n)]
    ms = [{k: (v.tolist() if v.ndim == 1 else v[i].tolist()) for k, v in mults.items()}
          for i in range(n)]
    financing = financing_by_month(s, False).tolist()
    foreign = financing_by_month(s, True).tolist()
    t0 = time.process_time()
    got = [loop_path(s, xs[i], ms[i], financing, foreign) for i in range(n)]
    per_path = (time.process_time() - t0) / n
    cash = np.array([[c for c, _ in g] for g in got])
    rev = np.array([[r for _, r in g] for g in got])
    np.testing.assert_allclose(cash, ref.cash, rtol=1e-9, atol=1e-3)
    np.testing.assert_allclose(rev, ref.revenue, rtol=1e-9, atol=1e-3)
    return per_path


def float32_error(s: Scenario, n: int = 4096) -> tuple[float, float]:
    """Largest |cash difference| per path-month when the multipliers, or the drivers, are
    rounded to float32 (the rest in float64): the issue allows float32 only where this is
    below a cent."""
    from llmecon.simulate.engine import project
    from llmecon.simulate.sampling import sample_paths

    x, m = sample_paths(s, 1, 0, n)
    ref = project(s, x, m).cash

    def f32(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v.astype(np.float32).astype(float) for k, v in d.items()}

    return (float(np.abs(project(s, x, f32(m)).cash - ref).max()),
            float(np.abs(project(s, f32(x), m).cash - ref).max()))


def breakdown(s: Scenario, n: int = 16_384, repeat: int = 7) -> dict[str, float]:
    """CPU ns per path-month of each part of one block (the best of ``repeat``): the noise
    normals alone, the noise recursion and exp, the rest of sampling, the projection and
    the summaries."""
    from llmecon.simulate.backends import SUMMARISED
    from llmecon.simulate.engine import project
    from llmecon.simulate.noise import active_noise, multipliers_from_normals
    from llmecon.simulate.sampling import sample_paths, uncertain_drivers
    from llmecon.simulate.summary import driver_matrix, reduce_block

    def best(fn: Any) -> tuple[float, Any]:
        times, out = [], None
        for _ in range(repeat):
            t0 = time.process_time()
            out = fn()
            times.append(time.process_time() - t0)
        return min(times), out

    rng = np.random.Generator(np.random.SFC64(0))  # the tiles' generator
    k = len(active_noise(s))
    normals_s, normals = best(lambda: [rng.standard_normal((s.horizon_months, n))
                                       for _ in range(k)])
    recursion_s, _ = best(lambda: multipliers_from_normals(s, normals))
    sample_s, (x, m) = best(lambda: sample_paths(s, 1, 0, n))
    project_s, p = best(lambda: project(s, x, m, series=SUMMARISED))
    names = uncertain_drivers(s)
    reduce_s, _ = best(lambda: reduce_block(p, driver_matrix(x, names, n), 0, 0))
    per = 1e9 / (n * s.horizon_months)
    return {f"noise normals ({k} processes)": normals_s * per,
            "noise recursion and exp": recursion_s * per,
            "rest of sampling": (sample_s - normals_s - recursion_s) * per,
            "projection": project_s * per, "summaries": reduce_s * per,
            "whole block": (sample_s + project_s + reduce_s) * per}


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
    ap.add_argument("--company", default="minimax", choices=["minimax"],
                    help="the loop baseline is checked on MiniMax's lines only (see "
                    "loop_model.py)")
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
    parts = breakdown(_scenario(args.company, args.months))
    print("CPU ns per path-month, one block of 16,384 paths: " + ", ".join(
        f"{k} {v:,.0f}" for k, v in parts.items()))
    mult, drivers = float32_error(_scenario(args.company, args.months))
    print(f"float32 instead of float64, largest cash error per path-month: multipliers "
          f"{mult:,.2f}, drivers {drivers:,.2f} (the bound for float32 is 0.01): float64 kept")
    if args.check_paths:
        c = _child("check", args, paths=args.check_paths)
        errs = ", ".join(f"{k} {v:.4%}" for k, v in c["max_relative_error"].items())
        print(f"sketched percentiles vs np.percentile on {args.check_paths:,} paths: "
              f"largest relative error {errs} (bound 0.049%)")


if __name__ == "__main__":
    main()
