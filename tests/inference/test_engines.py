"""One model behind every inference command: the single-configuration answers (throughput,
cost, fleet, sweep, the dashboard's calculator, unit economics) and the serving model of
'inference run' / 'frontier' / 'predict' agree where they describe the same deployment."""

from __future__ import annotations

import numpy as np
import pytest

from llmecon.cli.inference import DEFAULT_ENGINE as CLI_DEFAULT
from llmecon.cli.inference import ENGINES as CLI_ENGINES
from llmecon.errors import InputError
from llmecon.inference import roofline as rf
from llmecon.inference.catalog import load_catalog
from llmecon.inference.engines import (
    DEFAULT_ENGINE,
    ENGINES,
    engine_efficiency,
    load_serving_factors,
)
from llmecon.inference.modes import RunConfig, serve
from llmecon.inference.serving import ServingConfig, evaluate
from llmecon.inference.sweep import run_sweep

CAT = load_catalog()
F = load_serving_factors()


def test_the_cli_lists_the_engines_the_model_has() -> None:
    assert CLI_ENGINES == ENGINES and CLI_DEFAULT == DEFAULT_ENGINE
    assert set(F.engines) == set(ENGINES)


@pytest.mark.parametrize("engine", ENGINES)
def test_engine_efficiency_carries_the_fitted_factors(engine: str) -> None:
    e, f = engine_efficiency(F, engine), F.engines[engine]
    assert e.prefill_mfu == f.prefill_mfu and e.decode_bw == f.decode_bw
    assert e.step_s_per_layer == pytest.approx(f.step_us_per_layer / 1e6)
    assert e.moe_step_s_per_layer == pytest.approx(F.moe_step_us_per_layer / 1e6)
    assert e.disagg_ttft_s == pytest.approx(f.disagg_ttft_ms / 1e3)
    # by hand: Llama-3.1-70B has 80 layers, no MoE layer
    arch = rf.Arch.of([CAT.model("Llama-3.1-70B")])
    assert float(rf.fixed_step_s(arch, e)[0]) == pytest.approx(80 * f.step_us_per_layer / 1e6)


def test_an_unknown_engine_is_refused_by_name() -> None:
    with pytest.raises(InputError, match="engine: expected one of vllm, sglang, trtllm"):
        engine_efficiency(F, "tgi")


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("model", "gpu", "tp", "dp", "pp", "batch"),
                         [("Llama-3.1-70B", "H200", 4, 1, 1, 8.0),
                          ("Qwen3-32B", "H100", 2, 1, 1, 32.0),
                          ("DeepSeek-V3", "H200", 1, 8, 1, 16.0),
                          ("Llama-3.1-405B", "H100", 8, 1, 2, 4.0)])
def test_throughput_decode_is_the_serving_models(engine: str, model: str, gpu: str, tp: int,
                                                 dp: int, pp: int, batch: float) -> None:
    """'inference throughput' at a batch per GPU and 'inference run' of a disaggregated
    deployment holding that batch on one decode worker give the same time per output
    token (the same decode step: roofline terms plus the engine's fixed time, plus the
    crossings of pipeline stages)."""
    gpus = tp * dp * pp
    one = evaluate(ServingConfig(model=model, gpu=gpu, gpus=gpus, pp=pp, tp=tp,
                                 batch_per_gpu=batch, input_tokens=1000, output_tokens=1000,
                                 prefill_gpus=tp * pp,
                                 kv_dtype="fp8"),  # the measured runs: FP8 KV with FP8 weights
                   CAT, engine_efficiency(F, engine))
    run = serve(RunConfig(model=model, gpu=gpu, engine=engine, mode="disagg", isl=1000,
                          osl=1000, concurrency=int(batch * gpus), tp=tp, attention_dp=dp,
                          pp=pp, prefill_tp=tp, prefill_pp=pp, prefill_workers=1,
                          decode_workers=1), CAT, F)
    assert one.tpot_ms == pytest.approx(run.tpot_ms, rel=1e-9)
    assert one.fixed_ms > 0 and one.step_ms == pytest.approx(
        one.attention_ms + one.dense_ms + one.experts_ms + one.comm_ms + one.pipeline_ms
        + one.fixed_ms)
    assert (one.pipeline_ms > 0) == (pp > 1)


def test_sweep_rows_are_evaluate_answers() -> None:
    """Each sweep row is what evaluate gives for that configuration (decode and prefill
    throughput, TPOT), with the same engine's factors."""
    eff = engine_efficiency(F, "sglang")
    s = run_sweep(CAT, eff, models=["Llama-3.1-8B", "Qwen3-235B-A22B"], gpus=["H100", "H200"],
                  batches=[4.0, 64.0], input_tokens=[1000.0, 16000.0], prices=[2.0],
                  replica_gpus=8)
    frame = s.to_frame()
    for row in frame.itertuples():
        r = evaluate(ServingConfig(model=str(row.model), gpu=str(row.gpu), gpus=8,
                                   batch_per_gpu=float(row.batch_per_gpu),
                                   input_tokens=float(row.input_tokens), output_tokens=500,
                                   gpu_hour_price=2.0), CAT, eff) if row.fits else None
        if r is None:
            continue
        assert np.isclose(row.tpot_ms, r.tpot_ms, rtol=1e-9)
        assert np.isclose(row.decode_tokens_per_gpu_s, r.decode_tokens_per_gpu_s, rtol=1e-9)
        assert np.isclose(row.prefill_tokens_per_gpu_s, r.prefill_tokens_per_gpu_s, rtol=1e-9)


def test_a_disaggregated_first_token_waits_for_the_transfer() -> None:
    """With a separate prefill replica the no-queue TTFT adds the engine's disaggregated
    first-token time; the aggregated one does not (by hand: the difference is that time)."""
    eff = engine_efficiency(F, "trtllm")
    base = dict(model="Llama-3.1-8B", gpu="H100", gpus=1, batch_per_gpu=8.0)
    agg = evaluate(ServingConfig(**base), CAT, eff)
    dis = evaluate(ServingConfig(**base, prefill_gpus=1), CAT, eff)
    assert dis.ttft_ms - agg.ttft_ms == pytest.approx(F.engines["trtllm"].disagg_ttft_ms)
