"""The published-case roofline against the measured runs it was not calibrated on: the
figures recorded in data/inference/efficiency.yaml (and shown beside its answers) are the
ones measured, and a hand check of what the comparison does for one run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from llmecon.inference.calibration import load_efficiency, load_roofline_error
from llmecon.inference.catalog import load_catalog
from llmecon.inference.crosscheck import roofline_on_measured
from llmecon.inference.measured import load_measured, parse_runs
from llmecon.inference.serving import ServingConfig, evaluate

CAT = load_catalog()
TABLE = Path(__file__).resolve().parents[1] / "data" / "measured_serving" / "measured_serving.csv"
needs_table = pytest.mark.skipif(not TABLE.exists(), reason="tests/data/measured_serving missing")


@needs_table
def test_recorded_roofline_error_is_the_measured_one() -> None:
    frame = load_measured(TABLE)
    runs = parse_runs(frame, CAT)
    check = roofline_on_measured(runs, frame["silicon_tpot_ms"].to_numpy(dtype=float), CAT,
                                 load_efficiency())
    rec = load_roofline_error()
    assert check.rows == rec.rows
    assert check.tpot_median == pytest.approx(rec.tpot_median, abs=1e-3)
    assert check.tpot_p90 == pytest.approx(rec.tpot_p90, abs=1e-3)
    assert check.median_ratio == pytest.approx(rec.median_ratio, abs=1e-3)
    # only aggregated runs are compared
    assert np.isnan(check.predicted_tpot_ms[~runs.agg]).all()


@needs_table
def test_one_run_is_predicted_as_the_cost_command_would() -> None:
    """A Llama-3.1-70B run on 4 x H200 at 32 requests in flight is the roofline at 8
    sequences per GPU, tp 4, with the run's lengths (what 'inference cost --batch 8' gives)."""
    frame = load_measured(TABLE)
    rows = frame[(frame["model_path"].str.contains("Llama-3.1-70B")) & (frame["mode"] == "agg")
                 & (frame["system"] == "h200_sxm") & (frame["tp_size"] == 4)
                 & (frame["silicon_data_source"].str.contains("silicon_concurrency=32;"))]
    assert len(rows) >= 1
    row = rows.iloc[[0]].reset_index(drop=True)
    runs = parse_runs(row, CAT)
    check = roofline_on_measured(runs, row["silicon_tpot_ms"].to_numpy(dtype=float), CAT,
                                 load_efficiency())
    prec = str(runs.precision[0])
    cfg = ServingConfig(model="Llama-3.1-70B", gpu="H200", precision=prec,
                        kv_dtype="fp8" if prec in ("fp8", "fp4", "int8") else "bf16", gpus=4,
                        tp=4, batch_per_gpu=8.0, input_tokens=float(row["isl"][0]),
                        output_tokens=float(row["osl"][0]))
    assert check.predicted_tpot_ms[0] == pytest.approx(evaluate(cfg, CAT, load_efficiency())
                                                       .tpot_ms)
