"""Time the serving model on the shared measured table, and one model's frontier.

    PYTHONPATH=src python benchmarks/inference_predict.py [TABLE.csv]

``predict_table`` on the whole table (goal: under 2 s) is compared with a baseline measured
in the same run: the same model called one row at a time (a Python loop over the first 200
rows, extrapolated to the table). ``frontier`` for DeepSeek-V3 on H200 is timed likewise
against evaluating its grid one configuration at a time (``modes.serve`` per point, on a
sample of 50 points, extrapolated).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_serving_factors
from llmecon.inference.frontier import CONCURRENCY, MAX_GPUS, _grid, _layouts, frontier
from llmecon.inference.measured import load_measured, predict_table

TABLE = Path(__file__).resolve().parents[1] / "tests/data/measured_serving/measured_serving.csv"
LOOP_ROWS = 200
LOOP_POINTS = 50


def _line(case: str, seconds: float, rows: int) -> None:
    print(f"{case:58} {seconds:9.3f} s {rows / seconds:12,.0f} rows/s")


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else TABLE
    cat, factors = load_catalog(), load_serving_factors()
    frame = load_measured(path)
    n = len(frame)
    t0 = time.perf_counter()
    out = predict_table(frame, cat, factors)
    vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i in range(min(LOOP_ROWS, n)):
        predict_table(frame.iloc[i:i + 1], cat, factors)
    loop = (time.perf_counter() - t0) / min(LOOP_ROWS, n) * n
    print(f"predict_table on {path.name}: {n:,} rows, {(out.status == 'ok').mean():.1%} ok")
    _line(f"one row per call (baseline, {LOOP_ROWS} rows, extrapolated)", loop, n)
    _line("vectorised predict_table (goal < 2 s)", vec, n)
    print(f"speed-up: {loop / vec:,.0f}x")

    model, gpu = "DeepSeek-V3", "H200"
    t0 = time.perf_counter()
    front = frontier(model, gpu, cat, factors, gpu_hour_price=2.5)
    f_vec = time.perf_counter() - t0
    m, g = cat.model(model), cat.gpu(gpu)
    grid = _grid(m.name, g.name, "trtllm", "fp8", 2000.0, 500.0,
                 _layouts(m.is_moe, g.scale_up_domain, max(MAX_GPUS, g.scale_up_domain)),
                 CONCURRENCY)
    k = min(LOOP_POINTS, len(grid))
    t0 = time.perf_counter()
    for i in range(k):
        predict_table(grid.iloc[i:i + 1], cat, factors)
    f_loop = (time.perf_counter() - t0) / k * len(grid)
    print(f"frontier {model} on {gpu}: {len(grid):,} configurations in the grid, "
          f"{front.evaluated:,} kept (no KV queueing), {len(front.points)} on the frontier")
    _line(f"one configuration per call (baseline, {k} sampled)", f_loop, len(grid))
    _line("vectorised frontier", f_vec, len(grid))
    print(f"speed-up: {f_loop / f_vec:,.0f}x")


if __name__ == "__main__":
    main()
