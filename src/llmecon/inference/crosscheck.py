"""Each inference model checked on the other's data.

The published-case roofline (:func:`llmecon.inference.calibration.load_efficiency`: the
efficiency factors calibrated on 20 published deployments, no engine's fixed times; it
gives the serving model its decode compute efficiency and answers ``inference accuracy``)
checked against measured runs it was not calibrated on: :func:`roofline_on_measured`
predicts the time per output token of every aggregated run of a measured table
(``measured_serving.csv`` format) with it, at the run's batch per GPU (requests in flight /
GPUs of the worker), its parallelism, precision and lengths, and summarises
|predicted / measured - 1|. The figures are recorded in ``data/inference/efficiency.yaml``.
The other way round, :func:`serving_on_cases` predicts the published deployments with the
serving model's factors for one engine (its efficiencies and fixed step times), the model
every inference command answers with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from llmecon.config.serving import RooflineError, ServingFactors
from llmecon.errors import InputError
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import Catalog
from llmecon.inference.measured import Runs

Array = np.ndarray[Any, Any]


@dataclass(frozen=True)
class RooflineCheck:
    """TPOT errors of the roofline on the aggregated runs it could evaluate."""

    rows: int
    tpot_median: float  # median |predicted / measured - 1|
    tpot_p90: float
    median_ratio: float  # median predicted / measured (below 1: predicted too fast)
    predicted_tpot_ms: Array  # per row of the table, NaN where not evaluated


def roofline_on_measured(runs: Runs, measured_tpot_ms: Array, catalog: Catalog,
                         eff: rf.Efficiency) -> RooflineCheck:
    """Predict each aggregated run's TPOT with the roofline at ``eff``; runs it refuses (a
    precision the GPU lacks, weights or KV cache that do not fit) are left out."""
    from llmecon.inference.serving import ServingConfig, evaluate

    pred = np.full(len(runs), np.nan)
    for i in np.flatnonzero((runs.status == "ok") & runs.agg):
        g = int(runs.gpus_per_worker[i])
        try:
            cfg = ServingConfig(model=runs.models[runs.model_index[i]],
                                gpu=runs.gpus[runs.gpu_index[i]].name,
                                precision=str(runs.precision[i]),
                                kv_dtype="fp8" if runs.kv_bytes[i] < 2 else "bf16", gpus=g,
                                tp=int(runs.tp[i]),
                                batch_per_gpu=float(runs.concurrency[i]) / g,
                                input_tokens=float(runs.isl[i]),
                                output_tokens=float(runs.osl[i]))
            pred[i] = evaluate(cfg, catalog, eff).tpot_ms
        except InputError:
            continue
    ok = np.isfinite(pred) & (measured_tpot_ms > 0)
    if not ok.any():
        raise InputError("roofline check: no aggregated run of the table could be evaluated")
    ratio = pred[ok] / measured_tpot_ms[ok]
    err = np.abs(ratio - 1.0)
    return RooflineCheck(int(ok.sum()), float(np.median(err)), float(np.quantile(err, 0.9)),
                         float(np.median(ratio)), pred)


def serving_on_cases(cases: list[Any], catalog: Catalog, factors: ServingFactors,
                     engine: str) -> dict[str, float]:
    """predicted / published - 1 for each published case (:mod:`llmecon.inference.calibration`)
    with the serving model's factors of ``engine``: its prefill and decode efficiencies,
    network share, memory reserve, routed experts' prefill efficiency, and its fixed time per
    layer (and per MoE layer) in every decode step."""
    from llmecon.inference.calibration import predict
    from llmecon.inference.engines import engine_efficiency

    eff = engine_efficiency(factors, engine)
    return {c.id: float(predict(c, eff, catalog)) / c.published - 1.0 for c in cases}


def roofline_record(check: RooflineCheck, table: str) -> RooflineError:
    """What ``data/inference/efficiency.yaml`` records of ``check`` (shares to 0.1 point)."""
    return RooflineError(table=table, rows=check.rows, tpot_median=round(check.tpot_median, 3),
                         tpot_p90=round(check.tpot_p90, 3),
                         median_ratio=round(check.median_ratio, 3))
