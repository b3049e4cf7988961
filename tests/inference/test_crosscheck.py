"""The published-case roofline against the measured runs it was not calibrated on: the
figures recorded in data/inference/efficiency.yaml are the ones measured, and a hand check
of what the comparison does for one run; the serving model (every command's) against the
published cases."""

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
    sequences per GPU, tp 4, with the run's lengths (evaluate at the case calibration)."""
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


def test_serving_model_on_the_published_cases() -> None:
    """The other way round (docs/inference.md): the serving model's factors, fitted on single-system
    measured runs with the decode efficiency of the published-case calibration, against the
    20 published deployments (each against its published figure and tolerance, cases.yaml):
    most within tolerance, decode of LMSYS's 96-GPU DeepSeek within a fifth; prefill of the
    large expert-parallel MoE deployments under-predicted (routed experts' prefill
    efficiency, fitted on the measured first-token times, is low)."""
    from llmecon.inference.calibration import load_cases
    from llmecon.inference.crosscheck import serving_on_cases
    from llmecon.inference.engines import load_serving_factors
    from llmecon.inference.fit import case_decode_mfu

    cases = load_cases()
    factors = load_serving_factors()
    assert all(e.decode_mfu == case_decode_mfu() for e in factors.engines.values())
    for engine in ("trtllm", "sglang", "vllm"):
        errors = serving_on_cases(cases, CAT, factors, engine)
        assert len(errors) == len(cases) == 20
        median = float(np.median(np.abs(list(errors.values()))))
        assert median <= 0.25, (engine, median)
        within = [c.id for c in cases if abs(errors[c.id]) <= c.tolerance]
        assert len(within) >= 17, (engine, within)
        assert abs(errors["lmsys-decode"]) < 0.2
        assert errors["ant-h20-prefill"] < -0.5 and errors["lmsys-prefill-2k"] < -0.25


def test_serving_on_cases_adds_the_fixed_step_time_by_hand() -> None:
    """With every factor but the fixed step times ideal, one Llama-3.1-70B decode step at
    batch 1 is the roofline's step plus 80 layers x the engine's time per layer."""
    from llmecon.config.inference import EngineFactors, ServingFactors
    from llmecon.inference.calibration import load_cases
    from llmecon.inference.crosscheck import serving_on_cases

    case = next(c for c in load_cases() if c.id == "nim-70b-itl")  # a TPOT (ms) case
    e0 = EngineFactors(prefill_mfu=1.0, decode_mfu=1.0, decode_bw=1.0, step_us_per_layer=0.0)
    e1 = e0.model_copy(update={"step_us_per_layer": 50.0})
    f0 = ServingFactors(engines={"trtllm": e0}, network=1.0)
    f1 = ServingFactors(engines={"trtllm": e1}, network=1.0)
    t0 = (serving_on_cases([case], CAT, f0, "trtllm")[case.id] + 1) * case.published
    t1 = (serving_on_cases([case], CAT, f1, "trtllm")[case.id] + 1) * case.published
    # Llama-3.1-70B has 80 layers and no MoE layer: 80 x 50 us = 4 ms more per token
    assert t1 - t0 == pytest.approx(80 * 50e-3, rel=1e-6)


def test_docs_quote_the_serving_models_case_error() -> None:
    """The line under the published-case table of docs/inference.md (``make accuracy``
    prints it) is
    the serving model's error on the cases with the default engine's factors."""
    import statistics

    from llmecon.inference.calibration import load_cases
    from llmecon.inference.crosscheck import serving_on_cases
    from llmecon.inference.engines import DEFAULT_ENGINE, load_serving_factors

    cases = load_cases()
    got = serving_on_cases(cases, CAT, load_serving_factors(), DEFAULT_ENGINE)
    median = statistics.median(abs(v) for v in got.values())
    inside = sum(abs(got[c.id]) <= c.tolerance for c in cases)
    readme = (Path(__file__).resolve().parents[2] / "docs" / "inference.md").read_text(
        encoding="utf-8")
    line = next(x for x in readme.splitlines()
                if x.startswith("The serving model every command answers with"))
    assert f"median {median:.1%}, {inside} of {len(cases)} cases within" in line, line
