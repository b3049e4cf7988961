"""Configurations per second of the vectorised inference model.

    make bench

The baseline, measured in the same run, is the same model evaluated one configuration at a
time (a Python loop calling the same functions with scalars), on a sample of the grid.
Goal (issue 13): 1,000,000 configurations swept and written to a CSV file in under 2 s; the
files are written as ``inference sweep -f FILE`` writes them (DuckDB's COPY from the
arrays), and the old way (a DataFrame and pandas ``to_csv``) is timed beside it.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from llmecon.fileio import write_frame
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import load_engine_efficiency
from llmecon.inference.sweep import run_sweep
from llmecon.report.inference import sweep_select


def main() -> None:
    cat, eff = load_catalog(), load_engine_efficiency()
    models = [m.name for m in cat.models][:10]  # 10 (the catalog has more)
    gpus = [g.name for g in cat.gpus][:10]  # 10
    batches = list(np.arange(1, 101, dtype=float))  # 100
    inputs = list(np.linspace(500, 32_000, 50))  # 50
    prices = [1.5, 2.0]  # 2 -> 10 x 10 x 100 x 50 x 2 = 1,000,000
    t0 = time.perf_counter()
    s = run_sweep(cat, eff, models=models, gpus=gpus, batches=batches, input_tokens=inputs,
                  prices=prices)
    vec = time.perf_counter() - t0
    n = len(s)
    # baseline: one configuration per call, on the first 2,000 of them
    sample = 2000
    t0 = time.perf_counter()
    for i in range(sample):
        mi, gi = int(s.model_index[i]), int(s.gpu_index[i])
        run_sweep(cat, eff, models=[models[mi]], gpus=[gpus[gi]],
                  batches=[float(s.batch_per_gpu[i])], input_tokens=[float(s.input_tokens[i])],
                  prices=[float(s.gpu_hour_price[i])])
    loop = (time.perf_counter() - t0) / sample
    print(f"{'case':46} {'configs/s':>12} {'seconds':>9}")
    print(f"{'one config per call (baseline, 2,000 sampled)':46} {1 / loop:12,.0f} "
          f"{loop * n:9.1f} (extrapolated to {n:,})")
    print(f"{'vectorised sweep':46} {n / vec:12,.0f} {vec:9.2f}")
    print(f"speed-up: {loop * n / vec:,.0f}x; fits in memory: {int(s.fits.sum()):,} of {n:,}")
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        write_frame(Path(d) / "sweep.csv", s.columns(), "csv", sweep_select(s))
        csv = time.perf_counter() - t0
        t0 = time.perf_counter()
        write_frame(Path(d) / "sweep.parquet", s.columns(), "parquet", sweep_select(s, csv=False))
        parquet = time.perf_counter() - t0
        t0 = time.perf_counter()
        s.to_frame().to_csv(Path(d) / "old.csv", index=False)
        old = time.perf_counter() - t0
        size = (Path(d) / "sweep.csv").stat().st_size
    print(f"{'CSV file, DuckDB COPY from the arrays':46} {n / csv:12,.0f} {csv:9.2f} "
          f"({size / 2**20:,.0f} MiB)")
    print(f"{'Parquet file, DuckDB COPY':46} {n / parquet:12,.0f} {parquet:9.2f}")
    print(f"{'CSV file, pandas to_csv (before)':46} {n / old:12,.0f} {old:9.2f}")
    print(f"sweep + CSV file: {vec + csv:.2f} s (goal: under 2 s)")


if __name__ == "__main__":
    main()
