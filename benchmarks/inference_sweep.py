"""Configurations per second of the vectorised inference model.

    make bench

The baseline, measured in the same run, is the same model evaluated one configuration at a
time (a Python loop calling the same functions with scalars), on a sample of the grid.
Goal: 1,000,000 configurations in seconds.
"""

from __future__ import annotations

import time

import numpy as np

from llmecon.inference.calibration import load_efficiency
from llmecon.inference.catalog import load_catalog
from llmecon.inference.sweep import run_sweep


def main() -> None:
    cat, eff = load_catalog(), load_efficiency()
    models = [m.name for m in cat.models]  # 10
    gpus = [g.name for g in cat.gpus]  # 10
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


if __name__ == "__main__":
    main()
